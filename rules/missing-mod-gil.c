/* missing-mod-gil.c: FT006, a module that does not say whether it needs the GIL. Multi-phase
 * modules are judged by their PyModuleDef_Slot arrays (reported as they are met); single-phase
 * ones by what each PyInit_* function and the functions it calls in the translation unit do:
 * create the module (PyModule_Create...) and call PyUnstable_Module_SetGIL, or return
 * PyModuleDef_Init() of a definition without slots. An explicit Py_MOD_GIL_USED is a note. */
#include "ftlint.h"
#include "../src/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const GUARD_OPEN = "#ifdef Py_GIL_DISABLED";
static const char *const SLOT_LINE = "{Py_mod_gil, Py_MOD_GIL_NOT_USED},";
static const char *const GUARD_CLOSE = "#endif";

/* A function of the translation unit and what it does about modules. */
typedef struct fnrec {
    char *name;
    CXCursor cursor;
    bool defined;
    bool creates;            /* creates a module that needs PyUnstable_Module_SetGIL */
    size_t ncreates;         /* how many such creations */
    const struct pending_create *edit;   /* the one creation with a SetGIL insertion, or NULL */
    size_t nedits;           /* how many creations have one */
    char *module_var;        /* the variable the created module is stored in, or NULL */
    bool setgil;             /* calls PyUnstable_Module_SetGIL */
    ftl_strv callees;        /* USRs of the functions it calls */
    ftl_strv init_defs;      /* USRs of definitions it passes to PyModuleDef_Init */
} fnrec;

typedef struct defrec {
    char *name;
    CXCursor cursor;
    bool has_slots;
    bool reported;
} defrec;

typedef struct state {
    fnrec *fns;
    size_t nfns, capfns;
    ftl_strmap fn_index;     /* USR -> index in fns */
    defrec *defs;
    size_t ndefs, capdefs;
    ftl_strmap def_index;    /* USR -> index in defs */
    CXCursor cur;            /* the function being walked */
    size_t cur_fn;
    /* definitions passed to PyModule_FromDefAndSpec, waiting for tu_end (the definition may
     * come later in the file): creations that do not need SetGIL when the def has slots */
    struct pending_create {
        size_t fn;
        char *def_usr;
        char *setgil;        /* the PyUnstable_Module_SetGIL lines to insert, or NULL */
        unsigned setgil_at;  /* where, in the file of setgil_file */
        CXFile setgil_file;
    } *creates;
    size_t ncreates, capcreates;
} state;

static char *usr_of(CXCursor c)
{
    return ftl_cxstr(clang_getCursorUSR(clang_getCanonicalCursor(c)));
}

static size_t fn_for(state *st, CXCursor fn)
{
    char *usr = usr_of(fn);
    size_t i;
    if (!ftl_strmap_get(&st->fn_index, usr, &i)) {
        ftl_grow((void **)&st->fns, &st->capfns, st->nfns + 1, sizeof *st->fns);
        i = st->nfns++;
        memset(&st->fns[i], 0, sizeof st->fns[i]);
        st->fns[i].name = ftl_cxstr(clang_getCursorSpelling(fn));
        st->fns[i].cursor = fn;
        ftl_strmap_put(&st->fn_index, usr, i);
    }
    free(usr);
    return i;
}

static void *tu_begin(ftl_ctx *ctx)
{
    (void)ctx;
    state *st = ftl_xcalloc(1, sizeof *st);
    st->cur = clang_getNullCursor();
    return st;
}

/* ---- slot arrays and definitions ------------------------------------------------------------ */

/* The text the finding quotes for a slot array or definition: its name. */
static char *cursor_name(CXCursor c)
{
    return ftl_cxstr(clang_getCursorSpelling(c));
}

/* The insertion before the {0, NULL} sentinel, indented like it; NULL when the sentinel does not
 * start its own line of this file. Caller frees. */
