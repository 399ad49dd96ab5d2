/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_PROBE_H
#define UCPOLICY_PROBE_H

/**
 * @file ucpolicy/probe.h
 * @brief Probing a live server: connect, take the certificate chain it presents, check it
 *        against a role, and record what happened on the wire.
 *
 * A probe connects to HOST:PORT over TCP, speaks the application protocol needed to start TLS
 * (plain TLS, SMTP STARTTLS) and performs a TLS handshake with GnuTLS. Any server certificate is
 * accepted at the TLS level: the role check judges it. The chain the server sent (its leaf
 * first, then the certificates it sent with it) is checked against the role exactly as
 * ucp_checker_check() checks a file, so a server that does not send its intermediate CA gets a
 * real "incomplete chain" finding. With a client certificate (ucp_probe_set_client_credentials())
 * the probe presents it when the server asks for one, as Exchange UM does to Lync / Skype for
 * Business on port 5061, and records whether the server accepted it: the TLS alert it sent, or
 * for SIP the status line and the `ms-diagnostics` header of its answer to an OPTIONS request.
 *
 * The report is an ordinary ::ucp_report; the connection facts are read with the
 * `ucp_report_connection_*` getters (reports of ucp_checker_check() have none) and appear as a
 * `connection` object in the JSON report and as lines of the text report.
 *
 * Every step is bounded: one time limit (ucp_probe_set_timeout()) covers name resolution, the
 * TCP connection, the protocol exchange before TLS, the handshake and the exchange after it;
 * every line and message read from the server has a size limit. A host name is resolved with
 * getaddrinfo() on a short-lived helper thread, waited for only until the time limit (a late
 * answer is dropped by the helper itself); IP literals are never looked up.
 *
 * Thread safety: configure a probe, then run it any number of times, from one thread at a time.
 * Different probes may run concurrently (they may share a checker, see ucpolicy/checker.h).
 */

#include "ucpolicy/checker.h"
#include "ucpolicy/common.h"
#include "ucpolicy/report.h"
#include "ucpolicy/topology.h"

UCP_BEGIN_DECLS

/** A configured probe of one server (opaque). @since 1.0 */
typedef struct ucp_probe ucp_probe;

/** The application protocol spoken to start TLS and after it. @since 1.0 */
typedef enum ucp_probe_protocol {
    /** "tls": TLS from the first byte (HTTPS 443, SIP-TLS 5061 without a SIP request). @since 1.0 */
    UCP_PROBE_TLS = 0,
    /** "smtp": SMTP with STARTTLS (25, 587): banner, EHLO, STARTTLS, TLS, EHLO again. @since 1.0 */
    UCP_PROBE_SMTP = 1,
    /** "sip": TLS, then a SIP OPTIONS request whose answer tells whether the peer is accepted. @since 1.0 */
    UCP_PROBE_SIP = 2
} ucp_probe_protocol;

/** The server's verdict on the client, as the probe presented itself. @since 1.0 */
typedef enum ucp_client_auth {
    /** "unknown": the server's answer does not tell (e.g. no answer in time, SIP 404). @since 1.0 */
    UCP_CLIENT_AUTH_UNKNOWN = 0,
    /** "accepted": the handshake completed and the server went on (SIP 2xx, SMTP 250). @since 1.0 */
    UCP_CLIENT_AUTH_ACCEPTED = 1,
    /** "rejected": a TLS alert, SIP 401/403/407, or the connection closed without an answer. @since 1.0 */
    UCP_CLIENT_AUTH_REJECTED = 2
} ucp_client_auth;

/** Default time limit of a probe, in milliseconds. @since 1.0 */
#define UCP_PROBE_DEFAULT_TIMEOUT_MS 10000

