/* fsio.c: directory creation, atomic replacement (temporary file + rename) and tree removal. */
#include "fsio.h"
#include "util.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ftl_mkdirs(const char *dir)
{
    char *p = ftl_xstrdup(dir);
    bool ok = true;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            ok = false;
            break;
        }
        *s = c;
        if (!c)
            break;
    }
    if (ok) {
        struct stat st;
        if (stat(dir, &st) != 0)
            ok = false;
        else if (!S_ISDIR(st.st_mode)) {
            errno = ENOTDIR;
            ok = false;
        }
    }
    int e = errno;
    free(p);
    errno = e;
    return ok;
}

char *ftl_temp_beside(const char *path)
{
    char *tmp = ftl_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        errno = e;
        return NULL;
    }
    close(fd);
    return tmp;
}

bool ftl_write_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = ftl_xasprintf("%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    bool ok = false;
    int e = 0;
    if (fd < 0) {
        e = errno;
        goto done;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            if (w == 0)
                errno = EIO;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    e = left ? errno : 0;
    if (close(fd) != 0 && !e)
        e = errno;
    /* mkstemp creates the file 0600: cache files stay private to the user. */
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e)
        unlink(tmp);
    ok = !e;
done:
    free(tmp);
    errno = e;
    return ok;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        rmdir(path);
    else
        unlink(path);
    return 0;
}

void ftl_remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
