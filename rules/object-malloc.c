/* object-malloc.c: FT004, memory from the object allocator (PyObject_Malloc, PyObject_Calloc,
 * PyObject_Realloc) that does not hold a Python object, and the PyObject_Free/PyObject_Realloc
 * calls that release that same memory. The free-threaded build requires the object domain to
 * hold only Python objects.
 *
 * Each function is scanned once when the engine dispatches it. The scan records:
 *  - allocation sites, with the types the result is given (the variable, field or return type
 *    it is stored in, and explicit casts) and where it is stored (its "holder": a variable,
 *    a field, or a function for returned memory);
 *  - release sites (PyObject_Free and the first argument of PyObject_Realloc) and their holder;
 *  - copies between holders (assignments, initialisations, returns, arguments of calls to
 *    functions defined in the translation unit), so memory followed into a field or through a
 *    helper function is still recognised where it is freed;
 *  - evidence that memory is an object after all: PyObject_Init and kin on it, a cast to an
 *    object pointer, a store into an object-typed variable.
 * Decisions are made at the end of the translation unit, when every function has been seen. */
#include "ftlint.h"
#include "../src/util.h"

#include <stdlib.h>
#include <string.h>

#define SEVERITY FTL_SEV_WARNING

enum cls { CLS_UNKNOWN, CLS_VOID, CLS_BUFFER, CLS_OBJECT };

typedef struct site {
    CXCursor call;
    bool alloc;              /* an allocation (else a release) */
    const char *api;         /* canonical name (static storage) */
    char *written;           /* the name as written at the call */
    char *args;              /* the arguments as written */
    CXCursor holder;         /* where the memory is stored / what is released; null if none */
    bool holder_var;         /* holder is a variable or field (not a function) */
    char *holder_text;       /* the holder as written, "" if none */
    enum cls cls;            /* allocation: what the types say */
    char *type;              /* allocation: the deciding type's spelling */
    unsigned name_off;       /* offset of the call's name in its file */
    CXFile file;             /* that file */
    bool direct;             /* the name is written at the call (not through a macro of yours) */
} site;

typedef struct copy {
    CXCursor dst, src;
    bool dst_private;        /* dst is a local variable, a parameter or a function */
} copy;

typedef struct state {
    site *sites;
    size_t nsites, capsites;
    copy *copies;
    size_t ncopies, capcopies;
    CXCursor *evidence;      /* holders used as Python objects */
    size_t nevidence, capevidence;
} state;

/* Per-function scan. */
typedef struct scan {
    ftl_ctx *ctx;
    state *st;
    CXCursor fn;             /* canonical cursor of the function */
    CXType result;           /* its result type */
} scan;

static const char *const allocs[] = {"PyObject_Malloc", "PyObject_Calloc", "PyObject_Realloc", NULL};
static const char *const inits[] = {
    "PyObject_Init", "PyObject_InitVar", "_PyObject_Init", "_PyObject_InitVar", "_Py_NewReference",
    "_Py_NewReferenceNoTotal", "Py_SET_TYPE", "Py_SET_REFCNT", "PyObject_INIT", "PyObject_INIT_VAR",
    NULL,
};

static const enum CXCursorKind kinds[] = {
    CXCursor_FunctionDecl, CXCursor_CXXMethod, CXCursor_Constructor, CXCursor_Destructor,
    CXCursor_FunctionTemplate, CXCursor_ConversionFunction, 0,
};

static const char *in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return *list;
    return NULL;
}

/* ---- types ------------------------------------------------------------------------------- */

static enum cls record_class(CXType rec, int depth);

/* What a type says about the memory it points to. */
static enum cls pointer_class(CXType t)
{
    t = clang_getCanonicalType(t);
    if (t.kind != CXType_Pointer)
        return CLS_UNKNOWN;
    CXType p = clang_getCanonicalType(clang_getPointeeType(t));
    switch (p.kind) {
    case CXType_Void:
        return CLS_VOID;
    case CXType_Record:
        return record_class(p, 0);
    case CXType_Invalid:
    case CXType_Unexposed:
    case CXType_Dependent:
        return CLS_UNKNOWN;
    default:
        return CLS_BUFFER;
    }
}

