/* cache.h: the result cache. Each analysed file's outcome (findings with every field, status,
 * compiler errors) is stored as JSON, keyed by the file's path, the clang arguments, the rule
 * configuration and the working directory, and reused only while the file, every file it
 * included, the PCH headers it was parsed with and the ftlint executable are unchanged. Shared
 * by all worker threads; entries are replaced atomically, so concurrent runs are safe. */
#ifndef FTL_CACHE_H
#define FTL_CACHE_H

#include "digest.h"
#include "ftlint.h"
#include "pch.h"

typedef struct ftl_cache ftl_cache;

typedef struct ftl_cache_stats {
    size_t hits;             /* files whose stored result was reused */
    size_t misses;           /* files with no usable entry (absent, stale or invalid) */
    size_t invalid;          /* of the misses: entries that were corrupt or from another version */
    size_t stored;           /* entries written */
    size_t not_stored;       /* results not cacheable (an unprobeable include that found no file) */
    size_t write_failed;     /* entries that could not be written */
} ftl_cache_stats;

/* Opens (creating) the cache in dir for runs configured by cfg (read now, not kept). memo and
 * pch (borrowed, pch may be NULL) validate dependencies. Returns NULL and sets
 * *err (caller frees) when dir cannot be created or the ftlint executable cannot be identified.
 * Call on the main thread; close after every worker finished. */
ftl_cache *ftl_cache_open(const char *dir, const ftl_config *cfg, ftl_hashmemo *memo, ftl_pch *pch,
                          char **err);
void ftl_cache_close(ftl_cache *c);

/* The stored result of path, parsed with args from text: on a hit appends its findings to out,
 * fills res's status, reason and errors (res->path is left as it is) and returns true. index
 * (the calling thread's) parses the probes that check includes which found no file. */
bool ftl_cache_get(ftl_cache *c, CXIndex index, const char *path, const ftl_strv *args,
                   const char *text, size_t len, ftl_findings *out, ftl_file_result *res);

/* Stores the result of analysing path: tu (still alive) gives the included files and the
 * includes that found none, pch the PCH it was parsed with, fs[0..nfs) its findings. A TU with
 * an include that found no file and cannot be probed later (a computed name, include_next) is
 * not stored. */
void ftl_cache_put(ftl_cache *c, const char *path, const ftl_strv *args, const char *text,
                   size_t len, CXTranslationUnit tu, const ftl_pch_ref *pch,
                   const ftl_finding *fs, size_t nfs, const ftl_file_result *res);

void ftl_cache_get_stats(ftl_cache *c, ftl_cache_stats *st);

#endif
