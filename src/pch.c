/* pch.c: the precompiled-header store. A PCH of the prelude is keyed on everything that can
 * change how it reads: the libclang version, the ftlint version, the prelude text, the language,
 * every clang argument (-D/-U/-I/-std, the Python include directory, Py_GIL_DISABLED...), the
 * parse options and the working directory (relative -I paths). On disk each key has KEY.pch and
 * a manifest KEY.json listing the headers it was built from with their SHA-256, and the PCH's
 * own SHA-256; a PCH is used only after both are checked, and a PCH that fails to load is
 * dropped and the file parsed plainly. The manifest is what makes reuse safe: clang checks a
 * PCH's headers only lazily (a changed header whose declarations a file does not touch goes
 * unnoticed), and never by content. */
#include "pch.h"
#include "fsio.h"
#include "runjson.h"
#include "util.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MANIFEST_FORMAT "ftlint-pch-1"

enum slot_state { S_EMPTY, S_BUILDING, S_READY, S_FAILED };

/* What this run knows about one key. */
typedef struct slot {
    char key[FTL_HEX_LEN];
    enum slot_state state;
    char deps_id[FTL_HEX_LEN];   /* READY: the headers behind the PCH in use */
    bool manifest_checked;       /* for ftl_pch_ref_current: the manifest on disk was read */
    bool manifest_current;
    char manifest_deps_id[FTL_HEX_LEN];
} slot;

struct ftl_pch {
    char *dir;
    bool own_dir;                /* a private temporary directory, removed at the end */
    ftl_hashmemo *memo;
    char *clang_version;
    char *cwd;
    pthread_mutex_t lock;
    slot **slots;
    size_t nslots, capslots;
    ftl_pch_stats stats;
};

ftl_pch *ftl_pch_new(const char *dir, ftl_hashmemo *memo, char **err)
{
    char *d = NULL;
    bool own = false;
    if (dir) {
        if (!ftl_mkdirs(dir)) {
            *err = ftl_xasprintf("cannot create '%s': %s", dir, strerror(errno));
            return NULL;
        }
        d = ftl_xstrdup(dir);
    } else {
        const char *tmp = getenv("TMPDIR");
        char *tmpl = ftl_xasprintf("%s/ftlint-pch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(tmpl)) {
            *err = ftl_xasprintf("cannot create a temporary directory (%s): %s", tmpl,
                                 strerror(errno));
            free(tmpl);
            return NULL;
        }
        d = tmpl;
        own = true;
    }
    ftl_pch *p = ftl_xcalloc(1, sizeof *p);
    p->dir = d;
    p->own_dir = own;
    p->memo = memo;
    p->clang_version = ftl_cxstr(clang_getClangVersion());
    char cwd[PATH_MAX];
    p->cwd = ftl_xstrdup(getcwd(cwd, sizeof cwd) ? cwd : "");
    pthread_mutex_init(&p->lock, NULL);
    return p;
}

