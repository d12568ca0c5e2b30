/* options.c: the option table (one row per option: names, argument, help) and the parser that
 * walks it. --help is generated from the same table, so the two never disagree. */
#include "options.h"
#include "report.h"
#include "config.h"
#include "shard.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum opt_id {
    OPT_INCLUDE, OPT_DEFINE, OPT_UNDEF, OPT_PYINC, OPT_STD, OPT_SELECT, OPT_IGNORE,
    OPT_LIST_RULES, OPT_EXPLAIN, OPT_QUIET, OPT_VERBOSE, OPT_COLOR, OPT_VERSION, OPT_HELP,
    OPT_FIX, OPT_UNSAFE_FIXES, OPT_DIFF, OPT_MIN_PYTHON,
    OPT_FORMAT, OPT_OUTPUT, OPT_SOURCE_ROOT, OPT_TIMEOUT,
    /* workflow */
    OPT_COMPDB, OPT_STDIN, OPT_CONFIG, OPT_NO_CONFIG, OPT_BASELINE, OPT_WRITE_BASELINE,
    OPT_JOBS, OPT_NO_CACHE, OPT_CACHE_DIR, OPT_NO_PCH, OPT_SHARD,
};

typedef struct opt {
    const char *lng;         /* without the leading "--", or NULL */
    char shrt;               /* or 0 */
    const char *metavar;     /* NULL: takes no argument */
    enum opt_id id;
    const char *help;
} opt;

static const opt options[] = {
    {NULL, 'I', "DIR", OPT_INCLUDE, "add DIR to the include search path"},
    {NULL, 'D', "NAME[=VALUE]", OPT_DEFINE, "define a macro for the analysis"},
    {NULL, 'U', "NAME", OPT_UNDEF, "undefine a macro (-U Py_GIL_DISABLED analyses the default build)"},
    {"python-include", 0, "DIR", OPT_PYINC, "directory holding Python.h (default: found automatically)"},
    {"std", 0, "STD", OPT_STD, "language standard, e.g. c11, gnu17, c++17"},
    {"select", 0, "RULES", OPT_SELECT, "only run these rules (comma list of codes or names)"},
    {"ignore", 0, "RULES", OPT_IGNORE, "do not run these rules (comma list of codes or names)"},
    {"fix", 0, NULL, OPT_FIX, "apply the safe fixes to the files (atomically) and report the rest"},
    {"unsafe-fixes", 0, NULL, OPT_UNSAFE_FIXES, "with --fix or --diff, also apply fixes that need review"},
    {"diff", 0, NULL, OPT_DIFF, "print the fixes as a unified diff instead of writing them"},
    {"min-python", 0, "X.Y", OPT_MIN_PYTHON, "oldest Python the code supports (fixes add pythoncapi_compat.h below 3.13)"},
    {NULL, 'p', "BUILD", OPT_COMPDB, "flags from BUILD/compile_commands.json or file BUILD; no PATH: all its files"},
    {"stdin-filename", 0, "NAME", OPT_STDIN, "analyse standard input as the text of file NAME (for editors)"},
    {"config", 0, "FILE", OPT_CONFIG, "read the configuration from FILE, not the nearest .ftlint.json"},
    {"no-config", 0, NULL, OPT_NO_CONFIG, "do not read any .ftlint.json"},
    {"baseline", 0, "FILE", OPT_BASELINE, "report only findings not recorded in FILE"},
    {"write-baseline", 0, "FILE", OPT_WRITE_BASELINE, "record the findings in FILE for --baseline, and exit"},
    {"list-rules", 0, NULL, OPT_LIST_RULES, "list the rules and exit"},
    {"explain", 0, "RULE", OPT_EXPLAIN, "print the documentation of RULE and exit"},
    {"quiet", 'q', NULL, OPT_QUIET, "print only the finding lines, no source excerpt or summary"},
    {"verbose", 'v', NULL, OPT_VERBOSE, "also print compiler errors, the database and configuration used"},
    {"color", 0, "WHEN", OPT_COLOR, "colour the output: auto, always or never (default auto)"},
    {"format", 0, "FORMAT", OPT_FORMAT, "output format: text, json or sarif (default text)"},
    {"output", 'o', "FILE", OPT_OUTPUT, "write the report to FILE (replaced only once complete)"},
    {"source-root", 0, "DIR", OPT_SOURCE_ROOT, "SARIF paths are relative to DIR (default: the current directory)"},
    {"jobs", 'j', "N", OPT_JOBS, "analyse N files at a time (default: one per CPU)"},
    {"cache-dir", 0, "DIR", OPT_CACHE_DIR, "keep the result cache in DIR (default .ftlint_cache)"},
    {"no-cache", 0, NULL, OPT_NO_CACHE, "neither read nor write the result cache"},
    {"no-pch", 0, NULL, OPT_NO_PCH, "parse Python.h for every file (no precompiled header)"},
    {"shard", 0, "K/N", OPT_SHARD, "analyse only part K of N of the files (merge: ftlint merge)"},
    {"timeout", 0, "SECONDS", OPT_TIMEOUT, "skip a file whose analysis takes longer (each file then runs in a child process)"},
    {"version", 0, NULL, OPT_VERSION, "print the version and exit"},
    {"help", 'h', NULL, OPT_HELP, "print this help and exit"},
};

