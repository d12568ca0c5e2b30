/* suppress.c: `ftlint: ignore[...]` and `ftlint: ignore-file[...]` comments. The scanner reads
 * comments the way the C and C++ lexers do (so text inside string literals is never a
 * directive); each translation unit records the directives of its project files and whether
 * the preprocessor kept them; after the run, directives from every unit are merged per file,
 * applied to the findings, and the ones that suppressed nothing become FT008 findings. */
#include "suppress.h"
#include "engine.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The directives of one file as one translation unit saw them. */
typedef struct ftl_supfile {
    char *path, *key;
    bool reliable;           /* the unit had no compiler errors */
    ftl_directive *v;
    size_t n;
} ftl_supfile;

struct ftl_suppressions {
    ftl_supfile *files;
    size_t n, cap;
};

/* ---- scanning ------------------------------------------------------------------------------ */

typedef struct scanner {
    const char *text;
    size_t len;
    const unsigned *lines;   /* offsets of line starts */
    size_t nlines;
    ftl_directive *v;
    size_t n, cap;
} scanner;

static unsigned line_of(const scanner *s, size_t off)
{
    size_t lo = 0, hi = s->nlines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (s->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return (unsigned)lo + 1;
}

static unsigned long long hash_line(const scanner *s, unsigned line, const char *code)
{
    size_t b = s->lines[line - 1];
    size_t e = line < s->nlines ? s->lines[line] - 1 : s->len;
    return ftl_line_hash(code, s->text + b, e - b);
}

static bool is_ident(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static void set_error(ftl_directive *d, char *msg, const char *help)
{
    if (d->error) {
        free(msg);
        return;
    }
    d->error = msg;
    d->error_help = ftl_xstrdup(help);
}

static const char list_help[] =
    "write ftlint: ignore[CODES] with codes or names from ftlint --list-rules (comma-separated, "
    "or * for every rule), e.g. ftlint: ignore[FT001]";

/* Parses the comma list between '[' and ']' into d. */
static void parse_list(ftl_directive *d, const char *p, size_t n)
{
    size_t cap = 0;
    bool any = false;
    for (size_t i = 0; i <= n;) {
        size_t j = i;
        while (j < n && p[j] != ',')
            j++;
        size_t b = i, e = j;
        while (b < e && isspace((unsigned char)p[b]))
            b++;
        while (e > b && isspace((unsigned char)p[e - 1]))
            e--;
        i = j + 1;
        if (b == e)
            continue;
        any = true;
        char *name = ftl_xstrndup(p + b, e - b);
        if (strcmp(name, "*") == 0) {
            d->all = true;
            free(name);
            continue;
        }
        int r = ftl_rule_lookup(name);
        if (r < 0) {
            set_error(d, ftl_xasprintf("unknown rule '%s' in ftlint: %s; name a rule from ftlint --list-rules", name, d->text), list_help);
        } else if (strcmp(ftl_rules[r]->code, "FT008") == 0 || strcmp(ftl_rules[r]->code, "FT009") == 0) {
            set_error(d,
                      ftl_xasprintf("%s %s cannot be suppressed by a comment; turn it off with --ignore", ftl_rules[r]->code,
                                    ftl_rules[r]->name),
                      "fix or delete the comment it reports, or turn the rule off with --ignore or "
                      "\"ignore\" in .ftlint.json");
        } else {
            ftl_grow((void **)&d->rules, &cap, d->nrules + 1, sizeof *d->rules);
            d->rules[d->nrules++] = r;
        }
        free(name);
    }
    if (!any)
        set_error(d, ftl_xasprintf("ftlint: %s names no rule; list codes or names, or * for every rule", d->text), list_help);
}

/* Looks for directives in the comment text [b, e) that ends on line last_line. */
static void scan_comment(scanner *s, size_t b, size_t e, unsigned last_line)
{
    static const char tag[] = "ftlint:";
    const size_t tl = sizeof tag - 1;
    for (size_t i = b; i + tl <= e; i++) {
        if (memcmp(s->text + i, tag, tl) != 0 || (i > b && (is_ident(s->text[i - 1]) || s->text[i - 1] == '-')))
            continue;
        size_t p = i + tl;
        while (p < e && (s->text[p] == ' ' || s->text[p] == '\t'))
            p++;
        size_t vb = p;
        while (p < e && (islower((unsigned char)s->text[p]) || s->text[p] == '-'))
            p++;
        size_t ve = p;
        size_t q = p;
        while (q < e && (s->text[q] == ' ' || s->text[q] == '\t'))
            q++;
        bool bracket = q < e && s->text[q] == '[';
        size_t vlen = ve - vb;
        bool known = (vlen == 6 && memcmp(s->text + vb, "ignore", 6) == 0) ||
                     (vlen == 11 && memcmp(s->text + vb, "ignore-file", 11) == 0);
        if (!known && !(bracket && vlen > 0))
            continue;    /* prose that happens to mention ftlint */
        ftl_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
        ftl_directive *d = &s->v[s->n++];
        memset(d, 0, sizeof *d);
        d->offset = (unsigned)i;
        d->line = line_of(s, i);
        d->col = (unsigned)(i - s->lines[d->line - 1]) + 1;
        d->last_line = last_line;
        d->file_level = vlen == 11;
        size_t end = ve;
        size_t close = q;
        if (bracket) {
            close = q + 1;
            while (close < e && s->text[close] != ']' && s->text[close] != '\n')
                close++;
            end = close < e && s->text[close] == ']' ? close + 1 : close;
        }
        /* Keep the directive on its line for messages and the finding's extent. */
        size_t nl = i;
        while (nl < end && s->text[nl] != '\n')
            nl++;
        end = nl;
        while (end > ve && isspace((unsigned char)s->text[end - 1]))
            end--;
        d->end_offset = (unsigned)end;
        d->end_col = d->col + (unsigned)(end - i);
        d->text = ftl_xstrndup(s->text + vb, end - vb);
        d->hash_unused = hash_line(s, d->line, "FT008");
        d->hash_bad = hash_line(s, d->line, "FT009");
        if (!known) {
            set_error(d, ftl_xasprintf("unknown ftlint: directive '%.*s'; write ftlint: ignore[CODES]", (int)vlen, s->text + vb),
                      "write ftlint: ignore[CODES] for this line and the next, or "
                      "ftlint: ignore-file[CODES] near the top of the file for all of it");
        } else if (!bracket) {
            set_error(d, ftl_xasprintf("ftlint: %.*s needs the rules to ignore in brackets, e.g. ignore[FT001]", (int)vlen,
                                       s->text + vb),
                      list_help);
        } else if (close >= e || s->text[close] != ']') {
            set_error(d, ftl_xasprintf("ftlint: %s: close the rule list with ']'", d->text),
                      list_help);
        } else {
            parse_list(d, s->text + q + 1, close - q - 1);
        }
        if (d->file_level && d->line > FTL_IGNORE_FILE_LINES)
            set_error(d,
                      ftl_xasprintf("ftlint: ignore-file has no effect after line %d; move it to the top "
                                    "of the file",
                                    FTL_IGNORE_FILE_LINES),
                      "move it to the top of the file, or use ftlint: ignore[CODES] on the line of "
                      "the finding or the line above");
        i = end > i ? end - 1 : i;
    }
}

/* Skips a string or character literal starting at text[i] (the quote); returns the offset after
 * it (or the end of the line for an unterminated one). */
static size_t skip_quoted(const scanner *s, size_t i)
{
    char q = s->text[i++];
    while (i < s->len && s->text[i] != q && s->text[i] != '\n') {
        if (s->text[i] == '\\' && i + 1 < s->len)
            i++;
        i++;
    }
    return i < s->len && s->text[i] == q ? i + 1 : i;
}

/* Skips a C++ raw string R"delim( ... )delim" whose quote is at text[i]. */
static size_t skip_raw(const scanner *s, size_t i)
{
    size_t d = i + 1;
    while (d < s->len && s->text[d] != '(' && d - i <= 17)
        d++;
    if (d >= s->len || s->text[d] != '(')
        return skip_quoted(s, i);
    size_t dl = d - i - 1;
    for (size_t k = d + 1; k < s->len; k++) {
        if (s->text[k] == ')' && k + 1 + dl < s->len &&
            memcmp(s->text + k + 1, s->text + i + 1, dl) == 0 && s->text[k + 1 + dl] == '"')
            return k + dl + 2;
    }
    return s->len;
}

/* True when the newline at text[i] is escaped by a backslash (a line splice). */
static bool spliced(const char *text, size_t i)
{
    return (i >= 1 && text[i - 1] == '\\') || (i >= 2 && text[i - 1] == '\r' && text[i - 2] == '\\');
}

size_t ftl_directives_scan(const char *text, size_t len, ftl_directive **out)
{
    *out = NULL;
    /* Most files have no directive at all: one search decides. */
    if (!memmem(text, len, "ftlint:", 7))
        return 0;
    scanner s = {.text = text, .len = len};
    unsigned *lines = NULL;
    size_t cap = 0;
    ftl_grow((void **)&lines, &cap, 1, sizeof *lines);
    lines[s.nlines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            ftl_grow((void **)&lines, &cap, s.nlines + 1, sizeof *lines);
            lines[s.nlines++] = (unsigned)(i + 1);
        }
    }
    s.lines = lines;
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (c == '/' && i + 1 < len && text[i + 1] == '/') {
            size_t b = i;
            i += 2;
            for (;;) {
                while (i < len && text[i] != '\n')
                    i++;
                if (i < len && spliced(text, i)) {
                    i++;
                    continue;
                }
                break;
            }
            scan_comment(&s, b, i, line_of(&s, i > b ? i - 1 : b));
        } else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            size_t b = i;
            i += 2;
            while (i + 1 < len && !(text[i] == '*' && text[i + 1] == '/'))
                i++;
            size_t body_end = i + 1 < len ? i : len;    /* without the closing star-slash */
            i = i + 1 < len ? i + 2 : len;
            scan_comment(&s, b, body_end, line_of(&s, i - 1));
        } else if (c == '"' || c == '\'') {
            i = skip_quoted(&s, i);
        } else if (isdigit((unsigned char)c) || (c == '.' && i + 1 < len && isdigit((unsigned char)text[i + 1]))) {
            /* A pp-number, which may hold C++14 digit separators (1'000). */
            i++;
            while (i < len && (is_ident(text[i]) || text[i] == '.' ||
                               (text[i] == '\'' && i + 1 < len && is_ident(text[i + 1])) ||
                               ((text[i] == '+' || text[i] == '-') && strchr("eEpP", text[i - 1]))))
                i++;
        } else if (is_ident(c)) {
            size_t b = i;
            while (i < len && is_ident(text[i]))
                i++;
            /* Encoding prefixes: R"(...)", u8R"...", LR"...". */
            if (i < len && text[i] == '"' && text[i - 1] == 'R' && i - b <= 3)
                i = skip_raw(&s, i);
        } else {
            i++;
        }
    }
    free(lines);
    *out = s.v;
    return s.n;
}

