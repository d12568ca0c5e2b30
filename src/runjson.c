/* runjson.c: findings and file results to and from JSON. Readers accept only well-formed
 * objects: every field present with the right type, numbers integral and in range, rules known.
 * A 64-bit line hash is written as 16 hex digits (JSON numbers are doubles). */
#include "runjson.h"
#include "util.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one piece of shared mutable state: a lock, not analysis state. */
static pthread_mutex_t json_parse_lock = PTHREAD_MUTEX_INITIALIZER;

cJSON *ftl_json_parse(const char *text, size_t len)
{
    pthread_mutex_lock(&json_parse_lock);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    pthread_mutex_unlock(&json_parse_lock);
    return doc;
}

static const char *severity_name(enum ftl_severity s)
{
    return s == FTL_SEV_ERROR ? "error" : s == FTL_SEV_NOTE ? "note" : "warning";
}

bool ftl_severity_from_name(const char *s, enum ftl_severity *out)
{
    if (!s)
        return false;
    if (strcmp(s, "error") == 0)
        *out = FTL_SEV_ERROR;
    else if (strcmp(s, "warning") == 0)
        *out = FTL_SEV_WARNING;
    else if (strcmp(s, "note") == 0)
        *out = FTL_SEV_NOTE;
    else
        return false;
    return true;
}

static void add_str_or_null(cJSON *o, const char *name, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, name, s);
    else
        cJSON_AddNullToObject(o, name);
}

cJSON *ftl_finding_to_json(const ftl_finding *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", f->path);
    cJSON_AddStringToObject(o, "key", f->key);
    cJSON_AddNumberToObject(o, "line", f->line);
    cJSON_AddNumberToObject(o, "col", f->col);
    cJSON_AddNumberToObject(o, "end_line", f->end_line);
    cJSON_AddNumberToObject(o, "end_col", f->end_col);
    cJSON_AddNumberToObject(o, "offset", f->offset);
    cJSON_AddNumberToObject(o, "end_offset", f->end_offset);
    cJSON_AddStringToObject(o, "rule", f->rule->code);
    cJSON_AddStringToObject(o, "severity", severity_name(f->severity));
    cJSON_AddStringToObject(o, "message", f->message);
    add_str_or_null(o, "help", f->help);
    add_str_or_null(o, "function", f->function);
    add_str_or_null(o, "unless_serial", f->unless_serial);
    char hash[17];
    snprintf(hash, sizeof hash, "%016llx", f->line_hash);
    cJSON_AddStringToObject(o, "line_hash", hash);
    cJSON *edits = cJSON_AddArrayToObject(o, "edits");
    for (size_t i = 0; i < f->nedits; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "begin", f->edits[i].begin);
        cJSON_AddNumberToObject(e, "end", f->edits[i].end);
        cJSON_AddStringToObject(e, "replacement", f->edits[i].replacement);
        cJSON_AddBoolToObject(e, "safe", f->edits[i].safe);
        cJSON_AddNumberToObject(e, "needs_py", f->edits[i].needs_py);
        cJSON_AddItemToArray(edits, e);
    }
    return o;
}

bool ftl_json_get_uint(const cJSON *o, const char *name, unsigned *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(v))
        return false;
    double d = v->valuedouble;
    if (!(d >= 0 && d <= UINT_MAX) || (double)(unsigned)d != d)
        return false;
    *out = (unsigned)d;
    return true;
}

