/* SPDX-License-Identifier: MIT */
/*
 * Private key facts of PKCS#12 (PFX) files: is there a key, is it the leaf certificate's, which
 * Windows provider was it exported from (the Microsoft CSP name attribute, 1.3.6.1.4.1.311.17.1,
 * on the key's SafeBag), and the friendly name of the leaf's bag.
 *
 * GnuTLS exposes no SafeBag attribute but friendlyName and localKeyId, so the PFX is walked with
 * libtasn1 and the in-tree module (x509/ucpolicy.asn): PFX -> AuthenticatedSafe -> ContentInfo
 * (data) -> SafeContents -> SafeBag -> attributes. The SafeContents of an encrypted ContentInfo
 * (encryptedData) are decrypted through GnuTLS's bag API, which returns the bags but not their
 * other attributes: a key found there has a provider that is "not visible".
 *
 * Hostile files: every level is counted with DER primitives before libtasn1 builds a tree for it
 * (ContentInfos, SafeBags, attributes, values), text attributes are bounded, and the
 * key-derivation work of the whole file (the MAC, every encrypted ContentInfo, every shrouded key)
 * is read with the DER reader and bounded, item by item and in sum, before GnuTLS derives any key.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/input-private.h"

#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_ENCRYPTED_DATA "1.2.840.113549.1.7.6"
#define OID_KEY_BAG "1.2.840.113549.1.12.10.1.1"
#define OID_SHROUDED_KEY_BAG "1.2.840.113549.1.12.10.1.2"
#define OID_CERT_BAG "1.2.840.113549.1.12.10.1.3"
#define OID_X509_CERTIFICATE "1.2.840.113549.1.9.22.1"
#define OID_FRIENDLY_NAME "1.2.840.113549.1.9.20"
#define OID_LOCAL_KEY_ID "1.2.840.113549.1.9.21"
#define OID_MS_CSP_NAME "1.3.6.1.4.1.311.17.1"
#define OID_PBES2 "1.2.840.113549.1.5.13"
#define OID_PBKDF2 "1.2.840.113549.1.5.12"
#define OID_PKCS12_PBE "1.2.840.113549.1.12.1." /* .1 to .6: pbeWithSHAAnd... */
#define OID_PBES1 "1.2.840.113549.1.5."         /* .1, .3, .4, .6, .10, .11: pbeWith...AndDES/RC2 */

enum bag_kind { BAG_KEY, BAG_SHROUDED_KEY, BAG_CERT };

struct ucp_p12_bag {
    enum bag_kind kind;
    struct ucp_bytes value;        /* PrivateKeyInfo, EncryptedPrivateKeyInfo or certificate DER */
    char *friendly_name;           /* display text, NULL if none */
    struct ucp_bytes local_key_id; /* data NULL if none */
    char *provider;                /* display text, NULL if none */
    bool attributes_visible;       /* false: decrypted by GnuTLS (friendlyName, localKeyId only) */
};

struct scan {
    struct ucp_p12_scan *out;
    const char *source;
    const char *password;
    size_t content; /* 1-based position of the ContentInfo being read, for messages */
    size_t bag;     /* 1-based position of the SafeBag being read */
    uint64_t work;  /* key-derivation iterations declared so far (UCP_MAX_PKCS12_WORK) */
};

static void bag_dispose(struct ucp_p12_bag *b)
{
    if (b->value.data)
        ucp_wipe(b->value.data, b->value.len); /* a keyBag holds a private key in the clear */
    free(b->value.data);
    free(b->friendly_name);
    free(b->local_key_id.data);
    free(b->provider);
}

void ucp_pkcs12_scan_dispose(struct ucp_p12_scan *scan)
{
    for (size_t i = 0; i < scan->n; i++)
        bag_dispose(&scan->bags[i]);
    free(scan->bags);
    scan->bags = NULL;
    scan->n = scan->nkeys = 0;
}

/* UCP_E_CORRUPT naming the ContentInfo and SafeBag being read: "WHAT" or "WHAT: DETAIL". */
static ucp_status corrupt(const struct scan *s, const char *what, const char *detail)
{
    char where[96] = "PKCS#12 structure";
    if (s->bag)
        snprintf(where, sizeof where, "PKCS#12 ContentInfo %zu, SafeBag %zu", s->content, s->bag);
    else if (s->content)
        snprintf(where, sizeof where, "PKCS#12 ContentInfo %zu", s->content);
    return ucp_fail(UCP_E_CORRUPT, s->source, "%s: %s%s%s", where, what, detail ? ": " : "",
                    detail ? detail : "");
}

static ucp_status push_bag(struct scan *s, struct ucp_p12_bag *b)
{
    struct ucp_p12_scan *o = s->out;
    if (o->n >= UCP_MAX_PKCS12_BAGS) {
        bag_dispose(b);
        return ucp_fail(UCP_E_LIMIT, s->source, "the PKCS#12 file holds more than %d SafeBags",
                        UCP_MAX_PKCS12_BAGS);
    }
    if (b->kind != BAG_CERT && o->nkeys >= UCP_MAX_PKCS12_KEYS) {
        bag_dispose(b);
        return ucp_fail(UCP_E_LIMIT, s->source,
                        "the PKCS#12 file holds more than %d private keys (each may cost a key "
                        "derivation to read)", UCP_MAX_PKCS12_KEYS);
    }
    struct ucp_p12_bag *v = realloc(o->bags, (o->n + 1) * sizeof *v);
    if (!v) {
        bag_dispose(b);
        return ucp_fail_nomem();
    }
    o->bags = v;
    v[o->n++] = *b;
    if (b->kind != BAG_CERT)
        o->nkeys++;
    return UCP_OK;
}

ucp_status ucp_check_kdf_iterations(uint64_t iter, const char *what, const char *source)
{
    if (iter > UCP_MAX_PKCS12_ITERATIONS)
        return ucp_fail(UCP_E_LIMIT, source,
                        "%s asks for %llu key-derivation iterations; the limit is %d (a hostile file could "
                        "otherwise hold the check for minutes)",
                        what, (unsigned long long)iter, UCP_MAX_PKCS12_ITERATIONS);
    return UCP_OK;
}

/* ---- the key-derivation budget: read with the DER reader, never asked of GnuTLS -------------- */

/* The TLV spanning @e exactly, if it is of class @cls and tag @tag. */
static bool span_tlv(const struct ucp_ber_span *e, unsigned char cls, unsigned long tag, struct ucp_tlv *t)
{
    return ucp_der_read_exact(e->p, e->len, UCP_DER_BER_INDEFINITE, t) && ucp_der_is(t, cls, tag);
}

/* The OBJECT IDENTIFIER at @e as dotted text into @buf; false when it is none. */
static bool span_oid(const struct ucp_ber_span *e, char *buf, size_t size)
{
    struct ucp_tlv t;
    int used = 0;
    if (!span_tlv(e, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID, &t) || t.hdr != 2 ||
        !ucp_der_oid_valid(t.value, t.len))
        return false;
    return asn1_get_object_id_der(e->p + 1, (int)(e->len - 1), &used, buf, (int)size) == ASN1_SUCCESS;
}

