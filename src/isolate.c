/* isolate.c: --timeout. Each file is analysed in a forked child that sends its findings and
 * file result (with the suppression directives and call graph the run merges later) back
 * through a pipe, length first; the parent waits at most the time limit, then kills the child
 * and records the file as skipped. libclang cannot be interrupted, and a thread stuck in it
 * could not be stopped: a process can. */
#include "isolate.h"
#include "graph.h"
#include "suppress.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RESULT_MAGIC "ftlint-result-1"
/* How often the parent looks whether the child is still alive while it waits for data: the
 * pipe's end of file is not enough, since children forked at the same time by other threads
 * inherit its write end. */
#define POLL_SLICE_MS 100

/* ---- the stream ------------------------------------------------------------------------------ */

static size_t rule_index(const ftl_rule *r)
{
    for (size_t i = 0; i < ftl_nrules; i++)
        if (ftl_rules[i] == r)
            return i;
    int k = r ? ftl_rule_lookup(r->code) : -1;
    return k >= 0 ? (size_t)k : ftl_nrules;   /* not a table rule: rejected by unpack */
}

static void pack_finding(const ftl_finding *f, ftl_buf *b)
{
    ftl_wire_put_str(b, f->path);
    ftl_wire_put_str(b, f->key);
    const unsigned long long nums[] = {f->line, f->col, f->end_line, f->end_col, f->offset,
                                       f->end_offset, rule_index(f->rule), f->severity,
                                       f->line_hash, f->nedits};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
        ftl_wire_put_u64(b, nums[i]);
    ftl_wire_put_str(b, f->message);
    ftl_wire_put_str(b, f->help);
    ftl_wire_put_str(b, f->function);
    ftl_wire_put_str(b, f->fingerprint);
    ftl_wire_put_str(b, f->unless_serial);
    for (size_t i = 0; i < f->nedits; i++) {
        const ftl_edit *e = &f->edits[i];
        ftl_wire_put_u64(b, e->begin);
        ftl_wire_put_u64(b, e->end);
        ftl_wire_put_u64(b, e->safe);
        ftl_wire_put_u64(b, e->needs_py);
        ftl_wire_put_str(b, e->replacement);
    }
}

/* Reads one finding into f (zeroed first); false when the stream is bad. */
static bool unpack_finding(ftl_wire *w, ftl_finding *f)
{
    memset(f, 0, sizeof *f);
    f->path = ftl_wire_str(w);
    f->key = ftl_wire_str(w);
    f->line = (unsigned)ftl_wire_u64(w);
    f->col = (unsigned)ftl_wire_u64(w);
    f->end_line = (unsigned)ftl_wire_u64(w);
    f->end_col = (unsigned)ftl_wire_u64(w);
    f->offset = (unsigned)ftl_wire_u64(w);
    f->end_offset = (unsigned)ftl_wire_u64(w);
    unsigned long long rule = ftl_wire_u64(w);
    unsigned long long sev = ftl_wire_u64(w);
    f->line_hash = ftl_wire_u64(w);
    size_t nedits = ftl_wire_count(w);
    f->message = ftl_wire_str(w);
    f->help = ftl_wire_str(w);
    f->function = ftl_wire_str(w);
    f->fingerprint = ftl_wire_str(w);
    f->unless_serial = ftl_wire_str(w);
    if (rule >= ftl_nrules || sev > FTL_SEV_ERROR || !f->path || !f->key || !f->message)
        w->bad = true;
    else
        f->rule = ftl_rules[rule];
    f->severity = (enum ftl_severity)(sev <= FTL_SEV_ERROR ? sev : FTL_SEV_WARNING);
    if (nedits && !w->bad)
        f->edits = ftl_xcalloc(nedits, sizeof *f->edits);
    for (size_t i = 0; i < nedits && !w->bad; i++) {
        ftl_edit *e = &f->edits[f->nedits++];
        e->begin = (unsigned)ftl_wire_u64(w);
        e->end = (unsigned)ftl_wire_u64(w);
        e->safe = ftl_wire_u64(w) != 0;
        e->needs_py = (unsigned)ftl_wire_u64(w);
        e->replacement = ftl_wire_str(w);
        if (!e->replacement)
            w->bad = true;
    }
    return !w->bad;
}

