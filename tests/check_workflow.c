/* check_workflow.c: ftlint in real workflows, through the ./ftlint binary: compilation
 * databases (-p and discovery, hostile flags, malformed files), --stdin-filename, .ftlint.json,
 * suppression comments, baselines and the pre-commit hook; plus unit tests of the pieces
 * (argument filter, directive scanner, path and version helpers). Projects are copied from
 * tests/data into temporary directories that hold a .git, so searches stop there. */
#include "testutil.h"
#include "compdb.h"
#include "config.h"
#include "paths.h"
#include "pyinclude.h"
#include "suppress.h"

#include <unistd.h>

static char *ftlint;     /* absolute path of ./ftlint */

/* Copies tests/data/NAME into a new temporary directory (with .git, and every FILE.in
 * instantiated as FILE with @DIR@ replaced by the directory). Returns it; caller frees. */
static char *project(const char *name)
{
    char *cmd = ftl_xasprintf(
        "d=$(mktemp -d /tmp/ftlint-test-XXXXXX) && cp -r tests/data/%s/. \"$d\" && mkdir \"$d/.git\" && "
        "find \"$d\" -name '*.in' | while read -r f; do sed \"s|@DIR@|$d|g\" \"$f\" > \"${f%%.in}\"; done && "
        "printf %%s \"$d\"", name);
    char *dir;
    ck_assert_int_eq(run_cmd(cmd, &dir, 0), 0);
    free(cmd);
    ck_assert_msg(strncmp(dir, "/tmp/ftlint-test-", 17) == 0, "no project: %s", dir);
    return dir;
}

