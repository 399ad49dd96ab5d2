/* SPDX-License-Identifier: MIT */
/*
 * The system trust store read from the distribution's PEM bundle, without GnuTLS parsing it.
 *
 * gnutls_x509_trust_list_add_system_trust() decodes every certificate of the store (~140 on a
 * distribution, most of a one-shot check's instructions) before a check may use one. Where the
 * store is one PEM bundle file (Linux, the BSDs), only the start of each CERTIFICATE block is
 * base64-decoded here (nettle), far enough to find its subject in the DER; the block goes to
 * the pool as a lazy entry, decoded whole and parsed when a lookup reaches its subject (pool.c). The anchors are the same as GnuTLS's reading of the
 * same file (tests/test-systore.c compares both): GnuTLS also reads only the CERTIFICATE (and
 * X509 CERTIFICATE) blocks, skipping TRUSTED CERTIFICATE blocks and anything between blocks.
 * Where GnuTLS gives up on the whole file when one block does not decode, that block alone is
 * skipped here: it cannot anchor anything.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trust/trust-private.h"

/* The bundle locations of the distributions, as Go's crypto/x509 knows them (root_linux.go,
 * root_bsd.go): the first that exists is read. */
static const char *const known_bundles[] = {
#if !defined(_WIN32) && !defined(__APPLE__)
    "/etc/ssl/certs/ca-certificates.crt",                /* Debian, Ubuntu, Gentoo, Arch, Alpine */
    "/etc/pki/tls/certs/ca-bundle.crt",                  /* Fedora, RHEL 6 */
    "/etc/ssl/ca-bundle.pem",                            /* openSUSE */
    "/etc/pki/tls/cacert.pem",                           /* OpenELEC */
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", /* CentOS, RHEL 7 */
    "/etc/ssl/cert.pem",                                 /* Alpine, OpenBSD */
    "/usr/local/etc/ssl/cert.pem",                       /* FreeBSD */
    "/usr/local/share/certs/ca-root-nss.crt",            /* DragonFly */
    "/etc/openssl/certs/ca-certificates.crt",            /* NetBSD */
#endif
    NULL,
};

#define BUNDLE_LIMIT (64u * 1024u * 1024u) /* a store of ~200 CAs is ~250 KiB */

const char *ucp_system_trust_file(void)
{
#ifdef UCP_SYSTEM_TRUST_FILE
    /* The packager's choice (meson option system_trust_file): used when it exists. */
    struct stat st;
    return stat(UCP_SYSTEM_TRUST_FILE, &st) == 0 ? UCP_SYSTEM_TRUST_FILE : NULL;
#else
    for (size_t i = 0; known_bundles[i]; i++) {
        struct stat st;
        if (stat(known_bundles[i], &st) == 0 && S_ISREG(st.st_mode))
            return known_bundles[i];
    }
    return NULL;
#endif
}

/* Where the subject of a certificate lies in the start of its DER (@have bytes; @whole: all of
 * it): 1 found, 0 not within these bytes, -1 not the shape of a certificate. Certificate ::=
 * SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
 * validity, subject, ... }, ... }; the subject as its raw TLV (what gnutls_x509_crt_get_raw_dn
 * gives). */
static int subject_in_head(const uint8_t *der, size_t have, bool whole, const uint8_t **subject, size_t *subject_len)
{
    const int out_of_bytes = whole ? -1 : 0;
    struct ucp_tlv cert, tbs, t;
    if (!ucp_der_header(der, have, UCP_DER_BER, &cert))
        return out_of_bytes;
    if (cert.indefinite || !ucp_der_is(&cert, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || (whole && cert.total != have))
        return -1;
    const uint8_t *p = cert.value;
    size_t left = have - cert.hdr < cert.len ? have - cert.hdr : cert.len;
    if (!ucp_der_header(p, left, UCP_DER_BER, &tbs))
        return out_of_bytes;
    if (tbs.indefinite || !ucp_der_is(&tbs, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || (whole && tbs.total > left))
        return -1;
    p = tbs.value;
    left = left - tbs.hdr < tbs.len ? left - tbs.hdr : tbs.len;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &t))
        return out_of_bytes;
    if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0) && !ucp_der_next(&p, &left, UCP_DER_BER, &t))
        return out_of_bytes;
    if (!ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER))
        return -1;
    for (int i = 0; i < 4; i++) { /* signature, issuer, validity, subject */
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &t))
            return out_of_bytes;
        if (!ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return -1;
    }
    *subject = t.value - t.hdr;
    *subject_len = t.total;
    return 1;
}

