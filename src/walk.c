/* walk.c: one traversal of a translation unit. Decides which top-level declarations belong to
 * the project (by the expansion location of each one, never per node), records expansions of
 * the macros rules care about, collects each function's facts and dispatches calls and cursors
 * to the enabled rules in source order. */
#include "engine.h"
#include "util.h"
#include "walk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Spellings the headers substitute for the API the user wrote. */
static const struct alias {
    const char *from, *to;
} aliases[] = {
    {"_Py_NewRef", "Py_NewRef"},
    {"_Py_XNewRef", "Py_XNewRef"},
    {"_Py_INCREF", "Py_INCREF"},
    {"_Py_XINCREF", "Py_XINCREF"},
    {"_Py_DECREF", "Py_DECREF"},
    {"_Py_XDECREF", "Py_XDECREF"},
    {"_PyMutex_Lock", "PyMutex_Lock"},
    {"_PyMutex_Unlock", "PyMutex_Unlock"},
    {"_Py_BuildValue_SizeT", "Py_BuildValue"},
    {"_Py_VaBuildValue_SizeT", "Py_VaBuildValue"},
    {"_PyArg_Parse_SizeT", "PyArg_Parse"},
    {"_PyArg_ParseTuple_SizeT", "PyArg_ParseTuple"},
    {"_PyArg_ParseTupleAndKeywords_SizeT", "PyArg_ParseTupleAndKeywords"},
    {"_PyArg_VaParse_SizeT", "PyArg_VaParse"},
    {"_PyArg_VaParseTupleAndKeywords_SizeT", "PyArg_VaParseTupleAndKeywords"},
    {"_PyObject_CallFunction_SizeT", "PyObject_CallFunction"},
    {"_PyObject_CallMethod_SizeT", "PyObject_CallMethod"},
    {"PyWeakref_GET_OBJECT", "PyWeakref_GET_OBJECT"},
};

/* Vendored third-party headers whose code the project does not own. */
static const char *const vendored[] = {"pythoncapi_compat.h", NULL};

const char *ftl_canonical_name(const char *s)
{
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (strcmp(aliases[i].from, s) == 0)
            return aliases[i].to;
    return s;
}

static bool rule_wants_name(const ftl_rule *r, const char *name)
{
    if (!r->apis)
        return false;
    for (const char *const *a = r->apis; *a; a++)
        if (strcmp(*a, name) == 0)
            return true;
    return false;
}

static bool rule_wants_kind(const ftl_rule *r, enum CXCursorKind k)
{
    if (!r->kinds)
        return false;
    for (const enum CXCursorKind *p = r->kinds; *p; p++)
        if (*p == k)
            return true;
    return false;
}

bool ftl_name_interesting(const ftl_ctx *ctx, const char *name)
{
    if (ftl_is_lock_name(ctx->cfg, name))
        return true;
    for (size_t i = 0; i < ftl_nrules; i++)
        if (ctx->enabled[i] && rule_wants_name(ftl_rules[i], name))
            return true;
    return false;
}

/* ---- files --------------------------------------------------------------------------------- */

static bool path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static bool is_vendored(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *const *v = vendored; *v; v++)
        if (strcmp(base, *v) == 0)
            return true;
    return false;
}

/* clang_File_isEqual compares file identities (device and inode); every file that exists only
 * in memory (the prelude, a --stdin-filename buffer named after no file on disk) has the
 * identity zero, so those are told apart by name. */
bool ftl_same_file(CXFile a, CXFile b)
{
    if (!clang_File_isEqual(a, b))
        return false;
    CXFileUniqueID id;
    if (clang_getFileUniqueID(a, &id) == 0 && (id.data[0] || id.data[1] || id.data[2]))
        return true;
    CXString na = clang_getFileName(a), nb = clang_getFileName(b);
    const char *sa = clang_getCString(na), *sb = clang_getCString(nb);
    bool same = sa && sb && strcmp(sa, sb) == 0;
    clang_disposeString(na);
    clang_disposeString(nb);
    return same;
}

