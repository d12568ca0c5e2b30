/* ftlint prelude: force-included (as a virtual file) before every analysed source.
 *
 * It includes Python.h first, in a fixed configuration, and then makes the preprocessor
 * describe the free-threaded build of CPython 3.14 whatever headers are installed:
 *  - PY_VERSION_HEX and friends say 3.14, so `#if PY_VERSION_HEX < 0x030D0000` compatibility
 *    branches are inactive and their `#else` branches are analysed;
 *  - 3.13/3.14 declarations that older headers lack (PyMutex, critical sections, Py_mod_gil,
 *    the strong-reference getters) are declared, so code written for 3.13+ parses the same
 *    way with 3.11 headers as with free-threaded ones.
 * Py_GIL_DISABLED itself comes from the command line (-DPy_GIL_DISABLED=1).
 * Because Python.h is included here, a later `#include <Python.h>` in the file is a no-op:
 * macros a file defines before its own include (PY_SSIZE_T_CLEAN, Py_LIMITED_API) do not
 * change how the Python headers are read. The limited API is not available in free-threaded
 * 3.14 builds, and PY_SSIZE_T_CLEAN is the only behaviour since 3.13.
 */
#ifndef FTLINT_PRELUDE_H
#define FTLINT_PRELUDE_H

#if defined(__has_include)
#  if __has_include(<Python.h>)
#    include <Python.h>
#    define FTLINT_HAVE_PYTHON_H 1
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

#if defined(FTLINT_HAVE_PYTHON_H) && PY_VERSION_HEX < 0x030D0000
/* Headers older than 3.13: declare what 3.13+ code uses. */
typedef struct PyMutex { unsigned char _bits; } PyMutex;
void PyMutex_Lock(PyMutex *m);
void PyMutex_Unlock(PyMutex *m);
typedef struct PyCriticalSection { void *_cs_prev; PyMutex *_cs_mutex; } PyCriticalSection;
typedef struct PyCriticalSection2 { PyCriticalSection _cs_base; PyMutex *_cs_mutex2; } PyCriticalSection2;
void PyCriticalSection_Begin(PyCriticalSection *c, PyObject *op);
void PyCriticalSection_End(PyCriticalSection *c);
void PyCriticalSection2_Begin(PyCriticalSection2 *c, PyObject *a, PyObject *b);
void PyCriticalSection2_End(PyCriticalSection2 *c);
int PyUnstable_Module_SetGIL(PyObject *module, void *gil);
PyObject *PyList_GetItemRef(PyObject *list, Py_ssize_t index);
int PyDict_GetItemRef(PyObject *p, PyObject *key, PyObject **result);
int PyDict_GetItemStringRef(PyObject *p, const char *key, PyObject **result);
int PyDict_SetDefaultRef(PyObject *p, PyObject *key, PyObject *def, PyObject **result);
int PyDict_Pop(PyObject *p, PyObject *key, PyObject **result);
int PyDict_PopString(PyObject *p, const char *key, PyObject **result);
int PyDict_ContainsString(PyObject *p, const char *key);
int PyWeakref_GetRef(PyObject *ref, PyObject **pobj);
PyObject *PyImport_AddModuleRef(const char *name);
PyObject *PyEval_GetFrameGlobals(void);
PyObject *PyEval_GetFrameLocals(void);
PyObject *PyEval_GetFrameBuiltins(void);
int PyObject_GetOptionalAttr(PyObject *obj, PyObject *name, PyObject **result);
int PyObject_GetOptionalAttrString(PyObject *obj, const char *name, PyObject **result);
int PyMapping_GetOptionalItem(PyObject *obj, PyObject *key, PyObject **result);
int PyMapping_GetOptionalItemString(PyObject *obj, const char *key, PyObject **result);
int PyLong_AsInt(PyObject *obj);
#endif

#if defined(FTLINT_HAVE_PYTHON_H) && PY_VERSION_HEX < 0x030E0000
void PyCriticalSection_BeginMutex(PyCriticalSection *c, PyMutex *m);
#endif

#if defined(FTLINT_HAVE_PYTHON_H) && PY_VERSION_HEX < 0x030F0000
PyObject *PySys_GetAttrString(const char *name);
int PySys_GetOptionalAttrString(const char *name, PyObject **result);
#endif

#ifdef __cplusplus
}
#endif

#ifndef Py_mod_gil
#  define Py_mod_gil 4
#endif
#ifndef Py_MOD_GIL_USED
#  define Py_MOD_GIL_USED ((void *)0)
#endif
#ifndef Py_MOD_GIL_NOT_USED
#  define Py_MOD_GIL_NOT_USED ((void *)1)
#endif
#ifndef Py_mod_multiple_interpreters
#  define Py_mod_multiple_interpreters 3
#  define Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED ((void *)0)
#  define Py_MOD_MULTIPLE_INTERPRETERS_SUPPORTED ((void *)1)
#  define Py_MOD_PER_INTERPRETER_GIL_SUPPORTED ((void *)2)
#endif
#ifndef Py_BEGIN_CRITICAL_SECTION
#  define Py_BEGIN_CRITICAL_SECTION(op) { PyCriticalSection _py_cs; PyCriticalSection_Begin(&_py_cs, (PyObject *)(op))
#  define Py_END_CRITICAL_SECTION() PyCriticalSection_End(&_py_cs); }
#endif
#ifndef Py_BEGIN_CRITICAL_SECTION2
#  define Py_BEGIN_CRITICAL_SECTION2(a, b) { PyCriticalSection2 _py_cs2; PyCriticalSection2_Begin(&_py_cs2, (PyObject *)(a), (PyObject *)(b))
#  define Py_END_CRITICAL_SECTION2() PyCriticalSection2_End(&_py_cs2); }
#endif
#ifndef Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST
#  define Py_BEGIN_CRITICAL_SECTION_SEQUENCE_FAST(op) { PyCriticalSection _py_cs; PyCriticalSection_Begin(&_py_cs, (PyObject *)(op))
#  define Py_END_CRITICAL_SECTION_SEQUENCE_FAST() PyCriticalSection_End(&_py_cs); }
#endif
#ifndef Py_BEGIN_CRITICAL_SECTION_MUTEX
#  define Py_BEGIN_CRITICAL_SECTION_MUTEX(m) { PyCriticalSection _py_cs; PyCriticalSection_BeginMutex(&_py_cs, m)
#endif

/* Describe CPython 3.14.0 final, free-threaded, to the rest of the file. */
#undef PY_MAJOR_VERSION
#undef PY_MINOR_VERSION
#undef PY_MICRO_VERSION
#undef PY_RELEASE_LEVEL
#undef PY_RELEASE_SERIAL
#undef PY_VERSION
#undef PY_VERSION_HEX
#define PY_MAJOR_VERSION 3
#define PY_MINOR_VERSION 14
#define PY_MICRO_VERSION 0
#define PY_RELEASE_LEVEL 0xF
#define PY_RELEASE_SERIAL 0
#define PY_VERSION "3.14.0"
#define PY_VERSION_HEX 0x030E00F0

#endif
