/* fix.c: turns the edits attached to findings into changed files (--fix) or a unified diff
 * (--diff). Edits of one finding are applied together or not at all; a file is written only
 * when its fixed text parses without new errors, and always atomically (temporary file in the
 * same directory, then rename, with signals held off in between). The diff is produced from the
 * known edits, so no diff algorithm is needed: each hunk is the changed lines and 3 of context. */
#include "fix.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONTEXT 3

typedef struct sel {
    ftl_edit *v;
    size_t n, cap;
} sel;

static void sel_add(sel *s, ftl_edit e)
{
    ftl_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v);
    s->v[s->n++] = e;
}

static int cmp_edit(const void *a, const void *b)
{
    const ftl_edit *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    return x->end < y->end ? -1 : x->end > y->end;
}

/* An edit already chosen, with the same range and replacement: findings that must change
 * together (an allocation and its releases) each carry the edits of all of them. */
static bool chosen_already(const sel *s, const ftl_edit *e)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i].begin == e->begin && s->v[i].end == e->end &&
            strcmp(s->v[i].replacement, e->replacement) == 0)
            return true;
    return false;
}

static bool overlaps(const sel *s, const ftl_edit *e)
{
    for (size_t i = 0; i < s->n; i++) {
        const ftl_edit *o = &s->v[i];
        if (o->begin == e->begin && o->end == e->end && strcmp(o->replacement, e->replacement) == 0)
            continue;
        if (e->begin < o->end && o->begin < e->end)
            return true;
        if (e->begin == o->begin && (e->begin == e->end || o->begin == o->end))
            return true;   /* two insertions (or an insertion and a change) at one point */
    }
    return false;
}

/* ---- unified diff ------------------------------------------------------------------------- */

typedef struct lines {
    const char *text;
    size_t len;
    size_t *start;           /* start offset of each line; start[n] == len */
    size_t n;
} lines;

static void split_lines(lines *l, const char *text, size_t len)
{
    size_t cap = 0;
    l->text = text;
    l->len = len;
    l->start = NULL;
    l->n = 0;
    ftl_grow((void **)&l->start, &cap, 1, sizeof *l->start);
    l->start[0] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n' && i + 1 <= len) {
            ftl_grow((void **)&l->start, &cap, l->n + 2, sizeof *l->start);
            l->start[++l->n] = i + 1;
        }
    }
    if (l->start[l->n] < len) {
        ftl_grow((void **)&l->start, &cap, l->n + 2, sizeof *l->start);
        l->start[++l->n] = len;
    }
}

