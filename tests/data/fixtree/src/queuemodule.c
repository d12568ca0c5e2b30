/* queuemodule.c: the _queue extension module, single-phase initialisation (test data for
 * tests/check_fixes.c). */
#include "cache.h"

PyObject *buffer_join(PyObject *strings);
Py_ssize_t cache_count_ints(cache_t *c);

static cache_t cache;

static PyObject *
queue_first(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return cache_first(&cache);
}

static PyObject *
queue_last(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *last = cache_last(&cache);
    return last ? last : Py_NewRef(Py_None);
}

static PyObject *
queue_join(PyObject *module, PyObject *strings)
{
    return buffer_join(strings);
}

static PyObject *
queue_config(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *globals = PyEval_GetBuiltins();
    Py_XINCREF(globals);
    PyObject *res = PyLong_FromSsize_t(cache_count_ints(&cache));
    Py_XDECREF(globals);
    return res;
}

static PyMethodDef queue_methods[] = {
    {"first", queue_first, METH_NOARGS, NULL},
    {"last", queue_last, METH_NOARGS, NULL},
    {"join", queue_join, METH_O, NULL},
    {"config", queue_config, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef queue_module = {
    PyModuleDef_HEAD_INIT, "_queue", NULL, -1, queue_methods,
};

PyMODINIT_FUNC
PyInit__queue(void)
{
    PyObject *m = PyModule_Create(&queue_module);
    if (m == NULL) {
        return NULL;
    }
    if (cache_init(&cache, m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
