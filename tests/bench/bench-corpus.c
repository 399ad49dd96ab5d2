/* SPDX-License-Identifier: MIT */
/*
 * bench-corpus: write the benchmark's certificates with GnuTLS (tests/bench/README.md).
 *
 *   bench-corpus DIR [LEAVES]
 *
 * DIR/root.pem      RSA-2048 root, self-signed
 * DIR/inter.pem     RSA-2048 intermediate CA, signed by the root
 * DIR/leaves/NNNNN.pem  LEAVES leaf certificates (default 10000), signed by the intermediate:
 *                   every 10th has an ECDSA P-256 key, the others RSA-2048
 * DIR/san/san-N.pem RSA-2048 leaves with N = 1, 10, 100 and 1000 SAN DNS names
 * DIR/manifest      what was generated, and when (the runner regenerates an old corpus)
 *
 * Key generation is not what the benchmark measures: the leaves share a few keys (4 RSA, 2
 * ECDSA). Each leaf is still a distinct certificate (serial, names, signature), so every check
 * parses and verifies a certificate it has not seen before. Each leaf is a realistic Front End
 * Default certificate: CN = the pool FQDN, SAN = pool, server, sip.<domain> and
 * lyncdiscoverinternal.<domain> names, EKU
 * serverAuth + clientAuth, a CRL distribution point and AIA URLs.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_ < 0) {                                                                             \
            fprintf(stderr, "bench-corpus: %s: %s\n", #x, gnutls_strerror(rc_));                   \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static time_t now;

static gnutls_x509_privkey_t genkey(gnutls_pk_algorithm_t algo, unsigned bits)
{
    gnutls_x509_privkey_t k;
    CHECK(gnutls_x509_privkey_init(&k));
    CHECK(gnutls_x509_privkey_generate(k, algo, bits, 0));
    return k;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "bench-corpus: %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

static void write_pem(const char *path, gnutls_x509_crt_t crt)
{
    gnutls_datum_t out = {NULL, 0};
    CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out));
    write_file(path, out.data, out.size);
    gnutls_free(out.data);
}

static void set_serial(gnutls_x509_crt_t crt, unsigned long n)
{
    unsigned char s[8] = {0x01};
    for (int i = 7; i > 0; i--, n >>= 8)
        s[i] = (unsigned char)(n & 0xff);
    CHECK(gnutls_x509_crt_set_serial(crt, s, sizeof s));
}

static gnutls_x509_crt_t new_crt(gnutls_x509_privkey_t key, const char *dn, unsigned long serial,
                                 long days)
{
    gnutls_x509_crt_t crt;
    const char *err = NULL;
    CHECK(gnutls_x509_crt_init(&crt));
    CHECK(gnutls_x509_crt_set_version(crt, 3));
    CHECK(gnutls_x509_crt_set_dn(crt, dn, &err));
    CHECK(gnutls_x509_crt_set_key(crt, key));
    set_serial(crt, serial);
    CHECK(gnutls_x509_crt_set_activation_time(crt, now - 86400));
    CHECK(gnutls_x509_crt_set_expiration_time(crt, now + days * 86400));
    unsigned char id[64];
    size_t idlen = sizeof id;
    CHECK(gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA1, id, &idlen));
    CHECK(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
    return crt;
}

static void set_issuer_ids(gnutls_x509_crt_t crt, gnutls_x509_crt_t issuer)
{
    unsigned char id[64];
    size_t idlen = sizeof id;
    unsigned critical;
    CHECK(gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, &critical));
    CHECK(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
}

/* A Front End Default certificate (CN = pool; SAN = pool, server, sip.<domain>,
 * lyncdiscoverinternal.<domain>) with @extra further names. */
