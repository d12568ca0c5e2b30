/* check_shared_state.c: what FT005 (ob-mutex), FT006 (missing-mod-gil) and FT007
 * (unguarded-global) print, beyond the codes and lines the fixtures check: severities, the
 * messages and help lines users act on, and the decisions made over a whole run (call graphs
 * across files, sources included by other sources). */
#include "testutil.h"

/* Runs ftlint and returns its standard output (caller frees); *rc gets the exit status. */
static char *lint(const char *args, int *rc)
{
    char *cmd = ftl_xasprintf("./ftlint --color never %s", args);
    char *out;
    *rc = run_cmd(cmd, &out, 0);
    free(cmd);
    return out;
}

START_TEST(ob_mutex_names_the_critical_section)
{
    int rc;
    char *out = lint("--select FT005 fixtures/ob-mutex/lock.c", &rc);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(out, "lock.c:23:5: warning: PyMutex_Lock(&((PyObject *)self)->ob_mutex) "
                                      "takes the lock critical sections use"));
    ck_assert_ptr_nonnull(strstr(out, "help: replace PyMutex_Lock(&((PyObject *)self)->ob_mutex) with "
                                      "Py_BEGIN_CRITICAL_SECTION(self)"));
    ck_assert_ptr_nonnull(strstr(out, "use Py_END_CRITICAL_SECTION() [FT005 ob-mutex]"));
    free(out);
    out = lint("--select FT005 fixtures/ob-mutex/near.c", &rc);
    ck_assert_ptr_nonnull(strstr(out, "(the call is in a macro of this project: change its definition)"));
    free(out);
}
END_TEST

START_TEST(mod_gil_help_has_the_lines_and_used_is_a_note)
{
    int rc;
    char *out = lint("--select FT006 fixtures/missing-mod-gil/slots.c", &rc);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(out, "slots.c:8:25: warning: module slots 'missing' have no Py_mod_gil slot"));
    ck_assert_ptr_nonnull(strstr(out, "before the {0, NULL} sentinel: #ifdef Py_GIL_DISABLED / "
                                      "{Py_mod_gil, Py_MOD_GIL_NOT_USED}, / #endif"));
    ck_assert_ptr_nonnull(strstr(out, "slots.c:70:5: note: module slots 'keeps_the_gil' declare "
                                      "Py_MOD_GIL_USED"));
    ck_assert_ptr_null(strstr(out, "warning: module slots 'keeps_the_gil'"));
    free(out);
    out = lint("--select FT006 fixtures/missing-mod-gil/single.c", &rc);
    ck_assert_ptr_nonnull(strstr(out, "single.c:8:16: warning: PyInit_plain creates its module without "
                                      "PyUnstable_Module_SetGIL"));
    ck_assert_ptr_nonnull(strstr(out, "#ifdef Py_GIL_DISABLED / PyUnstable_Module_SetGIL(m, "
                                      "Py_MOD_GIL_NOT_USED); / #endif"));
    ck_assert_ptr_nonnull(strstr(out, "single.c:37:5: note: PyUnstable_Module_SetGIL(..., Py_MOD_GIL_USED)"));
    free(out);
}
END_TEST

/* An init function clang could not fully read (a macro from a missing header) may hold the
 * declaration: absence is not reported there. */
START_TEST(mod_gil_silent_when_init_has_errors)
{
    int rc;
    char *out;
    rc = run_cmd("d=$(mktemp -d) && printf '#include <Python.h>\\n"
                 "static struct PyModuleDef d = {PyModuleDef_HEAD_INIT, \"m\", NULL, -1, NULL};\\n"
                 "PyMODINIT_FUNC PyInit_m(void) {\\n"
                 "    PyObject *m = PyModule_Create(&d);\\n"
                 "    GENERATED_SETUP(m)\\n"
                 "    return m;\\n}\\n' > $d/m.c && ./ftlint -q --select FT006 $d/m.c; echo \"rc=$?\"; "
                 "sed -i 's/    GENERATED_SETUP(m)//' $d/m.c && ./ftlint -q --select FT006 $d/m.c; "
                 "echo \"rc=$?\"; rm -rf $d", &out, 0);
    ck_assert_int_eq(rc, 0);
    /* with the error: nothing; without it: the finding */
    char *first = strstr(out, "rc=0");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(out, "rc=0\nrc=0"));
    ck_assert_ptr_nonnull(strstr(first, "PyInit_m creates its module without PyUnstable_Module_SetGIL"));
    ck_assert_ptr_nonnull(strstr(first, "rc=1"));
    free(out);
}
END_TEST

