/* buffer.c: scratch buffers of the _queue extension (test data for tests/check_fixes.c). */
#include <string.h>
#include "cache.h"

typedef struct {
    char *data;
    size_t len, cap;
} buffer_t;

static int
buffer_grow(buffer_t *b, size_t need)
{
    if (need <= b->cap) {
        return 0;
    }
    size_t cap = b->cap ? 2 * b->cap : 64;
    while (cap < need) {
        cap *= 2;
    }
    char *data = PyObject_Realloc(b->data, cap);
    if (data == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = data;
    b->cap = cap;
    return 0;
}

static void
buffer_release(buffer_t *b)
{
    PyObject_Free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

PyObject *
buffer_join(PyObject *strings)
{
    buffer_t b = {NULL, 0, 0};
    Py_ssize_t n = PyList_Size(strings);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = Py_NewRef(PyList_GetItem(strings, i));
        Py_ssize_t len;
        const char *u = s ? PyUnicode_AsUTF8AndSize(s, &len) : NULL;
        if (u == NULL || buffer_grow(&b, b.len + (size_t)len) < 0) {
            Py_XDECREF(s);
            buffer_release(&b);
            return NULL;
        }
        memcpy(b.data + b.len, u, (size_t)len);
        b.len += (size_t)len;
        Py_DECREF(s);
    }
    PyObject *res = PyUnicode_FromStringAndSize(b.data, (Py_ssize_t)b.len);
    buffer_release(&b);
    return res;
}
