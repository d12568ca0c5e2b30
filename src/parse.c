/* parse.c: turns one file into a libclang translation unit in the free-threaded configuration
 * (prelude, Py_GIL_DISABLED, Python headers as system headers), counts its errors, and runs
 * the walk over it. */
#include "cache.h"
#include "compdb.h"
#include "driver.h"
#include "engine.h"
#include "graph.h"
#include "paths.h"
#include "pch.h"
#include "prelude.inc"
#include "suppress.h"
#include "util.h"
#include "walk.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PRELUDE_PATH "/ftlint-virtual/ftlint_prelude.h"

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

static bool is_cxx_path(const char *p)
{
    return has_suffix(p, ".cc") || has_suffix(p, ".cpp") || has_suffix(p, ".cxx") ||
           has_suffix(p, ".C") || has_suffix(p, ".hpp") || has_suffix(p, ".hh") ||
           has_suffix(p, ".hxx") || has_suffix(p, ".c++");
}

/* With a compilation database entry: its compiler and kept flags, the Python include
 * directories it names (unless the user chose them), and its working directory. Relative -I
 * of ftlint's own arguments are made absolute, since they were meant from the current one. */
static void push_compdb_args(const ftl_config *cfg, const ftl_compile_cmd *cmd, ftl_strv *args)
{
    for (size_t i = 0; i < cmd->argv.n; i++)
        ftl_strv_push(args, cmd->argv.v[i]);
    if (cfg->compdb->resource_dir) {
        ftl_strv_push(args, "-resource-dir");
        ftl_strv_push(args, cfg->compdb->resource_dir);
    }
    for (size_t i = 0; i < cmd->python_dirs.n && !cfg->python_include_given; i++) {
        ftl_strv_push(args, "-isystem");
        ftl_strv_push(args, cmd->python_dirs.v[i]);
    }
    char *wd = ftl_xasprintf("-working-directory=%s", cmd->directory);
    ftl_strv_push(args, wd);
    free(wd);
}

/* Builds the clang argument vector (strings owned by the returned strv). With a database
 * entry, args[0] is its compiler (for clang_parseTranslationUnit2FullArgv). */
static void build_args(const ftl_config *cfg, const char *path, ftl_strv *args,
                       const ftl_compile_cmd *cmd)
{
    bool cxx = is_cxx_path(path);
    if (cmd) {
        push_compdb_args(cfg, cmd, args);
    } else {
        ftl_strv_push(args, "-x");
        ftl_strv_push(args, cxx ? "c++" : "c");
    }
    if (cfg->std) {
        char *s = ftl_xasprintf("-std=%s", cfg->std);
        ftl_strv_push(args, s);
        free(s);
    }
    /* Diagnostics: keep every error (no limit), drop warnings, and keep going past the
     * errors clang 16+ raises by default for C code written against newer headers. */
    ftl_strv_push(args, "-ferror-limit=0");
    ftl_strv_push(args, "-w");
    ftl_strv_push(args, "-Wno-error=implicit-function-declaration");
    ftl_strv_push(args, "-Wno-error=int-conversion");
    ftl_strv_push(args, "-Wno-error=incompatible-function-pointer-types");
    ftl_strv_push(args, "-Wno-error=implicit-int");
    ftl_strv_push(args, "-fno-spell-checking");
    if (cfg->gil_disabled)
        ftl_strv_push(args, "-DPy_GIL_DISABLED=1");
    for (size_t i = 0; i < cfg->clang_args.n; i++) {
        const char *a = cfg->clang_args.v[i];
        if (cmd && strncmp(a, "-I", 2) == 0 && a[2] && a[2] != '/') {
            char *abs = ftl_path_abs(a + 2);
            char *s = ftl_xasprintf("-I%s", abs);
            ftl_strv_push(args, s);
            free(s);
            free(abs);
        } else {
            ftl_strv_push(args, a);
        }
    }
    if (cfg->python_include) {
        ftl_strv_push(args, "-isystem");
        ftl_strv_push(args, cfg->python_include);
    }
    ftl_strv_push(args, "-include");
    ftl_strv_push(args, PRELUDE_PATH);
}

static const char *error_text(enum CXErrorCode e)
{
    switch (e) {
    case CXError_Failure: return "libclang could not parse it";
    case CXError_Crashed: return "libclang crashed while parsing it";
    case CXError_InvalidArguments: return "invalid arguments for libclang";
    case CXError_ASTReadError: return "libclang could not read its AST";
    default: return "unknown libclang error";
    }
}

