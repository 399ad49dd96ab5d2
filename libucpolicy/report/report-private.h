/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_REPORT_PRIVATE_H
#define UCPOLICY_REPORT_PRIVATE_H

/*
 * report/: the report of a check and every way of writing it out. Calls trust/ (the path kept in
 * the report), policy/, x509/ and core/.
 */

#include "trust/trust-private.h"

/* ---- pool consistency (built by check/pool-check.c) ------------------------------------------------------- */
struct ucp_pool_member {
    char *name;
    ucp_certificate *cert; /* the member's leaf (reference held) */
    ucp_pool_state state;
    bool same_certificate;
};
struct ucp_pool_compare {
    struct ucp_pool_member *members; /* [0] is the reference */
    size_t n;
};
void ucp_pool_compare_free(struct ucp_pool_compare *p);

/* ---- connection facts of a probe report (connection.c) -------------------------------------- */
struct ucp_connection {
    char *host;
    unsigned port;
    char *address;
    char *server_name;
    ucp_probe_protocol protocol;
    char *tls_version;
    char *cipher_suite;
    bool requested;
    bool sent;
    char *client_subject;
    ucp_client_auth verdict;
    char *alert;
    char *response;
    char *diagnostics;
    char *detail;
};
void ucp_connection_free(struct ucp_connection *c);
/* The connection's verdict, detail, response and ms-diagnostics (borrowed; NULL when unset). */
ucp_client_auth ucp_connection_verdict(const struct ucp_connection *c);
const char *ucp_connection_detail(const struct ucp_connection *c);
const char *ucp_connection_response(const struct ucp_connection *c);
const char *ucp_connection_diagnostics(const struct ucp_connection *c);


/* ---- reports (report.c) ------------------------------------------------------------------- */
struct ucp_finding {
    const struct ucp_rule *rule;
    const struct ucp_role_rule *role_rule;
    ucp_severity severity;
    int cert_index;
    char *message;
    char *expected;
    char *actual;
    char *remediation;
    char **arg_values;
    size_t nargs;
};

struct ucp_report {
    atomic_int refs;
    const struct ucp_role *role;
    ucp_product product;
    char *input_name;
    ucp_format format;
    int64_t time;
    ucp_certificate *chain[UCP_MAX_PATH_DEPTH];
    enum ucp_cert_source chain_sources[UCP_MAX_PATH_DEPTH];
    size_t nchain;
    bool trusted;
    ucp_chain_status chain_status;
    struct ucp_finding *findings;
    size_t nfindings;
    size_t counts[3];
    ucp_result result;
    ucp_topology *topology; /* a copy of the facts used */
    unsigned expiry_days;
    ucp_revocation revocation[UCP_MAX_PATH_DEPTH];
    char *revocation_source[UCP_MAX_PATH_DEPTH];
    struct ucp_path rejected[UCP_MAX_REJECTED];
    char *rejected_summary[UCP_MAX_REJECTED];
    size_t nrejected;
    struct ucp_connection *connection; /* probe.c: what happened on the wire; NULL for file checks */
    bool has_key;
    struct ucp_key_facts *key_facts;  /* a copy of the input's, NULL if none (input/input-private.h) */
    struct ucp_pool_compare *pool;    /* ucp_checker_check_pool() only */
};

/* Free a finding's contents (not the finding itself). */
void ucp_finding_dispose(struct ucp_finding *f);
/* Free a report and everything it holds, whatever its reference count (building a report that
 * failed half way); everyone else calls ucp_report_free(). */
void ucp_report_destroy(ucp_report *r);

/* ---- rendering (render-json.c, render-text.c) ---------------------------------------------- */
struct json_t;
/* The report / topology as a jansson object (new reference), or NULL when out of memory. */
/* The connection facts as a jansson object (new reference), or NULL when out of memory. */
struct json_t *ucp_connection_json(const struct ucp_connection *c);
/* The connection facts as labelled lines of the text report: up to @max (label, value) pairs,
 * values malloc'd (the caller frees them); returns their number. */
size_t ucp_connection_lines(const struct ucp_connection *c, const char **labels, char **values, size_t max);
struct json_t *ucp_report_json(const ucp_report *report);




#endif /* UCPOLICY_REPORT_PRIVATE_H */
