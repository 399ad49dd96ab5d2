/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_PRIVATE_H
#define UCPOLICY_PRIVATE_H

/*
 * Internal declarations shared by the library's sources. Nothing here is exported: the version
 * script (libucpolicy.map) is the only list of public symbols, and visibility is hidden.
 */

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ucpolicy.h"
#include "catalogue-private.h"

#if defined(__GNUC__)
#  define UCP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define UCP_UNUSED __attribute__((unused))
#else
#  define UCP_PRINTF(f, a)
#  define UCP_UNUSED
#endif

#define UCP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- limits (documented in README.md, "Limits") ---------------------------------------- */
#define UCP_MAX_PATH_DEPTH 10          /* certificates in a path, leaf and anchor included */
#define UCP_MAX_SIGNATURE_CHECKS 256   /* signature verifications per check */
#define UCP_MAX_PATHS 64               /* complete candidate paths evaluated per check */
#define UCP_MAX_CANDIDATES 32          /* issuer candidates considered per certificate */
#define UCP_MAX_CERTIFICATES 100000    /* certificates in one input */
#define UCP_MAX_SAN_ENTRIES 20000      /* subjectAltName entries of one certificate */
#define UCP_MAX_PKCS12_ITERATIONS 1000000 /* PBKDF2 / PKCS#12 KDF iteration count */
#define UCP_MAX_TOPOLOGY_SIZE (1024u * 1024u)
#define UCP_MAX_FACT_VALUES 1000     /* values of one list fact (SIP domains, simple URLs) */

/* ---- status registry (generated: status-table.c) ----------------------------------------- */
struct ucp_status_entry {
    ucp_status code;
    const char *name;
    const char *message;
};
extern const struct ucp_status_entry ucp_status_table[];
extern const size_t ucp_status_table_len;

/* ---- errors (error.c) --------------------------------------------------------------------- */
/* Record the calling thread's last error and return @code. @source may be NULL. */
ucp_status ucp_fail(ucp_status code, const char *source, const char *fmt, ...) UCP_PRINTF(3, 4);
/* As ucp_fail(), also recording a component's own error code. */
ucp_status ucp_fail_origin(ucp_status code, ucp_error_origin origin, int origin_code,
                           const char *source, const char *fmt, ...) UCP_PRINTF(5, 6);
/* Out of memory: records the error without allocating. */
ucp_status ucp_fail_nomem(void);

/* ---- strings (util.c) --------------------------------------------------------------------- */
struct ucp_strbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the content is incomplete */
};
void ucp_sb_init(struct ucp_strbuf *sb);
void ucp_sb_append(struct ucp_strbuf *sb, const char *s);
void ucp_sb_appendn(struct ucp_strbuf *sb, const char *s, size_t n);
void ucp_sb_appendc(struct ucp_strbuf *sb, char c);
void ucp_sb_printf(struct ucp_strbuf *sb, const char *fmt, ...) UCP_PRINTF(2, 3);
/* The string (malloc'd), or NULL if an allocation failed; the buffer is reset either way. */
char *ucp_sb_finish(struct ucp_strbuf *sb);
void ucp_sb_dispose(struct ucp_strbuf *sb);

char *ucp_strdup(const char *s);
char *ucp_strndup(const char *s, size_t n);
char *ucp_asprintf(const char *fmt, ...) UCP_PRINTF(1, 2);
int ucp_strcasecmp(const char *a, const char *b);   /* ASCII only, locale-independent */
bool ucp_strcaseeq_n(const char *a, size_t alen, const char *b, size_t blen);
char ucp_tolower(char c);
/* Write code point @cp (at most U+10FFFF, not a surrogate) as UTF-8 to @out, which has room
 * for 4 bytes; returns the number of bytes written (1-4). */
size_t ucp_utf8_put(uint8_t *out, uint32_t cp);
/* Length of the valid UTF-8 sequence at @p (1-4; C1 controls, overlong forms and surrogates are
 * invalid), or 0. */
size_t ucp_utf8_seq(const uint8_t *p, size_t left);
/* Text for display: valid UTF-8 without control characters is kept, anything else (NUL,
 * invalid UTF-8, controls) becomes \xHH. Never NULL unless out of memory. */
