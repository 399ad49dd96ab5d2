/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_PLAN_PRIVATE_H
#define UCPOLICY_PLAN_PRIVATE_H

/* The certificate plan of a deployment (plan.c) and its request files (plan-request.c); its
 * renderers are with the others, in report/render-plan.c. */

#include "policy/policy-private.h"
#include "ucpolicy/deployment.h"

struct ucp_cert_need {
    const struct ucp_role *role;
    const char *server;      /* borrowed from the server */
    ucp_product product;
    char *subject;
    char **required;
    size_t nrequired;
    char **optional;
    size_t noptional;
    unsigned eku;            /* ucp_eku_flags */
    unsigned min_rsa_bits;
    bool ecc_ok;
    char *key_rule;
    bool public_ca;
    bool pool_shared;
    bool exportable;
};

struct ucp_plan_server {
    char *fqdn;
    char *pool;
    ucp_product product;
    struct ucp_cert_need *needs;
    size_t nneeds;
};

struct ucp_deployment {
    struct ucp_plan_server *servers;
    size_t nservers;
};

#endif /* UCPOLICY_PLAN_PRIVATE_H */
