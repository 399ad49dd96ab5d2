/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CHECKER_H
#define UCPOLICY_CHECKER_H

/**
 * @file ucpolicy/checker.h
 * @brief The checker: trust, intermediates, validation time and thresholds shared by checks.
 *
 * Configure a checker once, then run any number of checks with ucp_checker_check(), or
 * batches of files with ucp_checker_check_files().
 *
 * Thread safety: the `ucp_checker_set_*` / `ucp_checker_add_*` calls must not run while another
 * thread uses the same checker. Once configured, ucp_checker_check() (and the other checks,
 * batches included) may be called from any number of threads at the same time on one checker.
 * ucp_checker_free() must not race with checks; the reports it produced outlive it.
 *
 * No call touches process-global state: the validation time is applied by libucpolicy itself to
 * every certificate of the path, never through GnuTLS's global time hook.
 */

#include "ucpolicy/certificate.h"
#include "ucpolicy/common.h"
#include "ucpolicy/report.h"
#include "ucpolicy/topology.h"

UCP_BEGIN_DECLS

/** A configured checker (opaque). @since 1.0 */
typedef struct ucp_checker ucp_checker;

/** When the operating system's trust store supplies trust anchors. @since 1.0 */
typedef enum ucp_system_trust {
    UCP_SYSTEM_TRUST_AUTO = 0, /**< Only when no anchor was added with ucp_checker_add_trust() (default). @since 1.0 */
    UCP_SYSTEM_TRUST_ON = 1,   /**< Always, in addition to added anchors. @since 1.0 */
    UCP_SYSTEM_TRUST_OFF = 2   /**< Never. @since 1.0 */
} ucp_system_trust;

/** Pass to ucp_checker_set_time() to validate at the time of each check (the default). @since 1.0 */
#define UCP_TIME_NOW INT64_MIN

/**
 * Create a checker with default settings: system trust (AUTO), validation at the current
 * time, an expiry warning 30 days ahead.
 * @param[out] out The checker; the caller frees it with ucp_checker_free().
 * @returns ::UCP_OK or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_new(ucp_checker **out);

/** Free a checker; NULL is accepted. Reports it produced stay valid. @since 1.0 */
UCP_EXPORT void ucp_checker_free(ucp_checker *checker);

