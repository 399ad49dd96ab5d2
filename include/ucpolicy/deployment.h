/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_DEPLOYMENT_H
#define UCPOLICY_DEPLOYMENT_H

/**
 * @file ucpolicy/deployment.h
 * @brief The certificate plan of a whole deployment: every certificate each server needs.
 *
 * A ::ucp_deployment is made from a topology loaded from a Skype for Business / Lync topology
 * document (ucp_topology_load_file() of a Topology Builder file or `Get-CsTopology -AsXml`
 * output). For each server of the document it lists the certificates the server needs (a
 * ::ucp_cert_need per role: the Default certificate and the web services certificates of a
 * Front End server, the internal, external and A/V Authentication certificates of an Edge
 * Server, ...) and, for each, what the role's rules in the catalogue ask of it given that
 * server's facts: the subject name, the DNS names the subject alternative name must hold, the
 * optional names and wildcards the rules allow, the extended key usages, the key rule, whether
 * a public CA must issue it and whether every server of the pool must share it.
 *
 * The deployment is a snapshot: it copies what it needs, so the topology may be changed or
 * freed afterwards. It is immutable: reading it from several threads at once is safe. Every
 * string returned is borrowed and lives as long as the deployment.
 */

#include "ucpolicy/catalogue.h"
#include "ucpolicy/common.h"
#include "ucpolicy/render.h"
#include "ucpolicy/topology.h"

UCP_BEGIN_DECLS

/** The certificate plan of a deployment (opaque). @since 1.2 */
typedef struct ucp_deployment ucp_deployment;
/** One certificate a server needs (opaque; owned by its deployment). @since 1.2 */
typedef struct ucp_cert_need ucp_cert_need;

/** Extended key usages a certificate needs (ucp_cert_need_eku()). @since 1.2 */
typedef enum ucp_eku_flags {
    UCP_EKU_SERVER_AUTH = 1, /**< TLS Web Server Authentication (1.3.6.1.5.5.7.3.1). @since 1.2 */
    UCP_EKU_CLIENT_AUTH = 2  /**< TLS Web Client Authentication (1.3.6.1.5.5.7.3.2). @since 1.2 */
} ucp_eku_flags;

/** The form of a certificate request file (ucp_cert_need_request()). @since 1.2 */
typedef enum ucp_request_format {
    UCP_REQUEST_CERTREQ = 0,   /**< "certreq": a Windows `certreq -new` INF file. @since 1.2 */
    UCP_REQUEST_OPENSSL = 1,   /**< "openssl": an OpenSSL `req -config` file. @since 1.2 */
    UCP_REQUEST_CERTTOOL = 2,  /**< "certtool": a GnuTLS `certtool --template` file. @since 1.2 */
    UCP_REQUEST_POWERSHELL = 3 /**< "powershell": the `Request-CsCertificate` (or `New-ExchangeCertificate`) command line. @since 1.2 */
} ucp_request_format;

/**
 * Make the plan of a deployment.
 * @param[out] out The plan; free it with ucp_deployment_free().
 * @param[in] topology A topology loaded from a topology document (it lists servers).
 * @returns ::UCP_OK, ::UCP_E_TOPOLOGY (the topology lists no servers: facts set by hand or read
 *          from JSON), ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_deployment_new(ucp_deployment **out, const ucp_topology *topology);

/** Free a plan; NULL is accepted. @since 1.2 */
UCP_EXPORT void ucp_deployment_free(ucp_deployment *deployment);

/** Number of servers, in the topology's order. @since 1.2 */
UCP_EXPORT size_t ucp_deployment_server_count(const ucp_deployment *deployment);

/**
 * Find a server by FQDN (case-insensitive, a trailing dot ignored).
 * @returns Its index, or (size_t)-1 when there is none (no error is recorded).
 * @since 1.2
 */
UCP_EXPORT size_t ucp_deployment_find_server(const ucp_deployment *deployment, const char *fqdn);

/** A server's FQDN (lower case); NULL out of range. @since 1.2 */
UCP_EXPORT const char *ucp_deployment_server_fqdn(const ucp_deployment *deployment, size_t server);

/** The FQDN of a server's pool (its own FQDN for a Standard Edition server); NULL out of range. @since 1.2 */
UCP_EXPORT const char *ucp_deployment_server_pool(const ucp_deployment *deployment, size_t server);

/** The product release a server runs (from its roles' versions). @since 1.2 */
UCP_EXPORT ucp_product ucp_deployment_server_product(const ucp_deployment *deployment, size_t server);

/** Number of certificates a server needs (0 out of range). @since 1.2 */
UCP_EXPORT size_t ucp_deployment_need_count(const ucp_deployment *deployment, size_t server);

/** A certificate a server needs; NULL out of range. @since 1.2 */
UCP_EXPORT const ucp_cert_need *ucp_deployment_need_at(const ucp_deployment *deployment, size_t server,
                                                        size_t index);

/** The role whose rules the certificate is checked against (`ucpolicy check --role`). @since 1.2 */
UCP_EXPORT const ucp_role *ucp_cert_need_role(const ucp_cert_need *need);

