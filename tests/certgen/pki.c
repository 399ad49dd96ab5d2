/* SPDX-License-Identifier: MIT */
/*
 * The test PKI: keys, certificates made from a spec and signed, the CAs (ca_rows[]) and their
 * CRLs, and the files they go into (PEM, PKCS#7, PKCS#12).
 */
#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmp.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs7.h>

#include "fixtures.h" /* tests/keys: the PKCS#12 writer (keys_write_pfx) */

int64_t vt;

/* ---- keys --------------------------------------------------------------------------------- */

struct key k_root, k_root2, k_issuing, k_misc, k_leaf;
static struct key k_rsa1024, k_rsa512, k_ec256, k_ec192, k_ed25519;
static gnutls_pubkey_t pub_e3, pub_even; /* the leaf modulus with exponents 3 and 65536 */
static gnutls_pubkey_t pub_factor, pub_even_n; /* weak moduli derived from the leaf's (exponent 65537) */
static gnutls_pubkey_t pub_fermat, pub_roca;   /* key.rsa-fermat, key.rsa-roca (exponent 65537) */

/* A random number of @bits bits, its two top bits set (so products keep their length). */
static void random_bits(mpz_t out, unsigned bits)
{
    unsigned char buf[512];
    size_t len = (bits + 7) / 8;
    if (len > sizeof buf)
        die("random_bits: %u bits", bits);
    GT(gnutls_rnd(GNUTLS_RND_NONCE, buf, len));
    mpz_import(out, len, 1, 1, 1, 0, buf);
    mpz_fdiv_r_2exp(out, out, bits);
    mpz_setbit(out, bits - 1);
    mpz_setbit(out, bits - 2);
}

static gnutls_pubkey_t pub_from_mpz(const mpz_t n)
{
    size_t len = 0;
    unsigned char *w = mpz_export(NULL, &len, 1, 1, 1, 0, n);
    static unsigned char f4[] = {1, 0, 1};
    gnutls_datum_t dn = {w, (unsigned)len}, de = {f4, sizeof f4};
    gnutls_pubkey_t pub;
    GT(gnutls_pubkey_init(&pub));
    GT(gnutls_pubkey_import_rsa_raw(pub, &dn, &de));
    free(w);
    return pub;
}

/* The weak moduli of key.rsa-fermat and key.rsa-roca, made with GMP at test time. Fermat: p a
 * random 1024-bit prime and q the next prime, so a = ceil(sqrt(pq)) = (p + q) / 2 at once. ROCA:
 * k * M + (65537^a mod M), M the product of the primes 2 to 167, k random: modulo each of those
 * primes the modulus is a power of 65537, which is all the fingerprint looks at; k is drawn again
 * until no prime below 752 divides the modulus (else key.rsa-weak-modulus would fire too). */
static void make_weak_moduli(void)
{
    mpz_t p, q, n, m, r, small, g;
    mpz_inits(p, q, n, m, r, small, g, NULL);
    random_bits(p, 1024);
    mpz_nextprime(p, p);
    mpz_nextprime(q, p);
    mpz_mul(n, p, q);
    pub_fermat = pub_from_mpz(n);

    mpz_primorial_ui(m, 167); /* 2 * 3 * ... * 167 */
    mpz_primorial_ui(small, 751);
    mpz_divexact(small, small, m); /* the primes 173 to 751 */
    unsigned char a;
    GT(gnutls_rnd(GNUTLS_RND_NONCE, &a, 1));
    mpz_set_ui(r, 65537);
    mpz_powm_ui(r, r, 1000u + a, m);
    for (int tries = 0;; tries++) {
        if (tries == 1000)
            die("no ROCA-shaped modulus without small factors in 1000 tries");
        random_bits(n, 2048 - (unsigned)mpz_sizeinbase(m, 2));
        mpz_mul(n, n, m);
        mpz_add(n, n, r);
        mpz_gcd(g, n, small);
        if (mpz_cmp_ui(g, 1) == 0 && mpz_sizeinbase(n, 2) == 2048)
            break;
    }
    pub_roca = pub_from_mpz(n);
    mpz_clears(p, q, n, m, r, small, g, NULL);
}

/* Big-endian @n minus the small @v, in place (n > v). */
static void big_sub(unsigned char *n, size_t len, unsigned v)
{
    for (size_t i = len; i-- > 0 && v;) {
        unsigned d = v & 0xff, cur = n[i];
        v >>= 8;
        if (cur < d) {
            n[i] = (unsigned char)(cur + 256 - d);
            v += 1;
        } else {
            n[i] = (unsigned char)(cur - d);
        }
    }
}

static unsigned big_mod(const unsigned char *n, size_t len, unsigned m)
{
    unsigned r = 0;
    for (size_t i = 0; i < len; i++)
        r = (r * 256 + n[i]) % m;
    return r;
}

static void key_generate(struct key *k, gnutls_pk_algorithm_t algo, unsigned bits)
{
    GT(gnutls_x509_privkey_init(&k->x));
    GT(gnutls_x509_privkey_generate(k->x, algo, bits, 0));
    GT(gnutls_privkey_init(&k->priv));
    GT(gnutls_privkey_import_x509(k->priv, k->x, 0));
    GT(gnutls_pubkey_init(&k->pub));
    GT(gnutls_pubkey_import_privkey(k->pub, k->priv, 0, 0));
}

static void key_free(struct key *k)
{
    if (k->pub)
        gnutls_pubkey_deinit(k->pub);
    if (k->priv)
        gnutls_privkey_deinit(k->priv);
    if (k->x)
        gnutls_x509_privkey_deinit(k->x);
}

