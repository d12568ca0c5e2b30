/* shared.h: included by a.c (with WANT_A) and b.c (without). */
#include <Python.h>
static PyObject *reg;
#ifdef WANT_A
static inline PyObject *ga(PyObject *k) { return PyDict_GetItem(reg, k); } /* ftlint: ignore[FT001] */
#endif
static inline int nothing(void) { return 0; } /* ftlint: ignore[FT001] */
