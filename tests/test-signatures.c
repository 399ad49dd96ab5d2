/* SPDX-License-Identifier: MIT */
/*
 * The signature fast path and the checker's signature cache (sigcache.c), against the reference
 * (gnutls_x509_crt_verify), which also applies the issuer's name constraints (the fast path does
 * not: they are the rule chain.name-constraints; checked here too): for every ordered pair of a
 * set of certificates made here with GnuTLS (RSA, ECDSA, Ed25519 and RSA-PSS keys; SHA-1, SHA-256,
 * SHA-384 and SHA-512; an RSA issuer whose modulus is not a whole number of 64-bit words; a
 * look-alike issuer with the same name, and one with a key of another size; a tampered signature;
 * a mismatched key type), ucp_certificate_check_signature() and ucp_trust_verify_signature()
 * (cold, then cached, then from two threads) give exactly the reference's answer; and the import
 * of big-endian integers into GMP (ucp_mpz_set_be) equals GMP's own. Linked with the static twin
 * of the library (internals).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "tap-gnutls.h"
#include "check/check-private.h"

#define MAXC 20
static ucp_certificate *certs[MAXC];
static const char *names[MAXC];
static size_t ncerts;

static gnutls_x509_privkey_t key(gnutls_pk_algorithm_t algo, unsigned bits)
{
    gnutls_x509_privkey_t k;
    GT(gnutls_x509_privkey_init(&k));
    GT(gnutls_x509_privkey_generate(k, algo, bits, 0));
    return k;
}

/* Issue a certificate for @k named @dn by (@issuer, @ikey) (NULL: self-signed), and keep it.
 * @tamper flips a bit of the signature. */
static gnutls_x509_crt_t issue(const char *name, gnutls_x509_privkey_t k, const char *dn, gnutls_x509_crt_t issuer,
                               gnutls_x509_privkey_t ikey, gnutls_digest_algorithm_t dig, unsigned sign_flags,
                               bool ca, bool ids, bool tamper)
{
    static unsigned char serial = 1;
    gnutls_x509_crt_t crt;
    const char *err = NULL;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    GT(gnutls_x509_crt_set_dn(crt, dn, &err));
    GT(gnutls_x509_crt_set_key(crt, k));
    unsigned char s[2] = {1, serial++};
    GT(gnutls_x509_crt_set_serial(crt, s, sizeof s));
    time_t now = time(NULL);
    GT(gnutls_x509_crt_set_activation_time(crt, now - 3600));
    GT(gnutls_x509_crt_set_expiration_time(crt, now + 86400));
    GT(gnutls_x509_crt_set_basic_constraints(crt, ca, -1));
    if (ids) {
        unsigned char id[64];
        size_t idlen = sizeof id;
        GT(gnutls_x509_privkey_get_key_id(k, 0, id, &idlen));
        GT(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
        if (issuer) {
            idlen = sizeof id;
            unsigned critical;
            if (gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, &critical) >= 0)
                GT(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
        }
    }
    gnutls_privkey_t pk;
    GT(gnutls_privkey_init(&pk));
    GT(gnutls_privkey_import_x509(pk, ikey ? ikey : k, 0));
    GT(gnutls_x509_crt_privkey_sign(crt, issuer ? issuer : crt, pk, dig, sign_flags));
    gnutls_privkey_deinit(pk);
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
    if (tamper)
        der.data[der.size - 5] ^= 0x10;
    ucp_certificate *c = NULL;
    if (ucp_certificate_from_der(&c, der.data, der.size, name, 0) != UCP_OK) {
        fprintf(stderr, "%s: %s\n", name, ucp_error_message(ucp_error_last()));
        exit(TAP_SETUP_FAILURE);
    }
    gnutls_free(der.data);
    certs[ncerts] = c;
    names[ncerts] = name;
    ncerts++;
    return crt;
}

struct hammer {
    ucp_checker *checker;
    bool *expected;
    size_t mismatches;
};

static void *hammer(void *arg)
{
    struct hammer *h = arg;
    for (int round = 0; round < 20; round++)
        for (size_t i = 0; i < ncerts; i++)
            for (size_t j = 0; j < ncerts; j++)
                if (i != j && ucp_trust_verify_signature(&h->checker->trust, certs[i], certs[j]) != h->expected[i * ncerts + j])
                    h->mismatches++;
    return NULL;
}

/* ucp_mpz_set_be (signatures, moduli, exponents) against GMP's byte-wise import, for every length
 * up to 70 bytes (whole words and every partial first word), leading zero bytes, and the longest
 * length read by words and the first one past it. */
static void test_mpz_set_be(void)
{
    uint8_t buf[1030];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 37 + 11);
    buf[1] = 0; /* a zero byte inside the leading word */
    static const size_t long_lens[] = {255, 256, 257, 1024, 1025, 1030};
    size_t bad = 0, tried = 0;
    mpz_t a, b;
    mpz_inits(a, b, NULL);
    for (size_t k = 0; k < 70 + UCP_ARRAY_SIZE(long_lens); k++) {
        size_t len = k < 70 ? k + 1 : long_lens[k - 70];
        for (size_t zeros = 0; zeros < 3 && zeros < len; zeros++) {
            uint8_t v[sizeof buf];
            memcpy(v, buf, len);
            memset(v, 0, zeros);
            ucp_mpz_set_be(a, v, len);
            mpz_import(b, len, 1, 1, 1, 0, v);
            bad += mpz_cmp(a, b) != 0;
            tried++;
        }
    }
    mpz_clears(a, b, NULL);
    CHECK(bad == 0, "ucp_mpz_set_be equals GMP's byte-wise import (%zu lengths and leading zeros)", tried);
}