gnutls_pubkey_t keykind_pub(enum keykind k)
{
    switch (k) {
    case KEY_RSA2048: return k_leaf.pub;
    case KEY_RSA1024: return k_rsa1024.pub;
    case KEY_RSA512: return k_rsa512.pub;
    case KEY_RSA_E3: return pub_e3;
    case KEY_RSA_EVEN: return pub_even;
    case KEY_EC256: return k_ec256.pub;
    case KEY_EC192: return k_ec192.pub;
    case KEY_ED25519: return k_ed25519.pub;
    case KEY_RSA_OTHER: return k_misc.pub;
    case KEY_RSA_SMALL_FACTOR: return pub_factor;
    case KEY_RSA_EVEN_MODULUS: return pub_even_n;
    case KEY_RSA_FERMAT: return pub_fermat;
    case KEY_RSA_ROCA: return pub_roca;
    }
    die("unknown key kind %d", (int)k);
}

void make_keys(void)
{
    key_generate(&k_root, GNUTLS_PK_RSA, 2048);
    key_generate(&k_root2, GNUTLS_PK_RSA, 2048);
    key_generate(&k_issuing, GNUTLS_PK_RSA, 2048);
    key_generate(&k_misc, GNUTLS_PK_RSA, 2048);
    key_generate(&k_leaf, GNUTLS_PK_RSA, 2048);
    key_generate(&k_rsa1024, GNUTLS_PK_RSA, 1024);
    key_generate(&k_rsa512, GNUTLS_PK_RSA, 512);
    key_generate(&k_ec256, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1));
    key_generate(&k_ec192, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP192R1));
    key_generate(&k_ed25519, GNUTLS_PK_EDDSA_ED25519, 256);

    /* Public keys whose private half we do not need: the leaf's modulus with a small (3) and an
     * even (65536) public exponent. Only the CA signs, so any public key can go in a certificate. */
    gnutls_datum_t m = {NULL, 0}, e = {NULL, 0};
    GT(gnutls_x509_privkey_export_rsa_raw(k_leaf.x, &m, &e, NULL, NULL, NULL, NULL));
    static unsigned char three[] = {3}, even[] = {1, 0, 0};
    gnutls_datum_t e3 = {three, sizeof three}, eeven = {even, sizeof even};
    GT(gnutls_pubkey_init(&pub_e3));
    GT(gnutls_pubkey_import_rsa_raw(pub_e3, &m, &e3));
    GT(gnutls_pubkey_init(&pub_even));
    GT(gnutls_pubkey_import_rsa_raw(pub_even, &m, &eeven));
    /* A multiple of 739 (odd: minus 739 more when subtracting the remainder made it even), and
     * the modulus minus one (even). The length in bits stays 2048. */
    unsigned char *w = malloc(m.size);
    if (!w)
        die("out of memory");
    memcpy(w, m.data, m.size);
    big_sub(w, m.size, big_mod(w, m.size, 739));
    if ((w[m.size - 1] & 1) == 0)
        big_sub(w, m.size, 739);
    gnutls_datum_t wn = {w, m.size};
    GT(gnutls_pubkey_init(&pub_factor));
    GT(gnutls_pubkey_import_rsa_raw(pub_factor, &wn, &e));
    memcpy(w, m.data, m.size);
    big_sub(w, m.size, 1);
    GT(gnutls_pubkey_init(&pub_even_n));
    GT(gnutls_pubkey_import_rsa_raw(pub_even_n, &wn, &e));
    free(w);
    gnutls_free(m.data);
    gnutls_free(e.data);
    make_weak_moduli();
}

void free_keys(void)
{
    struct key *all[] = {&k_root, &k_root2, &k_issuing, &k_misc, &k_leaf, &k_rsa1024, &k_rsa512, &k_ec256, &k_ec192,
                         &k_ed25519};
    for (size_t i = 0; i < UCP_ARRAY_SIZE(all); i++)
        key_free(all[i]);
    gnutls_pubkey_deinit(pub_e3);
    gnutls_pubkey_deinit(pub_even);
    gnutls_pubkey_deinit(pub_factor);
    gnutls_pubkey_deinit(pub_even_n);
    gnutls_pubkey_deinit(pub_fermat);
    gnutls_pubkey_deinit(pub_roca);
}

/* ---- certificates ------------------------------------------------------------------------- */

static unsigned serial_counter;

void spec_init(struct spec *s)
{
    memset(s, 0, sizeof *s);
    s->hash = GNUTLS_DIG_SHA256;
    s->pathlen = -1;
}

void spec_add_name(struct spec *s, unsigned char tag, const void *v, size_t len)
{
    if (s->nsan == MAXSPECSAN)
        die("too many SAN entries");
    s->san[s->nsan].v = v;
    s->san[s->nsan].len = len;
    s->san[s->nsan].tag = tag;
    s->nsan++;
}

void spec_add_ext(struct spec *s, const char *oid, const unsigned char *value, size_t len, bool critical)
{
    if (s->next == (int)UCP_ARRAY_SIZE(s->ext))
        die("too many extensions");
    s->ext[s->next].oid = oid;
    s->ext[s->next].value = value;
    s->ext[s->next].len = len;
    s->ext[s->next].critical = critical;
    s->next++;
}

/* The subject key identifier of @crt. */
static size_t key_id_of(gnutls_x509_crt_t crt, unsigned char id[64])
{
    size_t idlen = 64;
    unsigned critical = 0;
    GT(gnutls_x509_crt_get_subject_key_id(crt, id, &idlen, &critical));
    return idlen;
}

/* The signed object (certificate or CRL) whose to-be-signed part has the contents @body, signed
 * by @signer with @sign and labelled with the AlgorithmIdentifier @alg (as it was): SEQUENCE {
 * SEQUENCE { body }, alg, BIT STRING signature } into @out. For the objects GnuTLS wrote and a
 * test then rebuilt element by element. */
