/* SPDX-License-Identifier: MIT */
/*
 * The profile facts of a certificate that path validation itself does not use: whether basic
 * constraints, the key identifiers, name constraints and the authority information access are
 * present, critical and well formed (RFC 5280 4.2.1.1, 4.2.1.2, 4.2.1.9, 4.2.1.10, 4.2.2.1).
 * Read on demand from the extension values (through the index without a copy, or GnuTLS without
 * one), each with the strict DER reader, for the profile rules of check/checks.c; nothing here
 * is kept.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

/* The first extension @oid (@der: its OBJECT IDENTIFIER contents; @dotted: the same as text),
 * from the index without a copy, or through GnuTLS when there is none. */
struct ext {
    const uint8_t *data;
    size_t len;
    bool critical;
    gnutls_datum_t copy; /* what GnuTLS gave (gnutls_free), or empty */
};

static bool ext_get(const ucp_certificate *c, const uint8_t *der, size_t derlen, const char *dotted, struct ext *e)
{
    bool ambiguous = false;
    memset(e, 0, sizeof *e);
    e->data = ucp_certificate_ext_value(c, der, derlen, &e->len, &e->critical, &ambiguous);
    if (!ambiguous)
        return e->data != NULL;
    unsigned crit = 0;
    if (ucp_certificate_get_extension(c, dotted, 0, &e->copy, &crit) < 0)
        return false;
    e->data = e->copy.data;
    e->len = e->copy.size;
    e->critical = crit != 0;
    return true;
}

static void ext_done(struct ext *e)
{
    gnutls_free(e->copy.data);
    e->copy.data = NULL;
}

/* AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] OCTET STRING OPTIONAL,
 *   authorityCertIssuer [1] GeneralNames OPTIONAL, authorityCertSerialNumber [2] INTEGER OPTIONAL }
 * in DER: each field at most once, in that order, the last two together. */
static bool aki_well_formed(const uint8_t *p, size_t len)
{
    struct ucp_tlv seq, t;
    if (!ucp_der_read_exact(p, len, UCP_DER_STRICT, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *q = seq.value;
    size_t left = seq.len;
    int last = -1, mask = 0;
    while (left > 0) {
        if (!ucp_der_next(&q, &left, UCP_DER_STRICT, &t))
            return false;
        int tag;
        if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 0))
            tag = 0;
        else if (ucp_der_is(&t, UCP_DER_CTX_CONS, 1) && t.len > 0)
            tag = 1;
        else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 2) && t.len > 0)
            tag = 2;
        else
            return false;
        if (tag <= last)
            return false;
        last = tag;
        mask |= 1 << tag;
    }
    return ((mask >> 1) & 3) == 0 || ((mask >> 1) & 3) == 3;
}

/* The URI scheme of @uri (@len bytes) is one a relying party fetches from: http, https, ldap. */
static bool fetchable_scheme(const uint8_t *uri, size_t len)
{
    static const char *const schemes[] = {"http://", "https://", "ldap://"};
    for (size_t i = 0; i < UCP_ARRAY_SIZE(schemes); i++) {
        size_t n = strlen(schemes[i]);
        if (len > n && ucp_strcaseeq_n((const char *)uri, n, schemes[i], n))
            return true;
    }
    return false;
}

/* What is wrong with the AuthorityInfoAccessSyntax @p (RFC 5280 4.2.2.1) into *@why (malloc'd;
 * NULL when nothing is). False when out of memory. */
static bool aia_check(const uint8_t *p, size_t len, char **why)
{
    static const uint8_t ocsp[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01};
    static const uint8_t ca_issuers[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02};
    struct ucp_tlv list, ad, m, loc;
    *why = NULL;
    if (!ucp_der_read_exact(p, len, UCP_DER_STRICT, &list) || !ucp_der_is(&list, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) ||
        list.len == 0)
        return (*why = ucp_strdup("the extension does not parse as a non-empty SEQUENCE OF AccessDescription")) != NULL;
    const uint8_t *q = list.value;
    size_t left = list.len;
    while (left > 0) {
        if (!ucp_der_next(&q, &left, UCP_DER_STRICT, &ad) || !ucp_der_is(&ad, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return (*why = ucp_strdup("an AccessDescription does not parse")) != NULL;
        const uint8_t *r = ad.value;
        size_t rleft = ad.len;
        if (!ucp_der_next(&r, &rleft, UCP_DER_STRICT, &m) || !ucp_der_is(&m, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) ||
            !ucp_der_oid_valid(m.value, m.len) || !ucp_der_read_exact(r, rleft, UCP_DER_STRICT, &loc))
            return (*why = ucp_strdup("an AccessDescription does not parse")) != NULL;
        const char *what = NULL;
        if (m.len == sizeof ocsp && memcmp(m.value, ocsp, m.len) == 0)
            what = "OCSP";
        else if (m.len == sizeof ca_issuers && memcmp(m.value, ca_issuers, m.len) == 0)
            what = "caIssuers";
        if (!what)
            continue;
        if (!ucp_der_is(&loc, ASN1_CLASS_CONTEXT_SPECIFIC, 6))
            return (*why = ucp_asprintf("the %s accessLocation is not a URI (GeneralName tag [%lu])", what, loc.tag)) !=
                   NULL;
        if (!fetchable_scheme(loc.value, loc.len)) {
            char *shown = ucp_display_bytes(loc.value, loc.len > 200 ? 200 : loc.len);
            if (!shown)
                return false;
            *why = ucp_asprintf("the %s URI '%s' is not http, https or ldap", what, shown);
            free(shown);
            return *why != NULL;
        }
    }
    return true;
}

bool ucp_certificate_profile(const ucp_certificate *c, struct ucp_profile *out)
{
    static const uint8_t bc_oid[] = {0x55, 0x1d, 0x13}, aki_oid[] = {0x55, 0x1d, 0x23}, ski_oid[] = {0x55, 0x1d, 0x0e},
                         nc_oid[] = {0x55, 0x1d, 0x1e},
                         aia_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01};
    memset(out, 0, sizeof *out);
    struct ext e;
    if (ext_get(c, bc_oid, sizeof bc_oid, "2.5.29.19", &e)) {
        out->bc_present = true;
        out->bc_critical = e.critical;
        ext_done(&e);
    }
    if (ext_get(c, aki_oid, sizeof aki_oid, "2.5.29.35", &e)) {
        out->aki_present = true;
        out->aki_critical = e.critical;
        out->aki_malformed = !aki_well_formed(e.data, e.len);
        ext_done(&e);
    }
    if (ext_get(c, ski_oid, sizeof ski_oid, "2.5.29.14", &e)) {
        struct ucp_tlv t;
        out->ski_present = true;
        out->ski_malformed = !ucp_der_read_exact(e.data, e.len, UCP_DER_STRICT, &t) ||
                             !ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) || t.len == 0;
        ext_done(&e);
    }
    if (ext_get(c, nc_oid, sizeof nc_oid, "2.5.29.30", &e)) {
        out->nc_present = true;
        ext_done(&e);
    }
    if (ext_get(c, aia_oid, sizeof aia_oid, "1.3.6.1.5.5.7.1.1", &e)) {
        bool ok = aia_check(e.data, e.len, &out->aia_problem);
        ext_done(&e);
        if (!ok)
            return false;
    }
    return true;
}

void ucp_profile_dispose(struct ucp_profile *p)
{
    free(p->aia_problem);
    p->aia_problem = NULL;
}
