/* check_fixes.c: --fix and --diff through the CLI: fixture pairs (x.c -> x.c.fixed), the diff
 * applies with patch -p0 to the same bytes, a second --fix changes nothing, refused fixes leave
 * the file byte-for-byte unchanged, CRLF endings survive, pythoncapi_compat.h handling, unsafe
 * fixes only on request; and a multi-file extension (tests/data/fixtree plus examples/demo)
 * that still compiles the same after --fix, with fewer findings. */
#include "testutil.h"
#include "fix.h"
#include "pyinclude.h"

#include <cJSON.h>
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

START_TEST(unsafe_fixes_only_on_request)
{
    char *copy;
    char *dir = scratch_copy("fixtures/fixes/dict-ref.c", &copy);
    char *before = slurp(copy);
    /* --diff without --unsafe-fixes: only the safe weak-reference rewrites */
    char *cmd = ftl_xasprintf("./ftlint -q --diff --min-python 3.13 '%s'", copy);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 0), 1);
    ck_assert_ptr_nonnull(strstr(out, "+    if (PyWeakref_GetRef(ref, &obj) == 0) {"));
    ck_assert_ptr_null(strstr(out, "PyDict_GetItemRef"));
    free(out);
    free(cmd);
    /* the text report marks the unsafe ones as suggestions */
    cmd = ftl_xasprintf("./ftlint --min-python 3.13 '%s'", copy);
    ck_assert_int_eq(run_cmd(cmd, &out, 0), 1);
    ck_assert_ptr_nonnull(strstr(out, "    fix: suggested, review it: --diff --unsafe-fixes shows it"));
    ck_assert_ptr_nonnull(strstr(out, "    fix: safe: --fix applies it"));
    free(out);
    free(cmd);
    /* --fix without --unsafe-fixes: the same */
    cmd = ftl_xasprintf("./ftlint -q --fix --min-python 3.13 '%s'", copy);
    run_cmd(cmd, NULL, 0);
    char *after = slurp(copy);
    ck_assert_str_ne(after, before);
    ck_assert_ptr_nonnull(strstr(after, "PyWeakref_GetRef(ref, &obj)"));
    ck_assert_ptr_null(strstr(after, "PyDict_GetItemRef"));
    ck_assert_ptr_nonnull(strstr(after, "PyObject *a = PyDict_GetItem(self->table, key);"));
    free(after);
    free(before);
    free(cmd);
    rm_rf(dir);
    free(dir);
    free(copy);
}
END_TEST

/* ---- a whole extension ---------------------------------------------------------------------- */

/* The C sources of the scratch tree. */
static const char *const tree_sources[] = {"src/cache.c", "src/buffer.c", "src/queuemodule.c",
                                           "demo/spammodule.c", NULL};
static const char *const tree_files[] = {"src/cache.c", "src/buffer.c", "src/queuemodule.c",
                                         "src/cache.h", "demo/spammodule.c", NULL};

/* clang's diagnostics for a source of the tree, locations removed, sorted, one per line; the
 * exit status in *status. gil selects the GIL build or the free-threaded one (-DPy_GIL_DISABLED).
 * Both include ftlint's prelude, which declares the 3.13/3.14 APIs the fixes use when the
 * installed headers are older, the same way before and after the fixes. Caller frees. */
static char *diagnostics(const char *dir, const char *src, bool gil, int *status)
{
    char *pyinc = ftl_find_python_include();
    ck_assert_ptr_nonnull(pyinc);
    char *cmd = ftl_xasprintf("cc=$(command -v clang-19 || command -v clang); cd '%s' && \"$cc\" "
                              "-fsyntax-only -Wall -Wextra -Wno-unused-parameter -I'%s' -Isrc %s "
                              "-include '%s/src/prelude.h' '%s'",
                              dir, pyinc, gil ? "" : "-DPy_GIL_DISABLED=1", getenv("PWD"), src);
    char *out;
    *status = run_cmd(cmd, &out, 1);
    ftl_strv lines = {0};
    char *save = NULL;
    for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *kind = strstr(l, ": error: ");
        if (!kind)
            kind = strstr(l, ": warning: ");
        if (kind)
            ftl_strv_push(&lines, kind + 2);
    }
    if (lines.n)
        qsort(lines.v, lines.n, sizeof *lines.v, tu_cmp_str);
    ftl_buf b = {0};
    ftl_buf_puts(&b, "");
    for (size_t i = 0; i < lines.n; i++)
        ftl_buf_printf(&b, "%s\n", lines.v[i]);
    ftl_strv_free(&lines);
    free(out);
    free(cmd);
    free(pyinc);
    return ftl_buf_steal(&b);
}

/* Number of findings ftlint reports for the tree. */
static int tree_findings(const char *dir)
{
    char *cmd = ftl_xasprintf("./ftlint -q --format json '%s'", dir);
    char *out;
    run_cmd(cmd, &out, 0);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_ptr_nonnull(doc);
    int n = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "findings"));
    cJSON_Delete(doc);
    free(out);
    free(cmd);
    return n;
}

