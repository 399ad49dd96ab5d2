/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_SCAN_H
#define UCPOLICY_SCAN_H

/**
 * @file ucpolicy/scan.h
 * @brief Scanning a whole deployment: probe every TLS endpoint a topology document lists and
 *        check the certificate each presents against the role that endpoint serves.
 *
 * A scan is made from a topology loaded from a Topology Builder file or `Get-CsTopology -AsXml`
 * output (see ucpolicy/topology.h). It lists, for every server, each TLS, MTLS and HTTPS port
 * the document names (SIP 5061, web 443 and 4443, the Edge's 443/444/5061/5062/5269, Office
 * Online Server's 443 ...), the role whose certificate that port presents (frontend-default,
 * edge-external, ...), and the server whose facts the role rules use. Ports that carry no
 * certificate (TCP, UDP, the A/V Edge's TURN ports) are not listed.
 *
 * ucp_scan_run() probes the endpoints as ucp_probe_run() probes one server (SIP ports with a SIP
 * OPTIONS request, the others with plain TLS), several at once (ucp_scan_set_jobs()), each within
 * its own time limit (ucp_scan_set_timeout()), and hands each endpoint's report or error to a
 * callback, on the calling thread. Only the hosts the document names are connected to; a
 * resolve override (ucp_scan_add_resolve(), as curl's `--resolve`) points a name at a given
 * address, the name still being sent as the TLS server name. With a client certificate
 * (ucp_scan_set_client_credentials()) every report tells whether that server accepted it.
 *
 * Thread safety: configure a scan, then run it from one thread at a time. The checker may be
 * shared (see ucpolicy/checker.h).
 */

#include "ucpolicy/checker.h"
#include "ucpolicy/common.h"
#include "ucpolicy/probe.h"
#include "ucpolicy/report.h"
#include "ucpolicy/topology.h"

UCP_BEGIN_DECLS

/** A scan of the endpoints of a topology document (opaque). @since 1.2 */
typedef struct ucp_scan ucp_scan;

/** One endpoint of a scan (opaque, owned by the scan). @since 1.2 */
typedef struct ucp_endpoint ucp_endpoint;

/** Default number of endpoints probed at once. @since 1.2 */
#define UCP_SCAN_DEFAULT_JOBS 8

/** Most endpoints probed at once. @since 1.2 */
#define UCP_SCAN_MAX_JOBS 64

/**
 * Create a scan of the endpoints @p topology lists: 8 at once, each with the probe's default
 * time limit (::UCP_PROBE_DEFAULT_TIMEOUT_MS), no resolve override, no client certificate.
 *
 * The scan copies what it needs: @p topology may be freed afterwards.
 *
 * @param[out] out The scan; the caller frees it with ucp_scan_free().
 * @param[in] topology A topology loaded from a topology document.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT, ::UCP_E_TOPOLOGY (facts set by hand or loaded
 *          from JSON: no document, so no endpoint to scan) or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_new(ucp_scan **out, const ucp_topology *topology);

/** Free a scan; NULL is accepted. The client key is wiped. @since 1.2 */
UCP_EXPORT void ucp_scan_free(ucp_scan *scan);

/**
 * Set how many endpoints are probed at once (default ::UCP_SCAN_DEFAULT_JOBS).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (not 1 to ::UCP_SCAN_MAX_JOBS).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_set_jobs(ucp_scan *scan, unsigned jobs);

/**
 * Set the time limit of each endpoint's probe, as ucp_probe_set_timeout().
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT (not 1 to 600000 ms).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_set_timeout(ucp_scan *scan, unsigned milliseconds);

/**
 * Connect to @p address instead of resolving @p host (as curl's `--resolve`): the TLS server
 * name and the role's facts stay those of @p host. Only hosts the document names may be given.
 *
 * @param[in] scan The scan.
 * @param[in] spec "HOST:ADDRESS" (e.g. "fe01.contoso.com:127.0.0.2", "sip.contoso.com:[::1]"):
 *            every port of HOST; or curl's "HOST:PORT:ADDRESS": that port only (PORT empty or
 *            "*": every port). An override for the port wins over one for every port; given
 *            again, the last one wins.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT (not HOST:ADDRESS, ADDRESS not an IP address)
 *          or ::UCP_E_NOT_FOUND (HOST is not an endpoint of the document; the message says so).
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_add_resolve(ucp_scan *scan, const char *spec);

/**
 * Present a client certificate when a server asks for one, as
 * ucp_probe_set_client_credentials(); each report then tells whether the server accepted it.
 * @returns As ucp_probe_set_client_credentials().
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_set_client_credentials(ucp_scan *scan, const char *cert_file,
                                                      const char *key_file, const char *password);

/**
 * Connect to loopback addresses only (127.0.0.0/8, ::1): an endpoint whose name has no resolve
 * override, or whose override is another address, is refused with ::UCP_E_NETWORK before any
 * packet is sent. For tests and sandboxes, where nothing may leave the machine. Default off.
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_set_loopback_only(ucp_scan *scan, bool loopback_only);

/** Number of endpoints the scan probes. @since 1.2 */
UCP_EXPORT size_t ucp_scan_endpoint_count(const ucp_scan *scan);

