/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_TESTS_CERTGEN_H
#define UCPOLICY_TESTS_CERTGEN_H

/*
 * ucpolicy-certgen, the fixture generator (tests/FIXTURES.md; what it writes: certgen.c). One
 * file per concern, each calling only the files above it:
 *
 *   util.c       failure, strings that live until exit, files, DER buffers
 *   pki.c        keys, certificates from a spec, the test CAs and their CRLs, PEM, PKCS#7 and
 *                PKCS#12 files
 *   profile.c    the catalogue's facts, a role's deployment (topology) and its correct
 *                certificate (profile)
 *   manifest.c   a case, what it expects, and manifest.json (jansson)
 *   mutations.c  the table of mutations: for every rule, how a certificate breaks it (or why no
 *                static case can); adding a rule to the catalogue means adding a row there
 *   cases.c      the catalogue's cases: a pass case per role and product, a fail case per binding
 *   extras.c     the cases beyond the catalogue (formats, chains, names, keys, revocation,
 *                templates, the reference incident) and the input errors
 *   certgen.c    main
 *
 * The generator links the library's internal twin to read the binding details the public API
 * does not expose (flags such as `cn-counts`, the facts of subject.cn-mismatch).
 */

#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <jansson.h>

#include "trust/trust-private.h"

#if defined(__MINGW32__) /* built with __USE_MINGW_ANSI_STDIO=1: C99 printf */
#  define CERTGEN_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#  define CERTGEN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

#define DAY 86400
#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_EMAIL "1.3.6.1.5.5.7.3.4"
#define OID_CODE_SIGNING "1.3.6.1.5.5.7.3.3"
#define OID_TEMPLATE "1.3.6.1.4.1.311.21.7"
#define OID_TEMPLATE_NAME "1.3.6.1.4.1.311.20.2"
/* An extension no one understands (the UUID arc 2.25, RFC 4122 section 4.1.x: test use only). */
#define OID_UNKNOWN_EXT "2.25.1"
#define CDP_URL "http://pki.contoso.com/crl/ucpolicy-issuing.crl"
#define CDP_LDAP "ldap:///CN=UCPolicy%20Test%20Issuing%20CA,CN=CDP,DC=contoso,DC=com?certificateRevocationList"
#define AIA_URL "http://pki.contoso.com/aia/ucpolicy-issuing.crt"
#define PFX_PASSWORD "Pfx-Test-P@ss w0rd"
#define PFX_ITERATIONS 2048 /* as OpenSSL 3 and Windows write them; cheap under valgrind */
#define INCIDENT_TEXT "The peer is not a configured server on this network interface"
/* Online cases never leave the machine: their URLs name 127.0.0.1 on the discard port, where
 * nothing listens, so a fetch is refused at once. */
#define LOCAL_URL "http://127.0.0.1:9"
#define CDP_LOCAL LOCAL_URL "/crl/ucpolicy-issuing.crl"
#define CSP_SCHANNEL "Microsoft RSA SChannel Cryptographic Provider"
#define KSP_SOFTWARE "Microsoft Software Key Storage Provider"

/* ---- util.c: failure, memory, files, DER ---------------------------------------------------- */

CERTGEN_PRINTF(1, 2) __attribute__((noreturn)) void die(const char *fmt, ...);

