/* registry.c: two findings recorded in the baseline. */
#include <Python.h>

static PyObject *registry;

PyObject *get(PyObject *key)
{
    return PyDict_GetItem(registry, key);
}

PyObject *get_string(const char *key)
{
    return PyDict_GetItemString(registry, key);
}
