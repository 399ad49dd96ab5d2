/* SPDX-License-Identifier: MIT */
/*
 * A CRL's scope: which certificates, and which revocation reasons, a CRL speaks for (RFC 5280
 * 5.2.5, 5.3.3, 6.3.3 (b)-(d)).
 *
 * On first use (ucp_crl_scope), a CRL's extensions are read once into crl->scope: the
 * issuingDistributionPoint (the distribution point it is for, onlyContainsUserCerts /
 * CACerts / AttributeCerts, onlySomeReasons, indirectCRL), whether it is a delta CRL, and the
 * first critical CRL or entry extension that is not recognised (such a CRL is not used at all:
 * RFC 5280 5.2, 5.3).
 *
 * For a certificate, each of its CRL distribution points is tried (one of every reason, named
 * by nothing, when it has none): the CRL's issuer must be the certificate's issuer, or a
 * cRLIssuer of the point with the CRL marked indirect; a distribution point name in the IDP
 * must match one of the point's names (its fullName, or its nameRelativeToCRLIssuer put after
 * the CRL issuer's name), or, when the point has no name, one of its cRLIssuer names or the
 * certificate's issuer; the only-contains flags must fit the certificate. The reasons a CRL
 * covers for the certificate are the union, over the points it covers, of onlySomeReasons and
 * the point's reasons. Names compare as RFC 5280 7.1 says for directory names
 * (ucp_dn_equal), other GeneralNames byte for byte.
 *
 * A delta CRL (RFC 5280 5.2.4) applies to a complete CRL of the same issuer and scope (the same
 * issuingDistributionPoint) whose cRLNumber is at least the delta's BaseCRLNumber, when it is
 * current and signed by the complete CRL's signer; of several, the one with the highest number.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

#define OID_CRLDP "2.5.29.31"
/* CRL extensions (RFC 5280 5.2) and CRL entry extensions (5.3) read or safely ignored. */
static const char *const crl_known[] = {
    "2.5.29.35",         /* authorityKeyIdentifier */
    "2.5.29.18",         /* issuerAltName */
    "2.5.29.20",         /* cRLNumber */
    "2.5.29.27",         /* deltaCRLIndicator */
    "2.5.29.28",         /* issuingDistributionPoint */
    "2.5.29.46",         /* freshestCRL */
    "1.3.6.1.5.5.7.1.1", /* authorityInfoAccess */
    NULL,
};
static const char *const entry_known[] = {
    "2.5.29.21", /* reasonCode */
    "2.5.29.23", /* holdInstructionCode */
    "2.5.29.24", /* invalidityDate */
    "2.5.29.29", /* certificateIssuer */
    NULL,
};

static bool known(const char *const *list, const char *oid)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], oid) == 0)
            return true;
    return false;
}

/* ---- reading extensions ---------------------------------------------------------------------- */

/* One Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
 * from *@p: its OID as text, criticality and value. */
static bool next_extension(const uint8_t **p, size_t *left, char *oid, size_t size, bool *critical,
                           struct ucp_tlv *value)
{
    struct ucp_tlv ext, t;
    if (!ucp_der_next(p, left, UCP_DER_BER, &ext) || !ucp_der_is(&ext, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *q = ext.value;
    size_t n = ext.len;
    if (!ucp_der_next(&q, &n, UCP_DER_BER, &t) || !ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) ||
        !ucp_der_oid_text(t.value, t.len, oid, size))
        return false;
    *critical = false;
    if (!ucp_der_next(&q, &n, UCP_DER_BER, &t))
        return false;
    if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BOOLEAN)) {
        if (t.len != 1)
            return false;
        *critical = t.value[0] != 0;
        if (!ucp_der_next(&q, &n, UCP_DER_BER, &t))
            return false;
    }
    if (!ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OCTET_STRING) || n != 0)
        return false;
    *value = t;
    return true;
}

/* ReasonFlags (a BIT STRING's contents) as a mask, bit n as 1 << n. */
static bool reason_flags(const struct ucp_tlv *t, uint16_t *mask)
{
    if (t->len < 1 || t->value[0] > 7)
        return false;
    unsigned m = 0;
    for (size_t k = 1; k < t->len && k <= 2; k++)
        for (unsigned b = 0; b < 8; b++)
            if (t->value[k] & (0x80u >> b))
                m |= 1u << ((k - 1) * 8 + b);
    *mask = (uint16_t)(m & UCP_REASONS_ALL);
    return true;
}

