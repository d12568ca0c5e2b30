/* report_sarif.c: SARIF 2.1.0, one run, shaped for GitHub code scanning: every rule described
 * from its documentation, results with locations relative to %SRCROOT% (--source-root),
 * columns in UTF-16 code units, fingerprints that survive unrelated edits, fixes where a rule
 * provides edits, and a notification for each file that was not fully analysed. */
#include "report.h"
#include "util.h"

#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#define SARIF_SCHEMA \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define SRCROOT "%SRCROOT%"
/* The key of partialFingerprints: renamed if the fingerprint's definition ever changes. */
#define FINGERPRINT_KEY "ftlint/v1"
/* GitHub rejects longer rule descriptions. */
#define MAX_FULL_DESCRIPTION 1024

typedef struct sarif_ctx {
    char *root;              /* physical path of the source root, or NULL when unresolvable */
    ftl_source src;          /* the source file of the current finding */
} sarif_ctx;

/* ---- text ---------------------------------------------------------------------------------- */

/* s percent-encoded for a URI path: unreserved characters, '/' and the sub-delimiters stay;
 * every other byte (':' too, so a relative path never looks like a scheme) becomes %XX.
 * Caller frees. */
static char *uri_path(const char *s)
{
    static const char keep[] = "-._~/!$&'()*+,;=@";
    ftl_buf b = {0};
    ftl_buf_puts(&b, "");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p))
            ftl_buf_putn(&b, (const char *)p, 1);
        else
            ftl_buf_printf(&b, "%%%02X", *p);
    }
    return ftl_buf_steal(&b);
}

/* The first paragraph of a "## heading" section of a rule document, its lines joined with
 * spaces, or NULL when the document has no such section. Caller frees. */
static char *doc_paragraph(const char *doc, const char *heading)
{
    if (!doc)
        return NULL;
    char *h = ftl_xasprintf("## %s\n", heading);
    const char *p = strstr(doc, h);
    size_t hl = strlen(h);
    free(h);
    if (!p)
        return NULL;
    p += hl;
    ftl_buf b = {0};
    while (*p && *p != '\n' && strncmp(p, "## ", 3) != 0) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (b.len)
            ftl_buf_puts(&b, " ");
        ftl_buf_putn(&b, p, n);
        p += n + (nl ? 1 : 0);
    }
    return b.len ? ftl_buf_steal(&b) : NULL;
}

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Markdown made plain: fence lines dropped and fenced code indented, heading marks, inline code
 * marks and emphasis stars removed (a star inside code or between spaces stays). Caller frees. */
static char *plain_text(const char *md)
{
    ftl_buf b = {0};
    ftl_buf_puts(&b, "");
    bool fenced = false;
    for (const char *p = md; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (strncmp(p, "```", 3) == 0) {
            fenced = !fenced;
            p += n;
            continue;
        }
        if (fenced) {
            ftl_buf_puts(&b, "    ");
            ftl_buf_putn(&b, p, n);
            p += n;
            continue;
        }
        size_t i = strncmp(p, "## ", 3) == 0 ? 3 : 0;
        bool code = false;
        for (; i < n; i++) {
            char c = p[i], prev = i ? p[i - 1] : ' ', next = i + 1 < n ? p[i + 1] : ' ';
            if (c == '`') {
                code = !code;
                continue;
            }
            bool opens = (is_word(next) || next == '*') && !is_word(prev);
            bool closes = (is_word(prev) || prev == '*') && !is_word(next);
            if (c == '*' && !code && (opens || closes))
                continue;
            ftl_buf_putn(&b, &c, 1);
        }
        p += n;
    }
    return ftl_buf_steal(&b);
}

/* s cut to at most max bytes: at the end of the last whole sentence that fits, else of the
 * last whole word followed by "...". Caller frees. */
static char *clip(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return ftl_xstrdup(s);
    size_t cut = 0;
    for (size_t i = 0; i + 1 < max; i++)
        if (s[i] == '.' && s[i + 1] == ' ')
            cut = i + 1;
    if (cut)
        return ftl_xstrndup(s, cut);
    cut = max - 3;
    while (cut > 0 && s[cut] != ' ')
        cut--;
    char *head = ftl_xstrndup(s, cut ? cut : max - 3);
    char *r = ftl_xasprintf("%s...", head);
    free(head);
    return r;
}

