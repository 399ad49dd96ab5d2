/* SPDX-License-Identifier: MIT */
/*
 * Identity and issuance: when two certificates are the same or the same entity (subject and
 * public key, with the key's identifier computed on first use), whether one names another as its
 * issuer, and the primitives of path validation that verify a certificate's signature with its
 * issuer's key - GnuTLS's verification (the reference) and the fast path that verifies the signed
 * bytes with the issuer's public key, imported once (by nettle itself for the common RSA
 * signatures).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/abstract.h>
#include <nettle/nettle-meta.h>
#include <nettle/rsa.h>
#include <nettle/sha2.h>

#include "x509/x509-private.h"

const uint8_t *ucp_certificate_key_id(const ucp_certificate *cert)
{
    ucp_certificate *c = (ucp_certificate *)cert;
    int state = atomic_load_explicit(&c->key_id_state, memory_order_acquire);
    if (state == 2)
        return c->key_id;
    int expected = 0;
    if (atomic_compare_exchange_strong_explicit(&c->key_id_state, &expected, 1, memory_order_acq_rel,
                                                memory_order_acquire)) {
        size_t size = sizeof c->key_id;
        gnutls_x509_crt_t crt = ucp_certificate_crt(c);
        if (!crt || gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, c->key_id, &size) < 0)
            memset(c->key_id, 0, sizeof c->key_id);
        atomic_store_explicit(&c->key_id_state, 2, memory_order_release);
        return c->key_id;
    }
    /* Another thread is computing it (a few microseconds). */
    while (atomic_load_explicit(&c->key_id_state, memory_order_acquire) != 2)
        ;
    return c->key_id;
}

bool ucp_certificate_same(const ucp_certificate *a, const ucp_certificate *b)
{
    return a == b || (a->der.len == b->der.len && memcmp(a->der.data, b->der.data, a->der.len) == 0);
}

bool ucp_certificate_same_entity(const ucp_certificate *a, const ucp_certificate *b)
{
    return a->raw_subject.len == b->raw_subject.len &&
           memcmp(a->raw_subject.data, b->raw_subject.data, a->raw_subject.len) == 0 &&
           (a == b || memcmp(ucp_certificate_key_id(a), ucp_certificate_key_id(b), 32) == 0);
}

bool ucp_certificate_issued_by(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* RFC 5280 7.1 name comparison; byte for byte first (ucp_dn_equal's fast path). */
    if (!ucp_dn_equal(&cert->raw_issuer, &issuer->raw_subject))
        return false;
    /* When both key identifiers are present they must agree (RFC 5280 4.2.1.1). */
    if (cert->aki.len && issuer->ski.len &&
        (cert->aki.len != issuer->ski.len || memcmp(cert->aki.data, issuer->ski.data, cert->aki.len) != 0))
        return false;
    return true;
}

/* Does @cert break the name constraints of @issuer, as GnuTLS's verification checks them? */
static bool violates_name_constraints(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    gnutls_x509_name_constraints_t nc = NULL;
    if (gnutls_x509_name_constraints_init(&nc) < 0)
        return false;
    bool violated = false;
    gnutls_x509_crt_t ca = ucp_certificate_crt(issuer), crt = ucp_certificate_crt(cert);
    if (ca && crt && gnutls_x509_crt_get_name_constraints(ca, nc, 0, NULL) >= 0) {
        static const gnutls_x509_subject_alt_name_t types[] = {GNUTLS_SAN_DNSNAME, GNUTLS_SAN_RFC822NAME,
                                                               GNUTLS_SAN_DN, GNUTLS_SAN_URI,
                                                               GNUTLS_SAN_IPADDRESS};
        for (size_t i = 0; i < UCP_ARRAY_SIZE(types) && !violated; i++)
            violated = !gnutls_x509_name_constraints_check_crt(nc, types[i], crt);
    }
    gnutls_x509_name_constraints_deinit(nc);
    return violated;
}

bool ucp_certificate_verify_signature(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* Signature only: CA rights, time and algorithm strength are checked by the rules, so that
     * each problem gets its own finding. */
    const unsigned flags = GNUTLS_VERIFY_DISABLE_CA_SIGN | GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                           GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS | GNUTLS_VERIFY_ALLOW_BROKEN |
                           GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT;
    unsigned status = 0;
    gnutls_x509_crt_t ca = ucp_certificate_crt(issuer), crt = ucp_certificate_crt(cert);
    if (!ca || !crt)
        return false;
    int ret = gnutls_x509_crt_verify(crt, &ca, 1, flags, &status);
    /* GnuTLS also applies the issuer's name constraints here, with no flag to skip them, and
     * reports a violation with the bit it uses for a key that cannot have made the signature
     * (which it then does not verify). Name constraints are a rule of their own
     * (chain.name-constraints, chain.c): when they explain the bit and the issuer's key type can
     * make this signature, the signature itself verified (a failing one sets its own bit). */
    if (ret == 0 && status == (GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE) &&
        gnutls_sign_supports_pk_algorithm((gnutls_sign_algorithm_t)gnutls_x509_crt_get_signature_algorithm(crt),
                                          (gnutls_pk_algorithm_t)gnutls_x509_crt_get_pk_algorithm(ca, NULL)) &&
        violates_name_constraints(cert, issuer))
        status = 0;
    return ret == 0 && status == 0;
}

/* The certificate's public key as a gnutls_pubkey_t, imported on first use and kept (a check
 * may run on several threads: the first import published wins, the others are dropped). */
gnutls_pubkey_t ucp_certificate_pubkey(const ucp_certificate *c)
{
    ucp_certificate *m = (ucp_certificate *)c;
    gnutls_pubkey_t pk = atomic_load_explicit(&m->pubkey, memory_order_acquire);
    if (pk)
        return pk;
    if (gnutls_pubkey_init(&pk) < 0)
        return NULL;
    gnutls_x509_crt_t crt = ucp_certificate_crt(c);
    if (!crt || gnutls_pubkey_import_x509(pk, crt, 0) < 0) {
        gnutls_pubkey_deinit(pk);
        return NULL;
    }
    void *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&m->pubkey, &expected, pk, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        gnutls_pubkey_deinit(pk);
        pk = expected;
    }
    return pk;
}

