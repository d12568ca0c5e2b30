/* main.c: the ftlint command: parses options, finds the files, analyses each one, prints the
 * findings and decides the exit status (0 clean, 1 findings, 2 usage error or failed file). */
#include "discover.h"
#include "driver.h"
#include "ftlint.h"
#include "options.h"
#include "report.h"
#include "shard.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void list_rules(FILE *out)
{
    for (size_t i = 0; i < ftl_nrules; i++) {
        const ftl_rule *r = ftl_rules[i];
        fprintf(out, "%s  %-20s %-7s %-6s  %s\n", r->code, r->name,
                r->severity == FTL_SEV_ERROR ? "error" : r->severity == FTL_SEV_NOTE ? "note" : "warning",
                r->confidence == FTL_CONF_HIGH ? "high" : "medium", r->summary);
    }
}

static int explain(const char *which)
{
    int r = ftl_rule_lookup(which);
    if (r < 0) {
        fprintf(stderr, "ftlint: --explain: unknown rule '%s' (see --list-rules)\n", which);
        return 2;
    }
    const char *doc = ftl_rule_doc(ftl_rules[r]);
    printf("%s %s: %s\n\n", ftl_rules[r]->code, ftl_rules[r]->name, ftl_rules[r]->summary);
    if (doc)
        fputs(doc, stdout);
    return 0;
}

static bool want_color(enum ftl_color c)
{
    if (c == FTL_COLOR_ALWAYS)
        return true;
    if (c == FTL_COLOR_NEVER)
        return false;
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}

static void put_path(FILE *f, const char *s)
{
    ftl_put_escaped(f, s, strlen(s), false);
}

/* Per-file messages on stderr: missing paths, skipped files, failures, and with -v the compiler
 * errors of files analysed despite them. */
static void print_file_notes(const ftl_config *cfg, const ftl_run *run)
{
    for (size_t i = 0; i < run->list.missing.n; i++) {
        fputs("ftlint: error: ", stderr);
        put_path(stderr, run->list.missing.v[i]);
        fputc('\n', stderr);
    }
    for (size_t i = 0; i < run->list.nskipped && !cfg->quiet; i++) {
        fputs("ftlint: note: skipping ", stderr);
        put_path(stderr, run->list.skipped[i].path);
        fprintf(stderr, ": %s\n", run->list.skipped[i].reason);
    }
    for (size_t i = 0; i < run->nfiles; i++) {
        const ftl_file_result *res = &run->files[i];
        if (res->status == FTL_FILE_FAILED) {
            fputs("ftlint: error: ", stderr);
            put_path(stderr, res->path);
            fprintf(stderr, ": %s\n", res->reason ? res->reason : "could not be analysed");
        } else if (res->status == FTL_FILE_SKIPPED && !cfg->quiet) {
            fputs("ftlint: note: skipping ", stderr);
            put_path(stderr, res->path);
            fprintf(stderr, ": %s\n", res->reason);
        } else if (res->status == FTL_FILE_HAD_ERRORS && cfg->verbose) {
            fputs("ftlint: ", stderr);
            put_path(stderr, res->path);
            fprintf(stderr, ": %u compiler error%s (analysed as far as clang recovered):\n",
                    res->nerrors, res->nerrors == 1 ? "" : "s");
            for (size_t k = 0; k < res->errors.n; k++) {
                fputs("    ", stderr);
                put_path(stderr, res->errors.v[k]);
                fputc('\n', stderr);
            }
        }
    }
}

static void print_summary(const ftl_config *cfg, const ftl_run *run)
{
    if (cfg->quiet)
        return;
    size_t n = run->findings.n;
    size_t analysed = run->nfiles - run->nfailed - (run->nskipped - run->list.nskipped);
    fprintf(stderr, "ftlint: %zu finding%s; %zu file%s analysed", n, n == 1 ? "" : "s", analysed,
            analysed == 1 ? "" : "s");
    if (run->nerrors)
        fprintf(stderr, ", %zu with compiler errors%s", run->nerrors,
                cfg->verbose ? "" : " (-v shows them)");
    if (run->nskipped)
        fprintf(stderr, ", %zu skipped", run->nskipped);
    if (run->nfailed)
        fprintf(stderr, ", %zu could not be analysed", run->nfailed);
    fputc('\n', stderr);
    if (cfg->verbose)
        ftl_print_speed_stats(stderr, run);
}

static int lint(ftl_config *cfg)
{
    if (!ftl_setup_python_include(cfg))
        return 2;
    ftl_run run;
    ftl_run_analysis(cfg, &run);
    print_file_notes(cfg, &run);
    ftl_report_text(stdout, &run.findings, cfg);
    fflush(stdout);
    print_summary(cfg, &run);
    int status = run.findings.n ? 1 : 0;
    if (run.nfailed || run.list.missing.n)
        status = 2;
    ftl_run_free(&run);
    return status;
}

/* ftlint merge REPORT...: one report from the JSON reports of shard runs. The merged run is
 * written in the format --format selects, exactly as one run over every file would be. */
static int merge(ftl_config *cfg)
{
    ftl_run run;
    memset(&run, 0, sizeof run);
    int status = 0;
    for (size_t i = 0; i < cfg->paths.n && status == 0; i++) {
        size_t len;
        char *text = ftl_read_file(cfg->paths.v[i], &len), *err = NULL;
        if (!text) {
            fprintf(stderr, "ftlint: merge: %s: %s\n", cfg->paths.v[i], strerror(errno));
            status = 2;
        } else if (!ftl_merge_json(text, len, cfg->paths.v[i], &run, &err)) {
            fprintf(stderr, "ftlint: merge: %s\n", err);
            free(err);
            status = 2;
        }
        free(text);
    }
    if (status == 0) {
        ftl_merge_finish(&run);
        print_file_notes(cfg, &run);
        ftl_report_text(stdout, &run.findings, cfg);
        fflush(stdout);
        print_summary(cfg, &run);
        status = run.nfailed ? 2 : run.findings.n ? 1 : 0;
    }
    ftl_run_free(&run);
    return status;
}

int main(int argc, char **argv)
{
    ftl_cli cli;
    /* "ftlint merge ...": the same options, the operands are reports. */
    bool merging = argc > 1 && strcmp(argv[1], "merge") == 0;
    if (merging) {
        argc--;
        argv++;
    }
    if (!ftl_parse_args(argc, argv, &cli, stderr)) {
        ftl_cli_free(&cli);
        return 2;
    }
    int status = 0;
    switch (cli.action) {
    case FTL_ACT_HELP:
        ftl_print_help(stdout);
        break;
    case FTL_ACT_VERSION:
        {
            char *v = ftl_cxstr(clang_getClangVersion());
            printf("ftlint %s (libclang: %s)\n", FTLINT_VERSION, v);
            free(v);
        }
        break;
    case FTL_ACT_LIST_RULES:
        list_rules(stdout);
        break;
    case FTL_ACT_EXPLAIN:
        status = explain(cli.explain);
        break;
    case FTL_ACT_LINT:
        cli.cfg.use_color = want_color(cli.cfg.color);
        status = merging ? merge(&cli.cfg) : lint(&cli.cfg);
        break;
    }
    ftl_cli_free(&cli);
    return status;
}
