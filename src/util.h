/* util.h: small allocation and string helpers used everywhere (abort on out-of-memory). */
#ifndef FTL_UTIL_H
#define FTL_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* All of these abort with a message on allocation failure: ftlint cannot do anything useful
 * without memory, and checking every small allocation would hide the real logic. */
void *ftl_xmalloc(size_t n);
void *ftl_xcalloc(size_t n, size_t size);
void *ftl_xrealloc(void *p, size_t n);
/* Grows *v (array of elem bytes) so that it holds at least need elements. */
void ftl_grow(void **v, size_t *cap, size_t need, size_t elem);
char *ftl_xstrdup(const char *s);                 /* caller frees */
char *ftl_xstrndup(const char *s, size_t n);      /* caller frees */
char *ftl_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));  /* caller frees */
char *ftl_xvasprintf(const char *fmt, va_list ap);                                /* caller frees */

/* A growable string. */
typedef struct ftl_buf {
    char *s;
    size_t len, cap;
} ftl_buf;
void ftl_buf_putn(ftl_buf *b, const char *s, size_t n);
void ftl_buf_puts(ftl_buf *b, const char *s);
void ftl_buf_printf(ftl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *ftl_buf_steal(ftl_buf *b);   /* returns the NUL-terminated string (caller frees), resets b */
void ftl_buf_free(ftl_buf *b);

/* A byte stream of numbers and strings, for handing results from one process to another
 * (isolate.c). Writers append to an ftl_buf; a reader never reads past its end and sets bad
 * instead. */
typedef struct ftl_wire {
    const char *p;
    size_t len, pos;
    bool bad;                /* truncated or malformed: every later read returns 0 or NULL */
} ftl_wire;
void ftl_wire_put_u64(ftl_buf *b, unsigned long long v);
void ftl_wire_put_str(ftl_buf *b, const char *s);     /* s may be NULL */
unsigned long long ftl_wire_u64(ftl_wire *w);
/* A count of items that each take at least one byte: 0 and bad when larger than what is left. */
size_t ftl_wire_count(ftl_wire *w);
char *ftl_wire_str(ftl_wire *w);                      /* caller frees; NULL for NULL or bad */

/* A map from strings (copied) to indices, with open addressing: USR lookups in rules. */
typedef struct ftl_strmap {
    char **keys;
    size_t *vals;
    size_t cap, n;
} ftl_strmap;
/* True and *val set when key is present. */
bool ftl_strmap_get(const ftl_strmap *m, const char *key, size_t *val);
/* Adds key or replaces its value. */
void ftl_strmap_put(ftl_strmap *m, const char *key, size_t val);
void ftl_strmap_free(ftl_strmap *m);

/* Reads a whole regular file; returns NULL and sets errno on failure (EINVAL for a device or
 * FIFO, which would never end or block, EISDIR for a directory). *len receives the size.
 * Caller frees. */
char *ftl_read_file(const char *path, size_t *len);
/* The reason ftl_read_file failed with errno err, for messages ("not a regular file"...). */
const char *ftl_read_error(int err);
/* Runs fn(arg) on a new thread whose stack is stack_bytes (falling back to smaller sizes when
 * the system refuses), waits for it and returns its result. ftlint parses and walks syntax
 * trees that can be hundreds of thousands of levels deep; libclang runs on the calling thread
 * (LIBCLANG_NOTHREADS) so that this stack, not libclang's 8 MB one, bounds the recursion. */
int ftl_call_with_stack(size_t stack_bytes, int (*fn)(void *), void *arg);
/* Runs fn(arg) as the body of a thread and returns its result; the thread's alternate signal
 * stack is put back as it was before (see util.c). */
void *ftl_thread_keeping_altstack(void *(*fn)(void *), void *arg);
#define FTL_ANALYSIS_STACK ((size_t)1 << 30)

/* Copy of a CXString's text (caller frees), disposing the CXString. */
#include <clang-c/Index.h>
char *ftl_cxstr(CXString s);

#endif
