/* check_hostile.c: bad input through the CLI. Each case gets one clear message naming the file
 * and the problem, a defined exit status, no crash, no hang and no damaged file: unreadable,
 * vanishing, binary, huge and deeply nested sources, FIFOs and devices, broken and huge
 * compilation databases, configurations of the wrong types, a full disk, interrupted fixes, and
 * a file whose analysis never ends (--timeout). */
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
/* Input sizes are divided by FTL_TEST_SCALE when set (make check-valgrind sets 10: memcheck
 * runs libclang some 50 times slower). make check and make check-asan use the full sizes. */
static size_t scaled(size_t n)
{
    const char *s = getenv("FTL_TEST_SCALE");
    long k = s ? strtol(s, NULL, 10) : 1;
    return k > 1 ? n / (size_t)k : n;
}

/* Runs "cd DIR && AS ./ftlint --color never ARGS" (AS: a command prefix, or ""). */
static int ftlint_as_in_dir(const char *as, char **out, const char *args)
{
    char *cwd = getcwd(NULL, 0);
    char *cmd = ftl_xasprintf("cd '%s' && %s'%s/ftlint' --color never %s", dir, as, cwd, args);
    int st = run_cmd(cmd, out, 1);
    free(cmd);
    free(cwd);
    return st;
}

