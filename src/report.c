/* report.c: what the formatters share: the format table, the atomic -o output file, paths
 * relative to a directory, source files with line tables, and UTF-16 columns. */
#include "report.h"
#include "util.h"

#include <cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the format table ------------------------------------------------------------------------ */

static const ftl_formatter formatters[] = {
    [FTL_FORMAT_TEXT] = {"text", ftl_write_text},
    [FTL_FORMAT_JSON] = {"json", ftl_write_json},
    [FTL_FORMAT_SARIF] = {"sarif", ftl_write_sarif},
};

#define NFORMATTERS (sizeof formatters / sizeof *formatters)

const ftl_formatter *ftl_formatter_of(enum ftl_format format)
{
    return (size_t)format < NFORMATTERS ? &formatters[format] : &formatters[FTL_FORMAT_TEXT];
}

bool ftl_format_from_name(const char *name, enum ftl_format *format)
{
    for (size_t i = 0; i < NFORMATTERS; i++) {
        if (strcmp(formatters[i].name, name) == 0) {
            *format = (enum ftl_format)i;
            return true;
        }
    }
    return false;
}

const char *ftl_format_names(void)
{
    return "text, json, sarif";
}

/* ---- the output file ------------------------------------------------------------------------- */

/* The directory part of path ("." when it has none). Caller frees. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ftl_xstrdup(".");
    if (slash == path)
        return ftl_xstrdup("/");
    return ftl_xstrndup(path, (size_t)(slash - path));
}

bool ftl_output_check(const char *path, FILE *err)
{
    if (!path)
        return true;
    if (!*path) {
        fputs("ftlint: -o: the output file name is empty\n", err);
        return false;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        fprintf(err, "ftlint: -o %s: is a directory\n", path);
        return false;
    }
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return true;             /* a device or FIFO: written directly (see ftl_output_open) */
    char *dir = dir_of(path);
    bool ok = false;
    if (stat(dir, &st) != 0)
        fprintf(err, "ftlint: -o %s: directory '%s' does not exist\n", path, dir);
    else if (!S_ISDIR(st.st_mode))
        fprintf(err, "ftlint: -o %s: '%s' is not a directory\n", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        fprintf(err, "ftlint: -o %s: cannot write in directory '%s': %s\n", path, dir, strerror(errno));
    else
        ok = true;
    free(dir);
    return ok;
}

bool ftl_output_open(ftl_output *o, const char *path, FILE *err)
{
    memset(o, 0, sizeof *o);
    if (!path) {
        o->f = stdout;
        errno = 0;
        return true;
    }
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* /dev/null, /dev/stdout, a FIFO: renaming a file over it would replace the device
         * (as root, /dev/null itself) with a regular file. */
        if (!(o->f = fopen(path, "w"))) {
            fprintf(err, "ftlint: -o %s: %s\n", path, strerror(errno));
            return false;
        }
        o->path = ftl_xstrdup(path);
        errno = 0;
        return true;
    }
    char *dir = dir_of(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *tmp = ftl_xasprintf("%s/.%s.XXXXXX", dir, base);
    free(dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(err, "ftlint: -o %s: cannot create a temporary file next to it: %s\n", path,
                strerror(errno));
        free(tmp);
        return false;
    }
    /* The result gets the mode an ordinary create would give (or the old file's mode), not
     * mkstemp's 0600. Reading the umask means setting it; the output is opened after the
     * analysis, when no other thread runs. */
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        mode_t mask = umask(022);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || !(o->f = fdopen(fd, "w"))) {
        fprintf(err, "ftlint: -o %s: %s\n", path, strerror(errno));
        close(fd);
        unlink(tmp);
        free(tmp);
        return false;
    }
    o->path = ftl_xstrdup(path);
    o->tmp = tmp;
    errno = 0;   /* so that a formatter's failure is reported with its own cause */
    return true;
}

