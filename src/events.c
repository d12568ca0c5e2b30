/* events.c: collects what happens in one function: the calls it makes (from the AST and from
 * recorded macro expansions), its variables, and assignments and escapes of those variables. */
#include "engine.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Calls that never publish the object passed to them, whatever the argument position. */
static const char *const refcount_ops[] = {
    "Py_INCREF", "Py_XINCREF", "Py_DECREF", "Py_XDECREF", "Py_CLEAR", "Py_NewRef", "Py_XNewRef",
    "Py_SIZE", "Py_TYPE", "Py_REFCNT", "Py_IS_TYPE", "Py_Is", "Py_IsNone",
    /* the C library reads or fills memory but keeps no pointer to it */
    "memcpy", "memmove", "memset", "memcmp", "__builtin_memcpy", "__builtin_memmove",
    "__builtin_memset", "__builtin___memcpy_chk", "__builtin___memmove_chk",
    "__builtin___memset_chk", "strlen", "strcmp", "strncmp", NULL,
};

/* Functions returning a container no other thread can see yet. */
static const char *const creators[] = {
    "PyList_New", "PyDict_New", "PyTuple_New", "PySet_New", "PyFrozenSet_New", "PyDict_Copy",
    "PySequence_List", "PySequence_Tuple", "PyList_GetSlice", "PyTuple_GetSlice", "PyList_AsTuple",
    "PyDict_Keys", "PyDict_Values", "PyDict_Items", "PyTuple_Pack", "_PyDict_NewPresized",
    "PyMapping_Keys", "PyMapping_Values", "PyMapping_Items", "PyObject_Dir", "PyCell_New",
    "PyStructSequence_New", "_PyTuple_FromArray", "PyTuple_FromArray",
    /* new objects of any type: private until published, like containers */
    "_PyObject_New", "_PyObject_NewVar", "_PyObject_GC_New", "_PyObject_GC_NewVar", "PyObject_New",
    "PyObject_NewVar", "PyObject_GC_New", "PyObject_GC_NewVar", "PyType_GenericAlloc",
    "PyType_GenericNew", "tp_alloc", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool is_creator(const ftl_ctx *ctx, const char *name)
{
    return in_list(creators, name) || ftl_strv_contains(&ctx->cfg->fresh_functions, name);
}

/* ---- cursor helpers ------------------------------------------------------------------------ */

static enum CXChildVisitResult last_kid_visit(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult first_kid(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Break;
}

/* The callee's name. A C++ call clang could not resolve (an argument with an error, a template)
 * has no spelling itself: its callee is an unresolved reference whose first child names it. */
static char *call_name(CXCursor call)
{
    char *n = ftl_cxstr(clang_getCursorSpelling(call));
    CXCursor c = call;
    for (int guard = 0; guard < 4 && !n[0]; guard++) {
        CXCursor kid = clang_getNullCursor();
        clang_visitChildren(c, first_kid, &kid);
        enum CXCursorKind k = clang_getCursorKind(kid);
        if (clang_Cursor_isNull(kid) || (k != CXCursor_DeclRefExpr && k != CXCursor_OverloadedDeclRef &&
                                         k != CXCursor_UnexposedExpr))
            break;
        free(n);
        n = ftl_cxstr(clang_getCursorSpelling(kid));
        c = kid;
    }
    return n;
}

/* Strips implicit conversions, parentheses, casts and Py_NewRef()-like wrappers. */
static CXCursor unwrap(CXCursor c)
{
    for (int guard = 0; guard < 64; guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr || k == CXCursor_CStyleCastExpr ||
            k == CXCursor_CXXStaticCastExpr || k == CXCursor_CXXReinterpretCastExpr ||
            k == CXCursor_CXXConstCastExpr || k == CXCursor_CXXFunctionalCastExpr) {
            ftl_kids ch = ftl_children(c);
            if (ch.n == 0)
                return c;
            CXCursor last = ch.v[ch.n - 1];
            if (clang_getCursorKind(last) == CXCursor_TypeRef)
                return c;
            c = last;
            continue;
        }
        if (k == CXCursor_CallExpr && clang_Cursor_getNumArguments(c) == 1) {
            char *n = call_name(c);
            const char *cn = ftl_canonical_name(n);
            bool transparent = strcmp(cn, "Py_NewRef") == 0 || strcmp(cn, "Py_XNewRef") == 0;
            free(n);
            if (transparent) {
                c = clang_Cursor_getArgument(c, 0);
                continue;
            }
        }
        return c;
    }
    return c;
}

int ftl_func_var_by_cursor(const ftl_func *fn, CXCursor decl)
{
    for (size_t i = 0; i < fn->nvars; i++)
        if (clang_equalCursors(fn->vars[i].decl, decl))
            return (int)i;
    return -1;
}

int ftl_func_var_by_name(const ftl_func *fn, const char *name, unsigned before)
{
    int best = -1;
    for (size_t i = 0; i < fn->nvars; i++)
        if (fn->vars[i].offset <= before && strcmp(fn->vars[i].name, name) == 0)
            best = (int)i;
    return best;
}

/* File offsets of a cursor's extent, using file locations (macro arguments map to where they
 * are written, macro bodies to the expansion site). Returns false outside the function's file. */
static bool cursor_offsets(ftl_ctx *ctx, CXCursor c, unsigned *b, unsigned *e)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile fb, fe;
    unsigned ob, oe;
    clang_getFileLocation(clang_getRangeStart(r), &fb, NULL, NULL, &ob);
    clang_getFileLocation(clang_getRangeEnd(r), &fe, NULL, NULL, &oe);
    if (!fb || !ftl_same_file(fb, ctx->cur_file->file))
        return false;
    if (!fe || !ftl_same_file(fe, fb) || oe < ob)
        oe = ob;
    *b = ob;
    *e = oe;
    return true;
}

