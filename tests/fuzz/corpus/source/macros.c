/* FT001 fixture: uses through the project's macros are reported where the macro is used, and
 * an immediate Py_INCREF does not silence the finding. */
#include <Python.h>

#define LOOKUP(d, k) PyDict_GetItem((d), (k))
#define GET_OR_NONE(d, k) (PyDict_GetItemString((d), (k)) ? PyDict_GetItemString((d), (k)) : Py_None)

PyObject *through_macros(PyObject *dict, PyObject *key, PyObject *list)
{
    PyObject *a = LOOKUP(dict, key);                      /* expect: FT001 */
    PyObject *b = GET_OR_NONE(dict, "x");                 /* expect: FT001 */
    PyObject *c = Py_NewRef(PyList_GET_ITEM(list, 0));    /* expect: FT001 */
    Py_INCREF(PyList_GetItem(list, 1));                   /* expect: FT001 */
    PyObject *d = PyList_GetItem(list, 2);                /* expect: FT001 */
    Py_INCREF(d);
    (void)a;
    (void)b;
    (void)c;
    return d;
}
