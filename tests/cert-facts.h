/* SPDX-License-Identifier: MIT */
/*
 * The facts of two parses of one certificate compared (internals): the fast path (the strict
 * walk, the index and the direct readers: ucp_certificate_from_der) against GnuTLS's decoder and
 * getters (ucp_certificate_from_der_reference). Shared by tests/test-extensions.c and the
 * certificate fuzz target (tests/fuzz/fuzz-cert.c).
 */
#ifndef UCPOLICY_TESTS_CERT_FACTS_H
#define UCPOLICY_TESTS_CERT_FACTS_H

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "x509/x509-private.h"

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool same_bytes(const struct ucp_bytes *a, const struct ucp_bytes *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static bool same_strv(char **a, size_t na, char **b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (!same_str(a[i], b[i]))
            return false;
    return true;
}

/* The first fact that differs, or NULL. */
static const char *cert_facts_difference(const ucp_certificate *a, const ucp_certificate *b)
{
#define FIELD(cond, name)                                                                          \
    if (!(cond))                                                                                   \
        return name;
    FIELD(same_str(a->subject, b->subject), "subject");
    FIELD(same_str(a->issuer, b->issuer), "issuer");
    FIELD(same_str(a->serial, b->serial), "serial");
    FIELD(same_str(ucp_certificate_sha1(a), ucp_certificate_sha1(b)) && same_str(a->sha256, b->sha256), "fingerprints");
    FIELD(a->ncns == b->ncns, "number of CNs");
    for (size_t i = 0; i < a->ncns; i++)
        FIELD(same_bytes(&a->cn_raw[i], &b->cn_raw[i]) && same_str(a->cns[i], b->cns[i]), "a CN");
    FIELD(a->has_san_ext == b->has_san_ext && a->nsans == b->nsans, "SAN");
    for (size_t i = 0; i < a->nsans; i++)
        FIELD(a->sans[i].type == b->sans[i].type && same_str(a->sans[i].display, b->sans[i].display) &&
                  same_bytes(&a->sans[i].raw, &b->sans[i].raw) && a->sans[i].clean == b->sans[i].clean,
              "a SAN entry");
    FIELD(a->has_eku == b->has_eku && a->eku_critical == b->eku_critical &&
              same_strv(a->ekus, a->nekus, b->ekus, b->nekus),
          "EKU");
    FIELD(a->has_ku == b->has_ku && a->ku == b->ku && a->ku_critical == b->ku_critical, "key usage");
    FIELD(a->has_bc == b->has_bc && a->bc_ca == b->bc_ca && a->pathlen == b->pathlen, "basic constraints");
    FIELD(a->version == b->version, "version");
    FIELD(a->pk_algo == b->pk_algo && a->bits == b->bits && same_str(a->key_algorithm, b->key_algorithm) &&
              same_str(a->curve, b->curve),
          "key");
    FIELD(same_bytes(&a->rsa_e, &b->rsa_e) && same_bytes(&a->rsa_n, &b->rsa_n), "RSA key");
    FIELD(!a->walked || (a->tbs_off == b->tbs_off && a->tbs_len == b->tbs_len && a->sig_off == b->sig_off &&
                         a->sig_len == b->sig_len),
          "signed bytes and signature");
    FIELD(a->sign_algo == b->sign_algo && a->sign_hash == b->sign_hash && a->sign_pss == b->sign_pss &&
              same_str(a->signature_name, b->signature_name),
          "signature algorithm");
    FIELD(a->not_before == b->not_before && a->not_after == b->not_after, "validity");
    FIELD(same_strv(a->crl_urls, a->ncrl_urls, b->crl_urls, b->ncrl_urls), "CRL distribution points");
    FIELD(same_strv(a->ocsp_urls, a->nocsp_urls, b->ocsp_urls, b->nocsp_urls), "OCSP URLs");
    FIELD(same_strv(a->ca_issuers_urls, a->nca_issuers_urls, b->ca_issuers_urls, b->nca_issuers_urls),
          "caIssuers URLs");
    FIELD(same_bytes(&a->raw_subject, &b->raw_subject) && same_bytes(&a->raw_issuer, &b->raw_issuer), "raw DNs");
    FIELD(same_bytes(&a->ski, &b->ski) && (a->ski.data != NULL) == (b->ski.data != NULL), "subject key id");
    FIELD(same_bytes(&a->aki, &b->aki) && (a->aki.data != NULL) == (b->aki.data != NULL), "authority key id");
    FIELD(memcmp(ucp_certificate_key_id(a), ucp_certificate_key_id(b), 32) == 0, "key id");
    FIELD(a->self_issued == b->self_issued && a->self_signed == b->self_signed, "self-signed");
    FIELD(same_str(a->template_name, b->template_name) && same_str(a->template_oid, b->template_oid) &&
              a->template_major == b->template_major && a->template_minor == b->template_minor &&
              same_str(a->template_problem, b->template_problem),
          "template");
    static const char *const oids[] = {"2.5.29.17", "2.5.29.37", "2.5.29.15", "2.5.29.19", "2.5.29.31",
                                       "2.5.29.30", "1.3.6.1.5.5.7.1.1", "2.5.29.14", "2.5.29.35",
                                       "1.3.6.1.4.1.311.20.2", "1.2.3.4"};
    for (size_t k = 0; k < UCP_ARRAY_SIZE(oids); k++) {
        for (unsigned nth = 0; nth < 2; nth++) {
            gnutls_datum_t x = {NULL, 0}, y = {NULL, 0};
            unsigned cx = 0, cy = 0;
            int rx = ucp_certificate_get_extension(a, oids[k], nth, &x, &cx);
            int ry = gnutls_x509_crt_get_extension_by_oid2(ucp_certificate_crt(b), oids[k], nth, &y, &cy);
            bool same = rx == ry && (rx < 0 || (x.size == y.size && cx == cy && memcmp(x.data, y.data, x.size) == 0));
            gnutls_free(x.data);
            gnutls_free(y.data);
            FIELD(same, "an extension read by OID");
        }
    }
#undef FIELD
    return NULL;
}

#endif /* UCPOLICY_TESTS_CERT_FACTS_H */
