/* ob-mutex.c: FT005, PyMutex_Lock/PyMutex_Unlock on an object's own ob_mutex, the lock that
 * critical sections use. The argument is recognised by its text (`&o->ob_mutex`, through
 * `ob_base` and casts), because headers older than 3.13 have no such field and clang then keeps
 * only a recovery expression; a call written inside one of the project's macros is read from
 * the macro's definition. A struct field the project itself named ob_mutex is not reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const apis[] = {"PyMutex_Lock", "PyMutex_Unlock", NULL};

/* Text with whitespace removed. Caller frees. */
static char *squeeze(const char *s, size_t n)
{
    ftl_buf b = {0};
    for (size_t i = 0; i < n && s[i]; i++)
        if (!isspace((unsigned char)s[i]))
            ftl_buf_putn(&b, s + i, 1);
    return ftl_buf_steal(&b);
}

static size_t closing_paren(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i;
    }
    return n;
}

/* Removes parentheses around the whole text, in place. */
static void strip_parens(char *s)
{
    size_t n = strlen(s);
    while (n >= 2 && s[0] == '(' && closing_paren(s, n) == n - 1) {
        memmove(s, s + 1, n - 2);
        n -= 2;
        s[n] = '\0';
    }
}

/* The object expression without pointer casts and _PyObject_CAST(): `((PyObject *)self)` and
 * `_PyObject_CAST(self)` both give `self`. In place. */
static void strip_casts(char *s)
{
    for (int changed = 1; changed;) {
        changed = 0;
        strip_parens(s);
        size_t n = strlen(s);
        if (strncmp(s, "_PyObject_CAST(", 15) == 0 && closing_paren(s, n) == n - 1) {
            memmove(s, s + 15, n - 15);
            s[n - 16] = '\0';
            changed = 1;
            continue;
        }
        if (s[0] == '(') {
            size_t close = closing_paren(s, n);
            if (close < n - 1 && close > 1 && s[close - 1] == '*') {
                memmove(s, s + close + 1, n - close);
                changed = 1;
            }
        }
    }
}

static bool ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* When the squeezed argument text names an object's ob_mutex, returns the object as a pointer
 * expression (`self`, `&value`); else NULL. Caller frees. */
static char *ob_mutex_object(const char *arg)
{
    char *s = ftl_xstrdup(arg);
    char *obj = NULL;
    strip_parens(s);
    if (s[0] != '&')
        goto done;
    memmove(s, s + 1, strlen(s));
    strip_parens(s);
    bool arrow;
    if (ends_with(s, "->ob_mutex"))
        arrow = true;
    else if (ends_with(s, ".ob_mutex"))
        arrow = false;
    else
        goto done;
    s[strlen(s) - (arrow ? 10 : 9)] = '\0';
    /* `o->ob_base.ob_mutex`, `o->ob_base.ob_base.ob_mutex`: the object is o. */
    while (!arrow && ends_with(s, ".ob_base"))
        s[strlen(s) - 8] = '\0';
    if (!arrow && ends_with(s, "->ob_base")) {
        s[strlen(s) - 9] = '\0';
        arrow = true;
    }
    if (!s[0])
        goto done;
    strip_casts(s);
    obj = arrow ? ftl_xstrdup(s) : ftl_xasprintf("&%s", s);
done:
    free(s);
    return obj;
}

static enum CXChildVisitResult first_child(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    *(CXCursor *)d = c;
    return CXChildVisit_Break;
}

/* The field of a `&x->f` argument when clang resolved it, or a null cursor (with headers that
 * lack ob_mutex, clang keeps a recovery expression that resolves to nothing). */
static CXCursor resolved_field(CXCursor arg)
{
    CXCursor c = arg;
    for (int guard = 0; guard < 16 && !clang_Cursor_isNull(c); guard++) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (k == CXCursor_MemberRefExpr) {
            /* `o->ob_base.ob_mutex` with old headers: only `o->ob_base` resolved. */
            CXCursor r = clang_getCursorReferenced(c);
            char *name = ftl_cxstr(clang_getCursorSpelling(r));
            bool ob = strcmp(name, "ob_mutex") == 0;
            free(name);
            return ob && clang_getCursorKind(r) == CXCursor_FieldDecl ? r : clang_getNullCursor();
        }
        if (k != CXCursor_UnaryOperator && k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
            break;
        CXCursor next = clang_getNullCursor();
        clang_visitChildren(c, first_child, &next);
        c = next;
    }
    return clang_getNullCursor();
}

/* A field named ob_mutex that the project declared in its own struct: not CPython's. */
static bool project_field(CXCursor field)
{
    if (clang_Cursor_isNull(field))
        return false;
    CXCursor rec = clang_getCursorSemanticParent(field);
    char *name = ftl_cxstr(clang_getCursorSpelling(rec));
    bool cpython = strcmp(name, "_object") == 0 || strcmp(name, "PyObject") == 0;
    free(name);
    return !cpython && !clang_Location_isInSystemHeader(clang_getCursorLocation(field));
}

