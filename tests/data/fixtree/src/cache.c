/* cache.c: the item cache of the _queue extension (test data for tests/check_fixes.c). */
#include "cache.h"

int
cache_init(cache_t *c, PyObject *owner)
{
    c->items = PyList_New(0);
    c->index = PyDict_New();
    c->owner = PyWeakref_NewRef(owner, NULL);
    if (c->items == NULL || c->index == NULL || c->owner == NULL) {
        cache_clear(c);
        return -1;
    }
    return 0;
}

void
cache_clear(cache_t *c)
{
    Py_CLEAR(c->items);
    Py_CLEAR(c->index);
    Py_CLEAR(c->owner);
}

PyObject *
cache_first(cache_t *c)
{
    PyObject *item = PyList_GetItem(c->items, 0);
    if (item == NULL) {
        return NULL;
    }
    Py_INCREF(item);
    return item;
}

PyObject *
cache_owner(cache_t *c)
{
    PyObject *owner = PyWeakref_GetObject(c->owner);
    Py_INCREF(owner);
    return owner;
}

PyObject *
cache_find(cache_t *c, PyObject *key)
{
    PyObject *item;
    item = PyDict_GetItemWithError(c->index, key);
    Py_XINCREF(item);
    if (item == NULL && !PyErr_Occurred()) {
        PyErr_SetObject(PyExc_KeyError, key);
    }
    return item;
}

Py_ssize_t
cache_count_ints(cache_t *c)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0, n = 0;
    while (PyDict_Next(c->index, &pos, &key, &value)) {
        if (PyLong_Check(value)) {
            n++;
        }
    }
    return n;
}
