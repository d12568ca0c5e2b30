/* check_fixes.c: --fix and --diff through the CLI: fixture pairs (x.c -> x.c.fixed), the diff
 * applies with patch -p0 to the same bytes, a second --fix changes nothing, refused fixes leave
 * the file byte-for-byte unchanged, CRLF endings survive, pythoncapi_compat.h handling. */
#include "testutil.h"
#include "fix.h"

#include <ftw.h>
#include <sys/stat.h>

static ftl_strv pairs;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && n > 6 && strcmp(path + n - 6, ".fixed") == 0) {
        char *src = ftl_xstrndup(path, n - 6);
        ftl_strv_push(&pairs, src);
        free(src);
    }
    return 0;
}

static char *slurp(const char *path)
{
    size_t len;
    char *s = ftl_read_file(path, &len);
    ck_assert_msg(s != NULL, "cannot read %s", path);
    return s;
}

/* A scratch directory holding a copy of src (as base name); caller frees both strings. */
static char *scratch_copy(const char *src, char **copy)
{
    char tmpl[] = "/tmp/ftlint-fix-XXXXXX";
    char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    *copy = ftl_xasprintf("%s/%s", dir, base);
    char *cmd = ftl_xasprintf("cp '%s' '%s'", src, *copy);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    free(cmd);
    return ftl_xstrdup(dir);
}

static void rm_rf(const char *dir)
{
    char *cmd = ftl_xasprintf("rm -rf '%s'", dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
}

START_TEST(fix_pairs)
{
    const char *src = pairs.v[_i];
    char *expected_path = ftl_xasprintf("%s.fixed", src);
    char *expected = slurp(expected_path);

    /* --fix */
    char *copy;
    char *dir = scratch_copy(src, &copy);
    char *cmd = ftl_xasprintf("./ftlint -q --fix --unsafe-fixes --min-python 3.13 '%s'", copy);
    run_cmd(cmd, NULL, 0);
    char *fixed = slurp(copy);
    ck_assert_msg(strcmp(fixed, expected) == 0, "--fix of %s differs from %s:\n%s", src,
                  expected_path, fixed);
    /* idempotent */
    run_cmd(cmd, NULL, 0);
    char *again = slurp(copy);
    ck_assert_str_eq(again, fixed);
    free(cmd);
    free(again);
    free(fixed);
    rm_rf(dir);
    free(dir);
    free(copy);

    /* --diff | patch -p0 gives the same bytes */
    dir = scratch_copy(src, &copy);
    const char *base = strrchr(copy, '/') + 1;
    cmd = ftl_xasprintf("cd '%s' && '%s/ftlint' -q --diff --unsafe-fixes --min-python 3.13 '%s' > fix.diff; "
                        "patch -s -p0 < fix.diff", dir, getenv("PWD"), base);
    ck_assert_int_eq(run_cmd(cmd, NULL, 1), 0);
    char *patched = slurp(copy);
    ck_assert_msg(strcmp(patched, expected) == 0, "patch -p0 of the --diff of %s differs", src);
    free(patched);
    free(cmd);
    rm_rf(dir);
    free(dir);
    free(copy);
    free(expected);
    free(expected_path);
}
END_TEST

static char *write_temp(const char *dir, const char *name, const char *text)
{
    char *p = ftl_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return p;
}

START_TEST(refused_fix_leaves_file_unchanged)
{
    char tmpl[] = "/tmp/ftlint-fix-XXXXXX";
    char *dir = mkdtemp(tmpl);
    /* The replacement name is broken by a project macro: the fixed text would not compile. */
    const char *src = "#include <Python.h>\n"
                      "#define PyList_GetItemRef(l, i) ((l) +* (i))\n"
                      "PyObject *f(PyObject *l) { return Py_NewRef(PyList_GetItem(l, 0)); }\n";
    char *p = write_temp(dir, "broken.c", src);
    chmod(p, 0640);
    char *cmd = ftl_xasprintf("./ftlint --fix --min-python 3.13 '%s'", p);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "refusing to fix"));
    ck_assert_ptr_nonnull(strstr(out, "the file is left unchanged"));
    char *after = slurp(p);
    ck_assert_str_eq(after, src);
    struct stat st;
    stat(p, &st);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    /* no temporary file left behind */
    char *ls = ftl_xasprintf("ls -A '%s'", dir);
    char *listing;
    run_cmd(ls, &listing, 0);
    ck_assert_str_eq(listing, "broken.c\n");
    free(listing);
    free(ls);
    free(after);
    free(out);
    free(cmd);
    free(p);
    rm_rf(dir);
}
END_TEST

