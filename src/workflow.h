/* workflow.h: what happens between parsing the options and analysing the files: reading
 * standard input for --stdin-filename, finding and loading .ftlint.json and
 * compile_commands.json, and the notes about them. */
#ifndef FTL_WORKFLOW_H
#define FTL_WORKFLOW_H
#include "driver.h"
#include "options.h"
#include <stdio.h>

/* Prepares cli->cfg for a lint run. Prints one message to err and returns false on any
 * problem (unreadable or malformed configuration or database). */
bool ftl_workflow_setup(ftl_cli *cli, FILE *err);
/* With -v: notes about the run (files the database does not list). */
void ftl_workflow_notes(const ftl_config *cfg, const ftl_run *run, FILE *err);
#endif
