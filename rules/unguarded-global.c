/* unguarded-global.c: FT007, a mutable variable with static storage written, without
 * synchronisation, from a function that several threads may run at once.
 *
 * Writes are found as the walk meets them (assignments, ++/--, compound assignments, the address
 * given to a C API or C library function that writes through it, a non-const reference or a
 * mutating method of the C++ library, Py_CLEAR and Py_SETREF) and dropped at once when they are
 * synchronised (lock regions from ftl_in_lock, a once-call, atomic or thread-local variables,
 * lock, table and object types). Which functions never run concurrently is a question about
 * callers: the rule records roots (PyInit_*, the Py_mod_exec/Py_mod_create functions of slot
 * arrays, the m_traverse/m_clear/m_free functions of module definitions, once and at-exit
 * callbacks), calls (and whether a lock is held at the call) and functions whose address is
 * taken in the run-wide call graph, and reports each write with ftl_report_cursor_unless_serial:
 * the driver drops it when, over all files, its function turns out to run only during
 * initialisation or under its callers' locks. The lazy-cache pattern
 * (`if (cache == NULL) cache = ...;`) gets its own message. */
#include "ftlint.h"
#include "../src/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables ----------------------------------------------------------------------------------- */

/* Types whose variables are not data another thread could see half-written: CPython's static
 * tables and type objects, and synchronisation objects themselves. */
static const char *const exempt_types[] = {
    "PyTypeObject", "PyHeapTypeObject", "PyModuleDef", "PyMethodDef", "PyMemberDef",
    "PyGetSetDef", "PyModuleDef_Slot", "PyType_Slot", "PyType_Spec", "PyStructSequence_Desc",
    "PyStructSequence_Field", "PyNumberMethods", "PySequenceMethods", "PyMappingMethods",
    "PyBufferProcs", "PyAsyncMethods", "PyMutex", "Py_tss_t", "_Py_tss_t", "PyThread_type_key",
    "pthread_mutex_t", "pthread_rwlock_t", "pthread_spinlock_t", "pthread_once_t",
    "pthread_cond_t", "pthread_key_t", "mtx_t", "cnd_t", "once_flag", "tss_t",
    "CRITICAL_SECTION", "SRWLOCK", "INIT_ONCE", "CONDITION_VARIABLE", "std::mutex",
    "std::recursive_mutex", "std::shared_mutex", "std::timed_mutex", "std::once_flag",
    "std::condition_variable", NULL,
};

/* Name prefixes of functions that synchronise on their pointer arguments (locks, atomics): the
 * variable whose address they receive is not written unsafely. */
static const char *const sync_prefixes[] = {
    "PyMutex_", "PyThread_", "PyCriticalSection", "pthread_", "mtx_", "cnd_", "sem_",
    "call_once", "__atomic_", "__sync_", "__c11_atomic_", "atomic_", "_Py_atomic_", "Interlocked",
    "_Interlocked", "EnterCriticalSection", "LeaveCriticalSection", "TryEnterCriticalSection",
    "InitializeCriticalSection", "DeleteCriticalSection", "AcquireSRWLock", "ReleaseSRWLock",
    "TryAcquireSRWLock", "InitializeSRWLock", "InitOnce", "omp_", "PyUnstable_", NULL,
};

/* Functions that run their callback exactly once, or at exit: the callback needs no lock. */
static const char *const once_calls[] = {
    "pthread_once", "call_once", "InitOnceExecuteOnce", "Py_AtExit", "atexit", "_PyOnceFlag_CallOnce",
    NULL,
};

/* C library functions that write through a pointer argument (index of the destination). */
static const struct libc_writer {
    const char *name;
    int dest;
} libc_writers[] = {
    {"memcpy", 0}, {"memmove", 0}, {"memset", 0}, {"strcpy", 0}, {"strncpy", 0}, {"strcat", 0},
    {"strncat", 0}, {"sprintf", 0}, {"snprintf", 0}, {"vsprintf", 0}, {"vsnprintf", 0},
    {"fgets", 0}, {"fread", 0}, {"read", 1}, {"bzero", 0}, {"strlcpy", 0}, {"strlcat", 0},
    {"PyOS_snprintf", 0}, {"PyOS_vsnprintf", 0},
};

/* C++ methods that change the object they are called on. */
static const char *const mutating_methods[] = {
    "operator=", "operator+=", "operator-=", "operator*=", "operator/=", "operator%=",
    "operator&=", "operator|=", "operator^=", "operator<<=", "operator>>=", "operator++",
    "operator--", "push_back", "push_front", "pop_back", "pop_front", "emplace", "emplace_back",
    "emplace_front", "emplace_hint", "insert", "insert_or_assign", "try_emplace", "erase", "clear",
    "reserve", "resize", "assign", "swap", "append", "reset", "release", "merge", "splice",
    "shrink_to_fit", "replace", NULL,
};

static const char *const clearing_macros[] = {"Py_CLEAR", "Py_SETREF", "Py_XSETREF", NULL};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool has_prefix_in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strncmp(s, *list, strlen(*list)) == 0)
            return true;
    return false;
}

/* ---- state ------------------------------------------------------------------------------------ */

enum wkind { W_ASSIGN, W_UPDATE, W_ADDRESS, W_REFERENCE, W_METHOD, W_CLEAR };

/* A function that writes, or is the caller being walked. */
typedef struct fnrec {
    char *name;
    char *key;               /* ftl_function_key */
    CXCursor cursor;
    bool referenced;         /* called or address-taken somewhere in this file */
} fnrec;

typedef struct pwrite {
    CXCursor at;             /* the reference to the variable */
    size_t fn;
    unsigned offset;         /* of the reference, in the function's file (deduplication) */
    char *var_usr;
    char *var;
    char *type;              /* the variable's type as declared */
    char *text;              /* the write as written, squeezed; may be empty */
    char *via;               /* callee of an address or reference write, or NULL */
    enum wkind kind;
    bool local_static;       /* a `static` inside a function */
    bool arithmetic;         /* an integer or floating type: _Atomic would do */
} pwrite;

