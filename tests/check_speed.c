/* check_speed.c: what makes ftlint fast must never change what it says. Precompiled headers,
 * threads (-j), the result cache and sharding (--shard, merge) are each compared with the plain
 * run, byte for byte; corrupt caches and PCHs are survived and replaced; the engine keeps no
 * mutable static state. (No timings here: `make bench` measures speed.) */
#include "testutil.h"
#include "cache.h"
#include "digest.h"
#include "driver.h"
#include "fsio.h"
#include "pch.h"
#include "prelude.inc"
#include "pyinclude.h"
#include "runjson.h"
#include "shard.h"

#include <cJSON.h>
#include <ftw.h>
#include <unistd.h>

static ftl_strv sources;         /* fixtures and test data analysed with and without a PCH */
/* The tree the whole-run tests analyse: every fixture, the demo and the speed data; under
 * FTL_TEST_SCALE (make check-valgrind) the speed data and one fixture directory. */
static bool scaled;
static const char *tree = "fixtures examples tests/data/speed";
static char pch_dir[] = "/tmp/ftlint-check-speed-XXXXXX";

/* ---- helpers ------------------------------------------------------------------------------ */

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_F && ftl_is_source_name(path))
        ftl_strv_push(&sources, path);
    return 0;
}

static void config_free(ftl_config *cfg)
{
    free(cfg->enabled);
    free(cfg->python_include);
    ftl_strv_free(&cfg->clang_args);
}

/* Everything a file's analysis produced, as one string: every field of every finding
 * (fingerprints included) and the file's status and errors. Caller frees. */
static char *dump(ftl_findings *fs, const ftl_file_result *res)
{
    ftl_findings_sort_unique(fs);
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < fs->n; i++) {
        cJSON *o = ftl_finding_to_json(&fs->v[i]);
        cJSON_AddStringToObject(o, "fingerprint", fs->v[i].fingerprint);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *r = ftl_file_result_to_json(res);
    cJSON_AddItemToObject(r, "findings", arr);
    char *s = cJSON_Print(r);
    cJSON_Delete(r);
    return s;
}

/* Analyses path with w; returns dump() of the outcome. */
static char *analyse(const ftl_worker *w, const ftl_config *cfg, const char *path, size_t *nfound)
{
    ftl_findings fs = {0};
    ftl_file_result res;
    ftl_analyze_file_in(w, cfg, path, &fs, &res);
    ck_assert_msg(res.status == FTL_FILE_OK || res.status == FTL_FILE_HAD_ERRORS,
                  "%s could not be analysed: %s", path, res.reason ? res.reason : "?");
    if (nfound)
        *nfound = fs.n;
    char *s = dump(&fs, &res);
    ftl_findings_free(&fs);
    ftl_file_result_free(&res);
    return s;
}

/* stdout and stderr of cmd (caller frees). */
static char *shell_out(const char *cmd)
{
    char *out = NULL;
    run_cmd(cmd, &out, 1);
    ck_assert_ptr_nonnull(out);
    char *copy = ftl_xstrdup(out);
    free(out);
    return copy;
}

/* Lines of s that do not start with prefix (the -v statistics differ between runs). Caller
 * frees. */
static char *without_lines(const char *s, const char *prefix)
{
    ftl_buf b = {0};
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        if (strncmp(p, prefix, strlen(prefix)) != 0)
            ftl_buf_putn(&b, p, n);
        p += n;
    }
    return ftl_buf_steal(&b);
}

/* ---- digests ------------------------------------------------------------------------------ */

START_TEST(sha256_known_answers)
{
    char hex[FTL_HEX_LEN];
    ftl_sha256_hex("", 0, hex);
    ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ftl_sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ftl_sha256_hex(m, strlen(m), hex);
    ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    /* A million 'a', fed in uneven pieces: block boundaries and padding. */
    ftl_sha256 s;
    ftl_sha256_init(&s);
    char chunk[997];
    memset(chunk, 'a', sizeof chunk);
    size_t left = 1000000;
    for (size_t step = 1; left > 0; step = step % 900 + 13) {
        size_t n = step < left ? step : left;
        ftl_sha256_update(&s, chunk, n);
        left -= n;
    }
    ftl_sha256_final(&s, hex);
    ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* Fields are length-prefixed: ("ab","c") and ("a","bc") differ. */
    char h1[FTL_HEX_LEN], h2[FTL_HEX_LEN];
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, "ab");
    ftl_sha256_field(&s, "c");
    ftl_sha256_final(&s, h1);
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, "a");
    ftl_sha256_field(&s, "bc");
    ftl_sha256_final(&s, h2);
    ck_assert_str_ne(h1, h2);
    ck_assert(ftl_is_sha256_hex(h1));
    ck_assert(!ftl_is_sha256_hex("abc"));
}
END_TEST

/* The SHA-instruction path (when the CPU has one) and the portable one agree on every length
 * around block boundaries and on pieces fed in any split. */
