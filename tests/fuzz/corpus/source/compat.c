/* FT001 fixture: only code the free-threaded 3.14 build compiles is analysed, whatever Python
 * headers are installed (the tests use Debian's 3.11 ones). */
#include <Python.h>

#if PY_VERSION_HEX < 0x030D0000
static inline PyObject *get_first(PyObject *list)
{
    PyObject *item = PyList_GetItem(list, 0);             /* a shim for old Pythons: not 3.14 */
    Py_XINCREF(item);
    return item;
}
#else
static inline PyObject *get_first(PyObject *list)
{
    return PyList_GetItemRef(list, 0);
}
#endif

#if PY_MAJOR_VERSION == 3 && PY_MINOR_VERSION < 13
#  define LEGACY 1
#endif

#ifndef Py_GIL_DISABLED
static PyObject *only_with_gil(PyObject *d)
{
    return PyDict_GetItemString(d, "x");                  /* the GIL build only */
}
#endif

#ifdef Py_GIL_DISABLED
static PyObject *only_free_threaded(PyObject *d)
{
    return PyDict_GetItemString(d, "x");                  /* expect: FT001 */
}
#else
static PyObject *only_free_threaded(PyObject *d)
{
    return PyDict_GetItemString(d, "y");
}
#endif

#if PY_VERSION_HEX >= 0x030D0000
PyObject *new_apis(PyObject *d, PyObject *key)
{
    PyObject *v = NULL;
    if (PyDict_GetItemRef(d, key, &v) < 0)
        return NULL;
    PyObject *m = PyImport_AddModuleRef("m");
    Py_XDECREF(m);
    PyObject *bad = PyDict_GetItem(d, key);               /* expect: FT001 */
    (void)bad;
    return v;
}
#endif

#ifdef LEGACY
PyObject *legacy(PyObject *d) { return PyDict_GetItemString(d, "x"); }
#endif

PyObject *use(PyObject *l) { return get_first(l) ? only_free_threaded(l) : NULL; }
