/* check_hostile.c: bad input through the CLI. Each case gets one clear message naming the file
 * and the problem, a defined exit status, no crash and no damaged file. */
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>

static char *dir;

static void setup(void)
{
    char tmpl[] = "/tmp/ftlint-hostile-XXXXXX";
    char *d = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(d);
    dir = ftl_xstrdup(d);
}

static void teardown(void)
{
    char *cmd = ftl_xasprintf("chmod -R u+rwx '%s'; rm -rf '%s'", dir, dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    free(dir);
}

/* Runs ftlint with args (a printf-style tail) inside the scratch directory. */
static int ftlint_in_dir(char **out, const char *args)
{
    char *cwd = getcwd(NULL, 0);
    char *cmd = ftl_xasprintf("cd '%s' && '%s/ftlint' --color never %s", dir, cwd, args);
    int st = run_cmd(cmd, out, 1);
    free(cmd);
    free(cwd);
    return st;
}

static void put(const char *name, const char *text, size_t len)
{
    char *p = ftl_xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_ptr_nonnull(f);
    fwrite(text, 1, len, f);
    fclose(f);
    free(p);
}

#define PUTS(name, text) put(name, text, strlen(text))

START_TEST(directory_without_sources)
{
    PUTS("README", "nothing here\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "."), 0);
    ck_assert_ptr_nonnull(strstr(out, "0 findings; 0 files analysed"));
    free(out);
}
END_TEST

START_TEST(unreadable_file)
{
    if (geteuid() == 0)
        return;   /* root reads everything: covered by the vanished-file case below */
    PUTS("secret.c", "int x;\n");
    char *p = ftl_xasprintf("%s/secret.c", dir);
    chmod(p, 0);
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "secret.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "secret.c: cannot read: Permission denied"));
    free(out);
    free(p);
}
END_TEST

START_TEST(file_that_vanishes)
{
    /* A dangling symbolic link named like a source: the file disappeared after it was listed. */
    char *link = ftl_xasprintf("%s/gone.c", dir);
    ck_assert_int_eq(symlink("/nonexistent/ftlint-gone.c", link), 0);
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "gone.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "gone.c: No such file or directory"));
    free(out);
    free(link);
}
END_TEST

START_TEST(empty_file)
{
    PUTS("empty.c", "");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "empty.c"), 0);
    ck_assert_ptr_nonnull(strstr(out, "0 findings; 1 file analysed"));
    free(out);
}
END_TEST

START_TEST(binary_file)
{
    put("blob.c", "\x7f" "ELF\0\0\1\2\3\0\xff\xfe", 12);
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "blob.c"), 0);
    ck_assert_ptr_nonnull(strstr(out, "skipping blob.c: binary file (contains NUL bytes)"));
    free(out);
}
END_TEST

START_TEST(syntax_errors_and_missing_headers)
{
    PUTS("bad.c", "#include <Python.h>\n#include \"no_such_header.h\"\n"
                  "PyObject *f(PyObject *d) { int = ; return PyDict_GetItemString(d, \"k\"); }\n"
                  "struct { oops\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "-v bad.c"), 1);
    ck_assert_ptr_nonnull(strstr(out, "'no_such_header.h' file not found"));
    ck_assert_ptr_nonnull(strstr(out, "bad.c:3:"));   /* the finding survives the errors */
    ck_assert_ptr_nonnull(strstr(out, "1 with compiler errors"));
    free(out);
}
END_TEST

START_TEST(very_long_lines_and_deep_nesting)
{
    ftl_buf b = {0};
    ftl_buf_puts(&b, "#include <Python.h>\n"
                     "PyObject *f(PyObject *l) { return PyList_GetItem(l, 0); }\nint v = ");
    for (int i = 0; i < 200000; i++)
        ftl_buf_puts(&b, "1+");
    ftl_buf_puts(&b, "1;\nint w = ");
    for (int i = 0; i < 5000; i++)
        ftl_buf_puts(&b, "(");
    ftl_buf_puts(&b, "1");
    for (int i = 0; i < 5000; i++)
        ftl_buf_puts(&b, ")");
    ftl_buf_puts(&b, ";\n");
    put("deep.c", b.s, b.len);
    ftl_buf_free(&b);
    char *out;
    int st = ftlint_in_dir(&out, "deep.c");
    ck_assert_msg(st == 1, "exit %d: %s", st, out);
    ck_assert_ptr_nonnull(strstr(out, "deep.c:2:"));
    free(out);
}
END_TEST

START_TEST(ten_megabyte_source)
{
    ftl_buf b = {0};
    ftl_buf_puts(&b, "#include <Python.h>\n");
    int n = 0;
    while (b.len < 10u * 1024 * 1024)
        ftl_buf_printf(&b, "static int f%d(int x) { return x * %d + 1; }\n", n, n), n++;
    ftl_buf_puts(&b, "PyObject *g(PyObject *l) { return PyList_GetItem(l, 0); }\n");
    put("huge.c", b.s, b.len);
    ftl_buf_free(&b);
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "-q huge.c"), 1);
    ck_assert_ptr_nonnull(strstr(out, "PyList_GetItem returns a borrowed reference"));
    free(out);
}
END_TEST

