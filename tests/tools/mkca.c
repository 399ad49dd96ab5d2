/* SPDX-License-Identifier: MIT */
/*
 * mkca: issue an intermediate CA certificate with GnuTLS, with what certtool's templates cannot
 * express: a directoryName name constraint (GnuTLS 3.7 cannot write one either, so the
 * NameConstraints extension is DER-encoded here), or a subject key identifier copied from another
 * certificate (a hostile look-alike that defeats key-identifier matching).
 *
 *   mkca ISSUER.pem ISSUER.key KEY.pem SUBJECT-DN OUT.pem [--permit-dn DN] [--exclude-dn DN]
 *        [--ski-from CERT.pem]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_ < 0) {                                                                             \
            fprintf(stderr, "mkca: %s: %s\n", #x, gnutls_strerror(rc_));                           \
            exit(1);                                                                               \
        }                                                                                          \
    } while (0)

static gnutls_datum_t load(const char *path)
{
    gnutls_datum_t d = {NULL, 0};
    CHECK(gnutls_load_file(path, &d));
    return d;
}

/* Append a DER TLV (tag, length, value) to buf at *n. */
static void tlv(unsigned char *buf, size_t *n, unsigned char tag, const unsigned char *v, size_t len)
{
    buf[(*n)++] = tag;
    if (len < 128) {
        buf[(*n)++] = (unsigned char)len;
    } else if (len < 256) {
        buf[(*n)++] = 0x81;
        buf[(*n)++] = (unsigned char)len;
    } else {
        buf[(*n)++] = 0x82;
        buf[(*n)++] = (unsigned char)(len >> 8);
        buf[(*n)++] = (unsigned char)len;
    }
    memcpy(buf + *n, v, len);
    *n += len;
}

static gnutls_datum_t dn_der(const char *str)
{
    gnutls_x509_dn_t dn;
    gnutls_datum_t out = {NULL, 0};
    const char *err = NULL;
    CHECK(gnutls_x509_dn_init(&dn));
    CHECK(gnutls_x509_dn_set_str(dn, str, &err));
    CHECK(gnutls_x509_dn_export2(dn, GNUTLS_X509_FMT_DER, &out));
    gnutls_x509_dn_deinit(dn);
    return out;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s ISSUER.pem ISSUER.key KEY.pem SUBJECT-DN OUT.pem [options]\n", argv[0]);
        return 2;
    }
    const char *permit = NULL, *exclude = NULL, *ski_from = NULL;
    for (int i = 6; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--permit-dn") == 0)
            permit = argv[i + 1];
        else if (strcmp(argv[i], "--exclude-dn") == 0)
            exclude = argv[i + 1];
        else if (strcmp(argv[i], "--ski-from") == 0)
            ski_from = argv[i + 1];
        else
            return fprintf(stderr, "mkca: unknown option %s\n", argv[i]), 2;
    }
    gnutls_x509_crt_t issuer, crt;
    gnutls_x509_privkey_t issuer_key, key;
    gnutls_datum_t d;
    CHECK(gnutls_x509_crt_init(&issuer));
    d = load(argv[1]);
    CHECK(gnutls_x509_crt_import(issuer, &d, GNUTLS_X509_FMT_PEM));
    gnutls_free(d.data);
    CHECK(gnutls_x509_privkey_init(&issuer_key));
    d = load(argv[2]);
    CHECK(gnutls_x509_privkey_import(issuer_key, &d, GNUTLS_X509_FMT_PEM));
    gnutls_free(d.data);
    CHECK(gnutls_x509_privkey_init(&key));
    d = load(argv[3]);
    CHECK(gnutls_x509_privkey_import(key, &d, GNUTLS_X509_FMT_PEM));
    gnutls_free(d.data);

    CHECK(gnutls_x509_crt_init(&crt));
    CHECK(gnutls_x509_crt_set_version(crt, 3));
    CHECK(gnutls_x509_crt_set_key(crt, key));
    const char *err = NULL;
    CHECK(gnutls_x509_crt_set_dn(crt, argv[4], &err));
    unsigned char serial[16];
    CHECK(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial));
    serial[0] &= 0x7f;
    CHECK(gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
    time_t now = time(NULL);
    CHECK(gnutls_x509_crt_set_activation_time(crt, now - 86400));
    CHECK(gnutls_x509_crt_set_expiration_time(crt, now + 365 * 86400));
    CHECK(gnutls_x509_crt_set_basic_constraints(crt, 1, -1));
    CHECK(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN));
    unsigned char id[64];
    size_t idlen = sizeof id;
    if (ski_from) {
        gnutls_x509_crt_t other;
        CHECK(gnutls_x509_crt_init(&other));
        d = load(ski_from);
        CHECK(gnutls_x509_crt_import(other, &d, GNUTLS_X509_FMT_PEM));
        gnutls_free(d.data);
        unsigned critical = 0;
        CHECK(gnutls_x509_crt_get_subject_key_id(other, id, &idlen, &critical));
        gnutls_x509_crt_deinit(other);
    } else {
        CHECK(gnutls_x509_crt_get_key_id(crt, 0, id, &idlen));
    }
    CHECK(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
    idlen = sizeof id;
    unsigned critical = 0;
    if (gnutls_x509_crt_get_subject_key_id(issuer, id, &idlen, &critical) >= 0)
        CHECK(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));

    if (permit || exclude) {
        /* NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees OPTIONAL,
         *                                 excludedSubtrees [1] GeneralSubtrees OPTIONAL }
         * GeneralSubtree ::= SEQUENCE { base GeneralName, ... }; directoryName is [4] EXPLICIT Name. */
        unsigned char ext[4096], part[2048], sub[2048], gn[2048];
        size_t n = 0;
        const char *dns[2] = {permit, exclude};
        for (int k = 0; k < 2; k++) {
            if (!dns[k])
                continue;
            gnutls_datum_t name = dn_der(dns[k]);
            size_t g = 0, s = 0, p = 0;
            tlv(gn, &g, 0xa4, name.data, name.size);       /* [4] directoryName */
            tlv(sub, &s, 0x30, gn, g);                      /* GeneralSubtree */
            tlv(part, &p, (unsigned char)(0xa0 | k), sub, s); /* [0] permitted / [1] excluded */
            memcpy(ext + n, part, p);
            n += p;
            gnutls_free(name.data);
        }
        unsigned char seq[4096];
        size_t m = 0;
        tlv(seq, &m, 0x30, ext, n);
        CHECK(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.30", seq, m, 1));
    }
    CHECK(gnutls_x509_crt_sign2(crt, issuer, issuer_key, GNUTLS_DIG_SHA256, 0));
    gnutls_datum_t out = {NULL, 0};
    CHECK(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out));
    FILE *f = fopen(argv[5], "wb");
    if (!f || fwrite(out.data, 1, out.size, f) != out.size || fclose(f) != 0) {
        perror(argv[5]);
        return 1;
    }
    gnutls_free(out.data);
    gnutls_x509_crt_deinit(crt);
    gnutls_x509_crt_deinit(issuer);
    gnutls_x509_privkey_deinit(key);
    gnutls_x509_privkey_deinit(issuer_key);
    return 0;
}
