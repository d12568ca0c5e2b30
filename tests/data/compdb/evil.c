/* evil.c: a "plugin" that leaves a mark when loaded; the analysis must never load it. */
#include <stdio.h>

__attribute__((constructor)) static void mark(void)
{
    FILE *f = fopen(EVIL_MARK, "w");
    if (f)
        fclose(f);
}