void ftl_directives_free(ftl_directive *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].rules);
        free(v[i].text);
        free(v[i].error);
        free(v[i].error_help);
    }
    free(v);
}

/* ---- per translation unit ------------------------------------------------------------------- */

static bool in_skipped(const unsigned *ranges, size_t n, unsigned off)
{
    for (size_t i = 0; i < n; i++)
        if (off >= ranges[2 * i] && off < ranges[2 * i + 1])
            return true;
    return false;
}

struct ftl_suppressions *ftl_suppress_collect(struct ftl_ctx *ctx, bool reliable)
{
    struct ftl_suppressions *res = NULL;
    for (size_t i = 0; i < ctx->nfiles; i++) {
        ftl_file *f = ctx->files[i];
        if (!f->user || !f->text)
            continue;
        ftl_directive *v;
        size_t n = ftl_directives_scan(f->text, f->len, &v);
        if (!n)
            continue;
        /* Directives in #if'd-out code say nothing about this configuration. */
        CXSourceRangeList *sk = clang_getSkippedRanges(ctx->tu, f->file);
        unsigned *ranges = NULL;
        size_t nr = sk ? sk->count : 0;
        if (nr) {
            ranges = ftl_xcalloc(2 * nr, sizeof *ranges);
            for (size_t k = 0; k < nr; k++) {
                clang_getFileLocation(clang_getRangeStart(sk->ranges[k]), NULL, NULL, NULL, &ranges[2 * k]);
                clang_getFileLocation(clang_getRangeEnd(sk->ranges[k]), NULL, NULL, NULL, &ranges[2 * k + 1]);
            }
        }
        if (sk)
            clang_disposeSourceRangeList(sk);
        for (size_t k = 0; k < n; k++)
            v[k].active = !in_skipped(ranges, nr, v[k].offset);
        free(ranges);
        if (!res)
            res = ftl_xcalloc(1, sizeof *res);
        ftl_grow((void **)&res->files, &res->cap, res->n + 1, sizeof *res->files);
        res->files[res->n++] = (ftl_supfile){ftl_xstrdup(f->path), ftl_xstrdup(f->key), reliable, v, n};
    }
    return res;
}