typedef struct ifrec {
    size_t fn;
    unsigned begin, end, cond_end;
    bool then_returns;       /* `if (cache) return cache;` */
    ftl_strv vars;           /* USRs of static variables the condition reads */
} ifrec;

typedef struct range {
    unsigned begin, end;
} range;

typedef struct state {
    fnrec *fns;
    size_t nfns, capfns;
    ftl_strmap fn_index;
    pwrite *writes;
    size_t nwrites, capwrites;
    ifrec *ifs;
    size_t nifs, capifs;
    /* the function being walked */
    CXCursor cur;
    size_t cur_fn;
    size_t first_write;      /* first write of the current function */
    bool cxx;                /* a C++ translation unit */
    range *once;             /* extents of once-calls in the current function */
    size_t nonce, caponce;
    unsigned *clears;        /* offsets of Py_CLEAR()-style macro arguments */
    size_t nclears, capclears;
    char *pending_callee;    /* USR of the callee of the last call not yet matched to its ref */
    bool pending_locked;     /* that call is inside a lock region */
    ftl_strmap referenced;   /* keys of functions referenced before they were walked */
} state;

static char *usr_of(CXCursor c)
{
    return ftl_cxstr(clang_getCursorUSR(clang_getCanonicalCursor(c)));
}

static size_t fn_for(state *st, CXCursor c)
{
    char *key = ftl_function_key(c);
    size_t i;
    if (!ftl_strmap_get(&st->fn_index, key, &i)) {
        ftl_grow((void **)&st->fns, &st->capfns, st->nfns + 1, sizeof *st->fns);
        i = st->nfns++;
        st->fns[i] = (fnrec){.name = ftl_cxstr(clang_getCursorSpelling(c)), .key = key, .cursor = c,
                             .referenced = ftl_strmap_get(&st->referenced, key, &(size_t){0})};
        ftl_strmap_put(&st->fn_index, key, i);
    } else {
        free(key);
    }
    return i;
}

static bool is_function_kind(enum CXCursorKind k)
{
    return k == CXCursor_FunctionDecl || k == CXCursor_CXXMethod || k == CXCursor_Constructor ||
           k == CXCursor_Destructor || k == CXCursor_FunctionTemplate ||
           k == CXCursor_ConversionFunction;
}

/* Makes the function being walked current, resetting the per-function state when it changes.
 * Returns false outside functions. */
static bool enter_function(ftl_ctx *ctx, state *st)
{
    CXCursor fn = ftl_ctx_function_cursor(ctx);
    if (clang_Cursor_isNull(fn))
        return false;
    if (clang_equalCursors(fn, st->cur))
        return true;
    st->cur = fn;
    st->cur_fn = fn_for(st, fn);
    st->fns[st->cur_fn].cursor = fn;
    st->first_write = st->nwrites;
    st->nonce = 0;
    st->nclears = 0;
    free(st->pending_callee);
    st->pending_callee = NULL;
    const char *name = st->fns[st->cur_fn].name;
    if (strncmp(name, "PyInit_", 7) == 0 && clang_getCursorKind(fn) == CXCursor_FunctionDecl)
        ftl_graph_root(ctx, st->fns[st->cur_fn].key);
    return true;
}

/* C++ sources (the extensions the parser treats as C++): clang_getCursorLanguage() says C for
 * plain functions even there. */
static bool cxx_source(ftl_ctx *ctx)
{
    static const char *const exts[] = {".cc", ".cpp", ".cxx", ".C", ".hpp", ".hh", ".hxx", ".c++", NULL};
    char *path = ftl_cxstr(clang_getTranslationUnitSpelling(ftl_ctx_tu(ctx)));
    size_t n = strlen(path);
    bool cxx = false;
    for (const char *const *e = exts; *e && !cxx; e++)
        cxx = n >= strlen(*e) && strcmp(path + n - strlen(*e), *e) == 0;
    free(path);
    return cxx;
}

static void *tu_begin(ftl_ctx *ctx)
{
    state *st = ftl_xcalloc(1, sizeof *st);
    st->cur = clang_getNullCursor();
    st->cxx = cxx_source(ctx);
    return st;
}

/* ---- cursor helpers --------------------------------------------------------------------------- */

/* Strips implicit conversions and parentheses (not casts: a cast is not an lvalue). */
static CXCursor strip_implicit(CXCursor c)
{
    for (int guard = 0; guard < 32; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
            return c;
        ftl_kids ch = ftl_children(c);
        if (ch.n != 1)
            return c;
        c = ch.v[0];
    }
    return c;
}

/* Strips implicit conversions, parentheses and casts. */
static CXCursor strip_casts(CXCursor c)
{
    for (int guard = 0; guard < 32; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && k != CXCursor_CStyleCastExpr &&
            k != CXCursor_CXXStaticCastExpr && k != CXCursor_CXXReinterpretCastExpr &&
            k != CXCursor_CXXConstCastExpr && k != CXCursor_CXXFunctionalCastExpr)
            return c;
        ftl_kids ch = ftl_children(c);
        if (ch.n == 0)
            return c;
        CXCursor last = ch.v[ch.n - 1];
        if (clang_getCursorKind(last) == CXCursor_TypeRef)
            return c;
        c = last;
    }
    return c;
}

static bool is_array_type(CXType t)
{
    t = clang_getCanonicalType(t);
    return t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
           t.kind == CXType_VariableArray || t.kind == CXType_DependentSizedArray;
}

/* The reference to the variable whose own storage an lvalue designates: `g`, `g.f`, `g[i]` for
 * an array g, `g[i].f`, `g[k]` through a C++ operator[]; a null cursor for anything reached
 * through a pointer (`g->f`, `*g`, `p[i]`), which is not the variable itself. */
