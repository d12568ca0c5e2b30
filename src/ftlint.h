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
enum ftl_format { FTL_FORMAT_TEXT, FTL_FORMAT_JSON, FTL_FORMAT_SARIF };

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
    enum ftl_format format;  /* --format */
    char *output;            /* -o FILE, or NULL for standard output */
    char *source_root;       /* --source-root DIR (SARIF's %SRCROOT%), or NULL: the current directory */
    unsigned timeout;        /* --timeout SECONDS per file (analysed in a child process), 0: none */

    /* Workflow: compilation database, linting standard input, .ftlint.json. All owned by the
     * config and released by ftl_workflow_free (config.c). */
    struct ftl_compdb *compdb;   /* -p or discovered; NULL: default flags for every file */
    char *stdin_filename;        /* --stdin-filename NAME: NAME's text is stdin_text */
    char *stdin_text;
    size_t stdin_len;
    struct ftl_lockpair *lock_pairs;   /* project lock/unlock functions ("lock_functions") */
    size_t nlock_pairs;
    unsigned min_python;         /* oldest supported Python as 0xMMmm0000 (PY_VERSION_HEX), 0 unset */
    struct ftl_project *project; /* per-path ignores, excludes, severities of .ftlint.json, or NULL */

    /* How the run goes; none of these changes a finding. */
    unsigned jobs;           /* -j: files analysed at once; 0: one per available CPU */
    bool no_cache;           /* --no-cache */
    char *cache_dir;         /* --cache-dir; NULL: .ftlint_cache in the working directory */
    bool no_pch;             /* --no-pch: parse Python.h for every file */
    unsigned shard_k, shard_n;  /* --shard K/N (K from 1); shard_n 0: every file */
} ftl_config;

/* ---- findings ------------------------------------------------------------------------------ */

typedef struct ftl_edit {
    unsigned begin, end;     /* byte offsets in the file: [begin, end) is replaced */
    char *replacement;
    bool safe;               /* may be applied unattended (--fix); else only with --unsafe-fixes */
    unsigned needs_py;       /* PY_VERSION_HEX of the oldest Python with the APIs it uses, or 0 */
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
    char *unless_serial;     /* key of a function: drop the finding if the run's call graph shows
                              * it serial (ftl_findings_resolve); NULL once resolved */
} ftl_finding;

typedef struct ftl_findings {
    ftl_finding *v;
    size_t n, cap;
} ftl_findings;

void ftl_findings_free(ftl_findings *fs);
void ftl_finding_free(ftl_finding *f);      /* the members of one finding; *f is left zeroed */
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

/* A project function pair that opens and closes a lock region, from .ftlint.json. */
typedef struct ftl_lockpair {
    char *lock, *unlock;
    enum ftl_lock_kind kind;
    int objarg;              /* argument naming the locked object, -1 for none */
} ftl_lockpair;

struct ftl_ctx;
typedef struct ftl_ctx ftl_ctx;

/* Queries rules may make. Offsets are file offsets in the file of the current function. */
enum ftl_privacy ftl_privacy_at(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset);
/* When arg is a variable holding a container created in this function that was published
 * (stored, passed on, returned, its address taken) before offset, stores the offset of the
 * first publication after the creation in *where and returns true. */
bool ftl_published_before(const ftl_ctx *ctx, const ftl_arg *arg, unsigned offset, unsigned *where);
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
/* The first children of a cursor: v[0..n), n at most FTL_KIDS_MAX (a node with more children
 * keeps its first FTL_KIDS_MAX; expressions and statements rules take apart have fewer). */
#define FTL_KIDS_MAX 8
typedef struct ftl_kids {
    CXCursor v[FTL_KIDS_MAX];
    int n;
} ftl_kids;
ftl_kids ftl_children(CXCursor c);
/* Offsets of a cursor's extent in the current file (false when it lies elsewhere). */
bool ftl_cursor_offsets(ftl_ctx *ctx, CXCursor c, unsigned *begin, unsigned *end);
/* Reports at a cursor's location, in whatever project file it lies (for tu_end reports). */
void ftl_report_cursor(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c, const char *message,
                       const char *help);
/* True when clang reported an error inside the cursor's extent: the code there may be missing
 * from the AST, so a rule reporting the absence of something should stay silent. */
bool ftl_cursor_has_errors(ftl_ctx *ctx, CXCursor c);
/* Same, with edits whose offsets are in the file of the cursor (copied). */
void ftl_report_cursor_edits(ftl_ctx *ctx, enum ftl_severity sev, CXCursor c, const char *message,
                             const char *help, const ftl_edit *edits, size_t nedits);
/* Same as ftl_report, with an explicit severity (for notes). */
void ftl_report_sev(ftl_ctx *ctx, enum ftl_severity sev, unsigned offset, unsigned end_offset,
                    const char *message, const char *help, const ftl_edit *edits, size_t nedits);

/* ---- statements and lines, for rules that build edits (src/stmt.c) ----------------------------- */

/* A statement of a block, in offsets of the current file; end is just past the ';' that ends
 * it, when it has one. */
typedef struct ftl_stmt {
    CXCursor cursor;
    unsigned begin, end;
} ftl_stmt;

/* A compound statement ({ ... }) and its direct statements. */
typedef struct ftl_block {
    CXCursor cursor;
    unsigned begin, end;     /* its '{' and just past its '}' */
    ftl_stmt *stmts;         /* in order; released by ftl_block_free */
    size_t n;
    size_t at;               /* the statement containing the range asked about */
} ftl_block;

/* The innermost block of the current function with a direct statement containing
 * [begin, end). False when there is none, or when a statement of that block lies in another
 * file. The caller checks that stmts[at] has the shape it expects, and frees with
 * ftl_block_free. */