static void resign(const struct buf *body, const struct ucp_tlv *alg, gnutls_privkey_t signer,
                   gnutls_sign_algorithm_t sign, struct buf *out)
{
    struct buf signed_part = {NULL, 0}, bits = {NULL, 0}, whole = {NULL, 0};
    der_tlv(&signed_part, 0x30, body->data, body->len);
    gnutls_datum_t d = {signed_part.data, (unsigned)signed_part.len}, sig = {NULL, 0};
    GT(gnutls_privkey_sign_data2(signer, sign, 0, &d, &sig));
    buf_add(&bits, "", 1);
    buf_add(&bits, sig.data, sig.size);
    buf_add(&whole, signed_part.data, signed_part.len);
    buf_add(&whole, alg->value - alg->hdr, alg->total);
    der_tlv(&whole, 0x03, bits.data, bits.len);
    der_tlv(out, 0x30, whole.data, whole.len);
    gnutls_free(sig.data);
    free(signed_part.data);
    free(bits.data);
    free(whole.data);
}

/* @crt with its serialNumber replaced by the content octets @serial (taken as they are: GnuTLS
 * refuses to write a zero serial, and a CA that gets the sign wrong writes a negative one), signed
 * again by @signer with the same algorithm. The DER is rebuilt element by element. */
static gnutls_x509_crt_t with_serial(gnutls_x509_crt_t crt, const unsigned char *serial, size_t len,
                                     gnutls_privkey_t signer)
{
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
    int algo = gnutls_x509_crt_get_signature_algorithm(crt);
    GT(algo);
    struct ucp_tlv outer, tbs, alg, t;
    const uint8_t *p;
    size_t left;
    if (!ucp_der_read_exact(der.data, der.size, UCP_DER_STRICT, &outer))
        die("%s: the certificate GnuTLS wrote cannot be read back", __func__);
    p = outer.value;
    left = outer.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &tbs) || !ucp_der_next(&p, &left, UCP_DER_STRICT, &alg))
        die("%s: the certificate GnuTLS wrote cannot be read back", __func__);
    struct buf body = {NULL, 0}, out = {NULL, 0};
    const uint8_t *q = tbs.value;
    size_t n = tbs.len;
    while (n > 0) {
        const uint8_t *at = q;
        if (!ucp_der_next(&q, &n, UCP_DER_STRICT, &t))
            die("%s: the certificate GnuTLS wrote cannot be read back", __func__);
        if (ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, 2)) /* serialNumber INTEGER */
            der_tlv(&body, 0x02, serial, len);
        else
            buf_add(&body, at, t.total);
    }
    resign(&body, &alg, signer, (gnutls_sign_algorithm_t)algo, &out);
    gnutls_x509_crt_t fresh;
    GT(gnutls_x509_crt_init(&fresh));
    gnutls_datum_t od = {out.data, (unsigned)out.len};
    GT(gnutls_x509_crt_import(fresh, &od, GNUTLS_X509_FMT_DER));
    gnutls_x509_crt_deinit(crt);
    gnutls_free(der.data);
    free(body.data);
    free(out.data);
    return fresh;
}

gnutls_x509_crt_t make_cert(const struct spec *s)
{
    gnutls_x509_crt_t crt;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    unsigned char serial[9] = {0x01, 'U', 'C', 'P', 0, 0, 0, 0, 0};
    unsigned n = ++serial_counter;
    for (int i = 0; i < 4; i++)
        serial[8 - i] = (unsigned char)(n >> (8 * i));
    GT(gnutls_x509_crt_set_serial(crt, serial, sizeof serial)); /* s->serial: set after signing */
    GT(gnutls_x509_crt_set_activation_time(crt, (time_t)s->nb));
    GT(gnutls_x509_crt_set_expiration_time(crt, (time_t)s->na));
    if (!s->no_subject) {
        if (s->org)
            GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0, s->org,
                                             (unsigned)strlen(s->org)));
        for (int i = 0; i < s->ncn; i++)
            GT(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, s->cn[i],
                                             (unsigned)(s->cnlen[i] ? s->cnlen[i] : strlen(s->cn[i]))));
    }
    GT(gnutls_x509_crt_set_pubkey(crt, s->pub));
    if (s->nsan) {
        /* Encoded here rather than with gnutls_x509_crt_set_subject_alt_name(), which stops a
         * name at a NUL byte: the names go in exactly as given. */
        struct buf names = {NULL, 0}, ext = {NULL, 0};
        for (int i = 0; i < s->nsan; i++)
            der_tlv(&names, s->san[i].tag ? s->san[i].tag : 0x82, s->san[i].v, s->san[i].len); /* [2] dNSName */
        der_tlv(&ext, 0x30, names.data, names.len);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.17", ext.data, ext.len, s->san_critical));
        free(names.data);
        free(ext.data);
    }
    for (int i = 0; s->use.has_eku && i < s->use.neku; i++)
        GT(gnutls_x509_crt_set_key_purpose_oid(crt, s->use.eku[i], s->use.eku_critical));
    if (s->use.has_eku && s->use.neku == 0)
        die("an EKU extension needs at least one purpose here");
    if (s->use.has_ku)
        GT(gnutls_x509_crt_set_key_usage(crt, s->use.ku));
    if (s->has_bc)
        GT(gnutls_x509_crt_set_basic_constraints(crt, s->bc_ca, s->pathlen));
    if (s->has_bc && s->no_bc_critical) {
        /* GnuTLS marks basic constraints critical; the same value again, not critical. */
        gnutls_datum_t bc = {NULL, 0};
        unsigned critical = 0;
        GT(gnutls_x509_crt_get_extension_by_oid2(crt, "2.5.29.19", 0, &bc, &critical));
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.19", bc.data, bc.size, 0));
        gnutls_free(bc.data);
    }
    if (s->cdp)
        GT(gnutls_x509_crt_set_crl_dist_points(crt, GNUTLS_SAN_URI, s->cdp, 0));
    if (s->aia) {
        gnutls_datum_t d = {(unsigned char *)s->aia, (unsigned)strlen(s->aia)};
        GT(gnutls_x509_crt_set_authority_info_access(crt, GNUTLS_IA_CAISSUERS_URI, &d));
    }
    for (int i = 0; i < s->next; i++)
        GT(gnutls_x509_crt_set_extension_by_oid(crt, s->ext[i].oid, s->ext[i].value, s->ext[i].len,
                                                s->ext[i].critical));
    unsigned char id[64];
    size_t idlen = sizeof id;
    GT(gnutls_pubkey_get_key_id(s->pub, GNUTLS_KEYID_USE_SHA1, id, &idlen));
    if (s->bad_ski) {
        /* An OCTET STRING whose length says 20 bytes, with 2 of them. */
        static const unsigned char bad[] = {0x04, 0x14, 0x01, 0x02};
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.14", bad, sizeof bad, 0));
    } else if (!s->no_ski) {
        GT(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
    }
    if (s->issuer) {
        /* The issuer's key identifier as its certificate would give it (every CA here computes
         * its SKI this way), so that a CA without the extension still gets named. */
        idlen = sizeof id;
        GT(gnutls_pubkey_get_key_id(s->issuer->key->pub, GNUTLS_KEYID_USE_SHA1, id, &idlen));
    }
    if (s->aki_critical) {
        struct buf kid = {NULL, 0}, aki = {NULL, 0};
        der_tlv(&kid, 0x80, id, idlen); /* [0] keyIdentifier */
        der_tlv(&aki, 0x30, kid.data, kid.len);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.35", aki.data, aki.len, 1));
        free(kid.data);
        free(aki.data);
    } else if (!s->no_aki) {
        GT(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
    }
    gnutls_privkey_t signer = s->issuer ? s->issuer->key->priv : s->self_key;
    GT(gnutls_x509_crt_privkey_sign(crt, s->issuer ? s->issuer->crt : crt, signer, s->hash,
                                    s->pss ? GNUTLS_PRIVKEY_SIGN_FLAG_RSA_PSS : 0));
    if (s->serial)
        crt = with_serial(crt, s->serial, s->serial_len, signer);
    if (s->corrupt_signature) {
        /* Flip a bit of the signature value (the last byte of the DER). */
        gnutls_datum_t der = {NULL, 0};
        GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
        der.data[der.size - 1] ^= 0x01;
        gnutls_x509_crt_deinit(crt);
        GT(gnutls_x509_crt_init(&crt));
        GT(gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER));
        gnutls_free(der.data);
    }
    return crt;
}

