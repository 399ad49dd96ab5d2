/* SPDX-License-Identifier: MIT */
/*
 * CRL loading and use: ucp_checker_add_crl_data() on arbitrary bytes (PEM or DER), which the
 * library reads itself (trust/crl.c: the PEM blocks, then the DER index built with its DER
 * reader); when they load, the example certificates are checked offline against them, so the
 * serial index, the signature check and the timeliness rules run on what was parsed. A
 * certificate is "good" only with a CRL signed by its issuer.
 *
 * A mutated CRL never verifies, so on its own this target stops at the signature check. Each
 * input is therefore given a second time re-signed: its TBSCertList (the first element of the
 * outer SEQUENCE), with the issuer and signature algorithm replaced by those of a CA made at
 * start-up from a fixed ECDSA key embedded below, is signed with that key, and a leaf that CA
 * issued is checked against it. What comes after the signature check (the serial index, the
 * timeliness rules, revoked and good) is then reached by whatever the fuzzer makes of the rest.
 */
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ucpolicy.h"
#include "fuzz.h"

#ifndef UCP_FUZZ_EXAMPLES
#define UCP_FUZZ_EXAMPLES "examples/certs"
#endif

static ucp_input *root, *leaf;

/* The re-signing CA: a throwaway key for this test only (P-256), fixed so that every run and
 * every replay signs alike. */
static const char fuzz_ca_key[] = "-----BEGIN EC PRIVATE KEY-----\n"
                                  "MHcCAQEEID0MRgNGBfDviZ+trztr3Ags0qrxiM064w4HzfaxnUbXoAoGCCqGSM49\n"
                                  "AwEHoUQDQgAE1thP50DopvkK4zwZU3r0l30Mhh+puDlTuoaEw330VUlK++8LtMv/\n"
                                  "0ZI2s97ElZfAkwOu7M9/I0gJ5pGEQ3GHvA==\n"
                                  "-----END EC PRIVATE KEY-----\n";
/* AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), no parameters. */
static const uint8_t ecdsa_sha256[] = {0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
static gnutls_privkey_t ca_key;
static gnutls_datum_t ca_name; /* the CA's subject, DER */
static ucp_input *own_ca, *own_leaf;

static ucp_input *load(const char *name)
{
    char path[4096];
    const char *dir = getenv("UCP_FUZZ_EXAMPLES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : UCP_FUZZ_EXAMPLES, name);
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path, NULL) != UCP_OK) {
        fprintf(stderr, "fuzz-crl: %s\n", ucp_error_message(ucp_error_last()));
        exit(1);
    }
    return in;
}

static void need(int ret, const char *what)
{
    if (ret < 0) {
        fprintf(stderr, "fuzz-crl: %s: %s\n", what, gnutls_strerror(ret));
        exit(1);
    }
}

