/* FT008 fixture: a file-level suppression that is used. */
/* ftlint: ignore-file[borrowed-ref] read-only tables filled at import */
#include <Python.h>

static PyObject *table;

PyObject *first(PyObject *key) { return PyDict_GetItem(table, key); }
PyObject *second(Py_ssize_t i) { return PyList_GetItem(table, i); }