/* GMP's mpz_import copies whole aligned limbs in the host's byte order (most significant first:
 * a reversed copy), but imports big-endian limbs byte by byte (584 ns for 2048 bits here,
 * against 42 ns): the words are therefore read as host integers first. */
void ucp_mpz_set_be(mpz_t z, const uint8_t *p, size_t len)
{
    uint64_t words[128]; /* up to 8192 bits, most significant first, as host integers */
    size_t n = (len + 7) / 8;
    if (n == 0 || n > UCP_ARRAY_SIZE(words)) {
        mpz_import(z, len, 1, 1, 1, 0, p);
        return;
    }
    size_t head = len - (n - 1) * 8; /* 1 to 8 bytes in the most significant word */
    uint64_t w = 0;
    for (size_t i = 0; i < head; i++)
        w = w << 8 | p[i];
    words[0] = w;
    for (size_t k = 1; k < n; k++) {
        const uint8_t *b = p + head + (k - 1) * 8; /* the shifts compile to a load and a byte swap */
        words[k] = (uint64_t)b[0] << 56 | (uint64_t)b[1] << 48 | (uint64_t)b[2] << 40 | (uint64_t)b[3] << 32 |
                   (uint64_t)b[4] << 24 | (uint64_t)b[5] << 16 | (uint64_t)b[6] << 8 | (uint64_t)b[7];
    }
    mpz_import(z, n, 1, sizeof words[0], 0, 0, words);
}

void ucp_certificate_free_rsa_key(ucp_certificate *c)
{
    struct rsa_public_key *key = atomic_load(&c->rsa_key);
    if (key) {
        rsa_public_key_clear(key);
        free(key);
    }
}

/* The RSA key of @c as nettle uses it, made from the key GnuTLS imported (so both read the same
 * modulus and exponent) on first use and kept; NULL when it is not an RSA key nettle accepts. */
static const struct rsa_public_key *certificate_rsa_key(const ucp_certificate *c)
{
    ucp_certificate *m = (ucp_certificate *)c;
    struct rsa_public_key *key = atomic_load_explicit(&m->rsa_key, memory_order_acquire);
    if (key)
        return key;
    gnutls_pubkey_t pk = ucp_certificate_pubkey(c);
    gnutls_datum_t n = {NULL, 0}, e = {NULL, 0};
    if (!pk || gnutls_pubkey_export_rsa_raw2(pk, &n, &e, 0) < 0)
        return NULL;
    key = malloc(sizeof *key);
    if (key) {
        rsa_public_key_init(key);
        ucp_mpz_set_be(key->n, n.data, n.size);
        ucp_mpz_set_be(key->e, e.data, e.size);
        if (!rsa_public_key_prepare(key)) {
            rsa_public_key_clear(key);
            free(key);
            key = NULL;
        }
    }
    gnutls_free(n.data);
    gnutls_free(e.data);
    void *expected = NULL;
    if (key && !atomic_compare_exchange_strong_explicit(&m->rsa_key, &expected, key, memory_order_acq_rel,
                                                        memory_order_acquire)) {
        rsa_public_key_clear(key);
        free(key);
        key = expected;
    }
    return key;
}