START_TEST(crlf_and_mode_preserved)
{
    char tmpl[] = "/tmp/ftlint-fix-XXXXXX";
    char *dir = mkdtemp(tmpl);
    const char *src = "#include <Python.h>\r\nPyObject *f(PyObject *l)\r\n{\r\n\tPyObject *x = PyList_GetItem(l, 0);\r\n"
                      "\tPy_INCREF(x);\r\n\treturn x;\r\n}\r\n";
    const char *want = "#include <Python.h>\r\nPyObject *f(PyObject *l)\r\n{\r\n\tPyObject *x = PyList_GetItemRef(l, 0);\r\n"
                       "\treturn x;\r\n}\r\n";
    char *p = write_temp(dir, "crlf.c", src);
    chmod(p, 0604);
    char *cmd = ftl_xasprintf("./ftlint -q --fix --min-python 3.13 '%s'", p);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    char *after = slurp(p);
    ck_assert_str_eq(after, want);
    struct stat st;
    stat(p, &st);
    ck_assert_int_eq(st.st_mode & 0777, 0604);
    free(after);
    free(cmd);
    free(p);
    rm_rf(dir);
}
END_TEST

START_TEST(compat_header_added_once_when_available)
{
    char tmpl[] = "/tmp/ftlint-fix-XXXXXX";
    char *dir = mkdtemp(tmpl);
    const char *src = "#include <Python.h>\n"
                      "PyObject *f(PyObject *l) { return Py_NewRef(PyList_GetItem(l, 0)); }\n"
                      "PyObject *g(PyObject *l) { return Py_NewRef(PyList_GetItem(l, 1)); }\n";
    char *p = write_temp(dir, "old.c", src);
    /* Without the header: nothing changes, and the note says what to do. */
    char *cmd = ftl_xasprintf("./ftlint --fix --min-python 3.9 '%s'", p);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 1);
    ck_assert_ptr_nonnull(strstr(out, "vendor pythoncapi_compat.h"));
    char *after = slurp(p);
    ck_assert_str_eq(after, src);
    free(after);
    free(out);
    /* With the header next to the file: one include after Python.h, both calls fixed. */
    char *h = write_temp(dir, "pythoncapi_compat.h", "/* stand-in */\n");
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    after = slurp(p);
    ck_assert_str_eq(after,
                     "#include <Python.h>\n"
                     "#include \"pythoncapi_compat.h\"  /* from the pythoncapi-compat project: 3.13+ APIs on older Pythons */\n"
                     "PyObject *f(PyObject *l) { return PyList_GetItemRef(l, 0); }\n"
                     "PyObject *g(PyObject *l) { return PyList_GetItemRef(l, 1); }\n");
    free(after);
    free(h);
    free(cmd);
    free(p);
    rm_rf(dir);
}
END_TEST

START_TEST(diff_writes_nothing)
{
    char *copy;
    char *dir = scratch_copy("fixtures/fixes/same-shape.c", &copy);
    char *before = slurp(copy);
    char *cmd = ftl_xasprintf("./ftlint --diff --min-python 3.13 '%s'", copy);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 0), 1);
    ck_assert_ptr_nonnull(strstr(out, "--- "));
    ck_assert_ptr_nonnull(strstr(out, "+    PyObject *a = PyList_GetItemRef(list, 0);"));
    char *after = slurp(copy);
    ck_assert_str_eq(after, before);
    free(out);
    free(after);
    free(before);
    free(cmd);
    rm_rf(dir);
    free(dir);
    free(copy);
}
END_TEST

START_TEST(unified_diff_shapes)
{
    const char *old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\nn";
    ftl_edit e[2] = {{2, 3, "B", true, 0}, {26, 27, "N", true, 0}};
    ftl_buf out = {0};
    ftl_unified_diff("x.c", old, strlen(old), e, 2, &out);
    ck_assert_str_eq(out.s, "--- x.c\n+++ x.c\n"
                            "@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n"
                            "@@ -11,4 +11,4 @@\n k\n l\n m\n-n\n\\ No newline at end of file\n"
                            "+N\n\\ No newline at end of file\n");
    ftl_buf_free(&out);
}
END_TEST

START_TEST(unsafe_needs_fix_or_diff)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --unsafe-fixes x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "--unsafe-fixes needs --fix or --diff"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --min-python 2.7 x.c", &out, 1), 2);
    free(out);
}
END_TEST

int main(void)
{
    nftw("fixtures", collect, 16, FTW_PHYS);
    Suite *s = suite_create("fixes");
    TCase *tc = tcase_create("fixes");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, fix_pairs, 0, (int)pairs.n);
    tcase_add_test(tc, refused_fix_leaves_file_unchanged);
    tcase_add_test(tc, crlf_and_mode_preserved);
    tcase_add_test(tc, compat_header_added_once_when_available);
    tcase_add_test(tc, diff_writes_nothing);
    tcase_add_test(tc, unified_diff_shapes);
    tcase_add_test(tc, unsafe_needs_fix_or_diff);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    int n = (int)pairs.n;
    ftl_strv_free(&pairs);
    if (n == 0) {
        fputs("check_fixes: no fixture pairs found (run from the source root)\n", stderr);
        return 1;
    }
    return failed ? 1 : 0;
}
