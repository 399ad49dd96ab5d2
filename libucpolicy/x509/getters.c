/* SPDX-License-Identifier: MIT */
/*
 * The public getters of a certificate (include/ucpolicy/certificate.h), the name tables they
 * and the reports share (key usages, extended key usages, input formats and SAN types), and the
 * questions path validation and the checks ask of the same facts.
 */
#include "config.h"

#include <string.h>

#include <gnutls/crypto.h>

#include "x509/x509-private.h"

UCP_EXPORT const char *ucp_certificate_subject(const ucp_certificate *c) { return c ? c->subject : ""; }
UCP_EXPORT const char *ucp_certificate_issuer(const ucp_certificate *c) { return c ? c->issuer : ""; }
UCP_EXPORT const char *ucp_certificate_common_name(const ucp_certificate *c)
{
    return c && c->ncns ? c->cns[0] : NULL;
}
UCP_EXPORT const char *ucp_certificate_serial(const ucp_certificate *c) { return c ? c->serial : ""; }
UCP_EXPORT size_t ucp_certificate_san_count(const ucp_certificate *c) { return c ? c->nsans : 0; }
UCP_EXPORT const char *ucp_certificate_san_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nsans ? c->sans[i].display : NULL;
}
UCP_EXPORT ucp_san_type ucp_certificate_san_type_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nsans ? c->sans[i].type : UCP_SAN_OTHER;
}
UCP_EXPORT bool ucp_certificate_has_eku(const ucp_certificate *c) { return c && c->has_eku; }
UCP_EXPORT size_t ucp_certificate_eku_count(const ucp_certificate *c) { return c ? c->nekus : 0; }
UCP_EXPORT bool ucp_certificate_eku_critical(const ucp_certificate *c) { return c && c->has_eku && c->eku_critical; }
UCP_EXPORT bool ucp_certificate_has_key_usage(const ucp_certificate *c) { return c && c->has_ku; }
UCP_EXPORT bool ucp_certificate_key_usage_critical(const ucp_certificate *c) { return c && c->has_ku && c->ku_critical; }

const struct ucp_ku_name ucp_key_usage_names[UCP_KEY_USAGE_NAMES] = {
    {GNUTLS_KEY_DIGITAL_SIGNATURE, UCP_KU_DIGITAL_SIGNATURE, "digitalSignature"},
    {GNUTLS_KEY_NON_REPUDIATION, UCP_KU_NON_REPUDIATION, "nonRepudiation"},
    {GNUTLS_KEY_KEY_ENCIPHERMENT, UCP_KU_KEY_ENCIPHERMENT, "keyEncipherment"},
    {GNUTLS_KEY_DATA_ENCIPHERMENT, UCP_KU_DATA_ENCIPHERMENT, "dataEncipherment"},
    {GNUTLS_KEY_KEY_AGREEMENT, UCP_KU_KEY_AGREEMENT, "keyAgreement"},
    {GNUTLS_KEY_KEY_CERT_SIGN, UCP_KU_KEY_CERT_SIGN, "keyCertSign"},
    {GNUTLS_KEY_CRL_SIGN, UCP_KU_CRL_SIGN, "cRLSign"},
    {GNUTLS_KEY_ENCIPHER_ONLY, UCP_KU_ENCIPHER_ONLY, "encipherOnly"},
    {GNUTLS_KEY_DECIPHER_ONLY, UCP_KU_DECIPHER_ONLY, "decipherOnly"},
};

UCP_EXPORT unsigned ucp_certificate_key_usage(const ucp_certificate *c)
{
    unsigned out = 0;
    for (size_t i = 0; c && c->has_ku && i < UCP_KEY_USAGE_NAMES; i++)
        if (c->ku & ucp_key_usage_names[i].gnutls)
            out |= (unsigned)ucp_key_usage_names[i].ours;
    return out;
}

UCP_EXPORT const char *ucp_key_usage_name(ucp_key_usage usage)
{
    for (size_t i = 0; i < UCP_KEY_USAGE_NAMES; i++)
        if (ucp_key_usage_names[i].ours == usage)
            return ucp_key_usage_names[i].name;
    return "";
}
UCP_EXPORT const char *ucp_certificate_eku_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nekus ? c->ekus[i] : NULL;
}

UCP_EXPORT const char *ucp_eku_name(const char *oid)
{
    static const struct {
        const char *oid, *name;
    } names[] = {
        {"1.3.6.1.5.5.7.3.1", "serverAuth"},       {"1.3.6.1.5.5.7.3.2", "clientAuth"},
        {"1.3.6.1.5.5.7.3.3", "codeSigning"},      {"1.3.6.1.5.5.7.3.4", "emailProtection"},
        {"1.3.6.1.5.5.7.3.8", "timeStamping"},     {"1.3.6.1.5.5.7.3.9", "OCSPSigning"},
        {"2.5.29.37.0", "anyExtendedKeyUsage"},    {"1.3.6.1.4.1.311.10.3.3", "serverGatedCrypto (Microsoft)"},
        {"2.16.840.1.113730.4.1", "serverGatedCrypto (Netscape)"},
        {"1.3.6.1.5.5.7.3.5", "ipsecEndSystem"},   {"1.3.6.1.5.5.7.3.7", "ipsecUser"},
        {"1.3.6.1.4.1.311.20.2.2", "smartcardLogon"},
    };
    if (!oid)
        return "";
    for (size_t i = 0; i < UCP_ARRAY_SIZE(names); i++)
        if (strcmp(names[i].oid, oid) == 0)
            return names[i].name;
    return oid;
}

