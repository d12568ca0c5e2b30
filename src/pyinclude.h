/* pyinclude.h: locating the Python headers. */
#ifndef FTL_PYINCLUDE_H
#define FTL_PYINCLUDE_H
#include <stdbool.h>
/* python3-config --includes, then sysconfig, then /usr/include/python3.*; caller frees; NULL
 * when no directory with Python.h is found. */
char *ftl_find_python_include(void);
bool ftl_python_include_valid(const char *dir);
#endif