static void add_message(cJSON *obj, const char *key, const char *text, const char *markdown)
{
    cJSON *m = cJSON_AddObjectToObject(obj, key);
    ftl_json_add_string(m, "text", text);
    if (markdown)
        ftl_json_add_string(m, "markdown", markdown);
}

static const char *level_of(enum ftl_severity s)
{
    return s == FTL_SEV_ERROR ? "error" : s == FTL_SEV_NOTE ? "note" : "warning";
}

/* ---- rules --------------------------------------------------------------------------------- */

static cJSON *rule_json(const ftl_rule *r)
{
    const char *doc = ftl_rule_doc(r);
    cJSON *o = cJSON_CreateObject();
    ftl_json_add_string(o, "id", r->code);
    ftl_json_add_string(o, "name", r->name);
    add_message(o, "shortDescription", r->summary, NULL);

    char *what = doc_paragraph(doc, "What it does");
    char *what_md = clip(what ? what : r->summary, MAX_FULL_DESCRIPTION);
    char *what_plain = plain_text(what_md);
    add_message(o, "fullDescription", what_plain, what_md);
    free(what);
    free(what_md);
    free(what_plain);

    char *md = ftl_xasprintf("**%s %s**: %s\n\n%s", r->code, r->name, r->summary, doc ? doc : "");
    char *text = plain_text(md);
    add_message(o, "help", text, md);
    free(md);
    free(text);

    cJSON *conf = cJSON_AddObjectToObject(o, "defaultConfiguration");
    ftl_json_add_string(conf, "level", level_of(r->severity));
    cJSON *props = cJSON_AddObjectToObject(o, "properties");
    cJSON *tags = cJSON_AddArrayToObject(props, "tags");
    cJSON_AddItemToArray(tags, cJSON_CreateString("free-threading"));
    cJSON_AddItemToArray(tags, cJSON_CreateString("concurrency"));
    ftl_json_add_string(props, "precision", ftl_confidence_name(r->confidence));
    ftl_json_add_string(props, "problem.severity", r->severity == FTL_SEV_ERROR ? "error"
                        : r->severity == FTL_SEV_NOTE ? "recommendation" : "warning");
    return o;
}

static int rule_index(const ftl_rule *r)
{
    for (size_t i = 0; i < ftl_nrules; i++)
        if (ftl_rules[i] == r)
            return (int)i;
    return -1;
}

/* ---- locations ------------------------------------------------------------------------------ */

/* An artifactLocation for path: relative to %SRCROOT% when inside the source root, else an
 * absolute file URI. */
static cJSON *artifact_location(const sarif_ctx *sc, const char *path)
{
    bool inside;
    char *p = ftl_report_relpath(sc->root, path, &inside);
    char *enc = uri_path(p);
    cJSON *o = cJSON_CreateObject();
    if (inside) {
        ftl_json_add_string(o, "uri", enc);
        ftl_json_add_string(o, "uriBaseId", SRCROOT);
    } else {
        char *uri = ftl_xasprintf("file://%s", enc);
        ftl_json_add_string(o, "uri", uri);
        free(uri);
    }
    free(enc);
    free(p);
    return o;
}

/* A byte column of a line of the loaded source in UTF-16 code units (unchanged when the line
 * cannot be read: the file changed or vanished since the analysis). */
static unsigned column_of(const sarif_ctx *sc, unsigned line, unsigned bytecol)
{
    const char *s;
    size_t n;
    if (!ftl_source_line(&sc->src, line, &s, &n))
        return bytecol;
    return ftl_utf16_column(s, n, bytecol);
}

static cJSON *region_json(const sarif_ctx *sc, unsigned line, unsigned col, unsigned end_line,
                          unsigned end_col)
{
    cJSON *o = cJSON_CreateObject();
    ftl_json_add_uint(o, "startLine", line ? line : 1);
    ftl_json_add_uint(o, "startColumn", column_of(sc, line, col ? col : 1));
    ftl_json_add_uint(o, "endLine", end_line ? end_line : 1);
    ftl_json_add_uint(o, "endColumn", column_of(sc, end_line, end_col ? end_col : 1));
    return o;
}

