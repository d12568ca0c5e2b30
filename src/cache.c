/* cache.c: the result cache on disk.
 *
 *   DIR/CACHEDIR.TAG, DIR/.gitignore    marks for backup tools and git
 *   DIR/results/KK/KEY.json             one entry per (file, arguments, configuration)
 *
 * KEY is the SHA-256 of the path as given, the working directory, every clang argument, the
 * prelude and the rule configuration. The entry records the ftlint identity (version, libclang
 * version and the SHA-256 of the executable, so a rebuilt ftlint never trusts an old entry),
 * the SHA-256 of the source and of every file clang included, the PCH headers used, and the
 * includes that found no file (checked by a probe parse: they must still find none). An
 * entry that fails any check (unreadable, corrupt, another format or identity, a changed file)
 * is a miss and is overwritten by the fresh result. */
#include "cache.h"
#include "graph.h"
#include "suppress.h"
#include "fsio.h"
#include "prelude.inc"
#include "runjson.h"
#include "util.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ENTRY_FORMAT "ftlint-cache-2"
#define PRELUDE_PATH_PREFIX "/ftlint-virtual/"

struct ftl_cache {
    char *dir;
    ftl_hashmemo *memo;
    ftl_pch *pch;
    char identity[FTL_HEX_LEN];
    char config[FTL_HEX_LEN];    /* rule configuration and prelude */
    char *cwd;
    pthread_mutex_t lock;
    ftl_cache_stats stats;
};

static const char cachedir_tag[] =
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ftlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n";

/* Writes a small marker file unless it already exists. */
static void ensure_file(const char *dir, const char *name, const char *text)
{
    char *p = ftl_xasprintf("%s/%s", dir, name);
    if (access(p, F_OK) != 0)
        ftl_write_atomic(p, text, strlen(text));
    free(p);
}

/* Everything in the configuration that changes findings without changing clang's arguments.
 * (Arguments, including -D/-U/-I/--std, Py_GIL_DISABLED and the Python include directory, are
 * hashed per file.) */
static void hash_config(const ftl_config *cfg, char out[FTL_HEX_LEN])
{
    ftl_sha256 s;
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, ENTRY_FORMAT);
    ftl_sha256_field(&s, ftl_prelude_text);
    ftl_sha256_field(&s, "rules");
    for (size_t i = 0; i < ftl_nrules; i++)
        if (cfg->enabled[i])
            ftl_sha256_field(&s, ftl_rules[i]->code);
    ftl_sha256_field(&s, "fresh-functions");
    for (size_t i = 0; i < cfg->fresh_functions.n; i++)
        ftl_sha256_field(&s, cfg->fresh_functions.v[i]);
    ftl_sha256_field(&s, "lock-functions");
    for (size_t i = 0; i < cfg->nlock_pairs; i++) {
        char kind[32];
        snprintf(kind, sizeof kind, "%d/%d", (int)cfg->lock_pairs[i].kind, cfg->lock_pairs[i].objarg);
        ftl_sha256_field(&s, cfg->lock_pairs[i].lock);
        ftl_sha256_field(&s, cfg->lock_pairs[i].unlock);
        ftl_sha256_field(&s, kind);
    }
    ftl_sha256_final(&s, out);
}

/* Version, libclang version and the executable's own bytes. */
static bool hash_identity(char out[FTL_HEX_LEN])
{
    size_t len;
    char *exe = ftl_read_file("/proc/self/exe", &len);
    if (!exe)
        return false;
    char exe_hex[FTL_HEX_LEN];
    ftl_sha256_hex(exe, len, exe_hex);
    free(exe);
    char *clang = ftl_cxstr(clang_getClangVersion());
    ftl_sha256 s;
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, FTLINT_VERSION);
    ftl_sha256_field(&s, clang);
    ftl_sha256_field(&s, exe_hex);
    ftl_sha256_final(&s, out);
    free(clang);
    return true;
}