/* A non-negative INTEGER as a count (saturated: any count past 64 bits is past every bound). */
static bool span_count(const struct ucp_ber_span *e, uint64_t *out)
{
    struct ucp_tlv t;
    if (!span_tlv(e, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER, &t) || t.len == 0 || (t.value[0] & 0x80))
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (v > (UINT64_MAX >> 8))
            return *out = UINT64_MAX, true;
        v = v << 8 | t.value[i];
    }
    *out = v;
    return true;
}

/* The single element of the [0] EXPLICIT (or any constructed) wrapper at @e. */
static bool span_inner(const struct ucp_ber_span *e, struct ucp_ber_span *inner)
{
    size_t n = 0;
    const char *why = NULL;
    return ucp_ber_elements(e->p, e->len, inner, 1, &n, &why) && n == 1;
}

static bool oid_in(const char *oid, const char *prefix, const char *const *last)
{
    size_t k = strlen(prefix);
    if (strncmp(oid, prefix, k) != 0)
        return false;
    for (; *last; last++)
        if (strcmp(oid + k, *last) == 0)
            return true;
    return false;
}

/* The key-derivation iterations of the password-based encryption AlgorithmIdentifier at @alg:
 * PBES2 with PBKDF2 (whatever the salt's length or the PRF), the PKCS#12 PBE schemes and PKCS#5
 * PBES1. Anything else is refused before GnuTLS sees it: what cannot be bounded is not run. */
static ucp_status pbe_iterations(const struct ucp_ber_span *alg, const char *what, const char *source,
                                 uint64_t *iter)
{
    static const char *const pkcs12_pbe[] = {"1", "2", "3", "4", "5", "6", NULL};
    static const char *const pbes1[] = {"1", "3", "4", "6", "10", "11", NULL};
    struct ucp_ber_span a[2], params[4], kdf[2];
    size_t n = 0, np = 0, nk = 0;
    const char *why = NULL;
    char oid[128];
    if (!ucp_ber_elements(alg->p, alg->len, a, 2, &n, &why) || n == 0 || !span_oid(&a[0], oid, sizeof oid))
        return ucp_fail(UCP_E_CORRUPT, source, "%s: the encryption algorithm is malformed", what);
    if (strcmp(oid, OID_PBES2) == 0) {
        if (n != 2 || !ucp_ber_elements(a[1].p, a[1].len, params, 2, &np, &why) || np != 2 ||
            !ucp_ber_elements(params[0].p, params[0].len, kdf, 2, &nk, &why) || nk != 2 ||
            !span_oid(&kdf[0], oid, sizeof oid))
            return ucp_fail(UCP_E_CORRUPT, source, "%s: the PBES2 parameters are malformed", what);
        if (strcmp(oid, OID_PBKDF2) != 0)
            return ucp_fail(UCP_E_UNSUPPORTED, source, "%s uses the key-derivation function %s, which is "
                            "not supported (only PBKDF2)", what, oid);
        /* PBKDF2-params: salt (any length, or an AlgorithmIdentifier), iterationCount, ... */
        if (!ucp_ber_elements(kdf[1].p, kdf[1].len, params, 4, &np, &why) || np < 2 ||
            !span_count(&params[1], iter))
            return ucp_fail(UCP_E_CORRUPT, source, "%s: the PBKDF2 parameters are malformed", what);
        return ucp_check_kdf_iterations(*iter, what, source);
    }
    if (oid_in(oid, OID_PKCS12_PBE, pkcs12_pbe) || oid_in(oid, OID_PBES1, pbes1)) {
        /* pkcs-12PbeParams and PKCS#5 PBEParameter alike: salt, iterations */
        if (n != 2 || !ucp_ber_elements(a[1].p, a[1].len, params, 2, &np, &why) || np != 2 ||
            !span_count(&params[1], iter))
            return ucp_fail(UCP_E_CORRUPT, source, "%s: the PBE parameters are malformed", what);
        return ucp_check_kdf_iterations(*iter, what, source);
    }
    return ucp_fail(UCP_E_UNSUPPORTED, source, "%s is encrypted with an algorithm that is not supported "
                    "(%s), so its key-derivation work cannot be bounded", what, oid);
}

ucp_status ucp_pkcs8_iterations(const uint8_t *der, size_t len, const char *what, const char *source,
                                uint64_t *iter)
{
    /* EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } */
    struct ucp_ber_span e[2], whole = {der, len};
    size_t n = 0;
    const char *why = NULL;
    *iter = 0;
    if (!ucp_ber_elements(whole.p, whole.len, e, 2, &n, &why) || n != 2)
        return ucp_fail(UCP_E_CORRUPT, source, "%s: not an EncryptedPrivateKeyInfo (%s)", what,
                        why ? why : "not two elements");
    return pbe_iterations(&e[0], what, source, iter);
}

/* Add @iter iterations of @what to the file's work, each bounded and the sum too. */
static ucp_status add_work(struct scan *s, uint64_t iter, const char *what)
{
    ucp_status st = ucp_check_kdf_iterations(iter, what, s->source);
    if (st == UCP_OK)
        s->work += iter; /* at most 1 + 64 + 256 items of at most UCP_MAX_PKCS12_ITERATIONS */
    return st;
}

static ucp_status over_budget(const struct scan *s, const char *least)
{
    return ucp_fail(UCP_E_LIMIT, s->source,
                    "the PKCS#12 file asks for %s%llu key-derivation iterations in all (MAC, encrypted "
                    "ContentInfos and private keys); the budget of one file is %d (a hostile file could "
                    "otherwise hold the check for minutes)",
                    least, (unsigned long long)s->work, UCP_MAX_PKCS12_WORK);
}

/* The shrouded keys of the SafeContents of a data ContentInfo (@content: its [0] wrapper). */
static ucp_status safe_contents_work(struct scan *s, const struct ucp_ber_span *content)
{
    struct ucp_ber_span octets;
    if (!span_inner(content, &octets))
        return corrupt(s, "a data ContentInfo without content", NULL);
    unsigned char *sc = NULL;
    unsigned nsc = 0, used = 0;
    if (asn1_decode_simple_ber(ASN1_ETYPE_OCTET_STRING, octets.p, (unsigned)octets.len, &sc, &nsc, &used) !=
            ASN1_SUCCESS ||
        used != octets.len) {
        free(sc);
        return corrupt(s, "the content is not an OCTET STRING", NULL);
    }
    struct ucp_ber_span *bags = malloc(UCP_MAX_PKCS12_BAGS * sizeof *bags);
    size_t n = 0;
    const char *why = NULL;
    ucp_status st = UCP_OK;
    if (!bags) {
        st = ucp_fail_nomem();
    } else if (!ucp_ber_elements(sc, nsc, bags, UCP_MAX_PKCS12_BAGS, &n, &why)) {
        st = strcmp(why, "too many elements") == 0
                 ? ucp_fail(UCP_E_LIMIT, s->source, "the PKCS#12 file holds more than %d SafeBags",
                            UCP_MAX_PKCS12_BAGS)
                 : corrupt(s, "the SafeContents are malformed", why);
    }
    for (size_t i = 0; i < n && st == UCP_OK; i++) {
        struct ucp_ber_span parts[3], epki;
        size_t np = 0;
        char oid[128];
        s->bag = i + 1;
        if (!ucp_ber_elements(bags[i].p, bags[i].len, parts, 3, &np, &why) || np < 2 ||
            !span_oid(&parts[0], oid, sizeof oid)) {
            st = corrupt(s, "the SafeBag is malformed", NULL);
        } else if (strcmp(oid, OID_SHROUDED_KEY_BAG) == 0) {
            uint64_t iter = 0;
            if (!span_inner(&parts[1], &epki))
                st = corrupt(s, "the shrouded key bag is malformed", NULL);
            else if ((st = ucp_pkcs8_iterations(epki.p, epki.len, "a private key of the PKCS#12 file", s->source,
                                                &iter)) == UCP_OK)
                st = add_work(s, iter, "a private key of the PKCS#12 file");
        }
    }
    s->bag = 0;
    free(bags);
    free(sc);
    return st;
}