/* The rule's edits as one fix: text replacements whose regions are lines and UTF-16 columns
 * of the unmodified file (SARIF's charOffset counts characters, not the bytes ftlint has).
 * NULL when the file cannot be read to convert them. */
static cJSON *fix_json(const sarif_ctx *sc, const ftl_finding *f)
{
    if (!sc->src.text)
        return NULL;
    cJSON *fix = cJSON_CreateObject();
    bool safe = true;
    for (size_t i = 0; i < f->nedits; i++)
        safe = safe && f->edits[i].safe;
    add_message(fix, "description", f->help ? f->help : "apply the edits of the rule", NULL);
    cJSON *changes = cJSON_AddArrayToObject(fix, "artifactChanges");
    cJSON *change = cJSON_CreateObject();
    cJSON_AddItemToArray(changes, change);
    cJSON_AddItemToObject(change, "artifactLocation", artifact_location(sc, f->path));
    cJSON *reps = cJSON_AddArrayToObject(change, "replacements");
    for (size_t i = 0; i < f->nedits; i++) {
        const ftl_edit *e = &f->edits[i];
        unsigned l, c, el, ec;
        ftl_source_linecol(&sc->src, e->begin, &l, &c);
        ftl_source_linecol(&sc->src, e->end < e->begin ? e->begin : e->end, &el, &ec);
        cJSON *rep = cJSON_CreateObject();
        cJSON_AddItemToObject(rep, "deletedRegion", region_json(sc, l, c, el, ec));
        cJSON *ins = cJSON_AddObjectToObject(rep, "insertedContent");
        ftl_json_add_string(ins, "text", e->replacement ? e->replacement : "");
        cJSON_AddItemToArray(reps, rep);
    }
    cJSON *props = cJSON_AddObjectToObject(fix, "properties");
    cJSON_AddBoolToObject(props, "safe", safe);
    return fix;
}

/* ---- results and notifications ---------------------------------------------------------------- */

static cJSON *result_json(sarif_ctx *sc, const ftl_finding *f)
{
    ftl_source_load(&sc->src, f->path);
    cJSON *o = cJSON_CreateObject();
    ftl_json_add_string(o, "ruleId", f->rule->code);
    int idx = rule_index(f->rule);
    if (idx >= 0)
        cJSON_AddNumberToObject(o, "ruleIndex", idx);
    ftl_json_add_string(o, "level", level_of(f->severity));
    char *text = f->help ? ftl_xasprintf("%s\nhelp: %s", f->message, f->help)
                         : ftl_xstrdup(f->message);
    add_message(o, "message", text, NULL);
    free(text);

    cJSON *locs = cJSON_AddArrayToObject(o, "locations");
    cJSON *loc = cJSON_CreateObject();
    cJSON_AddItemToArray(locs, loc);
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON_AddItemToObject(phys, "artifactLocation", artifact_location(sc, f->path));
    cJSON_AddItemToObject(phys, "region",
                          region_json(sc, f->line, f->col, f->end_line, f->end_col));
    if (f->function) {
        cJSON *logs = cJSON_AddArrayToObject(loc, "logicalLocations");
        cJSON *lg = cJSON_CreateObject();
        ftl_json_add_string(lg, "name", f->function);
        ftl_json_add_string(lg, "kind", "function");
        cJSON_AddItemToArray(logs, lg);
    }

    cJSON *fp = cJSON_AddObjectToObject(o, "partialFingerprints");
    ftl_json_add_string(fp, FINGERPRINT_KEY, f->fingerprint ? f->fingerprint : "");
    if (f->nedits) {
        cJSON *fix = fix_json(sc, f);
        if (fix)
            cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "fixes"), fix);
    }
    return o;
}

