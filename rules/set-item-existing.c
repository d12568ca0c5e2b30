/* set-item-existing.c: FT003, PyList_SET_ITEM / PyTuple_SET_ITEM (and the struct sequence
 * setters) on a container that is not a fresh one this function is still filling. These
 * macros neither lock the container nor release the item they overwrite: they are for filling
 * a container nobody else can see yet. Filling a container created in this function before
 * it is published stays clean; anything else is reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const apis[] = {
    "PyList_SET_ITEM", "PyTuple_SET_ITEM", "PyStructSequence_SET_ITEM", "PyStructSequence_SetItem",
    NULL,
};

/* Per translation unit: the offset of the last reported call, so a macro and the call it
 * expands to (PyStructSequence_SET_ITEM -> PyTuple_SET_ITEM) are reported once. */
typedef struct state {
    const char *text;
    unsigned last;
} state;

static void *tu_begin(ftl_ctx *ctx)
{
    (void)ctx;
    state *st = ftl_xcalloc(1, sizeof *st);
    st->last = (unsigned)-1;
    return st;
}

static void tu_end(ftl_ctx *ctx, void *p)
{
    (void)ctx;
    free(p);
}

/* The API of the list spelled in the source at `at` (PyStructSequence_SET_ITEM is an alias of
 * PyStructSequence_SetItem or expands to PyTuple_SET_ITEM, depending on the headers), or
 * `name` when the call is written through another macro. */
static const char *written_api(const char *text, size_t len, unsigned at, const char *name)
{
    for (const char *const *a = apis; *a; a++) {
        size_t n = strlen(*a);
        if (at + n <= len && strncmp(text + at, *a, n) == 0 &&
            (at + n == len || !(text[at + n] == '_' || (text[at + n] >= 'a' && text[at + n] <= 'z') ||
                                (text[at + n] >= 'A' && text[at + n] <= 'Z') ||
                                (text[at + n] >= '0' && text[at + n] <= '9'))))
            return *a;
    }
    return name;
}

/* The arguments exactly as written when the call is spelled with its own name in the text
 * (the engine's argument text looks through Py_NewRef() and casts); else the engine's. Fills
 * out[0..2] with strings the caller frees. */
static void written_args(const char *text, size_t len, const ftl_call *call, const char *name,
                         char *out[3])
{
    size_t n = strlen(name);
    int k = 0;
    if (call->offset + n < len && strncmp(text + call->offset, name, n) == 0) {
        size_t i = call->offset + n;
        while (i < len && (text[i] == ' ' || text[i] == '\t'))
            i++;
        if (i < len && text[i] == '(') {
            int depth = 0;
            size_t start = i + 1;
            for (; i < len && i < call->end_offset + 1 && k < 3; i++) {
                char ch = text[i];
                if (ch == '(' || ch == '[' || ch == '{') {
                    depth++;
                } else if ((ch == ')' || ch == ']' || ch == '}') && --depth == 0) {
                    out[k++] = ftl_xstrndup(text + start, i - start);
                    break;
                } else if (ch == ',' && depth == 1) {
                    out[k++] = ftl_xstrndup(text + start, i - start);
                    start = i + 1;
                }
            }
        }
    }
    if (k != 3 || call->nargs != 3) {
        for (int j = 0; j < k; j++)
            free(out[j]);
        for (int j = 0; j < 3; j++)
            out[j] = ftl_xstrdup(j < call->nargs && call->args[j].text[0] ? call->args[j].text
                                                                          : (j == 1 ? "i" : "v"));
        return;
    }
    for (int j = 0; j < 3; j++) {
        /* trim and collapse whitespace */
        char *w = out[j];
        size_t o = 0;
        for (size_t r = 0; w[r]; r++) {
            bool ws = w[r] == ' ' || w[r] == '\t' || w[r] == '\n' || w[r] == '\r';
            if (!ws)
                w[o++] = w[r];
            else if (o > 0 && w[o - 1] != ' ')
                w[o++] = ' ';
        }
        while (o > 0 && w[o - 1] == ' ')
            o--;
        w[o] = '\0';
    }
}

