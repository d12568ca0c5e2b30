/* options.h: the command-line option table and its parser. */
#ifndef FTL_OPTIONS_H
#define FTL_OPTIONS_H
#include "ftlint.h"
#include <stdio.h>

enum ftl_action { FTL_ACT_LINT, FTL_ACT_HELP, FTL_ACT_VERSION, FTL_ACT_LIST_RULES, FTL_ACT_EXPLAIN };

typedef struct ftl_cli {
    ftl_config cfg;
    enum ftl_action action;
    char *explain;           /* --explain RULE */
    bool fix, unsafe_fixes, diff;
    /* Workflow options (the configuration file is read after parsing, see config.h). */
    ftl_strv selects, ignores;   /* --select/--ignore as given, re-applied over .ftlint.json */
    char *compdb;            /* -p PATH */
    char *config_file;       /* --config FILE */
    bool no_config;          /* --no-config */
    char *baseline;          /* --baseline FILE */
    char *write_baseline;    /* --write-baseline FILE */
} ftl_cli;

/* Parses argv into cli. On a usage error prints one message to err and returns false. */
bool ftl_parse_args(int argc, char **argv, ftl_cli *cli, FILE *err);
void ftl_cli_free(ftl_cli *cli);

void ftl_print_help(FILE *out);
/* Applies a comma list of rule codes/names to enabled[]; returns false and prints on error. */
bool ftl_apply_rule_list(bool *enabled, const char *list, bool value, FILE *err, const char *optname);
#endif
