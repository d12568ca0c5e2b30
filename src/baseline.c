/* baseline.c: the baseline file, versioned JSON written and read with cJSON:
 *   {"version": 1, "tool": "ftlint", "findings": [
 *     {"path": "src/a.c", "rule": "FT001", "fingerprint": "…:0", "line": 12, "message": "…"}]}
 * "line" and "message" are there for people reading the file; matching ignores them. */
#include "baseline.h"
#include "paths.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A finding's path as recorded: relative to the current directory when inside it. */
static char *recorded_path(const char *path)
{
    char *abs = ftl_path_abs(path);
    char *r = ftl_path_display(abs);
    free(abs);
    return r;
}

bool ftl_baseline_write(const char *file, const ftl_findings *fs, FILE *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "version", FTL_BASELINE_VERSION);
    cJSON_AddStringToObject(root, "tool", "ftlint");
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < fs->n; i++) {
        const ftl_finding *f = &fs->v[i];
        cJSON *e = cJSON_CreateObject();
        char *p = recorded_path(f->path);
        cJSON_AddStringToObject(e, "path", p);
        free(p);
        cJSON_AddStringToObject(e, "rule", f->rule->code);
        cJSON_AddStringToObject(e, "fingerprint", f->fingerprint ? f->fingerprint : "");
        cJSON_AddNumberToObject(e, "line", f->line);
        cJSON_AddStringToObject(e, "message", f->message);
        cJSON_AddItemToArray(arr, e);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    char *tmp = ftl_xasprintf("%s.tmp%ld", file, (long)getpid());
    bool ok = false;
    FILE *out = fopen(tmp, "w");
    if (!out) {
        fprintf(err, "ftlint: --write-baseline: cannot write %s: %s\n", tmp, strerror(errno));
        goto done;
    }
    bool wrote = fputs(text, out) >= 0 && fputc('\n', out) != EOF;
    if (fclose(out) != 0 || !wrote) {
        fprintf(err, "ftlint: --write-baseline: cannot write %s: %s\n", tmp, strerror(errno));
        unlink(tmp);
        goto done;
    }
    if (rename(tmp, file) != 0) {
        fprintf(err, "ftlint: --write-baseline: cannot replace %s: %s\n", file, strerror(errno));
        unlink(tmp);
        goto done;
    }
    ok = true;
done:
    free(tmp);
    free(text);
    return ok;
}

static int cmp_key(const char *path, const char *rule, const char *fp, const ftl_baseline_entry *e)
{
    int c = strcmp(path, e->path);
    if (!c)
        c = strcmp(rule, e->rule);
    return c ? c : strcmp(fp, e->fingerprint);
}

static int cmp_entry(const void *a, const void *b)
{
    const ftl_baseline_entry *x = a;
    return cmp_key(x->path, x->rule, x->fingerprint, b);
}

ftl_baseline *ftl_baseline_load(const char *file, FILE *err)
{
    size_t len;
    char *text = ftl_read_file(file, &len);
    if (!text) {
        fprintf(err, "ftlint: --baseline: cannot read %s: %s (create it with --write-baseline)\n",
                file, ftl_read_error(errno));
        return NULL;
    }
    ftl_baseline *b = NULL;
    cJSON *root = cJSON_ParseWithLength(text, len);
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "findings");
    if (!cJSON_IsObject(root) || !cJSON_IsArray(arr) || !cJSON_IsNumber(ver)) {
        fprintf(err, "ftlint: --baseline: %s is not an ftlint baseline (write one with "
                     "--write-baseline)\n", file);
        goto done;
    }
    if (ver->valuedouble != FTL_BASELINE_VERSION) {
        fprintf(err, "ftlint: --baseline: %s has version %g; this ftlint reads version %d "
                     "(write it again with --write-baseline)\n", file, ver->valuedouble,
                FTL_BASELINE_VERSION);
        goto done;
    }
    b = ftl_xcalloc(1, sizeof *b);
    b->file = ftl_xstrdup(file);
    size_t n = (size_t)cJSON_GetArraySize(arr);
    b->v = ftl_xcalloc(n, sizeof *b->v);
    int idx = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "path");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(e, "rule");
        const cJSON *fp = cJSON_GetObjectItemCaseSensitive(e, "fingerprint");
        if (!cJSON_IsString(p) || !cJSON_IsString(r) || !cJSON_IsString(fp)) {
            fprintf(err, "ftlint: --baseline: %s: finding %d lacks \"path\", \"rule\" or "
                         "\"fingerprint\"\n", file, idx);
            ftl_baseline_free(b);
            b = NULL;
            goto done;
        }
        b->v[b->n++] = (ftl_baseline_entry){ftl_xstrdup(p->valuestring), ftl_xstrdup(r->valuestring),
                                            ftl_xstrdup(fp->valuestring), false};
        idx++;
    }
    if (b->n)
        qsort(b->v, b->n, sizeof *b->v, cmp_entry);
done:
    cJSON_Delete(root);
    free(text);
    return b;
}

/* The first unmatched entry with this key (entries are sorted), or NULL. */
static ftl_baseline_entry *find_entry(ftl_baseline *b, const char *path, const char *rule,
                                      const char *fp)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (cmp_key(path, rule, fp, &b->v[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < b->n && cmp_key(path, rule, fp, &b->v[i]) == 0; i++)
        if (!b->v[i].matched)
            return &b->v[i];
    return NULL;
}

size_t ftl_baseline_filter(ftl_baseline *b, ftl_findings *fs)
{
    ftl_findings dropped = {0};
    size_t w = 0;
    for (size_t i = 0; i < fs->n; i++) {
        ftl_finding *f = &fs->v[i];
        char *p = recorded_path(f->path);
        ftl_baseline_entry *e = f->fingerprint ? find_entry(b, p, f->rule->code, f->fingerprint) : NULL;
        bool hit = e != NULL;
        if (e)
            e->matched = true;
        free(p);
        if (hit) {
            ftl_grow((void **)&dropped.v, &dropped.cap, dropped.n + 1, sizeof *dropped.v);
            dropped.v[dropped.n++] = *f;
        } else {
            fs->v[w++] = *f;
        }
    }
    fs->n = w;
    size_t n = dropped.n;
    ftl_findings_free(&dropped);
    return n;
}

size_t ftl_baseline_unmatched(const ftl_baseline *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n; i++)
        n += !b->v[i].matched;
    return n;
}

void ftl_baseline_free(ftl_baseline *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].path);
        free(b->v[i].rule);
        free(b->v[i].fingerprint);
    }
    free(b->v);
    free(b->file);
    free(b);
}
