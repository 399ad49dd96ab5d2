/* SPDX-License-Identifier: MIT */
/*
 * Reading certificate containers. The format is detected from the content, never from the file
 * name: a "-----BEGIN " line means PEM (certificates, PKCS#7 blocks, keys); otherwise the outer
 * DER SEQUENCE is inspected with the DER reader (x509/der.c): an INTEGER first (the PFX version)
 * means PKCS#12, an OBJECT IDENTIFIER (ContentInfo) means PKCS#7, a SEQUENCE (tbsCertificate)
 * means a certificate. GnuTLS decodes each container; a plain PEM body is base64-decoded by
 * ucp_base64_decode_simple (core/base64.c, nettle's decoder without GnuTLS's wrapper), anything
 * else by GnuTLS.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>

#include "input/input-private.h"

struct certlist {
    ucp_certificate **v;
    size_t n;
    size_t cap;
    const char *source;
};

static ucp_status certlist_push(struct certlist *l, ucp_certificate *c, const char *source)
{
    if (l->n >= UCP_MAX_CERTIFICATES) {
        ucp_certificate_unref(c);
        return ucp_fail(UCP_E_TOO_LARGE, source, "more than %d certificates", UCP_MAX_CERTIFICATES);
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;
        ucp_certificate **v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            ucp_certificate_unref(c);
            return ucp_fail_nomem();
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = c;
    return UCP_OK;
}

static void certlist_dispose(struct certlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        ucp_certificate_unref(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Line numbers of increasing offsets, counted incrementally (a bundle of thousands of PEM
 * blocks must not be rescanned from its start for each one). */
struct line_counter {
    size_t off;
    size_t line;
};

static size_t line_of(struct line_counter *lc, const uint8_t *data, size_t off)
{
    if (off < lc->off) {
        lc->off = 0;
        lc->line = 1;
    }
    for (size_t i = lc->off; i < off; i++)
        if (data[i] == '\n')
            lc->line++;
    lc->off = off;
    return lc->line;
}

/* The outer DER TLV (@t: its identifier and length) and its total encoded length: all of @len
 * for an indefinite length, which GnuTLS reads where it allows BER. Or a status with a message. */