static void output_release(ftl_output *o)
{
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

bool ftl_output_commit(ftl_output *o, bool complete, FILE *err)
{
    int saved = complete ? 0 : (errno ? errno : EIO);
    bool ok = complete;
    if (o->path && !o->tmp) {
        /* Written directly to a device or FIFO. */
        if (ok && (fflush(o->f) != 0 || ferror(o->f))) {
            ok = false;
            saved = errno;
        }
        if (fclose(o->f) != 0 && ok) {
            ok = false;
            saved = errno;
        }
        if (!ok)
            fprintf(err, "ftlint: -o %s: cannot write the report: %s\n", o->path,
                    strerror(saved ? saved : EIO));
        output_release(o);
        return ok;
    }
    if (!o->path) {
        if (ok && (fflush(o->f) != 0 || ferror(o->f))) {
            ok = false;
            saved = errno;
        }
        if (!ok)
            fprintf(err, "ftlint: cannot write the report to standard output: %s\n",
                    strerror(saved ? saved : EIO));
        output_release(o);
        return ok;
    }
    if (ok && (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)) {
        ok = false;
        saved = errno;
    }
    if (fclose(o->f) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && rename(o->tmp, o->path) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(o->tmp);
        fprintf(err, "ftlint: -o %s: cannot write the report: %s\n", o->path,
                strerror(saved ? saved : EIO));
    }
    output_release(o);
    return ok;
}

/* ---- paths ------------------------------------------------------------------------------------ */

char *ftl_real_dir(const char *dir)
{
    return realpath(dir ? dir : ".", NULL);
}

/* path made absolute against the current directory, with empty and "." components removed.
 * *dotdot is set when it has ".." components (which only the file system can resolve; they are
 * removed lexically as a last resort). Caller frees. */
static char *lexical_abs(const char *path, bool *dotdot)
{
    ftl_buf in = {0}, out = {0};
    *dotdot = false;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd))
            ftl_buf_puts(&in, cwd);
        ftl_buf_puts(&in, "/");
    }
    ftl_buf_puts(&in, path);
    char *save = NULL;
    for (char *c = strtok_r(in.s, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            *dotdot = true;
            char *last = out.s ? strrchr(out.s, '/') : NULL;
            if (last) {
                out.len = (size_t)(last - out.s);
                out.s[out.len] = '\0';
            }
            continue;
        }
        ftl_buf_puts(&out, "/");
        ftl_buf_puts(&out, c);
    }
    ftl_buf_free(&in);
    if (!out.len)
        ftl_buf_puts(&out, "/");
    return ftl_buf_steal(&out);
}

/* The part of abs below base, or NULL when abs is not inside base. */
static const char *below(const char *base, const char *abs)
{
    size_t bl = strlen(base);
    if (bl == 1 && base[0] == '/')
        return abs[1] ? abs + 1 : ".";
    if (strncmp(abs, base, bl) != 0)
        return NULL;
    if (abs[bl] == '\0')
        return ".";
    return abs[bl] == '/' ? abs + bl + 1 : NULL;
}

char *ftl_report_relpath(const char *base, const char *path, bool *inside)
{
    bool dotdot, in = false;
    char *abs = lexical_abs(path, &dotdot), *res = NULL;
    const char *rel = base && !dotdot ? below(base, abs) : NULL;
    if (rel) {
        res = ftl_xstrdup(rel);
        in = true;
        goto done;
    }
    /* Not visibly inside: ask the file system (symbolic links, ".."). */
    char *real = realpath(path, NULL);
    if (real) {
        rel = base ? below(base, real) : NULL;
        in = rel != NULL;
        res = rel ? ftl_xstrdup(rel) : ftl_xstrdup(real);
        free(real);
    } else {
        res = ftl_xstrdup(abs);
    }
done:
    free(abs);
    if (inside)
        *inside = in;
    return res;
}

/* ---- sources --------------------------------------------------------------------------------- */

void ftl_source_free(ftl_source *src)
{
    free(src->path);
    free(src->text);
    free(src->lines);
    memset(src, 0, sizeof *src);
}

