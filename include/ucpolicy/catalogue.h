/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CATALOGUE_H
#define UCPOLICY_CATALOGUE_H

/**
 * @file ucpolicy/catalogue.h
 * @brief The built-in policy catalogue: roles, rules and their sources.
 *
 * The catalogue is static data compiled into the library. A **rule** is one check with a
 * stable code (e.g. "subject.cn-wildcard"); renaming or removing a code is an ABI break.
 * A **role** (e.g. "exchange-um") is a list of **role rules**: a rule bound to the role with
 * its severity (which may depend on the product), the role's wording of the requirement and
 * the sources it comes from. Every role also runs the generic `tls-server` baseline.
 *
 * All pointers returned here point into static data: they never need freeing and stay valid
 * for the life of the process. Every call here is thread-safe.
 */

#include "ucpolicy/common.h"

UCP_BEGIN_DECLS

/** How serious a finding is. Ordered: a larger value is more serious. @since 1.0 */
typedef enum ucp_severity {
    UCP_SEVERITY_INFO = 0,    /**< Context only; never affects the result. @since 1.0 */
    UCP_SEVERITY_WARNING = 1, /**< Recommendation or environment-dependent risk. @since 1.0 */
    UCP_SEVERITY_ERROR = 2    /**< A documented "must"/"not supported", or a documented outage. @since 1.0 */
} ucp_severity;

/** The certificate field (or other input) a rule concerns. @since 1.0 */
typedef enum ucp_field {
    UCP_FIELD_SUBJECT = 0,           /**< "subject" @since 1.0 */
    UCP_FIELD_SAN = 1,               /**< "san" @since 1.0 */
    UCP_FIELD_EKU = 2,               /**< "eku" @since 1.0 */
    UCP_FIELD_KEY_USAGE = 3,         /**< "key-usage" @since 1.0 */
    UCP_FIELD_KEY = 4,               /**< "key" @since 1.0 */
    UCP_FIELD_SIGNATURE = 5,         /**< "signature" @since 1.0 */
    UCP_FIELD_VALIDITY = 6,          /**< "validity" @since 1.0 */
    UCP_FIELD_REVOCATION = 7,        /**< "revocation" @since 1.0 */
    UCP_FIELD_CHAIN = 8,             /**< "chain" @since 1.0 */
    UCP_FIELD_BASIC_CONSTRAINTS = 9, /**< "basic-constraints" @since 1.0 */
    UCP_FIELD_PRIVATE_KEY = 10,      /**< "private-key" @since 1.0 */
    UCP_FIELD_INPUT = 11,            /**< "input" (missing deployment facts, product mismatch) @since 1.0 */
    UCP_FIELD_SERIAL = 12            /**< "serial": the certificate's serial number @since 1.2 */
} ucp_field;

/** The Lync / Skype for Business Server release a deployment runs. @since 1.0 */
typedef enum ucp_product {
    UCP_PRODUCT_LYNC2010 = 0, /**< "lync2010" @since 1.0 */
    UCP_PRODUCT_LYNC2013 = 1, /**< "lync2013" @since 1.0 */
    UCP_PRODUCT_SFB2015 = 2,  /**< "sfb2015" @since 1.0 */
    UCP_PRODUCT_SFB2019 = 3   /**< "sfb2019" (the default) @since 1.0 */
} ucp_product;

/** A kind of deployment fact. @since 1.0 */
typedef enum ucp_fact {
    UCP_FACT_FQDN = 0,         /**< This server's FQDN (front end, UM server, SBC, OOS farm...); CLI --fqdn. @since 1.0 */
    UCP_FACT_POOL = 1,         /**< The pool FQDN; CLI --pool. @since 1.0 */
    UCP_FACT_SIP_DOMAIN = 2,   /**< A SIP domain (several allowed); CLI --sip-domain. @since 1.0 */
    UCP_FACT_SIMPLE_URL = 3,   /**< A simple URL host (meet, dialin, admin; several allowed); CLI --simple-url. @since 1.0 */
    UCP_FACT_WEB_FQDN = 4,     /**< The internal or external web services FQDN; CLI --web-fqdn. @since 1.0 */
    UCP_FACT_ACCESS_EDGE = 5,  /**< The Access Edge external FQDN; CLI --access-edge. @since 1.0 */
    UCP_FACT_WEBCONF_EDGE = 6, /**< The Web Conferencing Edge external FQDN; CLI --webconf-edge. @since 1.0 */
    UCP_FACT_XMPP_DOMAIN = 7   /**< The XMPP federation domain; CLI --xmpp-domain. @since 1.0 */
} ucp_fact;

