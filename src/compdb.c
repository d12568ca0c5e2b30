/* compdb.c: compile_commands.json through libclang's compilation-database API. The JSON is
 * first checked with cJSON (so a truncated file gets one message with a line and column), its
 * commands split and response files expanded here (libclang would read "@/dev/zero" forever),
 * then a copy is loaded with clang_CompilationDatabase_fromDirectory; every entry's arguments
 * are filtered once: outputs, dependency files and flags only GCC knows are dropped, and so is
 * anything that would load code into the compiler or run another program (-fplugin=,
 * -fpass-plugin=, -Xclang -load, -Xclang -plugin, --config, -B, -wrapper...). A database is
 * data, never code. */
#include "compdb.h"
#include "pyinclude.h"
#include "paths.h"
#include "util.h"

#include <clang-c/CXCompilationDatabase.h>
#include <cjson/cJSON.h>
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

char *ftl_compdb_find(const char *start)
{
    static const char *const names[] = {FTL_COMPDB_NAME, "build/" FTL_COMPDB_NAME, NULL};
    return ftl_find_upward(start, names);
}

/* ---- argument filtering ------------------------------------------------------------------ */

static bool in(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool starts_any(const char *s, const char *const *prefixes)
{
    for (; *prefixes; prefixes++)
        if (starts(s, *prefixes))
            return true;
    return false;
}

/* Options kept, whose value may be the next argument; the first four also joined (-Idir). */
static const char *const keep_with_value[] = {
    "-I", "-D", "-U", "-isystem", "-iquote", "-idirafter", "-include", "-imacros", "-iprefix",
    "-iwithprefix", "-iwithprefixbefore", "-isysroot", "--sysroot", "-x", "-target",
    "-cxx-isystem", "-ivfsoverlay", NULL,
};
/* Include-path options whose directory may hold Python.h. */
static const char *const include_opts[] = {"-I", "-isystem", "-iquote", "-idirafter", NULL};

/* Dropped with their separate value: they load code or run other programs. */
static const char *const unsafe_with_value[] = {
    "-Xpreprocessor", "-Xanalyzer", "-load", "-plugin", "-add-plugin", "--config", "-wrapper",
    "-B", "-specs", "--prefix", "--specs", NULL,
};
/* Dropped whatever follows: joined forms of the same. */
static const char *const unsafe_prefixes[] = {
    "-fplugin", "-fpass-plugin", "--config", "-Wp,", "-B", "-specs", "-load", "--load", "-wrapper",
    "-plugin", "-add-plugin", "--prefix", "--specs", "--driver-mode", "-clang:", NULL,
};
/* -Xclang values that load code (their own value follows as another -Xclang pair). */
static const char *const cc1_loaders[] = {"-load", "-plugin", "-add-plugin", NULL};
static const char *const cc1_loader_prefixes[] = {
    "-plugin-arg-", "-load-pass-plugin", "-fpass-plugin", "-fplugin", NULL,
};

/* Dropped with their separate value: outputs, linker and assembler input, flags for other
 * tools, and GCC-only options that take a value. */
static const char *const unused_with_value[] = {
    "-o", "-MF", "-MT", "-MQ", "-MJ", "-Xassembler", "-Xlinker", "-Xopenmp-target",
    "-Xcuda-fatbinary", "-Xcuda-ptxas", "-Xoffload-linker", "-mllvm", "-include-pch",
    "-dependency-file", "-dependency-dot", "--serialize-diagnostics", "-serialize-diagnostic-file",
    "-working-directory", "-arch", "--param", "-aux-info", "-ccc-gcc-name", "-ccc-install-dir",
    "-gcc-toolchain", "-resource-dir", "-L", "-l", "-u", "-T", "-z", "-e", NULL,
};
static const char *const unused_exact[] = {
    "-c", "-S", "-E", "-v", "-###", "-H", "-shared", "-static", "-pipe", "-fsyntax-only",
    "-rdynamic", "-s", "-pie", "-no-pie", "-nostartfiles", "-nodefaultlibs", "-nostdlib",
    "--verbose", "-pedantic-errors", "-fgnu-unique", "-fno-gnu-unique", "-fconserve-stack",
    "-fhardened", "-fallow-store-data-races", "-fno-allow-store-data-races",
    "-fstrict-volatile-bitfields", "-fno-strict-volatile-bitfields",
    "-fno-keep-inline-dllexport", "-mrecord-mcount", NULL,
};
static const char *const unused_prefixes[] = {
    /* outputs, dependency files, reports */
    "-M", "-o", "-Wl,", "-Wa,", "-save-temps", "-ftime-trace", "-ftime-report", "-emit-",
    "-dependency-", "-serialize-diagnostic", "--serialize-diagnostic",
    "-fdump-", "-fopt-info", "-fcrash-diagnostics", "-gen-reproducer", "-print-", "--print-",
    "-fsave-optimization-record", "-foptimization-record", "-L", "-l", "-ccc-", "--param=",
    "-mllvm=",
    /* modules and precompiled headers of another compiler */
    "-fmodules", "-fmodule-", "-fimplicit-module", "-fprebuilt-module", "-fbuiltin-module",
    "-fpch-",
    /* warnings as errors: the analysis must not stop on warnings */
    "-Werror",
    /* GCC-only */
    "-fcompare-debug", "-fvar-tracking", "-fno-var-tracking", "-fipa-", "-fno-ipa-", "-ftree-",
    "-fno-tree-", "-flto-partition", "-mindirect-branch", "-mfunction-return", "-fmax-errors",
    "-fsched-", "-fno-sched-", "-fschedule-", "-fno-schedule-", "-fgcse", "-fno-gcse",
    "-fpeephole", "-fno-peephole", "-mabi=", NULL,
};

static void note_flag(ftl_strv *list, const char *flag)
{
    if (list && !ftl_strv_contains(list, flag))
        ftl_strv_push(list, flag);
}

static void note_pair(ftl_strv *list, const char *a, const char *b)
{
    char *f = ftl_xasprintf("%s %s", a, b);
    note_flag(list, f);
    free(f);
}


/* Forms that hand the next argument, or the rest of their own, to another tool or another
 * option parser (-Xclang, -Xlinker, -Xarch_..., -mllvm, -Wa,...; the "--driver-mode=cl" and
 * "-clang:" of clang-cl are unsafe_prefixes), or that are not options of this driver. */
static const char *const forwarders[] = {
    "-X", "-mllvm", "-Wa,", "-Wl,", "/clang:", "-cc1", NULL,
};
/* GCC-style long options kept: clang has many more ("--write-dependencies" is -MD, which
 * writes a file; "--dependencies" prints to standard output; "--prefix" is -B), none of which
 * the analysis needs. */
static const char *const long_kept[] = {
    "--target=", "--sysroot", "--std=", "--gcc-toolchain=", "--gcc-install-dir=", NULL,
};

enum flag_class { FLAG_KEEP, FLAG_UNSAFE, FLAG_UNUSED };

/* What the filter does with a, read as an option on its own. */
static enum flag_class flag_class(const char *a)
{
    if (in(unsafe_with_value, a) || starts_any(a, unsafe_prefixes) || in(cc1_loaders, a) ||
        starts_any(a, cc1_loader_prefixes))
        return FLAG_UNSAFE;
    if (starts_any(a, forwarders) || in(unused_with_value, a) || in(unused_exact, a) ||
        starts_any(a, unused_prefixes) || (starts(a, "--") && a[2] && !starts_any(a, long_kept)))
        return FLAG_UNUSED;
    return FLAG_KEEP;
}

/* The value of a kept option (-D VALUE, -include FILE...) is kept only when it would be kept as
 * an option too: clang reads an argument as a value or as an option depending on what precedes
 * it, and an option ftlint keeps but does not know may take the next argument as its value
 * ("-imultilib -D -fplugin=x.so" makes -fplugin= an option), so every argument kept must be
 * harmless read either way. Returns true when kept; notes and returns false otherwise. */
static bool value_ok(const char *opt, const char *val, ftl_strv *unsafe, ftl_strv *unused)
{
    enum flag_class c = val[0] == '-' || val[0] == '/' ? flag_class(val) : FLAG_KEEP;
    if (c == FLAG_KEEP)
        return true;
    note_pair(c == FLAG_UNSAFE ? unsafe : unused, opt, val);
    return false;
}

/* The driver mode ftlint imposes, from the compiler's name as clang reads it: a name ending in
 * "++" (g++, clang++-19, c++) is the C++ driver, anything else the C one. clang would make
 * "clang-cl" or "cl.exe" the MSVC-compatible driver, whose option syntax the filter does not
 * model, and "cpp" a preprocessor. */
static const char *driver_mode(const char *compiler)
{
    const char *base = strrchr(compiler, '/');
    base = base ? base + 1 : compiler;
    size_t n = strlen(base);
    if (n >= 4 && strcasecmp(base + n - 4, ".exe") == 0)
        n -= 4;
    /* A version suffix: g++-12, clang++-19.1. */
    size_t v = n;
    while (v > 0 && (isdigit((unsigned char)base[v - 1]) || base[v - 1] == '.'))
        v--;
    if (v > 0 && v < n && base[v - 1] == '-')
        n = v - 1;
    return n >= 2 && base[n - 2] == '+' && base[n - 1] == '+' ? "--driver-mode=g++"
                                                                : "--driver-mode=gcc";
}

/* args with each "-Xclang=VALUE" split into "-Xclang" "VALUE" (clang accepts both spellings).
 * Returns a new array of borrowed strings (caller frees the array) and its length in *m;
 * *owned receives the strings it allocated (caller frees). */
static const char **split_joined_xclang(const char *const *args, size_t n, size_t *m, ftl_strv *owned)
{
    const char **v = ftl_xcalloc(2 * n + 1, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && starts(args[i], "-Xclang=")) {
            ftl_strv_push(owned, args[i] + 8);
            v[k++] = "-Xclang";
            v[k++] = owned->v[owned->n - 1];
        } else {
            v[k++] = args[i];
        }
    }
    *m = k;
    return v;
}