ftl_file *ftl_file_of(ftl_ctx *ctx, CXSourceLocation loc, unsigned *offset)
{
    CXFile f;
    unsigned off;
    clang_getFileLocation(loc, &f, NULL, NULL, &off);
    if (offset)
        *offset = off;
    if (!f)
        return NULL;
    if (ctx->last_file && ftl_same_file(ctx->last_file->file, f))
        return ctx->last_file;
    for (size_t i = ctx->nfiles; i-- > 0;)
        if (ftl_same_file(ctx->files[i]->file, f))
            return ctx->last_file = ctx->files[i];
    ftl_grow((void **)&ctx->files, &ctx->capfiles, ctx->nfiles + 1, sizeof *ctx->files);
    ftl_file *nf = ftl_xcalloc(1, sizeof *nf);
    ctx->files[ctx->nfiles++] = nf;
    ctx->last_file = nf;
    nf->file = f;
    nf->path = ftl_cxstr(clang_getFileName(f));
    char *real = ftl_cxstr(clang_File_tryGetRealPathName(f));
    nf->key = real[0] ? real : (free(real), ftl_xstrdup(nf->path));
    size_t len = 0;
    nf->text = clang_getFileContents(ctx->tu, f, &len);
    nf->len = nf->text ? len : 0;
    CXSourceLocation start = clang_getLocationForOffset(ctx->tu, f, 0);
    nf->user = !clang_Location_isInSystemHeader(start) && strncmp(nf->path, "/ftlint-virtual/", 16) != 0 &&
               !(ctx->python_include && (path_under(nf->path, ctx->python_include) ||
                                         path_under(nf->key, ctx->python_include))) &&
               !is_vendored(nf->path);
    return nf;
}

static void build_lines(ftl_file *f)
{
    if (f->lines)
        return;
    size_t cap = 0;
    ftl_grow((void **)&f->lines, &cap, 1, sizeof *f->lines);
    f->lines[0] = 0;
    f->nlines = 1;
    for (size_t i = 0; i < f->len; i++) {
        if (f->text[i] == '\n') {
            ftl_grow((void **)&f->lines, &cap, f->nlines + 1, sizeof *f->lines);
            f->lines[f->nlines++] = (unsigned)(i + 1);
        }
    }
}