static unsigned line_of(const char *text, size_t len, unsigned off)
{
    unsigned line = 1;
    for (size_t i = 0; i < off && i < len; i++)
        if (text[i] == '\n')
            line++;
    return line;
}

static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    state *st = ftl_ctx_state(ctx);
    size_t len;
    const char *text = ftl_ctx_text(ctx, &len);
    if (call->nargs < 1 || (st->text == text && st->last == call->offset))
        return;
    const ftl_arg *c = &call->args[0];
    if (ftl_privacy_at(ctx, c, call->offset) == FTL_PRIVATE_FRESH)
        return;
    const char *api = written_api(text, len, call->offset, call->name);
    bool list = strcmp(api, "PyList_SET_ITEM") == 0;
    bool tuple = strcmp(api, "PyTuple_SET_ITEM") == 0;
    const char *kind = list ? "list" : tuple ? "tuple" : "struct sequence";
    const char *ct = c->text[0] ? c->text : kind;
    char *w[3];
    written_args(text, len, call, api, w);
    const char *idx = w[1], *val = w[2];

    ftl_buf why = {0};
    unsigned pub;
    bool published = ftl_published_before(ctx, c, call->offset, &pub);
    unsigned pub_line = published ? line_of(text, len, pub) : 0;
    if (published)
        ftl_buf_printf(&why, "which other code can already reach (published on line %u)", pub_line);
    else
        ftl_buf_puts(&why, "which this function did not create");
    ftl_buf msg = {0}, help = {0};
    if (list) {
        ftl_buf_printf(&msg, "%s writes into list '%s', %s; it does not lock the list and leaks "
                       "the item it overwrites: use PyList_SetItem", api, ct, why.s);
        ftl_buf_printf(&help, "use PyList_SetItem(%s, %s, %s), which locks the list and releases "
                       "the old item (it steals the reference to the new item like %s)",
                       w[0], idx, val, api);
        if (published)
            ftl_buf_printf(&help, ", or fill '%s' before line %u", ct, pub_line);
    } else if (published) {
        ftl_buf_printf(&msg, "%s writes into %s '%s', %s; a %s must never change once other code "
                       "can see it: fill it before it is published", api, kind, ct, why.s,
                       kind);
        ftl_buf_printf(&help, "move %s(%s, %s, %s) before line %u, so that '%s' is complete when "
                       "other code can first see it", api, w[0], idx, val, pub_line, ct);
    } else {
        const char *make = tuple ? "PyTuple_New(PyTuple_GET_SIZE(%s))" : "PyStructSequence_New(Py_TYPE(%s))";
        const char *get = tuple ? "PyTuple_GET_ITEM" : "PyStructSequence_GET_ITEM";
        ftl_buf_printf(&msg, "%s writes into %s '%s', %s; a %s must never change once other code "
                       "can see it: build a new one", api, kind, ct, why.s, kind);
        ftl_buf_puts(&help, "build a new one instead of changing it: copy = ");
        ftl_buf_printf(&help, make, w[0]);
        ftl_buf_printf(&help, ", then %s(copy, j, Py_NewRef(%s(%s, j))) for the other items and "
                       "%s(copy, %s, %s), and use copy", api, get, w[0], api, idx, val);
    }
    char *m = ftl_buf_steal(&msg), *h = ftl_buf_steal(&help);
    ftl_report(ctx, call->offset, call->end_offset, m, h, NULL, 0);
    st->text = text;
    st->last = call->offset;
    free(m);
    free(h);
    ftl_buf_free(&why);
    for (int j = 0; j < 3; j++)
        free(w[j]);
}

const ftl_rule ftl_rule_set_item_existing = {
    .code = "FT003",
    .name = "set-item-existing",
    .summary = "PyList_SET_ITEM / PyTuple_SET_ITEM on a container this function did not just create",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_MEDIUM,
    .apis = apis,
    .on_call = on_call,
    .tu_begin = tu_begin,
    .tu_end = tu_end,
};
