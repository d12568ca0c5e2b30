/* findings.c: the owned finding list: release, deterministic sort, de-duplication. */
#include "ftlint.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void ftl_finding_free(ftl_finding *f)
{
    free(f->unless_serial);
    free(f->path);
    free(f->key);
    free(f->message);
    free(f->help);
    free(f->function);
    free(f->fingerprint);
    for (size_t i = 0; i < f->nedits; i++)
        free(f->edits[i].replacement);
    free(f->edits);
    memset(f, 0, sizeof *f);
}

void ftl_findings_free(ftl_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        ftl_finding_free(&fs->v[i]);
    free(fs->v);
    fs->v = NULL;
    fs->n = fs->cap = 0;
}

static int cmp_opt(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) : (a != NULL) - (b != NULL);
}

static int cmp_uint(unsigned long long a, unsigned long long b)
{
    return (a > b) - (a < b);
}

/* Every other field, so that the order is total: which of two duplicates survives, and where
 * it lands, never depends on the order findings arrived in (threads, shards, the cache). Of
 * two spellings of the same file's path, the shorter comes first ("a.c" before "./a.c"). */
static int cmp_rest(const ftl_finding *x, const ftl_finding *y)
{
    int c;
    if ((c = cmp_uint(strlen(x->path), strlen(y->path))) || (c = strcmp(x->path, y->path)) ||
        (c = strcmp(x->key, y->key)) ||
        (c = cmp_uint(x->end_line, y->end_line)) || (c = cmp_uint(x->end_col, y->end_col)) ||
        (c = cmp_uint(x->offset, y->offset)) || (c = cmp_uint(x->end_offset, y->end_offset)) ||
        (c = cmp_uint(x->severity, y->severity)) || (c = cmp_opt(x->help, y->help)) ||
        (c = cmp_opt(x->function, y->function)) || (c = cmp_uint(x->line_hash, y->line_hash)) ||
        (c = cmp_uint(x->nedits, y->nedits)))
        return c;
    for (size_t i = 0; i < x->nedits; i++) {
        const ftl_edit *a = &x->edits[i], *b = &y->edits[i];
        if ((c = cmp_uint(a->begin, b->begin)) || (c = cmp_uint(a->end, b->end)) ||
            (c = strcmp(a->replacement, b->replacement)) || (c = cmp_uint(a->safe, b->safe)))
            return c;
    }
    return 0;
}

static int cmp_where(const ftl_finding *x, const ftl_finding *y, bool by_key)
{
    int c = by_key ? strcmp(x->key, y->key) : strcmp(x->path, y->path);
    if (c)
        return c;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    c = strcmp(x->rule->code, y->rule->code);
    if (c)
        return c;
    c = strcmp(x->message, y->message);
    if (c)
        return c;
    return cmp_rest(x, y);
}

static int cmp_by_key(const void *a, const void *b)
{
    return cmp_where(a, b, true);
}

static int cmp_by_path(const void *a, const void *b)
{
    return cmp_where(a, b, false);
}

/* Sorts by path, line, column, rule; drops findings that repeat the same rule at the same place
 * of the same file (a header analysed through several sources). */
void ftl_findings_sort_unique(ftl_findings *fs)
{
    if (fs->n == 0)
        return;
    qsort(fs->v, fs->n, sizeof *fs->v, cmp_by_key);
    size_t w = 0;
    for (size_t r = 0; r < fs->n; r++) {
        if (w > 0) {
            ftl_finding *p = &fs->v[w - 1], *q = &fs->v[r];
            if (strcmp(p->key, q->key) == 0 && p->line == q->line && p->col == q->col &&
                p->rule == q->rule) {
                ftl_finding_free(q);
                continue;
            }
        }
        fs->v[w++] = fs->v[r];
    }
    fs->n = w;
    qsort(fs->v, fs->n, sizeof *fs->v, cmp_by_path);
    /* Fingerprint: the line hash and how many findings of the same file had the same hash
     * before this one, so identical lines in one file stay distinct. */
    for (size_t i = 0; i < fs->n; i++) {
        unsigned occurrence = 0;
        for (size_t k = i; k-- > 0 && strcmp(fs->v[k].path, fs->v[i].path) == 0;)
            if (fs->v[k].line_hash == fs->v[i].line_hash)
                occurrence++;
        free(fs->v[i].fingerprint);
        fs->v[i].fingerprint = ftl_xasprintf("%016llx:%u", fs->v[i].line_hash, occurrence);
    }
}

/* FNV-1a is ten lines and needs no dependency; the fingerprint only has to be stable and well
 * spread, not cryptographic. */
unsigned long long ftl_line_hash(const char *rule_code, const char *line, size_t len)
{
    unsigned long long h = 1469598103934665603ULL;
    for (const char *p = rule_code; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ 0xffu) * 1099511628211ULL;
    size_t b = 0, e = len;
    while (b < e && (line[b] == ' ' || line[b] == '\t'))
        b++;
    while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r'))
        e--;
    for (size_t i = b; i < e; i++)
        h = (h ^ (unsigned char)line[i]) * 1099511628211ULL;
    return h;
}

void ftl_findings_take(ftl_findings *dst, ftl_findings *src)
{
    if (src->n) {            /* memcpy from a NULL src->v is undefined even for 0 bytes */
        ftl_grow((void **)&dst->v, &dst->cap, dst->n + src->n, sizeof *dst->v);
        memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
        dst->n += src->n;
    }
    free(src->v);
    src->v = NULL;
    src->n = src->cap = 0;
}