static char *slice_text(const ftl_file *f, unsigned b, unsigned e)
{
    if (!f->text || b > f->len || e > f->len || e < b)
        return ftl_xstrdup("");
    ftl_buf out = {0};
    bool space = false;
    for (unsigned i = b; i < e; i++) {
        unsigned char ch = (unsigned char)f->text[i];
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

/* True when a location comes from a macro expansion (spelling differs from expansion). */
static bool in_macro(CXSourceLocation loc)
{
    CXFile fe, fs;
    unsigned oe, os;
    clang_getExpansionLocation(loc, &fe, NULL, NULL, &oe);
    clang_getSpellingLocation(loc, &fs, NULL, NULL, &os);
    return oe != os || !fe || !fs || !clang_File_isEqual(fe, fs);
}

/* The expression rebuilt from the AST (libclang cannot pretty-print expressions), for the
 * common shapes of container arguments: names, member accesses, calls, subscripts; anything
 * else becomes "...". Caller frees. */
static void literal_text(const ftl_file *f, CXCursor c, ftl_buf *b)
{
    CXFile file;
    unsigned off;
    clang_getSpellingLocation(clang_getRangeStart(clang_getCursorExtent(c)), &file, NULL, NULL, &off);
    if (!file || !clang_File_isEqual(file, f->file) || off >= f->len) {
        ftl_buf_puts(b, "...");
        return;
    }
    const char *t = f->text;
    size_t e = off;
    if (t[e] == '"' || t[e] == '\'') {
        char q = t[e++];
        while (e < f->len && t[e] != q && t[e] != '\n')
            e += (t[e] == '\\' && e + 1 < f->len) ? 2 : 1;
        e++;
    } else {
        while (e < f->len && (isalnum((unsigned char)t[e]) || t[e] == '_' || t[e] == '.'))
            e++;
    }
    ftl_buf_putn(b, t + off, (e <= f->len ? e : f->len) - off);
}

static void expr_text(const ftl_file *f, CXCursor c, ftl_buf *b, int depth)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    ftl_kids ch = ftl_children(c);
    if (depth > 16) {
        ftl_buf_puts(b, "...");
        return;
    }
    switch (k) {
    case CXCursor_DeclRefExpr: {
        char *n = ftl_cxstr(clang_getCursorSpelling(c));
        ftl_buf_puts(b, n);
        free(n);
        return;
    }
    case CXCursor_MemberRefExpr: {
        char *n = ftl_cxstr(clang_getCursorSpelling(c));
        if (ch.n >= 1) {
            expr_text(f, ch.v[0], b, depth + 1);
            CXType t = clang_getCanonicalType(clang_getCursorType(ch.v[0]));
            ftl_buf_puts(b, t.kind == CXType_Pointer ? "->" : ".");
        }
        ftl_buf_puts(b, n);
        free(n);
        return;
    }
    case CXCursor_UnexposedExpr:
    case CXCursor_ParenExpr:
    case CXCursor_CStyleCastExpr:
        if (ch.n >= 1 && clang_getCursorKind(ch.v[ch.n - 1]) != CXCursor_TypeRef) {
            expr_text(f, ch.v[ch.n - 1], b, depth + 1);
            return;
        }
        break;
    case CXCursor_CallExpr: {
        char *n = ftl_cxstr(clang_getCursorSpelling(c));
        ftl_buf_printf(b, "%s(", ftl_canonical_name(n));
        free(n);
        int na = clang_Cursor_getNumArguments(c);
        for (int i = 0; i < na; i++) {
            if (i)
                ftl_buf_puts(b, ", ");
            expr_text(f, clang_Cursor_getArgument(c, (unsigned)i), b, depth + 1);
        }
        ftl_buf_puts(b, ")");
        return;
    }
    case CXCursor_IntegerLiteral:
    case CXCursor_FloatingLiteral:
    case CXCursor_StringLiteral:
    case CXCursor_CharacterLiteral:
        literal_text(f, c, b);
        return;
    case CXCursor_ArraySubscriptExpr:
        if (ch.n == 2) {
            expr_text(f, ch.v[0], b, depth + 1);
            ftl_buf_puts(b, "[");
            expr_text(f, ch.v[1], b, depth + 1);
            ftl_buf_puts(b, "]");
            return;
        }
        break;
    default:
        break;
    }
    ftl_buf_puts(b, "...");
}

static char *pretty(const ftl_file *f, CXCursor c)
{
    ftl_buf b = {0};
    expr_text(f, c, &b, 0);
    return ftl_buf_steal(&b);
}

static void resolve_decl(ftl_ctx *ctx, ftl_func *fn, CXCursor ref, ftl_arg *a)
{
    (void)ctx;
    enum CXCursorKind rk = clang_getCursorKind(ref);
    if (rk != CXCursor_VarDecl && rk != CXCursor_ParmDecl)
        return;
    a->decl = ref;
    int v = ftl_func_var_by_cursor(fn, ref);
    if (v >= 0) {
        a->var = v;
        a->storage = fn->vars[v].storage;
        return;
    }
    a->storage = FTL_ST_GLOBAL;  /* not declared in this function: file scope */
}

/* An argument of a call; call_in_macro: the call itself comes from a macro's expansion. */
static void arg_from_cursor(ftl_ctx *ctx, ftl_func *fn, CXCursor c, bool call_in_macro, ftl_arg *a)
{
    memset(a, 0, sizeof *a);
    a->var = -1;
    a->decl = clang_getNullCursor();
    if (!cursor_offsets(ctx, c, &a->begin, &a->end)) {
        a->text = ftl_xstrdup("");
        return;
    }
    /* The text as the user wrote it: through casts and Py_NewRef() wrappers, and for
     * arguments inside a macro's expansion, the macro argument itself. */
    CXCursor u = unwrap(c);
    unsigned ub, ue;
    if (cursor_offsets(ctx, u, &ub, &ue) && ue > ub && (ub > a->begin || ue < a->end)) {
        a->begin = ub;
        a->end = ue;
    }
    CXSourceRange ur = clang_getCursorExtent(u);
    if (!call_in_macro) {
        /* A call written in the file: its argument is the file's text, macro uses included
         * (`FIRST`, `Py_None`, as the user wrote them). */
        a->text = slice_text(ctx->cur_file, a->begin, a->end);
    } else if (in_macro(clang_getRangeStart(ur)) || in_macro(clang_getRangeEnd(ur))) {
        /* Written as a macro argument: its spelling is the user's text, inside the macro use.
         * Formed in a macro body: print the expression from the AST. */
        CXFile fs, fe;
        unsigned sb, se;
        clang_getSpellingLocation(clang_getRangeStart(ur), &fs, NULL, NULL, &sb);
        clang_getSpellingLocation(clang_getRangeEnd(ur), &fe, NULL, NULL, &se);
        if (fs && fe && ftl_same_file(fs, ctx->cur_file->file) && ftl_same_file(fe, fs) &&
            a->begin <= sb && sb < se && se <= a->end)
            a->text = slice_text(ctx->cur_file, sb, se);
        else
            a->text = pretty(ctx->cur_file, u);
    } else {
        a->text = slice_text(ctx->cur_file, a->begin, a->end);
    }
    if (clang_getCursorKind(u) == CXCursor_DeclRefExpr)
        resolve_decl(ctx, fn, clang_getCursorReferenced(u), a);
}

/* Resolves an argument known only by its text (a macro argument): a plain identifier, possibly
 * inside parentheses and a pointer cast, names a variable of the function or a global. */
void ftl_arg_resolve_text(ftl_ctx *ctx, ftl_func *fn, ftl_arg *a)
{
    (void)ctx;
    char *t = ftl_normalise_expr(a->text);
    size_t n = strlen(t);
    bool ident = n > 0 && (isalpha((unsigned char)t[0]) || t[0] == '_');
    for (size_t i = 0; ident && i < n; i++)
        if (!isalnum((unsigned char)t[i]) && t[i] != '_')
            ident = false;
    if (ident) {
        int v = ftl_func_var_by_name(fn, t, a->begin);
        if (v >= 0) {
            a->var = v;
            a->storage = fn->vars[v].storage;
            a->decl = fn->vars[v].decl;
        } else {
            a->storage = FTL_ST_GLOBAL;
        }
    }
    free(t);
}

/* ---- collection ------------------------------------------------------------------------------ */

static int add_var(ftl_ctx *ctx, ftl_func *fn, CXCursor decl, enum ftl_storage st)
{
    int existing = ftl_func_var_by_cursor(fn, decl);
    if (existing >= 0)
        return existing;
    ftl_grow((void **)&fn->vars, &fn->capvars, fn->nvars + 1, sizeof *fn->vars);
    ftl_var *v = &fn->vars[fn->nvars];
    memset(v, 0, sizeof *v);
    v->decl = decl;
    v->name = ftl_cxstr(clang_getCursorSpelling(decl));
    unsigned b = 0, e = 0;
    if (!cursor_offsets(ctx, decl, &b, &e))
        b = fn->begin;
    v->offset = b;
    v->storage = st;
    v->initial = FTL_SHARED;
    return (int)fn->nvars++;
}

static void add_vev(ftl_func *fn, unsigned off, int var, enum ftl_vev_kind k, enum ftl_privacy val,
                    int alias)
{
    ftl_grow((void **)&fn->evs, &fn->capevs, fn->nevs + 1, sizeof *fn->evs);
    fn->evs[fn->nevs++] = (ftl_vev){.offset = off, .var = var, .kind = k, .value = val, .alias = alias};
}

/* Local variable (not static) a cursor refers to after unwrapping, or -1. */
static int local_of(ftl_func *fn, CXCursor c)
{
    CXCursor u = unwrap(c);
    if (clang_getCursorKind(u) != CXCursor_DeclRefExpr)
        return -1;
    int v = ftl_func_var_by_cursor(fn, clang_getCursorReferenced(u));
    if (v >= 0 && fn->vars[v].storage != FTL_ST_LOCAL && fn->vars[v].storage != FTL_ST_PARAM)
        return -1;
    return v;
}

/* A call to a function of this translation unit already found to return a fresh object. */
static bool returns_fresh(const ftl_ctx *ctx, CXCursor call)
{
    if (ctx->nfreshfuncs == 0)
        return false;
    CXCursor r = clang_getCursorReferenced(call);
    if (clang_getCursorKind(r) != CXCursor_FunctionDecl)
        return false;
    char *usr = ftl_cxstr(clang_getCursorUSR(r));
    bool found = false;
    for (size_t i = 0; i < ctx->nfreshfuncs && !found; i++)
        found = strcmp(ctx->freshfuncs[i], usr) == 0;
    free(usr);
    return found;
}

/* Classifies the value stored into a variable. */
static void classify_value(ftl_ctx *ctx, ftl_func *fn, CXCursor value, enum ftl_privacy *priv,
                           int *alias)
{
    *priv = FTL_SHARED;
    *alias = -1;
    CXCursor u = unwrap(value);
    enum CXCursorKind k = clang_getCursorKind(u);
    if (k == CXCursor_DeclRefExpr) {
        *alias = local_of(fn, u);
        return;
    }
    if (k != CXCursor_CallExpr)
        return;
    char *n = call_name(u);
    const char *cn = ftl_canonical_name(n);
    if (strcmp(cn, "Py_BuildValue") == 0) {
        /* Only a format that builds a container yields a fresh one: "(..)", "[..]", "{..}". */
        if (clang_Cursor_getNumArguments(u) >= 1) {
            ftl_arg a;
            arg_from_cursor(ctx, fn, clang_Cursor_getArgument(u, 0),
                            in_macro(clang_getCursorLocation(u)), &a);
            const char *t = a.text;
            if (t[0] == '"' && (t[1] == '(' || t[1] == '[' || t[1] == '{'))
                *priv = FTL_PRIVATE_FRESH;
            free(a.text);
        }
    } else if (strcmp(cn, "PySequence_Fast") == 0) {
        /* Returns its argument itself when that is a list or tuple. */
        if (clang_Cursor_getNumArguments(u) >= 1)
            *alias = local_of(fn, clang_Cursor_getArgument(u, 0));
    } else if (is_creator(ctx, cn) || returns_fresh(ctx, u)) {
        *priv = FTL_PRIVATE_FRESH;
    }
    free(n);
}

/* A null pointer constant (NULL, 0, nullptr, C++'s __null), through casts and parentheses. */
static bool is_null_constant(ftl_ctx *ctx, CXCursor value)
{
    CXCursor u = unwrap(value);
    enum CXCursorKind k = clang_getCursorKind(u);
    if (k == CXCursor_CXXNullPtrLiteralExpr)
        return true;
    if (k != CXCursor_IntegerLiteral && k != CXCursor_UnexposedExpr)
        return false;
    CXEvalResult r = clang_Cursor_Evaluate(u);
    if (r) {
        bool zero = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
        clang_EvalResult_dispose(r);
        if (zero)
            return true;
    }
    /* GNU __null does not evaluate: recognise the NULL macro as written. */
    unsigned b, e;
    if (!cursor_offsets(ctx, u, &b, &e))
        return false;
    const char *t = ctx->cur_file->text;
    return b + 4 <= ctx->cur_file->len && strncmp(t + b, "NULL", 4) == 0 &&
           !(isalnum((unsigned char)t[b + 4]) || t[b + 4] == '_');
}

enum binop { BINOP_ASSIGN, BINOP_EQ };

/* Is the binary operator c (operands lhs, rhs) an `=` (BINOP_ASSIGN) or an `==` (BINOP_EQ)? */
static bool binop_is(ftl_ctx *ctx, CXCursor c, CXCursor lhs, CXCursor rhs, enum binop op)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    (void)lhs;
    (void)rhs;
    return clang_getCursorBinaryOperatorKind(c) ==
           (op == BINOP_ASSIGN ? CXBinaryOperator_Assign : CXBinaryOperator_EQ);
#else
    /* Older libclang: look at the text between the operands. */
    (void)c;
    unsigned lb, le, rb, re;
    if (!cursor_offsets(ctx, lhs, &lb, &le) || !cursor_offsets(ctx, rhs, &rb, &re) || rb <= le)
        return false;
    const char *t = ctx->cur_file->text;
    unsigned i = le;
    /* le is the start of the last token of the lhs: skip it. */
    while (i < rb && (isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == ']' || t[i] == ')'))
        i++;
    while (i < rb && isspace((unsigned char)t[i]))
        i++;
    bool eqeq = i + 2 <= rb && t[i] == '=' && t[i + 1] == '=';
    return op == BINOP_EQ ? eqeq : (i < rb && t[i] == '=' && !eqeq);
#endif
}

