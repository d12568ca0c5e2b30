/* driver.c: the analysis of a whole run: discovery, one libclang index, every file in turn,
 * findings merged, sorted and de-duplicated. */
#include "driver.h"
#include "config.h"
#include "graph.h"
#include "isolate.h"
#include "pyinclude.h"
#include "suppress.h"
#include "util.h"

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

void ftl_run_analysis(const ftl_config *cfg, ftl_run *run)
{
    memset(run, 0, sizeof *run);
    if (cfg->stdin_filename)
        ftl_strv_push(&run->list.files, cfg->stdin_filename);   /* the text comes from stdin */
    else
        ftl_discover(&cfg->paths, &run->list);
    run->nexcluded = exclude_files(cfg, &run->list.files);
    run->nskipped = run->list.nskipped;
    CXIndex index = clang_createIndex(1, 0);
    ftl_graph *graph = ftl_graph_new();
    for (size_t i = 0; i < run->list.files.n; i++) {
        ftl_findings fs = {0};
        ftl_grow((void **)&run->files, &run->capfiles, run->nfiles + 1, sizeof *run->files);
        ftl_file_result *res = &run->files[run->nfiles++];
        ftl_analyze_file_limited(index, cfg, run->list.files.v[i], &fs, res);
        ftl_findings_take(&run->findings, &fs);
        if (res->graph)
            ftl_graph_merge(graph, res->graph);
        if (res->status == FTL_FILE_FAILED)
            run->nfailed++;
        else if (res->status == FTL_FILE_SKIPPED)
            run->nskipped++;
        else if (res->status == FTL_FILE_HAD_ERRORS)
            run->nerrors++;
    }
    clang_disposeIndex(index);
    /* Findings that hold only if their function may run concurrently, decided over all files. */
    ftl_findings_resolve(&run->findings, graph);
    ftl_graph_free(graph);
    ftl_findings_sort_unique(&run->findings);
    /* Suppression comments and .ftlint.json filters, then sort again for the new findings. */
    ftl_suppress_apply(cfg, run->files, run->nfiles, &run->findings);
    ftl_config_filter(cfg, &run->findings);
    ftl_findings_sort_unique(&run->findings);
}

void ftl_run_free(ftl_run *run)
{
    ftl_findings_free(&run->findings);
    for (size_t i = 0; i < run->nfiles; i++)
        ftl_file_result_free(&run->files[i]);
    free(run->files);
    ftl_filelist_free(&run->list);
    memset(run, 0, sizeof *run);
}
