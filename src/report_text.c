/* report_text.c: the GCC-style text format editors and CI problem matchers already parse. */
#include "report.h"
#include "fix.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define C_BOLD "\033[1m"
#define C_RESET "\033[0m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_RED "\033[1;31m"
#define C_GREEN "\033[1;32m"

void ftl_put_escaped(FILE *out, const char *s, size_t n, bool keep_tabs)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && !(keep_tabs && c == '\t')) || c == 0x7f)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

static void puts_esc(FILE *out, const char *s)
{
    ftl_put_escaped(out, s, strlen(s), false);
}

static const char *sev_name(enum ftl_severity s)
{
    return s == FTL_SEV_ERROR ? "error" : s == FTL_SEV_NOTE ? "note" : "warning";
}

static const char *sev_color(enum ftl_severity s)
{
    return s == FTL_SEV_ERROR ? C_RED : s == FTL_SEV_NOTE ? C_CYAN : C_MAGENTA;
}

/* The file currently loaded for source excerpts (findings are sorted by path). */
typedef struct src_cache {
    char *path;
    char *text;
    size_t len;
} src_cache;

static bool source_line(src_cache *sc, const ftl_config *cfg, const char *path, unsigned line,
                        const char **s, size_t *n)
{
    if (!sc->path || strcmp(sc->path, path) != 0) {
        free(sc->path);
        free(sc->text);
        sc->path = ftl_xstrdup(path);
        /* --stdin-filename: the text analysed is the one read from stdin, not the file's. */
        if (cfg->stdin_filename && strcmp(path, cfg->stdin_filename) == 0) {
            sc->text = ftl_xstrndup(cfg->stdin_text, cfg->stdin_len);
            sc->len = cfg->stdin_len;
        } else {
            sc->text = ftl_read_file(path, &sc->len);
        }
    }
    if (!sc->text)
        return false;
    const char *p = sc->text, *end = sc->text + sc->len;
    for (unsigned l = 1; l < line && p < end; l++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        p = nl + 1;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (len && p[len - 1] == '\r')
        len--;
    *s = p;
    *n = len;
    return true;
}

void ftl_report_text(FILE *out, const ftl_findings *fs, const ftl_config *cfg)
{
    bool color = cfg->use_color;
    src_cache sc = {0};
    for (size_t i = 0; i < fs->n; i++) {
        const ftl_finding *f = &fs->v[i];
        if (color)
            fputs(C_BOLD, out);
        puts_esc(out, f->path);
        fprintf(out, ":%u:%u: ", f->line, f->col);
        if (color)
            fprintf(out, "%s%s:%s " C_BOLD, sev_color(f->severity), sev_name(f->severity), C_RESET);
        else
            fprintf(out, "%s: ", sev_name(f->severity));
        puts_esc(out, f->message);
        fprintf(out, " [%s %s]", f->rule->code, f->rule->name);
        if (color)
            fputs(C_RESET, out);
        fputc('\n', out);
        if (cfg->quiet)
            continue;
        const char *line;
        size_t n;
        if (source_line(&sc, cfg, f->path, f->line, &line, &n)) {
            fputs("    ", out);
            ftl_put_escaped(out, line, n, true);
            fputs("\n    ", out);
            size_t start = f->col > 0 ? f->col - 1 : 0;
            for (size_t k = 0; k < start && k < n; k++)
                fputc(line[k] == '\t' ? '\t' : ' ', out);
            size_t width = 1;
            if (f->end_line == f->line && f->end_col > f->col)
                width = f->end_col - f->col;
            if (color)
                fputs(C_GREEN, out);
            fputc('^', out);
            for (size_t k = 1; k < width && start + k < n; k++)
                fputc('~', out);
            if (color)
                fputs(C_RESET, out);
            fputc('\n', out);
        }
        if (f->help) {
            fputs("    help: ", out);
            puts_esc(out, f->help);
            fputc('\n', out);
        }
        if (f->nedits) {
            bool safe = true;
            unsigned py = 0, min = cfg->min_python ? cfg->min_python : FTL_DEFAULT_MIN_PYTHON;
            for (size_t k = 0; k < f->nedits; k++) {
                safe &= f->edits[k].safe;
                if (f->edits[k].needs_py > py)
                    py = f->edits[k].needs_py;
            }
            fputs(safe ? "    fix: safe: --fix applies it, --diff shows it"
                       : "    fix: suggested, review it: --diff --unsafe-fixes shows it, "
                         "--fix --unsafe-fixes applies it", out);
            if (py > min)
                fprintf(out, " (it uses Python %u.%u APIs: for older Pythons, vendor "
                             "pythoncapi_compat.h)", py >> 24, (py >> 16) & 0xff);
            fputc('\n', out);
        }
    }
    free(sc.path);
    free(sc.text);
}

bool ftl_write_text(FILE *out, const ftl_run *run, const ftl_config *cfg)
{
    ftl_report_text(out, &run->findings, cfg);
    return true;
}