static gnutls_x509_crt_t leaf(gnutls_x509_privkey_t key, bool ecdsa, unsigned long serial,
                              const char *tag, unsigned extra, gnutls_x509_crt_t issuer)
{
    gnutls_x509_crt_t crt = new_crt(key, "CN=pool01.contoso.com,O=Contoso Bench,C=US", serial, 397);
    static const char *const fixed[] = {"pool01.contoso.com", "fe01.contoso.com", "sip.contoso.com",
                                        "lyncdiscoverinternal.contoso.com"};
    for (size_t i = 0; i < 4; i++)
        CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, fixed[i], (unsigned)strlen(fixed[i]),
                                                   GNUTLS_FSAN_APPEND));
    for (unsigned i = 0; i < extra; i++) {
        char name[96];
        int n = snprintf(name, sizeof name, "%s-%04u.contoso.com", tag, i);
        CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, name, (unsigned)n,
                                                   GNUTLS_FSAN_APPEND));
    }
    CHECK(gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
    CHECK(gnutls_x509_crt_set_key_usage(crt, ecdsa ? GNUTLS_KEY_DIGITAL_SIGNATURE
                                                   : GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT));
    CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
    CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
    CHECK(gnutls_x509_crt_set_crl_dist_points(crt, GNUTLS_SAN_URI, "http://pki.contoso.com/bench-inter.crl", 0));
    static const char ocsp[] = "http://ocsp.contoso.com/";
    static const char ca_issuers[] = "http://pki.contoso.com/bench-inter.crt";
    gnutls_datum_t d = {(unsigned char *)ocsp, sizeof ocsp - 1};
    CHECK(gnutls_x509_crt_set_authority_info_access(crt, GNUTLS_IA_OCSP_URI, &d));
    d.data = (unsigned char *)ca_issuers;
    d.size = sizeof ca_issuers - 1;
    CHECK(gnutls_x509_crt_set_authority_info_access(crt, GNUTLS_IA_CAISSUERS_URI, &d));
    set_issuer_ids(crt, issuer);
    return crt;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench-corpus DIR [LEAVES]\n");
        return 2;
    }
    const char *dir = argv[1];
    long nleaves = argc == 3 ? strtol(argv[2], NULL, 10) : 10000;
    if (nleaves < 1 || nleaves > 1000000) {
        fprintf(stderr, "bench-corpus: LEAVES must be 1 to 1000000\n");
        return 2;
    }
    CHECK(gnutls_global_init());
    now = time(NULL);
    char path[4096];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/leaves", dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/san", dir);
    mkdir(path, 0755);

    gnutls_x509_privkey_t root_key = genkey(GNUTLS_PK_RSA, 2048);
    gnutls_x509_privkey_t inter_key = genkey(GNUTLS_PK_RSA, 2048);
    gnutls_x509_privkey_t rsa[4], ec[2];
    for (int i = 0; i < 4; i++)
        rsa[i] = genkey(GNUTLS_PK_RSA, 2048);
    for (int i = 0; i < 2; i++)
        ec[i] = genkey(GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));

    gnutls_x509_crt_t root = new_crt(root_key, "CN=Contoso Bench Root CA,O=Contoso Bench,C=US", 1, 3650);
    CHECK(gnutls_x509_crt_set_basic_constraints(root, 1, -1));
    CHECK(gnutls_x509_crt_set_key_usage(root, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
    CHECK(gnutls_x509_crt_sign2(root, root, root_key, GNUTLS_DIG_SHA256, 0));
    snprintf(path, sizeof path, "%s/root.pem", dir);
    write_pem(path, root);

    gnutls_x509_crt_t inter = new_crt(inter_key, "CN=Contoso Bench Issuing CA 1,O=Contoso Bench,C=US", 2, 1825);
    CHECK(gnutls_x509_crt_set_basic_constraints(inter, 1, 0));
    CHECK(gnutls_x509_crt_set_key_usage(inter, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN |
                                                   GNUTLS_KEY_DIGITAL_SIGNATURE));
    set_issuer_ids(inter, root);
    CHECK(gnutls_x509_crt_sign2(inter, root, root_key, GNUTLS_DIG_SHA256, 0));
    snprintf(path, sizeof path, "%s/inter.pem", dir);
    write_pem(path, inter);

    long necdsa = 0;
    for (long i = 0; i < nleaves; i++) {
        bool ecdsa = i % 10 == 9;
        necdsa += ecdsa;
        char tag[32];
        snprintf(tag, sizeof tag, "srv%05ld", i);
        gnutls_x509_crt_t crt = leaf(ecdsa ? ec[i % 2] : rsa[i % 4], ecdsa, 1000 + (unsigned long)i, tag, 1, inter);
        CHECK(gnutls_x509_crt_sign2(crt, inter, inter_key, GNUTLS_DIG_SHA256, 0));
        snprintf(path, sizeof path, "%s/leaves/%05ld.pem", dir, i);
        write_pem(path, crt);
        gnutls_x509_crt_deinit(crt);
    }
    /* SAN scaling: N names in all (the four fixed ones included, so san-1 has exactly one). */
    static const unsigned counts[] = {1, 10, 100, 1000};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        gnutls_x509_crt_t crt;
        if (counts[k] == 1) {
            crt = new_crt(rsa[0], "CN=pool01.contoso.com,O=Contoso Bench,C=US", 900 + k, 397);
            CHECK(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "pool01.contoso.com", 18,
                                                       GNUTLS_FSAN_APPEND));
            CHECK(gnutls_x509_crt_set_basic_constraints(crt, 0, -1));
            CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT));
            CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
            CHECK(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0));
            set_issuer_ids(crt, inter);
        } else {
            crt = leaf(rsa[0], false, 900 + k, "name", counts[k] - 4, inter);
        }
        CHECK(gnutls_x509_crt_sign2(crt, inter, inter_key, GNUTLS_DIG_SHA256, 0));
        snprintf(path, sizeof path, "%s/san/san-%u.pem", dir, counts[k]);
        write_pem(path, crt);
        gnutls_x509_crt_deinit(crt);
    }
    snprintf(path, sizeof path, "%s/manifest", dir);
    char text[256];
    int n = snprintf(text, sizeof text, "version 1\ncreated %lld\nleaves %ld\necdsa %ld\n", (long long)now,
                     nleaves, necdsa);
    write_file(path, text, (size_t)n);

    gnutls_x509_crt_deinit(root);
    gnutls_x509_crt_deinit(inter);
    gnutls_x509_privkey_deinit(root_key);
    gnutls_x509_privkey_deinit(inter_key);
    for (int i = 0; i < 4; i++)
        gnutls_x509_privkey_deinit(rsa[i]);
    for (int i = 0; i < 2; i++)
        gnutls_x509_privkey_deinit(ec[i]);
    gnutls_global_deinit();
    return 0;
}