bool ftl_source_load(ftl_source *src, const char *path)
{
    if (src->path && strcmp(src->path, path) == 0)
        return src->text != NULL;
    ftl_source_free(src);
    src->path = ftl_xstrdup(path);
    src->text = ftl_read_file(path, &src->len);
    if (!src->text)
        return false;
    size_t cap = 0;
    ftl_grow((void **)&src->lines, &cap, 1, sizeof *src->lines);
    src->lines[src->nlines++] = 0;
    for (size_t i = 0; i < src->len; i++) {
        if (src->text[i] == '\n' && i + 1 < src->len) {
            ftl_grow((void **)&src->lines, &cap, src->nlines + 1, sizeof *src->lines);
            src->lines[src->nlines++] = i + 1;
        }
    }
    return true;
}

bool ftl_source_line(const ftl_source *src, unsigned line, const char **s, size_t *n)
{
    if (!src->text || line < 1 || line > src->nlines)
        return false;
    size_t b = src->lines[line - 1];
    size_t e = line < src->nlines ? src->lines[line] - 1 : src->len;
    if (e > b && src->text[e - 1] == '\n')
        e--;
    if (e > b && src->text[e - 1] == '\r')
        e--;
    *s = src->text + b;
    *n = e - b;
    return true;
}

void ftl_source_linecol(const ftl_source *src, size_t offset, unsigned *line, unsigned *col)
{
    if (!src->text || !src->nlines) {
        *line = 1;
        *col = (unsigned)offset + 1;
        return;
    }
    if (offset > src->len)
        offset = src->len;
    size_t lo = 0, hi = src->nlines;   /* the last line start <= offset */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->lines[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = (unsigned)lo + 1;
    *col = (unsigned)(offset - src->lines[lo]) + 1;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned char lo = 0x80, hi = 0xbf;   /* allowed range of the second byte */
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        len = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        if (s[0] == 0xe0)
            lo = 0xa0;                    /* no overlong forms */
        if (s[0] == 0xed)
            hi = 0x9f;                    /* no surrogates */
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        if (s[0] == 0xf0)
            lo = 0x90;
        if (s[0] == 0xf4)
            hi = 0x8f;                    /* nothing above U+10FFFF */
    } else
        return 0;
    if (len > n || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xc0) != 0x80)
            return 0;
    return len;
}

unsigned ftl_utf16_column(const char *line, size_t n, unsigned bytecol)
{
    const unsigned char *s = (const unsigned char *)line;
    size_t target = bytecol ? bytecol - 1 : 0, i = 0;
    unsigned units = 0;
    while (i < target && i < n) {
        size_t len = utf8_seq(s + i, n - i);
        if (len == 0)
            len = 1;                      /* an invalid byte: one U+FFFD */
        units += len == 4 ? 2 : 1;
        i += len;
    }
    if (i < target)
        units += (unsigned)(target - i);
    return units + 1;
}

/* ---- JSON helpers ------------------------------------------------------------------------------ */

void ftl_json_init(void)
{
    cJSON_Hooks hooks = {ftl_xmalloc, free};
    cJSON_InitHooks(&hooks);
}

cJSON *ftl_json_string(const char *s)
{
    if (!s)
        return cJSON_CreateNull();
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0;
    while (i < n) {
        size_t len = utf8_seq(u + i, n - i);
        if (len == 0)
            break;
        i += len;
    }
    if (i == n)
        return cJSON_CreateString(s);
    ftl_buf b = {0};
    for (i = 0; i < n;) {
        size_t len = utf8_seq(u + i, n - i);
        if (len == 0) {
            ftl_buf_puts(&b, "\xef\xbf\xbd");
            i++;
        } else {
            ftl_buf_putn(&b, s + i, len);
            i += len;
        }
    }
    cJSON *str = cJSON_CreateString(b.s);
    ftl_buf_free(&b);
    return str;
}

void ftl_json_add_string(cJSON *obj, const char *key, const char *s)
{
    cJSON_AddItemToObject(obj, key, ftl_json_string(s));
}

void ftl_json_add_uint(cJSON *obj, const char *key, unsigned long long n)
{
    cJSON_AddItemToObject(obj, key, cJSON_CreateNumber((double)n));
}

