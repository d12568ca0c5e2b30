/* merge.c: `ftlint merge`: rebuilds one run from the JSON reports of shard runs (--shard K/N
 * --format json), so that any format can be written from it as if one run had analysed every
 * file. Each shard analysed different files and only shard 1 lists skipped files and missing
 * paths, so the files simply add up; findings of a header several shards analysed are
 * de-duplicated exactly as within one run, and fingerprints are recomputed from the line hash
 * each one carries. */
#include "config.h"
#include "driver.h"
#include "runjson.h"
#include "shard.h"
#include "util.h"

#include <cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define JSON_LAYOUT 1

static const cJSON *item(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItemCaseSensitive(o, name);
}

static const char *const status_names[] = {
    [FTL_FILE_OK] = "ok",
    [FTL_FILE_HAD_ERRORS] = "had_errors",
    [FTL_FILE_FAILED] = "failed",
    [FTL_FILE_SKIPPED] = "skipped",
};

static bool read_file_entry(const cJSON *o, ftl_file_result *r)
{
    memset(r, 0, sizeof *r);
    const char *st = cJSON_GetStringValue(item(o, "status"));
    const cJSON *errs = item(o, "errors");
    bool known = false;
    for (size_t i = 0; st && i < sizeof status_names / sizeof *status_names; i++) {
        if (strcmp(st, status_names[i]) == 0) {
            r->status = (enum ftl_file_status)i;
            known = true;
        }
    }
    if (!cJSON_IsObject(o) || !known || !cJSON_IsArray(errs) ||
        !ftl_json_get_uint(o, "error_count", &r->nerrors) || !ftl_json_get_str(o, "path", false, &r->path) ||
        !ftl_json_get_str(o, "reason", true, &r->reason))
        goto fail;
    const cJSON *e;
    cJSON_ArrayForEach(e, errs) {
        if (!cJSON_IsString(e))
            goto fail;
        ftl_strv_push(&r->errors, e->valuestring);
    }
    return true;
fail:
    ftl_file_result_free(r);
    return false;
}

/* "0123456789abcdef:N", the fingerprint: its hash part is the finding's line hash. */
static bool line_hash_of(const char *fp, unsigned long long *h)
{
    if (!fp || strlen(fp) < 18 || strspn(fp, "0123456789abcdef") != 16 || fp[16] != ':' ||
        strspn(fp + 17, "0123456789") != strlen(fp + 17))
        return false;
    *h = strtoull(fp, NULL, 16);
    return true;
}

static bool read_finding(const cJSON *o, ftl_finding *f, char **why)
{
    memset(f, 0, sizeof *f);
    const char *code = cJSON_GetStringValue(item(o, "code"));
    const char *name = cJSON_GetStringValue(item(o, "rule"));
    const char *sev = cJSON_GetStringValue(item(o, "severity"));
    const char *conf = cJSON_GetStringValue(item(o, "confidence"));
    const cJSON *edits = item(o, "edits");
    int r = code ? ftl_rule_lookup(code) : -1;
    if (r < 0 || strcmp(ftl_rules[r]->code, code) != 0 || !name ||
        strcmp(ftl_rules[r]->name, name) != 0 || !conf ||
        strcmp(conf, ftl_rules[r]->confidence == FTL_CONF_HIGH ? "high" : "medium") != 0) {
        *why = ftl_xasprintf("a finding of rule %s%s%s that this ftlint does not have",
                             code ? code : "?", name ? " " : "", name ? name : "");
        return false;
    }
    f->rule = ftl_rules[r];
    if (!cJSON_IsObject(o) || !ftl_severity_from_name(sev, &f->severity) ||
        !line_hash_of(cJSON_GetStringValue(item(o, "fingerprint")), &f->line_hash) ||
        !cJSON_IsArray(edits) || !ftl_json_get_uint(o, "line", &f->line) ||
        !ftl_json_get_uint(o, "column", &f->col) || !ftl_json_get_uint(o, "end_line", &f->end_line) ||
        !ftl_json_get_uint(o, "end_column", &f->end_col) || !ftl_json_get_uint(o, "offset", &f->offset) ||
        !ftl_json_get_uint(o, "end_offset", &f->end_offset) || !ftl_json_get_str(o, "path", false, &f->path) ||
        !ftl_json_get_str(o, "message", false, &f->message) || !ftl_json_get_str(o, "help", true, &f->help) ||
        !ftl_json_get_str(o, "function", true, &f->function))
        goto fail;
    /* Paths in the report are already canonical (relative to the directory of the run, or
     * absolute): they identify the file for de-duplication. */
    f->key = ftl_xstrdup(f->path);
    int n = cJSON_GetArraySize(edits);
    if (n > 0) {
        f->edits = ftl_xcalloc((size_t)n, sizeof *f->edits);
        const cJSON *e;
        cJSON_ArrayForEach(e, edits) {
            ftl_edit *ed = &f->edits[f->nedits];
            const cJSON *safe = item(e, "safe");
            if (!cJSON_IsObject(e) || !ftl_json_get_uint(e, "offset", &ed->begin) ||
                !ftl_json_get_uint(e, "end_offset", &ed->end) || !cJSON_IsBool(safe) ||
                !ftl_json_get_str(e, "replacement", false, &ed->replacement))
                goto fail;
            ed->safe = cJSON_IsTrue(safe);
            const cJSON *py = item(e, "needs_python");
            if (cJSON_IsString(py) ? !ftl_parse_python_version(py->valuestring, &ed->needs_py)
                                   : py && !cJSON_IsNull(py))
                goto fail;
            f->nedits++;
        }
    }
    return true;
fail:
    *why = ftl_xstrdup("a malformed finding");
    ftl_finding_free(f);
    return false;
}