static bool is_address_of(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    return clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf;
#else
    unsigned b, e;
    if (!cursor_offsets(ctx, c, &b, &e))
        return false;
    const char *t = ctx->cur_file->text;
    return t[b] == '&' && t[b + 1] != '&';
#endif
}

typedef struct walkstate {
    ftl_ctx *ctx;
    ftl_func *fn;
    unsigned scope_end;      /* end offset of the innermost compound statement */
    int depth;
    int nullvar;             /* a local known to be NULL here (then-branch of `if (!v)`), or -1 */
    unsigned nullfrom;       /* where that branch starts */
} walkstate;

static void add_call(ftl_ctx *ctx, ftl_func *fn, CXCursor c)
{
    char *n = call_name(c);
    const char *cn = ftl_canonical_name(n);
    unsigned b, e;
    if (!cursor_offsets(ctx, c, &b, &e)) {
        free(n);
        return;
    }
    ftl_grow((void **)&fn->calls, &fn->capcalls, fn->ncalls + 1, sizeof *fn->calls);
    ftl_call *call = &fn->calls[fn->ncalls++];
    memset(call, 0, sizeof *call);
    /* Keep canonical names in static storage when they are aliases; else own a copy. */
    call->name = ftl_xstrdup(cn);
    free(n);
    call->offset = b;
    call->end_offset = e;
    call->cursor = c;
    int na = clang_Cursor_getNumArguments(c);
    if (na < 0)
        na = 0;
    call->nargs = na;
    call->args = ftl_xcalloc((size_t)na, sizeof *call->args);
    bool call_in_macro = in_macro(clang_getCursorLocation(c));
    for (int i = 0; i < na; i++)
        arg_from_cursor(ctx, fn, clang_Cursor_getArgument(c, (unsigned)i), call_in_macro,
                        &call->args[i]);
}