void ftl_compdb_filter(const char *const *args0, size_t n0, const char *directory, ftl_strv *kept,
                       ftl_strv *python_dirs, ftl_strv *unsafe, ftl_strv *unused)
{
    if (n0 == 0)
        return;
    ftl_strv owned = {0};
    size_t n;
    const char **args = split_joined_xclang(args0, n0, &n, &owned);
    /* The compiler by its name only: clang looks for configuration files (flags it reads as
     * if written on the command line) next to the compiler it is told it is, so a database
     * naming "tools/gcc" could bring its own tools/x86_64-linux-gnu.cfg. The name still gives
     * the target of a cross compiler (aarch64-linux-gnu-gcc). */
    const char *base = strrchr(args[0], '/');
    ftl_strv_push(kept, !base ? args[0] : base[1] ? base + 1 : "cc");
    ftl_strv_push(kept, driver_mode(args[0]));
    for (size_t i = 1; i < n; i++) {
        const char *a = args[i];
        const char *next = i + 1 < n ? args[i + 1] : NULL;
        if (strcmp(a, "--") == 0)
            break;                       /* only inputs follow */
        if (a[0] != '-' || a[1] == '\0')
            continue;                    /* the input file, other inputs, stdin, response files */
        /* -Xclang VALUE: only "-Xclang -include -Xclang FILE" is kept (as -include FILE, as
         * CMake's precompiled headers write it); loaders are dropped with their argument. */
        if (strcmp(a, "-Xclang") == 0) {
            if (!next) {
                note_flag(unused, a);
                continue;
            }
            i++;
            if (strcmp(next, "-include") == 0 && i + 2 < n && strcmp(args[i + 1], "-Xclang") == 0) {
                if (value_ok("-include", args[i + 2], unsafe, unused)) {
                    ftl_strv_push(kept, "-include");
                    ftl_strv_push(kept, args[i + 2]);
                }
                i += 2;
                continue;
            }
            if (in(cc1_loaders, next) || starts_any(next, cc1_loader_prefixes)) {
                char *f = ftl_xasprintf("-Xclang %s", next);
                /* The loader's own argument: "-Xclang -load -Xclang lib.so". */
                if (!strchr(next, '=') && i + 2 < n && strcmp(args[i + 1], "-Xclang") == 0) {
                    char *g = ftl_xasprintf("%s -Xclang %s", f, args[i + 2]);
                    free(f);
                    f = g;
                    i += 2;
                }
                note_flag(unsafe, f);
                free(f);
            } else {
                note_pair(unused, "-Xclang", next);
            }
            continue;
        }
        if (starts(a, "-Xarch_")) {    /* -Xarch_arm64 ARG: an argument for another target */
            note_flag(unused, a);
            i += next ? 1 : 0;
            continue;
        }
        if (in(unsafe_with_value, a)) {
            char *f = next ? ftl_xasprintf("%s %s", a, next) : ftl_xstrdup(a);
            note_flag(unsafe, f);
            free(f);
            i += next ? 1 : 0;
            continue;
        }
        if (flag_class(a) == FLAG_UNSAFE) {
            note_flag(unsafe, a);
            continue;
        }
        if (in(unused_with_value, a)) {
            note_flag(unused, a);
            i += next ? 1 : 0;
            continue;
        }
        if (starts(a, "-X")) {
            /* Another -X form (-Xlinker, -Xopenmp-target=T ARG, -Xoffload-linker-T ARG...):
             * arguments for other tools, with a separate value unless joined with '='. */
            note_flag(unused, a);
            if (next && (!strchr(a, '=') || starts(a, "-Xopenmp-target=")))
                i++;
            continue;
        }
        if (flag_class(a) == FLAG_UNUSED) {
            note_flag(unused, a);
            continue;
        }
        /* Kept options with a value, separate or joined. */
        const char *opt = NULL, *val = NULL;
        bool dangling = false;
        for (const char *const *k = keep_with_value; *k && !opt && !dangling; k++) {
            if (strcmp(a, *k) == 0) {
                if (!next) {
                    dangling = true;     /* it would take ftlint's own next argument */
                    break;
                }
                opt = *k;
                val = next;
                i++;
            } else if (starts(a, *k) && a[strlen(*k)] && (*k)[1] != '-' &&
                       (in(include_opts, *k) || strlen(*k) == 2 || strcmp(*k, "-include") == 0)) {
                opt = *k;
                val = a + strlen(*k);
                if (*val == '=')
                    val++;
            }
        }
        if (dangling) {
            note_flag(unused, a);
            continue;
        }
        if (!opt) {
            ftl_strv_push(kept, a);
            continue;
        }
        if (!value_ok(opt, val, unsafe, unused))
            continue;
        if (in(include_opts, opt)) {
            char *abs = ftl_path_join(directory, val);
            bool py = ftl_python_include_valid(abs);
            if (py && python_dirs && !ftl_strv_contains(python_dirs, abs))
                ftl_strv_push(python_dirs, abs);
            free(abs);
            if (py)
                continue;
        }
        ftl_strv_push(kept, opt);
        ftl_strv_push(kept, val);
    }
    free(args);
    ftl_strv_free(&owned);
}

