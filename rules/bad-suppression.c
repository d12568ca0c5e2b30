/* bad-suppression.c: FT009, an `ftlint:` comment directive ftlint cannot read (unknown rule,
 * missing brackets, ignore-file too late in the file). Reported centrally by src/suppress.c;
 * the rule has no callbacks. */
#include "ftlint.h"

const ftl_rule ftl_rule_bad_suppression = {
    .code = "FT009",
    .name = "bad-suppression",
    .summary = "malformed ftlint: suppression comment",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_HIGH,
};
