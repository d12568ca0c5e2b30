/* t.c: test helpers, exempt from FT001 by "per_path_ignores". */
#include <Python.h>

static PyObject *fixtures;

PyObject *fixture(PyObject *key) { return PyDict_GetItem(fixtures, key); }
