/* feature.h: found only through the database's -I../include (relative to build/). */
#define REGISTRY_LOOKUP(d, k) PyDict_GetItem((d), (k))
