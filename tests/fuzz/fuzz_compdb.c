/* fuzz_compdb.c: libFuzzer target for compilation databases: arbitrary bytes written as
 * compile_commands.json in a scratch directory and loaded with ftl_compdb_load (validation,
 * command splitting, response files, libclang's loader, the flag filter), then every entry
 * looked up and its kept arguments checked (fuzz_flags_check.h). */
#include "compdb.h"
#include "fuzz_flags_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_init();
    /* A response file the inputs can name (@rsp or @DIR/rsp). */
    static const uint8_t rsp[] = "-DFROM_RSP '-I inc' \"-fplugin=x.so\" @rsp\n";
    free(fz_write("rsp", rsp, sizeof rsp - 1));
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *file = fz_write(FTL_COMPDB_NAME, data, size);
    ftl_compdb *db = ftl_compdb_load(fz_dir, fz_null);
    if (db) {
        for (size_t i = 0; i < db->n; i++) {
            const ftl_compile_cmd *c = &db->cmds[i];
            FZ_ASSERT(c->file[0] == '/' && c->directory[0] == '/', "relative paths in entry %zu", i);
            fz_check_kept(&c->argv);
            FZ_ASSERT(c->argv.n >= 2, "entry %zu kept no compiler", i);
            const ftl_compile_cmd *found = ftl_compdb_lookup(db, c->file);
            FZ_ASSERT(found != NULL && strcmp(found->file, c->file) == 0, "entry %zu not found", i);
        }
        char *missing = ftl_xasprintf("%s/no/such/file.c", fz_dir);
        FZ_ASSERT(ftl_compdb_lookup(db, missing) == NULL, "a missing file has an entry");
        free(missing);
        ftl_compdb_free(db);
    }
    free(file);
    return 0;
}
