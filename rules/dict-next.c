/* dict-next.c: FT002, PyDict_Next over a dict another thread may reach, outside a critical
 * section on that dict. PyDict_Next does not lock the dict, so concurrent inserts or deletes
 * corrupt the iteration and free the borrowed key and value it hands out. Dicts private to
 * the running thread (created in this function and not yet published, the kwargs dict) are
 * not reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const apis[] = {"PyDict_Next", NULL};

/* ---- the critical-section edit ---------------------------------------------------------------- */

typedef struct loop_find {
    ftl_ctx *ctx;
    unsigned off;
    CXCursor best;           /* the innermost loop containing off */
} loop_find;

static bool is_loop(enum CXCursorKind k)
{
    return k == CXCursor_WhileStmt || k == CXCursor_ForStmt || k == CXCursor_DoStmt;
}

static enum CXChildVisitResult find_loop(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    loop_find *lf = d;
    unsigned b, e;
    if (!ftl_cursor_offsets(lf->ctx, c, &b, &e))
        return CXChildVisit_Recurse;
    if (b > lf->off || e <= lf->off)
        return CXChildVisit_Continue;
    if (is_loop(clang_getCursorKind(c)))
        lf->best = c;
    return CXChildVisit_Recurse;
}

typedef struct children {
    CXCursor first, last;
} children;

static enum CXChildVisitResult first_last(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    children *ch = d;
    if (clang_Cursor_isNull(ch->first))
        ch->first = c;
    ch->last = c;
    return CXChildVisit_Continue;
}

