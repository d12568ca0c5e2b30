/* check_report.c: the machine-readable formats: JSON and SARIF golden files (volatile values
 * masked), every document the fixtures produce checked by the official SARIF 2.1.0 schema, by
 * Microsoft's SARIF Multitool with GitHub's ingestion rules and by ftlint's own JSON schema,
 * JSON fields and key order, UTF-16 columns, fixes, notifications, stable fingerprints, and the
 * atomic -o output file. Run from the source root. Set FTL_UPDATE_GOLDEN=1 to rewrite the
 * golden files after an intended change (then review the diff). */
#include "testutil.h"
#include "report.h"

#include <cJSON.h>
#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

/* The official OASIS schema (SARIF 2.1.0 errata 01, JSON Schema draft-04), copied unchanged. */
#define SARIF_SCHEMA "tests/data/sarif-schema-2.1.0.json"
#define JSON_SCHEMA "docs/ftlint-json.schema.json"
#define JSONSCHEMA "/usr/bin/jsonschema"
#define MULTITOOL_DEFAULT ".tools/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
#define GOLDEN_ARGS "--select FT001 tests/data/report tests/data/report/missing.c"

/* ---- helpers ------------------------------------------------------------------------------- */

static char *make_tmpdir(void)
{
    char tmpl[] = "/tmp/ftlint-report-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(tmpl));
    return ftl_xstrdup(tmpl);
}

static void remove_tree(const char *dir)
{
    char *cmd = ftl_xasprintf("rm -rf '%s'", dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
}

static cJSON *parse_file(const char *path)
{
    size_t len;
    char *text = ftl_read_file(path, &len);
    ck_assert_msg(text != NULL, "cannot read %s", path);
    cJSON *doc = cJSON_ParseWithLength(text, len);
    ck_assert_msg(doc != NULL, "%s is not valid JSON", path);
    free(text);
    return doc;
}

static char *print_doc(const cJSON *doc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert(ftl_json_print(f, doc));
    fclose(f);
    return buf;
}

static cJSON *at(const cJSON *o, const char *path)
{
    /* "runs/0/tool/driver": object keys and array indexes separated by '/'. */
    char *copy = ftl_xstrdup(path), *save = NULL;
    const cJSON *cur = o;
    for (char *t = strtok_r(copy, "/", &save); t && cur; t = strtok_r(NULL, "/", &save))
        cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, atoi(t))
                                 : cJSON_GetObjectItemCaseSensitive(cur, t);
    ck_assert_msg(cur != NULL, "no %s in the document", path);
    free(copy);
    return (cJSON *)cur;
}

static void set_string(cJSON *o, const char *path, const char *value)
{
    cJSON *item = at(o, path);
    ck_assert(cJSON_IsString(item));
    cJSON_SetValuestring(item, value);
}

static const char *fingerprint_of(const cJSON *result)
{
    cJSON *fp = cJSON_GetObjectItemCaseSensitive(at(result, "partialFingerprints"), "ftlint/v1");
    ck_assert(cJSON_IsString(fp));
    return fp->valuestring;
}

static const char *multitool(void)
{
    const char *m = getenv("FTL_SARIF_MULTITOOL");
    if (!m)
        m = MULTITOOL_DEFAULT;
    ck_assert_msg(access(m, X_OK) == 0, "SARIF Multitool not found at %s: run scripts/install-deps.sh", m);
    return m;
}

/* Runs the Multitool with GitHub's rules on files (space-separated paths); returns its error and
 * warning lines, or NULL when there are none. It exits 0 even when it reports errors, so its
 * output is what counts; "Done. N files scanned." proves it read them. */
static char *multitool_problems(const char *files, size_t nfiles)
{
    char *cmd = ftl_xasprintf("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 "
                              "'%s' validate --rule-kind 'Sarif;Ghas' %s", multitool(), files);
    char *out;
    run_cmd(cmd, &out, 1);
    free(cmd);
    char *done = ftl_xasprintf("Done. %zu files scanned.", nfiles);
    ck_assert_msg(strstr(out, done) != NULL, "the Multitool did not scan %zu files:\n%s", nfiles, out);
    free(done);
    ftl_buf bad = {0};
    for (char *line = out; *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char *l = ftl_xstrndup(line, n);
        if (strstr(l, "): error ") || strstr(l, "): warning ") || strstr(l, ": error ERR"))
            ftl_buf_printf(&bad, "%s\n", l);
        free(l);
        line += n + (nl ? 1 : 0);
    }
    free(out);
    return bad.len ? ftl_buf_steal(&bad) : NULL;
}

/* Runs /usr/bin/jsonschema (Debian's python3-jsonschema) on instances against schema; returns
 * its complaints or NULL. */
static char *schema_problems(const char *schema, const char *instances)
{
    char *cmd = ftl_xasprintf("'%s' %s '%s'", JSONSCHEMA, instances, schema);
    char *out;
    int st = run_cmd(cmd, &out, 1);
    free(cmd);
    if (st == 0 && !*out) {
        free(out);
        return NULL;
    }
    if (!*out) {
        free(out);
        out = ftl_xasprintf("jsonschema exited with %d", st);
    }
    return out;
}

/* ---- a run built by hand: every file status, edits, non-ASCII text, awkward names ----------- */

/* The source of the hand-built finding. Line 2 holds a four-byte character (two UTF-16 code
 * units) before the flagged call. */
static const char synth_text[] = "int x; /* \xc3\xbc */\n  s = \"\xf0\x9f\x98\x80\"; call(y);\n";

typedef struct synth {
    char *dir;               /* the source root */
    char *file;              /* dir/src é/a b.c */
    ftl_run run;
    ftl_config cfg;
} synth;