static CXCursor lvalue_base(CXCursor e)
{
    CXCursor c = strip_implicit(e);
    for (int guard = 0; guard < 32; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_DeclRefExpr)
            return c;
        ftl_kids ch = ftl_children(c);
        if (k == CXCursor_MemberRefExpr) {
            if (ch.n < 1)
                return clang_getNullCursor();   /* implicit this */
            CXCursor base = strip_implicit(ch.v[0]);
            CXType bt = clang_getCanonicalType(clang_getCursorType(base));
            if (bt.kind == CXType_Pointer)
                return clang_getNullCursor();
            c = base;
            continue;
        }
        if (k == CXCursor_ArraySubscriptExpr) {
            if (ch.n < 1)
                return clang_getNullCursor();
            CXCursor base = strip_implicit(ch.v[0]);
            if (!is_array_type(clang_getCursorType(base)))
                return clang_getNullCursor();
            c = base;
            continue;
        }
        if (k == CXCursor_CallExpr) {
            /* C++ operator[] on a container object */
            char *n = ftl_cxstr(clang_getCursorSpelling(c));
            bool sub = strcmp(n, "operator[]") == 0;
            free(n);
            if (!sub || ch.n < 1)
                return clang_getNullCursor();
            CXCursor base = strip_implicit(ch.v[0]);
            if (clang_getCanonicalType(clang_getCursorType(base)).kind == CXType_Pointer)
                return clang_getNullCursor();
            c = base;
            continue;
        }
        return clang_getNullCursor();
    }
    return clang_getNullCursor();
}

static enum CXChildVisitResult first_field(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (clang_getCursorKind(c) == CXCursor_FieldDecl) {
        *(CXCursor *)d = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

/* A Python object: a struct that starts, directly or through nested first members, with the
 * PyObject header (struct _object): static type objects, dtype objects, singletons. */
static bool is_python_object(CXType t)
{
    for (int depth = 0; depth < 8; depth++) {
        CXType ct = clang_getCanonicalType(t);
        if (ct.kind != CXType_Record)
            return false;
        CXCursor decl = clang_getTypeDeclaration(ct);
        char *name = ftl_cxstr(clang_getCursorSpelling(decl));
        bool object = strcmp(name, "_object") == 0;
        free(name);
        if (object)
            return true;
        CXCursor field = clang_getNullCursor();
        clang_visitChildren(decl, first_field, &field);
        if (clang_Cursor_isNull(field))
            return false;
        t = clang_getCursorType(field);
    }
    return false;
}

static bool type_is_exempt(CXType t)
{
    for (int guard = 0; guard < 8 && is_array_type(t); guard++)
        t = clang_getArrayElementType(clang_getCanonicalType(t));
    CXType ct = clang_getCanonicalType(t);
    if (is_python_object(t))
        return true;
    if (clang_isConstQualifiedType(t) || clang_isConstQualifiedType(ct))
        return true;
#if CINDEX_VERSION_MINOR >= 59
    if (ct.kind == CXType_Atomic || t.kind == CXType_Atomic)
        return true;
#endif
    char *sp[2] = {ftl_cxstr(clang_getTypeSpelling(t)), ftl_cxstr(clang_getTypeSpelling(ct))};
    bool exempt = false;
    for (int i = 0; i < 2 && !exempt; i++) {
        const char *p = sp[i];
        if (strstr(p, "_Atomic") || strstr(p, "std::atomic") || strncmp(p, "atomic<", 7) == 0 ||
            strncmp(p, "atomic_", 7) == 0)
            exempt = true;
        if (strncmp(p, "volatile ", 9) == 0)
            p += 9;
        if (strncmp(p, "struct ", 7) == 0)
            p += 7;
        else if (strncmp(p, "union ", 6) == 0)
            p += 6;
        else if (strncmp(p, "class ", 6) == 0)
            p += 6;
        for (const char *const *e = exempt_types; *e && !exempt; e++)
            if (strcmp(p, *e) == 0)
                exempt = true;
    }
    free(sp[0]);
    free(sp[1]);
    return exempt;
}

/* A macro name that says thread-local storage: a `TLS` component or THREAD_LOCAL in any case
 * (NPY_TLS, Py_THREAD_LOCAL, MY_THREADLOCAL). */
static bool tls_macro_name(const char *name)
{
    char up[128];
    size_t n = 0;
    for (; name[n] && n + 1 < sizeof up; n++)
        up[n] = (char)toupper((unsigned char)name[n]);
    up[n] = '\0';
    if (strstr(up, "THREAD_LOCAL") || strstr(up, "THREADLOCAL"))
        return true;
    for (const char *p = up; (p = strstr(p, "TLS")) != NULL; p += 3)
        if ((p == up || p[-1] == '_') && (p[3] == '\0' || p[3] == '_'))
            return true;
    return false;
}

/* The declaration is written with the project's thread-local macro (`static NPY_TLS int n;`),
 * which expands to nothing when the build configuration that enables it is missing from this
 * analysis: the author's intent is thread-local storage. */
static bool declared_thread_local(CXCursor var)
{
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(var);
    CXSourceRange ext = clang_getCursorExtent(var);
    CXSourceRange head = clang_getRange(clang_getRangeStart(ext), clang_getCursorLocation(var));
    CXToken *toks = NULL;
    unsigned nt = 0;
    clang_tokenize(tu, head, &toks, &nt);
    bool tls = false;
    for (unsigned i = 0; i < nt && !tls; i++) {
        if (clang_getTokenKind(toks[i]) != CXToken_Identifier)
            continue;
        char *t = ftl_cxstr(clang_getTokenSpelling(tu, toks[i]));
        tls = tls_macro_name(t);
        free(t);
    }
    clang_disposeTokens(tu, toks, nt);
    return tls;
}

/* A variable of static storage duration, mutable, not thread-local, declared in the project. */
static bool candidate_var(CXCursor var, bool *local_static)
{
    if (clang_getCursorKind(var) != CXCursor_VarDecl)
        return false;
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(var)))
        return false;
    if (clang_getCursorTLSKind(var) != CXTLS_None)
        return false;
    CXCursor parent = clang_getCursorSemanticParent(var);
    enum CXCursorKind pk = clang_getCursorKind(parent);
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(var);
    bool in_function = is_function_kind(pk) || pk == CXCursor_LambdaExpr;
    if (in_function && sc != CX_SC_Static && sc != CX_SC_Extern)
        return false;
    if (!in_function && !(pk == CXCursor_TranslationUnit || pk == CXCursor_Namespace ||
                          pk == CXCursor_LinkageSpec || pk == CXCursor_ClassDecl ||
                          pk == CXCursor_StructDecl || pk == CXCursor_UnionDecl ||
                          pk == CXCursor_ClassTemplate || pk == CXCursor_UnexposedDecl))
        return false;
    *local_static = in_function;
    return !type_is_exempt(clang_getCursorType(var)) && !declared_thread_local(var);
}