void ftl_pch_free(ftl_pch *p)
{
    if (!p)
        return;
    if (p->own_dir)
        ftl_remove_tree(p->dir);
    for (size_t i = 0; i < p->nslots; i++)
        free(p->slots[i]);
    free(p->slots);
    free(p->dir);
    free(p->clang_version);
    free(p->cwd);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void ftl_pch_get_stats(ftl_pch *p, ftl_pch_stats *st)
{
    pthread_mutex_lock(&p->lock);
    *st = p->stats;
    pthread_mutex_unlock(&p->lock);
}

/* Call with the lock held. */
static slot *slot_for(ftl_pch *p, const char *key)
{
    for (size_t i = 0; i < p->nslots; i++)
        if (strcmp(p->slots[i]->key, key) == 0)
            return p->slots[i];
    ftl_grow((void **)&p->slots, &p->capslots, p->nslots + 1, sizeof *p->slots);
    slot *s = ftl_xcalloc(1, sizeof *s);
    memcpy(s->key, key, FTL_HEX_LEN);
    p->slots[p->nslots++] = s;
    return s;
}

static char *file_of(const ftl_pch *p, const char *key, const char *ext)
{
    return ftl_xasprintf("%s/%s.%s", p->dir, key, ext);
}

/* ---- arguments ------------------------------------------------------------------------------ */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The language clang gives a main file without -x, when it is C or C++; NULL otherwise. */
static const char *language_of(const char *path)
{
    if (has_suffix(path, ".c"))
        return "c";
    static const char *const cxx[] = {".cc", ".cpp", ".cxx", ".C", ".c++", ".CC", ".cp", NULL};
    for (const char *const *e = cxx; *e; e++)
        if (has_suffix(path, *e))
            return "c++";
    return NULL;
}

/* How a file's arguments relate to the prelude. */
typedef struct argscan {
    size_t first;                /* 1 when args[0] is the compiler (full argv), else 0 */
    size_t inc_at;               /* index of "-include" before the prelude */
    size_t lang_at;              /* index of the value after "-x", or SIZE_MAX when absent */
    const char *lang;            /* "c" or "c++" */
} argscan;

/* Finds `-include PRELUDE` and the language (one `-x c` or `-x c++`, or without -x the file's
 * extension). False when a PCH could not be provably equivalent: anything included before the
 * prelude, a user PCH or modules, options that pass arguments through unseen (-Xclang), another
 * language, several -x. */
static bool analyse_args(const ftl_strv *args, bool full_argv, const char *path,
                         const char *prelude_path, argscan *sc)
{
    sc->first = full_argv ? 1 : 0;
    sc->inc_at = sc->lang_at = SIZE_MAX;
    sc->lang = NULL;
    for (size_t i = sc->first; i < args->n; i++) {
        const char *a = args->v[i];
        if (strcmp(a, "-x") == 0) {
            if (sc->lang_at != SIZE_MAX || i + 1 >= args->n)
                return false;
            const char *l = args->v[i + 1];
            if (strcmp(l, "c") != 0 && strcmp(l, "c++") != 0)
                return false;
            sc->lang = l;
            sc->lang_at = ++i;
            continue;
        }
        if (starts(a, "-x") || starts(a, "--language") || starts(a, "-Xclang") ||
            starts(a, "-include-pch") || starts(a, "-fmodule") || starts(a, "-fpch") ||
            starts(a, "-emit") || starts(a, "--driver-mode"))
            return false;
        if (strcmp(a, "-include") == 0 && i + 1 < args->n && sc->inc_at == SIZE_MAX) {
            if (strcmp(args->v[i + 1], prelude_path) != 0)
                return false;            /* another file first */
            sc->inc_at = i++;
            continue;
        }
        if (starts(a, "-include") || starts(a, "--include") || starts(a, "-imacros") ||
            starts(a, "--imacros")) {
            if (sc->inc_at == SIZE_MAX)
                return false;
            if (strcmp(a, "-include") == 0 || strcmp(a, "-imacros") == 0)
                i++;                     /* after the prelude: the same either way */
        }
    }
    if (!sc->lang)
        sc->lang = language_of(path);
    return sc->inc_at != SIZE_MAX && sc->lang != NULL;
}

static void compute_key(const ftl_pch *p, const ftl_strv *args, const argscan *sc,
                        const char *prelude_path, const char *prelude_text, unsigned options,
                        char key[FTL_HEX_LEN])
{
    ftl_sha256 s;
    ftl_sha256_init(&s);
    ftl_sha256_field(&s, MANIFEST_FORMAT);
    ftl_sha256_field(&s, sc->lang);
    ftl_sha256_field(&s, sc->first ? "full-argv" : "args");
    ftl_sha256_field(&s, FTLINT_VERSION);
    ftl_sha256_field(&s, p->clang_version);
    ftl_sha256_field(&s, p->cwd);
    ftl_sha256_field(&s, prelude_path);
    ftl_sha256_field(&s, prelude_text);
    char opts[32];
    snprintf(opts, sizeof opts, "%u", options);
    ftl_sha256_field(&s, opts);
    for (size_t i = 0; i < args->n; i++)
        ftl_sha256_field(&s, args->v[i]);
    ftl_sha256_final(&s, key);
}

/* ---- dependencies --------------------------------------------------------------------------- */

typedef struct dep {
    char *path;
    char hex[FTL_HEX_LEN];
} dep;

typedef struct deplist {
    dep *v;
    size_t n, cap;
} deplist;

static void deps_free(deplist *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->v[i].path);
    free(d->v);
    memset(d, 0, sizeof *d);
}