int main(void)
{
    GT(gnutls_global_init());
    test_mpz_set_be();
    gnutls_x509_privkey_t rsa_root = key(GNUTLS_PK_RSA, 2048), rsa_inter = key(GNUTLS_PK_RSA, 2048),
                          rsa_leaf = key(GNUTLS_PK_RSA, 2048), ec_ca = key(GNUTLS_PK_ECDSA, 256),
                          ec_leaf = key(GNUTLS_PK_ECDSA, 256), ed_ca = key(GNUTLS_PK_EDDSA_ED25519, 256),
                          rsa_other = key(GNUTLS_PK_RSA, 2048), rsa_odd = key(GNUTLS_PK_RSA, 2088);
    const char *root_dn = "CN=Test Root", *inter_dn = "CN=Test Inter", *ec_dn = "CN=Test EC CA",
               *ed_dn = "CN=Test Ed CA";
    gnutls_x509_crt_t root = issue("root", rsa_root, root_dn, NULL, NULL, GNUTLS_DIG_SHA256, 0, true, true, false);
    gnutls_x509_crt_t inter =
        issue("inter", rsa_inter, inter_dn, root, rsa_root, GNUTLS_DIG_SHA256, 0, true, true, false);
    gnutls_x509_crt_t ec = issue("ec-ca", ec_ca, ec_dn, root, rsa_root, GNUTLS_DIG_SHA256, 0, true, true, false);
    gnutls_x509_crt_t ed = issue("ed-ca", ed_ca, ed_dn, NULL, NULL, GNUTLS_DIG_SHA512, 0, true, true, false);
    /* A look-alike of the intermediate: same name, another key, no key identifiers (so the names
     * alone decide the issuer test). */
    gnutls_x509_crt_t lookalike =
        issue("lookalike-inter", rsa_other, inter_dn, root, rsa_root, GNUTLS_DIG_SHA256, 0, true, false, false);
    gnutls_x509_crt_t odd =
        issue("odd-ca", rsa_odd, "CN=Test Odd CA", root, rsa_root, GNUTLS_DIG_SHA256, 0, true, true, false);
    /* The intermediate's name with a key of another size: its leaves' signatures are not as long
     * as this modulus (refused before any arithmetic, as GnuTLS does). */
    gnutls_x509_crt_t odd_lookalike =
        issue("odd-lookalike-inter", rsa_odd, inter_dn, root, rsa_root, GNUTLS_DIG_SHA256, 0, true, false, false);
    gnutls_x509_crt_t t[12];
    size_t nt = 0;
    t[nt++] = issue("leaf-sha256", rsa_leaf, "CN=leaf1", inter, rsa_inter, GNUTLS_DIG_SHA256, 0, false, false, false);
    t[nt++] = issue("leaf-sha384", rsa_leaf, "CN=leaf8", inter, rsa_inter, GNUTLS_DIG_SHA384, 0, false, false, false);
    t[nt++] = issue("leaf-sha512", rsa_leaf, "CN=leaf9", inter, rsa_inter, GNUTLS_DIG_SHA512, 0, false, false, false);
    t[nt++] = issue("leaf-by-odd", rsa_leaf, "CN=leaf10", odd, rsa_odd, GNUTLS_DIG_SHA256, 0, false, true, false);
    t[nt++] = issue("leaf-sha1", rsa_leaf, "CN=leaf2", inter, rsa_inter, GNUTLS_DIG_SHA1, 0, false, false, false);
    t[nt++] = issue("leaf-tampered", rsa_leaf, "CN=leaf3", inter, rsa_inter, GNUTLS_DIG_SHA256, 0, false, false, true);
    t[nt++] = issue("leaf-pss", rsa_leaf, "CN=leaf4", inter, rsa_inter, GNUTLS_DIG_SHA256,
                    GNUTLS_PRIVKEY_SIGN_FLAG_RSA_PSS, false, false, false);
    t[nt++] = issue("leaf-ecdsa", ec_leaf, "CN=leaf5", ec, ec_ca, GNUTLS_DIG_SHA256, 0, false, true, false);
    t[nt++] = issue("leaf-ed25519", ec_leaf, "CN=leaf6", ed, ed_ca, GNUTLS_DIG_SHA512, 0, false, true, false);
    t[nt++] = issue("leaf-by-lookalike", rsa_leaf, "CN=leaf7", lookalike, rsa_other, GNUTLS_DIG_SHA256, 0, false,
                    false, false);
    t[nt++] = issue("root-tampered", rsa_root, root_dn, NULL, NULL, GNUTLS_DIG_SHA256, 0, true, true, true);

    /* Every ordered pair of distinct certificates: the fast path agrees with the reference. */
    bool *expected = calloc(ncerts * ncerts, sizeof *expected);
    size_t pairs = 0, agree = 0, valid = 0;
    for (size_t i = 0; i < ncerts; i++) {
        for (size_t j = 0; j < ncerts; j++) {
            if (i == j)
                continue;
            bool ref = ucp_certificate_verify_signature(certs[i], certs[j]);
            bool fast = ucp_certificate_check_signature(certs[i], certs[j]);
            expected[i * ncerts + j] = ref;
            pairs++;
            valid += ref;
            if (ref == fast)
                agree++;
            else
                printf("# %s by %s: reference %d, fast path %d\n", names[i], names[j], ref, fast);
        }
    }
    CHECK(agree == pairs, "fast path = gnutls_x509_crt_verify on %zu pairs (%zu valid)", pairs, valid);
    /* The expected valid edges are there (the set is what it claims to be). */
    CHECK(valid >= 12, "the valid edges verify (inter, ec-ca, lookalike, the odd CAs by root; leaves by their issuers)");
    /* The RSA PKCS#1 v1.5 signatures with SHA-2 went through nettle with the issuer's key kept
     * (verify_rsa_pkcs1), not through GnuTLS's fallback. */
    for (size_t i = 0; i < ncerts; i++)
        if (strcmp(names[i], "inter") == 0 || strcmp(names[i], "odd-ca") == 0 ||
            strcmp(names[i], "odd-lookalike-inter") == 0)
            CHECK(atomic_load(&certs[i]->rsa_key) != NULL, "%s: its RSA key is kept for nettle", names[i]);

    /* Name constraints: gnutls_x509_crt_verify applies the issuer's, and reports a violation with
     * GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE as a failed verification. They are a rule of their own
     * here (chain.name-constraints), so the fast path answers for the signature alone: it verifies,
     * unless the signature itself is bad. */
    {
        gnutls_x509_crt_t nc_ca;
        gnutls_x509_name_constraints_t nc;
        GT(gnutls_x509_name_constraints_init(&nc));
        const gnutls_datum_t permitted = {(unsigned char *)"contoso.com", 11};
        GT(gnutls_x509_name_constraints_add_permitted(nc, GNUTLS_SAN_DNSNAME, &permitted));
        const char *err = NULL;
        GT(gnutls_x509_crt_init(&nc_ca));
        GT(gnutls_x509_crt_set_version(nc_ca, 3));
        GT(gnutls_x509_crt_set_dn(nc_ca, "CN=Test NC CA", &err));
        GT(gnutls_x509_crt_set_key(nc_ca, rsa_other));
        unsigned char serial[2] = {2, 1};
        GT(gnutls_x509_crt_set_serial(nc_ca, serial, sizeof serial));
        GT(gnutls_x509_crt_set_activation_time(nc_ca, time(NULL) - 3600));
        GT(gnutls_x509_crt_set_expiration_time(nc_ca, time(NULL) + 86400));
        GT(gnutls_x509_crt_set_basic_constraints(nc_ca, 1, -1));
        GT(gnutls_x509_crt_set_name_constraints(nc_ca, nc, 1));
        GT(gnutls_x509_crt_sign2(nc_ca, nc_ca, rsa_other, GNUTLS_DIG_SHA256, 0));
        gnutls_datum_t der = {NULL, 0};
        GT(gnutls_x509_crt_export2(nc_ca, GNUTLS_X509_FMT_DER, &der));
        ucp_certificate *ca = NULL, *inside = NULL, *outside = NULL, *outside_bad = NULL;
        if (ucp_certificate_from_der(&ca, der.data, der.size, "nc-ca", 0) != UCP_OK)
            exit(TAP_SETUP_FAILURE);
        gnutls_free(der.data);
        const char *hosts[3] = {"www.contoso.com", "www.fabrikam.com", "www.fabrikam.com"};
        ucp_certificate **out[3] = {&inside, &outside, &outside_bad};
        for (int k = 0; k < 3; k++) {
            gnutls_x509_crt_t leaf_crt;
            GT(gnutls_x509_crt_init(&leaf_crt));
            GT(gnutls_x509_crt_set_version(leaf_crt, 3));
            GT(gnutls_x509_crt_set_dn(leaf_crt, "CN=nc leaf", &err));
            GT(gnutls_x509_crt_set_key(leaf_crt, rsa_leaf));
            unsigned char s2[2] = {3, (unsigned char)k};
            GT(gnutls_x509_crt_set_serial(leaf_crt, s2, sizeof s2));
            GT(gnutls_x509_crt_set_activation_time(leaf_crt, time(NULL) - 3600));
            GT(gnutls_x509_crt_set_expiration_time(leaf_crt, time(NULL) + 86400));
            GT(gnutls_x509_crt_set_subject_alt_name(leaf_crt, GNUTLS_SAN_DNSNAME, hosts[k], (unsigned)strlen(hosts[k]),
                                                    GNUTLS_FSAN_APPEND));
            GT(gnutls_x509_crt_sign2(leaf_crt, nc_ca, rsa_other, GNUTLS_DIG_SHA256, 0));
            GT(gnutls_x509_crt_export2(leaf_crt, GNUTLS_X509_FMT_DER, &der));
            if (k == 2)
                der.data[der.size - 5] ^= 0x10;
            if (ucp_certificate_from_der(out[k], der.data, der.size, hosts[k], 0) != UCP_OK)
                exit(TAP_SETUP_FAILURE);
            gnutls_free(der.data);
            gnutls_x509_crt_deinit(leaf_crt);
        }
        unsigned status = 0;
        gnutls_x509_crt_t ca_crt = ucp_certificate_crt(ca);
        gnutls_x509_crt_verify(ucp_certificate_crt(outside), &ca_crt, 1,
                               GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                   GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                               &status);
        CHECK(ucp_certificate_check_signature(inside, ca) && ucp_certificate_verify_signature(inside, ca),
              "a leaf within the issuer's name constraints: verifies both ways");
        CHECK(ucp_certificate_check_signature(outside, ca) && !(status & GNUTLS_CERT_SIGNATURE_FAILURE),
              "a leaf outside them: its signature verifies (GnuTLS's status %#x flags only the constraints)",
              status);
        CHECK(!ucp_certificate_check_signature(outside_bad, ca) && !ucp_certificate_verify_signature(outside_bad, ca),
              "a leaf outside them with a bad signature: fails both ways");
        ucp_certificate_unref(ca);
        ucp_certificate_unref(inside);
        ucp_certificate_unref(outside);
        ucp_certificate_unref(outside_bad);
        gnutls_x509_crt_deinit(nc_ca);
        gnutls_x509_name_constraints_deinit(nc);
    }

    ucp_checker *checker = NULL;
    CHECK(ucp_checker_new(&checker) == UCP_OK, "a checker (default signature cache)");
    size_t cached = 0, warm = 0;
    for (size_t i = 0; i < ncerts; i++)
        for (size_t j = 0; j < ncerts; j++)
            if (i != j)
                cached += ucp_trust_verify_signature(&checker->trust, certs[i], certs[j]) == expected[i * ncerts + j];
    for (size_t i = 0; i < ncerts; i++)
        for (size_t j = 0; j < ncerts; j++)
            if (i != j)
                warm += ucp_trust_verify_signature(&checker->trust, certs[i], certs[j]) == expected[i * ncerts + j];
    uint64_t hits = 0, misses = 0;
    ucp_sigcache_stats(checker->trust.sigcache, &hits, &misses);
    CHECK(cached == pairs && warm == pairs, "through the cache, cold and warm: the reference's answers");
    CHECK(misses == pairs && hits == pairs, "each pair verified once, then answered by the cache (%llu hits, %llu misses)",
       (unsigned long long)hits, (unsigned long long)misses);

    /* A tiny cache (one set of 8): constant eviction, same answers, from two threads at once. */
    CHECK(ucp_checker_set_signature_cache_size(checker, 8) == UCP_OK, "a cache of 8 entries");
    struct hammer h[2] = {{checker, expected, 0}, {checker, expected, 0}};
    pthread_t th[2];
    for (int k = 0; k < 2; k++)
        pthread_create(&th[k], NULL, hammer, &h[k]);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    CHECK(h[0].mismatches == 0 && h[1].mismatches == 0, "two threads through an evicting cache: no wrong answer");
    CHECK(ucp_checker_set_signature_cache_size(checker, UCP_SIGCACHE_MAX_ENTRIES + 1u) == UCP_E_INVALID_ARGUMENT &&
           ucp_checker_set_signature_cache_size(checker, 0) == UCP_OK && checker->trust.sigcache == NULL &&
           ucp_checker_set_signature_cache_size(NULL, 8) == UCP_E_INVALID_ARGUMENT,
       "cache size: too large refused, 0 turns it off, NULL checker refused");

    ucp_checker_free(checker);
    free(expected);
    for (size_t i = 0; i < ncerts; i++)
        ucp_certificate_unref(certs[i]);
    gnutls_x509_crt_t all[] = {root, inter, ec, ed, lookalike, odd, odd_lookalike};
    for (size_t i = 0; i < UCP_ARRAY_SIZE(all); i++)
        gnutls_x509_crt_deinit(all[i]);
    for (size_t i = 0; i < nt; i++)
        gnutls_x509_crt_deinit(t[i]);
    gnutls_x509_privkey_t keys[] = {rsa_root, rsa_inter, rsa_leaf, ec_ca, ec_leaf, ed_ca, rsa_other, rsa_odd};
    for (size_t i = 0; i < UCP_ARRAY_SIZE(keys); i++)
        gnutls_x509_privkey_deinit(keys[i]);
    gnutls_global_deinit();
    return tap_done();
}