gnutls_datum_t export_crt(gnutls_x509_crt_t crt, gnutls_x509_crt_fmt_t f)
{
    gnutls_datum_t d = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, f, &d));
    return d;
}

/* ---- files -------------------------------------------------------------------------------- */

void buf_pem(struct buf *b, gnutls_x509_crt_t crt)
{
    gnutls_datum_t d = export_crt(crt, GNUTLS_X509_FMT_PEM);
    buf_add(b, d.data, d.size);
    gnutls_free(d.data);
}

void write_pem(const char *rel, const gnutls_x509_crt_t *crts, size_t n)
{
    struct buf b = {NULL, 0};
    for (size_t i = 0; i < n; i++)
        buf_pem(&b, crts[i]);
    write_file(rel, b.data, b.len);
    free(b.data);
}

void write_spec(const char *rel, const struct spec *s)
{
    gnutls_x509_crt_t crt = make_cert(s);
    write_pem(rel, &crt, 1);
    gnutls_x509_crt_deinit(crt);
}

gnutls_datum_t pkcs7_export(const gnutls_x509_crt_t *crts, size_t n, gnutls_x509_crt_fmt_t f)
{
    gnutls_pkcs7_t p7;
    GT(gnutls_pkcs7_init(&p7));
    for (size_t i = 0; i < n; i++)
        GT(gnutls_pkcs7_set_crt(p7, crts[i]));
    gnutls_datum_t out = {NULL, 0};
    GT(gnutls_pkcs7_export2(p7, f, &out));
    gnutls_pkcs7_deinit(p7);
    return out;
}

void write_pkcs7(const char *rel, const gnutls_x509_crt_t *crts, size_t n, gnutls_x509_crt_fmt_t f)
{
    gnutls_datum_t out = pkcs7_export(crts, n, f);
    write_file(rel, out.data, out.size);
    gnutls_free(out.data);
}

/*
 * PKCS#12 files are written by tests/keys (keys_write_pfx, libtasn1 and the in-tree ASN.1 module)
 * as OpenSSL 3 and current Windows write them: the key in a pkcs8ShroudedKeyBag of a data
 * ContentInfo (where the Microsoft CSP name attribute stays readable), the certificates in a
 * PBES2-encrypted one (PBKDF2-HMAC-SHA256, AES-256-CBC), a SHA-256 MAC, each with its own iteration
 * count. GnuTLS's writer has no iteration parameter and uses 600,000, which makes every read take
 * seconds under valgrind; and a file with a hostile count is needed to test the library's limit.
 */
void write_pkcs12(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
                  const char *csp, const char *password, unsigned iter, unsigned mac_iter)
{
    char path[4096];
    out_path(rel, path);
    struct keys_pfx spec = {
        .password = password,
        .key = key ? key->x : NULL,
        .csp = csp,
        .friendly = key ? "UCPolicy test certificate" : NULL,
        .certs = crts,
        .ncerts = n,
        .leaf = leaf,
        .iterations = iter,
        .mac_iterations = mac_iter,
    };
    keys_write_pfx(path, &spec);
}

void write_pfx(const char *rel, const gnutls_x509_crt_t *crts, size_t n, size_t leaf, const struct key *key,
               const char *csp)
{
    write_pkcs12(rel, crts, n, leaf, key, csp, PFX_PASSWORD, PFX_ITERATIONS, PFX_ITERATIONS);
}

/* ---- the test PKI ------------------------------------------------------------------------- */