/* An RSA PKCS#1 v1.5 signature with SHA-256, SHA-384 or SHA-512 verified by nettle with the
 * issuer's key kept for it: the operation gnutls_pubkey_verify_data2 performs, without its
 * per-call key import, DigestInfo encoding through libtasn1 and byte-wise signature import.
 * As GnuTLS, a signature must be as long as the modulus. 1: good, 0: bad, -1: not handled here. */
static int verify_rsa_pkcs1(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* DigestInfo prefixes (RFC 8017 9.2, note 1): the DER of the AlgorithmIdentifier with NULL
     * parameters and the OCTET STRING header, as GnuTLS encodes them. */
    static const struct {
        int sign;
        const struct nettle_hash *hash;
        uint8_t prefix[19];
    } algos[] = {
        {GNUTLS_SIGN_RSA_SHA256, &nettle_sha256,
         {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}},
        {GNUTLS_SIGN_RSA_SHA384, &nettle_sha384,
         {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30}},
        {GNUTLS_SIGN_RSA_SHA512, &nettle_sha512,
         {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40}},
    };
    size_t a = 0;
    while (a < UCP_ARRAY_SIZE(algos) && algos[a].sign != cert->sign_algo)
        a++;
    if (a == UCP_ARRAY_SIZE(algos))
        return -1;
    const struct rsa_public_key *key = certificate_rsa_key(issuer);
    if (!key)
        return -1;
    if (cert->sig_len != key->size)
        return 0;
    const struct nettle_hash *h = algos[a].hash;
    union {
        struct sha256_ctx sha256;
        struct sha512_ctx sha512;
    } ctx;
    uint8_t info[sizeof algos[a].prefix + SHA512_DIGEST_SIZE];
    memcpy(info, algos[a].prefix, sizeof algos[a].prefix);
    h->init(&ctx);
    h->update(&ctx, cert->tbs_len, cert->der.data + cert->tbs_off);
    h->digest(&ctx, h->digest_size, info + sizeof algos[a].prefix);
    mpz_t s;
    mpz_init(s);
    ucp_mpz_set_be(s, cert->der.data + cert->sig_off, cert->sig_len);
    int ok = rsa_pkcs1_verify(key, sizeof algos[a].prefix + h->digest_size, info, s);
    mpz_clear(s);
    return ok ? 1 : 0;
}

/* The DSA public key y of @c's SubjectPublicKeyInfo when its AlgorithmIdentifier carries no
 * parameters (RFC 3279 2.3.2: they are the issuer's); false otherwise or when malformed. */
static bool dsa_key_without_params(const ucp_certificate *c, gnutls_datum_t *y)
{
    /* id-dsa (1.2.840.10040.4.1); GnuTLS tells no key type for a DSA key without parameters */
    static const uint8_t id_dsa[] = {0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01};
    if (!c->indexed)
        return false;
    struct ucp_tlv spki, alg, oid, bits, key;
    if (!ucp_der_read_exact(c->der.data + c->spki_off, c->spki_len, UCP_DER_STRICT, &spki) ||
        !ucp_der_is(&spki, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = spki.value;
    size_t left = spki.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &alg) || !ucp_der_is(&alg, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) ||
        !ucp_der_read_exact(alg.value, alg.len, UCP_DER_STRICT, &oid) || /* the OID alone: no parameters */
        !ucp_der_is(&oid, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) || oid.len != sizeof id_dsa ||
        memcmp(oid.value, id_dsa, sizeof id_dsa) != 0 ||
        !ucp_der_read_exact(p, left, UCP_DER_STRICT, &bits) ||
        !ucp_der_is(&bits, ASN1_CLASS_UNIVERSAL, ASN1_TAG_BIT_STRING) || bits.len < 2 || bits.value[0] != 0 ||
        !ucp_der_read_exact(bits.value + 1, bits.len - 1, UCP_DER_STRICT, &key) ||
        !ucp_der_is(&key, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) || key.len == 0)
        return false;
    y->data = (unsigned char *)key.value;
    y->size = (unsigned)key.len;
    return true;
}

