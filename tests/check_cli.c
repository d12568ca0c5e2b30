/* check_cli.c: the ftlint command as users run it: exit codes, text output, options, man page. */
#include "testutil.h"

START_TEST(version_and_help)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --version", &out, 0), 0);
    ck_assert_ptr_nonnull(strstr(out, "ftlint " FTLINT_VERSION));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --help", &out, 0), 0);
    ck_assert_ptr_nonnull(strstr(out, "usage: ftlint"));
    free(out);
}
END_TEST

START_TEST(usage_errors_exit_2)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --no-such-option x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "unknown option '--no-such-option'"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --color sometimes x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "'sometimes' is not one of auto, always, never"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --select FT999 x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "unknown rule 'FT999'"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "no PATH given"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint -I", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "needs an argument"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --python-include /nonexistent x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "no Python.h in '/nonexistent'"));
    free(out);
}
END_TEST

START_TEST(missing_path_exit_2)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint does/not/exist.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "does/not/exist.c: No such file or directory"));
    free(out);
}
END_TEST

START_TEST(demo_findings_exit_1)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --color never examples/demo", &out, 0), 1);
    /* GCC style, path as given, rule code and name, source line, caret and help. */
    ck_assert_ptr_nonnull(strstr(out, "examples/demo/"));
    ck_assert_ptr_nonnull(strstr(out, ": warning: PyDict_GetItem returns a borrowed reference"));
    ck_assert_ptr_nonnull(strstr(out, "[FT001 borrowed-ref]"));
    ck_assert_ptr_nonnull(strstr(out, "    help: use PyDict_GetItemRef("));
    ck_assert_ptr_nonnull(strstr(out, "^~~~"));
    ck_assert_ptr_null(strstr(out, "\033["));
    free(out);
}
END_TEST

START_TEST(clean_file_exit_0)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --select FT001 fixtures/borrowed-ref/compat.c --ignore borrowed-ref", &out, 1), 0);
    ck_assert_ptr_nonnull(strstr(out, "0 findings; 1 file analysed"));
    free(out);
}
END_TEST

START_TEST(quiet_prints_only_finding_lines)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint -q fixtures/borrowed-ref/macros.c", &out, 1), 1);
    size_t lines = 0;
    for (char *p = out; *p; p++)
        lines += *p == '\n';
    ck_assert_uint_eq(lines, 5);
    ck_assert_ptr_null(strstr(out, "help:"));
    ck_assert_ptr_null(strstr(out, "finding"));
    free(out);
}
END_TEST

START_TEST(incref_message)
{
    char *out;
    run_cmd("./ftlint -q fixtures/borrowed-ref/macros.c", &out, 0);
    ck_assert_ptr_nonnull(strstr(out, "macros.c:14:19: warning: PyList_GetItem returns a borrowed "
                                      "reference to an item of list 'list'; another thread can "
                                      "remove or replace it and free it while it is in use; the "
                                      "Py_INCREF that follows does not help"));
    /* Wrapped in Py_NewRef(): same note. Not followed by an incref of the result: no note. */
    ck_assert_ptr_nonnull(strstr(out, "macros.c:12:29: warning: PyList_GET_ITEM returns a borrowed "
                                      "reference to an item of list 'list'; another thread can "
                                      "remove or replace it and free it while it is in use; the "
                                      "Py_INCREF that follows does not help"));
    ck_assert_ptr_null(strstr(out, "macros.c:10:19: warning: PyDict_GetItem returns a borrowed "
                                   "reference to a value of dict 'dict'; another thread can "
                                   "remove or replace it and free it while it is in use; the"));
    free(out);
}
END_TEST

