/* b.c: leaves it out. */
#include "shared.h"
int b;