static size_t line_of(const lines *l, size_t off)
{
    size_t lo = 0, hi = l->n;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (l->start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void put_line(ftl_buf *out, char tag, const char *s, size_t n)
{
    ftl_buf_putn(out, &tag, 1);
    ftl_buf_putn(out, s, n);
    if (n == 0 || s[n - 1] != '\n')
        ftl_buf_puts(out, "\n\\ No newline at end of file\n");
}

/* Last line an edit touches (an insertion touches the line it is inserted in). */
static size_t last_line(const lines *l, const ftl_edit *e)
{
    return line_of(l, e->end > e->begin ? e->end - 1 : e->begin);
}

/* One change block: old lines [a, b] replaced by the new text of edits [i, j) on them. Emits
 * the lines both sides share at the start and the end as context; returns the number of lines
 * on the old and new sides through *on and *nn. */
static void change_block(const lines *ol, const ftl_edit *edits, size_t i, size_t j, size_t a,
                         size_t b, ftl_buf *body, size_t *on, size_t *nn)
{
    const char *old = ol->text;
    size_t ob = ol->start[a], oe = ol->start[b + 1 <= ol->n ? b + 1 : ol->n];
    ftl_buf nb = {0};
    size_t pos = ob;
    for (size_t k = i; k < j; k++) {
        ftl_buf_putn(&nb, old + pos, edits[k].begin - pos);
        ftl_buf_puts(&nb, edits[k].replacement);
        pos = edits[k].end;
    }
    ftl_buf_putn(&nb, old + pos, oe - pos);
    lines nl;
    split_lines(&nl, nb.s ? nb.s : "", nb.len);
    size_t o = b - a + 1, n = nl.n;
    size_t pre = 0;
    while (pre < o && pre < n &&
           ol->start[a + pre + 1] - ol->start[a + pre] == nl.start[pre + 1] - nl.start[pre] &&
           memcmp(old + ol->start[a + pre], nl.text + nl.start[pre],
                  ol->start[a + pre + 1] - ol->start[a + pre]) == 0)
        pre++;
    size_t suf = 0;
    while (suf < o - pre && suf < n - pre &&
           ol->start[b - suf + 1] - ol->start[b - suf] == nl.start[n - suf] - nl.start[n - suf - 1] &&
           memcmp(old + ol->start[b - suf], nl.text + nl.start[n - suf - 1],
                  ol->start[b - suf + 1] - ol->start[b - suf]) == 0)
        suf++;
    for (size_t k = 0; k < pre; k++)
        put_line(body, ' ', old + ol->start[a + k], ol->start[a + k + 1] - ol->start[a + k]);
    for (size_t k = pre; k < o - suf; k++)
        put_line(body, '-', old + ol->start[a + k], ol->start[a + k + 1] - ol->start[a + k]);
    for (size_t k = pre; k < n - suf; k++)
        put_line(body, '+', nl.text + nl.start[k], nl.start[k + 1] - nl.start[k]);
    for (size_t k = o - suf; k < o; k++)
        put_line(body, ' ', old + ol->start[a + k], ol->start[a + k + 1] - ol->start[a + k]);
    *on = o;
    *nn = n;
    free(nl.start);
    ftl_buf_free(&nb);
}

void ftl_unified_diff(const char *path, const char *old, size_t len, const ftl_edit *edits,
                      size_t n, ftl_buf *out)
{
    if (n == 0)
        return;
    lines ol;
    split_lines(&ol, old, len);
    ftl_buf_printf(out, "--- %s\n+++ %s\n", path, path);
    long delta = 0;
    size_t i = 0;
    while (i < n) {
        /* A group of edits whose changed lines are close enough to share a hunk. */
        size_t first = line_of(&ol, edits[i].begin);
        size_t last = last_line(&ol, &edits[i]);
        size_t j = i + 1;
        while (j < n && line_of(&ol, edits[j].begin) <= last + 2 * CONTEXT) {
            size_t l = last_line(&ol, &edits[j]);
            if (l > last)
                last = l;
            j++;
        }
        size_t a = first > CONTEXT ? first - CONTEXT : 0;
        size_t b = last + CONTEXT < ol.n - 1 ? last + CONTEXT : (ol.n ? ol.n - 1 : 0);
        /* Context before, then change blocks (edits sharing lines) with the lines between
         * them as context, then context after. */
        ftl_buf body = {0};
        size_t on = 0, nn = 0;
        for (size_t k = a; k < first; k++, on++, nn++)
            put_line(&body, ' ', old + ol.start[k], ol.start[k + 1] - ol.start[k]);
        size_t k = i;
        while (k < j) {
            size_t ca = line_of(&ol, edits[k].begin), cb = last_line(&ol, &edits[k]);
            size_t m = k + 1;
            /* Changes on adjacent lines form one block (-lines then +lines), except around
             * insertions, whose neighbours would then show as removed and added again. */
            while (m < j && (line_of(&ol, edits[m].begin) <= cb ||
                             (line_of(&ol, edits[m].begin) == cb + 1 &&
                              edits[m].begin != edits[m].end && edits[m - 1].begin != edits[m - 1].end))) {
                size_t l = last_line(&ol, &edits[m]);
                if (l > cb)
                    cb = l;
                m++;
            }
            size_t bo, bn;
            change_block(&ol, edits, k, m, ca, cb, &body, &bo, &bn);
            on += bo;
            nn += bn;
            size_t next = m < j ? line_of(&ol, edits[m].begin) : b + 1;
            for (size_t l = cb + 1; l < next && l < ol.n; l++, on++, nn++)
                put_line(&body, ' ', old + ol.start[l], ol.start[l + 1] - ol.start[l]);
            k = m;
        }
        long ostart = (long)a + 1, nstart = (long)a + 1 + delta;
        ftl_buf_printf(out, "@@ -%ld,%zu +%ld,%zu @@\n", on ? ostart : ostart - 1, on,
                       nn ? nstart : nstart - 1, nn);
        ftl_buf_putn(out, body.s ? body.s : "", body.len);
        delta += (long)nn - (long)on;
        ftl_buf_free(&body);
        i = j;
    }
    free(ol.start);
}

/* ---- compatibility header ------------------------------------------------------------------ */

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* True when pythoncapi_compat.h can be included from path: next to it or in a -I directory. */
static bool compat_header_reachable(const ftl_config *cfg, const char *path)
{
    const char *slash = strrchr(path, '/');
    char *p = slash ? ftl_xasprintf("%.*s/pythoncapi_compat.h", (int)(slash - path), path)
                    : ftl_xstrdup("pythoncapi_compat.h");
    bool ok = file_exists(p);
    free(p);
    for (size_t i = 0; !ok && i < cfg->clang_args.n; i++) {
        const char *a = cfg->clang_args.v[i];
        if (strncmp(a, "-I", 2) != 0 || !a[2])
            continue;
        p = ftl_xasprintf("%s/pythoncapi_compat.h", a + 2);
        ok = file_exists(p);
        free(p);
    }
    return ok;
}

/* Offset just after the line that includes Python.h, or -1. *eol receives that line's ending. */
static long after_python_include(const char *text, size_t len, const char **eol)
{
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && text[e] != '\n')
            e++;
        const char *l = text + i;
        size_t n = e - i;
        const char *hash = memchr(l, '#', n);
        if (hash && (memmem(l, n, "<Python.h>", 10) || memmem(l, n, "\"Python.h\"", 10)) &&
            memmem(l, n, "include", 7)) {
            *eol = (e > i && text[e - 1] == '\r') ? "\r\n" : "\n";
            return e < len ? (long)e + 1 : (long)len;
        }
        i = e + 1;
    }
    return -1;
}

