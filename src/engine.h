/* engine.h: internal state of one translation unit's analysis, shared by walk.c (traversal
 * and dispatch), events.c (calls and variable facts of one function) and facts.c (the
 * privacy and lock queries rules make). Rules never include this header. */
#ifndef FTL_ENGINE_H
#define FTL_ENGINE_H

#include "ftlint.h"

/* One file clang read while building the TU. */
typedef struct ftl_file {
    CXFile file;
    char *path;              /* as clang names it (the main file: as the user gave it) */
    char *key;               /* real path, for de-duplication */
    const char *text;        /* clang's buffer for it (owned by the TU) */
    size_t len;
    unsigned *lines;         /* offsets of line starts */
    size_t nlines;
    bool user;               /* part of the project: analysed */
} ftl_file;

/* A variable visible in a function: parameter, local, or static local. */
typedef struct ftl_var {
    CXCursor decl;
    char *name;
    unsigned offset;         /* declaration offset */
    enum ftl_storage storage;
    enum ftl_privacy initial;   /* privacy before any assignment (parameters: kwargs, tuple) */
} ftl_var;

enum ftl_vev_kind { FTL_VEV_ASSIGN, FTL_VEV_ESCAPE };

/* An event in the life of a local variable, in source order. */
typedef struct ftl_vev {
    unsigned offset;
    int var;
    enum ftl_vev_kind kind;
    enum ftl_privacy value;  /* ASSIGN: privacy of the assigned value (FRESH or SHARED) */
    int alias;               /* ASSIGN: the variable it copies (-1 if none) */
    bool call;               /* ASSIGN: the value is what a call returned */
} ftl_vev;

/* A return statement, for deciding whether the function returns a fresh object. */
typedef struct ftl_ret {
    unsigned offset;
    int var;                 /* the local variable returned, or -1 */
    enum ftl_privacy value;  /* a returned call's result: FRESH for a creator */
    bool null;               /* a null constant, or a variable the enclosing `if` found NULL */
} ftl_ret;

/* A store into an expression that is not a local variable: a field, `*out`, `a[i]`. */
typedef struct ftl_xassign {
    unsigned begin, offset;  /* the assignment's start and end */
    char *text;              /* the destination, normalised by ftl_normalise_expr */
    bool fresh;              /* the stored value is a fresh container or object */
    int alias;               /* or the local variable stored (fresh if it was fresh), or -1 */
} ftl_xassign;

typedef struct ftl_region {
    unsigned begin, end;
    enum ftl_lock_kind kind;
    int var;                 /* the locked object's variable, or -1 */
    char *objtext;           /* the locked object as written (normalised), may be NULL */
} ftl_region;

typedef struct ftl_func {
    CXCursor cursor;
    char *name;
    ftl_file *file;
    unsigned begin, end;
    ftl_var *vars;
    size_t nvars, capvars;
    ftl_vev *evs;
    size_t nevs, capevs;
    ftl_call *calls;
    size_t ncalls, capcalls;
    ftl_region *regions;
    size_t nregions, capregions;
    ftl_ret *rets;
    size_t nrets, caprets;
    ftl_xassign *xassigns;
    size_t nxassigns, capxassigns;
    unsigned (*deadends)[2]; /* blocks ending in return or goto: [begin, end) offsets */
    size_t ndeadends, capdeadends;
    bool kw_function;        /* registered with METH_KEYWORDS or as tp_init/tp_new/tp_call */
} ftl_func;

/* A recorded expansion of a macro the engine or a rule cares about. */
typedef struct ftl_mexp {
    ftl_file *file;
    unsigned offset, end;
    const char *name;        /* canonical name (static storage) */
    CXCursor cursor;
} ftl_mexp;

struct ftl_ctx {
    const ftl_config *cfg;
    CXTranslationUnit tu;
    ftl_findings *out;
    const char *python_include;

    ftl_file **files;        /* each allocated separately: pointers stay valid */
    size_t nfiles, capfiles;

    ftl_mexp *mexps;
    size_t nmexps, capmexps;

    char **kwfuncs;          /* USRs of functions whose third parameter is a kwargs dict */
    size_t nkwfuncs, capkwfuncs;
    char **freshfuncs;       /* USRs of functions seen so far that return a fresh object */
    size_t nfreshfuncs, capfreshfuncs;

    ftl_file *last_file;     /* one-entry cache for ftl_file_of */
    ftl_file *cur_file;
    ftl_func *fn;            /* current function or NULL */
    CXCursor fn_cursor;
    size_t cur_rule;         /* index of the rule being dispatched */
    void **states;           /* per rule */
    const bool *enabled;
    ftl_graph *graph;        /* the file result's call graph (may be NULL) */
};

/* walk.c */
/* clang_File_isEqual that also tells apart files existing only in memory (see walk.c). */
bool ftl_same_file(CXFile a, CXFile b);
ftl_file *ftl_file_of(ftl_ctx *ctx, CXSourceLocation loc, unsigned *offset);
void ftl_offset_to_linecol(const ftl_file *f, unsigned offset, unsigned *line, unsigned *col);
/* The canonical API name for a callee or macro spelling: resolves aliases the headers introduce
 * (_Py_NewRef, _PyMutex_Lock, _Py_BuildValue_SizeT...). Returns a pointer into static storage or
 * into s itself. */
const char *ftl_canonical_name(const char *s);
/* True when some enabled rule or the engine wants events for this API name. */
bool ftl_name_interesting(const ftl_ctx *ctx, const char *name);

/* events.c */
void ftl_func_collect(ftl_ctx *ctx, ftl_func *fn);
void ftl_func_free(ftl_func *fn);
int ftl_func_var_by_cursor(const ftl_func *fn, CXCursor decl);
int ftl_func_var_by_name(const ftl_func *fn, const char *name, unsigned before);
void ftl_arg_resolve_text(ftl_ctx *ctx, ftl_func *fn, ftl_arg *arg);
/* Py_INCREF, Py_DECREF, Py_SIZE...: calls that never publish their argument. */
bool ftl_is_refcount_op(const char *name);

/* facts.c */
void ftl_func_build_regions(ftl_ctx *ctx, ftl_func *fn);
void ftl_func_build_escapes(const ftl_config *cfg, ftl_func *fn);
/* True when every return of fn gives NULL or a container or object created in fn and not
 * published before the return (and at least one does). */
bool ftl_func_returns_fresh(const ftl_func *fn);
/* Lock table lookups (built-in table and cfg->lock_pairs), also used by walk.c to keep lock
 * macros. */
bool ftl_is_lock_name(const ftl_config *cfg, const char *name);
/* Text normalised for comparison: drops casts to PyObject*, _PyObject_CAST(), spaces. */
char *ftl_normalise_expr(const char *text);

#endif
