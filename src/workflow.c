/* workflow.c: sets up a lint run from the options: standard input (--stdin-filename), the
 * project configuration (.ftlint.json, --config, --no-config) and the compilation database
 * (-p, or compile_commands.json found near the analysed path), in that order. */
#include "workflow.h"
#include "compdb.h"
#include "config.h"
#include "discover.h"
#include "paths.h"
#include "report.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool read_stdin(ftl_config *cfg, FILE *err)
{
    ftl_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
        ftl_buf_putn(&b, chunk, n);
    if (ferror(stdin)) {
        fprintf(err, "ftlint: --stdin-filename: cannot read standard input: %s\n", strerror(errno));
        ftl_buf_free(&b);
        return false;
    }
    cfg->stdin_len = b.len;
    cfg->stdin_text = ftl_buf_steal(&b);
    return true;
}

static void put_list(FILE *err, const ftl_strv *v)
{
    for (size_t i = 0; i < v->n; i++) {
        fputs(i ? ", " : "", err);
        ftl_put_escaped(err, v->v[i], strlen(v->v[i]), false);
    }
}

/* -p without PATH: every entry of the database that is a C or C++ source and exists. */
static void paths_from_database(ftl_config *cfg, FILE *err)
{
    size_t missing = 0;
    for (size_t i = 0; i < cfg->compdb->n; i++) {
        const ftl_compile_cmd *c = &cfg->compdb->cmds[i];
        struct stat st;
        if (!ftl_is_source_name(c->file))
            continue;
        if (stat(c->file, &st) != 0) {
            missing++;
            continue;
        }
        char *shown = ftl_path_display(c->file);
        ftl_strv_push(&cfg->paths, shown);
        free(shown);
    }
    if (missing && !cfg->quiet)
        fprintf(err, "ftlint: note: %zu file%s listed in %s no longer exist%s; skipped\n", missing,
                missing == 1 ? "" : "s", cfg->compdb->path, missing == 1 ? "s" : "");
}

static bool load_database(ftl_cli *cli, const char *start, FILE *err)
{
    ftl_config *cfg = &cli->cfg;
    char *found = cli->compdb ? NULL : ftl_compdb_find(start);
    const char *path = cli->compdb ? cli->compdb : found;
    if (!path)
        return true;
    char *shown = found ? ftl_path_display(found) : NULL;
    cfg->compdb = ftl_compdb_load(shown ? shown : path, err);
    free(found);
    free(shown);
    if (!cfg->compdb)
        return false;
    const ftl_compdb *db = cfg->compdb;
    if (cfg->verbose)
        fprintf(err, "ftlint: using compilation database %s (%zu entr%s)\n", db->path, db->n,
                db->n == 1 ? "y" : "ies");
    if (db->unsafe.n && !cfg->quiet) {
        fprintf(err, "ftlint: note: %s: ignoring flags that would load code into the compiler or "
                     "run other programs: ", db->path);
        put_list(err, &db->unsafe);
        fputc('\n', err);
    }
    if (db->unused.n && cfg->verbose) {
        fprintf(err, "ftlint: %s: dropped flags the analysis does not use: ", db->path);
        put_list(err, &db->unused);
        fputc('\n', err);
    }
    if (cli->compdb && cfg->paths.n == 0 && !cfg->stdin_filename)
        paths_from_database(cfg, err);
    return true;
}

bool ftl_workflow_setup(ftl_cli *cli, FILE *err)
{
    ftl_config *cfg = &cli->cfg;
    if (cfg->stdin_filename && !read_stdin(cfg, err))
        return false;
    const char *start = cfg->stdin_filename ? cfg->stdin_filename
                        : cfg->paths.n      ? cfg->paths.v[0]
                        : cli->compdb       ? cli->compdb
                                            : ".";
    if (!cli->no_config) {
        char *file = cli->config_file ? ftl_xstrdup(cli->config_file) : ftl_config_find(start);
        if (file) {
            char *shown = cli->config_file ? ftl_xstrdup(file) : ftl_path_display(file);
            bool ok = ftl_config_load(cfg, shown, err) &&
                      ftl_config_resolve_rules(cfg, &cli->selects, &cli->ignores, err);
            if (ok && cfg->verbose)
                fprintf(err, "ftlint: using configuration %s\n", shown);
            free(shown);
            free(file);
            if (!ok)
                return false;
        }
    }
    return load_database(cli, start, err);
}

void ftl_workflow_notes(const ftl_config *cfg, const ftl_run *run, FILE *err)
{
    if (!cfg->verbose)
        return;
    if (run->nexcluded)
        fprintf(err, "ftlint: %zu file%s excluded by %s\n", run->nexcluded,
                run->nexcluded == 1 ? "" : "s", cfg->project ? cfg->project->path : "the configuration");
    if (!cfg->compdb)
        return;
    for (size_t i = 0; i < run->nfiles; i++) {
        if (ftl_compdb_lookup(cfg->compdb, run->files[i].path))
            continue;
        fputs("ftlint: ", err);
        ftl_put_escaped(err, run->files[i].path, strlen(run->files[i].path), false);
        fprintf(err, ": not in %s; analysed with the default flags\n", cfg->compdb->path);
    }
}
