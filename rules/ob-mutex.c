/* ob-mutex.c: FT005, PyMutex_Lock/PyMutex_Unlock on an object's own ob_mutex, the lock that
 * critical sections use. The argument is recognised by its text (`&o->ob_mutex`, through
 * `ob_base` and casts), because headers older than 3.13 have no such field and clang then keeps
 * only a recovery expression; a call written inside one of the project's macros is read from
 * the macro's definition. A struct field the project itself named ob_mutex is not reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <ctype.h>
#include <stdint.h>
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

/* Where the argument starting at text[from] ends: the ',' or ';' at its own level, the ')' or
 * ']' that closes its call, or a line end without a continuation (len when none comes first). */
static size_t argument_end(const char *text, size_t from, size_t len)
{
    int depth = 0;
    size_t e = from;
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
    return e;
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
    return squeeze(text + so, argument_end(text, so, len) - so);
}

/* The first argument of the call to `callee` in the project macro that the call at `call` comes
 * from, read in the macro's definition. For libclang before 19, whose spelling locations are
 * expansion locations (LLVM pull request 72400), so that macro_spelled_arg finds nothing: the
 * macro is the expansion at the call's location. NULL unless the definition is a project
 * macro calling `callee` exactly once. Caller frees. */
static char *macro_body_arg(ftl_ctx *ctx, CXCursor call, const char *callee)
{
    CXTranslationUnit tu = ftl_ctx_tu(ctx);
    CXFile f = NULL, df = NULL;
    unsigned off = 0, db = 0;
    clang_getFileLocation(clang_getCursorLocation(call), &f, NULL, NULL, &off);
    if (!f)
        return NULL;
    CXCursor m = clang_getCursor(tu, clang_getLocationForOffset(tu, f, off));
    if (clang_getCursorKind(m) != CXCursor_MacroExpansion)
        return NULL;
    CXCursor def = clang_getCursorReferenced(m);
    if (clang_getCursorKind(def) != CXCursor_MacroDefinition ||
        clang_Location_isInSystemHeader(clang_getCursorLocation(def)))
        return NULL;
    clang_getFileLocation(clang_getRangeStart(clang_getCursorExtent(def)), &df, NULL, NULL, &db);
    size_t len = 0;
    const char *text = df ? clang_getFileContents(tu, df, &len) : NULL;
    if (!text || db >= len)
        return NULL;
    /* The definition runs to the first line end without a continuation. */
    size_t de = db;
    while (de < len && !(text[de] == '\n' && (de == 0 || text[de - 1] != '\\')))
        de++;
    size_t cl = strlen(callee), at = SIZE_MAX;
    for (size_t i = db; i + cl < de; i++) {
        bool starts = i == db || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_');
        if (!starts || strncmp(text + i, callee, cl) != 0)
            continue;
        size_t j = i + cl;
        while (j < de && (text[j] == ' ' || text[j] == '\t'))
            j++;
        if (j < de && text[j] == '(') {
            if (at != SIZE_MAX)
                return NULL;             /* called twice: which one is unknown */
            at = j + 1;
        }
    }
    if (at == SIZE_MAX)
        return NULL;
    size_t e = argument_end(text, at, de);
    return e < de ? squeeze(text + at, e - at) : NULL;
}

/* ---- edits ---------------------------------------------------------------------------------- */

/* When statement st is exactly `PyMutex_Lock(ARG);` or `PyMutex_Unlock(ARG);` written in this
 * file, returns the object whose ob_mutex ARG names and sets *lock; else NULL. Caller frees. */
static char *mutex_statement(const char *text, const ftl_stmt *st, bool *lock)
{
    char *s = squeeze(text + st->begin, st->end - st->begin);
    char *obj = NULL;
    size_t n = strlen(s);
    const char *arg = NULL;
    if (strncmp(s, "PyMutex_Lock(", 13) == 0) {
        *lock = true;
        arg = s + 13;
    } else if (strncmp(s, "PyMutex_Unlock(", 15) == 0) {
        *lock = false;
        arg = s + 15;
    }
    if (arg && n >= 2 && s[n - 1] == ';' && s[n - 2] == ')' &&
        closing_paren(s, n) == n - 2) {
        char *a = ftl_xstrndup(arg, (size_t)(s + n - 2 - arg));
        obj = ob_mutex_object(a);
        free(a);
    }
    free(s);
    return obj;
}

/* True when a variable declared by one of b->stmts[from, to) is named in text after stmts[to]
 * up to the end of the block: the critical section's braces would end its scope too early. */