#define GT(call)                                                                                   \
    do {                                                                                           \
        int gt_ret_ = (call);                                                                      \
        if (gt_ret_ < 0)                                                                           \
            die("%s:%d: %s: %s", __FILE__, __LINE__, #call, gnutls_strerror(gt_ret_));           \
    } while (0)

/* Every string the generator builds lives until exit in one list (arena_free() at the end: the
 * build runs the generator under the sanitizers too). */
char *keep(char *s);
CERTGEN_PRINTF(1, 2) char *fmt(const char *f, ...);
char *sdup(const char *s);
void arena_free(void);

extern const char *outdir; /* every path below is relative to it */
void mkdirs(const char *path);
/* The path of @rel in the output directory, its parent directories made; @path has 4096 bytes. */
void out_path(const char *rel, char *path);
void write_file(const char *rel, const void *data, size_t len);

/* A growing byte buffer; free(b.data) when done. */
struct buf {
    unsigned char *data;
    size_t len;
};
void buf_add(struct buf *b, const void *p, size_t n);
void der_tlv(struct buf *b, unsigned char tag, const void *value, size_t len); /* definite length */
void der_oid(struct buf *b, const char *dotted);

/* ---- pki.c: keys, certificates, the test PKI, CRLs, files ------------------------------------ */

struct key {
    gnutls_x509_privkey_t x;
    gnutls_privkey_t priv;
    gnutls_pubkey_t pub;
};
extern struct key k_root, k_root2, k_issuing, k_misc, k_leaf;

/* The public key of a leaf. KEY_RSA_OTHER: a 2048-bit RSA key that is not the leaf's (another
 * server's key). Starts at 1: 0 is "unchanged" in mutations[]. */
enum keykind {
    KEY_RSA2048 = 1,
    KEY_RSA1024,
    KEY_RSA512,
    KEY_RSA_E3,
    KEY_RSA_EVEN,
    KEY_EC256,
    KEY_EC192,
    KEY_ED25519,
    KEY_RSA_OTHER,
    KEY_RSA_SMALL_FACTOR, /* the leaf's modulus made a multiple of 739 (and odd): factorable */
    KEY_RSA_EVEN_MODULUS, /* the leaf's modulus minus one: even */
    KEY_RSA_FERMAT,       /* a modulus of two consecutive 1024-bit primes: Fermat factors it */
    KEY_RSA_ROCA          /* a 2048-bit modulus with the ROCA fingerprint (not a product of primes) */
};
gnutls_pubkey_t keykind_pub(enum keykind k);
void make_keys(void);
void free_keys(void);

struct ca {
    gnutls_x509_crt_t crt;
    struct key *key;
    const char *file; /* relative path of its PEM, or NULL */
};
extern struct ca ca_root, ca_root2, ca_issuing, ca_issuing_cross, ca_issuing_old, ca_issuing_local;

/* Who issues a leaf, and with it the intermediates a case supplies. */
enum issuer_kind {
    ISS_ISSUING, /* the issuing CA: every correct certificate */
    ISS_SELF,
    ISS_NOTCA,
    ISS_NOCERTSIGN,
    ISS_NOCRLSIGN, /* a CA without cRLSign in its key usage */
    ISS_PATHLEN,
    ISS_EXPIRED,
    ISS_EKU,
    ISS_DEEP,
    ISS_LOOKALIKE,
    ISS_CONSTRAINED, /* the Fabrikam-only name-constrained CA */
    ISS_CONSTRAINED_OK,
    ISS_CONSTRAINED_DN,
    ISS_CONSTRAINED_IP,
    ISS_EXPLICIT_POLICY, /* a CA whose policy constraints require an explicit policy at once */
    /* CA certificates against the profile rules of RFC 5280 (check_profile): */
    ISS_ROOT_NO_BC,        /* a self-signed root without basic constraints, issuing the leaf itself */
    ISS_BC_NONCRITICAL,    /* an intermediate whose basic constraints are not critical */
    ISS_EMPTY_SUBJECT,     /* an intermediate with an empty subject */
    ISS_NO_SKI,            /* an intermediate without a subject key identifier */
    ISS_WEAK_KEY           /* an intermediate with an ECDSA P-192 key */
};
extern struct ca ca_root_nobc; /* the root of ISS_ROOT_NO_BC */
#define NDEEP 10 /* intermediates of the too-long chain: leaf + 10 + root > UCP_MAX_PATH_DEPTH */
#define MAXCHAIN (NDEEP + 4)
struct issuer {
    const struct ca *ca; /* NULL: self-signed */
    const char *chain[NDEEP];
    int nchain; /* -1: the case keeps its intermediates */
};
struct issuer issuer_of(enum issuer_kind kind);

/* The key usage and extended key usage extensions of a certificate. */
struct usage {
    bool has_eku; /* false: no EKU extension, whatever eku[] holds */
    const char *eku[4];
    int neku;
    bool eku_critical;
    bool has_ku;
    unsigned ku;
};

#define MAXSPECSAN 6000
struct spec {
    const char *org;
    const char *cn[3];
    size_t cnlen[3]; /* 0: strlen (a CN may hold a NUL byte) */
    int ncn;
    bool no_subject; /* an empty subject */
    struct {
        const char *v;
        size_t len;
        unsigned char tag; /* 0: [2] dNSName */
    } san[MAXSPECSAN];
    int nsan;
    bool san_critical; /* the subjectAltName extension marked critical */
    struct usage use;
    bool has_bc;
    bool bc_ca;
    int pathlen;
    const char *cdp;
    const char *aia;
    gnutls_pubkey_t pub;
    const struct ca *issuer;     /* NULL: self-signed with self_key */
    gnutls_privkey_t self_key;   /* the subject's private key, for self-signed certificates */
    bool pss;                    /* sign with RSASSA-PSS (the issuer's RSA key) */
    gnutls_digest_algorithm_t hash;
    int64_t nb, na;
    const unsigned char *serial; /* the serial's content octets as given (NULL: the next one) */
    size_t serial_len;
    bool corrupt_signature;
    bool no_bc_critical; /* basic constraints not marked critical */
    bool no_ski;         /* no subject key identifier */
    bool no_aki;         /* no authority key identifier */
    bool aki_critical;   /* the authority key identifier marked critical */
    bool bad_ski;        /* a subject key identifier whose value is not DER */
    struct {
        const char *oid;
        const unsigned char *value;
        size_t len;
        bool critical;
    } ext[2]; /* extensions given as DER (name constraints, Microsoft template extensions) */
    int next;
};

extern int64_t vt; /* the validation time: "now" (or UCPOLICY_CERTGEN_TIME), to the second */

void spec_init(struct spec *s);
void spec_add_name(struct spec *s, unsigned char tag, const void *v, size_t len); /* tag 0: dNSName */
void spec_add_ext(struct spec *s, const char *oid, const unsigned char *value, size_t len, bool critical);
gnutls_x509_crt_t make_cert(const struct spec *s);
gnutls_datum_t export_crt(gnutls_x509_crt_t crt, gnutls_x509_crt_fmt_t f); /* gnutls_free() the data */
void buf_pem(struct buf *b, gnutls_x509_crt_t crt);
void write_pem(const char *rel, const gnutls_x509_crt_t *crts, size_t n);
void write_spec(const char *rel, const struct spec *s); /* the certificate of @s, as PEM */
gnutls_datum_t pkcs7_export(const gnutls_x509_crt_t *crts, size_t n, gnutls_x509_crt_fmt_t f); /* gnutls_free() */
void write_pkcs7(const char *rel, const gnutls_x509_crt_t *crts, size_t n, gnutls_x509_crt_fmt_t f);
/* A PKCS#12 file as OpenSSL 3 and Windows write them (tests/keys' writer); @key NULL: none. */
void write_pkcs12(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
                  const char *csp, const char *password, unsigned iter, unsigned mac_iter);
/* The same with PFX_PASSWORD and PFX_ITERATIONS, as most cases have them. */
void write_pfx(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
               const char *csp);

void make_pki(void);
void free_pki(void);

/* The CRLs every revocation case names: the root's and the issuing CA's current ones (the latter
 * revoking a certificate no case uses, so that it has an entry to search), a stale one of the
 * issuing CA, and one that names the issuing CA as issuer but is signed with another key. */
#define CRL_ROOT "certs/root.crl"
#define CRL_ISSUING "certs/issuing.crl"
#define CRL_ISSUING_EXPIRED "certs/issuing-expired.crl"
#define CRL_ISSUING_BAD_SIGNATURE "certs/issuing-bad-signature.crl"
#define CRL_NOCRLSIGN "certs/no-crlsign-ca.crl" /* signed by the CA without cRLSign */
#define CRL_ISSUING_UNKNOWN_EXT "certs/issuing-unknown-ext.crl" /* with a critical extension of OID_UNKNOWN_EXT */
/* A CRL of @issuer signed with @signer (the issuer's key, or another one for a bad signature),
 * listing @revoked and, when @other_serial, a serial no certificate here has. DER unless @pem. */
void write_crl(const char *rel, const struct ca *issuer, gnutls_privkey_t signer, int64_t this_update,
               int64_t next_update, const gnutls_x509_crt_t *revoked, size_t nrevoked, bool other_serial,
               unsigned number, bool pem);
void make_crls(void);

/* ---- profile.c: the catalogue, deployments, correct certificates ----------------------------- */

extern const ucp_product products[4];
const struct ucp_role *find_role(const char *id); /* dies when the catalogue has no such role */
const struct ucp_role_rule *binding(const struct ucp_role *role, enum ucp_rule_id id);
int severity_of(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p); /* -1: does not apply */
bool applies(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p);
unsigned flags_of(const struct ucp_role *role, enum ucp_rule_id id);
ucp_product default_product(const struct ucp_role *role);

struct topo {
    ucp_product product;
    const char *single[UCP_FACT_COUNT]; /* fqdn, pool, web-fqdn, access-edge, webconf-edge, xmpp */
    const char *list[UCP_FACT_COUNT][4];
    int nlist[UCP_FACT_COUNT];
};
size_t topo_count(const struct topo *t, ucp_fact f);
const char *topo_get(const struct topo *t, ucp_fact f, size_t i);
void topo_clear(struct topo *t, ucp_fact f);
void topo_set(struct topo *t, ucp_fact f, const char *v);    /* adds to a list fact */
void topo_replace(struct topo *t, ucp_fact f, const char *v); /* the only value */
const char *url_host(const char *url);
void role_topology(const struct ucp_role *role, ucp_product p, struct topo *t);

#define MAXTAGS 6
struct sname {
    const char *v;
    size_t len;
    enum ucp_rule_id tags[MAXTAGS]; /* the rules that require this name */
    int ntags;
};

/* What a leaf certificate looks like: the correct one of a role (role_profile), then changed. */
struct profile {
    bool no_subject;
    const char *org;
    const char *cn[3];
    int ncn;
    bool has_san;
    struct sname san[48];
    int nsan;
    struct usage use;
    bool bc_ca;
    enum keykind key;
    gnutls_digest_algorithm_t hash;
    bool pss;
    int64_t nb, na;
    const unsigned char *serial; /* the serial's content octets (NULL: the next one) */
    size_t serial_len;
    const char *cdp;
    enum issuer_kind issuer;
    bool corrupt_signature;
    const unsigned char *ip_san; /* one more SAN entry, an IPv4 iPAddress (4 bytes), or NULL */
    bool no_aia;                 /* no Authority Information Access extension */
    bool no_aki, aki_critical, bad_ski; /* key identifiers: none, critical, not DER (spec) */
    const char *ext_oid; /* one more extension, as DER (a Microsoft template extension) */
    const unsigned char *ext_value;
    size_t ext_len;
    bool ext_critical;
};
/* Add a SAN DNS name (once), tagged with the rule that requires it (UCP_RULE__COUNT: none). */
struct sname *san_add(struct profile *pr, const char *v, enum ucp_rule_id tag);
void san_insert_first(struct profile *pr, const char *v, enum ucp_rule_id tag);
void san_remove(struct profile *pr, int i);
bool has_tag(const struct sname *s, enum ucp_rule_id id);
/* The correct certificate of @role for the deployment @t. */
void role_profile(const struct ucp_role *role, const struct topo *t, struct profile *pr);
/* The role's deployment for its default product, and its correct certificate. */
void default_deployment(const struct ucp_role *role, struct topo *t, struct profile *pr);
void profile_cert(const struct profile *pr, struct spec *s);
gnutls_x509_crt_t profile_crt(const struct profile *pr);
void write_leaf(const char *rel, const struct profile *pr); /* as PEM */

/* ---- manifest.c: cases and manifest.json ----------------------------------------------------- */

struct expect_item {
    enum ucp_rule_id id;
    int severity;
    const char *remediation; /* text the remediation must contain, or NULL */
    int cert_index;          /* the certificate the finding must name (0: the leaf), or -1: any */
};

struct xcase {
    const char *id;
    const struct ucp_role *role;
    const char *rule; /* NULL for pass cases */
    bool pass;
    const char *file;
    const char *password;
    const char *chain[MAXCHAIN];
    int nchain;
    const char *trust[4];
    int ntrust;
    const char *public_roots[4];
    int npublic;
    const char *crls[4];
    int ncrls;
    bool online;
    unsigned timeout_ms; /* 0: the library's default */
    const char *pool[4]; /* the other files of a pool check */
    int npool;
    struct topo topo;
    struct expect_item present[24];
    int npresent;
    const char *format;
    const char *description;
};

/* A case of @role on the deployment @t: its leaf from the issuing CA, the root trusted. */
void case_init(struct xcase *c, const struct ucp_role *role, const struct topo *t);
/* Expect rule @id (when the role applies it for the case's product). */
void expect(struct xcase *c, enum ucp_rule_id id);
/* Make @pr issued as @kind, the case with the intermediates that go with it (a self-signed leaf
 * keeps the case's). */
void case_issuer(struct xcase *c, struct profile *pr, enum issuer_kind kind);
/* The intermediates (in that order), the trust anchor, the public root, the CRLs of a case, in
 * place of what it had; NULL: none. */
void case_chain(struct xcase *c, const char *a, const char *b);
void case_trust(struct xcase *c, const char *anchor);
void case_public_root(struct xcase *c, const char *root);
void case_crls(struct xcase *c, const char *a, const char *b);

void manifest_begin(void);
void manifest_add_case(const struct xcase *c);
void manifest_add_input_error(const char *id, const char *file, const char *password, ucp_status status,
                              const char *desc);
void manifest_add_exemption(const struct ucp_role *role, const char *rule, const char *reason,
                            const char *covered_by);
void manifest_write(void); /* DIR/manifest.json, and a line on stdout with the counts */

/* ---- mutations.c: how a certificate breaks each rule ---------------------------------------- */

/* What a mutation needs of the case's files and check (struct mut.needs). */
enum {
    N_PFX = 1u << 0,       /* a PKCS#12 file with the leaf's private key (mut.csp names the provider) */
    N_WRONG_KEY = 1u << 1, /* with N_PFX: the file holds another key than the certificate's */
    N_POOL = 1u << 2,      /* with N_PFX: a pool check with a second server's file (other certificate, key) */
    N_REVOKE = 1u << 3,    /* a current CRL of the issuing CA, written for the case, lists the leaf */
    N_ONLINE = 1u << 4,    /* checked online; every URL of its path is on 127.0.0.1 */
};

/* One fail case being made: the role's correct profile, deployment and case, which mutate()
 * changes so that the certificate breaks the target rule. */
struct mut {
    const struct ucp_role *role;
    struct xcase *c;
    struct topo *t;
    struct profile *pr;
    enum ucp_rule_id target;
    /* set by mutate() */
    const char *what; /* description of the mutation */
    unsigned needs;   /* N_... */
    const char *csp;  /* with N_PFX: the key bag's Microsoft CSP name; NULL: none recorded */
};

/* Check the table once: rows in the catalogue's order, each a change or an exemption. */
void mutations_check(void);
/* When no static case can break rule @id: why, and the suite that breaks it instead. */
bool mutation_exempt(enum ucp_rule_id id, const char **reason, const char **covered_by);
/* Apply the row of m->target; false when it cannot break the rule for this role and product.
 * Dies when the rule has no row. */
bool mutate(struct mut *m);

/* ---- cases.c, extras.c ------------------------------------------------------------------------ */

void catalogue_cases(void);
void format_cases(void);
void chain_cases(void);
void name_and_key_cases(void);
void more_cases(void);
void incident_cases(void);
void input_errors(void);

#endif