static bool is_arithmetic(CXType t)
{
    CXType c = clang_getCanonicalType(t);
    return (c.kind >= CXType_Bool && c.kind <= CXType_LongDouble) || c.kind == CXType_Enum;
}

/* Source text of a cursor in the current file, whitespace squeezed. Caller frees. */
static char *cursor_text(ftl_ctx *ctx, CXCursor c)
{
    unsigned b, e;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!ftl_cursor_offsets(ctx, c, &b, &e) || e <= b || e > len)
        return ftl_xstrdup("");
    ftl_buf out = {0};
    bool space = false;
    for (unsigned i = b; i < e; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (isspace(ch)) {
            space = out.len > 0;
            continue;
        }
        if (space)
            ftl_buf_putn(&out, " ", 1);
        space = false;
        ftl_buf_putn(&out, (const char *)&ch, 1);
    }
    return ftl_buf_steal(&out);
}

/* ---- recording writes ------------------------------------------------------------------------- */

static bool synchronised_at(ftl_ctx *ctx, state *st, unsigned off)
{
    if (ftl_in_lock(ctx, off, FTL_LOCK_ANY, NULL))
        return true;
    for (size_t i = 0; i < st->nonce; i++)
        if (off >= st->once[i].begin && off <= st->once[i].end)
            return true;
    return false;
}

/* Records a write to the variable referenced by ref (a DeclRefExpr), unless it is synchronised
 * or already recorded. op is the whole write (its text goes into the help). */
static void add_write(ftl_ctx *ctx, state *st, CXCursor ref, CXCursor op, enum wkind kind,
                      const char *via)
{
    if (clang_Cursor_isNull(ref) || clang_getCursorKind(ref) != CXCursor_DeclRefExpr)
        return;
    CXCursor var = clang_getCursorReferenced(ref);
    bool local_static = false;
    if (!candidate_var(var, &local_static))
        return;
    unsigned b, e;
    if (!ftl_cursor_offsets(ctx, ref, &b, &e))
        return;
    for (size_t i = st->first_write; i < st->nwrites; i++)
        if (st->writes[i].offset == b)
            return;
    if (synchronised_at(ctx, st, b))
        return;
    ftl_grow((void **)&st->writes, &st->capwrites, st->nwrites + 1, sizeof *st->writes);
    pwrite *w = &st->writes[st->nwrites++];
    memset(w, 0, sizeof *w);
    w->at = ref;
    w->fn = st->cur_fn;
    w->offset = b;
    w->var_usr = usr_of(var);
    w->var = ftl_cxstr(clang_getCursorSpelling(var));
    CXType t = clang_getCursorType(var);
    w->type = ftl_cxstr(clang_getTypeSpelling(t));
    w->text = clang_Cursor_isNull(op) ? ftl_xstrdup("") : cursor_text(ctx, op);
    w->via = via ? ftl_xstrdup(via) : NULL;
    w->kind = kind;
    w->local_static = local_static;
    w->arithmetic = is_arithmetic(t);
}

static bool binop_is_assign(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    return clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign;
#else
    /* The top-level operator is the first '=' outside brackets. */
    CXToken *toks = NULL;
    unsigned nt = 0;
    CXTranslationUnit tu = ftl_ctx_tu(ctx);
    clang_tokenize(tu, clang_getCursorExtent(c), &toks, &nt);
    int depth = 0;
    bool assign = false;
    for (unsigned i = 0; i < nt && !assign; i++) {
        char *t = ftl_cxstr(clang_getTokenSpelling(tu, toks[i]));
        if (strchr("([{", t[0]) && t[1] == '\0')
            depth++;
        else if (strchr(")]}", t[0]) && t[1] == '\0')
            depth--;
        else if (depth == 0 && strcmp(t, "=") == 0)
            assign = true;
        free(t);
    }
    clang_disposeTokens(tu, toks, nt);
    return assign;
#endif
}

#if CINDEX_VERSION_MINOR < 64
/* Whether one of the operators (NULL-terminated) appears outside brackets in the cursor's
 * tokens: the top-level operator when the others bind tighter. */
static bool top_level_token(ftl_ctx *ctx, CXCursor c, const char *const *ops)
{
    CXToken *toks = NULL;
    unsigned nt = 0;
    CXTranslationUnit tu = ftl_ctx_tu(ctx);
    clang_tokenize(tu, clang_getCursorExtent(c), &toks, &nt);
    int depth = 0;
    bool found = false;
    for (unsigned i = 0; i < nt && !found; i++) {
        char *t = ftl_cxstr(clang_getTokenSpelling(tu, toks[i]));
        if (strchr("([{", t[0]) && t[1] == '\0')
            depth++;
        else if (strchr(")]}", t[0]) && t[1] == '\0')
            depth--;
        else if (depth == 0)
            found = in_list(ops, t);
        free(t);
    }
    clang_disposeTokens(tu, toks, nt);
    return found;
}
#endif

/* The operator is && or ||. */
static bool binop_is_logical(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    enum CXBinaryOperatorKind k = clang_getCursorBinaryOperatorKind(c);
    return k == CXBinaryOperator_LAnd || k == CXBinaryOperator_LOr;
#else
    static const char *const ops[] = {"&&", "||", NULL};
    return top_level_token(ctx, c, ops);
#endif
}

/* The operator is == or != (its operands are not themselves comparisons when it is). */
static bool binop_is_equality(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    enum CXBinaryOperatorKind k = clang_getCursorBinaryOperatorKind(c);
    return k == CXBinaryOperator_EQ || k == CXBinaryOperator_NE;
#else
    static const char *const ops[] = {"==", "!=", NULL};
    return !binop_is_logical(ctx, c) && top_level_token(ctx, c, ops);
#endif
}

