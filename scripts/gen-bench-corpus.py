#!/usr/bin/env python3
"""gen-bench-corpus.py: writes N C extension-module sources for `make bench`.

Usage: gen-bench-corpus.py OUTDIR [N] [SEED]

Each file looks like a hand-written CPython extension: `#define PY_SSIZE_T_CLEAN` and
`#include <Python.h>` first, a shared project header, an object type with methods, members and
slots, argument parsing, list/dict/tuple work, error paths, plain C helpers with loops, and a
method table and module definition. Sizes vary the way real modules' sizes log-normal, median about 600 lines, from 150 to 3000, with a licence header and comments
like maintained code. Some functions use borrowed-reference APIs so ftlint has something to
report. The output is a deterministic function of N and SEED.
"""
import math
import os
import random
import sys


LICENCE = """\
/*
 * {name}: generated benchmark extension module {idx}.
 *
 * Copyright (c) the benchmark authors. Permission is hereby granted, free of charge, to any
 * person obtaining a copy of this software, to deal in the software without restriction,
 * including without limitation the rights to use, copy, modify, merge, publish, distribute,
 * sublicense, and/or sell copies of the software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED. IN NO
 * EVENT SHALL THE AUTHORS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY ARISING FROM,
 * OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
 */

"""

DOCS = [
    "Converts the argument and stores the result on the object. Raises TypeError when the\n"
    " * argument has the wrong type; the caller owns the returned reference.",
    "Fast path for the common case. The slow path below handles subclasses and objects that\n"
    " * only implement the sequence protocol.",
    "Returns a new reference, or NULL with an exception set.",
    "Helper shared by the methods below: no Python API calls, safe to run without the GIL\n"
    " * held as long as the buffer stays alive.",
    "Keeps the cache consistent with the items list. Called with a valid object; never\n"
    " * fails except on memory errors.",
]


HEADER = """\
/* common.h: shared declarations of the generated benchmark project. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <Python.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_buffer {
    char *data;
    Py_ssize_t len, cap;
} bench_buffer;

static inline int bench_buffer_grow(bench_buffer *b, Py_ssize_t need)
{
    if (need <= b->cap)
        return 0;
    Py_ssize_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < need)
        cap *= 2;
    char *p = PyMem_Realloc(b->data, (size_t)cap);
    if (!p) {
        PyErr_NoMemory();
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

#define BENCH_CHECK(x) do { if (!(x)) { PyErr_SetString(PyExc_RuntimeError, #x); return NULL; } } while (0)
#endif
"""


def c_helpers(rnd, prefix, k):
    out = []
    kind = rnd.choice(["checksum", "scale", "search", "matrix"])
    if kind == "checksum":
        out.append(f"""
static uint32_t {prefix}_checksum_{k}(const unsigned char *p, size_t n)
{{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {{
        a = (a + p[i]) % 65521u;
        b = (b + a) % 65521u;
    }}
    return (b << 16) | a;
}}
""")
    elif kind == "scale":
        out.append(f"""
static void {prefix}_scale_{k}(double *v, size_t n, double factor, double offset)
{{
    for (size_t i = 0; i < n; i++) {{
        double x = v[i] * factor + offset;
        if (x != x)
            x = 0.0;
        else if (x > 1e300)
            x = 1e300;
        v[i] = x;
    }}
}}
""")
    elif kind == "search":
        out.append(f"""
static Py_ssize_t {prefix}_search_{k}(const long *v, Py_ssize_t n, long key)
{{
    Py_ssize_t lo = 0, hi = n;
    while (lo < hi) {{
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }}
    return lo < n && v[lo] == key ? lo : -1;
}}
""")
    else:
        out.append(f"""
static void {prefix}_matmul_{k}(const double *a, const double *b, double *c, int n)
{{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {{
            double s = 0.0;
            for (int t = 0; t < n; t++)
                s += a[i * n + t] * b[t * n + j];
            c[i * n + j] = s;
        }}
}}
""")
    return "".join(out)