static bool boolean_true(const struct ucp_tlv *t)
{
    return t->len == 1 && t->value[0] != 0;
}

/* IssuingDistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
 * onlyContainsUserCerts [1] BOOLEAN DEFAULT FALSE, onlyContainsCACerts [2] BOOLEAN DEFAULT FALSE,
 * onlySomeReasons [3] ReasonFlags OPTIONAL, indirectCRL [4] BOOLEAN DEFAULT FALSE,
 * onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE } */
static bool read_idp(struct ucp_crl *crl, const struct ucp_tlv *value)
{
    struct ucp_crl_scope *s = &crl->scope;
    struct ucp_tlv seq, t;
    if (!ucp_der_read_exact(value->value, value->len, UCP_DER_BER, &seq) ||
        !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *q = seq.value;
    size_t n = seq.len;
    s->idp = true;
    while (n > 0) {
        if (!ucp_der_next(&q, &n, UCP_DER_BER, &t))
            return false;
        if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0)) {
            struct ucp_tlv name;
            if (!ucp_der_read_exact(t.value, t.len, UCP_DER_BER, &name) ||
                (!ucp_der_is(&name, UCP_DER_CTX_CONS, 0) && !ucp_der_is(&name, UCP_DER_CTX_CONS, 1)))
                return false;
            s->dp_off = (uint32_t)(t.value - crl->der);
            s->dp_len = (uint32_t)name.total;
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 1)) {
            s->only_user = boolean_true(&t);
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 2)) {
            s->only_ca = boolean_true(&t);
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 3)) {
            if (!reason_flags(&t, &s->reasons))
                return false;
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 4)) {
            s->indirect = boolean_true(&t);
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 5)) {
            s->only_attr = boolean_true(&t);
        } else {
            return false;
        }
    }
    return true;
}

static void read_scope(struct ucp_crl *crl)
{
    struct ucp_crl_scope *s = &crl->scope;
    memset(s, 0, sizeof *s);
    s->reasons = UCP_REASONS_ALL;
    char oid[64];
    bool critical;
    struct ucp_tlv value, exts;
    if (crl->exts_len && ucp_der_read_exact(crl->der + crl->exts_off, crl->exts_len, UCP_DER_BER, &exts)) {
        const uint8_t *p = exts.value;
        size_t left = exts.len;
        while (left > 0) {
            if (!next_extension(&p, &left, oid, sizeof oid, &critical, &value)) {
                s->malformed = "its extensions cannot be read";
                return;
            }
            if (strcmp(oid, "2.5.29.28") == 0) {
                if (!read_idp(crl, &value)) {
                    s->malformed = "its issuingDistributionPoint cannot be read";
                    return;
                }
                s->idp_off = (uint32_t)(value.value - crl->der);
                s->idp_len = (uint32_t)value.len;
            }
            if (strcmp(oid, "2.5.29.20") == 0 || strcmp(oid, "2.5.29.27") == 0) {
                /* cRLNumber, BaseCRLNumber ::= INTEGER (0..MAX) */
                struct ucp_tlv num;
                if (!ucp_der_read_exact(value.value, value.len, UCP_DER_BER, &num) ||
                    !ucp_der_is(&num, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || num.len == 0 || num.len > 21 ||
                    (num.value[0] & 0x80)) {
                    s->malformed = "its cRLNumber or deltaCRLIndicator is not a CRL number";
                    return;
                }
                if (strcmp(oid, "2.5.29.20") == 0) {
                    s->number_off = (uint32_t)(num.value - crl->der);
                    s->number_len = (uint32_t)num.len;
                } else {
                    s->delta = true;
                    s->base_off = (uint32_t)(num.value - crl->der);
                    s->base_len = (uint32_t)num.len;
                }
            }
            if (critical && !known(crl_known, oid) && !s->unknown[0])
                memcpy(s->unknown, oid, sizeof s->unknown);
        }
    }
    for (size_t i = 0; i < crl->nentries && !s->unknown[0]; i++) {
        const uint8_t *p;
        size_t left;
        if (!ucp_crl_entry_extensions(crl, &crl->entries[i], &p, &left))
            continue;
        struct ucp_tlv seq;
        if (!ucp_der_read_exact(p, left, UCP_DER_BER, &seq))
            continue; /* checked when indexed */
        p = seq.value;
        left = seq.len;
        while (left > 0) {
            if (!next_extension(&p, &left, oid, sizeof oid, &critical, &value)) {
                s->malformed = "the extensions of one of its entries cannot be read";
                return;
            }
            if (strcmp(oid, "2.5.29.29") == 0)
                s->certificate_issuer = true;
            if (critical && !known(entry_known, oid) && !s->unknown[0]) {
                memcpy(s->unknown, oid, sizeof s->unknown);
                s->unknown_in_entry = true;
            }
        }
    }
}

const struct ucp_crl_scope *ucp_crl_scope(const struct ucp_crl *crl)
{
    struct ucp_crl *c = (struct ucp_crl *)crl;
    if (atomic_load_explicit(&c->scope_state, memory_order_acquire) == 2)
        return &c->scope;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&c->scope_state, &expected, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        read_scope(c);
        atomic_store_explicit(&c->scope_state, 2, memory_order_release);
        return &c->scope;
    }
    /* Another thread is reading it (one pass over the extensions). */
    while (atomic_load_explicit(&c->scope_state, memory_order_acquire) != 2)
        ;
    return &c->scope;
}

