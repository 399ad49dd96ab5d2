/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_X509_PRIVATE_H
#define UCPOLICY_X509_PRIVATE_H

/*
 * x509/: reading certificates. Calls core/ only. Its files, each calling only those listed before
 * it (no two call each other):
 *   der.c          the DER reader: every TLV the library reads, DER or BER
 *   util.c         byte buffers, string lists, hex text
 *   names.c        DNS names: syntax, wildcards, matching, public suffixes
 *   asn1.c         the in-tree ASN.1 module (PKCS#12, template extensions); BMPString text
 *   index.c        the strict walk of a certificate; where its parts lie in its DER; extensions
 *                  by OID; GnuTLS's tree
 *   dn.c           distinguished names: text, common names, name-constraint comparison
 *   facts.c        SAN, EKU, URLs, key identifiers, constraints, key and signature algorithm
 *   templates.c    the Microsoft certificate template extensions
 *   verify.c       identity, issuer matching and signature verification
 *   getters.c      the public getters and the name tables
 *   certificate.c  the certificate object: parsing in order, lifetime
 */

#include <libtasn1.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gmp.h>

#include "core/core-private.h"

/* ---- limits (documented in README.md, "Limits") ---- */
#define UCP_MAX_SAN_ENTRIES 20000      /* subjectAltName entries of one certificate */
#define UCP_MAX_ATTRIBUTE_TEXT 4096  /* bytes of a friendly name, provider or template name */
#define UCP_DER_MAX_DEPTH 64         /* BER indefinite-length values open inside one another */

/* ---- the DER reader (der.c) ------------------------------------------------------------------ */
/* What a read accepts besides DER (der.c says more). */
enum ucp_der_mode {
    UCP_DER_STRICT,        /* DER: identifiers and definite lengths in their one distinguished form */
    UCP_DER_BER,           /* also the other definite-length and tag-number forms libtasn1 reads */
    UCP_DER_BER_INDEFINITE /* also indefinite lengths of constructed values */
};
#define UCP_DER_UNIV_CONS (ASN1_CLASS_UNIVERSAL | ASN1_CLASS_STRUCTURED)
#define UCP_DER_CTX_CONS (ASN1_CLASS_CONTEXT_SPECIFIC | ASN1_CLASS_STRUCTURED)
/* One TLV as read. */
struct ucp_tlv {
    unsigned char cls;    /* ASN1_CLASS_* bits of the identifier, ASN1_CLASS_STRUCTURED included */
    unsigned long tag;    /* the tag number */
    const uint8_t *value; /* the contents octets */
    size_t hdr;           /* identifier and length octets */
    size_t len;           /* contents octets (indefinite length: the end-of-contents octets excluded) */
    size_t total;         /* the whole TLV: hdr + len, and the 2 end-of-contents octets when indefinite */
    bool indefinite;
};
/* The TLV at @p, which must lie within @left bytes (more may follow it). False when there is no
 * complete TLV there in @mode's encoding. */
bool ucp_der_read(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t);
/* One TLV spanning exactly @len bytes: false when it is malformed, truncated or followed by
 * anything. */
bool ucp_der_read_exact(const uint8_t *p, size_t len, enum ucp_der_mode mode, struct ucp_tlv *t);
/* The TLV at *@p (within *@left bytes); *@p and *@left move past it. */
bool ucp_der_next(const uint8_t **p, size_t *left, enum ucp_der_mode mode, struct ucp_tlv *t);
/* The identifier and length octets at @p, for saying how a TLV is truncated: for a definite
 * length, len and total as declared, which may pass @left; for an indefinite one (@mode
 * permitting), indefinite set and len and total 0 (its end is not looked for). */
bool ucp_der_header(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t);
/* The identifier octets alone (cls, tag, and their number in hdr; value NULL, lengths 0), for
 * telling a wrong tag from a wrong length; at least one octet must follow them. */
