/* unused-suppression.c: FT008, an `ftlint: ignore[...]` comment that suppresses nothing. The
 * rule has no callbacks: suppressions are matched centrally after every file is analysed
 * (src/suppress.c), and that code reports this rule's findings. */
#include "ftlint.h"

const ftl_rule ftl_rule_unused_suppression = {
    .code = "FT008",
    .name = "unused-suppression",
    .summary = "ftlint: ignore comment that suppresses nothing",
    .severity = FTL_SEV_WARNING,
    .confidence = FTL_CONF_HIGH,
};
