/* lock.c: the project's own lock functions ("lock_functions") protect the lookup. */
#include <Python.h>
#include "../vendor/shim.h"

extern void registry_lock(PyObject *obj);
extern void registry_unlock(PyObject *obj);

static PyObject *registry;

PyObject *locked(PyObject *key)
{
    registry_lock(registry);
    PyObject *v = Py_XNewRef(PyDict_GetItem(registry, key));
    registry_unlock(registry);
    return v;
}
