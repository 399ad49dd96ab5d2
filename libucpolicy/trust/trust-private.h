/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_TRUST_PRIVATE_H
#define UCPOLICY_TRUST_PRIVATE_H

/*
 * trust/: whether a certificate chains to an anchor, and whether any of it is revoked. Certificate
 * pools, path building and validation, the signature cache, CRLs and fetching them. Calls input/,
 * x509/, policy/ (rule ids of the problems it reports) and core/.
 */

#include "input/input-private.h"
#include "policy/policy-private.h"

/* ---- limits (documented in README.md, "Limits") ---- */
#define UCP_MAX_PATH_DEPTH 10          /* certificates in a path, leaf and anchor included */
#define UCP_MAX_SIGNATURE_CHECKS 256   /* signature verifications per check */
#define UCP_MAX_PATHS 64               /* complete candidate paths evaluated per check */
#define UCP_MAX_CANDIDATES 32          /* issuer candidates considered per certificate */

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
    uint32_t fhash;             /* of the folded subject (ucp_dn_fold_hash) */
    size_t fnext;               /* folded bucket chain */
};
/* Two indexes of the same entries: by the raw subject (the fast path: an issuer name copied byte
 * for byte) and by the folded subject (RFC 5280 7.1 name comparison), used when the raw one finds
 * nothing. */
struct ucp_pool {
    struct ucp_pool_entry *entries;
    size_t n;
    size_t cap;
    size_t *buckets;
    size_t *fbuckets;
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
/* Call @fn for each certificate whose subject equals @raw_dn (raw DER), or when none does, each
 * whose subject is the same name by RFC 5280 7.1 (ucp_dn_equal); stop when it returns false. */
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

/* ---- the trust settings of a checker (trust.c) ---------------------------------------------- */
/* Everything path validation and revocation checking read: the anchors, the intermediates, the
 * system store (loaded once, on first use), the CRLs given and fetched, and the signature
 * cache. A checker (check/) holds one; nothing here knows about checkers. */
struct ucp_trust {
    struct ucp_pool anchors;
    struct ucp_pool intermediates;
    struct ucp_pool public_roots;
    bool public_roots_set;
    ucp_system_trust system_mode;
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
ucp_status ucp_trust_init(struct ucp_trust *t);
void ucp_trust_dispose(struct ucp_trust *t);
/* Load the system trust store once (thread-safe); returns it, or NULL when unavailable. */
const struct ucp_pool *ucp_trust_system_pool(struct ucp_trust *t);
/* ucp_certificate_check_signature() through the signature cache. Thread-safe. */
bool ucp_trust_verify_signature(struct ucp_trust *t, const ucp_certificate *cert,
                                const ucp_certificate *issuer);
/* Replace the signature cache by one of @entries entries (0: off). */
ucp_status ucp_trust_set_sigcache_size(struct ucp_trust *t, size_t entries);

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
ucp_status ucp_build_path(struct ucp_trust *trust, const ucp_input *input, int64_t now,
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
void ucp_revocation_check(struct ucp_trust *trust, const struct ucp_path *path, int64_t now,
                          struct ucp_revocation_result *out);
void ucp_revocation_result_dispose(struct ucp_revocation_result *r);

#endif /* UCPOLICY_TRUST_PRIVATE_H */
