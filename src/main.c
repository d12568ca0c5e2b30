/* main.c: the ftlint command: parses options, finds the files, analyses each one, prints the
 * findings and decides the exit status (0 clean, 1 findings, 2 usage error or failed file). */
#include "baseline.h"
#include "discover.h"
#include "driver.h"
#include "fix.h"
#include "ftlint.h"
#include "options.h"
#include "report.h"
#include "shard.h"
#include "util.h"
#include "workflow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    for (size_t i = 0; i < run->list.included.n && cfg->verbose; i++) {
        fputs("ftlint: note: ", stderr);
        put_path(stderr, run->list.included.v[i]);
        fputs(" is #included by another source and analysed through it\n", stderr);
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

/* Checks that the report can be written where -o says and that --source-root is a directory,
 * before spending time on the analysis. */
static bool check_report_options(ftl_config *cfg)
{
    if (!ftl_output_check(cfg->output, stderr))
        return false;
    if (cfg->output && cfg->color != FTL_COLOR_ALWAYS)
        cfg->use_color = false;
    struct stat st;
    if (cfg->source_root && stat(cfg->source_root, &st) != 0) {
        fprintf(stderr, "ftlint: --source-root %s: %s\n", cfg->source_root, strerror(errno));
        return false;
    }
    if (cfg->source_root && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "ftlint: --source-root %s: not a directory\n", cfg->source_root);
        return false;
    }
    return true;
}

/* --write-baseline: record the findings instead of reporting them. */
static int write_baseline(const ftl_cli *cli, const ftl_run *run, int status)
{
    if (!ftl_baseline_write(cli->write_baseline, &run->findings, stderr))
        return 2;
    if (!cli->cfg.quiet)
        fprintf(stderr, "ftlint: wrote %zu finding%s to %s\n", run->findings.n,
                run->findings.n == 1 ? "" : "s", cli->write_baseline);
    return status == 2 ? 2 : 0;
}

/* --baseline: after the summary, how many findings it hid and (-v) how many entries are
 * stale. */
static void baseline_notes(const ftl_config *cfg, const ftl_baseline *bl, size_t hidden)
{
    if (!cfg->quiet && hidden)
        fprintf(stderr, "ftlint: %zu more finding%s recorded in %s not shown\n", hidden,
                hidden == 1 ? "" : "s", bl->file);
    size_t stale = ftl_baseline_unmatched(bl);
    if (cfg->verbose && stale)
        fprintf(stderr, "ftlint: %s: %zu entr%s no longer match%s a finding (fixed or changed); "
                        "--write-baseline %s refreshes it\n",
                bl->file, stale, stale == 1 ? "y" : "ies", stale == 1 ? "es" : "", bl->file);
}

/* A shard sees only its files, but FT007 decides with the call graph of the whole run and FT008
 * with every unit's use of a suppression: sharded, they would report what one run does not. */
static bool shard_rules_ok(const ftl_config *cfg)
{
    static const char *const whole_run[] = {"FT007", "FT008"};
    if (cfg->shard_n <= 1)
        return true;
    for (size_t i = 0; i < sizeof whole_run / sizeof *whole_run; i++) {
        int r = ftl_rule_lookup(whole_run[i]);
        if (r >= 0 && cfg->enabled[r]) {
            fprintf(stderr, "ftlint: --shard: %s %s needs every file of the run; run it unsharded, "
                            "or shard with --ignore FT007,FT008\n",
                    ftl_rules[r]->code, ftl_rules[r]->name);
            return false;
        }
    }
    return true;
}

static int lint(ftl_cli *cli)
{
    ftl_config *cfg = &cli->cfg;
    ftl_baseline *bl = NULL;
    if (!ftl_workflow_setup(cli, stderr) || !check_report_options(cfg) ||
        !ftl_setup_python_include(cfg))
        return 2;
    if (cli->baseline && !(bl = ftl_baseline_load(cli->baseline, stderr)))
        return 2;
    if (!shard_rules_ok(cfg)) {
        ftl_baseline_free(bl);
        return 2;
    }
    ftl_run run;
    ftl_run_analysis(cfg, &run);
    print_file_notes(cfg, &run);
    ftl_workflow_notes(cfg, &run, stderr);
    int status = run.nfailed || run.list.missing.n ? 2 : 0;
    if (cli->write_baseline) {
        status = write_baseline(cli, &run, status);
        ftl_run_free(&run);
        return status;
    }
    size_t hidden = bl ? ftl_baseline_filter(bl, &run.findings) : 0;
    bool fix_failed = false;
    if (cli->diff) {
        /* --diff: the diff is the output; exit 1 when there is something to change. */
        ftl_fix_stats st;
        fix_failed = !ftl_fix(cfg, &run.findings, FTL_FIX_DIFF, cli->unsafe_fixes, stdout, &st);
        fflush(stdout);
        status = fix_failed || status == 2 ? 2 : st.fixed ? 1 : 0;
        ftl_baseline_free(bl);
        ftl_run_free(&run);
        return status;
    }
    if (cli->fix) {
        ftl_fix_stats st;
        fix_failed = !ftl_fix(cfg, &run.findings, FTL_FIX_APPLY, cli->unsafe_fixes, stdout, &st);
        if (!cfg->quiet)
            fprintf(stderr, "ftlint: fixed %zu finding%s in %zu file%s\n", st.fixed,
                    st.fixed == 1 ? "" : "s", st.files_changed, st.files_changed == 1 ? "" : "s");
    }
    if (fix_failed)
        status = 2;
    ftl_output out;
    if (!ftl_output_open(&out, cfg->output, stderr) ||
        !ftl_output_commit(&out, ftl_formatter_of(cfg->format)->write(out.f, &run, cfg), stderr))
        status = 2;
    print_summary(cfg, &run);
    if (bl)
        baseline_notes(cfg, bl, hidden);
    if (status == 0 && run.findings.n)
        status = 1;
    ftl_baseline_free(bl);
    ftl_run_free(&run);
    return status;
}

static int lint_thread(void *cli)
{
    return lint(cli);
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
        status = run.nfailed ? 2 : run.findings.n ? 1 : 0;
        ftl_output out;
        if (!ftl_output_open(&out, cfg->output, stderr) ||
            !ftl_output_commit(&out, ftl_formatter_of(cfg->format)->write(out.f, &run, cfg), stderr))
            status = 2;
        print_summary(cfg, &run);
    }
    ftl_run_free(&run);
    return status;
}

int main(int argc, char **argv)
{
    /* libclang parses on the calling thread, whose stack ftlint sizes (see util.h). */
    setenv("LIBCLANG_NOTHREADS", "1", 1);
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
        status = merging ? merge(&cli.cfg) : ftl_call_with_stack(FTL_ANALYSIS_STACK, lint_thread, &cli);
        break;
    }
    ftl_cli_free(&cli);
    return status;
}