/* The encryption algorithm of an encryptedData ContentInfo (@content: its [0] wrapper). */
static ucp_status encrypted_work(struct scan *s, const struct ucp_ber_span *content)
{
    /* EncryptedData ::= SEQUENCE { version, EncryptedContentInfo ::= SEQUENCE { contentType,
     * contentEncryptionAlgorithm, [0] encryptedContent OPTIONAL }, [1] unprotectedAttrs OPTIONAL } */
    struct ucp_ber_span ed, parts[3], eci[3];
    size_t n = 0, ne = 0;
    const char *why = NULL;
    if (!span_inner(content, &ed) || !ucp_ber_elements(ed.p, ed.len, parts, 3, &n, &why) || n < 2 ||
        !ucp_ber_elements(parts[1].p, parts[1].len, eci, 3, &ne, &why) || ne < 2)
        return corrupt(s, "the encryptedData is malformed", why);
    uint64_t iter = 0;
    ucp_status st = pbe_iterations(&eci[1], "the PKCS#12 encrypted bag", s->source, &iter);
    return st == UCP_OK ? add_work(s, iter, "the PKCS#12 encrypted bag") : st;
}

static ucp_status authenticated_safe(struct scan *s, const uint8_t *data, size_t len, unsigned char **octets,
                                     unsigned *noctets, size_t *ncontents);

ucp_status ucp_pkcs12_check_work(const uint8_t *data, size_t len, const char *source, uint64_t *work,
                                 size_t *nencrypted)
{
    struct scan s = {NULL, source, NULL, 0, 0, 0};
    unsigned char *octets = NULL;
    unsigned noctets = 0;
    size_t ncontents = 0, nenc = 0;
    *work = 0;
    if (nencrypted)
        *nencrypted = 0;
    ucp_status st = authenticated_safe(&s, data, len, &octets, &noctets, &ncontents);
    if (st != UCP_OK)
        return st;
    /* PFX ::= SEQUENCE { version, authSafe, macData MacData OPTIONAL };
     * MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 } */
    struct ucp_ber_span pfx[3], mac[3], contents[UCP_MAX_PKCS12_CONTENTS];
    size_t n = 0, nm = 0;
    const char *why = NULL;
    uint64_t iter = 1;
    if (!ucp_ber_elements(data, len, pfx, 3, &n, &why) || n < 2) {
        st = corrupt(&s, "the PFX is malformed", why);
    } else if (n == 3 && (!ucp_ber_elements(pfx[2].p, pfx[2].len, mac, 3, &nm, &why) || nm < 2 ||
                          (nm == 3 && !span_count(&mac[2], &iter)))) {
        st = corrupt(&s, "the MAC data is malformed", why);
    } else if (n == 3) {
        st = add_work(&s, iter, "the PKCS#12 MAC");
    }
    if (st == UCP_OK && !ucp_ber_elements(octets, noctets, contents, UCP_MAX_PKCS12_CONTENTS, &n, &why))
        st = corrupt(&s, "the authenticated safe is malformed", why);
    for (size_t i = 0; i < n && st == UCP_OK; i++) {
        struct ucp_ber_span ci[2];
        size_t nc = 0;
        char oid[128];
        s.content = i + 1;
        if (!ucp_ber_elements(contents[i].p, contents[i].len, ci, 2, &nc, &why) || nc == 0 ||
            !span_oid(&ci[0], oid, sizeof oid)) {
            st = corrupt(&s, "no valid contentType", NULL);
        } else if (strcmp(oid, OID_ENCRYPTED_DATA) == 0) {
            st = nc == 2 ? encrypted_work(&s, &ci[1]) : corrupt(&s, "an encryptedData without content", NULL);
            nenc++;
        } else if (strcmp(oid, OID_DATA) == 0) {
            st = nc == 2 ? safe_contents_work(&s, &ci[1]) : corrupt(&s, "a data ContentInfo without content", NULL);
        }
        /* envelopedData and others: neither GnuTLS nor the scan reads them */
    }
    free(octets);
    if (st == UCP_OK && s.work > UCP_MAX_PKCS12_WORK)
        st = over_budget(&s, "");
    if (st == UCP_OK) {
        *work = s.work;
        if (nencrypted)
            *nencrypted = nenc;
    }
    return st;
}

/* A shrouded key found in a decrypted ContentInfo: bounded, and added to the file's work. */
static ucp_status check_key_iterations(struct scan *s, const struct ucp_bytes *value, bool counted)
{
    uint64_t iter = 0;
    ucp_status st = ucp_pkcs8_iterations(value->data, value->len, "a private key of the PKCS#12 file", s->source,
                                         &iter);
    if (st != UCP_OK || counted)
        return st;
    if ((st = add_work(s, iter, "a private key of the PKCS#12 file")) == UCP_OK && s->work > UCP_MAX_PKCS12_WORK)
        st = over_budget(s, "at least ");
    return st;
}

/* The single value of a text attribute (BMPString), as display text. */
static ucp_status text_attribute(struct scan *s, asn1_node node, const char *attr, const char *what,
                                 char **out)
{
    char name[128];
    int nvalues = 0;
    snprintf(name, sizeof name, "%s.attrValues", attr);
    if (asn1_number_of_elements(node, name, &nvalues) != ASN1_SUCCESS)
        nvalues = 0;
    if (nvalues != 1) {
        char why[160];
        snprintf(why, sizeof why, "the %s attribute has %d values; one is expected", what, nvalues);
        return corrupt(s, why, NULL);
    }
    if (*out) {
        char why[160];
        snprintf(why, sizeof why, "the %s attribute appears twice", what);
        return corrupt(s, why, NULL);
    }
    snprintf(name, sizeof name, "%s.attrValues.?1", attr);
    struct ucp_bytes v;
    if (!ucp_asn1_read(node, name, &v))
        return ucp_fail_nomem();
    const unsigned char *str = NULL;
    unsigned slen = 0;
    ucp_status st = UCP_OK;
    char why[200];
    int ret = asn1_decode_simple_der(ASN1_ETYPE_BMP_STRING, v.data, (unsigned)v.len, &str, &slen);
    if (ret != ASN1_SUCCESS || v.len < slen || (size_t)(str - v.data) + slen != v.len) {
        snprintf(why, sizeof why, "the %s attribute is not a DER BMPString", what);
        st = corrupt(s, why, NULL);
    } else if (slen > UCP_MAX_ATTRIBUTE_TEXT) {
        free(v.data);
        return ucp_fail(UCP_E_LIMIT, s->source, "PKCS#12 ContentInfo %zu, SafeBag %zu: the %s attribute "
                        "is %u bytes long; the limit is %d", s->content, s->bag, what, slen,
                        UCP_MAX_ATTRIBUTE_TEXT);
    } else {
        const char *bad = NULL;
        *out = ucp_bmp_to_display(str, slen, &bad);
        if (!*out && bad) {
            snprintf(why, sizeof why, "the %s attribute is %s", what, bad);
            st = corrupt(s, why, NULL);
        } else if (!*out) {
            st = ucp_fail_nomem();
        }
    }
    free(v.data);
    return st;
}