static int cmp_dep(const void *a, const void *b)
{
    return strcmp(((const dep *)a)->path, ((const dep *)b)->path);
}

/* Sorts, drops repeated paths and computes the digest naming the whole set. */
static void deps_finish(deplist *d, char id[FTL_HEX_LEN])
{
    if (d->n)
        qsort(d->v, d->n, sizeof *d->v, cmp_dep);
    size_t w = 0;
    for (size_t r = 0; r < d->n; r++) {
        if (w && strcmp(d->v[w - 1].path, d->v[r].path) == 0) {
            free(d->v[r].path);
            continue;
        }
        d->v[w++] = d->v[r];
    }
    d->n = w;
    ftl_sha256 s;
    ftl_sha256_init(&s);
    for (size_t i = 0; i < d->n; i++) {
        ftl_sha256_field(&s, d->v[i].path);
        ftl_sha256_field(&s, d->v[i].hex);
    }
    ftl_sha256_final(&s, id);
}

typedef struct inc_scan {
    CXTranslationUnit tu;
    const char *skip;            /* the virtual prelude: no file on disk */
    deplist *out;
    bool ok;
} inc_scan;

static void on_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    (void)stack;
    (void)depth;
    inc_scan *sc = data;
    char *name = ftl_cxstr(clang_getFileName(f));
    if (strcmp(name, sc->skip) == 0) {
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
    deplist *d = sc->out;
    ftl_grow((void **)&d->v, &d->cap, d->n + 1, sizeof *d->v);
    d->v[d->n].path = name;
    ftl_sha256_hex(text, len, d->v[d->n].hex);
    d->n++;
}

/* ---- manifests ------------------------------------------------------------------------------ */

static bool write_manifest(ftl_pch *p, const char *key, const char *pch_hex, const deplist *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", MANIFEST_FORMAT);
    cJSON_AddStringToObject(root, "key", key);
    cJSON_AddStringToObject(root, "pch_sha256", pch_hex);
    cJSON *arr = cJSON_AddArrayToObject(root, "deps");
    for (size_t i = 0; i < d->n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", d->v[i].path);
        cJSON_AddStringToObject(o, "sha256", d->v[i].hex);
        cJSON_AddItemToArray(arr, o);
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    bool ok = false;
    if (text) {
        char *path = file_of(p, key, "json");
        ok = ftl_write_atomic(path, text, strlen(text));
        free(path);
        free(text);
    }
    return ok;
}

/* Reads KEY.json and checks that every header it lists still has the recorded content. On
 * success fills deps_id (recomputed, never taken from the file) and pch_hex. */
static bool read_manifest(ftl_pch *p, const char *key, char deps_id[FTL_HEX_LEN],
                          char pch_hex[FTL_HEX_LEN])
{
    char *path = file_of(p, key, "json");
    size_t len;
    char *text = ftl_read_file(path, &len);
    free(path);
    if (!text)
        return false;
    cJSON *root = ftl_json_parse(text, len);
    free(text);
    deplist d = {0};
    bool ok = false;
    if (!cJSON_IsObject(root))
        goto done;
    const char *fmt = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "format"));
    const char *k = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "key"));
    const char *ph = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "pch_sha256"));
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "deps");
    if (!fmt || strcmp(fmt, MANIFEST_FORMAT) != 0 || !k || strcmp(k, key) != 0 || !ph ||
        !ftl_is_sha256_hex(ph) || !cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0)
        goto done;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr) {
        const char *dp = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "path"));
        const char *dh = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "sha256"));
        char now[FTL_HEX_LEN];
        if (!dp || !dh || !ftl_hashmemo_file(p->memo, dp, now) || strcmp(now, dh) != 0)
            goto done;
        ftl_grow((void **)&d.v, &d.cap, d.n + 1, sizeof *d.v);
        d.v[d.n].path = ftl_xstrdup(dp);
        memcpy(d.v[d.n].hex, now, FTL_HEX_LEN);
        d.n++;
    }
    deps_finish(&d, deps_id);
    memcpy(pch_hex, ph, FTL_HEX_LEN);
    ok = true;
