/* stmt.c: what rules need to build edits that change statements rather than expressions: the
 * block (compound statement) around a range and its direct statements, whether control can
 * jump out of a statement, and the line facts (indentation, line ending, blank surroundings)
 * that inserted lines must follow. Offsets are in the current file, as everywhere in rules. */
#include "engine.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---- text ---------------------------------------------------------------------------------- */

unsigned ftl_skip_blank(const char *text, size_t len, unsigned i, unsigned limit)
{
    if (limit > len)
        limit = (unsigned)len;
    while (i < limit) {
        char c = text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            i++;
        } else if (c == '/' && i + 1 < limit && text[i + 1] == '*') {
            const char *e = memmem(text + i + 2, limit - i - 2, "*/", 2);
            if (!e)
                return limit;
            i = (unsigned)(e - text) + 2;
        } else if (c == '/' && i + 1 < limit && text[i + 1] == '/') {
            while (i < limit && text[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    return i;
}

unsigned ftl_line_begin(const char *text, unsigned off)
{
    while (off > 0 && text[off - 1] != '\n')
        off--;
    return off;
}

unsigned ftl_line_end(const char *text, size_t len, unsigned off)
{
    while (off < len && text[off] != '\n')
        off++;
    if (off < len && off > 0 && text[off - 1] == '\r')
        off--;
    return off;
}

char *ftl_line_indent(const char *text, size_t len, unsigned off)
{
    unsigned b = ftl_line_begin(text, off), e = b;
    while (e < len && (text[e] == ' ' || text[e] == '\t'))
        e++;
    return ftl_xstrndup(text + b, e - b);
}

const char *ftl_line_eol(const char *text, size_t len, unsigned off)
{
    unsigned e = ftl_line_end(text, len, off);
    if (e < len && text[e] == '\r')
        return "\r\n";
    if (e < len)
        return "\n";
    /* The last line has no ending: follow the line before it. */
    unsigned b = ftl_line_begin(text, off);
    return b >= 2 && text[b - 2] == '\r' ? "\r\n" : "\n";
}

bool ftl_owns_lines(const char *text, size_t len, unsigned begin, unsigned end)
{
    if (begin > end || end > len)
        return false;
    for (unsigned i = ftl_line_begin(text, begin); i < begin; i++)
        if (text[i] != ' ' && text[i] != '\t')
            return false;
    unsigned le = ftl_line_end(text, len, end);
    /* Only blanks and comments may follow, and a block comment must close on this line. */
    unsigned i = end;
    while (i < le) {
        if (text[i] == ' ' || text[i] == '\t') {
            i++;
        } else if (text[i] == '/' && i + 1 < le && text[i + 1] == '/') {
            return true;
        } else if (text[i] == '/' && i + 1 < le && text[i + 1] == '*') {
            const char *e = memmem(text + i + 2, le - i - 2, "*/", 2);
            if (!e)
                return false;
            i = (unsigned)(e - text) + 2;
        } else {
            return false;
        }
    }
    return true;
}

bool ftl_has_directive(const char *text, size_t len, unsigned begin, unsigned end)
{
    if (end > len)
        end = (unsigned)len;
    for (unsigned i = begin; i < end; i++) {
        if (text[i] != '\n')
            continue;
        unsigned k = i + 1;
        while (k < end && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k < end && text[k] == '#')
            return true;
    }
    return false;
}

char *ftl_block_indent_unit(const char *text, size_t len, const ftl_block *b)
{
    char *outer = ftl_line_indent(text, len, b->begin);
    char *inner = b->n ? ftl_line_indent(text, len, b->stmts[b->at].begin) : ftl_xstrdup("");
    size_t no = strlen(outer), ni = strlen(inner);
    char *unit;
    if (ni > no && strncmp(inner, outer, no) == 0)
        unit = ftl_xstrdup(inner + no);
    else
        unit = ftl_xstrdup(strchr(inner, '\t') || strchr(outer, '\t') ? "\t" : "    ");
    free(outer);
    free(inner);
    return unit;
}

/* ---- blocks -------------------------------------------------------------------------------- */

typedef struct find_block {
    ftl_ctx *ctx;
    unsigned b, e;
    CXCursor best;
} find_block;

static enum CXChildVisitResult find_block_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    find_block *fb = d;
    unsigned cb, ce;
    if (!ftl_cursor_offsets(fb->ctx, c, &cb, &ce))
        return CXChildVisit_Recurse;
    if (cb > fb->b || ce < fb->e)
        return CXChildVisit_Continue;
    if (clang_getCursorKind(c) == CXCursor_CompoundStmt)
        fb->best = c;
    return CXChildVisit_Recurse;
}

typedef struct gather {
    ftl_ctx *ctx;
    ftl_block *b;
    size_t cap;
    bool ok;
} gather;

static enum CXChildVisitResult gather_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    gather *g = d;
    unsigned sb, se;
    if (!ftl_cursor_offsets(g->ctx, c, &sb, &se)) {
        g->ok = false;
        return CXChildVisit_Break;
    }
    size_t len;
    const char *text = ftl_ctx_text(g->ctx, &len);
    /* An expression statement's extent stops before its ';'. */
    if (se > sb && se <= len && text[se - 1] != ';' && text[se - 1] != '}') {
        unsigned i = ftl_skip_blank(text, len, se, (unsigned)len);
        if (i < len && text[i] == ';')
            se = i + 1;
    }
    ftl_grow((void **)&g->b->stmts, &g->cap, g->b->n + 1, sizeof *g->b->stmts);
    g->b->stmts[g->b->n++] = (ftl_stmt){c, sb, se};
    return CXChildVisit_Continue;
}

bool ftl_block_at(ftl_ctx *ctx, unsigned begin, unsigned end, ftl_block *out)
{
    memset(out, 0, sizeof *out);
    CXCursor fn = ftl_ctx_function_cursor(ctx);
    if (clang_Cursor_isNull(fn))
        return false;
    find_block fb = {ctx, begin, end, clang_getNullCursor()};
    clang_visitChildren(fn, find_block_visit, &fb);
    if (clang_Cursor_isNull(fb.best) || !ftl_cursor_offsets(ctx, fb.best, &out->begin, &out->end))
        return false;
    out->cursor = fb.best;
    gather g = {ctx, out, 0, true};
    clang_visitChildren(fb.best, gather_visit, &g);
    for (size_t i = 0; g.ok && i < out->n; i++) {
        if (out->stmts[i].begin <= begin && end <= out->stmts[i].end) {
            out->at = i;
            return true;
        }
    }
    ftl_block_free(out);
    return false;
}

void ftl_block_free(ftl_block *b)
{
    free(b->stmts);
    memset(b, 0, sizeof *b);
}

/* ---- jumps --------------------------------------------------------------------------------- */

typedef struct leaves {
    int loops, switches;     /* enclosing loops and switches inside the statement */
    bool out;
} leaves;

static void leaves_visit(CXCursor c, leaves *l);

static enum CXChildVisitResult leaves_child(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    leaves *l = d;
    leaves_visit(c, l);
    return l->out ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void leaves_visit(CXCursor c, leaves *l)
{
    switch (clang_getCursorKind(c)) {
    case CXCursor_ReturnStmt:
    case CXCursor_GotoStmt:
    case CXCursor_IndirectGotoStmt:
    case CXCursor_CXXThrowExpr:
        l->out = true;
        return;
    case CXCursor_BreakStmt:
        if (l->loops + l->switches == 0)
            l->out = true;
        return;
    case CXCursor_ContinueStmt:
        if (l->loops == 0)
            l->out = true;
        return;
    case CXCursor_LambdaExpr:
        return;                  /* its returns leave the lambda only */
    case CXCursor_WhileStmt:
    case CXCursor_ForStmt:
    case CXCursor_DoStmt:
    case CXCursor_CXXForRangeStmt:
        l->loops++;
        clang_visitChildren(c, leaves_child, l);
        l->loops--;
        return;
    case CXCursor_SwitchStmt:
        l->switches++;
        clang_visitChildren(c, leaves_child, l);
        l->switches--;
        return;
    default:
        clang_visitChildren(c, leaves_child, l);
        return;
    }
}

bool ftl_stmt_leaves(CXCursor stmt)
{
    leaves l = {0, 0, false};
    leaves_visit(stmt, &l);
    return l.out;
}
