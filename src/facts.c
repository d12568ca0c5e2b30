/* facts.c: the two notions every rule shares, computed once per function:
 *  - privacy: is a container private to this thread at a program point (created fresh in
 *    this function and not yet published, a kwargs dict, or an immutable tuple)?
 *  - lock regions: is a program point inside a critical section or a mutex-protected region?
 * Both are flow-insensitive over source order: an event earlier in the text happens before a
 * later one. Loops that publish a container after its use are not modelled (see docs). */
#include "engine.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct lockfn {
    const char *name;
    enum ftl_lock_kind kind;
    bool begin;
    int objarg;              /* index of the locked object or mutex, -1 if none */
} lockfn;

static const lockfn lockfns[] = {
    {"Py_BEGIN_CRITICAL_SECTION", FTL_LOCK_CRITICAL_SECTION, true, 0},
    {"Py_END_CRITICAL_SECTION", FTL_LOCK_CRITICAL_SECTION, false, -1},
    {"Py_BEGIN_CRITICAL_SECTION2", FTL_LOCK_CRITICAL_SECTION, true, 0},
    {"Py_END_CRITICAL_SECTION2", FTL_LOCK_CRITICAL_SECTION, false, -1},
    {"Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST", FTL_LOCK_CRITICAL_SECTION, true, 0},
    {"Py_END_CRITICAL_SECTION_SEQUENCE_FAST", FTL_LOCK_CRITICAL_SECTION, false, -1},
    {"Py_BEGIN_CRITICAL_SECTION_MUTEX", FTL_LOCK_CRITICAL_SECTION, true, 0},
    {"PyCriticalSection_Begin", FTL_LOCK_CRITICAL_SECTION, true, 1},
    {"PyCriticalSection_BeginMutex", FTL_LOCK_CRITICAL_SECTION, true, 1},
    {"PyCriticalSection_End", FTL_LOCK_CRITICAL_SECTION, false, -1},
    {"PyCriticalSection2_Begin", FTL_LOCK_CRITICAL_SECTION, true, 1},
    {"PyCriticalSection2_End", FTL_LOCK_CRITICAL_SECTION, false, -1},
    {"PyMutex_Lock", FTL_LOCK_MUTEX, true, 0},
    {"PyMutex_Unlock", FTL_LOCK_MUTEX, false, 0},
    {"PyThread_acquire_lock", FTL_LOCK_MUTEX, true, 0},
    {"PyThread_acquire_lock_timed", FTL_LOCK_MUTEX, true, 0},
    {"PyThread_release_lock", FTL_LOCK_MUTEX, false, 0},
    {"pthread_mutex_lock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_mutex_trylock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_mutex_timedlock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_rwlock_trywrlock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_rwlock_tryrdlock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_spin_trylock", FTL_LOCK_MUTEX, true, 0},
    {"mtx_trylock", FTL_LOCK_MUTEX, true, 0},
    {"mtx_timedlock", FTL_LOCK_MUTEX, true, 0},
    {"TryEnterCriticalSection", FTL_LOCK_MUTEX, true, 0},
    {"AcquireSRWLockShared", FTL_LOCK_MUTEX, true, 0},
    {"ReleaseSRWLockShared", FTL_LOCK_MUTEX, false, 0},
    {"omp_set_lock", FTL_LOCK_MUTEX, true, 0},
    {"omp_unset_lock", FTL_LOCK_MUTEX, false, 0},
    {"pthread_mutex_unlock", FTL_LOCK_MUTEX, false, 0},
    {"pthread_rwlock_wrlock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_rwlock_rdlock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_rwlock_unlock", FTL_LOCK_MUTEX, false, 0},
    {"pthread_spin_lock", FTL_LOCK_MUTEX, true, 0},
    {"pthread_spin_unlock", FTL_LOCK_MUTEX, false, 0},
    {"mtx_lock", FTL_LOCK_MUTEX, true, 0},
    {"mtx_unlock", FTL_LOCK_MUTEX, false, 0},
    {"EnterCriticalSection", FTL_LOCK_MUTEX, true, 0},
    {"LeaveCriticalSection", FTL_LOCK_MUTEX, false, 0},
    {"AcquireSRWLockExclusive", FTL_LOCK_MUTEX, true, 0},
    {"ReleaseSRWLockExclusive", FTL_LOCK_MUTEX, false, 0},
};

/* Looks name up in the built-in table, then in the project's pairs (cfg->lock_pairs, from
 * .ftlint.json); fills *out and returns true when it opens or closes a lock region. */
static bool find_lockfn(const ftl_config *cfg, const char *name, lockfn *out)
{
    for (size_t i = 0; i < sizeof lockfns / sizeof *lockfns; i++) {
        if (strcmp(lockfns[i].name, name) == 0) {
            *out = lockfns[i];
            return true;
        }
    }
    for (size_t i = 0; cfg && i < cfg->nlock_pairs; i++) {
        const ftl_lockpair *p = &cfg->lock_pairs[i];
        if (strcmp(p->lock, name) == 0) {
            *out = (lockfn){p->lock, p->kind, true, p->objarg};
            return true;
        }
        if (strcmp(p->unlock, name) == 0) {
            *out = (lockfn){p->unlock, p->kind, false, -1};
            return true;
        }
    }
    return false;
}

