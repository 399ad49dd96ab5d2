/* SPDX-License-Identifier: MIT */
/* Paths and their problems: the values path building (chain.c) and revocation checking
 * (revocation.c) hand to the report. Calls policy/ (the rule texts) and core/ only. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

const char *ucp_cert_source_name(enum ucp_cert_source s)
{
    switch (s) {
    case UCP_SOURCE_INPUT: return "input";
    case UCP_SOURCE_INTERMEDIATES: return "intermediates";
    case UCP_SOURCE_TRUST: return "trust";
    case UCP_SOURCE_SYSTEM: return "system";
    case UCP_SOURCE_SYSTEM_INTERMEDIATES: return "system-intermediates";
    }
    return "";
}

void ucp_problem_dispose(struct ucp_problem *p)
{
    for (size_t i = 0; i < p->nargs; i++)
        free(p->values[i]);
    p->nargs = 0;
}

void ucp_path_dispose(struct ucp_path *p)
{
    for (size_t i = 0; i < p->n; i++)
        ucp_certificate_unref(p->certs[i]);
    for (size_t i = 0; i < p->nproblems; i++)
        ucp_problem_dispose(&p->problems[i]);
    free(p->problems);
    ucp_strv_free(p->policies, p->npolicies);
    memset(p, 0, sizeof *p);
}

void ucp_path_result_dispose(struct ucp_path_result *r)
{
    ucp_path_dispose(&r->best);
    for (size_t i = 0; i < r->nrejected; i++)
        ucp_path_dispose(&r->rejected[i]);
    r->nrejected = 0;
}

char *ucp_problem_message(const struct ucp_problem *p)
{
    const struct ucp_rule *rule = &ucp_rules[p->rule];
    const char *values[8] = {0};
    for (size_t i = 0; i < rule->nargs && i < 8; i++) {
        values[i] = "";
        for (size_t k = 0; k < p->nargs; k++)
            if (strcmp(p->names[k], rule->args[i]) == 0)
                values[i] = p->values[k];
    }
    return ucp_render_template(rule->message, rule->args, values, rule->nargs);
}