/* ---- names ------------------------------------------------------------------------------------ */

/* One GeneralName: its tag (4 directoryName: @p is the Name TLV; otherwise its contents). */
struct gname {
    unsigned tag;
    const uint8_t *p;
    size_t n;
};

enum { MAX_NAMES = 16 };
struct names {
    struct gname v[MAX_NAMES];
    size_t n;
    uint8_t *owned[MAX_NAMES]; /* built directory names (a relative name after an issuer's) */
    size_t nowned;
};

static void names_dispose(struct names *l)
{
    for (size_t i = 0; i < l->nowned; i++)
        free(l->owned[i]);
    l->n = l->nowned = 0;
}

static void add_name(struct names *l, unsigned tag, const uint8_t *p, size_t n)
{
    if (l->n < MAX_NAMES)
        l->v[l->n++] = (struct gname){tag, p, n};
}

/* The GeneralName elements of @p (@n bytes, the contents of a GeneralNames). */
static bool add_general_names(struct names *l, const uint8_t *p, size_t n)
{
    struct ucp_tlv t;
    while (n > 0) {
        if (!ucp_der_next(&p, &n, UCP_DER_BER, &t) || !(t.cls & ASN1_CLASS_CONTEXT_SPECIFIC))
            return false;
        if (t.tag == 4) {
            struct ucp_tlv name;
            if (!ucp_der_read_exact(t.value, t.len, UCP_DER_BER, &name))
                return false;
            add_name(l, 4, name.value - name.hdr, name.total);
        } else {
            add_name(l, (unsigned)t.tag, t.value, t.len);
        }
    }
    return true;
}

/* DER length octets of @n into @out (at most 5); their number. */
static size_t put_len(uint8_t *out, size_t n)
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    size_t k = 0;
    for (size_t v = n; v; v >>= 8)
        k++;
    out[0] = (uint8_t)(0x80 | k);
    for (size_t i = 0; i < k; i++)
        out[1 + i] = (uint8_t)(n >> (8 * (k - 1 - i)));
    return 1 + k;
}

/* The directory name @base (a Name TLV) with the RDN whose contents are @rdn (@rdn_len bytes)
 * after it (RFC 5280 4.2.1.13, nameRelativeToCRLIssuer). */
static bool add_relative(struct names *l, const struct ucp_bytes *base, const uint8_t *rdn, size_t rdn_len)
{
    struct ucp_tlv name;
    if (l->nowned >= MAX_NAMES || !ucp_der_read_exact(base->data, base->len, UCP_DER_BER, &name))
        return false;
    uint8_t set_hdr[6], seq_hdr[6];
    size_t set_h = put_len(set_hdr + 1, rdn_len) + 1;
    set_hdr[0] = 0x31;
    size_t inner = name.len + set_h + rdn_len;
    size_t seq_h = put_len(seq_hdr + 1, inner) + 1;
    seq_hdr[0] = 0x30;
    uint8_t *der = malloc(seq_h + inner);
    if (!der)
        return false;
    memcpy(der, seq_hdr, seq_h);
    memcpy(der + seq_h, name.value, name.len);
    memcpy(der + seq_h + name.len, set_hdr, set_h);
    memcpy(der + seq_h + name.len + set_h, rdn, rdn_len);
    l->owned[l->nowned++] = der;
    add_name(l, 4, der, seq_h + inner);
    return true;
}

