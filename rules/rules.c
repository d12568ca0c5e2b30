/* rules.c: the rule table. Adding a rule: one file in rules/, its .md doc, one line here. */
#include "ftlint.h"

#include <strings.h>
#include <string.h>

extern const ftl_rule ftl_rule_borrowed_ref;
extern const ftl_rule ftl_rule_dict_next;
extern const ftl_rule ftl_rule_set_item_existing;
extern const ftl_rule ftl_rule_object_malloc;
extern const ftl_rule ftl_rule_ob_mutex;
extern const ftl_rule ftl_rule_missing_mod_gil;
extern const ftl_rule ftl_rule_unguarded_global;
extern const ftl_rule ftl_rule_unused_suppression;
extern const ftl_rule ftl_rule_bad_suppression;

const ftl_rule *const ftl_rules[] = {
    &ftl_rule_borrowed_ref,
    &ftl_rule_dict_next,
    &ftl_rule_set_item_existing,
    &ftl_rule_object_malloc,
    &ftl_rule_ob_mutex,
    &ftl_rule_missing_mod_gil,
    &ftl_rule_unguarded_global,
    &ftl_rule_unused_suppression,
    &ftl_rule_bad_suppression,
};

const size_t ftl_nrules = sizeof ftl_rules / sizeof *ftl_rules;

int ftl_rule_lookup(const char *s)
{
    for (size_t i = 0; i < ftl_nrules; i++)
        if (strcasecmp(ftl_rules[i]->code, s) == 0 || strcmp(ftl_rules[i]->name, s) == 0)
            return (int)i;
    return -1;
}