static void remove_project(char *dir)
{
    char *cmd = ftl_xasprintf("rm -rf '%s'", dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    free(dir);
}

/* Runs "cd DIR && ftlint ARGS" (stdout and stderr merged into *out); returns the exit status. */
static int in_dir(const char *dir, const char *args, char **out)
{
    char *cmd = ftl_xasprintf("cd '%s' && %s %s", dir, ftlint, args);
    int st = run_cmd(cmd, out, 1);
    free(cmd);
    return st;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

#define HAS(out, s) ck_assert_msg(strstr((out), (s)) != NULL, "missing \"%s\" in:\n%s", (s), (out))
#define LACKS(out, s) ck_assert_msg(strstr((out), (s)) == NULL, "unexpected \"%s\" in:\n%s", (s), (out))

/* ---- compilation database ------------------------------------------------------------------ */

START_TEST(compdb_flags_needed)
{
    char *d = project("compdb"), *out;
    /* Without the database the header is missing and WITH_REGISTRY undefined: no finding. */
    char *cmd = ftl_xasprintf("rm '%s/build/compile_commands.json'", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-v src/mod.c", &out), 0);
    HAS(out, "0 findings; 1 file analysed, 1 with compiler errors");
    HAS(out, "'feature.h' file not found");
    LACKS(out, "using compilation database");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(compdb_explicit_and_discovered)
{
    char *d = project("compdb"), *out;
    ck_assert_int_eq(in_dir(d, "-p build src/mod.c", &out), 1);
    HAS(out, "src/mod.c:10:19: warning: PyDict_GetItem returns a borrowed reference to a value of dict 'registry'");
    free(out);
    /* The JSON file itself, and an absolute path from another directory. */
    char *args = ftl_xasprintf("-p %s/build/compile_commands.json %s/src/mod.c", d, d);
    ck_assert_int_eq(in_dir("/", args, &out), 1);
    char *want = ftl_xasprintf("%s/src/mod.c:10:19: warning: PyDict_GetItem", d);
    HAS(out, want);
    /* clang's own headers are found whatever the compiler and the current directory. */
    HAS(out, "ftlint: 1 finding; 1 file analysed\n");
    free(want);
    free(args);
    free(out);
    /* Found in build/ of the analysed path's parent, and named with -v. */
    ck_assert_int_eq(in_dir(d, "-v src/mod.c", &out), 1);
    HAS(out, "ftlint: using compilation database build/compile_commands.json (2 entries)");
    HAS(out, "src/mod.c:10:19: warning");
    free(out);
    char *sub = ftl_xasprintf("%s/src", d);
    ck_assert_int_eq(in_dir(sub, "-q mod.c", &out), 1);
    HAS(out, "mod.c:10:19: warning");
    free(out);
    free(sub);
    /* The search stops at the repository root (.git): a nested repository finds none. */
    char *cmd = ftl_xasprintf("mkdir -p '%s/nested/.git' && cp '%s/src/mod.c' '%s/nested/'", d, d, d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-v nested/mod.c", &out), 0);
    LACKS(out, "using compilation database");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(compdb_every_entry_and_missing_files)
{
    char *d = project("compdb"), *out;
    /* -p alone: every entry, paths relative to the current directory. */
    ck_assert_int_eq(in_dir(d, "-p build", &out), 1);
    HAS(out, "src/mod.c:10:19: warning");
    HAS(out, "src/util.c:6:42: warning");
    HAS(out, "2 findings; 2 files analysed");
    LACKS(out, "extra.c");
    free(out);
    /* A file the database does not list: default flags, said with -v. */
    ck_assert_int_eq(in_dir(d, "-v -p build src/extra.c src/util.c", &out), 1);
    HAS(out, "ftlint: src/extra.c: not in build/compile_commands.json; analysed with the default flags");
    HAS(out, "src/extra.c:6:32: warning: PyList_GetItem");
    LACKS(out, "src/util.c: not in");
    HAS(out, "dropped flags the analysis does not use: -fvar-tracking-assignments, -o, -c");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(compdb_hostile_flags_dropped)
{
    char *d = project("compdb"), *out;
    char *cmd = ftl_xasprintf("cc -shared -fPIC -DEVIL_MARK='\"%s/LOADED\"' -o '%s/evil.so' '%s/evil.c'",
                              d, d, d);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-p hostile.json src/mod.c", &out), 1);
    /* The flags the analysis needs still apply... */
    HAS(out, "src/mod.c:10:19: warning: PyDict_GetItem");
    /* ...the others are dropped, and the loaders named on stderr. */
    HAS(out, "ignoring flags that would load code into the compiler or run other programs: ");
    char *want = ftl_xasprintf("-fplugin=%s/evil.so, -fplugin-arg-evil-x=1, -fpass-plugin=%s/evil.so, "
                               "-Xclang -load -Xclang %s/evil.so, -Xclang -plugin -Xclang evil, "
                               "-B%s, --config=%s/evil.cfg, --prefix=%s", d, d, d, d, d, d);
    HAS(out, want);
    free(want);
    free(out);
    /* Nothing was loaded and nothing written: no plugin mark, no dependency file, no object. */
    cmd = ftl_xasprintf("test ! -e '%s/LOADED' && test ! -e '%s/deps.d' && test ! -e '%s/out.o' && "
                        "test -z \"$(find '%s' -name '*.d')\"", d, d, d, d);
    ck_assert_msg(run_cmd(cmd, NULL, 0) == 0, "the database made ftlint load or write a file");
    free(cmd);
    remove_project(d);
}
END_TEST

/* clang reads configuration files (flags, as if on the command line) found next to the
 * compiler it is told it runs as: a database naming a compiler inside the project must not
 * bring its own. */
START_TEST(compdb_compiler_configuration_files_ignored)
{
    char *d = project("compdb"), *out;
    char *cmd = ftl_xasprintf(
        "cd '%s' && mkdir tools && echo '#error configuration file read' > tools/mark.h && "
        "for n in clang gcc x86_64-unknown-linux-gnu x86_64-unknown-linux-gnu-clang "
        "x86_64-linux-gnu x86_64-linux-gnu-clang x86_64-pc-linux-gnu; do "
        "echo \"-include %s/tools/mark.h\" > tools/$n.cfg; done && "
        "printf '[{\"directory\": \"%s/build\", \"arguments\": [\"%s/tools/gcc\", \"-I../include\", "
        "\"-DWITH_REGISTRY\", \"../src/mod.c\"], \"file\": \"../src/mod.c\"}]' > tools.json",
        d, d, d, d);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-v -p tools.json src/mod.c", &out), 1);
    HAS(out, "src/mod.c:10:19: warning: PyDict_GetItem");
    LACKS(out, "configuration file read");
    LACKS(out, "compiler error");
    free(out);
    remove_project(d);
}
END_TEST

/* Response files are expanded by ftlint: nested ones relative to the including file, and only
 * regular files (libclang itself would read "@/dev/zero" until memory runs out). */
START_TEST(compdb_response_files)
{
    char *d = project("compdb"), *out;
    char *cmd = ftl_xasprintf(
        "cd '%s' && mkdir -p build/rsp && printf '%%s\\n' '-I../include @rsp/more.rsp' > build/flags.rsp && "
        "printf '%%s\\n' '\"-DWITH_REGISTRY\" @/dev/zero @/dev/stdin @nothing.rsp' > build/rsp/more.rsp && "
        "printf '[{\"directory\": \"%s/build\", \"arguments\": [\"cc\", \"@flags.rsp\", "
        "\"../src/mod.c\"], \"file\": \"../src/mod.c\"}]' > rsp.json && "
        "printf '[{\"directory\": \"%s/build\", \"command\": \"cc @/dev/zero -I../include "
        "\\\"-DWITH_REGISTRY\\\" ../src/mod.c\", \"file\": \"../src/mod.c\"}]' > zero.json",
        d, d, d);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-v -p rsp.json src/mod.c < /dev/null", &out), 1);
    HAS(out, "src/mod.c:10:19: warning: PyDict_GetItem");   /* -DWITH_REGISTRY from the nested file */
    HAS(out, "@/dev/zero (not a regular file), @/dev/stdin (not a regular file), @nothing.rsp (missing)");
    free(out);
    ck_assert_int_eq(in_dir(d, "-v -p zero.json src/mod.c < /dev/null", &out), 1);
    HAS(out, "src/mod.c:10:19: warning: PyDict_GetItem");
    HAS(out, "@/dev/zero (not a regular file)");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(compdb_malformed_is_one_error)
{
    char *d = project("compdb"), *out;
    char *cmd = ftl_xasprintf("cd '%s' && head -c 150 build/compile_commands.json > cut.json && "
                              "echo '{\"directory\": 1}' > object.json && "
                              "echo '[{\"directory\": \"/x\", \"file\": \"a.c\"}]' > nocmd.json", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-p cut.json src/mod.c", &out), 2);
    ck_assert_uint_eq(count(out, "\n"), 1);
    HAS(out, "ftlint: cut.json: invalid JSON at line ");
    free(out);
    /* Discovered databases are checked the same way. */
    cmd = ftl_xasprintf("cp '%s/cut.json' '%s/build/compile_commands.json'", d, d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "src/mod.c", &out), 2);
    ck_assert_uint_eq(count(out, "\n"), 1);
    HAS(out, "build/compile_commands.json: invalid JSON at line ");
    free(out);
    ck_assert_int_eq(in_dir(d, "-p object.json src/mod.c", &out), 2);
    HAS(out, "object.json: expected an array of compile commands");
    free(out);
    ck_assert_int_eq(in_dir(d, "-p nocmd.json src/mod.c", &out), 2);
    HAS(out, "nocmd.json: entry 0 has neither a \"command\" string nor an \"arguments\" array");
    free(out);
    ck_assert_int_eq(in_dir(d, "-p src src/mod.c", &out), 2);
    HAS(out, "-p src: no compile_commands.json there");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(compdb_filter_unit)
{
    char *py = ftl_find_python_include();
    ck_assert_msg(py != NULL, "the tests need Python headers (python3-dev)");
    const char *args[] = {
        "gcc", "-Iinc", "-I", py, "-DX=1", "-isystem", "/sys", "-std=gnu11", "-fPIC", "-pthread",
        "-o", "a.o", "-c", "a.c", "-MD", "-MF", "a.d", "-fplugin=p.so", "-Xclang", "-load",
        "-Xclang", "l.so", "-Xclang", "-include", "-Xclang", "pch.h", "-Xclang", "-fno-pch-timestamp",
        "-Wp,-MD,x.d", "-fvar-tracking-assignments", "-Werror=format", "--", "b.c",
    };
    ftl_strv kept = {0}, py_dirs = {0}, unsafe = {0}, unused = {0};
    ftl_compdb_filter(args, sizeof args / sizeof *args, "/proj/build", &kept, &py_dirs, &unsafe, &unused);
    const char *want_kept[] = {"gcc", "--driver-mode=gcc", "-I", "inc", "-D", "X=1", "-isystem", "/sys", "-std=gnu11",
                               "-fPIC", "-pthread", "-include", "pch.h"};
    ck_assert_uint_eq(kept.n, sizeof want_kept / sizeof *want_kept);
    for (size_t i = 0; i < kept.n; i++)
        ck_assert_str_eq(kept.v[i], want_kept[i]);
    ck_assert_uint_eq(py_dirs.n, 1);
    ck_assert_str_eq(py_dirs.v[0], py);
    ck_assert_uint_eq(unsafe.n, 3);
    ck_assert_str_eq(unsafe.v[0], "-fplugin=p.so");
    ck_assert_str_eq(unsafe.v[1], "-Xclang -load -Xclang l.so");
    ck_assert_str_eq(unsafe.v[2], "-Wp,-MD,x.d");
    const char *want_unused[] = {"-o", "-c", "-MD", "-MF", "-Xclang -fno-pch-timestamp",
                                 "-fvar-tracking-assignments", "-Werror=format"};
    ck_assert_uint_eq(unused.n, sizeof want_unused / sizeof *want_unused);
    for (size_t i = 0; i < unused.n; i++)
        ck_assert_str_eq(unused.v[i], want_unused[i]);
    ftl_strv_free(&kept);
    ftl_strv_free(&py_dirs);
    ftl_strv_free(&unsafe);
    ftl_strv_free(&unused);
    free(py);
    ck_assert(ftl_compdb_ignorable_diagnostic("unknown argument: '-fno-gnu-unique'"));
    ck_assert(!ftl_compdb_ignorable_diagnostic("use of undeclared identifier 'x'"));
}
END_TEST

/* Every spelling clang reads as a loader, a forwarder or an output is dropped, whatever
 * surrounds it: the joined -Xclang=, an option ftlint does not know taking the next argument
 * as its value (which turns the value of -D into an option), the compiler's own directory
 * (clang reads configuration files found next to it) and its name (clang-cl reads
 * "-clang:-fplugin=..." as an option), GCC-style long options (--write-dependencies writes a
 * file, --prefix is -B). */
START_TEST(compdb_filter_reading_tricks)
{
    const char *args[] = {
        "/repo/tools/clang-cl.exe", "-Xclang=-load", "-Xclang=evil.so", "-Xclang=-include",
        "-Xclang=pch.h", "-imultilib", "-D", "-fplugin=evil.so", "-include", "-MF",
        "-Xopenmp-target=t", "-fplugin=b.so", "-Xlinker", "-lfoo", "-clang:-fplugin=c.so",
        "--driver-mode=cl", "-Xclang", "-include", "-Xclang", "-fpass-plugin=d.so",
        "--write-dependencies", "--prefix", "/evil", "--target=aarch64-linux-gnu",
        "-dependency-file=x.d", "-specsfoo", "-loadx", "-DOK", "-I",
    };
    ftl_strv kept = {0}, unsafe = {0}, unused = {0};
    ftl_compdb_filter(args, sizeof args / sizeof *args, "/proj", &kept, NULL, &unsafe, &unused);
    const char *want_kept[] = {"clang-cl.exe", "--driver-mode=gcc", "-include", "pch.h",
                               "-imultilib", "--target=aarch64-linux-gnu", "-D", "OK"};
    ck_assert_uint_eq(kept.n, sizeof want_kept / sizeof *want_kept);
    for (size_t i = 0; i < kept.n; i++)
        ck_assert_str_eq(kept.v[i], want_kept[i]);
    const char *want_unsafe[] = {"-Xclang -load -Xclang evil.so", "-D -fplugin=evil.so",
                                 "-clang:-fplugin=c.so", "--driver-mode=cl",
                                 "-include -fpass-plugin=d.so", "--prefix /evil", "-specsfoo",
                                 "-loadx"};
    ck_assert_uint_eq(unsafe.n, sizeof want_unsafe / sizeof *want_unsafe);
    for (size_t i = 0; i < unsafe.n; i++)
        ck_assert_str_eq(unsafe.v[i], want_unsafe[i]);
    /* -Xopenmp-target=T takes b.so's flag as its argument; -Xlinker takes -lfoo; a trailing
     * -I would take ftlint's own next argument. */
    const char *want_unused[] = {"-include -MF", "-Xopenmp-target=t", "-Xlinker",
                                 "--write-dependencies", "-dependency-file=x.d", "-I"};
    ck_assert_uint_eq(unused.n, sizeof want_unused / sizeof *want_unused);
    for (size_t i = 0; i < unused.n; i++)
        ck_assert_str_eq(unused.v[i], want_unused[i]);
    ftl_strv_free(&kept);
    ftl_strv_free(&unsafe);
    ftl_strv_free(&unused);
    /* The C++ driver for names ending in ++, version suffixes aside. */
    const char *cxx[][2] = {{"g++", "--driver-mode=g++"}, {"/usr/bin/clang++-19", "--driver-mode=g++"},
                            {"c++.exe", "--driver-mode=g++"}, {"cc", "--driver-mode=gcc"},
                            {"x86_64-linux-gnu-gcc-12", "--driver-mode=gcc"}, {"cpp", "--driver-mode=gcc"}};
    for (size_t i = 0; i < sizeof cxx / sizeof *cxx; i++) {
        ftl_compdb_filter(&cxx[i][0], 1, "/proj", &kept, NULL, NULL, NULL);
        ck_assert_uint_eq(kept.n, 2);
        ck_assert_str_eq(kept.v[1], cxx[i][1]);
        ftl_strv_free(&kept);
    }
}
END_TEST

/* ---- standard input -------------------------------------------------------------------------- */

START_TEST(stdin_filename)
{
    char *d = project("compdb"), *out;
    /* The buffer differs from the file on disk: lines, excerpt and flags follow the buffer and
     * the name (the database entry of src/mod.c supplies -I and -D). */
    ck_assert_int_eq(in_dir(d, "--stdin-filename src/mod.c < /dev/null", &out), 0);
    HAS(out, "0 findings; 1 file analysed");
    free(out);
    const char *edit = "(printf '/* unsaved */\\n\\n'; cat src/mod.c) | ";
    char *cmd = ftl_xasprintf("cd '%s' && %s %s --stdin-filename src/mod.c", d, edit, ftlint);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 1);
    free(cmd);
    HAS(out, "src/mod.c:12:19: warning: PyDict_GetItem");
    HAS(out, "        PyObject *v = REGISTRY_LOOKUP(registry, key);\n");
    HAS(out, "1 finding; 1 file analysed");
    free(out);
    /* A name that does not exist yet, and "-" for standard input. */
    cmd = ftl_xasprintf("cd '%s' && cat src/util.c | %s -q --stdin-filename src/new.c -", d, ftlint);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 1);
    free(cmd);
    HAS(out, "src/new.c:6:42: warning: PyDict_GetItem");
    free(out);
    ck_assert_int_eq(in_dir(d, "--stdin-filename a.c src/mod.c < /dev/null", &out), 2);
    HAS(out, "--stdin-filename reads the file from standard input; remove PATH 'src/mod.c'");
    free(out);
    remove_project(d);
}
END_TEST

/* ---- configuration --------------------------------------------------------------------------- */

START_TEST(config_applied)
{
    char *d = project("config"), *out;
    ck_assert_int_eq(in_dir(d, "-q src tests vendor", &out), 1);
    /* include_dirs + defines reveal defines.c's finding; severity makes it an error. */
    HAS(out, "src/defines.c:8:42: error: PyDict_GetItem");
    /* lock_functions, fresh_functions, per_path_ignores and exclude (also for vendor/shim.h,
     * which lock.c includes) silence the others. */
    ck_assert_uint_eq(count(out, "\n"), 1);
    free(out);
    ck_assert_int_eq(in_dir(d, "-q --no-config src tests vendor", &out), 1);
    LACKS(out, "defines.c");
    HAS(out, "src/fresh.c:9:30: warning");
    HAS(out, "src/lock.c:13:30: warning");
    HAS(out, "tests/t.c:6:43: warning");
    HAS(out, "vendor/v.c:6:44: warning");
    HAS(out, "src/../vendor/shim.h:3:58: warning");    /* excluded, but included by lock.c */
    free(out);
    /* Found from the analysed path upward, named with -v; exclusions counted. */
    char *sub = ftl_xasprintf("%s/src", d);
    ck_assert_int_eq(in_dir(sub, "-v lock.c ../vendor/v.c", &out), 0);
    char *want = ftl_xasprintf("ftlint: using configuration %s/.ftlint.json", d);
    HAS(out, want);
    free(want);
    HAS(out, "ftlint: 1 file excluded by");
    free(out);
    free(sub);
    remove_project(d);
}
END_TEST

START_TEST(config_rule_selection)
{
    char *d = project("config"), *out;
    char *cmd = ftl_xasprintf("cd '%s' && printf '{\"ignore\": [\"FT001\"]}' > quiet.json", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-q --config quiet.json tests", &out), 0);
    free(out);
    /* --select replaces the file's selection; --ignore removes from the result. */
    ck_assert_int_eq(in_dir(d, "-q --config quiet.json --select FT001 tests", &out), 1);
    HAS(out, "tests/t.c:6:43: warning");
    free(out);
    ck_assert_int_eq(in_dir(d, "-q --config quiet.json --select FT001 --ignore borrowed-ref tests", &out), 0);
    free(out);
    ck_assert_int_eq(in_dir(d, "--config quiet.json --no-config tests", &out), 2);
    HAS(out, "--config and --no-config contradict each other");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(config_errors_name_the_key)
{
    static const char *const cases[][2] = {
        {"{\"selct\": []}", "unknown key \"selct\" (known keys: select, ignore,"},
        {"{\"select\": \"FT001\"}", "\"select\": expected an array of rule codes or names"},
        {"{\"ignore\": [\"FT999\"]}", "\"ignore\": unknown rule 'FT999'"},
        {"{\"exclude\": [\"vendor/[ab\"]}", "\"exclude\": bad pattern 'vendor/[ab': unclosed '['"},
        {"{\"exclude\": [\"/abs\"]}", "\"exclude\": bad pattern '/abs': patterns are relative"},
        {"{\"per_path_ignores\": {\"x/*\": [\"nope\"]}}", "\"per_path_ignores.x/*\": unknown rule 'nope'"},
        {"{\"per_path_ignores\": {\"x\\\\\": [\"FT001\"]}}", "bad pattern 'x\\': ends with a lone backslash"},
        {"{\"severity\": {\"FT001\": \"fatal\"}}", "\"severity\": FT001: expected \"error\", \"warning\" or \"note\""},
        {"{\"min_python\": 3.9}", "\"min_python\": expected a version string such as \"3.9\""},
        {"{\"min_python\": \"2.7\"}", "\"min_python\": expected a version string"},
        {"{\"lock_functions\": [{\"lock\": \"a\"}]}", "\"lock_functions[0]\": \"lock\" and \"unlock\" must both name"},
        {"{\"lock_functions\": [{\"lock\": \"a\", \"unlock\": \"b\", \"kind\": \"spin\"}]}",
         "\"lock_functions[0]\": \"kind\": expected \"mutex\" or \"critical_section\""},
        {"{\"lock_functions\": [{\"lock\": \"a\", \"unlock\": \"b\", \"arg\": 1}]}", "unknown key \"arg\""},
        {"{\"fresh_functions\": [\"not a name\"]}", "\"fresh_functions\": 'not a name' is not a function name"},
        {"{\"defines\": [\"=1\"]}", "\"defines\": '=1' is not NAME or NAME=VALUE"},
        {"{\"include_dirs\": [1]}", "\"include_dirs\": expected an array of directories"},
        {"{\"python_include\": \"/nonexistent\"}", "\"python_include\": no Python.h in '/nonexistent'"},
        {"{\"select\": [], \"select\": []}", "\"select\": given twice"},
        {"[]", "expected a JSON object at the top level"},
        {"{\"select\": [\"FT001\"", "invalid JSON at line 1, column"},
    };
    char *d = project("config");
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *path = ftl_xasprintf("%s/.ftlint.json", d);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(cases[i][0], f);
        fclose(f);
        free(path);
        char *out;
        ck_assert_int_eq(in_dir(d, "src/lock.c", &out), 2);
        ck_assert_msg(strstr(out, cases[i][1]) && count(out, "\n") == 1,
                      "config %s: expected one line with \"%s\", got:\n%s", cases[i][0], cases[i][1], out);
        HAS(out, "ftlint: .ftlint.json: ");
        free(out);
    }
    remove_project(d);
}
END_TEST

/* The example in the README is a configuration ftlint accepts. */
START_TEST(config_readme_example)
{
    size_t len;
    char *readme = ftl_read_file("README.md", &len);
    ck_assert_ptr_nonnull(readme);
    const char *sec = strstr(readme, "### Project configuration");
    ck_assert_ptr_nonnull(sec);
    const char *b = strstr(sec, "```json\n");
    ck_assert_ptr_nonnull(b);
    b += 8;
    const char *e = strstr(b, "```");
    ck_assert_ptr_nonnull(e);
    char *d = project("config"), *out;
    char *path = ftl_xasprintf("%s/example.json", d);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fwrite(b, 1, (size_t)(e - b), f);
    fclose(f);
    ck_assert_int_eq(in_dir(d, "-v --config example.json src/lock.c", &out), 1);
    HAS(out, "using configuration example.json");
    HAS(out, "src/lock.c:13:30: error: PyDict_GetItem");    /* its "severity" applies */
    free(out);
    free(path);
    free(readme);
    remove_project(d);
}
END_TEST

START_TEST(config_unit)
{
    unsigned v;
    ck_assert(ftl_parse_python_version("3.9", &v));
    ck_assert_uint_eq(v, 0x03090000u);
    ck_assert(ftl_parse_python_version("3.13", &v));
    ck_assert_uint_eq(v, 0x030d0000u);
    ck_assert(!ftl_parse_python_version("3", &v));
    ck_assert(!ftl_parse_python_version("3.09", &v));
    ck_assert(!ftl_parse_python_version("3.9.1", &v));
    ck_assert_ptr_null(ftl_glob_problem("src/*.c"));
    ck_assert_ptr_null(ftl_glob_problem("[]]x"));
    ck_assert_ptr_nonnull(ftl_glob_problem("[!x"));
    ck_assert_ptr_nonnull(ftl_glob_problem(""));
    /* Loading fills the fields rules and fixes read. */
    char dir[] = "/tmp/ftlint-cfg-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *file = ftl_xasprintf("%s/.ftlint.json", dir);
    FILE *f = fopen(file, "w");
    fputs("{\"min_python\": \"3.10\", \"fresh_functions\": [\"mk\"], \"lock_functions\": "
          "[{\"lock\": \"L\", \"unlock\": \"U\", \"object_arg\": -1}], \"defines\": [\"A=1\"]}", f);
    fclose(f);
    ftl_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cfg.enabled);
    ftl_strv_push(&cfg.clang_args, "-DB=2");
    FILE *devnull = fopen("/dev/null", "w");
    ck_assert(ftl_config_load(&cfg, file, devnull));
    fclose(devnull);
    ck_assert_uint_eq(cfg.min_python, 0x030a0000u);
    ck_assert(ftl_strv_contains(&cfg.fresh_functions, "mk"));
    ck_assert_uint_eq(cfg.nlock_pairs, 1);
    ck_assert_str_eq(cfg.lock_pairs[0].unlock, "U");
    ck_assert_int_eq(cfg.lock_pairs[0].objarg, -1);
    ck_assert_int_eq(cfg.lock_pairs[0].kind, FTL_LOCK_MUTEX);
    ck_assert_uint_eq(cfg.clang_args.n, 2);
    ck_assert_str_eq(cfg.clang_args.v[0], "-DA=1");   /* before the command line's */
    ck_assert_str_eq(cfg.clang_args.v[1], "-DB=2");
    ftl_workflow_free(&cfg);
    ftl_strv_free(&cfg.clang_args);
    ftl_strv_free(&cfg.fresh_functions);
    free(cfg.enabled);
    unlink(file);
    rmdir(dir);
    free(file);
}
END_TEST

/* ---- suppression comments ------------------------------------------------------------------ */

START_TEST(directive_scanner)
{
    const char *text =
        "char *a = \"// ftlint: ignore[FT001]\";\n"                 /* string: not a comment */
        "char b = '\"'; // ftlint: ignore[FT001] after a quote char\n"
        "int c = 1'000; /* ftlint: ignore-file[*] */\n"              /* digit separator */
        "const char *r = R\"x(/* ftlint: ignore[FT001] */)x\";\n"   /* raw string */
        "// spliced \\\n ftlint: ignore[borrowed-ref]\n"             /* line splice */
        "/* multi\n   ftlint: ignore[FT001]\n*/ int d;\n"
        "/* ftlint: ignore[FT001, FT999] */\n";
    ftl_directive *v;
    size_t n = ftl_directives_scan(text, strlen(text), &v);
    ck_assert_uint_eq(n, 5);
    ck_assert_uint_eq(v[0].line, 2);
    ck_assert_uint_eq(v[0].nrules, 1);
    ck_assert_ptr_null(v[0].error);
    ck_assert_uint_eq(v[1].line, 3);
    ck_assert(v[1].file_level && v[1].all);
    ck_assert_uint_eq(v[2].line, 6);             /* the spliced line comment continues */
    ck_assert_uint_eq(v[2].last_line, 6);
    ck_assert_uint_eq(v[3].line, 8);
    ck_assert_uint_eq(v[3].last_line, 9);        /* covers up to line 10 */
    ck_assert_str_eq(v[4].text, "ignore[FT001, FT999]");
    ck_assert_uint_eq(v[4].nrules, 1);           /* FT001 still applies */
    ck_assert_str_eq(v[4].error, "unknown rule 'FT999' in ftlint: ignore[FT001, FT999]; name a rule from "
                                 "ftlint --list-rules");
    ftl_directives_free(v, n);
    ck_assert_uint_eq(ftl_directives_scan("int x; /* ftlint mentioned */", 29, &v), 0);
}
END_TEST

START_TEST(suppressions_in_headers_across_units)
{
    char *d = project("suppress"), *out;
    /* shared.h's suppression is used in a.c's unit and #if'd out in b.c's: not stale. */
    ck_assert_int_eq(in_dir(d, "-q a.c b.c", &out), 1);
    ck_assert_uint_eq(count(out, "\n"), 1);
    HAS(out, "shared.h:7:50: warning: ftlint: ignore[FT001] suppresses nothing; remove it [FT008 unused-suppression]");
    free(out);
    /* b.c alone never compiles the suppressed code: that suppression is not judged. */
    ck_assert_int_eq(in_dir(d, "-q b.c", &out), 1);
    ck_assert_uint_eq(count(out, "\n"), 1);
    free(out);
    /* A unit with compiler errors judges nothing: the finding may be in what clang dropped. */
    ck_assert_int_eq(in_dir(d, "-q broken.c", &out), 0);
    free(out);
    /* Rules that did not run are not judged either; FT008 can be turned off. */
    ck_assert_int_eq(in_dir(d, "-q --select FT008 a.c b.c", &out), 0);
    free(out);
    ck_assert_int_eq(in_dir(d, "-q --ignore FT008 a.c b.c", &out), 0);
    free(out);
    remove_project(d);
}
END_TEST

/* ---- baselines ---------------------------------------------------------------------------- */

START_TEST(baseline_hides_recorded_findings)
{
    char *d = project("baseline"), *out;
    ck_assert_int_eq(in_dir(d, "--write-baseline base.json src", &out), 0);
    HAS(out, "ftlint: wrote 3 findings to base.json");
    LACKS(out, "warning:");
    free(out);
    char *json;
    char *cmd = ftl_xasprintf("cat '%s/base.json'", d);
    run_cmd(cmd, &json, 0);
    free(cmd);
    HAS(json, "\"version\":\t1");
    HAS(json, "\"path\":\t\"src/registry.c\"");
    HAS(json, "\"rule\":\t\"FT001\"");
    HAS(json, "\"fingerprint\":\t\"");
    free(json);
    /* Nothing new: exit 0, the hidden findings counted. */
    ck_assert_int_eq(in_dir(d, "--baseline base.json src", &out), 0);
    HAS(out, "ftlint: 0 findings; 2 files analysed\nftlint: 3 more findings recorded in base.json not shown");
    free(out);
    /* Lines added above and a function added below move every finding: still matched, and a
     * different spelling of the same path matches too. Only the new lookup is reported. */
    cmd = ftl_xasprintf(
        "cd '%s' && (printf '/* moved down */\\n\\n\\n'; cat src/registry.c; "
        "printf 'PyObject *added(PyObject *k) { return PyDict_GetItem(registry, k); }\\n') > t && "
        "mv t src/registry.c", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-q --baseline base.json ./src/../src", &out), 1);
    ck_assert_uint_eq(count(out, "\n"), 1);
    HAS(out, "./src/../src/registry.c:18:39: warning: PyDict_GetItem");
    free(out);
    /* A fixed finding leaves a stale entry: -v says so. */
    cmd = ftl_xasprintf("cd '%s' && sed -i 's/PyList_GetItem(items, 0)/PyList_GetItemRef(items, 0)/' src/other.c", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "-v --baseline base.json src", &out), 1);
    HAS(out, "ftlint: base.json: 1 entry no longer matches a finding (fixed or changed)");
    free(out);
    remove_project(d);
}
END_TEST

START_TEST(baseline_errors)
{
    char *d = project("baseline"), *out;
    char *cmd = ftl_xasprintf("cd '%s' && echo '{\"version\": 2, \"findings\": []}' > v2.json && "
                              "echo '{\"version\": 1, \"findings\": [{\"path\": \"a.c\"}]}' > short.json && "
                              "echo '[1, 2' > broken.json", d);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    ck_assert_int_eq(in_dir(d, "--baseline v2.json src", &out), 2);
    HAS(out, "v2.json has version 2; this ftlint reads version 1");
    free(out);
    ck_assert_int_eq(in_dir(d, "--baseline short.json src", &out), 2);
    HAS(out, "short.json: finding 0 lacks \"path\", \"rule\" or \"fingerprint\"");
    free(out);
    ck_assert_int_eq(in_dir(d, "--baseline broken.json src", &out), 2);
    HAS(out, "broken.json is not an ftlint baseline");
    free(out);
    ck_assert_int_eq(in_dir(d, "--baseline missing.json src", &out), 2);
    HAS(out, "cannot read missing.json");
    free(out);
    ck_assert_int_eq(in_dir(d, "--baseline a --write-baseline b src", &out), 2);
    HAS(out, "give either --baseline or --write-baseline, not both");
    free(out);
    remove_project(d);
}
END_TEST

/* ---- pre-commit ------------------------------------------------------------------------------ */

START_TEST(precommit_hook)
{
    char *out;
    int st = run_cmd("tests/precommit.sh", &out, 1);
    ck_assert_msg(st == 0, "tests/precommit.sh failed:\n%s", out);
    HAS(out, "precommit.sh: ok");
    free(out);
}
END_TEST

/* ---- helpers ---------------------------------------------------------------------------------- */

START_TEST(path_helpers)
{
    const char *cases[][2] = {
        {"a/./b//c/", "a/b/c"}, {"a/../../b", "../b"}, {"/x/../..", "/"}, {"./", "."},
        {"/a/b/../c", "/a/c"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *n = ftl_path_normalize(cases[i][0]);
        ck_assert_str_eq(n, cases[i][1]);
        free(n);
    }
    ck_assert_str_eq(ftl_path_under("/a/b/c", "/a"), "b/c");
    ck_assert_ptr_null(ftl_path_under("/ab/c", "/a"));
    ck_assert_str_eq(ftl_path_under("/a", "/a"), "");
}
END_TEST

int main(void)
{
    ftlint = ftl_path_abs("ftlint");
    Suite *s = suite_create("workflow");
    TCase *tc = tcase_create("workflow");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, compdb_flags_needed);
    tcase_add_test(tc, compdb_explicit_and_discovered);
    tcase_add_test(tc, compdb_every_entry_and_missing_files);
    tcase_add_test(tc, compdb_hostile_flags_dropped);
    tcase_add_test(tc, compdb_malformed_is_one_error);
    tcase_add_test(tc, compdb_compiler_configuration_files_ignored);
    tcase_add_test(tc, compdb_response_files);
    tcase_add_test(tc, compdb_filter_unit);
    tcase_add_test(tc, compdb_filter_reading_tricks);
    tcase_add_test(tc, stdin_filename);
    tcase_add_test(tc, config_applied);
    tcase_add_test(tc, config_rule_selection);
    tcase_add_test(tc, config_errors_name_the_key);
    tcase_add_test(tc, config_readme_example);
    tcase_add_test(tc, config_unit);
    tcase_add_test(tc, directive_scanner);
    tcase_add_test(tc, suppressions_in_headers_across_units);
    tcase_add_test(tc, baseline_hides_recorded_findings);
    tcase_add_test(tc, baseline_errors);
    tcase_add_test(tc, precommit_hook);
    tcase_add_test(tc, path_helpers);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    free(ftlint);
    return failed ? 1 : 0;
}
