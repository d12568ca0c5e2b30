/* check_isolate.c: --timeout's machinery: the stream a child sends its result through (every
 * field survives, a truncated or damaged stream is refused), and the child process itself (a
 * result comes back, a time-out is a skip, a crash or an exit status is a failure). */
#include "testutil.h"
#include "graph.h"
#include "isolate.h"
#include "pyinclude.h"
#include "suppress.h"

#include <signal.h>
#include <unistd.h>

static ftl_config cfg;
static CXIndex index_;

static void setup(void)
{
    memset(&cfg, 0, sizeof cfg);
    cfg.gil_disabled = true;
    cfg.quiet = true;
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    for (size_t i = 0; i < ftl_nrules; i++)
        cfg.enabled[i] = true;
    cfg.python_include = ftl_find_python_include();
    index_ = clang_createIndex(1, 0);
}

static void teardown(void)
{
    clang_disposeIndex(index_);
    free(cfg.enabled);
    free(cfg.python_include);
}

/* Files whose results carry edits, suppression directives, call graphs and compiler errors. */
static const char *const inputs[] = {
    "fixtures/object-malloc/buffers.c", "fixtures/unused-suppression/lines.c",
    "fixtures/unguarded-global/fragment/module.c", "fixtures/bad-suppression/bad.c",
    "examples/demo/spammodule.c",
};
#define NINPUTS (sizeof inputs / sizeof *inputs)

static void pack_file(const char *path, ftl_buf *b, size_t *nfindings)
{
    ftl_findings fs = {0};
    ftl_file_result res;
    ftl_analyze_file(index_, &cfg, path, &fs, &res);
    ck_assert_msg(res.status == FTL_FILE_OK || res.status == FTL_FILE_HAD_ERRORS, "%s: %s", path,
                  res.reason ? res.reason : "?");
    ftl_result_pack(&fs, 0, &res, b);
    *nfindings = fs.n;
    ftl_findings_free(&fs);
    ftl_file_result_free(&res);
}

START_TEST(stream_round_trip)
{
    const char *path = inputs[_i];
    ftl_buf b = {0};
    size_t n;
    pack_file(path, &b, &n);
    ck_assert_msg(n > 0, "%s has no findings: the test would prove nothing", path);
    ftl_findings fs = {0};
    ftl_file_result res;
    ck_assert(ftl_result_unpack(b.s, b.len, &fs, &res));
    ck_assert_uint_eq(fs.n, n);
    ck_assert_str_eq(res.path, path);
    /* Packing what was unpacked gives the same bytes: every field came back. */
    ftl_buf again = {0};
    ftl_result_pack(&fs, 0, &res, &again);
    ck_assert_uint_eq(again.len, b.len);
    ck_assert(memcmp(again.s, b.s, b.len) == 0);
    ftl_buf_free(&again);
    ftl_findings_free(&fs);
    ftl_file_result_free(&res);
    ftl_buf_free(&b);
}
END_TEST

START_TEST(stream_damage_refused)
{
    ftl_buf b = {0};
    size_t n;
    pack_file("fixtures/unused-suppression/lines.c", &b, &n);
    ftl_findings fs = {0};
    ftl_file_result res;
    /* Every truncation is refused and leaves nothing behind. */
    for (size_t len = 0; len < b.len; len += 1 + len / 64) {
        ck_assert_msg(!ftl_result_unpack(b.s, len, &fs, &res), "accepted %zu of %zu bytes", len, b.len);
        ck_assert_uint_eq(fs.n, 0);
        ck_assert_ptr_null(res.path);
    }
    /* Damaged bytes never crash; what is accepted is whole. */
    for (size_t i = 0; i < b.len; i += 1 + i / 32) {
        char saved = b.s[i];
        b.s[i] = (char)(saved ^ 0xA5);
        if (ftl_result_unpack(b.s, b.len, &fs, &res)) {
            ck_assert_ptr_nonnull(res.path);
            ftl_findings_free(&fs);
            ftl_file_result_free(&res);
        }
        b.s[i] = saved;
    }
    /* Trailing bytes are refused too. */
    ftl_buf_putn(&b, "x", 1);
    ck_assert(!ftl_result_unpack(b.s, b.len, &fs, &res));
    ftl_buf_free(&b);
}
END_TEST

