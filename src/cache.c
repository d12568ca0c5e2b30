/* cache.c: the result cache on disk.
 *
 *   DIR/CACHEDIR.TAG, DIR/.gitignore    marks for backup tools and git
 *   DIR/results/KK/KEY.json             one entry per (file, arguments, configuration)
 *
 * KEY is the SHA-256 of the path as given, the working directory, every clang argument, the
 * prelude and the rule configuration. The entry records the ftlint identity (version, libclang
 * version and the SHA-256 of the executable, so a rebuilt ftlint never trusts an old entry),
 * the SHA-256 of the source and of every file clang included, and the PCH headers used. An
 * entry that fails any check (unreadable, corrupt, another format or identity, a changed file)
 * is a miss and is overwritten by the fresh result. */
#include "cache.h"
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

#define ENTRY_FORMAT "ftlint-cache-1"
#define PRELUDE_PATH_PREFIX "/ftlint-virtual/"

struct ftl_cache {
    char *dir;
    const ftl_config *cfg;
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
    c->cfg = cfg;
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
    size_t n0 = out->n;
    const cJSON *o;
    cJSON_ArrayForEach(o, findings) {
        ftl_grow((void **)&out->v, &out->cap, out->n + 1, sizeof *out->v);
        if (!ftl_finding_from_json(o, &out->v[out->n])) {
            while (out->n > n0)
                ftl_finding_release(&out->v[--out->n]);
            ftl_file_result_free(&r);
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
    memset(&r.errors, 0, sizeof r.errors);
    ftl_file_result_free(&r);
    return true;
}

bool ftl_cache_get(ftl_cache *c, const char *path, const ftl_strv *args, const char *text,
                   size_t len, ftl_findings *out, ftl_file_result *res)
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
    cJSON *root = cJSON_ParseWithLength(json, n);
    free(json);
    bool hit = false, invalid = true;
    if (!cJSON_IsObject(root) || !str_is(root, "format", ENTRY_FORMAT) ||
        !str_is(root, "identity", c->identity) || !str_is(root, "key", key) ||
        !str_is(root, "path", path))
        goto done;
    invalid = false;
    ftl_sha256_hex(text, len, src);
    if (!str_is(root, "source", src) || !deps_current(c, root))
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

static bool has_fatal(CXTranslationUnit tu)
{
    unsigned nd = clang_getNumDiagnostics(tu);
    bool fatal = false;
    for (unsigned i = 0; i < nd && !fatal; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        fatal = clang_getDiagnosticSeverity(d) == CXDiagnostic_Fatal;
        clang_disposeDiagnostic(d);
    }
    return fatal;
}

void ftl_cache_put(ftl_cache *c, const char *path, const ftl_strv *args, const char *text,
                   size_t len, CXTranslationUnit tu, const ftl_pch_ref *pch,
                   const ftl_finding *fs, size_t nfs, const ftl_file_result *res)
{
    if ((res->status != FTL_FILE_OK && res->status != FTL_FILE_HAD_ERRORS) || has_fatal(tu)) {
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
    dep_scan sc = {tu, cJSON_AddArrayToObject(root, "deps"), {0}, true};
    clang_getInclusions(tu, on_inclusion, &sc);
    ftl_strv_free(&sc.seen);
    cJSON_AddItemToObject(root, "result", ftl_file_result_to_json(res));
    cJSON *arr = cJSON_AddArrayToObject(root, "findings");
    for (size_t i = 0; i < nfs; i++)
        cJSON_AddItemToArray(arr, ftl_finding_to_json(&fs[i]));
    char *json = sc.ok ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!json) {
        count(c, &c->stats.not_stored);
        return;
    }
    char *dir = entry_path(c, key, true), *file = entry_path(c, key, false);
    bool ok = ftl_mkdirs(dir) && ftl_write_atomic(file, json, strlen(json));
    count(c, ok ? &c->stats.stored : &c->stats.not_stored);
    free(dir);
    free(file);
    free(json);
}
