/* util.c: allocation wrappers, a growable string, whole-file reading. */
#include "util.h"
#include "ftlint.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void oom(void)
{
    fputs("ftlint: out of memory\n", stderr);
    abort();
}

void *ftl_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom();
    return p;
}

void *ftl_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom();
    return p;
}

void *ftl_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom();
    return q;
}

void ftl_grow(void **v, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc < need)
        nc *= 2;
    *v = ftl_xrealloc(*v, nc * elem);
    *cap = nc;
}

char *ftl_xstrdup(const char *s)
{
    return ftl_xstrndup(s, strlen(s));
}

char *ftl_xstrndup(const char *s, size_t n)
{
    char *p = ftl_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ftl_xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        oom();
    char *p = ftl_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *ftl_xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ftl_xvasprintf(fmt, ap);
    va_end(ap);
    return p;
}

void ftl_buf_putn(ftl_buf *b, const char *s, size_t n)
{
    ftl_grow((void **)&b->s, &b->cap, b->len + n + 1, 1);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void ftl_buf_puts(ftl_buf *b, const char *s)
{
    ftl_buf_putn(b, s, strlen(s));
}

void ftl_buf_printf(ftl_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = ftl_xvasprintf(fmt, ap);
    va_end(ap);
    ftl_buf_puts(b, p);
    free(p);
}

char *ftl_buf_steal(ftl_buf *b)
{
    char *s = b->s ? b->s : ftl_xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void ftl_buf_free(ftl_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void ftl_wire_put_u64(ftl_buf *b, unsigned long long v)
{
    unsigned char bytes[8];
    for (int i = 0; i < 8; i++)
        bytes[i] = (unsigned char)(v >> (8 * i));
    ftl_buf_putn(b, (const char *)bytes, sizeof bytes);
}

void ftl_wire_put_str(ftl_buf *b, const char *s)
{
    /* The length plus one, 0 for NULL. */
    size_t n = s ? strlen(s) : 0;
    ftl_wire_put_u64(b, s ? n + 1 : 0);
    if (s)
        ftl_buf_putn(b, s, n);
}

unsigned long long ftl_wire_u64(ftl_wire *w)
{
    if (w->bad || w->len - w->pos < 8) {
        w->bad = true;
        return 0;
    }
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++)
        v |= (unsigned long long)(unsigned char)w->p[w->pos + i] << (8 * i);
    w->pos += 8;
    return v;
}

size_t ftl_wire_count(ftl_wire *w)
{
    unsigned long long n = ftl_wire_u64(w);
    if (n > w->len - w->pos) {
        w->bad = true;
        return 0;
    }
    return (size_t)n;
}

char *ftl_wire_str(ftl_wire *w)
{
    unsigned long long n = ftl_wire_u64(w);
    if (n == 0 || w->bad)
        return NULL;
    if (n - 1 > w->len - w->pos) {
        w->bad = true;
        return NULL;
    }
    char *s = ftl_xstrndup(w->p + w->pos, (size_t)(n - 1));
    w->pos += (size_t)(n - 1);
    return s;
}

char *ftl_read_file(const char *path, size_t *len)
{
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return NULL;
    struct stat st;
    int err = 0;
    ftl_buf b = {0};
    if (fstat(fd, &st) != 0) {
        err = errno;
    } else if (!S_ISREG(st.st_mode)) {
        err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;   /* a device or FIFO: never ending */
    } else {
        char chunk[65536];
        for (;;) {
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                err = errno;
            if (n <= 0)
                break;
            ftl_buf_putn(&b, chunk, (size_t)n);
        }
    }
    close(fd);
    if (err) {
        ftl_buf_free(&b);
        errno = err;
        return NULL;
    }
    *len = b.len;
    return ftl_buf_steal(&b);
}

const char *ftl_read_error(int err)
{
    return err == EINVAL ? "not a regular file" : strerror(err);
}

char *ftl_cxstr(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = ftl_xstrdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

void ftl_strv_push(ftl_strv *sv, const char *s)
{
    ftl_grow((void **)&sv->v, &sv->cap, sv->n + 2, sizeof *sv->v);
    sv->v[sv->n++] = ftl_xstrdup(s);
    sv->v[sv->n] = NULL;
}

void ftl_strv_free(ftl_strv *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = sv->cap = 0;
}

bool ftl_strv_contains(const ftl_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0)
            return true;
    return false;
}

typedef struct stack_call {
    int (*fn)(void *);
    void *arg;
    int result;
} stack_call;

static void *stack_trampoline(void *p)
{
    stack_call *c = p;
    c->result = c->fn(c->arg);
    return NULL;
}

/* LLVM installs an alternate signal stack, allocated with malloc, on whichever thread first
 * registers its signal handlers (libclang does when it writes a PCH or a temporary file). When
 * that thread is one of ours and ends, AddressSanitizer takes the alternate stack for its own
 * and dies unmapping it; any runtime may assume the same. The thread therefore ends with the
 * alternate stack it started with (LLVM keeps its buffer referenced: no leak). */
void *ftl_thread_keeping_altstack(void *(*fn)(void *), void *arg)
{
    stack_t before;
    bool saved = sigaltstack(NULL, &before) == 0;
    void *r = fn(arg);
    if (saved) {
        before.ss_flags &= SS_DISABLE;   /* SS_ONSTACK is not a flag one may set */
        sigaltstack(&before, NULL);
    }
    return r;
}

static void *stack_thread(void *p)
{
    return ftl_thread_keeping_altstack(stack_trampoline, p);
}

int ftl_call_with_stack(size_t stack_bytes, int (*fn)(void *), void *arg)
{
    stack_call c = {fn, arg, 0};
    for (size_t size = stack_bytes; size >= ((size_t)16 << 20); size /= 2) {
        pthread_attr_t attr;
        pthread_t t;
        if (pthread_attr_init(&attr) != 0)
            break;
        int rc = pthread_attr_setstacksize(&attr, size);
        if (rc == 0)
            rc = pthread_create(&t, &attr, stack_thread, &c);
        pthread_attr_destroy(&attr);
        if (rc == 0) {
            pthread_join(t, NULL);
            return c.result;
        }
    }
    return fn(arg);   /* no thread could be made: run here */
}

/* ---- string map ---------------------------------------------------------------------------- */

static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603ULL & (size_t)-1;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * (1099511628211ULL & (size_t)-1);
    return h;
}

static size_t strmap_slot(const ftl_strmap *m, const char *key)
{
    size_t i = str_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

bool ftl_strmap_get(const ftl_strmap *m, const char *key, size_t *val)
{
    if (!m->cap)
        return false;
    size_t i = strmap_slot(m, key);
    if (!m->keys[i])
        return false;
    *val = m->vals[i];
    return true;
}

void ftl_strmap_put(ftl_strmap *m, const char *key, size_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        ftl_strmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = ftl_xcalloc(m->cap, sizeof *m->keys);
        m->vals = ftl_xcalloc(m->cap, sizeof *m->vals);
        for (size_t i = 0; i < old.cap; i++) {
            if (!old.keys[i])
                continue;
            size_t j = strmap_slot(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->vals[j] = old.vals[i];
        }
        free(old.keys);
        free(old.vals);
    }
    size_t i = strmap_slot(m, key);
    if (!m->keys[i]) {
        m->keys[i] = ftl_xstrdup(key);
        m->n++;
    }
    m->vals[i] = val;
}

void ftl_strmap_free(ftl_strmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        free(m->keys[i]);
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}
