/* config.h: the project configuration file .ftlint.json: finding it, reading it into
 * ftl_config (with an error naming the key for anything wrong), resolving which rules run,
 * and the filters it defines over files and findings. */
#ifndef FTL_CONFIG_H
#define FTL_CONFIG_H
#include "ftlint.h"
#include <stdio.h>

#define FTL_CONFIG_NAME ".ftlint.json"

/* Per-path rule ignores: files matching glob do not report the rules in rules[]. */
typedef struct ftl_pathignore {
    char *glob;
    bool *rules;             /* per rule index */
} ftl_pathignore;

struct ftl_project {
    char *path;              /* the file read, as found */
    char *dir;               /* its directory, absolute: globs are relative to it */
    ftl_strv select, ignore; /* rule lists ("select" absent: every rule) */
    bool has_select;
    ftl_strv exclude;        /* globs of files not analysed */
    ftl_pathignore *path_ignores;
    size_t npath_ignores;
    int *severity;           /* per rule index: an enum ftl_severity, or -1 to keep the rule's */
};

/* The .ftlint.json that applies to start (a file or directory): searched from there upward,
 * stopping at the repository root. Returns its path (caller frees) or NULL. */
char *ftl_config_find(const char *start);
/* Reads file into cfg: cfg->project, include directories and defines (added before the
 * command line's -I/-D), python_include (unless --python-include was given), lock pairs,
 * fresh functions, min_python. On any error prints one message naming the key to err and
 * returns false. */
bool ftl_config_load(ftl_config *cfg, const char *file, FILE *err);
/* Sets cfg->enabled from the configuration's select/ignore, then the command line's: a
 * --select replaces the configuration's selection, --ignore removes rules from the result. */
bool ftl_config_resolve_rules(ftl_config *cfg, const ftl_strv *cli_select,
                              const ftl_strv *cli_ignore, FILE *err);
/* True when path (as given or found) matches an "exclude" glob. */
bool ftl_config_excluded(const ftl_config *cfg, const char *path);
/* Applies "exclude" and "per_path_ignores" (drops findings, also in headers of excluded or
 * ignored paths reached through #include) and "severity" (rewrites severities). */
void ftl_config_filter(const ftl_config *cfg, ftl_findings *fs);
/* Parses "3.9"-style versions into 0xMMmm0000; returns false when malformed. */
bool ftl_parse_python_version(const char *s, unsigned *hex);
/* Why a glob is unusable ("unclosed '['", ...) or NULL when it is fine. */
const char *ftl_glob_problem(const char *glob);
/* Releases every workflow field of cfg (compdb, stdin, lock pairs, project). */
void ftl_workflow_free(ftl_config *cfg);
#endif