/**
 * Add every certificate of @p anchors as a trust anchor. The checker keeps its own reference
 * to the certificates; @p anchors may be freed afterwards.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_add_trust(ucp_checker *checker, const ucp_input *anchors);

/**
 * Add every certificate of @p certs to the pool of untrusted intermediates used to build
 * paths (CLI --chain). Order does not matter.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_add_intermediates(ucp_checker *checker, const ucp_input *certs);

/**
 * Declare the roots that count as "public" for roles that need a publicly trusted CA
 * (a documented decision, source UC-ROLES-D: Edge external, reverse proxy, Teams Direct Routing). By default
 * the system trust store is the public store; once this is called, only the roots added here
 * are (for offline use, e.g. a copy of the Microsoft Trusted Root Program list).
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_add_public_roots(ucp_checker *checker, const ucp_input *roots);

/**
 * Choose when the system trust store supplies trust anchors.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_system_trust(ucp_checker *checker, ucp_system_trust mode);

/**
 * Set the validation time.
 * @param[in] checker The checker.
 * @param[in] unix_time Seconds since the Unix epoch (UTC), in the years 0000 to 9999
 *            (-62167219200 to 253402300799), or ::UCP_TIME_NOW.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (NULL checker, or a time outside those years;
 *          since 1.1, before which such a time was taken as is).
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_time(ucp_checker *checker, int64_t unix_time);

/**
 * Warn when a certificate expires within @p days of the validation time (default 30; 0 disables
 * the warning).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (more than 3650 days).
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_expiry_warning_days(ucp_checker *checker, unsigned days);

/**
 * Add certificate revocation lists (CLI --crl): a file of one or more CRLs, PEM or DER. A CRL is
 * used for a certificate of the path when its signature verifies with the key of that
 * certificate's issuer; it confirms "good" only while current at the validation time.
 * @returns ::UCP_OK, ::UCP_E_IO, ::UCP_E_FORMAT, ::UCP_E_CORRUPT or ::UCP_E_NO_MEMORY; the message
 *          names the file.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_add_crl_file(ucp_checker *checker, const char *path);

/**
 * Add certificate revocation lists held in memory; as ucp_checker_add_crl_file().
 * @param[in] checker The checker.
 * @param[in] data The CRL bytes (PEM or DER).
 * @param[in] length Their number.
 * @param[in] name A name for messages and reports, or NULL.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_add_crl_data(ucp_checker *checker, const uint8_t *data, size_t length,
                                               const char *name);

/**
 * Fetch revocation data over the network (CLI --online): the CRLs of the certificates' HTTP
 * distribution points and OCSP answers from their AIA responders. Off by default: a check never
 * touches the network unless asked to. Fetches reach public addresses only, unless
 * ucp_checker_set_allow_private_network() allows the private network.
 *
 * The online work of a check is bounded: it has one time budget, the network timeout
 * (ucp_checker_set_network_timeout()); at most 8 distribution points and responders are tried
 * per certificate; fetched CRLs are kept by the checker for its later checks (and threads) in a
 * cache of 32 MiB, counted in the bytes the CRLs hold, the least recently used dropped first. A
 * CRL of another issuer than the certificate's, or not signed by its key, is never kept. The
 * revocation.unreachable finding says which URLs failed and how many were not tried.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_online(ucp_checker *checker, bool online);

/**
 * Let online revocation fetches reach the private network (CLI --allow-private-network). The
 * URLs a certificate names are the certificate's author's choice; by default a fetch connects
 * only to public addresses: every connection, the first and each redirect's (at most 3,
 * http:// and https:// only), is checked after name resolution, and one to a loopback,
 * unspecified, link-local, private (RFC 1918, fc00::/7), shared (100.64.0.0/10), multicast,
 * reserved, benchmarking, documentation or IETF-assignment address is refused (IPv4-mapped,
 * NAT64 and 6to4 addresses are judged by the IPv4 address inside). The certificate's status is
 * then "unreachable", and the finding names the address and this switch. No proxy is used for
 * fetches, whatever the environment says. Turn it on for an internal PKI whose distribution
 * points and responders are on the private network, for certificates you trust to name them.
 * It does not concern the connection of ucp_probe_run() to the server you name.
 * @param[in] checker The checker.
 * @param[in] allow true: any address; false (the default): public addresses only.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker NULL).
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_checker_set_allow_private_network(ucp_checker *checker, bool allow);

/**
 * The time budget of the online work of one check (default 5000 ms, at most 600000): every CRL
 * and OCSP transfer for the certificates of its path shares it, each getting what is left; once
 * it is spent, the URLs not yet tried are not tried (the revocation.unreachable finding says how
 * many).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_network_timeout(ucp_checker *checker, unsigned milliseconds);

/**
 * Size limit of each fetched CRL or OCSP response (default 10 MiB, at least 1 KiB).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_fetch_limit(ucp_checker *checker, size_t bytes);

/**
 * Size the checker's signature cache (default 4096 entries; 0 turns it off).
 *
 * The cache remembers, per pair of certificates (keyed by the SHA-256 of both encodings), whether
 * the signature of one verifies with the key of the other, so that checking a batch of
 * certificates under the same intermediate verifies the intermediate's signature once, and a
 * certificate checked against several roles is verified once. A verification's outcome depends
 * only on the two certificates, so reports are the same with the cache on, off or of any size.
 * When full, the least recently used pair of a set is replaced: pairs used by every check (an
 * intermediate under its root) stay.
 *
 * Memory: 72 bytes per entry (reserved when the size is set, resident as it fills), plus 4 KiB.
 * The cache is shared by concurrent ucp_checker_check() calls on the checker (striped locks; no
 * lock is held while a signature is verified). Changing its size empties it, and like the other
 * setters must not race with checks.
 *
 * @param[in] checker The checker.
 * @param[in] entries The number of certificate pairs to remember, 0 to 4194304 (288 MiB).
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY (the previous cache is kept).
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_set_signature_cache_size(ucp_checker *checker, size_t entries);

/**
 * Add a policy OID to the initial policy set of path validation (RFC 5280 6.1.1 (c); CLI
 * --policy, repeatable). With none (the default) the set is anyPolicy: every policy is
 * acceptable. With one or more, a trusted path must assert at least one of them (through the
 * CAs' certificatePolicies and policy mappings), otherwise the report has the finding
 * chain.policy-invalid; adding "2.5.29.32.0" (anyPolicy) accepts any policy again. The valid
 * policies of the path are in the report (ucp_report_policy_count()).
 * @param[in] checker The checker.
 * @param[in] oid A policy OID in dotted decimal, e.g. "2.23.140.1.2.1". Copied.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT (NULL, not an OID, more than 64 OIDs) or
 * ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_checker_add_initial_policy(ucp_checker *checker, const char *oid);

/**
 * Empty the initial policy set (back to anyPolicy, the default).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker NULL).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_checker_clear_initial_policies(ucp_checker *checker);

/**
 * Require an explicit policy (RFC 5280 6.1.1 (f) initial-explicit-policy; CLI
 * --require-explicit-policy): a trusted path whose valid policy tree is empty gets the finding
 * chain.policy-invalid. Off by default (a CA's policyConstraints may still require one).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker NULL).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_checker_set_require_explicit_policy(ucp_checker *checker, bool require);

/**
 * Inhibit policy mapping (RFC 5280 6.1.1 (e) initial-policy-mapping-inhibit; CLI
 * --inhibit-policy-mapping): the CAs' policyMappings do not apply. Off by default.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker NULL).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_checker_set_inhibit_policy_mapping(ucp_checker *checker, bool inhibit);

/**
 * Inhibit anyPolicy (RFC 5280 6.1.1 (g) initial-any-policy-inhibit; CLI --inhibit-any-policy):
 * anyPolicy in a certificate's certificatePolicies matches nothing (self-issued intermediate
 * CA certificates excepted). Off by default.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker NULL).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_checker_set_inhibit_any_policy(ucp_checker *checker, bool inhibit);

/**
 * Check the leaf of @p input (with the rest of @p input as its presented chain) against a role.
 *
 * Policy violations are findings in the report, not failures: a certificate that breaks every
 * rule still gives ::UCP_OK and a report whose result is ::UCP_RESULT_FAIL.
 *
 * @param[in] checker The checker.
 * @param[in] input The certificate and its chain.
 * @param[in] role A role id or alias (see ucp_role_find()).
 * @param[in] topology Deployment facts, or NULL for none (rules that need a missing fact
 *            report an "input.facts-missing" warning instead of passing silently).
 * @param[out] out The report; the caller frees it with ucp_report_free().
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT, ::UCP_E_UNKNOWN_ROLE (the message lists the
 *          roles), ::UCP_E_CRYPTO or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_check(ucp_checker *checker, const ucp_input *input,
                                        const char *role, const ucp_topology *topology,
                                        ucp_report **out);

/**
 * Check the certificate deployed on every server of a pool: the same certificate with the same
 * private key on each Edge Server of an Edge pool (external, A/V Authentication, internal
 * interfaces) and, for OAuthTokenIssuer, on every Front End (general rule G16, docs/general-rules.md).
 *
 * The report is that of ucp_checker_check() on @p inputs[0], the reference, plus the
 * comparison of every other input with it (ucp_report_pool_count() and the `ucp_report_pool_*`
 * getters): when a leaf certificate or private key differs, a "private-key.pool-mismatch" finding
 * names the file and how it differs, for the roles that need one certificate on every server.
 * The other inputs are compared, not checked against the role: check them with
 * ucp_checker_check() for their own findings.
 *
 * @param[in] checker The checker.
 * @param[in] inputs An array of @p count inputs, one per server (e.g. the PFX exported for each);
 *            borrowed for the duration of the call, never freed or kept.
 * @param[in] count Their number, 1 to 64.
 * @param[in] role A role id or alias.
 * @param[in] topology Deployment facts, or NULL.
 * @param[out] out The report; the caller frees it with ucp_report_free().
 * @returns As ucp_checker_check(); ::UCP_E_INVALID_ARGUMENT when @p inputs or an element of it is
 *          NULL, or @p count is 0 or more than 64.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_checker_check_pool(ucp_checker *checker, const ucp_input *const *inputs,
                                             size_t count, const char *role,
                                             const ucp_topology *topology, ucp_report **out);

/* ---- batches ---------------------------------------------------------------------------- */