START_TEST(list_and_explain)
{
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --list-rules", &out, 0), 0);
    ck_assert_ptr_nonnull(strstr(out, "FT001  borrowed-ref"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --explain ft001", &out, 0), 0);
    ck_assert_ptr_nonnull(strstr(out, "FT001 borrowed-ref"));
    ck_assert_ptr_nonnull(strstr(out, "## Use instead"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --explain borrowed-ref", &out, 0), 0);
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --explain FT999", &out, 1), 2);
    free(out);
}
END_TEST

START_TEST(color_always)
{
    char *out;
    run_cmd("./ftlint --color=always -q fixtures/borrowed-ref/macros.c", &out, 0);
    ck_assert_ptr_nonnull(strstr(out, "\033[1;35mwarning:"));
    free(out);
}
END_TEST

START_TEST(cython_output_skipped)
{
    char *out;
    int st = run_cmd("d=$(mktemp -d) && printf '/* Generated by Cython 3.0 */\\nint x;\\n' > $d/m.c && "
                     "./ftlint $d; echo \"rc=$?\"; rm -rf $d", &out, 1);
    ck_assert_int_eq(st, 0);
    ck_assert_ptr_nonnull(strstr(out, "generated by Cython; fix the .pyx source"));
    ck_assert_ptr_nonnull(strstr(out, "rc=0"));
    free(out);
}
END_TEST

START_TEST(directory_walk_skips_build_and_venv)
{
    char *out;
    run_cmd("d=$(mktemp -d) && mkdir -p $d/src $d/build $d/.git $d/env && touch $d/env/pyvenv.cfg && "
            "for x in src/a.c build/b.c .git/c.c env/d.c src/e.cpp src/f.h src/g.txt; do "
            "printf 'int v;\\n' > $d/$x; done && ./ftlint $d; rm -rf $d", &out, 1);
    ck_assert_ptr_nonnull(strstr(out, "2 files analysed"));
    free(out);
}
END_TEST

/* A .c file #included by another source is analysed through it, not alone. */
START_TEST(included_sources_analysed_through_includer)
{
    char *out;
    run_cmd("d=$(mktemp -d) && printf '#include <Python.h>\\n#include \"part.c\"\\n' > $d/main.c && "
            "printf 'PyObject *g(PyObject *d) { return PyDict_GetItemString(d, \"k\"); }\\n' > $d/part.c && "
            "./ftlint --color never -v $d; rm -rf $d", &out, 1);
    ck_assert_ptr_nonnull(strstr(out, "part.c is #included by another source and analysed through it"));
    ck_assert_ptr_nonnull(strstr(out, "part.c:1:35: warning: PyDict_GetItemString"));
    ck_assert_ptr_nonnull(strstr(out, "1 finding; 1 file analysed"));
    free(out);
}
END_TEST

/* Every option --help shows must be documented in the man page. */
START_TEST(man_page_documents_every_option)
{
    char *help;
    run_cmd("./ftlint --help", &help, 0);
    size_t len;
    char *man = ftl_read_file("man/ftlint.1", &len);
    ck_assert_ptr_nonnull(man);
    int checked = 0;
    for (char *p = help; (p = strstr(p, "\n  -")) != NULL; p++) {
        char opt[64];
        const char *q = p + 3;
        /* "-q, --quiet" lists both; check the long one when present. */
        const char *dd = strstr(q, "--");
        const char *nl = strchr(q, '\n');
        if (dd && nl && dd < nl && (size_t)(dd - q) < 8)
            q = dd;
        size_t n = strcspn(q, " ,\n=");
        snprintf(opt, sizeof opt, "%.*s", (int)n, q);
        /* man pages escape dashes: \-\-name */
        ftl_buf esc = {0};
        for (size_t i = 0; opt[i]; i++)
            ftl_buf_puts(&esc, opt[i] == '-' ? "\\-" : (char[]){opt[i], 0});
        ck_assert_msg(strstr(man, esc.s) != NULL, "option %s is missing from man/ftlint.1", opt);
        ftl_buf_free(&esc);
        checked++;
    }
    ck_assert_int_ge(checked, 10);
    free(help);
    free(man);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, version_and_help);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, missing_path_exit_2);
    tcase_add_test(tc, demo_findings_exit_1);
    tcase_add_test(tc, clean_file_exit_0);
    tcase_add_test(tc, quiet_prints_only_finding_lines);
    tcase_add_test(tc, incref_message);
    tcase_add_test(tc, list_and_explain);
    tcase_add_test(tc, color_always);
    tcase_add_test(tc, cython_output_skipped);
    tcase_add_test(tc, directory_walk_skips_build_and_venv);
    tcase_add_test(tc, man_page_documents_every_option);
    tcase_add_test(tc, included_sources_analysed_through_includer);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
