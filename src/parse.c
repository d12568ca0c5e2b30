/* parse.c: turns one file into a libclang translation unit in the free-threaded configuration
 * (prelude, Py_GIL_DISABLED, Python headers as system headers), counts its errors, and runs
 * the walk over it. */
#include "cache.h"
#include "driver.h"
#include "engine.h"
#include "pch.h"
#include "prelude.inc"
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

/* Builds the clang argument vector (strings owned by the returned strv). */
static void build_args(const ftl_config *cfg, const char *path, ftl_strv *args)
{
    bool cxx = is_cxx_path(path);
    ftl_strv_push(args, "-x");
    ftl_strv_push(args, cxx ? "c++" : "c");
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
    for (size_t i = 0; i < cfg->clang_args.n; i++)
        ftl_strv_push(args, cfg->clang_args.v[i]);
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

static void collect_diagnostics(CXTranslationUnit tu, ftl_file_result *res)
{
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error) {
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

    /* Read it ourselves first: a clear message for unreadable files, and the text libclang
     * parses is exactly the bytes we checked. */
    size_t len;
    char *text = ftl_read_file(path, &len);
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

    build_args(cfg, path, &args);
    if (w->cache && ftl_cache_get(w->cache, w->index, path, &args, text, len, out, res))
        goto done;
    struct CXUnsavedFile unsaved[2] = {
        {PRELUDE_PATH, ftl_prelude_text, (unsigned long)strlen(ftl_prelude_text)},
        {path, text, (unsigned long)len},
    };
    unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
    ftl_pch_ref pch_used = {{0}, {0}};
    enum CXErrorCode ec =
        w->pch ? ftl_pch_parse(w->pch, w->index, false, path, &args, PRELUDE_PATH,
                               ftl_prelude_text, unsaved, 2, opts, &tu, &pch_used)
               : clang_parseTranslationUnit2(w->index, path, (const char *const *)args.v,
                                             (int)args.n, unsaved, 2, opts, &tu);
    if (ec != CXError_Success || !tu) {
        res->status = FTL_FILE_FAILED;
        res->reason = ftl_xstrdup(error_text(ec));
        goto done;
    }
    collect_diagnostics(tu, res);
    res->status = res->nerrors ? FTL_FILE_HAD_ERRORS : FTL_FILE_OK;

    ftl_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.cfg = cfg;
    ctx.tu = tu;
    ctx.out = out;
    ctx.python_include = cfg->python_include;
    ctx.enabled = cfg->enabled;
    size_t first = out->n;
    ftl_walk_tu(&ctx);
    ftl_ctx_release(&ctx);
    if (w->cache)
        ftl_cache_put(w->cache, path, &args, text, len, tu, &pch_used,
                      out->n > first ? out->v + first : NULL, out->n - first, res);

done:
    if (tu)
        clang_disposeTranslationUnit(tu);
    ftl_strv_free(&args);
    free(text);
}

void ftl_file_result_free(ftl_file_result *res)
{
    free(res->path);
    free(res->reason);
    ftl_strv_free(&res->errors);
    memset(res, 0, sizeof *res);
}