void ftl_result_pack(const ftl_findings *fs, size_t first, const ftl_file_result *res, ftl_buf *b)
{
    ftl_wire_put_str(b, RESULT_MAGIC);
    ftl_wire_put_u64(b, fs->n - first);
    for (size_t i = first; i < fs->n; i++)
        pack_finding(&fs->v[i], b);
    ftl_wire_put_str(b, res->path);
    ftl_wire_put_u64(b, res->status);
    ftl_wire_put_str(b, res->reason);
    ftl_wire_put_u64(b, res->nerrors);
    ftl_wire_put_u64(b, res->errors.n);
    for (size_t i = 0; i < res->errors.n; i++)
        ftl_wire_put_str(b, res->errors.v[i]);
    ftl_suppressions_pack(res->suppressions, b);
    ftl_wire_put_u64(b, res->graph != NULL);
    if (res->graph)
        ftl_graph_pack(res->graph, b);
    ftl_wire_put_str(b, RESULT_MAGIC);
}

static bool magic(ftl_wire *w)
{
    char *m = ftl_wire_str(w);
    bool ok = m && strcmp(m, RESULT_MAGIC) == 0;
    free(m);
    if (!ok)
        w->bad = true;
    return ok;
}

bool ftl_result_unpack(const char *data, size_t len, ftl_findings *out, ftl_file_result *res)
{
    ftl_wire w = {data, len, 0, false};
    ftl_findings fs = {0};
    memset(res, 0, sizeof *res);
    size_t n = magic(&w) ? ftl_wire_count(&w) : 0;
    for (size_t i = 0; i < n && !w.bad; i++) {
        ftl_grow((void **)&fs.v, &fs.cap, fs.n + 1, sizeof *fs.v);
        ftl_finding *f = &fs.v[fs.n++];
        if (!unpack_finding(&w, f))
            break;
    }
    res->path = ftl_wire_str(&w);
    unsigned long long status = ftl_wire_u64(&w);
    res->status = (enum ftl_file_status)(status <= FTL_FILE_SKIPPED ? status : FTL_FILE_FAILED);
    if (status > FTL_FILE_SKIPPED || !res->path)
        w.bad = true;
    res->reason = ftl_wire_str(&w);
    res->nerrors = (unsigned)ftl_wire_u64(&w);
    size_t nerr = ftl_wire_count(&w);
    for (size_t i = 0; i < nerr && !w.bad; i++) {
        char *e = ftl_wire_str(&w);
        if (e)
            ftl_strv_push(&res->errors, e);
        else
            w.bad = true;
        free(e);
    }
    res->suppressions = ftl_suppressions_unpack(&w);
    if (ftl_wire_u64(&w))
        res->graph = ftl_graph_unpack(&w);
    if (!magic(&w) || w.pos != w.len)
        w.bad = true;
    if (w.bad) {
        ftl_findings_free(&fs);
        ftl_file_result_free(res);
        return false;
    }
    ftl_findings_take(out, &fs);
    ftl_findings_free(&fs);
    return true;
}

/* ---- the processes --------------------------------------------------------------------------- */

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        p += k;
        n -= (size_t)k;
    }
    return true;
}

/* The child: analyses, sends the length of the result and the result, and exits without
 * running the parent's exit handlers or flushing its stdio buffers. */