static void add_result(ftl_run *run, const char *path, enum ftl_file_status st, const char *reason,
                       const char *error)
{
    ftl_grow((void **)&run->files, &run->capfiles, run->nfiles + 1, sizeof *run->files);
    ftl_file_result *r = &run->files[run->nfiles++];
    memset(r, 0, sizeof *r);
    r->path = ftl_xstrdup(path);
    r->status = st;
    r->reason = reason ? ftl_xstrdup(reason) : NULL;
    if (error) {
        ftl_strv_push(&r->errors, error);
        r->nerrors = 1;
    }
}

static void synth_build(synth *s)
{
    memset(s, 0, sizeof *s);
    s->dir = make_tmpdir();
    char *sub = ftl_xasprintf("%s/src \xc3\xa9", s->dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    s->file = ftl_xasprintf("%s/a b.c", sub);
    free(sub);
    FILE *f = fopen(s->file, "w");
    ck_assert_ptr_nonnull(f);
    fputs(synth_text, f);
    fclose(f);

    s->cfg.source_root = s->dir;
    ftl_run *run = &s->run;
    ftl_finding fd;
    memset(&fd, 0, sizeof fd);
    const char *call = strstr(synth_text, "call(y)");
    unsigned off = (unsigned)(call - synth_text);
    fd.path = ftl_xstrdup(s->file);
    fd.key = ftl_xstrdup(s->file);
    fd.line = 2;
    fd.col = off - (unsigned)(strchr(synth_text, '\n') + 1 - synth_text) + 1;
    fd.end_line = 2;
    fd.end_col = fd.col + 7;
    fd.offset = off;
    fd.end_offset = off + 7;
    fd.rule = ftl_rules[0];
    fd.severity = FTL_SEV_WARNING;
    fd.message = ftl_xstrdup("call returns a borrowed reference \xff (an invalid byte)");
    fd.help = ftl_xstrdup("use call_ref(y, &out)");
    fd.function = ftl_xstrdup("f");
    fd.line_hash = 42;
    fd.nedits = 2;
    fd.edits = ftl_xcalloc(2, sizeof *fd.edits);
    fd.edits[0] = (ftl_edit){off, off + 4, ftl_xstrdup("call_ref"), true, 0};
    fd.edits[1] = (ftl_edit){off + 6, off + 6, ftl_xstrdup(", &out"), false, 0};
    ftl_grow((void **)&run->findings.v, &run->findings.cap, 1, sizeof fd);
    run->findings.v[run->findings.n++] = fd;
    ftl_findings_sort_unique(&run->findings);

    add_result(run, s->file, FTL_FILE_OK, NULL, NULL);
    add_result(run, "gone.c", FTL_FILE_FAILED, "cannot read: Permission denied", NULL);
    add_result(run, "blob.c", FTL_FILE_SKIPPED, "binary file (contains NUL bytes)", NULL);
    add_result(run, "partial.c", FTL_FILE_HAD_ERRORS, "partial.c:3:1: error: boom",
               "partial.c:3:1: error: boom");
    run->nfailed = 1;
    run->nerrors = 1;
    run->nskipped = 2;
    ftl_grow((void **)&run->list.skipped, &run->list.capskipped, 1, sizeof *run->list.skipped);
    run->list.skipped[run->list.nskipped++] =
        (ftl_skip){ftl_xstrdup("gen.c"), ftl_xstrdup("generated by Cython")};
    ftl_strv_push(&run->list.missing, "nowhere.c: No such file or directory");
}

static void synth_free(synth *s)
{
    ftl_run_free(&s->run);
    remove_tree(s->dir);
    free(s->dir);
    free(s->file);
}

static char *synth_write(synth *s, bool (*write)(FILE *, const ftl_run *, const ftl_config *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert(write(f, &s->run, &s->cfg));
    fclose(f);
    return buf;
}

static void write_string(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

/* ---- golden files ------------------------------------------------------------------------- */

static void check_golden(const char *format, const char *golden)
{
    char *cmd = ftl_xasprintf("./ftlint --format %s " GOLDEN_ARGS, format);
    char *out;
    ck_assert_int_eq(run_cmd(cmd, &out, 0), 2);   /* the missing path */
    free(cmd);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_msg(doc != NULL, "not JSON:\n%s", out);
    free(out);
    if (strcmp(format, "json") == 0) {
        set_string(doc, "tool/version", "<version>");
    } else {
        set_string(doc, "runs/0/tool/driver/version", "<version>");
        set_string(doc, "runs/0/tool/driver/semanticVersion", "<version>");
        set_string(doc, "runs/0/originalUriBaseIds/%SRCROOT%/uri", "file:///<source root>/");
        /* Only FT001 is selected: other rules' descriptions would churn the file. */
        cJSON *rules = at(doc, "runs/0/tool/driver/rules");
        ck_assert_int_eq(cJSON_GetArraySize(rules), (int)ftl_nrules);
        for (int i = cJSON_GetArraySize(rules) - 1; i >= 0; i--)
            if (strcmp(at(cJSON_GetArrayItem(rules, i), "id")->valuestring, "FT001") != 0)
                cJSON_DeleteItemFromArray(rules, i);
        /* The rule's whole documentation: checked by sarif_rule_help instead. */
        set_string(rules, "0/help/text", "<rules/borrowed-ref.md as text>");
        set_string(rules, "0/help/markdown", "<rules/borrowed-ref.md>");
    }
    char *got = print_doc(doc);
    cJSON_Delete(doc);
    if (getenv("FTL_UPDATE_GOLDEN")) {
        write_string(golden, got);
        free(got);
        return;
    }
    size_t len;
    char *want = ftl_read_file(golden, &len);
    ck_assert_msg(want != NULL, "%s is missing (FTL_UPDATE_GOLDEN=1 creates it)", golden);
    if (strcmp(got, want) != 0) {
        char *path = ftl_xasprintf("%s.got", golden);
        write_string(path, got);
        ck_abort_msg("%s differs from the output (written to %s): diff them", golden, path);
    }
    free(want);
    free(got);
}

START_TEST(golden_json)
{
    check_golden("json", "tests/golden/report.json");
}
END_TEST

START_TEST(golden_sarif)
{
    check_golden("sarif", "tests/golden/report.sarif");
}
END_TEST

/* ---- validators ------------------------------------------------------------------------------ */

/* Writes the SARIF and JSON documents of every fixture directory, the demo, the report inputs
 * and the hand-built run into dir; returns the space-separated paths of each kind. */
static void produce_documents(const char *dir, ftl_buf *sarifs, ftl_buf *jsons, size_t *n)
{
    ftl_strv inputs = {0}, names = {0};
    ftl_strv_push(&inputs, "examples/demo");
    ftl_strv_push(&names, "demo");
    ftl_strv_push(&inputs, "tests/data/report tests/data/report/missing.c");
    ftl_strv_push(&names, "report");
    DIR *d = opendir("fixtures");
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char *p = ftl_xasprintf("fixtures/%s", e->d_name);
        ftl_strv_push(&inputs, p);
        char *nm = ftl_xasprintf("fixture-%s", e->d_name);
        ftl_strv_push(&names, nm);
        free(p);
        free(nm);
    }
    closedir(d);
    *n = 0;
    for (size_t i = 0; i < inputs.n; i++) {
        for (int k = 0; k < 2; k++) {
            const char *fmt = k ? "json" : "sarif";
            char *out = ftl_xasprintf("%s/%s.%s", dir, names.v[i], fmt);
            char *cmd = ftl_xasprintf("./ftlint -q --format %s -o '%s' %s", fmt, out, inputs.v[i]);
            int st = run_cmd(cmd, NULL, 0);
            ck_assert_msg(st >= 0 && st <= 2 && access(out, R_OK) == 0, "%s wrote nothing", cmd);
            ftl_buf_printf(k ? jsons : sarifs, " -i '%s'", out);
            free(cmd);
            free(out);
        }
        (*n)++;
    }
    synth s;
    synth_build(&s);
    char *text = synth_write(&s, ftl_write_sarif), *path = ftl_xasprintf("%s/synthetic.sarif", dir);
    write_string(path, text);
    ftl_buf_printf(sarifs, " -i '%s'", path);
    free(text);
    free(path);
    text = synth_write(&s, ftl_write_json);
    path = ftl_xasprintf("%s/synthetic.json", dir);
    write_string(path, text);
    ftl_buf_printf(jsons, " -i '%s'", path);
    free(text);
    free(path);
    synth_free(&s);
    (*n)++;
    ftl_strv_free(&inputs);
    ftl_strv_free(&names);
}

START_TEST(every_document_passes_the_validators)
{
    char *dir = make_tmpdir();
    ftl_buf sarifs = {0}, jsons = {0};
    size_t n;
    produce_documents(dir, &sarifs, &jsons, &n);
    char *p = schema_problems(SARIF_SCHEMA, sarifs.s);
    ck_assert_msg(p == NULL, "SARIF schema:\n%s", p);
    p = schema_problems(JSON_SCHEMA, jsons.s);
    ck_assert_msg(p == NULL, "ftlint JSON schema:\n%s", p);
    /* The Multitool takes plain paths. */
    char *files = ftl_xasprintf("'%s'/*.sarif", dir);
    p = multitool_problems(files, n);
    ck_assert_msg(p == NULL, "SARIF Multitool (GitHub rules):\n%s", p);
    free(files);
    ftl_buf_free(&sarifs);
    ftl_buf_free(&jsons);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* The validators must be able to fail, and their output must be read correctly. */
START_TEST(validators_reject_bad_documents)
{
    char *dir = make_tmpdir();
    char *bad = ftl_xasprintf("%s/bad.sarif", dir);
    /* No rules (GitHub requires them), a result pointing at a rule that does not exist, a
     * region with a column of 0 (the schema's minimum is 1). */
    write_string(bad, "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": \"x\"}},"
                      "\"results\": [{\"ruleId\": \"X1\", \"ruleIndex\": 3, \"message\": {\"text\": \"m\"},"
                      "\"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": \"a.c\"},"
                      "\"region\": {\"startLine\": 1, \"startColumn\": 0}}}]}]}]}\n");
    char *inst = ftl_xasprintf(" -i '%s'", bad);
    char *p = schema_problems(SARIF_SCHEMA, inst);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "0 is less than the minimum of 1"));
    free(p);
    char *files = ftl_xasprintf("'%s'", bad);
    p = multitool_problems(files, 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(strstr(p, "error"));
    free(p);
    write_string(bad, "{\"version\": 1, \"tool\": {}}\n");
    p = schema_problems(JSON_SCHEMA, inst);
    ck_assert_ptr_nonnull(p);
    free(p);
    free(files);
    free(inst);
    free(bad);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- JSON ---------------------------------------------------------------------------------- */

/* Checks that obj has exactly these keys, in this order, and that each is documented in the
 * FORMATS section of the man page. */
static void check_keys(const cJSON *obj, const char *const *keys, const char *man, const char *what)
{
    ck_assert_msg(cJSON_IsObject(obj), "%s is not an object", what);
    const cJSON *c = obj->child;
    for (size_t i = 0; keys[i]; i++, c = c ? c->next : NULL) {
        ck_assert_msg(c && strcmp(c->string, keys[i]) == 0, "%s: expected key '%s' at position %zu, "
                      "found '%s'", what, keys[i], i, c ? c->string : "(end)");
        char *doc = ftl_xasprintf("\\fB%s\\fR", keys[i]);
        ck_assert_msg(strstr(man, doc) != NULL, "key '%s' is not documented in man/ftlint.1", keys[i]);
        free(doc);
    }
    ck_assert_msg(c == NULL, "%s: undocumented key '%s'", what, c ? c->string : "");
}

static const char *const top_keys[] = {"version", "tool", "files", "findings", "summary", NULL};
static const char *const tool_keys[] = {"name", "version", "uri", NULL};
static const char *const file_keys[] = {"path", "status", "reason", "error_count", "errors", NULL};
static const char *const finding_keys[] = {
    "code", "rule", "severity", "confidence", "path", "line", "column", "end_line", "end_column",
    "offset", "end_offset", "function", "message", "help", "fingerprint", "edits", NULL};
static const char *const edit_keys[] = {"offset", "end_offset", "replacement", "safe", "needs_python", NULL};
static const char *const summary_keys[] = {"findings", "files_ok", "files_with_errors",
                                           "files_skipped", "files_failed", NULL};

static void check_json_document(const char *text, size_t *nedits)
{
    size_t len;
    char *man = ftl_read_file("man/ftlint.1", &len);
    ck_assert_ptr_nonnull(man);
    char *formats = strstr(man, ".SH FORMATS");
    ck_assert_msg(formats != NULL, "man/ftlint.1 has no FORMATS section");
    char *end = strstr(formats + 1, "\n.SH ");
    if (end)
        *end = '\0';
    cJSON *doc = cJSON_Parse(text);
    ck_assert_msg(doc != NULL, "not JSON:\n%s", text);
    check_keys(doc, top_keys, formats, "document");
    ck_assert_int_eq(at(doc, "version")->valueint, FTL_JSON_VERSION);
    check_keys(at(doc, "tool"), tool_keys, formats, "tool");
    const cJSON *e;
    cJSON_ArrayForEach(e, at(doc, "files"))
        check_keys(e, file_keys, formats, "files[]");
    cJSON_ArrayForEach(e, at(doc, "findings")) {
        check_keys(e, finding_keys, formats, "findings[]");
        const cJSON *ed;
        cJSON_ArrayForEach(ed, at(e, "edits")) {
            check_keys(ed, edit_keys, formats, "edits[]");
            (*nedits)++;
        }
    }
    check_keys(at(doc, "summary"), summary_keys, formats, "summary");
    ck_assert_int_eq(at(doc, "summary/findings")->valueint, cJSON_GetArraySize(at(doc, "findings")));
    /* Printing the parsed document gives the same text back: nothing is lost or reordered. */
    char *again = print_doc(doc);
    ck_assert_str_eq(again, text);
    free(again);
    cJSON_Delete(doc);
    free(man);
}

START_TEST(json_fields_documented_and_round_trip)
{
    const char *cmds[] = {"./ftlint --format json examples/demo",
                          "./ftlint --format json " GOLDEN_ARGS};
    size_t nedits = 0;
    for (size_t i = 0; i < 2; i++) {
        char *out;
        run_cmd(cmds[i], &out, 0);
        check_json_document(out, &nedits);
        free(out);
    }
    synth s;
    synth_build(&s);
    char *text = synth_write(&s, ftl_write_json);
    nedits = 0;
    check_json_document(text, &nedits);
    ck_assert_uint_eq(nedits, 2);
    free(text);
    synth_free(&s);
}
END_TEST

START_TEST(json_values)
{
    char *out;
    run_cmd("./ftlint --format json " GOLDEN_ARGS, &out, 0);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_ptr_nonnull(doc);
    /* Files, sorted by path, with their status and reason. */
    const char *want[][2] = {{"tests/data/report/broken.c", "had_errors"},
                             {"tests/data/report/clean.c", "ok"},
                             {"tests/data/report/findings.c", "ok"},
                             {"tests/data/report/generated.c", "skipped"},
                             {"tests/data/report/missing.c", "failed"}};
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "files")), 5);
    for (int i = 0; i < 5; i++) {
        cJSON *f = cJSON_GetArrayItem(at(doc, "files"), i);
        ck_assert_str_eq(at(f, "path")->valuestring, want[i][0]);
        ck_assert_str_eq(at(f, "status")->valuestring, want[i][1]);
    }
    ck_assert_str_eq(at(doc, "files/4/reason")->valuestring, "No such file or directory");
    ck_assert_ptr_nonnull(strstr(at(doc, "files/3/reason")->valuestring, "Cython"));
    ck_assert_int_eq(at(doc, "files/0/error_count")->valueint, 1);
    ck_assert(cJSON_IsNull(at(doc, "files/1/reason")));
    /* The finding after "é" on line 12: columns count bytes in JSON. */
    cJSON *f = at(doc, "findings/2");
    ck_assert_str_eq(at(f, "path")->valuestring, "tests/data/report/findings.c");
    ck_assert_int_eq(at(f, "line")->valueint, 12);
    ck_assert_int_eq(at(f, "column")->valueint, 45);
    ck_assert_int_eq(at(f, "end_column")->valueint, 71);
    ck_assert_str_eq(at(f, "function")->valuestring, "lookup");
    ck_assert_str_eq(at(f, "code")->valuestring, "FT001");
    ck_assert_str_eq(at(f, "rule")->valuestring, "borrowed-ref");
    ck_assert_str_eq(at(f, "confidence")->valuestring, "medium");
    ck_assert_ptr_nonnull(strstr(at(f, "help")->valuestring, "PyDict_GetItemRef(cache, key, &value)"));
    /* The byte range is the call's text. */
    size_t len;
    char *src = ftl_read_file("tests/data/report/findings.c", &len);
    int b = at(f, "offset")->valueint, e = at(f, "end_offset")->valueint;
    ck_assert_int_eq(strncmp(src + b, "PyDict_GetItem(cache, key)", (size_t)(e - b)), 0);
    free(src);
    /* The same line in two functions: one hash, occurrences 0 and 1. */
    const char *fp4 = at(doc, "findings/4/fingerprint")->valuestring;
    const char *fp5 = at(doc, "findings/5/fingerprint")->valuestring;
    ck_assert_int_eq(strncmp(fp4, fp5, 17), 0);
    ck_assert_str_eq(fp4 + 17, "0");
    ck_assert_str_eq(fp5 + 17, "1");
    ck_assert_int_eq(at(doc, "summary/files_failed")->valueint, 1);
    ck_assert_int_eq(at(doc, "summary/files_skipped")->valueint, 1);
    ck_assert_int_eq(at(doc, "summary/files_with_errors")->valueint, 1);
    ck_assert_int_eq(at(doc, "summary/files_ok")->valueint, 2);
    cJSON_Delete(doc);
    free(out);
}
END_TEST