void ftl_offset_to_linecol(const ftl_file *cf, unsigned offset, unsigned *line, unsigned *col)
{
    ftl_file *f = (ftl_file *)cf;
    build_lines(f);
    size_t lo = 0, hi = f->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (f->lines[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = (unsigned)lo + 1;
    *col = offset - f->lines[lo] + 1;
}

/* ---- rule-facing context API ------------------------------------------------------------- */

const char *ftl_ctx_function(const ftl_ctx *ctx)
{
    return ctx->fn ? ctx->fn->name : NULL;
}

CXCursor ftl_ctx_function_cursor(const ftl_ctx *ctx)
{
    return ctx->fn ? ctx->fn->cursor : clang_getNullCursor();
}

CXTranslationUnit ftl_ctx_tu(const ftl_ctx *ctx)
{
    return ctx->tu;
}

const ftl_config *ftl_ctx_config(const ftl_ctx *ctx)
{
    return ctx->cfg;
}

const char *ftl_ctx_text(const ftl_ctx *ctx, size_t *len)
{
    if (!ctx->cur_file) {
        *len = 0;
        return "";
    }
    *len = ctx->cur_file->len;
    return ctx->cur_file->text;
}

void *ftl_ctx_state(const ftl_ctx *ctx)
{
    return ctx->states[ctx->cur_rule];
}

const ftl_call *ftl_enclosing_call(const ftl_ctx *ctx, const ftl_call *call, const char *const *names)
{
    if (!ctx->fn)
        return NULL;
    for (size_t i = ctx->fn->ncalls; i-- > 0;) {
        const ftl_call *c = &ctx->fn->calls[i];
        if (c == call || c->offset > call->offset)
            continue;
        bool inside = false;
        for (int j = 0; j < c->nargs && !inside; j++)
            inside = c->args[j].begin <= call->offset && call->offset < c->args[j].end + 1 &&
                     c->args[j].end > c->args[j].begin;
        if (!inside)
            continue;
        for (const char *const *n = names; *n; n++)
            if (strcmp(*n, c->name) == 0)
                return c;
    }
    return NULL;
}

const ftl_call *ftl_next_call(const ftl_ctx *ctx, const ftl_call *call)
{
    if (!ctx->fn)
        return NULL;
    for (size_t i = 0; i < ctx->fn->ncalls; i++)
        if (ctx->fn->calls[i].offset > call->end_offset)
            return &ctx->fn->calls[i];
    return NULL;
}

static enum CXChildVisitResult kid_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    ftl_kids *k = d;
    if (k->n < FTL_KIDS_MAX)
        k->v[k->n++] = c;
    return k->n < FTL_KIDS_MAX ? CXChildVisit_Continue : CXChildVisit_Break;
}

ftl_kids ftl_children(CXCursor c)
{
    ftl_kids k = {.n = 0};
    clang_visitChildren(c, kid_visit, &k);
    return k;
}

bool ftl_cursor_offsets(ftl_ctx *ctx, CXCursor c, unsigned *begin, unsigned *end)
{
    CXSourceRange r = clang_getCursorExtent(c);
    unsigned ob, oe;
    ftl_file *fb = ftl_file_of(ctx, clang_getRangeStart(r), &ob);
    ftl_file *fe = ftl_file_of(ctx, clang_getRangeEnd(r), &oe);
    if (!fb || fb != ctx->cur_file)
        return false;
    if (fe != fb || oe < ob)
        oe = ob;
    *begin = ob;
    *end = oe;
    return true;
}

bool ftl_cursor_has_errors(ftl_ctx *ctx, CXCursor c)
{
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile fb, fe;
    unsigned ob, oe;
    clang_getExpansionLocation(clang_getRangeStart(r), &fb, NULL, NULL, &ob);
    clang_getExpansionLocation(clang_getRangeEnd(r), &fe, NULL, NULL, &oe);
    if (!fb || !fe || !clang_File_isEqual(fb, fe))
        return false;
    bool found = false;
    unsigned n = clang_getNumDiagnostics(ctx->tu);
    for (unsigned i = 0; i < n && !found; i++) {
        CXDiagnostic d = clang_getDiagnostic(ctx->tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXFile f;
            unsigned off;
            clang_getExpansionLocation(clang_getDiagnosticLocation(d), &f, NULL, NULL, &off);
            found = f && clang_File_isEqual(f, fb) && off >= ob && off <= oe;
        }
        clang_disposeDiagnostic(d);
    }
    return found;
}

/* Appends a finding in a project file; returns it, or NULL when f is not part of the project. */
static ftl_finding *report_in(ftl_ctx *ctx, ftl_file *f, enum ftl_severity sev, unsigned offset,
                              unsigned end_offset, const char *message, const char *help,
                              const ftl_edit *edits, size_t nedits)
{
    if (!f || !f->user)
        return NULL;
    ftl_findings *out = ctx->out;
    ftl_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v);
    ftl_finding *fd = &out->v[out->n++];
    memset(fd, 0, sizeof *fd);
    fd->path = ftl_xstrdup(f->path);
    fd->key = ftl_xstrdup(f->key);
    if (end_offset < offset)
        end_offset = offset;
    fd->offset = offset;
    fd->end_offset = end_offset;
    ftl_offset_to_linecol(f, offset, &fd->line, &fd->col);
    ftl_offset_to_linecol(f, end_offset, &fd->end_line, &fd->end_col);
    fd->rule = ftl_rules[ctx->cur_rule];
    build_lines(f);
    if (fd->line >= 1 && fd->line <= f->nlines) {
        unsigned ls = f->lines[fd->line - 1];
        unsigned le = fd->line < f->nlines ? f->lines[fd->line] - 1 : (unsigned)f->len;
        fd->line_hash = ftl_line_hash(fd->rule->code, f->text + ls, le - ls);
    }
    fd->severity = sev;
    fd->message = ftl_xstrdup(message);
    fd->help = help ? ftl_xstrdup(help) : NULL;
    fd->function = ctx->fn ? ftl_xstrdup(ctx->fn->name) : NULL;
    if (nedits) {
        fd->edits = ftl_xcalloc(nedits, sizeof *fd->edits);
        for (size_t i = 0; i < nedits; i++) {
            fd->edits[i] = edits[i];
            fd->edits[i].replacement = ftl_xstrdup(edits[i].replacement);
        }
        fd->nedits = nedits;
    }
    return fd;
}

