/* driver.c: the analysis of a whole run: discovery, one libclang index, every file in turn,
 * findings merged, sorted and de-duplicated. */
#include "driver.h"
#include "graph.h"
#include "pyinclude.h"
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

/* True when another analysed file #includes this one: a fragment such as cffi's
 * cffi1_module.c, which only makes sense inside _cffi_backend.c. */
static bool included_elsewhere(const ftl_run *run, size_t i)
{
    char *real = realpath(run->files[i].path, NULL);
    if (!real)
        return false;
    bool inc = false;
    for (size_t k = 0; k < run->nfiles && !inc; k++)
        inc = k != i && ftl_strv_contains(&run->files[k].included, real);
    free(real);
    return inc;
}

void ftl_run_analysis(const ftl_config *cfg, ftl_run *run)
{
    memset(run, 0, sizeof *run);
    ftl_discover(&cfg->paths, &run->list);
    run->nskipped = run->list.nskipped;
    CXIndex index = clang_createIndex(1, 0);
    ftl_findings *per_file = ftl_xcalloc(run->list.files.n, sizeof *per_file);
    for (size_t i = 0; i < run->list.files.n; i++) {
        ftl_grow((void **)&run->files, &run->capfiles, run->nfiles + 1, sizeof *run->files);
        ftl_file_result *res = &run->files[run->nfiles++];
        ftl_analyze_file(index, cfg, run->list.files.v[i], &per_file[i], res);
        if (res->status == FTL_FILE_FAILED)
            run->nfailed++;
        else if (res->status == FTL_FILE_SKIPPED)
            run->nskipped++;
        else if (res->status == FTL_FILE_HAD_ERRORS)
            run->nerrors++;
    }
    clang_disposeIndex(index);
    /* A source another analysed source includes is reported through the includer only: on its
     * own it lacks the callers, locks and initialisation its rules need to see. */
    ftl_graph *graph = ftl_graph_new();
    for (size_t i = 0; i < run->nfiles; i++) {
        if (included_elsewhere(run, i)) {
            ftl_findings_free(&per_file[i]);
            continue;
        }
        if (run->files[i].graph)
            ftl_graph_merge(graph, run->files[i].graph);
        ftl_findings_take(&run->findings, &per_file[i]);
    }
    free(per_file);
    /* Findings that hold only if their function may run concurrently, decided over all files. */
    ftl_findings_resolve(&run->findings, graph);
    ftl_graph_free(graph);
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