START_TEST(json_of_hand_built_run)
{
    synth s;
    synth_build(&s);
    char *text = synth_write(&s, ftl_write_json);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    /* Outside the current directory: an absolute path. */
    char *real = realpath(s.file, NULL);
    ck_assert_str_eq(at(doc, "findings/0/path")->valuestring, real);
    free(real);
    /* Invalid UTF-8 in a message becomes U+FFFD; the document stays valid UTF-8. */
    ck_assert_ptr_nonnull(strstr(at(doc, "findings/0/message")->valuestring, "\xef\xbf\xbd (an invalid"));
    const char *call = strstr(synth_text, "call(y)");
    ck_assert_int_eq(at(doc, "findings/0/edits/0/offset")->valueint, (int)(call - synth_text));
    ck_assert_int_eq(at(doc, "findings/0/edits/0/end_offset")->valueint, (int)(call - synth_text) + 4);
    ck_assert_str_eq(at(doc, "findings/0/edits/0/replacement")->valuestring, "call_ref");
    ck_assert(cJSON_IsTrue(at(doc, "findings/0/edits/0/safe")));
    ck_assert(cJSON_IsFalse(at(doc, "findings/0/edits/1/safe")));
    ck_assert_str_eq(at(doc, "findings/0/fingerprint")->valuestring, "000000000000002a:0");
    /* Every stage's files: analysis results, discovery's skips and missing paths. */
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "files")), 6);
    ck_assert_int_eq(at(doc, "summary/files_failed")->valueint, 2);
    ck_assert_int_eq(at(doc, "summary/files_skipped")->valueint, 2);
    cJSON_Delete(doc);
    free(text);
    synth_free(&s);
}
END_TEST