void ftl_report_sev(ftl_ctx *ctx, enum ftl_severity sev, unsigned offset, unsigned end_offset,
                    const char *message, const char *help, const ftl_edit *edits, size_t nedits)
{
    report_in(ctx, ctx->cur_file, sev, offset, end_offset, message, help, edits, nedits);
}

void ftl_report(ftl_ctx *ctx, unsigned offset, unsigned end_offset, const char *message,
                const char *help, const ftl_edit *edits, size_t nedits)
{
    ftl_report_sev(ctx, ftl_rules[ctx->cur_rule]->severity, offset, end_offset, message, help,
                   edits, nedits);
}

static ftl_finding *report_at_cursor(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c,
                                     const char *message, const char *help,
                                     const ftl_edit *edits, size_t nedits)
{
    CXSourceRange r = clang_getCursorExtent(c);
    unsigned ob, oe;
    ftl_file *fb = ftl_file_of(ctx, clang_getCursorLocation(c), &ob);
    ftl_file *fe = ftl_file_of(ctx, clang_getRangeEnd(r), &oe);
    if (fe != fb)
        oe = ob;
    ftl_file *saved = ctx->cur_file;
    ftl_finding *fd = report_in(ctx, fb, sev, ob, oe, message, help, edits, nedits);
    ctx->cur_file = saved;
    return fd;
}

void ftl_report_cursor_edits(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c, const char *message,
                             const char *help, const ftl_edit *edits, size_t nedits)
{
    report_at_cursor(ctx, sev, c, message, help, edits, nedits);
}

void ftl_report_cursor(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c, const char *message,
                       const char *help)
{
    report_at_cursor(ctx, sev, c, message, help, NULL, 0);
}

void ftl_report_cursor_unless_serial(ftl_ctx *ctx, const char *key, enum ftl_severity sev,
                                     CXCursor c, const char *message, const char *help)
{
    ftl_finding *fd = report_at_cursor(ctx, sev, c, message, help, NULL, 0);
    if (fd)
        fd->unless_serial = ftl_xstrdup(key);
}

char *ftl_function_key(CXCursor fn)
{
    CXCursor c = clang_getCanonicalCursor(fn);
    char *usr = ftl_cxstr(clang_getCursorUSR(c));
    if (clang_getCursorLinkage(c) != CXLinkage_Internal)
        return usr;
    CXFile f;
    clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
    char *path = f ? ftl_cxstr(clang_File_tryGetRealPathName(f)) : ftl_xstrdup("");
    char *key = ftl_xasprintf("%s|%s", path, usr);
    free(path);
    free(usr);
    return key;
}

/* ---- traversal ----------------------------------------------------------------------------- */

typedef struct tu_scan {
    ftl_ctx *ctx;
    CXCursor *decls;
    size_t ndecls, capdecls;
} tu_scan;

static void record_mexp(ftl_ctx *ctx, CXCursor c)
{
    char *n = ftl_cxstr(clang_getCursorSpelling(c));
    const char *cn = ftl_canonical_name(n);
    if (ftl_name_interesting(ctx, cn)) {
        unsigned b;
        ftl_file *f = ftl_file_of(ctx, clang_getCursorLocation(c), &b);
        if (f && f->user) {
            unsigned e;
            ftl_file_of(ctx, clang_getRangeEnd(clang_getCursorExtent(c)), &e);
            ftl_grow((void **)&ctx->mexps, &ctx->capmexps, ctx->nmexps + 1, sizeof *ctx->mexps);
            ctx->mexps[ctx->nmexps++] = (ftl_mexp){.file = f, .offset = b, .end = e < b ? b : e,
                                                   .name = ftl_xstrdup(cn), .cursor = c};
        }
    }
    free(n);
}

static enum CXChildVisitResult scan_top(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    tu_scan *s = d;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_MacroExpansion) {
        record_mexp(s->ctx, c);
        return CXChildVisit_Continue;
    }
    if (k == CXCursor_InclusionDirective || k == CXCursor_MacroDefinition)
        return CXChildVisit_Continue;
    ftl_file *f = ftl_file_of(s->ctx, clang_getCursorLocation(c), NULL);
    if (!f || !f->user)
        return CXChildVisit_Continue;
    ftl_grow((void **)&s->decls, &s->capdecls, s->ndecls + 1, sizeof *s->decls);
    s->decls[s->ndecls++] = c;
    return CXChildVisit_Continue;
}