char *ucp_display_bytes(const uint8_t *data, size_t len);
/* "2026-11-24T10:00:00Z" into @buf (at least 32 bytes). */
void ucp_format_time(int64_t t, char *buf, size_t size);
/* "2026-11-24" into @buf (at least 32 bytes). */
void ucp_format_date(int64_t t, char *buf, size_t size);
void ucp_wipe(void *p, size_t n);
/* Read a whole file (at most @limit bytes). */
ucp_status ucp_read_file(const char *path, size_t limit, uint8_t **data, size_t *len);
/* Render a template, replacing {name} by the matching value. */
char *ucp_render_template(const char *tmpl, const char *const *names, const char *const *values,
                          size_t n);

/* ---- DNS names (names.c) ------------------------------------------------------------------ */
enum ucp_name_problem {
    UCP_NAME_OK = 0,
    UCP_NAME_EMPTY,
    UCP_NAME_NUL,
    UCP_NAME_NON_ASCII,
    UCP_NAME_UNDERSCORE,
    UCP_NAME_BAD_CHAR,
    UCP_NAME_EMPTY_LABEL,
    UCP_NAME_TRAILING_DOT,
    UCP_NAME_LABEL_TOO_LONG,
    UCP_NAME_TOO_LONG,
    UCP_NAME_HYPHEN_EDGE,
    UCP_NAME_WILDCARD_PARTIAL,  /* '*' not the whole left-most label */
    UCP_NAME_WILDCARD_MULTIPLE, /* more than one '*' */
    UCP_NAME_WILDCARD_BARE,     /* just "*" */
    UCP_NAME_WILDCARD_SUFFIX    /* '*.<public suffix>' or '*.<TLD>' */
};
/* Syntax of a DNS name (wildcard allowed as the whole left-most label); @bad_char receives the
 * offending byte for UCP_NAME_BAD_CHAR. */
enum ucp_name_problem ucp_name_check(const uint8_t *name, size_t len, bool allow_wildcard,
                                     unsigned char *bad_char);
const char *ucp_name_problem_text(enum ucp_name_problem p);
bool ucp_name_is_wildcard(const char *name);
bool ucp_name_is_idn(const char *name);
bool ucp_name_is_single_label(const char *name);
/* RFC 6125 match of a presented identifier (exact or wildcard of one left-most label) against
 * a reference host name; both case-insensitive, both must be clean (no NUL). */
bool ucp_name_matches(const char *presented, const char *host);
/* Is @domain a public suffix (ICANN section)? */
bool ucp_is_public_suffix(const char *domain);
/* Validate and normalise (lower case, no trailing dot) a host name given by the user. */
char *ucp_normalize_fqdn(const char *in, const char **why);

/* ---- certificates (certificate.c) --------------------------------------------------------- */
/* One DER TLV at *@p (within *@left): its class, tag and value; *@p and *@left move past it.
 * False when no complete TLV is there. */
bool ucp_der_next(const uint8_t **p, long *left, unsigned char *cls, unsigned long *tag, const uint8_t **v,
                  long *vlen);
/* The key usage bits, in RFC 5280 order: GnuTLS's bit, ours and the RFC name (the text,
 * JSON and public API all name them from this one table). */
#define UCP_KEY_USAGE_NAMES 9
struct ucp_ku_name {
    unsigned gnutls;
    ucp_key_usage ours;
    const char *name;
};
extern const struct ucp_ku_name ucp_key_usage_names[UCP_KEY_USAGE_NAMES];
struct ucp_bytes {
    uint8_t *data;
    size_t len;
};

struct ucp_san {
    ucp_san_type type;
    char *display;       /* escaped text */
    struct ucp_bytes raw; /* the value bytes (DNS: the name as encoded) */
    bool clean;          /* DNS: printable ASCII without NUL: safe to compare */
};

