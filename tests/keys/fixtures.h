/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_TESTS_KEYS_FIXTURES_H
#define UCPOLICY_TESTS_KEYS_FIXTURES_H

/*
 * The files of the 'keys' suite, made at test time (no binary fixture is committed):
 * certificates with GnuTLS, PKCS#12 files with the GnuTLS PKCS#12 API and - for what GnuTLS
 * cannot write (the Microsoft CSP name attribute, malformed attributes, small KDF iteration
 * counts that keep valgrind runs short) - with libtasn1 and libucpolicy's ASN.1 module.
 *
 * keys_fixtures_write(DIR, NOW) writes every file listed in fixtures.c into DIR, valid around
 * NOW (Unix time). Every PKCS#12 file's password is KEYS_PASSWORD.
 */

#include <stddef.h>
#include <stdint.h>

#include <gnutls/x509.h>

#define KEYS_PASSWORD "Contoso-Pfx-1"
#define KEYS_FQDN "exch01.contoso.com"
#define KEYS_ACCESS_EDGE "sip.contoso.com"
#define KEYS_WEBCONF_EDGE "webconf.contoso.com"
#define KEYS_TEMPLATE_OID "1.3.6.1.4.1.311.21.8.7638725.13898300.1985460.3383425.7519116.119.16408497.1716211"

/* 0 on success; otherwise prints why on stderr and returns -1. */
int keys_fixtures_write(const char *dir, int64_t now);

/*
 * One PKCS#12 file as Windows and OpenSSL 3 export it, for other generators (tests/certgen): the
 * private key, when given, in a pkcs8ShroudedKeyBag of a data ContentInfo with a localKeyId, the
 * friendly name and, when @csp is set, the Microsoft CSP name attribute (1.3.6.1.4.1.311.17.1,
 * which GnuTLS cannot write); then the certificates, in the order given, in an encrypted
 * ContentInfo, the one at @leaf carrying the key's localKeyId and friendly name. Encryption is
 * PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) with @iterations, the MAC SHA-256 with @mac_iterations.
 */
struct keys_pfx {
    const char *password;             /* UTF-8; ASCII only */
    gnutls_x509_privkey_t key;        /* NULL: no private key */
    const char *csp;                  /* Microsoft CSP / KSP name; NULL: no attribute */
    const char *friendly;             /* friendlyName of the key and its certificate; NULL: none */
    const gnutls_x509_crt_t *certs;   /* at most 300 */
    size_t ncerts;
    size_t leaf;                      /* index in certs of the key's certificate */
    unsigned long iterations;
    unsigned long mac_iterations;
};

/* Write @path; on failure prints why on stderr and exits with status 99. */
void keys_write_pfx(const char *path, const struct keys_pfx *spec);

#endif