static bool ident_char(char c)
{
    return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* True when [b, e) of text may change the variable or field `id`: assigns it (also a
 * declaration with an initializer), increments or decrements it, or takes its address. */
static bool may_change(const char *text, unsigned b, unsigned e, const char *id, size_t n)
{
    for (unsigned i = b; i + n <= e; i++) {
        if (memcmp(text + i, id, n) != 0 || (i > b && ident_char(text[i - 1])) ||
            (i + n < e && ident_char(text[i + n])))
            continue;
        unsigned k = i + (unsigned)n;
        while (k < e && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k < e && text[k] == '=' && (k + 1 >= e || text[k + 1] != '='))
            return true;
        if (k + 1 < e && strchr("+-*/%&|^<>", text[k]) &&
            (text[k + 1] == '=' || (text[k + 1] == text[k] && strchr("+-", text[k]))))
            return true;
        unsigned p = i;
        while (p > b && (text[p - 1] == ' ' || text[p - 1] == '\t'))
            p--;
        if (p > b && (text[p - 1] == '&' || ((text[p - 1] == '+' || text[p - 1] == '-') && p - 1 > b &&
                                             text[p - 2] == text[p - 1])))
            return true;
    }
    return false;
}

/* Wraps the loop whose condition calls PyDict_Next in Py_BEGIN_CRITICAL_SECTION(d) /
 * Py_END_CRITICAL_SECTION(), on lines of their own indented like the loop. Offered only when
 * the loop is a statement of a block on lines of its own, nothing in it can leave the section
 * without closing it (return, goto, a break out of it), no preprocessor directive sits inside
 * it, and the dict expression can be evaluated before the loop with the same value: variables
 * and fields, no calls, nothing the loop assigns. Unsafe: the section also locks out other
 * threads for the whole loop, and code the body calls may need to run without it. Returns the
 * number of edits (0 or 2); replacement strings are malloc'd. */
static size_t wrap_edits(ftl_ctx *ctx, const ftl_call *call, ftl_edit *e)
{
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    const ftl_arg *d = &call->args[0];
    if (call->from_macro || d->begin >= d->end || d->begin < call->offset || d->end > call->end_offset)
        return 0;
    /* The dict as written: names, fields, casts, subscripts. */
    for (unsigned i = d->begin; i < d->end; i++) {
        char c = text[i];
        if (!ident_char(c) && !strchr(" \t.*()[]", c) && !(c == '-' && i + 1 < d->end && text[i + 1] == '>') &&
            !(c == '>' && i > d->begin && text[i - 1] == '-'))
            return 0;
        if (c == '(') {
            unsigned p = i;
            while (p > d->begin && (text[p - 1] == ' ' || text[p - 1] == '\t'))
                p--;
            if (p > d->begin && ident_char(text[p - 1]))
                return 0;            /* a call, or a macro that may be one */
        }
    }
    loop_find lf = {ctx, call->offset, clang_getNullCursor()};
    clang_visitChildren(ftl_ctx_function_cursor(ctx), find_loop, &lf);
    if (clang_Cursor_isNull(lf.best))
        return 0;
    /* The call must be in the loop's condition, not in its body. */
    children ch = {clang_getNullCursor(), clang_getNullCursor()};
    clang_visitChildren(lf.best, first_last, &ch);
    bool is_do = clang_getCursorKind(lf.best) == CXCursor_DoStmt;
    unsigned bb, be;
    if (!ftl_cursor_offsets(ctx, is_do ? ch.first : ch.last, &bb, &be) ||
        (is_do ? call->offset < be : call->end_offset > bb))
        return 0;
    unsigned lb, le;
    if (!ftl_cursor_offsets(ctx, lf.best, &lb, &le))
        return 0;
    ftl_block b;
    size_t n = 0;
    if (!ftl_block_at(ctx, lb, le, &b))
        return 0;
    const ftl_stmt *st = &b.stmts[b.at];
    /* The loop is written here, not produced by a macro. */
    const char *kw = is_do ? "do" : clang_getCursorKind(lf.best) == CXCursor_ForStmt ? "for" : "while";
    size_t kwn = strlen(kw);
    if (st->begin + kwn > len || strncmp(text + st->begin, kw, kwn) != 0 ||
        ident_char(text[st->begin + kwn]))
        goto out;
    if (st->begin != lb || clang_getCursorKind(st->cursor) != clang_getCursorKind(lf.best) ||
        !ftl_owns_lines(text, len, st->begin, st->end) ||
        ftl_has_directive(text, len, st->begin, st->end) || ftl_stmt_leaves(st->cursor))
        goto out;
    for (unsigned i = d->begin; i < d->end;) {
        if (!ident_char(text[i]) || (text[i] >= '0' && text[i] <= '9')) {
            i++;
            continue;
        }
        unsigned j = i;
        while (j < d->end && ident_char(text[j]))
            j++;
        if (may_change(text, st->begin, st->end, text + i, j - i))
            goto out;
        i = j;
    }
    char *dict = ftl_xstrndup(text + d->begin, d->end - d->begin);
    char *indent = ftl_line_indent(text, len, st->begin);
    const char *eol = ftl_line_eol(text, len, st->begin);
    unsigned at = ftl_line_begin(text, st->begin);
    unsigned after = ftl_line_end(text, len, st->end);
    e[n++] = (ftl_edit){at, at, ftl_xasprintf("%sPy_BEGIN_CRITICAL_SECTION(%s);%s", indent, dict, eol),
                        false, 0x030D0000};
    e[n++] = (ftl_edit){after, after, ftl_xasprintf("%s%sPy_END_CRITICAL_SECTION();", eol, indent),
                        false, 0x030D0000};
    free(dict);
    free(indent);
out:
    ftl_block_free(&b);
    return n;
}

static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    if (call->nargs < 1)
        return;
    const ftl_arg *d = &call->args[0];
    if (ftl_privacy_at(ctx, d, call->offset) != FTL_SHARED)
        return;
    if (ftl_in_lock(ctx, call->offset, FTL_LOCK_CRITICAL_SECTION, d))
        return;
    const char *dt = d->text[0] ? d->text : "dict";
    char *msg = ftl_xasprintf(
        "PyDict_Next over dict '%s' without a critical section on it: another thread can change "
        "the dict during the loop and free the borrowed key and value; lock it with "
        "Py_BEGIN_CRITICAL_SECTION(%s)",
        dt, dt);
    char *help = ftl_xasprintf(
        "wrap the whole loop in Py_BEGIN_CRITICAL_SECTION(%s); ... Py_END_CRITICAL_SECTION(); "
        "(PyDict_Next has no strong-reference replacement), or iterate over a snapshot taken "
        "with PyDict_Items(%s) or PyDict_Copy(%s)",
        dt, dt, dt);
    ftl_edit e[2];
    size_t ne = wrap_edits(ctx, call, e);
    ftl_report(ctx, call->offset, call->end_offset, msg, help, e, ne);
    for (size_t i = 0; i < ne; i++)
        free(e[i].replacement);
    free(msg);
    free(help);
}

const ftl_rule ftl_rule_dict_next = {
    .code = "FT002",
    .name = "dict-next",
    .summary = "PyDict_Next over a shared dict outside a critical section on it",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_MEDIUM,
    .apis = apis,
    .on_call = on_call,
};
