/* driver.h: analysing every file of a run and collecting what happened. */
#ifndef FTL_DRIVER_H
#define FTL_DRIVER_H
#include "discover.h"
#include "ftlint.h"

typedef struct ftl_run {
    ftl_findings findings;   /* sorted and de-duplicated */
    ftl_file_result *files;  /* one per analysed file, in analysis order */
    size_t nfiles, capfiles;
    ftl_filelist list;       /* discovered files, skipped files, missing paths */
    size_t nfailed, nerrors, nskipped;
    size_t nexcluded;        /* files left out by "exclude" in .ftlint.json */
} ftl_run;

/* Resolves the Python include directory (cfg->python_include), printing the note about missing
 * headers unless quiet. Returns false (after printing) when --python-include is invalid. */
bool ftl_setup_python_include(ftl_config *cfg);
/* Discovers and analyses every file; fills run (caller frees with ftl_run_free). */
void ftl_run_analysis(const ftl_config *cfg, ftl_run *run);
void ftl_run_free(ftl_run *run);
#endif
