#!/bin/sh
# valgrind-ftlint.sh: ftlint under Valgrind's memcheck, the FTLINT that make check-valgrind
# gives the suites. FTL_VG_BIN names the ftlint binary, FTL_VG_LOGS the directory for the
# reports (one file per process, ftlint.PID, next to cmd.PID holding the command line),
# FTL_VG_OPTS the valgrind options.
printf 'cd %s && ftlint %s\n' "$PWD" "$*" > "$FTL_VG_LOGS/cmd.$$" 2>/dev/null
# shellcheck disable=SC2086
exec valgrind $FTL_VG_OPTS --log-file="$FTL_VG_LOGS/ftlint.%p" "$FTL_VG_BIN" "$@"
