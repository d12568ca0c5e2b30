/* check_edits.c: the edits rules attach to findings: exact byte ranges, replacements, and the
 * safe flag (FT004: safe only when every allocation and release of the memory in the file is
 * renamed together; FT001's out-parameter rewrites unsafe except the weak-reference one; FT002,
 * FT005, FT006 unsafe). And for every fixture: edits lie in the file, never in a macro
 * definition, never overlap unless identical, and insert the file's own line endings. */
#include "testutil.h"
#include "pyinclude.h"

#include <ftw.h>

/* Analyses path with only `code` enabled (every rule when code is NULL); the caller frees fs
 * with ftl_findings_free. */
static void analyse(const char *path, const char *code, ftl_findings *fs)
{
    ftl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.gil_disabled = true;
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    for (size_t i = 0; i < ftl_nrules && !code; i++)
        cfg.enabled[i] = true;
    if (code) {
        int r = ftl_rule_lookup(code);
        ck_assert_int_ge(r, 0);
        cfg.enabled[r] = true;
    }
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
    ck_assert_uint_eq(fs.n, 6);

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
    /* returned by an exported function, or never released in the file: unsafe */
    for (unsigned line = 24; line <= 31; line += 7) {
        f = at_line(&fs, line);
        ck_assert_uint_eq(f->nedits, 1);
        ck_assert(!edit_of(path, f, line, "PyObject_Malloc")->safe);
    }
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

START_TEST(borrowed_ref_out_parameters)
{
    const char *path = "fixtures/fixes/dict-ref.c";
    ftl_findings fs;
    analyse(path, "FT001", &fs);
    /* the whole statement is replaced; unsafe; needs 3.13 */
    const ftl_finding *f = at_line(&fs, 15);
    ck_assert_uint_eq(f->nedits, 1);
    char *old = edited_text(path, &f->edits[0]);
    ck_assert_str_eq(old, "PyObject *a = PyDict_GetItem(self->table, key);");
    ck_assert(!f->edits[0].safe);
    ck_assert_uint_eq(f->edits[0].needs_py, 0x030D0000);
    ck_assert_ptr_nonnull(strstr(f->edits[0].replacement, "Py_XDECREF(a) when done"));
    free(old);
    /* made strong at once: the Py_XINCREF line (tab-indented) goes, and no release note */
    f = at_line(&fs, 31);
    ck_assert_uint_eq(f->nedits, 2);
    old = edited_text(path, &f->edits[1]);
    ck_assert_str_eq(old, "\tPy_XINCREF(v);\n");
    ck_assert_ptr_null(strstr(f->edits[0].replacement, "Py_XDECREF"));
    ck_assert_ptr_nonnull(strstr(f->edits[0].replacement, "\n\tif (PyDict_GetItemRef("));
    ck_assert_ptr_nonnull(strstr(f->edits[0].replacement, "\n\t\tPyErr_Clear();"));
    free(old);
    /* the weak reference made strong at once: safe */
    f = at_line(&fs, 44);
    ck_assert_uint_eq(f->nedits, 2);
    ck_assert(f->edits[0].safe && f->edits[1].safe);
    ck_assert_str_eq(f->edits[0].replacement, "PyObject *obj;\n    if (PyWeakref_GetRef(ref, &obj) == 0) {\n"
                                              "        obj = Py_NewRef(Py_None);\n    }");
    /* every shape left alone has no edit */
    for (size_t i = 0; i < fs.n; i++)
        if (fs.v[i].line >= 70)
            ck_assert_msg(fs.v[i].nedits == 0, "line %u has an edit", fs.v[i].line);
    ftl_findings_free(&fs);
}
END_TEST

START_TEST(dict_next_wraps)
{
    const char *path = "fixtures/fixes/critical-section.c";
    ftl_findings fs;
    analyse(path, "FT002", &fs);
    const ftl_finding *f = at_line(&fs, 18);
    ck_assert_uint_eq(f->nedits, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(f->edits[i].begin, f->edits[i].end);    /* insertions */
        ck_assert(!f->edits[i].safe);
    }
    ck_assert_str_eq(f->edits[0].replacement, "    Py_BEGIN_CRITICAL_SECTION(dict);\n");
    ck_assert_str_eq(f->edits[1].replacement, "\n    Py_END_CRITICAL_SECTION();");
    f = at_line(&fs, 30);                                   /* do ... while, tab-indented */
    ck_assert_str_eq(f->edits[0].replacement, "\tPy_BEGIN_CRITICAL_SECTION(registry);\n");
    for (size_t i = 0; i < fs.n; i++)
        if (fs.v[i].line >= 41 && fs.v[i].line < 62)
            ck_assert_msg(fs.v[i].nedits == 0, "line %u has an edit", fs.v[i].line);
    ck_assert_uint_eq(at_line(&fs, 62)->nedits, 2);          /* break/continue stay inside */
    ftl_findings_free(&fs);
}
END_TEST

START_TEST(ob_mutex_pairs)
{
    const char *path = "fixtures/fixes/ob-mutex.c";
    ftl_findings fs;
    analyse(path, "FT005", &fs);
    const ftl_finding *lock = at_line(&fs, 15), *unlock = at_line(&fs, 18);
    ck_assert_uint_eq(lock->nedits, 2);
    ck_assert_uint_eq(unlock->nedits, 2);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_uint_eq(lock->edits[i].begin, unlock->edits[i].begin);
        ck_assert_str_eq(lock->edits[i].replacement, unlock->edits[i].replacement);
        ck_assert(!lock->edits[i].safe);
    }
    char *old = edited_text(path, &lock->edits[0]);
    ck_assert_str_eq(old, "PyMutex_Lock(&self->ob_mutex)");
    ck_assert_str_eq(lock->edits[0].replacement, "Py_BEGIN_CRITICAL_SECTION(self)");
    free(old);
    for (size_t i = 0; i < fs.n; i++)
        if (fs.v[i].line >= 36)
            ck_assert_msg(fs.v[i].nedits == 0, "line %u has an edit", fs.v[i].line);
    ftl_findings_free(&fs);
}
END_TEST

