/* fuzz_suppress.c: libFuzzer target for suppression comments: arbitrary bytes scanned for
 * `ftlint:` directives (comments, string and character literals, raw strings, line splices),
 * with the positions and texts of what it finds checked against the input. */
#include "fuzz_util.h"
#include "suppress.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly the input's bytes (no terminator) so that any read past the end is caught;
     * the engine passes clang's buffers, which do end in a NUL, but need not. */
    char *text = ftl_xmalloc(size);
    memcpy(text, data, size);
    ftl_directive *v;
    size_t n = ftl_directives_scan(text, size, &v);
    unsigned lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += text[i] == '\n';
    for (size_t i = 0; i < n; i++) {
        const ftl_directive *d = &v[i];
        FZ_ASSERT(d->offset < size && d->end_offset <= size && d->offset <= d->end_offset,
                  "offsets %u..%u in %zu bytes", d->offset, d->end_offset, size);
        FZ_ASSERT(memcmp(text + d->offset, "ftlint:", 7) == 0, "directive not at 'ftlint:'");
        FZ_ASSERT(d->line >= 1 && d->line <= lines && d->last_line >= d->line && d->last_line <= lines,
                  "lines %u..%u of %u", d->line, d->last_line, lines);
        FZ_ASSERT(d->col >= 1 && d->end_col >= d->col, "columns %u..%u", d->col, d->end_col);
        FZ_ASSERT(d->text != NULL && !strchr(d->text, '\n'), "directive text spans lines");
        FZ_ASSERT((d->error == NULL) == (d->error_help == NULL), "error without help");
        for (size_t k = 0; k < d->nrules; k++)
            FZ_ASSERT(d->rules[k] >= 0 && (size_t)d->rules[k] < ftl_nrules, "rule %d", d->rules[k]);
        if (i > 0)
            FZ_ASSERT(v[i - 1].offset < d->offset, "directives out of order");
    }
    ftl_directives_free(v, n);
    free(text);
    return 0;
}
