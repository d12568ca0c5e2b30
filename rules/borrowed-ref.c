/* borrowed-ref.c: FT001, borrowed references taken from containers other threads may mutate.
 * The table below is the rule: each API, which argument is the container, and what to use
 * instead. Containers private to the running thread (fresh, kwargs dicts, tuples) and uses
 * inside a critical section on that same container are not reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct borrowed_api {
    const char *api;
    int container;           /* argument holding the container; -1: the source is always shared */
    const char *what;        /* what the borrowed reference points into */
    const char *how;         /* how another thread can free it */
    const char *use;         /* replacement call; %0 %1 %2 are the user's arguments; NULL: none */
    const char *contract;    /* how the replacement reports results */
    const char *since;       /* Python version that added the replacement */
    const char *same_shape;  /* a replacement taking the same arguments and returning a new
                              * reference with the same meaning, for mechanical fixes; or NULL */
    unsigned same_shape_py;  /* PY_VERSION_HEX that added same_shape (0: all versions) */
} borrowed_api;

static const borrowed_api table[] = {
    {"PyList_GetItem", 0, "an item of list '%0'", "remove or replace it and free it while it is in use", "PyList_GetItemRef(%0, %1)",
     "returns a new reference, or NULL with IndexError", "3.13", "PyList_GetItemRef", 0x030D0000},
    {"PyList_GET_ITEM", 0, "an item of list '%0'", "remove or replace it and free it while it is in use", "PyList_GetItemRef(%0, %1)",
     "returns a new reference, or NULL with IndexError; in a hot loop, hold "
     "Py_BEGIN_CRITICAL_SECTION(%0) and Py_NewRef() each item instead", "3.13", "PyList_GetItemRef", 0x030D0000},
    {"PyDict_GetItem", 0, "a value of dict '%0'", "remove or replace it and free it while it is in use", "PyDict_GetItemRef(%0, %1, &value)",
     "returns 1 and a new reference in value, 0 when the key is missing, -1 on error "
     "(errors are no longer hidden)", "3.13", NULL, 0},
    {"PyDict_GetItemWithError", 0, "a value of dict '%0'", "remove or replace it and free it while it is in use", "PyDict_GetItemRef(%0, %1, &value)",
     "returns 1 and a new reference in value, 0 when the key is missing, -1 on error", "3.13", NULL, 0},
    {"PyDict_GetItemString", 0, "a value of dict '%0'", "remove or replace it and free it while it is in use", "PyDict_GetItemStringRef(%0, %1, &value)",
     "returns 1 and a new reference in value, 0 when the key is missing, -1 on error "
     "(errors are no longer hidden)", "3.13", NULL, 0},
    {"_PyDict_GetItemStringWithError", 0, "a value of dict '%0'", "remove or replace it and free it while it is in use",
     "PyDict_GetItemStringRef(%0, %1, &value)",
     "returns 1 and a new reference in value, 0 when the key is missing, -1 on error", "3.13", NULL, 0},
    {"PyDict_SetDefault", 0, "a value of dict '%0'", "remove or replace it and free it while it is in use", "PyDict_SetDefaultRef(%0, %1, %2, &result)",
     "returns 0 when it inserted, 1 when the key was present, -1 on error; result is a new "
     "reference", "3.13", NULL, 0},
    {"PyWeakref_GetObject", -1, "the referent of weak reference '%0'", "drop the last strong reference to it, freeing it while it is in use", "PyWeakref_GetRef(%0, &obj)",
     "returns 1 and a new reference in obj, 0 when the referent is dead, -1 on error", "3.13", NULL, 0},
    {"PyWeakref_GET_OBJECT", -1, "the referent of weak reference '%0'", "drop the last strong reference to it, freeing it while it is in use", "PyWeakref_GetRef(%0, &obj)",
     "returns 1 and a new reference in obj, 0 when the referent is dead, -1 on error", "3.13", NULL, 0},
    {"PyImport_AddModule", -1, "a module in sys.modules", "remove it from sys.modules and free it while it is in use", "PyImport_AddModuleRef(%0)",
     "returns a new reference, or NULL on error", "3.13", "PyImport_AddModuleRef", 0x030D0000},
    {"PyImport_AddModuleObject", -1, "a module in sys.modules", "remove it from sys.modules and free it while it is in use",
     "PyImport_AddModuleRef(PyUnicode_AsUTF8(%0))",
     "returns a new reference, or NULL on error (there is no strong variant taking a str object)",
     "3.13", NULL, 0},
    {"PyCell_GET", 0, "the content of cell '%0'", "replace it and free the old object while it is in use", "PyCell_Get(%0)",
     "returns a new reference", NULL, "PyCell_Get", 0},
    {"PyEval_GetGlobals", -1, "the globals of the running frame", "change it and free the old object while it is in use", "PyEval_GetFrameGlobals()",
     "returns a new reference", "3.13", "PyEval_GetFrameGlobals", 0x030D0000},
    {"PyEval_GetLocals", -1, "the locals of the running frame", "change it and free the old object while it is in use", "PyEval_GetFrameLocals()",
     "returns a new reference (a snapshot for optimised frames)", "3.13", NULL, 0},
    {"PyEval_GetBuiltins", -1, "the builtins of the running frame", "change it and free the old object while it is in use", "PyEval_GetFrameBuiltins()",
     "returns a new reference", "3.13", "PyEval_GetFrameBuiltins", 0x030D0000},
    {"PySys_GetObject", -1, "an attribute of the sys module", "replace it and free the old object while it is in use",
     "PySys_GetOptionalAttrString(%0, &value)",
     "returns 1 and a new reference in value, 0 when missing, -1 on error", "3.15", NULL, 0},
    {"PySequence_Fast_GET_ITEM", 0, "an item of '%0', which may be the caller's list", "remove or replace it and free it while it is in use", NULL,
     "there is no strong-reference variant: wrap the loop in "
     "Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST(%0) ... Py_END_CRITICAL_SECTION_SEQUENCE_FAST() "
     "(3.14), or build the sequence with PySequence_Tuple() instead of PySequence_Fast()", NULL, NULL, 0},
    {"PySequence_Fast_ITEMS", 0, "the item array of '%0', which may be the caller's list", "resize or change the list and free the array or its items while they are in use", NULL,
     "there is no strong-reference variant: wrap the loop in "
     "Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST(%0) ... Py_END_CRITICAL_SECTION_SEQUENCE_FAST() "
     "(3.14), or build the sequence with PySequence_Tuple() instead of PySequence_Fast()", NULL, NULL, 0},
};

