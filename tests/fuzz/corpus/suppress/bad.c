/* FT009 fixture: directives ftlint cannot read, and comments that are no directives. */
#include <Python.h>

static PyObject *registry;

PyObject *no_brackets(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore FT001   expect: FT001, FT009 */
}

PyObject *unknown_rule(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore[FT01]   expect: FT001, FT009 */
}

PyObject *one_unknown_in_list(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore[FT001, nonsense]   expect: FT009 */
}

PyObject *empty_list(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore[ ]   expect: FT001, FT009 */
}

PyObject *unclosed_list(PyObject *key)
{
    return PyDict_GetItem(registry, key);   // ftlint: ignore[FT001   expect: FT001, FT009
}

PyObject *unknown_directive(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: disable[FT001]   expect: FT001, FT009 */
}

int cannot_suppress_itself(void)
{
    return 0;   /* ftlint: ignore[FT008]   expect: FT009 */
}

/* ftlint: ignore-file[FT001] below line 10   expect: FT009 */

PyObject *prose(PyObject *key)
{
    /* see ftlint: it reports borrowed references; notftlint: ignore[FT001] is not ours */
    return PyDict_GetItem(registry, key);   /* expect: FT001 */
}

static const char doc[] = "use // ftlint: ignore[FT001] to suppress";   /* a string literal */