/* The first message of after that before does not have as many times, or NULL. */
static const char *new_error(const ftl_strv *before, const ftl_strv *after)
{
    for (size_t i = 0; i < after->n; i++) {
        size_t na = 0, nb = 0;
        for (size_t k = 0; k < after->n; k++)
            na += strcmp(after->v[k], after->v[i]) == 0;
        for (size_t k = 0; k < before->n; k++)
            nb += strcmp(before->v[k], after->v[i]) == 0;
        if (na > nb)
            return after->v[i];
    }
    return NULL;
}

/* ---- writing ------------------------------------------------------------------------------- */

/* Replaces path's content with text atomically, keeping mode and (when permitted) ownership. */
static bool write_atomic(const char *path, const char *text, size_t len)
{
    bool ok = false;
    char *real = realpath(path, NULL);
    char *tmp = NULL;
    int fd = -1;
    sigset_t block, saved;
    struct stat st;
    if (!real || stat(real, &st) != 0) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto out;
    }
    const char *slash = strrchr(real, '/');
    tmp = ftl_xasprintf("%.*s/.ftlint-fix-XXXXXX", (int)(slash - real), real);
    /* No interruption between creating the temporary file and the rename: the user's file is
     * either the old one or the new one, and no temporary file is left behind. */
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &saved);
    fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto unblock;
    }
    for (size_t done = 0; done < len;) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
            goto unlink_tmp;
        }
        done += (size_t)w;
    }
    if (fchmod(fd, st.st_mode & 07777) != 0 || fsync(fd) != 0) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto unlink_tmp;
    }
    if (fchown(fd, st.st_uid, st.st_gid) != 0 && errno != EPERM) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto unlink_tmp;
    }
    if (close(fd) != 0) {
        fd = -1;
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto unlink_tmp;
    }
    fd = -1;
    if (rename(tmp, real) != 0) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        goto unlink_tmp;
    }
    ok = true;
    goto unblock;
