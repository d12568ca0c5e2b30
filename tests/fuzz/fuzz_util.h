/* fuzz_util.h: what the libFuzzer targets share: a private scratch directory (removed at exit),
 * writing an input into a file there, and a sink for the messages parsers print. */
#ifndef FTL_FUZZ_UTIL_H
#define FTL_FUZZ_UTIL_H

#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *fz_dir;     /* the scratch directory */
static FILE *fz_null;    /* /dev/null, for error messages */

static inline void fz_cleanup(void)
{
    if (!fz_dir)
        return;
    char *cmd = ftl_xasprintf("rm -rf '%s'", fz_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", fz_dir);
    free(cmd);
    free(fz_dir);
    fz_dir = NULL;
}

/* Creates the scratch directory and the message sink; aborts when it cannot. */
static inline void fz_init(void)
{
    char tmpl[] = "/tmp/ftlint-fuzz-XXXXXX";
    if (!mkdtemp(tmpl)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    fz_dir = ftl_xstrdup(tmpl);
    fz_null = fopen("/dev/null", "w");
    if (!fz_null)
        abort();
    atexit(fz_cleanup);
}

/* Writes data to NAME in the scratch directory; returns its path (caller frees). */
static inline char *fz_write(const char *name, const uint8_t *data, size_t size)
{
    char *path = ftl_xasprintf("%s/%s", fz_dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror(path);
        abort();
    }
    return path;
}

/* A check the fuzzer enforces: prints what failed and aborts, which libFuzzer reports as a
 * crash with the input. */
#define FZ_ASSERT(cond, ...)                                                                      \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__, __LINE__, #cond);                      \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

#endif