/* A driver complaint about a compilation-database flag (no source location): clang ignored
 * the flag, the file itself is fine. */
static bool database_flag_diagnostic(CXDiagnostic d)
{
    CXFile f = NULL;
    clang_getFileLocation(clang_getDiagnosticLocation(d), &f, NULL, NULL, NULL);
    if (f)
        return false;
    char *text = ftl_cxstr(clang_getDiagnosticSpelling(d));
    bool r = ftl_compdb_ignorable_diagnostic(text);
    free(text);
    return r;
}

static void collect_diagnostics(CXTranslationUnit tu, ftl_file_result *res, bool from_database)
{
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error && !(from_database && database_flag_diagnostic(d))) {
            res->nerrors++;
            char *s = ftl_cxstr(clang_formatDiagnostic(
                d, CXDiagnostic_DisplaySourceLocation | CXDiagnostic_DisplayColumn));
            if (!res->reason)
                res->reason = ftl_xstrdup(s);
            ftl_strv_push(&res->errors, s);
            free(s);
        }
        clang_disposeDiagnostic(d);
    }
}

typedef struct rename_ctx {
    const char *abs, *user, *directory;
} rename_ctx;

/* clang names files relative to the database's working directory; users want them as they
 * gave them, or relative to the current directory. Returns a new string or NULL. */
static char *rename_one(const char *clang_name, void *data)
{
    const rename_ctx *r = data;
    if (strcmp(clang_name, r->abs) == 0)
        return ftl_xstrdup(r->user);
    char *abs = ftl_path_join(r->directory, clang_name);
    char *shown = ftl_path_display(abs);
    free(abs);
    return shown;
}

static void rename_database_paths(ftl_findings *out, size_t first, ftl_file_result *res,
                                  const char *abs, const char *user, const char *directory)
{
    rename_ctx r = {abs, user, directory};
    for (size_t i = first; i < out->n; i++) {
        char *p = rename_one(out->v[i].path, &r);
        free(out->v[i].path);
        out->v[i].path = p;
    }
    ftl_suppressions_map_paths(res->suppressions, rename_one, &r);
}

/* Parses text as the file path, with the database entry's flags when it has one. On success
 * returns the TU and sets *cmdp and *namep (the name clang knows the file by: absolute under a
 * database; *namep is malloc'd or NULL, caller frees). */
static CXTranslationUnit parse_text(CXIndex index, const ftl_config *cfg, const char *path,
                                    const char *text, size_t len, enum CXErrorCode *ec,
                                    const ftl_compile_cmd **cmdp, char **namep)
{
    ftl_strv args = {0};
    const ftl_compile_cmd *cmd = ftl_compdb_lookup(cfg->compdb, path);
    build_args(cfg, path, &args, cmd);
    /* Under the database's working directory the file must be named absolutely. */
    char *abs = cmd ? ftl_path_abs(path) : NULL;
    const char *name = abs ? abs : path;
    struct CXUnsavedFile unsaved[2] = {
        {PRELUDE_PATH, ftl_prelude_text, (unsigned long)strlen(ftl_prelude_text)},
        {name, text, (unsigned long)len},
    };
    unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
    CXTranslationUnit tu = NULL;
    *ec = ftl_parse_argv(index, cmd != NULL, cmd ? name : path, &args, unsaved, 2, opts, &tu);
    ftl_strv_free(&args);
    if (*ec != CXError_Success && tu) {
        clang_disposeTranslationUnit(tu);
        tu = NULL;
    }
    if (!tu)
        *ec = *ec == CXError_Success ? CXError_Failure : *ec;
    *cmdp = cmd;
    *namep = abs;
    return tu;
}

int ftl_count_errors(CXIndex index, const ftl_config *cfg, const char *path, const char *text,
                     size_t len, ftl_strv *messages)
{
    enum CXErrorCode ec;
    const ftl_compile_cmd *cmd;
    char *abs;
    CXTranslationUnit tu = parse_text(index, cfg, path, text, len, &ec, &cmd, &abs);
    free(abs);
    if (!tu)
        return -1;
    ftl_file_result res;
    memset(&res, 0, sizeof res);
    collect_diagnostics(tu, &res, cmd != NULL);
    int n = (int)res.nerrors;
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; messages && i < nd; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error &&
            !(cmd != NULL && database_flag_diagnostic(d))) {
            char *m = ftl_cxstr(clang_getDiagnosticSpelling(d));
            ftl_strv_push(messages, m);
            free(m);
        }
        clang_disposeDiagnostic(d);
    }
    ftl_strv_free(&res.errors);
    free(res.reason);
    clang_disposeTranslationUnit(tu);
    return n;
}

