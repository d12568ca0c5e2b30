/* mod.c: its only finding needs the database's flags: -I../include and -DWITH_REGISTRY. */
#include <Python.h>
#include "feature.h"

#ifdef WITH_REGISTRY
static PyObject *registry;

PyObject *lookup(PyObject *key)
{
    PyObject *v = REGISTRY_LOOKUP(registry, key);
    return Py_XNewRef(v);
}
#endif