void ftl_suppressions_free(struct ftl_suppressions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->files[i].path);
        free(s->files[i].key);
        ftl_directives_free(s->files[i].v, s->files[i].n);
    }
    free(s->files);
    free(s);
}

void ftl_suppressions_map_paths(struct ftl_suppressions *s, char *(*map)(const char *, void *),
                                void *data)
{
    for (size_t i = 0; s && i < s->n; i++) {
        char *p = map(s->files[i].path, data);
        if (p) {
            free(s->files[i].path);
            s->files[i].path = p;
        }
    }
}

void ftl_suppressions_pack(const struct ftl_suppressions *s, ftl_buf *b)
{
    ftl_wire_put_u64(b, s ? s->n : 0);
    for (size_t i = 0; s && i < s->n; i++) {
        const ftl_supfile *f = &s->files[i];
        ftl_wire_put_str(b, f->path);
        ftl_wire_put_str(b, f->key);
        ftl_wire_put_u64(b, f->reliable);
        ftl_wire_put_u64(b, f->n);
        for (size_t k = 0; k < f->n; k++) {
            const ftl_directive *d = &f->v[k];
            const unsigned long long nums[] = {d->line, d->col, d->end_col, d->offset, d->end_offset,
                                               d->last_line, d->file_level, d->all, d->active,
                                               d->hash_unused, d->hash_bad, d->nrules};
            for (size_t j = 0; j < sizeof nums / sizeof *nums; j++)
                ftl_wire_put_u64(b, nums[j]);
            for (size_t j = 0; j < d->nrules; j++)
                ftl_wire_put_u64(b, (unsigned)d->rules[j]);
            ftl_wire_put_str(b, d->text);
            ftl_wire_put_str(b, d->error);
            ftl_wire_put_str(b, d->error_help);
        }
    }
}