bool ucp_der_identifier(const uint8_t *p, size_t left, enum ucp_der_mode mode, struct ucp_tlv *t);
/* Is @t of class @cls (ASN1_CLASS_STRUCTURED included) and tag number @tag? */
bool ucp_der_is(const struct ucp_tlv *t, unsigned char cls, unsigned long tag);
/* The elements of the constructed TLV at @p, which must span exactly @len bytes (BER
 * indefinite lengths accepted): their spans go to @spans (NULL: count only), at most @max of
 * them. False, with @why, when malformed or when there are more than @max. */
struct ucp_ber_span {
    const uint8_t *p;
    size_t len;
};
bool ucp_ber_elements(const uint8_t *p, size_t len, struct ucp_ber_span *spans, size_t max,
                      size_t *count, const char **why);
/* A well-formed OBJECT IDENTIFIER contents (what a strict decoder accepts). */
bool ucp_der_oid_valid(const uint8_t *v, size_t n);
/* Dotted text to OBJECT IDENTIFIER contents (for look-ups); false when it does not fit @cap
 * bytes or is not an OID. */
bool ucp_der_oid_encode(const char *dotted, uint8_t *out, size_t cap, size_t *len);
/* OBJECT IDENTIFIER contents to dotted text; false when malformed or longer than @size. */
bool ucp_der_oid_text(const uint8_t *v, size_t n, char *buf, size_t size);
/* A UTCTime or GeneralizedTime (@t) as RFC 5280 4.1.2.5 writes them, in seconds since the epoch:
 * YYMMDDHHMMSSZ (years 50-99 are 19xx) or YYYYMMDDHHMMSSZ; false for anything else (another
 * tag, fractions, an offset, an impossible date). */
bool ucp_der_time(const struct ucp_tlv *t, int64_t *out);

/* ---- small helpers (util.c) ------------------------------------------------------------------ */
void ucp_bytes_free(struct ucp_bytes *b);
/* A copy of @len bytes (a 1-byte allocation for none); false when out of memory. */
bool ucp_bytes_set(struct ucp_bytes *b, const void *data, size_t len);
void ucp_strv_free(char **v, size_t n);
/* Append @s (taken; NULL: out of memory) to the list *@v of *@n strings; false when out of
 * memory (@s is freed). */
bool ucp_strv_push(char ***v, size_t *n, char *s);
/* @n bytes as upper-case hex digits; NULL when out of memory. */
char *ucp_hex_upper(const unsigned char *p, size_t n);

/* ---- DNS names (names.c) --------------------------------------------------------------------- */
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
/* Parse @text as an IPv4 dotted quad or an IPv6 address (RFC 4291 2.2 text forms, "::" and a
 * trailing dotted quad included) into @out: 4 or 16 bytes written; 0 when it is neither. */
size_t ucp_ip_parse(const char *text, uint8_t out[16]);
/* Is the last label of the DNS name @name a top-level domain of the public suffix list's ICANN
 * section (the root zone)? true when the list could not be loaded (nothing to compare with). */
bool ucp_tld_known(const char *name);
/* Is @domain itself an entry of the ICANN section (no '*' default rule)? */
bool ucp_is_listed_public_suffix(const char *domain);
/* Is the iPAddress @ip (4 or 16 bytes) in a reserved range (RFC 6890 special-purpose registries:
 * private, loopback, link-local, documentation, multicast, ...)? @range receives its name. */
bool ucp_ip_reserved(const uint8_t *ip, size_t len, const char **range);
/* Is @domain a public suffix (ICANN section)? */
bool ucp_is_public_suffix(const char *domain);
/* Validate and normalise (lower case, no trailing dot) a host name given by the user. */
char *ucp_normalize_fqdn(const char *in, const char **why);