bool ftl_json_get_str(const cJSON *o, const char *name, bool nullable, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = NULL;
    if (nullable && cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    *out = ftl_xstrdup(v->valuestring);
    return true;
}


bool ftl_finding_from_json(const cJSON *o, ftl_finding *f)
{
    memset(f, 0, sizeof *f);
    if (!cJSON_IsObject(o))
        return false;
    const char *rule = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "rule"));
    const char *sev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "severity"));
    const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "line_hash"));
    const cJSON *edits = cJSON_GetObjectItemCaseSensitive(o, "edits");
    int r = rule ? ftl_rule_lookup(rule) : -1;
    if (r < 0 || strcmp(ftl_rules[r]->code, rule) != 0 || !ftl_severity_from_name(sev, &f->severity) ||
        !hash || strlen(hash) != 16 || strspn(hash, "0123456789abcdef") != 16 ||
        !cJSON_IsArray(edits))
        goto fail;
    f->rule = ftl_rules[r];
    f->line_hash = strtoull(hash, NULL, 16);
    if (!ftl_json_get_uint(o, "line", &f->line) || !ftl_json_get_uint(o, "col", &f->col) ||
        !ftl_json_get_uint(o, "end_line", &f->end_line) || !ftl_json_get_uint(o, "end_col", &f->end_col) ||
        !ftl_json_get_uint(o, "offset", &f->offset) || !ftl_json_get_uint(o, "end_offset", &f->end_offset))
        goto fail;
    if (!ftl_json_get_str(o, "path", false, &f->path) ||
        !ftl_json_get_str(o, "key", false, &f->key) ||
        !ftl_json_get_str(o, "message", false, &f->message) ||
        !ftl_json_get_str(o, "help", true, &f->help) ||
        !ftl_json_get_str(o, "function", true, &f->function) ||
        !ftl_json_get_str(o, "unless_serial", true, &f->unless_serial))
        goto fail;
    int n = cJSON_GetArraySize(edits);
    if (n > 0) {
        f->edits = ftl_xcalloc((size_t)n, sizeof *f->edits);
        const cJSON *e;
        cJSON_ArrayForEach(e, edits) {
            ftl_edit *ed = &f->edits[f->nedits];
            const cJSON *safe = cJSON_GetObjectItemCaseSensitive(e, "safe");
            if (!cJSON_IsObject(e) || !ftl_json_get_uint(e, "begin", &ed->begin) ||
                !ftl_json_get_uint(e, "end", &ed->end) || !cJSON_IsBool(safe) ||
                !ftl_json_get_uint(e, "needs_py", &ed->needs_py) ||
                !ftl_json_get_str(e, "replacement", false, &ed->replacement))
                goto fail;
            ed->safe = cJSON_IsTrue(safe);
            f->nedits++;
        }
    }
    return true;
fail:
    ftl_finding_free(f);
    return false;
}

static const char *const status_names[] = {
    [FTL_FILE_OK] = "ok",
    [FTL_FILE_HAD_ERRORS] = "errors",
    [FTL_FILE_FAILED] = "failed",
    [FTL_FILE_SKIPPED] = "skipped",
};

cJSON *ftl_file_result_to_json(const ftl_file_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", r->path);
    cJSON_AddStringToObject(o, "status", status_names[r->status]);
    add_str_or_null(o, "reason", r->reason);
    cJSON_AddNumberToObject(o, "nerrors", r->nerrors);
    cJSON *errs = cJSON_AddArrayToObject(o, "errors");
    for (size_t i = 0; i < r->errors.n; i++)
        cJSON_AddItemToArray(errs, cJSON_CreateString(r->errors.v[i]));
    return o;
}

bool ftl_file_result_from_json(const cJSON *o, ftl_file_result *r)
{
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o))
        return false;
    const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "status"));
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(o, "errors");
    bool known = false;
    for (size_t i = 0; st && i < sizeof status_names / sizeof *status_names; i++) {
        if (strcmp(st, status_names[i]) == 0) {
            r->status = (enum ftl_file_status)i;
            known = true;
        }
    }
    if (!known || !cJSON_IsArray(errs) || !ftl_json_get_uint(o, "nerrors", &r->nerrors) ||
        !ftl_json_get_str(o, "path", false, &r->path) || !ftl_json_get_str(o, "reason", true, &r->reason))
        goto fail;
    const cJSON *e;
    cJSON_ArrayForEach(e, errs) {
        if (!cJSON_IsString(e) || !e->valuestring)
            goto fail;
        ftl_strv_push(&r->errors, e->valuestring);
    }
    return true;
fail:
    ftl_file_result_free(r);
    return false;
}