static void add_lock_guard(ftl_ctx *ctx, ftl_func *fn, CXCursor var, unsigned scope_end)
{
    char *ty = ftl_cxstr(clang_getTypeSpelling(clang_getCursorType(var)));
    bool guard = strstr(ty, "lock_guard") || strstr(ty, "unique_lock") || strstr(ty, "scoped_lock") ||
                 strstr(ty, "shared_lock");
    free(ty);
    unsigned b, e;
    if (!guard || !cursor_offsets(ctx, var, &b, &e))
        return;
    ftl_grow((void **)&fn->regions, &fn->capregions, fn->nregions + 1, sizeof *fn->regions);
    fn->regions[fn->nregions++] =
        (ftl_region){.begin = b, .end = scope_end, .kind = FTL_LOCK_MUTEX, .var = -1, .objtext = NULL};
}

/* Functions that replace *arg0 by a resized object nobody else references; their `&t` is not
 * a publication but a new fresh value. */
static const char *const resizers[] = {"_PyTuple_Resize", NULL};

static void note_resize(ftl_ctx *ctx, ftl_func *fn, CXCursor call, unsigned end)
{
    if (clang_Cursor_getNumArguments(call) < 1)
        return;
    char *n = call_name(call);
    bool resize = in_list(resizers, ftl_canonical_name(n));
    free(n);
    if (!resize)
        return;
    CXCursor a = unwrap(clang_Cursor_getArgument(call, 0));
    if (clang_getCursorKind(a) != CXCursor_UnaryOperator || !is_address_of(ctx, a))
        return;
    ftl_kids ch = ftl_children(a);
    int v = ch.n == 1 ? local_of(fn, ch.v[0]) : -1;
    if (v >= 0)
        add_vev(fn, end, v, FTL_VEV_ASSIGN, FTL_PRIVATE_FRESH, -1);
}