/* A DistributionPointName TLV (@p, @n): fullName [0] GeneralNames, or nameRelativeToCRLIssuer
 * [1] RelativeDistinguishedName, put after @issuer. */
static bool add_dp_name(struct names *l, const uint8_t *p, size_t n, const struct ucp_bytes *issuer)
{
    struct ucp_tlv t;
    if (!ucp_der_read_exact(p, n, UCP_DER_BER, &t))
        return false;
    if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0))
        return add_general_names(l, t.value, t.len);
    if (ucp_der_is(&t, UCP_DER_CTX_CONS, 1))
        return issuer && add_relative(l, issuer, t.value, t.len);
    return false;
}

static bool gname_equal(const struct gname *a, const struct gname *b)
{
    if (a->tag != b->tag)
        return false;
    if (a->tag == 4) {
        const struct ucp_bytes x = {(uint8_t *)a->p, a->n}, y = {(uint8_t *)b->p, b->n};
        return ucp_dn_equal(&x, &y);
    }
    return a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

static bool names_meet(const struct names *a, const struct names *b)
{
    for (size_t i = 0; i < a->n; i++)
        for (size_t k = 0; k < b->n; k++)
            if (gname_equal(&a->v[i], &b->v[k]))
                return true;
    return false;
}

/* ---- coverage --------------------------------------------------------------------------------- */

/* DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL,
 * reasons [1] ReasonFlags OPTIONAL, cRLIssuer [2] GeneralNames OPTIONAL } */
struct dpoint {
    const uint8_t *name; /* the DistributionPointName TLV, or NULL */
    size_t name_len;
    uint16_t reasons;
    const uint8_t *crl_issuer; /* GeneralNames contents, or NULL */
    size_t crl_issuer_len;
};

static bool read_dpoint(const uint8_t *p, size_t n, struct dpoint *d)
{
    struct ucp_tlv t;
    memset(d, 0, sizeof *d);
    d->reasons = UCP_REASONS_ALL;
    while (n > 0) {
        if (!ucp_der_next(&p, &n, UCP_DER_BER, &t))
            return false;
        if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0)) {
            d->name = t.value;
            d->name_len = t.len;
        } else if (ucp_der_is(&t, ASN1_CLASS_CONTEXT_SPECIFIC, 1)) {
            if (!reason_flags(&t, &d->reasons))
                return false;
        } else if (ucp_der_is(&t, UCP_DER_CTX_CONS, 2)) {
            d->crl_issuer = t.value;
            d->crl_issuer_len = t.len;
        } else {
            return false;
        }
    }
    return true;
}