/* Writes a scalar (or a string used as a key) as compact JSON. */
static bool print_scalar(FILE *out, const cJSON *v)
{
    char *text = cJSON_PrintUnformatted(v);
    if (!text)
        return false;
    bool ok = fputs(text, out) >= 0;
    cJSON_free(text);
    return ok;
}

/* cJSON_Print puts tabs after keys and short arrays on one line; this layout (two-space
 * indentation, one member or element per line) keeps diffs between two reports line-sized. */
static bool print_value(FILE *out, const cJSON *v, int depth)
{
    bool obj = cJSON_IsObject(v);
    if (!obj && !cJSON_IsArray(v))
        return print_scalar(out, v);
    if (!v->child)
        return fputs(obj ? "{}" : "[]", out) >= 0;
    bool ok = fputs(obj ? "{\n" : "[\n", out) >= 0;
    for (const cJSON *c = v->child; c && ok; c = c->next) {
        ok = fprintf(out, "%*s", 2 * (depth + 1), "") >= 0;
        if (ok && obj) {
            cJSON *key = cJSON_CreateStringReference(c->string);
            ok = print_scalar(out, key) && fputs(": ", out) >= 0;
            cJSON_Delete(key);
        }
        ok = ok && print_value(out, c, depth + 1) && fputs(c->next ? ",\n" : "\n", out) >= 0;
    }
    return ok && fprintf(out, "%*s%c", 2 * depth, "", obj ? '}' : ']') >= 0;
}

bool ftl_json_print(FILE *out, const cJSON *doc)
{
    return print_value(out, doc, 0) && fputc('\n', out) != EOF;
}

const char *ftl_severity_name(enum ftl_severity s)
{
    return s == FTL_SEV_ERROR ? "error" : s == FTL_SEV_NOTE ? "note" : "warning";
}

const char *ftl_confidence_name(enum ftl_confidence c)
{
    return c == FTL_CONF_HIGH ? "high" : "medium";
}

/* ---- the files of a run ------------------------------------------------------------------------ */

static int cmp_entry(const void *a, const void *b)
{
    const ftl_file_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (int)x->status - (int)y->status;
}

ftl_file_entry *ftl_file_entries(const ftl_run *run, size_t *n)
{
    size_t total = run->nfiles + run->list.nskipped + run->list.missing.n, k = 0;
    ftl_file_entry *v = ftl_xcalloc(total, sizeof *v);
    for (size_t i = 0; i < run->nfiles; i++, k++) {
        const ftl_file_result *r = &run->files[i];
        v[k] = (ftl_file_entry){ftl_xstrdup(r->path), r->status,
                                r->reason ? ftl_xstrdup(r->reason) : NULL, false, r->nerrors,
                                &r->errors};
    }
    for (size_t i = 0; i < run->list.nskipped; i++, k++) {
        const ftl_skip *s = &run->list.skipped[i];
        v[k] = (ftl_file_entry){ftl_xstrdup(s->path), FTL_FILE_SKIPPED, ftl_xstrdup(s->reason),
                                false, 0, NULL};
    }
    /* Discovery records a missing path as "PATH: reason". */
    for (size_t i = 0; i < run->list.missing.n; i++, k++) {
        const char *m = run->list.missing.v[i], *sep = strrchr(m, ':');
        bool split = sep && sep[1] == ' ';
        v[k] = (ftl_file_entry){split ? ftl_xstrndup(m, (size_t)(sep - m)) : ftl_xstrdup(m),
                                FTL_FILE_FAILED, ftl_xstrdup(split ? sep + 2 : "cannot be read"),
                                true, 0, NULL};
    }
    if (total)
        qsort(v, total, sizeof *v, cmp_entry);
    *n = total;
    return v;
}

void ftl_file_entries_free(ftl_file_entry *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].path);
        free(v[i].reason);
    }
    free(v);
}

const char *ftl_file_status_name(enum ftl_file_status s)
{
    switch (s) {
    case FTL_FILE_OK:
        return "ok";
    case FTL_FILE_HAD_ERRORS:
        return "had_errors";
    case FTL_FILE_SKIPPED:
        return "skipped";
    case FTL_FILE_FAILED:
        break;
    }
    return "failed";
}
