/* other.c: one finding recorded in the baseline, fixed later. */
#include <Python.h>

static PyObject *items;

PyObject *first(void) { return PyList_GetItem(items, 0); }
