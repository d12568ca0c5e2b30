/* FT008 fixture: suppressions that match a finding are quiet, stale ones are reported. */
#include <Python.h>

static PyObject *registry;

PyObject *same_line(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore[FT001] only compared with NULL */
}

PyObject *line_above(PyObject *key)
{
    // ftlint: ignore[borrowed-ref] reviewed: registry is never modified after import
    return PyDict_GetItem(registry, key);
}

PyObject *multi_line_comment(PyObject *key)
{
    /* Reviewed: every caller holds a critical section on registry.
     * ftlint: ignore[FT001] */
    return PyDict_GetItem(registry, key);
}

PyObject *any_rule(PyObject *key)
{
    return PyDict_GetItem(registry, key);   // ftlint: ignore[*]
}

PyObject *codes_any_case_and_names(PyObject *key)
{
    return PyDict_GetItem(registry, key);   // ftlint: ignore[ft001, borrowed-ref]
}

PyObject *call_over_two_lines(PyObject *key)
{
    return PyDict_GetItem(registry,
                          key);             // ftlint: ignore[FT001] on the call's last line
}

PyObject *too_far_above(PyObject *key)
{
    /* ftlint: ignore[FT001] a blank line breaks it   expect: FT008 */

    return PyDict_GetItem(registry, key);   /* expect: FT001 */
}

PyObject *other_line_below(PyObject *key)
{
    PyObject *v = PyDict_GetItem(registry, key);   /* expect: FT001 */
    Py_XINCREF(v);   /* ftlint: ignore[FT001] one line too low   expect: FT008 */
    return v;
}

int nothing_here(void)
{
    return 0;   /* ftlint: ignore[FT001] stale   expect: FT008 */
}

int nothing_for_any_rule(void)
{
    return 0;   // ftlint: ignore[*]   expect: FT008
}

#if 0
int other_configuration(void) { return 0; }   /* ftlint: ignore[FT001] not compiled: not judged */
#endif

#ifdef _WIN32
PyObject *windows_only(PyObject *key)
{
    return PyDict_GetItem(registry, key);   /* ftlint: ignore[FT001] Windows build only */
}
#endif

static const char text[] = "ftlint: ignore[FT001]";   /* a string, not a directive */
