/* config.c: .ftlint.json, the project configuration (see config.h and the README). Parsed with
 * cJSON; every problem (unknown key, wrong type, unknown rule, bad glob) stops the run with one
 * message naming the key. */
#include "config.h"
#include "compdb.h"
#include "options.h"
#include "paths.h"
#include "pyinclude.h"
#include "util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct loader {
    FILE *err;
    const char *file;
    ftl_config *cfg;
    struct ftl_project *proj;
} loader;

static bool fail(const loader *L, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool fail(const loader *L, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = ftl_xvasprintf(fmt, ap);
    va_end(ap);
    if (key)
        fprintf(L->err, "ftlint: %s: \"%s\": %s\n", L->file, key, m);
    else
        fprintf(L->err, "ftlint: %s: %s\n", L->file, m);
    free(m);
    return false;
}

char *ftl_config_find(const char *start)
{
    static const char *const names[] = {FTL_CONFIG_NAME, NULL};
    return ftl_find_upward(start, names);
}

bool ftl_parse_python_version(const char *s, unsigned *hex)
{
    if (s[0] != '3' || s[1] != '.' || !isdigit((unsigned char)s[2]))
        return false;
    char *end;
    long minor = strtol(s + 2, &end, 10);
    if (*end || minor > 99 || (s[2] == '0' && s[3]))
        return false;
    *hex = (3u << 24) | ((unsigned)minor << 16);
    return true;
}

const char *ftl_glob_problem(const char *g)
{
    if (!*g)
        return "empty pattern";
    if (g[0] == '/')
        return "patterns are relative to the directory of .ftlint.json; drop the leading '/'";
    for (size_t i = 0; g[i]; i++) {
        if (g[i] == '\\') {
            if (!g[i + 1])
                return "ends with a lone backslash";
            i++;
        } else if (g[i] == '[') {
            size_t j = i + 1;
            if (g[j] == '!' || g[j] == '^')
                j++;
            if (g[j] == ']')
                j++;
            while (g[j] && g[j] != ']')
                j++;
            if (!g[j])
                return "unclosed '['";
            i = j;
        }
    }
    return NULL;
}

/* The rule list of a JSON array of codes or names ('*' for all) into a per-rule table. */
static bool rule_table(const loader *L, const char *key, const cJSON *arr, bool *table)
{
    if (!cJSON_IsArray(arr))
        return fail(L, key, "expected an array of rule codes or names");
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (!cJSON_IsString(it))
            return fail(L, key, "expected an array of rule codes or names");
        if (strcmp(it->valuestring, "*") == 0 || strcmp(it->valuestring, "ALL") == 0) {
            for (size_t i = 0; i < ftl_nrules; i++)
                table[i] = true;
            continue;
        }
        int r = ftl_rule_lookup(it->valuestring);
        if (r < 0)
            return fail(L, key, "unknown rule '%s' (see ftlint --list-rules)", it->valuestring);
        table[r] = true;
    }
    return true;
}

static bool string_array(const loader *L, const char *key, const cJSON *arr, ftl_strv *out,
                         const char *what)
{
    if (!cJSON_IsArray(arr))
        return fail(L, key, "expected an array of %s", what);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return fail(L, key, "expected an array of %s", what);
        ftl_strv_push(out, it->valuestring);
    }
    return true;
}