/* The subject of the certificate in a block's base64 @body: nettle decodes its first bytes,
 * where a subject lies (a root's ends within its first 300 or so), and only a certificate whose
 * subject ends later is decoded whole. The rest of the body is decoded when a lookup reaches
 * the subject (pool.c). *@subject points into @head or into *@whole, which the caller frees;
 * false when the block does not decode or is not shaped as a certificate. */
static bool block_subject(const uint8_t *body, size_t len, uint8_t *head, size_t cap, uint8_t **whole,
                          const uint8_t **subject, size_t *subject_len)
{
    *whole = NULL;
    /* A piece of 128 bytes at a time, until the subject is in: most subjects end within the
     * first 400 bytes. */
    struct ucp_base64_head h;
    ucp_base64_head_init(&h);
    for (size_t want = 128; want <= cap; want += 128) {
        bool all = false;
        if (!ucp_base64_head_more(&h, body, len, head, want, &all))
            return false;
        int found = subject_in_head(head, h.out_done, all, subject, subject_len);
        if (found != 0 || all)
            return found > 0;
    }
    size_t wlen = 0;
    if (!ucp_base64_decode_simple(body, len, whole, &wlen))
        return false;
    return subject_in_head(*whole, wlen, true, subject, subject_len) > 0;
}

/* Does the text at @p (within @left bytes) start with @s? */
static bool starts(const uint8_t *p, size_t left, const char *s)
{
    size_t n = strlen(s);
    return left >= n && memcmp(p, s, n) == 0;
}

ucp_status ucp_pool_add_pem_data(struct ucp_pool *pool, const uint8_t *data, size_t len)
{
    static const char *const labels[] = {"CERTIFICATE-----", "X509 CERTIFICATE-----"};
    static const char begin[] = "-----BEGIN ";
    const uint8_t *end = data + len, *p = data;
    while ((p = ucp_memmem(p, (size_t)(end - p), begin, sizeof begin - 1)) != NULL) {
        p += sizeof begin - 1;
        const char *label = NULL;
        for (size_t i = 0; i < sizeof labels / sizeof labels[0] && !label; i++)
            if (starts(p, (size_t)(end - p), labels[i]))
                label = labels[i];
        if (!label)
            continue; /* TRUSTED CERTIFICATE, X509 CRL, a key...: not a trust anchor for GnuTLS */
        const uint8_t *body = p + strlen(label);
        /* The body ends at the next armour line: the block's END line, or (a truncated block)
         * the next BEGIN line, which is then read as a block of its own. */
        const uint8_t *stop = ucp_memmem(body, (size_t)(end - body), "-----", 5);
        if (!stop)
            break;
        p = stop;
        if (!starts(stop, (size_t)(end - stop), "-----END "))
            continue;
        p = stop + 9; /* whatever the END line's label, as GnuTLS reads a block */
        uint8_t head[768], *whole = NULL;
        const uint8_t *subject;
        size_t subject_len;
        /* A block whose start does not decode, or is not shaped as a certificate, is skipped: it
         * cannot anchor anything. (One whose subject is found but whose rest does not decode or
         * parse is skipped when a lookup meets it: pool.c.) */
        if (block_subject(body, (size_t)(stop - body), head, sizeof head, &whole, &subject, &subject_len)) {
            ucp_status st = ucp_pool_add_lazy_pem(pool, body, (size_t)(stop - body), subject, subject_len);
            if (st != UCP_OK) {
                free(whole);
                return st;
            }
        }
        free(whole);
    }
    return UCP_OK;
}

ucp_status ucp_pool_add_pem_bundle(struct ucp_pool *pool, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    ucp_status st = ucp_read_file(path, BUNDLE_LIMIT, &data, &len);
    if (st != UCP_OK)
        return st;
    st = ucp_pool_add_pem_data(pool, data, len);
    free(data);
    return st;
}
