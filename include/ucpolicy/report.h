/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_REPORT_H
#define UCPOLICY_REPORT_H

/**
 * @file ucpolicy/report.h
 * @brief The immutable report of one check: result, certificate summary, chain, findings.
 *
 * A report never changes after ucp_checker_check() returns. It is reference-counted: take a
 * reference with ucp_report_ref() and drop each with ucp_report_free(), from any thread. Reading
 * a report from several threads at once is safe. Findings and certificates obtained from a
 * report are borrowed and stay valid while the report lives.
 */

#include "ucpolicy/catalogue.h"
#include "ucpolicy/certificate.h"
#include "ucpolicy/common.h"
#include "ucpolicy/topology.h"

UCP_BEGIN_DECLS

/** A check's report (opaque, immutable). @since 1.0 */
typedef struct ucp_report ucp_report;
/** One finding of a report (opaque, borrowed from its report). @since 1.0 */
typedef struct ucp_finding ucp_finding;

/** The overall result of a check. @since 1.0 */
typedef enum ucp_result {
    UCP_RESULT_PASS = 0,    /**< "pass": no error or warning finding. @since 1.0 */
    UCP_RESULT_WARNING = 1, /**< "warning": warnings but no error. @since 1.0 */
    UCP_RESULT_FAIL = 2     /**< "fail": at least one error finding. @since 1.0 */
} ucp_result;

/** What became of path building. @since 1.0 */
typedef enum ucp_chain_status {
    UCP_CHAIN_VALID = 0,      /**< "valid": a path to a trust anchor validated. @since 1.0 */
    UCP_CHAIN_INCOMPLETE = 1, /**< "incomplete": an issuer certificate is missing. @since 1.0 */
    UCP_CHAIN_UNTRUSTED = 2,  /**< "untrusted": the path ends at a root that is not a trust anchor. @since 1.0 */
    UCP_CHAIN_INVALID = 3     /**< "invalid": a path exists but breaks a rule (signature, CA, time...). @since 1.0 */
} ucp_chain_status;

/** The revocation status of a certificate of the path. @since 1.0 */
typedef enum ucp_revocation {
    UCP_REVOCATION_NOT_CHECKED = 0, /**< "not-checked": no CRL given and not online (or no issuer). @since 1.0 */
    UCP_REVOCATION_GOOD = 1,        /**< "good": a current CRL or an OCSP answer says so. @since 1.0 */
    UCP_REVOCATION_REVOKED = 2,     /**< "revoked". @since 1.0 */
    UCP_REVOCATION_UNKNOWN = 3,     /**< "unknown": no usable answer (no CRL for the issuer, stale CRL, OCSP unknown). @since 1.0 */
    UCP_REVOCATION_UNREACHABLE = 4  /**< "unreachable": online, and no source could be fetched. @since 1.0 */
} ucp_revocation;

/**
 * How a file of a pool check (ucp_checker_check_pool()) compares with the pool's reference, the
 * first file: every server of an Edge pool, and every Front End for OAuth, needs the same
 * certificate with the same private key (general rule G16, docs/general-rules.md).
 * @since 1.0
 */
typedef enum ucp_pool_state {
    UCP_POOL_REFERENCE = 0,     /**< "reference": the first file, which the others are compared with. @since 1.0 */
    UCP_POOL_IDENTICAL = 1,     /**< "identical": the same leaf certificate, and no other private key. @since 1.0 */
    UCP_POOL_SAME_KEY = 2,      /**< "different-certificate-same-key": another certificate for the same key (re-issued or renewed with the same key). @since 1.0 */
    UCP_POOL_DIFFERENT_KEY = 3  /**< "different-key": another key, with another or (when the file's private key is not its certificate's) the same certificate. @since 1.0 */
} ucp_pool_state;

/** Flags of the renderers. @since 1.0 */
typedef enum ucp_render_flags {
    UCP_RENDER_DEFAULT = 0,  /**< Compact JSON; plain text. @since 1.0 */
    UCP_RENDER_PRETTY = 1,   /**< JSON indented by two spaces. @since 1.0 */
    UCP_RENDER_COLOR = 2,    /**< Text with ANSI colours (for terminals). @since 1.0 */
    UCP_RENDER_VERBOSE = 4   /**< Text with remediation and sources of every finding. @since 1.0 */
} ucp_render_flags;

/**
 * Version of the JSON report schema (libucpolicy/report/schema/report-v1.schema.json). Fields are added
 * only with a new minor version, and a rename or removal is a new major version; everything that
 * ships with libucpolicy 1.0 (the `connection` object of probe reports included) is version 1.0.
 * @since 1.0
 */
#define UCP_REPORT_SCHEMA_VERSION "1.0"

/** "pass", "warning" or "fail"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_result_name(ucp_result result);
/** "valid", "incomplete", "untrusted" or "invalid"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_chain_status_name(ucp_chain_status status);

/** Take a reference; returns @p report. @since 1.0 */
UCP_EXPORT ucp_report *ucp_report_ref(ucp_report *report);
/** Drop a reference; the last one frees the report. NULL is accepted; any thread. @since 1.0 */
UCP_EXPORT void ucp_report_free(ucp_report *report);