ftl_cache *ftl_cache_open(const char *dir, const ftl_config *cfg, ftl_hashmemo *memo, ftl_pch *pch,
                          char **err)
{
    char *results = ftl_xasprintf("%s/results", dir);
    bool ok = ftl_mkdirs(results);
    int e = errno;
    free(results);
    if (!ok) {
        *err = ftl_xasprintf("cannot create '%s': %s", dir, strerror(e));
        return NULL;
    }
    ftl_cache *c = ftl_xcalloc(1, sizeof *c);
    if (!hash_identity(c->identity)) {
        *err = ftl_xasprintf("cannot read the ftlint executable to identify this build: %s",
                             strerror(errno));
        free(c);
        return NULL;
    }
    ensure_file(dir, "CACHEDIR.TAG", cachedir_tag);
    ensure_file(dir, ".gitignore", "# created by ftlint: never commit the cache\n*\n");
    c->dir = ftl_xstrdup(dir);
    c->memo = memo;
    c->pch = pch;
    hash_config(cfg, c->config);
    char cwd[PATH_MAX];
    c->cwd = ftl_xstrdup(getcwd(cwd, sizeof cwd) ? cwd : "");
    pthread_mutex_init(&c->lock, NULL);
    return c;
}

void ftl_cache_close(ftl_cache *c)
{
    if (!c)
        return;
    free(c->dir);
    free(c->cwd);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

void ftl_cache_get_stats(ftl_cache *c, ftl_cache_stats *st)
{
    pthread_mutex_lock(&c->lock);
    *st = c->stats;
    pthread_mutex_unlock(&c->lock);
}

static void count(ftl_cache *c, size_t *field)
{
    pthread_mutex_lock(&c->lock);
    (*field)++;
    pthread_mutex_unlock(&c->lock);
}

static void entry_key(const ftl_cache *c, const char *path, const ftl_strv *args,
                      char key[FTL_HEX_LEN])
{
    ftl_sha256 s;
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, c->config);
    ftl_sha256_field(&s, c->cwd);
    ftl_sha256_field(&s, path);
    for (size_t i = 0; i < args->n; i++)
        ftl_sha256_field(&s, args->v[i]);
    ftl_sha256_final(&s, key);
}

/* DIR/results/KK/KEY.json (caller frees); with dir_only, DIR/results/KK. */
static char *entry_path(const ftl_cache *c, const char *key, bool dir_only)
{
    if (dir_only)
        return ftl_xasprintf("%s/results/%.2s", c->dir, key);
    return ftl_xasprintf("%s/results/%.2s/%s.json", c->dir, key, key);
}

static bool str_is(const cJSON *o, const char *name, const char *want)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    return v && strcmp(v, want) == 0;
}

/* Checks every recorded dependency against the files as they are now. */
static bool deps_current(ftl_cache *c, const cJSON *root)
{
    const cJSON *pch = cJSON_GetObjectItemCaseSensitive(root, "pch");
    if (!cJSON_IsNull(pch)) {
        const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pch, "key"));
        const char *d = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pch, "deps"));
        if (!c->pch || !k || !d || !ftl_is_sha256_hex(k) || !ftl_is_sha256_hex(d))
            return false;
        ftl_pch_ref ref;
        memcpy(ref.key, k, FTL_HEX_LEN);
        memcpy(ref.deps_id, d, FTL_HEX_LEN);
        if (!ftl_pch_ref_current(c->pch, &ref))
            return false;
    }
    const cJSON *deps = cJSON_GetObjectItemCaseSensitive(root, "deps");
    if (!cJSON_IsArray(deps))
        return false;
    const cJSON *o;
    cJSON_ArrayForEach(o, deps) {
        const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "path"));
        const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "sha256"));
        char now[FTL_HEX_LEN];
        if (!p || !h || !ftl_hashmemo_file(c->memo, p, now) || strcmp(now, h) != 0)
            return false;
    }
    return true;
}

/* ---- includes that found no file ------------------------------------------------------------ */

/* Such an include is a dependency on a file's absence: the result changes when the header
 * appears, and no recorded file changes then. The entry records each one (the directory of the
 * file that wrote it, the name, <> or ""); reuse requires that a probe parse, placed in the same
 * directory and given the same arguments, still finds none of them. */

typedef struct miss_scan {
    CXTranslationUnit tu;
    cJSON *arr;
    bool ok;                     /* false: one that cannot be described (computed, include_next) */
} miss_scan;

