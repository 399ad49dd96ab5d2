/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CATALOGUE_PRIVATE_H
#define UCPOLICY_CATALOGUE_PRIVATE_H

/* The catalogue tables, generated from the YAML files of libucpolicy/policy/catalogue by gen-catalogue.py. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ucpolicy/catalogue.h"
#include "catalogue-ids.h"

#define UCP_PRODUCT_COUNT 4
#define UCP_FACT_BIT(f) (1u << (unsigned)(f))

/* Binding flags (roles.yaml, "flags"). */
enum {
    UCP_RF_EXPLICIT = 1u << 0,    /* a wildcard SAN entry does not cover the name */
    UCP_RF_WILDCARD_OK = 1u << 1, /* a wildcard SAN entry covers it (clears EXPLICIT) */
    UCP_RF_CN_COUNTS = 1u << 2,   /* the CN counts as well as the SAN */
    UCP_RF_INTERNAL = 1u << 3,    /* lyncdiscoverinternal.<domain> */
    UCP_RF_NO_ADMIN = 1u << 4,    /* the admin simple URL is not required */
    UCP_RF_ABSENT_OK = 1u << 5,   /* no EKU extension is acceptable */
    UCP_RF_NO_IDN = 1u << 6       /* IDN labels are not supported */
};

struct ucp_reference {
    const char *key;
    const char *title;
    const char *url;
};

struct ucp_rule {
    const char *code;
    enum ucp_rule_id id;
    ucp_field field;
    const char *title;
    const char *message;
    const char *expected;
    const char *actual;
    const char *remediation;
    const struct ucp_reference *const *refs;
    size_t nrefs;
    const char *const *args;
    size_t nargs;
    unsigned flags;
};

struct ucp_role_rule {
    const struct ucp_rule *rule;
    int8_t severity[UCP_PRODUCT_COUNT]; /* -1: does not apply to that product */
    const char *text;
    const struct ucp_reference *const *refs;
    size_t nrefs;
    unsigned flags;
    unsigned facts;
    unsigned allow;
    const char *message;     /* NULL: the rule's */
    const char *remediation; /* NULL: the rule's */
    bool baseline;
};

struct ucp_role {
    const char *id;
    const char *title;
    const char *description;
    const char *const *aliases;
    size_t naliases;
    unsigned products;
    unsigned required_facts;
    unsigned optional_facts;
    const struct ucp_role_rule *rules;
    size_t nrules;
    const int16_t *index; /* rule id -> position in rules, -1 when not bound */
};

extern const struct ucp_reference ucp_references[];
extern const size_t ucp_reference_total;
extern const struct ucp_rule ucp_rules[];
extern const size_t ucp_rule_total;
extern const struct ucp_role ucp_roles[];
extern const size_t ucp_role_total;

/* Effective flags of a binding: the rule's defaults merged with the binding's. */
unsigned ucp_role_rule_flags(const struct ucp_role_rule *rr);

#endif /* UCPOLICY_CATALOGUE_PRIVATE_H */
