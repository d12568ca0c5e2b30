/* discover.h: expanding PATH arguments into the list of files to analyse. */
#ifndef FTL_DISCOVER_H
#define FTL_DISCOVER_H
#include "ftlint.h"

typedef struct ftl_skip {
    char *path;
    char *reason;
} ftl_skip;

typedef struct ftl_filelist {
    ftl_strv files;          /* files to analyse, sorted per PATH argument */
    ftl_skip *skipped;       /* files recognised but not analysed (Cython output) */
    size_t nskipped, capskipped;
    ftl_strv included;       /* sources #included by another source: analysed through it */
    ftl_strv missing;        /* "PATH: reason" for arguments that do not exist or cannot be read */
} ftl_filelist;

void ftl_discover(const ftl_strv *paths, ftl_filelist *out);
void ftl_filelist_free(ftl_filelist *fl);
bool ftl_is_source_name(const char *path);
#endif