static void dispatch_cursor(ftl_ctx *ctx, CXCursor c, CXCursor parent)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    for (size_t i = 0; i < ftl_nrules; i++) {
        if (!ctx->enabled[i] || !ftl_rules[i]->on_cursor || !rule_wants_kind(ftl_rules[i], k))
            continue;
        ctx->cur_rule = i;
        ftl_rules[i]->on_cursor(ctx, c, parent);
    }
}

static void dispatch_call(ftl_ctx *ctx, const ftl_call *call)
{
    for (size_t i = 0; i < ftl_nrules; i++) {
        if (!ctx->enabled[i] || !ftl_rules[i]->on_call || !rule_wants_name(ftl_rules[i], call->name))
            continue;
        ctx->cur_rule = i;
        ftl_rules[i]->on_call(ctx, call);
    }
}

/* Turns a recorded macro expansion inside fn into a call with arguments split from tokens. */
static void add_macro_call(ftl_ctx *ctx, ftl_func *fn, const ftl_mexp *m)
{
    CXToken *toks = NULL;
    unsigned nt = 0;
    clang_tokenize(ctx->tu, clang_getCursorExtent(m->cursor), &toks, &nt);
    ftl_grow((void **)&fn->calls, &fn->capcalls, fn->ncalls + 1, sizeof *fn->calls);
    ftl_call *call = &fn->calls[fn->ncalls++];
    memset(call, 0, sizeof *call);
    call->name = ftl_xstrdup(m->name);
    call->offset = m->offset;
    call->end_offset = m->end;
    call->from_macro = true;
    call->cursor = m->cursor;
    /* tokens: NAME ( a , b ) */
    int depth = 0;
    unsigned arg_begin = 0, cap = 0;
    size_t capargs = 0;
    bool started = false;
    for (unsigned i = 1; i < nt; i++) {
        CXString sp = clang_getTokenSpelling(ctx->tu, toks[i]);
        const char *t = clang_getCString(sp);
        unsigned off;
        clang_getFileLocation(clang_getTokenLocation(ctx->tu, toks[i]), NULL, NULL, NULL, &off);
        bool open = strcmp(t, "(") == 0 || strcmp(t, "[") == 0 || strcmp(t, "{") == 0;
        bool close = strcmp(t, ")") == 0 || strcmp(t, "]") == 0 || strcmp(t, "}") == 0;
        bool comma = strcmp(t, ",") == 0;
        clang_disposeString(sp);
        if (!started) {
            if (!open)
                break;
            started = true;
            depth = 1;
            arg_begin = UINT32_MAX;
            continue;
        }
        if ((comma && depth == 1) || (close && depth == 1)) {
            if (arg_begin != UINT32_MAX || comma || call->nargs > 0) {
                ftl_grow((void **)&call->args, &capargs, (size_t)call->nargs + 1, sizeof *call->args);
                ftl_arg *a = &call->args[call->nargs++];
                memset(a, 0, sizeof *a);
                a->var = -1;
                a->decl = clang_getNullCursor();
                a->begin = arg_begin == UINT32_MAX ? off : arg_begin;
                a->end = off;
                a->text = ftl_xstrndup(fn->file->text + a->begin, a->end - a->begin);
                /* collapse whitespace */
                char *w = a->text;
                size_t o = 0;
                for (size_t r = 0; w[r]; r++)
                    if (!(w[r] == ' ' || w[r] == '\t' || w[r] == '\n' || w[r] == '\r') ||
                        (o > 0 && w[o - 1] != ' '))
                        w[o++] = (w[r] == '\t' || w[r] == '\n' || w[r] == '\r') ? ' ' : w[r];
                while (o > 0 && w[o - 1] == ' ')
                    o--;
                w[o] = '\0';
                ftl_arg_resolve_text(ctx, fn, a);
            }
            arg_begin = UINT32_MAX;
            if (close) {
                call->end_offset = off + 1;
                break;
            }
            continue;
        }
        if (open)
            depth++;
        else if (close)
            depth--;
        if (arg_begin == UINT32_MAX)
            arg_begin = off;
    }
    (void)cap;
    clang_disposeTokens(ctx->tu, toks, nt);
}

