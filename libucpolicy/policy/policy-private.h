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
/* Topology Builder / Get-CsTopology XML: read as a stream, so memory stays small whatever the size. */
#define UCP_MAX_TOPOLOGY_XML_SIZE (16u * 1024u * 1024u)
#define UCP_MAX_TOPOLOGY_XML_DEPTH 32         /* elements nested (real documents: about 10) */
#define UCP_MAX_TOPOLOGY_XML_ELEMENTS 500000u /* elements in one document */
#define UCP_MAX_TOPOLOGY_SERVERS 10000u       /* pools, services and servers, each */
#define UCP_MAX_TOPOLOGY_PORTS 1000u          /* ports of one service */

/* ---- topology ------------------------------------------------------------------------------
 * topology.c stores the facts and the model of a topology document; topology-xml.c reads a
 * document into them; topology-load.c, above both, tells the format and loads a file. */
struct ucp_topo_doc;
struct ucp_topology {
    char **values[UCP_FACT_COUNT];
    size_t counts[UCP_FACT_COUNT];
    ucp_product product;
    struct ucp_topo_doc *doc; /* the servers of a topology document (XML), or NULL */
    size_t selected;          /* 1 + the index in doc of the selected server; 0: none */
};
ucp_status ucp_topology_copy(ucp_topology **out, const ucp_topology *src);
/* Add @value to fact @f after normalising it (FQDN rules; the host of a simple URL); a duplicate
 * is dropped. Errors name @source. */
ucp_status ucp_topology_add_value(ucp_topology *t, ucp_fact f, const char *value, const char *source);
void ucp_topology_clear_fact(ucp_topology *t, ucp_fact f);
/* Move the facts and product of @from into @to (replacing them); @from is left empty. */
void ucp_topology_take_facts(ucp_topology *to, ucp_topology *from);

/* The facts as a JSON object, written by @j (the "topology" of a report, ucp_topology_to_json()). */
void ucp_topology_write_json(struct ucp_jgen *j, const ucp_topology *topology);

/* ---- topology documents (topology-xml.c) ----------------------------------------------------
 * What a Skype for Business / Lync topology (Topology Builder .tbxml or Get-CsTopology -AsXml)
 * says about each pool, service and server: the model plan and scan read, and the facts each
 * server gives the role rules. */
struct ucp_topo_port {
    char *owner;         /* the component, "urn:component:" or "urn:application:" removed: "AccessEdge" */
    char *usage;         /* "SipServer", "WebSite", ... */
    char *side;          /* "Primary", "External", "Internal", "Pstn" */
    char *protocol;      /* "Mtls", "Tls", "Https", "Tcp", ... */
    char *fqdn;          /* ConfiguredFqdn (normalised), the public name of an Edge service; or NULL */
    unsigned port;
    unsigned configured_port; /* ConfiguredPort (as the reverse proxy publishes it), or 0 */
};

struct ucp_topo_service {
    char *role;          /* RoleName: "Registrar", "WebServices", "EdgeServer", "MediationServer", ... */
    char *installed_on;  /* the key of its pool (cluster UniqueId, or "site:number") */
    size_t pool;         /* index in doc->pools, or SIZE_MAX (installed on a SQL instance) */
    unsigned version;    /* ServiceVersion, 0 when absent */
    bool director;       /* RegistrarService IsDirector="true" */
    char *web_external;  /* WebService ExternalSettings Host (normalised), or NULL */
    char *wac_discovery; /* WacService DiscoveryUrl, or NULL */
    struct ucp_topo_port *ports;
    size_t nports;
};

struct ucp_topo_pool {
    char *fqdn;          /* Cluster Fqdn (normalised) */
    char *key;           /* UniqueId, or "site:number" from ClusterId */
    bool single;         /* IsSingleMachineOnly */
    char **machines;     /* Machine Fqdn (normalised; the pool FQDN for a machine without one) */
    size_t nmachines;
};

struct ucp_topo_server {
    char *fqdn;
    size_t pool;                /* index in doc->pools */
    char *av_edge;              /* the A/V Edge external FQDN (MediaRelayEdge), or NULL */
    ucp_topology *facts;        /* its facts, ready for the role rules (doc NULL) */
};

struct ucp_topo_doc {
    char *source;               /* the document's name, for messages */
    bool builder;               /* a Topology Builder document (else Get-CsTopology -AsXml) */
    struct ucp_topo_pool *pools;
    size_t npools;
    struct ucp_topo_service *services;
    size_t nservices;
    struct ucp_topo_server *servers;
    size_t nservers;
};

/* Read a topology document: the shared facts (SIP domains, simple URLs, product) in @facts, and
 * the model. Errors name @source and the line and element at fault. */
void ucp_topo_doc_free(struct ucp_topo_doc *doc); /* topology.c */
ucp_status ucp_topo_doc_parse(const uint8_t *data, size_t length, const char *source,
                              struct ucp_topo_doc **out, ucp_topology **facts);
/* UCP_OK unless @topology comes from a document of several servers and none is selected: then
 * UCP_E_TOPOLOGY, the message listing the servers. */
ucp_status ucp_topology_require_server(const ucp_topology *topology);

#endif /* UCPOLICY_POLICY_PRIVATE_H */