/* 1 for ++/--, 2 for unary &, 0 for other unary operators. */
static int unop_class(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    enum CXUnaryOperatorKind k = clang_getCursorUnaryOperatorKind(c);
    if (k == CXUnaryOperator_PostInc || k == CXUnaryOperator_PostDec ||
        k == CXUnaryOperator_PreInc || k == CXUnaryOperator_PreDec)
        return 1;
    return k == CXUnaryOperator_AddrOf ? 2 : 0;
#else
    CXToken *toks = NULL;
    unsigned nt = 0;
    CXTranslationUnit tu = ftl_ctx_tu(ctx);
    clang_tokenize(tu, clang_getCursorExtent(c), &toks, &nt);
    int cls = 0;
    if (nt > 0) {
        char *first = ftl_cxstr(clang_getTokenSpelling(tu, toks[0]));
        char *last = ftl_cxstr(clang_getTokenSpelling(tu, toks[nt - 1]));
        if (!strcmp(first, "++") || !strcmp(first, "--") || !strcmp(last, "++") || !strcmp(last, "--"))
            cls = 1;
        else if (!strcmp(first, "&"))
            cls = 2;
        free(first);
        free(last);
    }
    clang_disposeTokens(tu, toks, nt);
    return cls;
#endif
}

/* The function type a call goes through, or an invalid type. */
static CXType callee_type(CXCursor call)
{
    ftl_kids ch = ftl_children(call);
    CXType t = {.kind = CXType_Invalid};
    if (ch.n >= 1) {
        t = clang_getCanonicalType(clang_getCursorType(ch.v[0]));
        if (t.kind == CXType_Pointer)
            t = clang_getCanonicalType(clang_getPointeeType(t));
    }
    if (t.kind != CXType_FunctionProto && t.kind != CXType_FunctionNoProto) {
        CXCursor r = clang_getCursorReferenced(call);
        if (!clang_Cursor_isNull(r))
            t = clang_getCanonicalType(clang_getCursorType(r));
    }
    return t;
}

/* Whether the call may write through its argument i, a pointer: a parameter pointing to
 * non-const, or a variadic argument (PyArg_ParseTuple). */
static bool writes_through(CXType ft, unsigned i)
{
    /* A function without a prototype is one whose declaration clang did not see (a header
     * missing from this analysis): unknown, so not counted. */
    if (ft.kind != CXType_FunctionProto)
        return false;
    int np = clang_getNumArgTypes(ft);
    if (np < 0 || i >= (unsigned)np)
        return clang_isFunctionTypeVariadic(ft) != 0;
    CXType pt = clang_getCanonicalType(clang_getArgType(ft, i));
    if (pt.kind != CXType_Pointer)
        return false;
    return !clang_isConstQualifiedType(clang_getPointeeType(pt));
}

/* Whether parameter i is a non-const lvalue reference (C++). */
static bool binds_reference(CXType ft, unsigned i)
{
    if (ft.kind != CXType_FunctionProto)
        return false;
    int np = clang_getNumArgTypes(ft);
    if (np < 0 || i >= (unsigned)np)
        return false;
    CXType pt = clang_getCanonicalType(clang_getArgType(ft, i));
    return pt.kind == CXType_LValueReference && !clang_isConstQualifiedType(clang_getPointeeType(pt));
}

/* A reference to a function: the callee of the call just seen, or its address being taken (a
 * method table, a callback argument, a slot). */
static void record_function_ref(ftl_ctx *ctx, state *st, CXCursor fn, bool in_function)
{
    char *key = ftl_function_key(fn);
    size_t i;
    if (ftl_strmap_get(&st->fn_index, key, &i))
        st->fns[i].referenced = true;
    else
        ftl_strmap_put(&st->referenced, key, 1);
    if (in_function && st->pending_callee && strcmp(st->pending_callee, key) == 0) {
        ftl_graph_call(ctx, st->fns[st->cur_fn].key, key, st->pending_locked);
        free(st->pending_callee);
        st->pending_callee = NULL;
    } else {
        ftl_graph_address_taken(ctx, key);
    }
    free(key);
}

static void mark_root(ftl_ctx *ctx, CXCursor fn)
{
    if (clang_Cursor_isNull(fn))
        return;
    char *key = ftl_function_key(fn);
    ftl_graph_root(ctx, key);
    free(key);
}

/* Functions a once or at-exit call runs: its function arguments. */
static enum CXChildVisitResult once_args(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    CXCursor f = ftl_expr_function(c);
    if (!clang_Cursor_isNull(f))
        mark_root(d, f);
    return CXChildVisit_Continue;
}

/* The identifier a call starts with when it is followed by '(', or NULL. Caller frees. */
static char *first_identifier(ftl_ctx *ctx, CXCursor call)
{
    unsigned b, e;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!ftl_cursor_offsets(ctx, call, &b, &e) || b >= len ||
        !(isalpha((unsigned char)text[b]) || text[b] == '_'))
        return NULL;
    unsigned i = b;
    while (i < len && (isalnum((unsigned char)text[i]) || text[i] == '_'))
        i++;
    unsigned end = i;
    while (i < len && (text[i] == ' ' || text[i] == '\t'))
        i++;
    return i < len && text[i] == '(' ? ftl_xstrndup(text + b, end - b) : NULL;
}

