/* report_json.c: the JSON format, a versioned document for scripts and other tools: the files
 * analysed with their status, and every finding with its location, text, fingerprint and edits.
 * Every key is always present (null or empty when it does not apply) and keys come in a fixed
 * order, so two runs diff cleanly. The layout is documented in man/ftlint.1 (FORMATS) and
 * described by docs/ftlint-json.schema.json. */
#include "report.h"
#include "util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

static cJSON *file_json(const ftl_file_entry *e, const char *cwd)
{
    cJSON *o = cJSON_CreateObject();
    char *path = ftl_report_relpath(cwd, e->path, NULL);
    ftl_json_add_string(o, "path", path);
    free(path);
    ftl_json_add_string(o, "status", ftl_file_status_name(e->status));
    ftl_json_add_string(o, "reason", e->reason);
    ftl_json_add_uint(o, "error_count", e->nerrors);
    cJSON *errs = cJSON_AddArrayToObject(o, "errors");
    for (size_t i = 0; e->errors && i < e->errors->n; i++)
        cJSON_AddItemToArray(errs, ftl_json_string(e->errors->v[i]));
    return o;
}

static cJSON *finding_json(const ftl_finding *f, const char *path)
{
    cJSON *o = cJSON_CreateObject();
    ftl_json_add_string(o, "code", f->rule->code);
    ftl_json_add_string(o, "rule", f->rule->name);
    ftl_json_add_string(o, "severity", ftl_severity_name(f->severity));
    ftl_json_add_string(o, "confidence", ftl_confidence_name(f->rule->confidence));
    ftl_json_add_string(o, "path", path);
    ftl_json_add_uint(o, "line", f->line);
    ftl_json_add_uint(o, "column", f->col);
    ftl_json_add_uint(o, "end_line", f->end_line);
    ftl_json_add_uint(o, "end_column", f->end_col);
    ftl_json_add_uint(o, "offset", f->offset);
    ftl_json_add_uint(o, "end_offset", f->end_offset);
    ftl_json_add_string(o, "function", f->function);
    ftl_json_add_string(o, "message", f->message);
    ftl_json_add_string(o, "help", f->help);
    ftl_json_add_string(o, "fingerprint", f->fingerprint);
    cJSON *edits = cJSON_AddArrayToObject(o, "edits");
    for (size_t i = 0; i < f->nedits; i++) {
        const ftl_edit *e = &f->edits[i];
        cJSON *eo = cJSON_CreateObject();
        ftl_json_add_uint(eo, "offset", e->begin);
        ftl_json_add_uint(eo, "end_offset", e->end);
        ftl_json_add_string(eo, "replacement", e->replacement);
        cJSON_AddBoolToObject(eo, "safe", e->safe);
        if (e->needs_py) {
            char v[16];
            snprintf(v, sizeof v, "%u.%u", e->needs_py >> 24, (e->needs_py >> 16) & 0xff);
            ftl_json_add_string(eo, "needs_python", v);
        } else {
            cJSON_AddNullToObject(eo, "needs_python");
        }
        cJSON_AddItemToArray(edits, eo);
    }
    return o;
}

bool ftl_write_json(FILE *out, const ftl_run *run, const ftl_config *cfg)
{
    (void)cfg;
    ftl_json_init();
    char *cwd = ftl_real_dir(NULL);
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddNumberToObject(doc, "version", FTL_JSON_VERSION);
    cJSON *tool = cJSON_AddObjectToObject(doc, "tool");
    ftl_json_add_string(tool, "name", "ftlint");
    ftl_json_add_string(tool, "version", FTLINT_VERSION);
    ftl_json_add_string(tool, "uri", FTLINT_URL);

    size_t nfiles, counts[4] = {0};   /* by enum ftl_file_status */
    ftl_file_entry *files = ftl_file_entries(run, &nfiles);
    cJSON *fa = cJSON_AddArrayToObject(doc, "files");
    for (size_t i = 0; i < nfiles; i++) {
        cJSON_AddItemToArray(fa, file_json(&files[i], cwd));
        counts[files[i].status]++;
    }
    ftl_file_entries_free(files, nfiles);

    cJSON *fs = cJSON_AddArrayToObject(doc, "findings");
    const char *last = NULL;
    char *shown = NULL;
    for (size_t i = 0; i < run->findings.n; i++) {
        const ftl_finding *f = &run->findings.v[i];
        if (!last || strcmp(last, f->path) != 0) {   /* findings come sorted by path */
            free(shown);
            shown = ftl_report_relpath(cwd, f->path, NULL);
            last = f->path;
        }
        cJSON_AddItemToArray(fs, finding_json(f, shown));
    }
    free(shown);

    cJSON *sum = cJSON_AddObjectToObject(doc, "summary");
    ftl_json_add_uint(sum, "findings", run->findings.n);
    ftl_json_add_uint(sum, "files_ok", counts[FTL_FILE_OK]);
    ftl_json_add_uint(sum, "files_with_errors", counts[FTL_FILE_HAD_ERRORS]);
    ftl_json_add_uint(sum, "files_skipped", counts[FTL_FILE_SKIPPED]);
    ftl_json_add_uint(sum, "files_failed", counts[FTL_FILE_FAILED]);

    bool ok = ftl_json_print(out, doc);
    cJSON_Delete(doc);
    free(cwd);
    return ok;
}