/** The overall result. @since 1.0 */
UCP_EXPORT ucp_result ucp_report_result(const ucp_report *report);
/** The id of the role checked (aliases are resolved), e.g. "exchange-um". @since 1.0 */
UCP_EXPORT const char *ucp_report_role(const ucp_report *report);
/** The product release the rules were chosen for. @since 1.0 */
UCP_EXPORT ucp_product ucp_report_product(const ucp_report *report);
/** The input's name (file path or name given). @since 1.0 */
UCP_EXPORT const char *ucp_report_input_name(const ucp_report *report);
/**
 * The deployment facts the check used (a copy made at check time; empty when none were given).
 * Borrowed: valid while the report lives; do not modify or free it.
 * @since 1.0
 */
UCP_EXPORT const ucp_topology *ucp_report_topology(const ucp_report *report);
/** The input's format. @since 1.0 */
UCP_EXPORT ucp_format ucp_report_input_format(const ucp_report *report);
/** The validation time, seconds since the Unix epoch (UTC). @since 1.0 */
UCP_EXPORT int64_t ucp_report_validation_time(const ucp_report *report);
/** The leaf certificate (borrowed). @since 1.0 */
UCP_EXPORT const ucp_certificate *ucp_report_certificate(const ucp_report *report);
/** Days from the validation time to the leaf's expiry (negative once expired). @since 1.0 */
UCP_EXPORT int64_t ucp_report_days_remaining(const ucp_report *report);

/** What became of path building. @since 1.0 */
UCP_EXPORT ucp_chain_status ucp_report_chain_status(const ucp_report *report);
/**
 * Number of certificates of the path used (or, when none validated, of the best path found):
 * index 0 is the leaf, the last is the trust anchor when one was reached.
 * @since 1.0
 */
UCP_EXPORT size_t ucp_report_chain_count(const ucp_report *report);
/** A certificate of the path (borrowed); NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_certificate *ucp_report_chain_at(const ucp_report *report, size_t index);
/**
 * Where a path certificate came from: "input" (the checked file), "intermediates" (the
 * checker's pool, CLI --chain), "trust" (an added anchor), "system" (the system store) or
 * "system-intermediates" (ucp_input_add_system_intermediates(), since 1.1).
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_chain_source_at(const ucp_report *report, size_t index);
/**
 * Number of candidate paths that were built to the end but not chosen (at most 16): alternatives
 * through other issuers, expired or wrong-EKU intermediates, other roots.
 * @since 1.0
 */
UCP_EXPORT size_t ucp_report_rejected_path_count(const ucp_report *report);
/**
 * A rejected path in one line: its certificates with their sources, its status and why it
 * failed, e.g. "CN=fe01 [input] <- CN=Old CA [intermediates] <- CN=Root [trust]: invalid: The CA
 * certificate 'CN=Old CA' expired on 2025-01-01 (chain.expired)". Borrowed; NULL out of range.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_rejected_path_at(const ucp_report *report, size_t index);
/** "not-checked", "good", "revoked", "unknown" or "unreachable"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_revocation_name(ucp_revocation revocation);
/** The revocation status of the path certificate at @p index. @since 1.0 */
UCP_EXPORT ucp_revocation ucp_report_revocation_at(const ucp_report *report, size_t index);
/**
 * Where the revocation answer for the path certificate at @p index came from: "crl FILE-OR-URL"
 * or "ocsp URL"; NULL when no source answered.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_revocation_source_at(const ucp_report *report, size_t index);
/** Whether the path ends at a trust anchor. @since 1.0 */
UCP_EXPORT bool ucp_report_chain_trusted(const ucp_report *report);
/**
 * Number of policies in the path's user-constrained policy set (RFC 5280 6.1.5 (g)): the
 * certificate policies the trusted path is valid for, within the checker's initial policy set
 * (ucp_checker_add_initial_policy()). 0 when the path is not trusted, its certificates assert no
 * policy, or policy processing failed (the finding chain.policy-invalid says why).
 * @since 1.2
 */
UCP_EXPORT size_t ucp_report_policy_count(const ucp_report *report);
/**
 * A policy of that set as a dotted OID, "2.5.29.32.0" for anyPolicy (any policy is acceptable).
 * Borrowed; NULL out of range.
 * @since 1.2
 */
UCP_EXPORT const char *ucp_report_policy_at(const ucp_report *report, size_t index);

/** Whether the checked input held a private key; as ucp_input_has_private_key(). @since 1.0 */
UCP_EXPORT bool ucp_report_has_private_key(const ucp_report *report);
/** Whether the private key belongs to the leaf; as ucp_input_key_match(). @since 1.0 */
UCP_EXPORT ucp_key_match ucp_report_key_match(const ucp_report *report);
/**
 * The provider recorded for the private key; as ucp_input_key_provider().
 * @returns Borrowed text, valid while @p report lives, or NULL.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_key_provider(const ucp_report *report);
/** Whether the provider of the private key is known; as ucp_input_key_provider_state(). @since 1.0 */
UCP_EXPORT ucp_key_provider_state ucp_report_key_provider_state(const ucp_report *report);
/** The kind of the recorded provider; as ucp_input_key_storage(). @since 1.0 */
UCP_EXPORT ucp_key_storage ucp_report_key_storage(const ucp_report *report);
/**
 * The friendly name of the leaf's PKCS#12 bag; as ucp_input_friendly_name().
 * @returns Borrowed text, valid while @p report lives, or NULL.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_friendly_name(const ucp_report *report);

/** "reference", "identical", "different-certificate-same-key" or "different-key"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_pool_state_name(ucp_pool_state state);
/**
 * Number of files of a pool check, the reference (index 0) included; 0 for a report made by
 * ucp_checker_check().
 * @since 1.0
 */