/* ---- the ASN.1 module (asn1.c, x509/ucpolicy.asn) -------------------------------------------- */
/* Decode exactly @len bytes as the module's type @type ("PFX", "SafeBag", ...). @strict demands
 * DER (extensions); without it BER lengths are accepted, as GnuTLS accepts them in PKCS#12.
 * On failure returns false and writes why into @why (at least ASN1_MAX_ERROR_DESCRIPTION_SIZE
 * + 64 bytes). */
bool ucp_asn1_decode(const char *type, const uint8_t *der, size_t len, bool strict, asn1_node *out,
                     char *why, size_t why_size);
/* Read the value of element @name (any type) into a new buffer; false when absent or on error. */
bool ucp_asn1_read(asn1_node node, const char *name, struct ucp_bytes *out);
/* Read an OBJECT IDENTIFIER element as dotted text; false when absent or malformed. */
bool ucp_asn1_read_oid(asn1_node node, const char *name, char *buf, size_t size);
/* UTF-16BE (BMPString) to display text: valid UTF-8, NUL and controls escaped as \xHH, one
 * trailing U+0000 dropped. NULL with @why on malformed input (odd length, lone surrogate), or
 * with *why NULL when out of memory. */
char *ucp_bmp_to_display(const uint8_t *p, size_t len, const char **why);

/* ---- the certificate object (parsed by certificate.c) ---------------------------------------- */
struct ucp_san {
    ucp_san_type type;
    char *display;       /* escaped text */
    struct ucp_bytes raw; /* the value bytes (DNS: the name as encoded) */
    bool clean;          /* DNS: printable ASCII without NUL: safe to compare */
    uint8_t tag;         /* the GeneralName's tag: 4 directoryName (raw: the Name's DER), 6 URI, ... */
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
    /* The SHA-1 thumbprint, computed on first use (ucp_certificate_sha1): only reports show it,
     * and a batch that prints none does not pay for it. 0 not yet, 1 being computed, 2 set. */
    _Atomic int sha1_state;
    char sha1_text[41];
    char *sha256;
    uint8_t sha256_raw[32]; /* SHA-256 of the DER: the certificate's identity in caches */
    struct ucp_bytes *cn_raw; /* subject CN values as encoded */
    char **cns;               /* subject CN values for display */
    size_t ncns;
    struct ucp_san *sans;
    size_t nsans;
    bool has_san_ext;
    bool san_critical; /* the subjectAltName extension is marked critical */
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
    struct ucp_bytes rsa_n;    /* the RSA modulus without leading zero bytes (empty: not RSA) */
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
    _Atomic(void *) rsa_key; /* its RSA key for nettle (struct rsa_public_key), or NULL */
    /* The TBSCertificate walked once at parse time (index_tbs): where the subject and the
     * public key lie and each extension's OID, criticality and value, as offsets into der.
     * indexed is false when the walk met anything unexpected: every reader then asks GnuTLS. */
    bool indexed;
    size_t spki_off, spki_len;
    /* walked: the whole Certificate was walked strictly (ucp_certificate_walk) and GnuTLS never
     * decoded it at parse time; then the serial's contents, the issuer and subject Names, and
     * the signatureAlgorithm lie at these offsets into der. */
    bool walked;
    size_t serial_off, serial_len, issuer_off, issuer_len, subject_off, subject_len, sigalg_off, sigalg_len;
    struct ucp_ext_ref {
        uint32_t oid_off, oid_len, val_off, val_len;
        bool critical;
    } *exts;
    size_t nexts;
    /* key_id is computed on first use (ucp_certificate_key_id): 0 not yet, 1 being computed, 2 set */
    _Atomic int key_id_state;
    /* The RSA modulus's flaws (ucp_certificate_rsa_flaws), computed on first use: 0 not yet,
     * else UCP_RSA_CHECKED with the flags, the Fermat steps (bits 8-15) and the small prime
     * factor (bits 16 and up). */
    _Atomic unsigned rsa_flaws;
    bool self_issued;   /* subject == issuer */
    bool self_signed;   /* self-issued and verified with its own key */
    /* Microsoft certificate template extensions (templates.c) */
    char *template_name;    /* 1.3.6.1.4.1.311.20.2, NULL if absent */
    char *template_oid;     /* 1.3.6.1.4.1.311.21.7, NULL if absent */
    int64_t template_major; /* -1: absent */
    int64_t template_minor; /* -1: absent */
    char *template_problem; /* why an extension is malformed, NULL if none */
};

