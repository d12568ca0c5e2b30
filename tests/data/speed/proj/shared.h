/* shared.h: included by every source of the project: its finding must be reported once. */
#ifndef SHARED_H
#define SHARED_H
#include <Python.h>

static inline PyObject *
shared_first(PyObject *list)
{
    return PyList_GetItem(list, 0);
}
#endif