static enum CXChildVisitResult collect_visit(CXCursor c, CXCursor parent, CXClientData d);

/* Records a store into a destination that is not a local variable (field, `*out`, `a[i]`). */
static void add_xassign(ftl_ctx *ctx, ftl_func *fn, CXCursor lhs, CXCursor rhs, unsigned begin,
                        unsigned end)
{
    CXCursor u = unwrap(lhs);
    unsigned b, e;
    if (!cursor_offsets(ctx, u, &b, &e) || e <= b)
        return;
    enum ftl_privacy p;
    int alias;
    classify_value(ctx, fn, rhs, &p, &alias);
    char *t = slice_text(ctx->cur_file, b, e);
    ftl_grow((void **)&fn->xassigns, &fn->capxassigns, fn->nxassigns + 1, sizeof *fn->xassigns);
    fn->xassigns[fn->nxassigns++] = (ftl_xassign){.begin = begin, .offset = end,
                                                  .text = ftl_normalise_expr(t),
                                                  .fresh = p == FTL_PRIVATE_FRESH, .alias = alias};
    free(t);
}

/* True when var was assigned at or after offset `from` (events so far are in source order). */
static bool assigned_since(const ftl_func *fn, int var, unsigned from)
{
    for (size_t i = fn->nevs; i-- > 0 && fn->evs[i].offset >= from;)
        if (fn->evs[i].var == var && fn->evs[i].kind == FTL_VEV_ASSIGN)
            return true;
    return false;
}

