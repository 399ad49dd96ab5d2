/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_POLICY_PRIVATE_H
#define UCPOLICY_POLICY_PRIVATE_H

/*
 * policy/: what the rules are. The catalogue (generated from the catalogue/ YAML files) and the deployment
 * facts (topology). Calls core/ and x509/ (names).
 */

#include "x509/x509-private.h"
#include "policy/catalogue-private.h"

/* ---- limits (documented in README.md, "Limits") ---- */
#define UCP_MAX_TOPOLOGY_SIZE (1024u * 1024u)
#define UCP_MAX_FACT_VALUES 1000     /* values of one list fact (SIP domains, simple URLs) */

/* ---- topology (topology.c) ---------------------------------------------------------------- */
struct ucp_topology {
    char **values[UCP_FACT_COUNT];
    size_t counts[UCP_FACT_COUNT];
    ucp_product product;
};
ucp_status ucp_topology_copy(ucp_topology **out, const ucp_topology *src);

/* The facts as a jansson object (new reference), or NULL when out of memory. */
struct json_t *ucp_topology_json(const ucp_topology *topology);

#endif /* UCPOLICY_POLICY_PRIVATE_H */
