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
    char *indent = ftl_xstrndup(text + ls, b - ls);
    char *ins = ftl_xasprintf("%s\n%s%s\n%s\n%s", GUARD_OPEN, indent, SLOT_LINE, GUARD_CLOSE, indent);
    free(indent);
    *at = b;
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
        char *ins = sentinel ? sentinel_insertion(ctx, sentinel, &at) : NULL;
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
        st->creates[st->ncreates++] = (struct pending_create){st->cur_fn, def_usr};
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
    for (size_t qi = 0; qi < qn; qi++) {
        fnrec *f = &st->fns[queue[qi]];
        creates |= f->creates;
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
        ftl_report_cursor(ctx, FTL_SEV_WARNING, r->cursor, msg, help);
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
        if (!slots)
            st->fns[st->creates[i].fn].creates = true;
        free(st->creates[i].def_usr);
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
