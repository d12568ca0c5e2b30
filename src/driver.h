/* driver.h: analysing every file of a run and collecting what happened. */
#ifndef FTL_DRIVER_H
#define FTL_DRIVER_H
#include "cache.h"
#include "discover.h"
#include "ftlint.h"
#include "pch.h"

#include <stdio.h>

typedef struct ftl_run {
    ftl_findings findings;   /* sorted and de-duplicated */
    ftl_file_result *files;  /* one per analysed file, in discovery order */
    size_t nfiles, capfiles;
    ftl_filelist list;       /* discovered files (this shard's), skipped files, missing paths */
    size_t nfailed, nerrors, nskipped;
    size_t nexcluded;        /* files left out by "exclude" in .ftlint.json */
    bool cache_used;         /* the result cache was on: cache_stats and cache_dir are set */
    ftl_cache_stats cache_stats;
    char *cache_dir;
    bool pch_used;           /* precompiled headers were on: pch_stats is set */
    ftl_pch_stats pch_stats;
} ftl_run;

/* What one worker thread analyses with: its own libclang index, and the PCH store and result
 * cache all workers share (either may be NULL). */
typedef struct ftl_worker {
    CXIndex index;
    ftl_pch *pch;
    ftl_cache *cache;
} ftl_worker;

/* ftl_analyze_file with the worker's PCH store and cache. */
void ftl_analyze_file_in(const ftl_worker *w, const ftl_config *cfg, const char *path,
                         ftl_findings *out, ftl_file_result *res);

/* Analyses files->v[0..n) on up to jobs threads (one libclang index each, files taken in turn
 * from a shared counter). res[i] and fs[i] receive file i's outcome, so the results do not
 * depend on which thread analysed what. */
void ftl_analyze_files(const ftl_config *cfg, const ftl_strv *files, unsigned jobs, ftl_pch *pch,
                       ftl_cache *cache, ftl_file_result *res, ftl_findings *fs);
/* The number of CPUs this process may run on (at least 1). */
unsigned ftl_online_cpus(void);

/* Resolves the Python include directory (cfg->python_include), printing the note about missing
 * headers unless quiet. Returns false (after printing) when --python-include is invalid. */
bool ftl_setup_python_include(ftl_config *cfg);
/* Discovers and analyses every file (of the shard); fills run (caller frees with ftl_run_free). */
void ftl_run_analysis(const ftl_config *cfg, ftl_run *run);
void ftl_run_free(ftl_run *run);
/* For -v: how much the result cache and the precompiled headers saved. */
void ftl_print_speed_stats(FILE *out, const ftl_run *run);
#endif
