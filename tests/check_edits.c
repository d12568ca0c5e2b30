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

/* The edit of f that replaces the text `old` on line `line` of path; fails when there is none. */
static const ftl_edit *edit_of(const char *path, const ftl_finding *f, unsigned line, const char *old)
{
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    const ftl_edit *found = NULL;
    for (size_t i = 0; i < f->nedits && !found; i++) {
        const ftl_edit *e = &f->edits[i];
        ck_assert_uint_le(e->end, len);
        unsigned l = 1;
        for (unsigned k = 0; k < e->begin; k++)
            l += text[k] == '\n';
        if (l == line && e->end - e->begin == strlen(old) && memcmp(text + e->begin, old, strlen(old)) == 0)
            found = e;
    }
    free(text);
    ck_assert_msg(found != NULL, "no edit of '%s' on line %u in the finding on line %u", old, line, f->line);
    return found;
}

START_TEST(object_malloc_renames)
{
    const char *path = "fixtures/object-malloc/edits.c";
    ftl_findings fs;
    analyse(path, "FT004", &fs);
    ck_assert_uint_eq(fs.n, 4);

    /* allocation and release in one function, both spelled directly: each finding carries both
     * renames, safe, so fixing either fixes both */
    for (unsigned line = 9; line <= 11; line += 2) {
        const ftl_finding *f = at_line(&fs, line);
        ck_assert_uint_eq(f->nedits, 2);
        const ftl_edit *e = edit_of(path, f, 9, "PyObject_Malloc");
        ck_assert_str_eq(e->replacement, "PyMem_Malloc");
        ck_assert(e->safe);
        e = edit_of(path, f, 11, "PyObject_FREE");
        ck_assert_str_eq(e->replacement, "PyMem_Free");
        ck_assert(e->safe);
    }

    /* the release goes through a macro of the file: no edit there, the allocation's is unsafe */
    const ftl_finding *f = at_line(&fs, 16);
    ck_assert_uint_eq(f->nedits, 1);
    ck_assert(!edit_of(path, f, 16, "PyObject_Malloc")->safe);
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
    /* self->values = PyObject_Realloc(self->values, ...) in one function, PyObject_Free of the
     * field in another: renamed together */
    const ftl_finding *f = at_line(&fs, 47);
    ck_assert_uint_eq(f->nedits, 2);
    ck_assert_str_eq(edit_of(path, f, 47, "PyObject_Realloc")->replacement, "PyMem_Realloc");
    ck_assert_str_eq(edit_of(path, f, 55, "PyObject_Free")->replacement, "PyMem_Free");
    /* PyObject_Del(items) becomes PyMem_Free(items); PyObject_MALLOC becomes PyMem_Malloc */
    f = at_line(&fs, 32);
    ck_assert_str_eq(edit_of(path, f, 32, "PyObject_Del")->replacement, "PyMem_Free");
    ck_assert_str_eq(edit_of(path, f, 23, "PyObject_Malloc")->replacement, "PyMem_Malloc");
    f = at_line(&fs, 24);
    ck_assert_str_eq(edit_of(path, f, 24, "PyObject_MALLOC")->replacement, "PyMem_Malloc");
    /* one allocation released in two places: three renames on each of the three findings */
    for (unsigned line = 62; line <= 78; line += 8) {
        f = at_line(&fs, line);
        ck_assert_uint_eq(f->nedits, 3);
        edit_of(path, f, 62, "PyObject_Malloc");
        edit_of(path, f, 70, "PyObject_Free");
        edit_of(path, f, 78, "PyObject_Free");
    }
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