bool ftl_compdb_ignorable_diagnostic(const char *text)
{
    return starts(text, "unknown argument") || starts(text, "unsupported option") ||
           starts(text, "invalid value") || starts(text, "unknown target") ||
           starts(text, "unsupported argument");
}

/* ---- loading ------------------------------------------------------------------------------- */

/* One clear message for anything libclang would reject with only "cannot load". Returns the
 * parsed database (caller frees with cJSON_Delete) or NULL after printing. */
static cJSON *validate_json(const char *file, FILE *err)
{
    size_t len;
    char *text = ftl_read_file(file, &len);
    if (!text) {
        fprintf(err, "ftlint: %s: cannot read: %s\n", file, ftl_read_error(errno));
        return NULL;
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
    bool ok = false;
    if (!root) {
        unsigned line = 1, col = 1;
        for (const char *p = text; end && p < end && p < text + len; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        fprintf(err, "ftlint: %s: invalid JSON at line %u, column %u (truncated or not a "
                     "compilation database?)\n", file, line, col);
        goto done;
    }
    if (!cJSON_IsArray(root)) {
        fprintf(err, "ftlint: %s: expected an array of compile commands\n", file);
        goto done;
    }
    int idx = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const cJSON *dir = cJSON_GetObjectItemCaseSensitive(e, "directory");
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "file");
        const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(e, "command");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "arguments");
        const char *problem = NULL;
        if (!cJSON_IsObject(e))
            problem = "is not an object";
        else if (!cJSON_IsString(dir))
            problem = "has no \"directory\" string";
        else if (!cJSON_IsString(f))
            problem = "has no \"file\" string";
        else if (!cJSON_IsString(cmd) && !cJSON_IsArray(args))
            problem = "has neither a \"command\" string nor an \"arguments\" array";
        for (const cJSON *a = cJSON_IsArray(args) ? args->child : NULL; a && !problem; a = a->next)
            if (!cJSON_IsString(a))
                problem = "has an argument that is not a string";
        if (!problem && cJSON_IsArray(args) && !args->child && !cJSON_IsString(cmd))
            problem = "has an empty \"arguments\" array";
        if (problem) {
            fprintf(err, "ftlint: %s: entry %d %s\n", file, idx, problem);
            goto done;
        }
        idx++;
    }
    ok = true;
