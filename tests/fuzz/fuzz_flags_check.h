/* fuzz_flags_check.h: the property the compilation-database targets check on every filtered
 * command line: nothing kept can load code, forward arguments to another tool or parser,
 * change how clang reads the command line, or make it write a file, however clang pairs
 * options with values. Written independently of compdb.c's tables. */
#ifndef FTL_FUZZ_FLAGS_CHECK_H
#define FTL_FUZZ_FLAGS_CHECK_H

#include "fuzz_util.h"
#include "ftlint.h"

/* Prefixes no kept argument may start with, whether ftlint meant it as an option or as the
 * value of one (an option clang does not know may take the next argument as its value, which
 * makes the argument after it an option). */
static const char *const fz_forbidden[] = {
    /* code loading, other programs */
    "-fplugin", "-fpass-plugin", "-load", "--load", "-plugin", "-add-plugin", "--config", "-B",
    "-specs", "--specs", "-wrapper", "-cc1",
    /* forwarding to other tools or parsers, other driver syntax */
    "-X", "-mllvm", "-Wp,", "-Wa,", "-Wl,", "--driver-mode", "-clang:", "/clang:",
    /* writing files */
    "-o", "-M", "--serialize-diagnostics", "-serialize-diagnostic", "-dependency-", "-save-temps",
    "-ftime-trace", "-fmodules-cache-path", "-fcrash-diagnostics", "-gen-reproducer",
    "-fsave-optimization-record", "-foptimization-record-file", "-emit-", "-fdump-", NULL,
};

static inline void fz_check_kept(const ftl_strv *kept)
{
    if (kept->n == 0)
        return;
    FZ_ASSERT(kept->n >= 2, "only the compiler kept");
    FZ_ASSERT(strchr(kept->v[0], '/') == NULL, "compiler with a directory: %s", kept->v[0]);
    FZ_ASSERT(strcmp(kept->v[1], "--driver-mode=gcc") == 0 || strcmp(kept->v[1], "--driver-mode=g++") == 0,
              "no driver mode first: %s", kept->v[1]);
    for (size_t i = 2; i < kept->n; i++)
        for (const char *const *f = fz_forbidden; *f; f++)
            FZ_ASSERT(strncmp(kept->v[i], *f, strlen(*f)) != 0, "kept '%s' (argument %zu)", kept->v[i], i);
}

#endif