static enum CXChildVisitResult on_missing(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    miss_scan *ms = data;
    if (clang_getCursorKind(c) != CXCursor_InclusionDirective || clang_getIncludedFile(c))
        return CXChildVisit_Continue;
    CXSourceRange r = clang_getCursorExtent(c);
    CXFile f = NULL;
    unsigned b = 0, e = 0;
    clang_getFileLocation(clang_getRangeStart(r), &f, NULL, NULL, &b);
    clang_getFileLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &e);
    size_t len = 0;
    const char *text = f ? clang_getFileContents(ms->tu, f, &len) : NULL;
    char *file = f ? ftl_cxstr(clang_getFileName(f)) : NULL;
    char *name = ftl_cxstr(clang_getCursorSpelling(c));
    ms->ok = false;
    if (!text || e > len || e <= b || !file || !strchr(file, '/') ||
        strncmp(file, PRELUDE_PATH_PREFIX, strlen(PRELUDE_PATH_PREFIX)) == 0 || !name[0] ||
        strpbrk(name, "\"<>\n\r"))
        goto done;
    /* "#  include <name>" or "include "name"": nothing else (include_next, import, a macro). */
    const char *p = text + b, *end = text + e;
    while (p < end && (*p == '#' || *p == ' ' || *p == '\t'))
        p++;
    if ((size_t)(end - p) < 8 || strncmp(p, "include", 7) != 0)
        goto done;
    p += 7;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= end || (*p != '<' && *p != '"'))
        goto done;
    cJSON *o = cJSON_CreateObject();
    char *slash = strrchr(file, '/');
    *slash = '\0';
    cJSON_AddStringToObject(o, "from", slash == file ? "/" : file);
    cJSON_AddStringToObject(o, "name", name);
    cJSON_AddBoolToObject(o, "angled", *p == '<');
    cJSON_AddItemToArray(ms->arr, o);
    ms->ok = true;
done:
    free(file);
    free(name);
    return ms->ok ? CXChildVisit_Continue : CXChildVisit_Break;
}

typedef struct found_scan {
    bool found;
} found_scan;

static void on_probe_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
    (void)f;
    (void)stack;
    if (depth > 0)
        ((found_scan *)d)->found = true;
}

/* Parses a probe holding the includes in text, as a file in directory from: true when none of
 * them found a file. KeepGoing: a missing include must not stop the ones after it. */
static bool probe_finds_nothing(CXIndex index, const ftl_strv *args, const char *from,
                                const char *text)
{
    char *probe = ftl_xasprintf("%s%sftlint-include-probe.c", from,
                                strcmp(from, "/") == 0 ? "" : "/");
    struct CXUnsavedFile u = {probe, text, (unsigned long)strlen(text)};
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = ftl_parse_argv(index, false, probe, args, &u, 1,
                                         CXTranslationUnit_KeepGoing, &tu);
    found_scan fs = {ec != CXError_Success || !tu};   /* cannot tell: not provably missing */
    if (tu) {
        clang_getInclusions(tu, on_probe_inclusion, &fs);
        clang_disposeTranslationUnit(tu);
    }
    free(probe);
    return !fs.found;
}

/* True when every recorded missing include would still find no file: one probe per directory
 * the includes were written in. */