/** "tls", "smtp" or "sip"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_probe_protocol_name(ucp_probe_protocol protocol);

/**
 * The protocol of a name ("tls", "smtp" or "sip", ASCII case-insensitive).
 * @param[out] out The protocol.
 * @param[in] name The name.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (the message lists the names).
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_protocol_from_name(ucp_probe_protocol *out, const char *name);

/** "unknown", "accepted" or "rejected"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_client_auth_name(ucp_client_auth verdict);

/**
 * Create a probe of HOST:PORT: plain TLS, SNI set to @p host unless it is an IP literal, a time
 * limit of ::UCP_PROBE_DEFAULT_TIMEOUT_MS, no client certificate.
 *
 * @param[out] out The probe; the caller frees it with ucp_probe_free().
 * @param[in] host A DNS name, an IPv4 literal or an IPv6 literal (with or without brackets).
 * @param[in] port The TCP port, 1 to 65535.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_new(ucp_probe **out, const char *host, unsigned port);

/** Free a probe; NULL is accepted. The client key is wiped. Reports it produced stay valid. @since 1.0 */
UCP_EXPORT void ucp_probe_free(ucp_probe *probe);

/**
 * Choose the application protocol (default ::UCP_PROBE_TLS).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_set_protocol(ucp_probe *probe, ucp_probe_protocol protocol);

/**
 * Set the name sent as TLS Server Name Indication, which is also the host of the SIP request URI.
 * @param[in] probe The probe.
 * @param[in] name A DNS name, or NULL to send no SNI. The default is the host given to
 *            ucp_probe_new() unless it is an IP literal.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT (not a DNS name) or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_set_server_name(ucp_probe *probe, const char *name);

/**
 * Set the time limit of a run: name resolution, TCP connection, protocol exchange, TLS handshake
 * and the exchange after it, together (default ::UCP_PROBE_DEFAULT_TIMEOUT_MS).
 * @param[in] probe The probe.
 * @param[in] milliseconds 1 to 600000.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_set_timeout(ucp_probe *probe, unsigned milliseconds);

/**
 * Load the client certificate presented when the server asks for one (mutual TLS).
 *
 * Either a PKCS#12 file (.pfx/.p12: the certificate whose key is in the file, and its chain) with
 * @p key_file NULL, or a certificate file (PEM with the leaf first, or DER) and its private key
 * (@p key_file: PEM or DER, PKCS#1 or PKCS#8, encrypted or not; NULL when the key is in the same
 * PEM file as the certificate). The key must match the certificate. The certificates and the key
 * go into GnuTLS objects held by the probe; the file contents are wiped from memory after loading
 * and no copy of @p password is kept. Calling this again replaces the previous credentials.
 *
 * @param[in] probe The probe.
 * @param[in] cert_file The PKCS#12 file, or the certificate file.
 * @param[in] key_file The private key file, or NULL.
 * @param[in] password The PKCS#12 or key password, or NULL for none.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT, ::UCP_E_IO, ::UCP_E_FORMAT, ::UCP_E_CORRUPT,
 *          ::UCP_E_PASSWORD, ::UCP_E_NO_CERTIFICATE, ::UCP_E_TOO_LARGE, ::UCP_E_LIMIT or
 *          ::UCP_E_NO_MEMORY; the message names the file and the problem (e.g. "the private key
 *          in um.key does not match the certificate in um.pem").
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_set_client_credentials(ucp_probe *probe, const char *cert_file,
                                                       const char *key_file, const char *password);

/**
 * Connect, take the presented chain, and check it against a role.
 *
 * Once the server's certificate has arrived, everything that happens after it (a TLS alert, a
 * SIP 403, a closed connection, no answer in time) is recorded in the report, not returned as a
 * failure: the report always carries the server's chain and the role's findings. Failing to get
 * a certificate at all is a failure, with a message naming HOST:PORT and the cause.
 *
 * @param[in] probe The probe.
 * @param[in] checker Trust anchors, intermediates, validation time and revocation settings, as
 *            for ucp_checker_check().
 * @param[in] role A role id or alias (see ucp_role_find()).
 * @param[in] topology Deployment facts, or NULL for none.
 * @param[out] out The report; the caller frees it with ucp_report_free().
 * @returns ::UCP_OK; ::UCP_E_NETWORK (name not resolved, connection refused or reset),
 *          ::UCP_E_TIMEOUT (no connection, or no certificate, within the time limit),
 *          ::UCP_E_TLS (the peer does not speak TLS, or the handshake failed before a
 *          certificate arrived), ::UCP_E_UNSUPPORTED (an SMTP server that offers no STARTTLS),
 *          ::UCP_E_INVALID_ARGUMENT, ::UCP_E_UNKNOWN_ROLE, ::UCP_E_CRYPTO or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_probe_run(ucp_probe *probe, ucp_checker *checker, const char *role,
                                    const ucp_topology *topology, ucp_report **out);

/* ---- connection facts of a report ------------------------------------------------------ */