struct ftl_suppressions *ftl_suppressions_unpack(ftl_wire *w)
{
    size_t n = ftl_wire_count(w);
    if (w->bad || n == 0)
        return NULL;
    struct ftl_suppressions *s = ftl_xcalloc(1, sizeof *s);
    for (size_t i = 0; i < n && !w->bad; i++) {
        ftl_grow((void **)&s->files, &s->cap, s->n + 1, sizeof *s->files);
        ftl_supfile *f = &s->files[s->n++];
        memset(f, 0, sizeof *f);
        f->path = ftl_wire_str(w);
        f->key = ftl_wire_str(w);
        f->reliable = ftl_wire_u64(w) != 0;
        size_t nd = ftl_wire_count(w);
        f->v = ftl_xcalloc(nd ? nd : 1, sizeof *f->v);
        for (size_t k = 0; k < nd && !w->bad; k++) {
            ftl_directive *d = &f->v[f->n++];
            d->line = (unsigned)ftl_wire_u64(w);
            d->col = (unsigned)ftl_wire_u64(w);
            d->end_col = (unsigned)ftl_wire_u64(w);
            d->offset = (unsigned)ftl_wire_u64(w);
            d->end_offset = (unsigned)ftl_wire_u64(w);
            d->last_line = (unsigned)ftl_wire_u64(w);
            d->file_level = ftl_wire_u64(w) != 0;
            d->all = ftl_wire_u64(w) != 0;
            d->active = ftl_wire_u64(w) != 0;
            d->hash_unused = ftl_wire_u64(w);
            d->hash_bad = ftl_wire_u64(w);
            size_t nr = ftl_wire_count(w);
            d->rules = ftl_xcalloc(nr ? nr : 1, sizeof *d->rules);
            for (size_t j = 0; j < nr && !w->bad; j++) {
                unsigned long long r = ftl_wire_u64(w);
                if (r >= ftl_nrules)
                    w->bad = true;
                else
                    d->rules[d->nrules++] = (int)r;
            }
            d->text = ftl_wire_str(w);
            d->error = ftl_wire_str(w);
            d->error_help = ftl_wire_str(w);
        }
        if (!f->path || !f->key)
            w->bad = true;
    }
    if (w->bad) {
        ftl_suppressions_free(s);
        return NULL;
    }
    return s;
}

