/* SPDX-License-Identifier: MIT */
/*
 * The probe's client credentials: a certificate (chain) and its private key read from files and
 * turned into GnuTLS's form, to present when a server asks. The certificate file is PEM or DER,
 * its key in the same PEM file or in a key file of its own; a certificate file without PEM and
 * without a key file is a PKCS#12 (PFX), opened as checked files are (input/: ucp_pkcs12_unlock,
 * ucp_pkcs12_scan) before GnuTLS decrypts its key. The key must belong to the certificate. The
 * files may hold keys: their bytes are wiped once read.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/pkcs12.h>

#include "probe/probe-private.h"

void ucp_probe_credentials_dispose(struct ucp_probe_credentials *c)
{
    for (unsigned i = 0; i < c->npcerts; i++)
        gnutls_pcert_deinit(&c->pcerts[i]);
    free(c->pcerts);
    if (c->key)
        gnutls_privkey_deinit(c->key); /* GnuTLS zeroes the key material it frees */
    free(c->subject);
    memset(c, 0, sizeof *c);
}

static bool has_pem(const uint8_t *data, size_t len, const char *label_part)
{
    const char *begin = "-----BEGIN ";
    for (const uint8_t *q = data; q && (size_t)(q - data) < len;) {
        q = ucp_memmem(q, len - (size_t)(q - data), begin, strlen(begin));
        if (!q)
            return false;
        q += strlen(begin);
        const uint8_t *eol = memchr(q, '\n', len - (size_t)(q - data));
        size_t rest = eol ? (size_t)(eol - q) : len - (size_t)(q - data);
        if (!label_part || ucp_memmem(q, rest, label_part, strlen(label_part)))
            return true;
    }
    return false;
}

static ucp_status load_pkcs12(struct ucp_probe_credentials *out, const uint8_t *data, size_t len,
                              const char *source, const char *password)
{
    struct ucp_p12_opened o;
    ucp_status st = ucp_pkcs12_open(&o, data, len, source, password, 0);
    if (st != UCP_OK && !o.imported) /* PEM was looked for first */
        st = ucp_fail(UCP_E_FORMAT, source, "neither a PEM certificate nor a PKCS#12 (PFX) file");
    if (st != UCP_OK)
        goto out;
    int ret = o.parse_ret;
    unsigned nchain = o.nchain;
    gnutls_x509_crt_t *chain = o.chain;
    if (ret < 0 || !o.key || nchain == 0) {
        st = ucp_fail_origin(ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? UCP_E_CORRUPT
                                                                                        : UCP_E_NO_CERTIFICATE,
                             UCP_ORIGIN_GNUTLS, ret < 0 ? ret : 0, source,
                             "the PKCS#12 file holds no private key with its certificate%s%s",
                             ret < 0 ? ": " : "", ret < 0 ? gnutls_strerror(ret) : "");
        goto out;
    }
    out->pcerts = calloc(nchain, sizeof *out->pcerts);
    if (!out->pcerts) {
        st = ucp_fail_nomem();
        goto out;
    }
    unsigned n = nchain;
    ret = gnutls_pcert_import_x509_list(out->pcerts, chain, &n, 0);
    if (ret < 0) {
        free(out->pcerts);
        out->pcerts = NULL;
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "the certificates cannot be used: %s",
                             gnutls_strerror(ret));
        goto out;
    }
    out->npcerts = n;
    if ((ret = gnutls_privkey_init(&out->key)) < 0 ||
        (ret = gnutls_privkey_import_x509(out->key, o.key, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "the private key cannot be used: %s",
                             gnutls_strerror(ret));
        goto out;
    }
    o.key = NULL; /* owned by out->key now */
out:
    ucp_pkcs12_close(&o);
    return st;
}

