/* check_engine.c: unit tests of engine pieces: findings order and de-duplication, fingerprints,
 * expression normalisation, rule lookup, option parsing. */
#include "testutil.h"
#include "engine.h"
#include "options.h"

static ftl_finding mk(const char *path, const char *key, unsigned line, unsigned col,
                      const ftl_rule *r, unsigned long long h)
{
    ftl_finding f;
    memset(&f, 0, sizeof f);
    f.path = ftl_xstrdup(path);
    f.key = ftl_xstrdup(key);
    f.line = line;
    f.col = col;
    f.rule = r;
    f.message = ftl_xstrdup("m");
    f.line_hash = h;
    return f;
}

START_TEST(sort_unique_and_fingerprints)
{
    ftl_findings fs = {0};
    const ftl_rule *r = ftl_rules[0];
    ftl_finding v[] = {
        mk("b.c", "/x/b.c", 3, 1, r, 7), mk("a.c", "/x/a.c", 9, 2, r, 5),
        mk("a.c", "/x/a.c", 2, 5, r, 5), mk("./a.c", "/x/a.c", 2, 5, r, 5),  /* same place */
    };
    for (size_t i = 0; i < 4; i++) {
        ftl_grow((void **)&fs.v, &fs.cap, fs.n + 1, sizeof *fs.v);
        fs.v[fs.n++] = v[i];
    }
    ftl_findings_sort_unique(&fs);
    ck_assert_uint_eq(fs.n, 3);
    ck_assert_uint_eq(fs.v[0].line, 2);
    ck_assert_uint_eq(fs.v[1].line, 9);
    ck_assert_str_eq(fs.v[2].path, "b.c");
    /* Same line hash twice in a.c: occurrences 0 and 1. */
    ck_assert_str_eq(fs.v[0].fingerprint, "0000000000000005:0");
    ck_assert_str_eq(fs.v[1].fingerprint, "0000000000000005:1");
    ck_assert_str_eq(fs.v[2].fingerprint, "0000000000000007:0");
    ftl_findings_free(&fs);
}
END_TEST

START_TEST(line_hash_ignores_indentation_only)
{
    unsigned long long a = ftl_line_hash("FT001", "  x = f(y);  ", 13);
    unsigned long long b = ftl_line_hash("FT001", "\tx = f(y);", 10);
    unsigned long long c = ftl_line_hash("FT002", "x = f(y);", 9);
    unsigned long long d = ftl_line_hash("FT001", "x = f(z);", 9);
    ck_assert(a == b);
    ck_assert(a != c);
    ck_assert(a != d);
}
END_TEST

START_TEST(normalise_expr)
{
    const char *cases[][2] = {
        {"(PyObject *)self", "self"}, {"_PyObject_CAST(op)", "op"}, {"( d )", "d"},
        {"self->dict", "self->dict"}, {"(PyObject*)(x)", "x"}, {"f(a) + g(b)", "f(a)+g(b)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *n = ftl_normalise_expr(cases[i][0]);
        ck_assert_str_eq(n, cases[i][1]);
        free(n);
    }
}
END_TEST

START_TEST(rule_lookup)
{
    ck_assert_int_eq(ftl_rule_lookup("FT001"), 0);
    ck_assert_int_eq(ftl_rule_lookup("ft001"), 0);
    ck_assert_int_eq(ftl_rule_lookup("borrowed-ref"), 0);
    ck_assert_int_eq(ftl_rule_lookup("nope"), -1);
    for (size_t i = 0; i < ftl_nrules; i++) {
        ck_assert_msg(ftl_rule_doc(ftl_rules[i]) != NULL, "%s has no rules/%s.md",
                      ftl_rules[i]->code, ftl_rules[i]->name);
        ck_assert_int_eq(ftl_rule_lookup(ftl_rules[i]->name), (int)i);
    }
}
END_TEST

START_TEST(options_parse)
{
    char *argv[] = {"ftlint", "-Iinc", "-D", "X=1", "-U", "Py_GIL_DISABLED", "--std=c11",
                    "--select", "FT001", "--color", "never", "-q", "src", NULL};
    ftl_cli cli;
    ck_assert(ftl_parse_args(13, argv, &cli, stderr));
    ck_assert_uint_eq(cli.cfg.clang_args.n, 2);
    ck_assert_str_eq(cli.cfg.clang_args.v[0], "-Iinc");
    ck_assert_str_eq(cli.cfg.clang_args.v[1], "-DX=1");
    ck_assert(!cli.cfg.gil_disabled);
    ck_assert_str_eq(cli.cfg.std, "c11");
    ck_assert(cli.cfg.enabled[0]);
    ck_assert(cli.cfg.quiet);
    ck_assert_int_eq(cli.cfg.color, FTL_COLOR_NEVER);
    ck_assert_uint_eq(cli.cfg.paths.n, 1);
    ftl_cli_free(&cli);

    char *bad[] = {"ftlint", "--ignore", "FT001,nope", "x.c", NULL};
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert(!ftl_parse_args(4, bad, &cli, devnull));
    ftl_cli_free(&cli);
    char *ign[] = {"ftlint", "--ignore", "borrowed-ref", "x.c", NULL};
    ck_assert(ftl_parse_args(4, ign, &cli, devnull));
    ck_assert(!cli.cfg.enabled[0]);
    ftl_cli_free(&cli);
    fclose(devnull);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    tcase_add_test(tc, sort_unique_and_fingerprints);
    tcase_add_test(tc, line_hash_ignores_indentation_only);
    tcase_add_test(tc, normalise_expr);
    tcase_add_test(tc, rule_lookup);
    tcase_add_test(tc, options_parse);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