/* ---- applying them -------------------------------------------------------------------------- */

/* The directives of one file merged over every unit that read it. */
typedef struct merged {
    const ftl_supfile *first;    /* the directives (the same text in every unit) */
    bool *judged;                /* per directive: kept by a unit without compiler errors */
    bool **used;                 /* per directive, per listed rule */
    bool *used_all;              /* per directive, for '*' */
} merged;

static int cmp_supfile_key(const void *a, const void *b)
{
    const ftl_supfile *x = *(const ftl_supfile *const *)a, *y = *(const ftl_supfile *const *)b;
    return strcmp(x->key, y->key);
}

static int cmp_merged_key(const void *key, const void *m)
{
    return strcmp(key, ((const merged *)m)->first->key);
}

static bool covers(const ftl_directive *d, const ftl_finding *f)
{
    if (d->file_level)
        return d->line <= FTL_IGNORE_FILE_LINES;
    unsigned from = d->line, to = d->last_line + 1;
    unsigned fl = f->line, fe = f->end_line >= f->line ? f->end_line : f->line;
    return fl <= to && fe >= from;
}

/* True when the directive's entries match the finding's rule; marks the matching entries. */
static bool suppresses(const ftl_directive *d, bool *used, bool *used_all, int rule)
{
    bool hit = false;
    for (size_t k = 0; k < d->nrules; k++) {
        if (d->rules[k] == rule) {
            used[k] = true;
            hit = true;
        }
    }
    if (d->all) {
        *used_all = true;
        hit = true;
    }
    return hit;
}

static void add_finding(ftl_findings *fs, const ftl_supfile *sf, const ftl_directive *d,
                        const ftl_rule *rule, unsigned long long hash, char *message, char *help)
{
    ftl_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof *fs->v);
    ftl_finding *f = &fs->v[fs->n++];
    memset(f, 0, sizeof *f);
    f->path = ftl_xstrdup(sf->path);
    f->key = ftl_xstrdup(sf->key);
    f->line = f->end_line = d->line;
    f->col = d->col;
    f->end_col = d->end_col;
    f->offset = d->offset;
    f->end_offset = d->end_offset;
    f->rule = rule;
    f->severity = rule->severity;
    f->message = message;
    f->help = help;
    f->line_hash = hash;
}

/* The FT008 finding for one directive, if some of it suppressed nothing. all_on: every
 * analysis rule ran, so an unused '*' really matched nothing. */