static ucp_status load_cert_and_key(struct ucp_probe_credentials *out, const uint8_t *cdata, size_t clen,
                                    const char *cname, const uint8_t *kdata, size_t klen, const char *kname,
                                    const char *password)
{
    bool pem = has_pem(cdata, clen, NULL);
    if (pem && !has_pem(cdata, clen, "CERTIFICATE"))
        return ucp_fail(UCP_E_NO_CERTIFICATE, cname, "the file holds no PEM certificate");
    unsigned max = UCP_PROBE_MAX_CERTS;
    out->pcerts = calloc(max, sizeof *out->pcerts);
    if (!out->pcerts)
        return ucp_fail_nomem();
    gnutls_datum_t d = {(unsigned char *)cdata, (unsigned)clen};
    int ret = gnutls_pcert_list_import_x509_raw(out->pcerts, &max, &d, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
    if (ret < 0) {
        free(out->pcerts);
        out->pcerts = NULL;
        if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
            return ucp_fail_origin(UCP_E_TOO_LARGE, UCP_ORIGIN_GNUTLS, ret, cname, "more than %d certificates",
                                   UCP_PROBE_MAX_CERTS);
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, cname, "the certificates cannot be read: %s",
                               gnutls_strerror(ret));
    }
    out->npcerts = max;
    bool kpem = has_pem(kdata, klen, NULL);
    if (kpem && !has_pem(kdata, klen, "PRIVATE KEY"))
        return ucp_fail(UCP_E_FORMAT, kname,
                        kdata == cdata ? "the file holds no private key; give the key file as well"
                                       : "the file holds no PEM private key");
    if ((ret = gnutls_privkey_init(&out->key)) < 0)
        return ucp_fail_nomem();
    gnutls_datum_t k = {(unsigned char *)kdata, (unsigned)klen};
    ret = gnutls_privkey_import_x509_raw(out->key, &k, kpem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, password, 0);
    if (ret == GNUTLS_E_DECRYPTION_FAILED || (ret < 0 && !password && kpem && has_pem(kdata, klen, "ENCRYPTED")))
        return ucp_fail_origin(UCP_E_PASSWORD, UCP_ORIGIN_GNUTLS, ret, kname,
                               password ? "wrong password for the private key" : "the private key is encrypted and no password was given");
    if (ret < 0)
        return ucp_fail_origin(UCP_E_FORMAT, UCP_ORIGIN_GNUTLS, ret, kname, "no usable private key: %s",
                               gnutls_strerror(ret));
    return UCP_OK;
}

/* Does @key belong to the certificate @pc? (the SubjectPublicKeyInfo of both, byte for byte) */
static bool key_matches(gnutls_privkey_t key, const gnutls_pcert_st *pc)
{
    gnutls_pubkey_t pub = NULL;
    gnutls_datum_t a = {NULL, 0}, b = {NULL, 0};
    bool same = false;
    if (gnutls_pubkey_init(&pub) >= 0 && gnutls_pubkey_import_privkey(pub, key, 0, 0) >= 0 &&
        gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &a) >= 0 &&
        gnutls_pubkey_export2(pc->pubkey, GNUTLS_X509_FMT_DER, &b) >= 0)
        same = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
    gnutls_free(a.data);
    gnutls_free(b.data);
    if (pub)
        gnutls_pubkey_deinit(pub);
    return same;
}

ucp_status ucp_probe_credentials_load(struct ucp_probe_credentials *out, const char *cert_file,
                                      const char *key_file, const char *password)
{
    memset(out, 0, sizeof *out);
    uint8_t *cdata = NULL, *kdata = NULL;
    size_t clen = 0, klen = 0;
    ucp_status st = ucp_read_file(cert_file, UCP_MAX_INPUT_SIZE, &cdata, &clen);
    if (st == UCP_OK && key_file)
        st = ucp_read_file(key_file, UCP_MAX_INPUT_SIZE, &kdata, &klen);
    if (st == UCP_OK && clen == 0)
        st = ucp_fail(UCP_E_FORMAT, cert_file, "the file is empty");
    if (st == UCP_OK) {
        if (!key_file && !has_pem(cdata, clen, NULL))
            st = load_pkcs12(out, cdata, clen, cert_file, password);
        else
            st = load_cert_and_key(out, cdata, clen, cert_file, key_file ? kdata : cdata, key_file ? klen : clen,
                                   key_file ? key_file : cert_file, password);
    }
    if (st == UCP_OK && !key_matches(out->key, &out->pcerts[0]))
        st = ucp_fail(UCP_E_INVALID_ARGUMENT, key_file ? key_file : cert_file,
                      "the private key does not match the certificate in %s", cert_file);
    ucp_certificate *leaf = NULL;
    if (st == UCP_OK)
        st = ucp_certificate_from_der(&leaf, out->pcerts[0].cert.data, out->pcerts[0].cert.size, cert_file, 0);
    if (st == UCP_OK && !(out->subject = ucp_strdup(leaf->subject)))
        st = ucp_fail_nomem();
    ucp_certificate_unref(leaf);
    /* The files may hold keys: do not leave them in freed memory. */
    ucp_wipe(cdata, clen);
    ucp_wipe(kdata, klen);
    free(cdata);
    free(kdata);
    if (st != UCP_OK)
        ucp_probe_credentials_dispose(out);
    return st;
}