START_TEST(sha256_hardware_matches_portable)
{
    unsigned char data[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof data; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    for (size_t len = 0; len <= sizeof data; len += len < 300 ? 1 : 997) {
        ftl_sha256 hw, sw;
        char a[FTL_HEX_LEN], b[FTL_HEX_LEN];
        ftl_sha256_init(&hw);
        ftl_sha256_init_portable(&sw);
        size_t split = len / 3;
        ftl_sha256_update(&hw, data, split);
        ftl_sha256_update(&hw, data + split, len - split);
        ftl_sha256_update(&sw, data, len);
        ftl_sha256_final(&hw, a);
        ftl_sha256_final(&sw, b);
        ck_assert_msg(strcmp(a, b) == 0, "length %zu: %s != %s", len, a, b);
    }
}
END_TEST

/* ---- precompiled headers ------------------------------------------------------------------ */

/* Every fixture and test source: the same findings, fingerprints, status and compiler errors
 * with the PCH as without, and the PCH really was used. */
START_TEST(pch_gives_identical_results)
{
    const char *path = sources.v[_i];
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    ftl_config cfg;
    tu_fixture_config(&cfg, text);
    CXIndex index = clang_createIndex(1, 0);
    ftl_hashmemo *memo = ftl_hashmemo_new();
    char *err = NULL;
    ftl_pch *pch = ftl_pch_new(pch_dir, memo, &err);
    ck_assert_msg(pch != NULL, "%s", err);
    ftl_worker plain = {index, NULL, NULL}, fast = {index, pch, NULL};
    size_t n;
    char *a = analyse(&plain, &cfg, path, &n);
    char *b = analyse(&fast, &cfg, path, NULL);
    ck_assert_msg(strcmp(a, b) == 0, "%s differs with the PCH:\nwithout: %s\nwith: %s", path, a, b);
    ftl_pch_stats st;
    ftl_pch_get_stats(pch, &st);
    ck_assert_msg(st.with_pch == 1 && st.plain == 0 && st.rejected == 0,
                  "%s: the PCH was not used (%zu with, %zu plain, %zu rejected)", path,
                  st.with_pch, st.plain, st.rejected);
    free(a);
    free(b);
    ftl_pch_free(pch);
    ftl_hashmemo_free(memo);
    clang_disposeIndex(index);
    config_free(&cfg);
    free(text);
}
END_TEST

/* Different clang arguments never share a PCH; the same arguments always do. */
START_TEST(pch_keyed_on_arguments)
{
    char dir[] = "/tmp/ftlint-check-pchkey-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    const char *path = "tests/data/speed/limited_api.c";
    ftl_config a, b;
    tu_fixture_config(&a, "");
    tu_fixture_config(&b, "");
    ftl_strv_push(&b.clang_args, "-DPy_DEBUG=1");
    CXIndex index = clang_createIndex(1, 0);
    ftl_hashmemo *memo = ftl_hashmemo_new();
    char *err = NULL;
    ftl_pch *pch = ftl_pch_new(dir, memo, &err);
    ftl_worker plain = {index, NULL, NULL}, fast = {index, pch, NULL};
    size_t n;
    char *pa = analyse(&plain, &a, path, &n), *fa = analyse(&fast, &a, path, NULL);
    char *pb = analyse(&plain, &b, path, NULL), *fb = analyse(&fast, &b, path, NULL);
    char *fa2 = analyse(&fast, &a, path, NULL);
    /* -U Py_GIL_DISABLED: the default build, its own PCH. */
    a.gil_disabled = false;
    char *pu = analyse(&plain, &a, path, NULL), *fu = analyse(&fast, &a, path, NULL);
    a.gil_disabled = true;
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(pa, fa);
    ck_assert_str_eq(pb, fb);
    ck_assert_str_eq(fa, fa2);
    ck_assert_str_eq(pu, fu);
    ftl_pch_stats st;
    ftl_pch_get_stats(pch, &st);
    ck_assert_uint_eq(st.built, 3);
    ck_assert_uint_eq(st.with_pch, 4);
    free(pu);
    free(fu);
    free(pa);
    free(fa);
    free(pb);
    free(fb);
    free(fa2);
    ftl_pch_free(pch);
    /* A new run finds both on disk. */
    pch = ftl_pch_new(dir, memo, &err);
    fast.pch = pch;
    free(analyse(&fast, &b, path, NULL));
    ftl_pch_get_stats(pch, &st);
    ck_assert_uint_eq(st.loaded, 1);
    ck_assert_uint_eq(st.built, 0);
    ftl_pch_free(pch);
    ftl_hashmemo_free(memo);
    clang_disposeIndex(index);
    config_free(&a);
    config_free(&b);
    ftl_remove_tree(dir);
}
END_TEST

/* Replaces every PCH in dir by bytes clang cannot read, with manifests that vouch for them:
 * only loading can find out. */
static void forge_pchs(const char *dir)
{
    char *cmd = ftl_xasprintf("ls %s/*.json", dir);
    char *list = shell_out(cmd);
    free(cmd);
    char *save = NULL;
    int n = 0;
    for (char *m = strtok_r(list, "\n", &save); m; m = strtok_r(NULL, "\n", &save), n++) {
        size_t len;
        char *text = ftl_read_file(m, &len);
        ck_assert_ptr_nonnull(text);
        cJSON *doc = cJSON_Parse(text);
        free(text);
        const char *garbage = "CPCH but not really";
        char hex[FTL_HEX_LEN];
        ftl_sha256_hex(garbage, strlen(garbage), hex);
        cJSON_ReplaceItemInObject(doc, "pch_sha256", cJSON_CreateString(hex));
        char *pch = ftl_xstrdup(m);
        memcpy(pch + strlen(pch) - 4, "pch", 4);   /* KEY.json -> KEY.pch */
        ck_assert(ftl_write_atomic(pch, garbage, strlen(garbage)));
        char *out = cJSON_Print(doc);
        ck_assert(ftl_write_atomic(m, out, strlen(out)));
        free(out);
        free(pch);
        cJSON_Delete(doc);
    }
    ck_assert_int_eq(n, 1);
    free(list);
}

/* A garbled PCH or manifest fails its checks and is rebuilt; a PCH that passes them but that
 * clang cannot load is dropped and the file parsed plainly, and the next run builds a new one.
 * The findings are the same every time. */
START_TEST(pch_corruption_survived)
{
    char dir[] = "/tmp/ftlint-check-pchbad-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ftl_config cfg;
    tu_fixture_config(&cfg, "");
    const char *path = "tests/data/speed/limited_api.c";
    CXIndex index = clang_createIndex(1, 0);
    ftl_worker plain = {index, NULL, NULL};
    char *want = analyse(&plain, &cfg, path, NULL);
    clang_disposeIndex(index);
    ftl_pch_stats st;
    char *err = NULL;

    /* Each round is a new run: a new index (an index remembers the PCHs it loaded). */
    for (int round = 0; round < 5; round++) {
        index = clang_createIndex(1, 0);
        ftl_hashmemo *memo = ftl_hashmemo_new();
        ftl_pch *pch = ftl_pch_new(dir, memo, &err);
        ftl_worker fast = {index, pch, NULL};
        char *got = analyse(&fast, &cfg, path, NULL);
        ck_assert_msg(strcmp(want, got) == 0, "round %d: findings differ", round);
        free(got);
        ftl_pch_get_stats(pch, &st);
        ftl_pch_free(pch);
        ftl_hashmemo_free(memo);
        clang_disposeIndex(index);
        char *cmd = NULL;
        switch (round) {
        case 0:
            ck_assert_uint_eq(st.built, 1);
            cmd = ftl_xasprintf("for f in %s/*.pch; do printf garbage | dd of=$f bs=1 seek=4096 "
                                "conv=notrunc 2>/dev/null; done", dir);
            break;
        case 1:                  /* the garbled PCH failed its check: rebuilt */
            ck_assert_uint_eq(st.loaded, 0);
            ck_assert_uint_eq(st.built, 1);
            cmd = ftl_xasprintf("for f in %s/*.json; do printf '{\"format\":' > $f; done", dir);
            break;
        case 2:                  /* the truncated manifest too */
            ck_assert_uint_eq(st.loaded, 0);
            ck_assert_uint_eq(st.built, 1);
            forge_pchs(dir);
            break;
        case 3:                  /* checks passed, clang refused it: parsed plainly */
            ck_assert_uint_eq(st.loaded, 1);
            ck_assert_uint_eq(st.rejected, 1);
            ck_assert_uint_eq(st.plain, 1);
            ck_assert_uint_eq(st.with_pch, 0);
            break;
        case 4:                  /* and removed: built again and used */
            ck_assert_uint_eq(st.loaded, 0);
            ck_assert_uint_eq(st.built, 1);
            ck_assert_uint_eq(st.with_pch, 1);
            break;
        }
        if (cmd)
            ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
        free(cmd);
    }
    free(want);
    config_free(&cfg);
    ftl_remove_tree(dir);
}
END_TEST

/* What a translation unit says about its main file: every diagnostic and every cursor at
 * the top level and one below (kind, spelling, line), as text. Caller frees. */
typedef struct tu_text {
    ftl_buf b;
    CXFile main;
    int depth;
} tu_text;

static enum CXChildVisitResult tu_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    tu_text *t = d;
    CXFile f;
    unsigned line;
    clang_getFileLocation(clang_getCursorLocation(c), &f, &line, NULL, NULL);
    if (!f || !clang_File_isEqual(f, t->main))
        return CXChildVisit_Continue;
    char *sp = ftl_cxstr(clang_getCursorSpelling(c));
    ftl_buf_printf(&t->b, "%d %d %s %u\n", t->depth, (int)clang_getCursorKind(c), sp, line);
    free(sp);
    if (t->depth < 1) {
        t->depth++;
        clang_visitChildren(c, tu_visit, t);
        t->depth--;
    }
    return CXChildVisit_Continue;
}