static void report_unused(ftl_findings *fs, const ftl_config *cfg, const ftl_supfile *sf,
                          const ftl_directive *d, const bool *used, bool used_all, bool all_on,
                          const ftl_rule *rule)
{
    ftl_buf stale = {0}, keep = {0};
    size_t nstale = 0, nkeep = 0;
    for (size_t k = 0; k < d->nrules; k++) {
        const ftl_rule *r = ftl_rules[d->rules[k]];
        bool judge = cfg->enabled[d->rules[k]];
        if (!used[k] && judge) {
            ftl_buf_printf(&stale, "%s%s", nstale ? ", " : "", r->code);
            nstale++;
        } else {
            ftl_buf_printf(&keep, "%s%s", nkeep ? ", " : "", r->code);
            nkeep++;
        }
    }
    bool all_stale = d->all && !used_all && all_on;
    if (d->all && !all_stale) {
        ftl_buf_printf(&keep, "%s*", nkeep ? ", " : "");
        nkeep++;
    }
    if (!nstale && !all_stale) {
        ftl_buf_free(&stale);
        ftl_buf_free(&keep);
        return;
    }
    const char *verb = d->file_level ? "ignore-file" : "ignore";
    char *msg, *help;
    if (!nkeep) {
        msg = ftl_xasprintf("ftlint: %s suppresses nothing; remove it", d->text);
        help = ftl_xasprintf("delete the comment%s: a stale suppression would hide a new finding %s",
                             d->file_level ? "" : " (or this directive from it)",
                             d->file_level ? "anywhere in this file" : "on these lines");
    } else {
        if (all_stale) {
            ftl_buf_printf(&stale, "%s*", nstale ? ", " : "");
            nstale++;
        }
        msg = ftl_xasprintf("ftlint: %s: %s suppress%s nothing; remove %s", d->text, stale.s,
                            nstale == 1 ? "es" : "", nstale == 1 ? "it" : "them");
        help = ftl_xasprintf("keep only what still matches: ftlint: %s[%s]", verb, keep.s);
    }
    add_finding(fs, sf, d, rule, d->hash_unused, msg, help);
    ftl_buf_free(&stale);
    ftl_buf_free(&keep);
}

void ftl_suppress_apply(const ftl_config *cfg, const ftl_file_result *files, size_t nfiles,
                        ftl_findings *fs)
{
    /* Every unit's records, grouped by file. */
    const ftl_supfile **all = NULL;
    size_t nall = 0, capall = 0;
    for (size_t i = 0; i < nfiles; i++) {
        const struct ftl_suppressions *s = files[i].suppressions;
        for (size_t k = 0; s && k < s->n; k++) {
            ftl_grow((void **)&all, &capall, nall + 1, sizeof *all);
            all[nall++] = &s->files[k];
        }
    }
    if (!nall)
        return;
    qsort(all, nall, sizeof *all, cmp_supfile_key);
    merged *m = ftl_xcalloc(nall, sizeof *m);
    size_t nm = 0;
    for (size_t i = 0; i < nall; i++) {
        const ftl_supfile *sf = all[i];
        if (nm == 0 || strcmp(m[nm - 1].first->key, sf->key) != 0) {
            merged *x = &m[nm++];
            x->first = sf;
            x->judged = ftl_xcalloc(sf->n, sizeof *x->judged);
            x->used = ftl_xcalloc(sf->n, sizeof *x->used);
            x->used_all = ftl_xcalloc(sf->n, sizeof *x->used_all);
            for (size_t k = 0; k < sf->n; k++)
                x->used[k] = ftl_xcalloc(sf->v[k].nrules, sizeof **x->used);
        }
        merged *x = &m[nm - 1];
        for (size_t k = 0; k < sf->n && k < x->first->n; k++) {
            x->judged[k] |= sf->v[k].active && sf->reliable;
        }
    }

    int unused_idx = ftl_rule_lookup("FT008"), bad_idx = ftl_rule_lookup("FT009");
    /* Drop suppressed findings (moved aside, then released). */
    ftl_findings dropped = {0};
    size_t w = 0;
    for (size_t i = 0; i < fs->n; i++) {
        ftl_finding *f = &fs->v[i];
        int r = ftl_rule_lookup(f->rule->code);
        merged *x = bsearch(f->key, m, nm, sizeof *m, cmp_merged_key);
        bool drop = false;
        for (size_t k = 0; x && r >= 0 && r != unused_idx && r != bad_idx && k < x->first->n; k++) {
            const ftl_directive *d = &x->first->v[k];
            if (covers(d, f) && suppresses(d, x->used[k], &x->used_all[k], r))
                drop = true;
        }
        if (drop) {
            ftl_grow((void **)&dropped.v, &dropped.cap, dropped.n + 1, sizeof *dropped.v);
            dropped.v[dropped.n++] = *f;
        } else {
            fs->v[w++] = *f;
        }
    }
    fs->n = w;
    ftl_findings_free(&dropped);

    /* Every analysis rule ran: an unused '*' matched nothing at all. */
    bool all_on = true;
    for (size_t i = 0; i < ftl_nrules; i++)
        if ((int)i != unused_idx && (int)i != bad_idx && !cfg->enabled[i])
            all_on = false;
    for (size_t i = 0; i < nm; i++) {
        const ftl_supfile *sf = m[i].first;
        for (size_t k = 0; k < sf->n; k++) {
            const ftl_directive *d = &sf->v[k];
            if (d->error && bad_idx >= 0 && cfg->enabled[bad_idx])
                add_finding(fs, sf, d, ftl_rules[bad_idx], d->hash_bad, ftl_xstrdup(d->error),
                            ftl_xstrdup(d->error_help));
            if (unused_idx >= 0 && cfg->enabled[unused_idx] && m[i].judged[k] &&
                !(d->file_level && d->line > FTL_IGNORE_FILE_LINES))
                report_unused(fs, cfg, sf, d, m[i].used[k], m[i].used_all[k], all_on,
                              ftl_rules[unused_idx]);
        }
        for (size_t k = 0; k < sf->n; k++)
            free(m[i].used[k]);
        free(m[i].used);
        free(m[i].used_all);
        free(m[i].judged);
    }
    free(m);
    free(all);
}