typedef struct first_member {
    CXCursor c;
    bool found;
} first_member;

static enum CXChildVisitResult first_member_visit(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    first_member *fm = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_FieldDecl || k == CXCursor_CXXBaseSpecifier) {
        fm->c = c;
        fm->found = true;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

/* A record is a Python object when it is PyObject itself or its first member (field or C++
 * base) is `ob_base` or an object record: PyObject_HEAD, PyObject_VAR_HEAD, a base object. */
static enum cls record_class(CXType rec, int depth)
{
    CXCursor decl = clang_getTypeDeclaration(rec);
    char *name = ftl_cxstr(clang_getCursorSpelling(decl));
    bool pyobject = strcmp(name, "_object") == 0 || strcmp(name, "PyObject") == 0;
    free(name);
    if (pyobject)
        return CLS_OBJECT;
    CXCursor def = clang_getCursorDefinition(decl);
    if (clang_Cursor_isNull(def) || depth > 8)
        return CLS_UNKNOWN;              /* incomplete here: cannot tell */
    first_member fm = {.found = false};
    clang_visitChildren(def, first_member_visit, &fm);
    if (!fm.found)
        return CLS_BUFFER;
    if (clang_getCursorKind(fm.c) == CXCursor_FieldDecl) {
        char *fname = ftl_cxstr(clang_getCursorSpelling(fm.c));
        bool ob_base = strcmp(fname, "ob_base") == 0;
        free(fname);
        if (ob_base)
            return CLS_OBJECT;
    }
    CXType ft = clang_getCanonicalType(clang_getCursorType(fm.c));
    if (ft.kind == CXType_Invalid || ft.kind == CXType_Unexposed)
        return CLS_UNKNOWN;
    if (ft.kind == CXType_Record)
        return record_class(ft, depth + 1) == CLS_OBJECT ? CLS_OBJECT : CLS_BUFFER;
    return CLS_BUFFER;
}

/* ---- expressions ------------------------------------------------------------------------- */

static bool is_cast_kind(enum CXCursorKind k)
{
    return k == CXCursor_CStyleCastExpr || k == CXCursor_CXXStaticCastExpr ||
           k == CXCursor_CXXReinterpretCastExpr || k == CXCursor_CXXConstCastExpr ||
           k == CXCursor_CXXFunctionalCastExpr;
}

static enum CXChildVisitResult last_child_visit(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Continue;
}

static CXCursor last_child(CXCursor c)
{
    CXCursor last = clang_getNullCursor();
    clang_visitChildren(c, last_child_visit, &last);
    return last;
}

/* Strips parentheses, implicit conversions and casts; the explicit casts' types are passed to
 * cast_cb (may be NULL). */
static CXCursor strip(CXCursor c, void (*cast_cb)(void *, CXType), void *data)
{
    for (int guard = 0; guard < 64; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && !is_cast_kind(k))
            return c;
        CXCursor inner = last_child(c);
        if (clang_Cursor_isNull(inner) || clang_getCursorKind(inner) == CXCursor_TypeRef)
            return c;
        if (is_cast_kind(k) && cast_cb)
            cast_cb(data, clang_getCursorType(c));
        c = inner;
    }
    return c;
}


static enum CXChildVisitResult first_child_visit(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Break;
}

static CXCursor first_child(CXCursor c)
{
    CXCursor first = clang_getNullCursor();
    clang_visitChildren(c, first_child_visit, &first);
    return first;
}

/* The place an expression designates where memory is kept: the variable or field of `p`,
 * `self->buf`, `s.buf`, with subscripts the array of `bufs[i]`, or the function whose result
 * it is (*is_var false). Null cursor otherwise. */
static CXCursor holder_of(CXCursor e, bool subscripts, bool *is_var)
{
    CXCursor u = strip(e, NULL, NULL);
    enum CXCursorKind k = clang_getCursorKind(u);
    *is_var = true;
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
        CXCursor r = clang_getCursorReferenced(u);
        enum CXCursorKind rk = clang_getCursorKind(r);
        if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl || rk == CXCursor_FieldDecl)
            return clang_getCanonicalCursor(r);
    } else if (k == CXCursor_ArraySubscriptExpr && subscripts) {
        return holder_of(first_child(u), false, is_var);
    } else if (k == CXCursor_CallExpr) {
        CXCursor r = clang_getCursorReferenced(u);
        if (clang_getCursorKind(r) == CXCursor_FunctionDecl) {
            *is_var = false;
            return clang_getCanonicalCursor(r);
        }
    }
    return clang_getNullCursor();
}