/* Whether @crl covers @cert through the distribution point @d (RFC 5280 6.3.3 (b)-(d)). */
static enum ucp_crl_cover cover_one(const struct ucp_crl *crl, const ucp_certificate *cert,
                                    const ucp_certificate *issuer, const struct dpoint *d, unsigned *reasons,
                                    bool *indirect, const char **why)
{
    const struct ucp_crl_scope *s = ucp_crl_scope(crl);
    struct ucp_bytes crl_name = {crl->der + crl->issuer_off, crl->issuer_len};
    struct names crl_issuers = {.n = 0};
    if (d->crl_issuer && !add_general_names(&crl_issuers, d->crl_issuer, d->crl_issuer_len)) {
        *why = "the certificate's distribution point has a cRLIssuer that cannot be read";
        return UCP_CRL_OUT_OF_SCOPE;
    }
    /* (b)(1): who issues the CRL */
    if (d->crl_issuer) {
        bool named = false;
        for (size_t k = 0; k < crl_issuers.n && !named; k++) {
            const struct ucp_bytes x = {(uint8_t *)crl_issuers.v[k].p, crl_issuers.v[k].n};
            named = crl_issuers.v[k].tag == 4 && ucp_dn_equal(&x, &crl_name);
        }
        if (!named)
            return UCP_CRL_OTHER_ISSUER;
        if (!s->indirect) {
            *why = "the certificate names it as its cRLIssuer, but it is not an indirect CRL (indirectCRL)";
            return UCP_CRL_OUT_OF_SCOPE;
        }
        *indirect = !ucp_dn_equal(&crl_name, &issuer->raw_subject);
    } else {
        if (!ucp_dn_equal(&crl_name, &issuer->raw_subject))
            return UCP_CRL_OTHER_ISSUER;
        *indirect = false;
    }
    /* (b)(2)(i): the distribution point names */
    if (s->dp_len) {
        struct names idp = {.n = 0}, dp = {.n = 0};
        bool ok = add_dp_name(&idp, crl->der + s->dp_off, s->dp_len, &crl_name);
        if (ok && d->name) {
            const struct ucp_bytes *base = &issuer->raw_subject;
            struct ucp_bytes first = {0};
            if (d->crl_issuer && crl_issuers.n && crl_issuers.v[0].tag == 4) {
                first = (struct ucp_bytes){(uint8_t *)crl_issuers.v[0].p, crl_issuers.v[0].n};
                base = &first;
            }
            ok = add_dp_name(&dp, d->name, d->name_len, base);
        } else if (ok && d->crl_issuer) {
            for (size_t k = 0; k < crl_issuers.n; k++)
                add_name(&dp, crl_issuers.v[k].tag, crl_issuers.v[k].p, crl_issuers.v[k].n);
        } else if (ok) {
            add_name(&dp, 4, cert->raw_issuer.data, cert->raw_issuer.len);
        }
        bool meet = ok && names_meet(&idp, &dp);
        names_dispose(&idp);
        names_dispose(&dp);
        if (!meet) {
            *why = "its issuingDistributionPoint names a distribution point the certificate does not name";
            return UCP_CRL_OUT_OF_SCOPE;
        }
    }
    names_dispose(&crl_issuers);
    /* (b)(2)(ii), (iii) */
    bool ca = cert->has_bc && cert->bc_ca;
    if (s->only_user && ca) {
        *why = "it holds only end-entity certificates (onlyContainsUserCerts) and the certificate is a CA";
        return UCP_CRL_OUT_OF_SCOPE;
    }
    if (s->only_ca && !ca) {
        *why = "it holds only CA certificates (onlyContainsCACerts) and the certificate is not a CA";
        return UCP_CRL_OUT_OF_SCOPE;
    }
    if (s->only_attr) {
        *why = "it holds only attribute certificates (onlyContainsAttributeCerts)";
        return UCP_CRL_OUT_OF_SCOPE;
    }
    /* (c), (d) */
    *reasons = (unsigned)(s->reasons & d->reasons);
    if (!*reasons) {
        *why = "the reasons it covers (onlySomeReasons) are none of those of the certificate's distribution point";
        return UCP_CRL_OUT_OF_SCOPE;
    }
    return UCP_CRL_COVERS;
}

enum ucp_crl_cover ucp_crl_covers(const struct ucp_crl *crl, const ucp_certificate *cert,
                                  const ucp_certificate *issuer, unsigned *reasons, bool *indirect,
                                  const char **why)
{
    *reasons = 0;
    *indirect = false;
    *why = NULL;
    if (ucp_crl_scope(crl)->malformed) {
        if (!ucp_crl_issuer_is(crl, issuer))
            return UCP_CRL_OTHER_ISSUER;
        *why = ucp_crl_scope(crl)->malformed;
        return UCP_CRL_OUT_OF_SCOPE;
    }
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    struct dpoint none;
    memset(&none, 0, sizeof none);
    none.reasons = UCP_REASONS_ALL;
    if (ucp_certificate_get_extension(cert, OID_CRLDP, 0, &ext, &critical) < 0)
        return cover_one(crl, cert, issuer, &none, reasons, indirect, why);
    enum ucp_crl_cover best = UCP_CRL_OTHER_ISSUER;
    struct ucp_tlv seq, t;
    if (!ucp_der_read_exact(ext.data, ext.size, UCP_DER_BER, &seq) ||
        !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || seq.len == 0) {
        best = cover_one(crl, cert, issuer, &none, reasons, indirect, why);
        gnutls_free(ext.data);
        return best;
    }
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    const char *first_why = NULL;
    while (left > 0 && ucp_der_next(&p, &left, UCP_DER_BER, &t)) {
        struct dpoint d;
        if (!ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || !read_dpoint(t.value, t.len, &d))
            break;
        unsigned r = 0;
        bool ind = false;
        const char *w = NULL;
        enum ucp_crl_cover c = cover_one(crl, cert, issuer, &d, &r, &ind, &w);
        if (c == UCP_CRL_COVERS) {
            best = c;
            *reasons |= r;
            *indirect = *indirect || ind;
        } else if (c == UCP_CRL_OUT_OF_SCOPE && best != UCP_CRL_COVERS) {
            best = c;
            if (!first_why)
                first_why = w;
        }
    }
    gnutls_free(ext.data);
    if (best == UCP_CRL_OUT_OF_SCOPE)
        *why = first_why;
    return best;
}

