/* SPDX-License-Identifier: MIT */
/*
 * The system trust store read from the distribution's PEM bundle, without GnuTLS parsing it.
 *
 * gnutls_x509_trust_list_add_system_trust() decodes every certificate of the store (~140 on a
 * distribution, most of a one-shot check's instructions) before a check may use one. Where the
 * store is one PEM bundle file (Linux, the BSDs), each CERTIFICATE block is base64-decoded here
 * and only its subject is located in the DER; the block goes to the pool as a lazy entry, parsed
 * when a lookup reaches its subject (pool.c). The anchors are the same as GnuTLS's reading of the
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

/* The subject Name of a DER Certificate, as its raw TLV (what gnutls_x509_crt_get_raw_dn
 * gives): Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
 * serialNumber, signature, issuer, validity, subject, ... }, ... }. False when the shape is not
 * that of a certificate. */
static bool subject_of(const uint8_t *der, size_t len, const uint8_t **subject, size_t *subject_len)
{
    struct ucp_tlv cert, tbs, t;
    if (!ucp_der_read_exact(der, len, UCP_DER_BER, &cert) || !ucp_der_is(&cert, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = cert.value;
    size_t left = cert.len;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &tbs) || !ucp_der_is(&tbs, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    p = tbs.value;
    left = tbs.len;
    if (!ucp_der_next(&p, &left, UCP_DER_BER, &t))
        return false;
    if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0) && !ucp_der_next(&p, &left, UCP_DER_BER, &t))
        return false;
    if (!ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER))
        return false;
    for (int i = 0; i < 4; i++) /* signature, issuer, validity, subject */
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &t) || !ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return false;
    *subject = t.value - t.hdr;
    *subject_len = t.total;
    return true;
}

/* The base64 body of a block, decoded as nettle's base64_decode_update() and
 * base64_decode_final() decode it (ucp_base64_decode_simple(): the same characters, whitespace
 * and padding accepted or refused), without nettle's call per character: that call was most of
 * the cost of reading a distribution's store (~220 KB of base64). */
enum { B64_INVALID = -1, B64_SPACE = -2, B64_END = -3 };
static const signed char b64_table[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -2, -2, -2, -1, -1, /* HT, LF, VT, FF, CR */
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63, /* space, +, / */
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -3, -1, -1, /* 0-9, = */
    -1, 0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14,
    15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
    41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
};

bool ucp_systore_base64_decode(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    if (!buf)
        return false;
    unsigned word = 0, bits = 0, padding = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        /* Four characters of a line at a byte boundary: three bytes at once. */
        while (bits == 0 && !padding && len - i >= 4 && (in[i] | in[i + 1] | in[i + 2] | in[i + 3]) < 128) {
            int a = b64_table[in[i]], b = b64_table[in[i + 1]], c = b64_table[in[i + 2]], d = b64_table[in[i + 3]];
            if ((a | b | c | d) < 0)
                break;
            word = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
            buf[n++] = (uint8_t)(word >> 16);
            buf[n++] = (uint8_t)(word >> 8);
            buf[n++] = (uint8_t)word;
            i += 4;
        }
        if (i == len)
            break;
        int v = in[i] < 128 ? b64_table[in[i]] : B64_INVALID;
        if (v >= 0) {
            if (padding)
                goto refused;
            word = word << 6 | (unsigned)v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf[n++] = (uint8_t)(word >> bits);
            }
        } else if (v == B64_END) {
            /* At most two padding characters, and no bits left over before them. */
            if (!bits || padding > 2 || (word & ((1u << bits) - 1)))
                goto refused;
            padding++;
            bits -= 2;
        } else if (v != B64_SPACE) {
            goto refused;
        }
    }
    if (bits != 0 || n == 0)
        goto refused;
    *out = buf;
    *outlen = n;
    return true;
refused:
    free(buf);
    return false;
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
        uint8_t *der = NULL;
        size_t der_len = 0;
        const uint8_t *subject;
        size_t subject_len;
        /* A block that does not decode, or is not shaped as a certificate, is skipped: it cannot
         * anchor anything. (One whose subject is found but that does not parse is skipped when a
         * lookup meets it: pool.c.) */
        if (ucp_systore_base64_decode(body, (size_t)(stop - body), &der, &der_len) &&
            subject_of(der, der_len, &subject, &subject_len)) {
            ucp_status st = ucp_pool_add_lazy(pool, der, der_len, subject, subject_len);
            if (st != UCP_OK) {
                free(der);
                return st;
            }
        }
        free(der);
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