static bool declares_used_later(ftl_ctx *ctx, const ftl_block *b, size_t from, size_t to)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    for (size_t i = from; i < to; i++) {
        if (clang_getCursorKind(b->stmts[i].cursor) != CXCursor_DeclStmt)
            continue;
        char *names = ftl_xstrndup(text + b->stmts[i].begin, b->stmts[i].end - b->stmts[i].begin);
        bool used = false;
        /* Every identifier of the declaration is a candidate name: conservative. */
        for (char *p = names; *p && !used;) {
            if (!(isalpha((unsigned char)*p) || *p == '_')) {
                p++;
                continue;
            }
            char *q = p;
            while (isalnum((unsigned char)*q) || *q == '_')
                q++;
            size_t wl = (size_t)(q - p);
            for (unsigned k = b->stmts[to].end; k + wl <= b->end && !used; k++) {
                if (memcmp(text + k, p, wl) == 0 && !(isalnum((unsigned char)text[k + wl]) || text[k + wl] == '_') &&
                    (k == 0 || !(isalnum((unsigned char)text[k - 1]) || text[k - 1] == '_')))
                    used = true;
            }
            p = q;
        }
        free(names);
        if (used)
            return true;
    }
    return false;
}

/* The edits turning a lock statement and the unlock that closes it in the same block into
 * Py_BEGIN_CRITICAL_SECTION(obj) / Py_END_CRITICAL_SECTION(). Both findings carry both edits,
 * so they are applied together or not at all. Offered only when the code between them cannot
 * jump out of the section, declares nothing used after it, and is compiled under the same
 * preprocessor conditions. Returns the number of edits (0 or 2); replacements are malloc'd. */
static size_t pair_edits(ftl_ctx *ctx, const ftl_call *call, bool lock, const char *obj, ftl_edit *e)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    ftl_block b;
    size_t n = 0;
    if (!ftl_block_at(ctx, call->offset, call->end_offset, &b))
        return 0;
    const ftl_stmt *st = &b.stmts[b.at];
    bool is_lock;
    char *o = mutex_statement(text, st, &is_lock);
    if (!o || is_lock != lock || strcmp(o, obj) != 0 || st->begin != call->offset) {
        free(o);
        goto out;
    }
    free(o);
    /* The partner: the next unlock (or previous lock) of the same object in this block. */
    size_t lo = b.at, hi = b.at;
    bool found = false;
    for (size_t i = b.at; !found && (lock ? i + 1 < b.n : i > 0);) {
        i = lock ? i + 1 : i - 1;
        bool l2;
        char *o2 = mutex_statement(text, &b.stmts[i], &l2);
        if (o2 && strcmp(o2, obj) == 0) {
            if (l2 != lock) {
                found = true;
                if (lock)
                    hi = i;
                else
                    lo = i;
            } else {
                i = lock ? b.n : 0;           /* a second lock before the unlock: give up */
            }
        }
        free(o2);
    }
    if (!found || ftl_has_directive(text, len, b.stmts[lo].begin, b.stmts[hi].end))
        goto out;
    for (size_t i = lo + 1; i < hi; i++)
        if (ftl_stmt_leaves(b.stmts[i].cursor))
            goto out;
    if (declares_used_later(ctx, &b, lo + 1, hi))
        goto out;
    /* Each edit replaces the call and keeps the statement's ';' (only blanks lie between). */
    unsigned lcall_end = b.stmts[lo].end, ucall_end = b.stmts[hi].end;
    while (lcall_end > b.stmts[lo].begin && text[lcall_end - 1] != ')')
        lcall_end--;
    while (ucall_end > b.stmts[hi].begin && text[ucall_end - 1] != ')')
        ucall_end--;
    e[0] = (ftl_edit){b.stmts[lo].begin, lcall_end, ftl_xasprintf("Py_BEGIN_CRITICAL_SECTION(%s)", obj),
                      false, 0x030D0000};
    e[1] = (ftl_edit){b.stmts[hi].begin, ucall_end, ftl_xstrdup("Py_END_CRITICAL_SECTION()"), false,
                      0x030D0000};
    n = 2;
out:
    ftl_block_free(&b);
    return n;
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
        if (!spelled)
            spelled = macro_body_arg(ctx, call->cursor, call->name);
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
    ftl_edit ed[2];
    size_t ned = in_macro || call->from_macro ? 0 : pair_edits(ctx, call, lock, obj, ed);
    ftl_report(ctx, call->offset, call->end_offset, m, h, ed, ned);
    for (size_t i = 0; i < ned; i++)
        free(ed[i].replacement);
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
