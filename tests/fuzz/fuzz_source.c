/* fuzz_source.c: libFuzzer target feeding arbitrary bytes through the whole analysis as a C
 * source file (parse, walk, every rule, suppressions, the cross-file resolution, sorting and
 * the three report formats), the way the ftlint command runs it: libclang on the calling
 * thread, which has the analysis stack size. */
#include "driver.h"
#include "fuzz_util.h"
#include "pyinclude.h"
#include "report.h"
#include "suppress.h"
#include "graph.h"

static ftl_config cfg;
static CXIndex index_;
static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setenv("LIBCLANG_NOTHREADS", "1", 1);
    fz_init();
    memset(&cfg, 0, sizeof cfg);
    cfg.gil_disabled = true;
    cfg.quiet = true;
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    for (size_t i = 0; i < ftl_nrules; i++)
        cfg.enabled[i] = true;
    cfg.python_include = ftl_find_python_include();
    index_ = clang_createIndex(1, 0);
    path = ftl_xasprintf("%s/input.c", fz_dir);
    return 0;
}

static int analyse(void *arg)
{
    (void)arg;
    ftl_run run;
    memset(&run, 0, sizeof run);
    run.files = ftl_xcalloc(1, sizeof *run.files);
    run.nfiles = run.capfiles = 1;
    ftl_analyze_file(index_, &cfg, path, &run.findings, &run.files[0]);
    ftl_graph *g = ftl_graph_new();
    if (run.files[0].graph)
        ftl_graph_merge(g, run.files[0].graph);
    ftl_findings_resolve(&run.findings, g);
    ftl_graph_free(g);
    ftl_findings_sort_unique(&run.findings);
    ftl_suppress_apply(&cfg, run.files, run.nfiles, &run.findings);
    ftl_findings_sort_unique(&run.findings);
    static const enum ftl_format formats[] = {FTL_FORMAT_TEXT, FTL_FORMAT_JSON, FTL_FORMAT_SARIF};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        ftl_formatter_of(formats[i])->write(fz_null, &run, &cfg);
    ftl_run_free(&run);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    free(fz_write("input.c", data, size));
    ftl_call_with_stack(FTL_ANALYSIS_STACK, analyse, NULL);
    return 0;
}