struct ucp_certificate {
    atomic_int refs;
    /* GnuTLS's decoded certificate: ~29 KiB of libtasn1 nodes. Parsing reads every fact from it,
     * then frees it (when the DER index was built); whoever needs it later (name constraints,
     * revocation, the reference signature check) gets it with ucp_certificate_crt(), never from
     * this field. */
    _Atomic(gnutls_x509_crt_t) tree; /* not "crt": direct uses would find it freed */
    struct ucp_bytes der;
    char *subject;
    char *issuer;
    char *serial;
    char *sha1;
    char *sha256;
    uint8_t sha256_raw[32]; /* SHA-256 of the DER: the certificate's identity in caches */
    struct ucp_bytes *cn_raw; /* subject CN values as encoded */
    char **cns;               /* subject CN values for display */
    size_t ncns;
    struct ucp_san *sans;
    size_t nsans;
    bool has_san_ext;
    bool has_eku;
    bool eku_critical;
    char **ekus;
    size_t nekus;
    bool has_ku;
    bool ku_critical;
    unsigned ku;
    bool has_bc;
    bool bc_ca;
    int pathlen; /* -1: no constraint */
    int version;
    int pk_algo;              /* gnutls_pk_algorithm_t */
    unsigned bits;
    const char *key_algorithm; /* static */
    const char *curve;         /* static or NULL */
    struct ucp_bytes rsa_e;
    int sign_algo;             /* gnutls_sign_algorithm_t */
    int sign_hash;             /* gnutls_digest_algorithm_t */
    bool sign_pss;
    char *signature_name;
    int64_t not_before;
    int64_t not_after;
    char **crl_urls;
    size_t ncrl_urls;
    char **ocsp_urls;
    size_t nocsp_urls;
    char **ca_issuers_urls;
    size_t nca_issuers_urls;
    struct ucp_bytes raw_subject;
    struct ucp_bytes raw_issuer;
    struct ucp_bytes ski;
    struct ucp_bytes aki;
    uint8_t key_id[32]; /* SHA-256 of the SubjectPublicKeyInfo: read with ucp_certificate_key_id() */
    /* Where the signed part and the signature value lie in der (0 lengths: not found), and the
     * public key, imported the first time this certificate verifies another (signature fast
     * path; see ucp_certificate_check_signature). */
    size_t tbs_off, tbs_len, sig_off, sig_len;
    _Atomic(void *) pubkey; /* gnutls_pubkey_t, or NULL */
    /* The TBSCertificate walked once at parse time (index_tbs): where the subject and the
     * public key lie and each extension's OID, criticality and value, as offsets into der.
     * indexed is false when the walk met anything unexpected: every reader then asks GnuTLS. */
    bool indexed;
    size_t spki_off, spki_len;
    struct ucp_ext_ref {
        uint32_t oid_off, oid_len, val_off, val_len;
        bool critical;
    } *exts;
    size_t nexts;
    /* key_id is computed on first use (ucp_certificate_key_id): 0 not yet, 1 being computed, 2 set */
    _Atomic int key_id_state;
    bool self_issued;   /* subject == issuer */
    bool self_signed;   /* self-issued and verified with its own key */
    /* Microsoft certificate template extensions (templates.c) */
    char *template_name;    /* 1.3.6.1.4.1.311.20.2, NULL if absent */
    char *template_oid;     /* 1.3.6.1.4.1.311.21.7, NULL if absent */
    int64_t template_major; /* -1: absent */
    int64_t template_minor; /* -1: absent */
    char *template_problem; /* why an extension is malformed, NULL if none */
};

/* Parse one DER certificate; @source names the input for messages. */
ucp_status ucp_certificate_from_der(ucp_certificate **out, const uint8_t *der, size_t len,
                                    const char *source, size_t index);
/* As ucp_certificate_from_der(), reading every fact through GnuTLS's getters rather than the
 * index of the DER (the reference the fast readers are tested against: tests/test-extensions.c). */
ucp_status ucp_certificate_from_der_reference(ucp_certificate **out, const uint8_t *der, size_t len,
                                              const char *source, size_t index);
/* gnutls_x509_crt_get_extension_by_oid2() from the certificate's index (the same answer). */
int ucp_certificate_get_extension(const ucp_certificate *c, const char *oid, unsigned nth,
                                  gnutls_datum_t *out, unsigned *critical);
/* Does @c carry an extension @oid? 1 yes, 0 no, -1 unknown (no index: ask GnuTLS). */
int ucp_certificate_has_extension(const ucp_certificate *c, const char *oid);
/* GnuTLS's decoded certificate, decoded again from der if parsing freed it (published with a
 * compare-and-swap; kept until the certificate is freed). NULL when out of memory. */