bool ftl_block_at(ftl_ctx *ctx, unsigned begin, unsigned end, ftl_block *out);
void ftl_block_free(ftl_block *b);
/* True when control can leave the statement other than by running to its end: return, goto,
 * throw, or a break/continue whose loop or switch is outside it. */
bool ftl_stmt_leaves(CXCursor stmt);
/* Skips blanks, line breaks and comments from i, up to limit; returns the new position. */
unsigned ftl_skip_blank(const char *text, size_t len, unsigned i, unsigned limit);
/* The start of the line holding off, and its end (the offset of its "\r\n" or "\n", or len). */
unsigned ftl_line_begin(const char *text, unsigned off);
unsigned ftl_line_end(const char *text, size_t len, unsigned off);
/* The blanks that indent the line holding off. Caller frees. */
char *ftl_line_indent(const char *text, size_t len, unsigned off);
/* The line ending of the line holding off: "\r\n" or "\n" (static strings). */
const char *ftl_line_eol(const char *text, size_t len, unsigned off);
/* True when [begin, end) starts its line (only blanks before it) and ends its line (only blanks
 * and comments after it). */
bool ftl_owns_lines(const char *text, size_t len, unsigned begin, unsigned end);
/* True when a line starting inside (begin, end) is a preprocessor directive: code on both sides
 * may be compiled under different conditions. */
bool ftl_has_directive(const char *text, size_t len, unsigned begin, unsigned end);
/* One level of indentation in block b: its statements' indentation minus its own line's, else a
 * tab or four spaces after the file's habit. Caller frees. */
char *ftl_block_indent_unit(const char *text, size_t len, const ftl_block *b);

/* ---- module definitions (src/pymodule.c) ------------------------------------------------------ */

/* Slot numbers of PyModuleDef_Slot, the same in every CPython version that has them. */
#define FTL_MOD_CREATE 1
#define FTL_MOD_EXEC 2
#define FTL_MOD_GIL 4

/* One {slot, value} entry of a PyModuleDef_Slot array. */
typedef struct ftl_slot {
    long long id;            /* evaluated slot number; -1 when it is not a constant */
    CXCursor entry;          /* the {id, value} initializer */
    CXCursor value;          /* the value expression, or a null cursor */
    CXCursor function;       /* the function the value names (Py_mod_exec...), or a null cursor */
    int gil;                 /* Py_mod_gil value: 0 Py_MOD_GIL_USED, 1 Py_MOD_GIL_NOT_USED, -1 other */
} ftl_slot;

/* True when var is a variable definition whose type is an array of PyModuleDef_Slot. */
bool ftl_is_slot_array(CXCursor var);
/* True when var is a variable definition of type PyModuleDef (struct PyModuleDef). */
bool ftl_is_moduledef(CXCursor var);
/* The entries of a slot array's initializer, the {0, NULL} sentinel included. Returns their
 * number and sets *out to a malloc'd array (caller frees; NULL when there are none). */
size_t ftl_slot_entries(CXCursor var, ftl_slot **out);
/* The function an expression names, through parentheses, casts and a leading '&', or a null
 * cursor (the canonical declaration). */
CXCursor ftl_expr_function(CXCursor expr);
/* The variable an expression names, through parentheses, casts and a leading '&', or a null
 * cursor (the canonical declaration). */
CXCursor ftl_expr_variable(CXCursor expr);
/* True when the expression is a null pointer constant (0, NULL, nullptr). */
bool ftl_expr_is_null(CXCursor expr);

/* ---- cross-file call graph (src/graph.c) ----------------------------------------------------- */

/* Facts about functions, named by a key (their USR; see ftl_function_key), that the driver
 * merges over every file of the run. A function is serial, never running in several threads at
 * once, when it is a root (module initialisation or finalisation, a once-callback), or when its
 * address is never taken, it is called, and each call is made with a lock held or from a
 * serial function. */
typedef struct ftl_graph ftl_graph;
void ftl_graph_root(ftl_ctx *ctx, const char *key);
void ftl_graph_address_taken(ftl_ctx *ctx, const char *key);
void ftl_graph_call(ftl_ctx *ctx, const char *caller, const char *callee, bool locked);
/* The key of a function: its USR, prefixed with its file's real path when it has internal
 * linkage (two files may both have a static `init`). Caller frees. */
char *ftl_function_key(CXCursor fn);
/* Reports at a cursor, as ftl_report_cursor, unless the function `key` turns out serial once
 * the graphs of all files are merged. */
void ftl_report_cursor_unless_serial(ftl_ctx *ctx, const char *key, enum ftl_severity sev,
                                     CXCursor c, const char *message, const char *help);

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
    struct ftl_suppressions *suppressions;  /* ftlint: directives of its project files */
    ftl_graph *graph;        /* the call graph rules recorded (see ftl_findings_resolve) */
} ftl_file_result;

/* Analyses one file (C or C++ source, or a header given explicitly). Appends findings to out
 * and fills res (caller frees with ftl_file_result_free). index is a libclang index the caller
 * owns (one per thread). */
void ftl_analyze_file(CXIndex index, const ftl_config *cfg, const char *path,
                      ftl_findings *out, ftl_file_result *res);
void ftl_file_result_free(ftl_file_result *res);
/* Number of compiler errors in text parsed as the file path, or -1 when it cannot be parsed.
 * When messages is non-NULL, each error's message (without its location) is appended to it. */
int ftl_count_errors(CXIndex index, const ftl_config *cfg, const char *path, const char *text,
                     size_t len, ftl_strv *messages);

#endif
