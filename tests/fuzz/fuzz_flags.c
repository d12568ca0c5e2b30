/* fuzz_flags.c: libFuzzer target for the compilation-database flag filter on argument vectors:
 * the input is split at newlines into argv (argv[0] the compiler) and filtered with
 * ftl_compdb_filter; whatever it keeps must pass fuzz_flags_check.h. */
#include "compdb.h"
#include "fuzz_flags_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ftl_strv args = {0};
    size_t b = 0;
    for (size_t i = 0; i <= size; i++) {
        if (i == size || data[i] == '\n') {
            char *a = ftl_xstrndup((const char *)data + b, i - b);
            ftl_strv_push(&args, a);
            free(a);
            b = i + 1;
        }
    }
    ftl_strv kept = {0}, py = {0}, unsafe = {0}, unused = {0};
    ftl_compdb_filter((const char *const *)args.v, args.n, "/proj/build", &kept, &py, &unsafe, &unused);
    fz_check_kept(&kept);
    FZ_ASSERT(kept.n <= 2 * args.n + 2, "kept %zu of %zu", kept.n, args.n);
    ftl_strv_free(&kept);
    ftl_strv_free(&py);
    ftl_strv_free(&unsafe);
    ftl_strv_free(&unused);
    ftl_strv_free(&args);
    return 0;
}