/* ---- where a certificate's parts lie (index.c) ----------------------------------------------- */
/* Find the signed bytes and the signature value in the DER (tbs_* and sig_*; 0 when the shape is
 * unexpected) and, with @tbs, index the TBSCertificate (spki_*, exts; indexed). */
void ucp_certificate_index(ucp_certificate *c, bool tbs);
/* Walk the whole Certificate in c->der strictly (DER only; version 3; the known shapes: see
 * index.c) and fill the index, the spans, the validity and the walked offsets: true when every
 * part has a shape that gnutls_x509_crt_import accepts and that the readers read as GnuTLS's
 * getters do. False (nothing set) sends the certificate to GnuTLS's decoder. */
bool ucp_certificate_walk(ucp_certificate *c);
/* gnutls_x509_crt_get_extension_by_oid2() from the certificate's index (the same answer). */
int ucp_certificate_get_extension(const ucp_certificate *c, const char *oid, unsigned nth,
                                  gnutls_datum_t *out, unsigned *critical);
/* Does @c carry an extension @oid? 1 yes, 0 no, -1 unknown (no index: ask GnuTLS). */
int ucp_certificate_has_extension(const ucp_certificate *c, const char *oid);
/* The value of the first extension @oid (OBJECT IDENTIFIER contents @oidlen bytes long), as
 * gnutls_x509_crt_get_extension_by_oid2(crt, oid, 0) gives it, for the direct readers: NULL
 * when absent; *@ambiguous when there is no index (read it through GnuTLS). */
const uint8_t *ucp_certificate_ext_value(const ucp_certificate *c, const uint8_t *oid, size_t oidlen, size_t *len,
                                         bool *critical, bool *ambiguous);
/* The first critical extension of @c that path validation does not recognise (RFC 5280 4.2; the
 * list: index.c, recognised_extension), as dotted text in @buf; NULL when there is none. */
const char *ucp_certificate_unknown_critical_extension(const ucp_certificate *c, char *buf, size_t cap);
/* UCP_E_CORRUPT naming @source when an extension a certificate may carry only once (RFC 5280
 * 4.2) appears twice: two parsers could see two different certificates. */
ucp_status ucp_certificate_check_unique_extensions(ucp_certificate *c, const char *source);
/* GnuTLS's decoded certificate, decoded again from der if parsing freed it (published with a
 * compare-and-swap; kept until the certificate is freed). NULL when out of memory. */
gnutls_x509_crt_t ucp_certificate_crt(const ucp_certificate *c);

/* ---- distinguished names (dn.c) -------------------------------------------------------------- */
/* The subject and issuer as text and as DER, from GnuTLS's tree; false when out of memory. */
bool ucp_certificate_read_dns(ucp_certificate *c);
/* The subject's common names, in DN order (cn_raw, cns); errors name @source. */
ucp_status ucp_certificate_read_cns(ucp_certificate *c, const char *source);
/* Is the DER DN @subject within the directoryName subtree @base of a name constraint (RFC 4514
 * text as GnuTLS gives it, or DER): are base's RDNs a prefix of the subject's, strings compared
 * as RFC 5280 7.1 says? */
bool ucp_dn_within(const struct ucp_bytes *subject, const gnutls_datum_t *base);
/* Are the DER DNs @a and @b the same name (RFC 5280 7.1): byte for byte (the fast path), or RDN
 * by RDN with directory strings compared case-insensitively (ASCII), leading and trailing spaces
 * dropped and inner runs of spaces collapsed, whatever their string types (PrintableString,
 * UTF8String, IA5String, TeletexString, BMPString, UniversalString)? */
