/* fsio.h: file-system helpers for the cache and the PCH store: creating directory trees and
 * replacing files atomically, so that readers (other threads, other ftlint processes) see either
 * the old file or the complete new one, never a partial write. */
#ifndef FTL_FSIO_H
#define FTL_FSIO_H

#include <stdbool.h>
#include <stddef.h>

/* Creates dir and its missing parents (mode 0777 before umask). False with errno set on failure. */
bool ftl_mkdirs(const char *dir);
/* Writes data to a fresh temporary file next to path, then renames it over path. False with
 * errno set on failure (the temporary file is removed). */
bool ftl_write_atomic(const char *path, const void *data, size_t len);
/* A fresh temporary file name next to path, created empty (mode 0600 before umask) so no
 * other writer can take it: "path.tmp.XXXXXX". Caller frees; NULL with errno set on failure. */
char *ftl_temp_beside(const char *path);
/* Removes dir and everything under it (no symlinks followed). */
void ftl_remove_tree(const char *dir);

#endif
