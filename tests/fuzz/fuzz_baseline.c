/* fuzz_baseline.c: libFuzzer target for baseline files (--baseline): arbitrary bytes loaded
 * with ftl_baseline_load and, when accepted, matched against findings built from its own
 * entries and one that is not recorded. */
#include "baseline.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *file = fz_write("baseline.json", data, size);
    ftl_baseline *b = ftl_baseline_load(file, fz_null);
    if (b) {
        ftl_findings fs = {0};
        size_t want = b->n < 4 ? b->n : 4;
        for (size_t i = 0; i <= want; i++) {
            ftl_grow((void **)&fs.v, &fs.cap, fs.n + 1, sizeof *fs.v);
            ftl_finding *f = &fs.v[fs.n++];
            memset(f, 0, sizeof *f);
            int r = i < want ? ftl_rule_lookup(b->v[i].rule) : 0;
            f->rule = ftl_rules[r >= 0 ? r : 0];
            f->path = ftl_xstrdup(i < want ? b->v[i].path : "not/recorded.c");
            f->key = ftl_xstrdup(f->path);
            f->message = ftl_xstrdup("message");
            f->fingerprint = ftl_xstrdup(i < want ? b->v[i].fingerprint : "0");
        }
        size_t before = fs.n;
        size_t hidden = ftl_baseline_filter(b, &fs);
        FZ_ASSERT(hidden + fs.n == before, "%zu hidden + %zu kept != %zu", hidden, fs.n, before);
        FZ_ASSERT(ftl_baseline_unmatched(b) <= b->n, "more unmatched entries than entries");
        ftl_findings_free(&fs);
        ftl_baseline_free(b);
    }
    free(file);
    return 0;
}
