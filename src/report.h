/* report.h: output formats (text, JSON, SARIF) behind one formatter interface, the atomic
 * output file behind -o, and the path and source helpers the formatters share. */
#ifndef FTL_REPORT_H
#define FTL_REPORT_H
#include "driver.h"
#include "ftlint.h"
#include <stdio.h>

/* The project's home page, named in SARIF (tool.driver.informationUri) and the JSON format. */
#define FTLINT_URL "https://github.com/ftlint/ftlint"
/* Version of the JSON document layout: bumped on any incompatible change (see man ftlint). */
#define FTL_JSON_VERSION 1

/* A formatter writes the whole report of a run to out. It returns false when the report could
 * not be produced (the caller then reports an error and exits with status 2). */
typedef struct ftl_formatter {
    const char *name;        /* as given to --format */
    bool (*write)(FILE *out, const ftl_run *run, const ftl_config *cfg);
} ftl_formatter;

/* The formatter of a format (never NULL for a valid enum value). */
const ftl_formatter *ftl_formatter_of(enum ftl_format format);
/* Looks a format up by name; false when there is none. */
bool ftl_format_from_name(const char *name, enum ftl_format *format);
/* The accepted names, "text, json, sarif", for messages. */
const char *ftl_format_names(void);

bool ftl_write_text(FILE *out, const ftl_run *run, const ftl_config *cfg);
bool ftl_write_json(FILE *out, const ftl_run *run, const ftl_config *cfg);
bool ftl_write_sarif(FILE *out, const ftl_run *run, const ftl_config *cfg);

/* Writes s to out with control characters and escape sequences shown as \xNN, so that file
 * names or source text cannot drive the terminal. Tabs are kept when keep_tabs. */
void ftl_put_escaped(FILE *out, const char *s, size_t n, bool keep_tabs);

/* GCC-style text: "path:line:col: warning: message [FT001 borrowed-ref]", the source line, a
 * caret line and a help line. Reads source lines from the files themselves. */
void ftl_report_text(FILE *out, const ftl_findings *fs, const ftl_config *cfg);

/* ---- where the report goes ------------------------------------------------------------------ */

/* Standard output, or -o FILE written to a temporary file in FILE's directory and renamed over
 * FILE only once complete: a run that fails never leaves a truncated FILE, and an old FILE
 * stays intact until the new one replaces it. An existing FILE that is not a regular file
 * (/dev/null, /dev/stdout, a FIFO) is written directly. */
typedef struct ftl_output {
    FILE *f;                 /* where formatters write */
    char *path;              /* -o FILE, or NULL for standard output */
    char *tmp;               /* the temporary file while open; NULL when writing FILE directly */
} ftl_output;

/* Checks before any analysis that path (NULL: standard output) can be written: its directory
 * exists and path is not a directory. Prints one error to err and returns false otherwise. */
bool ftl_output_check(const char *path, FILE *err);
/* Starts the output (creates the temporary file). Prints one error and returns false on
 * failure. */
bool ftl_output_open(ftl_output *o, const char *path, FILE *err);
/* Finishes the output: when complete (the formatter succeeded), flushes, syncs and renames the
 * temporary file over the target. When not complete, or on any write error, removes the
 * temporary file, prints one error (naming errno) and returns false. Always releases o. */
bool ftl_output_commit(ftl_output *o, bool complete, FILE *err);

/* ---- shared by the formatters ----------------------------------------------------------------- */

/* Physical absolute path of dir (NULL: the current directory), or NULL on error. Caller frees. */
char *ftl_real_dir(const char *dir);
/* path as a '/'-separated path relative to base (a physical absolute directory) when it lies
 * inside base, else its absolute (physical when resolvable) path. *inside tells which (may be
 * NULL). Caller frees. */
char *ftl_report_relpath(const char *base, const char *path, bool *inside);
/* One source file's bytes and line table, loaded on demand (findings come sorted by path, so
 * one file at a time is enough). */
typedef struct ftl_source {
    char *path;              /* the file loaded (NULL: none yet) */
    char *text;              /* its bytes, or NULL when it cannot be read */
    size_t len;
    size_t *lines;           /* offsets of line starts */
    size_t nlines;
} ftl_source;
/* Makes src hold the file at path (reading it when it is not already loaded). False when the
 * file cannot be read. */
bool ftl_source_load(ftl_source *src, const char *path);
/* The bytes of 1-based line `line` without its newline; false when there is no such line. */
bool ftl_source_line(const ftl_source *src, unsigned line, const char **s, size_t *n);
/* 1-based line and byte column of a byte offset (clamped to the end of the file). */
void ftl_source_linecol(const ftl_source *src, size_t offset, unsigned *line, unsigned *col);
void ftl_source_free(ftl_source *src);
/* One file of the run as the machine-readable formats list it: analysed, skipped or failed,
 * whether discovery or the analysis decided so. */
typedef struct ftl_file_entry {
    char *path;              /* as given on the command line or found in a directory */
    enum ftl_file_status status;
    char *reason;            /* why skipped or failed, the first compiler error; may be NULL */
    bool missing;            /* a PATH argument that does not exist or cannot be read */
    unsigned nerrors;        /* compiler errors */
    const ftl_strv *errors;  /* their text (borrowed from the run), or NULL */
} ftl_file_entry;
/* Every file of run, sorted by path. Caller frees with ftl_file_entries_free. */
ftl_file_entry *ftl_file_entries(const ftl_run *run, size_t *n);
void ftl_file_entries_free(ftl_file_entry *v, size_t n);
/* The status names of the JSON format (ok, had_errors, skipped, failed). */
const char *ftl_file_status_name(enum ftl_file_status s);

/* ---- JSON helpers (JSON and SARIF are built with cJSON) ------------------------------------------ */

struct cJSON;
/* Makes cJSON allocate through ftl_xmalloc, so that a document is never silently incomplete. */
void ftl_json_init(void);
/* A JSON string holding s with every byte that is not part of valid UTF-8 replaced by U+FFFD
 * (documents must be UTF-8 whatever the source files hold), or JSON null when s is NULL. The
 * caller owns the item (adding it to an object or array hands it over). */
struct cJSON *ftl_json_string(const char *s);
/* Adds key: ftl_json_string(s) to obj. */
void ftl_json_add_string(struct cJSON *obj, const char *key, const char *s);
/* Adds key: n to obj. */
void ftl_json_add_uint(struct cJSON *obj, const char *key, unsigned long long n);
/* Writes doc indented, with a final newline; false when it could not be printed. */
bool ftl_json_print(FILE *out, const struct cJSON *doc);
/* The display names of severities and confidences shared by every format. */
const char *ftl_severity_name(enum ftl_severity s);
const char *ftl_confidence_name(enum ftl_confidence c);

/* The UTF-16 column (1-based) of 1-based byte column bytecol of a line holding UTF-8 text:
 * two-byte to four-byte sequences count as one code unit, four-byte ones (outside the BMP) as
 * two; an invalid byte counts as one (it decodes to U+FFFD). Columns past the end of the line
 * count one unit per byte. */
unsigned ftl_utf16_column(const char *line, size_t n, unsigned bytecol);
#endif