unlink_tmp:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
unblock:
    sigprocmask(SIG_SETMASK, &saved, NULL);
out:
    free(tmp);
    free(real);
    return ok;
}

/* ---- per file ------------------------------------------------------------------------------ */

static void note(const ftl_finding *f, const char *what)
{
    fprintf(stderr, "ftlint: note: %s:%u:%u: %s fix not applied: %s\n", f->path, f->line, f->col,
            f->rule->code, what);
}

/* Fixes the findings fs->v[from, to) of one file; sets applied[i] for the ones fixed. */
static bool fix_file(CXIndex index, const ftl_config *cfg, ftl_findings *fs, size_t from,
                     size_t to, bool *applied, enum ftl_fix_mode mode, bool unsafe, FILE *diff_out,
                     ftl_fix_stats *st)
{
    const char *path = fs->v[from].path;
    size_t len;
    bool ok = true;
    sel chosen = {0};
    ftl_buf newtext = {0}, diff = {0};
    char *text = ftl_read_file(path, &len);
    if (!text) {
        fprintf(stderr, "ftlint: error: cannot fix %s: %s\n", path, strerror(errno));
        st->refused++;
        return false;
    }
    unsigned min_py = cfg->min_python ? cfg->min_python : FTL_DEFAULT_MIN_PYTHON;
    bool has_compat = memmem(text, len, "pythoncapi_compat.h", 19) != NULL;
    bool compat_ok = has_compat || compat_header_reachable(cfg, path);
    const char *eol = "\n";
    long compat_at = has_compat ? -1 : after_python_include(text, len, &eol);
    bool need_compat = false;
    bool *take = ftl_xcalloc(to - from, sizeof *take);

    for (size_t i = from; i < to; i++) {
        const ftl_finding *f = &fs->v[i];
        if (!f->nedits)
            continue;
        bool all_ok = true, needs = false;
        for (size_t k = 0; k < f->nedits && all_ok; k++) {
            const ftl_edit *e = &f->edits[k];
            if ((!e->safe && !unsafe) || e->end > len || e->begin > e->end)
                all_ok = false;
            if (e->needs_py > min_py)
                needs = true;
        }
        if (!all_ok)
            continue;
        if (needs && !has_compat && (!compat_ok || compat_at < 0)) {
            char *why = ftl_xasprintf(
                "it uses an API newer than the minimum Python (%u.%u); vendor pythoncapi_compat.h "
                "(from the pythoncapi-compat project) next to the file or in an -I directory%s, or "
                "raise min_python (--min-python)",
                min_py >> 24, (min_py >> 16) & 0xff,
                compat_at < 0 && compat_ok ? " and include Python.h in this file" : "");
            note(f, why);
            free(why);
            continue;
        }
        bool clash = false;
        for (size_t k = 0; k < f->nedits && !clash; k++)
            clash = overlaps(&chosen, &f->edits[k]);
        if (clash) {
            note(f, "it overlaps an earlier fix");
            continue;
        }
        for (size_t k = 0; k < f->nedits; k++)
            if (!chosen_already(&chosen, &f->edits[k]))
                sel_add(&chosen, f->edits[k]);
        need_compat |= needs;
        take[i - from] = true;
    }
    if (chosen.n == 0)
        goto out;
    if (need_compat && !has_compat) {
        char *inc = ftl_xasprintf("#include \"pythoncapi_compat.h\"  /* from the pythoncapi-compat "
                                  "project: 3.13+ APIs on older Pythons */%s", eol);
        sel_add(&chosen, (ftl_edit){(unsigned)compat_at, (unsigned)compat_at, inc, true, 0});
    }
    qsort(chosen.v, chosen.n, sizeof *chosen.v, cmp_edit);
    size_t pos = 0;
    for (size_t k = 0; k < chosen.n; k++) {
        ftl_buf_putn(&newtext, text + pos, chosen.v[k].begin - pos);
        ftl_buf_puts(&newtext, chosen.v[k].replacement);
        pos = chosen.v[k].end;
    }
    ftl_buf_putn(&newtext, text + pos, len - pos);

    /* Never make things worse: every compiler error of the fixed text must be one the original
     * has too (by message, as often), so a fix that removes an error cannot hide one it adds. */
    ftl_strv before = {0}, after = {0};
    int nbefore = ftl_count_errors(index, cfg, path, text, len, &before);
    int nafter = ftl_count_errors(index, cfg, path, newtext.s, newtext.len, &after);
    const char *added = nbefore < 0 || nafter < 0 ? NULL : new_error(&before, &after);
    if (added || nbefore < 0 || nafter < 0) {
        if (added)
            fprintf(stderr, "ftlint: error: refusing to fix %s: the fixed text has a compiler "
                            "error the original does not have (%s); the file is left unchanged\n",
                    path, added);
        else
            fprintf(stderr, "ftlint: error: refusing to fix %s: the %s text cannot be parsed; "
                            "the file is left unchanged\n", path, nbefore < 0 ? "original" : "fixed");
        ftl_strv_free(&before);
        ftl_strv_free(&after);
        st->refused++;
        ok = false;
        goto out;
    }
    ftl_strv_free(&before);
    ftl_strv_free(&after);
    if (mode == FTL_FIX_DIFF) {
        ftl_unified_diff(path, text, len, chosen.v, chosen.n, &diff);
        fwrite(diff.s, 1, diff.len, diff_out);
    } else if (!write_atomic(path, newtext.s, newtext.len)) {
        st->refused++;
        ok = false;
        goto out;
    }
    st->files_changed++;
    for (size_t i = from; i < to; i++) {
        if (take[i - from]) {
            applied[i] = true;
            st->fixed++;
        }
    }
out:
    if (need_compat && !has_compat && chosen.n) {
        /* the include line was allocated here; the others belong to the findings */
        for (size_t k = 0; k < chosen.n; k++)
            if (chosen.v[k].begin == (unsigned)compat_at && chosen.v[k].end == (unsigned)compat_at &&
                strstr(chosen.v[k].replacement, "pythoncapi_compat.h"))
                free(chosen.v[k].replacement);
    }
    free(chosen.v);
    free(take);
    ftl_buf_free(&newtext);
    ftl_buf_free(&diff);
    free(text);
    return ok;
}

