/* FT008 fixture: a file-level suppression left after the code was fixed. */
// ftlint: ignore-file[FT001] nothing left to ignore   expect: FT008
#include <Python.h>

static PyObject *table;

int first(PyObject *key, PyObject **out) { return PyDict_GetItemRef(table, key, out); }