START_TEST(non_utf8_bytes_in_source_and_names)
{
    PUTS("caf\xe9.c", "#include <Python.h>\n/* \xff\xfe bytes */ PyObject *f(PyObject *l)\n"
                      "{ return PyList_GetItem(l, 0); } /* \xe9t\xe9 */\n");
    PUTS("esc\x1b[31m.c", "#include <Python.h>\nPyObject *f(PyObject *l) { return PyList_GetItem(l, 0); }\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "."), 1);
    /* File names are printed with their bytes escaped: no raw escape sequence reaches the
     * terminal. */
    ck_assert_ptr_nonnull(strstr(out, "esc\\x1b[31m.c:2:"));
    ck_assert_ptr_null(strstr(out, "\x1b[31m"));
    ck_assert_ptr_nonnull(strstr(out, "caf\xe9.c:3:"));
    free(out);
}
END_TEST

START_TEST(symlink_loop)
{
    char *a = ftl_xasprintf("%s/sub", dir);
    mkdir(a, 0755);
    char *loop = ftl_xasprintf("%s/sub/loop", dir);
    ck_assert_int_eq(symlink("..", loop), 0);
    char *self = ftl_xasprintf("%s/self.c", dir);
    ck_assert_int_eq(symlink("self.c", self), 0);
    PUTS("sub/ok.c", "int ok;\n");
    char *out;
    int st = ftlint_in_dir(&out, ".");
    ck_assert_msg(st == 0, "exit %d: %s", st, out);
    ck_assert_ptr_nonnull(strstr(out, "1 file analysed"));
    free(out);
    /* Named explicitly, a self-referencing link is one clear error. */
    ck_assert_int_eq(ftlint_in_dir(&out, "self.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "self.c: Too many levels of symbolic links"));
    free(out);
    free(self);
    free(loop);
    free(a);
}
END_TEST

START_TEST(control_characters_in_messages_escaped)
{
    /* A crafted argument text cannot inject escapes into the message. */
    PUTS("m.c", "#include <Python.h>\n#define D(x) x\nPyObject *f(PyObject *l) "
                "{ return PyList_GetItem(l /* \x1b]0;pwned\x07 */, 0); }\n");
    char *out;
    ftlint_in_dir(&out, "m.c");
    ck_assert_ptr_null(strstr(out, "\x1b]0;"));
    free(out);
}
END_TEST

START_TEST(output_in_missing_directory)
{
    PUTS("a.c", "int a;\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "--format json -o no/such/dir/out.json a.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "no/such/dir/out.json"));
    free(out);
}
END_TEST

START_TEST(sigint_during_fix_leaves_files_whole)
{
    /* Many files to fix; interrupt at several points. Every file must be either the original
     * or the fully fixed text, and no temporary file may remain. */
    const char *orig = "#include <Python.h>\nPyObject *f(PyObject *l) { return Py_NewRef(PyList_GetItem(l, 0)); }\n";
    const char *fixed = "#include <Python.h>\nPyObject *f(PyObject *l) { return PyList_GetItemRef(l, 0); }\n";
    for (int i = 0; i < 30; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%02d.c", i);
        PUTS(name, orig);
    }
    char *cwd = getcwd(NULL, 0);
    char *cmd = ftl_xasprintf("cd '%s' && ('%s/ftlint' -q --fix --min-python 3.13 . & pid=$!; "
                              "sleep 1.5; kill -INT $pid; wait $pid; echo rc=$?)", dir, cwd);
    char *out;
    run_cmd(cmd, &out, 1);
    ck_assert_ptr_null(strstr(out, "rc=139"));   /* no crash */
    for (int i = 0; i < 30; i++) {
        char *p = ftl_xasprintf("%s/f%02d.c", dir, i);
        size_t len;
        char *t = ftl_read_file(p, &len);
        ck_assert_ptr_nonnull(t);
        ck_assert_msg(strcmp(t, orig) == 0 || strcmp(t, fixed) == 0, "%s is damaged: %s", p, t);
        free(t);
        free(p);
    }
    char *ls = ftl_xasprintf("ls -A '%s' | grep -c ftlint-fix || true", dir);
    char *n;
    run_cmd(ls, &n, 0);
    ck_assert_str_eq(n, "0\n");
    free(n);
    free(ls);
    free(out);
    free(cmd);
    free(cwd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, directory_without_sources);
    tcase_add_test(tc, unreadable_file);
    tcase_add_test(tc, file_that_vanishes);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, binary_file);
    tcase_add_test(tc, syntax_errors_and_missing_headers);
    tcase_add_test(tc, very_long_lines_and_deep_nesting);
    tcase_add_test(tc, ten_megabyte_source);
    tcase_add_test(tc, non_utf8_bytes_in_source_and_names);
    tcase_add_test(tc, symlink_loop);
    tcase_add_test(tc, control_characters_in_messages_escaped);
    tcase_add_test(tc, output_in_missing_directory);
    tcase_add_test(tc, sigint_during_fix_leaves_files_whole);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
