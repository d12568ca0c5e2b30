/* driver.c: the analysis of a whole run: discovery, the shard's share of the files, the result
 * cache and PCH store, the files analysed in parallel, findings merged in file order, sorted
 * and de-duplicated. */
#include "driver.h"
#include "config.h"
#include "graph.h"
#include "isolate.h"
#include "pyinclude.h"
#include "suppress.h"
#include "fsio.h"
#include "shard.h"
#include "util.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ftl_setup_python_include(ftl_config *cfg)
{
    if (cfg->python_include_given) {
        if (!ftl_python_include_valid(cfg->python_include)) {
            fprintf(stderr, "ftlint: --python-include: no Python.h in '%s'\n", cfg->python_include);
            return false;
        }
        return true;
    }
    if (!cfg->python_include) {
        cfg->python_include = ftl_find_python_include();
        if (!cfg->python_include && !cfg->quiet)
            fputs("ftlint: note: no Python headers found (tried python3-config, sysconfig and "
                  "/usr/include/python3.*); analysing without them, pass --python-include DIR\n",
                  stderr);
    }
    return true;
}

/* Drops the files .ftlint.json excludes; returns how many. */
static size_t exclude_files(const ftl_config *cfg, ftl_strv *files)
{
    size_t w = 0, n = files->n;
    for (size_t i = 0; i < n; i++) {
        if (ftl_config_excluded(cfg, files->v[i]))
            free(files->v[i]);
        else
            files->v[w++] = files->v[i];
    }
    files->n = w;
    if (files->v)
        files->v[w] = NULL;
    return n - w;
}

/* The shared accelerators of a run: file hash memo, PCH store, result cache. */
typedef struct accel {
    ftl_hashmemo *memo;
    ftl_pch *pch;
    ftl_cache *cache;
} accel;

