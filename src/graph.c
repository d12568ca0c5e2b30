/* graph.c: the call graph rules record per file (functions named by a key, normally their USR)
 * and the driver merges over the whole run, so that a function called only from another
 * file's module initialisation is known to be serial. Findings that depend on it carry the
 * function's key and are kept or dropped once every file has been read. */
#include "engine.h"
#include "graph.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct gcall {
    size_t caller;
    bool locked;
} gcall;

typedef struct gnode {
    char *key;
    bool root;
    bool address_taken;
    bool serial;             /* computed by ftl_graph_solve */
    gcall *calls;
    size_t ncalls, capcalls;
} gnode;

struct ftl_graph {
    gnode *v;
    size_t n, cap;
    ftl_strmap index;
    bool solved;
};

ftl_graph *ftl_graph_new(void)
{
    return ftl_xcalloc(1, sizeof(ftl_graph));
}

void ftl_graph_free(ftl_graph *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++) {
        free(g->v[i].key);
        free(g->v[i].calls);
    }
    free(g->v);
    ftl_strmap_free(&g->index);
    free(g);
}

static size_t node(ftl_graph *g, const char *key)
{
    size_t i;
    if (ftl_strmap_get(&g->index, key, &i))
        return i;
    ftl_grow((void **)&g->v, &g->cap, g->n + 1, sizeof *g->v);
    i = g->n++;
    memset(&g->v[i], 0, sizeof g->v[i]);
    g->v[i].key = ftl_xstrdup(key);
    ftl_strmap_put(&g->index, key, i);
    g->solved = false;
    return i;
}

static void add_call(ftl_graph *g, size_t callee, size_t caller, bool locked)
{
    gnode *n = &g->v[callee];
    for (size_t k = 0; k < n->ncalls; k++)
        if (n->calls[k].caller == caller && n->calls[k].locked == locked)
            return;
    ftl_grow((void **)&n->calls, &n->capcalls, n->ncalls + 1, sizeof *n->calls);
    n->calls[n->ncalls++] = (gcall){caller, locked};
    g->solved = false;
}

void ftl_graph_merge(ftl_graph *dst, const ftl_graph *src)
{
    for (size_t i = 0; i < src->n; i++) {
        size_t d = node(dst, src->v[i].key);
        dst->v[d].root |= src->v[i].root;
        dst->v[d].address_taken |= src->v[i].address_taken;
    }
    for (size_t i = 0; i < src->n; i++) {
        size_t d = node(dst, src->v[i].key);
        for (size_t k = 0; k < src->v[i].ncalls; k++) {
            size_t caller = node(dst, src->v[src->v[i].calls[k].caller].key);
            add_call(dst, d, caller, src->v[i].calls[k].locked);
        }
    }
}

/* Serial: a root, or never address-taken, called at least once, and every call made with a
 * lock held or from a serial function. The greatest such set is found by iterating from roots. */
static void solve(ftl_graph *g)
{
    if (g->solved)
        return;
    for (size_t i = 0; i < g->n; i++)
        g->v[i].serial = g->v[i].root;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < g->n; i++) {
            gnode *f = &g->v[i];
            if (f->serial || f->address_taken || f->ncalls == 0)
                continue;
            bool all = true;
            for (size_t k = 0; k < f->ncalls && all; k++)
                all = f->calls[k].locked || g->v[f->calls[k].caller].serial;
            if (all) {
                f->serial = true;
                changed = true;
            }
        }
    }
    g->solved = true;
}

bool ftl_graph_is_serial(ftl_graph *g, const char *key)
{
    size_t i;
    if (!ftl_strmap_get(&g->index, key, &i))
        return false;
    solve(g);
    return g->v[i].serial;
}

void ftl_findings_resolve(ftl_findings *fs, ftl_graph *g)
{
    size_t w = 0;
    for (size_t r = 0; r < fs->n; r++) {
        ftl_finding *f = &fs->v[r];
        if (f->unless_serial) {
            bool drop = g && ftl_graph_is_serial(g, f->unless_serial);
            free(f->unless_serial);
            f->unless_serial = NULL;
            if (drop) {
                ftl_finding_free(f);
                continue;
            }
        }
        fs->v[w++] = *f;
    }
    fs->n = w;
}

void ftl_graph_pack(const ftl_graph *g, ftl_buf *b)
{
    ftl_wire_put_u64(b, g ? g->n : 0);
    for (size_t i = 0; g && i < g->n; i++) {
        const gnode *n = &g->v[i];
        ftl_wire_put_str(b, n->key);
        ftl_wire_put_u64(b, (unsigned)n->root | (unsigned)n->address_taken << 1);
        ftl_wire_put_u64(b, n->ncalls);
        for (size_t k = 0; k < n->ncalls; k++) {
            ftl_wire_put_u64(b, n->calls[k].caller);
            ftl_wire_put_u64(b, n->calls[k].locked);
        }
    }
}