/* ---- SARIF --------------------------------------------------------------------------------- */

START_TEST(sarif_values)
{
    char *out;
    run_cmd("./ftlint --format sarif " GOLDEN_ARGS, &out, 0);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_ptr_nonnull(doc);
    cJSON *run = at(doc, "runs/0");
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "runs")), 1);
    ck_assert_str_eq(at(run, "columnKind")->valuestring, "utf16CodeUnits");
    /* %SRCROOT% is the current directory, as a file URI ending in '/'. */
    char *cwd = realpath(".", NULL), *uri = ftl_xasprintf("file://%s/", cwd);
    ck_assert_str_eq(at(run, "originalUriBaseIds/%SRCROOT%/uri")->valuestring, uri);
    free(uri);
    free(cwd);
    /* One rule entry per rule, in table order, and ruleIndex points at the result's rule. */
    cJSON *rules = at(run, "tool/driver/rules");
    ck_assert_int_eq(cJSON_GetArraySize(rules), (int)ftl_nrules);
    for (size_t i = 0; i < ftl_nrules; i++) {
        cJSON *r = cJSON_GetArrayItem(rules, (int)i);
        ck_assert_str_eq(at(r, "id")->valuestring, ftl_rules[i]->code);
        ck_assert_uint_le(strlen(at(r, "fullDescription/text")->valuestring), 1024);
        ck_assert_uint_gt(strlen(at(r, "help/markdown")->valuestring), 100);
        ck_assert_ptr_nonnull(at(r, "properties/precision"));
        ck_assert_ptr_nonnull(at(r, "properties/problem.severity"));
    }
    cJSON *res;
    cJSON_ArrayForEach(res, at(run, "results")) {
        int idx = at(res, "ruleIndex")->valueint;
        ck_assert_str_eq(at(res, "ruleId")->valuestring, ftl_rules[idx]->code);
        ck_assert_str_eq(at(res, "locations/0/physicalLocation/artifactLocation/uriBaseId")->valuestring,
                         "%SRCROOT%");
    }
    /* Line 12 has "é" (two bytes, one UTF-16 unit) before the call, line 13 "😀" (four bytes,
     * two units): byte columns 45 and 48 become 44 and 46. */
    cJSON *r2 = at(run, "results/2/locations/0/physicalLocation");
    ck_assert_str_eq(at(r2, "artifactLocation/uri")->valuestring, "tests/data/report/findings.c");
    ck_assert_int_eq(at(r2, "region/startLine")->valueint, 12);
    ck_assert_int_eq(at(r2, "region/startColumn")->valueint, 44);
    ck_assert_int_eq(at(r2, "region/endColumn")->valueint, 70);
    cJSON *r3 = at(run, "results/3/locations/0/physicalLocation");
    ck_assert_int_eq(at(r3, "region/startLine")->valueint, 13);
    ck_assert_int_eq(at(r3, "region/startColumn")->valueint, 46);
    ck_assert_int_eq(at(r3, "region/endColumn")->valueint, 72);
    ck_assert_str_eq(at(run, "results/3/locations/0/logicalLocations/0/name")->valuestring, "lookup");
    ck_assert_ptr_nonnull(strstr(at(run, "results/3/message/text")->valuestring,
                                 "\nhelp: use PyList_GetItemRef(history, 0)"));
    /* The missing path makes the run unsuccessful; each file not fully analysed has a notice. */
    cJSON *inv = at(run, "invocations/0");
    ck_assert(cJSON_IsFalse(at(inv, "executionSuccessful")));
    cJSON *notes = at(inv, "toolExecutionNotifications");
    ck_assert_int_eq(cJSON_GetArraySize(notes), 3);
    ck_assert_str_eq(at(notes, "0/level")->valuestring, "warning");     /* broken.c */
    ck_assert_str_eq(at(notes, "1/level")->valuestring, "note");        /* generated.c */
    ck_assert_str_eq(at(notes, "2/level")->valuestring, "error");       /* missing.c */
    ck_assert_str_eq(at(notes, "2/locations/0/physicalLocation/artifactLocation/uri")->valuestring,
                     "tests/data/report/missing.c");
    ck_assert_ptr_nonnull(strstr(at(notes, "2/message/text")->valuestring, "No such file"));
    cJSON_Delete(doc);
    free(out);

    /* A clean run succeeds. */
    run_cmd("./ftlint --format sarif tests/data/report/clean.c", &out, 0);
    doc = cJSON_Parse(out);
    ck_assert(cJSON_IsTrue(at(doc, "runs/0/invocations/0/executionSuccessful")));
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "runs/0/results")), 0);
    cJSON_Delete(doc);
    free(out);
}
END_TEST

