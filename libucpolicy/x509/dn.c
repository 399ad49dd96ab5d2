/* SPDX-License-Identifier: MIT */
/*
 * Distinguished names: a certificate's subject and issuer as text (GnuTLS's RFC 4514 form) and
 * as DER, and the subject's common names read from its DER.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

/* Convert a BMPString / UniversalString to UTF-8 (unpaired surrogates become U+FFFD). */
static bool ucs_to_utf8(const uint8_t *p, size_t len, size_t width, struct ucp_bytes *out)
{
    if (len % width)
        return false;
    uint8_t *buf = malloc(len / width * 4 + 1);
    if (!buf)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < len; i += width) {
        uint32_t cp = 0;
        for (size_t k = 0; k < width; k++)
            cp = (cp << 8) | p[i + k];
        if ((cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
            cp = 0xfffd;
        o += ucp_utf8_put(buf + o, cp);
    }
    out->data = buf;
    out->len = o;
    return true;
}

/* Decode one DER-encoded DirectoryString (as returned with raw_flag=1) into its bytes. */
static bool decode_directory_string(const uint8_t *der, size_t len, struct ucp_bytes *out)
{
    struct ucp_tlv t;
    if (!ucp_der_read_exact(der, len, UCP_DER_BER, &t))
        return false;
    if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, 30))
        return ucs_to_utf8(t.value, t.len, 2, out);
    if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, 28))
        return ucs_to_utf8(t.value, t.len, 4, out);
    return ucp_bytes_set(out, t.value, t.len);
}

static bool dup_datum(struct ucp_bytes *b, int (*get)(gnutls_x509_crt_t, gnutls_datum_t *),
                      gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = {NULL, 0};
    if (get(crt, &d) < 0)
        return ucp_bytes_set(b, "", 0);
    bool ok = ucp_bytes_set(b, d.data, d.size);
    gnutls_free(d.data);
    return ok;
}

static char *dn_text(gnutls_x509_crt_t crt, bool issuer)
{
    gnutls_datum_t d = {NULL, 0};
    int ret = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) : gnutls_x509_crt_get_dn3(crt, &d, 0);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return ucp_strdup("");
    if (ret < 0)
        return ucp_strdup("(unprintable distinguished name)");
    char *s = ucp_display_bytes(d.data, d.size);
    gnutls_free(d.data);
    return s;
}

bool ucp_certificate_read_dns(ucp_certificate *c)
{
    c->subject = dn_text(c->tree, false);
    c->issuer = dn_text(c->tree, true);
    return c->subject && c->issuer && dup_datum(&c->raw_subject, gnutls_x509_crt_get_raw_dn, c->tree) &&
           dup_datum(&c->raw_issuer, gnutls_x509_crt_get_raw_issuer_dn, c->tree);
}

static ucp_status push_cn(ucp_certificate *c, const uint8_t *der, size_t len, const char *source)
{
    struct ucp_bytes value = {0};
    if (!decode_directory_string(der, len, &value))
        return ucp_fail(UCP_E_CORRUPT, source, "the subject common name is not a valid string");
    struct ucp_bytes *raws = realloc(c->cn_raw, (c->ncns + 1) * sizeof *raws);
    if (raws)
        c->cn_raw = raws;
    char **disp = realloc(c->cns, (c->ncns + 1) * sizeof *disp);
    if (disp)
        c->cns = disp;
    char *d = ucp_display_bytes(value.data, value.len);
    if (!raws || !disp || !d) {
        free(d);
        ucp_bytes_free(&value);
        return ucp_fail_nomem();
    }
    c->cn_raw[c->ncns] = value;
    c->cns[c->ncns] = d;
    c->ncns++;
    return UCP_OK;
}

/* The subject's common names, in DN order, walked once over the raw subject (Name: SEQUENCE OF
 * RelativeDistinguishedName, each a SET OF AttributeTypeAndValue). gnutls_x509_crt_get_dn_by_oid()
 * walks the whole DN again for each index, so 1,000 CNs took close to a second (10,000 minutes). */
ucp_status ucp_certificate_read_cns(ucp_certificate *c, const char *source)
{
    static const uint8_t oid_cn[] = {0x55, 0x04, 0x03};
    static const char malformed[] = "cannot read the subject common name: the subject is malformed";
    /* GnuTLS accepted the subject: its DER may have lengths in a long form (UCP_DER_BER). */
    struct ucp_tlv name, rdn, atv, oid, val;
    if (c->raw_subject.len == 0)
        return UCP_OK;
    if (!ucp_der_read_exact(c->raw_subject.data, c->raw_subject.len, UCP_DER_BER, &name) ||
        name.tag != ASN1_TAG_SEQUENCE)
        return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
    const uint8_t *p = name.value;
    size_t left = name.len;
    while (left > 0) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &rdn) || rdn.tag != ASN1_TAG_SET)
            return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
        const uint8_t *set = rdn.value;
        size_t sleft = rdn.len;
        while (sleft > 0) {
            if (!ucp_der_next(&set, &sleft, UCP_DER_BER, &atv) || atv.tag != ASN1_TAG_SEQUENCE ||
                !ucp_der_read(atv.value, atv.len, UCP_DER_BER, &oid) || oid.tag != ASN1_TAG_OBJECT_ID)
                return ucp_fail(UCP_E_CORRUPT, source, "%s", malformed);
            if (oid.len != sizeof oid_cn || memcmp(oid.value, oid_cn, sizeof oid_cn) != 0)
                continue;
            const uint8_t *start = atv.value + oid.total;
            if (!ucp_der_read_exact(start, atv.len - oid.total, UCP_DER_BER, &val))
                return ucp_fail(UCP_E_CORRUPT, source, "the subject common name is not a valid string");
            ucp_status st = push_cn(c, start, val.total, source);
            if (st != UCP_OK)
                return st;
        }
    }
    return UCP_OK;
}
