/* spam: a small extension module written the way many were before free-threading.
 * It is ftlint's bundled example (`make demo`): every hazard below is real in a 3.13t/3.14t
 * build. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* A lazily built cache shared by every call. */
static PyObject *name_cache = NULL;
static long calls_served = 0;

typedef struct {
    PyObject_HEAD
    PyObject *entries;       /* dict: name -> value */
    PyObject *history;       /* list of recent values */
    PyObject *owner;         /* weak reference to the owner */
} RegistryObject;

static PyObject *
registry_lookup(RegistryObject *self, PyObject *key)
{
    calls_served++;
    PyObject *value = PyDict_GetItem(self->entries, key);
    if (value == NULL) {
        Py_RETURN_NONE;
    }
    Py_INCREF(value);
    return value;
}

static PyObject *
registry_last(RegistryObject *self, PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t n = PyList_GET_SIZE(self->history);
    if (n == 0) {
        Py_RETURN_NONE;
    }
    return Py_NewRef(PyList_GET_ITEM(self->history, n - 1));
}

static PyObject *
registry_owner(RegistryObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *owner = PyWeakref_GetObject(self->owner);
    return Py_NewRef(owner);
}

static PyObject *
registry_snapshot(RegistryObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *out = PyList_New(0);
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    if (out == NULL) {
        return NULL;
    }
    while (PyDict_Next(self->entries, &pos, &key, &value)) {
        if (PyList_Append(out, key) < 0) {
            Py_DECREF(out);
            return NULL;
        }
    }
    /* Reading our own fresh list is fine. */
    PyObject *first = PyList_Size(out) ? PyList_GetItem(out, 0) : NULL;
    (void)first;
    return out;
}

static PyObject *
registry_configure(RegistryObject *self, PyObject *args, PyObject *kwds)
{
    /* The kwargs dict belongs to this call: no finding. */
    PyObject *limit = kwds ? PyDict_GetItemString(kwds, "limit") : NULL;
    if (name_cache == NULL) {
        name_cache = PyUnicode_FromString("registry");
    }
    return Py_NewRef(limit ? limit : Py_None);
}

static char *
copy_label(const char *label)
{
    size_t n = strlen(label) + 1;
    char *buf = PyObject_Malloc(n);
    if (buf != NULL) {
        memcpy(buf, label, n);
    }
    return buf;
}

static PyObject *
registry_label(RegistryObject *self, PyObject *arg)
{
    const char *s = PyUnicode_AsUTF8(arg);
    if (s == NULL) {
        return NULL;
    }
    char *copy = copy_label(s);
    PyObject *res = PyUnicode_FromString(copy);
    PyObject_Free(copy);
    return res;
}

static PyObject *
registry_replace(RegistryObject *self, PyObject *value)
{
    /* Overwriting an item of a list other threads can read. */
    if (PyList_GET_SIZE(self->history) > 0) {
        Py_INCREF(value);
        PyObject *old = PyList_GET_ITEM(self->history, 0);
        PyList_SET_ITEM(self->history, 0, value);
        Py_DECREF(old);
    }
    Py_RETURN_NONE;
}

static PyObject *
registry_lock_and_clear(RegistryObject *self, PyObject *Py_UNUSED(ignored))
{
#ifdef Py_GIL_DISABLED
    PyMutex_Lock(&((PyObject *)self)->ob_mutex);
#endif
    PyDict_Clear(self->entries);
#ifdef Py_GIL_DISABLED
    PyMutex_Unlock(&((PyObject *)self)->ob_mutex);
#endif
    Py_RETURN_NONE;
}

static PyObject *
spam_version(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    PyObject *sys_version = PySys_GetObject("version");
    return Py_BuildValue("(Oi)", sys_version, 1);
}

static PyMethodDef registry_methods[] = {
    {"lookup", (PyCFunction)registry_lookup, METH_O, NULL},
    {"last", (PyCFunction)registry_last, METH_NOARGS, NULL},
    {"owner", (PyCFunction)registry_owner, METH_NOARGS, NULL},
    {"snapshot", (PyCFunction)registry_snapshot, METH_NOARGS, NULL},
    {"configure", (PyCFunction)(void (*)(void))registry_configure, METH_VARARGS | METH_KEYWORDS, NULL},
    {"label", (PyCFunction)registry_label, METH_O, NULL},
    {"replace", (PyCFunction)registry_replace, METH_O, NULL},
    {"lock_and_clear", (PyCFunction)registry_lock_and_clear, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RegistryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "spam.Registry",
    .tp_basicsize = sizeof(RegistryObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_methods = registry_methods,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef spam_methods[] = {
    {"version", spam_version, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL},
};

static int
spam_exec(PyObject *module)
{
    if (PyType_Ready(&RegistryType) < 0) {
        return -1;
    }
    return PyModule_AddObjectRef(module, "Registry", (PyObject *)&RegistryType);
}

static PyModuleDef_Slot spam_slots[] = {
    {Py_mod_exec, spam_exec},
    {0, NULL},
};

static struct PyModuleDef spam_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "spam",
    .m_methods = spam_methods,
    .m_slots = spam_slots,
};

PyMODINIT_FUNC
PyInit_spam(void)
{
    return PyModuleDef_Init(&spam_module);
}