#define NAPIS (sizeof table / sizeof *table)

static const char *const apis[NAPIS + 1] = {
    "PyList_GetItem", "PyList_GET_ITEM", "PyDict_GetItem", "PyDict_GetItemWithError",
    "PyDict_GetItemString", "_PyDict_GetItemStringWithError", "PyDict_SetDefault",
    "PyWeakref_GetObject", "PyWeakref_GET_OBJECT", "PyImport_AddModule",
    "PyImport_AddModuleObject", "PyCell_GET", "PyEval_GetGlobals", "PyEval_GetLocals",
    "PyEval_GetBuiltins", "PySys_GetObject", "PySequence_Fast_GET_ITEM", "PySequence_Fast_ITEMS",
    NULL,
};

/* Expands %0..%9 in fmt with the call's argument texts ("..." when missing). Caller frees. */
static char *fill(const char *fmt, const ftl_call *call)
{
    ftl_buf b = {0};
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] >= '0' && p[1] <= '9') {
            int i = p[1] - '0';
            ftl_buf_puts(&b, i < call->nargs && call->args[i].text[0] ? call->args[i].text : "...");
            p++;
        } else {
            ftl_buf_putn(&b, p, 1);
        }
    }
    return ftl_buf_steal(&b);
}

static const borrowed_api *find(const char *name)
{
    for (size_t i = 0; i < NAPIS; i++)
        if (strcmp(table[i].api, name) == 0)
            return &table[i];
    return NULL;
}

