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

/* Mechanical rewrites to the same-shape strong API:
 *   Py_NewRef(API(args))            ->  REPL(args)
 *   x = API(args); Py_INCREF(x);    ->  x = REPL(args);
 * Only when every piece is written literally in this file (never inside a macro). Returns the
 * number of edits written to e (0 to 2); replacement strings are malloc'd. */
static size_t same_shape_edits(const ftl_ctx *ctx, const ftl_call *call, const borrowed_api *api,
                               ftl_edit *e)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (!api->same_shape || !literal_call(text, len, call))
        return 0;
    unsigned open = skip_blank(text, len, call->offset + (unsigned)strlen(call->name), call->end_offset);
    char *repl = ftl_xasprintf("%s%.*s", api->same_shape, (int)(call->end_offset - open), text + open);
    const ftl_call *wrap = ftl_enclosing_call(ctx, call, newrefs);
    if (wrap && wrap->nargs == 1 && literal_call(text, len, wrap)) {
        unsigned wopen = skip_blank(text, len, wrap->offset + (unsigned)strlen(wrap->name), wrap->end_offset);
        unsigned inner = skip_blank(text, len, wopen + 1, wrap->end_offset);
        unsigned after = skip_blank(text, len, call->end_offset, wrap->end_offset);
        if (inner == call->offset && after == wrap->end_offset - 1) {
            e[0] = (ftl_edit){wrap->offset, wrap->end_offset, repl, true, api->same_shape_py};
            return 1;
        }
    }
    const ftl_call *inc = incref_statement_after(ctx, call);
    if (inc && literal_call(text, len, inc)) {
        /* Delete "Py_INCREF(x);", and its whole line when nothing else is on it. */
        unsigned b = inc->offset, end = inc->end_offset;
        unsigned semi = skip_blank(text, len, end, (unsigned)len);
        if (semi < len && text[semi] == ';')
            end = semi + 1;
        unsigned ls = b;
        while (ls > 0 && (text[ls - 1] == ' ' || text[ls - 1] == '\t'))
            ls--;
        unsigned le = end;
        while (le < len && (text[le] == ' ' || text[le] == '\t'))
            le++;
        if ((ls == 0 || text[ls - 1] == '\n') && le < len && (text[le] == '\n' || text[le] == '\r')) {
            b = ls;
            end = le + (text[le] == '\r' && le + 1 < len && text[le + 1] == '\n' ? 2 : 1);
        }
        e[0] = (ftl_edit){call->offset, call->end_offset, repl, true, api->same_shape_py};
        e[1] = (ftl_edit){b, end, ftl_xstrdup(""), true, api->same_shape_py};
        return 2;
    }
    free(repl);
    return 0;
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