START_TEST(sarif_of_hand_built_run)
{
    synth s;
    synth_build(&s);
    char *text = synth_write(&s, ftl_write_sarif);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    cJSON *res = at(doc, "runs/0/results/0");
    /* A path with a space and a non-ASCII directory name, percent-encoded, under --source-root. */
    cJSON *loc = at(res, "locations/0/physicalLocation");
    ck_assert_str_eq(at(loc, "artifactLocation/uri")->valuestring, "src%20%C3%A9/a%20b.c");
    ck_assert_str_eq(at(loc, "artifactLocation/uriBaseId")->valuestring, "%SRCROOT%");
    /* "  s = \"😀\"; call(y);": byte column 15, UTF-16 column 13. */
    ck_assert_int_eq(at(loc, "region/startColumn")->valueint, 13);
    ck_assert_int_eq(at(loc, "region/endColumn")->valueint, 20);
    ck_assert_str_eq(fingerprint_of(res), "000000000000002a:0");
    /* The edits as one fix with text replacements in the same units. */
    cJSON *fix = at(res, "fixes/0");
    ck_assert(cJSON_IsFalse(at(fix, "properties/safe")));
    cJSON *ch = at(fix, "artifactChanges/0");
    ck_assert_str_eq(at(ch, "artifactLocation/uri")->valuestring, "src%20%C3%A9/a%20b.c");
    cJSON *r0 = at(ch, "replacements/0"), *r1 = at(ch, "replacements/1");
    ck_assert_int_eq(at(r0, "deletedRegion/startLine")->valueint, 2);
    ck_assert_int_eq(at(r0, "deletedRegion/startColumn")->valueint, 13);
    ck_assert_int_eq(at(r0, "deletedRegion/endColumn")->valueint, 17);
    ck_assert_str_eq(at(r0, "insertedContent/text")->valuestring, "call_ref");
    ck_assert_int_eq(at(r1, "deletedRegion/startColumn")->valueint, 19);   /* an insertion */
    ck_assert_int_eq(at(r1, "deletedRegion/endColumn")->valueint, 19);
    /* Notifications: one per file not fully analysed; failures make the run unsuccessful. */
    cJSON *inv = at(doc, "runs/0/invocations/0");
    ck_assert(cJSON_IsFalse(at(inv, "executionSuccessful")));
    ck_assert_int_eq(cJSON_GetArraySize(at(inv, "toolExecutionNotifications")), 5);
    cJSON_Delete(doc);
    free(text);
    synth_free(&s);
}
END_TEST