done:
    deps_free(&d);
    cJSON_Delete(root);
    return ok;
}

/* ---- building and loading ------------------------------------------------------------------- */

/* Puts the working directory back to `before` when it is elsewhere; true when it was. */
static bool restore_cwd(const char *before)
{
    char *now = getcwd(NULL, 0);
    bool moved = !now || strcmp(now, before) != 0;
    free(now);
    if (moved && chdir(before) != 0)
        fprintf(stderr, "ftlint: libclang changed the working directory and it cannot be "
                        "restored: %s\n", strerror(errno));
    return moved;
}

enum CXErrorCode ftl_parse_argv(CXIndex index, bool full_argv, const char *path,
                                const ftl_strv *args, struct CXUnsavedFile *unsaved,
                                unsigned nunsaved, unsigned options, CXTranslationUnit *tu)
{
    const char *const *v = (const char *const *)args->v;
    char *before = getcwd(NULL, 0);
    enum CXErrorCode ec =
        full_argv ? clang_parseTranslationUnit2FullArgv(index, path, v, (int)args->n, unsaved,
                                                        nunsaved, options, tu)
                  : clang_parseTranslationUnit2(index, path, v, (int)args->n, unsaved, nunsaved,
                                                options, tu);
    if (before) {
        restore_cwd(before);
        free(before);
    }
    return ec;
}

bool ftl_libclang_changes_cwd(void)
{
    static const char probe_text[] = "int ftlint_probe;\n";
    char *before = getcwd(NULL, 0);
    if (!before)
        return false;
    CXIndex index = clang_createIndex(0, 0);
    ftl_strv args = {0};
    ftl_strv_push(&args, "-working-directory=/");
    struct CXUnsavedFile u = {"/ftlint-virtual/cwd-probe.c", probe_text, sizeof probe_text - 1};
    CXTranslationUnit tu = NULL;
    /* Called directly, not through ftl_parse_argv: that one would hide the change. */
    clang_parseTranslationUnit2(index, u.Filename, (const char *const *)args.v, (int)args.n, &u, 1,
                                0, &tu);
    bool changes = restore_cwd(before);
    if (tu)
        clang_disposeTranslationUnit(tu);
    clang_disposeIndex(index);
    ftl_strv_free(&args);
    free(before);
    return changes;
}