static char *sentinel_insertion(ftl_ctx *ctx, const ftl_slot *sentinel, unsigned *at)
{
    unsigned b, e;
    if (!ftl_cursor_offsets(ctx, sentinel->entry, &b, &e))
        return NULL;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (b >= len || text[b] != '{')
        return NULL;
    unsigned ls = b;
    while (ls > 0 && (text[ls - 1] == ' ' || text[ls - 1] == '\t'))
        ls--;
    if (ls > 0 && text[ls - 1] != '\n')
        return NULL;
    /* The guard lines start in column 0 like every directive; the slot is indented like the
     * sentinel; line endings follow the file. */
    char *indent = ftl_xstrndup(text + ls, b - ls);
    const char *eol = ftl_line_eol(text, len, b);
    char *ins = ftl_xasprintf("%s%s%s%s%s%s%s", GUARD_OPEN, eol, indent, SLOT_LINE, eol, GUARD_CLOSE, eol);
    free(indent);
    *at = ls;
    return ins;
}

static void check_slot_array(ftl_ctx *ctx, CXCursor var)
{
    ftl_slot *slots;
    size_t n = ftl_slot_entries(var, &slots);
    if (n == 0) {
        free(slots);
        return;                  /* filled at run time: nothing to read */
    }
    if (ftl_cursor_has_errors(ctx, var)) {
        free(slots);
        return;                  /* entries clang could not read may be missing */
    }
    const ftl_slot *gil = NULL, *sentinel = NULL;
    for (size_t i = 0; i < n; i++) {
        if (slots[i].id == FTL_MOD_GIL)
            gil = &slots[i];
        else if (slots[i].id == 0 && !sentinel)
            sentinel = &slots[i];
    }
    char *name = cursor_name(var);
    if (gil && gil->gil == 0) {
        unsigned b, e;
        if (ftl_cursor_offsets(ctx, gil->entry, &b, &e)) {
            char *msg = ftl_xasprintf("module slots '%s' declare Py_MOD_GIL_USED: free-threaded "
                                      "Python re-enables the GIL when it imports the module",
                                      name);
            ftl_report_sev(ctx, FTL_SEV_NOTE, b, e, msg,
                           "once the module is safe without the GIL, write "
                           "{Py_mod_gil, Py_MOD_GIL_NOT_USED} instead", NULL, 0);
            free(msg);
        }
    } else if (!gil) {
        char *msg = ftl_xasprintf("module slots '%s' have no Py_mod_gil slot, so free-threaded "
                                  "Python re-enables the GIL when it imports the module; declare "
                                  "Py_mod_gil", name);
        char *help = ftl_xasprintf("once the module is safe without the GIL, add these lines "
                                   "before the {0, NULL} sentinel: %s / %s / %s (or "
                                   "Py_MOD_GIL_USED, to keep the GIL knowingly)",
                                   GUARD_OPEN, SLOT_LINE, GUARD_CLOSE);
        CXSourceLocation loc = clang_getCursorLocation(var);
        CXFile f;
        unsigned off;
        clang_getFileLocation(loc, &f, NULL, NULL, &off);
        unsigned b, e;
        unsigned at = 0;
        char *ins = NULL;
        size_t len;
        const char *text = ftl_ctx_text(ctx, &len);
        /* A Py_mod_gil slot in a branch this build does not compile may be compiled together
         * with an inserted one elsewhere, and two Py_mod_gil slots fail the import: no edit. */
        if (ftl_cursor_offsets(ctx, var, &b, &e) && e <= len &&
            !memmem(text + b, e - b, "Py_mod_gil", 10) && sentinel)
            ins = sentinel_insertion(ctx, sentinel, &at);
        if (ftl_cursor_offsets(ctx, var, &b, &e)) {
            unsigned end = off + (unsigned)strlen(name);
            ftl_edit ed = {.begin = at, .end = at, .replacement = ins, .safe = false};
            ftl_report(ctx, off, end, msg, help, ins ? &ed : NULL, ins ? 1 : 0);
        } else {
            ftl_report_cursor(ctx, FTL_SEV_WARNING, var, msg, help);
        }
        free(ins);
        free(msg);
        free(help);
    }
    free(name);
    free(slots);
}

typedef struct slotscan {
    bool has_slots;
} slotscan;

