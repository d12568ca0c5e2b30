/* broken.c: input of the report format tests: a file clang reports an error in, analysed
 * anyway. */
#include <Python.h>

#error this configuration is not supported

static PyObject *registry;

static PyObject *
first(void)
{
    return Py_XNewRef(PyList_GetItem(registry, 0));
}