ftl_graph *ftl_graph_unpack(ftl_wire *w)
{
    ftl_graph *g = ftl_graph_new();
    size_t n = ftl_wire_count(w);
    /* Nodes first (calls name their callers by index), then the calls. */
    size_t start = w->pos;
    for (size_t i = 0; i < n && !w->bad; i++) {
        char *key = ftl_wire_str(w);
        if (!key) {
            w->bad = true;
            break;
        }
        size_t id = node(g, key);
        free(key);
        unsigned flags = (unsigned)ftl_wire_u64(w);
        g->v[id].root |= (flags & 1) != 0;
        g->v[id].address_taken |= (flags & 2) != 0;
        size_t nc = ftl_wire_count(w);
        for (size_t k = 0; k < nc; k++) {
            ftl_wire_u64(w);
            ftl_wire_u64(w);
        }
    }
    if (!w->bad && g->n != n)
        w->bad = true;           /* the same key twice */
    w->pos = w->bad ? w->pos : start;
    for (size_t i = 0; i < n && !w->bad; i++) {
        free(ftl_wire_str(w));
        ftl_wire_u64(w);
        size_t nc = ftl_wire_count(w);
        for (size_t k = 0; k < nc && !w->bad; k++) {
            unsigned long long caller = ftl_wire_u64(w);
            bool locked = ftl_wire_u64(w) != 0;
            if (caller >= n)
                w->bad = true;
            else
                add_call(g, i, (size_t)caller, locked);
        }
    }
    if (w->bad) {
        ftl_graph_free(g);
        return NULL;
    }
    return g;
}

/* ---- rule-facing API ---------------------------------------------------------------------- */

void ftl_graph_root(ftl_ctx *ctx, const char *key)
{
    if (ctx->graph) {
        size_t i = node(ctx->graph, key);    /* may move the array */
        ctx->graph->v[i].root = true;
    }
}

void ftl_graph_address_taken(ftl_ctx *ctx, const char *key)
{
    if (ctx->graph) {
        size_t i = node(ctx->graph, key);
        ctx->graph->v[i].address_taken = true;
    }
}

void ftl_graph_call(ftl_ctx *ctx, const char *caller, const char *callee, bool locked)
{
    if (!ctx->graph)
        return;
    size_t c = node(ctx->graph, caller);
    add_call(ctx->graph, node(ctx->graph, callee), c, locked);
}

/* ---- the result cache keeps each file's graph ---------------------------------------------- */

cJSON *ftl_graph_to_json(const ftl_graph *g)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; g && i < g->n; i++) {
        const gnode *n = &g->v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "key", n->key);
        cJSON_AddBoolToObject(o, "root", n->root);
        cJSON_AddBoolToObject(o, "address_taken", n->address_taken);
        cJSON *calls = cJSON_AddArrayToObject(o, "callers");
        for (size_t k = 0; k < n->ncalls; k++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "key", g->v[n->calls[k].caller].key);
            cJSON_AddBoolToObject(c, "locked", n->calls[k].locked);
            cJSON_AddItemToArray(calls, c);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

ftl_graph *ftl_graph_from_json(const cJSON *arr)
{
    if (!cJSON_IsArray(arr))
        return NULL;
    ftl_graph *g = ftl_graph_new();
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "key"));
        const cJSON *root = cJSON_GetObjectItemCaseSensitive(o, "root");
        const cJSON *addr = cJSON_GetObjectItemCaseSensitive(o, "address_taken");
        const cJSON *calls = cJSON_GetObjectItemCaseSensitive(o, "callers");
        if (!key || !cJSON_IsBool(root) || !cJSON_IsBool(addr) || !cJSON_IsArray(calls))
            goto fail;
        size_t i = node(g, key);
        g->v[i].root |= cJSON_IsTrue(root);
        g->v[i].address_taken |= cJSON_IsTrue(addr);
        const cJSON *c;
        cJSON_ArrayForEach(c, calls) {
            const char *ck = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "key"));
            const cJSON *locked = cJSON_GetObjectItemCaseSensitive(c, "locked");
            if (!ck || !cJSON_IsBool(locked))
                goto fail;
            size_t caller = node(g, ck);
            add_call(g, node(g, key), caller, cJSON_IsTrue(locked));
        }
    }
    return g;
fail:
    ftl_graph_free(g);
    return NULL;
}
