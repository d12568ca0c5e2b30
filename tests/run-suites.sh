#!/bin/sh
# run-suites.sh: runs the Check suites, JOBS at a time, for make check, check-asan and
# check-valgrind. Each suite's output goes to a file and is printed whole, in the order given,
# with the seconds the suite took, so parallel runs stay readable.
#   tests/run-suites.sh JOBS SUITE...
# SUITE_WRAPPER (optional, split on blanks) is put before each suite's command, for example
# valgrind and its options; FTL_SUITE is set to the suite's name while it runs (valgrind's
# --log-file can name it as %q{FTL_SUITE}). Exits 1 when any suite failed or did not run.
set -u
if [ "${1:-}" = --one ]; then
    # One suite: --one SUITE LOGDIR (run by the main mode through xargs).
    t=$2
    name=$(basename "$t")
    start=$(date +%s)
    # shellcheck disable=SC2086
    FTL_SUITE=$name ${SUITE_WRAPPER:-} "$t" >"$3/$name.log" 2>&1
    echo $? >"$3/$name.rc"
    echo $(( $(date +%s) - start )) >"$3/$name.secs"
    exit 0
fi

jobs=${1:?usage: run-suites.sh JOBS SUITE...}
shift
[ $# -gt 0 ] || { echo "run-suites.sh: no suites" >&2; exit 2; }
logdir=$(mktemp -d "${TMPDIR:-/tmp}/ftlint-suites.XXXXXX") || exit 2
trap 'rm -rf "$logdir"' EXIT
start=$(date +%s)
printf '%s\n' "$@" | xargs -P "$jobs" -I{} sh "$0" --one {} "$logdir"
fail=0
for t in "$@"; do
    name=$(basename "$t")
    echo "== $t"
    cat "$logdir/$name.log" 2>/dev/null
    rc=$(cat "$logdir/$name.rc" 2>/dev/null || echo "did not run")
    secs=$(cat "$logdir/$name.secs" 2>/dev/null || echo "?")
    if [ "$rc" = 0 ]; then
        echo "   ($secs s)"
    else
        echo "   ($secs s; FAILED: exit $rc)"
        fail=1
    fi
done
echo "suites: $(( $(date +%s) - start )) s with $jobs at a time"
exit $fail