done:
    if (!ok) {
        cJSON_Delete(root);
        root = NULL;
    }
    free(text);
    return root;
}

/* Response files (@FILE) are expanded by ftlint, never by libclang, which would read "@/dev/zero"
 * until memory runs out and "@/dev/stdin" until the input ends. */
#define RSP_DEPTH 16                  /* nested @FILE levels followed */
#define RSP_MAX_BYTES ((size_t)1 << 20)   /* a larger file is not a response file */
#define RSP_MAX_ARGS ((size_t)1 << 16)    /* arguments of one command after expansion */

/* Splits a command line into arguments the way LLVM does: blanks separate, quotes group, and a
 * backslash takes the next character literally (inside single quotes only for response files,
 * gnu). Appends to out. */
static void split_args(const char *s, size_t len, bool gnu, ftl_strv *out)
{
    ftl_buf tok = {0};
    size_t i = 0;
    while (i < len) {
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i >= len)
            break;
        tok.len = 0;
        ftl_buf_putn(&tok, "", 0);
        while (i < len && !isspace((unsigned char)s[i])) {
            char c = s[i];
            if (c == '"' || c == '\'') {
                for (i++; i < len && s[i] != c; i++) {
                    if (s[i] == '\\' && i + 1 < len && (c == '"' || gnu))
                        i++;
                    ftl_buf_putn(&tok, s + i, 1);
                }
                i += i < len;    /* the closing quote */
                continue;
            }
            if (c == '\\' && i + 1 < len)
                i++;
            ftl_buf_putn(&tok, s + i, 1);
            i++;
        }
        ftl_strv_push(out, tok.s ? tok.s : "");
    }
    ftl_buf_free(&tok);
}