static bool is_identifier(const char *s, size_t n)
{
    if (n == 0 || isdigit((unsigned char)s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
    return true;
}

static bool rule_list(const loader *L, const char *key, const cJSON *v, ftl_strv *out)
{
    bool *tmp = ftl_xcalloc(ftl_nrules, sizeof *tmp);
    bool ok = rule_table(L, key, v, tmp);
    free(tmp);
    if (!ok)
        return false;
    const cJSON *it;
    cJSON_ArrayForEach(it, v)
        ftl_strv_push(out, it->valuestring);
    return true;
}

static bool globs(const loader *L, const char *key, const cJSON *v, ftl_strv *out)
{
    if (!string_array(L, key, v, out, "glob patterns"))
        return false;
    for (size_t i = 0; i < out->n; i++) {
        const char *p = ftl_glob_problem(out->v[i]);
        if (p)
            return fail(L, key, "bad pattern '%s': %s", out->v[i], p);
    }
    return true;
}

static bool path_ignores(const loader *L, const cJSON *v)
{
    const char *key = "per_path_ignores";
    if (!cJSON_IsObject(v))
        return fail(L, key, "expected an object mapping glob patterns to rule lists");
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        const char *p = ftl_glob_problem(it->string);
        if (p)
            return fail(L, key, "bad pattern '%s': %s", it->string, p);
        bool *t = ftl_xcalloc(ftl_nrules, sizeof *t);
        char *k = ftl_xasprintf("%s.%s", key, it->string);
        bool ok = rule_table(L, k, it, t);
        free(k);
        if (!ok) {
            free(t);
            return false;
        }
        struct ftl_project *pr = L->proj;
        pr->path_ignores = ftl_xrealloc(pr->path_ignores, (pr->npath_ignores + 1) * sizeof *pr->path_ignores);
        pr->path_ignores[pr->npath_ignores++] = (ftl_pathignore){ftl_xstrdup(it->string), t};
    }
    return true;
}

static bool severities(const loader *L, const cJSON *v)
{
    const char *key = "severity";
    if (!cJSON_IsObject(v))
        return fail(L, key, "expected an object mapping rules to \"error\", \"warning\" or \"note\"");
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        int r = ftl_rule_lookup(it->string);
        if (r < 0)
            return fail(L, key, "unknown rule '%s' (see ftlint --list-rules)", it->string);
        const char *s = cJSON_IsString(it) ? it->valuestring : "";
        int sev = strcmp(s, "error") == 0 ? FTL_SEV_ERROR
                  : strcmp(s, "warning") == 0 ? FTL_SEV_WARNING
                  : strcmp(s, "note") == 0 ? FTL_SEV_NOTE : -1;
        if (sev < 0)
            return fail(L, key, "%s: expected \"error\", \"warning\" or \"note\"", it->string);
        L->proj->severity[r] = sev;
    }
    return true;
}

static bool lock_functions(const loader *L, const cJSON *v)
{
    const char *key = "lock_functions";
    if (!cJSON_IsArray(v))
        return fail(L, key, "expected an array of {\"lock\": NAME, \"unlock\": NAME} objects");
    ftl_config *cfg = L->cfg;
    int idx = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        char *k = ftl_xasprintf("%s[%d]", key, idx++);
        bool ok = false;
        const cJSON *lock = NULL, *unlock = NULL, *f;
        enum ftl_lock_kind kind = FTL_LOCK_MUTEX;
        int objarg = 0;
        if (!cJSON_IsObject(it)) {
            fail(L, k, "expected {\"lock\": NAME, \"unlock\": NAME}");
            goto next;
        }
        cJSON_ArrayForEach(f, it) {
            if (strcmp(f->string, "lock") == 0)
                lock = f;
            else if (strcmp(f->string, "unlock") == 0)
                unlock = f;
            else if (strcmp(f->string, "kind") == 0) {
                if (cJSON_IsString(f) && strcmp(f->valuestring, "mutex") == 0)
                    kind = FTL_LOCK_MUTEX;
                else if (cJSON_IsString(f) && strcmp(f->valuestring, "critical_section") == 0)
                    kind = FTL_LOCK_CRITICAL_SECTION;
                else {
                    fail(L, k, "\"kind\": expected \"mutex\" or \"critical_section\"");
                    goto next;
                }
            } else if (strcmp(f->string, "object_arg") == 0) {
                /* The range first: converting a double outside int's range is undefined. */
                if (!cJSON_IsNumber(f) || !(f->valuedouble >= -1 && f->valuedouble <= 64) ||
                    f->valuedouble != (double)(int)f->valuedouble) {
                    fail(L, k, "\"object_arg\": expected the index of the locked object's argument "
                               "(0 for the first), or -1 for none");
                    goto next;
                }
                objarg = f->valueint;
            } else {
                fail(L, k, "unknown key \"%s\" (known: lock, unlock, kind, object_arg)", f->string);
                goto next;
            }
        }
        if (!cJSON_IsString(lock) || !cJSON_IsString(unlock) ||
            !is_identifier(lock->valuestring, strlen(lock->valuestring)) ||
            !is_identifier(unlock->valuestring, strlen(unlock->valuestring))) {
            fail(L, k, "\"lock\" and \"unlock\" must both name a function or macro");
            goto next;
        }
        cfg->lock_pairs = ftl_xrealloc(cfg->lock_pairs, (cfg->nlock_pairs + 1) * sizeof *cfg->lock_pairs);
        cfg->lock_pairs[cfg->nlock_pairs++] = (ftl_lockpair){
            ftl_xstrdup(lock->valuestring), ftl_xstrdup(unlock->valuestring), kind, objarg};
        ok = true;
    next:
        free(k);
        if (!ok)
            return false;
    }
    return true;
}