bool ucp_certificate_has_eku_oid(const ucp_certificate *c, const char *oid)
{
    for (size_t i = 0; i < c->nekus; i++)
        if (strcmp(c->ekus[i], oid) == 0)
            return true;
    return false;
}

char *ucp_certificate_eku_names(const ucp_certificate *c, const char *none)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (size_t i = 0; i < c->nekus; i++)
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", ucp_eku_name(c->ekus[i]));
    if (!c->nekus)
        ucp_sb_append(&sb, none);
    return ucp_sb_finish(&sb);
}

UCP_EXPORT const char *ucp_certificate_key_algorithm(const ucp_certificate *c)
{
    return c ? c->key_algorithm : "";
}
UCP_EXPORT unsigned ucp_certificate_key_bits(const ucp_certificate *c) { return c ? c->bits : 0; }
UCP_EXPORT const char *ucp_certificate_key_curve(const ucp_certificate *c) { return c ? c->curve : NULL; }
UCP_EXPORT const char *ucp_certificate_signature_algorithm(const ucp_certificate *c)
{
    return c ? c->signature_name : "";
}
UCP_EXPORT int64_t ucp_certificate_not_before(const ucp_certificate *c) { return c ? c->not_before : 0; }
UCP_EXPORT int64_t ucp_certificate_not_after(const ucp_certificate *c) { return c ? c->not_after : 0; }
UCP_EXPORT const char *ucp_certificate_sha1(const ucp_certificate *cert)
{
    if (!cert)
        return "";
    ucp_certificate *c = (ucp_certificate *)cert; /* the cache only */
    if (atomic_load_explicit(&c->sha1_state, memory_order_acquire) == 2)
        return c->sha1_text;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&c->sha1_state, &expected, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        static const char hex[] = "0123456789ABCDEF";
        uint8_t md[20];
        if (gnutls_hash_fast(GNUTLS_DIG_SHA1, c->der.data, c->der.len, md) >= 0) {
            for (size_t i = 0; i < sizeof md; i++) {
                c->sha1_text[2 * i] = hex[md[i] >> 4];
                c->sha1_text[2 * i + 1] = hex[md[i] & 15];
            }
        }
        c->sha1_text[40] = '\0'; /* empty if GnuTLS refused SHA-1 (a FIPS build) */
        atomic_store_explicit(&c->sha1_state, 2, memory_order_release);
        return c->sha1_text;
    }
    /* Another thread is computing it (a microsecond or two). */
    while (atomic_load_explicit(&c->sha1_state, memory_order_acquire) != 2)
        ;
    return c->sha1_text;
}
UCP_EXPORT const char *ucp_certificate_sha256(const ucp_certificate *c) { return c ? c->sha256 : ""; }
UCP_EXPORT bool ucp_certificate_is_ca(const ucp_certificate *c) { return c && c->bc_ca; }
UCP_EXPORT bool ucp_certificate_is_self_signed(const ucp_certificate *c) { return c && c->self_signed; }
UCP_EXPORT size_t ucp_certificate_crl_url_count(const ucp_certificate *c) { return c ? c->ncrl_urls : 0; }
UCP_EXPORT const char *ucp_certificate_crl_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->ncrl_urls ? c->crl_urls[i] : NULL;
}
UCP_EXPORT size_t ucp_certificate_ocsp_url_count(const ucp_certificate *c) { return c ? c->nocsp_urls : 0; }
UCP_EXPORT const char *ucp_certificate_ocsp_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nocsp_urls ? c->ocsp_urls[i] : NULL;
}
UCP_EXPORT size_t ucp_certificate_ca_issuers_url_count(const ucp_certificate *c)
{
    return c ? c->nca_issuers_urls : 0;
}
UCP_EXPORT const char *ucp_certificate_ca_issuers_url_at(const ucp_certificate *c, size_t i)
{
    return c && i < c->nca_issuers_urls ? c->ca_issuers_urls[i] : NULL;
}
UCP_EXPORT const uint8_t *ucp_certificate_der(const ucp_certificate *c, size_t *length)
{
    if (length)
        *length = c ? c->der.len : 0;
    return c ? c->der.data : NULL;
}

UCP_EXPORT const char *ucp_format_name(ucp_format f)
{
    switch (f) {
    case UCP_FORMAT_PEM: return "pem";
    case UCP_FORMAT_DER: return "der";
    case UCP_FORMAT_PKCS7: return "pkcs7";
    case UCP_FORMAT_PKCS12: return "pkcs12";
    }
    return "";
}

UCP_EXPORT const char *ucp_san_type_name(ucp_san_type t)
{
    switch (t) {
    case UCP_SAN_DNS: return "dns";
    case UCP_SAN_IP: return "ip";
    case UCP_SAN_URI: return "uri";
    case UCP_SAN_EMAIL: return "email";
    case UCP_SAN_OTHER: return "other";
    }
    return "";
}
