/* ftlint.h: types shared by the engine, the rules and the reporters. */
#ifndef FTLINT_H
#define FTLINT_H

#include <stdbool.h>
#include <stddef.h>
#include <clang-c/Index.h>

#define FTLINT_VERSION "0.1.0"

/* ---- configuration ------------------------------------------------------------------------ */

enum ftl_color { FTL_COLOR_AUTO, FTL_COLOR_ALWAYS, FTL_COLOR_NEVER };
enum ftl_severity { FTL_SEV_NOTE, FTL_SEV_WARNING, FTL_SEV_ERROR };
enum ftl_confidence { FTL_CONF_MEDIUM, FTL_CONF_HIGH };

/* A growable array of owned strings. */
typedef struct ftl_strv {
    char **v;
    size_t n, cap;
} ftl_strv;

void ftl_strv_push(ftl_strv *sv, const char *s);
void ftl_strv_free(ftl_strv *sv);
bool ftl_strv_contains(const ftl_strv *sv, const char *s);

/* A field that changes findings without changing clang's arguments must also be hashed by
 * hash_config() in src/cache.c, or the result cache would reuse results computed without it. */
typedef struct ftl_config {
    ftl_strv paths;          /* PATH arguments, as given */
    ftl_strv clang_args;     /* -I/-D/-U/--std translated into clang arguments, in order */
    char *python_include;    /* --python-include, or discovered; NULL when none */
    bool python_include_given;
    bool gil_disabled;       /* false after -U Py_GIL_DISABLED */
    char *std;               /* --std value or NULL */
    bool *enabled;           /* per rule index, after --select/--ignore */
    bool quiet, verbose;
    enum ftl_color color;
    bool use_color;          /* resolved from color and isatty */
    ftl_strv fresh_functions;   /* extra functions known to return fresh containers */
    /* How the run goes; none of these changes a finding. */
    unsigned jobs;           /* -j: files analysed at once; 0: one per available CPU */
    bool no_cache;           /* --no-cache */
    char *cache_dir;         /* --cache-dir; NULL: .ftlint_cache in the working directory */
    bool no_pch;             /* --no-pch: parse Python.h for every file */
    unsigned shard_k, shard_n;  /* --shard K/N (K from 1); shard_n 0: every file */
} ftl_config;

/* ---- findings ------------------------------------------------------------------------------ */

typedef struct ftl_edit {
    unsigned begin, end;     /* byte offsets in the file */
    char *replacement;
    bool safe;
} ftl_edit;

struct ftl_rule;

typedef struct ftl_finding {
    char *path;              /* as the user gave it (or as clang found the header) */
    char *key;               /* canonical file identity used to de-duplicate across TUs */
    unsigned line, col, end_line, end_col;  /* 1-based, columns in bytes */
    unsigned offset, end_offset;
    const struct ftl_rule *rule;
    enum ftl_severity severity;
    char *message;
    char *help;              /* the suggested replacement, one line; may be NULL */
    char *function;          /* enclosing function or NULL */
    ftl_edit *edits;
    size_t nedits;
    unsigned long long line_hash;  /* rule code + the finding's source line, whitespace-trimmed */
    char *fingerprint;       /* stable id: line_hash and occurrence, set by ftl_findings_sort_unique */
} ftl_finding;

typedef struct ftl_findings {
    ftl_finding *v;
    size_t n, cap;
} ftl_findings;

void ftl_findings_free(ftl_findings *fs);
/* Sorts by path, line, column and rule, drops duplicates (a header reached from several
 * sources), and sets every fingerprint. */
void ftl_findings_sort_unique(ftl_findings *fs);
/* The hash behind fingerprints: FNV-1a 64 over the rule code and the line text with leading and
 * trailing whitespace removed, so moving the line or re-indenting it keeps the value. */
unsigned long long ftl_line_hash(const char *rule_code, const char *line, size_t len);
/* Moves every finding of src to dst; src is left empty. */
void ftl_findings_take(ftl_findings *dst, ftl_findings *src);

/* ---- analysis context handed to rules --------------------------------------------------------- */

/* What an argument expression refers to, as far as the walker can tell. */
enum ftl_storage {
    FTL_ST_OTHER = 0,        /* an expression we do not track (field, call result, ...) */
    FTL_ST_LOCAL,            /* a local variable of the enclosing function */
    FTL_ST_PARAM,            /* a parameter of the enclosing function */
    FTL_ST_GLOBAL,           /* a file-scope or function-static variable */
};

typedef struct ftl_arg {
    unsigned begin, end;     /* file offsets of the argument text (expansion locations) */
    char *text;              /* the argument as written, tokens joined by single spaces */
    enum ftl_storage storage;
    int var;                 /* index in the function's variable table, or -1 */
    CXCursor decl;           /* the referenced declaration, or a null cursor */
} ftl_arg;

/* One use of a function or function-like macro: a call in the AST or a macro expansion. */
typedef struct ftl_call {
    const char *name;        /* canonical API name as the user writes it (aliases resolved) */
    unsigned offset, end_offset;
    unsigned line, col, end_line, end_col;
    bool from_macro;         /* recorded from a macro expansion rather than a CallExpr */
    CXCursor cursor;         /* the CallExpr, or the macro expansion cursor */
    int nargs;
    ftl_arg *args;
} ftl_call;

