/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_KEYS_PRIVATE_H
#define UCPOLICY_KEYS_PRIVATE_H

/*
 * Private key facts of PKCS#12 files, Microsoft certificate template extensions and pool
 * consistency: the internals shared by asn1.c, pkcs12.c, templates.c and pool-check.c with
 * input.c, certificate.c, checks.c and the renderers. Nothing here is exported.
 */

#include <libtasn1.h>

#include <gnutls/pkcs12.h>

#include "ucpolicy-private.h"

/* ---- limits on hostile PKCS#12 files (README.md, "Limits") ------------------------------- */
#define UCP_MAX_PKCS12_CONTENTS 64   /* ContentInfos in the AuthenticatedSafe */
#define UCP_MAX_PKCS12_BAGS 256      /* SafeBags in the whole file */
#define UCP_MAX_PKCS12_KEYS 8        /* private key bags (each may cost a key derivation) */
#define UCP_MAX_BAG_ATTRIBUTES 32    /* attributes of one SafeBag */
#define UCP_MAX_ATTRIBUTE_VALUES 16  /* values of one attribute */
#define UCP_MAX_ATTRIBUTE_TEXT 4096  /* bytes of a friendly name or provider name */
#define UCP_MAX_POOL_INPUTS 64       /* files compared by ucp_checker_check_pool() */

/* ---- the ASN.1 module (asn1.c, asn1/ucpolicy.asn) ------------------------------------------ */
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
/* The elements of the constructed TLV at @p, which must span exactly @len bytes (BER indefinite
 * lengths accepted): their spans go to @spans (NULL: count only), at most @max of them. False,
 * with @why, when malformed or when there are more than @max. */
struct ucp_ber_span {
    const uint8_t *p;
    size_t len;
};
bool ucp_ber_elements(const uint8_t *p, size_t len, struct ucp_ber_span *spans, size_t max,
                      size_t *count, const char **why);
/* UTF-16BE (BMPString) to display text: valid UTF-8, NUL and controls escaped as \xHH, one
 * trailing U+0000 dropped. NULL with @why on malformed input (odd length, lone surrogate), or
 * with *why NULL when out of memory. */
char *ucp_bmp_to_display(const uint8_t *p, size_t len, const char **why);

/* ---- PKCS#12 key facts (pkcs12.c) ---------------------------------------------------------- */
struct ucp_key_facts {
    bool present;                          /* the file holds a private key */
    ucp_key_match match;
    ucp_key_provider_state provider_state;
    char *provider;                        /* display text; NULL unless recorded */
    ucp_key_storage storage;
    char *friendly_name;                   /* of the leaf's certificate bag; NULL if none */
    bool key_id_set;
    uint8_t key_id[32];                    /* SHA-256 of the private key's public key (SPKI) */
    size_t nkeys;                          /* private key bags in the file */
};

struct ucp_p12_bag;
struct ucp_p12_scan {
    struct ucp_p12_bag *bags;
    size_t n;
    size_t nkeys;
};

/* Walk the PFX (already imported as @p12 and MAC-verified with @password) with libtasn1 and the
 * module: every SafeBag, its attributes, and the bags of encrypted ContentInfos through GnuTLS.
 * Bounds the work (counts, sizes, key-derivation iterations of shrouded keys) before any key is
 * decrypted. Errors name @source and the problem. */
ucp_status ucp_pkcs12_scan(struct ucp_p12_scan *scan, gnutls_pkcs12_t p12, const uint8_t *data,
                           size_t len, const char *password, const char *source);
void ucp_pkcs12_scan_dispose(struct ucp_p12_scan *scan);
/* The checks every PFX goes through after gnutls_pkcs12_import() and before any key is
 * decrypted (checked files and the probe's client certificate alike): the ContentInfos are
 * counted, the MAC's and encrypted bags' key-derivation iterations bounded, an unknown MAC
 * digest refused, and the MAC verified with @password (an empty or absent one as "" and then as
 * none, as Windows and other tools write them). *@pw is the password that opened it (NULL: none),
 * for the decryption that follows. Errors name @source and the problem. */
ucp_status ucp_pkcs12_unlock(gnutls_pkcs12_t p12, const uint8_t *data, size_t len, const char *password,
                             const char *source, const char **pw);
/* UCP_E_LIMIT naming @source when @iter key-derivation iterations (PBKDF2 / PKCS#12 KDF) pass
 * UCP_MAX_PKCS12_ITERATIONS; @what says whose ("the PKCS#12 MAC", "a private key of ..."). */
ucp_status ucp_check_kdf_iterations(unsigned iter, const char *what, const char *source);
/* The same for an EncryptedPrivateKeyInfo (PKCS#8, DER) before it is decrypted; a structure
 * GnuTLS cannot read passes (it stays unreadable). */
ucp_status ucp_check_pkcs8_iterations(const uint8_t *der, size_t len, const char *what, const char *source);
/* Count the ContentInfos of the PFX's AuthenticatedSafe (at most UCP_MAX_PKCS12_CONTENTS) before
 * GnuTLS walks them: each of its bag look-ups decodes the whole AuthenticatedSafe again. */
ucp_status ucp_pkcs12_check_contents(const uint8_t *data, size_t len, const char *source);
/* Call @add for every certificate bag (file order); used when GnuTLS finds no key/certificate
 * pair (a key that belongs to none of the certificates). */
ucp_status ucp_pkcs12_each_certificate(const struct ucp_p12_scan *scan,
                                       ucp_status (*add)(const uint8_t *der, size_t len, void *data),
                                       void *data);
/* The key facts for @leaf (NULL: no certificate). The caller frees them with
 * ucp_key_facts_free(). */
ucp_status ucp_pkcs12_key_facts(struct ucp_key_facts **out, const struct ucp_p12_scan *scan,
                                const ucp_certificate *leaf, const char *password, const char *source);
struct ucp_key_facts *ucp_key_facts_copy(const struct ucp_key_facts *k); /* NULL: no memory */
void ucp_key_facts_free(struct ucp_key_facts *k);

/* ---- certificate template extensions (templates.c) ---------------------------------------- */
/* Decode the template extensions of @c into its template_* fields; a malformed extension is
 * recorded in c->template_problem (the certificate still loads). Fails only when out of memory. */
ucp_status ucp_certificate_decode_templates(ucp_certificate *c);
void ucp_certificate_templates_dispose(ucp_certificate *c);
/* Decode one template extension value (DER) of OID 1.3.6.1.4.1.311.21.7 or .20.2 into @c's
 * template_* fields, as ucp_certificate_decode_templates() does for the certificate's own
 * (tests and fuzzing; other OIDs are ignored). */
ucp_status ucp_template_decode_extension(ucp_certificate *c, const char *oid, const uint8_t *der, size_t len);

/* ---- pool consistency (pool-check.c) ------------------------------------------------------- */
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
ucp_status ucp_pool_compare_build(struct ucp_pool_compare **out, const ucp_input *const *inputs,
                                  size_t count);
void ucp_pool_compare_free(struct ucp_pool_compare *p);

#endif /* UCPOLICY_KEYS_PRIVATE_H */
