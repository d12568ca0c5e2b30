#!/bin/sh
# precommit.sh: runs ftlint's pre-commit hook (.pre-commit-hooks.yaml) the way users run it,
# with Debian's pre-commit and `pre-commit try-repo`, in throwaway git repositories. No
# network: the hook repository is a local copy and `language: system` installs nothing.
# Usage: tests/precommit.sh (from anywhere); exit 0 when every expectation holds.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
command -v pre-commit >/dev/null || { echo "precommit.sh: pre-commit is not installed (scripts/install-deps.sh)"; exit 1; }
# The binary under test: $FTLINT when set (make check-asan, check-valgrind), else ./ftlint.
bin=${FTLINT:-$root/ftlint}
case $bin in /*) ;; *) bin="$(pwd)/$bin" ;; esac
[ -x "$bin" ] || { echo "precommit.sh: build ftlint first ($bin)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" && ln -s "$bin" "$tmp/bin/ftlint"
# Nothing from the user's environment: no global git configuration, a private cache.
export HOME="$tmp/home" PRE_COMMIT_HOME="$tmp/cache" GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export PATH="$tmp/bin:$PATH"    # `entry: ftlint` is looked up on PATH
mkdir -p "$HOME"
git_commit() { git -c user.name=ftlint-test -c user.email=test@localhost commit -q -m "$1"; }

# The hook repository: the manifest exactly as committed in ftlint's tree.
mkdir "$tmp/hooks" && cd "$tmp/hooks"
git init -q && cp "$root/.pre-commit-hooks.yaml" . && git add . && git_commit hooks

# A project using it.
mkdir "$tmp/project" && cd "$tmp/project"
git init -q
cat > bad.c <<'C'
#include <Python.h>
static PyObject *registry;
PyObject *lookup(PyObject *key) { return PyDict_GetItem(registry, key); }
C
cp bad.c notes.txt                      # same text, not a C file: the hook must not see it
printf '#include <Python.h>\nint clean(void) { return 0; }\n' > good.c
git add . && git_commit project

fail() { echo "precommit.sh: $1"; echo "--- output:"; cat "$tmp/out"; exit 1; }

# Clean C file plus a non-C file holding bad code: passes (types_or keeps notes.txt out).
pre-commit try-repo "$tmp/hooks" ftlint --files good.c notes.txt >"$tmp/out" 2>&1 ||
    fail "the hook failed on a clean C file"
grep -q "Passed" "$tmp/out" || fail "no 'Passed' line for the clean file"

# A borrowed reference: the hook fails and shows ftlint's finding.
if pre-commit try-repo "$tmp/hooks" ftlint --all-files >"$tmp/out" 2>&1; then
    fail "the hook passed on bad.c"
fi
grep -q "bad.c:3:42: warning: PyDict_GetItem returns a borrowed reference" "$tmp/out" ||
    fail "the finding in bad.c is not in the hook's output"
grep -q "notes.txt" "$tmp/out" && fail "notes.txt was passed to ftlint"

# A suppression comment makes it pass again.
sed -i 's|key); }|key); } /* ftlint: ignore[FT001] identity check only */|' bad.c
pre-commit try-repo "$tmp/hooks" ftlint --files bad.c >"$tmp/out" 2>&1 ||
    fail "the hook failed although the finding is suppressed"
echo "precommit.sh: ok"
