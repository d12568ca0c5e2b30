/* cache.h: the item cache shared by the _queue extension's sources (test data for
 * tests/check_fixes.c: ftlint --fix must leave every file compiling). */
#ifndef QUEUE_CACHE_H
#define QUEUE_CACHE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject *items;         /* list, shared by every queue */
    PyObject *index;         /* dict: key -> item */
    PyObject *owner;         /* weak reference to the owning object */
} cache_t;

int cache_init(cache_t *c, PyObject *owner);
void cache_clear(cache_t *c);
PyObject *cache_first(cache_t *c);
PyObject *cache_owner(cache_t *c);
PyObject *cache_find(cache_t *c, PyObject *key);

/* The newest item, or NULL when the cache is empty (a new reference). */
static inline PyObject *
cache_last(cache_t *c)
{
    Py_ssize_t n = PyList_GET_SIZE(c->items);
    return n > 0 ? Py_NewRef(PyList_GET_ITEM(c->items, n - 1)) : NULL;
}

#endif
