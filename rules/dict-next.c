/* dict-next.c: FT002, PyDict_Next over a dict another thread may reach, outside a critical
 * section on that dict. PyDict_Next does not lock the dict, so concurrent inserts or deletes
 * corrupt the iteration and free the borrowed key and value it hands out. Dicts private to
 * the running thread (created in this function and not yet published, the kwargs dict) are
 * not reported. */
#include "ftlint.h"
#include "../src/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const apis[] = {"PyDict_Next", NULL};

static void on_call(ftl_ctx *ctx, const ftl_call *call)
{
    if (call->nargs < 1)
        return;
    const ftl_arg *d = &call->args[0];
    if (ftl_privacy_at(ctx, d, call->offset) != FTL_SHARED)
        return;
    if (ftl_in_lock(ctx, call->offset, FTL_LOCK_CRITICAL_SECTION, d))
        return;
    const char *dt = d->text[0] ? d->text : "dict";
    char *msg = ftl_xasprintf(
        "PyDict_Next over dict '%s' without a critical section on it: another thread can change "
        "the dict during the loop and free the borrowed key and value; lock it with "
        "Py_BEGIN_CRITICAL_SECTION(%s)",
        dt, dt);
    char *help = ftl_xasprintf(
        "wrap the whole loop in Py_BEGIN_CRITICAL_SECTION(%s); ... Py_END_CRITICAL_SECTION(); "
        "(PyDict_Next has no strong-reference replacement), or iterate over a snapshot taken "
        "with PyDict_Items(%s) or PyDict_Copy(%s)",
        dt, dt, dt);
    ftl_report(ctx, call->offset, call->end_offset, msg, help, NULL, 0);
    free(msg);
    free(help);
}

const ftl_rule ftl_rule_dict_next = {
    .code = "FT002",
    .name = "dict-next",
    .summary = "PyDict_Next over a shared dict outside a critical section on it",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_MEDIUM,
    .apis = apis,
    .on_call = on_call,
};
