/* broken.c: a missing header; its suppressions are not judged. */
#include <Python.h>
#include "missing.h"
int c; // ftlint: ignore[FT001] stale, but this unit has errors