static void child(int fd, ftl_analysis_fn analyse, void *arg, const char *path)
{
    signal(SIGPIPE, SIG_DFL);
    ftl_findings fs = {0};
    ftl_file_result res;
    analyse(arg, path, &fs, &res);
    ftl_buf b = {0};
    ftl_wire_put_u64(&b, 0);     /* the length, filled in below */
    ftl_result_pack(&fs, 0, &res, &b);
    unsigned long long len = b.len - 8;
    for (int i = 0; i < 8; i++)
        b.s[i] = (char)(unsigned char)(len >> (8 * i));
    bool ok = write_all(fd, b.s, b.len);
    ftl_buf_free(&b);
    ftl_findings_free(&fs);
    ftl_file_result_free(&res);
    close(fd);
    _exit(ok ? 0 : 3);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* True once b holds the length prefix and that many bytes. */
static bool complete(const ftl_buf *b)
{
    if (b->len < 8)
        return false;
    ftl_wire w = {b->s, b->len, 0, false};
    unsigned long long n = ftl_wire_u64(&w);
    return b->len - 8 >= n;
}

/* Reads what the child sends until the message is complete, the child is gone, or the deadline
 * passes. Returns true on time-out. *exited and *status tell whether the child was reaped. */
static bool collect(int fd, pid_t pid, long long deadline, ftl_buf *b, bool *exited, int *status)
{
    char chunk[65536];
    *exited = false;
    while (!complete(b)) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return true;
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, (int)(left < POLL_SLICE_MS ? left : POLL_SLICE_MS));
        if (r < 0 && errno != EINTR)
            return false;
        if (r > 0) {
            ssize_t n = read(fd, chunk, sizeof chunk);
            if (n > 0) {
                ftl_buf_putn(b, chunk, (size_t)n);
                continue;
            }
            if (n == 0)
                return false;            /* end of file: the child is done or gone */
            if (errno != EINTR && errno != EAGAIN)
                return false;
            continue;
        }
        if (!*exited && waitpid(pid, status, WNOHANG) == pid) {
            /* Gone: take what it wrote before (the pipe holds it) and stop. */
            *exited = true;
            int fl = fcntl(fd, F_GETFL);
            fcntl(fd, F_SETFL, fl | O_NONBLOCK);
            ssize_t n;
            while ((n = read(fd, chunk, sizeof chunk)) > 0)
                ftl_buf_putn(b, chunk, (size_t)n);
            return false;
        }
    }
    return false;
}

void ftl_analyze_isolated(unsigned seconds, ftl_analysis_fn analyse, void *arg, const char *path,
                          ftl_findings *out, ftl_file_result *res)
{
    int fds[2];
    pid_t pid = -1;
    if (seconds && pipe2(fds, O_CLOEXEC) == 0) {
        pid = fork();
        if (pid < 0) {
            close(fds[0]);
            close(fds[1]);
        }
    }
    if (pid < 0) {
        analyse(arg, path, out, res);    /* no limit asked, or no process to impose it */
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], analyse, arg, path);
    }
    close(fds[1]);
    ftl_buf b = {0};
    bool exited;
    int status = 0;
    bool timed_out = collect(fds[0], pid, now_ms() + (long long)seconds * 1000, &b, &exited, &status);
    close(fds[0]);
    if (timed_out)
        kill(pid, SIGKILL);
    while (!exited && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool ok = !timed_out && complete(&b) && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
              ftl_result_unpack(b.s + 8, b.len - 8, out, res);
    ftl_buf_free(&b);
    if (ok)
        return;
    memset(res, 0, sizeof *res);
    res->path = ftl_xstrdup(path);
    if (timed_out) {
        res->status = FTL_FILE_SKIPPED;
        res->reason = ftl_xasprintf("timed out after %u s", seconds);
    } else if (WIFSIGNALED(status)) {
        res->status = FTL_FILE_FAILED;
        res->reason = ftl_xasprintf("the analysis crashed (signal %d, %s)", WTERMSIG(status),
                                    strsignal(WTERMSIG(status)));
    } else {
        res->status = FTL_FILE_FAILED;
        res->reason = ftl_xasprintf("the analysis process failed (exit status %d)",
                                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
}

typedef struct plain_arg {
    CXIndex index;
    const ftl_config *cfg;
} plain_arg;

static void plain(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    const plain_arg *a = arg;
    ftl_analyze_file(a->index, a->cfg, path, out, res);
}

void ftl_analyze_file_limited(CXIndex index, const ftl_config *cfg, const char *path,
                              ftl_findings *out, ftl_file_result *res)
{
    plain_arg a = {index, cfg};
    ftl_analyze_isolated(cfg->timeout, plain, &a, path, out, res);
}
