/* compdb.h: compile_commands.json. Checked with cJSON, its commands split and response files
 * expanded by ftlint (regular files of bounded size only), then loaded through libclang's
 * compilation-database API (which strips ccache-style wrappers); each entry's arguments are
 * filtered once at load time so that nothing in a database, even one from an untrusted pull
 * request, can make the analysis load code, write files or read without end. */
#ifndef FTL_COMPDB_H
#define FTL_COMPDB_H
#include "ftlint.h"
#include "util.h"
#include <stdio.h>

#define FTL_COMPDB_NAME "compile_commands.json"

/* One entry, ready to parse with. */
typedef struct ftl_compile_cmd {
    char *file;              /* the source, absolute and normalised */
    char *real;              /* its real path (symbolic links resolved), or NULL when missing */
    char *directory;         /* the working directory of the command, absolute */
    ftl_strv argv;           /* argv[0] the compiler, then the arguments kept */
    ftl_strv python_dirs;    /* include directories holding Python.h (absolute), taken out of
                              * argv: used as -isystem unless the Python headers are chosen
                              * with --python-include or "python_include" */
} ftl_compile_cmd;

typedef struct ftl_compdb {
    char *path;              /* the JSON file */
    ftl_compile_cmd *cmds;   /* in database order; the first entry of a file wins */
    size_t n;
    ftl_strv unsafe;         /* distinct flags dropped because they load code or run tools */
    ftl_strv unused;         /* distinct flags dropped because the analysis cannot use them */
    char *resource_dir;      /* libclang's own builtin headers (absolute), or NULL */
    ftl_strmap by_file;      /* file -> index of its (first) entry */
    ftl_strmap by_real;      /* real path -> index of the first entry with it */
} ftl_compdb;

/* Searches start (a file or directory), its parents and their build/ folders for
 * compile_commands.json, stopping at the repository root. Returns the path (caller frees). */
char *ftl_compdb_find(const char *start);
/* Loads path: a build directory holding compile_commands.json (or compile_flags.txt), or the
 * JSON file itself, whatever its name. On error prints one message to err and returns NULL.
 * Caller frees with ftl_compdb_free. */
ftl_compdb *ftl_compdb_load(const char *path, FILE *err);
void ftl_compdb_free(ftl_compdb *db);
/* The entry for path (as given: relative to the current directory, or absolute), or NULL. */
const ftl_compile_cmd *ftl_compdb_lookup(const ftl_compdb *db, const char *path);

/* Filters one command line (args[0] the compiler) recorded in directory for file: appends the
 * arguments kept to kept, Python include directories to python_dirs, and the dropped flags to
 * unsafe (code loading) or unused (outputs, dependency files, GCC-only flags), once each. */
void ftl_compdb_filter(const char *const *args, size_t n, const char *directory, ftl_strv *kept,
                       ftl_strv *python_dirs, ftl_strv *unsafe, ftl_strv *unused);
/* True for a driver diagnostic about a database flag clang does not know ("unknown argument",
 * "unsupported option"): such a flag is ignored by clang and is not an error in the file. */
bool ftl_compdb_ignorable_diagnostic(const char *text);
#endif