#define NLA1 8 /* look-alike issuers, two levels: 8 x 9 candidate paths > UCP_MAX_PATHS */
#define NLA2 9

struct ca ca_root, ca_root2, ca_issuing, ca_issuing_cross, ca_issuing_old, ca_issuing_local, ca_root_nobc;
static struct ca ca_bc_noncrit, ca_empty_subject, ca_no_ski, ca_weak_key;
static struct ca ca_notca, ca_nocertsign, ca_nocrlsign, ca_pl0, ca_sub, ca_eku, ca_expired, ca_nc, ca_nc_ok, ca_nc_dn,
    ca_nc_ip, ca_explicit, ca_deep[NDEEP], ca_la1[NLA1], ca_la2[NLA2];
static const char *deep_chain_files[NDEEP];
static const char *lookalike_file = "certs/lookalike-cas.pem";

/* A CA certificate. */
struct ca_row {
    struct ca *ca;
    const char *file; /* NULL: none of its own */
    const char *cn;   /* O=UCPolicy Tests */
    struct key *key;
    const struct ca *issuer; /* NULL: self-signed */
    int from, to;            /* validity, in days around the validation time */
    bool not_ca;             /* basic constraints CA:FALSE */
    bool pathlen0;           /* pathLenConstraint 0 (otherwise none) */
    unsigned ku;             /* 0: keyCertSign and cRLSign */
    const char *eku;         /* the only extended key usage, or NULL: no extension */
    const char *cdp;         /* NULL: the root's usual distribution point (for an intermediate) */
    bool nc_excluded;        /* the name constraints are excluded subtrees, not permitted ones */
    const char *nc[3];       /* name constraints: "dns:NAME", "dn:RFC4514" or "ip:A.B.C.D/MASKBITS" */
    bool require_explicit;   /* policyConstraints requireExplicitPolicy 0 (critical), no policies */
    bool no_bc;              /* no basic constraints extension */
    bool bc_noncritical;     /* basic constraints not marked critical */
    bool no_subject;         /* an empty subject */
    bool no_ski;             /* no subject key identifier */
};

/* The fields every row gives: the CA, its file, CN, key, issuer, and validity in days. */
#define CA(c, f, name, k, i, a, b)                                                                 \
    .ca = (c), .file = (f), .cn = (name), .key = (k), .issuer = (i), .from = (a), .to = (b)

/* The CAs, each after its issuer (the order is the order of their serial numbers). */
static const struct ca_row ca_rows[] = {
    {CA(&ca_root, "certs/root.pem", "UCPolicy Test Root CA", &k_root, NULL, -365, 3650)},
    {CA(&ca_root2, "certs/root2.pem", "UCPolicy Test Root CA 2", &k_root2, NULL, -365, 3650)},
    {CA(&ca_issuing, "certs/issuing-ca.pem", "UCPolicy Test Issuing CA", &k_issuing, &ca_root, -300, 1825)},
    /* The same issuing CA (subject and key) cross-certified by the second root... */
    {CA(&ca_issuing_cross, "certs/issuing-ca-cross.pem", "UCPolicy Test Issuing CA", &k_issuing, &ca_root2, -300,
        1825)},
    /* ...and an expired earlier certificate of it, renewed since. */
    {CA(&ca_issuing_old, "certs/issuing-ca-expired.pem", "UCPolicy Test Issuing CA", &k_issuing, &ca_root, -900,
        -100)},
    {CA(&ca_notca, "certs/notca.pem", "UCPolicy Test Not-a-CA", &k_misc, &ca_root, -300, 1825), .not_ca = true,
     .ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN},
    {CA(&ca_nocertsign, "certs/no-certsign-ca.pem", "UCPolicy Test No-keyCertSign CA", &k_misc, &ca_root, -300,
        1825),
     .ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN},
    {CA(&ca_pl0, "certs/pathlen0-ca.pem", "UCPolicy Test PathLen0 CA", &k_misc, &ca_root, -300, 1825),
     .pathlen0 = true},
    {CA(&ca_sub, "certs/pathlen0-sub-ca.pem", "UCPolicy Test Sub CA below PathLen0", &k_misc, &ca_pl0, -300, 1825)},
    {CA(&ca_eku, "certs/email-eku-ca.pem", "UCPolicy Test Email-only CA", &k_misc, &ca_root, -300, 1825),
     .eku = OID_EMAIL},
    {CA(&ca_expired, "certs/expired-ca.pem", "UCPolicy Test Expired CA", &k_misc, &ca_root, -800, -30)},
    /* The issuing CA again (same name and key) with its distribution point on 127.0.0.1: the
     * intermediate of the online cases, so that no URL of their path leaves the machine. */
    {CA(&ca_issuing_local, "certs/issuing-ca-local-cdp.pem", "UCPolicy Test Issuing CA", &k_issuing, &ca_root, -300,
        1825),
     .cdp = LOCAL_URL "/crl/ucpolicy-root.crl"},
    /* Name-constrained intermediates: one that permits only Fabrikam names (DNS and directory
     * name), one that permits Contoso's, one whose DNS constraint permits Contoso but whose
     * directory-name constraint does not (checked by libucpolicy itself, not GnuTLS), and one
     * that excludes 10.0.0.0/8. */
    {CA(&ca_nc, "certs/constrained-ca-fabrikam.pem", "UCPolicy Test Fabrikam-only CA", &k_misc, &ca_root, -300,
        1825),
     .nc = {"dns:fabrikam.com", "dn:O=Fabrikam Ltd"}},
    {CA(&ca_nc_ok, "certs/constrained-ca-contoso.pem", "UCPolicy Test Contoso-only CA", &k_misc, &ca_root, -300,
        1825),
     .nc = {"dns:contoso.com", "dn:O=Contoso Ltd"}},
    {CA(&ca_nc_dn, "certs/constrained-ca-dn.pem", "UCPolicy Test Fabrikam-DN CA", &k_misc, &ca_root, -300, 1825),
     .nc = {"dns:contoso.com", "dn:O=Fabrikam Ltd"}},
    {CA(&ca_nc_ip, "certs/constrained-ca-ip.pem", "UCPolicy Test No-10/8 CA", &k_misc, &ca_root, -300, 1825),
     .nc_excluded = true, .nc = {"ip:10.0.0.0/8"}},
    /* A CA whose key usage has keyCertSign but not cRLSign: its own CRLs do not count. */
    {CA(&ca_nocrlsign, "certs/no-crlsign-ca.pem", "UCPolicy Test No-cRLSign CA", &k_misc, &ca_root, -300, 1825),
     .ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN},
    /* A CA that requires an explicit policy from its own certificate on, and asserts none: every
     * path through it fails certificate policy processing (RFC 5280 6.1.3 (f)). */
    {CA(&ca_explicit, "certs/explicit-policy-ca.pem", "UCPolicy Test Explicit-Policy CA", &k_misc, &ca_root, -300,
        1825),
     .require_explicit = true},
    /* CA certificates that break the RFC 5280 profile rules (check_profile) but not the path. */
    {CA(&ca_root_nobc, "certs/root-no-bc.pem", "UCPolicy Test Root CA without Basic Constraints", &k_misc, NULL,
        -365, 3650),
     .no_bc = true},
    {CA(&ca_bc_noncrit, "certs/bc-noncritical-ca.pem", "UCPolicy Test Non-critical BC CA", &k_misc, &ca_root, -300,
        1825),
     .bc_noncritical = true},
    {CA(&ca_empty_subject, "certs/empty-subject-ca.pem", "(empty)", &k_misc, &ca_root, -300, 1825),
     .no_subject = true},
    {CA(&ca_no_ski, "certs/no-ski-ca.pem", "UCPolicy Test No-SKI CA", &k_misc, &ca_root, -300, 1825), .no_ski = true},
    {CA(&ca_weak_key, "certs/p192-ca.pem", "UCPolicy Test P-192 CA", &k_ec192, &ca_root, -300, 1825)},
};