/** Whether the report comes from a probe (and so has connection facts). @since 1.0 */
UCP_EXPORT bool ucp_report_has_connection(const ucp_report *report);
/** The host probed, as given to ucp_probe_new() (IPv6 without brackets); "" without connection. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_host(const ucp_report *report);
/** The TCP port probed; 0 without connection. @since 1.0 */
UCP_EXPORT unsigned ucp_report_connection_port(const ucp_report *report);
/** The IP address connected to, e.g. "127.0.0.1"; NULL without connection. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_address(const ucp_report *report);
/** The SNI name sent; NULL when none was sent. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_server_name(const ucp_report *report);
/** The application protocol (::UCP_PROBE_TLS without connection). @since 1.0 */
UCP_EXPORT ucp_probe_protocol ucp_report_connection_protocol(const ucp_report *report);
/**
 * The TLS version negotiated, e.g. "TLS1.3"; NULL when the handshake did not complete (the
 * server may still have sent its certificate and then rejected the client's).
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_connection_tls_version(const ucp_report *report);
/** The cipher suite negotiated (IANA name, e.g. "TLS_AES_256_GCM_SHA384"); NULL as the version. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_cipher_suite(const ucp_report *report);
/** Whether the server asked for a client certificate. @since 1.0 */
UCP_EXPORT bool ucp_report_connection_client_cert_requested(const ucp_report *report);
/** Whether the probe sent a client certificate (requested, and credentials were set). @since 1.0 */
UCP_EXPORT bool ucp_report_connection_client_cert_sent(const ucp_report *report);
/** The subject of the client certificate sent; NULL when none was sent. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_client_cert_subject(const ucp_report *report);
/** The server's verdict on the client (::UCP_CLIENT_AUTH_UNKNOWN without connection). @since 1.0 */
UCP_EXPORT ucp_client_auth ucp_report_connection_client_auth(const ucp_report *report);
/**
 * The TLS alert the server sent, by its RFC 8446 name (e.g. "bad_certificate",
 * "certificate_required"); NULL when none was received.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_connection_alert(const ucp_report *report);
/**
 * The server's answer at the application level: the SIP status line ("SIP/2.0 403 Forbidden")
 * or the last SMTP reply line after TLS; NULL when there was none. Control characters and
 * invalid UTF-8 are escaped as \\xHH.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_connection_response(const ucp_report *report);
/**
 * The value of the SIP `ms-diagnostics` header of the answer (Lync / Skype for Business give the
 * reason there, e.g. `1000;reason="The peer is not a configured server on this network
 * interface"`); NULL when absent. Escaped as the response.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_report_connection_diagnostics(const ucp_report *report);
/** One sentence saying how the verdict was reached, e.g. "the server answered the SIP OPTIONS request with 403"; NULL without connection. @since 1.0 */
UCP_EXPORT const char *ucp_report_connection_detail(const ucp_report *report);

UCP_END_DECLS

#endif /* UCPOLICY_PROBE_H */