gnutls_x509_crt_t ucp_certificate_crt(const ucp_certificate *c);
/* SHA-256 of the public key as GnuTLS computes it (GNUTLS_KEYID_USE_SHA256; zeros if it cannot),
 * computed on first use: most leaves never need it. Thread-safe. */
const uint8_t *ucp_certificate_key_id(const ucp_certificate *c);
ucp_certificate *ucp_certificate_mut_ref(ucp_certificate *cert);
bool ucp_certificate_same(const ucp_certificate *a, const ucp_certificate *b);
/* Same subject and public key (the anchor test of path building). */
bool ucp_certificate_same_entity(const ucp_certificate *a, const ucp_certificate *b);
/* Does @cert name @issuer as its issuer (DN, and key identifiers when both present)? */
bool ucp_certificate_issued_by(const ucp_certificate *cert, const ucp_certificate *issuer);
/* Verify the signature of @cert with the key of @issuer (no other check) with
 * gnutls_x509_crt_verify: the reference. */
bool ucp_certificate_verify_signature(const ucp_certificate *cert, const ucp_certificate *issuer);
/* The same answer, faster: the signed bytes and the signature verified with the issuer's public
 * key imported once (gnutls_pubkey_verify_data2), for RSA PKCS#1 v1.5, ECDSA and EdDSA signatures
 * of an issuer @cert names (ucp_certificate_issued_by); everything else, and any error other than
 * a bad signature, goes to the reference. For path building; @cert and @issuer are distinct. */
bool ucp_certificate_check_signature(const ucp_certificate *cert, const ucp_certificate *issuer);

/* ---- inputs (input.c) --------------------------------------------------------------------- */
struct ucp_input {
    char *name;
    ucp_format format;
    ucp_certificate **certs;
    size_t ncerts;
    bool has_key;
    struct ucp_key_facts *key_facts; /* PKCS#12 key facts (pkcs12.c), NULL for other formats */
};
/* An input from DER certificates in the order given (a server's presented chain), format "der". */
ucp_status ucp_input_from_der_list(ucp_input **out, const char *name, const struct ucp_bytes *ders, size_t n);

/* ---- topology (topology.c) ---------------------------------------------------------------- */
struct ucp_topology {
    char **values[UCP_FACT_COUNT];
    size_t counts[UCP_FACT_COUNT];
    ucp_product product;
};
ucp_status ucp_topology_copy(ucp_topology **out, const ucp_topology *src);

/* ---- certificate pools (pool.c) ----------------------------------------------------------- */
struct ucp_pool_entry {
    /* The certificate; for a lazy entry (ucp_pool_add_lazy) NULL until a lookup needs it, then
     * parsed from der once (published with a compare-and-swap: lookups may run concurrently). */
    _Atomic(ucp_certificate *) cert;
    _Atomic int failed;         /* lazy: the DER did not parse; the entry is skipped */
    struct ucp_bytes der;       /* lazy: the DER (owned), else empty */
    struct ucp_bytes subject;   /* the raw subject (lazy: owned copy; else the certificate's) */
    uint32_t hash;              /* of the raw subject */
    size_t next;                /* bucket chain, SIZE_MAX ends */
};
struct ucp_pool {
    struct ucp_pool_entry *entries;
    size_t n;
    size_t cap;
    size_t *buckets;
    size_t nbuckets;
};
void ucp_pool_init(struct ucp_pool *pool);
void ucp_pool_dispose(struct ucp_pool *pool);
ucp_status ucp_pool_add(struct ucp_pool *pool, ucp_certificate *cert); /* takes a reference; skips duplicates */
/* Add a certificate by its DER and raw subject, parsed only when a lookup matches its subject
 * (the system trust store: a one-shot check parses the root it needs, not all of them). Copies
 * both; skips duplicates. */
ucp_status ucp_pool_add_lazy(struct ucp_pool *pool, const uint8_t *der, size_t len, const uint8_t *subject,
                             size_t subject_len);
/* Call @fn for each certificate whose subject equals @raw_dn (raw DER); stop when it returns false. */
void ucp_pool_each_subject(const struct ucp_pool *pool, const struct ucp_bytes *raw_dn,
                           bool (*fn)(ucp_certificate *cert, void *data), void *data);
bool ucp_pool_contains_entity(const struct ucp_pool *pool, const ucp_certificate *cert);

