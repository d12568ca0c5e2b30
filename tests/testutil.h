/* testutil.h: helpers shared by the Check suites: running the ftlint binary, reading files,
 * and the expectation format of fixtures ("expect: FT001, FT003" in a comment on the line). */
#ifndef FTL_TESTUTIL_H
#define FTL_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "ftlint.h"
#include "util.h"

/* Runs a shell command; returns its exit status and (when out is non-NULL) its stdout, or its
 * stdout and stderr together when merge is true. *out is malloc'd. */
static inline int run_cmd(const char *cmd, char **out, int merge)
{
    char *full = ftl_xasprintf("( %s )%s", cmd, merge ? " 2>&1" : " 2>/dev/null");
    FILE *p = popen(full, "r");
    free(full);
    ck_assert_ptr_nonnull(p);
    ftl_buf b = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        ftl_buf_putn(&b, chunk, n);
    int st = pclose(p);
    char *s = ftl_buf_steal(&b);
    if (out)
        *out = s;
    else
        free(s);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One expected finding. */
typedef struct expect {
    unsigned line;
    char code[16];
} expect;

/* Parses "expect: CODE[, CODE...]" markers of a file. Returns a malloc'd array. */
static inline expect *parse_expectations(const char *text, size_t *n)
{
    expect *v = NULL;
    size_t cap = 0;
    *n = 0;
    unsigned line = 1;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            line++;
            continue;
        }
        if (strncmp(p, "expect:", 7) != 0)
            continue;
        const char *q = p + 7;
        for (;;) {
            while (*q == ' ' || *q == ',')
                q++;
            if (strncmp(q, "FT", 2) != 0)
                break;
            size_t len = 2;
            while (q[len] >= '0' && q[len] <= '9')
                len++;
            ftl_grow((void **)&v, &cap, *n + 1, sizeof *v);
            v[*n].line = line;
            snprintf(v[*n].code, sizeof v[*n].code, "%.*s", (int)len, q);
            (*n)++;
            q += len;
        }
        p = q - 1;
    }
    return v;
}

#endif