def method(rnd, prefix, k, tname):
    name = f"{prefix}_method_{k}"
    kind = rnd.choice(["list", "dict", "tuple", "kw", "buffer", "borrowed"])
    if kind == "list":
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args)
{{
    PyObject *seq;
    Py_ssize_t i, n;
    if (!PyArg_ParseTuple(args, "O", &seq))
        return NULL;
    PyObject *fast = PySequence_Fast(seq, "expected a sequence");
    if (!fast)
        return NULL;
    n = PySequence_Fast_GET_SIZE(fast);
    PyObject *result = PyList_New(0);
    if (!result) {{
        Py_DECREF(fast);
        return NULL;
    }}
    for (i = 0; i < n; i++) {{
        PyObject *item = PySequence_Fast_GET_ITEM(fast, i);
        PyObject *value = PyNumber_Multiply(item, self->factor);
        if (!value || PyList_Append(result, value) < 0) {{
            Py_XDECREF(value);
            Py_DECREF(result);
            Py_DECREF(fast);
            return NULL;
        }}
        Py_DECREF(value);
    }}
    Py_DECREF(fast);
    self->calls++;
    return result;
}}
"""
    elif kind == "dict":
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args)
{{
    PyObject *key, *dflt = Py_None;
    if (!PyArg_ParseTuple(args, "O|O", &key, &dflt))
        return NULL;
    PyObject *value;
    if (PyDict_GetItemRef(self->cache, key, &value) < 0)
        return NULL;
    if (value)
        return value;
    if (PyDict_SetItem(self->cache, key, dflt) < 0)
        return NULL;
    self->calls++;
    return Py_NewRef(dflt);
}}
"""
    elif kind == "tuple":
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args)
{{
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    PyObject *out = PyTuple_New(n);
    if (!out)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {{
        PyObject *item = PyTuple_GET_ITEM(args, i);
        PyObject *s = PyObject_Str(item);
        if (!s) {{
            Py_DECREF(out);
            return NULL;
        }}
        PyTuple_SET_ITEM(out, i, s);
    }}
    self->calls++;
    return out;
}}
"""
    elif kind == "kw":
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args, PyObject *kwargs)
{{
    static char *kwlist[] = {{"value", "repeat", "sep", NULL}};
    PyObject *value;
    int repeat = 1;
    const char *sep = ",";
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|is", kwlist, &value, &repeat, &sep))
        return NULL;
    if (repeat < 0) {{
        PyErr_SetString(PyExc_ValueError, "repeat must be >= 0");
        return NULL;
    }}
    PyObject *parts = PyList_New(repeat);
    if (!parts)
        return NULL;
    for (int i = 0; i < repeat; i++)
        PyList_SET_ITEM(parts, i, Py_NewRef(value));
    PyObject *joiner = PyUnicode_FromString(sep);
    if (!joiner) {{
        Py_DECREF(parts);
        return NULL;
    }}
    PyObject *strs = PyObject_CallMethod(joiner, "join", "(O)", parts);
    Py_DECREF(joiner);
    Py_DECREF(parts);
    self->calls++;
    return strs;
}}
"""
    elif kind == "buffer":
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args)
{{
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "y*", &view))
        return NULL;
    bench_buffer b = {{NULL, 0, 0}};
    if (bench_buffer_grow(&b, view.len + 1) < 0) {{
        PyBuffer_Release(&view);
        return NULL;
    }}
    const unsigned char *src = view.buf;
    for (Py_ssize_t i = 0; i < view.len; i++) {{
        unsigned char c = src[i];
        b.data[b.len++] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }}
    PyBuffer_Release(&view);
    PyObject *res = PyBytes_FromStringAndSize(b.data, b.len);
    PyMem_Free(b.data);
    self->calls++;
    return res;
}}
"""
    else:
        body = f"""