/* Locals, parameters and functions: holders evidence is followed through. Fields and
 * globals often hold several kinds of memory and stop the search. */
static bool private_holder(CXCursor h)
{
    enum CXCursorKind k = clang_getCursorKind(h);
    if (k == CXCursor_ParmDecl || k == CXCursor_FunctionDecl)
        return true;
    if (k != CXCursor_VarDecl)
        return false;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(h);
    if (sc == CX_SC_Static || sc == CX_SC_Extern)
        return false;
    enum CXCursorKind pk = clang_getCursorKind(clang_getCursorSemanticParent(h));
    return pk == CXCursor_FunctionDecl || pk == CXCursor_CXXMethod || pk == CXCursor_Constructor ||
           pk == CXCursor_Destructor || pk == CXCursor_FunctionTemplate;
}

/* The text of a cursor in the current file, whitespace collapsed; its spelling when it lies
 * elsewhere. Caller frees. */
static char *text_of(ftl_ctx *ctx, CXCursor c)
{
    unsigned b, e;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!ftl_cursor_offsets(ctx, c, &b, &e) || e <= b || e > len)
        return ftl_cxstr(clang_getCursorSpelling(c));
    ftl_buf out = {0};
    bool space = false;
    for (unsigned i = b; i < e; i++) {
        char ch = text[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            space = out.len > 0;
            continue;
        }
        if (space)
            ftl_buf_putn(&out, " ", 1);
        space = false;
        ftl_buf_putn(&out, &ch, 1);
    }
    return ftl_buf_steal(&out);
}

/* True when `written` is CPython's own name for api (a function, or a macro of the Python
 * headers that only renames it), so renaming it renames exactly that call. */
