/* a.c: compiles the suppressed lookup of shared.h. */
#define WANT_A
#include "shared.h"
int a;
