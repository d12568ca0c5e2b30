/* fuzz_source.c: libFuzzer target feeding arbitrary bytes through the whole analysis as a C
 * source file (parse, walk, every rule, sorting, text report). Build: make fuzz. */
#include "ftlint.h"
#include "pyinclude.h"
#include "report.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ftl_config cfg;
static CXIndex index_;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    memset(&cfg, 0, sizeof cfg);
    cfg.gil_disabled = true;
    cfg.quiet = true;
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    for (size_t i = 0; i < ftl_nrules; i++)
        cfg.enabled[i] = true;
    cfg.python_include = ftl_find_python_include();
    index_ = clang_createIndex(1, 0);
    snprintf(path, sizeof path, "/tmp/ftlint-fuzz-%ld.c", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    ftl_findings fs = {0};
    ftl_file_result res;
    ftl_analyze_file(index_, &cfg, path, &fs, &res);
    ftl_findings_sort_unique(&fs);
    FILE *out = fopen("/dev/null", "w");
    if (out) {
        ftl_report_text(out, &fs, &cfg);
        fclose(out);
    }
    ftl_findings_free(&fs);
    ftl_file_result_free(&res);
    return 0;
}