/* ---- revocation (revocation.c, fetch.c) ------------------------------------------------------ */
struct ucp_crl;
struct ucp_crl_set {
    struct ucp_crl **v;
    size_t n;
};
ucp_status ucp_crl_set_load(struct ucp_crl_set *set, const uint8_t *data, size_t len, const char *source);
void ucp_crl_set_dispose(struct ucp_crl_set *set);
struct ucp_fetched;
struct ucp_fetch_cache {
    struct ucp_fetched *v;
    size_t n;
};
void ucp_fetch_cache_dispose(struct ucp_fetch_cache *cache);
/* HTTP GET (post NULL) or POST; bounded by timeout and size. On failure @error (malloc'd) says why;
 * the thread-local error is not touched (callers turn failures into findings). */
ucp_status ucp_http_fetch(const char *url, const uint8_t *post, size_t post_len, const char *content_type,
                          unsigned timeout_ms, size_t limit, struct ucp_bytes *body, char **error);

/* ---- checker (checker.c) ------------------------------------------------------------------ */
struct ucp_checker {
    struct ucp_pool anchors;
    struct ucp_pool intermediates;
    struct ucp_pool public_roots;
    bool public_roots_set;
    ucp_system_trust system_mode;
    int64_t time;
    unsigned expiry_days;
    /* lazily loaded system trust store, shared by concurrent checks */
    _Atomic int system_state; /* 0 not loaded, 1 loaded, 2 failed */
    struct ucp_pool system;
    char *system_error;
    void *lock; /* pthread_mutex_t */
    /* revocation */
    struct ucp_crl_set crls;
    bool online;
    unsigned timeout_ms;
    size_t fetch_limit;
    struct ucp_fetch_cache fetched; /* CRLs fetched online, shared by checks (under lock) */
    struct ucp_sigcache *sigcache;  /* NULL: off (sigcache.c) */
};

/* ---- signature cache (sigcache.c) --------------------------------------------------------- */
#define UCP_SIGCACHE_WAYS 8
#define UCP_SIGCACHE_STRIPES 64
#define UCP_SIGCACHE_ENTRY_SIZE 72
#define UCP_SIGCACHE_DEFAULT_ENTRIES 4096u
#define UCP_SIGCACHE_MAX_ENTRIES (1u << 22) /* 288 MiB */
struct ucp_sigcache;
ucp_status ucp_sigcache_new(struct ucp_sigcache **out, size_t entries); /* 0: *out = NULL (off) */
void ucp_sigcache_free(struct ucp_sigcache *cache);
/* Lookups that found / did not find an answer (for tests and measurements). */
void ucp_sigcache_stats(const struct ucp_sigcache *cache, uint64_t *hits, uint64_t *misses);
/* ucp_certificate_check_signature() through the checker's cache. Thread-safe. */
bool ucp_checker_verify_signature(ucp_checker *checker, const ucp_certificate *cert,
                                  const ucp_certificate *issuer);
/* Load the system trust store once (thread-safe); returns it, or NULL when unavailable. */
const struct ucp_pool *ucp_checker_system_pool(ucp_checker *checker);

/* ---- path building (chain.c) -------------------------------------------------------------- */
#define UCP_PROBLEM_MAX_ARGS 4
struct ucp_problem {
    enum ucp_rule_id rule;
    int cert_index;
    const char *names[UCP_PROBLEM_MAX_ARGS];
    char *values[UCP_PROBLEM_MAX_ARGS];
    size_t nargs;
};

enum ucp_cert_source {
    UCP_SOURCE_INPUT = 0,
    UCP_SOURCE_INTERMEDIATES,
    UCP_SOURCE_TRUST,
    UCP_SOURCE_SYSTEM
};
const char *ucp_cert_source_name(enum ucp_cert_source s);

struct ucp_path {
    ucp_certificate *certs[UCP_MAX_PATH_DEPTH];
    enum ucp_cert_source sources[UCP_MAX_PATH_DEPTH];
    size_t n;
    bool trusted;  /* ends at a trust anchor */
    ucp_chain_status status;
    struct ucp_problem *problems;
    size_t nproblems;
};

#define UCP_MAX_REJECTED 16 /* rejected complete paths kept for the report */

struct ucp_path_result {
    struct ucp_path best;
    struct ucp_path rejected[UCP_MAX_REJECTED];
    size_t nrejected;
    size_t paths_tried;
    size_t signature_checks;
};

