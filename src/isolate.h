/* isolate.h: analysing a file in a child process under a time limit (--timeout). libclang
 * cannot be interrupted, so a file that takes too long is analysed in a process of its own
 * that can be killed; its findings and file result come back through a pipe. */
#ifndef FTL_ISOLATE_H
#define FTL_ISOLATE_H
#include "ftlint.h"
#include "util.h"

/* One file's analysis as the driver runs it: fills out and res for path. */
typedef void (*ftl_analysis_fn)(void *arg, const char *path, ftl_findings *out, ftl_file_result *res);

/* Runs analyse(arg, path, out, res) in a forked child and waits at most seconds for it. The
 * child's findings are appended to out and res receives its result. When the time runs out
 * the child is killed and res marks the file skipped, "timed out after N s"; when the child
 * dies, res marks it failed with the signal. seconds == 0, or a failed fork, runs analyse here.
 * All of libclang's work for the file then happens in the child, so that the parent's threads
 * never hold a libclang lock when another of them forks. */
void ftl_analyze_isolated(unsigned seconds, ftl_analysis_fn analyse, void *arg, const char *path,
                          ftl_findings *out, ftl_file_result *res);

/* ftl_analyze_file under cfg->timeout (none when 0). */
void ftl_analyze_file_limited(CXIndex index, const ftl_config *cfg, const char *path,
                              ftl_findings *out, ftl_file_result *res);

/* The stream format between the processes, exposed for the tests. pack writes findings
 * fs[first..] and res; unpack appends the findings to out and fills res (path included),
 * returning false (with nothing added to out and res cleared) for a truncated or malformed
 * stream. */
void ftl_result_pack(const ftl_findings *fs, size_t first, const ftl_file_result *res, ftl_buf *b);
bool ftl_result_unpack(const char *data, size_t len, ftl_findings *out, ftl_file_result *res);
#endif