/* The DER of a NameConstraints extension (RFC 5280 4.2.1.10) with the permitted (or, with
 * @excluded, excluded) subtrees of @list, up to @n of them (a NULL ends it). Encoded here: GnuTLS
 * cannot write a directoryName constraint. */
static struct buf name_constraints(bool excluded, const char *const *list, size_t n)
{
    struct buf subtrees = {NULL, 0};
    for (size_t i = 0; i < n && list[i]; i++) {
        const char *c = list[i];
        struct buf base = {NULL, 0}, subtree = {NULL, 0};
        if (strncmp(c, "dns:", 4) == 0) {
            der_tlv(&base, 0x82, c + 4, strlen(c + 4)); /* [2] dNSName */
        } else if (strncmp(c, "dn:", 3) == 0) {
            gnutls_x509_dn_t x;
            const char *err = NULL;
            gnutls_datum_t d = {NULL, 0};
            GT(gnutls_x509_dn_init(&x));
            if (gnutls_x509_dn_set_str(x, c + 3, &err) < 0)
                die("name constraint %s: bad DN near '%s'", c, err ? err : "?");
            GT(gnutls_x509_dn_export2(x, GNUTLS_X509_FMT_DER, &d));
            gnutls_x509_dn_deinit(x);
            der_tlv(&base, 0xa4, d.data, d.size); /* [4] directoryName, explicit (Name is a CHOICE) */
            gnutls_free(d.data);
        } else if (strncmp(c, "ip:", 3) == 0) {
            unsigned v[4], bits;
            if (sscanf(c + 3, "%u.%u.%u.%u/%u", &v[0], &v[1], &v[2], &v[3], &bits) != 5 || bits > 32)
                die("name constraint %s: not ip:A.B.C.D/BITS", c);
            unsigned char ip[8];
            uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
            for (int k = 0; k < 4; k++) {
                ip[4 + k] = (unsigned char)(mask >> (24 - 8 * k));
                ip[k] = (unsigned char)(v[k] & ip[4 + k]);
            }
            der_tlv(&base, 0x87, ip, sizeof ip); /* [7] iPAddress: address and mask */
        } else {
            die("name constraint %s: unknown kind", c);
        }
        der_tlv(&subtree, 0x30, base.data, base.len);
        buf_add(&subtrees, subtree.data, subtree.len);
        free(base.data);
        free(subtree.data);
    }
    struct buf tagged = {NULL, 0}, ext = {NULL, 0};
    der_tlv(&tagged, excluded ? 0xa1 : 0xa0, subtrees.data, subtrees.len);
    der_tlv(&ext, 0x30, tagged.data, tagged.len);
    free(subtrees.data);
    free(tagged.data);
    return ext;
}

/* Make the CA of @r, its notBefore @older seconds earlier than the row says; write its PEM. */
static void make_ca(const struct ca_row *r, int older)
{
    struct spec s;
    spec_init(&s);
    s.org = "UCPolicy Tests";
    s.cn[s.ncn++] = r->cn;
    s.pub = r->key->pub;
    s.issuer = r->issuer;
    s.self_key = r->key->priv;
    s.has_bc = !r->no_bc;
    s.no_bc_critical = r->bc_noncritical;
    s.no_subject = r->no_subject;
    s.no_ski = r->no_ski;
    s.bc_ca = !r->not_ca;
    s.pathlen = r->pathlen0 ? 0 : -1;
    s.use.has_ku = true;
    s.use.ku = r->ku ? r->ku : GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
    if (r->eku) {
        s.use.has_eku = true;
        s.use.eku[s.use.neku++] = r->eku;
    }
    if (r->issuer)
        s.cdp = r->cdp ? r->cdp : "http://pki.contoso.com/crl/ucpolicy-root.crl";
    struct buf nc = {NULL, 0};
    if (r->nc[0]) {
        nc = name_constraints(r->nc_excluded, r->nc, UCP_ARRAY_SIZE(r->nc));
        spec_add_ext(&s, "2.5.29.30", nc.data, nc.len, true);
    }
    static const unsigned char require0[] = {0x30, 0x03, 0x80, 0x01, 0x00}; /* requireExplicitPolicy 0 */
    if (r->require_explicit)
        spec_add_ext(&s, "2.5.29.36", require0, sizeof require0, true);
    s.nb = vt + (int64_t)r->from * DAY - older;
    s.na = vt + (int64_t)r->to * DAY;
    r->ca->crt = make_cert(&s);
    r->ca->key = r->key;
    r->ca->file = r->file;
    if (r->file)
        write_pem(r->file, &r->ca->crt, 1);
    free(nc.data);
}