bool ftl_is_lock_name(const ftl_config *cfg, const char *name)
{
    lockfn lf;
    return find_lockfn(cfg, name, &lf);
}

/* Drops whitespace, a leading '&', `(PyObject *)`-style casts and _PyObject_CAST(...). */
char *ftl_normalise_expr(const char *text)
{
    ftl_buf b = {0};
    for (const char *p = text; *p; p++)
        if (!isspace((unsigned char)*p))
            ftl_buf_putn(&b, p, 1);
    char *s = ftl_buf_steal(&b);
    for (int changed = 1; changed;) {
        changed = 0;
        size_t n = strlen(s);
        if (strncmp(s, "_PyObject_CAST(", 15) == 0 && n > 16 && s[n - 1] == ')') {
            memmove(s, s + 15, n - 15);
            s[n - 16] = '\0';
            changed = 1;
        } else if (s[0] == '(' && n > 2) {
            /* A cast "(Type*)x" or parentheses "(x)". */
            int depth = 0;
            size_t i;
            for (i = 0; i < n; i++) {
                if (s[i] == '(')
                    depth++;
                else if (s[i] == ')' && --depth == 0)
                    break;
            }
            if (i == n - 1) {
                memmove(s, s + 1, n - 2);
                s[n - 2] = '\0';
                changed = 1;
            } else if (i < n - 1 && i > 1 && s[i - 1] == '*') {
                memmove(s, s + i + 1, n - i);
                changed = 1;
            }
        }
    }
    return s;
}

static int cmp_vev(const void *a, const void *b)
{
    const ftl_vev *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}

/* Adds an escape event for every variable passed to a call that may keep it: any argument of a
 * function outside the C API, any argument after the first of a C API function (the first is
 * the object operated on), except for reference-count operations. */
void ftl_func_build_escapes(const ftl_config *cfg, ftl_func *fn)
{
    for (size_t i = 0; i < fn->ncalls; i++) {
        const ftl_call *c = &fn->calls[i];
        if (ftl_is_refcount_op(c->name) || ftl_is_lock_name(cfg, c->name))
            continue;
        bool capi = strncmp(c->name, "Py", 2) == 0 || strncmp(c->name, "_Py", 3) == 0;
        for (int j = 0; j < c->nargs; j++) {
            const ftl_arg *a = &c->args[j];
            if (a->var < 0 || (capi && j == 0))
                continue;
            if (fn->vars[a->var].storage != FTL_ST_LOCAL && fn->vars[a->var].storage != FTL_ST_PARAM)
                continue;
            ftl_grow((void **)&fn->evs, &fn->capevs, fn->nevs + 1, sizeof *fn->evs);
            fn->evs[fn->nevs++] = (ftl_vev){.offset = c->offset, .var = a->var,
                                            .kind = FTL_VEV_ESCAPE, .value = FTL_SHARED, .alias = -1};
        }
    }
    if (fn->nevs)
        qsort(fn->evs, fn->nevs, sizeof *fn->evs, cmp_vev);
}

/* True when the statement after the call at [.., end) leaves the block: `return`, `goto`,
 * `break` or `continue`, with only ';', blanks and comments in between. */