bool ucp_dn_equal(const struct ucp_bytes *a, const struct ucp_bytes *b);
/* A hash of @dn that ucp_dn_equal DNs share (the folded form): for issuer lookups when the raw
 * bytes differ. */
uint32_t ucp_dn_fold_hash(const struct ucp_bytes *dn);

/* ---- weak RSA moduli (rsa-weak.c) ------------------------------------------------------------ */
enum {
    UCP_RSA_FERMAT = 1u,  /* the primes are close: Fermat's method factors the modulus */
    UCP_RSA_ROCA = 2u,    /* the ROCA fingerprint (CVE-2017-15361, Infineon's RSA library) */
    UCP_RSA_CHECKED = 4u, /* (cache) the modulus was looked at */
    UCP_RSA_SMALL_FACTOR = 8u, /* an odd prime below 752 divides it (ucp_certificate_rsa_small_factor) */
};
/* The flaws of @c's RSA modulus that the public key alone gives away: UCP_RSA_FERMAT (its primes
 * are close enough for 100 steps of Fermat's method from the square root; *@steps, when not NULL,
 * says how many it took), UCP_RSA_ROCA and UCP_RSA_SMALL_FACTOR. Computed once per certificate and kept with it (the
 * first callers may compute it at the same time: the same answer). 0 for a sound modulus or a key
 * that is not RSA. */
unsigned ucp_certificate_rsa_flaws(const ucp_certificate *c, unsigned *steps);
/* The smallest odd prime below 752 that divides @c's RSA modulus (kept with the flaws), or 0. */
unsigned ucp_certificate_rsa_small_factor(const ucp_certificate *c);

/* ---- the other facts (facts.c) --------------------------------------------------------------- */
/* The subject and authority key identifiers (ski, aki); false when out of memory. */
bool ucp_certificate_read_key_ids(ucp_certificate *c);
/* SAN, EKU, CRL and AIA URLs, signature algorithm, key usage, basic constraints and the public
 * key, in that order; errors name @source. */
ucp_status ucp_certificate_read_facts(ucp_certificate *c, const char *source);

/* ---- profile facts (profile.c) ---------------------------------------------------------------- */
/* The extensions the profile rules look at: present, critical, well formed. */
struct ucp_profile {
    bool bc_present, bc_critical;
    bool aki_present, aki_critical, aki_malformed;
    bool ski_present, ski_malformed;
    bool nc_present;
    char *aia_problem; /* what is wrong with the AIA extension (malloc'd), NULL when nothing is */
};
/* Read @c's profile facts into @out (ucp_profile_dispose it); false when out of memory. */
bool ucp_certificate_profile(const ucp_certificate *c, struct ucp_profile *out);
void ucp_profile_dispose(struct ucp_profile *p);

/* ---- certificate template extensions (templates.c) ------------------------------------------- */
/* The certificate's template extensions (template_*; -1 versions when absent), each found
 * once through the index: a malformed or repeated one is recorded in template_problem. */
ucp_status ucp_certificate_read_templates(ucp_certificate *c);
void ucp_certificate_templates_dispose(ucp_certificate *c);
/* Decode one template extension value (DER) of OID 1.3.6.1.4.1.311.21.7 or .20.2 into @c's
 * template_* fields, as ucp_certificate_read_templates() does for the certificate's own
 * (tests and fuzzing; other OIDs are ignored). */
ucp_status ucp_template_decode_extension(ucp_certificate *c, const char *oid, const uint8_t *der, size_t len);

/* ---- identity, issuers and signatures (verify.c) --------------------------------------------- */
/* SHA-256 of the public key as GnuTLS computes it (GNUTLS_KEYID_USE_SHA256; zeros if it cannot),
 * computed on first use: most leaves never need it. Thread-safe. */
