/* e.c: one source of the test project. */
#include "shared.h"

static PyObject *
lookup_e(PyObject *dict, PyObject *key)
{
    PyObject *v = PyDict_GetItem(dict, key);
    return v ? shared_first(v) : NULL;
}