static bool spelling_of(const char *written, const char *api)
{
    static const char *const names[][2] = {
        {"PyObject_Malloc", "PyObject_Malloc"}, {"PyObject_MALLOC", "PyObject_Malloc"},
        {"PyObject_Calloc", "PyObject_Calloc"}, {"PyObject_Realloc", "PyObject_Realloc"},
        {"PyObject_REALLOC", "PyObject_Realloc"}, {"PyObject_Free", "PyObject_Free"},
        {"PyObject_FREE", "PyObject_Free"}, {"PyObject_Del", "PyObject_Free"},
        {"PyObject_DEL", "PyObject_Free"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(written, names[i][0]) == 0)
            return strcmp(api, names[i][1]) == 0;
    return false;
}

/* The identifier written where the call starts (PyObject_MALLOC, PyObject_Del...), or the
 * canonical name when the call comes from another macro (*direct false then). Caller frees. */
static char *written_name(ftl_ctx *ctx, CXCursor call, const char *api, bool *direct)
{
    unsigned b, e;
    *direct = false;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (ftl_cursor_offsets(ctx, call, &b, &e) && b < len) {
        unsigned i = b;
        while (i < len && (text[i] == '_' || (text[i] >= 'a' && text[i] <= 'z') ||
                           (text[i] >= 'A' && text[i] <= 'Z') || (text[i] >= '0' && text[i] <= '9')))
            i++;
        char *w = ftl_xstrndup(text + b, i - b);
        if (spelling_of(w, api)) {
            *direct = true;
            return w;
        }
        free(w);
    }
    return ftl_xstrdup(api);
}

static char *args_text(ftl_ctx *ctx, CXCursor call)
{
    ftl_buf b = {0};
    int n = clang_Cursor_getNumArguments(call);
    for (int i = 0; i < n; i++) {
        char *t = text_of(ctx, clang_Cursor_getArgument(call, (unsigned)i));
        ftl_buf_printf(&b, "%s%s", i ? ", " : "", t[0] ? t : "...");
        free(t);
    }
    if (!b.s)
        ftl_buf_puts(&b, "");
    return ftl_buf_steal(&b);
}

/* ---- per-function scan ------------------------------------------------------------------- */

static void add_copy(state *st, CXCursor dst, CXCursor src)
{
    if (clang_Cursor_isNull(dst) || clang_Cursor_isNull(src) || clang_equalCursors(dst, src))
        return;
    ftl_grow((void **)&st->copies, &st->capcopies, st->ncopies + 1, sizeof *st->copies);
    st->copies[st->ncopies++] = (copy){.dst = dst, .src = src, .dst_private = private_holder(dst)};
}

static void add_evidence(state *st, CXCursor h)
{
    if (clang_Cursor_isNull(h))
        return;
    ftl_grow((void **)&st->evidence, &st->capevidence, st->nevidence + 1, sizeof *st->evidence);
    st->evidence[st->nevidence++] = h;
}

static site *add_site(scan *sc, CXCursor call, bool alloc, const char *api, CXCursor holder,
                      bool holder_var, CXCursor holder_expr)
{
    state *st = sc->st;
    ftl_grow((void **)&st->sites, &st->capsites, st->nsites + 1, sizeof *st->sites);
    site *s = &st->sites[st->nsites++];
    memset(s, 0, sizeof *s);
    s->call = call;
    s->alloc = alloc;
    s->api = api;
    s->written = written_name(sc->ctx, call, api, &s->direct);
    unsigned b = 0, e;
    if (s->direct)
        ftl_cursor_offsets(sc->ctx, call, &b, &e);
    s->name_off = b;
    clang_getFileLocation(clang_getCursorLocation(call), &s->file, NULL, NULL, NULL);
    s->args = args_text(sc->ctx, call);
    s->holder = holder;
    s->holder_var = holder_var;
    if (clang_Cursor_isNull(holder_expr))
        s->holder_text = ftl_xstrdup("");
    else if (clang_getCursorKind(holder_expr) == CXCursor_VarDecl)
        s->holder_text = ftl_cxstr(clang_getCursorSpelling(holder_expr));
    else
        s->holder_text = text_of(sc->ctx, holder_expr);
    s->type = ftl_xstrdup("");
    return s;
}

typedef struct casts {
    CXType v[8];
    int n;
} casts;

static void note_cast(void *d, CXType t)
{
    casts *cs = d;
    if (cs->n < 8)
        cs->v[cs->n++] = t;
}

/* The value `value` is stored in `dst` (declared type dtype), written as dst_expr (or dst_name
 * when the destination is a declaration or the function's result). */
static void store(scan *sc, CXCursor dst, bool dst_var, CXType dtype, CXCursor value,
                  CXCursor dst_expr)
{
    casts cs = {.n = 0};
    CXCursor u = strip(value, note_cast, &cs);
    if (clang_getCursorKind(u) == CXCursor_CallExpr) {
        char *n = ftl_cxstr(clang_getCursorSpelling(u));
        const char *api = in_list(allocs, n);
        free(n);
        if (api) {
            site *s = add_site(sc, u, true, api, dst, dst_var, dst_expr);
            /* What the types say: an object type anywhere wins, then a buffer type. */
            cs.v[cs.n < 8 ? cs.n++ : 7] = dtype;
            enum cls best = CLS_UNKNOWN;
            CXType bt = dtype;
            for (int i = cs.n; i-- > 0;) {
                enum cls c = pointer_class(cs.v[i]);
                if (c > best) {
                    best = c;
                    bt = cs.v[i];
                }
            }
            s->cls = best;
            free(s->type);
            s->type = ftl_cxstr(clang_getTypeSpelling(bt));
            return;
        }
    }
    bool src_var;
    CXCursor src = holder_of(u, false, &src_var);
    if (clang_Cursor_isNull(src))
        return;
    add_copy(sc->st, dst, src);
    if (pointer_class(dtype) == CLS_OBJECT)
        add_evidence(sc->st, src);
}

static bool is_assignment(ftl_ctx *ctx, CXCursor op, CXCursor lhs, CXCursor rhs)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    (void)lhs;
    (void)rhs;
    return clang_getCursorBinaryOperatorKind(op) == CXBinaryOperator_Assign;
#else
    /* Older libclang: the text between the operands is a lone '='. */
    (void)op;
    unsigned lb, le, rb, re;
    size_t len;
    const char *t = ftl_ctx_text(ctx, &len);
    if (!ftl_cursor_offsets(ctx, lhs, &lb, &le) || !ftl_cursor_offsets(ctx, rhs, &rb, &re) ||
        rb <= le || rb > len)
        return false;
    unsigned i = le;
    while (i < rb && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    if (i >= rb || t[i] != '=')
        return false;
    i++;
    while (i < rb && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
        i++;
    return i == rb;
#endif
}

static void on_call_expr(scan *sc, CXCursor c)
{
    char *n = ftl_cxstr(clang_getCursorSpelling(c));
    int na = clang_Cursor_getNumArguments(c);
    bool var;
    if ((strcmp(n, "PyObject_Free") == 0 || strcmp(n, "PyObject_Realloc") == 0) && na >= 1) {
        CXCursor arg = clang_Cursor_getArgument(c, 0);
        CXCursor h = holder_of(arg, true, &var);
        if (!clang_Cursor_isNull(h))
            add_site(sc, c, false, strcmp(n, "PyObject_Free") == 0 ? "PyObject_Free" : "PyObject_Realloc",
                     h, var, strip(arg, NULL, NULL));
    } else if (in_list(inits, n) && na >= 1) {
        add_evidence(sc->st, holder_of(clang_Cursor_getArgument(c, 0), false, &var));
    }
    free(n);
    /* Arguments: passed as an object pointer is evidence; passed to a function defined here
     * is a copy into its parameter. */
    CXCursor callee = clang_getCursorReferenced(c);
    if (clang_getCursorKind(callee) != CXCursor_FunctionDecl)
        return;
    CXType ft = clang_getCursorType(callee);
    CXCursor def = clang_getCursorDefinition(callee);
    int nparams = clang_Cursor_isNull(def) ? -1 : clang_Cursor_getNumArguments(def);
    for (int i = 0; i < na; i++) {
        CXCursor h = holder_of(clang_Cursor_getArgument(c, (unsigned)i), false, &var);
        if (clang_Cursor_isNull(h))
            continue;
        if (i < clang_getNumArgTypes(ft) && pointer_class(clang_getArgType(ft, (unsigned)i)) == CLS_OBJECT)
            add_evidence(sc->st, h);
        if (i < nparams)
            add_copy(sc->st, clang_getCanonicalCursor(clang_Cursor_getArgument(def, (unsigned)i)), h);
    }
}

static enum CXChildVisitResult scan_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    scan *sc = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    switch (k) {
    case CXCursor_VarDecl: {
        CXType t = clang_getCursorType(c);
        CXCursor init = last_child(c);
        enum CXTypeKind tk = clang_getCanonicalType(t).kind;
        if (!clang_Cursor_isNull(init) && clang_isExpression(clang_getCursorKind(init)) &&
            tk != CXType_ConstantArray && tk != CXType_VariableArray && tk != CXType_IncompleteArray)
            store(sc, clang_getCanonicalCursor(c), true, t, init, c);
        break;
    }
    case CXCursor_BinaryOperator: {
        CXCursor lhs = first_child(c), rhs = last_child(c);
        if (clang_Cursor_isNull(lhs) || clang_equalCursors(lhs, rhs) ||
            !is_assignment(sc->ctx, c, lhs, rhs))
            break;
        bool var;
        CXCursor dst = holder_of(lhs, true, &var);
        store(sc, dst, true, clang_getCursorType(lhs), rhs, strip(lhs, NULL, NULL));
        break;
    }
    case CXCursor_ReturnStmt: {
        CXCursor v = first_child(c);
        if (!clang_Cursor_isNull(v))
            store(sc, sc->fn, false, sc->result, v, clang_getNullCursor());
        break;
    }
    case CXCursor_CallExpr:
        on_call_expr(sc, c);
        break;
    default:
        if (is_cast_kind(k) && pointer_class(clang_getCursorType(c)) == CLS_OBJECT) {
            bool var;
            CXCursor operand = strip(last_child(c), NULL, NULL);
            /* `(PyObject *)(mem + header)`: the object lives inside mem */
            if (clang_getCursorKind(operand) == CXCursor_BinaryOperator &&
                clang_getCanonicalType(clang_getCursorType(operand)).kind == CXType_Pointer)
                operand = first_child(operand);
            add_evidence(sc->st, holder_of(operand, false, &var));
        }
        break;
    }
    return CXChildVisit_Recurse;
}

static void on_function(ftl_ctx *ctx, CXCursor cursor, CXCursor parent)
{
    (void)parent;
    /* Only the definition the engine is processing (declarations arrive without one). */
    if (!ftl_ctx_function(ctx) || !clang_equalCursors(ftl_ctx_function_cursor(ctx), cursor))
        return;
    scan sc = {.ctx = ctx, .st = ftl_ctx_state(ctx), .fn = clang_getCanonicalCursor(cursor),
               .result = clang_getResultType(clang_getCursorType(cursor))};
    clang_visitChildren(cursor, scan_visit, &sc);
}

/* ---- decisions --------------------------------------------------------------------------- */

/* The same expression: cursors reached by different paths may differ in their parent data. */
static bool same_node(CXCursor a, CXCursor b)
{
    return clang_equalCursors(a, b) ||
           (clang_getCursorKind(a) == clang_getCursorKind(b) &&
            clang_equalRanges(clang_getCursorExtent(a), clang_getCursorExtent(b)));
}

static bool in_set(const CXCursor *v, size_t n, CXCursor c)
{
    for (size_t i = 0; i < n; i++)
        if (clang_equalCursors(v[i], c))
            return true;
    return false;
}

/* Is memory kept in h used as a Python object: h itself, or the locals, parameters and
 * functions (results) it flows into? Fields and globals reached on the way are not looked at:
 * one `void *` field often holds several kinds of memory, and its other uses say nothing about
 * this allocation. */
static bool used_as_object(const state *st, CXCursor h)
{
    CXCursor seen[64];
    size_t n = 0, next = 0;
    seen[n++] = h;
    while (next < n) {
        CXCursor cur = seen[next++];
        if (in_set(st->evidence, st->nevidence, cur))
            return true;
        for (size_t i = 0; i < st->ncopies && n < 64; i++)
            if (clang_equalCursors(st->copies[i].src, cur) && st->copies[i].dst_private &&
                !in_set(seen, n, st->copies[i].dst))
                seen[n++] = st->copies[i].dst;
    }
    return false;
}

static const char *mem_replacement(const char *api)
{
    if (strcmp(api, "PyObject_Calloc") == 0)
        return "PyMem_Calloc";
    if (strcmp(api, "PyObject_Realloc") == 0)
        return "PyMem_Realloc";
    if (strcmp(api, "PyObject_Free") == 0)
        return "PyMem_Free";
    return "PyMem_Malloc";
}

/* "line N" when the site lies in the file of `here`, else "file:N". Caller frees. */
static char *where(CXCursor site_call, CXCursor here)
{
    CXFile fs, fh;
    unsigned ls, lh;
    clang_getFileLocation(clang_getCursorLocation(site_call), &fs, &ls, NULL, NULL);
    clang_getFileLocation(clang_getCursorLocation(here), &fh, &lh, NULL, NULL);
    if (fs && fh && clang_File_isEqual(fs, fh))
        return ftl_xasprintf("line %u", ls);
    char *path = fs ? ftl_cxstr(clang_getFileName(fs)) : ftl_xstrdup("?");
    const char *base = strrchr(path, '/');
    char *w = ftl_xasprintf("%s:%u", base ? base + 1 : path, ls);
    free(path);
    return w;
}

static void report_alloc(ftl_ctx *ctx, const site *s, const ftl_edit *edits, size_t nedits)
{
    ftl_buf msg = {0};
    const char *use = mem_replacement(s->api);
    if (s->holder_var && s->holder_text[0])
        ftl_buf_printf(&msg, "memory from %s stored in '%s' (%s) is not a Python object", s->written,
                       s->holder_text, s->type);
    else if (!s->holder_var && !clang_Cursor_isNull(s->holder))
        ftl_buf_printf(&msg, "memory from %s returned as %s is not a Python object", s->written,
                       s->type);
    else
        ftl_buf_printf(&msg, "memory from %s used as %s is not a Python object", s->written, s->type);
    ftl_buf_printf(&msg, "; the free-threaded build requires the object allocator to hold only "
                   "Python objects: use %s", use);
    char *help = ftl_xasprintf("use %s(%s), and PyMem_Free instead of PyObject_Free wherever this "
                               "memory is released (allocation and release must change together)",
                               use, s->args);
    char *m = ftl_buf_steal(&msg);
    ftl_report_cursor_edits(ctx, SEVERITY, s->call, m, help, edits, nedits);
    free(m);
    free(help);
}

static void report_release(ftl_ctx *ctx, const site *s, const site *origin, const ftl_edit *edits,
                           size_t nedits)
{
    char *w = where(origin->call, s->call);
    bool realloc_ = strcmp(s->api, "PyObject_Realloc") == 0;
    const char *use = mem_replacement(s->api);
    char *msg = ftl_xasprintf("%s %s '%s', memory from %s (%s) that is not a Python object: use "
                              "%s, together with %s where it is allocated",
                              s->written, realloc_ ? "resizes" : "releases", s->holder_text,
                              origin->written, w, use, mem_replacement(origin->api));
    char *help = ftl_xasprintf("use %s(%s) once the allocation at %s uses %s; the allocation and "
                               "every release of this memory must change together",
                               use, s->args, w, mem_replacement(origin->api));
    ftl_report_cursor_edits(ctx, SEVERITY, s->call, msg, help, edits, nedits);
    free(w);
    free(msg);
    free(help);
}

static bool has_edit_at(const ftl_edit *e, size_t n, unsigned begin)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].begin == begin)
            return true;
    return false;
}