static ucp_status der_outer(const uint8_t *data, size_t len, const char *source, struct ucp_tlv *t, size_t *total)
{
    if (!ucp_der_identifier(data, len, UCP_DER_BER, t) || !ucp_der_is(t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return ucp_fail(UCP_E_FORMAT, source,
                        "not a certificate: no PEM '-----BEGIN' line, and the data does not start "
                        "with a DER SEQUENCE");
    if (!ucp_der_header(data, len, UCP_DER_BER_INDEFINITE, t))
        return ucp_fail(UCP_E_CORRUPT, source,
                        "truncated or malformed DER: the outer length cannot be read");
    if (t->indefinite) {
        *total = len;
        return UCP_OK;
    }
    if (t->total > len)
        return ucp_fail(UCP_E_CORRUPT, source,
                        "truncated DER: the structure declares %zu bytes but only %zu are present",
                        t->total, len);
    *total = t->total;
    return UCP_OK;
}

static bool only_padding(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != 0 && p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && p[i] != '\t')
            return false;
    return true;
}

static ucp_status add_der_cert(struct certlist *l, const uint8_t *der, size_t len, const char *source,
                               bool allow_trailing)
{
    struct ucp_tlv outer;
    size_t total;
    ucp_status st = der_outer(der, len, source, &outer, &total);
    if (st != UCP_OK)
        return st;
    if (outer.indefinite)
        return ucp_fail(UCP_E_CORRUPT, source,
                        "the certificate uses BER indefinite-length encoding; certificates must be DER");
    if (total < len && !allow_trailing && !only_padding(der + total, len - total))
        return ucp_fail(UCP_E_CORRUPT, source,
                        "%zu bytes of trailing data after the DER certificate", len - total);
    ucp_certificate *c;
    st = ucp_certificate_from_der(&c, der, total, source, l->n);
    if (st != UCP_OK)
        return st;
    return certlist_push(l, c, source);
}

/* Put the leaf first: the certificate that issued none of the others (preferring a non-CA), then
 * its issuers in order, then whatever is left. PKCS#7 bags are unordered by definition. */
static void order_leaf_first(struct certlist *l)
{
    if (l->n < 2)
        return;
    size_t leaf = SIZE_MAX;
    for (int pass = 0; pass < 2 && leaf == SIZE_MAX; pass++) {
        for (size_t i = 0; i < l->n; i++) {
            if (pass == 0 && l->v[i]->bc_ca)
                continue;
            bool issues_other = false;
            for (size_t j = 0; j < l->n && !issues_other; j++)
                if (j != i && !l->v[j]->self_issued && ucp_certificate_issued_by(l->v[j], l->v[i]))
                    issues_other = true;
            if (!issues_other) {
                leaf = i;
                break;
            }
        }
    }
    if (leaf == SIZE_MAX)
        leaf = 0;
    ucp_certificate *t = l->v[0];
    l->v[0] = l->v[leaf];
    l->v[leaf] = t;
    for (size_t k = 1; k < l->n; k++) {
        for (size_t j = k; j < l->n; j++) {
            if (ucp_certificate_issued_by(l->v[k - 1], l->v[j]) && !l->v[k - 1]->self_issued) {
                t = l->v[k];
                l->v[k] = l->v[j];
                l->v[j] = t;
                break;
            }
        }
    }
}

/* The certificates [0] SET of a DER SignedData ContentInfo: ContentInfo { OID, [0] SignedData
 * { version, digestAlgorithms, encapContentInfo, certificates [0] IMPLICIT SET OF ... } }. */
static bool pkcs7_certificate_set(const uint8_t *data, size_t len, const uint8_t **set, size_t *setlen)
{
    static const unsigned char path[] = {0x30, 0, 0x06, 0xa0, 0, 0x30, 0, 0x02, 0x31, 0x30, 0xa0};
    const uint8_t *p = data;
    size_t left = len;
    struct ucp_tlv t = {0};
    for (size_t i = 0; i < sizeof path; i++) {
        if (path[i] == 0) { /* enter the value of the previous TLV */
            p = t.value;
            left = t.len;
            continue;
        }
        if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t) || !ucp_der_is(&t, path[i] & 0xe0, path[i] & 0x1f))
            return false;
    }
    *set = t.value;
    *setlen = t.len;
    return true;
}

static ucp_status parse_pkcs7(struct certlist *l, const uint8_t *data, size_t len, const char *source)
{
    gnutls_pkcs7_t p7;
    int ret = gnutls_pkcs7_init(&p7);
    if (ret < 0)
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, source, "%s", gnutls_strerror(ret));
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
    ucp_status st = UCP_OK;
    ret = gnutls_pkcs7_import(p7, &d, GNUTLS_X509_FMT_DER);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                             "not a valid PKCS#7 certificate bag: %s", gnutls_strerror(ret));
        goto out;
    }
    int count = gnutls_pkcs7_get_crt_count(p7);
    if (count <= 0) {
        st = ucp_fail(UCP_E_NO_CERTIFICATE, source, "the PKCS#7 structure holds no certificate");
        goto out;
    }
    /* gnutls_pkcs7_get_crt_raw2() copies the whole SignedData for each index, which is quadratic
     * in the number of certificates (a 20,000-certificate bag took half a minute). When the bag
     * is plain DER, walk its certificate SET once instead; BER bags go through GnuTLS. */
    const uint8_t *set = NULL;
    size_t setlen = 0;
    if (pkcs7_certificate_set(data, len, &set, &setlen)) {
        const uint8_t *p = set;
        size_t left = setlen, found = 0;
        size_t first = l->n;
        struct ucp_tlv t;
        while (left > 0) {
            const uint8_t *start = p;
            if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &t) || !ucp_der_is(&t, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
                break;
            if ((st = add_der_cert(l, start, t.total, source, false)) != UCP_OK)
                goto out;
            found++;
        }
        if (left == 0 && found == (size_t)count) {
            order_leaf_first(l);
            goto out;
        }
        /* Not what GnuTLS saw: drop what was read and let GnuTLS read it. */
        while (l->n > first)
            ucp_certificate_unref(l->v[--l->n]);
    }
    for (int i = 0; i < count; i++) {
        gnutls_datum_t c = {NULL, 0};
        ret = gnutls_pkcs7_get_crt_raw2(p7, (unsigned)i, &c);
        if (ret < 0) {
            st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                 "PKCS#7 certificate %d cannot be read: %s", i + 1, gnutls_strerror(ret));
            goto out;
        }
        st = add_der_cert(l, c.data, c.size, source, false);
        gnutls_free(c.data);
        if (st != UCP_OK)
            goto out;
    }
    order_leaf_first(l);