/* Appends args to out with each @FILE replaced by the arguments it holds (FILE relative to
 * dir; in a response file, relative to that file's directory). A response file that is not a
 * regular file of at most RSP_MAX_BYTES, is nested deeper than RSP_DEPTH or would make the
 * command longer than RSP_MAX_ARGS is left out, and noted in unused. */
static void expand_args(const char *const *args, size_t n, const char *dir, int depth, ftl_strv *out,
                        ftl_strv *unused)
{
    for (size_t i = 0; i < n; i++) {
        const char *a = args[i];
        if (a[0] != '@' || !a[1]) {
            if (out->n < RSP_MAX_ARGS)
                ftl_strv_push(out, a);
            continue;
        }
        char *path = ftl_path_join(dir, a + 1);
        size_t len = 0;
        char *text = NULL;
        const char *why = NULL;
        struct stat st;
        if (depth >= RSP_DEPTH || out->n >= RSP_MAX_ARGS)
            why = "nested too deeply or too long";
        else if (stat(path, &st) != 0)
            why = "missing";
        else if (!S_ISREG(st.st_mode))
            why = "not a regular file";
        else if ((size_t)st.st_size > RSP_MAX_BYTES)
            why = "too large for a response file";
        else if (!(text = ftl_read_file(path, &len)))
            why = "unreadable";
        else if (len > RSP_MAX_BYTES)
            why = "too large for a response file";
        if (why) {
            char *note = ftl_xasprintf("%s (%s)", a, why);
            note_flag(unused, note);
            free(note);
        } else {
            ftl_strv inner = {0};
            split_args(text, len, true, &inner);
            char *rdir = ftl_path_dirname(path);
            expand_args((const char *const *)inner.v, inner.n, rdir, depth + 1, out, unused);
            free(rdir);
            ftl_strv_free(&inner);
        }
        free(text);
        free(path);
    }
}