static char *tu_dump(CXTranslationUnit tu, const char *path)
{
    tu_text t = {{0}, clang_getFile(tu, path), 0};
    unsigned n = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        char *s = ftl_cxstr(clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions()));
        ftl_buf_printf(&t.b, "diag %s\n", s);
        free(s);
        clang_disposeDiagnostic(d);
    }
    clang_visitChildren(clang_getTranslationUnitCursor(tu), tu_visit, &t);
    return ftl_buf_steal(&t.b);
}

/* Compilation-database commands are parsed with the compiler as args[0] and no -x: the PCH
 * follows the file's language (C and C++ get their own) and parses the same. */
START_TEST(pch_full_argv_mode)
{
    char dir[] = "/tmp/ftlint-check-pchargv-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *pyinc = ftl_find_python_include();
    const char *files[] = {"tests/data/speed/limited_api.c", "fixtures/borrowed-ref/cxx.cpp"};
    CXIndex index = clang_createIndex(1, 0);
    ftl_hashmemo *memo = ftl_hashmemo_new();
    char *err = NULL;
    ftl_pch *pch = ftl_pch_new(dir, memo, &err);
    const char *prelude = "/ftlint-virtual/ftlint_prelude.h";
    for (size_t k = 0; k < 2; k++) {
        ftl_strv args = {0};
        ftl_strv_push(&args, "/usr/bin/cc");
        ftl_strv_push(&args, "-w");
        ftl_strv_push(&args, "-ferror-limit=0");
        ftl_strv_push(&args, "-DPy_GIL_DISABLED=1");
        if (pyinc) {
            ftl_strv_push(&args, "-isystem");
            ftl_strv_push(&args, pyinc);
        }
        ftl_strv_push(&args, "-include");
        ftl_strv_push(&args, prelude);
        size_t len;
        char *text = ftl_read_file(files[k], &len);
        struct CXUnsavedFile u[2] = {
            {prelude, ftl_prelude_text, (unsigned long)strlen(ftl_prelude_text)},
            {files[k], text, (unsigned long)len},
        };
        unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
        CXTranslationUnit plain = NULL, fast = NULL;
        ck_assert_int_eq(clang_parseTranslationUnit2FullArgv(index, files[k],
                                                              (const char *const *)args.v,
                                                              (int)args.n, u, 2, opts, &plain),
                         CXError_Success);
        ftl_pch_ref used;
        ck_assert_int_eq(ftl_pch_parse(pch, index, true, files[k], &args, prelude,
                                       ftl_prelude_text, u, 2, opts, &fast, &used),
                         CXError_Success);
        ck_assert_msg(used.key[0] != '\0', "%s: no PCH used", files[k]);
        char *a = tu_dump(plain, files[k]), *b = tu_dump(fast, files[k]);
        ck_assert_msg(strlen(a) > 100, "%s: nothing to compare:\n%s", files[k], a);
        ck_assert_msg(strcmp(a, b) == 0, "%s differs:\n%s\n---\n%s", files[k], a, b);
        free(a);
        free(b);
        clang_disposeTranslationUnit(plain);
        clang_disposeTranslationUnit(fast);
        free(text);
        ftl_strv_free(&args);
    }
    ftl_pch_stats st;
    ftl_pch_get_stats(pch, &st);
    ck_assert_uint_eq(st.built, 2);      /* one for C, one for C++ */
    ck_assert_uint_eq(st.with_pch, 2);
    ftl_pch_free(pch);
    ftl_hashmemo_free(memo);
    clang_disposeIndex(index);
    free(pyinc);
    ftl_remove_tree(dir);
}
END_TEST