UCP_EXPORT size_t ucp_report_pool_count(const ucp_report *report);
/** The name of the pool file at @p index (borrowed); NULL out of range. @since 1.0 */
UCP_EXPORT const char *ucp_report_pool_name_at(const ucp_report *report, size_t index);
/** How the pool file at @p index compares with the reference. @since 1.0 */
UCP_EXPORT ucp_pool_state ucp_report_pool_state_at(const ucp_report *report, size_t index);
/**
 * The leaf certificate of the pool file at @p index (borrowed: valid while @p report lives, or
 * longer with ucp_certificate_ref()); NULL out of range.
 * @since 1.0
 */
UCP_EXPORT const ucp_certificate *ucp_report_pool_certificate_at(const ucp_report *report, size_t index);

/** Number of findings, most serious first. @since 1.0 */
UCP_EXPORT size_t ucp_report_finding_count(const ucp_report *report);
/** A finding (borrowed); NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_finding *ucp_report_finding_at(const ucp_report *report, size_t index);
/** Number of findings of a severity. @since 1.0 */
UCP_EXPORT size_t ucp_report_count(const ucp_report *report, ucp_severity severity);

/** The rule's stable code, e.g. "subject.cn-wildcard". @since 1.0 */
UCP_EXPORT const char *ucp_finding_code(const ucp_finding *finding);
/** The severity. @since 1.0 */
UCP_EXPORT ucp_severity ucp_finding_severity(const ucp_finding *finding);
/** The field concerned. @since 1.0 */
UCP_EXPORT ucp_field ucp_finding_field(const ucp_finding *finding);
/** What is wrong, with the values involved. @since 1.0 */
UCP_EXPORT const char *ucp_finding_message(const ucp_finding *finding);
/** What the rule expects here ("" when it has nothing to state). @since 1.0 */
UCP_EXPORT const char *ucp_finding_expected(const ucp_finding *finding);
/** What the certificate has ("" when it has nothing to state). @since 1.0 */
UCP_EXPORT const char *ucp_finding_actual(const ucp_finding *finding);
/** How to fix it, and why it matters (the symptom admins see). @since 1.0 */
UCP_EXPORT const char *ucp_finding_remediation(const ucp_finding *finding);
/**
 * Which certificate of the path the finding concerns (0 = leaf), or -1 when it concerns no
 * single certificate (e.g. missing deployment facts).
 * @since 1.0
 */
UCP_EXPORT int ucp_finding_certificate_index(const ucp_finding *finding);
/** Number of sources. @since 1.0 */
UCP_EXPORT size_t ucp_finding_reference_count(const ucp_finding *finding);
/** A source (static); NULL out of range. @since 1.0 */
UCP_EXPORT const ucp_reference *ucp_finding_reference_at(const ucp_finding *finding, size_t index);
/**
 * Number of named arguments of the message (for hosts that localise messages themselves: the
 * code selects the template, the arguments fill it).
 * @since 1.0
 */
UCP_EXPORT size_t ucp_finding_arg_count(const ucp_finding *finding);
/** The name of an argument, e.g. "cn". @since 1.0 */
UCP_EXPORT const char *ucp_finding_arg_name(const ucp_finding *finding, size_t index);
/** The value of an argument. @since 1.0 */
UCP_EXPORT const char *ucp_finding_arg_value(const ucp_finding *finding, size_t index);

/**
 * Render the report as JSON (schema version ::UCP_REPORT_SCHEMA_VERSION).
 * @param[in] report The report.
 * @param[in] flags ::UCP_RENDER_PRETTY or 0.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_report_to_json(const ucp_report *report, unsigned flags, ucp_buffer *out);

/**
 * Render several reports as one JSON array (the CLI's output for several files).
 * @param[in] reports The reports.
 * @param[in] count Their number (0 gives "[]").
 * @param[in] flags ::UCP_RENDER_PRETTY or 0.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_report_list_to_json(const ucp_report *const *reports, size_t count,
                                              unsigned flags, ucp_buffer *out);

/**
 * Render the report as text for people.
 * @param[in] report The report.
 * @param[in] flags ::UCP_RENDER_COLOR and/or ::UCP_RENDER_VERBOSE, or 0.
 * @param[out] out Filled with the text; release it with ucp_buffer_dispose().
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_report_to_text(const ucp_report *report, unsigned flags, ucp_buffer *out);

UCP_END_DECLS

#endif /* UCPOLICY_REPORT_H */