void make_pki(void)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(ca_rows); i++)
        make_ca(&ca_rows[i], 0);
    for (int i = 0; i < NDEEP; i++) {
        deep_chain_files[i] = fmt("certs/deep-ca-%02d.pem", i + 1);
        struct ca_row r = {CA(&ca_deep[i], deep_chain_files[i], fmt("UCPolicy Test Deep CA %02d", i + 1), &k_misc,
                              i ? &ca_deep[i - 1] : &ca_root, -300, 1825)};
        make_ca(&r, 0);
    }
    /* Look-alike issuers: many certificates with the same subject (each a second older than the
     * one before), so that path building has 8 x 9 candidate paths to explore (more than its limit
     * of complete paths). */
    gnutls_x509_crt_t all[NLA1 + NLA2];
    for (int i = 0; i < NLA2; i++) {
        struct ca_row r = {CA(&ca_la2[i], NULL, "UCPolicy Look-alike CA 2", &k_misc, &ca_root, -300, 1825)};
        make_ca(&r, i);
        all[i] = ca_la2[i].crt;
    }
    for (int i = 0; i < NLA1; i++) {
        struct ca_row r = {CA(&ca_la1[i], NULL, "UCPolicy Look-alike CA 1", &k_misc, &ca_la2[0], -300, 1825)};
        make_ca(&r, i);
        all[NLA2 + i] = ca_la1[i].crt;
    }
    write_pem(lookalike_file, all, NLA1 + NLA2);
}

void free_pki(void)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(ca_rows); i++)
        gnutls_x509_crt_deinit(ca_rows[i].ca->crt);
    for (int i = 0; i < NDEEP; i++)
        gnutls_x509_crt_deinit(ca_deep[i].crt);
    for (int i = 0; i < NLA1; i++)
        gnutls_x509_crt_deinit(ca_la1[i].crt);
    for (int i = 0; i < NLA2; i++)
        gnutls_x509_crt_deinit(ca_la2[i].crt);
}

static struct issuer issued_by(const struct ca *ca, const struct ca *a, const struct ca *b)
{
    struct issuer is = {ca, {a->file, b ? b->file : NULL}, b ? 2 : 1};
    return is;
}

struct issuer issuer_of(enum issuer_kind kind)
{
    struct issuer is = {NULL, {NULL}, -1};
    switch (kind) {
    case ISS_ISSUING: return issued_by(&ca_issuing, &ca_issuing, NULL);
    case ISS_SELF: return is;
    case ISS_NOTCA: return issued_by(&ca_notca, &ca_notca, NULL);
    case ISS_NOCERTSIGN: return issued_by(&ca_nocertsign, &ca_nocertsign, NULL);
    case ISS_NOCRLSIGN: return issued_by(&ca_nocrlsign, &ca_nocrlsign, NULL);
    case ISS_PATHLEN: return issued_by(&ca_sub, &ca_sub, &ca_pl0);
    case ISS_EXPIRED: return issued_by(&ca_expired, &ca_expired, NULL);
    case ISS_EKU: return issued_by(&ca_eku, &ca_eku, NULL);
    case ISS_DEEP:
        is.ca = &ca_deep[NDEEP - 1];
        for (is.nchain = 0; is.nchain < NDEEP; is.nchain++)
            is.chain[is.nchain] = deep_chain_files[is.nchain];
        return is;
    case ISS_LOOKALIKE:
        is.ca = &ca_la1[0];
        is.chain[0] = lookalike_file;
        is.nchain = 1;
        return is;
    case ISS_CONSTRAINED: return issued_by(&ca_nc, &ca_nc, NULL);
    case ISS_CONSTRAINED_OK: return issued_by(&ca_nc_ok, &ca_nc_ok, NULL);
    case ISS_CONSTRAINED_DN: return issued_by(&ca_nc_dn, &ca_nc_dn, NULL);
    case ISS_CONSTRAINED_IP: return issued_by(&ca_nc_ip, &ca_nc_ip, NULL);
    case ISS_EXPLICIT_POLICY: return issued_by(&ca_explicit, &ca_explicit, NULL);
    case ISS_ROOT_NO_BC: return issued_by(&ca_root_nobc, &ca_root_nobc, NULL);
    case ISS_BC_NONCRITICAL: return issued_by(&ca_bc_noncrit, &ca_bc_noncrit, NULL);
    case ISS_EMPTY_SUBJECT: return issued_by(&ca_empty_subject, &ca_empty_subject, NULL);
    case ISS_NO_SKI: return issued_by(&ca_no_ski, &ca_no_ski, NULL);
    case ISS_WEAK_KEY: return issued_by(&ca_weak_key, &ca_weak_key, NULL);
    }
    die("unknown issuer kind %d", (int)kind);
}

/* ---- certificate revocation lists -------------------------------------------------------- */

/* @der (a CRL GnuTLS signed with @sign) with the Extension @ext added to its crlExtensions, signed
 * again by @signer: a CRL extension GnuTLS has no setter for. */