/* The database as libclang reads it: each entry's directory and file, and its arguments
 * (split from "command" when there is no "arguments" array) with the response files expanded.
 * Drops an entry left without arguments. Returns the JSON text (caller frees). */
static char *expanded_database(const cJSON *root, const char *dbdir, ftl_strv *unused)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const cJSON *dir = cJSON_GetObjectItemCaseSensitive(e, "directory");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(e, "file");
        const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(e, "command");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "arguments");
        ftl_strv given = {0}, expanded = {0};
        if (cJSON_IsArray(args)) {
            for (const cJSON *a = args->child; a; a = a->next)
                ftl_strv_push(&given, a->valuestring);
        } else {
            split_args(cmd->valuestring, strlen(cmd->valuestring), false, &given);
        }
        char *wd = ftl_path_join(dbdir, dir->valuestring);
        expand_args((const char *const *)given.v, given.n, wd, 0, &expanded, unused);
        free(wd);
        if (expanded.n) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "directory", dir->valuestring);
            cJSON_AddStringToObject(o, "file", file->valuestring);
            cJSON *arr = cJSON_AddArrayToObject(o, "arguments");
            for (size_t k = 0; k < expanded.n; k++)
                cJSON_AddItemToArray(arr, cJSON_CreateString(expanded.v[k]));
            cJSON_AddItemToArray(out, o);
        }
        ftl_strv_free(&given);
        ftl_strv_free(&expanded);
    }
    char *text = cJSON_PrintUnformatted(out);
    cJSON_Delete(out);
    if (!text) {
        fputs("ftlint: out of memory\n", stderr);
        abort();
    }
    return text;
}

/* Writes text as compile_commands.json in a new temporary directory; returns the directory
 * (caller removes it with remove_copy and frees it) or NULL after printing. */
