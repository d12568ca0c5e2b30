/* baseline.h: recording today's findings (--write-baseline) and reporting only new ones
 * (--baseline). A finding matches a recorded one by its path relative to the current
 * directory, its rule code and its fingerprint (a hash of the rule and the finding's line text
 * plus an occurrence count), never by line number: edits elsewhere in the file keep matching. */
#ifndef FTL_BASELINE_H
#define FTL_BASELINE_H
#include "ftlint.h"
#include <stdio.h>

#define FTL_BASELINE_VERSION 1

typedef struct ftl_baseline_entry {
    char *path, *rule, *fingerprint;
    bool matched;            /* some finding of this run matched it */
} ftl_baseline_entry;

typedef struct ftl_baseline {
    char *file;
    ftl_baseline_entry *v;
    size_t n;
} ftl_baseline;

/* Writes every finding of fs to file (JSON, replaced atomically). Prints and returns false on
 * error. */
bool ftl_baseline_write(const char *file, const ftl_findings *fs, FILE *err);
/* Reads a baseline; prints one message and returns NULL when it is missing, malformed or of
 * another version. Caller frees with ftl_baseline_free. */
ftl_baseline *ftl_baseline_load(const char *file, FILE *err);
/* Drops the findings of fs recorded in b (each entry matches at most one finding); returns how
 * many were dropped. */
size_t ftl_baseline_filter(ftl_baseline *b, ftl_findings *fs);
/* Entries no finding matched (fixed since, or their line changed). */
size_t ftl_baseline_unmatched(const ftl_baseline *b);
void ftl_baseline_free(ftl_baseline *b);
#endif