/* The identifier the call's result is assigned to ("x = CALL" or "T *x = CALL"), or NULL.
 * Caller frees. */
static char *assigned_name(const char *text, unsigned at)
{
    unsigned i = at;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' || text[i - 1] == '\r'))
        i--;
    if (i == 0 || text[i - 1] != '=' || (i >= 2 && strchr("=!<>+-*/%&|^", text[i - 2])))
        return NULL;
    i--;
    while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
        i--;
    unsigned end = i;
    while (i > 0 && (text[i - 1] == '_' || (text[i - 1] >= '0' && text[i - 1] <= '9') ||
                     (text[i - 1] >= 'a' && text[i - 1] <= 'z') || (text[i - 1] >= 'A' && text[i - 1] <= 'Z')))
        i--;
    return end > i ? ftl_xstrndup(text + i, end - i) : NULL;
}

static const char *const newrefs[] = {"Py_NewRef", "Py_XNewRef", NULL};
static const char *const increfs[] = {"Py_INCREF", "Py_XINCREF", "Py_NewRef", "Py_XNewRef", NULL};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips whitespace and comments from i; returns the new position. */
static unsigned skip_blank(const char *text, size_t len, unsigned i, unsigned limit)
{
    while (i < limit && i < len) {
        if (is_space(text[i])) {
            i++;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
            const char *e = strstr(text + i + 2, "*/");
            if (!e)
                return limit;
            i = (unsigned)(e - text) + 2;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '/') {
            while (i < len && text[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    return i;
}

/* The call is written literally in the file as NAME( ... ) spanning [offset, end_offset). */
static bool literal_call(const char *text, size_t len, const ftl_call *c)
{
    size_t n = strlen(c->name);
    return c->end_offset <= len && c->end_offset > c->offset + n &&
           strncmp(text + c->offset, c->name, n) == 0 && text[c->end_offset - 1] == ')' &&
           text[skip_blank(text, len, c->offset + (unsigned)n, c->end_offset)] == '(';
}

/* The next call is Py_INCREF(x)/Py_XINCREF(x) of the variable the call's result is assigned to,
 * with only a statement end and comments between them. */
static const ftl_call *incref_statement_after(const ftl_ctx *ctx, const ftl_call *call)
{
    const ftl_call *next = ftl_next_call(ctx, call);
    if (!next || next->nargs != 1 ||
        (strcmp(next->name, "Py_INCREF") != 0 && strcmp(next->name, "Py_XINCREF") != 0))
        return NULL;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    unsigned i = skip_blank(text, len, call->end_offset, next->offset);
    if (i < next->offset && text[i] == ';')
        i = skip_blank(text, len, i + 1, next->offset);
    if (i != next->offset)
        return NULL;
    char *var = assigned_name(text, call->offset);
    bool same = var && strcmp(var, next->args[0].text) == 0;
    free(var);
    return same ? next : NULL;
}

/* The borrowed result is immediately incremented: wrapped in Py_NewRef()/Py_INCREF(), or
 * assigned to x and the next statement is Py_INCREF(x)/Py_XINCREF(x). */
static bool increfed_right_after(const ftl_ctx *ctx, const ftl_call *call)
{
    return ftl_enclosing_call(ctx, call, increfs) || incref_statement_after(ctx, call);
}

/* ---- edits ---------------------------------------------------------------------------------- */

/* The statement `LHS = RHS;` or `T x = RHS;` that a call (or the Py_NewRef() around it) is the
 * whole right-hand side of, as a direct statement of a block: the only places a statement can be
 * replaced by several, or the statement after it removed. */
typedef struct target {
    ftl_block b;
    const ftl_stmt *st;      /* b.stmts[b.at] */
    bool decl;               /* a declaration */
    bool single;             /* a declaration of this one variable */
    char *lhs;               /* the assigned variable or field, as written (blanks removed) */
    char *type_text;         /* single declaration: the text before the name ("PyObject *") */
    bool local_pyobject;     /* the target is a local variable or parameter of type PyObject * */
} target;

static void target_free(target *t)
{
    ftl_block_free(&t->b);
    free(t->lhs);
    free(t->type_text);
}

static bool ident_char(char c)
{
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Text with blanks removed. Caller frees. */
static char *squeeze(const char *s, size_t n)
{
    ftl_buf b = {0};
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            ftl_buf_putn(&b, s + i, 1);
    if (!b.s)
        ftl_buf_puts(&b, "");
    return ftl_buf_steal(&b);
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Break;
}

typedef struct decls {
    int n;
    CXCursor match;
    const char *name;
} decls;

static enum CXChildVisitResult count_decls(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    decls *ds = d;
    if (clang_getCursorKind(c) != CXCursor_VarDecl)
        return CXChildVisit_Continue;
    ds->n++;
    char *n = ftl_cxstr(clang_getCursorSpelling(c));
    if (strcmp(n, ds->name) == 0)
        ds->match = c;
    free(n);
    return CXChildVisit_Continue;
}

/* A local variable or parameter (not static, extern or register) of type PyObject *. */
static bool local_pyobject(CXCursor var)
{
    enum CXCursorKind k = clang_getCursorKind(var);
    if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl)
        return false;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(var);
    if (sc == CX_SC_Static || sc == CX_SC_Extern || sc == CX_SC_Register)
        return false;                /* shared, or its address cannot be taken */
    enum CXCursorKind pk = clang_getCursorKind(clang_getCursorSemanticParent(var));
    if (pk != CXCursor_FunctionDecl && pk != CXCursor_CXXMethod && pk != CXCursor_Constructor &&
        pk != CXCursor_Destructor && pk != CXCursor_FunctionTemplate)
        return false;
    CXType t = clang_getCanonicalType(clang_getCursorType(var));
    if (t.kind != CXType_Pointer)
        return false;
    CXType pt = clang_getPointeeType(t);
    if (clang_isConstQualifiedType(pt) || clang_isVolatileQualifiedType(pt))
        return false;
    char *rec = ftl_cxstr(clang_getCursorSpelling(clang_getTypeDeclaration(clang_getCanonicalType(pt))));
    bool ok = strcmp(rec, "_object") == 0;
    free(rec);
    return ok;
}

/* Finds the statement whose right-hand side is exactly [rb, re). */
static bool statement_target(ftl_ctx *ctx, unsigned rb, unsigned re, target *t)
{
    memset(t, 0, sizeof *t);
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!ftl_block_at(ctx, rb, re, &t->b))
        return false;
    t->st = &t->b.stmts[t->b.at];
    const ftl_stmt *st = t->st;
    if (ftl_has_directive(text, len, st->begin, st->end))
        goto fail;
    unsigned semi = ftl_skip_blank(text, len, re, st->end);
    if (semi >= len || text[semi] != ';' || semi + 1 != st->end)
        goto fail;
    /* `... NAME =` before the right-hand side, where '=' is an assignment. */
    unsigned i = rb;
    while (i > st->begin && is_space(text[i - 1]))
        i--;
    if (i <= st->begin + 1 || text[i - 1] != '=' || strchr("=!<>+-*/%&|^", text[i - 2]))
        goto fail;
    i--;
    while (i > st->begin && is_space(text[i - 1]))
        i--;
    unsigned lhs_end = i;
    enum CXCursorKind k = clang_getCursorKind(st->cursor);
    if (k == CXCursor_DeclStmt) {
        unsigned nb = lhs_end;
        while (nb > st->begin && ident_char(text[nb - 1]))
            nb--;
        if (nb == lhs_end)
            goto fail;
        t->decl = true;
        t->lhs = ftl_xstrndup(text + nb, lhs_end - nb);
        decls ds = {0, clang_getNullCursor(), t->lhs};
        clang_visitChildren(st->cursor, count_decls, &ds);
        if (clang_Cursor_isNull(ds.match))
            goto fail;
        t->single = ds.n == 1;
        t->local_pyobject = local_pyobject(ds.match);
        char *type = ftl_xstrndup(text + st->begin, nb - st->begin);
        /* Declared again without its initializer: the type must say all of it. */
        if (t->single && strstr(type, "PyObject") && !strchr(type, ',') && !strchr(type, '[') &&
            !strstr(type, "const") && !strstr(type, "volatile") && !strstr(type, "auto"))
            t->type_text = type;
        else
            free(type);
        return true;
    }
    if (k != CXCursor_BinaryOperator)
        goto fail;
    /* A variable or a field path: nothing evaluated twice or with side effects. */
    for (unsigned j = st->begin; j < lhs_end; j++)
        if (!ident_char(text[j]) && !is_space(text[j]) && text[j] != '.' && text[j] != '-' &&
            text[j] != '>')
            goto fail;
    t->lhs = squeeze(text + st->begin, lhs_end - st->begin);
    if (!t->lhs[0] || strstr(t->lhs, "--"))
        goto fail;
    CXCursor lhs = clang_getNullCursor();
    clang_visitChildren(st->cursor, first_child, &lhs);
    if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
        t->local_pyobject = local_pyobject(clang_getCursorReferenced(lhs));
    return true;
fail:
    target_free(t);
    memset(t, 0, sizeof *t);
    return false;
}

/* The statement after the target, when it is exactly `Py_INCREF(LHS);` or `Py_XINCREF(LHS);`. */
static const ftl_stmt *incref_after(ftl_ctx *ctx, const target *t)
{
    if (t->b.at + 1 >= t->b.n)
        return NULL;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    const ftl_stmt *n = &t->b.stmts[t->b.at + 1];
    char *s = squeeze(text + n->begin, n->end - n->begin);
    char *a = ftl_xasprintf("Py_INCREF(%s);", t->lhs), *b = ftl_xasprintf("Py_XINCREF(%s);", t->lhs);
    bool ok = strcmp(s, a) == 0 || strcmp(s, b) == 0;
    free(s);
    free(a);
    free(b);
    return ok ? n : NULL;
}

/* An edit deleting statement st: its whole line when nothing else is on it. */
static ftl_edit delete_statement(const char *text, size_t len, const ftl_stmt *st, unsigned py, bool safe)
{
    unsigned b = st->begin, e = st->end;
    unsigned ls = ftl_line_begin(text, b), le = ftl_line_end(text, len, e);
    bool alone = true;
    for (unsigned i = ls; i < b && alone; i++)
        alone = text[i] == ' ' || text[i] == '\t';
    for (unsigned i = e; i < le && alone; i++)
        alone = text[i] == ' ' || text[i] == '\t';
    if (alone && le < len) {
        b = ls;
        e = le + (text[le] == '\r' ? 2 : 1);
    }
    return (ftl_edit){b, e, ftl_xstrdup(""), safe, py};
}

/* The argument list of a literal call as written, without its parentheses. Caller frees. */
static char *call_args(const char *text, size_t len, const ftl_call *c)
{
    unsigned open = ftl_skip_blank(text, len, c->offset + (unsigned)strlen(c->name), c->end_offset);
    return ftl_xstrndup(text + open + 1, c->end_offset - 1 - (open + 1));
}

/* The Py_NewRef()/Py_XNewRef() whose only argument is exactly the call, written literally. */
static const ftl_call *newref_around(ftl_ctx *ctx, const ftl_call *call)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    const ftl_call *wrap = ftl_enclosing_call(ctx, call, newrefs);
    if (!wrap || wrap->nargs != 1 || !literal_call(text, len, wrap))
        return NULL;
    unsigned wopen = skip_blank(text, len, wrap->offset + (unsigned)strlen(wrap->name), wrap->end_offset);
    unsigned inner = skip_blank(text, len, wopen + 1, wrap->end_offset);
    unsigned after = skip_blank(text, len, call->end_offset, wrap->end_offset);
    return inner == call->offset && after == wrap->end_offset - 1 ? wrap : NULL;
}

/* Mechanical rewrites to the same-shape strong API, safe:
 *   Py_NewRef(API(args))            ->  REPL(args)
 *   x = API(args); Py_INCREF(x);    ->  x = REPL(args);
 * Returns the number of edits written to e (0 to 2); replacement strings are malloc'd. */
static size_t same_shape_edits(ftl_ctx *ctx, const ftl_call *call, const borrowed_api *api,
                               ftl_edit *e)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!api->same_shape || !literal_call(text, len, call))
        return 0;
    char *args = call_args(text, len, call);
    char *repl = ftl_xasprintf("%s(%s)", api->same_shape, args);
    free(args);
    const ftl_call *wrap = newref_around(ctx, call);
    if (wrap) {
        e[0] = (ftl_edit){wrap->offset, wrap->end_offset, repl, true, api->same_shape_py};
        return 1;
    }
    target t;
    bool have = statement_target(ctx, call->offset, call->end_offset, &t);
    const ftl_stmt *inc = have ? incref_after(ctx, &t) : NULL;
    size_t n = 0;
    if (inc) {
        e[n++] = (ftl_edit){call->offset, call->end_offset, repl, true, api->same_shape_py};
        e[n++] = delete_statement(text, len, inc, api->same_shape_py, true);
    } else {
        free(repl);
    }
    if (have)
        target_free(&t);
    return n;
}