/* The argument as spelled in the project's macro definition when the call comes from one:
 * from the argument's spelling location to the end of the expression. Caller frees; NULL when
 * the argument is not inside a macro body. */
static char *macro_spelled_arg(ftl_ctx *ctx, CXCursor arg)
{
    CXSourceRange r = clang_getCursorExtent(arg);
    CXFile sf, ff;
    unsigned so, fo;
    clang_getSpellingLocation(clang_getRangeStart(r), &sf, NULL, NULL, &so);
    clang_getFileLocation(clang_getRangeStart(r), &ff, NULL, NULL, &fo);
    if (!sf || (ff && clang_File_isEqual(sf, ff) && so == fo))
        return NULL;
    size_t len = 0;
    const char *text = clang_getFileContents(ftl_ctx_tu(ctx), sf, &len);
    if (!text || so >= len)
        return NULL;
    /* Up to the ',' or ')' that ends the argument, across line continuations. */
    int depth = 0;
    size_t e = so;
    for (; e < len; e++) {
        char ch = text[e];
        if (ch == '(' || ch == '[')
            depth++;
        else if ((ch == ')' || ch == ']') && depth-- == 0)
            break;
        else if ((ch == ',' || ch == ';') && depth == 0)
            break;
        else if (ch == '\n' && (e == 0 || text[e - 1] != '\\'))
            break;
    }
    return squeeze(text + so, e - so);
}

static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    if (call->nargs < 1)
        return;
    bool lock = strcmp(call->name, "PyMutex_Lock") == 0;
    char *text = squeeze(call->args[0].text, strlen(call->args[0].text));
    char *obj = ob_mutex_object(text);
    bool in_macro = false;
    CXCursor argc = clang_getNullCursor();
    if (!call->from_macro && clang_Cursor_getNumArguments(call->cursor) >= 1)
        argc = clang_Cursor_getArgument(call->cursor, 0);
    if (!obj && !clang_Cursor_isNull(argc)) {
        char *spelled = macro_spelled_arg(ctx, argc);
        if (spelled) {
            obj = ob_mutex_object(spelled);
            in_macro = obj != NULL;
            free(text);
            text = spelled;
        }
    }
    if (!obj || (!clang_Cursor_isNull(argc) && project_field(resolved_field(argc))))
        goto done;

    /* Shown as written (whitespace collapsed), or as spelled in the macro. */
    const char *shown = in_macro ? text : call->args[0].text;
    ftl_buf msg = {0}, help = {0};
    if (lock) {
        ftl_buf_printf(&msg, "PyMutex_Lock(%s) takes the lock critical sections use, without "
                       "their deadlock avoidance; use Py_BEGIN_CRITICAL_SECTION(%s)", shown, obj);
        ftl_buf_printf(&help, "replace PyMutex_Lock(%s) with Py_BEGIN_CRITICAL_SECTION(%s) and the "
                       "matching PyMutex_Unlock with Py_END_CRITICAL_SECTION(), in the same block "
                       "(Python 3.13+); or add a PyMutex field to the object's struct and lock that",
                       shown, obj);
    } else {
        ftl_buf_printf(&msg, "PyMutex_Unlock(%s) releases the lock critical sections use; use "
                       "Py_END_CRITICAL_SECTION()", shown);
        ftl_buf_printf(&help, "replace PyMutex_Unlock(%s) with Py_END_CRITICAL_SECTION(), closing "
                       "the Py_BEGIN_CRITICAL_SECTION(%s) that replaces the lock; or unlock a "
                       "PyMutex field of the object's struct instead", shown, obj);
    }
    if (in_macro)
        ftl_buf_puts(&help, " (the call is in a macro of this project: change its definition)");
    char *m = ftl_buf_steal(&msg), *h = ftl_buf_steal(&help);
    if (in_macro || call->from_macro) {
        ftl_report(ctx, call->offset, call->end_offset, m, h, NULL, 0);
    } else {
        ftl_edit ed = {.begin = call->offset, .end = call->end_offset, .safe = false};
        char *rep = lock ? ftl_xasprintf("Py_BEGIN_CRITICAL_SECTION(%s)", obj)
                         : ftl_xstrdup("Py_END_CRITICAL_SECTION()");
        ed.replacement = rep;
        ftl_report(ctx, call->offset, call->end_offset, m, h, &ed, 1);
        free(rep);
    }
    free(m);
    free(h);
done:
    free(obj);
    free(text);
}

const ftl_rule ftl_rule_ob_mutex = {
    .code = "FT005",
    .name = "ob-mutex",
    .summary = "PyMutex_Lock/Unlock on an object's ob_mutex instead of a critical section",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_HIGH,
    .apis = apis,
    .on_call = on_call,
};
