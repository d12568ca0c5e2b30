/* extra.c: not in the database: analysed with the default flags. */
#include <Python.h>

static PyObject *items;

PyObject *first(void) { return PyList_GetItem(items, 0); }