out:
    gnutls_pkcs7_deinit(p7);
    return st;
}

static ucp_status add_scanned_cert(const uint8_t *der, size_t len, void *list)
{
    struct certlist *l = list;
    return add_der_cert(l, der, len, l->source, false);
}

static ucp_status parse_pkcs12(struct certlist *l, bool *has_key, struct ucp_key_facts **facts,
                               const uint8_t *data, size_t len, const char *source, const char *password)
{
    struct ucp_p12_opened o;
    ucp_status st = ucp_pkcs12_open(&o, data, len, source, password, GNUTLS_PKCS12_SP_INCLUDE_SELF_SIGNED);
    int ret = o.parse_ret;
    if (st != UCP_OK)
        goto out;
    if (ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                             "the PKCS#12 file cannot be read: %s", gnutls_strerror(ret));
        goto out;
    }
    const char *pw = o.pw;
    gnutls_x509_privkey_t key = o.key;
    gnutls_x509_crt_t *chain = o.chain, *extra = o.extra;
    unsigned nchain = o.nchain, nextra = o.nextra;
    struct ucp_p12_scan *scan = &o.scan;
    *has_key = key != NULL || scan->nkeys > 0;
    /* GnuTLS returns nothing when no key belongs to a certificate: take the certificate bags. */
    if (nchain == 0 && nextra == 0) {
        l->source = source;
        if ((st = ucp_pkcs12_each_certificate(scan, add_scanned_cert, l)) != UCP_OK)
            goto out;
    }
    for (int pass = 0; pass < 2; pass++) {
        gnutls_x509_crt_t *v = pass ? extra : chain;
        unsigned n = pass ? nextra : nchain;
        for (unsigned i = 0; i < n; i++) {
            gnutls_datum_t der = {NULL, 0};
            ret = gnutls_x509_crt_export2(v[i], GNUTLS_X509_FMT_DER, &der);
            if (ret < 0) {
                st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                     "a certificate of the PKCS#12 file cannot be read: %s",
                                     gnutls_strerror(ret));
                goto out;
            }
            st = add_der_cert(l, der.data, der.size, source, false);
            gnutls_free(der.data);
            if (st != UCP_OK)
                goto out;
        }
    }
    if (l->n == 0) {
        st = ucp_fail(UCP_E_NO_CERTIFICATE, source, "the PKCS#12 file holds no certificate");
        goto out;
    }
    /* Without a key, the leaf is not known from the file: order the bag as PKCS#7. */
    if (!key)
        order_leaf_first(l);
    st = ucp_pkcs12_key_facts(facts, scan, l->v[0], pw, source);
out:
    ucp_pkcs12_close(&o);
    return st;
}

static const uint8_t *find(const uint8_t *hay, size_t hlen, const char *needle)
{
    size_t nlen = strlen(needle);
    if (nlen == 0 || hlen < nlen)
        return NULL;
    return ucp_memmem(hay, hlen, needle, nlen);
}

/* The key facts of a PEM file's private key blocks (PKCS#8, encrypted PKCS#8, PKCS#1 RSA, SEC1
 * EC, OpenSSL-encrypted forms), compared with the leaf @leaf as a PKCS#12 file's keys are: the
 * match is "yes" when one of them is the leaf's key, "no" when the first is readable and is
 * not, "unknown" when it cannot be read (encrypted and no or a wrong password, or a kind GnuTLS
 * does not read). PEM records no Windows provider. The key derivation of encrypted PKCS#8 is
 * bounded as in PKCS#12 files before anything is decrypted. */
struct pem_key {
    size_t start, end; /* the block, BEGIN to END line */
    bool encrypted_pkcs8;
};

