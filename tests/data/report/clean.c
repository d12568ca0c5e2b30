/* clean.c: input of the report format tests: nothing to report. */
#include <Python.h>

static PyObject *
fresh(void)
{
    PyObject *list = PyList_New(1);
    if (!list)
        return NULL;
    PyObject *item = PyList_GetItem(list, 0);
    (void)item;
    return list;
}
