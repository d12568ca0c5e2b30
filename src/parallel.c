/* parallel.c: analysing a list of files on several threads. Each thread owns a libclang index
 * (libclang objects are not shared between threads) and takes the next file from a shared
 * counter, largest first, so uneven files balance themselves (a big file taken last would keep
 * one thread busy while the others idle); every outcome lands in the slot of its file, which
 * keeps the run's output independent of the scheduling. */
#include "driver.h"
#include "isolate.h"
#include "util.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* Syntax trees can be very deep and both clang and the walk recurse over them: workers get a
 * large stack (address space only; pages are used as touched), less when the system refuses. */
#define WORKER_STACK ((size_t)1 << 30)
#define WORKER_STACK_MIN ((size_t)8 << 20)

typedef struct shared {
    const ftl_config *cfg;
    const ftl_strv *files;
    ftl_pch *pch;
    ftl_cache *cache;
    ftl_file_result *res;
    ftl_findings *fs;
    const size_t *order;         /* the files' indexes, largest file first */
    atomic_size_t next;
} shared;

typedef struct isolated_arg {
    const ftl_worker *w;
    const ftl_config *cfg;
} isolated_arg;

static void analyze_in(void *arg, const char *path, ftl_findings *out, ftl_file_result *res)
{
    const isolated_arg *a = arg;
    ftl_analyze_file_in(a->w, a->cfg, path, out, res);
}

static void *work(void *arg)
{
    shared *sh = arg;
    ftl_worker w = {clang_createIndex(1, 0), sh->pch, sh->cache};
    for (;;) {
        size_t k = atomic_fetch_add(&sh->next, 1);
        if (k >= sh->files->n)
            break;
        size_t i = sh->order[k];
        if (sh->cfg->timeout) {
            isolated_arg a = {&w, sh->cfg};
            ftl_analyze_isolated(sh->cfg->timeout, analyze_in, &a, sh->files->v[i], &sh->fs[i],
                                 &sh->res[i]);
        } else {
            ftl_analyze_file_in(&w, sh->cfg, sh->files->v[i], &sh->fs[i], &sh->res[i]);
        }
    }
    clang_disposeIndex(w.index);
    return NULL;
}

static void *work_thread(void *arg)
{
    return ftl_thread_keeping_altstack(work, arg);
}

unsigned ftl_online_cpus(void)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = online > 0 ? (unsigned)online : 1;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int allowed = CPU_COUNT(&set);
        if (allowed > 0 && (unsigned)allowed < n)
            n = (unsigned)allowed;
    }
    return n;
}

typedef struct sized {
    size_t index;
    off_t size;
} sized;

static int larger_first(const void *a, const void *b)
{
    const sized *x = a, *y = b;
    if (x->size != y->size)
        return x->size > y->size ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The order the workers take the files in (caller frees): by size, largest first; a file that
 * cannot be examined goes last (it fails fast). */
static size_t *schedule(const ftl_strv *files)
{
    sized *v = ftl_xcalloc(files->n ? files->n : 1, sizeof *v);
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        v[i].index = i;
        v[i].size = stat(files->v[i], &st) == 0 ? st.st_size : -1;
    }
    qsort(v, files->n, sizeof *v, larger_first);
    size_t *order = ftl_xcalloc(files->n ? files->n : 1, sizeof *order);
    for (size_t i = 0; i < files->n; i++)
        order[i] = v[i].index;
    free(v);
    return order;
}

void ftl_analyze_files(const ftl_config *cfg, const ftl_strv *files, unsigned jobs, ftl_pch *pch,
                       ftl_cache *cache, ftl_file_result *res, ftl_findings *fs)
{
    size_t *order = schedule(files);
    shared sh = {cfg, files, pch, cache, res, fs, order, 0};
    if (jobs > files->n)
        jobs = (unsigned)files->n;
    pthread_t *tids = jobs > 1 ? ftl_xcalloc(jobs - 1, sizeof *tids) : NULL;
    unsigned started = 0;
    /* The calling thread is one of the workers. If a thread cannot be created, the others
     * (at least this one) simply take its files. */
    for (unsigned t = 0; t + 1 < jobs; t++) {
        for (size_t stack = WORKER_STACK; stack >= WORKER_STACK_MIN; stack /= 2) {
            pthread_attr_t attr;
            if (pthread_attr_init(&attr) != 0)
                break;
            int rc = pthread_attr_setstacksize(&attr, stack);
            if (rc == 0)
                rc = pthread_create(&tids[started], &attr, work_thread, &sh);
            pthread_attr_destroy(&attr);
            if (rc == 0) {
                started++;
                break;
            }
        }
    }
    work(&sh);
    for (unsigned t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    free(tids);
    free(order);
}