START_TEST(unguarded_global_messages)
{
    int rc;
    char *out = lint("--select FT007 fixtures/unguarded-global/writes.c", &rc);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(out, "writes.c:24:5: warning: global 'counter' is updated in 'bump' "
                                      "without a lock"));
    ck_assert_ptr_nonnull(strstr(out, "(1 more write of 'counter' in 'bump')"));
    ck_assert_ptr_nonnull(strstr(out, "help: declare it 'static _Atomic long counter;'"));
    ck_assert_ptr_nonnull(strstr(out, "PyMutex_Lock(&counter_lock); counter++; PyMutex_Unlock(&counter_lock);"));
    ck_assert_ptr_nonnull(strstr(out, "global 'slots_used' is passed to 'PyArg_ParseTuple', which may "
                                      "write it, in 'by_address'"));
    ck_assert_ptr_nonnull(strstr(out, "static 'calls' is updated in 'local_statics'"));
    free(out);
    out = lint("--select FT007 fixtures/unguarded-global/lazy.c", &rc);
    ck_assert_ptr_nonnull(strstr(out, "global 'json_module' is initialised lazily in 'get_json' without "
                                      "a lock: two threads can both find it unset"));
    ck_assert_ptr_nonnull(strstr(out, "create it in the module's Py_mod_exec function"));
    ck_assert_ptr_nonnull(strstr(out, "PyMutex_Lock(&json_module_lock)"));
    free(out);
    /* `if (counts[2] < 10) counts[2]++;` is a bound, not a lazy initialisation */
    out = lint("--select FT007 fixtures/unguarded-global/locks.c", &rc);
    ck_assert_ptr_nonnull(strstr(out, "global 'counts' is updated in 'bounded'"));
    ck_assert_ptr_null(strstr(out, "initialised lazily"));
    free(out);
    out = lint("--select FT007 fixtures/unguarded-global/cxx.cpp", &rc);
    ck_assert_ptr_nonnull(strstr(out, "std::lock_guard<std::mutex>"));
    free(out);
}
END_TEST

/* A function called only from another file's module initialisation is serial once the run sees
 * both files; alone, its callers are unknown. */
START_TEST(unguarded_global_call_graph_spans_files)
{
    int rc;
    char *out = lint("--select FT007 fixtures/unguarded-global/crossfile/helper.c", &rc);
    ck_assert_int_eq(rc, 1);
    ck_assert_ptr_nonnull(strstr(out, "global 'tables' is written in 'load_tables'"));
    free(out);
    out = lint("--select FT007 fixtures/unguarded-global/crossfile", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_null(strstr(out, "load_tables"));
    free(out);
}
END_TEST

/* A source that another analysed source #includes is reported through the includer only. */
START_TEST(included_sources_reported_through_includer)
{
    int rc;
    char *out = lint("--select FT007 fixtures/unguarded-global/fragment/part.c", &rc);
    ck_assert_int_eq(rc, 1);
    free(out);
    out = lint("--select FT007 fixtures/unguarded-global/fragment", &rc);
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_null(strstr(out, "configured_level"));
    free(out);
}
END_TEST

/* Every rule has its row in the README table and its entry in the man page. */
START_TEST(rules_documented)
{
    size_t len;
    char *readme = ftl_read_file("README.md", &len);
    char *man = ftl_read_file("man/ftlint.1", &len);
    ck_assert_ptr_nonnull(readme);
    ck_assert_ptr_nonnull(man);
    for (size_t i = 0; i < ftl_nrules; i++) {
        char *row = ftl_xasprintf("| %s | `%s` |", ftl_rules[i]->code, ftl_rules[i]->name);
        ck_assert_msg(strstr(readme, row), "README.md has no row for %s", ftl_rules[i]->code);
        free(row);
        ftl_buf esc = {0};
        ftl_buf_printf(&esc, ".B %s ", ftl_rules[i]->code);
        for (const char *p = ftl_rules[i]->name; *p; p++)
            ftl_buf_puts(&esc, *p == '-' ? "\\-" : (char[]){*p, 0});
        ck_assert_msg(strstr(man, esc.s), "man/ftlint.1 has no entry for %s", ftl_rules[i]->code);
        ftl_buf_free(&esc);
    }
    free(readme);
    free(man);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("shared-state rules");
    TCase *tc = tcase_create("output");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, ob_mutex_names_the_critical_section);
    tcase_add_test(tc, mod_gil_help_has_the_lines_and_used_is_a_note);
    tcase_add_test(tc, mod_gil_silent_when_init_has_errors);
    tcase_add_test(tc, unguarded_global_messages);
    tcase_add_test(tc, unguarded_global_call_graph_spans_files);
    tcase_add_test(tc, included_sources_reported_through_includer);
    tcase_add_test(tc, rules_documented);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