/* ---- threads -------------------------------------------------------------------------------- */

START_TEST(jobs_output_identical)
{
    const char *paths = tree;
    char *cmd = ftl_xasprintf("./ftlint --no-cache --color never -j 1 %s", paths);
    char *one = shell_out(cmd);
    free(cmd);
    ck_assert_ptr_nonnull(strstr(one, "shared.h:9:12: warning"));
    /* The shared header's finding once, not once per source. */
    ck_assert_ptr_null(strstr(strstr(one, "shared.h:9:12") + 1, "shared.h:9:12"));
    const char *variants[] = {"-j 2", "-j 3", "-j 8", "", "--no-pch -j 2"};
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        cmd = ftl_xasprintf("./ftlint --no-cache --color never %s %s", variants[i], paths);
        char *other = shell_out(cmd);
        ck_assert_msg(strcmp(one, other) == 0, "'%s' differs from -j 1", cmd);
        free(other);
        free(cmd);
    }
    /* -v too, except its statistics lines. */
    cmd = ftl_xasprintf("./ftlint --no-cache -v -j 1 %s", paths);
    char *v1 = shell_out(cmd);
    free(cmd);
    cmd = ftl_xasprintf("./ftlint --no-cache -v -j 4 %s", paths);
    char *v4 = shell_out(cmd);
    free(cmd);
    char *a = without_lines(v1, "ftlint: precompiled"), *b = without_lines(v4, "ftlint: precompiled");
    ck_assert_str_eq(a, b);
    ck_assert_ptr_nonnull(strstr(a, "2 compiler errors (analysed as far as clang recovered)"));
    free(a);
    free(b);
    free(v1);
    free(v4);
    free(one);
}
END_TEST

/* Files are analysed on several threads: rules and the engine must keep no mutable static
 * state. The object files say what is writable: only discovery's, which runs before any
 * thread starts, the lock that serialises JSON parsing and the CPU probe written once under
 * pthread_once are allowed. */
