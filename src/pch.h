/* pch.h: precompiled headers of ftlint's prelude (Python.h in its fixed configuration), built
 * once per distinct configuration and reused for every file parsed with the same arguments.
 * Shared by all worker threads. */
#ifndef FTL_PCH_H
#define FTL_PCH_H

#include "digest.h"
#include "ftlint.h"

typedef struct ftl_pch ftl_pch;

/* Which PCH a parse used, as recorded in result-cache entries. */
typedef struct ftl_pch_ref {
    char key[FTL_HEX_LEN];       /* "" when the parse did not use a PCH */
    char deps_id[FTL_HEX_LEN];   /* digest of the headers (paths and contents) it was built from */
} ftl_pch_ref;

typedef struct ftl_pch_stats {
    size_t built;            /* PCHs built in this run */
    size_t loaded;           /* PCHs found on disk and verified */
    size_t with_pch;         /* parses that used a PCH */
    size_t plain;            /* parses without one (not applicable, not ready yet, or failed) */
    size_t rejected;         /* PCHs that failed to build or load: those parses fell back */
} ftl_pch_stats;

/* Opens a PCH store in dir (created if needed), or in a private temporary directory removed by
 * ftl_pch_free when dir is NULL. memo (borrowed) hashes the headers a PCH depends on. Returns
 * NULL and sets *err (caller frees) when the directory cannot be created. Call on the main
 * thread; free with ftl_pch_free after every worker finished. */
ftl_pch *ftl_pch_new(const char *dir, ftl_hashmemo *memo, char **err);
void ftl_pch_free(ftl_pch *p);

/* Parses path like clang_parseTranslationUnit2(index, path, args, unsaved, options) (or, with
 * full_argv, clang_parseTranslationUnit2FullArgv: args[0] is the compiler), except that the
 * prelude (`-include prelude_path`, whose text is prelude_text) is read from a PCH built for
 * exactly these arguments and language, when that is provably the same: the prelude is the
 * first file included, the language is C or C++ (one -x, or the file's extension), the PCH
 * built without errors and its headers are unchanged. In every other case, and whenever the
 * PCH fails to load, it parses plainly. *used says which PCH was used (key "" for none).
 * Thread-safe: while one thread builds a PCH, others parse plainly rather than wait. */
enum CXErrorCode ftl_pch_parse(ftl_pch *p, CXIndex index, bool full_argv, const char *path,
                               const ftl_strv *args, const char *prelude_path,
                               const char *prelude_text, struct CXUnsavedFile *unsaved,
                               unsigned nunsaved, unsigned options, CXTranslationUnit *tu,
                               ftl_pch_ref *used);

/* Every parse ftlint makes goes through here: clang_parseTranslationUnit2, or with full_argv
 * clang_parseTranslationUnit2FullArgv (args[0] is the compiler). libclang 14 (at least) carries
 * out -working-directory with a chdir of the whole process and leaves it there; the caller's
 * working directory is put back after the parse, so that relative paths (the user's files,
 * --fix writes) keep their meaning. Parses running on several threads at once are not protected
 * by this: the driver uses one worker when ftl_libclang_changes_cwd says so. */
enum CXErrorCode ftl_parse_argv(CXIndex index, bool full_argv, const char *path,
                                const ftl_strv *args, struct CXUnsavedFile *unsaved,
                                unsigned nunsaved, unsigned options, CXTranslationUnit *tu);
/* True when this libclang changes the process's working directory for -working-directory (one
 * tiny parse, no headers; the directory is put back). */
bool ftl_libclang_changes_cwd(void);

/* True when the headers behind ref are unchanged on disk (its manifest is read and checked
 * once per run). Used to validate cached results computed with that PCH. */
bool ftl_pch_ref_current(ftl_pch *p, const ftl_pch_ref *ref);

void ftl_pch_get_stats(ftl_pch *p, ftl_pch_stats *st);

#endif