static void on_call_expr(ftl_ctx *ctx, state *st, CXCursor call)
{
    char *name = ftl_cxstr(clang_getCursorSpelling(call));
    CXCursor callee = clang_getCursorReferenced(call);
    enum CXCursorKind ck = clang_getCursorKind(callee);
    free(st->pending_callee);
    st->pending_callee = NULL;
    unsigned cb, ce;
    bool locked = ftl_cursor_offsets(ctx, call, &cb, &ce) && synchronised_at(ctx, st, cb);
    if (is_function_kind(ck) && !clang_Location_isInSystemHeader(clang_getCursorLocation(callee))) {
        st->pending_callee = ftl_function_key(callee);
        st->pending_locked = locked;
    } else if (clang_Cursor_isNull(callee) && !name[0]) {
        /* A call clang could not resolve (its declaration sits behind an error): the function
         * is named by the call's first token, the way C names external functions. */
        char *callee_name = first_identifier(ctx, call);
        if (callee_name) {
            char *key = ftl_xasprintf("c:@F@%s", callee_name);
            ftl_graph_call(ctx, st->fns[st->cur_fn].key, key, locked);
            free(key);
            free(callee_name);
        }
    }

    if (in_list(once_calls, name)) {
        unsigned b, e;
        if (ftl_cursor_offsets(ctx, call, &b, &e)) {
            ftl_grow((void **)&st->once, &st->caponce, st->nonce + 1, sizeof *st->once);
            st->once[st->nonce++] = (range){b, e};
        }
        clang_visitChildren(call, once_args, ctx);
        goto done;
    }
    if (has_prefix_in(sync_prefixes, name))
        goto done;

    int nargs = clang_Cursor_getNumArguments(call);
    bool method = ck == CXCursor_CXXMethod;
    bool op_call = method && strncmp(name, "operator", 8) == 0;
    if (method && in_list(mutating_methods, name) && !clang_CXXMethod_isConst(callee) &&
        !clang_CXXMethod_isStatic(callee)) {
        /* The object: the first child of the callee member expression, or of an operator call. */
        ftl_kids ch = ftl_children(call);
        CXCursor obj = clang_getNullCursor();
        if (ch.n >= 1) {
            CXCursor first = strip_implicit(ch.v[0]);
            if (clang_getCursorKind(first) == CXCursor_MemberRefExpr) {
                ftl_kids mk = ftl_children(first);
                if (mk.n >= 1)
                    obj = mk.v[0];
            } else if (op_call) {
                obj = first;
            }
        }
        if (!clang_Cursor_isNull(obj))
            add_write(ctx, st, lvalue_base(obj), call, W_METHOD, name);
    }
    if (op_call || nargs <= 0)
        goto done;

    int libc_dest = -1;
    for (size_t i = 0; i < sizeof libc_writers / sizeof *libc_writers; i++)
        if (strcmp(libc_writers[i].name, name) == 0)
            libc_dest = libc_writers[i].dest;
    /* Only callees whose behaviour is known write through a pointer or reference: the C API
     * (PyArg_ParseTuple & co.), the C and C++ libraries. A project function may take its own
     * lock inside; its writes are judged where it makes them. */
    bool known = !clang_Cursor_isNull(callee) &&
                 (clang_Location_isInSystemHeader(clang_getCursorLocation(callee)) ||
                  strncmp(name, "Py", 2) == 0 || strncmp(name, "_Py", 3) == 0);
    CXType ft = callee_type(call);
    for (int i = 0; i < nargs; i++) {
        CXCursor arg = clang_Cursor_getArgument(call, (unsigned)i);
        CXCursor a = strip_casts(arg);
        enum CXCursorKind ak = clang_getCursorKind(a);
        if (ak == CXCursor_UnaryOperator && unop_class(ctx, a) == 2) {
            ftl_kids ch = ftl_children(a);
            if (ch.n == 1 && (i == libc_dest || (known && writes_through(ft, (unsigned)i))))
                add_write(ctx, st, lvalue_base(ch.v[0]), call, W_ADDRESS, name);
            continue;
        }
        if (i == libc_dest) {
            /* an array passed as the destination */
            CXCursor base = lvalue_base(a);
            if (!clang_Cursor_isNull(base) && is_array_type(clang_getCursorType(base)))
                add_write(ctx, st, base, call, W_ADDRESS, name);
            continue;
        }
        if (st->cxx && known && binds_reference(ft, (unsigned)i)) {
            CXCursor base = lvalue_base(arg);
            add_write(ctx, st, base, call, W_REFERENCE, name);
        }
    }
done:
    free(name);
}

/* ---- if statements: the lazy-initialisation pattern -------------------------------------------- */

static void add_tested(CXCursor e, ftl_strv *vars)
{
    CXCursor base = lvalue_base(strip_casts(e));
    if (clang_Cursor_isNull(base))
        return;
    CXCursor v = clang_getCursorReferenced(base);
    bool ls;
    if (candidate_var(v, &ls)) {
        char *usr = usr_of(v);
        if (!ftl_strv_contains(vars, usr))
            ftl_strv_push(vars, usr);
        free(usr);
    }
}

/* Adds the static variables a condition tests for being unset: `cache`, `!cache`,
 * `cache == NULL`, `cache != 0`, and such tests joined by && and ||. A comparison with anything
 * but a null constant (`count < 10`) is not such a test. */
static void tested_vars(ftl_ctx *ctx, CXCursor e, ftl_strv *vars, int depth)
{
    if (depth > 16)
        return;
    CXCursor c = strip_casts(e);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_UnaryOperator) {
        ftl_kids ch = ftl_children(c);
        if (ch.n == 1 && unop_class(ctx, c) == 0)
            tested_vars(ctx, ch.v[0], vars, depth + 1);
        return;
    }
    if (k == CXCursor_BinaryOperator) {
        ftl_kids ch = ftl_children(c);
        if (ch.n != 2)
            return;
        if (binop_is_equality(ctx, c)) {
            if (ftl_expr_is_null(ch.v[1]))
                add_tested(ch.v[0], vars);
            else if (ftl_expr_is_null(ch.v[0]))
                add_tested(ch.v[1], vars);
        } else if (binop_is_logical(ctx, c)) {
            tested_vars(ctx, ch.v[0], vars, depth + 1);
            tested_vars(ctx, ch.v[1], vars, depth + 1);
        }
        return;
    }
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr)
        add_tested(c, vars);
}