/* A certificate for @key: the CA (self-signed) when @ca is NULL, else a leaf it issued. */
static ucp_input *make_cert(gnutls_x509_privkey_t key, gnutls_x509_crt_t *out, gnutls_x509_crt_t ca,
                            gnutls_x509_privkey_t ca_priv, const char *name)
{
    gnutls_x509_crt_t crt;
    need(gnutls_x509_crt_init(&crt), "crt_init");
    const unsigned char serial[] = {ca ? 0x42 : 0x01};
    need(gnutls_x509_crt_set_version(crt, 3), "set_version");
    need(gnutls_x509_crt_set_serial(crt, serial, sizeof serial), "set_serial");
    need(gnutls_x509_crt_set_activation_time(crt, (time_t)(FUZZ_TIME - 86400 * 30)), "activation");
    need(gnutls_x509_crt_set_expiration_time(crt, (time_t)(FUZZ_TIME + 86400 * 300)), "expiration");
    need(gnutls_x509_crt_set_dn(crt, ca ? "CN=exch01.contoso.com,O=Contoso" : "CN=Fuzz CRL CA,O=Contoso", NULL),
         "set_dn");
    need(gnutls_x509_crt_set_key(crt, key), "set_key");
    if (ca) {
        need(gnutls_x509_crt_set_basic_constraints(crt, 0, -1), "basic_constraints");
        need(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "key_usage");
        need(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "exch01.contoso.com", 18,
                                                  GNUTLS_FSAN_SET), "san");
        need(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0), "eku");
        need(gnutls_x509_crt_set_crl_dist_points(crt, GNUTLS_SAN_URI, "http://127.0.0.1:9/fuzz.crl", 0), "cdp");
        need(gnutls_x509_crt_sign2(crt, ca, ca_priv, GNUTLS_DIG_SHA256, 0), "sign leaf");
    } else {
        need(gnutls_x509_crt_set_basic_constraints(crt, 1, -1), "basic_constraints");
        need(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN), "key_usage");
        need(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign ca");
    }
    gnutls_datum_t der = {NULL, 0};
    need(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der), "export");
    ucp_input *in = NULL;
    if (ucp_input_from_data(&in, der.data, der.size, name, NULL) != UCP_OK) {
        fprintf(stderr, "fuzz-crl: %s\n", ucp_error_message(ucp_error_last()));
        exit(1);
    }
    gnutls_free(der.data);
    *out = crt;
    return in;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    root = load("contoso-root.pem");
    leaf = load("exchange-um.pem");
    gnutls_x509_privkey_t key;
    gnutls_x509_crt_t ca, lf;
    gnutls_datum_t pem = {(unsigned char *)fuzz_ca_key, sizeof fuzz_ca_key - 1};
    need(gnutls_x509_privkey_init(&key), "privkey_init");
    need(gnutls_x509_privkey_import(key, &pem, GNUTLS_X509_FMT_PEM), "privkey_import");
    own_ca = make_cert(key, &ca, NULL, NULL, "fuzz-ca.der");
    own_leaf = make_cert(key, &lf, ca, key, "fuzz-leaf.der");
    need(gnutls_x509_crt_get_raw_dn(ca, &ca_name), "raw_dn");
    need(gnutls_privkey_init(&ca_key), "privkey_init");
    need(gnutls_privkey_import_x509(ca_key, key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE), "privkey_import_x509");
    gnutls_x509_crt_deinit(ca);
    gnutls_x509_crt_deinit(lf);
    return 0;
}

/* ---- a small DER reader and writer for the re-signing (definite lengths only) ---------------- */

/* The TLV at @p within @left bytes: its contents and whole length; false when there is none. */
static bool tlv_at(const uint8_t *p, size_t left, const uint8_t **value, size_t *len, size_t *total)
{
    if (left < 2)
        return false;
    size_t hdr = 2, n = p[1];
    if (n & 0x80) {
        size_t k = n & 0x7f;
        if (k == 0 || k > 3 || left < 2 + k)
            return false;
        n = 0;
        for (size_t i = 0; i < k; i++)
            n = n << 8 | p[2 + i];
        hdr += k;
    }
    if (n > left - hdr)
        return false;
    *value = p + hdr;
    *len = n;
    *total = hdr + n;
    return true;
}

struct out {
    uint8_t *p;
    size_t n, cap;
};

static void put(struct out *o, const void *data, size_t n)
{
    if (o->n + n > o->cap) {
        size_t cap = (o->n + n) * 2;
        uint8_t *p = realloc(o->p, cap);
        if (!p)
            abort();
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->n, data, n);
    o->n += n;
}

static void put_header(struct out *o, uint8_t tag, size_t len)
{
    uint8_t h[5] = {tag};
    size_t k = 1;
    if (len < 0x80) {
        h[k++] = (uint8_t)len;
    } else if (len < 0x100) {
        h[k++] = 0x81;
        h[k++] = (uint8_t)len;
    } else if (len < 0x10000) {
        h[k++] = 0x82;
        h[k++] = (uint8_t)(len >> 8);
        h[k++] = (uint8_t)len;
    } else {
        h[k++] = 0x83;
        h[k++] = (uint8_t)(len >> 16);
        h[k++] = (uint8_t)(len >> 8);
        h[k++] = (uint8_t)len;
    }
    put(o, h, k);
}

/* @data as a CRL re-signed by the fuzz CA: the TBSCertList's signature algorithm (its first
 * element, or its second after a version INTEGER) and issuer (the element after it) become the
 * CA's, the rest is kept as the fuzzer made it. False when there is no TBSCertList to re-sign. */