START_TEST(mod_gil_insertions)
{
    const char *path = "fixtures/fixes/mod-gil.c";
    ftl_findings fs;
    analyse(path, "FT006", &fs);
    const ftl_finding *f = at_line(&fs, 14);                 /* tabs */
    ck_assert_uint_eq(f->nedits, 1);
    ck_assert_uint_eq(f->edits[0].begin, f->edits[0].end);
    ck_assert(!f->edits[0].safe);
    ck_assert_str_eq(f->edits[0].replacement,
                     "#ifdef Py_GIL_DISABLED\n\t{Py_mod_gil, Py_MOD_GIL_NOT_USED},\n#endif\n");
    ck_assert_uint_eq(at_line(&fs, 19)->nedits, 0);          /* Py_mod_gil in another branch */
    ck_assert_uint_eq(at_line(&fs, 27)->nedits, 0);          /* sentinel not on its own line */
    f = at_line(&fs, 31);
    ck_assert_uint_eq(f->nedits, 1);
    ck_assert_str_eq(f->edits[0].replacement, "\n#ifdef Py_GIL_DISABLED\n    PyUnstable_Module_SetGIL(m, "
                                              "Py_MOD_GIL_NOT_USED);\n#endif");
    ck_assert_uint_eq(at_line(&fs, 56)->nedits, 0);          /* no NULL test */
    ftl_findings_free(&fs);
}
END_TEST

/* ---- every fixture ------------------------------------------------------------------------ */

static ftl_strv fixture_files;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    size_t n = strlen(path);
    if (type == FTW_F && ((n > 2 && strcmp(path + n - 2, ".c") == 0) ||
                          (n > 4 && strcmp(path + n - 4, ".cpp") == 0)))
        ftl_strv_push(&fixture_files, path);
    return 0;
}

/* True when off lies in a #define, continuation lines included. */
static bool in_macro_definition(const char *text, unsigned off)
{
    unsigned ls = off;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    for (;;) {
        unsigned i = ls;
        while (text[i] == ' ' || text[i] == '\t')
            i++;
        if (text[i] == '#') {
            i++;
            while (text[i] == ' ' || text[i] == '\t')
                i++;
            if (strncmp(text + i, "define", 6) == 0)
                return true;
        }
        /* the line before ends with a backslash: part of the same logical line */
        if (ls < 2 || text[ls - 2] != '\\')
            return false;
        ls -= 1;
        while (ls > 0 && text[ls - 1] != '\n')
            ls--;
    }
}

START_TEST(edits_well_formed)
{
    const char *path = fixture_files.v[_i];
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    bool crlf = strstr(text, "\r\n") != NULL;
    ftl_findings fs;
    analyse(path, NULL, &fs);
    for (size_t i = 0; i < fs.n; i++) {
        const ftl_finding *f = &fs.v[i];
        if (strcmp(f->path, path) != 0)
            continue;                                        /* a header's: checked with it */
        for (size_t k = 0; k < f->nedits; k++) {
            const ftl_edit *e = &f->edits[k];
            ck_assert_msg(e->begin <= e->end && e->end <= len, "%s:%u: edit out of the file", path, f->line);
            ck_assert_msg(!in_macro_definition(text, e->begin) && !in_macro_definition(text, e->end),
                          "%s:%u: edit in a macro definition", path, f->line);
            for (const char *p = e->replacement; *p; p++)
                if (*p == '\n')
                    ck_assert_msg(crlf == (p > e->replacement && p[-1] == '\r'),
                                  "%s:%u: inserted line ending differs from the file's", path, f->line);
            /* against every edit of every finding of the file: identical, or apart */
            for (size_t j = 0; j < fs.n; j++) {
                for (size_t m = 0; m < fs.v[j].nedits; m++) {
                    const ftl_edit *o = &fs.v[j].edits[m];
                    if (o == e || strcmp(fs.v[j].path, path) != 0)
                        continue;
                    bool same = o->begin == e->begin && o->end == e->end &&
                                strcmp(o->replacement, e->replacement) == 0;
                    bool apart = e->end <= o->begin || o->end <= e->begin;
                    if (e->begin == e->end && o->begin == o->end && e->begin == o->begin)
                        apart = false;
                    ck_assert_msg(same || apart, "%s: edits of lines %u and %u overlap", path, f->line,
                                  fs.v[j].line);
                }
            }
        }
    }
    ftl_findings_free(&fs);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("edits");
    TCase *tc = tcase_create("edits");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, object_malloc_renames);
    tcase_add_test(tc, object_malloc_realloc_and_fields);
    tcase_add_test(tc, borrowed_ref_out_parameters);
    tcase_add_test(tc, dict_next_wraps);
    tcase_add_test(tc, ob_mutex_pairs);
    tcase_add_test(tc, mod_gil_insertions);
    nftw("fixtures", collect, 16, FTW_PHYS);
    tu_sample(&fixture_files);
    tcase_add_loop_test(tc, edits_well_formed, 0, (int)fixture_files.n);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    size_t nfix = fixture_files.n;
    ftl_strv_free(&fixture_files);
    if (nfix == 0) {
        fputs("check_edits: no fixtures found (run from the source root)\n", stderr);
        return 1;
    }
    return failed ? 1 : 0;
}
