/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_TOPOLOGY_H
#define UCPOLICY_TOPOLOGY_H

/**
 * @file ucpolicy/topology.h
 * @brief Deployment facts (the "topology") a role's name rules are checked against.
 *
 * A ::ucp_topology is a builder: create it, set facts one by one or load them from a JSON
 * document, then pass it to ucp_checker_check(). The checker copies what it needs, so the
 * topology may be changed or freed after the call. A topology is not safe to modify from
 * several threads at once; reading it from several threads is safe.
 *
 * JSON form (all keys optional; unknown keys are an error, so typos are caught):
 * @code{.json}
 * { "product": "sfb2019", "fqdn": "fe01.contoso.com", "pool": "pool01.contoso.com",
 *   "sipDomains": ["contoso.com"], "simpleUrls": ["https://meet.contoso.com"],
 *   "webFqdn": "webext.contoso.com", "accessEdge": "sip.contoso.com",
 *   "webConfEdge": "webcon.contoso.com", "xmppDomain": "contoso.com" }
 * @endcode
 *
 * ucp_topology_load_data() also reads the topology Skype for Business / Lync Server keep
 * themselves (detected from the content): a Topology Builder file (.tbxml, root
 * TopologyBuilder) and the published topology as `Get-CsTopology -AsXml` prints it (root
 * Topology). Such a document lists servers; each has its own facts (its FQDN, its pool, the
 * external web services FQDN, the Edge FQDNs, the product from the roles' versions) besides
 * the shared ones (SIP domains, simple URLs). ucp_topology_select_server() makes one server's
 * facts the topology's; a document with one server selects it on loading, and a check with a
 * document of several servers and none selected fails, naming them.
 */

#include "ucpolicy/catalogue.h"
#include "ucpolicy/common.h"

UCP_BEGIN_DECLS

/** Deployment facts (opaque). @since 1.0 */
typedef struct ucp_topology ucp_topology;

/** The fact's CLI spelling without dashes, e.g. "sip-domain"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_fact_name(ucp_fact fact);
/** The fact's key in the topology JSON, e.g. "sipDomains"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_fact_json_key(ucp_fact fact);
/** Whether a fact takes several values (sip-domain, simple-url). @since 1.0 */
UCP_EXPORT bool ucp_fact_is_list(ucp_fact fact);
/**
 * Parse a fact name (CLI spelling or JSON key, case-insensitive).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_fact_from_name(ucp_fact *out, const char *name);

/**
 * Create an empty topology (product: SfB Server 2019).
 * @param[out] out The new topology; the caller frees it with ucp_topology_free().
 * @returns ::UCP_OK or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_new(ucp_topology **out);

/**
 * Free a topology.
 * @param[in] topology The topology; NULL is accepted.
 * @since 1.0
 */
UCP_EXPORT void ucp_topology_free(ucp_topology *topology);

/**
 * Set a fact, replacing any previous value(s).
 *
 * FQDN facts are validated (letters, digits, hyphens and dots, at least two labels) and
 * stored in lower case with any trailing dot removed. A simple URL may be given as a URL
 * ("https://meet.contoso.com/abc") or a host name; its host is kept.
 *
 * @param[in] topology The topology.
 * @param[in] fact The fact.
 * @param[in] value The value; NULL or "" removes the fact.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT or ::UCP_E_TOPOLOGY (the message names the
 *          fact and why the value is not acceptable).
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_set(ucp_topology *topology, ucp_fact fact, const char *value);

/**
 * Add a value to a list fact (sip-domain, simple-url). For single-valued facts this is
 * ucp_topology_set(). Duplicates are kept once; a list holds at most 1000 values (more is
 * ::UCP_E_TOPOLOGY, as in a JSON document).
 * @returns As ucp_topology_set().
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_add(ucp_topology *topology, ucp_fact fact, const char *value);

/** Number of values of a fact (0 when unset). @since 1.0 */
UCP_EXPORT size_t ucp_topology_count(const ucp_topology *topology, ucp_fact fact);