static bool resign(const uint8_t *data, size_t size, struct out *crl)
{
    const uint8_t *outer, *tbs, *e;
    size_t outer_len, outer_total, tbs_len, tbs_total, elen, etotal;
    if (!tlv_at(data, size, &outer, &outer_len, &outer_total) || data[0] != 0x30 ||
        !tlv_at(outer, outer_len, &tbs, &tbs_len, &tbs_total) || outer[0] != 0x30)
        return false;
    struct out body = {NULL, 0, 0}, t = {NULL, 0, 0};
    const uint8_t *p = tbs;
    size_t left = tbs_len;
    if (left > 0 && p[0] == 0x02 && tlv_at(p, left, &e, &elen, &etotal)) { /* version */
        put(&body, p, etotal);
        p += etotal;
        left -= etotal;
    }
    for (int skip = 0; skip < 2; skip++) { /* signature, issuer */
        if (!tlv_at(p, left, &e, &elen, &etotal)) {
            free(body.p);
            return false;
        }
        p += etotal;
        left -= etotal;
    }
    put(&body, ecdsa_sha256, sizeof ecdsa_sha256);
    put(&body, ca_name.data, ca_name.size);
    put(&body, p, left);
    put_header(&t, 0x30, body.n);
    put(&t, body.p, body.n);
    free(body.p);
    gnutls_datum_t d = {t.p, (unsigned)t.n}, sig = {NULL, 0};
    if (gnutls_privkey_sign_data(ca_key, GNUTLS_DIG_SHA256, 0, &d, &sig) < 0) {
        free(t.p);
        return false;
    }
    put(&t, ecdsa_sha256, sizeof ecdsa_sha256);
    put_header(&t, 0x03, sig.size + 1);
    put(&t, "", 1); /* no unused bits */
    put(&t, sig.data, sig.size);
    gnutls_free(sig.data);
    put_header(crl, 0x30, t.n);
    put(crl, t.p, t.n);
    free(t.p);
    return true;
}

static bool has_code(const ucp_report *r, const char *code)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        if (strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0)
            return true;
    return false;
}

/* Load @data as a CRL into a checker trusting @anchor and check @cert against it. @signed_by_ca:
 * the CRL carries a valid signature of @cert's issuer, so it can never be called badly signed. */
static void run(const uint8_t *data, size_t size, ucp_input *anchor, ucp_input *cert, bool signed_by_ca)
{
    ucp_checker *c = NULL;
    if (ucp_checker_new(&c) != UCP_OK)
        return;
    ucp_checker_set_system_trust(c, UCP_SYSTEM_TRUST_OFF);
    ucp_checker_set_time(c, FUZZ_TIME);
    ucp_checker_add_trust(c, anchor);
    ucp_status st = ucp_checker_add_crl_data(c, data, size, "fuzz.crl");
    if (st != UCP_OK) {
        FUZZ_ASSERT(ucp_error_code(ucp_error_last()) == st);
        FUZZ_ASSERT(strstr(ucp_error_message(ucp_error_last()), "fuzz.crl") ||
                    (ucp_error_source(ucp_error_last()) && strstr(ucp_error_source(ucp_error_last()), "fuzz.crl")));
    }
    ucp_report *r = NULL;
    if (ucp_checker_check(c, cert, "exchange-um", NULL, &r) == UCP_OK) {
        for (size_t i = 0; i < ucp_report_chain_count(r); i++) {
            ucp_revocation rev = ucp_report_revocation_at(r, i);
            const char *src = ucp_report_revocation_source_at(r, i);
            if (rev == UCP_REVOCATION_GOOD || rev == UCP_REVOCATION_REVOKED)
                FUZZ_ASSERT(src && strstr(src, "fuzz.crl"));
        }
        if (st == UCP_OK && signed_by_ca)
            FUZZ_ASSERT(!has_code(r, "revocation.crl-bad-signature"));
        ucp_buffer b = {NULL, 0};
        ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b);
        ucp_buffer_dispose(&b);
    }
    ucp_report_free(r);
    ucp_checker_free(c);
    ucp_error_clear();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    run(data, size, root, leaf, false);
    struct out crl = {NULL, 0, 0};
    if (resign(data, size, &crl))
        run(crl.p, crl.n, own_ca, own_leaf, true);
    free(crl.p);
    return 0;
}