/**
 * Receives the result of one file of a batch (ucp_checker_check_files()).
 *
 * Called once per file that was started, in the order of the files (index 0, 1, 2...) whatever
 * the order in which they completed; never two calls at once (nor at once with the progress
 * callback), but from whichever thread of the batch completed the file, the calling thread or
 * a helper thread.
 *
 * @param[in] index The file's position in the batch's array of paths.
 * @param[in] path The file, as given.
 * @param[in] report The report, or NULL when the file could not be read or checked. Borrowed:
 *            valid during the call only; take a reference with ucp_report_ref() to keep it.
 * @param[in] error NULL when @p report is not; otherwise why the file could not be read or
 *            checked: ucp_error_code(), ucp_error_message() (naming the file and the problem),
 *            ucp_error_source()... Valid during the call only, whatever libucpolicy calls the
 *            callback makes meanwhile (it is not the thread's last error).
 * @param[in] payload The payload given to ucp_checker_check_files().
 * @since 1.1
 */
typedef void (*ucp_batch_fn)(size_t index, const char *path, ucp_report *report, const ucp_error *error,
                             void *payload);

/**
 * Hears about the progress of a batch, and may cancel it.
 *
 * Called once per file of a batch as it completes (read and checked, or failed), with the
 * number of files completed so far (1, 2, 3... up to @p total), before the results that became
 * deliverable are passed to the batch callback; serialised with the batch callback, from
 * whichever thread completed the file.
 *
 * @param[in] done Files completed, 1 to @p total.
 * @param[in] total Files in the batch.
 * @param[in] payload The payload given to ucp_checker_set_progress().
 * @returns true to go on; false to cancel the batch: no file starts after this call returns,
 *          the files already started (the first ones of the array) finish and are delivered, and
 *          ucp_checker_check_files() returns ::UCP_E_CANCELLED. No progress call follows a
 *          cancellation.
 * @since 1.1
 */
