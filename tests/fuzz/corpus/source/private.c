/* FT001 fixture: containers private to the running thread stay clean until published. */
#include <Python.h>

PyObject *fresh_containers(PyObject *self, PyObject *key)
{
    PyObject *l = PyList_New(2);
    PyObject *d = PyDict_New();
    PyObject *c = PyDict_Copy(d);
    PyObject *s = PySequence_List(self);
    PyObject *b = Py_BuildValue("[OO]", key, key);
    PyObject *k = PyDict_Keys(d);
    PyObject *r;
    r = PyList_GetItem(l, 0);
    r = PyList_GET_ITEM(l, 1);
    r = PyDict_GetItem(d, key);
    r = PyDict_GetItemString(c, "x");
    r = PyList_GetItem(s, 0);
    r = PyList_GetItem(b, 0);
    r = PyList_GetItem(k, 0);
    PyObject *fast = PySequence_Fast(l, "x");             /* fast is l itself: still private */
    r = PySequence_Fast_GET_ITEM(fast, 0);
    return r;
}

PyObject *published(PyObject *self, PyObject *key, PyObject *other)
{
    PyObject *l = PyList_New(1);
    PyObject *r = PyList_GetItem(l, 0);                   /* before publication: clean */
    PyList_Append(other, l);                              /* now other threads can reach l */
    r = PyList_GetItem(l, 0);                             /* expect: FT001 */

    PyObject *d = PyDict_New();
    r = PyDict_GetItem(d, key);
    PyObject_SetAttrString(self, "d", d);                 /* stored on an object */
    r = PyDict_GetItem(d, key);                           /* expect: FT001 */

    PyObject *e = PyDict_New();
    ((PyListObject *)other)->ob_item[0] = e;              /* stored in a field */
    r = PyDict_GetItem(e, key);                           /* expect: FT001 */

    PyObject *f = PyList_New(0);
    PyObject *g = f;                                      /* an alias of a fresh list */
    r = PyList_GetItem(g, 0);
    Py_INCREF(f);                                         /* reference counting publishes nothing */
    r = PyList_GetItem(f, 0);

    PyObject *h = PyList_New(0);
    PyObject *pub = PyTuple_Pack(1, h);                   /* h is now inside another object */
    r = PyList_GetItem(h, 0);                             /* expect: FT001 */
    (void)pub;
    return r;
}

/* A METH_KEYWORDS function: its kwargs dict is private to the call. */
static PyObject *with_kwargs(PyObject *self, PyObject *args, PyObject *kw)
{
    PyObject *v = PyDict_GetItemString(kw, "name");
    PyObject *w = PyDict_GetItem(kw, self);
    PyObject *x = PySequence_Fast_GET_ITEM(args, 0);      /* args is a tuple */
    (void)w;
    (void)x;
    return v;
}

/* Not registered with METH_KEYWORDS: a dict parameter is shared. */
static PyObject *plain(PyObject *self, PyObject *dict)
{
    return PyDict_GetItemString(dict, "name");            /* expect: FT001 */
}

static PyMethodDef methods[] = {
    {"with_kwargs", (PyCFunction)(void (*)(void))with_kwargs, METH_VARARGS | METH_KEYWORDS, NULL},
    {"plain", plain, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

/* A critical section on the container itself protects the borrowed reference. */
PyObject *locked(PyObject *self, PyObject *list, PyObject *dict, PyObject *key)
{
    PyObject *r = NULL;
    Py_BEGIN_CRITICAL_SECTION(list);
    r = Py_NewRef(PyList_GET_ITEM(list, 0));
    Py_END_CRITICAL_SECTION();
    Py_BEGIN_CRITICAL_SECTION(self);                      /* a section on another object */
    r = PyList_GetItem(list, 0);                          /* expect: FT001 */
    Py_END_CRITICAL_SECTION();
    r = PyDict_GetItem(dict, key);                        /* expect: FT001 */
    (void)methods;
    return r;
}

/* A project wrapper that locks the sequence PySequence_Fast() was given (numpy's
 * NPY_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST): the lock is on a copy of obj, the items come from
 * seq = PySequence_Fast(obj): the same object. */
#define MY_BEGIN_SEQ_LOCK(original) { PyObject *_orig = (PyObject *)(original); \
    PyCriticalSection _cs; PyCriticalSection_Begin(&_cs, _orig);
#define MY_END_SEQ_LOCK() PyCriticalSection_End(&_cs); }

PyObject *fast_locked(PyObject *obj)
{
    PyObject *seq = PySequence_Fast(obj, "expected a sequence");
    PyObject *r = NULL;
    MY_BEGIN_SEQ_LOCK(obj);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    r = Py_NewRef(items[0]);
    MY_END_SEQ_LOCK();
    PyObject **again = PySequence_Fast_ITEMS(seq);        /* expect: FT001 */
    (void)again;
    Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST(obj);
    r = PySequence_Fast_GET_ITEM(seq, 0);
    Py_END_CRITICAL_SECTION_SEQUENCE_FAST();
    return r;
}
