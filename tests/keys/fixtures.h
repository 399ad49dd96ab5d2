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

#include <stdint.h>

#define KEYS_PASSWORD "Contoso-Pfx-1"
#define KEYS_FQDN "exch01.contoso.com"
#define KEYS_ACCESS_EDGE "sip.contoso.com"
#define KEYS_WEBCONF_EDGE "webconf.contoso.com"
#define KEYS_TEMPLATE_OID "1.3.6.1.4.1.311.21.8.7638725.13898300.1985460.3383425.7519116.119.16408497.1716211"

/* 0 on success; otherwise prints why on stderr and returns -1. */
int keys_fixtures_write(const char *dir, int64_t now);

#endif