static enum CXChildVisitResult has_return(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (clang_getCursorKind(c) == CXCursor_ReturnStmt) {
        *(bool *)d = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Recurse;
}

static void on_if(ftl_ctx *ctx, state *st, CXCursor c)
{
    ftl_kids ch = ftl_children(c);
    if (ch.n < 2)
        return;
    /* C++ may put an init statement or a condition variable first: the condition is the first
     * expression. */
    int ci = 0;
    while (ci < ch.n - 1 && !clang_isExpression(clang_getCursorKind(ch.v[ci])))
        ci++;
    unsigned b, e, cb, ce;
    if (!ftl_cursor_offsets(ctx, c, &b, &e) || !ftl_cursor_offsets(ctx, ch.v[ci], &cb, &ce))
        return;
    ifrec r = {.fn = st->cur_fn, .begin = b, .end = e, .cond_end = ce};
    tested_vars(ctx, ch.v[ci], &r.vars, 0);
    if (r.vars.n == 0)
        return;
    if (ci + 1 < ch.n) {
        CXCursor then = ch.v[ci + 1];
        if (clang_getCursorKind(then) == CXCursor_ReturnStmt)
            r.then_returns = true;
        else
            clang_visitChildren(then, has_return, &r.then_returns);
    }
    ftl_grow((void **)&st->ifs, &st->capifs, st->nifs + 1, sizeof *st->ifs);
    st->ifs[st->nifs++] = r;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

/* Functions named in a module definition's initializer: m_traverse, m_clear, m_free. */
static enum CXChildVisitResult def_functions(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor f = clang_getCursorReferenced(c);
        if (is_function_kind(clang_getCursorKind(f)))
            mark_root(d, f);
    }
    return CXChildVisit_Recurse;
}

static void on_var(ftl_ctx *ctx, CXCursor c)
{
    if (ftl_is_slot_array(c)) {
        ftl_slot *slots;
        size_t n = ftl_slot_entries(c, &slots);
        for (size_t i = 0; i < n; i++)
            if (slots[i].id == FTL_MOD_EXEC || slots[i].id == FTL_MOD_CREATE)
                mark_root(ctx, slots[i].function);
        free(slots);
    } else if (ftl_is_moduledef(c)) {
        clang_visitChildren(c, def_functions, ctx);
    }
}

static void on_cursor(ftl_ctx *ctx, CXCursor c, CXCursor parent)
{
    (void)parent;
    state *st = ftl_ctx_state(ctx);
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_VarDecl) {
        on_var(ctx, c);
        return;
    }
    bool in_fn = enter_function(ctx, st);
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor r = clang_getCursorReferenced(c);
        if (is_function_kind(clang_getCursorKind(r))) {
            if (!clang_Location_isInSystemHeader(clang_getCursorLocation(r)))
                record_function_ref(ctx, st, r, in_fn);
            return;
        }
        /* The variable inside a Py_CLEAR()/Py_SETREF() argument. */
        unsigned b, e;
        if (in_fn && k == CXCursor_DeclRefExpr && st->nclears &&
            ftl_cursor_offsets(ctx, c, &b, &e)) {
            for (size_t i = 0; i < st->nclears; i++)
                if (st->clears[i] == b)
                    add_write(ctx, st, c, clang_getNullCursor(), W_CLEAR, NULL);
        }
        return;
    }
    if (!in_fn)
        return;
    switch (k) {
    case CXCursor_BinaryOperator:
        if (binop_is_assign(ctx, c)) {
            ftl_kids ch = ftl_children(c);
            if (ch.n == 2)
                add_write(ctx, st, lvalue_base(ch.v[0]), c, W_ASSIGN, NULL);
        }
        break;
    case CXCursor_CompoundAssignOperator: {
        ftl_kids ch = ftl_children(c);
        if (ch.n == 2)
            add_write(ctx, st, lvalue_base(ch.v[0]), c, W_UPDATE, NULL);
        break;
    }
    case CXCursor_UnaryOperator:
        if (unop_class(ctx, c) == 1) {
            ftl_kids ch = ftl_children(c);
            if (ch.n == 1)
                add_write(ctx, st, lvalue_base(ch.v[0]), c, W_UPDATE, NULL);
        }
        break;
    case CXCursor_CallExpr:
        on_call_expr(ctx, st, c);
        break;
    case CXCursor_IfStmt:
        on_if(ctx, st, c);
        break;
    default:
        break;
    }
}

/* Py_CLEAR(g), Py_SETREF(g, v), Py_XSETREF(g, v): the headers of 3.12+ write through a pointer,
 * older ones assign; either way the first argument is written. */
static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    state *st = ftl_ctx_state(ctx);
    if (!enter_function(ctx, st) || call->nargs < 1 || !call->from_macro)
        return;
    ftl_grow((void **)&st->clears, &st->capclears, st->nclears + 1, sizeof *st->clears);
    st->clears[st->nclears++] = call->args[0].begin;
}

/* ---- end of the translation unit ---------------------------------------------------------------- */

static bool write_inside(const pwrite *w, const ifrec *r)
{
    return w->fn == r->fn && w->offset > r->cond_end && w->offset < r->end;
}

/* `if (cache == NULL) cache = ...;`, `if (cache) return cache; cache = ...;`, and the flag form
 * `if (!ready) { table = ...; ready = 1; }`. */
static bool is_lazy(const state *st, const pwrite *w)
{
    for (size_t i = 0; i < st->nifs; i++) {
        const ifrec *r = &st->ifs[i];
        if (r->fn != w->fn)
            continue;
        bool same = ftl_strv_contains(&r->vars, w->var_usr);
        if (same && (write_inside(w, r) || (r->then_returns && w->offset >= r->end)))
            return true;
        if (!same && write_inside(w, r)) {
            for (size_t k = 0; k < st->nwrites; k++)
                if (write_inside(&st->writes[k], r) && ftl_strv_contains(&r->vars, st->writes[k].var_usr))
                    return true;
        }
    }
    return false;
}