/* Looks for a non-null m_slots value among the initializer's expressions. */
static enum CXChildVisitResult find_slots(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    slotscan *ss = d;
    if (!clang_isExpression(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    char *ty = ftl_cxstr(clang_getTypeSpelling(clang_getCursorType(c)));
    bool slot_ptr = strstr(ty, "PyModuleDef_Slot") != NULL;
    free(ty);
    if (slot_ptr) {
        if (!ftl_expr_is_null(c))
            ss->has_slots = true;
        return CXChildVisit_Continue;
    }
    return clang_getCursorKind(c) == CXCursor_InitListExpr ? CXChildVisit_Continue
                                                            : CXChildVisit_Recurse;
}

static enum CXChildVisitResult find_init_list(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if (clang_getCursorKind(c) == CXCursor_InitListExpr) {
        *(CXCursor *)d = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

static void record_def(state *st, CXCursor var)
{
    CXCursor init = clang_getNullCursor();
    clang_visitChildren(var, find_init_list, &init);
    slotscan ss = {false};
    if (clang_Cursor_isNull(init))
        ss.has_slots = true;     /* filled at run time: unknown, never reported */
    else
        clang_visitChildren(init, find_slots, &ss);
    char *usr = usr_of(var);
    size_t i;
    if (!ftl_strmap_get(&st->def_index, usr, &i)) {
        ftl_grow((void **)&st->defs, &st->capdefs, st->ndefs + 1, sizeof *st->defs);
        i = st->ndefs++;
        st->defs[i] = (defrec){.name = cursor_name(var), .cursor = var};
        ftl_strmap_put(&st->def_index, usr, i);
    }
    st->defs[i].has_slots = ss.has_slots;
    st->defs[i].cursor = var;
    free(usr);
}

/* ---- calls ---------------------------------------------------------------------------------- */

/* The identifier the call's result is assigned to ("m = CALL" or "PyObject *m = CALL"), or NULL.
 * Caller frees. */
static char *assigned_name(const char *text, unsigned at)
{
    unsigned i = at;
    while (i > 0 && isspace((unsigned char)text[i - 1]))
        i--;
    if (i == 0 || text[i - 1] != '=' || (i >= 2 && strchr("=!<>+-*/%&|^", text[i - 2])))
        return NULL;
    i--;
    while (i > 0 && isspace((unsigned char)text[i - 1]))
        i--;
    unsigned end = i;
    while (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_'))
        i--;
    return end > i && !isdigit((unsigned char)text[i]) ? ftl_xstrndup(text + i, end - i) : NULL;
}

/* The test `if (m == NULL)` (or `!m`, `NULL == m`, `m == 0`), squeezed, tests name. */
static bool null_test(const char *cond, const char *name)
{
    char *c = ftl_xstrdup(cond);
    size_t n = strlen(c);
    while (n >= 2 && c[0] == '(' && c[n - 1] == ')') {
        memmove(c, c + 1, n - 2);
        n -= 2;
        c[n] = '\0';
    }
    const char *forms[] = {"%s==NULL", "NULL==%s", "!%s", "%s==0", "0==%s", "(%s)==NULL", "!(%s)"};
    bool ok = false;
    for (size_t i = 0; i < sizeof forms / sizeof *forms && !ok; i++) {
        char *f = ftl_xasprintf(forms[i], name);
        ok = strcmp(c, f) == 0;
        free(f);
    }
    free(c);
    return ok;
}

typedef struct if_parts {
    int n;
    CXCursor then;
} if_parts;

static enum CXChildVisitResult if_children(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    if_parts *ip = d;
    if (++ip->n == 2)
        ip->then = c;
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult last_child(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Continue;
}

/* The branch always leaves the function: `return ...;`, `goto ...;`, or a block ending so. */
static bool always_leaves(CXCursor s)
{
    if (clang_getCursorKind(s) == CXCursor_CompoundStmt) {
        CXCursor last = clang_getNullCursor();
        clang_visitChildren(s, last_child, &last);
        s = last;
    }
    enum CXCursorKind k = clang_getCursorKind(s);
    return k == CXCursor_ReturnStmt || k == CXCursor_GotoStmt;
}

/* For `m = PyModule_Create(...);` (or `PyObject *m = ...;`) followed by `if (m == NULL) return
 * ...;` in the same block: the lines declaring the module free-threading safe, inserted after
 * that test, where m is known to be a module. Caller frees; NULL when the code has another
 * shape. */
static char *setgil_insertion(ftl_ctx *ctx, CXCursor call, unsigned *at)
{
    unsigned b, e;
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!ftl_cursor_offsets(ctx, call, &b, &e) || e > len || e <= b || text[e - 1] != ')' ||
        strncmp(text + b, "PyModule_", 9) != 0)
        return NULL;
    ftl_block blk;
    char *ins = NULL, *name = NULL;
    if (!ftl_block_at(ctx, b, e, &blk))
        return NULL;
    const ftl_stmt *st = &blk.stmts[blk.at];
    unsigned semi = ftl_skip_blank(text, len, e, st->end);
    name = assigned_name(text, b);
    if (!name || semi + 1 != st->end || text[semi] != ';' || blk.at + 1 >= blk.n)
        goto out;
    /* `m = CALL;` or a declaration ending in `m = CALL;` */
    unsigned lhs = b;
    while (lhs > st->begin && isspace((unsigned char)text[lhs - 1]))
        lhs--;
    lhs--;                                       /* the '=' */
    while (lhs > st->begin && isspace((unsigned char)text[lhs - 1]))
        lhs--;
    if (clang_getCursorKind(st->cursor) != CXCursor_DeclStmt &&
        (lhs - st->begin != strlen(name) || strncmp(text + st->begin, name, strlen(name)) != 0))
        goto out;
    const ftl_stmt *test = &blk.stmts[blk.at + 1];
    if (clang_getCursorKind(test->cursor) != CXCursor_IfStmt ||
        !ftl_owns_lines(text, len, test->begin, test->end) ||
        ftl_has_directive(text, len, st->begin, test->end))
        goto out;
    if_parts ip = {0, clang_getNullCursor()};
    clang_visitChildren(test->cursor, if_children, &ip);
    if (ip.n != 2 || !always_leaves(ip.then))
        goto out;
    unsigned open = ftl_skip_blank(text, len, test->begin + 2, test->end);
    if (strncmp(text + test->begin, "if", 2) != 0 || open >= len || text[open] != '(')
        goto out;
    int depth = 0;
    unsigned close = open;
    for (; close < test->end; close++) {
        if (text[close] == '(')
            depth++;
        else if (text[close] == ')' && --depth == 0)
            break;
    }
    if (close >= test->end)
        goto out;
    ftl_buf cond = {0};
    for (unsigned i = open + 1; i < close; i++)
        if (!isspace((unsigned char)text[i]))
            ftl_buf_putn(&cond, text + i, 1);
    char *c = ftl_buf_steal(&cond);
    bool ok = c && null_test(c, name);
    free(c);
    if (!ok)
        goto out;
    const char *eol = ftl_line_eol(text, len, test->end);
    char *indent = ftl_line_indent(text, len, st->begin);
    ins = ftl_xasprintf("%s%s%s%sPyUnstable_Module_SetGIL(%s, Py_MOD_GIL_NOT_USED);%s%s", eol,
                        GUARD_OPEN, eol, indent, name, eol, GUARD_CLOSE);
    free(indent);
    *at = ftl_line_end(text, len, test->end);
out:
    free(name);
    ftl_block_free(&blk);
    return ins;
}

static bool is_create(const char *n)
{
    return strcmp(n, "PyModule_Create") == 0 || strcmp(n, "PyModule_Create2") == 0 ||
           strcmp(n, "PyModule_FromDefAndSpec") == 0 || strcmp(n, "PyModule_FromDefAndSpec2") == 0;
}

static void on_call_expr(ftl_ctx *ctx, state *st, CXCursor call)
{
    CXCursor fn = ftl_ctx_function_cursor(ctx);
    if (clang_Cursor_isNull(fn))
        return;
    if (!clang_equalCursors(fn, st->cur)) {
        st->cur = fn;
        st->cur_fn = fn_for(st, fn);
        st->fns[st->cur_fn].defined = true;
        st->fns[st->cur_fn].cursor = fn;
    }
    fnrec *rec = &st->fns[st->cur_fn];
    CXCursor callee = clang_getCursorReferenced(call);
    char *name = ftl_cxstr(clang_getCursorSpelling(call));
    int nargs = clang_Cursor_getNumArguments(call);
    if (is_create(name)) {
        char *def_usr = NULL;
        if (strncmp(name, "PyModule_FromDefAndSpec", 23) == 0 && nargs >= 1) {
            CXCursor def = ftl_expr_variable(clang_Cursor_getArgument(call, 0));
            if (!clang_Cursor_isNull(def))
                def_usr = usr_of(def);
        }
        ftl_grow((void **)&st->creates, &st->capcreates, st->ncreates + 1, sizeof *st->creates);
        struct pending_create pc = {st->cur_fn, def_usr, NULL, 0, NULL};
        pc.setgil = setgil_insertion(ctx, call, &pc.setgil_at);
        if (pc.setgil)
            clang_getFileLocation(clang_getCursorLocation(call), &pc.setgil_file, NULL, NULL, NULL);
        st->creates[st->ncreates++] = pc;
        unsigned b, e;
        size_t len;
        const char *text = ftl_ctx_text(ctx, &len);
        if (!rec->module_var && ftl_cursor_offsets(ctx, call, &b, &e) && b <= len)
            rec->module_var = assigned_name(text, b);
    } else if (strcmp(name, "PyUnstable_Module_SetGIL") == 0) {
        rec->setgil = true;
        unsigned b, e;
        if (nargs >= 2 && ftl_expr_is_null(clang_Cursor_getArgument(call, 1)) &&
            ftl_cursor_offsets(ctx, call, &b, &e)) {
            ftl_report_sev(ctx, FTL_SEV_NOTE, b, e,
                           "PyUnstable_Module_SetGIL(..., Py_MOD_GIL_USED): free-threaded Python "
                           "re-enables the GIL when it imports the module",
                           "once the module is safe without the GIL, pass Py_MOD_GIL_NOT_USED",
                           NULL, 0);
        }
    } else if (strcmp(name, "PyModuleDef_Init") == 0 && nargs >= 1) {
        CXCursor def = ftl_expr_variable(clang_Cursor_getArgument(call, 0));
        if (!clang_Cursor_isNull(def)) {
            char *usr = usr_of(def);
            ftl_strv_push(&rec->init_defs, usr);
            free(usr);
        }
    } else if (clang_getCursorKind(callee) == CXCursor_FunctionDecl &&
               !clang_Location_isInSystemHeader(clang_getCursorLocation(callee))) {
        char *usr = usr_of(callee);
        if (!ftl_strv_contains(&rec->callees, usr))
            ftl_strv_push(&rec->callees, usr);
        free(usr);
    }
    free(name);
}

static void on_cursor(ftl_ctx *ctx, CXCursor c, CXCursor parent)
{
    (void)parent;
    state *st = ftl_ctx_state(ctx);
    switch (clang_getCursorKind(c)) {
    case CXCursor_VarDecl:
        if (ftl_is_slot_array(c))
            check_slot_array(ctx, c);
        else if (ftl_is_moduledef(c))
            record_def(st, c);
        break;
    case CXCursor_FunctionDecl:
        if (clang_isCursorDefinition(c)) {
            size_t i = fn_for(st, c);
            st->fns[i].defined = true;
            st->fns[i].cursor = c;
            st->cur = c;
            st->cur_fn = i;
        }
        break;
    case CXCursor_CallExpr:
        on_call_expr(ctx, st, c);
        break;
    default:
        break;
    }
}

/* ---- single-phase initialisation ---------------------------------------------------------- */

static void report_init(ftl_ctx *ctx, state *st, size_t root)
{
    /* Everything the init function reaches through calls within this translation unit. */
    bool *seen = ftl_xcalloc(st->nfns, sizeof *seen);
    size_t *queue = ftl_xcalloc(st->nfns, sizeof *queue);
    size_t qn = 0;
    queue[qn++] = root;
    seen[root] = true;
    bool creates = false, setgil = false, errors = false;
    const char *var = NULL;
    size_t ncreates = 0, nedits = 0;
    const struct pending_create *edit = NULL;
    for (size_t qi = 0; qi < qn; qi++) {
        fnrec *f = &st->fns[queue[qi]];
        creates |= f->creates;
        ncreates += f->ncreates;
        nedits += f->nedits;
        if (f->edit)
            edit = f->edit;
        setgil |= f->setgil;
        errors |= f->defined && ftl_cursor_has_errors(ctx, f->cursor);
        if (f->creates && f->module_var && !var)
            var = f->module_var;
        for (size_t k = 0; k < f->init_defs.n; k++) {
            size_t d;
            if (!ftl_strmap_get(&st->def_index, f->init_defs.v[k], &d))
                continue;
            defrec *def = &st->defs[d];
            if (def->has_slots || def->reported || ftl_cursor_has_errors(ctx, def->cursor))
                continue;
            def->reported = true;
            char *msg = ftl_xasprintf("module definition '%s' has no m_slots to declare Py_mod_gil "
                                      "in, so free-threaded Python re-enables the GIL when it "
                                      "imports the module; add a slot array with Py_mod_gil",
                                      def->name);
            char *help = ftl_xasprintf("once the module is safe without the GIL, add "
                                       "'static PyModuleDef_Slot %s_slots[] = {' / %s / %s / %s / "
                                       "'{0, NULL}};' and set .m_slots = %s_slots in '%s'",
                                       def->name, GUARD_OPEN, SLOT_LINE, GUARD_CLOSE, def->name,
                                       def->name);
            ftl_report_cursor(ctx, FTL_SEV_WARNING, def->cursor, msg, help);
            free(msg);
            free(help);
        }
        for (size_t k = 0; k < f->callees.n; k++) {
            size_t j;
            if (ftl_strmap_get(&st->fn_index, f->callees.v[k], &j) && !seen[j]) {
                seen[j] = true;
                queue[qn++] = j;
            }
        }
    }
    /* A call clang could not read (a macro from a missing header) may be the declaration. */
    if (creates && !setgil && !errors) {
        const fnrec *r = &st->fns[root];
        const char *m = var ? var : "module";
        char *msg = ftl_xasprintf("%s creates its module without PyUnstable_Module_SetGIL, so "
                                  "free-threaded Python re-enables the GIL when it imports the "
                                  "module; declare whether it needs the GIL", r->name);
        char *help = ftl_xasprintf("once the module is safe without the GIL, add these lines after "
                                   "the module is created: %s / PyUnstable_Module_SetGIL(%s, "
                                   "Py_MOD_GIL_NOT_USED); / %s", GUARD_OPEN, m, GUARD_CLOSE);
        /* One creation, followed by its NULL test, in the init function's file: the edit. */
        CXFile rf;
        clang_getFileLocation(clang_getCursorLocation(r->cursor), &rf, NULL, NULL, NULL);
        bool one = ncreates == 1 && nedits == 1 && edit && rf && clang_File_isEqual(rf, edit->setgil_file);
        ftl_edit ed = {one ? edit->setgil_at : 0, one ? edit->setgil_at : 0,
                       one ? edit->setgil : NULL, false, 0};
        ftl_report_cursor_edits(ctx, FTL_SEV_WARNING, r->cursor, msg, help, one ? &ed : NULL, one ? 1 : 0);
        free(msg);
        free(help);
    }
    free(seen);
    free(queue);
}

static void tu_end(ftl_ctx *ctx, void *p)
{
    state *st = p;
    /* A creation from a definition that carries slots declares the GIL through them. */
    for (size_t i = 0; i < st->ncreates; i++) {
        size_t d;
        bool slots = st->creates[i].def_usr &&
                     ftl_strmap_get(&st->def_index, st->creates[i].def_usr, &d) &&
                     st->defs[d].has_slots;
        if (!slots) {
            fnrec *f = &st->fns[st->creates[i].fn];
            f->creates = true;
            f->ncreates++;
            if (st->creates[i].setgil) {
                f->nedits++;
                f->edit = &st->creates[i];
            }
        }
    }
    for (size_t i = 0; i < st->nfns; i++)
        if (st->fns[i].defined && strncmp(st->fns[i].name, "PyInit_", 7) == 0)
            report_init(ctx, st, i);
    for (size_t i = 0; i < st->nfns; i++) {
        free(st->fns[i].name);
        free(st->fns[i].module_var);
        ftl_strv_free(&st->fns[i].callees);
        ftl_strv_free(&st->fns[i].init_defs);
    }
    for (size_t i = 0; i < st->ndefs; i++)
        free(st->defs[i].name);
    for (size_t i = 0; i < st->ncreates; i++) {
        free(st->creates[i].def_usr);
        free(st->creates[i].setgil);
    }
    free(st->fns);
    free(st->defs);
    free(st->creates);
    ftl_strmap_free(&st->fn_index);
    ftl_strmap_free(&st->def_index);
    free(st);
}

static const enum CXCursorKind kinds[] = {CXCursor_VarDecl, CXCursor_FunctionDecl, CXCursor_CallExpr, 0};

const ftl_rule ftl_rule_missing_mod_gil = {
    .code = "FT006",
    .name = "missing-mod-gil",
    .summary = "module does not declare whether it needs the GIL (Py_mod_gil)",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_HIGH,
    .kinds = kinds,
    .on_cursor = on_cursor,
    .tu_begin = tu_begin,
    .tu_end = tu_end,
};
