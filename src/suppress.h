/* suppress.h: `ftlint: ignore[...]` comments. Each analysed translation unit records the
 * directives of its project files; after the whole run they are applied to the findings at
 * once, per file, and suppressions that suppressed nothing are reported (FT008), as are
 * directives ftlint cannot read (FT009). Rules never see suppressions. */
#ifndef FTL_SUPPRESS_H
#define FTL_SUPPRESS_H
#include "ftlint.h"
#include "util.h"

/* Lines a file-level directive may appear on (ignore-file). */
#define FTL_IGNORE_FILE_LINES 10

/* One directive found in a comment. */
typedef struct ftl_directive {
    unsigned line, col;      /* where "ftlint:" is written (1-based, bytes) */
    unsigned end_col;        /* end of the directive text on that line */
    unsigned offset, end_offset;
    unsigned last_line;      /* line the comment ends on; the directive covers up to the next */
    bool file_level;         /* ignore-file[...] */
    bool all;                /* '*' in the list */
    int *rules;              /* rule indices listed (without '*'), may be empty */
    size_t nrules;
    char *text;              /* the directive as written, e.g. "ignore[FT001, borrowed-ref]" */
    char *error;             /* what is malformed (FT009 message), or NULL */
    char *error_help;        /* the FT009 help line, or NULL */
    unsigned long long hash_unused, hash_bad;  /* line hashes for FT008 and FT009 findings */
    bool active;             /* in code the preprocessor kept (set per translation unit) */
} ftl_directive;

/* Finds every directive in the comments of a C or C++ text (string and character literals,
 * raw strings and line splices handled). Returns the count; *out is a malloc'd array the
 * caller frees with ftl_directives_free. */
size_t ftl_directives_scan(const char *text, size_t len, ftl_directive **out);
void ftl_directives_free(ftl_directive *v, size_t n);

struct ftl_ctx;
/* Records the directives of every project file of the translation unit being analysed
 * (reliable: the unit had no compiler errors). Returns NULL when there are none; the result
 * belongs to the file result (freed by ftl_suppressions_free). */
struct ftl_suppressions *ftl_suppress_collect(struct ftl_ctx *ctx, bool reliable);
void ftl_suppressions_free(struct ftl_suppressions *s);
/* Rewrites the recorded paths with map(path, data) (a new string the callee allocates, or NULL
 * to keep the path). Used when files were parsed under another name. */
void ftl_suppressions_map_paths(struct ftl_suppressions *s, char *(*map)(const char *, void *),
                                void *data);

/* Writes s (may be NULL) to b, and reads it back: NULL for none, or (with w->bad set) for a
 * truncated or malformed stream. */
void ftl_suppressions_pack(const struct ftl_suppressions *s, ftl_buf *b);
struct ftl_suppressions *ftl_suppressions_unpack(ftl_wire *w);

/* Applies the directives recorded in files[] to fs: drops suppressed findings, adds FT008 and
 * FT009 findings (when enabled). The caller sorts fs afterwards. */
void ftl_suppress_apply(const ftl_config *cfg, const ftl_file_result *files, size_t nfiles,
                        ftl_findings *fs);
/* Directives as JSON for the result cache (caller frees with cJSON_Delete), and back (false
 * when malformed; *out may be NULL when there were none; free with ftl_suppressions_free). */
#include <cjson/cJSON.h>
cJSON *ftl_suppressions_to_json(const struct ftl_suppressions *s);
bool ftl_suppressions_from_json(const cJSON *arr, struct ftl_suppressions **out);
#endif
