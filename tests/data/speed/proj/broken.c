/* broken.c: compiler errors clang recovers from; still analysed. */
#include <Python.h>

static PyObject *
use_mutex(PyObject *op, PyObject *list)
{
    PyMutex_Lock(&op->ob_mutex);
    PyObject *x = PyList_GetItem(list, 1);
    PyMutex_Unlock(&op->ob_mutex);
    return x;
}