static bool still_missing(CXIndex index, const ftl_strv *args, const cJSON *missing)
{
    if (!cJSON_IsArray(missing))
        return false;
    int n = cJSON_GetArraySize(missing);
    if (n == 0)
        return true;
    /* The file's arguments without the prelude: only the header search matters. */
    ftl_strv pargs = {0};
    for (size_t i = 0; i < args->n; i++) {
        if (strcmp(args->v[i], "-include") == 0 && i + 1 < args->n &&
            strncmp(args->v[i + 1], PRELUDE_PATH_PREFIX, strlen(PRELUDE_PATH_PREFIX)) == 0) {
            i++;
            continue;
        }
        ftl_strv_push(&pargs, args->v[i]);
    }
    bool *done = ftl_xcalloc((size_t)n, sizeof *done), ok = true;
    for (int i = 0; i < n && ok; i++) {
        if (done[i])
            continue;
        const char *from = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(missing, i), "from"));
        ftl_buf text = {0};
        for (int k = i; k < n && ok; k++) {
            const cJSON *o = cJSON_GetArrayItem(missing, k);
            const char *f = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "from"));
            const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "name"));
            const cJSON *angled = cJSON_GetObjectItemCaseSensitive(o, "angled");
            if (!from || from[0] != '/' || !f || !name || !name[0] ||
                strpbrk(name, "\"<>\n\r") || !cJSON_IsBool(angled)) {
                ok = false;
                break;
            }
            if (strcmp(f, from) != 0)
                continue;
            done[k] = true;
            if (cJSON_IsTrue(angled))
                ftl_buf_printf(&text, "#include <%s>\n", name);
            else
                ftl_buf_printf(&text, "#include \"%s\"\n", name);
        }
        if (ok)
            ok = probe_finds_nothing(index, &pargs, from, text.s);
        ftl_buf_free(&text);
    }
    free(done);
    ftl_strv_free(&pargs);
    return ok;
}

/* Decodes the stored outcome; false (nothing appended) when any part is malformed. */
static bool decode(const cJSON *root, ftl_findings *out, ftl_file_result *res)
{
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(root, "result");
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(root, "findings");
    ftl_file_result r;
    if (!cJSON_IsArray(findings) || !ftl_file_result_from_json(result, &r))
        return false;
    if (r.status != FTL_FILE_OK && r.status != FTL_FILE_HAD_ERRORS) {
        ftl_file_result_free(&r);
        return false;
    }
    ftl_graph *graph = ftl_graph_from_json(cJSON_GetObjectItemCaseSensitive(root, "graph"));
    struct ftl_suppressions *sup = NULL;
    if (!graph || !ftl_suppressions_from_json(cJSON_GetObjectItemCaseSensitive(root, "suppressions"), &sup)) {
        ftl_graph_free(graph);
        ftl_file_result_free(&r);
        return false;
    }
    size_t n0 = out->n;
    const cJSON *o;
    cJSON_ArrayForEach(o, findings) {
        ftl_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v);
        if (!ftl_finding_from_json(o, &out->v[out->n])) {
            while (out->n > n0)
                ftl_finding_free(&out->v[--out->n]);
            ftl_file_result_free(&r);
            ftl_graph_free(graph);
            ftl_suppressions_free(sup);
            return false;
        }
        out->n++;
    }
    res->status = r.status;
    res->nerrors = r.nerrors;
    free(res->reason);
    res->reason = r.reason;
    r.reason = NULL;
    ftl_strv_free(&res->errors);
    res->errors = r.errors;
    ftl_graph_free(res->graph);
    res->graph = graph;
    ftl_suppressions_free(res->suppressions);
    res->suppressions = sup;
    memset(&r.errors, 0, sizeof r.errors);
    ftl_file_result_free(&r);
    return true;
}