bool ftl_fix(const ftl_config *cfg, ftl_findings *fs, enum ftl_fix_mode mode, bool unsafe,
             FILE *diff_out, ftl_fix_stats *st)
{
    memset(st, 0, sizeof *st);
    bool ok = true;
    bool *applied = ftl_xcalloc(fs->n, sizeof *applied);
    CXIndex index = clang_createIndex(1, 0);
    for (size_t i = 0; i < fs->n;) {
        size_t j = i + 1;
        while (j < fs->n && strcmp(fs->v[j].path, fs->v[i].path) == 0)
            j++;
        bool any = false;
        for (size_t k = i; k < j && !any; k++)
            any = fs->v[k].nedits > 0;
        if (any)
            ok &= fix_file(index, cfg, fs, i, j, applied, mode, unsafe, diff_out, st);
        i = j;
    }
    clang_disposeIndex(index);
    /* Drop the fixed findings (with --diff they are shown as the diff instead). */
    size_t w = 0;
    for (size_t i = 0; i < fs->n; i++) {
        if (applied[i]) {
            ftl_findings one = {0};
            ftl_grow((void **)&one.v, &one.cap, 1, sizeof *one.v);
            one.v[0] = fs->v[i];
            one.n = 1;
            ftl_findings_free(&one);
        } else {
            fs->v[w++] = fs->v[i];
        }
    }
    fs->n = w;
    free(applied);
    return ok;
}