static ucp_status pem_key_facts(struct ucp_input *in, const ucp_certificate *leaf, const uint8_t *data,
                                const struct pem_key *keys, size_t nkeys, const char *password)
{
    const char *source = in->name;
    struct ucp_key_facts *k = calloc(1, sizeof *k);
    if (!k)
        return ucp_fail_nomem();
    k->present = true;
    k->nkeys = nkeys;
    k->match = UCP_KEY_MATCH_UNKNOWN;
    k->provider_state = UCP_KEY_PROVIDER_NOT_APPLICABLE;
    k->storage = UCP_KEY_STORAGE_UNKNOWN;
    /* The key derivations of every encrypted block, summed and bounded per file as in PKCS#12,
     * before any of them runs; a block whose work cannot be read is not decrypted. */
    uint64_t work = 0;
    bool skip[UCP_MAX_PKCS12_KEYS] = {false};
    for (size_t i = 0; i < nkeys; i++) {
        if (!keys[i].encrypted_pkcs8)
            continue;
        gnutls_datum_t block = {(unsigned char *)data + keys[i].start, (unsigned)(keys[i].end - keys[i].start)};
        gnutls_datum_t der = {NULL, 0};
        uint64_t iter = 0;
        ucp_status st = UCP_E_CORRUPT;
        if (gnutls_pem_base64_decode2("ENCRYPTED PRIVATE KEY", &block, &der) >= 0)
            st = ucp_pkcs8_iterations(der.data, der.size, "a private key of the file", source, &iter);
        gnutls_free(der.data);
        if (st == UCP_E_LIMIT) {
            ucp_key_facts_free(k);
            return st;
        }
        if (st != UCP_OK) {
            ucp_error_clear(); /* its work cannot be read, so it is not run: the key stays unreadable */
            skip[i] = true;
        }
        work += iter;
    }
    if (work > UCP_MAX_PKCS12_WORK) {
        ucp_key_facts_free(k);
        return ucp_fail(UCP_E_LIMIT, source, "the private keys of the file ask for %llu key-derivation "
                        "iterations in all; the budget of one file is %d (a hostile file could otherwise "
                        "hold the check for minutes)", (unsigned long long)work, UCP_MAX_PKCS12_WORK);
    }
    for (size_t i = 0; i < nkeys && k->match != UCP_KEY_MATCH_YES; i++) {
        if (skip[i])
            continue;
        gnutls_datum_t block = {(unsigned char *)data + keys[i].start, (unsigned)(keys[i].end - keys[i].start)};
        gnutls_x509_privkey_t key;
        if (gnutls_x509_privkey_init(&key) < 0) {
            ucp_key_facts_free(k);
            return ucp_fail_nomem();
        }
        uint8_t id[32];
        size_t size = sizeof id;
        int ret = gnutls_x509_privkey_import2(key, &block, GNUTLS_X509_FMT_PEM, password, 0);
        if (ret >= 0)
            ret = gnutls_x509_privkey_get_key_id(key, GNUTLS_KEYID_USE_SHA256, id, &size);
        gnutls_x509_privkey_deinit(key);
        if (ret < 0 || size != sizeof id)
            continue; /* unreadable: the match stays unknown unless another key is the leaf's */
        bool mine = memcmp(id, ucp_certificate_key_id(leaf), sizeof id) == 0;
        if (mine || !k->key_id_set) {
            k->key_id_set = true;
            memcpy(k->key_id, id, sizeof id);
            k->match = mine ? UCP_KEY_MATCH_YES : UCP_KEY_MATCH_NO;
        }
    }
    in->key_facts = k;
    return UCP_OK;
}