/** Number of ::ucp_fact values. @since 1.0 */
#define UCP_FACT_COUNT 8

/** A UC server role (opaque, static). @since 1.0 */
typedef struct ucp_role ucp_role;
/** A rule of the catalogue (opaque, static). @since 1.0 */
typedef struct ucp_rule ucp_rule;
/** A rule as bound to a role (opaque, static). @since 1.0 */
typedef struct ucp_role_rule ucp_role_rule;
/** A documentary source (opaque, static). @since 1.0 */
typedef struct ucp_reference ucp_reference;

/** "info", "warning" or "error"; "" for values out of range. @since 1.0 */
UCP_EXPORT const char *ucp_severity_name(ucp_severity severity);
/**
 * Parse a severity name ("info", "warning", "error"; case-insensitive).
 * @param[out] out The severity.
 * @param[in] name The name.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_severity_from_name(ucp_severity *out, const char *name);
/** The field's name as used in reports, e.g. "key-usage"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_field_name(ucp_field field);
/** "lync2010", "lync2013", "sfb2015" or "sfb2019"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_product_name(ucp_product product);
/** A product's display name, e.g. "Skype for Business Server 2019". @since 1.0 */
UCP_EXPORT const char *ucp_product_title(ucp_product product);
/**
 * Parse a product name ("lync2010", "lync2013", "sfb2015", "sfb2019"; case-insensitive).
 * @param[out] out The product.
 * @param[in] name The name.
 * @returns ::UCP_OK or ::UCP_E_UNKNOWN_PRODUCT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_product_from_name(ucp_product *out, const char *name);

/* ---- roles ---------------------------------------------------------------------------- */

/** Number of roles in the catalogue. @since 1.0 */
UCP_EXPORT size_t ucp_role_count(void);
/** The role at @p index (0 ≤ index < ucp_role_count()), NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_role *ucp_role_at(size_t index);
/**
 * Find a role by id or alias, case-insensitively: "exchange-um", "UM", "WebServicesExternal"...
 * @returns The role, or NULL (no error is recorded: NULL is an answer, not a failure).
 * @since 1.0
 */
UCP_EXPORT const ucp_role *ucp_role_find(const char *name);
/** The role's stable id, e.g. "exchange-um". @since 1.0 */
UCP_EXPORT const char *ucp_role_id(const ucp_role *role);
/** A display name, e.g. "Exchange Unified Messaging (UM service)". @since 1.0 */
UCP_EXPORT const char *ucp_role_title(const ucp_role *role);
/** What the certificate of this role is for, in one paragraph. @since 1.0 */
UCP_EXPORT const char *ucp_role_description(const ucp_role *role);
/** Number of aliases (Get-CsCertificate -Type / Enable-ExchangeCertificate -Services names). @since 1.0 */
UCP_EXPORT size_t ucp_role_alias_count(const ucp_role *role);
/** The alias at @p index, NULL out of range. @since 1.0 */
UCP_EXPORT const char *ucp_role_alias_at(const ucp_role *role, size_t index);
/**
 * Whether the role exists in a product release (e.g. Persistent Chat is not in SfB 2019).
 * @since 1.0
 */
UCP_EXPORT bool ucp_role_in_product(const ucp_role *role, ucp_product product);
/**
 * Whether the role's name rules need a deployment fact; when it is missing, checks report an
 * "input.facts-missing" warning. @since 1.0
 */