static PyObject *
{name}({tname} *self, PyObject *args)
{{
    Py_ssize_t index;
    if (!PyArg_ParseTuple(args, "n", &index))
        return NULL;
    PyObject *item = PyList_GetItem(self->items, index);
    if (!item)
        return NULL;
    PyObject *meta = PyDict_GetItemString(self->cache, "meta");
    if (meta && PyObject_IsTrue(meta))
        self->calls++;
    Py_INCREF(item);
    return item;
}}
"""
    flags = "METH_VARARGS | METH_KEYWORDS" if kind == "kw" else "METH_VARARGS"
    return name, flags, body


def module(rnd, idx):
    prefix = f"mod{idx:04d}"
    tname = f"{prefix}Object"
    parts = [LICENCE.format(name=f"{prefix}.c", idx=idx),
             "#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n#include <structmember.h>\n",
             "#include <math.h>\n#include <string.h>\n#include \"common.h\"\n\n",
             f"""typedef struct {{
    PyObject_HEAD
    PyObject *items;
    PyObject *cache;
    PyObject *factor;
    long calls;
}} {tname};

static void
{prefix}_dealloc({tname} *self)
{{
    Py_XDECREF(self->items);
    Py_XDECREF(self->cache);
    Py_XDECREF(self->factor);
    Py_TYPE(self)->tp_free((PyObject *)self);
}}

static int
{prefix}_init({tname} *self, PyObject *args, PyObject *kwds)
{{
    static char *kwlist[] = {{"factor", NULL}};
    PyObject *factor = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O", kwlist, &factor))
        return -1;
    self->items = PyList_New(0);
    self->cache = PyDict_New();
    if (!self->items || !self->cache)
        return -1;
    self->factor = factor ? Py_NewRef(factor) : PyLong_FromLong(2);
    return self->factor ? 0 : -1;
}}
"""]
    target = int(min(3000, max(150, rnd.lognormvariate(math.log(600), 0.6))))
    methods = []
    k = 0
    while sum(p.count("\n") for p in parts) < target - 60:
        parts.append(f"\n/*\n * {rnd.choice(DOCS)}\n */")
        if rnd.random() < 0.35:
            parts.append(c_helpers(rnd, prefix, k))
        else:
            name, flags, body = method(rnd, prefix, k, tname)
            methods.append((name, flags))
            parts.append(body)
        k += 1
    if not methods:
        name, flags, body = method(rnd, prefix, k, tname)
        methods.append((name, flags))
        parts.append(body)
    table = "".join(f'    {{"{n}", (PyCFunction)(void (*)(void)){n}, {f}, NULL}},\n' for n, f in methods)
    parts.append(f"""
static PyMethodDef {prefix}_methods[] = {{
{table}    {{NULL, NULL, 0, NULL}}
}};

static PyMemberDef {prefix}_members[] = {{
    {{"calls", T_LONG, offsetof({tname}, calls), READONLY, "number of calls"}},
    {{NULL}}
}};

static PyTypeObject {prefix}_Type = {{
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "{prefix}.Object",
    .tp_basicsize = sizeof({tname}),
    .tp_dealloc = (destructor){prefix}_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_methods = {prefix}_methods,
    .tp_members = {prefix}_members,
    .tp_init = (initproc){prefix}_init,
    .tp_new = PyType_GenericNew,
}};

static int
{prefix}_exec(PyObject *m)
{{
    if (PyType_Ready(&{prefix}_Type) < 0)
        return -1;
    return PyModule_AddObjectRef(m, "Object", (PyObject *)&{prefix}_Type);
}}

static PyModuleDef_Slot {prefix}_slots[] = {{
    {{Py_mod_exec, {prefix}_exec}},
    {{0, NULL}}
}};

static struct PyModuleDef {prefix}_module = {{
    PyModuleDef_HEAD_INIT, "{prefix}", NULL, 0, NULL, {prefix}_slots,
}};

PyMODINIT_FUNC
PyInit_{prefix}(void)
{{
    return PyModuleDef_Init(&{prefix}_module);
}}
""")
    return f"{prefix}.c", "".join(parts)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen-bench-corpus.py OUTDIR [N] [SEED]")
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    rnd = random.Random(seed)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "common.h"), "w") as f:
        f.write(HEADER)
    lines = 0
    for i in range(n):
        name, text = module(rnd, i)
        lines += text.count("\n")
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    print(f"{n} files, {lines} lines in {out}/")


if __name__ == "__main__":
    main()
