/* paths.h: lexical path helpers for the workflow features (compilation database, .ftlint.json,
 * baselines): absolute and normalised forms, paths relative to a directory, and the upward
 * search for project files. Every returned string is malloc'd; the caller frees it. */
#ifndef FTL_PATHS_H
#define FTL_PATHS_H
#include <stdbool.h>

/* Collapses "//", "." and "dir/.." without touching the file system ("a/../.." stays "..");
 * an empty result is ".". */
char *ftl_path_normalize(const char *p);
/* dir/p normalised, or p normalised when it is absolute. */
char *ftl_path_join(const char *dir, const char *p);
/* p made absolute against the current directory, normalised. */
char *ftl_path_abs(const char *p);
/* The directory part of p ("." when there is none). */
char *ftl_path_dirname(const char *p);
/* When path (absolute, normalised) lies in dir (absolute, normalised), the part after dir
 * ("" for dir itself); else NULL. Points into path. */
const char *ftl_path_under(const char *path, const char *dir);
/* An absolute path as users like to read it: relative to the current directory when it lies
 * inside it, else unchanged. */
char *ftl_path_display(const char *abs);
/* Searches from start (a file or directory) up to the file system root for the first
 * directory holding one of names[] (relative names, tried in order); stops after the first
 * directory that contains ".git" (the repository root). Returns the absolute path found or
 * NULL. */
char *ftl_find_upward(const char *start, const char *const *names);
#endif