/* Rule help comes from the rule's documentation: markdown as written, and a plain-text version
 * without markup but with code kept (and indented). */
START_TEST(sarif_rule_help)
{
    char *out;
    run_cmd("./ftlint --format sarif tests/data/report/clean.c", &out, 0);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_ptr_nonnull(doc);
    cJSON *rules = at(doc, "runs/0/tool/driver/rules");
    for (size_t i = 0; i < ftl_nrules; i++) {
        const ftl_rule *r = ftl_rules[i];
        cJSON *rule = cJSON_GetArrayItem(rules, (int)i);
        const char *doc_md = ftl_rule_doc(r);
        ck_assert_msg(doc_md != NULL, "%s has no documentation", r->code);
        const char *md = at(rule, "help/markdown")->valuestring;
        const char *text = at(rule, "help/text")->valuestring;
        char *head = ftl_xasprintf("**%s %s**: %s\n\n", r->code, r->name, r->summary);
        ck_assert_int_eq(strncmp(md, head, strlen(head)), 0);
        ck_assert_str_eq(md + strlen(head), doc_md);
        free(head);
        head = ftl_xasprintf("%s %s: %s\n\nWhat it does\n", r->code, r->name, r->summary);
        ck_assert_int_eq(strncmp(text, head, strlen(head)), 0);
        free(head);
        ck_assert_ptr_null(strstr(text, "```"));
        ck_assert_ptr_null(strstr(text, "## "));
        ck_assert_ptr_null(strchr(text, '`'));
        ck_assert_str_eq(at(rule, "shortDescription/text")->valuestring, r->summary);
        ck_assert_uint_le(strlen(at(rule, "fullDescription/text")->valuestring), 1024);
        ck_assert_uint_le(strlen(at(rule, "fullDescription/markdown")->valuestring), 1024);
    }
    /* FT001: emphasis and inline code marks go, pointer stars and fenced code stay. */
    const char *text = at(rules, "0/help/text")->valuestring;
    ck_assert_ptr_nonnull(strstr(text, "return a borrowed reference into"));
    ck_assert_ptr_nonnull(strstr(text, "\n    static PyObject *\n    lookup(MyObject *self, PyObject *key)\n"));
    ck_assert_ptr_nonnull(strstr(text, "Calling Py_INCREF on the result"));
    cJSON_Delete(doc);
    free(out);
}
END_TEST

