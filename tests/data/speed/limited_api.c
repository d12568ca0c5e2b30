/* A file that configures Python.h before including it: the classic precompiled-header hazard.
 * ftlint's prelude includes Python.h first, so these definitions must change nothing, with or
 * without the PCH (check_speed compares both). */
#define Py_LIMITED_API 0x030d0000
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *
first_item(PyObject *self, PyObject *args)
{
    PyObject *list, *dict;
    if (!PyArg_ParseTuple(args, "OO", &list, &dict))
        return NULL;
    PyObject *item = PyList_GetItem(list, 0);
    PyObject *value = PyDict_GetItem(dict, item);
    return PyObject_CallMethod(value, "copy", NULL);
}
