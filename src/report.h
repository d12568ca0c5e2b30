/* report.h: output formats. */
#ifndef FTL_REPORT_H
#define FTL_REPORT_H
#include "ftlint.h"
#include <stdio.h>

/* Writes s to out with control characters and escape sequences shown as \xNN, so that file
 * names or source text cannot drive the terminal. Tabs are kept when keep_tabs. */
void ftl_put_escaped(FILE *out, const char *s, size_t n, bool keep_tabs);

/* GCC-style text: "path:line:col: warning: message [FT001 borrowed-ref]", the source line, a
 * caret line and a help line. Reads source lines from the files themselves. */
void ftl_report_text(FILE *out, const ftl_findings *fs, const ftl_config *cfg);
#endif