/* Out-parameter rewrites of `x = API(args);` and `T x = API(args);` (x a local PyObject *),
 * also when the value is made strong at once (`x = Py_XNewRef(API(args));`, or the statement
 * after is Py_INCREF(x)). The statement becomes the strong API writing into &x, keeping what x
 * held in every case (NULL when missing, the error swallowed or kept as the old API did):
 *  - PyWeakref_GetObject with the reference made strong at once: PyWeakref_GetRef, with None
 *    for a dead referent as before. The same behaviour: safe.
 *  - PyDict_GetItem, PyDict_GetItemString: PyDict_GetItem(String)Ref, then PyErr_Clear() on
 *    error as the old calls did; unsafe, since x now owns a reference: a comment says to
 *    release it, unless the old code already made it strong.
 *  - PyDict_GetItemWithError, _PyDict_GetItemStringWithError, PyDict_SetDefault: the Ref
 *    variant, whose result leaves x NULL with the exception set on error, as before; unsafe.
 * Returns the number of edits (0 to 2); replacement strings are malloc'd. */
static size_t out_param_edits(ftl_ctx *ctx, const ftl_call *call, ftl_edit *e)
{
    static const struct {
        const char *api, *ref, *cmp;   /* cmp: the test after the call; NULL: its result unused */
        bool clear, weak;
    } shapes[] = {
        {"PyDict_GetItem", "PyDict_GetItemRef", "< 0", true, false},
        {"PyDict_GetItemString", "PyDict_GetItemStringRef", "< 0", true, false},
        {"PyDict_GetItemWithError", "PyDict_GetItemRef", NULL, false, false},
        {"_PyDict_GetItemStringWithError", "PyDict_GetItemStringRef", NULL, false, false},
        {"PyDict_SetDefault", "PyDict_SetDefaultRef", NULL, false, false},
        {"PyWeakref_GetObject", "PyWeakref_GetRef", "== 0", false, true},
        {"PyWeakref_GET_OBJECT", "PyWeakref_GetRef", "== 0", false, true},
    };
    size_t k = 0;
    while (k < sizeof shapes / sizeof *shapes && strcmp(shapes[k].api, call->name) != 0)
        k++;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (k == sizeof shapes / sizeof *shapes || !literal_call(text, len, call))
        return 0;
    const ftl_call *wrap = newref_around(ctx, call);
    unsigned rb = wrap ? wrap->offset : call->offset, re = wrap ? wrap->end_offset : call->end_offset;
    target t;
    if (!statement_target(ctx, rb, re, &t))
        return 0;
    size_t n = 0;
    const ftl_stmt *inc = wrap ? NULL : incref_after(ctx, &t);
    bool strong = wrap || inc;
    if (!t.local_pyobject || (t.decl && !t.type_text) || (shapes[k].weak && !strong))
        goto out;
    const char *eol = ftl_line_eol(text, len, t.st->begin);
    char *indent = ftl_line_indent(text, len, t.st->begin);
    char *unit = ftl_block_indent_unit(text, len, &t.b);
    char *args = call_args(text, len, call);
    const char *x = t.lhs;
    ftl_buf r = {0};
    if (t.decl)
        ftl_buf_printf(&r, "%s%s;%s%s", t.type_text, x, eol, indent);
    char *note = strong ? ftl_xstrdup("")
                        : ftl_xasprintf("  /* ftlint fix: %s is now a new reference: Py_XDECREF(%s) "
                                        "when done with it */", x, x);
    if (shapes[k].weak)
        ftl_buf_printf(&r, "if (%s(%s, &%s) %s) {%s%s%s%s = Py_NewRef(Py_None);%s%s}", shapes[k].ref,
                       args, x, shapes[k].cmp, eol, indent, unit, x, eol, indent);
    else if (shapes[k].clear)
        ftl_buf_printf(&r, "if (%s(%s, &%s) %s) {%s%s%s%sPyErr_Clear();  /* ftlint fix: as %s did; "
                       "better: handle the error */%s%s}", shapes[k].ref, args, x,
                       shapes[k].cmp, note, eol, indent, unit, call->name, eol, indent);
    else
        ftl_buf_printf(&r, "(void)%s(%s, &%s);%s", shapes[k].ref, args, x, note);
    e[n++] = (ftl_edit){t.st->begin, t.st->end, ftl_buf_steal(&r), shapes[k].weak, 0x030D0000};
    if (inc)
        e[n++] = delete_statement(text, len, inc, 0x030D0000, shapes[k].weak);
    free(note);
    free(args);
    free(unit);
    free(indent);
out:
    target_free(&t);
    return n;
}