/* ---- the child process ---------------------------------------------------------------------- */

static void analyse_plain(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    (void)arg;
    ftl_analyze_file(index_, &cfg, path, out, res);
}

START_TEST(child_result_equals_in_process)
{
    const char *path = inputs[_i];
    ftl_findings direct = {0}, isolated = {0};
    ftl_file_result r1, r2;
    ftl_analyze_file(index_, &cfg, path, &direct, &r1);
    /* A generous limit: the child must finish. */
    unsigned limit = 60;
    const char *mult = getenv("CK_TIMEOUT_MULTIPLIER");
    if (mult && atoi(mult) > 1)
        limit *= (unsigned)atoi(mult);
    ftl_analyze_isolated(limit, analyse_plain, NULL, path, &isolated, &r2);
    ftl_buf a = {0}, b = {0};
    ftl_result_pack(&direct, 0, &r1, &a);
    ftl_result_pack(&isolated, 0, &r2, &b);
    ck_assert_msg(a.len == b.len && memcmp(a.s, b.s, a.len) == 0, "%s: the child's result differs (%s)",
                  path, r2.reason ? r2.reason : "");
    ftl_buf_free(&a);
    ftl_buf_free(&b);
    ftl_findings_free(&direct);
    ftl_findings_free(&isolated);
    ftl_file_result_free(&r1);
    ftl_file_result_free(&r2);
}
END_TEST

static void analyse_forever(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    (void)arg;
    (void)path;
    (void)out;
    (void)res;
    for (;;)
        pause();
}

static void analyse_killed(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    (void)arg;
    (void)path;
    (void)out;
    (void)res;
    raise(SIGKILL);
}

static void analyse_exits(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    (void)arg;
    (void)path;
    (void)out;
    (void)res;
    _exit(7);
}

static void analyse_marks(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    *(int *)arg = 1;
    memset(res, 0, sizeof *res);
    res->path = ftl_xstrdup(path);
    (void)out;
}

START_TEST(child_outcomes)
{
    ftl_findings fs = {0};
    ftl_file_result res;
    ftl_analyze_isolated(1, analyse_forever, NULL, "slow.c", &fs, &res);
    ck_assert_int_eq(res.status, FTL_FILE_SKIPPED);
    ck_assert_str_eq(res.reason, "timed out after 1 s");
    ck_assert_str_eq(res.path, "slow.c");
    ck_assert_uint_eq(fs.n, 0);
    ftl_file_result_free(&res);

    ftl_analyze_isolated(30, analyse_killed, NULL, "crash.c", &fs, &res);
    ck_assert_int_eq(res.status, FTL_FILE_FAILED);
    ck_assert_msg(strncmp(res.reason, "the analysis crashed (signal 9, ", 32) == 0, "%s", res.reason);
    ftl_file_result_free(&res);

    ftl_analyze_isolated(30, analyse_exits, NULL, "exit.c", &fs, &res);
    ck_assert_int_eq(res.status, FTL_FILE_FAILED);
    ck_assert_str_eq(res.reason, "the analysis process failed (exit status 7)");
    ftl_file_result_free(&res);

    /* No limit: analysed in this process. */
    int mark = 0;
    ftl_analyze_isolated(0, analyse_marks, &mark, "here.c", &fs, &res);
    ck_assert_int_eq(mark, 1);
    ftl_file_result_free(&res);
    ck_assert_uint_eq(fs.n, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("isolate");
    TCase *tc = tcase_create("isolate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, stream_round_trip, 0, (int)NINPUTS);
    tcase_add_test(tc, stream_damage_refused);
    tcase_add_loop_test(tc, child_result_equals_in_process, 0, (int)NINPUTS);
    tcase_add_test(tc, child_outcomes);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
