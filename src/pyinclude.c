/* pyinclude.c: finds the directory holding Python.h when the user did not say where it is. */
#include "pyinclude.h"
#include "util.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool has_python_h(const char *dir)
{
    char *p = ftl_xasprintf("%s/Python.h", dir);
    struct stat st;
    bool ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    free(p);
    return ok;
}

/* Runs cmd and returns its first output line (caller frees) or NULL. */
static char *first_line_of(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    if (!f)
        return NULL;
    char line[4096];
    char *res = NULL;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        res = ftl_xstrdup(line);
    }
    while (fgets(line, sizeof line, f))
        ;
    pclose(f);
    return res;
}

static char *from_python_config(void)
{
    char *line = first_line_of("python3-config --includes 2>/dev/null");
    char *res = NULL;
    if (!line)
        return NULL;
    /* "-I/usr/include/python3.11 -I/usr/include/python3.11" */
    for (char *p = line; p && *p && !res;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (n > 2 && p[0] == '-' && p[1] == 'I') {
            char *dir = ftl_xstrndup(p + 2, n - 2);
            if (has_python_h(dir))
                res = dir;
            else
                free(dir);
        }
        p += n;
    }
    free(line);
    return res;
}

static char *from_sysconfig(void)
{
    const char *cmd = "python3 -c \"import sysconfig; print(sysconfig.get_paths()['include'])\" "
                      "2>/dev/null";
    char *dir = first_line_of(cmd);
    if (dir && has_python_h(dir))
        return dir;
    free(dir);
    return NULL;
}

/* The highest /usr/include/python3.N that holds Python.h. */
static char *from_usr_include(void)
{
    glob_t g;
    char *best = NULL;
    long best_minor = -1;
    if (glob("/usr/include/python3.*", 0, NULL, &g) != 0)
        return NULL;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        const char *p = g.gl_pathv[i] + strlen("/usr/include/python3.");
        char *end;
        long minor = strtol(p, &end, 10);
        if (end == p || !has_python_h(g.gl_pathv[i]))
            continue;
        if (minor > best_minor) {
            free(best);
            best = ftl_xstrdup(g.gl_pathv[i]);
            best_minor = minor;
        }
    }
    globfree(&g);
    return best;
}

char *ftl_find_python_include(void)
{
    char *d = from_python_config();
    if (!d)
        d = from_sysconfig();
    if (!d)
        d = from_usr_include();
    return d;
}

bool ftl_python_include_valid(const char *dir)
{
    return has_python_h(dir);
}