static int cmp_call(const void *a, const void *b)
{
    const ftl_call *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (int)x->from_macro - (int)y->from_macro;   /* AST calls first */
}

typedef struct node_ev {
    unsigned offset;
    CXCursor c, parent;
} node_ev;

typedef struct node_list {
    ftl_ctx *ctx;
    node_ev *v;
    size_t n, cap;
    int depth;
} node_list;

static bool any_rule_wants_kind(const ftl_ctx *ctx, enum CXCursorKind k)
{
    for (size_t i = 0; i < ftl_nrules; i++)
        if (ctx->enabled[i] && ftl_rules[i]->on_cursor && rule_wants_kind(ftl_rules[i], k))
            return true;
    return false;
}

static enum CXChildVisitResult gather_nodes(CXCursor c, CXCursor parent, CXClientData d)
{
    node_list *nl = d;
    if (any_rule_wants_kind(nl->ctx, clang_getCursorKind(c))) {
        unsigned b = 0, e;
        if (!ftl_cursor_offsets(nl->ctx, c, &b, &e))
            b = 0;
        ftl_grow((void **)&nl->v, &nl->cap, nl->n + 1, sizeof *nl->v);
        nl->v[nl->n++] = (node_ev){b, c, parent};
    }
    return CXChildVisit_Recurse;
}

static void process_function(ftl_ctx *ctx, CXCursor c)
{
    ftl_func fn;
    memset(&fn, 0, sizeof fn);
    fn.cursor = c;
    fn.name = ftl_cxstr(clang_getCursorSpelling(c));
    fn.file = ctx->cur_file;
    if (!ftl_cursor_offsets(ctx, c, &fn.begin, &fn.end)) {
        free(fn.name);
        return;
    }
    char *usr = ftl_cxstr(clang_getCursorUSR(c));
    for (size_t i = 0; i < ctx->nkwfuncs; i++)
        if (strcmp(ctx->kwfuncs[i], usr) == 0)
            fn.kw_function = true;
    free(usr);

    ctx->fn = &fn;
    ftl_func_collect(ctx, &fn);
    for (size_t i = 0; i < ctx->nmexps; i++) {
        const ftl_mexp *m = &ctx->mexps[i];
        if (m->file == ctx->cur_file && m->offset >= fn.begin && m->offset <= fn.end)
            add_macro_call(ctx, &fn, m);
    }
    if (fn.ncalls)
        qsort(fn.calls, fn.ncalls, sizeof *fn.calls, cmp_call);
    /* The same use seen both as a macro expansion and as a call: keep the AST call. */
    size_t w = 0;
    for (size_t r = 0; r < fn.ncalls; r++) {
        if (w > 0 && fn.calls[w - 1].offset == fn.calls[r].offset &&
            strcmp(fn.calls[w - 1].name, fn.calls[r].name) == 0) {
            for (int j = 0; j < fn.calls[r].nargs; j++)
                free(fn.calls[r].args[j].text);
            free(fn.calls[r].args);
            free((char *)fn.calls[r].name);
            continue;
        }
        fn.calls[w++] = fn.calls[r];
    }
    fn.ncalls = w;
    ftl_func_build_escapes(ctx->cfg, &fn);
    ftl_func_build_regions(ctx, &fn);
    /* Callers later in the translation unit treat what this function returns as fresh. */
    if (ftl_func_returns_fresh(&fn)) {
        ftl_grow((void **)&ctx->freshfuncs, &ctx->capfreshfuncs, ctx->nfreshfuncs + 1,
                 sizeof *ctx->freshfuncs);
        ctx->freshfuncs[ctx->nfreshfuncs++] = ftl_cxstr(clang_getCursorUSR(c));
    }

    /* Dispatch the function itself, then its calls and wanted nodes in source order. */
    dispatch_cursor(ctx, c, clang_getCursorSemanticParent(c));
    node_list nl = {.ctx = ctx};
    clang_visitChildren(c, gather_nodes, &nl);
    size_t ci = 0, ni = 0;
    while (ci < fn.ncalls || ni < nl.n) {
        if (ni >= nl.n || (ci < fn.ncalls && fn.calls[ci].offset <= nl.v[ni].offset)) {
            ftl_call *call = &fn.calls[ci++];
            ftl_offset_to_linecol(ctx->cur_file, call->offset, &call->line, &call->col);
            ftl_offset_to_linecol(ctx->cur_file, call->end_offset, &call->end_line, &call->end_col);
            dispatch_call(ctx, call);
        } else {
            dispatch_cursor(ctx, nl.v[ni].c, nl.v[ni].parent);
            ni++;
        }
    }
    free(nl.v);
    ctx->fn = NULL;
    ftl_func_free(&fn);
}