START_TEST(no_mutable_static_state)
{
    /* The test binary lives in BUILD/tests: the objects are in BUILD/src and BUILD/rules. */
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ck_assert_int_gt(n, 0);
    exe[n] = '\0';
    *strrchr(exe, '/') = '\0';
    *strrchr(exe, '/') = '\0';
    char *cmd = ftl_xasprintf("b='%s'; ls $b/src/*.o $b/rules/*.o >/dev/null && "
                              "for o in $b/src/*.o $b/rules/*.o; do objdump -t $o | "
                              "awk -v o=$(basename $o) '$3 == \"O\" && $4 ~ /^[.](data|bss)/ && "
                              "$4 !~ /rel[.]ro/ {print o \": \" $NF}'; done", exe);
    char *out;
    int st = run_cmd(cmd, &out, 0);
    free(cmd);
    ck_assert_int_eq(st, 0);
    char *disc = without_lines(out, "discover.o: walk_");
    char *json = without_lines(disc, "runjson.o: json_parse_lock");
    free(disc);
    char *ours = without_lines(json, "digest.o: sha_probe_");   /* set once, pthread_once */
    free(json);
    /* Names starting with "__" belong to the compiler (sanitizer data), not to ftlint. */
    ftl_buf kept = {0};
    for (char *save = NULL, *l = strtok_r(ours, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (!strstr(l, ": __"))
            ftl_buf_printf(&kept, "%s\n", l);
    char *rest = ftl_buf_steal(&kept);
    free(ours);
    ck_assert_msg(rest[0] == '\0', "mutable static state (use per-TU state):\n%s", rest);
    ck_assert_ptr_nonnull(strstr(out, "discover.o: walk_out"));   /* the check sees statics */
    free(rest);
    free(out);
}
END_TEST

/* True when out has "N of N results reused" with N > 0 (every result came from the cache). */
static bool all_reused(const char *out)
{
    for (const char *p = strstr(out, " results reused"); p; p = strstr(p + 1, " results reused")) {
        const char *q = p;
        while (q > out && q[-1] != ' ' && q[-1] != '\n')
            q--;
        unsigned total;
        if (sscanf(q, "%u", &total) != 1 || q < out + 5)
            continue;
        const char *r = q - 4;   /* "N of " */
        while (r > out && r[-1] != ' ' && r[-1] != '\n')
            r--;
        unsigned reused;
        if (sscanf(r, "%u of", &reused) == 1 && reused == total && total > 0)
            return true;
    }
    return false;
}

/* ---- result cache --------------------------------------------------------------------------- */

START_TEST(cache_warm_run_identical_and_parses_nothing)
{
    char *cmd = ftl_xasprintf(
        "d=$(mktemp -d) && P='%s' && "
        "./ftlint --no-cache --color never $P > $d/plain 2>&1; "
        "./ftlint --cache-dir $d/c --color never $P > $d/cold 2>&1; "
        "./ftlint --cache-dir $d/c --color never $P > $d/warm 2>&1; "
        "cmp $d/plain $d/cold && cmp $d/plain $d/warm && echo SAME; "
        "./ftlint --cache-dir $d/c -v $P 2>&1 >/dev/null | "
        "grep '^ftlint: cache\\|^ftlint: precompiled'; "
        "test -f $d/c/CACHEDIR.TAG && test -f $d/c/.gitignore && echo MARKED; rm -rf $d", tree);
    char *out = shell_out(cmd);
    free(cmd);
    ck_assert_msg(strstr(out, "SAME\n") != NULL, "cached output differs:\n%s", out);
    ck_assert_msg(all_reused(out), "%s", out);
    ck_assert_msg(strstr(out, "ftlint: precompiled") == NULL, "a warm run parsed:\n%s", out);
    ck_assert_ptr_nonnull(strstr(out, "MARKED"));
    free(out);
}
END_TEST

/* A change in an included header invalidates the files that include it, and only them. */
START_TEST(cache_follows_included_headers)
{
    char *out = shell_out(
        "d=$(mktemp -d) && mkdir $d/p && cp tests/data/speed/proj/*.[ch] $d/p/ && "
        "./ftlint --cache-dir $d/c -q $d/p > /dev/null 2>&1; "
        "printf '/* an unrelated comment */\\n' >> $d/p/a.c; "
        "./ftlint --cache-dir $d/c -v $d/p 2>&1 | grep '^ftlint: cache'; "
        "sed -i 's/PyList_GetItem(list, 0)/PyList_GetItem(list, 0) + 0 ? PyList_GetItem(list, 1) : 0/' "
        "$d/p/shared.h; "
        "./ftlint --cache-dir $d/c -v --color never $d/p 2>&1 | grep 'shared.h:9\\|^ftlint: cache'; "
        "rm -rf $d");
    /* a.c changed: 1 of 6 parsed again. */
    ck_assert_msg(strstr(out, ": 5 of 6 results reused\n") != NULL, "%s", out);
    /* shared.h changed: every source includes it. */
    ck_assert_msg(strstr(out, ": 1 of 6 results reused\n") != NULL, "%s", out);  /* broken.c */
    ck_assert_msg(strstr(out, "shared.h:9:42: warning: PyList_GetItem") != NULL, "%s", out);
    free(out);
}
END_TEST

/* Truncated, garbled and foreign entries are ignored, replaced, and the output stays the
 * same. */
START_TEST(cache_corruption_survived)
{
    char *cmd = ftl_xasprintf(
        "d=$(mktemp -d) && P='%s' && "
        "./ftlint --cache-dir $d/c --color never $P > $d/first 2>&1; "
        "set -- $(ls $d/c/results/*/*.json | sort); echo ENTRIES $#; "
        "head -c 100 $1 > $d/t && mv $d/t $1; "
        "printf '\\x00\\xff garbage' > $2; "
        "sed -i 's/ftlint-cache-2/ftlint-cache-0/' $3; "
        "sed -i 's/\"findings\":\\[/\"findings\":[{\"rule\":\"FT999\"},/' $4; "
        "sed -i 's/\"source\":\"[0-9a-f]*\"/\"source\":\"00\"/' $5; "
        "./ftlint --cache-dir $d/c --color never $P > $d/second 2>&1; "
        "cmp $d/first $d/second && echo SAME; "
        "./ftlint --cache-dir $d/c -v $P 2>&1 >/dev/null | grep '^ftlint: cache'; "
        "grep -c '\"format\":\"ftlint-cache-2\"' $1 $2 $3 $4 $5 | grep -c ':1$'; rm -rf $d", tree);
    char *out = shell_out(cmd);
    free(cmd);
    unsigned entries = 0;
    const char *e = strstr(out, "ENTRIES ");
    ck_assert_msg(e && sscanf(e, "ENTRIES %u", &entries) == 1 && entries >= 5, "%s", out);
    ck_assert_msg(strstr(out, "SAME\n") != NULL, "output changed after corruption:\n%s", out);
    /* After the replacement every entry is valid again and reused. */
    ck_assert_msg(all_reused(out) && strstr(out, " results reused\n5\n") != NULL, "%s", out);
    free(out);
}
END_TEST

START_TEST(cache_reports_replacements_and_uncacheable)
{
    char *out = shell_out(
        "d=$(mktemp -d) && printf '#define H \"missing.h\"\n#include H\nint x;\n' > $d/m.c && "
        "cp tests/data/speed/proj/a.c tests/data/speed/proj/shared.h $d/ && "
        "./ftlint --cache-dir $d/c -q $d > /dev/null 2>&1; "
        "for f in $d/c/results/*/*.json; do printf x > $f; done; "
        "./ftlint --cache-dir $d/c -v $d 2>&1 | grep '^ftlint: cache'; rm -rf $d");
    /* A computed #include that found nothing cannot be probed later: not stored. */
    ck_assert_msg(strstr(out, ": 0 of 2 results reused, 1 invalid entries replaced, "
                              "1 not cacheable\n") != NULL, "%s", out);
    free(out);
}
END_TEST

/* An #include that found no file is a dependency too: the entry is reused while the header
 * is still missing, and not once it appears (next to the file, or in an -I directory). */
START_TEST(cache_notices_headers_that_appear)
{
    char *out = shell_out(
        "d=$(mktemp -d) && mkdir $d/src $d/inc && "
        "printf '#include <Python.h>\n#include \"later.h\"\n#include <other.h>\n"
        "static PyObject *f(PyObject *l) { return helper(l); }\n' > $d/src/m.c && "
        "R=\"./ftlint --color never -I $d/inc --cache-dir $d/c -v $d/src\"; "
        "{ $R > /dev/null 2>&1; $R 2>&1 | grep '^ftlint: cache'; "
        "printf '#include <Python.h>\nstatic PyObject *helper(PyObject *l) "
        "{ return PyList_GetItem(l, 0); }\n' > $d/src/later.h; "
        "$R 2>&1 | grep -o '^ftlint: cache.*\\|later.h:2:[0-9]*: warning: PyList_GetItem'; "
        "$R 2>&1 | grep '^ftlint: cache'; "
        "printf 'int other;\n' > $d/inc/other.h; $R 2>&1 | grep '^ftlint: cache'; "
        "} | sed \"s|$d|D|g\"; rm -rf $d");
    ck_assert_str_eq(out, "ftlint: cache 'D/c': 1 of 1 results reused\n"
                          "later.h:2:47: warning: PyList_GetItem\n"
                          "ftlint: cache 'D/c': 0 of 1 results reused\n"
                          "ftlint: cache 'D/c': 1 of 1 results reused\n"
                          "ftlint: cache 'D/c': 0 of 1 results reused\n");
    free(out);
}
END_TEST

/* A different ftlint build (here: the same binary with one more byte) never reuses entries;
 * different rules use different entries. Under make check-valgrind ./ftlint is a script running
 * the binary FTL_VG_BIN names: the copy is of that binary, run the same way. */
START_TEST(cache_keyed_on_build_and_rules)
{
    char *out = shell_out(
        "d=$(mktemp -d) && B=./ftlint && if [ -n \"${FTL_VG_BIN:-}\" ]; then B=$FTL_VG_BIN; fi && "
        "cp \"$B\" $d/other && printf x >> $d/other && "
        "if [ -n \"${FTL_VG_BIN:-}\" ]; then O=\"env FTL_VG_BIN=$d/other ./ftlint\"; "
        "else O=$d/other; fi; "
        "./ftlint --cache-dir $d/c -q tests/data/speed/proj > /dev/null 2>&1; "
        "$O --cache-dir $d/c -v tests/data/speed/proj 2>&1 | grep '^ftlint: cache'; "
        "./ftlint --cache-dir $d/c -v --select FT003 tests/data/speed/proj 2>&1 | "
        "grep '^ftlint: cache\\|findings;'; rm -rf $d");
    ck_assert_msg(strstr(out, ": 0 of 6 results reused, 6 invalid entries replaced\n") != NULL,
                  "%s", out);
    ck_assert_msg(strstr(out, "ftlint: 0 findings;") != NULL, "%s", out);
    ck_assert_msg(strstr(out, ": 0 of 6 results reused\n") != NULL, "%s", out);
    free(out);
}
END_TEST

START_TEST(cache_unwritable_is_a_note)
{
    char *out = shell_out("./ftlint --cache-dir /proc/ftlint-no-such-dir --color never "
                          "tests/data/speed/proj 2>&1; echo rc=$?");
    char *plain = shell_out("./ftlint --no-cache --color never tests/data/speed/proj 2>&1 | "
                            "grep 'findings;'");
    ck_assert_msg(strstr(out, "ftlint: note: result cache disabled: cannot create "
                              "'/proc/ftlint-no-such-dir'") != NULL, "%s", out);
    ck_assert_msg(plain[0] && strstr(out, plain) != NULL, "%s\n---\n%s", out, plain);
    free(plain);
    ck_assert_ptr_nonnull(strstr(out, "rc=1"));
    free(out);
}
END_TEST

/* ---- shards and merge ---------------------------------------------------------------------- */

START_TEST(shard_option_parsing)
{
    unsigned k, n;
    ck_assert(ftl_parse_shard("1/1", &k, &n) && k == 1 && n == 1);
    ck_assert(ftl_parse_shard("3/7", &k, &n) && k == 3 && n == 7);
    const char *bad[] = {"0/2", "3/2", "1/0", "x", "1/", "/2", "1/2/3", "-1/2", "1/2x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(!ftl_parse_shard(bad[i], &k, &n), "accepted '%s'", bad[i]);
    char *out;
    ck_assert_int_eq(run_cmd("./ftlint --shard 3/2 x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "--shard: '3/2' is not K/N with 1 <= K <= N"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint -j 0 x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "-j: '0' is not a number of jobs from 1 to 1024"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint -jx x.c", &out, 1), 2);
    free(out);
}
END_TEST

/* The shards' finding lines add up to the unsharded run's, each file in exactly one shard. */
START_TEST(shards_add_up)
{
    char *cmd = ftl_xasprintf(
        "d=$(mktemp -d) && P='--ignore FT007,FT008 %s' && "
        "./ftlint --no-cache -q $P | sort > $d/all; "
        "for n in 2 3 5; do rm -f $d/parts; k=1; while [ $k -le $n ]; do "
        "./ftlint --no-cache -q --shard $k/$n $P >> $d/parts; k=$((k+1)); done; "
        "sort -u $d/parts | cmp - $d/all && echo SAME$n; done; "
        "./ftlint --no-cache --shard 2/2 $P 2>&1 | grep -c 'skipping'; "
        "./ftlint --no-cache --shard 1/2 $P 2>&1 | grep -c 'skipping'; rm -rf $d", tree);
    char *out = shell_out(cmd);
    free(cmd);
    ck_assert_msg(strstr(out, "SAME2\nSAME3\nSAME5\n0\n1\n") != NULL, "%s", out);
    free(out);
}
END_TEST

/* The other way to combine shards: their caches, copied together, make a full run that parses
 * nothing and prints exactly what one run prints. */
START_TEST(shard_caches_combine)
{
    char *cmd = ftl_xasprintf(
        "d=$(mktemp -d) && P='--ignore FT007,FT008 %s' && "
        "./ftlint -q --cache-dir $d/c1 --shard 1/2 $P > /dev/null 2>&1; "
        "./ftlint -q --cache-dir $d/c2 --shard 2/2 $P > /dev/null 2>&1; "
        "mkdir $d/all && cp -r $d/c1/. $d/c2/. $d/all/ && "
        "./ftlint --cache-dir $d/all --color never $P > $d/combined 2>&1; "
        "./ftlint --no-cache --color never $P > $d/plain 2>&1; "
        "cmp $d/combined $d/plain && echo SAME; "
        "./ftlint --cache-dir $d/all -v $P 2>&1 >/dev/null | grep '^ftlint: cache' | "
        "sed 's/.*: //'; rm -rf $d", tree);
    char *out = shell_out(cmd);
    free(cmd);
    ck_assert_msg(strncmp(out, "SAME\n", 5) == 0 && all_reused(out), "%s", out);
    free(out);
}
END_TEST

/* The JSON report layout (version 1) of --format json, as the formatter writes it (see man
 * ftlint, FORMATS): written here from a run so that merge can be tested end to end. Only the
 * keys merge reads; the formatter itself is tested with the formats. */
static char *report_json(const ftl_run *run)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", 1);
    cJSON *tool = cJSON_AddObjectToObject(doc, "tool");
    cJSON_AddStringToObject(tool, "name", "ftlint");
    cJSON_AddStringToObject(tool, "version", FTLINT_VERSION);
    cJSON *files = cJSON_AddArrayToObject(doc, "files");
    static const char *const st[] = {"ok", "had_errors", "failed", "skipped"};
    for (size_t i = 0; i < run->nfiles + run->list.nskipped; i++) {
        bool skip = i >= run->nfiles;
        const ftl_file_result *r = skip ? NULL : &run->files[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", skip ? run->list.skipped[i - run->nfiles].path : r->path);
        cJSON_AddStringToObject(o, "status", skip ? "skipped" : st[r->status]);
        const char *reason = skip ? run->list.skipped[i - run->nfiles].reason : r->reason;
        if (reason)
            cJSON_AddStringToObject(o, "reason", reason);
        else
            cJSON_AddNullToObject(o, "reason");
        cJSON_AddNumberToObject(o, "error_count", skip ? 0 : r->nerrors);
        cJSON *errs = cJSON_AddArrayToObject(o, "errors");
        for (size_t k = 0; !skip && k < r->errors.n; k++)
            cJSON_AddItemToArray(errs, cJSON_CreateString(r->errors.v[k]));
        cJSON_AddItemToArray(files, o);
    }
    cJSON *fs = cJSON_AddArrayToObject(doc, "findings");
    for (size_t i = 0; i < run->findings.n; i++) {
        const ftl_finding *f = &run->findings.v[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", f->rule->code);
        cJSON_AddStringToObject(o, "rule", f->rule->name);
        cJSON_AddStringToObject(o, "severity", f->severity == FTL_SEV_ERROR ? "error" :
                                               f->severity == FTL_SEV_NOTE ? "note" : "warning");
        cJSON_AddStringToObject(o, "confidence",
                                f->rule->confidence == FTL_CONF_HIGH ? "high" : "medium");
        cJSON_AddStringToObject(o, "path", f->path);
        cJSON_AddNumberToObject(o, "line", f->line);
        cJSON_AddNumberToObject(o, "column", f->col);
        cJSON_AddNumberToObject(o, "end_line", f->end_line);
        cJSON_AddNumberToObject(o, "end_column", f->end_col);
        cJSON_AddNumberToObject(o, "offset", f->offset);
        cJSON_AddNumberToObject(o, "end_offset", f->end_offset);
        if (f->function)
            cJSON_AddStringToObject(o, "function", f->function);
        else
            cJSON_AddNullToObject(o, "function");
        cJSON_AddStringToObject(o, "message", f->message);
        if (f->help)
            cJSON_AddStringToObject(o, "help", f->help);
        else
            cJSON_AddNullToObject(o, "help");
        cJSON_AddStringToObject(o, "fingerprint", f->fingerprint);
        cJSON *edits = cJSON_AddArrayToObject(o, "edits");
        for (size_t k = 0; k < f->nedits; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "offset", f->edits[k].begin);
            cJSON_AddNumberToObject(e, "end_offset", f->edits[k].end);
            cJSON_AddStringToObject(e, "replacement", f->edits[k].replacement);
            cJSON_AddBoolToObject(e, "safe", f->edits[k].safe);
            if (f->edits[k].needs_py)
                cJSON_AddStringToObject(e, "needs_python", "3.13");
            else
                cJSON_AddNullToObject(e, "needs_python");
            cJSON_AddItemToArray(edits, e);
        }
        cJSON_AddItemToArray(fs, o);
    }
    char *s = cJSON_Print(doc);
    cJSON_Delete(doc);
    return s;
}

static void run_with(ftl_config *cfg, unsigned k, unsigned n, ftl_run *run)
{
    cfg->shard_k = k;
    cfg->shard_n = n;
    ftl_run_analysis(cfg, run);
}

/* Shard runs written as JSON and merged equal the unsharded run: every finding field and
 * fingerprint, every file; and `ftlint merge` prints what one run prints. */
START_TEST(merge_equals_unsharded_run)
{
    ftl_config cfg;
    tu_fixture_config(&cfg, "");
    cfg.no_cache = true;
    cfg.quiet = true;
    cfg.enabled[ftl_rule_lookup("FT007")] = false;   /* whole-run rules: no --shard */
    cfg.enabled[ftl_rule_lookup("FT008")] = false;
    ftl_strv_push(&cfg.paths, "tests/data/speed");
    ftl_strv_push(&cfg.paths, scaled ? "fixtures/dict-next" : "fixtures");
    ftl_run whole;
    run_with(&cfg, 0, 0, &whole);
    ck_assert_uint_ge(whole.findings.n, 10);
    ftl_run merged;
    memset(&merged, 0, sizeof merged);
    char dir[] = "/tmp/ftlint-check-merge-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ftl_buf names = {0};
    for (unsigned k = 1; k <= 3; k++) {
        ftl_run part;
        run_with(&cfg, k, 3, &part);
        char *json = report_json(&part);
        char *err = NULL;
        ck_assert_msg(ftl_merge_json(json, strlen(json), "part", &merged, &err), "%s", err);
        char *name = ftl_xasprintf("%s/part%u.json", dir, k);
        FILE *f = fopen(name, "w");
        fputs(json, f);
        fclose(f);
        ftl_buf_printf(&names, " %s", name);
        free(name);
        free(json);
        ftl_run_free(&part);
    }
    ftl_merge_finish(&merged);
    ck_assert_uint_eq(merged.findings.n, whole.findings.n);
    for (size_t i = 0; i < whole.findings.n; i++) {
        const ftl_finding *a = &whole.findings.v[i], *b = &merged.findings.v[i];
        cJSON *ja = ftl_finding_to_json(a), *jb = ftl_finding_to_json(b);
        cJSON_DeleteItemFromObject(ja, "key");  /* the report names a file by its path */
        cJSON_DeleteItemFromObject(jb, "key");
        for (cJSON *e = cJSON_GetObjectItem(ja, "edits")->child; e; e = e->next)
            cJSON_DeleteItemFromObject(e, "needs_py");   /* not in the report: fixing only */
        for (cJSON *e = cJSON_GetObjectItem(jb, "edits")->child; e; e = e->next)
            cJSON_DeleteItemFromObject(e, "needs_py");
        char *sa = cJSON_PrintUnformatted(ja), *sb = cJSON_PrintUnformatted(jb);
        ck_assert_str_eq(sa, sb);
        ck_assert_str_eq(a->fingerprint, b->fingerprint);
        free(sa);
        free(sb);
        cJSON_Delete(ja);
        cJSON_Delete(jb);
    }
    ck_assert_uint_eq(merged.nfiles, whole.nfiles + whole.list.nskipped);
    ck_assert_uint_eq(merged.nerrors, whole.nerrors);
    ck_assert_uint_eq(merged.nskipped, whole.nskipped);

    /* The command: same output as one run, same exit status. */
    char *cmd = ftl_xasprintf("./ftlint merge --color never%s; echo rc=$?", names.s);
    char *got = shell_out(cmd);
    free(cmd);
    cmd = ftl_xasprintf("./ftlint --no-cache --color never --ignore FT007,FT008 "
                        "tests/data/speed %s; echo rc=$?", scaled ? "fixtures/dict-next" : "fixtures");
    char *want = shell_out(cmd);
    ck_assert_str_eq(got, want);
    free(cmd);
    free(got);
    free(want);
    /* A report that is not one, or from another version: exit 2, nothing printed. */
    cmd = ftl_xasprintf("printf '{\"version\":1,\"tool\":{\"name\":\"ftlint\",\"version\":"
                        "\"0.0.1\"},\"files\":[],\"findings\":[]}' > %s/old.json; "
                        "./ftlint merge%s %s/old.json; echo rc=$?", dir, names.s, dir);
    got = shell_out(cmd);
    ck_assert_msg(strstr(got, "old.json: written by ftlint 0.0.1; merge with the ftlint that "
                              "wrote the shards") != NULL, "%s", got);
    ck_assert_ptr_null(strstr(got, "warning:"));
    ck_assert_ptr_nonnull(strstr(got, "rc=2"));
    free(got);
    free(cmd);
    cmd = ftl_xasprintf("./ftlint merge %s/part1.json README.md; echo rc=$?", dir);
    got = shell_out(cmd);
    ck_assert_ptr_nonnull(strstr(got, "README.md: not an ftlint JSON report"));
    ck_assert_ptr_nonnull(strstr(got, "rc=2"));
    free(got);
    free(cmd);

    ftl_buf_free(&names);
    ftl_remove_tree(dir);
    ftl_run_free(&whole);
    ftl_run_free(&merged);
    ftl_strv_free(&cfg.paths);
    config_free(&cfg);
}
END_TEST

int main(void)
{
    nftw("fixtures", collect, 16, FTW_PHYS);
    nftw("tests/data/speed", collect, 16, FTW_PHYS);
    nftw("examples", collect, 16, FTW_PHYS);
    tu_sample(&sources);
    const char *scale = getenv("FTL_TEST_SCALE");
    scaled = scale && strtol(scale, NULL, 10) > 1;
    if (scaled)
        tree = "tests/data/speed fixtures/dict-next";
    if (!mkdtemp(pch_dir)) {
        perror("mkdtemp");
        return 1;
    }
    Suite *s = suite_create("speed");
    TCase *tc = tcase_create("speed");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sha256_known_answers);
    tcase_add_test(tc, sha256_hardware_matches_portable);
    tcase_add_loop_test(tc, pch_gives_identical_results, 0, (int)sources.n);
    tcase_add_test(tc, pch_keyed_on_arguments);
    tcase_add_test(tc, pch_corruption_survived);
    tcase_add_test(tc, pch_full_argv_mode);
    tcase_add_test(tc, jobs_output_identical);
    tcase_add_test(tc, no_mutable_static_state);
    tcase_add_test(tc, cache_warm_run_identical_and_parses_nothing);
    tcase_add_test(tc, cache_follows_included_headers);
    tcase_add_test(tc, cache_corruption_survived);
    tcase_add_test(tc, cache_reports_replacements_and_uncacheable);
    tcase_add_test(tc, cache_notices_headers_that_appear);
    tcase_add_test(tc, cache_keyed_on_build_and_rules);
    tcase_add_test(tc, cache_unwritable_is_a_note);
    tcase_add_test(tc, shard_option_parsing);
    tcase_add_test(tc, shards_add_up);
    tcase_add_test(tc, shard_caches_combine);
    tcase_add_test(tc, merge_equals_unsharded_run);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ftl_remove_tree(pch_dir);
    ftl_strv_free(&sources);
    return failed ? 1 : 0;
}