/* The attributes of the SafeBag at @bag ("?N") of a decoded SafeContents. */
static ucp_status read_attributes(struct scan *s, asn1_node node, const char *bag, struct ucp_p12_bag *b)
{
    int n = 0;
    char name[128];
    snprintf(name, sizeof name, "%s.bagAttributes", bag);
    if (asn1_number_of_elements(node, name, &n) != ASN1_SUCCESS)
        return UCP_OK; /* no attributes */
    for (int i = 1; i <= n; i++) {
        char attr[64], oid[128];
        snprintf(attr, sizeof attr, "%s.bagAttributes.?%d", bag, i);
        snprintf(name, sizeof name, "%s.attrId", attr);
        if (!ucp_asn1_read_oid(node, name, oid, sizeof oid))
            return corrupt(s, "an attribute has no valid OID", NULL);
        ucp_status st = UCP_OK;
        if (strcmp(oid, OID_FRIENDLY_NAME) == 0) {
            st = text_attribute(s, node, attr, "friendlyName (1.2.840.113549.1.9.20)", &b->friendly_name);
        } else if (strcmp(oid, OID_MS_CSP_NAME) == 0) {
            st = text_attribute(s, node, attr, "Microsoft CSP name (1.3.6.1.4.1.311.17.1)", &b->provider);
        } else if (strcmp(oid, OID_LOCAL_KEY_ID) == 0) {
            int nv = 0;
            snprintf(name, sizeof name, "%s.attrValues", attr);
            if (asn1_number_of_elements(node, name, &nv) != ASN1_SUCCESS || nv != 1)
                return corrupt(s, "the localKeyId attribute (1.2.840.113549.1.9.21) does not have "
                                  "exactly one value", NULL);
            if (b->local_key_id.data)
                return corrupt(s, "the localKeyId attribute appears twice", NULL);
            snprintf(name, sizeof name, "%s.attrValues.?1", attr);
            struct ucp_bytes v;
            if (!ucp_asn1_read(node, name, &v))
                return ucp_fail_nomem();
            const unsigned char *str = NULL;
            unsigned slen = 0;
            int ret = asn1_decode_simple_der(ASN1_ETYPE_OCTET_STRING, v.data, (unsigned)v.len, &str, &slen);
            if (ret != ASN1_SUCCESS || (size_t)(str - v.data) + slen != v.len) {
                free(v.data);
                return corrupt(s, "the localKeyId attribute is not a DER OCTET STRING", NULL);
            }
            b->local_key_id.data = malloc(slen ? slen : 1);
            if (!b->local_key_id.data) {
                free(v.data);
                return ucp_fail_nomem();
            }
            memcpy(b->local_key_id.data, str, slen);
            b->local_key_id.len = slen;
            free(v.data);
        }
        /* Other attributes (Windows' key usage "Key Attributes", ...) are not needed. */
        if (st != UCP_OK)
            return st;
    }
    return UCP_OK;
}

/* Count the attributes and values of one SafeBag before libtasn1 builds a tree for it. */
static ucp_status prescan_bag(struct scan *s, const struct ucp_ber_span *bag)
{
    struct ucp_ber_span parts[3], attrs[UCP_MAX_BAG_ATTRIBUTES], pieces[2];
    size_t n, na, np, nv;
    const char *why = NULL;
    if (!ucp_ber_elements(bag->p, bag->len, parts, 3, &n, &why))
        return corrupt(s, "the SafeBag is malformed", why);
    if (n < 3)
        return UCP_OK;
    if (!ucp_ber_elements(parts[2].p, parts[2].len, attrs, UCP_MAX_BAG_ATTRIBUTES, &na, &why)) {
        if (strcmp(why, "too many elements") == 0)
            return ucp_fail(UCP_E_LIMIT, s->source, "PKCS#12 ContentInfo %zu, SafeBag %zu: more than %d "
                            "attributes", s->content, s->bag, UCP_MAX_BAG_ATTRIBUTES);
        return corrupt(s, "the attributes are malformed", why);
    }
    for (size_t i = 0; i < na; i++) {
        if (!ucp_ber_elements(attrs[i].p, attrs[i].len, pieces, 2, &np, &why) || np != 2)
            return corrupt(s, "an attribute is malformed", why ? why : "not an OID and a SET of values");
        if (!ucp_ber_elements(pieces[1].p, pieces[1].len, NULL, UCP_MAX_ATTRIBUTE_VALUES, &nv, &why)) {
            if (strcmp(why, "too many elements") == 0)
                return ucp_fail(UCP_E_LIMIT, s->source, "PKCS#12 ContentInfo %zu, SafeBag %zu: an attribute "
                                "has more than %d values", s->content, s->bag, UCP_MAX_ATTRIBUTE_VALUES);
            return corrupt(s, "an attribute's values are malformed", why);
        }
    }
    return UCP_OK;
}

static ucp_status read_cert_bag(struct scan *s, const struct ucp_bytes *value, struct ucp_bytes *der)
{
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64], oid[128];
    asn1_node node = NULL;
    if (!ucp_asn1_decode("CertBag", value->data, value->len, false, &node, why, sizeof why))
        return corrupt(s, "the certBag is malformed", why);
    ucp_status st = UCP_OK;
    if (!ucp_asn1_read_oid(node, "certId", oid, sizeof oid)) {
        st = corrupt(s, "the certBag has no valid certId", NULL);
    } else if (strcmp(oid, OID_X509_CERTIFICATE) == 0) {
        struct ucp_bytes v;
        if (!ucp_asn1_read(node, "certValue", &v)) {
            st = ucp_fail_nomem();
        } else {
            const unsigned char *str = NULL;
            unsigned slen = 0;
            int ret = asn1_decode_simple_der(ASN1_ETYPE_OCTET_STRING, v.data, (unsigned)v.len, &str, &slen);
            if (ret != ASN1_SUCCESS || (size_t)(str - v.data) + slen != v.len) {
                st = corrupt(s, "the x509Certificate of the certBag is not an OCTET STRING", NULL);
            } else if (!(der->data = malloc(slen ? slen : 1))) {
                st = ucp_fail_nomem();
            } else {
                memcpy(der->data, str, slen);
                der->len = slen;
            }
            free(v.data);
        }
    }
    /* sdsiCertificate and other certificate kinds are not X.509: skipped, as GnuTLS does. */
    asn1_delete_structure(&node);
    return st;
}

