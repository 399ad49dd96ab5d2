/* SPDX-License-Identifier: MIT */
/*
 * One parsed certificate: every fact the rules need, extracted once at load time so that checks
 * (and many checks of the same certificate from several threads) only read. The common
 * certificate is walked strictly once (index.c, ucp_certificate_walk) without GnuTLS's decoder;
 * any other is decoded and checked by gnutls_x509_crt_import first and indexed. Parsing then reads
 * its names (dn.c), its other facts (facts.c) and template extensions (templates.c), and tells
 * whether it signed itself (verify.c). Here: the order of that work, the fingerprints and serial,
 * and the certificate's lifetime (reference counts).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "x509/x509-private.h"

static void cert_free(ucp_certificate *c)
{
    if (!c)
        return;
    gnutls_x509_crt_t crt = atomic_load(&c->tree);
    if (crt)
        gnutls_x509_crt_deinit(crt);
    gnutls_pubkey_t pk = atomic_load(&c->pubkey);
    if (pk)
        gnutls_pubkey_deinit(pk);
    ucp_certificate_free_rsa_key(c);
    ucp_bytes_free(&c->der);
    free(c->exts);
    free(c->subject);
    free(c->issuer);
    free(c->serial);
    free(c->sha256);
    for (size_t i = 0; i < c->ncns; i++) {
        ucp_bytes_free(&c->cn_raw[i]);
        free(c->cns[i]);
    }
    free(c->cn_raw);
    free(c->cns);
    for (size_t i = 0; i < c->nsans; i++) {
        free(c->sans[i].display);
        ucp_bytes_free(&c->sans[i].raw);
    }
    free(c->sans);
    ucp_strv_free(c->ekus, c->nekus);
    ucp_bytes_free(&c->rsa_e);
    ucp_bytes_free(&c->rsa_n);
    free(c->signature_name);
    ucp_strv_free(c->crl_urls, c->ncrl_urls);
    ucp_strv_free(c->ocsp_urls, c->nocsp_urls);
    ucp_strv_free(c->ca_issuers_urls, c->nca_issuers_urls);
    ucp_bytes_free(&c->raw_subject);
    ucp_bytes_free(&c->raw_issuer);
    ucp_bytes_free(&c->ski);
    ucp_bytes_free(&c->aki);
    ucp_certificate_templates_dispose(c);
    free(c);
}

static ucp_status parse_der(ucp_certificate **out, const uint8_t *der, size_t len, const char *source,
                            size_t index, bool reference)
{
    *out = NULL;
    char where[600];
    if (index == 0)
        snprintf(where, sizeof where, "%s", source ? source : "<memory>");
    else
        snprintf(where, sizeof where, "%s (certificate %zu)", source ? source : "<memory>", index + 1);

    ucp_certificate *c = calloc(1, sizeof *c);
    if (!c)
        return ucp_fail_nomem();
    atomic_init(&c->refs, 1);
    c->pathlen = -1;
    ucp_status st = UCP_OK;
    gnutls_x509_crt_t crt = NULL;
    atomic_init(&c->tree, NULL);
    if (!ucp_bytes_set(&c->der, der, len)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    /* The common certificate is walked strictly here and never decoded by GnuTLS (its tree is
     * made later, only for who needs it: ucp_certificate_crt); anything the walk does not know
     * exactly is decoded and checked by gnutls_x509_crt_import, as before. */
    if (reference || !ucp_certificate_walk(c)) {
        int ret = gnutls_x509_crt_init(&crt);
        atomic_store(&c->tree, crt);
        if (ret < 0) {
            st = ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, where, "%s", gnutls_strerror(ret));
            goto fail;
        }
        gnutls_datum_t d = {c->der.data, (unsigned)len};
        ret = gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER);
        if (ret < 0) {
            st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, where,
                                 "not a valid X.509 certificate: %s", gnutls_strerror(ret));
            goto fail;
        }
        c->version = gnutls_x509_crt_get_version(crt);
        ucp_certificate_index(c, !reference);
    }
    if ((st = ucp_certificate_check_unique_extensions(c, where)) != UCP_OK)
        goto fail;
    if (!ucp_certificate_read_dns(c)) {
        st = ucp_fail_nomem();
        goto fail;
    }
    {
        unsigned char buf[64];
        size_t size = sizeof buf;
        int r = c->walked ? 0 : gnutls_x509_crt_get_serial(crt, buf, &size);
        if (c->walked) {
            /* gnutls_x509_crt_get_serial gives the INTEGER's contents octets as they are */
            c->serial = ucp_hex_upper(c->der.data + c->serial_off, c->serial_len);
        } else if (r >= 0) {
            c->serial = ucp_hex_upper(buf, size);
        } else if (r == GNUTLS_E_SHORT_MEMORY_BUFFER) {
            /* Over 64 octets (RFC 5280 allows 20): kept whole, for serial.too-long to see. */
            unsigned char *big = malloc(size);
            if (big && gnutls_x509_crt_get_serial(crt, big, &size) >= 0)
                c->serial = ucp_hex_upper(big, size);
            else if (big)
                c->serial = ucp_strdup("");
            free(big);
        } else {
            c->serial = ucp_strdup("");
        }
        /* Fingerprints of the DER as given (what certutil and openssl show), hashed directly:
         * gnutls_x509_crt_get_fingerprint re-encodes the whole certificate first. The SHA-1
         * thumbprint waits for its first reader (ucp_certificate_sha1). */
        if (gnutls_hash_fast(GNUTLS_DIG_SHA256, c->der.data, c->der.len, c->sha256_raw) >= 0)
            c->sha256 = ucp_hex_upper(c->sha256_raw, 32);
        if (!ucp_certificate_read_key_ids(c) || !c->serial || !c->sha256) {
            st = ucp_fail_nomem();
            goto fail;
        }
    }
    if ((st = ucp_certificate_read_cns(c, where)) != UCP_OK ||
        (st = ucp_certificate_read_facts(c, where)) != UCP_OK ||
        (st = ucp_certificate_read_templates(c)) != UCP_OK)
        goto fail;
    if (!c->walked) {
        time_t nb = gnutls_x509_crt_get_activation_time(crt);
        time_t na = gnutls_x509_crt_get_expiration_time(crt);
        if (nb == (time_t)-1 || na == (time_t)-1) {
            st = ucp_fail(UCP_E_CORRUPT, where, "the validity period cannot be read");
            goto fail;
        }
        c->not_before = (int64_t)nb;
        c->not_after = (int64_t)na;
    }
    c->self_issued = c->raw_subject.len == c->raw_issuer.len &&
                     memcmp(c->raw_subject.data, c->raw_issuer.data, c->raw_subject.len) == 0;
    if (c->self_issued)
        c->self_signed = ucp_certificate_verify_signature(c, c);
    if (c->indexed) {
        /* Every fact is read: free GnuTLS's tree (the import above, or one a reader made for a
         * shape the direct readers leave to GnuTLS) until someone needs it (ucp_certificate_crt). */
        crt = atomic_exchange(&c->tree, NULL);
        if (crt)
            gnutls_x509_crt_deinit(crt);
    }
    *out = c;
    return UCP_OK;
fail:
    cert_free(c);
    return st;
}

ucp_status ucp_certificate_from_der(ucp_certificate **out, const uint8_t *der, size_t len,
                                    const char *source, size_t index)
{
    return parse_der(out, der, len, source, index, false);
}

ucp_status ucp_certificate_from_der_reference(ucp_certificate **out, const uint8_t *der, size_t len,
                                              const char *source, size_t index)
{
    return parse_der(out, der, len, source, index, true);
}

ucp_certificate *ucp_certificate_mut_ref(ucp_certificate *cert)
{
    if (cert)
        atomic_fetch_add_explicit(&cert->refs, 1, memory_order_relaxed);
    return cert;
}

UCP_EXPORT const ucp_certificate *ucp_certificate_ref(const ucp_certificate *cert)
{
    return ucp_certificate_mut_ref((ucp_certificate *)cert);
}

UCP_EXPORT void ucp_certificate_unref(const ucp_certificate *cert)
{
    ucp_certificate *c = (ucp_certificate *)cert;
    if (c && atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel) == 1)
        cert_free(c);
}
