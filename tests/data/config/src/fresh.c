/* fresh.c: new_index() returns a new dict ("fresh_functions"), private until published. */
#include <Python.h>

extern PyObject *new_index(PyObject *items);

PyObject *first_key(PyObject *items, PyObject *key)
{
    PyObject *index = new_index(items);
    PyObject *v = Py_XNewRef(PyDict_GetItem(index, key));
    Py_DECREF(index);
    return v;
}