UCP_EXPORT bool ucp_role_requires_fact(const ucp_role *role, ucp_fact fact);
/** Whether the role uses a deployment fact at all (required or optional). @since 1.0 */
UCP_EXPORT bool ucp_role_uses_fact(const ucp_role *role, ucp_fact fact);
/** Number of role rules, the inherited `tls-server` baseline included. @since 1.0 */
UCP_EXPORT size_t ucp_role_rule_count(const ucp_role *role);
/** The role rule at @p index, NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_role_rule *ucp_role_rule_at(const ucp_role *role, size_t index);

/* ---- rules ---------------------------------------------------------------------------- */

/** Number of rules in the catalogue. @since 1.0 */
UCP_EXPORT size_t ucp_rule_count(void);
/** The rule at @p index, NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_rule *ucp_rule_at(size_t index);
/** Find a rule by its code (exact match); NULL if there is none. @since 1.0 */
UCP_EXPORT const ucp_rule *ucp_rule_find(const char *code);
/** The stable code, e.g. "subject.cn-wildcard". @since 1.0 */
UCP_EXPORT const char *ucp_rule_code(const ucp_rule *rule);
/** One-line title, e.g. "Wildcard in the subject common name". @since 1.0 */
UCP_EXPORT const char *ucp_rule_title(const ucp_rule *rule);
/** The field the rule concerns. @since 1.0 */
UCP_EXPORT ucp_field ucp_rule_field(const ucp_rule *rule);
/** The generic remediation text (a role may word it more precisely). @since 1.0 */
UCP_EXPORT const char *ucp_rule_remediation(const ucp_rule *rule);

/* ---- role rules ----------------------------------------------------------------------- */

/** The rule bound. @since 1.0 */
UCP_EXPORT const ucp_rule *ucp_role_rule_rule(const ucp_role_rule *role_rule);
/** Shortcut for ucp_rule_code(ucp_role_rule_rule(rr)). @since 1.0 */
UCP_EXPORT const char *ucp_role_rule_code(const ucp_role_rule *role_rule);
/** The requirement as this role states it. @since 1.0 */
UCP_EXPORT const char *ucp_role_rule_text(const ucp_role_rule *role_rule);
/** Whether the rule applies to the role for @p product. @since 1.0 */
UCP_EXPORT bool ucp_role_rule_applies(const ucp_role_rule *role_rule, ucp_product product);
/** The severity of findings for @p product (meaningful when the rule applies). @since 1.0 */
UCP_EXPORT ucp_severity ucp_role_rule_severity(const ucp_role_rule *role_rule, ucp_product product);
/** Whether this rule comes from the `tls-server` baseline rather than the role itself. @since 1.0 */
UCP_EXPORT bool ucp_role_rule_is_baseline(const ucp_role_rule *role_rule);
/** Number of sources of the requirement. @since 1.0 */
UCP_EXPORT size_t ucp_role_rule_reference_count(const ucp_role_rule *role_rule);
/** The source at @p index, NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_reference *ucp_role_rule_reference_at(const ucp_role_rule *role_rule, size_t index);

/* ---- references ----------------------------------------------------------------------- */

/** Number of sources known to the catalogue. @since 1.0 */
UCP_EXPORT size_t ucp_reference_count(void);
/** The source at @p index, NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_reference *ucp_reference_at(size_t index);
/** Find a source by its key (e.g. "L13-WILD"); NULL if unknown. @since 1.0 */
UCP_EXPORT const ucp_reference *ucp_reference_find(const char *key);
/** The catalogue's key of a source, e.g. "L13-WILD". @since 1.0 */
UCP_EXPORT const char *ucp_reference_key(const ucp_reference *reference);
/** The document's title. @since 1.0 */
UCP_EXPORT const char *ucp_reference_title(const ucp_reference *reference);
/** Where to read it (URL), or "" when only a repository path is known. @since 1.0 */
UCP_EXPORT const char *ucp_reference_url(const ucp_reference *reference);

UCP_END_DECLS

#endif /* UCPOLICY_CATALOGUE_H */