static ucp_status read_safe_contents(struct scan *s, const uint8_t *der, size_t len)
{
    size_t room = UCP_MAX_PKCS12_BAGS - s->out->n, n = 0;
    struct ucp_ber_span *spans = malloc((room ? room : 1) * sizeof *spans);
    if (!spans)
        return ucp_fail_nomem();
    const char *why = NULL;
    ucp_status st = UCP_OK;
    asn1_node node = NULL;
    if (!ucp_ber_elements(der, len, spans, room, &n, &why)) {
        st = strcmp(why, "too many elements") == 0
                 ? ucp_fail(UCP_E_LIMIT, s->source, "the PKCS#12 file holds more than %d SafeBags",
                            UCP_MAX_PKCS12_BAGS)
                 : corrupt(s, "the SafeContents are malformed", why);
        goto out;
    }
    for (size_t i = 0; i < n && st == UCP_OK; i++) {
        s->bag = i + 1;
        st = prescan_bag(s, &spans[i]);
    }
    s->bag = 0;
    if (st != UCP_OK)
        goto out;
    char desc[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64];
    if (!ucp_asn1_decode("SafeContents", der, len, false, &node, desc, sizeof desc)) {
        st = corrupt(s, "the SafeContents are malformed", desc);
        goto out;
    }
    for (size_t i = 1; i <= n && st == UCP_OK; i++) {
        s->bag = i;
        char name[64], oid[128];
        snprintf(name, sizeof name, "?%zu.bagId", i);
        if (!ucp_asn1_read_oid(node, name, oid, sizeof oid)) {
            st = corrupt(s, "the SafeBag has no valid bagId", NULL);
            break;
        }
        bool key = strcmp(oid, OID_KEY_BAG) == 0, shrouded = strcmp(oid, OID_SHROUDED_KEY_BAG) == 0;
        if (!key && !shrouded && strcmp(oid, OID_CERT_BAG) != 0)
            continue; /* CRL, secret and nested SafeContents bags: not read (nor by GnuTLS) */
        struct ucp_p12_bag b;
        memset(&b, 0, sizeof b);
        b.kind = key ? BAG_KEY : shrouded ? BAG_SHROUDED_KEY : BAG_CERT;
        b.attributes_visible = true;
        snprintf(name, sizeof name, "?%zu.bagValue", i);
        struct ucp_bytes value;
        if (!ucp_asn1_read(node, name, &value)) {
            st = ucp_fail_nomem();
            break;
        }
        if (b.kind == BAG_CERT) {
            st = read_cert_bag(s, &value, &b.value);
            free(value.data);
            if (st == UCP_OK && !b.value.data)
                continue;
        } else {
            b.value = value;
            if (b.kind == BAG_SHROUDED_KEY)
                st = check_key_iterations(s, &b.value, true); /* counted by ucp_pkcs12_check_work */
        }
        if (st == UCP_OK) {
            char path[32];
            snprintf(path, sizeof path, "?%zu", i);
            st = read_attributes(s, node, path, &b);
        }
        if (st != UCP_OK) {
            bag_dispose(&b);
            break;
        }
        st = push_bag(s, &b);
    }
    s->bag = 0;
out:
    asn1_delete_structure(&node);
    free(spans);
    return st;
}

/* The bags of an encrypted ContentInfo, decrypted by GnuTLS (index @index of the PFX). */
static ucp_status read_encrypted(struct scan *s, gnutls_pkcs12_t p12, int index)
{
    gnutls_pkcs12_bag_t bag;
    if (gnutls_pkcs12_bag_init(&bag) < 0)
        return ucp_fail_nomem();
    ucp_status st = UCP_OK;
    int ret = gnutls_pkcs12_get_bag(p12, index, bag);
    if (ret >= 0 && gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED)
        ret = gnutls_pkcs12_bag_decrypt(bag, s->password);
    if (ret == GNUTLS_E_DECRYPTION_FAILED) {
        st = ucp_fail_origin(UCP_E_PASSWORD, UCP_ORIGIN_GNUTLS, ret, s->source,
                             "the PKCS#12 file cannot be decrypted with the %s password",
                             s->password && *s->password ? "given" : "empty");
        goto out;
    }
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, s->source,
                             "PKCS#12 ContentInfo %zu: the encrypted content cannot be read: %s",
                             s->content, gnutls_strerror(ret));
        goto out;
    }
    int n = gnutls_pkcs12_bag_get_count(bag);
    for (int i = 0; i < n && st == UCP_OK; i++) {
        s->bag = (size_t)i + 1;
        gnutls_pkcs12_bag_type_t type = gnutls_pkcs12_bag_get_type(bag, (unsigned)i);
        if (type != GNUTLS_BAG_PKCS8_KEY && type != GNUTLS_BAG_PKCS8_ENCRYPTED_KEY &&
            type != GNUTLS_BAG_CERTIFICATE)
            continue;
        struct ucp_p12_bag b;
        memset(&b, 0, sizeof b);
        b.kind = type == GNUTLS_BAG_CERTIFICATE ? BAG_CERT
                 : type == GNUTLS_BAG_PKCS8_KEY ? BAG_KEY
                                                : BAG_SHROUDED_KEY;
        gnutls_datum_t d = {NULL, 0}, id = {NULL, 0};
        char *fname = NULL;
        if (gnutls_pkcs12_bag_get_data(bag, (unsigned)i, &d) < 0 || !d.data) {
            st = corrupt(s, "a bag of the encrypted content cannot be read", NULL);
            break;
        }
        b.value.data = malloc(d.size ? d.size : 1);
        if (b.value.data) {
            memcpy(b.value.data, d.data, d.size);
            b.value.len = d.size;
        }
        if (gnutls_pkcs12_bag_get_friendly_name(bag, (unsigned)i, &fname) >= 0 && fname) {
            if (strlen(fname) > UCP_MAX_ATTRIBUTE_TEXT)
                st = ucp_fail(UCP_E_LIMIT, s->source, "PKCS#12 ContentInfo %zu, SafeBag %zu: the "
                              "friendlyName is longer than %d bytes", s->content, s->bag,
                              UCP_MAX_ATTRIBUTE_TEXT);
            else if (!(b.friendly_name = ucp_display_bytes((const uint8_t *)fname, strlen(fname))))
                st = ucp_fail_nomem();
        }
        if (st == UCP_OK && gnutls_pkcs12_bag_get_key_id(bag, (unsigned)i, &id) >= 0 && id.data) {
            b.local_key_id.data = malloc(id.size ? id.size : 1);
            if (b.local_key_id.data) {
                memcpy(b.local_key_id.data, id.data, id.size);
                b.local_key_id.len = id.size;
            } else {
                st = ucp_fail_nomem();
            }
        }
        if (st == UCP_OK && !b.value.data)
            st = ucp_fail_nomem();
        if (st == UCP_OK && b.kind == BAG_SHROUDED_KEY)
            st = check_key_iterations(s, &b.value, false); /* not visible before the decryption */
        if (st != UCP_OK) {
            bag_dispose(&b);
            break;
        }
        st = push_bag(s, &b);
    }
    s->bag = 0;
out:
    gnutls_pkcs12_bag_deinit(bag);
    return st;
}

/* The AuthenticatedSafe of a PFX: its octets (malloc'd, in *octets) and the number of its
 * ContentInfos, bounded by UCP_MAX_PKCS12_CONTENTS. */
