/* fuzz_config.c: libFuzzer target for the configuration file: arbitrary bytes as .ftlint.json,
 * loaded as the command line would (ftl_config_load, then rule resolution), and when accepted,
 * its filters applied to a few paths and findings. */
#include "config.h"
#include "fuzz_util.h"
#include "options.h"

static void add_finding(ftl_findings *fs, const char *path, size_t rule)
{
    ftl_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
    ftl_finding *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->path = ftl_xstrdup(path);
    f->key = ftl_xstrdup(path);
    f->rule = ftl_rules[rule % ftl_nrules];
    f->severity = f->rule->severity;
    f->line = f->col = f->end_line = f->end_col = 1;
    f->message = ftl_xstrdup("message");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *file = fz_write(".ftlint.json", data, size);
    char *args[] = {"ftlint", "x.c", NULL};
    ftl_cli cli;
    if (!ftl_parse_args(2, args, &cli, fz_null))
        abort();
    if (ftl_config_load(&cli.cfg, file, fz_null) &&
        ftl_config_resolve_rules(&cli.cfg, &cli.selects, &cli.ignores, fz_null)) {
        const char *rel[] = {"src/a.c", "vendor/x/y.h", "tests/t.c", "a.c", "third_party/z/w.cc"};
        ftl_findings fs = {0};
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            char *p = ftl_xasprintf("%s/%s", fz_dir, rel[i]);
            (void)ftl_config_excluded(&cli.cfg, p);
            add_finding(&fs, p, i);
            free(p);
        }
        add_finding(&fs, "/elsewhere/b.c", 0);
        size_t before = fs.n;
        ftl_config_filter(&cli.cfg, &fs);
        FZ_ASSERT(fs.n <= before, "the filter added findings");
        for (size_t i = 0; i < fs.n; i++)
            FZ_ASSERT(fs.v[i].severity <= FTL_SEV_ERROR, "severity %d", (int)fs.v[i].severity);
        ftl_findings_free(&fs);
    }
    ftl_cli_free(&cli);
    free(file);
    return 0;
}