static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    const borrowed_api *api = find(call->name);
    if (!api)
        return;
    if (api->container >= 0) {
        if (api->container >= call->nargs)
            return;
        const ftl_arg *c = &call->args[api->container];
        if (ftl_privacy_at(ctx, c, call->offset) != FTL_SHARED)
            return;
        /* Inside a critical section on this very container the items cannot change. */
        if (ftl_in_lock(ctx, call->offset, FTL_LOCK_CRITICAL_SECTION, c))
            return;
    }
    char *what = fill(api->what, call);
    ftl_buf msg = {0};
    ftl_buf_printf(&msg, "%s returns a borrowed reference to %s; another thread can %s", call->name,
                   what, api->how);
    if (increfed_right_after(ctx, call))
        ftl_buf_puts(&msg, "; the Py_INCREF that follows does not help, the object can be freed "
                     "before it runs");
    ftl_buf help = {0};
    if (api->use) {
        char *use = fill(api->use, call);
        char *contract = fill(api->contract, call);
        ftl_buf_printf(&help, "use %s, which %s", use, contract);
        if (api->since && strcmp(api->since, "3.13") == 0)
            ftl_buf_puts(&help, " (Python 3.13+; pythoncapi_compat.h provides it for older versions)");
        else if (api->since)
            ftl_buf_printf(&help, " (Python %s+; pythoncapi_compat.h provides it for older versions)",
                           api->since);
        free(use);
        free(contract);
    } else {
        char *contract = fill(api->contract, call);
        ftl_buf_puts(&help, contract);
        free(contract);
    }
    char *m = ftl_buf_steal(&msg), *h = ftl_buf_steal(&help);
    ftl_edit edits[2];
    size_t nedits = same_shape_edits(ctx, call, api, edits);
    if (nedits == 0)
        nedits = out_param_edits(ctx, call, edits);
    ftl_report(ctx, call->offset, call->end_offset, m, h, edits, nedits);
    for (size_t i = 0; i < nedits; i++)
        free(edits[i].replacement);
    free(m);
    free(h);
    free(what);
}

const ftl_rule ftl_rule_borrowed_ref = {
    .code = "FT001",
    .name = "borrowed-ref",
    .summary = "borrowed reference from a container other threads may mutate",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_MEDIUM,
    .apis = apis,
    .on_call = on_call,
};