static ucp_status parse_pem(struct ucp_input *in, struct certlist *l, const uint8_t *data, size_t len,
                            const char *password)
{
    const char *source = in->name;
    struct pem_key keys[UCP_MAX_PKCS12_KEYS];
    size_t nkeys = 0;
    size_t off = 0;
    size_t blocks = 0, pkcs7_blocks = 0;
    char other[64] = "";
    struct line_counter lines = {0, 1};
    while (off < len) {
        const uint8_t *b = find(data + off, len - off, "-----BEGIN ");
        if (!b)
            break;
        size_t bstart = (size_t)(b - data);
        const uint8_t *lab = b + 11;
        const uint8_t *labend = find(lab, len - (size_t)(lab - data), "-----");
        const uint8_t *nl = memchr(lab, '\n', len - (size_t)(lab - data));
        if (!labend || (nl && labend > nl) || labend - lab > 40)
            return ucp_fail(UCP_E_CORRUPT, source, "line %zu: malformed PEM BEGIN line",
                            line_of(&lines, data, bstart));
        char label[48];
        memcpy(label, lab, (size_t)(labend - lab));
        label[labend - lab] = '\0';
        char endline[64];
        snprintf(endline, sizeof endline, "-----END %s-----", label);
        const uint8_t *e = find(labend, len - (size_t)(labend - data), endline);
        if (!e)
            return ucp_fail(UCP_E_CORRUPT, source,
                            "line %zu: the PEM block '%s' has no END line (the file is truncated)",
                            line_of(&lines, data, bstart), label);
        size_t bend = (size_t)(e - data) + strlen(endline);
        off = bend;
        blocks++;
        bool is_cert = strcmp(label, "CERTIFICATE") == 0 || strcmp(label, "X509 CERTIFICATE") == 0 ||
                       strcmp(label, "TRUSTED CERTIFICATE") == 0;
        bool is_p7 = strcmp(label, "PKCS7") == 0 || strcmp(label, "CERTIFICATE CHAIN") == 0;
        if (strstr(label, "PRIVATE KEY")) {
            in->has_key = true;
            if (nkeys == UCP_MAX_PKCS12_KEYS)
                return ucp_fail(UCP_E_LIMIT, source,
                                "the file holds more than %d private keys (each may cost a key derivation "
                                "to read)", UCP_MAX_PKCS12_KEYS);
            keys[nkeys].start = bstart;
            keys[nkeys].end = bend;
            keys[nkeys].encrypted_pkcs8 = strcmp(label, "ENCRYPTED PRIVATE KEY") == 0;
            nkeys++;
            continue;
        }
        if (!is_cert && !is_p7) {
            if (!other[0])
                snprintf(other, sizeof other, "%s", label);
            continue;
        }
        gnutls_datum_t der = {NULL, 0};
        /* The body of a plain block (the BEGIN line ends right after its dashes) is decoded here
         * by nettle directly; anything else by GnuTLS, which also words the errors. */
        const uint8_t *body = labend + 5;
        if (body < e && *body == '\r')
            body++;
        size_t derlen = 0;
        uint8_t *own = NULL;
        if (body < e && *body == '\n' && ucp_base64_decode_simple(body + 1, (size_t)(e - body - 1), &own, &derlen)) {
            der.data = own;
            der.size = (unsigned)derlen;
        } else {
            gnutls_datum_t block = {(unsigned char *)data + bstart, (unsigned)(bend - bstart)};
            int ret = gnutls_pem_base64_decode2(label, &block, &der);
            if (ret < 0)
                return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                       "line %zu: the PEM block '%s' is not valid base64: %s",
                                       line_of(&lines, data, bstart), label, gnutls_strerror(ret));
        }
        char where[600];
        snprintf(where, sizeof where, "%s (line %zu)", source, line_of(&lines, data, bstart));
        ucp_status st;
        if (is_p7) {
            pkcs7_blocks++;
            st = parse_pkcs7(l, der.data, der.size, where);
        } else {
            /* OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate. */
            st = add_der_cert(l, der.data, der.size, where, strcmp(label, "TRUSTED CERTIFICATE") == 0);
        }
        if (own)
            free(own);
        else
            gnutls_free(der.data);
        if (st != UCP_OK)
            return st;
    }
    if (l->n == 0) {
        if (in->has_key)
            return ucp_fail(UCP_E_NO_CERTIFICATE, source, "the file holds a private key but no certificate");
        if (other[0])
            return ucp_fail(UCP_E_NO_CERTIFICATE, source,
                            "the file holds a PEM '%s' block but no certificate", other);
        return ucp_fail(UCP_E_NO_CERTIFICATE, source, "no PEM block found");
    }
    in->format = pkcs7_blocks && pkcs7_blocks == blocks ? UCP_FORMAT_PKCS7 : UCP_FORMAT_PEM;
    return nkeys ? pem_key_facts(in, l->v[0], data, keys, nkeys, password) : UCP_OK;
}