/* ---- the result cache keeps each file's directives ------------------------------------------ */

static void add_opt_str(cJSON *o, const char *name, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, name, s);
    else
        cJSON_AddNullToObject(o, name);
}

cJSON *ftl_suppressions_to_json(const struct ftl_suppressions *s)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; s && i < s->n; i++) {
        const ftl_supfile *f = &s->files[i];
        cJSON *fo = cJSON_CreateObject();
        cJSON_AddStringToObject(fo, "path", f->path);
        cJSON_AddStringToObject(fo, "key", f->key);
        cJSON_AddBoolToObject(fo, "reliable", f->reliable);
        cJSON *dirs = cJSON_AddArrayToObject(fo, "directives");
        for (size_t k = 0; k < f->n; k++) {
            const ftl_directive *d = &f->v[k];
            cJSON *o = cJSON_CreateObject();
            unsigned nums[] = {d->line, d->col, d->end_col, d->offset, d->end_offset, d->last_line};
            cJSON_AddItemToObject(o, "pos", cJSON_CreateDoubleArray((double[]){nums[0], nums[1],
                                  nums[2], nums[3], nums[4], nums[5]}, 6));
            cJSON_AddBoolToObject(o, "file_level", d->file_level);
            cJSON_AddBoolToObject(o, "all", d->all);
            cJSON_AddBoolToObject(o, "active", d->active);
            cJSON *rules = cJSON_AddArrayToObject(o, "rules");
            for (size_t r = 0; r < d->nrules; r++)
                cJSON_AddItemToArray(rules, cJSON_CreateString(ftl_rules[d->rules[r]]->code));
            add_opt_str(o, "text", d->text);
            add_opt_str(o, "error", d->error);
            add_opt_str(o, "error_help", d->error_help);
            char h[2][17];
            snprintf(h[0], sizeof h[0], "%016llx", d->hash_unused);
            snprintf(h[1], sizeof h[1], "%016llx", d->hash_bad);
            cJSON_AddStringToObject(o, "hash_unused", h[0]);
            cJSON_AddStringToObject(o, "hash_bad", h[1]);
            cJSON_AddItemToArray(dirs, o);
        }
        cJSON_AddItemToArray(arr, fo);
    }
    return arr;
}