static char *tree_text(const char *dir, const char *file)
{
    char *p = ftl_xasprintf("%s/%s", dir, file);
    char *s = slurp(p);
    free(p);
    return s;
}

START_TEST(fix_tree_still_compiles)
{
    char tmpl[] = "/tmp/ftlint-tree-XXXXXX";
    char *dir = mkdtemp(tmpl);
    ck_assert_ptr_nonnull(dir);
    char *cmd = ftl_xasprintf("cp -r tests/data/fixtree/src '%s/src' && mkdir '%s/demo' && "
                              "cp examples/demo/spammodule.c '%s/demo/'", dir, dir, dir);
    ck_assert_int_eq(run_cmd(cmd, NULL, 1), 0);
    free(cmd);
    size_t nsrc = 0, nfiles = 0;
    while (tree_sources[nsrc])
        nsrc++;
    while (tree_files[nfiles])
        nfiles++;

    char *diag[2][8];
    char *orig[8];
    for (size_t i = 0; i < nfiles; i++)
        orig[i] = tree_text(dir, tree_files[i]);
    for (size_t i = 0; i < nsrc; i++) {
        int st;
        diag[0][i] = diagnostics(dir, tree_sources[i], true, &st);
        ck_assert_msg(st == 0, "%s does not compile before the fixes:\n%s", tree_sources[i], diag[0][i]);
        diag[1][i] = diagnostics(dir, tree_sources[i], false, &st);
    }
    int before = tree_findings(dir);

    /* Safe fixes: every file changes, compiles with the same diagnostics, fewer findings. */
    cmd = ftl_xasprintf("./ftlint -q --fix --min-python 3.13 '%s'", dir);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 1);              /* findings remain */
    ck_assert_msg(strstr(out, "refusing") == NULL, "%s", out);
    free(out);
    for (size_t i = 0; i < nfiles; i++) {
        char *now = tree_text(dir, tree_files[i]);
        ck_assert_msg(strcmp(now, orig[i]) != 0, "--fix left %s unchanged", tree_files[i]);
        free(orig[i]);
        orig[i] = now;
    }
    for (size_t i = 0; i < nsrc; i++) {
        int st;
        char *d = diagnostics(dir, tree_sources[i], true, &st);
        ck_assert_msg(st == 0, "%s does not compile after --fix:\n%s", tree_sources[i], d);
        ck_assert_msg(strcmp(d, diag[0][i]) == 0, "%s: diagnostics changed (GIL build):\nbefore:\n%s"
                      "after:\n%s", tree_sources[i], diag[0][i], d);
        free(d);
        d = diagnostics(dir, tree_sources[i], false, &st);
        ck_assert_msg(strcmp(d, diag[1][i]) == 0, "%s: diagnostics changed (free-threaded build):\n"
                      "before:\n%s after:\n%s", tree_sources[i], diag[1][i], d);
        free(d);
    }
    int after = tree_findings(dir);
    ck_assert_msg(after < before, "findings: %d before, %d after --fix", before, after);
    /* A second --fix changes nothing. */
    run_cmd(cmd, NULL, 0);
    for (size_t i = 0; i < nfiles; i++) {
        char *now = tree_text(dir, tree_files[i]);
        ck_assert_msg(strcmp(now, orig[i]) == 0, "a second --fix changed %s", tree_files[i]);
        free(now);
    }
    free(cmd);

    /* Unsafe fixes on top: still compiles in the GIL build; no new error without the GIL. */
    cmd = ftl_xasprintf("./ftlint -q --fix --unsafe-fixes --min-python 3.13 '%s'", dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    for (size_t i = 0; i < nsrc; i++) {
        int st;
        char *d = diagnostics(dir, tree_sources[i], true, &st);
        ck_assert_msg(st == 0, "%s does not compile after --fix --unsafe-fixes:\n%s", tree_sources[i], d);
        free(d);
        d = diagnostics(dir, tree_sources[i], false, &st);
        for (char *l = d; *l;) {
            char *e = strchr(l, '\n');
            *e = '\0';
            ck_assert_msg(strncmp(l, "warning:", 8) == 0 || strstr(diag[1][i], l) != NULL,
                          "%s: new error after --unsafe-fixes: %s", tree_sources[i], l);
            l = e + 1;
        }
        free(d);
    }
    ck_assert_int_lt(tree_findings(dir), after);

    for (size_t i = 0; i < nsrc; i++) {
        free(diag[0][i]);
        free(diag[1][i]);
    }
    for (size_t i = 0; i < nfiles; i++)
        free(orig[i]);
    rm_rf(dir);
}
END_TEST

int main(void)
{
    nftw("fixtures", collect, 16, FTW_PHYS);
    tu_sample(&pairs);
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
    tcase_add_test(tc, unsafe_fixes_only_on_request);
    tcase_add_test(tc, fix_tree_still_compiles);
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