static int ftlint_in_dir(char **out, const char *args)
{
    return ftlint_as_in_dir("", out, args);
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
    PUTS("secret.c", "int x;\n");
    char *p = ftl_xasprintf("%s/secret.c", dir);
    chmod(p, 0);
    /* Root reads everything: as root, ftlint runs as nobody (setpriv), in a directory nobody
     * may enter, on a file nobody may read. */
    const char *as = "";
    char *out;
    if (geteuid() == 0) {
        chmod(dir, 0755);
        as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
        ftlint_as_in_dir(as, &out, "--version >/dev/null; echo probe=$?");
        bool can = strstr(out, "probe=0") != NULL;
        free(out);
        if (!can) {
            /* The checkout or setpriv is out of nobody's reach: nothing to learn here. */
            fprintf(stderr, "check_hostile: unreadable_file: cannot run ftlint as nobody; skipped\n");
            free(p);
            return;
        }
    }
    int st = ftlint_as_in_dir(as, &out, "secret.c");
    ck_assert_msg(st == 2, "exit %d: %s", st, out);
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
    for (size_t i = 0, n = scaled(200000); i < n; i++)
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
    while (b.len < scaled(10u * 1024 * 1024))
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

/* ---- compilation databases ------------------------------------------------------------------- */

START_TEST(compdb_truncated_and_malformed)
{
    PUTS("a.c", "int a;\n");
    char *out;
    /* Discovered next to the file, cut in the middle of an entry: one message, exit 2. */
    PUTS("compile_commands.json", "[{\"directory\": \"/tmp\", \"file\": \"a.c\", \"comm");
    ck_assert_int_eq(ftlint_in_dir(&out, "a.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "compile_commands.json: invalid JSON at line 1, column "));
    ck_assert_ptr_null(strchr(strchr(out, '\n') + 1, '\n'));    /* one line */
    free(out);
    static const char *const cases[][2] = {
        {"[1]", "entry 0 is not an object"},
        {"{\"directory\": \"/\"}", "expected an array of compile commands"},
        {"[{\"directory\": \"/\", \"file\": \"a.c\", \"command\": \"cc a.c\"}, {\"file\": \"b.c\"}]",
         "entry 1 has no \"directory\" string"},
        {"[{\"directory\": \"/\", \"file\": \"a.c\", \"arguments\": [\"cc\", 1]}]",
         "entry 0 has an argument that is not a string"},
        {"[{\"directory\": \"/\", \"file\": \"a.c\", \"arguments\": []}]",
         "entry 0 has an empty \"arguments\" array"},
        {"[{\"directory\": \"/\", \"file\": 7, \"command\": \"cc\"}]", "entry 0 has no \"file\" string"},
        {"", "invalid JSON at line 1, column 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        PUTS("compile_commands.json", cases[i][0]);
        ck_assert_int_eq(ftlint_in_dir(&out, "a.c"), 2);
        ck_assert_msg(strstr(out, cases[i][1]) != NULL, "%s: %s", cases[i][0], out);
        free(out);
    }
    /* A database that is not a regular file. */
    char *p = ftl_xasprintf("%s/compile_commands.json", dir);
    unlink(p);
    ck_assert_int_eq(symlink("/dev/zero", p), 0);
    ck_assert_int_eq(ftlint_in_dir(&out, "a.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "compile_commands.json: cannot read: not a regular file"));
    free(out);
    free(p);
}
END_TEST

START_TEST(compdb_fifty_thousand_entries)
{
    /* 50,000 entries, as a large C++ project writes them, plus the one for the file analysed
     * (its -D makes the finding appear). Loading was quadratic in the entries. */
    ftl_buf b = {0};
    ftl_buf_puts(&b, "[\n");
    int entries = (int)scaled(50000);
    for (int i = 0; i < entries; i++)
        ftl_buf_printf(&b, "{\"directory\": \"%s\", \"command\": \"c++ -DN=%d -Iinclude -O2 -o obj/f%d.o "
                           "-c src/f%d.cc\", \"file\": \"src/f%d.cc\"},\n", dir, i, i, i, i);
    ftl_buf_printf(&b, "{\"directory\": \"%s\", \"arguments\": [\"cc\", \"-DWITH_X\", \"-c\", \"a.c\"], "
                       "\"file\": \"a.c\"}\n]\n", dir);
    put("compile_commands.json", b.s, b.len);
    ftl_buf_free(&b);
    PUTS("a.c", "#include <Python.h>\n#ifdef WITH_X\n"
                "PyObject *f(PyObject *l) { return PyList_GetItem(l, 0); }\n#endif\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "-v a.c"), 1);
    char *want = ftl_xasprintf("using compilation database compile_commands.json (%d entries)", entries + 1);
    ck_assert_ptr_nonnull(strstr(out, want));
    free(want);
    ck_assert_ptr_nonnull(strstr(out, "a.c:3:35: warning: PyList_GetItem"));
    free(out);
    /* -p alone: every listed file; the 50,000 missing ones are counted in one note. */
    ck_assert_int_eq(ftlint_in_dir(&out, "-p ."), 1);
    want = ftl_xasprintf("%d files listed in compile_commands.json no longer exist; skipped", entries);
    ck_assert_ptr_nonnull(strstr(out, want));
    free(want);
    ck_assert_ptr_nonnull(strstr(out, "1 finding; 1 file analysed"));
    free(out);
}
END_TEST

/* ---- configuration ------------------------------------------------------------------------------ */

START_TEST(config_wrong_types)
{
    PUTS("a.c", "int a;\n");
    static const char *const cases[][2] = {
        {"{\"select\": \"FT001\"}", "select"},
        {"{\"ignore\": [1]}", "ignore"},
        {"{\"exclude\": {\"a\": 1}}", "exclude"},
        {"{\"per_path_ignores\": [\"x\"]}", "per_path_ignores"},
        {"{\"per_path_ignores\": {\"src/*\": \"FT001\"}}", "per_path_ignores"},
        {"{\"include_dirs\": \"include\"}", "include_dirs"},
        {"{\"defines\": [true]}", "defines"},
        {"{\"severity\": {\"FT001\": 2}}", "severity"},
        {"{\"severity\": [\"error\"]}", "severity"},
        {"{\"min_python\": 3.9}", "min_python"},
        {"{\"python_include\": [\"/usr/include\"]}", "python_include"},
        {"{\"lock_functions\": {\"lock\": \"a\"}}", "lock_functions"},
        {"{\"lock_functions\": [{\"lock\": 1, \"unlock\": \"u\"}]}", "lock_functions"},
        {"{\"lock_functions\": [{\"lock\": \"l\", \"unlock\": \"u\", \"object_arg\": \"0\"}]}", "object_arg"},
        /* Found by fuzz_config: a number beyond int's range was converted before the check. */
        {"{\"lock_functions\": [{\"lock\": \"l\", \"unlock\": \"u\", \"object_arg\": 6e29}]}", "object_arg"},
        {"{\"lock_functions\": [{\"lock\": \"l\", \"unlock\": \"u\", \"object_arg\": 65}]}", "object_arg"},
        {"{\"lock_functions\": [{\"lock\": \"l\", \"unlock\": \"u\", \"object_arg\": 0.5}]}", "object_arg"},
        {"{\"fresh_functions\": \"new_dict\"}", "fresh_functions"},
        {"[]", ".ftlint.json"},
        {"{\"select\": [\"FT001\"], \"unknown_key\": 1}", "unknown_key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        PUTS(".ftlint.json", cases[i][0]);
        char *out;
        int st = ftlint_in_dir(&out, "a.c");
        ck_assert_msg(st == 2, "%s: exit %d: %s", cases[i][0], st, out);
        ck_assert_msg(strstr(out, cases[i][1]) != NULL, "%s: message does not name '%s': %s",
                      cases[i][0], cases[i][1], out);
        ck_assert_msg(strchr(out, '\n') == out + strlen(out) - 1, "%s: not one line: %s", cases[i][0], out);
        free(out);
    }
    /* A configuration named on the command line that is a device. */
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "--config /dev/zero a.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "/dev/zero: cannot read: not a regular file"));
    free(out);
}
END_TEST

/* ---- files that are not files ------------------------------------------------------------------- */

START_TEST(fifo_and_device_sources_skipped)
{
    /* A FIFO would block the read (and the open), a device never end. */
    char *fifo = ftl_xasprintf("%s/pipe.c", dir);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);
    char *zero = ftl_xasprintf("%s/zero.c", dir);
    ck_assert_int_eq(symlink("/dev/zero", zero), 0);
    PUTS("ok.c", "int ok;\n");
    char *out;
    ck_assert_int_eq(ftlint_in_dir(&out, "."), 0);
    ck_assert_ptr_nonnull(strstr(out, "skipping ./pipe.c: not a regular file"));
    ck_assert_ptr_nonnull(strstr(out, "1 file analysed, 1 skipped"));
    free(out);
    ck_assert_int_eq(ftlint_in_dir(&out, "zero.c pipe.c ok.c"), 0);
    ck_assert_ptr_nonnull(strstr(out, "skipping zero.c: not a regular file"));
    ck_assert_ptr_nonnull(strstr(out, "skipping pipe.c: not a regular file"));
    free(out);
    free(fifo);
    free(zero);
}
END_TEST

/* ---- a full disk -------------------------------------------------------------------------------- */

START_TEST(output_on_full_disk)
{
    PUTS("a.c", "#include <Python.h>\nPyObject *f(PyObject *l) { return PyList_GetItem(l, 0); }\n");
    char *out;
    /* /dev/full: every write fails with ENOSPC. The device is written, never replaced. */
    ck_assert_int_eq(ftlint_in_dir(&out, "--no-cache --format json -o /dev/full a.c"), 2);
    ck_assert_ptr_nonnull(strstr(out, "-o /dev/full: cannot write the report: No space left on device"));
    free(out);
    struct stat st;
    ck_assert_int_eq(stat("/dev/full", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    /* A file size limit (the disk filling up while the report is written): the old report
     * stays whole and no temporary file remains. */
    PUTS("report.json", "old report\n");
    char *cwd = getcwd(NULL, 0);
    char *cmd = ftl_xasprintf("cd '%s' && (ulimit -f 1; trap '' XFSZ; '%s/ftlint' --no-cache "
                              "--format sarif -o report.json a.c)", dir, cwd);
    free(cwd);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "-o report.json: cannot write the report: File too large"));
    free(out);
    free(cmd);
    char *p = ftl_xasprintf("%s/report.json", dir);
    size_t len;
    char *text = ftl_read_file(p, &len);
    ck_assert_str_eq(text, "old report\n");
    free(text);
    free(p);
    char *ls = ftl_xasprintf("ls -A '%s'", dir);
    run_cmd(ls, &out, 0);
    ck_assert_str_eq(out, "a.c\nreport.json\n");
    free(out);
    free(ls);
    /* /dev/null is a fine place for a report, also when not root. */
    ck_assert_int_eq(ftlint_in_dir(&out, "-q -o /dev/null a.c"), 1);
    ck_assert_str_eq(out, "");
    free(out);
}
END_TEST

/* ---- --timeout ---------------------------------------------------------------------------------- */

/* The time limit for a normal file: 2 s, scaled like Check's own limits under the sanitizers
 * and Valgrind (make check-asan, check-valgrind set CK_TIMEOUT_MULTIPLIER). */
static unsigned time_limit(void)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    int k = m ? atoi(m) : 1;
    return 2 * (unsigned)(k > 1 ? k : 1);
}

/* A file whose preprocessing never ends in practice: 2^40 tokens from 41 macros. */
static void put_slow(const char *name)
{
    ftl_buf b = {0};
    ftl_buf_puts(&b, "#define X0 1+\n");
    for (int i = 1; i <= 40; i++)
        ftl_buf_printf(&b, "#define X%d X%d X%d\n", i, i - 1, i - 1);
    ftl_buf_puts(&b, "int v = X40 1;\n");
    put(name, b.s, b.len);
    ftl_buf_free(&b);
}

START_TEST(timeout_skips_pathological_file)
{
    put_slow("slow.c");
    PUTS("ok.c", "#include <Python.h>\nPyObject *f(PyObject *l) { return PyList_GetItem(l, 0); }\n"
                 "/* ftlint: ignore[FT002] stale */\n");
    unsigned t = time_limit();
    char *args = ftl_xasprintf("--timeout %u .", t);
    char *out;
    /* The file is skipped; the other is analysed as always (its finding, and its suppression
     * judged after the run), and the exit status is theirs. */
    ck_assert_int_eq(ftlint_in_dir(&out, args), 1);
    char *note = ftl_xasprintf("ftlint: note: skipping ./slow.c: timed out after %u s", t);
    ck_assert_msg(strstr(out, note) != NULL, "%s", out);
    ck_assert_ptr_nonnull(strstr(out, "./ok.c:2:35: warning: PyList_GetItem"));
    ck_assert_ptr_nonnull(strstr(out, "./ok.c:3:4: warning: ftlint: ignore[FT002] suppresses nothing"));
    ck_assert_ptr_nonnull(strstr(out, "2 findings; 1 file analysed, 1 skipped"));
    free(out);
    free(note);
    free(args);
    /* Alone: exit 0; the JSON report says why. */
    args = ftl_xasprintf("--timeout %u --format json slow.c", t);
    ck_assert_int_eq(ftlint_in_dir(&out, args), 0);
    char *want = ftl_xasprintf("\"path\": \"slow.c\",\n      \"status\": \"skipped\",\n      \"reason\": "
                               "\"timed out after %u s\"", t);
    ck_assert_msg(strstr(out, want) != NULL, "%s", out);
    free(want);
    free(out);
    free(args);
    /* Bad values. */
    const char *bad[] = {"0", "-1", "abc", "1.5", "86401", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *a = ftl_xasprintf("--timeout '%s' ok.c", bad[i]);
        ck_assert_int_eq(ftlint_in_dir(&out, a), 2);
        ck_assert_ptr_nonnull(strstr(out, "--timeout: '"));
        free(out);
        free(a);
    }
}
END_TEST

START_TEST(timeout_gives_the_same_report)
{
    /* Every file analysed in a child: the same findings, edits, suppressions, call graph and
     * compiler errors come back (the report of the fixtures and the demo is byte for byte the
     * same). */
    char *a, *b;
    /* (no cache or PCH: their -v statistics are counted in the process that parses) */
    run_cmd("./ftlint --no-cache --no-pch --format json -v fixtures examples", &a, 1);
    run_cmd("./ftlint --no-cache --no-pch --timeout 3600 --format json -v fixtures examples", &b, 1);
    ck_assert_ptr_nonnull(strstr(a, "\"code\": \"FT007\""));
    ck_assert_ptr_nonnull(strstr(a, "\"code\": \"FT008\""));
    ck_assert_ptr_nonnull(strstr(a, "\"edits\": [\n        {\n          \"offset\""));
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
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
    tcase_add_test(tc, compdb_truncated_and_malformed);
    tcase_add_test(tc, compdb_fifty_thousand_entries);
    tcase_add_test(tc, config_wrong_types);
    tcase_add_test(tc, fifo_and_device_sources_skipped);
    tcase_add_test(tc, output_on_full_disk);
    tcase_add_test(tc, timeout_skips_pathological_file);
    tcase_add_test(tc, timeout_gives_the_same_report);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
