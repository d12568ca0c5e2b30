/* facts.c: the two notions every rule shares, computed once per function:
 *  - privacy: is a container private to this thread at a program point (created fresh in
 *    this function and not yet published, a kwargs dict, or an immutable tuple)? Containers
 *    written as expressions (`self->f`, `*out`, `a[i]`) are private when the function stored a
 *    fresh one there and the object holding them is private too;
 *  - lock regions: is a program point inside a critical section or a mutex-protected region?
 * Both follow source order: an event earlier in the text happens before a later one, except
 * that events inside a block ending in return or goto do not reach code after that block.
 * Loops that publish a container after its use are not modelled (see docs). */
#include "engine.h"
#include "util.h"

#include <ctype.h>
#include <limits.h>
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

/* Two-object critical sections also lock the object in this argument. */
static const struct second_object {
    const char *name;
    int arg;
} second_objects[] = {
    {"Py_BEGIN_CRITICAL_SECTION2", 1},
    {"PyCriticalSection2_Begin", 2},
};

static int second_object_arg(const char *name)
{
    for (size_t i = 0; i < sizeof second_objects / sizeof *second_objects; i++)
        if (strcmp(second_objects[i].name, name) == 0)
            return second_objects[i].arg;
    return -1;
}

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

/* Adds the region [begin, end] of the lock opened by call b: one region per locked object, so
 * a two-object critical section protects both. */
static void add_region(ftl_func *fn, const ftl_call *b, const lockfn *lf, unsigned end)
{
    int objs[2] = {lf->objarg, second_object_arg(lf->name)};
    for (int i = 0; i < 2; i++) {
        if (i == 1 && objs[1] < 0)
            break;
        const ftl_arg *obj = objs[i] >= 0 && objs[i] < b->nargs ? &b->args[objs[i]] : NULL;
        ftl_grow((void **)&fn->regions, &fn->capregions, fn->nregions + 1, sizeof *fn->regions);
        fn->regions[fn->nregions++] = (ftl_region){
            .begin = b->offset, .end = end, .kind = lf->kind,
            .var = obj ? obj->var : -1, .objtext = obj ? ftl_normalise_expr(obj->text) : NULL};
    }
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
            add_region(fn, &fn->calls[stack[k].call], &stack[k].fnd, fn->calls[i].offset);
            memmove(stack + k, stack + k + 1, (n - k - 1) * sizeof *stack);
            n--;
            break;
        }
    }
    /* A lock never released in this function protects the rest of it. */
    for (size_t k = 0; k < n; k++)
        add_region(fn, &fn->calls[stack[k].call], &stack[k].fnd, fn->end);
    free(stack);
}

/* Can an event at offset `ev` affect the program point `at`? Not when it lies in a block that
 * ends in return or goto and `at` lies outside that block. */
static bool visible(const ftl_func *fn, unsigned ev, unsigned at)
{
    for (size_t i = 0; i < fn->ndeadends; i++) {
        unsigned b = fn->deadends[i][0], e = fn->deadends[i][1];
        if (ev >= b && ev < e && !(at >= b && at < e))
            return false;
    }
    return true;
}

static bool escaped_between(const ftl_func *fn, int var, unsigned from, unsigned to)
{
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->var == var && e->kind == FTL_VEV_ESCAPE && e->offset >= from && e->offset < to &&
            visible(fn, e->offset, to))
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
        if (e->var == var && e->kind == FTL_VEV_ASSIGN && visible(fn, e->offset, at))
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

/* The first escape of var in [from, to), or UINT_MAX. */
static unsigned first_escape(const ftl_func *fn, int var, unsigned from, unsigned to)
{
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->var == var && e->kind == FTL_VEV_ESCAPE && e->offset >= from && e->offset < to &&
            visible(fn, e->offset, to))
            return e->offset;
    }
    return UINT_MAX;
}

/* Follows var_privacy: the offset where the fresh container var holds at `at` was published,
 * or UINT_MAX when it is not a published fresh container. */
