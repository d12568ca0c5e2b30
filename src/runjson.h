/* runjson.h: ftlint's own findings and per-file results as JSON objects (cJSON), complete
 * enough to rebuild them exactly: the result cache stores them, and `ftlint merge` reads them
 * back from shard runs. */
#ifndef FTL_RUNJSON_H
#define FTL_RUNJSON_H

#include "ftlint.h"
#include <cJSON.h>

/* Every field of f except the fingerprint (derived again by ftl_findings_sort_unique). Caller
 * frees with cJSON_Delete. */
cJSON *ftl_finding_to_json(const ftl_finding *f);
/* Rebuilds a finding; false (with *f cleared and nothing allocated) when any field is missing,
 * of the wrong type or out of range, or the rule is unknown. */
bool ftl_finding_from_json(const cJSON *o, ftl_finding *f);

cJSON *ftl_file_result_to_json(const ftl_file_result *r);
bool ftl_file_result_from_json(const cJSON *o, ftl_file_result *r);

/* cJSON_ParseWithLength for any thread: cJSON records parse errors in a global, so parses are
 * serialised. Caller frees with cJSON_Delete; NULL when text is not JSON. */
cJSON *ftl_json_parse(const char *text, size_t len);

/* Member name of o as an unsigned integer (a JSON number that is one exactly); false otherwise. */
bool ftl_json_get_uint(const cJSON *o, const char *name, unsigned *out);
/* Member name of o as a string, copied into *out (caller frees); when nullable, a JSON null gives
 * *out = NULL and true. False, with *out NULL, for anything else. */
bool ftl_json_get_str(const cJSON *o, const char *name, bool nullable, char **out);

/* "error", "warning" or "note" to the severity; false for anything else. */
bool ftl_severity_from_name(const char *s, enum ftl_severity *out);
#endif
