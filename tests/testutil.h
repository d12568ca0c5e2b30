/* testutil.h: helpers shared by the Check suites: running the ftlint binary, reading files,
 * and the expectation format of fixtures ("expect: FT001, FT003" in a comment on the line). */
#ifndef FTL_TESTUTIL_H
#define FTL_TESTUTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ftlint.h"
#include "util.h"
#include "pyinclude.h"

/* True for the bytes of a path word: a "./ftlint" or ".../ftlint" followed or preceded by
 * one of these is part of a longer name ("ftlint-test", "x./ftlint"). */
static inline bool tu_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '/';
}

/* The binary the suites run: the environment variable FTLINT (made absolute), or NULL for
 * ./ftlint. make check-asan and check-valgrind set it to an instrumented build or a Valgrind
 * wrapper. Its path may only hold name characters, so that it can replace ./ftlint inside any
 * quoting. Caller frees. */
static inline char *tu_ftlint_override(void)
{
    const char *e = getenv("FTLINT");
    if (!e || !*e)
        return NULL;
    char *abs = realpath(e, NULL);
    char *r = ftl_xstrdup(abs ? abs : e);
    free(abs);
    for (const char *c = r; *c; c++)
        ck_assert_msg(tu_name_char(*c) || *c == '+', "FTLINT=%s: only plain path characters", r);
    return r;
}

/* Replaces every whole-word occurrence of what in cmd by with (a new string, caller frees). */
static inline char *tu_replace_word(const char *cmd, const char *what, const char *with)
{
    ftl_buf b = {0};
    size_t n = strlen(what);
    const char *p = cmd;
    for (const char *q; (q = strstr(p, what)) != NULL;) {
        bool word = (q == cmd || !tu_name_char(q[-1])) && !tu_name_char(q[n]);
        ftl_buf_putn(&b, p, (size_t)(q - p));
        ftl_buf_puts(&b, word ? with : what);
        p = q + n;
    }
    ftl_buf_puts(&b, p);
    return ftl_buf_steal(&b);
}

/* cmd with the ftlint binary replaced by $FTLINT when it is set: "./ftlint" and the absolute
 * "$PWD/ftlint" the suites also spell (after a cd). Caller frees. */
static inline char *tu_with_ftlint(const char *cmd)
{
    char *bin = tu_ftlint_override();
    if (!bin)
        return ftl_xstrdup(cmd);
    char *cwd = getcwd(NULL, 0);
    ck_assert_ptr_nonnull(cwd);
    char *abs = ftl_xasprintf("%s/ftlint", cwd);
    char *a = tu_replace_word(cmd, "./ftlint", bin);
    char *r = tu_replace_word(a, abs, bin);
    free(a);
    free(abs);
    free(cwd);
    free(bin);
    return r;
}

/* Runs a shell command; returns its exit status and (when out is non-NULL) its stdout, or its
 * stdout and stderr together when merge is true. *out is malloc'd. The ftlint binary named in
 * it is the one FTLINT names, when set (see tu_with_ftlint). */
static inline int run_cmd(const char *cmd, char **out, int merge)
{
    char *real = tu_with_ftlint(cmd);
    char *full = ftl_xasprintf("( %s )%s", real, merge ? " 2>&1" : " 2>/dev/null");
    free(real);
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

static inline int tu_cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* make check-valgrind sets FTL_TEST_SCALE (10): memcheck runs libclang some 50 times slower.
 * A test that repeats one check over every fixture then takes every FTL_TEST_SCALE-th one (the
 * same code paths, fewer inputs: memcheck looks for memory errors, which make check and
 * check-asan also catch on every input). Sorts v first (the same inputs whatever order the
 * directory gives), keeps v[0], v[k], v[2k]... and frees the others. */
static inline void tu_sample(ftl_strv *v)
{
    if (v->n > 1)
        qsort(v->v, v->n, sizeof *v->v, tu_cmp_str);
    const char *s = getenv("FTL_TEST_SCALE");
    long k = s ? strtol(s, NULL, 10) : 1;
    if (k <= 1)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < v->n; i++) {
        if (i % (size_t)k == 0)
            v->v[kept++] = v->v[i];
        else
            free(v->v[i]);
    }
    v->n = kept;
}

/* The configuration the fixture runner uses: every rule, the discovered Python headers, and
 * the extra arguments of an "ftlint-args:" line of the fixture's text (caller releases the
 * members it allocates: enabled, python_include, clang_args). */
static inline void tu_fixture_config(ftl_config *cfg, const char *text)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->gil_disabled = true;
    cfg->enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg->enabled);
    for (size_t i = 0; i < ftl_nrules; i++)
        cfg->enabled[i] = true;
    cfg->python_include = ftl_find_python_include();
    const char *a = strstr(text, "ftlint-args:");
    if (!a)
        return;
    a += strlen("ftlint-args:");
    const char *end = strchr(a, '\n');
    char *line = ftl_xstrndup(a, end ? (size_t)(end - a) : strlen(a));
    char *save = NULL;
    for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (strcmp(t, "*/") == 0)
            break;
        if (strcmp(t, "-UPy_GIL_DISABLED") == 0)
            cfg->gil_disabled = false;
        else
            ftl_strv_push(&cfg->clang_args, t);
    }
    free(line);
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
