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
/* CRL distribution points and OCSP responders tried per certificate (its freshestCRL points: as many more) */
#define UCP_MAX_REVOCATION_URLS 8
#define UCP_CRL_CACHE_BYTES (32u << 20) /* fetched CRLs a checker keeps, in bytes held (32 MiB) */
#define UCP_MAX_CRL_SERIAL 255         /* octets of a serial number in a CRL entry */
#define UCP_MAX_POLICY_NODES 1024      /* nodes of a path's valid policy tree (policy.c) */
#define UCP_MAX_POLICY_SET 64          /* OIDs of the user's initial policy set */

/* ---- certificate pools (pool.c) ----------------------------------------------------------- */
struct ucp_pool_entry {
    /* The certificate; for a lazy entry (ucp_pool_add_lazy) NULL until a lookup needs it, then
     * parsed from der once (published with a compare-and-swap: lookups may run concurrently). */
    _Atomic(ucp_certificate *) cert;
    _Atomic int failed;         /* lazy: the DER did not parse; the entry is skipped */
    struct ucp_bytes der;       /* lazy: the DER (owned), else empty */
    struct ucp_bytes pem;       /* lazy from a PEM bundle: the base64 body (owned), decoded when parsed */
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
/* The same for a certificate still in base64 (a block of the system store's bundle, @body
 * between its armour lines): decoded and parsed only when a lookup matches its subject. A body
 * that then does not decode or parse is skipped, as one whose DER does not parse. Skips a block
 * whose text is that of one added before. */
ucp_status ucp_pool_add_lazy_pem(struct ucp_pool *pool, const uint8_t *body, size_t len, const uint8_t *subject,
                                 size_t subject_len);
/* Call @fn for each certificate whose subject equals @raw_dn (raw DER), or when none does, each
 * whose subject is the same name by RFC 5280 7.1 (ucp_dn_equal); stop when it returns false. */
void ucp_pool_each_subject(const struct ucp_pool *pool, const struct ucp_bytes *raw_dn,
                           bool (*fn)(ucp_certificate *cert, void *data), void *data);
bool ucp_pool_contains_entity(const struct ucp_pool *pool, const ucp_certificate *cert);

/* ---- CRLs (crl.c) --------------------------------------------------------------------------- */
/* A CRL as held: its DER and an index into it (crl.c says more). Shared by reference: the CRLs a
 * checker was given, and the cache of fetched ones, which may drop a CRL a check still uses. */
struct ucp_crl_entry {
    int64_t date;       /* revocationDate */
    uint32_t off;       /* the revokedCertificate SEQUENCE in der */
    uint16_t serial_at; /* the serial's significant octets: from off */
    uint8_t serial_len;
    bool negative;      /* a negative INTEGER (not a valid serial, but compared as one) */
};
struct ucp_crl {
    atomic_int refs;
    char *source;      /* the file or URL, for messages and reports */
    uint8_t *der;
    size_t der_len;
    uint32_t tbs_off, tbs_len;         /* TBSCertList, the signed bytes (whole TLV) */
    uint32_t tbs_alg_off, tbs_alg_len; /* its signature AlgorithmIdentifier (whole TLV) */
    uint32_t alg_off, alg_len;         /* the outer signatureAlgorithm (whole TLV) */
    uint32_t sig_off, sig_len;         /* the signature value (the BIT STRING's octets) */
    bool sig_unused_bits;              /* the BIT STRING has unused bits: no signature verifies */
    uint32_t issuer_off, issuer_len;   /* the raw issuer Name (whole TLV) */
    uint32_t exts_off, exts_len;       /* crlExtensions: the Extensions SEQUENCE (0 length: none) */
    int64_t this_update;
    int64_t next_update;               /* -1: none */
    struct ucp_crl_entry *entries;     /* sorted by serial */
    size_t nentries;
    /* The key the signature verified with (ucp_crl_signed_by): 0 none, 1 being written, 2 set. */
    atomic_int memo;
    uint8_t verified_key[32];
    atomic_int scope_state;            /* scope: 0 not read, 1 being read, 2 read (ucp_crl_scope) */
    struct ucp_crl_scope {             /* what its extensions say of its scope (crlscope.c) */
        bool idp;                      /* it has an issuingDistributionPoint */
        bool indirect, only_user, only_ca, only_attr;
        bool delta;                    /* a deltaCRLIndicator: not a complete CRL */
        bool certificate_issuer;       /* an entry carries a certificateIssuer extension */
        uint16_t reasons;              /* onlySomeReasons (UCP_REASONS_ALL when absent) */
        uint32_t dp_off, dp_len;       /* the IDP's DistributionPointName (whole TLV; 0: none) */
        uint32_t idp_off, idp_len;     /* the IDP's value (for comparing scopes; 0: none) */
        uint32_t number_off, number_len; /* cRLNumber's INTEGER contents (0 length: none) */
        uint32_t base_off, base_len;     /* deltaCRLIndicator's BaseCRLNumber contents (0: none) */
        const char *malformed;         /* why a recognised extension cannot be read (static), or NULL */
        char unknown[64];              /* a critical extension not recognised (dotted OID), "" none */
        bool unknown_in_entry;         /* ... of an entry, not of the CRL */
    } scope;
};
/* A CRL from its DER (@der, malloc'd, taken whatever the outcome); errors name @source. */
ucp_status ucp_crl_from_der(uint8_t *der, size_t len, const char *source, struct ucp_crl **out);
/* A CRL from an HTTP answer (@body taken): DER, or the first block of PEM. */
ucp_status ucp_crl_from_fetched(struct ucp_bytes *body, const char *source, struct ucp_crl **out);
struct ucp_crl *ucp_crl_ref(const struct ucp_crl *crl);
void ucp_crl_release(struct ucp_crl *crl);
/* The bytes @crl holds (DER, index, source, the object): what the cache counts. */
size_t ucp_crl_size(const struct ucp_crl *crl);
/* Does the CRL name @issuer's subject (raw DN) as its issuer? */
bool ucp_crl_issuer_is(const struct ucp_crl *crl, const ucp_certificate *issuer);
/* ... and does its signature verify with @issuer's key? Thread-safe. */
bool ucp_crl_signed_by(const struct ucp_crl *crl, const ucp_certificate *issuer);
/* The issuer DN as display text (malloc'd), NULL when it cannot be read. */
char *ucp_crl_issuer_text(const struct ucp_crl *crl);
/* The entry listing @cert's serial, or NULL. */
const struct ucp_crl_entry *ucp_crl_find(const struct ucp_crl *crl, const ucp_certificate *cert);
/* The crlEntryExtensions of @e (the whole Extensions TLV in the DER); false when it has none. */
bool ucp_crl_entry_extensions(const struct ucp_crl *crl, const struct ucp_crl_entry *e, const uint8_t **p,
                              size_t *n);

struct ucp_crl_set {
    struct ucp_crl **v;
    size_t n;
};
/* Add the CRLs of a file (DER, or PEM with one or more blocks: all of them or none). */
ucp_status ucp_crl_set_load(struct ucp_crl_set *set, const uint8_t *data, size_t len, const char *source);
void ucp_crl_set_dispose(struct ucp_crl_set *set);

/* ---- a CRL's scope (crlscope.c) ------------------------------------------------------------- */
/* ReasonFlags bits 1-8 (keyCompromise .. aACompromise), bit n as 1 << n: every reason. */
#define UCP_REASONS_ALL 0x1feu
/* The scope of @crl, read from its extensions and its entries' on first use and kept with it
 * (thread-safe; crl.c, which makes CRLs, does not call up here). */
const struct ucp_crl_scope *ucp_crl_scope(const struct ucp_crl *crl);
/* Whether @crl covers @cert (issued by @issuer) as RFC 5280 6.3.3 (b)-(d) says, for one of the
 * certificate's distribution points (a certificate without them has one of every reason, named
 * by nothing, whose CRL issuer is its issuer). */
enum ucp_crl_cover {
    UCP_CRL_OTHER_ISSUER, /* issued by neither the certificate's issuer nor a cRLIssuer of its DPs */
    UCP_CRL_OUT_OF_SCOPE, /* a CRL of that issuer that does not cover the certificate (*why) */
    UCP_CRL_COVERS        /* it does, for the reasons *reasons; *indirect: its issuer is a cRLIssuer */
};
enum ucp_crl_cover ucp_crl_covers(const struct ucp_crl *crl, const ucp_certificate *cert,
                                  const ucp_certificate *issuer, unsigned *reasons, bool *indirect,
                                  const char **why);
/* Whether one of @cert's CRL distribution points names a cRLIssuer (RFC 5280 4.2.1.13): then a
 * CRL of another issuer found there may be meant for it (an indirect CRL). The points are read
 * as ucp_crl_covers reads them. */
bool ucp_crl_points_name_crl_issuer(const ucp_certificate *cert);
/* The entry of @crl that revokes @cert, issued by the CA named @issuer_name: ucp_crl_find, and in
 * an indirect CRL an entry whose certificate issuer (certificateIssuer, carried over from the
 * entries before it, the CRL's issuer at first: RFC 5280 5.3.3) is that name. */
/* The delta CRL among @n CRLs @v that applies to the complete CRL @base (RFC 5280 5.2.4, 6.3.3
 * (c)): a delta CRL of the same issuer and scope, without unrecognised critical extensions,
 * whose BaseCRLNumber is at most @base's cRLNumber, current at @now and signed by @signer (the
 * complete CRL's signer); the one with the highest cRLNumber. NULL when none applies. */
const struct ucp_crl *ucp_crl_delta_for(struct ucp_crl *const *v, size_t n, const struct ucp_crl *base,
                                        const ucp_certificate *signer, int64_t now);
/* The reasonCode of entry @e of @crl (RFC 5280 5.3.1), -1 when it has none. */
int ucp_crl_entry_reason(const struct ucp_crl *crl, const struct ucp_crl_entry *e);
const struct ucp_crl_entry *ucp_crl_find_issued(const struct ucp_crl *crl, const ucp_certificate *cert,
                                                const struct ucp_bytes *issuer_name);

/* ---- the cache of fetched CRLs (crlcache.c) --------------------------------------------------- */
/* Per checker, shared by its checks and threads under ucp_trust.lock (every function below
 * expects the caller to hold it). Bounded by the bytes its entries hold (ucp_crl_size, and a
 * few for a URL and a failure), least recently used out first. */
enum ucp_fetch_outcome {
    UCP_FETCH_CRL,           /* a CRL (whose issuer and signature the caller checks) */
    UCP_FETCH_FAILED,        /* the fetch or the parse failed (error says why) */
    UCP_FETCH_WRONG_ISSUER,  /* a CRL of another issuer than the one it was fetched for */
    UCP_FETCH_BAD_SIGNATURE  /* a CRL naming that issuer, not signed by its key */
};
struct ucp_cached;
struct ucp_crl_cache {
    struct ucp_cached **buckets;
    size_t nbuckets;
    struct ucp_cached *newest, *oldest; /* the LRU list */
    size_t n;
    size_t bytes;
    size_t budget;
};
/* What a look-up found, the caller's to dispose of (ucp_fetch_found_dispose). */
struct ucp_fetch_found {
    enum ucp_fetch_outcome outcome;
    struct ucp_crl *crl; /* UCP_FETCH_CRL: a reference */
    char *error;         /* otherwise: why (malloc'd) */
};
void ucp_crl_cache_init(struct ucp_crl_cache *cache, size_t budget);
void ucp_crl_cache_dispose(struct ucp_crl_cache *cache);
/* The entry of @url, made most recently used. An entry about another issuer than @issuer_id, or
 * any such entry when @issuer_id is NULL (UCP_FETCH_WRONG_ISSUER, UCP_FETCH_BAD_SIGNATURE),
 * does not count: false. False when out of
 * memory too (fetch again). */
bool ucp_crl_cache_get(struct ucp_crl_cache *cache, const char *url, const uint8_t issuer_id[32],
                       struct ucp_fetch_found *out);
/* Remember what @url gave (replacing what was there): a CRL (@crl, a reference is taken) or a
 * failure of @outcome (@issuer_id: whom it is about, for the two issuer outcomes). Then evict the
 * least recently used entries while over budget; an entry larger than the budget alone is not
 * kept. Out of memory: nothing is kept (the cache is an optimisation). */
void ucp_crl_cache_put(struct ucp_crl_cache *cache, const char *url, enum ucp_fetch_outcome outcome,
                       struct ucp_crl *crl, const uint8_t issuer_id[32], const char *error);
void ucp_fetch_found_dispose(struct ucp_fetch_found *f);

/* ---- revocation (revocation.c, fetch.c) ------------------------------------------------------ */
/* HTTP GET (post NULL) or POST; bounded by timeout and size. Every connection (the first and each
 * redirect's) is to an address ucp_address_is_private() accepts, unless @allow_private; no proxy
 * is used. On failure @error (malloc'd) says why; the thread-local error is not touched (callers
 * turn failures into findings). */
ucp_status ucp_http_fetch(const char *url, const uint8_t *post, size_t post_len, const char *content_type,
                          unsigned timeout_ms, size_t limit, bool allow_private, struct ucp_bytes *body,
                          char **error);
/* Whether an online fetch must not connect to @addr (address.c): loopback, unspecified,
 * link-local, private, shared (CGNAT), multicast, reserved, benchmarking, documentation, IETF
 * assignments, an unknown family; IPv4-mapped, IPv4-translated, NAT64 and 6to4 addresses by the
 * IPv4 address inside. When true, @why (if not NULL) says "ADDRESS, a KIND address"; when false it
 * is "". Pure: no I/O, thread-safe. */
struct sockaddr;
bool ucp_address_is_private(const struct sockaddr *addr, char *why, size_t why_size);

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

/* ---- certificate policies (policy.c) --------------------------------------------------------- */
/* The user's inputs of RFC 5280 6.1.1 (c), (e), (f), (g). */
struct ucp_policy_settings {
    char **set;   /* initial-policy-set (dotted OIDs); none: anyPolicy */
    size_t nset;
    bool explicit_required;  /* initial-explicit-policy */
    bool mapping_inhibited;  /* initial-policy-mapping-inhibit */
    bool any_inhibited;      /* initial-any-policy-inhibit */
};
struct ucp_policy_result {
    bool valid;
    int cert_index;  /* where it failed (-1: it did not) */
    char *reason;    /* why it failed (malloc'd) */
    char **set;      /* the user-constrained policy set (dotted OIDs, "2.5.29.32.0" for anyPolicy) */
    size_t nset;
    bool nomem;
};
/* Policy processing (RFC 5280 6.1) of the path @certs (@n of them, leaf first, the trust anchor
 * last and not processed) with @s. Bounded by UCP_MAX_POLICY_NODES. */
void ucp_policy_validate(const struct ucp_policy_settings *s, ucp_certificate *const *certs, size_t n,
                         struct ucp_policy_result *out);
void ucp_policy_result_dispose(struct ucp_policy_result *r);

/* ---- the system trust store as a PEM bundle (systore.c) ------------------------------------ */
/* The PEM bundle that holds the system trust store: the build's system_trust_file option, else
 * the first existing file of the distributions' known locations; NULL when there is none
 * (Windows, macOS, or no such file), and GnuTLS's system trust is read instead. */
const char *ucp_system_trust_file(void);
/* Add each CERTIFICATE (or X509 CERTIFICATE) block of PEM text to @pool as a lazy entry: its DER
 * and raw subject, parsed when a lookup reaches it. Blocks that do not decode or are not shaped
 * as a certificate are skipped, as is anything else (TRUSTED CERTIFICATE blocks, text between
 * blocks); fails only when out of memory. */
ucp_status ucp_pool_add_pem_data(struct ucp_pool *pool, const uint8_t *data, size_t len);
/* ucp_pool_add_pem_data() of the file @path; UCP_E_IO (naming it) when it cannot be read. */
ucp_status ucp_pool_add_pem_bundle(struct ucp_pool *pool, const char *path);

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
    bool allow_private;        /* online fetches may connect to private addresses (fetch.c) */
    unsigned timeout_ms;       /* the time budget of the online work of one check */
    size_t fetch_limit;
    struct ucp_crl_cache fetched; /* CRLs fetched online, shared by checks (under lock) */
    struct ucp_sigcache *sigcache;  /* NULL: off (sigcache.c) */
    struct ucp_policy_settings policy; /* certificate policy inputs (policy.c) */
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
    UCP_SOURCE_SYSTEM,
    UCP_SOURCE_SYSTEM_INTERMEDIATES /* found for the input in the OS stores (input.found) */
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
    char **policies;   /* a trusted path's user-constrained policy set (policy.c) */
    size_t npolicies;
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