/* Fingerprints must not change when unrelated lines above a finding move. */
START_TEST(fingerprints_survive_moved_lines)
{
    char *dir = make_tmpdir();
    char *cmd = ftl_xasprintf("cp tests/data/report/findings.c '%s/a.c' && ./ftlint --format sarif "
                              "--source-root '%s' '%s/a.c' > '%s/1.sarif'; "
                              "{ printf '/* moved */\\n\\n\\n'; cat tests/data/report/findings.c; } "
                              "> '%s/a.c' && ./ftlint --format sarif --source-root '%s' '%s/a.c' "
                              "> '%s/2.sarif'", dir, dir, dir, dir, dir, dir, dir, dir);
    run_cmd(cmd, NULL, 0);
    free(cmd);
    char *p1 = ftl_xasprintf("%s/1.sarif", dir), *p2 = ftl_xasprintf("%s/2.sarif", dir);
    cJSON *d1 = parse_file(p1), *d2 = parse_file(p2);
    cJSON *r1 = at(d1, "runs/0/results"), *r2 = at(d2, "runs/0/results");
    ck_assert_int_eq(cJSON_GetArraySize(r1), 5);
    ck_assert_int_eq(cJSON_GetArraySize(r2), 5);
    for (int i = 0; i < 5; i++) {
        cJSON *a = cJSON_GetArrayItem(r1, i), *b = cJSON_GetArrayItem(r2, i);
        ck_assert_int_eq(at(a, "locations/0/physicalLocation/region/startLine")->valueint + 3,
                         at(b, "locations/0/physicalLocation/region/startLine")->valueint);
        ck_assert_str_eq(fingerprint_of(a), fingerprint_of(b));
    }
    cJSON_Delete(d1);
    cJSON_Delete(d2);
    free(p1);
    free(p2);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(source_root_option)
{
    char *out;
    run_cmd("./ftlint --format sarif --source-root examples examples/demo", &out, 0);
    cJSON *doc = cJSON_Parse(out);
    ck_assert_str_eq(at(doc, "runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri")
                         ->valuestring, "demo/spammodule.c");
    cJSON_Delete(doc);
    free(out);
    /* Outside the source root: an absolute file URI without a base. */
    run_cmd("./ftlint --format sarif --source-root tests examples/demo", &out, 0);
    doc = cJSON_Parse(out);
    cJSON *al = at(doc, "runs/0/results/0/locations/0/physicalLocation/artifactLocation");
    ck_assert_int_eq(strncmp(at(al, "uri")->valuestring, "file:///", 8), 0);
    ck_assert_ptr_null(cJSON_GetObjectItem(al, "uriBaseId"));
    cJSON_Delete(doc);
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --format sarif --source-root /nonexistent x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "--source-root /nonexistent: No such file or directory"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --source-root README.md x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "not a directory"));
    free(out);
    ck_assert_int_eq(run_cmd("./ftlint --format xml x.c", &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "'xml' is not one of text, json, sarif"));
    free(out);
}
END_TEST

/* ---- the output file ------------------------------------------------------------------------ */

/* Lists dir's entries other than "." and "..", space-separated, sorted. Caller frees. */
static char *entries(const char *dir)
{
    char *cmd = ftl_xasprintf("ls -A '%s' | sort | tr '\\n' ' '", dir);
    char *out;
    run_cmd(cmd, &out, 0);
    free(cmd);
    return out;
}