/* Records a return statement. Returning a local does not publish it for the code that follows
 * in the text: no path continues after a return, and treating it as a publication made
 * `if (res == NULL) return res;` hide the fresh container used below it. */
static void add_return(ftl_ctx *ctx, walkstate *ws, CXCursor ret, unsigned at)
{
    ftl_func *fn = ws->fn;
    ftl_kids ch = ftl_children(ret);
    ftl_ret r = {.offset = at, .var = -1, .value = FTL_SHARED, .null = false};
    if (ch.n >= 1) {
        r.var = local_of(fn, ch.v[0]);
        r.null = is_null_constant(ctx, ch.v[0]) ||
                 (r.var >= 0 && r.var == ws->nullvar && !assigned_since(fn, r.var, ws->nullfrom));
        if (r.var < 0 && !r.null) {
            int alias;
            classify_value(ctx, fn, ch.v[0], &r.value, &alias);
        }
    }
    ftl_grow((void **)&fn->rets, &fn->caprets, fn->nrets + 1, sizeof *fn->rets);
    fn->rets[fn->nrets++] = r;
}


static bool is_logical_not(ftl_ctx *ctx, CXCursor c)
{
#if CINDEX_VERSION_MINOR >= 64
    (void)ctx;
    return clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_LNot;
#else
    unsigned b, e;
    if (!cursor_offsets(ctx, c, &b, &e))
        return false;
    return ctx->cur_file->text[b] == '!';
#endif
}

