/* check_edits.c: the edits rules attach to findings: exact byte ranges, replacements, and the
 * safe flag (FT004: safe only when every allocation and release of the memory in the file is
 * renamed together). */
#include "testutil.h"
#include "pyinclude.h"

/* Analyses path with only `code` enabled; the caller frees fs with ftl_findings_free. */
static void analyse(const char *path, const char *code, ftl_findings *fs)
{
    ftl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.gil_disabled = true;
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    int r = ftl_rule_lookup(code);
    ck_assert_int_ge(r, 0);
    cfg.enabled[r] = true;
    cfg.python_include = ftl_find_python_include();
    CXIndex index = clang_createIndex(1, 0);
    ftl_file_result res;
    memset(fs, 0, sizeof *fs);
    ftl_analyze_file(index, &cfg, path, fs, &res);
    ftl_findings_sort_unique(fs);
    ck_assert(res.status == FTL_FILE_OK || res.status == FTL_FILE_HAD_ERRORS);
    ftl_file_result_free(&res);
    clang_disposeIndex(index);
    free(cfg.enabled);
    free(cfg.python_include);
}

static const ftl_finding *at_line(const ftl_findings *fs, unsigned line)
{
    for (size_t i = 0; i < fs->n; i++)
        if (fs->v[i].line == line)
            return &fs->v[i];
    ck_abort_msg("no finding on line %u", line);
    return NULL;
}

/* The text an edit replaces. Caller frees. */
static char *edited_text(const char *path, const ftl_edit *e)
{
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_uint_le(e->end, len);
    char *s = ftl_xstrndup(text + e->begin, e->end - e->begin);
    free(text);
    return s;
}

START_TEST(object_malloc_renames)
{
    const char *path = "fixtures/object-malloc/edits.c";
    ftl_findings fs;
    analyse(path, "FT004", &fs);
    ck_assert_uint_eq(fs.n, 4);

    /* allocation and release in one function, both spelled directly: safe */
    const ftl_finding *f = at_line(&fs, 9);
    ck_assert_uint_eq(f->nedits, 1);
    char *old = edited_text(path, &f->edits[0]);
    ck_assert_str_eq(old, "PyObject_Malloc");
    ck_assert_str_eq(f->edits[0].replacement, "PyMem_Malloc");
    ck_assert(f->edits[0].safe);
    free(old);
    f = at_line(&fs, 11);
    ck_assert_uint_eq(f->nedits, 1);
    old = edited_text(path, &f->edits[0]);
    ck_assert_str_eq(old, "PyObject_FREE");
    ck_assert_str_eq(f->edits[0].replacement, "PyMem_Free");
    ck_assert(f->edits[0].safe);
    free(old);

    /* the release goes through a macro of the file: no edit there, the allocation's is unsafe */
    f = at_line(&fs, 16);
    ck_assert_uint_eq(f->nedits, 1);
    ck_assert(!f->edits[0].safe);
    f = at_line(&fs, 17);
    ck_assert_uint_eq(f->nedits, 0);
    ftl_findings_free(&fs);
}
END_TEST

START_TEST(object_malloc_realloc_and_fields)
{
    const char *path = "fixtures/object-malloc/buffers.c";
    ftl_findings fs;
    analyse(path, "FT004", &fs);
    /* self->values = PyObject_Realloc(self->values, ...): one finding, renamed to PyMem_Realloc */
    const ftl_finding *f = at_line(&fs, 47);
    ck_assert_uint_eq(f->nedits, 1);
    char *old = edited_text(path, &f->edits[0]);
    ck_assert_str_eq(old, "PyObject_Realloc");
    ck_assert_str_eq(f->edits[0].replacement, "PyMem_Realloc");
    free(old);
    /* PyObject_Del(items) becomes PyMem_Free(items) */
    f = at_line(&fs, 32);
    old = edited_text(path, &f->edits[0]);
    ck_assert_str_eq(old, "PyObject_Del");
    ck_assert_str_eq(f->edits[0].replacement, "PyMem_Free");
    free(old);
    ftl_findings_free(&fs);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("edits");
    TCase *tc = tcase_create("edits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, object_malloc_renames);
    tcase_add_test(tc, object_malloc_realloc_and_fields);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
