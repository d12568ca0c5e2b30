/* FT001 fixture: every API of the table, on containers another thread may reach. */
#include <Python.h>

static PyObject *cache;   /* a global container: shared */

typedef struct {
    PyObject_HEAD
    PyObject *items;      /* a field: shared */
} Holder;

PyObject *all_apis(PyObject *self, PyObject *list, PyObject *dict, PyObject *key,
                   PyObject *ref, PyObject *cell, PyObject *seq)
{
    PyObject *r;
    r = PyList_GetItem(list, 0);                          /* expect: FT001 */
    r = PyList_GET_ITEM(list, 1);                         /* expect: FT001 */
    r = PyDict_GetItem(dict, key);                        /* expect: FT001 */
    r = PyDict_GetItemWithError(dict, key);               /* expect: FT001 */
    r = PyDict_GetItemString(dict, "name");               /* expect: FT001 */
    r = _PyDict_GetItemStringWithError(dict, "name");     /* expect: FT001 */
    r = PyDict_SetDefault(dict, key, Py_None);            /* expect: FT001 */
    r = PyWeakref_GetObject(ref);                         /* expect: FT001 */
    r = PyWeakref_GET_OBJECT(ref);                        /* expect: FT001 */
    r = PyImport_AddModule("mod");                        /* expect: FT001 */
    r = PyImport_AddModuleObject(key);                    /* expect: FT001 */
    r = PyCell_GET(cell);                                 /* expect: FT001 */
    r = PyEval_GetGlobals();                              /* expect: FT001 */
    r = PyEval_GetLocals();                               /* expect: FT001 */
    r = PyEval_GetBuiltins();                             /* expect: FT001 */
    r = PySys_GetObject("stdout");                        /* expect: FT001 */
    PyObject *fast = PySequence_Fast(seq, "need a sequence");
    r = PySequence_Fast_GET_ITEM(fast, 0);                /* expect: FT001 */
    PyObject **items = PySequence_Fast_ITEMS(fast);       /* expect: FT001 */
    (void)items;
    r = PyList_GetItem(cache, 0);                         /* expect: FT001 */
    r = PyList_GetItem(((Holder *)self)->items, 0);       /* expect: FT001 */
    r = PyDict_GetItem(PyModule_GetDict(self), key);      /* expect: FT001 */
    PyObject *local = PyObject_GetAttrString(self, "x");  /* unknown call result: shared */
    r = PyList_GetItem(local, 0);                         /* expect: FT001 */
    PyObject *alias = list;                               /* a copy of a parameter */
    r = PyList_GetItem(alias, 0);                         /* expect: FT001 */
    return r;
}

/* Never flagged: tuples are immutable, and the strong-reference replacements are safe. */
PyObject *safe_apis(PyObject *tuple, PyObject *list, PyObject *dict, PyObject *key)
{
    PyObject *r = PyTuple_GetItem(tuple, 0);
    r = PyTuple_GET_ITEM(tuple, 1);
    r = PyList_GetItemRef(list, 0);
    Py_XDECREF(r);
    if (PyDict_GetItemRef(dict, key, &r) > 0)
        Py_DECREF(r);
    if (PyDict_GetItemStringRef(dict, "k", &r) > 0)
        Py_DECREF(r);
    r = PyImport_AddModuleRef("mod");
    Py_XDECREF(r);
    return PyList_Size(list) > 0 ? Py_NewRef(Py_None) : NULL;
}