#define NOPTS (sizeof options / sizeof *options)

void ftl_print_help(FILE *out)
{
    fputs("usage: ftlint [OPTIONS] PATH...\n\n"
          "Finds what breaks C and C++ extension modules under free-threaded CPython\n"
          "(3.13t, 3.14t) and says what to write instead. PATH is a file or a directory.\n\n"
          "options:\n", out);
    for (size_t i = 0; i < NOPTS; i++) {
        const opt *o = &options[i];
        char spec[64];
        if (o->lng && o->shrt)
            snprintf(spec, sizeof spec, "-%c, --%s%s%s", o->shrt, o->lng, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else if (o->lng)
            snprintf(spec, sizeof spec, "--%s%s%s", o->lng, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
        else
            snprintf(spec, sizeof spec, "-%c %s", o->shrt, o->metavar ? o->metavar : "");
        fprintf(out, "  %-28s %s\n", spec, o->help);
    }
    fputs("\nexit status: 0 no findings, 1 findings reported, 2 usage error or a file that\n"
          "could not be analysed.\n"
          "Run 'ftlint --list-rules' for the rules and 'ftlint --explain CODE' for one rule.\n",
          out);
}

bool ftl_apply_rule_list(bool *enabled, const char *list, bool value, FILE *err, const char *optname)
{
    char *copy = ftl_xstrdup(list);
    bool ok = true;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && tok[n - 1] == ' ')
            tok[--n] = '\0';
        if (!*tok)
            continue;
        if (strcmp(tok, "ALL") == 0 || strcmp(tok, "*") == 0) {
            for (size_t i = 0; i < ftl_nrules; i++)
                enabled[i] = value;
            continue;
        }
        int r = ftl_rule_lookup(tok);
        if (r < 0) {
            fprintf(err, "ftlint: %s: unknown rule '%s' (see --list-rules)\n", optname, tok);
            ok = false;
            break;
        }
        enabled[r] = value;
    }
    free(copy);
    return ok;
}

static const opt *find_long(const char *name, size_t n)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (options[i].lng && strlen(options[i].lng) == n && strncmp(options[i].lng, name, n) == 0)
            return &options[i];
    return NULL;
}

static const opt *find_short(char c)
{
    for (size_t i = 0; i < NOPTS; i++)
        if (options[i].shrt == c)
            return &options[i];
    return NULL;
}

/* Stores an option's file argument in *slot (replacing an earlier one). */
static bool set_file(char **slot, const char *val, const char *name, FILE *err)
{
    if (!*val) {
        fprintf(err, "ftlint: %s needs a non-empty argument\n", name);
        return false;
    }
    free(*slot);
    *slot = ftl_xstrdup(val);
    return true;
}

