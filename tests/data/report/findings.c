/* findings.c: input of the report format tests (tests/check_report.c): findings on lines that
 * hold non-ASCII text, so that SARIF columns must be counted in UTF-16 code units. */
#include <Python.h>

static PyObject *cache;     /* a dict other threads share */
static PyObject *history;   /* a list other threads share */

static PyObject *
lookup(PyObject *key)
{
    PyObject *plain = PyDict_GetItem(cache, key);
    const char *e = "é"; PyObject *latin = PyDict_GetItem(cache, key);
    const char *g = "😀"; PyObject *astral = PyList_GetItem(history, 0);
    (void)e;
    (void)g;
    if (!plain || !latin || !astral)
        return NULL;
    return Py_NewRef(plain);
}

/* The same line in two functions: the fingerprints differ by their occurrence number. */
static PyObject *
get_first(PyObject *key)
{
    PyObject *v = PyDict_GetItem(cache, key);
    return Py_XNewRef(v);
}

static PyObject *
get_second(PyObject *key)
{
    PyObject *v = PyDict_GetItem(cache, key);
    return Py_XNewRef(v);
}