static unsigned publication(const ftl_func *fn, int var, unsigned at, int depth)
{
    if (var < 0 || depth > 16)
        return UINT_MAX;
    const ftl_vev *last = NULL;
    for (size_t i = 0; i < fn->nevs; i++) {
        const ftl_vev *e = &fn->evs[i];
        if (e->offset >= at)
            break;
        if (e->var == var && e->kind == FTL_VEV_ASSIGN && visible(fn, e->offset, at))
            last = e;
    }
    if (!last)
        return UINT_MAX;
    unsigned pub = UINT_MAX;
    if (last->alias >= 0) {
        /* A copy of another variable: published when that one was, or escapes later. */
        unsigned before = publication(fn, last->alias, last->offset, depth + 1);
        if (before != UINT_MAX)
            return before;
        if (var_privacy(fn, last->alias, last->offset, depth + 1) != FTL_PRIVATE_FRESH)
            return UINT_MAX;
        pub = first_escape(fn, last->alias, last->offset, at);
    } else if (last->value != FTL_PRIVATE_FRESH) {
        return UINT_MAX;
    }
    unsigned own = first_escape(fn, var, last->offset, at);
    return own < pub ? own : pub;
}

/* ---- containers written as expressions (fields, *out, a[i]) ------------------------------ */

/* True when a call between from and to passes the expression `want` (normalised) where it can
 * be kept: any argument of a function outside the C API, any but the first of a C API call. */
static unsigned expr_passed_on(const ftl_func *fn, const char *want, unsigned from, unsigned to)
{
    for (size_t i = 0; i < fn->ncalls; i++) {
        const ftl_call *c = &fn->calls[i];
        if (c->offset < from || c->offset >= to || !visible(fn, c->offset, to))
            continue;
        if (ftl_is_refcount_op(c->name) || ftl_is_lock_name(NULL, c->name))
            continue;
        bool capi = strncmp(c->name, "Py", 2) == 0 || strncmp(c->name, "_Py", 3) == 0;
        for (int j = capi ? 1 : 0; j < c->nargs; j++) {
            char *t = ftl_normalise_expr(c->args[j].text);
            bool same = strcmp(t, want) == 0;
            free(t);
            if (same)
                return c->offset;
        }
    }
    return UINT_MAX;
}

/* The last assignment of var visible at `at`, or NULL. */
static const ftl_vev *last_assign(const ftl_func *fn, int var, unsigned at)
{
    const ftl_vev *last = NULL;
    for (size_t i = 0; i < fn->nevs && fn->evs[i].offset < at; i++)
        if (fn->evs[i].var == var && fn->evs[i].kind == FTL_VEV_ASSIGN &&
            visible(fn, fn->evs[i].offset, at))
            last = &fn->evs[i];
    return last;
}

/* Is the object an expression lives in private at `at`: a local array or struct (`a[i]`,
 * `s.f`) whose address was not taken since `from`, an output parameter (`*out`), a variable
 * holding a fresh object (`o->f`, `p[i]`), or a local holding what a call returned: an object
 * the function fills fields of right after getting it from a call is taken to be one under
 * construction (`d = make_descr(); d->shape = PyTuple_New(n);`)? Returns UINT_MAX when it is,
 * else the offset from which other code can reach it (`from`, or where its address escaped). */