/** The FQDN of the server that needs it. @since 1.2 */
UCP_EXPORT const char *ucp_cert_need_server(const ucp_cert_need *need);

/** The subject common name to request. @since 1.2 */
UCP_EXPORT const char *ucp_cert_need_subject_name(const ucp_cert_need *need);

/**
 * Number of DNS names the subject alternative name must hold: the names whose absence the
 * role's rules report as an error, and the server's own names they report as a warning; the
 * subject name first when the rules want it repeated in the SAN.
 * @since 1.2
 */
UCP_EXPORT size_t ucp_cert_need_required_name_count(const ucp_cert_need *need);
/** A required DNS name; NULL out of range. @since 1.2 */
UCP_EXPORT const char *ucp_cert_need_required_name_at(const ucp_cert_need *need, size_t index);

/**
 * Number of optional DNS names: the per-SIP-domain names the rules recommend (warning level,
 * such as `sip.<domain>` and Lync Discover names on the Default certificate) and the wildcard
 * entries the rules allow (`*.<SIP domain>`, a wildcard covering the simple URLs).
 * @since 1.2
 */
UCP_EXPORT size_t ucp_cert_need_optional_name_count(const ucp_cert_need *need);
/** An optional DNS name; NULL out of range. @since 1.2 */
UCP_EXPORT const char *ucp_cert_need_optional_name_at(const ucp_cert_need *need, size_t index);

/** The extended key usages to request (::ucp_eku_flags). @since 1.2 */
UCP_EXPORT unsigned ucp_cert_need_eku(const ucp_cert_need *need);

/** The smallest RSA key size the rules accept without a finding (2048, or 1024). @since 1.2 */
UCP_EXPORT unsigned ucp_cert_need_min_rsa_bits(const ucp_cert_need *need);

/** Whether an ECDSA key (P-256, P-384, P-521) passes the role's rules for the server's product without a warning. @since 1.2 */
UCP_EXPORT bool ucp_cert_need_ecc_ok(const ucp_cert_need *need);

/** The key rule in words, e.g. "RSA, 2048 bits or more (ECDSA P-256/P-384/P-521 accepted)". @since 1.2 */
UCP_EXPORT const char *ucp_cert_need_key_rule(const ucp_cert_need *need);

/** Whether a publicly trusted CA must issue it. @since 1.2 */
UCP_EXPORT bool ucp_cert_need_public_ca(const ucp_cert_need *need);

/** Whether every server of the pool (or deployment, for OAuth) must hold the same certificate and key. @since 1.2 */
UCP_EXPORT bool ucp_cert_need_pool_shared(const ucp_cert_need *need);

/** Whether the private key must be exportable. @since 1.2 */
UCP_EXPORT bool ucp_cert_need_exportable_key(const ucp_cert_need *need);

/**
 * Render the plan (all servers, or one).
 * @param[in] deployment The plan.
 * @param[in] server A server's FQDN, or NULL for every server.
 * @param[in] format ::UCP_OUTPUT_TEXT, ::UCP_OUTPUT_JSON (an object with `servers`, each with
 *            `fqdn`, `pool`, `product` and `certificates`, each with `role`, `title`,
 *            `subjectName`, `requiredNames`, `optionalNames`, `eku`, `keyRule`,
 *            `minRsaBits`, `eccAccepted`, `publicCa`, `poolShared`, `exportableKey`),
 *            ::UCP_OUTPUT_CSV (a header row, one row per certificate) or ::UCP_OUTPUT_HTML.
 * @param[in] flags ::UCP_RENDER_PRETTY for indented JSON; other flags are ignored.
 * @param[out] out The text; release with ucp_buffer_dispose().
 * @returns ::UCP_OK, ::UCP_E_NOT_FOUND (no such server; the message lists them),
 *          ::UCP_E_INVALID_ARGUMENT (another format) or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_deployment_render(const ucp_deployment *deployment, const char *server,
                                            ucp_output_format format, unsigned flags, ucp_buffer *out);

/** "certreq", "openssl", "certtool" or "powershell"; "" out of range. @since 1.2 */
UCP_EXPORT const char *ucp_request_format_name(ucp_request_format format);

/**
 * Parse a request format name (ASCII case-insensitive).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (the message lists the formats).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_request_format_from_name(ucp_request_format *out, const char *name);

/** The usual file name extension of a request format, with its dot: ".inf", ".cnf", ".tmpl", ".ps1". @since 1.2 */
UCP_EXPORT const char *ucp_request_format_extension(ucp_request_format format);

/**
 * A certificate request for @p need: a file to give the tool of @p format (certreq INF,
 * OpenSSL req config, GnuTLS template) or the PowerShell command line. A certificate issued
 * from it (by a CA that copies the requested extensions) holds the subject name, every required
 * and optional explicit name, the extended key usages and key usages the role asks for, and a
 * key of the kind the key rule accepts.
 * @param[in] need The certificate.
 * @param[in] format The form.
 * @param[out] out The text; release with ucp_buffer_dispose().
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_cert_need_request(const ucp_cert_need *need, ucp_request_format format, ucp_buffer *out);

UCP_END_DECLS

#endif /* UCPOLICY_DEPLOYMENT_H */