/* Builds KEY.pch and KEY.json from the prelude parsed as a header with bargs. */
static bool build(ftl_pch *p, const char *key, CXIndex index, bool full_argv,
                  const ftl_strv *bargs, const char *prelude_path, const char *prelude_text,
                  unsigned options, char deps_id[FTL_HEX_LEN])
{
    struct CXUnsavedFile u = {prelude_path, prelude_text, (unsigned long)strlen(prelude_text)};
    CXTranslationUnit tu = NULL;
    deplist d = {0};
    char *final = file_of(p, key, "pch"), *tmp = NULL;
    bool ok = false;
    /* Incomplete: a prefix of a translation unit, as `clang -emit-pch` builds it. */
    unsigned o = options | CXTranslationUnit_ForSerialization | CXTranslationUnit_Incomplete;
    enum CXErrorCode ec = ftl_parse_argv(index, full_argv, prelude_path, bargs, &u, 1, o, &tu);
    if (ec != CXError_Success || !tu)
        goto done;
    unsigned nd = clang_getNumDiagnostics(tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic diag = clang_getDiagnostic(tu, i);
        bool err = clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error;
        clang_disposeDiagnostic(diag);
        if (err)
            goto done;           /* the plain parse reports these errors in every file */
    }
    inc_scan sc = {tu, prelude_path, &d, true};
    clang_getInclusions(tu, on_inclusion, &sc);
    if (!sc.ok || d.n == 0)
        goto done;
    deps_finish(&d, deps_id);
    tmp = ftl_temp_beside(final);
    if (!tmp)
        goto done;
    if (clang_saveTranslationUnit(tu, tmp, clang_defaultSaveOptions(tu)) != CXSaveError_None ||
        rename(tmp, final) != 0) {
        unlink(tmp);
        goto done;
    }
    size_t len;
    char *bytes = ftl_read_file(final, &len);
    if (!bytes)
        goto done;
    char pch_hex[FTL_HEX_LEN];
    ftl_sha256_hex(bytes, len, pch_hex);
    free(bytes);
    ok = write_manifest(p, key, pch_hex, &d);
done:
    if (tu)
        clang_disposeTranslationUnit(tu);
    deps_free(&d);
    free(final);
    free(tmp);
    return ok;
}

/* A PCH already on disk whose manifest and content check out. */
static bool load(ftl_pch *p, const char *key, char deps_id[FTL_HEX_LEN])
{
    char pch_hex[FTL_HEX_LEN];
    if (!read_manifest(p, key, deps_id, pch_hex))
        return false;
    char *path = file_of(p, key, "pch");
    size_t len;
    char *bytes = ftl_read_file(path, &len);
    free(path);
    if (!bytes)
        return false;
    char now[FTL_HEX_LEN];
    ftl_sha256_hex(bytes, len, now);
    free(bytes);
    return strcmp(now, pch_hex) == 0;
}

/* Errors a PCH that failed to load leaves: an error attached to no file. */
static bool pch_load_failed(CXTranslationUnit tu)
{
    unsigned nd = clang_getNumDiagnostics(tu);
    bool failed = false;
    for (unsigned i = 0; i < nd && !failed; i++) {
        CXDiagnostic diag = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(diag) >= CXDiagnostic_Error) {
            CXFile f = NULL;
            clang_getFileLocation(clang_getDiagnosticLocation(diag), &f, NULL, NULL, NULL);
            failed = f == NULL;
        }
        clang_disposeDiagnostic(diag);
    }
    return failed;
}

static void drop_from_disk(ftl_pch *p, const char *key)
{
    char *a = file_of(p, key, "json"), *b = file_of(p, key, "pch");
    unlink(a);
    unlink(b);
    free(a);
    free(b);
}

