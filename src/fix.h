/* fix.h: applying the edits findings carry (--fix) or printing them as a diff (--diff). */
#ifndef FTL_FIX_H
#define FTL_FIX_H
#include "ftlint.h"
#include <stdio.h>

/* The oldest Python assumed when neither --min-python nor min_python says (PY_VERSION_HEX). */
#define FTL_DEFAULT_MIN_PYTHON 0x03090000u

enum ftl_fix_mode { FTL_FIX_APPLY, FTL_FIX_DIFF };

typedef struct ftl_fix_stats {
    size_t files_changed;    /* files written (or with a diff printed) */
    size_t fixed;            /* findings whose edits were applied */
    size_t refused;          /* files whose edits were refused (parse gained errors, I/O) */
} ftl_fix_stats;

/* For every file with findings carrying edits: selects the edits (safe ones, and unsafe ones
 * when unsafe is true), drops overlapping ones, adds `#include "pythoncapi_compat.h"` when an
 * edit needs a newer Python than cfg->min_python, re-parses the result and refuses it when it
 * has more compiler errors than the original, then writes the file atomically (APPLY) or prints
 * a unified diff to diff_out (DIFF). Findings that were fixed are removed from fs. Messages go
 * to stderr. Returns false when a file could not be written. */
bool ftl_fix(const ftl_config *cfg, ftl_findings *fs, enum ftl_fix_mode mode, bool unsafe,
             FILE *diff_out, ftl_fix_stats *st);

/* Unified diff of old -> new for the given sorted, non-overlapping edits of old (exposed for
 * tests). Appends to out. */
struct ftl_buf;
void ftl_unified_diff(const char *path, const char *old, size_t len, const ftl_edit *edits,
                      size_t n, struct ftl_buf *out);
#endif