static void note(const ftl_config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(const ftl_config *cfg, const char *fmt, ...)
{
    if (cfg->quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("ftlint: note: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Opens the cache (unless --no-cache) and the PCH store: for parsing unless --no-pch or a lone
 * file with nowhere to keep its PCH (building one would cost more than it saves), and with the
 * cache in any case, which checks the PCH headers of stored results through it. */
static void accel_open(const ftl_config *cfg, size_t nfiles, accel *a, ftl_run *run)
{
    memset(a, 0, sizeof *a);
    if (nfiles == 0)
        return;
    a->memo = ftl_hashmemo_new();
    const char *dir = cfg->cache_dir ? cfg->cache_dir : ".ftlint_cache";
    char *err = NULL;
    char *pchdir = NULL;
    if (!cfg->no_cache) {
        if (ftl_mkdirs(dir))
            pchdir = ftl_xasprintf("%s/pch", dir);
        else
            note(cfg, "result cache disabled: cannot create '%s': %s (use --cache-dir DIR or "
                 "--no-cache)", dir, strerror(errno));
    }
    if (pchdir || (!cfg->no_pch && nfiles >= 2)) {
        a->pch = ftl_pch_new(pchdir, a->memo, &err);
        if (!a->pch && pchdir) {
            free(err);
            err = NULL;
            a->pch = ftl_pch_new(NULL, a->memo, &err);
        }
        if (!a->pch)
            note(cfg, "precompiled headers disabled: %s", err);
        free(err);
        err = NULL;
    }
    if (pchdir) {
        a->cache = ftl_cache_open(dir, cfg, a->memo, a->pch, &err);
        if (!a->cache)
            note(cfg, "result cache disabled: %s", err);
        free(err);
    }
    free(pchdir);
    run->cache_used = a->cache != NULL;
    run->cache_dir = a->cache ? ftl_xstrdup(dir) : NULL;
    run->pch_used = a->pch && !cfg->no_pch;
}

static void accel_close(accel *a, ftl_run *run)
{
    if (a->cache)
        ftl_cache_get_stats(a->cache, &run->cache_stats);
    if (a->pch)
        ftl_pch_get_stats(a->pch, &run->pch_stats);
    ftl_cache_close(a->cache);
    ftl_pch_free(a->pch);
    ftl_hashmemo_free(a->memo);
    memset(a, 0, sizeof *a);
}

void ftl_run_analysis(const ftl_config *cfg, ftl_run *run)
{
    memset(run, 0, sizeof *run);
    if (cfg->stdin_filename)
        ftl_strv_push(&run->list.files, cfg->stdin_filename);   /* the text comes from stdin */
    else
        ftl_discover(&cfg->paths, &run->list);
    run->nexcluded = exclude_files(cfg, &run->list.files);
    if (cfg->shard_n > 1)
        ftl_shard_select(&run->list, cfg->shard_k, cfg->shard_n);
    run->nskipped = run->list.nskipped;
    size_t n = run->list.files.n;
    run->files = n ? ftl_xcalloc(n, sizeof *run->files) : NULL;
    run->nfiles = run->capfiles = n;
    ftl_findings *per = n ? ftl_xcalloc(n, sizeof *per) : NULL;

    accel a;
    accel_open(cfg, n, &a, run);
    /* --timeout forks a child per file: from a single thread, so that no other thread can hold
     * a lock the child inherits. */
    unsigned jobs = cfg->timeout ? 1 : cfg->jobs ? cfg->jobs : ftl_online_cpus();
    /* A libclang that changes the process's directory for a database entry's
     * -working-directory would pull it from under the other threads (pch.h). */
    if (jobs > 1 && cfg->compdb && ftl_libclang_changes_cwd()) {
        if (cfg->verbose)
            fprintf(stderr, "ftlint: this libclang changes the working directory for each "
                            "compilation database entry: analysing one file at a time\n");
        jobs = 1;
    }
    ftl_analyze_files(cfg, &run->list.files, jobs,
                      cfg->no_pch ? NULL : a.pch, a.cache, run->files, per);
    accel_close(&a, run);

    /* In file order, whatever thread analysed what: the de-duplication below keeps the same
     * finding of a shared header as a single-threaded run would. */
    ftl_graph *graph = ftl_graph_new();
    for (size_t i = 0; i < n; i++) {
        ftl_findings_take(&run->findings, &per[i]);
        const ftl_file_result *res = &run->files[i];
        if (res->graph)
            ftl_graph_merge(graph, res->graph);
        if (res->status == FTL_FILE_FAILED)
            run->nfailed++;
        else if (res->status == FTL_FILE_SKIPPED)
            run->nskipped++;
        else if (res->status == FTL_FILE_HAD_ERRORS)
            run->nerrors++;
    }
    free(per);
    /* Findings that hold only if their function may run concurrently, decided over all files. */
    ftl_findings_resolve(&run->findings, graph);
    ftl_graph_free(graph);
    ftl_findings_sort_unique(&run->findings);
    /* Suppression comments and .ftlint.json filters, then sort again for the new findings. */
    ftl_suppress_apply(cfg, run->files, run->nfiles, &run->findings);
    ftl_config_filter(cfg, &run->findings);
    ftl_findings_sort_unique(&run->findings);
}

void ftl_print_speed_stats(FILE *out, const ftl_run *run)
{
    if (run->cache_used) {
        const ftl_cache_stats *c = &run->cache_stats;
        fprintf(out, "ftlint: cache '%s': %zu of %zu results reused", run->cache_dir, c->hits,
                c->hits + c->misses);
        if (c->invalid)
            fprintf(out, ", %zu invalid entries replaced", c->invalid);
        if (c->not_stored)
            fprintf(out, ", %zu not cacheable", c->not_stored);
        if (c->write_failed)
            fprintf(out, ", %zu could not be written", c->write_failed);
        fputc('\n', out);
    }
    if (run->pch_used && run->pch_stats.with_pch + run->pch_stats.plain > 0) {
        const ftl_pch_stats *p = &run->pch_stats;
        fprintf(out, "ftlint: precompiled headers: %zu built, %zu reused; %zu of %zu parses used "
                "one", p->built, p->loaded, p->with_pch, p->with_pch + p->plain);
        if (p->rejected)
            fprintf(out, ", %zu rejected (parsed without)", p->rejected);
        fputc('\n', out);
    }
}

void ftl_run_free(ftl_run *run)
{
    ftl_findings_free(&run->findings);
    for (size_t i = 0; i < run->nfiles; i++)
        ftl_file_result_free(&run->files[i]);
    free(run->files);
    ftl_filelist_free(&run->list);
    free(run->cache_dir);
    memset(run, 0, sizeof *run);
}
