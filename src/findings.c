/* findings.c: the owned finding list: release, deterministic sort, de-duplication. */
#include "ftlint.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void finding_free(ftl_finding *f)
{
    free(f->path);
    free(f->key);
    free(f->message);
    free(f->help);
    free(f->function);
    for (size_t i = 0; i < f->nedits; i++)
        free(f->edits[i].replacement);
    free(f->edits);
}

void ftl_findings_free(ftl_findings *fs)
{
    for (size_t i = 0; i < fs->n; i++)
        finding_free(&fs->v[i]);
    free(fs->v);
    fs->v = NULL;
    fs->n = fs->cap = 0;
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
    return strcmp(x->message, y->message);
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
                finding_free(q);
                continue;
            }
        }
        fs->v[w++] = fs->v[r];
    }
    fs->n = w;
    qsort(fs->v, fs->n, sizeof *fs->v, cmp_by_path);
}

void ftl_findings_take(ftl_findings *dst, ftl_findings *src)
{
    ftl_grow((void **)&dst->v, &dst->cap, dst->n + src->n, sizeof *dst->v);
    memcpy(dst->v + dst->n, src->v, src->n * sizeof *src->v);
    dst->n += src->n;
    free(src->v);
    src->v = NULL;
    src->n = src->cap = 0;
}