const uint8_t *ucp_certificate_key_id(const ucp_certificate *c);
bool ucp_certificate_same(const ucp_certificate *a, const ucp_certificate *b);
/* Same subject and public key (the anchor test of path building). */
bool ucp_certificate_same_entity(const ucp_certificate *a, const ucp_certificate *b);
/* Does @cert name @issuer as its issuer (DN, and key identifiers when both present)? */
bool ucp_certificate_issued_by(const ucp_certificate *cert, const ucp_certificate *issuer);
/* Verify the signature of @cert with the key of @issuer (no other check) with
 * gnutls_x509_crt_verify: the reference. */
bool ucp_certificate_verify_signature(const ucp_certificate *cert, const ucp_certificate *issuer);
/* The same answer, faster: the signed bytes and the signature verified with the issuer's public
 * key imported once (by nettle for RSA PKCS#1 v1.5 with SHA-2, else gnutls_pubkey_verify_data2),
 * for RSA PKCS#1 v1.5, ECDSA, EdDSA and DSA signatures
 * of an issuer @cert names (ucp_certificate_issued_by); everything else, and any error other than
 * a bad signature, goes to the reference. For path building; @cert and @issuer are distinct. */
bool ucp_certificate_check_signature(const ucp_certificate *cert, const ucp_certificate *issuer);
/* @z = the unsigned big-endian integer @p[0..len), imported as whole 64-bit words in the host's
 * byte order, which GMP copies rather than reading byte by byte (mpz_import's aligned fast path). */
void ucp_mpz_set_be(mpz_t z, const uint8_t *p, size_t len);
/* Free the nettle RSA key kept with @c (cert_free). */
void ucp_certificate_free_rsa_key(ucp_certificate *c);
/* The certificate's public key, imported on first use and kept with it (borrowed: never
 * deinit it, never change it); NULL when GnuTLS cannot import it. Thread-safe. */
gnutls_pubkey_t ucp_certificate_pubkey(const ucp_certificate *c);
/* RFC 5280 6.1.4 (f), RFC 3279 2.3.2: when @c has a DSA key without parameters, give it the
 * parameters of @issuer's DSA key (kept as @c's public key, so that what @c signed verifies).
 * False when @c's key has parameters or already has a key, or @issuer has no DSA key. */
bool ucp_certificate_inherit_dsa_params(const ucp_certificate *c, const ucp_certificate *issuer);

/* ---- getters and name tables (getters.c) ----------------------------------------------------- */
/* The key usage bits, in RFC 5280 order: GnuTLS's bit, ours and the RFC name (the text,
 * JSON and public API all name them from this one table). */
#define UCP_KEY_USAGE_NAMES 9
struct ucp_ku_name {
    unsigned gnutls;
    ucp_key_usage ours;
    const char *name;
};
extern const struct ucp_ku_name ucp_key_usage_names[UCP_KEY_USAGE_NAMES];
/* Does @c's extended key usage extension list @oid (dotted)? Whether it has the extension at all
 * is c->has_eku. */
bool ucp_certificate_has_eku_oid(const ucp_certificate *c, const char *oid);
/* @c's extended key usages by name (ucp_eku_name), comma-separated, or @none when it lists
 * none; NULL when out of memory. */
char *ucp_certificate_eku_names(const ucp_certificate *c, const char *none);

/* ---- parsing and lifetime (certificate.c) ---------------------------------------------------- */
/* Parse one DER certificate; @source names the input for messages. */
ucp_status ucp_certificate_from_der(ucp_certificate **out, const uint8_t *der, size_t len,
                                    const char *source, size_t index);
/* As ucp_certificate_from_der(), reading every fact through GnuTLS's getters rather than the
 * index of the DER (the reference the fast readers are tested against: tests/test-extensions.c). */
ucp_status ucp_certificate_from_der_reference(ucp_certificate **out, const uint8_t *der, size_t len,
                                              const char *source, size_t index);
ucp_certificate *ucp_certificate_mut_ref(ucp_certificate *cert);

#endif /* UCPOLICY_X509_PRIVATE_H */