bool ucp_certificate_inherit_dsa_params(const ucp_certificate *c, const ucp_certificate *issuer)
{
    gnutls_datum_t y;
    if (atomic_load_explicit(&((ucp_certificate *)c)->pubkey, memory_order_acquire) ||
        !dsa_key_without_params(c, &y))
        return false;
    gnutls_pubkey_t from = ucp_certificate_pubkey(issuer), pk = NULL;
    gnutls_datum_t p = {NULL, 0}, q = {NULL, 0}, g = {NULL, 0};
    bool ok = from && gnutls_pubkey_get_pk_algorithm(from, NULL) == GNUTLS_PK_DSA &&
              gnutls_pubkey_export_dsa_raw2(from, &p, &q, &g, NULL, 0) >= 0 && gnutls_pubkey_init(&pk) >= 0 &&
              gnutls_pubkey_import_dsa_raw(pk, &p, &q, &g, &y) >= 0;
    gnutls_free(p.data);
    gnutls_free(q.data);
    gnutls_free(g.data);
    void *expected = NULL;
    if (!ok || !atomic_compare_exchange_strong_explicit(&((ucp_certificate *)c)->pubkey, &expected, pk,
                                                        memory_order_acq_rel, memory_order_acquire)) {
        if (pk)
            gnutls_pubkey_deinit(pk);
        return false; /* or another thread gave it the same parameters first */
    }
    return true;
}

bool ucp_certificate_check_signature(const ucp_certificate *cert, const ucp_certificate *issuer)
{
    /* Only where gnutls_x509_crt_verify (with the flags of the reference) checks the signature
     * the same way: an issuer the certificate names (its issuer test), a distinct certificate (it
     * trusts a certificate equal to the CA without a signature check), no RSA-PSS parameters,
     * a signature algorithm of the issuer's key type. One difference is deliberate: the
     * reference also applies the issuer's name constraints and reports a violation as a failed
     * verification (GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE); here they are not looked at, since
     * they are a rule of their own (chain.name-constraints, chain.c) and a certificate outside
     * them is not badly signed. */
    gnutls_pk_algorithm_t spk = cert->sign_algo > 0 ? gnutls_sign_get_pk_algorithm(cert->sign_algo)
                                                    : GNUTLS_PK_UNKNOWN;
    int ipk = issuer->pk_algo;
    if (spk == GNUTLS_PK_DSA && ipk != GNUTLS_PK_DSA) { /* a DSA key given its issuer's parameters */
        gnutls_pubkey_t k = atomic_load_explicit(&((ucp_certificate *)issuer)->pubkey, memory_order_acquire);
        if (k && gnutls_pubkey_get_pk_algorithm(k, NULL) == GNUTLS_PK_DSA)
            ipk = GNUTLS_PK_DSA;
    }
    bool fast = cert->tbs_len && cert->sig_len && !cert->sign_pss && cert != issuer &&
                ((spk == GNUTLS_PK_RSA && ipk == GNUTLS_PK_RSA) || (spk == GNUTLS_PK_ECDSA && ipk == GNUTLS_PK_ECDSA) ||
                 (spk == GNUTLS_PK_EDDSA_ED25519 && ipk == GNUTLS_PK_EDDSA_ED25519) ||
                 (spk == GNUTLS_PK_EDDSA_ED448 && ipk == GNUTLS_PK_EDDSA_ED448) ||
                 (spk == GNUTLS_PK_DSA && ipk == GNUTLS_PK_DSA)) &&
                ucp_certificate_issued_by(cert, issuer) && !ucp_certificate_same(cert, issuer);
    if (fast && spk == GNUTLS_PK_RSA) {
        int ok = verify_rsa_pkcs1(cert, issuer);
        if (ok >= 0)
            return ok == 1;
    }
    if (fast) {
        gnutls_pubkey_t pk = ucp_certificate_pubkey(issuer);
        if (pk) {
            const gnutls_datum_t tbs = {cert->der.data + cert->tbs_off, (unsigned)cert->tbs_len};
            const gnutls_datum_t sig = {cert->der.data + cert->sig_off, (unsigned)cert->sig_len};
            int ret = gnutls_pubkey_verify_data2(pk, (gnutls_sign_algorithm_t)cert->sign_algo,
                                                 GNUTLS_VERIFY_ALLOW_BROKEN, &tbs, &sig);
            if (ret >= 0)
                return true;
            if (ret == GNUTLS_E_PK_SIG_VERIFY_FAILED)
                return false;
            /* Anything else (an algorithm policy, a key GnuTLS cannot use this way): ask the
             * reference. */
        }
    }
    return ucp_certificate_verify_signature(cert, issuer);
}