bool ucp_crl_points_name_crl_issuer(const ucp_certificate *cert)
{
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    if (ucp_certificate_get_extension(cert, OID_CRLDP, 0, &ext, &critical) < 0)
        return false;
    bool found = false;
    struct ucp_tlv seq, t;
    if (ucp_der_read_exact(ext.data, ext.size, UCP_DER_BER, &seq) &&
        ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE)) {
        const uint8_t *p = seq.value;
        size_t left = seq.len;
        while (!found && left > 0 && ucp_der_next(&p, &left, UCP_DER_BER, &t)) {
            struct dpoint d;
            if (!ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) || !read_dpoint(t.value, t.len, &d))
                break; /* as ucp_crl_covers reads them */
            found = d.crl_issuer != NULL;
        }
    }
    gnutls_free(ext.data);
    return found;
}

/* ---- entries of indirect CRLs ----------------------------------------------------------------- */

/* The certificateIssuer of the entry at @off (the whole Extensions TLV at @p, @n), as a
 * directory name (the Name TLV); false when it has none. */
static bool entry_cert_issuer(const uint8_t *p, size_t n, struct ucp_bytes *out)
{
    struct ucp_tlv seq, value;
    char oid[64];
    bool critical;
    if (!ucp_der_read_exact(p, n, UCP_DER_BER, &seq))
        return false;
    const uint8_t *q = seq.value;
    size_t left = seq.len;
    while (left > 0 && next_extension(&q, &left, oid, sizeof oid, &critical, &value)) {
        if (strcmp(oid, "2.5.29.29") != 0)
            continue;
        struct ucp_tlv names;
        struct names l = {.n = 0};
        if (!ucp_der_read_exact(value.value, value.len, UCP_DER_BER, &names) ||
            !add_general_names(&l, names.value, names.len))
            return false;
        for (size_t k = 0; k < l.n; k++)
            if (l.v[k].tag == 4) {
                *out = (struct ucp_bytes){(uint8_t *)l.v[k].p, l.v[k].n};
                return true;
            }
        return false;
    }
    return false;
}

static bool same_serial(const struct ucp_crl *crl, const struct ucp_crl_entry *a, const struct ucp_crl_entry *b)
{
    return a->negative == b->negative && a->serial_len == b->serial_len &&
           memcmp(crl->der + a->off + a->serial_at, crl->der + b->off + b->serial_at, a->serial_len) == 0;
}

/* The certificate issuer of the entry at offset @off: the last certificateIssuer among the
 * entries up to it in the CRL's order, or the CRL's issuer. */
static struct ucp_bytes issuer_of_entry(const struct ucp_crl *crl, uint32_t off)
{
    struct ucp_bytes current = {crl->der + crl->issuer_off, crl->issuer_len};
    uint32_t first = off;
    for (size_t i = 0; i < crl->nentries; i++)
        if (crl->entries[i].off < first)
            first = crl->entries[i].off;
    const uint8_t *p = crl->der + first;
    size_t left = crl->der_len - first;
    while ((uint32_t)(p - crl->der) <= off && left > 0) {
        struct ucp_tlv whole;
        if (!ucp_der_read(p, left, UCP_DER_BER, &whole))
            break;
        struct ucp_crl_entry probe = {.off = (uint32_t)(p - crl->der)};
        const uint8_t *x;
        size_t xn;
        struct ucp_bytes named;
        if (ucp_crl_entry_extensions(crl, &probe, &x, &xn) && entry_cert_issuer(x, xn, &named))
            current = named;
        p += whole.total;
        left -= whole.total;
    }
    return current;
}