static bool opt_str(const cJSON *o, const char *name, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    *out = NULL;
    if (cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v) || !v->valuestring)
        return false;
    *out = ftl_xstrdup(v->valuestring);
    return true;
}

static bool hex64(const cJSON *o, const char *name, unsigned long long *out)
{
    const char *h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
    if (!h || strlen(h) != 16 || strspn(h, "0123456789abcdef") != 16)
        return false;
    *out = strtoull(h, NULL, 16);
    return true;
}

static bool directive_from_json(const cJSON *o, ftl_directive *d)
{
    memset(d, 0, sizeof *d);
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(o, "pos");
    const cJSON *fl = cJSON_GetObjectItemCaseSensitive(o, "file_level");
    const cJSON *all = cJSON_GetObjectItemCaseSensitive(o, "all");
    const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "active");
    const cJSON *rules = cJSON_GetObjectItemCaseSensitive(o, "rules");
    if (!cJSON_IsArray(pos) || cJSON_GetArraySize(pos) != 6 || !cJSON_IsBool(fl) ||
        !cJSON_IsBool(all) || !cJSON_IsBool(act) || !cJSON_IsArray(rules))
        return false;
    unsigned *dst[] = {&d->line, &d->col, &d->end_col, &d->offset, &d->end_offset, &d->last_line};
    for (int i = 0; i < 6; i++) {
        const cJSON *v = cJSON_GetArrayItem(pos, i);
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 4294967295.0)
            return false;
        *dst[i] = (unsigned)v->valuedouble;
    }
    d->file_level = cJSON_IsTrue(fl);
    d->all = cJSON_IsTrue(all);
    d->active = cJSON_IsTrue(act);
    int nr = cJSON_GetArraySize(rules);
    d->rules = ftl_xcalloc(nr > 0 ? (size_t)nr : 1, sizeof *d->rules);
    const cJSON *r;
    cJSON_ArrayForEach(r, rules) {
        const char *code = cJSON_GetStringValue(r);
        int idx = code ? ftl_rule_lookup(code) : -1;
        if (idx < 0)
            goto fail;
        d->rules[d->nrules++] = idx;
    }
    if (!opt_str(o, "text", &d->text) || !opt_str(o, "error", &d->error) ||
        !opt_str(o, "error_help", &d->error_help) || !hex64(o, "hash_unused", &d->hash_unused) ||
        !hex64(o, "hash_bad", &d->hash_bad))
        goto fail;
    return true;
fail:
    free(d->rules);
    free(d->text);
    free(d->error);
    free(d->error_help);
    memset(d, 0, sizeof *d);
    return false;
}

bool ftl_suppressions_from_json(const cJSON *arr, struct ftl_suppressions **out)
{
    *out = NULL;
    if (!cJSON_IsArray(arr))
        return false;
    struct ftl_suppressions *s = NULL;
    const cJSON *fo;
    cJSON_ArrayForEach(fo, arr) {
        const char *path = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fo, "path"));
        const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(fo, "key"));
        const cJSON *rel = cJSON_GetObjectItemCaseSensitive(fo, "reliable");
        const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(fo, "directives");
        if (!path || !key || !cJSON_IsBool(rel) || !cJSON_IsArray(dirs))
            goto fail;
        if (!s)
            s = ftl_xcalloc(1, sizeof *s);
        ftl_grow((void **)&s->files, &s->cap, s->n + 1, sizeof *s->files);
        ftl_supfile *f = &s->files[s->n++];
        memset(f, 0, sizeof *f);
        f->path = ftl_xstrdup(path);
        f->key = ftl_xstrdup(key);
        f->reliable = cJSON_IsTrue(rel);
        int nd = cJSON_GetArraySize(dirs);
        f->v = ftl_xcalloc(nd > 0 ? (size_t)nd : 1, sizeof *f->v);
        const cJSON *d;
        cJSON_ArrayForEach(d, dirs) {
            if (!directive_from_json(d, &f->v[f->n]))
                goto fail;
            f->n++;
        }
    }
    *out = s;
    return true;
fail:
    ftl_suppressions_free(s);
    return false;
}