/* include_dirs and defines become -I/-D arguments placed before the command line's. */
static bool clang_args(const loader *L, const cJSON *inc, const cJSON *defs)
{
    ftl_strv incs = {0}, ds = {0}, args = {0};
    bool ok = false;
    if (inc && !string_array(L, "include_dirs", inc, &incs, "directories"))
        goto done;
    if (defs && !string_array(L, "defines", defs, &ds, "NAME or NAME=VALUE strings"))
        goto done;
    for (size_t i = 0; i < incs.n; i++) {
        char *abs = ftl_path_join(L->proj->dir, incs.v[i]);
        char *shown = ftl_path_display(abs);
        char *a = ftl_xasprintf("-I%s", shown);
        ftl_strv_push(&args, a);
        free(a);
        free(shown);
        free(abs);
    }
    for (size_t i = 0; i < ds.n; i++) {
        const char *eq = strchr(ds.v[i], '=');
        size_t n = eq ? (size_t)(eq - ds.v[i]) : strlen(ds.v[i]);
        if (!is_identifier(ds.v[i], n)) {
            fail(L, "defines", "'%s' is not NAME or NAME=VALUE", ds.v[i]);
            goto done;
        }
        char *a = ftl_xasprintf("-D%s", ds.v[i]);
        ftl_strv_push(&args, a);
        free(a);
    }
    for (size_t i = 0; i < L->cfg->clang_args.n; i++)
        ftl_strv_push(&args, L->cfg->clang_args.v[i]);
    ftl_strv_free(&L->cfg->clang_args);
    L->cfg->clang_args = args;
    args = (ftl_strv){0};
    ok = true;
done:
    ftl_strv_free(&incs);
    ftl_strv_free(&ds);
    ftl_strv_free(&args);
    return ok;
}

static bool python_include(const loader *L, const cJSON *v)
{
    if (!cJSON_IsString(v) || !v->valuestring[0])
        return fail(L, "python_include", "expected the directory holding Python.h");
    if (L->cfg->python_include_given)
        return true;     /* --python-include wins */
    char *abs = ftl_path_join(L->proj->dir, v->valuestring);
    if (!ftl_python_include_valid(abs)) {
        fail(L, "python_include", "no Python.h in '%s'", abs);
        free(abs);
        return false;
    }
    free(L->cfg->python_include);
    L->cfg->python_include = abs;
    L->cfg->python_include_given = true;
    return true;
}

static const char *const known_keys[] = {
    "select", "ignore", "per_path_ignores", "exclude", "include_dirs", "defines",
    "python_include", "severity", "min_python", "lock_functions", "fresh_functions", NULL,
};