static char *write_copy(const char *file, const char *text, FILE *err)
{
    char tmpl[] = "/tmp/ftlint-compdb-XXXXXX";
    if (!mkdtemp(tmpl)) {
        fprintf(err, "ftlint: %s: cannot create a temporary directory: %s\n", file, strerror(errno));
        return NULL;
    }
    char *path = ftl_xasprintf("%s/%s", tmpl, FTL_COMPDB_NAME);
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    if (!ok) {
        fprintf(err, "ftlint: %s: cannot write a copy in %s: %s\n", file, tmpl, strerror(errno));
        unlink(path);
        rmdir(tmpl);
    }
    free(path);
    return ok ? ftl_xstrdup(tmpl) : NULL;
}

static void remove_copy(const char *tmpdir)
{
    char *path = ftl_xasprintf("%s/%s", tmpdir, FTL_COMPDB_NAME);
    unlink(path);
    rmdir(tmpdir);
    free(path);
}

/* The directory of libclang's builtin headers (stddef.h...), found the way libclang finds it:
 * next to the library, clang/MAJOR or clang/MAJOR.MINOR.PATCH. With a database's compiler as
 * argv[0] the driver would derive it from that compiler's location instead, which fails for
 * "gcc" (and yields a relative path that -working-directory then breaks). Caller frees. */
static char *find_resource_dir(void)
{
    Dl_info info;
    if (!dladdr((void *)clang_getClangVersion, &info) || !info.dli_fname)
        return NULL;
    char *lib = ftl_path_abs(info.dli_fname);
    char *libdir = ftl_path_dirname(lib);
    char *ver = ftl_cxstr(clang_getClangVersion());
    char *res = NULL;
    const char *v = strstr(ver, "version ");
    if (v) {
        v += 8;
        size_t full = strspn(v, "0123456789."), major = strspn(v, "0123456789");
        char *cands[2] = {ftl_xasprintf("%s/clang/%.*s", libdir, (int)major, v),
                          ftl_xasprintf("%s/clang/%.*s", libdir, (int)full, v)};
        for (int i = 0; i < 2; i++) {
            char *probe = ftl_xasprintf("%s/include/stddef.h", cands[i]);
            struct stat st;
            if (!res && stat(probe, &st) == 0)
                res = ftl_xstrdup(cands[i]);
            free(probe);
            free(cands[i]);
        }
    }
    free(ver);
    free(libdir);
    free(lib);
    return res;
}

static char *cxstr(CXString s)
{
    return ftl_cxstr(s);
}