/**
 * An endpoint, in document order (server by server).
 * @returns Borrowed, valid as long as the scan; NULL out of range.
 * @since 1.2
 */
UCP_EXPORT const ucp_endpoint *ucp_scan_endpoint_at(const ucp_scan *scan, size_t index);

/** The host connected to and sent as the TLS server name (lower case). @since 1.2 */
UCP_EXPORT const char *ucp_endpoint_host(const ucp_endpoint *endpoint);
/** The TCP port. @since 1.2 */
UCP_EXPORT unsigned ucp_endpoint_port(const ucp_endpoint *endpoint);
/** The role id of the certificate the port presents, e.g. "frontend-default". @since 1.2 */
UCP_EXPORT const char *ucp_endpoint_role(const ucp_endpoint *endpoint);
/** The FQDN of the server whose facts apply (the host itself, or for an Edge's public name, the Edge server). @since 1.2 */
UCP_EXPORT const char *ucp_endpoint_server(const ucp_endpoint *endpoint);
/** ::UCP_PROBE_SIP for a SIP port, else ::UCP_PROBE_TLS. @since 1.2 */
UCP_EXPORT ucp_probe_protocol ucp_endpoint_protocol(const ucp_endpoint *endpoint);
/** The protocol as the document names it: "Mtls", "Tls" or "Https". @since 1.2 */
UCP_EXPORT const char *ucp_endpoint_transport(const ucp_endpoint *endpoint);
/** The index of the endpoint in its scan. @since 1.2 */
UCP_EXPORT size_t ucp_endpoint_index(const ucp_endpoint *endpoint);

/**
 * What ucp_scan_run() calls once per endpoint, on the thread that called it, in the order the
 * probes finish.
 *
 * @param[in] endpoint The endpoint.
 * @param[in] report Its report, handed over: the callee frees it with ucp_report_free() (or
 *            keeps it). NULL when no certificate could be obtained.
 * @param[in] status ::UCP_OK with a report, else why there is none (as ucp_probe_run()).
 * @param[in] message NULL with a report, else the error message naming HOST:PORT and the cause.
 * @param[in] payload As given to ucp_scan_run().
 * @returns 0 to go on; anything else stops the scan (probes under way finish, no new one starts).
 * @since 1.2
 */
typedef int (*ucp_scan_callback)(const ucp_endpoint *endpoint, ucp_report *report, ucp_status status,
                                 const char *message, void *payload);

/**
 * Probe every endpoint and check what each presents, as ucp_probe_run() with the endpoint's
 * role and its server's facts; at most the jobs set at once.
 *
 * @param[in] scan The scan.
 * @param[in] checker Trust, validation time and revocation settings, shared by every probe.
 * @param[in] callback Called once per endpoint (see ::ucp_scan_callback).
 * @param[in] payload Passed to @p callback.
 * @returns ::UCP_OK once every endpoint has been handed to the callback (whatever each one's
 *          result), ::UCP_E_CANCELLED when the callback stopped the scan,
 *          ::UCP_E_INVALID_ARGUMENT or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_scan_run(ucp_scan *scan, ucp_checker *checker, ucp_scan_callback callback,
                                   void *payload);

UCP_END_DECLS

#endif /* UCPOLICY_SCAN_H */