static bool load_root(loader *L, const cJSON *root)
{
    struct ftl_project *pr = L->proj;
    const cJSON *inc = NULL, *defs = NULL, *it;
    if (!cJSON_IsObject(root))
        return fail(L, NULL, "expected a JSON object at the top level");
    cJSON_ArrayForEach(it, root) {
        const char *k = it->string;
        for (const cJSON *o = root->child; o != it; o = o->next)
            if (strcmp(o->string, k) == 0)
                return fail(L, k, "given twice");
        bool known = false;
        for (const char *const *kk = known_keys; *kk; kk++)
            known |= strcmp(*kk, k) == 0;
        if (!known) {
            ftl_buf kl = {0};
            for (const char *const *kk = known_keys; *kk; kk++)
                ftl_buf_printf(&kl, "%s%s", kk == known_keys ? "" : ", ", *kk);
            fail(L, NULL, "unknown key \"%s\" (known keys: %s)", k, kl.s);
            ftl_buf_free(&kl);
            return false;
        }
        bool ok = true;
        if (strcmp(k, "select") == 0) {
            ok = rule_list(L, k, it, &pr->select);
            pr->has_select = true;
        } else if (strcmp(k, "ignore") == 0) {
            ok = rule_list(L, k, it, &pr->ignore);
        } else if (strcmp(k, "per_path_ignores") == 0) {
            ok = path_ignores(L, it);
        } else if (strcmp(k, "exclude") == 0) {
            ok = globs(L, k, it, &pr->exclude);
        } else if (strcmp(k, "include_dirs") == 0) {
            inc = it;
        } else if (strcmp(k, "defines") == 0) {
            defs = it;
        } else if (strcmp(k, "python_include") == 0) {
            ok = python_include(L, it);
        } else if (strcmp(k, "severity") == 0) {
            ok = severities(L, it);
        } else if (strcmp(k, "min_python") == 0) {
            unsigned v;
            if (!cJSON_IsString(it) || !ftl_parse_python_version(it->valuestring, &v))
                ok = fail(L, k, "expected a version string such as \"3.9\"");
            else if (!L->cfg->min_python)   /* --min-python wins */
                L->cfg->min_python = v;
        } else if (strcmp(k, "lock_functions") == 0) {
            ok = lock_functions(L, it);
        } else if (strcmp(k, "fresh_functions") == 0) {
            ftl_strv names = {0};
            ok = string_array(L, k, it, &names, "function names");
            for (size_t i = 0; ok && i < names.n; i++) {
                if (!is_identifier(names.v[i], strlen(names.v[i])))
                    ok = fail(L, k, "'%s' is not a function name", names.v[i]);
                else
                    ftl_strv_push(&L->cfg->fresh_functions, names.v[i]);
            }
            ftl_strv_free(&names);
        }
        if (!ok)
            return false;
    }
    return clang_args(L, inc, defs);
}

static void project_free(struct ftl_project *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->dir);
    ftl_strv_free(&p->select);
    ftl_strv_free(&p->ignore);
    ftl_strv_free(&p->exclude);
    for (size_t i = 0; i < p->npath_ignores; i++) {
        free(p->path_ignores[i].glob);
        free(p->path_ignores[i].rules);
    }
    free(p->path_ignores);
    free(p->severity);
    free(p);
}

bool ftl_config_load(ftl_config *cfg, const char *file, FILE *err)
{
    loader L = {err, file, cfg, NULL};
    size_t len;
    cJSON *root = NULL;
    bool ok = false;
    char *text = ftl_read_file(file, &len);
    if (!text) {
        fprintf(err, "ftlint: %s: cannot read: %s\n", file, ftl_read_error(errno));
        return false;
    }
    const char *end = NULL;
    root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);
    if (!root) {
        unsigned line = 1, col = 1;
        for (const char *p = text; end && p < end && p < text + len; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        fail(&L, NULL, "invalid JSON at line %u, column %u", line, col);
        goto done;
    }
    struct ftl_project *pr = ftl_xcalloc(1, sizeof *pr);
    pr->path = ftl_xstrdup(file);
    char *abs = ftl_path_abs(file);
    pr->dir = ftl_path_dirname(abs);
    free(abs);
    pr->severity = ftl_xcalloc(ftl_nrules, sizeof *pr->severity);
    for (size_t i = 0; i < ftl_nrules; i++)
        pr->severity[i] = -1;
    project_free(cfg->project);
    cfg->project = pr;
    L.proj = pr;
    ok = load_root(&L, root);
done:
    cJSON_Delete(root);
    free(text);
    return ok;
}