static bool is_function_kind(enum CXCursorKind k)
{
    return k == CXCursor_FunctionDecl || k == CXCursor_CXXMethod || k == CXCursor_Constructor ||
           k == CXCursor_Destructor || k == CXCursor_FunctionTemplate ||
           k == CXCursor_ConversionFunction;
}

/* Declarations that hold others. Older libclang (14) shows extern "C" as an UnexposedDecl (the
 * other unexposed declarations hold no functions to find). */
static bool is_container_kind(enum CXCursorKind k)
{
    return k == CXCursor_Namespace || k == CXCursor_LinkageSpec || k == CXCursor_ClassDecl ||
           k == CXCursor_StructDecl || k == CXCursor_ClassTemplate || k == CXCursor_UnionDecl ||
           k == CXCursor_UnexposedDecl;
}

static void walk_decl(ftl_ctx *ctx, CXCursor c, CXCursor parent);

static enum CXChildVisitResult walk_decl_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    ftl_ctx *ctx = d;
    ftl_file *f = ftl_file_of(ctx, clang_getCursorLocation(c), NULL);
    if (f && f->user) {
        ctx->cur_file = f;
        walk_decl(ctx, c, parent);
    }
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult dispatch_all(CXCursor c, CXCursor parent, CXClientData d)
{
    dispatch_cursor(d, c, parent);
    return CXChildVisit_Recurse;
}

static void walk_decl(ftl_ctx *ctx, CXCursor c, CXCursor parent)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    if (is_function_kind(k)) {
        if (clang_isCursorDefinition(c))
            process_function(ctx, c);
        else
            dispatch_cursor(ctx, c, parent);
        return;
    }
    dispatch_cursor(ctx, c, parent);
    if (is_container_kind(k)) {
        clang_visitChildren(c, walk_decl_visit, ctx);
        return;
    }
    clang_visitChildren(c, dispatch_all, ctx);
}

/* ---- keyword-argument functions --------------------------------------------------------- */

typedef struct kwscan {
    ftl_ctx *ctx;
    bool method_table;       /* PyMethodDef[] (else PyType_Slot[]) */
} kwscan;

static enum CXChildVisitResult first_func_ref(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    CXCursor *out = d;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor r = clang_getCursorReferenced(c);
        if (clang_getCursorKind(r) == CXCursor_FunctionDecl) {
            *out = r;
            return CXChildVisit_Break;
        }
    }
    return CXChildVisit_Recurse;
}

typedef struct entry {
    CXCursor v[4];
    int n;
} entry;

static enum CXChildVisitResult entry_kids(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    entry *e = d;
    if (e->n < 4)
        e->v[e->n] = c;
    e->n++;
    return CXChildVisit_Continue;
}

static char *cursor_text(ftl_ctx *ctx, CXCursor c)
{
    unsigned b, e;
    if (!ftl_cursor_offsets(ctx, c, &b, &e) || !ctx->cur_file->text)
        return ftl_xstrdup("");
    unsigned end = e;
    /* include the last token */
    while (end < ctx->cur_file->len && (ctx->cur_file->text[end] == '_' ||
                                        (ctx->cur_file->text[end] >= 'A' && ctx->cur_file->text[end] <= 'Z') ||
                                        (ctx->cur_file->text[end] >= 'a' && ctx->cur_file->text[end] <= 'z') ||
                                        (ctx->cur_file->text[end] >= '0' && ctx->cur_file->text[end] <= '9')))
        end++;
    return ftl_xstrndup(ctx->cur_file->text + b, end - b);
}