/* Build and validate a path for @leaf; @presented are the other certificates of the input. */
ucp_status ucp_build_path(ucp_checker *checker, const ucp_input *input, int64_t now,
                          struct ucp_path_result *out);
void ucp_path_result_dispose(struct ucp_path_result *r);
void ucp_problem_dispose(struct ucp_problem *p);
void ucp_path_dispose(struct ucp_path *p);
/* The problem's message, rendered from its rule's template (malloc'd). */
char *ucp_problem_message(const struct ucp_problem *p);

struct ucp_revocation_result {
    ucp_revocation status[UCP_MAX_PATH_DEPTH];
    char *source[UCP_MAX_PATH_DEPTH];
    size_t n;
    struct ucp_problem *problems;
    size_t nproblems;
    bool nomem;
};
void ucp_revocation_check(ucp_checker *checker, const struct ucp_path *path, int64_t now,
                          struct ucp_revocation_result *out);
void ucp_revocation_result_dispose(struct ucp_revocation_result *r);

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
    struct ucp_key_facts *key_facts;  /* a copy of the input's, NULL if none (keys-private.h) */
    struct ucp_pool_compare *pool;    /* ucp_checker_check_pool() only */
};

/* ---- rule evaluation (checks.c) ----------------------------------------------------------- */
ucp_status ucp_evaluate(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                        const ucp_topology *topology, ucp_report **out);
/* As ucp_evaluate(), with the comparison of a pool check (NULL: none); the report takes @pool. */
struct ucp_pool_compare;
ucp_status ucp_evaluate_pool(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                             const ucp_topology *topology, struct ucp_pool_compare *pool,
                             ucp_report **out);

/* ---- probes (probe.c) ------------------------------------------------------------------------ */
struct ucp_connection;
void ucp_connection_free(struct ucp_connection *c);
/* The connection facts as a jansson object (new reference), or NULL when out of memory. */
struct json_t *ucp_connection_json(const struct ucp_connection *c);
/* The connection facts as labelled lines of the text report: up to @max (label, value) pairs,
 * values malloc'd (the caller frees them); returns their number. */
size_t ucp_connection_lines(const struct ucp_connection *c, const char **labels, char **values, size_t max);
/* The probe's conversations over bytes held in memory instead of a socket (tests and fuzzing):
 * @data is what the server says, what the probe sends is dropped. SMTP_STARTTLS reads the
 * greeting and the answers to EHLO and STARTTLS (its failures are the status, as in a run);
 * SMTP_AFTER_TLS and SIP_OPTIONS read the answer after the handshake and give the verdict in
 * *out (always set unless out of memory; free it with ucp_connection_free()). */
enum ucp_probe_replay {
    UCP_PROBE_REPLAY_SMTP_STARTTLS,
    UCP_PROBE_REPLAY_SMTP_AFTER_TLS,
    UCP_PROBE_REPLAY_SIP_OPTIONS
};
ucp_status ucp_probe_replay(enum ucp_probe_replay what, const uint8_t *data, size_t len,
                            struct ucp_connection **out);
/* The connection's verdict, detail, response and ms-diagnostics (borrowed; NULL when unset). */
ucp_client_auth ucp_connection_verdict(const struct ucp_connection *c);
const char *ucp_connection_detail(const struct ucp_connection *c);
const char *ucp_connection_response(const struct ucp_connection *c);
const char *ucp_connection_diagnostics(const struct ucp_connection *c);

/* ---- rendering (render-json.c, render-text.c) ---------------------------------------------- */
struct json_t;
/* The report / topology as a jansson object (new reference), or NULL when out of memory. */
struct json_t *ucp_report_json(const ucp_report *report);
/* A JSON string of @s, null for NULL; jansson refuses invalid UTF-8, so such text becomes its
 * escaped display form (ucp_display_bytes) rather than being lost. */
struct json_t *ucp_json_string(const char *s);
struct json_t *ucp_topology_json(const ucp_topology *topology);
/* Serialise into a buffer allocated with our malloc (a host may have replaced jansson's). */
ucp_status ucp_json_to_buffer(struct json_t *json, unsigned flags, ucp_buffer *out);

#endif /* UCPOLICY_PRIVATE_H */
