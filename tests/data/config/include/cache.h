/* cache.h: found through "include_dirs". */
#define CACHE_GET(d, k) PyDict_GetItem((d), (k))
