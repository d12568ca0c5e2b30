#!/bin/sh
# install-deps.sh: installs every Debian package ftlint needs to build, test, fuzz and benchmark.
# This is the one place the dependency list lives; the Makefile and .ci/run call it.
# Usage: scripts/install-deps.sh [--check]   (--check: only report whether anything is missing)
# Besides Debian packages it installs one npm package into the project (.tools/npm, not
# committed): Microsoft's SARIF Multitool, which the tests use to check SARIF output against
# GitHub code scanning's ingestion rules.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Prefer the newest libclang Debian ships; fall back to the distribution default (14+).
LLVM_PKGS_NEW="libclang-19-dev llvm-19-dev clang-19 libclang-rt-19-dev"
LLVM_PKGS_OLD="libclang-dev llvm-dev clang libclang-rt-dev"
# The oldest libclang ftlint supports, for make check-oldest-libclang (when Debian has it).
OLDEST_PKGS="libclang-14-dev llvm-14-dev"
PKGS="libcjson-dev check pkg-config python3-dev python3 python3-jsonschema make gcc patch git valgrind pre-commit time binutils"

# The SARIF Multitool, pinned; tests/check_report.c runs the platform binary directly.
MULTITOOL_PKG="@microsoft/sarif-multitool@5.7.0"
MULTITOOL_PREFIX="$ROOT/.tools/npm"
MULTITOOL="$MULTITOOL_PREFIX/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"

missing() {
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
}

if [ "${1:-}" = "--check" ]; then
    if [ ! -x "$MULTITOOL" ]; then
        echo "missing: $MULTITOOL_PKG (npm, in .tools/npm)" >&2
        exit 1
    fi
    # shellcheck disable=SC2086 # the lists are meant to split into words
    if apt-cache show libclang-14-dev >/dev/null 2>&1; then PKGS="$PKGS $OLDEST_PKGS"; fi
    # shellcheck disable=SC2086
    m=$(missing $PKGS $LLVM_PKGS_NEW)
    [ -z "$m" ] && exit 0
    # Accept an older libclang if the newest is absent but a complete older set is installed.
    # shellcheck disable=SC2086
    m2=$(missing $PKGS $LLVM_PKGS_OLD)
    [ -z "$m2" ] && exit 0
    echo "missing packages: $m" >&2
    exit 1
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
if ! apt-cache show libclang-19-dev >/dev/null 2>&1; then LLVM="$LLVM_PKGS_OLD"; else LLVM="$LLVM_PKGS_NEW"; fi
if apt-cache show libclang-14-dev >/dev/null 2>&1; then LLVM="$LLVM $OLDEST_PKGS"; fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $PKGS $LLVM

# npm: Debian's nodejs and npm, unless a Node.js with npm is already installed (NodeSource's
# nodejs package bundles npm and conflicts with Debian's npm package).
if ! command -v npm >/dev/null 2>&1; then
    $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
if [ ! -x "$MULTITOOL" ]; then
    npm install --prefix "$MULTITOOL_PREFIX" --no-audit --no-fund --no-save "$MULTITOOL_PKG"
    # Its postinstall script only sets this bit; newer npm versions do not run such scripts.
    chmod u+x "$MULTITOOL"
fi