typedef bool (*ucp_progress_fn)(size_t done, size_t total, void *payload);

/**
 * Set (or with NULL remove) the progress callback of the checker's batches
 * (ucp_checker_check_files()). A setter: must not race with checks on the checker; a batch uses
 * the callback set when it starts.
 * @param[in] checker The checker.
 * @param[in] fn The callback, or NULL for none.
 * @param[in] payload Passed to @p fn.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (@p checker is NULL).
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_checker_set_progress(ucp_checker *checker, ucp_progress_fn fn, void *payload);

/**
 * Check a batch of files against a role, several at a time, delivering the results in the
 * order of the files.
 *
 * Each file is read as ucp_input_from_file() reads it (with @p password) and checked as
 * ucp_checker_check() checks it; @p fn receives each file's report, or the error that kept it
 * from being read or checked (an unreadable file does not stop the batch). The checker's trust,
 * intermediates and signature cache are shared by the threads, so a batch of certificates under
 * the same CA verifies the CA's signatures once.
 *
 * Memory stays bounded whatever the number of files: the threads run at most 32 files per
 * thread ahead of the oldest file not yet delivered, so a slow file holds the others back
 * rather than letting results pile up. Reports are freed after @p fn returns (unless it took a
 * reference).
 *
 * The checker's progress callback (ucp_checker_set_progress()), if any, hears of each completed
 * file and may cancel the batch. Several batches may run at once on one checker, from different
 * threads, as checks may.
 *
 * @param[in] checker The checker.
 * @param[in] paths An array of @p count file names (none NULL); borrowed for the call.
 * @param[in] count Their number; 0 does nothing and returns ::UCP_OK.
 * @param[in] role A role id or alias.
 * @param[in] topology Deployment facts, or NULL; shared by the threads (read only).
 * @param[in] password The PKCS#12 password of the files, or NULL; no copy is kept after the call.
 * @param[in] jobs Files checked at a time: 1 checks them one after the other on the calling
 *            thread; N (at most 256) uses the calling thread and N - 1 helper threads (fewer
 *            when there are fewer files, or when the system refuses a thread); 0 means one per
 *            online CPU.
 * @param[in] fn Receives each file's result (see ::ucp_batch_fn).
 * @param[in] payload Passed to @p fn.
 * @returns ::UCP_OK when every file was delivered to @p fn (whatever their results);
 *          ::UCP_E_CANCELLED when the progress callback cancelled the batch;
 *          ::UCP_E_INVALID_ARGUMENT (a NULL argument or path, @p jobs above 256) or
 *          ::UCP_E_UNKNOWN_ROLE (the message lists the roles), before any file is read;
 *          ::UCP_E_NO_MEMORY.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_checker_check_files(ucp_checker *checker, const char *const *paths, size_t count,
                                              const char *role, const ucp_topology *topology,
                                              const char *password, unsigned jobs, ucp_batch_fn fn,
                                              void *payload);

UCP_END_DECLS

#endif /* UCPOLICY_CHECKER_H */
