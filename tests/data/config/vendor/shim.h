/* shim.h: a vendored header included by project code: excluded too. */
static PyObject *shim_table;
static inline PyObject *shim_get(PyObject *key) { return PyDict_GetItem(shim_table, key); }