START_TEST(output_file_is_atomic)
{
    char *dir = make_tmpdir(), *out, *cmd;
    /* A missing directory: one clear error, status 2, nothing written, no analysis. */
    cmd = ftl_xasprintf("./ftlint --format sarif -o '%s/no/such/dir/x.sarif' examples/demo", dir);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "x.sarif: directory '"));
    ck_assert_ptr_nonnull(strstr(out, "/no/such/dir' does not exist"));
    ck_assert_ptr_null(strstr(out, "finding"));
    ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);   /* one line */
    free(out);
    free(cmd);
    /* A directory as the output. */
    cmd = ftl_xasprintf("./ftlint -o '%s' examples/demo", dir);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "is a directory"));
    free(out);
    free(cmd);

    /* A run that stops before writing leaves the old file alone. */
    char *target = ftl_xasprintf("%s/report.json", dir);
    write_string(target, "old\n");
    chmod(target, 0640);
    cmd = ftl_xasprintf("./ftlint --format json -o '%s' --python-include /nonexistent examples/demo",
                        target);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 2);
    free(cmd);
    size_t len;
    char *text = ftl_read_file(target, &len);
    ck_assert_str_eq(text, "old\n");
    free(text);

    /* A write that fails half-way (the file size limit; SIGXFSZ ignored so that write() fails
     * with EFBIG instead of killing ftlint): status 2, the old file intact, no temporary file. */
    cmd = ftl_xasprintf("ulimit -f 2; trap '' XFSZ; ./ftlint --format json -o '%s' examples/demo",
                        target);
    ck_assert_int_eq(run_cmd(cmd, &out, 1), 2);
    ck_assert_ptr_nonnull(strstr(out, "cannot write the report"));
    free(out);
    free(cmd);
    text = ftl_read_file(target, &len);
    ck_assert_str_eq(text, "old\n");
    free(text);
    char *names = entries(dir);
    ck_assert_str_eq(names, "report.json ");
    free(names);

    /* Success: replaced whole, the old mode kept, nothing on standard output, no leftovers. */
    cmd = ftl_xasprintf("./ftlint --format json --select FT001 -o '%s' examples/demo", target);
    ck_assert_int_eq(run_cmd(cmd, &out, 0), 1);
    ck_assert_str_eq(out, "");
    free(out);
    free(cmd);
    cJSON *doc = parse_file(target);
    ck_assert_int_eq(cJSON_GetArraySize(at(doc, "findings")), 5);
    cJSON_Delete(doc);
    struct stat st;
    ck_assert_int_eq(stat(target, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0640);
    names = entries(dir);
    ck_assert_str_eq(names, "report.json ");
    free(names);

    /* A new file gets the usual mode, and text written to a file has no colour. */
    char *txt = ftl_xasprintf("%s/report.txt", dir);
    cmd = ftl_xasprintf("umask 022; ./ftlint -o '%s' examples/demo", txt);
    ck_assert_int_eq(run_cmd(cmd, NULL, 0), 1);
    free(cmd);
    ck_assert_int_eq(stat(txt, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
    text = ftl_read_file(txt, &len);
    ck_assert_ptr_nonnull(strstr(text, "[FT001 borrowed-ref]"));
    ck_assert_ptr_null(strchr(text, '\033'));
    free(text);
    free(txt);
    free(target);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- helpers of report.c ------------------------------------------------------------------- */

START_TEST(utf16_columns)
{
    ck_assert_uint_eq(ftl_utf16_column("abc", 3, 1), 1);
    ck_assert_uint_eq(ftl_utf16_column("abc", 3, 3), 3);
    ck_assert_uint_eq(ftl_utf16_column("abc", 3, 4), 4);             /* just past the end */
    ck_assert_uint_eq(ftl_utf16_column("\xc3\xa9x", 3, 3), 2);       /* é: 2 bytes, 1 unit */
    ck_assert_uint_eq(ftl_utf16_column("\xe2\x82\xacx", 4, 4), 2);   /* €: 3 bytes, 1 unit */
    ck_assert_uint_eq(ftl_utf16_column("\xf0\x9f\x98\x80x", 5, 5), 3);   /* 😀: 4 bytes, 2 units */
    ck_assert_uint_eq(ftl_utf16_column("\xff\xfex", 3, 3), 3);       /* invalid: one unit each */
    ck_assert_uint_eq(ftl_utf16_column("\xc3x", 2, 2), 2);           /* truncated sequence */
    ck_assert_uint_eq(ftl_utf16_column("\xed\xa0\x80x", 4, 4), 4);   /* a surrogate: invalid */
    ck_assert_uint_eq(ftl_utf16_column("ab", 2, 6), 6);              /* far past the end */
}
END_TEST

START_TEST(paths_under_a_directory)
{
    bool in;
    char *p = ftl_report_relpath("/a/b", "/a/b/c/d.c", &in);
    ck_assert_str_eq(p, "c/d.c");
    ck_assert(in);
    free(p);
    p = ftl_report_relpath("/a/b", "/a/bc/d.c", &in);
    ck_assert_str_eq(p, "/a/bc/d.c");
    ck_assert(!in);
    free(p);
    p = ftl_report_relpath("/", "/x/./y.c", &in);
    ck_assert_str_eq(p, "x/y.c");
    ck_assert(in);
    free(p);
    char *cwd = realpath(".", NULL);
    p = ftl_report_relpath(cwd, "./examples//demo/spammodule.c", &in);
    ck_assert_str_eq(p, "examples/demo/spammodule.c");
    ck_assert(in);
    free(p);
    p = ftl_report_relpath(cwd, "tests/../examples/demo/spammodule.c", &in);   /* resolved */
    ck_assert_str_eq(p, "examples/demo/spammodule.c");
    ck_assert(in);
    free(p);
    free(cwd);
}
END_TEST

START_TEST(format_names)
{
    enum ftl_format f;
    ck_assert(ftl_format_from_name("sarif", &f));
    ck_assert_int_eq(f, FTL_FORMAT_SARIF);
    ck_assert(ftl_format_from_name("json", &f));
    ck_assert_int_eq(f, FTL_FORMAT_JSON);
    ck_assert(!ftl_format_from_name("SARIF", &f));
    ck_assert_str_eq(ftl_formatter_of(FTL_FORMAT_TEXT)->name, "text");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, format_names);
    tcase_add_test(tc, utf16_columns);
    tcase_add_test(tc, paths_under_a_directory);
    tcase_add_test(tc, golden_json);
    tcase_add_test(tc, golden_sarif);
    tcase_add_test(tc, json_fields_documented_and_round_trip);
    tcase_add_test(tc, json_values);
    tcase_add_test(tc, json_of_hand_built_run);
    tcase_add_test(tc, sarif_values);
    tcase_add_test(tc, sarif_of_hand_built_run);
    tcase_add_test(tc, sarif_rule_help);
    tcase_add_test(tc, fingerprints_survive_moved_lines);
    tcase_add_test(tc, source_root_option);
    tcase_add_test(tc, output_file_is_atomic);
    tcase_add_test(tc, validators_reject_bad_documents);
    tcase_add_test(tc, every_document_passes_the_validators);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
