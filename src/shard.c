/* shard.c: --shard K/N, a deterministic share of the discovered files for one of N CI jobs. */
#include "shard.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool parse_uint(const char *s, const char *end, unsigned *out)
{
    if (s == end || end - s > 9)
        return false;
    unsigned v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    *out = v;
    return true;
}

bool ftl_parse_shard(const char *s, unsigned *k, unsigned *n)
{
    const char *slash = strchr(s, '/');
    if (!slash)
        return false;
    return parse_uint(s, slash, k) && parse_uint(slash + 1, slash + strlen(slash), n) &&
           *n >= 1 && *k >= 1 && *k <= *n;
}

void ftl_shard_select(ftl_filelist *list, unsigned k, unsigned n)
{
    ftl_strv keep = {0};
    for (size_t i = 0; i < list->files.n; i++)
        if (i % n == k - 1)
            ftl_strv_push(&keep, list->files.v[i]);
    ftl_strv_free(&list->files);
    list->files = keep;
    if (k != 1) {
        ftl_strv_free(&list->missing);
        for (size_t i = 0; i < list->nskipped; i++) {
            free(list->skipped[i].path);
            free(list->skipped[i].reason);
        }
        list->nskipped = 0;
    }
}