bool ftl_cache_get(ftl_cache *c, CXIndex index, const char *path, const ftl_strv *args,
                   const char *text, size_t len, ftl_findings *out, ftl_file_result *res)
{
    char key[FTL_HEX_LEN], src[FTL_HEX_LEN];
    entry_key(c, path, args, key);
    char *file = entry_path(c, key, false);
    size_t n;
    char *json = ftl_read_file(file, &n);
    free(file);
    if (!json) {
        count(c, &c->stats.misses);
        return false;
    }
    cJSON *root = ftl_json_parse(json, n);
    free(json);
    bool hit = false, invalid = true;
    if (!cJSON_IsObject(root) || !str_is(root, "format", ENTRY_FORMAT) ||
        !str_is(root, "identity", c->identity) || !str_is(root, "key", key) ||
        !str_is(root, "path", path))
        goto done;
    invalid = false;
    ftl_sha256_hex(text, len, src);
    if (!str_is(root, "source", src) || !deps_current(c, root) ||
        !still_missing(index, args, cJSON_GetObjectItemCaseSensitive(root, "missing")))
        goto done;
    invalid = true;              /* from here on, a failure means a malformed entry */
    if (!decode(root, out, res))
        goto done;
    hit = true;
    invalid = false;
done:
    cJSON_Delete(root);
    pthread_mutex_lock(&c->lock);
    if (hit)
        c->stats.hits++;
    else
        c->stats.misses++;
    if (!hit && invalid)
        c->stats.invalid++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

/* ---- storing -------------------------------------------------------------------------------- */

typedef struct dep_scan {
    CXTranslationUnit tu;
    cJSON *deps;
    ftl_strv seen;
    bool ok;
} dep_scan;

static void on_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    dep_scan *sc = data;
    (void)stack;
    if (depth == 0 || !sc->ok)
        return;                  /* the main file: hashed from the text we parsed */
    char *name = ftl_cxstr(clang_getFileName(f));
    if (strncmp(name, PRELUDE_PATH_PREFIX, strlen(PRELUDE_PATH_PREFIX)) == 0 ||
        ftl_strv_contains(&sc->seen, name)) {
        free(name);
        return;
    }
    size_t len = 0;
    const char *text = clang_getFileContents(sc->tu, f, &len);
    if (!text) {
        sc->ok = false;
        free(name);
        return;
    }
    char hex[FTL_HEX_LEN];
    ftl_sha256_hex(text, len, hex);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", name);
    cJSON_AddStringToObject(o, "sha256", hex);
    cJSON_AddItemToArray(sc->deps, o);
    ftl_strv_push(&sc->seen, name);
    free(name);
}

void ftl_cache_put(ftl_cache *c, const char *path, const ftl_strv *args, const char *text,
                   size_t len, CXTranslationUnit tu, const ftl_pch_ref *pch,
                   const ftl_finding *fs, size_t nfs, const ftl_file_result *res)
{
    if (res->status != FTL_FILE_OK && res->status != FTL_FILE_HAD_ERRORS) {
        count(c, &c->stats.not_stored);
        return;
    }
    miss_scan ms = {tu, cJSON_CreateArray(), true};
    clang_visitChildren(clang_getTranslationUnitCursor(tu), on_missing, &ms);
    if (!ms.ok) {
        cJSON_Delete(ms.arr);
        count(c, &c->stats.not_stored);
        return;
    }
    char key[FTL_HEX_LEN], src[FTL_HEX_LEN];
    entry_key(c, path, args, key);
    ftl_sha256_hex(text, len, src);
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", ENTRY_FORMAT);
    cJSON_AddStringToObject(root, "identity", c->identity);
    cJSON_AddStringToObject(root, "key", key);
    cJSON_AddStringToObject(root, "path", path);
    cJSON_AddStringToObject(root, "source", src);
    if (pch && pch->key[0]) {
        cJSON *p = cJSON_AddObjectToObject(root, "pch");
        cJSON_AddStringToObject(p, "key", pch->key);
        cJSON_AddStringToObject(p, "deps", pch->deps_id);
    } else {
        cJSON_AddNullToObject(root, "pch");
    }
    cJSON_AddItemToObject(root, "missing", ms.arr);
    dep_scan sc = {tu, cJSON_AddArrayToObject(root, "deps"), {0}, true};
    clang_getInclusions(tu, on_inclusion, &sc);
    ftl_strv_free(&sc.seen);
    cJSON_AddItemToObject(root, "result", ftl_file_result_to_json(res));
    /* What the run combines over all files: the call graph and the suppression comments. */
    cJSON_AddItemToObject(root, "graph", ftl_graph_to_json(res->graph));
    cJSON_AddItemToObject(root, "suppressions", ftl_suppressions_to_json(res->suppressions));
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < nfs; i++)
        cJSON_AddItemToArray(arr, ftl_finding_to_json(&fs[i]));
    char *json = sc.ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!json) {
        count(c, &c->stats.write_failed);
        return;
    }
    char *dir = entry_path(c, key, true), *file = entry_path(c, key, false);
    bool ok = ftl_mkdirs(dir) && ftl_write_atomic(file, json, strlen(json));
    count(c, ok ? &c->stats.stored : &c->stats.write_failed);
    free(dir);
    free(file);
    free(json);
}