static void report_write(ftl_ctx *ctx, const state *st, const pwrite *w, size_t more)
{
    const char *fn = st->fns[w->fn].name;
    const char *what = w->local_static ? "static" : "global";
    bool cxx = st->cxx;
    const char *stmt = w->text[0] ? w->text : w->var;
    ftl_buf msg = {0}, help = {0};
    if (is_lazy(st, w)) {
        ftl_buf_printf(&msg, "%s '%s' is initialised lazily in '%s' without a lock: two threads "
                       "can both find it unset and both initialise it; initialise it once, in "
                       "module exec or under a lock", what, w->var, fn);
        if (cxx)
            ftl_buf_printf(&help, "create it in the module's Py_mod_exec function or keep it in "
                           "module state; to stay lazy, run the initialisation with "
                           "std::call_once(%s_once, ...) or hold a std::mutex around both the test "
                           "and the store", w->var);
        else
            ftl_buf_printf(&help, "create it in the module's Py_mod_exec function or keep it in "
                           "module state (PyModule_GetState); to stay lazy, hold one static "
                           "PyMutex around both the test and the store: "
                           "PyMutex_Lock(&%s_lock); if (...) { %s; } PyMutex_Unlock(&%s_lock); "
                           "or use a once-flag (pthread_once, call_once)", w->var, stmt, w->var);
    } else {
        switch (w->kind) {
        case W_ADDRESS:
        case W_REFERENCE:
            ftl_buf_printf(&msg, "%s '%s' is passed to '%s', which may write it, in '%s' without "
                           "a lock: threads running '%s' at the same time race on it; hold a "
                           "lock or give each call its own copy", what, w->var, w->via, fn, fn);
            break;
        case W_METHOD:
            ftl_buf_printf(&msg, "%s '%s' is modified by '%s' in '%s' without a lock: threads "
                           "running '%s' at the same time race on it; hold a lock", what, w->var,
                           w->via, fn, fn);
            break;
        case W_UPDATE:
            ftl_buf_printf(&msg, "%s '%s' is updated in '%s' without a lock: threads running '%s' "
                           "at the same time lose updates; make it atomic or hold a lock", what,
                           w->var, fn, fn);
            break;
        case W_ASSIGN:
        case W_CLEAR:
            ftl_buf_printf(&msg, "%s '%s' is written in '%s' without a lock: threads running '%s' "
                           "at the same time race on it; hold a lock, or keep it in module state",
                           what, w->var, fn, fn);
            break;
        }
        if (w->kind == W_UPDATE && w->arithmetic && !cxx)
            ftl_buf_printf(&help, "declare it 'static _Atomic %s %s;' (<stdatomic.h>: '%s' is then "
                           "one atomic update), or hold a static PyMutex around it: "
                           "PyMutex_Lock(&%s_lock); %s; PyMutex_Unlock(&%s_lock);", w->type,
                           w->var, stmt, w->var, stmt, w->var);
        else if (w->kind == W_UPDATE && w->arithmetic)
            ftl_buf_printf(&help, "declare it 'static std::atomic<%s> %s;', or hold a mutex around "
                           "it: { std::lock_guard<std::mutex> guard(%s_mutex); %s; }", w->type,
                           w->var, w->var, stmt);
        else if (cxx)
            ftl_buf_printf(&help, "hold one mutex around every access: "
                           "{ std::lock_guard<std::mutex> guard(%s_mutex); %s; }, or keep it in "
                           "module state, or make it thread_local if each thread needs its own",
                           w->var, stmt);
        else
            ftl_buf_printf(&help, "hold one static PyMutex around every access: "
                           "PyMutex_Lock(&%s_lock); %s; PyMutex_Unlock(&%s_lock); or keep it in "
                           "module state (PyModule_GetState), or make it _Thread_local if each "
                           "thread needs its own", w->var, stmt, w->var);
    }
    if (more)
        ftl_buf_printf(&msg, " (%zu more write%s of '%s' in '%s')", more, more == 1 ? "" : "s",
                       w->var, fn);
    /* Nothing here calls it: if its caller only runs during initialisation, that caller's file
     * is what the run is missing. */
    if (!st->fns[w->fn].referenced && clang_getCursorLinkage(st->fns[w->fn].cursor) != CXLinkage_Internal)
        ftl_buf_printf(&msg, "; nothing in this file calls '%s' (analyse its callers' files too)", fn);
    char *m = ftl_buf_steal(&msg), *h = ftl_buf_steal(&help);
    /* Dropped later if the function turns out to run only during initialisation or under its
     * callers' locks, once the call graphs of all files are merged. */
    ftl_report_cursor_unless_serial(ctx, st->fns[w->fn].key, FTL_SEV_WARNING, w->at, m, h);
    free(m);
    free(h);
}

static void tu_end(ftl_ctx *ctx, void *p)
{
    state *st = p;
    /* One finding per variable and function, at its first write, counting the others. */
    ftl_strmap first = {0};
    size_t *more = ftl_xcalloc(st->nwrites, sizeof *more);
    for (size_t i = 0; i < st->nwrites; i++) {
        char *key = ftl_xasprintf("%zu %s", st->writes[i].fn, st->writes[i].var_usr);
        size_t f;
        if (ftl_strmap_get(&first, key, &f))
            more[f]++;
        else
            ftl_strmap_put(&first, key, i);
        free(key);
    }
    for (size_t i = 0; i < st->nwrites; i++) {
        char *key = ftl_xasprintf("%zu %s", st->writes[i].fn, st->writes[i].var_usr);
        size_t f;
        if (ftl_strmap_get(&first, key, &f) && f == i)
            report_write(ctx, st, &st->writes[i], more[i]);
        free(key);
    }
    ftl_strmap_free(&first);
    free(more);
    for (size_t i = 0; i < st->nwrites; i++) {
        pwrite *w = &st->writes[i];
        free(w->var_usr);
        free(w->var);
        free(w->type);
        free(w->text);
        free(w->via);
    }
    for (size_t i = 0; i < st->nfns; i++) {
        free(st->fns[i].name);
        free(st->fns[i].key);
    }
    for (size_t i = 0; i < st->nifs; i++)
        ftl_strv_free(&st->ifs[i].vars);
    free(st->fns);
    free(st->writes);
    free(st->ifs);
    free(st->once);
    free(st->clears);
    free(st->pending_callee);
    ftl_strmap_free(&st->referenced);
    ftl_strmap_free(&st->fn_index);
    free(st);
}

static const enum CXCursorKind kinds[] = {
    CXCursor_VarDecl, CXCursor_DeclRefExpr, CXCursor_MemberRefExpr, CXCursor_BinaryOperator,
    CXCursor_CompoundAssignOperator, CXCursor_UnaryOperator, CXCursor_CallExpr, CXCursor_IfStmt,
    0,
};

const ftl_rule ftl_rule_unguarded_global = {
    .code = "FT007",
    .name = "unguarded-global",
    .summary = "static variable written without synchronisation where threads can run",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_MEDIUM,
    .apis = clearing_macros,
    .on_call = on_call,
    .kinds = kinds,
    .on_cursor = on_cursor,
    .tu_begin = tu_begin,
    .tu_end = tu_end,
};
