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
    char **policies;  /* the path's user-constrained policy set (trust/policy.c) */
    size_t npolicies;
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
    struct ucp_connection *connection; /* probe/: what happened on the wire; NULL for file checks */
    bool has_key;
    struct ucp_key_facts *key_facts;  /* a copy of the input's, NULL if none (input/input-private.h) */
    struct ucp_pool_compare *pool;    /* ucp_checker_check_pool() only */
};

/* Free a finding's contents (not the finding itself). */
void ucp_finding_dispose(struct ucp_finding *f);
/* Free a report and everything it holds, whatever its reference count (building a report that
 * failed half way); everyone else calls ucp_report_free(). */
void ucp_report_destroy(ucp_report *r);

/* ---- rendering ------------------------------------------------------------------------------- *
 * render.c is the public face (ucpolicy/render.h and the 1.0 renderers of report.h): it
 * dispatches to one file per format, each of which calls render-common.c only (and the report's
 * getters); render-common.c calls nothing of this folder but report.c. */
struct json_t;

/* A batch being rendered (ucpolicy/render.h). render.c keeps the counters; each format keeps
 * its own state in @state and writes through the calls below. */
struct ucp_renderer {
    ucp_output_format format;
    unsigned flags;
    ucp_fail_on fail_on;
    size_t entries;     /* inputs added so far (reports and errors): the index of the next one */
    size_t counts[3];   /* reports by ucp_result */
    size_t errors;      /* inputs that could not be read */
    int worst[4];       /* the worst ucp_report_exit_code() of the reports, by ucp_fail_on */
    bool finished;
    void *state;        /* the format's; freed by its _free */
};

/* One format's streaming calls: each appends the bytes to write now to @out. An entry's index
 * is r->entries (the counters do not include it yet); finish sees the final counters. */
struct ucp_format_ops {
    ucp_status (*add_report)(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out);
    ucp_status (*add_error)(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                            struct ucp_strbuf *out);
    ucp_status (*finish)(struct ucp_renderer *r, struct ucp_strbuf *out);
    void (*free_state)(struct ucp_renderer *r);
};
extern const struct ucp_format_ops ucp_text_ops, ucp_json_ops, ucp_sarif_ops, ucp_csv_ops, ucp_html_ops,
    ucp_junit_ops, ucp_nagios_ops;

/* render-common.c: what every renderer shares. */
/* Text as error messages show it: valid UTF-8 kept, control characters and bytes that are not
 * UTF-8 as the text \xHH (backslashes stay single). malloc'd; NULL when out of memory. */
char *ucp_render_clean(const char *s);
/* @s cleaned and escaped for XML and HTML text and attribute values (&amp; &lt; &gt; &quot;
 * &#39;; a newline as &#10; when @attribute). */
void ucp_render_xml(struct ucp_strbuf *sb, const char *s, bool attribute);
/* A jansson value serialised as ucp_json_to_buffer() would (::UCP_RENDER_PRETTY: two-space
 * indentation), each line after the first indented by @depth more levels; false when out of
 * memory. */
bool ucp_render_json_at(struct ucp_strbuf *sb, const struct json_t *j, unsigned flags, unsigned depth);
/* A newline and the indentation of @depth levels when pretty; nothing when compact. */
void ucp_render_newline(struct ucp_strbuf *sb, unsigned flags, unsigned depth);
/* The first finding of the report (the most serious: findings are sorted), or NULL. */
const struct ucp_finding *ucp_render_first_finding(const ucp_report *r);
/* Days left of the leaf at the validation time, and whether the report has a leaf. */
bool ucp_render_days_left(const ucp_report *r, int64_t *days);

/* The 1.0 renderers (render-json.c, render-text.c), kept as they were. */
/* The JSON report appended to @sb (::UCP_RENDER_PRETTY: two-space indentation, each line after
 * the first indented @depth levels more); UCP_E_NOMEM when out of memory. */
ucp_status ucp_report_render_json(struct ucp_strbuf *sb, const ucp_report *report, unsigned flags, unsigned depth);
/* The connection facts as a JSON object, written by @j. */
void ucp_connection_write_json(struct ucp_jgen *j, const struct ucp_connection *c);
/* The connection facts as labelled lines of the text report: up to @max (label, value) pairs,
 * values malloc'd (the caller frees them); returns their number. */
size_t ucp_connection_lines(const struct ucp_connection *c, const char **labels, char **values, size_t max);
/* The text report (ucp_report_to_text()) appended to @sb. */
void ucp_text_report(struct ucp_strbuf *sb, const ucp_report *r, unsigned flags);
/* The JSON entry of an input that could not be read (schema, input name, result "error", the
 * error's code and message), laid out as a report is, @depth levels in; false when out of
 * memory. */
bool ucp_json_input_error(struct ucp_strbuf *sb, const char *name, ucp_status code, const char *message,
                          bool pretty, unsigned depth);

/* render-catalogue.c is called by render.c only. */
ucp_status ucp_catalogue_roles(struct ucp_strbuf *sb, ucp_output_format format);
ucp_status ucp_catalogue_rules(struct ucp_strbuf *sb, const char *role, ucp_product product,
                               ucp_output_format format);

#endif /* UCPOLICY_REPORT_PRIVATE_H */
