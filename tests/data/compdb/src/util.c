/* util.c: listed in the database; its finding needs no flags. */
#include <Python.h>

static PyObject *cache;

PyObject *cached(PyObject *key) { return PyDict_GetItem(cache, key); }