/* --timeout: whole seconds, 1 to a day. */
static bool parse_timeout(const char *val, unsigned *out, FILE *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(val, &end, 10);
    if (!*val || *end || errno || val[0] == '-' || v < 1 || v > 86400) {
        fprintf(err, "ftlint: --timeout: '%s' is not a number of seconds from 1 to 86400\n", val);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool apply(ftl_cli *cli, const opt *o, const char *val, FILE *err, ftl_strv *selects,
                  ftl_strv *ignores)
{
    ftl_config *cfg = &cli->cfg;
    char *s;
    switch (o->id) {
    case OPT_INCLUDE:
    case OPT_DEFINE:
    case OPT_UNDEF:
        if (!*val) {
            fprintf(err, "ftlint: -%c needs a non-empty argument\n", o->shrt);
            return false;
        }
        if (o->id == OPT_UNDEF && strcmp(val, "Py_GIL_DISABLED") == 0) {
            cfg->gil_disabled = false;
            return true;
        }
        s = ftl_xasprintf("-%c%s", o->shrt, val);
        ftl_strv_push(&cfg->clang_args, s);
        free(s);
        return true;
    case OPT_PYINC:
        free(cfg->python_include);
        cfg->python_include = ftl_xstrdup(val);
        cfg->python_include_given = true;
        return true;
    case OPT_STD:
        if (!*val) {
            fputs("ftlint: --std needs a value such as c11 or c++17\n", err);
            return false;
        }
        free(cfg->std);
        cfg->std = ftl_xstrdup(val);
        return true;
    case OPT_SELECT:
        ftl_strv_push(selects, val);
        return true;
    case OPT_IGNORE:
        ftl_strv_push(ignores, val);
        return true;
    case OPT_LIST_RULES:
        cli->action = FTL_ACT_LIST_RULES;
        return true;
    case OPT_EXPLAIN:
        cli->action = FTL_ACT_EXPLAIN;
        free(cli->explain);
        cli->explain = ftl_xstrdup(val);
        return true;
    case OPT_QUIET:
        cfg->quiet = true;
        return true;
    case OPT_VERBOSE:
        cfg->verbose = true;
        return true;
    case OPT_COLOR:
        if (strcmp(val, "auto") == 0)
            cfg->color = FTL_COLOR_AUTO;
        else if (strcmp(val, "always") == 0)
            cfg->color = FTL_COLOR_ALWAYS;
        else if (strcmp(val, "never") == 0)
            cfg->color = FTL_COLOR_NEVER;
        else {
            fprintf(err, "ftlint: --color: '%s' is not one of auto, always, never\n", val);
            return false;
        }
        return true;
    case OPT_FORMAT:
        if (!ftl_format_from_name(val, &cfg->format)) {
            fprintf(err, "ftlint: --format: '%s' is not one of %s\n", val, ftl_format_names());
            return false;
        }
        return true;
    case OPT_OUTPUT:
    case OPT_SOURCE_ROOT:
        if (!*val) {
            fprintf(err, "ftlint: %s needs a non-empty argument\n",
                    o->id == OPT_OUTPUT ? "-o" : "--source-root");
            return false;
        }
        s = ftl_xstrdup(val);
        if (o->id == OPT_OUTPUT) {
            free(cfg->output);
            cfg->output = s;
        } else {
            free(cfg->source_root);
            cfg->source_root = s;
        }
        return true;
    case OPT_JOBS:
        {
            char *end;
            errno = 0;
            unsigned long n = strtoul(val, &end, 10);
            if (!*val || *end || errno || n < 1 || n > 1024 || val[0] == '-') {
                fprintf(err, "ftlint: -j: '%s' is not a number of jobs from 1 to 1024\n", val);
                return false;
            }
            cfg->jobs = (unsigned)n;
        }
        return true;
    case OPT_CACHE_DIR:
        if (!*val) {
            fputs("ftlint: --cache-dir needs a directory\n", err);
            return false;
        }
        free(cfg->cache_dir);
        cfg->cache_dir = ftl_xstrdup(val);
        return true;
    case OPT_NO_CACHE:
        cfg->no_cache = true;
        return true;
    case OPT_NO_PCH:
        cfg->no_pch = true;
        return true;
    case OPT_SHARD:
        if (!ftl_parse_shard(val, &cfg->shard_k, &cfg->shard_n)) {
            fprintf(err, "ftlint: --shard: '%s' is not K/N with 1 <= K <= N\n", val);
            return false;
        }
        return true;
    case OPT_TIMEOUT:
        return parse_timeout(val, &cfg->timeout, err);
    case OPT_VERSION:
        cli->action = FTL_ACT_VERSION;
        return true;
    case OPT_FIX:
        cli->fix = true;
        return true;
    case OPT_UNSAFE_FIXES:
        cli->unsafe_fixes = true;
        return true;
    case OPT_DIFF:
        cli->diff = true;
        return true;
    case OPT_MIN_PYTHON:
        if (!ftl_parse_python_version(val, &cfg->min_python)) {
            fprintf(err, "ftlint: --min-python: '%s' is not a version like 3.9 or 3.13\n", val);
            return false;
        }
        return true;
    case OPT_HELP:
        cli->action = FTL_ACT_HELP;
        return true;
    case OPT_COMPDB:
        return set_file(&cli->compdb, val, "-p", err);
    case OPT_STDIN:
        return set_file(&cfg->stdin_filename, val, "--stdin-filename", err);
    case OPT_CONFIG:
        return set_file(&cli->config_file, val, "--config", err);
    case OPT_NO_CONFIG:
        cli->no_config = true;
        return true;
    case OPT_BASELINE:
        return set_file(&cli->baseline, val, "--baseline", err);
    case OPT_WRITE_BASELINE:
        return set_file(&cli->write_baseline, val, "--write-baseline", err);
    }
    return false;
}

/* Combinations of the workflow options that cannot work together. */
static bool check_workflow_args(ftl_cli *cli, FILE *err)
{
    ftl_config *cfg = &cli->cfg;
    if (cli->config_file && cli->no_config) {
        fputs("ftlint: --config and --no-config contradict each other\n", err);
        return false;
    }
    if (cli->baseline && cli->write_baseline) {
        fputs("ftlint: give either --baseline or --write-baseline, not both\n", err);
        return false;
    }
    if (cfg->stdin_filename) {
        /* "-" stands for standard input; any other PATH is a mistake. */
        for (size_t i = 0; i < cfg->paths.n; i++) {
            if (strcmp(cfg->paths.v[i], "-") != 0) {
                fprintf(err, "ftlint: --stdin-filename reads the file from standard input; "
                             "remove PATH '%s'\n", cfg->paths.v[i]);
                return false;
            }
        }
        ftl_strv_free(&cfg->paths);
    }
    return true;
}

bool ftl_parse_args(int argc, char **argv, ftl_cli *cli, FILE *err)
{
    memset(cli, 0, sizeof *cli);
    cli->cfg.gil_disabled = true;
    cli->cfg.enabled = ftl_xcalloc(ftl_nrules, sizeof *cli->cfg.enabled);
    for (size_t i = 0; i < ftl_nrules; i++)
        cli->cfg.enabled[i] = true;
    ftl_strv *selects = &cli->selects, *ignores = &cli->ignores;
    bool ok = true, only_paths = false;

    for (int i = 1; i < argc && ok; i++) {
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || a[1] == '\0') {
            ftl_strv_push(&cli->cfg.paths, a);
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_paths = true;
            continue;
        }
        const opt *o;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t n = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(name, n);
            if (!o) {
                fprintf(err, "ftlint: unknown option '--%.*s' (see --help)\n", (int)n, name);
                ok = false;
                break;
            }
            if (o->metavar) {
                if (eq)
                    val = eq + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else {
                    fprintf(err, "ftlint: option '--%s' needs an argument %s\n", o->lng, o->metavar);
                    ok = false;
                    break;
                }
            } else if (eq) {
                fprintf(err, "ftlint: option '--%s' takes no argument\n", o->lng);
                ok = false;
                break;
            }
        } else {
            o = find_short(a[1]);
            if (!o) {
                fprintf(err, "ftlint: unknown option '%s' (see --help)\n", a);
                ok = false;
                break;
            }
            if (o->metavar) {
                if (a[2])
                    val = a + 2;
                else if (i + 1 < argc)
                    val = argv[++i];
                else {
                    fprintf(err, "ftlint: option '-%c' needs an argument %s\n", o->shrt, o->metavar);
                    ok = false;
                    break;
                }
            } else if (a[2]) {
                fprintf(err, "ftlint: unknown option '%s' (see --help)\n", a);
                ok = false;
                break;
            }
        }
        ok = apply(cli, o, val ? val : "", err, selects, ignores);
    }
    if (ok && selects->n) {
        for (size_t i = 0; i < ftl_nrules; i++)
            cli->cfg.enabled[i] = false;
        for (size_t i = 0; i < selects->n && ok; i++)
            ok = ftl_apply_rule_list(cli->cfg.enabled, selects->v[i], true, err, "--select");
    }
    for (size_t i = 0; i < ignores->n && ok; i++)
        ok = ftl_apply_rule_list(cli->cfg.enabled, ignores->v[i], false, err, "--ignore");
    if (ok && cli->unsafe_fixes && !cli->fix && !cli->diff) {
        fputs("ftlint: --unsafe-fixes needs --fix or --diff\n", err);
        ok = false;
    }
    if (ok && cli->action == FTL_ACT_LINT)
        ok = check_workflow_args(cli, err);
    if (ok && cli->action == FTL_ACT_LINT && cli->cfg.paths.n == 0 && !cli->compdb &&
        !cli->cfg.stdin_filename) {
        fputs("ftlint: no PATH given (see --help)\n", err);
        ok = false;
    }
    return ok;
}

void ftl_cli_free(ftl_cli *cli)
{
    ftl_config *c = &cli->cfg;
    ftl_strv_free(&c->paths);
    ftl_strv_free(&c->clang_args);
    ftl_strv_free(&c->fresh_functions);
    free(c->python_include);
    free(c->std);
    free(c->output);
    free(c->source_root);
    free(c->cache_dir);
    free(c->enabled);
    ftl_workflow_free(c);
    free(cli->explain);
    ftl_strv_free(&cli->selects);
    ftl_strv_free(&cli->ignores);
    free(cli->compdb);
    free(cli->config_file);
    free(cli->baseline);
    free(cli->write_baseline);
    memset(cli, 0, sizeof *cli);
}