/* The local an `if` condition finds NULL: `!v`, `v == NULL`, `NULL == v`; -1 otherwise. */
static int null_tested(ftl_ctx *ctx, ftl_func *fn, CXCursor cond)
{
    CXCursor u = cond;
    for (int guard = 0; guard < 8 && clang_getCursorKind(u) == CXCursor_ParenExpr; guard++) {
        ftl_kids ch = ftl_children(u);
        if (ch.n != 1)
            return -1;
        u = ch.v[0];
    }
    ftl_kids ch = ftl_children(u);
    if (clang_getCursorKind(u) == CXCursor_UnaryOperator && ch.n == 1 && is_logical_not(ctx, u))
        return local_of(fn, ch.v[0]);
    if (clang_getCursorKind(u) == CXCursor_BinaryOperator && ch.n == 2 &&
        binop_is(ctx, u, ch.v[0], ch.v[1], BINOP_EQ)) {
        if (is_null_constant(ctx, ch.v[1]))
            return local_of(fn, ch.v[0]);
        if (is_null_constant(ctx, ch.v[0]))
            return local_of(fn, ch.v[1]);
    }
    return -1;
}

static void collect_node(walkstate *ws, CXCursor c, CXCursor parent)
{
    ftl_ctx *ctx = ws->ctx;
    ftl_func *fn = ws->fn;
    enum CXCursorKind k = clang_getCursorKind(c);
    unsigned b = 0, e = 0;
    bool here = cursor_offsets(ctx, c, &b, &e);

    switch (k) {
    case CXCursor_ParmDecl:
        add_var(ctx, fn, c, FTL_ST_PARAM);
        break;
    case CXCursor_VarDecl: {
        enum CX_StorageClass sc = clang_Cursor_getStorageClass(c);
        bool is_static = sc == CX_SC_Static || sc == CX_SC_Extern ||
                         clang_getCursorTLSKind(c) != CXTLS_None;
        int v = add_var(ctx, fn, c, is_static ? FTL_ST_GLOBAL : FTL_ST_LOCAL);
        add_lock_guard(ctx, fn, c, ws->scope_end);
        if (!is_static && here) {
            ftl_kids ch = ftl_children(c);
            for (int i = ch.n - 1; i >= 0; i--) {
                if (clang_isExpression(clang_getCursorKind(ch.v[i]))) {
                    enum ftl_privacy p;
                    int alias;
                    /* `T *x = NULL` holds no container: the value that matters comes later */
                    if (is_null_constant(ctx, ch.v[i]))
                        break;
                    classify_value(ctx, fn, ch.v[i], &p, &alias);
                    add_vev(fn, e, v, FTL_VEV_ASSIGN, p, alias);
                    fn->evs[fn->nevs - 1].call = clang_getCursorKind(unwrap(ch.v[i])) == CXCursor_CallExpr;
                    break;
                }
            }
        }
        break;
    }
    case CXCursor_CallExpr:
        add_call(ctx, fn, c);
        if (here)
            note_resize(ctx, fn, c, e);
        break;
    case CXCursor_BinaryOperator: {
        ftl_kids ch = ftl_children(c);
        if (ch.n != 2 || !here || !binop_is(ctx, c, ch.v[0], ch.v[1], BINOP_ASSIGN))
            break;
        int lv = local_of(fn, ch.v[0]);
        CXCursor lu = unwrap(ch.v[0]);
        /* `x = NULL` (after a Py_DECREF, on an error path) stores no container: it must not
         * hide the container x held before, which the code after a NULL check still uses. */
        bool null = is_null_constant(ctx, ch.v[1]);
        if (lv >= 0 && clang_getCursorKind(lu) == CXCursor_DeclRefExpr) {
            enum ftl_privacy p;
            int alias;
            if (null)
                break;
            classify_value(ctx, fn, ch.v[1], &p, &alias);
            add_vev(fn, e, lv, FTL_VEV_ASSIGN, p, alias);
            fn->evs[fn->nevs - 1].call = clang_getCursorKind(unwrap(ch.v[1])) == CXCursor_CallExpr;
        } else {
            int rv = local_of(fn, ch.v[1]);
            if (rv >= 0)
                add_vev(fn, b, rv, FTL_VEV_ESCAPE, FTL_SHARED, -1);
            if (!null)
                add_xassign(ctx, fn, ch.v[0], ch.v[1], b, e);
        }
        break;
    }
    case CXCursor_UnaryOperator: {
        ftl_kids ch = ftl_children(c);
        if (ch.n == 1 && here && is_address_of(ctx, c)) {
            int v = local_of(fn, ch.v[0]);
            if (v >= 0)
                add_vev(fn, b, v, FTL_VEV_ESCAPE, FTL_SHARED, -1);
        }
        break;
    }
    case CXCursor_ReturnStmt:
        if (here)
            add_return(ctx, ws, c, b);
        break;
    case CXCursor_InitListExpr: {
        ftl_kids ch = ftl_children(c);
        for (int i = 0; i < ch.n && here; i++) {
            int v = local_of(fn, ch.v[i]);
            if (v >= 0)
                add_vev(fn, b, v, FTL_VEV_ESCAPE, FTL_SHARED, -1);
        }
        break;
    }
    default:
        break;
    }
    (void)parent;
}