bool ftl_config_resolve_rules(ftl_config *cfg, const ftl_strv *cli_select,
                              const ftl_strv *cli_ignore, FILE *err)
{
    const struct ftl_project *p = cfg->project;
    for (size_t i = 0; i < ftl_nrules; i++)
        cfg->enabled[i] = !(p && p->has_select) && !(cli_select && cli_select->n);
    if (!(cli_select && cli_select->n) && p) {
        for (size_t i = 0; i < p->select.n; i++)
            if (!ftl_apply_rule_list(cfg->enabled, p->select.v[i], true, err, "select"))
                return false;
        for (size_t i = 0; i < p->ignore.n; i++)
            if (!ftl_apply_rule_list(cfg->enabled, p->ignore.v[i], false, err, "ignore"))
                return false;
    }
    for (size_t i = 0; cli_select && i < cli_select->n; i++)
        if (!ftl_apply_rule_list(cfg->enabled, cli_select->v[i], true, err, "--select"))
            return false;
    for (size_t i = 0; cli_ignore && i < cli_ignore->n; i++)
        if (!ftl_apply_rule_list(cfg->enabled, cli_ignore->v[i], false, err, "--ignore"))
            return false;
    return true;
}

/* True when glob matches rel or one of its leading directories ("vendor" covers
 * "vendor/x/y.c"). '*' also matches '/'. */
static bool glob_matches(const char *glob, const char *rel)
{
    if (fnmatch(glob, rel, 0) == 0)
        return true;
    for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/')) {
        char *prefix = ftl_xstrndup(rel, (size_t)(s - rel));
        bool m = fnmatch(glob, prefix, 0) == 0;
        free(prefix);
        if (m)
            return true;
    }
    return false;
}

/* path relative to the configuration's directory, or NULL when it lies outside. Caller frees. */
static char *relative_to_project(const struct ftl_project *p, const char *path)
{
    char *abs = ftl_path_abs(path);
    const char *rest = ftl_path_under(abs, p->dir);
    char *r = rest && *rest ? ftl_xstrdup(rest) : NULL;
    free(abs);
    return r;
}

bool ftl_config_excluded(const ftl_config *cfg, const char *path)
{
    const struct ftl_project *p = cfg->project;
    if (!p || !p->exclude.n)
        return false;
    char *rel = relative_to_project(p, path);
    bool hit = false;
    for (size_t i = 0; rel && i < p->exclude.n && !hit; i++)
        hit = glob_matches(p->exclude.v[i], rel);
    free(rel);
    return hit;
}

void ftl_config_filter(const ftl_config *cfg, ftl_findings *fs)
{
    const struct ftl_project *p = cfg->project;
    if (!p)
        return;
    ftl_findings dropped = {0};
    size_t w = 0;
    for (size_t i = 0; i < fs->n; i++) {
        ftl_finding *f = &fs->v[i];
        int r = ftl_rule_lookup(f->rule->code);
        /* An excluded header reached through an #include of another file reports nothing. */
        bool drop = ftl_config_excluded(cfg, f->path);
        if (!drop && r >= 0 && p->npath_ignores) {
            char *rel = relative_to_project(p, f->path);
            for (size_t k = 0; rel && k < p->npath_ignores && !drop; k++)
                drop = p->path_ignores[k].rules[r] && glob_matches(p->path_ignores[k].glob, rel);
            free(rel);
        }
        if (drop) {
            ftl_grow((void **)&dropped.v, &dropped.cap, dropped.n + 1, sizeof *dropped.v);
            dropped.v[dropped.n++] = *f;
            continue;
        }
        if (r >= 0 && p->severity[r] >= 0)
            f->severity = (enum ftl_severity)p->severity[r];
        fs->v[w++] = *f;
    }
    fs->n = w;
    ftl_findings_free(&dropped);
}

void ftl_workflow_free(ftl_config *cfg)
{
    ftl_compdb_free(cfg->compdb);
    cfg->compdb = NULL;
    free(cfg->stdin_filename);
    free(cfg->stdin_text);
    cfg->stdin_filename = cfg->stdin_text = NULL;
    for (size_t i = 0; i < cfg->nlock_pairs; i++) {
        free(cfg->lock_pairs[i].lock);
        free(cfg->lock_pairs[i].unlock);
    }
    free(cfg->lock_pairs);
    cfg->lock_pairs = NULL;
    cfg->nlock_pairs = 0;
    project_free(cfg->project);
    cfg->project = NULL;
}