/* Privacy of a container at a program point: the shared notion rules use. */
enum ftl_privacy {
    FTL_SHARED = 0,          /* another thread may reach it */
    FTL_PRIVATE_FRESH,       /* created in this function and not yet published */
    FTL_PRIVATE_KWARGS,      /* the keyword-arguments dict of a METH_KEYWORDS-style function */
    FTL_IMMUTABLE_TUPLE,     /* a tuple (positional args, or known tuple) */
};

enum ftl_lock_kind {
    FTL_LOCK_CRITICAL_SECTION = 1,  /* Py_BEGIN_CRITICAL_SECTION and kin */
    FTL_LOCK_MUTEX = 2,             /* PyMutex, PyThread locks, pthread, C++ guards, config pairs */
    FTL_LOCK_ANY = 3,
};

struct ftl_ctx;
typedef struct ftl_ctx ftl_ctx;

/* Queries rules may make. Offsets are file offsets in the file of the current function. */
enum ftl_privacy ftl_privacy_at(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset);
/* True when offset lies in a lock region of the given kind; when obj is non-NULL, only a
 * region whose object is the same variable or the same text counts. */
bool ftl_in_lock(const ftl_ctx *ctx, unsigned offset, enum ftl_lock_kind kind, const ftl_arg *obj);
const char *ftl_ctx_function(const ftl_ctx *ctx);   /* enclosing function name or NULL */
CXCursor ftl_ctx_function_cursor(const ftl_ctx *ctx);
CXTranslationUnit ftl_ctx_tu(const ftl_ctx *ctx);
const ftl_config *ftl_ctx_config(const ftl_ctx *ctx);
/* The file text the current cursor lives in (NUL-terminated) and its length. */
const char *ftl_ctx_text(const ftl_ctx *ctx, size_t *len);
/* Rule-private state for this translation unit, created by the rule's tu_begin. */
void *ftl_ctx_state(const ftl_ctx *ctx);

/* Reports a finding at [offset, end_offset) of the current file. message and help are
 * copied; edits (may be NULL) are copied too. */
void ftl_report(ftl_ctx *ctx, unsigned offset, unsigned end_offset, const char *message,
                const char *help, const ftl_edit *edits, size_t nedits);
/* The nearest call before `call` in the same function whose arguments contain it and whose
 * name is one of names (NULL-terminated), or NULL. */
const ftl_call *ftl_enclosing_call(const ftl_ctx *ctx, const ftl_call *call, const char *const *names);
/* The first call that starts after `call` ends, or NULL. */
const ftl_call *ftl_next_call(const ftl_ctx *ctx, const ftl_call *call);
/* Offsets of a cursor's extent in the current file (false when it lies elsewhere). */
bool ftl_cursor_offsets(ftl_ctx *ctx, CXCursor c, unsigned *begin, unsigned *end);
/* Reports at a cursor's location, in whatever project file it lies (for tu_end reports). */
void ftl_report_cursor(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c, const char *message,
                       const char *help);
/* Same as ftl_report, with an explicit severity (for notes). */
void ftl_report_sev(ftl_ctx *ctx, enum ftl_severity sev, unsigned offset, unsigned end_offset,
                    const char *message, const char *help, const ftl_edit *edits, size_t nedits);

/* ---- rules ---------------------------------------------------------------------------------- */

typedef struct ftl_rule {
    const char *code;                    /* FT001 */
    const char *name;                    /* borrowed-ref */
    const char *summary;                 /* one line */
    enum ftl_severity severity;
    enum ftl_confidence confidence;
    const char *const *apis;             /* API names whose uses the rule wants, NULL-terminated */
    void (*on_call)(ftl_ctx *ctx, const ftl_call *call);
    const enum CXCursorKind *kinds;      /* cursor kinds the rule wants, terminated by 0 */
    void (*on_cursor)(ftl_ctx *ctx, CXCursor cursor, CXCursor parent);
    void *(*tu_begin)(ftl_ctx *ctx);     /* returns rule-private state (may be NULL) */
    void (*tu_end)(ftl_ctx *ctx, void *state);  /* last chance to report; frees state */
} ftl_rule;

extern const ftl_rule *const ftl_rules[];
extern const size_t ftl_nrules;
/* Rule documentation (markdown) generated from rules/<name>.md, or NULL. */
const char *ftl_rule_doc(const ftl_rule *rule);

/* Looks a rule up by code (case-insensitive) or name; returns its index or -1. */
int ftl_rule_lookup(const char *code_or_name);

/* ---- driver -------------------------------------------------------------------------------- */

enum ftl_file_status { FTL_FILE_OK, FTL_FILE_HAD_ERRORS, FTL_FILE_FAILED, FTL_FILE_SKIPPED };

typedef struct ftl_file_result {
    char *path;
    enum ftl_file_status status;
    char *reason;            /* first error, failure or skip reason; may be NULL */
    unsigned nerrors;
    ftl_strv errors;         /* formatted clang errors (for -v) */
} ftl_file_result;

/* Analyses one file (C or C++ source, or a header given explicitly). Appends findings to out
 * and fills res (caller frees with ftl_file_result_free). index is a libclang index the caller
 * owns (one per thread). */
void ftl_analyze_file(CXIndex index, const ftl_config *cfg, const char *path,
                      ftl_findings *out, ftl_file_result *res);
void ftl_file_result_free(ftl_file_result *res);

#endif