static enum CXChildVisitResult collect_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    walkstate *ws = d;
    collect_node(ws, c, parent);
    walkstate inner = *ws;
    inner.depth++;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_CompoundStmt) {
        unsigned b, e;
        if (cursor_offsets(ws->ctx, c, &b, &e)) {
            inner.scope_end = e;
            /* A block that ends in return or goto: what happens in it does not reach the code
             * after it (the error path `{ x = NULL; goto fail; }`). */
            CXCursor last = clang_getNullCursor();
            clang_visitChildren(c, last_kid_visit, &last);
            enum CXCursorKind lk = clang_getCursorKind(last);
            if (lk == CXCursor_ReturnStmt || lk == CXCursor_GotoStmt) {
                ftl_func *fn = ws->fn;
                ftl_grow((void **)&fn->deadends, &fn->capdeadends, fn->ndeadends + 1,
                         sizeof *fn->deadends);
                fn->deadends[fn->ndeadends][0] = b;
                fn->deadends[fn->ndeadends++][1] = e;
            }
        }
    }
    if (inner.depth >= 2000)
        return CXChildVisit_Continue;
    if (k == CXCursor_IfStmt) {
        /* if (cond) then [else]: in `then`, a local the condition found NULL is known NULL. */
        ftl_kids ch = ftl_children(c);
        if (ch.n >= 2 && ch.n <= 3) {
            int nv = null_tested(ws->ctx, ws->fn, ch.v[0]);
            unsigned tb, te;
            if (!cursor_offsets(ws->ctx, ch.v[1], &tb, &te))
                nv = -1;
            for (int i = 0; i < ch.n; i++) {
                walkstate w = inner;
                w.nullvar = i == 1 ? nv : -1;
                w.nullfrom = i == 1 && nv >= 0 ? tb : 0;
                collect_visit(ch.v[i], c, &w);
            }
            return CXChildVisit_Continue;
        }
        inner.nullvar = -1;
    }
    clang_visitChildren(c, collect_visit, &inner);
    return CXChildVisit_Continue;
}

/* Collects variables (parameters first), calls and variable events of fn's body. */
void ftl_func_collect(ftl_ctx *ctx, ftl_func *fn)
{
    int np = clang_Cursor_getNumArguments(fn->cursor);
    for (int i = 0; i < np; i++) {
        CXCursor p = clang_Cursor_getArgument(fn->cursor, (unsigned)i);
        int v = add_var(ctx, fn, p, FTL_ST_PARAM);
        /* (self, args, kwargs): positional args are a tuple; kwargs is private when the
         * function is registered for keywords or the parameter is conventionally named. */
        if (np == 3 && i == 1 && strcmp(fn->vars[v].name, "args") == 0)
            fn->vars[v].initial = FTL_IMMUTABLE_TUPLE;
        if (np == 3 && i == 2) {
            const char *nm = fn->vars[v].name;
            bool kwname = strcmp(nm, "kwds") == 0 || strcmp(nm, "kwargs") == 0 ||
                          strcmp(nm, "kw") == 0 || strcmp(nm, "keywds") == 0 ||
                          strcmp(nm, "kwdict") == 0 || strcmp(nm, "keywords") == 0;
            if (fn->kw_function || kwname)
                fn->vars[v].initial = FTL_PRIVATE_KWARGS;
        }
    }
    walkstate ws = {.ctx = ctx, .fn = fn, .scope_end = fn->end, .depth = 0, .nullvar = -1};
    clang_visitChildren(fn->cursor, collect_visit, &ws);
}

void ftl_func_free(ftl_func *fn)
{
    free(fn->name);
    for (size_t i = 0; i < fn->nvars; i++)
        free(fn->vars[i].name);
    free(fn->vars);
    free(fn->evs);
    for (size_t i = 0; i < fn->ncalls; i++) {
        for (int j = 0; j < fn->calls[i].nargs; j++)
            free(fn->calls[i].args[j].text);
        free(fn->calls[i].args);
        free((char *)fn->calls[i].name);
    }
    free(fn->calls);
    for (size_t i = 0; i < fn->nregions; i++)
        free(fn->regions[i].objtext);
    free(fn->regions);
    free(fn->rets);
    free(fn->deadends);
    for (size_t i = 0; i < fn->nxassigns; i++)
        free(fn->xassigns[i].text);
    free(fn->xassigns);
    memset(fn, 0, sizeof *fn);
}


bool ftl_is_refcount_op(const char *name)
{
    return in_list(refcount_ops, name);
}