bool ftl_merge_json(const char *text, size_t len, const char *name, ftl_run *run, char **err)
{
    cJSON *doc = ftl_json_parse(text, len);
    ftl_findings got = {0};
    ftl_file_result *files = NULL;
    size_t nfiles = 0, capfiles = 0;
    char *why = NULL;
    const cJSON *tool = item(doc, "tool"), *fa = item(doc, "files"), *fs = item(doc, "findings");
    const cJSON *version = item(doc, "version");
    if (!cJSON_IsObject(doc) || !cJSON_IsObject(tool) || !cJSON_IsArray(fa) ||
        !cJSON_IsArray(fs) || !cJSON_IsNumber(version)) {
        why = ftl_xstrdup("not an ftlint JSON report (write shards with --format json)");
        goto fail;
    }
    const char *tname = cJSON_GetStringValue(item(tool, "name"));
    const char *tversion = cJSON_GetStringValue(item(tool, "version"));
    if (!tname || strcmp(tname, "ftlint") != 0 || version->valuedouble != JSON_LAYOUT) {
        why = ftl_xstrdup("not an ftlint JSON report of layout version 1");
        goto fail;
    }
    if (!tversion || strcmp(tversion, FTLINT_VERSION) != 0) {
        why = ftl_xasprintf("written by ftlint %s; merge with the ftlint that wrote the shards "
                            "(this is %s)", tversion ? tversion : "?", FTLINT_VERSION);
        goto fail;
    }
    const cJSON *o;
    cJSON_ArrayForEach(o, fa) {
        ftl_grow((void **)&files, &capfiles, nfiles + 1, sizeof *files);
        if (!read_file_entry(o, &files[nfiles])) {
            why = ftl_xstrdup("a malformed file entry");
            goto fail;
        }
        nfiles++;
    }
    cJSON_ArrayForEach(o, fs) {
        ftl_grow((void **)&got.v, &got.cap, got.n + 1, sizeof *got.v);
        if (!read_finding(o, &got.v[got.n], &why))
            goto fail;
        got.n++;
    }
    /* Complete: only now does the run take anything. */
    ftl_grow((void **)&run->files, &run->capfiles, run->nfiles + nfiles, sizeof *run->files);
    if (nfiles)
        memcpy(run->files + run->nfiles, files, nfiles * sizeof *files);
    run->nfiles += nfiles;
    free(files);
    ftl_findings_take(&run->findings, &got);
    cJSON_Delete(doc);
    return true;
fail:
    *err = ftl_xasprintf("%s: %s", name, why);
    free(why);
    for (size_t i = 0; i < nfiles; i++)
        ftl_file_result_free(&files[i]);
    free(files);
    ftl_findings_free(&got);
    cJSON_Delete(doc);
    return false;
}

void ftl_merge_finish(ftl_run *run)
{
    ftl_findings_sort_unique(&run->findings);
    run->nfailed = run->nerrors = run->nskipped = 0;
    for (size_t i = 0; i < run->nfiles; i++) {
        switch (run->files[i].status) {
        case FTL_FILE_FAILED:
            run->nfailed++;
            break;
        case FTL_FILE_SKIPPED:
            run->nskipped++;
            break;
        case FTL_FILE_HAD_ERRORS:
            run->nerrors++;
            break;
        case FTL_FILE_OK:
            break;
        }
    }
}
