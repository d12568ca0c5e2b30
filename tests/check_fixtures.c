/* check_fixtures.c: runs every fixture under fixtures/ through the engine and compares the
 * findings with the "expect:" markers written on the lines they concern. Any missing or extra
 * finding fails that fixture. Suppression comments are applied as in a real run, so
 * fixtures/unused-suppression and fixtures/bad-suppression test them the same way. Fixtures may
 * pass extra arguments on a line of their own:
 *     ftlint-args: -DNAME=1 -U Py_GIL_DISABLED
 */
#include "testutil.h"
#include "graph.h"
#include "pyinclude.h"
#include "suppress.h"

#include <ftw.h>

static ftl_strv fixtures;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && ((n > 2 && strcmp(path + n - 2, ".c") == 0) ||
                          (n > 4 && strcmp(path + n - 4, ".cpp") == 0) ||
                          (n > 3 && strcmp(path + n - 3, ".cc") == 0)))
        ftl_strv_push(&fixtures, path);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Compares findings of `path` (one file) with its expectations; returns a description of the
 * differences (caller frees) or NULL when they match. */
static char *compare(const char *path, const expect *ex, size_t nex, const ftl_findings *fs)
{
    ftl_buf diff = {0};
    bool *used = ftl_xcalloc(nex, sizeof *used);
    for (size_t i = 0; i < fs->n; i++) {
        const ftl_finding *f = &fs->v[i];
        if (strcmp(f->path, path) != 0) {
            ftl_buf_printf(&diff, "  finding outside the fixture: %s:%u %s\n", f->path, f->line,
                           f->rule->code);
            continue;
        }
        bool matched = false;
        for (size_t k = 0; k < nex && !matched; k++) {
            if (!used[k] && ex[k].line == f->line && strcmp(ex[k].code, f->rule->code) == 0) {
                used[k] = true;
                matched = true;
            }
        }
        if (!matched)
            ftl_buf_printf(&diff, "  unexpected: %s:%u:%u %s %s\n", path, f->line, f->col,
                           f->rule->code, f->message);
    }
    for (size_t k = 0; k < nex; k++)
        if (!used[k])
            ftl_buf_printf(&diff, "  missing: %s:%u %s\n", path, ex[k].line, ex[k].code);
    free(used);
    return diff.len ? ftl_buf_steal(&diff) : NULL;
}

START_TEST(fixture)
{
    const char *path = fixtures.v[_i];
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    size_t nex;
    expect *ex = parse_expectations(text, &nex);
    ftl_config cfg;
    tu_fixture_config(&cfg, text);
    CXIndex index = clang_createIndex(1, 0);
    ftl_findings fs = {0};
    ftl_file_result res;
    ftl_analyze_file(index, &cfg, path, &fs, &res);
    ftl_findings_resolve(&fs, res.graph);
    ftl_findings_sort_unique(&fs);
    /* As the driver does: suppression comments, then FT008/FT009 findings. */
    ftl_suppress_apply(&cfg, &res, 1, &fs);
    ftl_findings_sort_unique(&fs);
    ck_assert_msg(res.status == FTL_FILE_OK || res.status == FTL_FILE_HAD_ERRORS,
                  "%s could not be analysed: %s", path, res.reason ? res.reason : "?");
    char *diff = compare(path, ex, nex, &fs);
    ck_assert_msg(diff == NULL, "%s: findings differ from expectations:\n%s", path, diff);
    ftl_file_result_free(&res);
    ftl_findings_free(&fs);
    clang_disposeIndex(index);
    free(ex);
    free(text);
    free(cfg.enabled);
    free(cfg.python_include);
    ftl_strv_free(&cfg.clang_args);
}
END_TEST

/* The runner itself must be able to fail: a missing and an unexpected finding are reported. */
START_TEST(compare_detects_differences)
{
    expect ex[2] = {{3, "FT001"}, {5, "FT002"}};
    ftl_rule r = {.code = "FT001", .name = "x"};
    ftl_finding f = {.path = "a.c", .line = 4, .col = 1, .rule = &r, .message = "m"};
    ftl_findings fs = {.v = &f, .n = 1, .cap = 1};
    char *d = compare("a.c", ex, 2, &fs);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(strstr(d, "unexpected: a.c:4:1 FT001"));
    ck_assert_ptr_nonnull(strstr(d, "missing: a.c:3 FT001"));
    ck_assert_ptr_nonnull(strstr(d, "missing: a.c:5 FT002"));
    free(d);
    f.line = 3;
    expect one[1] = {{3, "FT001"}};
    ck_assert_ptr_null(compare("a.c", one, 1, &fs));
}
END_TEST

START_TEST(expectation_parsing)
{
    size_t n;
    expect *e = parse_expectations("a\nx; /* expect: FT001, FT003 */\n// expect: FT007\n", &n);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(e[0].line, 2);
    ck_assert_str_eq(e[1].code, "FT003");
    ck_assert_uint_eq(e[2].line, 3);
    free(e);
}
END_TEST

int main(void)
{
    nftw("fixtures", collect, 16, FTW_PHYS);
    if (fixtures.n)
        qsort(fixtures.v, fixtures.n, sizeof *fixtures.v, cmp_str);
    Suite *s = suite_create("fixtures");
    TCase *tc = tcase_create("fixtures");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, compare_detects_differences);
    tcase_add_test(tc, expectation_parsing);
    tcase_add_loop_test(tc, fixture, 0, (int)fixtures.n);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (fixtures.n == 0) {
        fputs("check_fixtures: no fixtures found (run from the source root)\n", stderr);
        failed = 1;
    }
    ftl_strv_free(&fixtures);
    return failed ? 1 : 0;
}
