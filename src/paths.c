/* paths.c: lexical path helpers (see paths.h). Nothing here resolves symbolic links: paths stay
 * the ones users wrote or build systems recorded, only made absolute and tidied. */
#include "paths.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *ftl_path_normalize(const char *p)
{
    bool abs = p[0] == '/';
    size_t n = strlen(p);
    /* Components kept so far, as offsets into a copy. */
    char *copy = ftl_xstrdup(p);
    char **parts = ftl_xcalloc(n / 2 + 2, sizeof *parts);
    size_t np = 0;
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (np > 0 && strcmp(parts[np - 1], "..") != 0) {
                np--;
                continue;
            }
            if (abs)
                continue;    /* "/.." is "/" */
        }
        parts[np++] = c;
    }
    ftl_buf b = {0};
    if (abs)
        ftl_buf_puts(&b, "/");
    for (size_t i = 0; i < np; i++) {
        if (i)
            ftl_buf_puts(&b, "/");
        ftl_buf_puts(&b, parts[i]);
    }
    if (b.len == 0)
        ftl_buf_puts(&b, ".");
    free(parts);
    free(copy);
    return ftl_buf_steal(&b);
}

char *ftl_path_join(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir || !dir[0])
        return ftl_path_normalize(p);
    char *j = ftl_xasprintf("%s/%s", dir, p);
    char *r = ftl_path_normalize(j);
    free(j);
    return r;
}

char *ftl_path_abs(const char *p)
{
    if (p[0] == '/')
        return ftl_path_normalize(p);
    char *cwd = getcwd(NULL, 0);
    char *r = ftl_path_join(cwd ? cwd : "/", p);
    free(cwd);
    return r;
}

char *ftl_path_dirname(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash)
        return ftl_xstrdup(".");
    if (slash == p)
        return ftl_xstrdup("/");
    return ftl_xstrndup(p, (size_t)(slash - p));
}

const char *ftl_path_under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(path, dir, n) != 0)
        return NULL;
    if (path[n] == '\0')
        return path + n;
    return path[n] == '/' ? path + n + 1 : NULL;
}

char *ftl_path_display(const char *abs)
{
    char *cwd = getcwd(NULL, 0);
    char *r = NULL;
    if (cwd && abs[0] == '/' && strcmp(cwd, "/") != 0) {    /* "tmp/x.c" would only confuse */
        const char *rest = ftl_path_under(abs, cwd);
        if (rest && *rest)
            r = ftl_xstrdup(rest);
        else if (rest)
            r = ftl_xstrdup(".");
    }
    free(cwd);
    return r ? r : ftl_xstrdup(abs);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

char *ftl_find_upward(const char *start, const char *const *names)
{
    char *dir = ftl_path_abs(start);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *d = ftl_path_dirname(dir);
        free(dir);
        dir = d;
    }
    char *found = NULL;
    for (;;) {
        for (const char *const *n = names; *n && !found; n++) {
            char *c = ftl_path_join(dir, *n);
            if (exists(c))
                found = c;
            else
                free(c);
        }
        char *git = ftl_path_join(dir, ".git");
        bool root = exists(git) || strcmp(dir, "/") == 0;
        free(git);
        if (found || root)
            break;
        char *up = ftl_path_dirname(dir);
        free(dir);
        dir = up;
    }
    free(dir);
    return found;
}