static ucp_status parse_binary(struct ucp_input *in, struct certlist *l, const uint8_t *data,
                               size_t len, const char *password)
{
    const char *source = in->name;
    struct ucp_tlv outer, inner;
    size_t total;
    ucp_status st = der_outer(data, len, source, &outer, &total);
    if (st != UCP_OK)
        return st;
    if (!outer.indefinite && total < len && !only_padding(data + total, len - total))
        return ucp_fail(UCP_E_CORRUPT, source, "%zu bytes of trailing data after the DER structure",
                        len - total);
    /* The first element inside the outer SEQUENCE tells the container apart. */
    size_t hdr = outer.hdr;
    if (!ucp_der_identifier(data + hdr, len - hdr, UCP_DER_BER, &inner))
        return ucp_fail(UCP_E_CORRUPT, source, "truncated DER: nothing inside the outer SEQUENCE");
    unsigned char cls = inner.cls;
    unsigned long tag = inner.tag;
    if (cls == ASN1_CLASS_UNIVERSAL && tag == ASN1_TAG_INTEGER) {
        in->format = UCP_FORMAT_PKCS12;
        return parse_pkcs12(l, &in->has_key, &in->key_facts, data, total, source, password);
    }
    if (cls == ASN1_CLASS_UNIVERSAL && tag == ASN1_TAG_OBJECT_ID) {
        static const uint8_t signed_data[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
        if (len - hdr < sizeof signed_data || memcmp(data + hdr, signed_data, sizeof signed_data) != 0)
            return ucp_fail(UCP_E_FORMAT, source,
                            "a PKCS#7 structure that is not signedData (not a certificate bag)");
        in->format = UCP_FORMAT_PKCS7;
        return parse_pkcs7(l, data, total, source);
    }
    if (cls == (ASN1_CLASS_UNIVERSAL | ASN1_CLASS_STRUCTURED) && tag == ASN1_TAG_SEQUENCE) {
        in->format = UCP_FORMAT_DER;
        if (outer.indefinite)
            return ucp_fail(UCP_E_CORRUPT, source,
                            "the certificate uses BER indefinite-length encoding; certificates must be DER");
        return add_der_cert(l, data, total, source, false);
    }
    return ucp_fail(UCP_E_FORMAT, source,
                    "a DER structure that is neither a certificate, a PKCS#7 bag nor a PKCS#12 file");
}

/* PEM is text with a "-----BEGIN " line. A complete DER structure is binary even when its
 * bytes happen to hold that text (a subject naming it, say), so it is tried first. */
static bool looks_pem(const uint8_t *data, size_t len)
{
    struct ucp_tlv t;
    if (len >= 2 && data[0] == 0x30 && ucp_der_read(data, len, UCP_DER_BER, &t) &&
        only_padding(data + t.total, len - t.total))
        return false;
    return find(data, len, "-----BEGIN ") != NULL;
}

static void input_free(struct ucp_input *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->ncerts; i++)
        ucp_certificate_unref(in->certs[i]);
    free(in->certs);
    for (size_t i = 0; i < in->nfound; i++)
        ucp_certificate_unref(in->found[i]);
    free(in->found);
    free(in->name);
    ucp_key_facts_free(in->key_facts);
    free(in);
}

/* An empty input named @name; NULL when out of memory. */
static struct ucp_input *input_new(const char *name)
{
    struct ucp_input *in = calloc(1, sizeof *in);
    if (in && !(in->name = ucp_strdup(name))) {
        free(in);
        in = NULL;
    }
    return in;
}

/* After reading: on success (@st) @in takes the certificates of @l and is *@out; otherwise both
 * are freed. Returns @st. */
static ucp_status input_finish(struct ucp_input *in, struct certlist *l, ucp_status st, ucp_input **out)
{
    if (st != UCP_OK) {
        certlist_dispose(l);
        input_free(in);
        return st;
    }
    in->certs = l->v;
    in->ncerts = l->n;
    *out = in;
    return UCP_OK;
}

static ucp_status parse(ucp_input **out, const uint8_t *data, size_t len, const char *name,
                        const char *password)
{
    struct ucp_input *in = input_new(name ? name : "<memory>");
    if (!in)
        return ucp_fail_nomem();
    struct certlist l = {0};
    ucp_status st;
    if (len == 0)
        st = ucp_fail(UCP_E_FORMAT, in->name, "the file is empty");
    else if (len > UCP_MAX_INPUT_SIZE)
        st = ucp_fail(UCP_E_TOO_LARGE, in->name, "input is %zu bytes; the limit is %u bytes (%u MiB)",
                      len, UCP_MAX_INPUT_SIZE, UCP_MAX_INPUT_SIZE / (1024 * 1024));
    else if (looks_pem(data, len))
        st = parse_pem(in, &l, data, len, password);
    else
        st = parse_binary(in, &l, data, len, password);
    return input_finish(in, &l, st, out);
}

