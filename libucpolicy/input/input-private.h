/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_INPUT_PRIVATE_H
#define UCPOLICY_INPUT_PRIVATE_H

/*
 * input/: what a file holds. PEM, DER, PKCS#7 and PKCS#12 into an input (its certificates and
 * the facts of its private keys). Calls x509/ and core/.
 */

#include <gnutls/pkcs12.h>

#include "x509/x509-private.h"

/* ---- limits (documented in README.md, "Limits") ---- */
#define UCP_MAX_CERTIFICATES 100000    /* certificates in one input */
#define UCP_MAX_FOUND_INTERMEDIATES 64 /* ucp_input_add_system_intermediates() per input */
#define UCP_MAX_PKCS12_ITERATIONS 1000000 /* PBKDF2 / PKCS#12 KDF iteration count of one item */
#define UCP_MAX_PKCS12_WORK 4000000       /* the same summed over one file (MAC, contents, keys) */
#define UCP_MAX_PKCS12_CONTENTS 64   /* ContentInfos in the AuthenticatedSafe */
#define UCP_MAX_PKCS12_BAGS 256      /* SafeBags in the whole file */
#define UCP_MAX_PKCS12_KEYS 8        /* private key bags (each may cost a key derivation) */
#define UCP_MAX_BAG_ATTRIBUTES 32    /* attributes of one SafeBag */
#define UCP_MAX_ATTRIBUTE_VALUES 16  /* values of one attribute */

/* ---- inputs (input.c) --------------------------------------------------------------------- */
struct ucp_input {
    char *name;
    ucp_format format;
    ucp_certificate **certs;
    size_t ncerts;
    bool has_key;
    struct ucp_key_facts *key_facts; /* PKCS#12 key facts (pkcs12.c), NULL for other formats */
    /* Intermediates the input does not carry, found for it in the operating system's stores
     * (ucp_input_add_system_intermediates): issuer candidates of path building, never anchors. */
    ucp_certificate **found;
    size_t nfound;
};
/* An input from DER certificates in the order given (a server's presented chain), format "der". */
ucp_status ucp_input_from_der_list(ucp_input **out, const char *name, const struct ucp_bytes *ders, size_t n);

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
 * Bounds the work (counts, sizes, and the file's key-derivation budget, ucp_pkcs12_check_work,
 * checked again here so that no caller can skip it) before anything is decrypted. Errors name
 * @source and the problem. */
ucp_status ucp_pkcs12_scan(struct ucp_p12_scan *scan, gnutls_pkcs12_t p12, const uint8_t *data,
                           size_t len, const char *password, const char *source);
void ucp_pkcs12_scan_dispose(struct ucp_p12_scan *scan);
/* The checks every PFX goes through after gnutls_pkcs12_import() and before any key is
 * decrypted (checked files and the probe's client certificate alike): the ContentInfos are
 * counted, the file's key-derivation work bounded (ucp_pkcs12_check_work), an unknown MAC
 * digest refused, and the MAC verified with @password (an empty or absent one as "" and then as
 * none, as Windows and other tools write them). *@pw is the password that opened it (NULL: none),
 * for the decryption that follows. Errors name @source and the problem. */
ucp_status ucp_pkcs12_unlock(gnutls_pkcs12_t p12, const uint8_t *data, size_t len, const char *password,
                             const char *source, const char **pw);
/* A PFX opened: imported, unlocked, scanned and parsed by GnuTLS (ucp_pkcs12_open). */
struct ucp_p12_opened {
    gnutls_pkcs12_t p12;
    bool imported;            /* false: the bytes are no PKCS#12 structure at all */
    const char *pw;           /* the password that opened it (NULL: none) */
    struct ucp_p12_scan scan; /* every bag, bounded */
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t *chain, *extra;
    unsigned nchain, nextra;
    int parse_ret;            /* gnutls_pkcs12_simple_parse(): 0 or a GnuTLS error the caller judges */
};
/* The one opener of PKCS#12 files (checked files and the probe's client certificate): import,
 * ucp_pkcs12_unlock, ucp_pkcs12_scan, then gnutls_pkcs12_simple_parse with @parse_flags. A
 * wrong password is UCP_E_PASSWORD; other parse errors are left in parse_ret. Errors name
 * @source. Always release with ucp_pkcs12_close (also after an error). */
ucp_status ucp_pkcs12_open(struct ucp_p12_opened *o, const uint8_t *data, size_t len, const char *source,
                           const char *password, unsigned parse_flags);
void ucp_pkcs12_close(struct ucp_p12_opened *o);
/* UCP_E_LIMIT naming @source when @iter key-derivation iterations (PBKDF2 / PKCS#12 KDF) pass
 * UCP_MAX_PKCS12_ITERATIONS; @what says whose ("the PKCS#12 MAC", "a private key of ..."). */
ucp_status ucp_check_kdf_iterations(uint64_t iter, const char *what, const char *source);
/* The key-derivation iterations of an EncryptedPrivateKeyInfo (PKCS#8, DER), read with the DER
 * reader before anything is decrypted, into *@iter; each is bounded by ucp_check_kdf_iterations.
 * An encryption scheme the library cannot read the work of (anything but PBES2 with PBKDF2, the
 * PKCS#12 PBE schemes and PKCS#5 PBES1) is UCP_E_UNSUPPORTED, a malformed structure
 * UCP_E_CORRUPT: what cannot be bounded is never derived. @what says whose key it is. */
ucp_status ucp_pkcs8_iterations(const uint8_t *der, size_t len, const char *what, const char *source,
                                uint64_t *iter);
/* The key-derivation work a PFX declares, read with the DER reader before any of it runs: the
 * MAC's iterations, those of every encrypted ContentInfo and of every shrouded key outside them,
 * each bounded (ucp_check_kdf_iterations) and their sum bounded by UCP_MAX_PKCS12_WORK (keys
 * inside an encrypted ContentInfo are added by ucp_pkcs12_scan once it is decrypted). An
 * encryption scheme that cannot be read is refused. *@work receives the sum; *@nencrypted the
 * number of encrypted ContentInfos (NULL: not wanted). Errors name @source and the problem. */
ucp_status ucp_pkcs12_check_work(const uint8_t *data, size_t len, const char *source, uint64_t *work,
                                 size_t *nencrypted);
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

#endif /* UCPOLICY_INPUT_PRIVATE_H */
