/* walk.h: entry points of the traversal used by the driver (parse.c). */
#ifndef FTL_WALK_H
#define FTL_WALK_H
#include "engine.h"
void ftl_walk_tu(ftl_ctx *ctx);
void ftl_ctx_release(ftl_ctx *ctx);
#endif