static enum CXChildVisitResult kw_entries(CXCursor c, CXCursor p, CXClientData d)
{
    (void)p;
    kwscan *ks = d;
    if (clang_getCursorKind(c) != CXCursor_InitListExpr)
        return CXChildVisit_Recurse;
    entry e = {.n = 0};
    clang_visitChildren(c, entry_kids, &e);
    if (e.n < 2)
        return CXChildVisit_Continue;
    bool kw = false;
    CXCursor fnref = clang_getNullCursor();
    if (ks->method_table && e.n >= 3) {
        char *flags = cursor_text(ks->ctx, e.v[2]);
        kw = strstr(flags, "METH_KEYWORDS") && !strstr(flags, "METH_FASTCALL");
        free(flags);
        clang_visitChildren(e.v[1], first_func_ref, &fnref);
        if (clang_getCursorKind(e.v[1]) == CXCursor_DeclRefExpr)
            fnref = clang_getCursorReferenced(e.v[1]);
    } else if (!ks->method_table) {
        char *slot = cursor_text(ks->ctx, e.v[0]);
        kw = strcmp(slot, "Py_tp_init") == 0 || strcmp(slot, "Py_tp_new") == 0 ||
             strcmp(slot, "Py_tp_call") == 0;
        free(slot);
        clang_visitChildren(e.v[1], first_func_ref, &fnref);
    }
    if (kw && !clang_Cursor_isNull(fnref)) {
        ftl_ctx *ctx = ks->ctx;
        ftl_grow((void **)&ctx->kwfuncs, &ctx->capkwfuncs, ctx->nkwfuncs + 1, sizeof *ctx->kwfuncs);
        ctx->kwfuncs[ctx->nkwfuncs++] = ftl_cxstr(clang_getCursorUSR(fnref));
    }
    return CXChildVisit_Continue;
}

static void scan_kw_tables(ftl_ctx *ctx, CXCursor *decls, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (clang_getCursorKind(decls[i]) != CXCursor_VarDecl)
            continue;
        char *ty = ftl_cxstr(clang_getTypeSpelling(clang_getCursorType(decls[i])));
        bool mt = strstr(ty, "PyMethodDef") != NULL;
        bool st = strstr(ty, "PyType_Slot") != NULL;
        free(ty);
        if (!mt && !st)
            continue;
        ctx->cur_file = ftl_file_of(ctx, clang_getCursorLocation(decls[i]), NULL);
        kwscan ks = {ctx, mt};
        clang_visitChildren(decls[i], kw_entries, &ks);
    }
}

void ftl_walk_tu(ftl_ctx *ctx)
{
    tu_scan scan = {.ctx = ctx};
    clang_visitChildren(clang_getTranslationUnitCursor(ctx->tu), scan_top, &scan);
    scan_kw_tables(ctx, scan.decls, scan.ndecls);

    ctx->states = ftl_xcalloc(ftl_nrules, sizeof *ctx->states);
    for (size_t i = 0; i < ftl_nrules; i++) {
        ctx->cur_rule = i;
        if (ctx->enabled[i] && ftl_rules[i]->tu_begin)
            ctx->states[i] = ftl_rules[i]->tu_begin(ctx);
    }
    CXCursor tuc = clang_getTranslationUnitCursor(ctx->tu);
    for (size_t i = 0; i < scan.ndecls; i++) {
        ctx->cur_file = ftl_file_of(ctx, clang_getCursorLocation(scan.decls[i]), NULL);
        walk_decl(ctx, scan.decls[i], tuc);
    }
    for (size_t i = 0; i < ftl_nrules; i++) {
        ctx->cur_rule = i;
        ctx->cur_file = NULL;
        if (ctx->enabled[i] && ftl_rules[i]->tu_end)
            ftl_rules[i]->tu_end(ctx, ctx->states[i]);
    }
    free(scan.decls);
}

void ftl_ctx_release(ftl_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nfiles; i++) {
        free(ctx->files[i]->path);
        free(ctx->files[i]->key);
        free(ctx->files[i]->lines);
        free(ctx->files[i]);
    }
    free(ctx->files);
    for (size_t i = 0; i < ctx->nmexps; i++)
        free((char *)ctx->mexps[i].name);
    free(ctx->mexps);
    for (size_t i = 0; i < ctx->nkwfuncs; i++)
        free(ctx->kwfuncs[i]);
    free(ctx->kwfuncs);
    for (size_t i = 0; i < ctx->nfreshfuncs; i++)
        free(ctx->freshfuncs[i]);
    free(ctx->freshfuncs);
    free(ctx->states);
}