static bool exit_follows(const ftl_func *fn, unsigned end)
{
    const char *t = fn->file->text;
    size_t len = fn->file->len, i = end;
    while (i < len) {
        if (t[i] == ';' || t[i] == ')' || isspace((unsigned char)t[i])) {
            i++;
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '*') {
            const char *e = strstr(t + i + 2, "*/");
            if (!e)
                return false;
            i = (size_t)(e - t) + 2;
        } else if (t[i] == '/' && i + 1 < len && t[i + 1] == '/') {
            while (i < len && t[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    static const char *const exits[] = {"return", "goto", "break", "continue", NULL};
    for (const char *const *x = exits; *x; x++) {
        size_t n = strlen(*x);
        if (i + n <= len && strncmp(t + i, *x, n) == 0 &&
            (i + n == len || !(isalnum((unsigned char)t[i + n]) || t[i + n] == '_')))
            return true;
    }
    return false;
}

/* An unlock on an early-exit path (`if (err) { unlock; return -1; }`) does not end the region
 * for the code after the branch when the next lock call of its kind is another unlock. */
static bool early_exit_unlock(const ftl_config *cfg, const ftl_func *fn, size_t i,
                              const lockfn *lf)
{
    if (!fn->file || !fn->file->text || !exit_follows(fn, fn->calls[i].end_offset))
        return false;
    for (size_t k = i + 1; k < fn->ncalls; k++) {
        lockfn next;
        if (find_lockfn(cfg, fn->calls[k].name, &next) && next.kind == lf->kind)
            return !next.begin;
    }
    return false;
}

void ftl_func_build_regions(ftl_ctx *ctx, ftl_func *fn)
{
    typedef struct open_lock {
        size_t call;
        lockfn fnd;
    } open_lock;
    open_lock *stack = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < fn->ncalls; i++) {
        lockfn lf;
        if (!find_lockfn(ctx->cfg, fn->calls[i].name, &lf))
            continue;
        if (lf.begin) {
            ftl_grow((void **)&stack, &cap, n + 1, sizeof *stack);
            stack[n++] = (open_lock){i, lf};
            continue;
        }
        if (early_exit_unlock(ctx->cfg, fn, i, &lf))
            continue;
        for (size_t k = n; k-- > 0;) {
            if (stack[k].fnd.kind != lf.kind)
                continue;
            const ftl_call *b = &fn->calls[stack[k].call];
            const ftl_arg *obj = stack[k].fnd.objarg >= 0 && stack[k].fnd.objarg < b->nargs
                                     ? &b->args[stack[k].fnd.objarg]
                                     : NULL;
            ftl_grow((void **)&fn->regions, &fn->capregions, fn->nregions + 1, sizeof *fn->regions);
            fn->regions[fn->nregions++] = (ftl_region){
                .begin = b->offset, .end = fn->calls[i].offset, .kind = lf.kind,
                .var = obj ? obj->var : -1, .objtext = obj ? ftl_normalise_expr(obj->text) : NULL};
            memmove(stack + k, stack + k + 1, (n - k - 1) * sizeof *stack);
            n--;
            break;
        }
    }
    /* A lock never released in this function protects the rest of it. */
    for (size_t k = 0; k < n; k++) {
        const ftl_call *b = &fn->calls[stack[k].call];
        const ftl_arg *obj = stack[k].fnd.objarg >= 0 && stack[k].fnd.objarg < b->nargs
                                 ? &b->args[stack[k].fnd.objarg]
                                 : NULL;
        ftl_grow((void **)&fn->regions, &fn->capregions, fn->nregions + 1, sizeof *fn->regions);
        fn->regions[fn->nregions++] = (ftl_region){
            .begin = b->offset, .end = fn->end, .kind = stack[k].fnd.kind,
            .var = obj ? obj->var : -1, .objtext = obj ? ftl_normalise_expr(obj->text) : NULL};
    }
    free(stack);
}

static bool escaped_between(const ftl_func *fn, int var, unsigned from, unsigned to)
{
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->var == var && e->kind == FTL_VEV_ESCAPE && e->offset >= from && e->offset < to)
            return true;
    }
    return false;
}

static enum ftl_privacy var_privacy(const ftl_func *fn, int var, unsigned at, int depth)
{
    if (var < 0 || depth > 16)
        return FTL_SHARED;
    const ftl_vev *last = NULL;
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->offset >= at)
            break;
        if (e->var == var && e->kind == FTL_VEV_ASSIGN)
            last = e;
    }
    if (!last)
        return fn->vars[var].initial;
    enum ftl_privacy p = last->value;
    if (last->alias >= 0) {
        p = var_privacy(fn, last->alias, last->offset, depth + 1);
        if (p == FTL_PRIVATE_FRESH && escaped_between(fn, last->alias, last->offset, at))
            return FTL_SHARED;
    }
    if (p == FTL_PRIVATE_FRESH && escaped_between(fn, var, last->offset, at))
        return FTL_SHARED;
    return p;
}

enum ftl_privacy ftl_privacy_at(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset)
{
    if (!ctx->fn || arg->var < 0)
        return FTL_SHARED;
    enum ftl_storage st = ctx->fn->vars[arg->var].storage;
    if (st != FTL_ST_LOCAL && st != FTL_ST_PARAM)
        return FTL_SHARED;
    return var_privacy(ctx->fn, arg->var, offset, 0);
}

/* The variable a variable copies at a point, following `a = b`, `a = (T *)b` and
 * `a = PySequence_Fast(b, ...)` back to the first one that is not a copy. */
static int root_var(const ftl_func *fn, int var, unsigned at, int depth)
{
    if (var < 0 || depth > 16)
        return var;
    const ftl_vev *last = NULL;
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->offset >= at)
            break;
        if (e->var == var && e->kind == FTL_VEV_ASSIGN)
            last = e;
    }
    if (!last || last->alias < 0)
        return var;
    return root_var(fn, last->alias, last->offset, depth + 1);
}

bool ftl_in_lock(const ftl_ctx *ctx, unsigned offset, enum ftl_lock_kind kind, const ftl_arg *obj)
{
    if (!ctx->fn)
        return false;
    char *want = obj ? ftl_normalise_expr(obj->text) : NULL;
    bool found = false;
    for (size_t i = 0; i < ctx->fn->nregions && !found; i++) {
        const ftl_region *r = &ctx->fn->regions[i];
        if (!(r->kind & kind) || offset < r->begin || offset > r->end)
            continue;
        if (!obj)
            found = true;
        else if (obj->var >= 0 && r->var >= 0 &&
                 (r->var == obj->var || root_var(ctx->fn, r->var, r->end, 0) ==
                                            root_var(ctx->fn, obj->var, offset, 0)))
            found = true;
        else if (r->objtext && want && want[0] && strcmp(r->objtext, want) == 0)
            found = true;
    }
    free(want);
    return found;
}