static void *tu_begin(ftl_ctx *ctx)
{
    (void)ctx;
    return ftl_xcalloc(1, sizeof(state));
}

static size_t find_root(size_t *parent, size_t i)
{
    while (parent[i] != i)
        i = parent[i] = parent[parent[i]];
    return i;
}

/* Holders reachable from h through copies (h included), appended to *set. */
static void closure(const state *st, CXCursor h, CXCursor **set, size_t *n, size_t *cap)
{
    *n = 0;
    ftl_grow((void **)set, cap, 1, sizeof **set);
    (*set)[(*n)++] = h;
    for (size_t k = 0; k < *n; k++)
        for (size_t i = 0; i < st->ncopies; i++)
            if (clang_equalCursors(st->copies[i].src, (*set)[k]) &&
                !in_set(*set, *n, st->copies[i].dst)) {
                ftl_grow((void **)set, cap, *n + 1, sizeof **set);
                (*set)[(*n)++] = st->copies[i].dst;
            }
}

static void tu_end(ftl_ctx *ctx, void *p)
{
    state *st = p;
    size_t n = st->nsites;
    bool *reported = ftl_xcalloc(n + 1, sizeof *reported);
    size_t *origin = ftl_xcalloc(n + 1, sizeof *origin);      /* releases: their allocation */
    bool *release = ftl_xcalloc(n + 1, sizeof *release);      /* releases to report */
    size_t *parent = ftl_xcalloc(n + 1, sizeof *parent);      /* edit groups (union-find) */
    bool *unsafe = ftl_xcalloc(n + 1, sizeof *unsafe);
    CXCursor *set = NULL;
    size_t nset = 0, capset = 0;
    for (size_t i = 0; i < n; i++) {
        const site *s = &st->sites[i];
        parent[i] = i;
        if (!s->alloc)
            continue;
        bool report = s->cls == CLS_BUFFER ||
                      (s->cls == CLS_VOID && s->holder_var && !clang_Cursor_isNull(s->holder));
        reported[i] = report && (clang_Cursor_isNull(s->holder) || !used_as_object(st, s->holder));
    }
    /* The releases of each reported allocation's memory: every release whose holder the memory
     * reaches. An allocation and all the sites sharing its memory form one edit group; the
     * group's edits are safe only if every allocation storing into that memory is reported. */
    for (size_t a = 0; a < n; a++) {
        if (!reported[a] || clang_Cursor_isNull(st->sites[a].holder))
            continue;
        closure(st, st->sites[a].holder, &set, &nset, &capset);
        /* Returned by a function other files can call: they may release it, unseen. */
        for (size_t k = 0; k < nset; k++)
            if (clang_getCursorKind(set[k]) == CXCursor_FunctionDecl &&
                clang_getCursorLinkage(set[k]) == CXLinkage_External)
                unsafe[a] = true;
        for (size_t i = 0; i < n; i++) {
            const site *s = &st->sites[i];
            if (i == a || clang_Cursor_isNull(s->holder) || !in_set(set, nset, s->holder))
                continue;
            bool dup = false;   /* the release side of a PyObject_Realloc reported as allocation */
            for (size_t j = 0; j < n && !dup && !s->alloc; j++)
                dup = reported[j] && same_node(st->sites[j].call, s->call);
            if (s->alloc && !reported[i]) {
                unsafe[a] = true;
                continue;
            }
            if (dup)
                continue;
            if (!s->alloc && !release[i]) {
                release[i] = true;
                origin[i] = a;
            }
            size_t ra = find_root(parent, a), ri = find_root(parent, i);
            if (ra != ri)
                parent[ri] = ra;
        }
    }
    bool *group_unsafe = ftl_xcalloc(n + 1, sizeof *group_unsafe);
    bool *group_released = ftl_xcalloc(n + 1, sizeof *group_released);
    for (size_t i = 0; i < n; i++) {
        size_t r = find_root(parent, i);
        const site *s = &st->sites[i];
        bool member = reported[i] || release[i];
        if (unsafe[i] ||
            (member && (!s->direct || !clang_File_isEqual(s->file, st->sites[r].file))))
            group_unsafe[r] = true;
        if (release[i])
            group_released[r] = true;
    }
    /* Memory never released in the file is released somewhere this file cannot rename. */
    for (size_t i = 0; i < n; i++)
        if (!group_released[find_root(parent, i)])
            group_unsafe[find_root(parent, i)] = true;
    free(group_released);
    /* A safe group's members all lie in one file and are spelled directly: each finding
     * carries the renames of the whole group, so fixing any of them fixes all of them (and a
     * member hidden by a suppression or a baseline is still renamed with the others). */
    ftl_edit *edits = ftl_xcalloc(n + 1, sizeof *edits);
    for (size_t i = 0; i < n; i++) {
        const site *s = &st->sites[i];
        if (!reported[i] && !release[i])
            continue;
        size_t r = find_root(parent, i);
        size_t ne = 0;
        if (!group_unsafe[r]) {
            for (size_t k = 0; k < n; k++) {
                const site *o = &st->sites[k];
                if ((reported[k] || release[k]) && find_root(parent, k) == r && o->direct &&
                    !has_edit_at(edits, ne, o->name_off))
                    edits[ne++] = (ftl_edit){o->name_off, o->name_off + (unsigned)strlen(o->written),
                                             (char *)mem_replacement(o->api), true, 0};
            }
        } else if (s->direct) {
            edits[ne++] = (ftl_edit){s->name_off, s->name_off + (unsigned)strlen(s->written),
                                     (char *)mem_replacement(s->api), false, 0};
        }
        if (reported[i])
            report_alloc(ctx, s, ne ? edits : NULL, ne);
        else
            report_release(ctx, s, &st->sites[origin[i]], ne ? edits : NULL, ne);
    }
    free(edits);
    free(set);
    free(reported);
    free(origin);
    free(release);
    free(parent);
    free(unsafe);
    free(group_unsafe);
    for (size_t i = 0; i < n; i++) {
        free(st->sites[i].written);
        free(st->sites[i].args);
        free(st->sites[i].holder_text);
        free(st->sites[i].type);
    }
    free(st->sites);
    free(st->copies);
    free(st->evidence);
    free(st);
}

const ftl_rule ftl_rule_object_malloc = {
    .code = "FT004",
    .name = "object-malloc",
    .summary = "PyObject_Malloc/Calloc/Realloc memory that is not a Python object, and its PyObject_Free",
    .severity = SEVERITY,
    .confidence = FTL_CONF_HIGH,
    .kinds = kinds,
    .on_cursor = on_function,
    .tu_begin = tu_begin,
    .tu_end = tu_end,
};