/**
 * A value of a fact.
 * @returns Borrowed, valid until the fact is next changed; NULL out of range.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_topology_get(const ucp_topology *topology, ucp_fact fact, size_t index);

/**
 * Set the product release (default ::UCP_PRODUCT_SFB2019).
 * @returns ::UCP_OK or ::UCP_E_INVALID_ARGUMENT.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_set_product(ucp_topology *topology, ucp_product product);

/** The product release. @since 1.0 */
UCP_EXPORT ucp_product ucp_topology_product(const ucp_topology *topology);

/**
 * Merge facts from a document held in memory: JSON (see the file comment for its form), a
 * Topology Builder file or Get-CsTopology -AsXml output (told apart by their content).
 *
 * Facts present in a JSON document replace those in @p topology; list facts are replaced as a
 * whole. A topology XML document replaces all facts, and its servers those of any earlier one
 * (see ucp_topology_select_server()). On failure @p topology is unchanged.
 *
 * @param[in] topology The topology.
 * @param[in] data The JSON text (UTF-8).
 * @param[in] length Its length in bytes.
 * @param[in] name A name for messages (a file name), or NULL.
 * @returns ::UCP_OK, ::UCP_E_TOPOLOGY (syntax error with line and column, unknown key, wrong
 *          type, invalid value; for XML also a DTD, a foreign root, too deep or too many
 *          elements, each with the line and element; the message names which),
 *          ::UCP_E_TOO_LARGE (JSON over 1 MiB, XML over 16 MiB) or ::UCP_E_NO_MEMORY.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_load_data(ucp_topology *topology, const uint8_t *data,
                                             size_t length, const char *name);

/**
 * Merge facts from a JSON file or a topology XML document; as ucp_topology_load_data().
 * @returns Also ::UCP_E_IO when the file cannot be read.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_load_file(ucp_topology *topology, const char *path);

/**
 * Serialise the topology as JSON (the form ucp_topology_load_data() reads).
 * @param[in] topology The topology.
 * @param[out] out Filled with the JSON text; release with ucp_buffer_dispose().
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_topology_to_json(const ucp_topology *topology, ucp_buffer *out);

/**
 * Number of servers the loaded topology document lists (Topology Builder or Get-CsTopology
 * XML): the machines of every pool that runs a server role (stores and file shares excluded).
 * @returns 0 for facts set by hand or loaded from JSON.
 * @since 1.2
 */
UCP_EXPORT size_t ucp_topology_server_count(const ucp_topology *topology);

/**
 * A server's FQDN (lower case), in document order.
 * @returns Borrowed, valid until the next load into @p topology; NULL out of range.
 * @since 1.2
 */
UCP_EXPORT const char *ucp_topology_server_fqdn(const ucp_topology *topology, size_t index);

/**
 * The FQDN of a server's pool (the server's own FQDN for a Standard Edition server).
 * @returns Borrowed, as ucp_topology_server_fqdn(); NULL out of range.
 * @since 1.2
 */
UCP_EXPORT const char *ucp_topology_server_pool(const ucp_topology *topology, size_t index);

/**
 * Use one server's facts: its FQDN, pool, web services FQDN, Edge FQDNs, XMPP domain and
 * product replace the topology's (facts set afterwards still win).
 * @param[in] topology A topology loaded from a document that lists servers.
 * @param[in] fqdn The server's FQDN (case-insensitive, a trailing dot ignored).
 * @returns ::UCP_OK, ::UCP_E_NOT_FOUND (no such server, or no document; the message lists the
 *          servers) or ::UCP_E_NO_MEMORY.
 * @since 1.2
 */
UCP_EXPORT ucp_status ucp_topology_select_server(ucp_topology *topology, const char *fqdn);

/**
 * The selected server's FQDN.
 * @returns Borrowed, as ucp_topology_server_fqdn(); NULL when none is selected.
 * @since 1.2
 */
UCP_EXPORT const char *ucp_topology_selected_server(const ucp_topology *topology);

UCP_END_DECLS

#endif /* UCPOLICY_TOPOLOGY_H */