static ucp_status authenticated_safe(struct scan *s, const uint8_t *data, size_t len, unsigned char **octets,
                                     unsigned *noctets, size_t *ncontents)
{
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64], oid[128];
    asn1_node pfx = NULL;
    struct ucp_bytes content = {NULL, 0};
    unsigned used = 0;
    ucp_status st = UCP_OK;
    *octets = NULL;
    *noctets = 0;
    *ncontents = 0;
    if (!ucp_asn1_decode("PFX", data, len, false, &pfx, why, sizeof why)) {
        st = corrupt(s, "the PFX is malformed", why);
        goto out;
    }
    if (!ucp_asn1_read_oid(pfx, "authSafe.contentType", oid, sizeof oid) || strcmp(oid, OID_DATA) != 0) {
        st = ucp_fail(UCP_E_UNSUPPORTED, s->source,
                      "the PKCS#12 file uses public-key integrity (signedData), which is not supported");
        goto out;
    }
    if (!ucp_asn1_read(pfx, "authSafe.content", &content)) {
        st = corrupt(s, "the PFX has no authenticated safe", NULL);
        goto out;
    }
    /* An OCTET STRING, constructed in BER files. */
    if (asn1_decode_simple_ber(ASN1_ETYPE_OCTET_STRING, content.data, (unsigned)content.len, octets,
                               noctets, &used) != ASN1_SUCCESS ||
        used != content.len) {
        st = corrupt(s, "the authenticated safe is not an OCTET STRING", NULL);
        goto out;
    }
    const char *bad = NULL;
    if (!ucp_ber_elements(*octets, *noctets, NULL, UCP_MAX_PKCS12_CONTENTS, ncontents, &bad))
        st = strcmp(bad, "too many elements") == 0
                 ? ucp_fail(UCP_E_LIMIT, s->source, "the PKCS#12 file holds more than %d ContentInfos",
                            UCP_MAX_PKCS12_CONTENTS)
                 : corrupt(s, "the authenticated safe is malformed", bad);
out:
    if (st != UCP_OK) {
        free(*octets);
        *octets = NULL;
    }
    free(content.data);
    asn1_delete_structure(&pfx);
    return st;
}

ucp_status ucp_pkcs12_check_contents(const uint8_t *data, size_t len, const char *source)
{
    struct scan s = {NULL, source, NULL, 0, 0, 0};
    unsigned char *octets = NULL;
    unsigned noctets = 0;
    size_t n = 0;
    ucp_status st = authenticated_safe(&s, data, len, &octets, &noctets, &n);
    free(octets);
    return st;
}

ucp_status ucp_pkcs12_scan(struct ucp_p12_scan *out, gnutls_pkcs12_t p12, const uint8_t *data,
                           size_t len, const char *password, const char *source)
{
    memset(out, 0, sizeof *out);
    struct scan s = {out, source, password, 0, 0, 0};
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64], oid[128];
    asn1_node safe = NULL;
    unsigned char *octets = NULL;
    unsigned noctets = 0;
    size_t ncontents = 0;
    /* The budget first, whoever calls: nothing below derives a key before it is known. */
    ucp_status st = ucp_pkcs12_check_work(data, len, source, &s.work, NULL);
    if (st == UCP_OK)
        st = authenticated_safe(&s, data, len, &octets, &noctets, &ncontents);
    if (st != UCP_OK)
        goto out;
    if (!ucp_asn1_decode("AuthenticatedSafe", octets, noctets, false, &safe, why, sizeof why)) {
        st = corrupt(&s, "the authenticated safe is malformed", why);
        goto out;
    }
    for (size_t i = 1; i <= ncontents && st == UCP_OK; i++) {
        s.content = i;
        char name[64];
        snprintf(name, sizeof name, "?%zu.contentType", i);
        if (!ucp_asn1_read_oid(safe, name, oid, sizeof oid)) {
            st = corrupt(&s, "no valid contentType", NULL);
            break;
        }
        if (strcmp(oid, OID_ENCRYPTED_DATA) == 0) {
            st = read_encrypted(&s, p12, (int)i - 1);
            continue;
        }
        if (strcmp(oid, OID_DATA) != 0)
            continue; /* envelopedData and others: GnuTLS does not read them either */
        snprintf(name, sizeof name, "?%zu.content", i);
        struct ucp_bytes c;
        if (!ucp_asn1_read(safe, name, &c)) {
            st = corrupt(&s, "a data ContentInfo without content", NULL);
            break;
        }
        unsigned char *sc = NULL;
        unsigned nsc = 0, u = 0;
        if (asn1_decode_simple_ber(ASN1_ETYPE_OCTET_STRING, c.data, (unsigned)c.len, &sc, &nsc, &u) !=
                ASN1_SUCCESS ||
            u != c.len)
            st = corrupt(&s, "the content is not an OCTET STRING", NULL);
        else
            st = read_safe_contents(&s, sc, nsc);
        free(sc);
        free(c.data);
    }
out:
    free(octets);
    asn1_delete_structure(&safe);
    if (st != UCP_OK)
        ucp_pkcs12_scan_dispose(out);
    return st;
}

ucp_status ucp_pkcs12_each_certificate(const struct ucp_p12_scan *scan,
                                       ucp_status (*add)(const uint8_t *der, size_t len, void *data),
                                       void *data)
{
    for (size_t i = 0; i < scan->n; i++) {
        if (scan->bags[i].kind != BAG_CERT)
            continue;
        ucp_status st = add(scan->bags[i].value.data, scan->bags[i].value.len, data);
        if (st != UCP_OK)
            return st;
    }
    return UCP_OK;
}

/* ---- opening a PFX ---------------------------------------------------------------------------- */

ucp_status ucp_pkcs12_unlock(gnutls_pkcs12_t p12, const uint8_t *data, size_t len, const char *password,
                             const char *source, const char **pw)
{
    /* Bound the number of ContentInfos first: every gnutls_pkcs12_get_bag() below decodes the
     * whole AuthenticatedSafe, so walking 100,000 of them took minutes. */
    ucp_status st = ucp_pkcs12_check_contents(data, len, source);
    if (st != UCP_OK)
        return st;
    /* Bound the key-derivation work of the whole file before any of it runs, read with the DER
     * reader: GnuTLS's gnutls_pkcs12_bag_enc_info() failed on a salt over 64 bytes, and the bag
     * then went unchecked. */
    uint64_t work = 0;
    size_t nencrypted = 0;
    if ((st = ucp_pkcs12_check_work(data, len, source, &work, &nencrypted)) != UCP_OK)
        return st;
    /* GnuTLS 3.7 leaks the MAC's algorithm OID when it does not know it, unless the caller takes
     * it; the salt is not needed here (a salt over 64 bytes made the call fail). */
    unsigned mac = 0, iter = 0;
    char *mac_oid = NULL;
    int ret = gnutls_pkcs12_mac_info(p12, &mac, NULL, NULL, &iter, &mac_oid);
    if (ret == GNUTLS_E_UNKNOWN_HASH_ALGORITHM) {
        char *shown = mac_oid ? ucp_display_bytes((const uint8_t *)mac_oid, strlen(mac_oid)) : NULL;
        st = ucp_fail_origin(UCP_E_UNSUPPORTED, UCP_ORIGIN_GNUTLS, ret, source,
                             "the PKCS#12 MAC uses a digest algorithm that is not supported (%s)",
                             shown ? shown : "unknown OID");
        free(shown);
        gnutls_free(mac_oid);
        return st;
    }
    gnutls_free(mac_oid);
    bool has_mac = ret >= 0;
    if (has_mac && (st = ucp_check_kdf_iterations(iter, "the PKCS#12 MAC", source)) != UCP_OK)
        return st;
    /* GnuTLS must see no encrypted ContentInfo the budget did not count: a structure the two
     * readers see differently is refused rather than decrypted unbounded. */
    size_t seen = 0;
    for (int i = 0;; i++) {
        gnutls_pkcs12_bag_t bag;
        if (gnutls_pkcs12_bag_init(&bag) < 0)
            return ucp_fail_nomem();
        if (gnutls_pkcs12_get_bag(p12, i, bag) < 0) {
            gnutls_pkcs12_bag_deinit(bag);
            break;
        }
        if (gnutls_pkcs12_bag_get_type(bag, 0) == GNUTLS_BAG_ENCRYPTED)
            seen++;
        gnutls_pkcs12_bag_deinit(bag);
    }
    if (seen > nencrypted)
        return ucp_fail(UCP_E_CORRUPT, source, "the PKCS#12 file holds %zu encrypted ContentInfos for GnuTLS "
                        "but %zu for the DER reader; refused rather than decrypted unbounded", seen, nencrypted);
    /* Windows writes an empty password as "" (and some tools as no password at all). */
    const char *candidates[2] = {password, NULL};
    size_t ncand = 1;
    if (!password || !*password) {
        candidates[0] = "";
        ncand = 2;
    }
    *pw = candidates[0];
    if (!has_mac)
        return UCP_OK;
    for (size_t k = 0; k < ncand; k++) {
        if (gnutls_pkcs12_verify_mac(p12, candidates[k]) >= 0) {
            *pw = candidates[k];
            return UCP_OK;
        }
    }
    return ucp_fail(UCP_E_PASSWORD, source,
                    password && *password ? "wrong password for the PKCS#12 file (MAC verification failed)"
                                          : "the PKCS#12 file is protected by a password and none was given");
}

