#!/bin/sh
# run.sh: runs the libFuzzer targets built in build-fuzz/fuzz (make fuzz, fuzz-smoke,
# fuzz-regress call it).
#   tests/fuzz/run.sh run SECONDS [TARGET...]   fuzz each target for SECONDS, starting from its
#       committed seeds (tests/fuzz/corpus/NAME) plus what earlier runs found
#       (build-fuzz/corpus/NAME, not committed), with tests/fuzz/NAME.dict when there is one;
#       crashes go to build-fuzz/crashes/
#   tests/fuzz/run.sh regress [TARGET...]       run every committed seed and every crash input of
#       tests/fuzz/regress/NAME once
# NAME is the target without "fuzz_". Prints one line per target with its execution count;
# exits 1 when a target crashed, leaked or timed out.
set -u
cd "$(dirname "$0")/../.." || exit 2
bin=build-fuzz/fuzz
mode=${1:?usage: run.sh run SECONDS [TARGET...] | regress [TARGET...]}
shift
secs=0
if [ "$mode" = run ]; then secs=${1:?seconds}; shift; fi
targets=${*:-$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')}
mkdir -p build-fuzz/crashes build-fuzz/logs
status=0
for t in $targets; do
    name=${t#fuzz_}
    # Seeds: the committed ones, and for sources and suppressions the fixtures themselves
    # (annotated inputs written for the rules; not copied into the corpus).
    seeds=""
    [ -d "tests/fuzz/corpus/$name" ] && seeds="tests/fuzz/corpus/$name"
    case $name in
        source) seeds="$seeds fixtures/borrowed-ref fixtures/dict-next fixtures/unguarded-global examples/demo" ;;
        suppress) seeds="$seeds fixtures/unused-suppression fixtures/bad-suppression" ;;
    esac
    log=build-fuzz/logs/$t.log
    # The source target parses Python.h for every input: slower, more memory.
    case $name in source) limits="-timeout=120 -rss_limit_mb=6144" ;; *) limits="-timeout=30 -rss_limit_mb=2048" ;; esac
    dict=tests/fuzz/$name.dict
    [ -f "$dict" ] && limits="$limits -dict=$dict"
    if [ "$mode" = run ]; then
        mkdir -p "build-fuzz/corpus/$name"
        # shellcheck disable=SC2086
        "$bin/$t" -max_total_time="$secs" $limits -print_final_stats=1 \
            -artifact_prefix="build-fuzz/crashes/$name-" "build-fuzz/corpus/$name" $seeds >"$log" 2>&1
    else
        dirs=$seeds
        [ -d "tests/fuzz/regress/$name" ] && dirs="$dirs tests/fuzz/regress/$name"
        # shellcheck disable=SC2086
        "$bin/$t" -runs=0 $limits -print_final_stats=1 $dirs >"$log" 2>&1
    fi
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
    if [ $rc -ne 0 ]; then
        echo "$t: FAILED (exit $rc), see $log"
        grep -m 5 'ERROR\|SUMMARY\|fuzz: \|Test unit written' "$log" | sed 's/^/    /'
        status=1
    else
        echo "$t: ${execs:-0} executions, ${cov:-cov: ?}"
    fi
done
exit $status