const struct ucp_crl_entry *ucp_crl_find_issued(const struct ucp_crl *crl, const ucp_certificate *cert,
                                                const struct ucp_bytes *issuer_name)
{
    const struct ucp_crl_entry *e = ucp_crl_find(crl, cert);
    if (!e || !ucp_crl_scope(crl)->indirect)
        return e;
    if (!ucp_crl_scope(crl)->certificate_issuer) {
        /* Without certificateIssuer every entry is of the CRL's issuer. */
        const struct ucp_bytes name = {crl->der + crl->issuer_off, crl->issuer_len};
        return ucp_dn_equal(&name, issuer_name) ? e : NULL;
    }
    /* Serials repeat in an indirect CRL (one per issuer): every entry of this serial. */
    const struct ucp_crl_entry *lo = e, *hi = e, *end = crl->entries + crl->nentries;
    while (lo > crl->entries && same_serial(crl, lo - 1, e))
        lo--;
    while (hi + 1 < end && same_serial(crl, hi + 1, e))
        hi++;
    for (const struct ucp_crl_entry *c = lo; c <= hi; c++) {
        struct ucp_bytes who = issuer_of_entry(crl, c->off);
        if (ucp_dn_equal(&who, issuer_name))
            return c;
    }
    return NULL;
}

/* ---- delta CRLs ------------------------------------------------------------------------------- */

/* Two CRL numbers (non-negative INTEGER contents) compared as numbers. */
static int number_cmp(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    while (an > 1 && a[0] == 0) {
        a++;
        an--;
    }
    while (bn > 1 && b[0] == 0) {
        b++;
        bn--;
    }
    if (an != bn)
        return an < bn ? -1 : 1;
    return memcmp(a, b, an);
}

/* Same scope: the same issuingDistributionPoint (or none in both). */
static bool same_scope(const struct ucp_crl *a, const struct ucp_crl *b)
{
    return ucp_crl_scope(a)->idp_len == ucp_crl_scope(b)->idp_len &&
           memcmp(a->der + ucp_crl_scope(a)->idp_off, b->der + ucp_crl_scope(b)->idp_off, ucp_crl_scope(a)->idp_len) == 0;
}

const struct ucp_crl *ucp_crl_delta_for(struct ucp_crl *const *v, size_t n, const struct ucp_crl *base,
                                        const ucp_certificate *signer, int64_t now)
{
    const struct ucp_crl *best = NULL;
    if (!ucp_crl_scope(base)->number_len)
        return NULL; /* a complete CRL without a number has no delta (RFC 5280 5.2.3) */
    const struct ucp_bytes base_issuer = {base->der + base->issuer_off, base->issuer_len};
    for (size_t k = 0; k < n; k++) {
        const struct ucp_crl *d = v[k];
        if (d == base || !ucp_crl_scope(d)->delta || ucp_crl_scope(d)->unknown[0] || ucp_crl_scope(d)->malformed || !ucp_crl_scope(d)->number_len)
            continue;
        const struct ucp_bytes name = {d->der + d->issuer_off, d->issuer_len};
        if (!ucp_dn_equal(&name, &base_issuer) || !same_scope(d, base))
            continue;
        if (number_cmp(d->der + ucp_crl_scope(d)->base_off, ucp_crl_scope(d)->base_len, base->der + ucp_crl_scope(base)->number_off,
                       ucp_crl_scope(base)->number_len) > 0)
            continue; /* its base is newer than this complete CRL */
        if (d->this_update > now || (d->next_update >= 0 && d->next_update < now))
            continue;
        if (best && number_cmp(d->der + ucp_crl_scope(d)->number_off, ucp_crl_scope(d)->number_len, best->der + ucp_crl_scope(best)->number_off,
                               ucp_crl_scope(best)->number_len) <= 0)
            continue;
        if (!ucp_crl_signed_by(d, signer))
            continue;
        best = d;
    }
    return best;
}

int ucp_crl_entry_reason(const struct ucp_crl *crl, const struct ucp_crl_entry *e)
{
    const uint8_t *p;
    size_t n;
    struct ucp_tlv seq, value, en;
    char oid[64];
    bool critical;
    if (!ucp_crl_entry_extensions(crl, e, &p, &n) || !ucp_der_read_exact(p, n, UCP_DER_BER, &seq))
        return -1;
    const uint8_t *q = seq.value;
    size_t left = seq.len;
    while (left > 0 && next_extension(&q, &left, oid, sizeof oid, &critical, &value)) {
        if (strcmp(oid, "2.5.29.21") != 0)
            continue;
        /* CRLReason ::= ENUMERATED */
        if (!ucp_der_read_exact(value.value, value.len, UCP_DER_BER, &en) ||
            !ucp_der_is(&en, ASN1_CLASS_UNIVERSAL, ASN1_TAG_ENUMERATED) || en.len == 0 || en.len > 2)
            return -1;
        return en.len == 1 ? en.value[0] : (int)(en.value[0] << 8 | en.value[1]);
    }
    return -1;
}