enum CXErrorCode ftl_pch_parse(ftl_pch *p, CXIndex index, bool full_argv, const char *path,
                               const ftl_strv *args, const char *prelude_path,
                               const char *prelude_text, struct CXUnsavedFile *unsaved,
                               unsigned nunsaved, unsigned options, CXTranslationUnit *tu,
                               ftl_pch_ref *used)
{
    memset(used, 0, sizeof *used);
    *tu = NULL;
    argscan sc;
    slot *s = NULL;
    enum slot_state state = S_FAILED;
    char key[FTL_HEX_LEN], deps_id[FTL_HEX_LEN];
    if (analyse_args(args, full_argv, path, prelude_path, &sc)) {
        compute_key(p, args, &sc, prelude_path, prelude_text, options, key);
        pthread_mutex_lock(&p->lock);
        s = slot_for(p, key);
        state = s->state;
        if (state == S_EMPTY)
            s->state = S_BUILDING;       /* this thread builds it; others parse plainly */
        memcpy(deps_id, s->deps_id, FTL_HEX_LEN);
        pthread_mutex_unlock(&p->lock);
    }

    if (state == S_EMPTY) {
        bool from_disk = load(p, key, deps_id);
        bool ok = from_disk;
        if (!ok) {
            /* The same arguments, the prelude as the main file, compiled as a header. */
            ftl_strv bargs = {0};
            char *hdr = ftl_xasprintf("%s-header", sc.lang);
            for (size_t i = 0; i < args->n; i++) {
                if (i == sc.first && sc.lang_at == SIZE_MAX) {
                    ftl_strv_push(&bargs, "-x");
                    ftl_strv_push(&bargs, hdr);
                }
                if (i == sc.inc_at) {
                    i++;                 /* the prelude is the main file of the build */
                    continue;
                }
                ftl_strv_push(&bargs, i == sc.lang_at ? hdr : args->v[i]);
            }
            free(hdr);
            ok = build(p, key, index, full_argv, &bargs, prelude_path, prelude_text, options,
                       deps_id);
            ftl_strv_free(&bargs);
        }
        pthread_mutex_lock(&p->lock);
        s->state = ok ? S_READY : S_FAILED;
        if (ok)
            memcpy(s->deps_id, deps_id, FTL_HEX_LEN);
        if (from_disk)
            p->stats.loaded++;
        else if (ok)
            p->stats.built++;
        else
            p->stats.rejected++;
        pthread_mutex_unlock(&p->lock);
        state = s->state;
    }

    if (state == S_READY) {
        ftl_strv cargs = {0};
        char *file = file_of(p, key, "pch");
        for (size_t i = 0; i < args->n; i++) {
            if (i == sc.inc_at) {
                ftl_strv_push(&cargs, "-include-pch");
                ftl_strv_push(&cargs, file);
                i++;
                continue;
            }
            ftl_strv_push(&cargs, args->v[i]);
        }
        enum CXErrorCode ec = ftl_parse_argv(index, full_argv, path, &cargs, unsaved, nunsaved, options,
                                    tu);
        ftl_strv_free(&cargs);
        free(file);
        if (ec == CXError_Success && *tu && !pch_load_failed(*tu)) {
            memcpy(used->key, key, FTL_HEX_LEN);
            memcpy(used->deps_id, deps_id, FTL_HEX_LEN);
            pthread_mutex_lock(&p->lock);
            p->stats.with_pch++;
            pthread_mutex_unlock(&p->lock);
            return ec;
        }
        if (*tu)
            clang_disposeTranslationUnit(*tu);
        *tu = NULL;
        /* Never trusted again in this run; removed so that the next run builds it afresh. */
        pthread_mutex_lock(&p->lock);
        if (s->state == S_READY) {
            s->state = S_FAILED;
            p->stats.rejected++;
            drop_from_disk(p, key);
        }
        pthread_mutex_unlock(&p->lock);
    }

    pthread_mutex_lock(&p->lock);
    p->stats.plain++;
    pthread_mutex_unlock(&p->lock);
    return ftl_parse_argv(index, full_argv, path, args, unsaved, nunsaved, options, tu);
}

bool ftl_pch_ref_current(ftl_pch *p, const ftl_pch_ref *ref)
{
    if (!ref->key[0])
        return true;
    pthread_mutex_lock(&p->lock);
    slot *s = slot_for(p, ref->key);
    if (s->state == S_READY) {
        bool same = strcmp(s->deps_id, ref->deps_id) == 0;
        pthread_mutex_unlock(&p->lock);
        return same;
    }
    bool checked = s->manifest_checked, current = s->manifest_current;
    char id[FTL_HEX_LEN];
    memcpy(id, s->manifest_deps_id, FTL_HEX_LEN);
    pthread_mutex_unlock(&p->lock);
    if (!checked) {
        char pch_hex[FTL_HEX_LEN];
        current = read_manifest(p, ref->key, id, pch_hex);
        pthread_mutex_lock(&p->lock);
        s->manifest_checked = true;
        s->manifest_current = current;
        memcpy(s->manifest_deps_id, id, FTL_HEX_LEN);
        pthread_mutex_unlock(&p->lock);
    }
    return current && strcmp(id, ref->deps_id) == 0;
}