/* ---- key facts ------------------------------------------------------------------------------- */

/* SHA-256 of the public key of a key bag; false when it cannot be decrypted or read. */
static bool key_id_of(const struct ucp_p12_bag *b, const char *password, uint8_t id[32])
{
    gnutls_x509_privkey_t key;
    if (gnutls_x509_privkey_init(&key) < 0)
        return false;
    gnutls_datum_t d = {b->value.data, (unsigned)b->value.len};
    int ret = b->kind == BAG_KEY
                  ? gnutls_x509_privkey_import_pkcs8(key, &d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN)
                  : gnutls_x509_privkey_import_pkcs8(key, &d, GNUTLS_X509_FMT_DER, password, 0);
    size_t size = 32;
    if (ret >= 0)
        ret = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, id, &size);
    gnutls_x509_privkey_deinit(key);
    return ret >= 0 && size == 32;
}

static bool same_bytes(const struct ucp_bytes *a, const struct ucp_bytes *b)
{
    return a->data && b->data && a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

void ucp_key_facts_free(struct ucp_key_facts *k)
{
    if (!k)
        return;
    free(k->provider);
    free(k->friendly_name);
    free(k);
}

struct ucp_key_facts *ucp_key_facts_copy(const struct ucp_key_facts *k)
{
    struct ucp_key_facts *c = malloc(sizeof *c);
    if (!c)
        return NULL;
    *c = *k;
    c->provider = k->provider ? ucp_strdup(k->provider) : NULL;
    c->friendly_name = k->friendly_name ? ucp_strdup(k->friendly_name) : NULL;
    if ((k->provider && !c->provider) || (k->friendly_name && !c->friendly_name)) {
        ucp_key_facts_free(c);
        return NULL;
    }
    return c;
}

ucp_status ucp_pkcs12_key_facts(struct ucp_key_facts **out, const struct ucp_p12_scan *scan,
                                const ucp_certificate *leaf, const char *password, const char *source)
{
    (void)source;
    *out = NULL;
    struct ucp_key_facts *k = calloc(1, sizeof *k);
    if (!k)
        return ucp_fail_nomem();
    k->nkeys = scan->nkeys;
    k->present = scan->nkeys > 0;
    k->match = UCP_KEY_MATCH_UNKNOWN;
    k->provider_state = UCP_KEY_PROVIDER_NOT_APPLICABLE;
    const struct ucp_p12_bag *leaf_bag = NULL;
    for (size_t i = 0; leaf && i < scan->n && !leaf_bag; i++) {
        const struct ucp_p12_bag *b = &scan->bags[i];
        if (b->kind == BAG_CERT && b->value.len == leaf->der.len &&
            memcmp(b->value.data, leaf->der.data, b->value.len) == 0)
            leaf_bag = b;
    }
    if (leaf_bag && leaf_bag->friendly_name && !(k->friendly_name = ucp_strdup(leaf_bag->friendly_name))) {
        ucp_key_facts_free(k);
        return ucp_fail_nomem();
    }
    if (!k->present) {
        *out = k;
        return UCP_OK;
    }
    /* Decrypt every key (at most UCP_MAX_PKCS12_KEYS, iterations bounded by the scan). */
    const struct ucp_p12_bag *chosen = NULL, *linked = NULL, *first = NULL;
    uint8_t ids[UCP_MAX_PKCS12_KEYS][32];
    bool readable[UCP_MAX_PKCS12_KEYS] = {false};
    size_t nk = 0, chosen_k = 0, linked_k = 0;
    for (size_t i = 0; i < scan->n && nk < UCP_MAX_PKCS12_KEYS; i++) {
        const struct ucp_p12_bag *b = &scan->bags[i];
        if (b->kind == BAG_CERT)
            continue;
        readable[nk] = key_id_of(b, password, ids[nk]);
        if (!first)
            first = b;
        if (!chosen && leaf && readable[nk] && memcmp(ids[nk], ucp_certificate_key_id(leaf), 32) == 0) {
            chosen = b;
            chosen_k = nk;
        }
        if (!linked && leaf_bag && same_bytes(&b->local_key_id, &leaf_bag->local_key_id)) {
            linked = b;
            linked_k = nk;
        }
        nk++;
    }
    if (chosen) {
        k->match = UCP_KEY_MATCH_YES;
    } else {
        /* No key is the leaf's: describe the one the file pairs with it (localKeyId), or the first. */
        chosen = linked ? linked : first;
        chosen_k = linked ? linked_k : 0;
        k->match = readable[chosen_k] ? UCP_KEY_MATCH_NO : UCP_KEY_MATCH_UNKNOWN;
    }
    if (readable[chosen_k]) {
        k->key_id_set = true;
        memcpy(k->key_id, ids[chosen_k], 32);
    }
    if (!chosen->attributes_visible) {
        k->provider_state = UCP_KEY_PROVIDER_NOT_VISIBLE;
    } else if (chosen->provider) {
        k->provider_state = UCP_KEY_PROVIDER_RECORDED;
        k->provider = ucp_strdup(chosen->provider);
        if (!k->provider) {
            ucp_key_facts_free(k);
            return ucp_fail_nomem();
        }
        k->storage = ucp_key_storage_classify(k->provider);
    } else {
        k->provider_state = UCP_KEY_PROVIDER_NOT_RECORDED;
    }
    *out = k;
    return UCP_OK;
}

/* ---- provider classification ------------------------------------------------------------------ */

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

UCP_EXPORT ucp_key_storage ucp_key_storage_classify(const char *provider)
{
    if (!provider)
        return UCP_KEY_STORAGE_UNKNOWN;
    /* Lower-case ASCII copy without surrounding spaces and without a " vN.N" version suffix. */
    char buf[256];
    while (*provider == ' ' || *provider == '\t')
        provider++;
    size_t n = strlen(provider);
    if (n >= sizeof buf)
        return UCP_KEY_STORAGE_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        buf[i] = ucp_tolower(provider[i]);
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    buf[n] = '\0';
    if (n > 5 && buf[n - 5] == ' ' && buf[n - 4] == 'v' && buf[n - 3] >= '0' && buf[n - 3] <= '9' &&
        buf[n - 2] == '.' && buf[n - 1] >= '0' && buf[n - 1] <= '9')
        buf[n -= 5] = '\0';
    static const char *const ksp[] = {
        "microsoft software key storage provider",
        "microsoft platform crypto provider",         /* the TPM */
        "microsoft smart card key storage provider",
        "microsoft passport key storage provider",    /* Windows Hello for Business */
    };
    static const char *const csp[] = {
        "microsoft base cryptographic provider",
        "microsoft enhanced cryptographic provider",
        "microsoft strong cryptographic provider",
        "microsoft enhanced rsa and aes cryptographic provider",
        "microsoft enhanced rsa and aes cryptographic provider (prototype)",
        "microsoft rsa schannel cryptographic provider",
        "microsoft rsa signature cryptographic provider",
        "microsoft base dss cryptographic provider",
        "microsoft base dss and diffie-hellman cryptographic provider",
        "microsoft enhanced dss and diffie-hellman cryptographic provider",
        "microsoft dh schannel cryptographic provider",
        "microsoft base smart card crypto provider",
    };
    for (size_t i = 0; i < UCP_ARRAY_SIZE(ksp); i++)
        if (strcmp(buf, ksp[i]) == 0)
            return UCP_KEY_STORAGE_KSP;
    for (size_t i = 0; i < UCP_ARRAY_SIZE(csp); i++)
        if (strcmp(buf, csp[i]) == 0)
            return UCP_KEY_STORAGE_CSP;
    if (ends_with(buf, n, " key storage provider"))
        return UCP_KEY_STORAGE_KSP;
    if (ends_with(buf, n, " cryptographic provider") || ends_with(buf, n, " cryptographic service provider"))
        return UCP_KEY_STORAGE_CSP;
    return UCP_KEY_STORAGE_UNKNOWN;
}

UCP_EXPORT const char *ucp_key_match_name(ucp_key_match m)
{
    switch (m) {
    case UCP_KEY_MATCH_UNKNOWN: return "unknown";
    case UCP_KEY_MATCH_YES: return "yes";
    case UCP_KEY_MATCH_NO: return "no";
    }
    return "";
}

UCP_EXPORT const char *ucp_key_storage_name(ucp_key_storage s)
{
    switch (s) {
    case UCP_KEY_STORAGE_UNKNOWN: return "unknown";
    case UCP_KEY_STORAGE_CSP: return "csp";
    case UCP_KEY_STORAGE_KSP: return "ksp";
    }
    return "";
}

UCP_EXPORT const char *ucp_key_provider_state_name(ucp_key_provider_state s)
{
    switch (s) {
    case UCP_KEY_PROVIDER_NOT_APPLICABLE: return "not-applicable";
    case UCP_KEY_PROVIDER_RECORDED: return "recorded";
    case UCP_KEY_PROVIDER_NOT_RECORDED: return "not-recorded";
    case UCP_KEY_PROVIDER_NOT_VISIBLE: return "not-visible";
    }
    return "";
}

/* ---- input and report getters ------------------------------------------------------------------ */

static const struct ucp_key_facts *input_facts(const ucp_input *in)
{
    return in ? in->key_facts : NULL;
}

UCP_EXPORT ucp_key_match ucp_input_key_match(const ucp_input *in)
{
    const struct ucp_key_facts *k = input_facts(in);
    return k ? k->match : UCP_KEY_MATCH_UNKNOWN;
}
UCP_EXPORT const char *ucp_input_key_provider(const ucp_input *in)
{
    const struct ucp_key_facts *k = input_facts(in);
    return k ? k->provider : NULL;
}
UCP_EXPORT ucp_key_provider_state ucp_input_key_provider_state(const ucp_input *in)
{
    const struct ucp_key_facts *k = input_facts(in);
    return k ? k->provider_state : UCP_KEY_PROVIDER_NOT_APPLICABLE;
}
UCP_EXPORT ucp_key_storage ucp_input_key_storage(const ucp_input *in)
{
    const struct ucp_key_facts *k = input_facts(in);
    return k ? k->storage : UCP_KEY_STORAGE_UNKNOWN;
}
UCP_EXPORT const char *ucp_input_friendly_name(const ucp_input *in)
{
    const struct ucp_key_facts *k = input_facts(in);
    return k ? k->friendly_name : NULL;
}

/* ---- the one opener ------------------------------------------------------------------------ */

ucp_status ucp_pkcs12_open(struct ucp_p12_opened *o, const uint8_t *data, size_t len, const char *source,
                           const char *password, unsigned parse_flags)
{
    memset(o, 0, sizeof *o);
    int ret = gnutls_pkcs12_init(&o->p12);
    if (ret < 0) {
        o->p12 = NULL;
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, source, "%s", gnutls_strerror(ret));
    }
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
    ret = gnutls_pkcs12_import(o->p12, &d, GNUTLS_X509_FMT_DER, 0);
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "not a valid PKCS#12 (PFX) file: %s",
                               gnutls_strerror(ret));
    o->imported = true;
    /* Bounds, the MAC and the password; then the bags, which bounds the work before GnuTLS
     * decrypts any key. */
    ucp_status st = ucp_pkcs12_unlock(o->p12, data, len, password, source, &o->pw);
    if (st == UCP_OK)
        st = ucp_pkcs12_scan(&o->scan, o->p12, data, len, o->pw, source);
    if (st != UCP_OK)
        return st;
    ret = gnutls_pkcs12_simple_parse(o->p12, o->pw, &o->key, &o->chain, &o->nchain, &o->extra, &o->nextra, NULL,
                                     parse_flags);
    if (ret == GNUTLS_E_DECRYPTION_FAILED || ret == GNUTLS_E_MAC_VERIFY_FAILED)
        return ucp_fail_origin(UCP_E_PASSWORD, UCP_ORIGIN_GNUTLS, ret, source,
                               "the PKCS#12 file cannot be decrypted with the %s password",
                               password && *password ? "given" : "empty");
    o->parse_ret = ret < 0 ? ret : 0;
    return UCP_OK;
}

void ucp_pkcs12_close(struct ucp_p12_opened *o)
{
    ucp_pkcs12_scan_dispose(&o->scan);
    if (o->key)
        gnutls_x509_privkey_deinit(o->key);
    for (unsigned i = 0; i < o->nchain; i++)
        gnutls_x509_crt_deinit(o->chain[i]);
    gnutls_free(o->chain);
    for (unsigned i = 0; i < o->nextra; i++)
        gnutls_x509_crt_deinit(o->extra[i]);
    gnutls_free(o->extra);
    if (o->p12)
        gnutls_pkcs12_deinit(o->p12);
    memset(o, 0, sizeof *o);
}