ftl_compdb *ftl_compdb_load(const char *path, FILE *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(err, "ftlint: -p %s: %s\n", path, strerror(errno));
        return NULL;
    }
    char *file = S_ISDIR(st.st_mode) ? ftl_path_join(path, FTL_COMPDB_NAME) : ftl_path_normalize(path);
    char *abs_file = ftl_path_abs(file);
    char *dir = ftl_path_dirname(abs_file);
    char *tmpdir = NULL, *text = NULL;
    cJSON *root = NULL;
    ftl_strv rsp_unused = {0};
    ftl_compdb *db = NULL;
    CXCompilationDatabase cdb = NULL;
    CXCompileCommands cmds = NULL;
    if (S_ISDIR(st.st_mode) && stat(file, &st) != 0) {
        fprintf(err, "ftlint: -p %s: no %s there (see the README for producing one)\n", path,
                FTL_COMPDB_NAME);
        goto done;
    }
    if (!(root = validate_json(file, err)))
        goto done;
    /* libclang reads DIR/compile_commands.json: it gets a copy with the response files
     * expanded, in a directory of its own. */
    text = expanded_database(root, dir, &rsp_unused);
    cJSON_Delete(root);
    root = NULL;
    if (!(tmpdir = write_copy(file, text, err)))
        goto done;
    CXCompilationDatabase_Error cerr;
    cdb = clang_CompilationDatabase_fromDirectory(tmpdir, &cerr);
    if (!cdb || cerr != CXCompilationDatabase_NoError) {
        fprintf(err, "ftlint: %s: libclang could not load this compilation database\n", file);
        goto done;
    }
    db = ftl_xcalloc(1, sizeof *db);
    db->path = ftl_xstrdup(file);
    db->resource_dir = find_resource_dir();
    for (size_t i = 0; i < rsp_unused.n; i++)
        note_flag(&db->unused, rsp_unused.v[i]);
    cmds = clang_CompilationDatabase_getAllCompileCommands(cdb);
    unsigned n = cmds ? clang_CompileCommands_getSize(cmds) : 0;
    size_t cap = 0;
    for (unsigned i = 0; i < n; i++) {
        CXCompileCommand c = clang_CompileCommands_getCommand(cmds, i);
        char *cdir = cxstr(clang_CompileCommand_getDirectory(c));
        char *cfile = cxstr(clang_CompileCommand_getFilename(c));
        char *wd = ftl_path_join(dir, cdir);
        char *src = ftl_path_join(wd, cfile);
        size_t seen;
        if (ftl_strmap_get(&db->by_file, src, &seen)) {
            free(cdir);
            free(cfile);
            free(wd);
            free(src);
            continue;
        }
        unsigned na = clang_CompileCommand_getNumArgs(c);
        char **argv = ftl_xcalloc(na + 1, sizeof *argv);
        for (unsigned k = 0; k < na; k++)
            argv[k] = cxstr(clang_CompileCommand_getArg(c, k));
        ftl_grow((void **)&db->cmds, &cap, db->n + 1, sizeof *db->cmds);
        ftl_compile_cmd *cc = &db->cmds[db->n];
        memset(cc, 0, sizeof *cc);
        cc->file = src;
        cc->real = realpath(src, NULL);
        cc->directory = wd;
        ftl_strmap_put(&db->by_file, src, db->n);
        if (cc->real && !ftl_strmap_get(&db->by_real, cc->real, &seen))
            ftl_strmap_put(&db->by_real, cc->real, db->n);
        db->n++;
        if (na == 0) {
            const char *dflt = "clang";
            ftl_compdb_filter(&dflt, 1, wd, &cc->argv, NULL, NULL, NULL);
        } else {
            ftl_compdb_filter((const char *const *)argv, na, wd, &cc->argv, &cc->python_dirs,
                              &db->unsafe, &db->unused);
        }
        for (unsigned k = 0; k < na; k++)
            free(argv[k]);
        free(argv);
        free(cdir);
        free(cfile);
    }
done:
    if (cmds)
        clang_CompileCommands_dispose(cmds);
    if (cdb)
        clang_CompilationDatabase_dispose(cdb);
    if (tmpdir)
        remove_copy(tmpdir);
    cJSON_Delete(root);
    ftl_strv_free(&rsp_unused);
    free(text);
    free(tmpdir);
    free(file);
    free(abs_file);
    free(dir);
    return db;
}

void ftl_compdb_free(ftl_compdb *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n; i++) {
        free(db->cmds[i].file);
        free(db->cmds[i].real);
        free(db->cmds[i].directory);
        ftl_strv_free(&db->cmds[i].argv);
        ftl_strv_free(&db->cmds[i].python_dirs);
    }
    free(db->cmds);
    ftl_strmap_free(&db->by_file);
    ftl_strmap_free(&db->by_real);
    free(db->path);
    free(db->resource_dir);
    ftl_strv_free(&db->unsafe);
    ftl_strv_free(&db->unused);
    free(db);
}

const ftl_compile_cmd *ftl_compdb_lookup(const ftl_compdb *db, const char *path)
{
    if (!db)
        return NULL;
    char *abs = ftl_path_abs(path);
    size_t i;
    const ftl_compile_cmd *found = ftl_strmap_get(&db->by_file, abs, &i) ? &db->cmds[i] : NULL;
    if (!found) {
        char *real = realpath(path, NULL);
        if (real && ftl_strmap_get(&db->by_real, real, &i))
            found = &db->cmds[i];
        free(real);
    }
    free(abs);
    return found;
}