void ftl_analyze_file(CXIndex index, const ftl_config *cfg, const char *path, ftl_findings *out,
                      ftl_file_result *res)
{
    ftl_worker w = {.index = index};
    ftl_analyze_file_in(&w, cfg, path, out, res);
}

void ftl_analyze_file_in(const ftl_worker *w, const ftl_config *cfg, const char *path,
                         ftl_findings *out, ftl_file_result *res)
{
    memset(res, 0, sizeof *res);
    res->path = ftl_xstrdup(path);
    ftl_strv args = {0};
    CXTranslationUnit tu = NULL;
    char *abs = NULL;

    /* Read it ourselves first: a clear message for unreadable files, and the text libclang
     * parses is exactly the bytes we checked. */
    size_t len;
    char *text = NULL;
    bool from_stdin = cfg->stdin_filename && strcmp(path, cfg->stdin_filename) == 0;
    if (from_stdin) {
        text = ftl_xstrndup(cfg->stdin_text, cfg->stdin_len);    /* --stdin-filename */
        len = cfg->stdin_len;
    } else {
        text = ftl_read_file(path, &len);
    }
    if (!text) {
        res->status = FTL_FILE_FAILED;
        res->reason = ftl_xasprintf("cannot read: %s", strerror(errno));
        goto done;
    }
    if (memchr(text, '\0', len)) {
        res->status = FTL_FILE_SKIPPED;
        res->reason = ftl_xstrdup("binary file (contains NUL bytes)");
        goto done;
    }

    const ftl_compile_cmd *cmd = ftl_compdb_lookup(cfg->compdb, path);
    build_args(cfg, path, &args, cmd);
    /* Under the database's working directory the file must be named absolutely. */
    abs = cmd ? ftl_path_abs(path) : NULL;
    const char *name = abs ? abs : path;
    ftl_cache *cache = from_stdin ? NULL : w->cache;
    if (cache && ftl_cache_get(cache, w->index, path, &args, text, len, out, res))
        goto done;
    struct CXUnsavedFile unsaved[2] = {
        {PRELUDE_PATH, ftl_prelude_text, (unsigned long)strlen(ftl_prelude_text)},
        {name, text, (unsigned long)len},
    };
    unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
    ftl_pch_ref pch_used = {{0}, {0}};
    enum CXErrorCode ec;
    if (w->pch)
        ec = ftl_pch_parse(w->pch, w->index, cmd != NULL, name, &args, PRELUDE_PATH,
                           ftl_prelude_text, unsaved, 2, opts, &tu, &pch_used);
    else
        ec = ftl_parse_argv(w->index, cmd != NULL, cmd ? name : path, &args, unsaved, 2, opts, &tu);
    if (ec != CXError_Success || !tu) {
        res->status = FTL_FILE_FAILED;
        res->reason = ftl_xstrdup(error_text(ec));
        goto done;
    }
    collect_diagnostics(tu, res, cmd != NULL);
    res->status = res->nerrors ? FTL_FILE_HAD_ERRORS : FTL_FILE_OK;

    ftl_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = cfg;
    ctx.tu = tu;
    ctx.out = out;
    ctx.python_include = cfg->python_include;
    ctx.enabled = cfg->enabled;
    size_t first = out->n;
    res->graph = ftl_graph_new();
    ctx.graph = res->graph;
    ftl_walk_tu(&ctx);
    res->suppressions = ftl_suppress_collect(&ctx, res->nerrors == 0);
    ftl_ctx_release(&ctx);
    if (cmd)
        rename_database_paths(out, first, res, abs, path, cmd->directory);
    if (cache)
        ftl_cache_put(cache, path, &args, text, len, tu, &pch_used,
                      out->n > first ? out->v + first : NULL, out->n - first, res);

done:
    if (tu)
        clang_disposeTranslationUnit(tu);
    ftl_strv_free(&args);
    free(text);
    free(abs);
}

void ftl_file_result_free(ftl_file_result *res)
{
    free(res->path);
    free(res->reason);
    ftl_strv_free(&res->errors);
    ftl_suppressions_free(res->suppressions);
    ftl_graph_free(res->graph);
    memset(res, 0, sizeof *res);
}