static void crl_add_extension(gnutls_datum_t *der, const struct buf *ext, gnutls_privkey_t signer,
                              gnutls_sign_algorithm_t sign)
{
    struct ucp_tlv outer, tbs, alg, t, seq;
    if (!ucp_der_read_exact(der->data, der->size, UCP_DER_STRICT, &outer))
        die("%s: the CRL GnuTLS wrote cannot be read back", __func__);
    const uint8_t *p = outer.value;
    size_t left = outer.len;
    if (!ucp_der_next(&p, &left, UCP_DER_STRICT, &tbs) || !ucp_der_next(&p, &left, UCP_DER_STRICT, &alg))
        die("%s: the CRL GnuTLS wrote cannot be read back", __func__);
    struct buf body = {NULL, 0}, exts = {NULL, 0}, wrapped = {NULL, 0}, out = {NULL, 0};
    const uint8_t *q = tbs.value;
    size_t n = tbs.len;
    while (n > 0) {
        const uint8_t *at = q;
        if (!ucp_der_next(&q, &n, UCP_DER_STRICT, &t))
            die("%s: the CRL GnuTLS wrote cannot be read back", __func__);
        if (ucp_der_is(&t, UCP_DER_CTX_CONS, 0) && ucp_der_read_exact(t.value, t.len, UCP_DER_STRICT, &seq))
            buf_add(&exts, seq.value, seq.len);
        else
            buf_add(&body, at, t.total);
    }
    buf_add(&exts, ext->data, ext->len);
    der_tlv(&wrapped, 0x30, exts.data, exts.len);
    der_tlv(&body, 0xa0, wrapped.data, wrapped.len);
    resign(&body, &alg, signer, sign, &out);
    gnutls_free(der->data);
    der->data = gnutls_malloc(out.len);
    if (!der->data)
        die("%s: out of memory", __func__);
    memcpy(der->data, out.data, out.len);
    der->size = (unsigned)out.len;
    free(body.data);
    free(exts.data);
    free(wrapped.data);
    free(out.data);
}

static void crl_write(const char *rel, const struct ca *issuer, gnutls_privkey_t signer, int64_t this_update,
                      int64_t next_update, const gnutls_x509_crt_t *revoked, size_t nrevoked, bool other_serial,
                      unsigned number, bool pem, const struct buf *extra)
{
    gnutls_x509_crl_t crl;
    GT(gnutls_x509_crl_init(&crl));
    GT(gnutls_x509_crl_set_version(crl, 2));
    GT(gnutls_x509_crl_set_this_update(crl, (time_t)this_update));
    GT(gnutls_x509_crl_set_next_update(crl, (time_t)next_update));
    for (size_t i = 0; i < nrevoked; i++)
        GT(gnutls_x509_crl_set_crt(crl, revoked[i], (time_t)(vt - 3600)));
    if (other_serial) {
        static const unsigned char serial[] = {0x01, 'U', 'C', 'P', 0x7f, 0xff, 0xff, 0xff, 0xff};
        GT(gnutls_x509_crl_set_crt_serial(crl, serial, sizeof serial, (time_t)(vt - 10 * DAY)));
    }
    unsigned char id[64];
    size_t idlen = key_id_of(issuer->crt, id);
    GT(gnutls_x509_crl_set_authority_key_id(crl, id, idlen));
    unsigned char num[4] = {(unsigned char)(number >> 24), (unsigned char)(number >> 16), (unsigned char)(number >> 8),
                            (unsigned char)number};
    GT(gnutls_x509_crl_set_number(crl, num, sizeof num));
    GT(gnutls_x509_crl_privkey_sign(crl, issuer->crt, signer, GNUTLS_DIG_SHA256, 0));
    gnutls_datum_t out = {NULL, 0};
    GT(gnutls_x509_crl_export2(crl, pem && !extra ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, &out));
    if (extra)
        crl_add_extension(&out, extra, signer, (gnutls_sign_algorithm_t)gnutls_x509_crl_get_signature_algorithm(crl));
    write_file(rel, out.data, out.size);
    gnutls_free(out.data);
    gnutls_x509_crl_deinit(crl);
}

void write_crl(const char *rel, const struct ca *issuer, gnutls_privkey_t signer, int64_t this_update,
               int64_t next_update, const gnutls_x509_crt_t *revoked, size_t nrevoked, bool other_serial,
               unsigned number, bool pem)
{
    crl_write(rel, issuer, signer, this_update, next_update, revoked, nrevoked, other_serial, number, pem, NULL);
}

void make_crls(void)
{
    write_crl(CRL_ROOT, &ca_root, k_root.priv, vt - DAY, vt + 7 * DAY, NULL, 0, false, 1, false);
    write_crl(CRL_ISSUING, &ca_issuing, k_issuing.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 12, true);
    write_crl(CRL_ISSUING_EXPIRED, &ca_issuing, k_issuing.priv, vt - 30 * DAY, vt - 2 * DAY, NULL, 0, true, 9, true);
    write_crl(CRL_ISSUING_BAD_SIGNATURE, &ca_issuing, k_misc.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 12, false);
    write_crl(CRL_NOCRLSIGN, &ca_nocrlsign, k_misc.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 3, false);
    /* Extension ::= SEQUENCE { OID 2.25.1, critical TRUE, OCTET STRING { NULL } } */
    struct buf ext = {NULL, 0}, inner = {NULL, 0};
    der_oid(&inner, OID_UNKNOWN_EXT);
    der_tlv(&inner, 0x01, "\xff", 1);
    der_tlv(&inner, 0x04, "\x05\x00", 2);
    der_tlv(&ext, 0x30, inner.data, inner.len);
    crl_write(CRL_ISSUING_UNKNOWN_EXT, &ca_issuing, k_issuing.priv, vt - DAY, vt + 7 * DAY, NULL, 0, true, 13, false,
              &ext);
    free(ext.data);
    free(inner.data);
}
