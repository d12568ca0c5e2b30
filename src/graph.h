/* graph.h: merging the per-file call graphs of a run and resolving the findings that depend on
 * them (see graph.c). The rule-facing half is in ftlint.h. */
#ifndef FTL_GRAPH_H
#define FTL_GRAPH_H
#include "ftlint.h"
#include "util.h"

ftl_graph *ftl_graph_new(void);              /* free with ftl_graph_free */
void ftl_graph_free(ftl_graph *g);
/* Adds every node, flag and call of src to dst. */
void ftl_graph_merge(ftl_graph *dst, const ftl_graph *src);
/* Writes g (may be NULL: an empty graph) to b, and reads it back; unpack returns NULL (and
 * sets w->bad) for a truncated or malformed stream. */
void ftl_graph_pack(const ftl_graph *g, ftl_buf *b);
ftl_graph *ftl_graph_unpack(ftl_wire *w);
/* True when the function never runs in several threads at once, as far as g tells. */
bool ftl_graph_is_serial(ftl_graph *g, const char *key);
/* Drops the findings whose function is serial in g (all of them when g is NULL are kept) and
 * clears unless_serial on the others. */
void ftl_findings_resolve(ftl_findings *fs, ftl_graph *g);

/* The graph as JSON for the result cache (caller frees with cJSON_Delete), and back (NULL when
 * malformed; caller frees with ftl_graph_free). */
#include <cjson/cJSON.h>
cJSON *ftl_graph_to_json(const ftl_graph *g);
ftl_graph *ftl_graph_from_json(const cJSON *arr);
#endif
