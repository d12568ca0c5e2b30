/* defines.c: its finding needs "include_dirs" and "defines". */
#include <Python.h>
#include "cache.h"

#if WITH_CACHE
static PyObject *cache;

PyObject *cached(PyObject *key) { return CACHE_GET(cache, key); }
#endif