UCP_EXPORT ucp_status ucp_input_from_data(ucp_input **out, const uint8_t *data, size_t length,
                                          const char *name, const char *password)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_input_from_data: out is NULL");
    *out = NULL;
    if (!data && length)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, name, "data is NULL");
    return parse(out, data ? data : (const uint8_t *)"", length, name, password);
}

UCP_EXPORT ucp_status ucp_input_from_file(ucp_input **out, const char *path, const char *password)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_input_from_file: out is NULL");
    *out = NULL;
    if (!path || !*path)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "no file name given");
    uint8_t *data;
    size_t len;
    ucp_status st = ucp_read_file(path, UCP_MAX_INPUT_SIZE, &data, &len);
    if (st != UCP_OK)
        return st;
    st = parse(out, data, len, path, password);
    /* PKCS#12 files may hold private keys: do not leave them in freed memory. */
    ucp_wipe(data, len);
    free(data);
    return st;
}

/* The certificates a server presented (ucp_probe_run): each one DER, in the order received, which
 * is kept (leaf first): a chain sent out of order is a fact about the server, not to be fixed. */
ucp_status ucp_input_from_der_list(ucp_input **out, const char *name, const struct ucp_bytes *ders, size_t n)
{
    *out = NULL;
    if (n == 0)
        return ucp_fail(UCP_E_NO_CERTIFICATE, name, "no certificate was presented");
    struct ucp_input *in = input_new(name);
    if (!in)
        return ucp_fail_nomem();
    in->format = UCP_FORMAT_DER;
    struct certlist l = {0};
    ucp_status st = UCP_OK;
    for (size_t i = 0; i < n && st == UCP_OK; i++) {
        char where[600];
        snprintf(where, sizeof where, "%s (certificate %zu presented)", name, i + 1);
        st = add_der_cert(&l, ders[i].data, ders[i].len, where, false);
    }
    return input_finish(in, &l, st, out);
}

UCP_EXPORT ucp_status ucp_input_add_system_intermediates(ucp_input *input, const uint8_t *data, size_t length)
{
    if (!input)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_input_add_system_intermediates: input is NULL");
    if (!data && length)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, input->name, "ucp_input_add_system_intermediates: data is NULL");
    ucp_input *tmp = NULL;
    char *name = ucp_asprintf("%s (intermediates from the system's stores)", input->name);
    if (!name)
        return ucp_fail_nomem();
    ucp_status st = parse(&tmp, data ? data : (const uint8_t *)"", length, name, NULL);
    free(name);
    if (st != UCP_OK)
        return st;
    if (input->nfound + tmp->ncerts > UCP_MAX_FOUND_INTERMEDIATES) {
        input_free(tmp);
        return ucp_fail(UCP_E_LIMIT, input->name, "more than %d intermediates found in the system's stores",
                        UCP_MAX_FOUND_INTERMEDIATES);
    }
    ucp_certificate **v = realloc(input->found, (input->nfound + tmp->ncerts) * sizeof *v);
    if (!v) {
        input_free(tmp);
        return ucp_fail_nomem();
    }
    input->found = v;
    for (size_t i = 0; i < tmp->ncerts; i++)
        v[input->nfound++] = (ucp_certificate *)ucp_certificate_ref(tmp->certs[i]);
    input_free(tmp);
    return UCP_OK;
}

UCP_EXPORT void ucp_input_free(ucp_input *input)
{
    input_free(input);
}

UCP_EXPORT const char *ucp_input_name(const ucp_input *input)
{
    return input ? input->name : "";
}

UCP_EXPORT ucp_format ucp_input_format(const ucp_input *input)
{
    return input ? input->format : UCP_FORMAT_PEM;
}

UCP_EXPORT size_t ucp_input_certificate_count(const ucp_input *input)
{
    return input ? input->ncerts : 0;
}

UCP_EXPORT const ucp_certificate *ucp_input_certificate_at(const ucp_input *input, size_t index)
{
    return input && index < input->ncerts ? input->certs[index] : NULL;
}

UCP_EXPORT bool ucp_input_has_private_key(const ucp_input *input)
{
    return input && input->has_key;
}