static unsigned base_shared_since(const ftl_func *fn, const char *t, unsigned from, unsigned at)
{
    bool deref = false;
    size_t i = 0;
    while (t[i] == '*' || t[i] == '(') {
        deref = deref || t[i] == '*';
        i++;
    }
    size_t start = i;
    while (isalnum((unsigned char)t[i]) || t[i] == '_')
        i++;
    if (i == start)
        return from;
    char *ident = ftl_xstrndup(t + start, i - start);
    int v = ftl_func_var_by_name(fn, ident, at);
    free(ident);
    if (v < 0)
        return from;
    enum ftl_storage st = fn->vars[v].storage;
    if (st != FTL_ST_LOCAL && st != FTL_ST_PARAM)
        return from;
    const char *rest = t + i;
    while (*rest == ')')
        rest++;
    if (deref)
        return st == FTL_ST_PARAM && *rest == '\0' ? UINT_MAX : from;
    CXType ty = clang_getCanonicalType(clang_getCursorType(fn->vars[v].decl));
    bool value = ty.kind == CXType_ConstantArray || ty.kind == CXType_IncompleteArray ||
                 ty.kind == CXType_VariableArray || ty.kind == CXType_Record;
    if (value) {
        if (st != FTL_ST_LOCAL || (rest[0] != '.' && rest[0] != '['))
            return from;
        return first_escape(fn, v, from, at);   /* its address passed on: from there */
    }
    if (strncmp(rest, "->", 2) != 0 && rest[0] != '[')
        return from;
    if (var_privacy(fn, v, at, 0) == FTL_PRIVATE_FRESH)
        return UINT_MAX;
    const ftl_vev *a = st == FTL_ST_LOCAL ? last_assign(fn, v, from) : NULL;
    return a && a->call && a->alias < 0 ? UINT_MAX : from;
}

/* Privacy of a container written as an expression: fresh when this function stored a fresh
 * container there, has not passed the expression on since, and the object holding it is
 * private. *published receives where it became reachable (the call passing it on, or the
 * store into a shared object), UINT_MAX when it was never a fresh container of this function. */
static enum ftl_privacy expr_privacy(const ftl_func *fn, const ftl_arg *arg, unsigned at,
                                     unsigned *published)
{
    *published = UINT_MAX;
    char *want = ftl_normalise_expr(arg->text);
    const ftl_xassign *last = NULL;
    for (size_t i = 0; i < fn->nxassigns; i++)
        if (fn->xassigns[i].offset < at && visible(fn, fn->xassigns[i].offset, at) &&
            strcmp(fn->xassigns[i].text, want) == 0)
            last = &fn->xassigns[i];
    enum ftl_privacy p = FTL_SHARED;
    /* `self->t = t` stores what t holds: fresh when t was fresh just before. */
    bool fresh = last && (last->fresh || (last->alias >= 0 &&
                                          var_privacy(fn, last->alias, last->begin, 0) == FTL_PRIVATE_FRESH));
    if (fresh) {
        unsigned passed = expr_passed_on(fn, want, last->offset, at);
        if (passed != UINT_MAX)
            *published = passed;
        else if ((*published = base_shared_since(fn, want, last->offset, at)) == UINT_MAX)
            p = FTL_PRIVATE_FRESH;
    }
    free(want);
    return p;
}

bool ftl_published_before(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset, unsigned *where)
{
    if (!ctx->fn)
        return false;
    if (arg->var < 0) {
        unsigned pub;
        if (!arg->text || !arg->text[0] || expr_privacy(ctx->fn, arg, offset, &pub) != FTL_SHARED ||
            pub == UINT_MAX)
            return false;
        *where = pub;
        return true;
    }
    enum ftl_storage st = ctx->fn->vars[arg->var].storage;
    if (st != FTL_ST_LOCAL && st != FTL_ST_PARAM)
        return false;
    unsigned pub = publication(ctx->fn, arg->var, offset, 0);
    if (pub == UINT_MAX)
        return false;
    *where = pub;
    return true;
}

enum ftl_privacy ftl_privacy_at(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset)
{
    if (!ctx->fn)
        return FTL_SHARED;
    if (arg->var < 0) {
        unsigned pub;
        return arg->text && arg->text[0] ? expr_privacy(ctx->fn, arg, offset, &pub) : FTL_SHARED;
    }
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

bool ftl_func_returns_fresh(const ftl_func *fn)
{
    bool any = false;
    for (size_t i = 0; i < fn->nrets; i++) {
        const ftl_ret *r = &fn->rets[i];
        if (r->null)
            continue;
        if (r->var >= 0) {
            if (var_privacy(fn, r->var, r->offset, 0) != FTL_PRIVATE_FRESH)
                return false;
        } else if (r->value != FTL_PRIVATE_FRESH) {
            return false;
        }
        any = true;
    }
    return any;
}