static cJSON *notification_json(const sarif_ctx *sc, const ftl_file_entry *e)
{
    cJSON *o = cJSON_CreateObject();
    char *shown = ftl_report_relpath(sc->root, e->path, NULL), *text;
    const char *reason = e->reason ? e->reason : "unknown reason";
    const char *level;
    if (e->missing) {
        level = "error";
        text = ftl_xasprintf("%s: cannot be read: %s", shown, reason);
    } else if (e->status == FTL_FILE_FAILED) {
        level = "error";
        text = ftl_xasprintf("%s: could not be analysed: %s", shown, reason);
    } else if (e->status == FTL_FILE_SKIPPED) {
        level = "note";
        text = ftl_xasprintf("%s: skipped: %s", shown, reason);
    } else {
        level = "warning";
        text = ftl_xasprintf("%s: analysed as far as clang recovered from %u compiler error%s, "
                             "the first: %s", shown, e->nerrors, e->nerrors == 1 ? "" : "s",
                             reason);
    }
    ftl_json_add_string(o, "level", level);
    add_message(o, "message", text, NULL);
    cJSON *locs = cJSON_AddArrayToObject(o, "locations");
    cJSON *loc = cJSON_CreateObject();
    cJSON_AddItemToArray(locs, loc);
    cJSON *phys = cJSON_AddObjectToObject(loc, "physicalLocation");
    cJSON_AddItemToObject(phys, "artifactLocation", artifact_location(sc, e->path));
    free(text);
    free(shown);
    return o;
}

bool ftl_write_sarif(FILE *out, const ftl_run *run, const ftl_config *cfg)
{
    ftl_json_init();
    sarif_ctx sc = {0};
    sc.root = ftl_real_dir(cfg->source_root);

    cJSON *doc = cJSON_CreateObject();
    ftl_json_add_string(doc, "$schema", SARIF_SCHEMA);
    ftl_json_add_string(doc, "version", "2.1.0");
    cJSON *runs = cJSON_AddArrayToObject(doc, "runs");
    cJSON *r = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, r);

    cJSON *driver = cJSON_AddObjectToObject(cJSON_AddObjectToObject(r, "tool"), "driver");
    ftl_json_add_string(driver, "name", "ftlint");
    ftl_json_add_string(driver, "version", FTLINT_VERSION);
    ftl_json_add_string(driver, "semanticVersion", FTLINT_VERSION);
    ftl_json_add_string(driver, "informationUri", FTLINT_URL);
    cJSON *rules = cJSON_AddArrayToObject(driver, "rules");
    for (size_t i = 0; i < ftl_nrules; i++)
        cJSON_AddItemToArray(rules, rule_json(ftl_rules[i]));

    cJSON *inv = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(r, "invocations"), inv);
    size_t nfiles;
    bool success = true;
    ftl_file_entry *files = ftl_file_entries(run, &nfiles);
    cJSON *notes = cJSON_CreateArray();
    for (size_t i = 0; i < nfiles; i++) {
        if (files[i].status == FTL_FILE_OK)
            continue;
        if (files[i].status == FTL_FILE_FAILED)
            success = false;
        cJSON_AddItemToArray(notes, notification_json(&sc, &files[i]));
    }
    ftl_file_entries_free(files, nfiles);
    cJSON_AddBoolToObject(inv, "executionSuccessful", success);
    cJSON_AddItemToObject(inv, "toolExecutionNotifications", notes);

    if (sc.root) {
        cJSON *base = cJSON_AddObjectToObject(cJSON_AddObjectToObject(r, "originalUriBaseIds"),
                                              SRCROOT);
        char *enc = uri_path(sc.root);
        char *uri = ftl_xasprintf("file://%s%s", enc, strcmp(sc.root, "/") == 0 ? "" : "/");
        ftl_json_add_string(base, "uri", uri);
        free(uri);
        free(enc);
    }
    ftl_json_add_string(r, "columnKind", "utf16CodeUnits");
    ftl_json_add_string(r, "defaultEncoding", "utf-8");

    cJSON *results = cJSON_AddArrayToObject(r, "results");
    for (size_t i = 0; i < run->findings.n; i++)
        cJSON_AddItemToArray(results, result_json(&sc, &run->findings.v[i]));

    bool ok = ftl_json_print(out, doc);
    cJSON_Delete(doc);
    ftl_source_free(&sc.src);
    free(sc.root);
    return ok;
}
