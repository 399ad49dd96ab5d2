/* SPDX-License-Identifier: MIT */
/*
 * The cases beyond the catalogue, each named by hand: file formats (DER, PEM bundles, PKCS#7,
 * PKCS#12), chains (cross-certificates, renewed intermediates, name constraints), names (NUL
 * bytes, wildcards, other SAN types, thousands of names), keys and pools, revocation, Microsoft
 * template extensions, the reference incident; and the input errors.
 */
#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "fixtures.h" /* tests/keys: KEYS_TEMPLATE_OID */

/* The password-protected PKCS#12 file of format/pfx-password, which input errors read wrongly. */
static const char pfx_file[] = "certs/format-password.pfx";

/* A named case on @role's default deployment. */
static void extra_case(struct xcase *c, const struct ucp_role *role, const char *id, const char *desc)
{
    struct topo t;
    role_topology(role, default_product(role), &t);
    case_init(c, role, &t);
    c->id = id;
    c->description = desc;
}

/* A named pass case, its certificate in @file. */
static void extra_pass(struct xcase *c, const struct ucp_role *role, const char *id, const char *desc,
                       const char *file)
{
    extra_case(c, role, id, desc);
    c->pass = true;
    c->file = file;
}

/* A named fail case about @rule; the caller expects it (with what else the file causes). */
static void extra_fail(struct xcase *c, const struct ucp_role *role, const char *id, enum ucp_rule_id rule,
                       const char *desc, const char *file)
{
    extra_case(c, role, id, desc);
    c->rule = ucp_rules[rule].code;
    c->file = file;
}

/* A pass case whose file holds the leaf and its chain: no intermediates given. */
static void bundle_case(struct xcase *c, const struct ucp_role *role, const char *id, const char *desc,
                        const char *file, const char *format)
{
    extra_pass(c, role, id, desc, file);
    case_chain(c, NULL, NULL);
    c->format = format;
}

/* The case's file is a PKCS#12 file protected with PFX_PASSWORD. */
static void pfx_protected(struct xcase *c)
{
    c->password = PFX_PASSWORD;
    c->format = "pkcs12";
}

/* Write the leaf of @pr issued as @kind to the case's file; the case gets that issuer's chain. */
static void write_issued_leaf(struct xcase *c, const struct profile *pr, enum issuer_kind kind)
{
    struct profile p2 = *pr;
    case_issuer(c, &p2, kind);
    write_leaf(c->file, &p2);
}

/* The correct certificate of @role on its default deployment: its profile in @pr, and made. */
static gnutls_x509_crt_t default_leaf(const struct ucp_role *role, struct profile *pr)
{
    struct topo t;
    default_deployment(role, &t, pr);
    return profile_crt(pr);
}

/* ---- formats ------------------------------------------------------------------------------ */

/* For the input errors: a DER certificate cut short, with trailing bytes, as BER. */
static void write_bad_der(const gnutls_datum_t *der)
{
    write_file("bad/truncated.cer", der->data, der->size / 2);
    unsigned char *p = malloc(der->size + 16);
    if (!p)
        die("out of memory");
    memcpy(p, der->data, der->size);
    memcpy(p + der->size, "TRAILING-GARBAGE", 16);
    write_file("bad/trailing-garbage.cer", p, der->size + 16);
    /* Indefinite length: 30 80 <content> 00 00, from the DER 30 82 LL LL <content>. */
    if (der->data[1] != 0x82)
        die("unexpected DER length form");
    size_t clen = der->size - 4;
    p[0] = 0x30;
    p[1] = 0x80;
    memcpy(p + 2, der->data + 4, clen);
    p[clen + 2] = 0;
    p[clen + 3] = 0;
    write_file("bad/ber-indefinite.cer", p, clen + 4);
    free(p);
}

/* The PKCS#7 bag @bag in BER, as some Windows tools write it: the ContentInfo and its [0] with
 * indefinite lengths around the DER SignedData. */
static void write_pkcs7_ber(const char *rel, const gnutls_x509_crt_t *bag, size_t n)
{
    gnutls_datum_t out = pkcs7_export(bag, n, GNUTLS_X509_FMT_DER);
    /* 30 82 LL LL | 06 09 <signedData> | A0 82 LL LL | <SignedData> */
    if (out.data[0] != 0x30 || out.data[1] != 0x82 || out.data[4] != 0x06 || out.data[15] != 0xa0 ||
        out.data[16] != 0x82)
        die("unexpected PKCS#7 encoding");
    struct buf ber = {NULL, 0};
    buf_add(&ber, "\x30\x80", 2);
    buf_add(&ber, out.data + 4, 11);
    buf_add(&ber, "\xa0\x80", 2);
    buf_add(&ber, out.data + 19, out.size - 19);
    buf_add(&ber, "\0\0\0\0", 4);
    write_file(rel, ber.data, ber.len);
    free(ber.data);
    gnutls_free(out.data);
}

void format_cases(void)
{
    const ucp_role *role = find_role("frontend-default");
    struct profile pr;
    gnutls_x509_crt_t leaf = default_leaf(role, &pr);
    struct xcase c;

    extra_pass(&c, role, "format/der", "The correct Default certificate as DER (.cer)", "certs/format-der.cer");
    c.format = "der";
    gnutls_datum_t der = export_crt(leaf, GNUTLS_X509_FMT_DER);
    write_file(c.file, der.data, der.size);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/pem-bundle", "Leaf, issuing CA and root in one PEM file, in order",
                "certs/format-bundle.pem", "pem");
    gnutls_x509_crt_t ordered[] = {leaf, ca_issuing.crt, ca_root.crt};
    write_pem(c.file, ordered, 3);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/pem-bundle-unordered", "Leaf first, then the root before the issuing CA",
                "certs/format-bundle-unordered.pem", "pem");
    gnutls_x509_crt_t unordered[] = {leaf, ca_root.crt, ca_issuing.crt};
    write_pem(c.file, unordered, 3);
    manifest_add_case(&c);

    gnutls_x509_crt_t bag[] = {ca_root.crt, leaf, ca_issuing.crt};
    bundle_case(&c, role, "format/p7b-pem", "PKCS#7 certificate bag (PEM), leaf in the middle",
                "certs/format-bag.p7b", "pkcs7");
    write_pkcs7(c.file, bag, 3, GNUTLS_X509_FMT_PEM);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/p7b-der", "PKCS#7 certificate bag (DER), leaf in the middle",
                "certs/format-bag-der.p7b", "pkcs7");
    write_pkcs7(c.file, bag, 3, GNUTLS_X509_FMT_DER);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/p7b-ber", "PKCS#7 certificate bag with BER indefinite lengths, leaf in the middle",
                "certs/format-bag-ber.p7b", "pkcs7");
    write_pkcs7_ber(c.file, bag, 3);
    manifest_add_case(&c);

    gnutls_x509_crt_t pfxorder[] = {ca_issuing.crt, leaf};
    bundle_case(&c, role, "format/pfx-password", "PKCS#12 with a password, the issuing CA before the leaf", pfx_file,
                "pkcs12");
    pfx_protected(&c);
    write_pfx(c.file, pfxorder, 2, 1, &k_leaf, NULL);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/pfx-empty-password",
                "PKCS#12 protected with the empty password, read without a password",
                "certs/format-empty-password.pfx", "pkcs12");
    write_pkcs12(c.file, pfxorder, 2, 1, &k_leaf, NULL, "", PFX_ITERATIONS, PFX_ITERATIONS);
    /* The same with 2,000,000 MAC iterations: over the library's limit (an inputError). */
    write_pkcs12("bad/too-many-iterations.pfx", pfxorder, 2, 1, &k_leaf, NULL, PFX_PASSWORD, PFX_ITERATIONS, 2000000);
    manifest_add_case(&c);

    bundle_case(&c, role, "format/pfx-no-key", "PKCS#12 with the root, the leaf and the issuing CA but no key",
                "certs/format-no-key.pfx", "pkcs12");
    pfx_protected(&c);
    write_pfx(c.file, bag, 3, 0, NULL, NULL);
    manifest_add_case(&c);

    /* Format detection looks at the structure: a DER certificate whose subject happens to hold
     * the text of a PEM boundary is still a DER certificate. */
    extra_pass(&c, role, "format/der-with-pem-marker",
               "A DER certificate whose O holds \"-----BEGIN CERTIFICATE-----\"",
               "certs/format-der-pem-marker.cer");
    c.format = "der";
    {
        struct profile p2 = pr;
        p2.org = "-----BEGIN CERTIFICATE-----";
        gnutls_x509_crt_t marked = profile_crt(&p2);
        gnutls_datum_t d = export_crt(marked, GNUTLS_X509_FMT_DER);
        write_file(c.file, d.data, d.size);
        gnutls_free(d.data);
        gnutls_x509_crt_deinit(marked);
    }
    manifest_add_case(&c);

    extra_pass(&c, role, "format/pem-with-key", "The leaf and its private key in one PEM file",
               "certs/format-with-key.pem");
    {
        struct buf b = {NULL, 0};
        buf_pem(&b, leaf);
        gnutls_datum_t k = {NULL, 0};
        GT(gnutls_x509_privkey_export2_pkcs8(k_leaf.x, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &k));
        buf_add(&b, k.data, k.size);
        gnutls_free(k.data);
        write_file(c.file, b.data, b.len);
        free(b.data);
    }
    manifest_add_case(&c);

    write_bad_der(&der);
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(leaf);
}

/* ---- chains ------------------------------------------------------------------------------- */

void chain_cases(void)
{
    const ucp_role *role = find_role("tls-server");
    struct profile pr;
    gnutls_x509_crt_t leaf = default_leaf(role, &pr);
    struct xcase c;

    bundle_case(&c, role, "chain/cross-signed-bundle-root1",
                "Unordered bundle with the issuing CA cross-signed by an untrusted root; the first root is trusted",
                "certs/chain-cross-bundle.pem", "pem");
    gnutls_x509_crt_t cross[] = {leaf, ca_root2.crt, ca_issuing_cross.crt, ca_issuing.crt};
    write_pem(c.file, cross, 4);
    manifest_add_case(&c);

    bundle_case(&c, role, "chain/cross-signed-bundle-root2",
                "The same bundle with the second root trusted: the path goes through the cross-certificate",
                "certs/chain-cross-bundle.pem", "pem");
    case_trust(&c, ca_root2.file);
    manifest_add_case(&c);

    extra_pass(&c, role, "chain/renewed-intermediate",
               "The expired and the renewed certificate of the issuing CA in the pool: the valid one is used",
               "certs/chain-renewed-leaf.pem");
    write_pem(c.file, &leaf, 1);
    case_chain(&c, ca_issuing_old.file, ca_issuing.file);
    manifest_add_case(&c);

    extra_fail(&c, role, "chain/no-keycertsign-issuer", UCP_RULE_CHAIN_ISSUER_NOT_CA,
               "Issued by a CA:TRUE certificate without keyCertSign", "certs/chain-no-certsign.pem");
    write_issued_leaf(&c, &pr, ISS_NOCERTSIGN);
    expect(&c, UCP_RULE_CHAIN_ISSUER_NOT_CA);
    manifest_add_case(&c);

    /* tls-server does not bind chain.anchor-not-root: a trusted intermediate is fine. */
    extra_pass(&c, role, "chain/intermediate-anchor",
               "Only the issuing CA given as trust anchor (an intermediate in the Trusted Root store)",
               "certs/chain-renewed-leaf.pem");
    case_chain(&c, NULL, NULL);
    case_trust(&c, ca_issuing.file);
    manifest_add_case(&c);

    /* RFC 5280 4.2: an extension the validator does not know is ignored unless critical (the
     * catalogue case, chain.unknown-critical-extension, marks it critical). */
    extra_pass(&c, role, "chain/unknown-extension-not-critical",
               "A leaf with a non-critical extension of an unknown OID (" OID_UNKNOWN_EXT ")",
               "certs/chain-unknown-extension.pem");
    {
        static const unsigned char value[] = {0x0c, 0x04, 't', 'e', 's', 't'};
        struct profile p2 = pr;
        p2.ext_oid = OID_UNKNOWN_EXT;
        p2.ext_value = value;
        p2.ext_len = sizeof value;
        p2.ext_critical = false;
        write_leaf(c.file, &p2);
    }
    manifest_add_case(&c);

    /* Name constraints beyond the catalogue cases (which break both a DNS and a directory-name
     * constraint): names within them, a directory name alone (checked by libucpolicy, not
     * GnuTLS), and an excluded IP address. */
    extra_pass(&c, role, "chain/name-constraints-permitted",
               "Issued by an intermediate whose name constraints permit contoso.com and O=Contoso Ltd",
               "certs/chain-name-constraints-permitted.pem");
    write_issued_leaf(&c, &pr, ISS_CONSTRAINED_OK);
    manifest_add_case(&c);

    extra_fail(&c, role, "chain/name-constraints-dn", UCP_RULE_CHAIN_NAME_CONSTRAINTS,
               "DNS names within the intermediate's constraints, the subject outside its permitted directory name",
               "certs/chain-name-constraints-dn.pem");
    write_issued_leaf(&c, &pr, ISS_CONSTRAINED_DN);
    expect(&c, UCP_RULE_CHAIN_NAME_CONSTRAINTS);
    manifest_add_case(&c);

    extra_fail(&c, role, "chain/name-constraints-ip", UCP_RULE_CHAIN_NAME_CONSTRAINTS,
               "A SAN IP address 10.0.0.1 under an intermediate that excludes 10.0.0.0/8",
               "certs/chain-name-constraints-ip.pem");
    {
        static const unsigned char ip[] = {10, 0, 0, 1};
        struct profile p2 = pr;
        struct spec sp;
        case_issuer(&c, &p2, ISS_CONSTRAINED_IP);
        profile_cert(&p2, &sp);
        spec_add_name(&sp, 0x87, ip, sizeof ip); /* [7] iPAddress */
        write_spec(c.file, &sp);
    }
    expect(&c, UCP_RULE_CHAIN_NAME_CONSTRAINTS);
    expect(&c, UCP_RULE_SAN_IP_RESERVED);
    manifest_add_case(&c);

    gnutls_x509_crt_deinit(leaf);
}

/* ---- revocation, private keys and templates beyond the catalogue cases -------------------- */

void more_cases(void)
{
    const ucp_role *role = find_role("tls-server");
    struct topo t;
    struct profile pr;
    struct xcase c;
    default_deployment(role, &t, &pr);

    /* A revoked intermediate: the root's CRL lists the issuing CA. */
    extra_fail(&c, role, "revocation/revoked-intermediate", UCP_RULE_REVOCATION_REVOKED,
               "The issuing CA is listed in the root's current CRL (--crl); the leaf is good",
               "certs/revocation-revoked-intermediate.pem");
    write_leaf(c.file, &pr);
    case_crls(&c, CRL_ISSUING, "certs/root-revoking-issuing.crl");
    write_crl(c.crls[1], &ca_root, k_root.priv, vt - DAY, vt + 7 * DAY, &ca_issuing.crt, 1, false, 2, false);
    expect(&c, UCP_RULE_REVOCATION_REVOKED);
    manifest_add_case(&c);

    /* Both Microsoft template extensions, well formed: a version 2 template (OID, major and minor
     * version) and the version 1 name, as a Windows CA writes them. */
    extra_pass(&c, role, "template/v2-and-name",
               "A certificate with a version 2 template extension (100.4) and the template name WebServer",
               "certs/template-v2-and-name.pem");
    {
        struct buf tmpl = {NULL, 0}, seq = {NULL, 0}, name = {NULL, 0};
        der_oid(&tmpl, KEYS_TEMPLATE_OID);
        der_tlv(&tmpl, 0x02, "\x64", 1); /* major 100 */
        der_tlv(&tmpl, 0x02, "\x04", 1); /* minor 4 */
        der_tlv(&seq, 0x30, tmpl.data, tmpl.len);
        static const char bmp_name[] = {0, 'W', 0, 'e', 0, 'b', 0, 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r'};
        der_tlv(&name, 0x1e, bmp_name, sizeof bmp_name);
        struct spec sp;
        profile_cert(&pr, &sp);
        spec_add_ext(&sp, OID_TEMPLATE, seq.data, seq.len, false);
        spec_add_ext(&sp, OID_TEMPLATE_NAME, name.data, name.len, false);
        write_spec(c.file, &sp);
        free(tmpl.data);
        free(seq.data);
        free(name.data);
    }
    manifest_add_case(&c);

    /* The template name extension malformed (a BMPString of odd length). */
    extra_fail(&c, role, "template/name-malformed", UCP_RULE_INPUT_TEMPLATE_MALFORMED,
               "A template name extension (1.3.6.1.4.1.311.20.2) that is a BMPString of odd length",
               "certs/template-name-malformed.pem");
    {
        static const unsigned char odd[] = {0x1e, 0x03, 0x00, 0x57, 0x00};
        struct profile p2 = pr;
        p2.ext_oid = OID_TEMPLATE_NAME;
        p2.ext_value = odd;
        p2.ext_len = sizeof odd;
        write_leaf(c.file, &p2);
    }
    expect(&c, UCP_RULE_INPUT_TEMPLATE_MALFORMED);
    manifest_add_case(&c);

    /* Pool checks of the Edge external interface beyond a different key: the same file on both
     * servers, and a re-issued certificate for the same key. */
    role = find_role("edge-external");
    gnutls_x509_crt_t leaf = default_leaf(role, &pr), reissued = profile_crt(&pr);
    extra_fail(&c, role, "key/pool-identical", UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN,
               "Edge pool: two servers' PKCS#12 files with the same certificate and key", "certs/key-pool-edge1.pfx");
    pfx_protected(&c);
    write_pfx(c.file, &leaf, 1, 0, &k_leaf, CSP_SCHANNEL);
    c.pool[c.npool++] = "certs/key-pool-edge2.pfx";
    write_pfx(c.pool[0], &leaf, 1, 0, &k_leaf, CSP_SCHANNEL);
    expect(&c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
    manifest_add_case(&c);

    extra_fail(&c, role, "key/pool-reissued", UCP_RULE_PRIVATE_KEY_POOL_MISMATCH,
               "Edge pool: the second server has a re-issued certificate (another serial) for the same key",
               "certs/key-pool-edge1.pfx");
    pfx_protected(&c);
    c.pool[c.npool++] = "certs/key-pool-edge-reissued.pfx";
    write_pfx(c.pool[0], &reissued, 1, 0, &k_leaf, CSP_SCHANNEL);
    expect(&c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
    expect(&c, UCP_RULE_PRIVATE_KEY_POOL_MISMATCH);
    manifest_add_case(&c);
    gnutls_x509_crt_deinit(leaf);
    gnutls_x509_crt_deinit(reissued);
}

/* ---- names and keys ----------------------------------------------------------------------- */

/* Names with a NUL byte (the classic "exch01.contoso.com\0.evil.com" trick), wildcards, other SAN
 * types, thousands of names; no EKU; a long distribution point; a key on an unsupported curve. */
void name_and_key_cases(void)
{
    static const char nul_name[] = "server01.contoso.com\0.evil.com";
    const ucp_role *role = find_role("tls-server");
    struct topo t;
    struct profile pr;
    struct xcase c;
    struct spec s;
    role_topology(role, default_product(role), &t);
    if (!topo_count(&t, UCP_FACT_FQDN) || strcmp(topo_get(&t, UCP_FACT_FQDN, 0), "server01.contoso.com") != 0)
        die("tls-server: unexpected deployment");
    role_profile(role, &t, &pr);
    extra_fail(&c, role, "names/nul-in-san", UCP_RULE_SAN_INVALID_NAME,
               "The only SAN entry is server01.contoso.com\\0.evil.com: it never matches server01.contoso.com",
               "certs/names-nul-in-san.pem");
    profile_cert(&pr, &s);
    s.nsan = 0;
    spec_add_name(&s, 0, nul_name, sizeof nul_name - 1);
    write_spec(c.file, &s);
    expect(&c, UCP_RULE_SAN_INVALID_NAME);
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    manifest_add_case(&c);

    /* RFC 5280 4.2.1.6: an empty subject is legal with a critical SAN (subject.empty stays
     * silent); a UC role still needs the CN. */
    default_deployment(role, &t, &pr);
    extra_pass(&c, role, "names/empty-subject-critical-san",
               "An empty subject with the SAN extension marked critical (legal in RFC 5280)",
               "certs/names-empty-subject-critical-san.pem");
    pr.no_subject = true;
    profile_cert(&pr, &s);
    s.san_critical = true;
    write_spec(c.file, &s);
    manifest_add_case(&c);
    {
        const ucp_role *fe = find_role("frontend-default");
        default_deployment(fe, &t, &pr);
        extra_fail(&c, fe, "names/empty-subject-critical-san-uc", UCP_RULE_SUBJECT_CN_MISSING,
                   "A Default certificate with an empty subject and a critical SAN: legal, but no CN",
                   "certs/names-empty-subject-critical-san-uc.pem");
        pr.no_subject = true;
        profile_cert(&pr, &s);
        s.san_critical = true;
        write_spec(c.file, &s);
        expect(&c, UCP_RULE_SUBJECT_CN_MISSING);
        manifest_add_case(&c);
    }

    /* A CN that is an IP address repeated as a SAN iPAddress entry: fine for a generic TLS
     * server (IPv6 text form against the 16 bytes of the SAN). */
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "names/ip-cn-in-san", UCP_RULE_SAN_IP_RESERVED,
               "CN=2001:db8::10, also a SAN iPAddress entry (a documentation address: information only)",
               "certs/names-ip-cn-in-san.pem");
    expect(&c, UCP_RULE_SAN_IP_RESERVED);
    {
        static const unsigned char ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
        profile_cert(&pr, &s);
        s.cn[0] = "2001:db8::10";
        spec_add_name(&s, 0x87, ip6, sizeof ip6);
        write_spec(c.file, &s);
        manifest_add_case(&c);
    }
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "names/ip-cn-not-in-san", UCP_RULE_SUBJECT_CN_IP_NOT_IN_SAN,
               "CN=2001:db8::10 while the SAN's only address is 2001:db8::11",
               "certs/names-ip-cn-not-in-san.pem");
    {
        static const unsigned char ip6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11};
        profile_cert(&pr, &s);
        s.cn[0] = "2001:db8::10";
        spec_add_name(&s, 0x87, ip6, sizeof ip6);
        write_spec(c.file, &s);
        expect(&c, UCP_RULE_SUBJECT_CN_IP_NOT_IN_SAN);
        expect(&c, UCP_RULE_SAN_IP_RESERVED);
        manifest_add_case(&c);
    }

    /* Teams Direct Routing accepts the SBC FQDN in the CN: not when the CN hides a NUL byte. */
    role = find_role("teams-direct-routing-sbc");
    if (!(flags_of(role, UCP_RULE_SAN_FQDN_MISSING) & UCP_RF_CN_COUNTS))
        die("teams-direct-routing-sbc: san.fqdn-missing no longer counts the CN");
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "names/nul-in-cn", UCP_RULE_SUBJECT_CN_INVALID_NAME,
               "SBC certificate whose only name is CN=server01.contoso.com\\0.evil.com, no SAN",
               "certs/names-nul-in-cn.pem");
    pr.has_san = false;
    profile_cert(&pr, &s);
    s.cn[0] = nul_name;
    s.cnlen[0] = sizeof nul_name - 1;
    write_spec(c.file, &s);
    expect(&c, UCP_RULE_SUBJECT_CN_INVALID_NAME);
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    expect(&c, UCP_RULE_SAN_MISSING);
    manifest_add_case(&c);

    /* Decision 7: a Teams Direct Routing SBC may use a wildcard in the CN and the SAN, for
     * exactly one left-most label. */
    role_topology(role, default_product(role), &t);
    topo_replace(&t, UCP_FACT_FQDN, "sbc01.contoso.com");
    role_profile(role, &t, &pr);
    extra_pass(&c, role, "names/teams-wildcard",
               "SBC certificate CN=*.contoso.com, SAN *.contoso.com for sbc01.contoso.com",
               "certs/names-teams-wildcard.pem");
    pr.cn[0] = "*.contoso.com";
    pr.nsan = 0;
    san_add(&pr, "*.contoso.com", UCP_RULE__COUNT);
    write_leaf(c.file, &pr);
    manifest_add_case(&c);
    extra_fail(&c, role, "names/teams-wildcard-two-labels", UCP_RULE_SAN_FQDN_MISSING,
               "The same certificate for sbc01.emea.contoso.com: a wildcard matches one label only",
               "certs/names-teams-wildcard.pem");
    topo_replace(&c.topo, UCP_FACT_FQDN, "sbc01.emea.contoso.com");
    expect(&c, UCP_RULE_SAN_FQDN_MISSING);
    manifest_add_case(&c);
    extra_fail(&c, role, "names/teams-wildcard-cn-only", UCP_RULE_SAN_MISSING,
               "SBC certificate CN=*.contoso.com without SAN: the CN counts for Direct Routing",
               "certs/names-teams-wildcard-cn.pem");
    topo_replace(&c.topo, UCP_FACT_FQDN, "sbc01.contoso.com");
    pr.has_san = false;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SAN_MISSING);
    manifest_add_case(&c);

    /* Decision 1: a web services certificate may name the pool instead of the server. */
    role = find_role("frontend-web-internal");
    default_deployment(role, &t, &pr);
    extra_pass(&c, role, "names/web-cn-pool", "An internal web certificate with CN = the pool FQDN",
               "certs/names-web-cn-pool.pem");
    if (!topo_count(&t, UCP_FACT_POOL))
        die("frontend-web-internal does not use --pool");
    pr.cn[0] = topo_get(&t, UCP_FACT_POOL, 0);
    write_leaf(c.file, &pr);
    manifest_add_case(&c);

    /* No EKU extension at all: not "any purpose" here, except where the role says so. */
    role = find_role("frontend-default");
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "eku/absent", UCP_RULE_EKU_SERVER_AUTH_MISSING,
               "A Default certificate without an extended key usage extension",
               "certs/eku-absent-frontend-default.pem");
    pr.use.has_eku = false;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_EKU_SERVER_AUTH_MISSING);
    manifest_add_case(&c);
    const ucp_role *oos = find_role("office-online-server");
    if (!(flags_of(oos, UCP_RULE_EKU_SERVER_AUTH_MISSING) & UCP_RF_ABSENT_OK))
        die("office-online-server no longer accepts a certificate without EKU");
    default_deployment(oos, &t, &pr);
    extra_pass(&c, oos, "eku/absent-ok", "An Office Online Server certificate without EKU: no EKU is required",
               "certs/eku-absent-office-online-server.pem");
    pr.use.has_eku = false;
    write_leaf(c.file, &pr);
    manifest_add_case(&c);

    /* Other kinds of subject alternative names next to the DNS names: shown, not matched (the
     * addresses, private and documentation ones, are reserved: information only). */
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "names/other-san-types", UCP_RULE_SAN_IP_RESERVED,
               "A Default certificate whose SAN also holds an IP address, an e-mail address, a URI and an otherName",
               "certs/names-other-san-types.pem");
    expect(&c, UCP_RULE_SAN_IP_RESERVED);
    profile_cert(&pr, &s);
    {
        static const unsigned char ip[] = {10, 0, 0, 1};
        static const unsigned char ip6[] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        /* otherName: { OID 1.3.6.1.4.1.311.20.2.3 (UPN), [0] UTF8String "pool01@contoso.com" } */
        static const unsigned char upn[] = {0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x14, 0x02, 0x03,
                                            0xa0, 0x14, 0x0c, 0x12, 'p', 'o', 'o', 'l', '0', '1', '@', 'c', 'o',
                                            'n', 't', 'o', 's', 'o', '.', 'c', 'o', 'm'};
        spec_add_name(&s, 0x87, ip, sizeof ip);
        spec_add_name(&s, 0x87, ip6, sizeof ip6);
        spec_add_name(&s, 0x81, "admin@contoso.com", 17);
        spec_add_name(&s, 0x86, "https://pool01.contoso.com/", 27);
        spec_add_name(&s, 0xa0, upn, sizeof upn);
    }
    write_spec(c.file, &s);
    manifest_add_case(&c);

    /* Thousands of SAN entries: a correct report, quickly (the SAN is walked once, duplicates
     * found by sorting). */
    default_deployment(role, &t, &pr);
    extra_pass(&c, role, "names/many-sans",
               "A Default certificate with 5,000 more SAN entries (host0001... in contoso.com)",
               "certs/names-many-sans.pem");
    profile_cert(&pr, &s);
    for (int i = 0; i < 5000; i++) {
        const char *name = fmt("host%04d.contoso.com", i);
        spec_add_name(&s, 0, name, strlen(name));
    }
    write_spec(c.file, &s);
    manifest_add_case(&c);

    /* A CRL distribution point URL longer than 2 KiB is still a distribution point. */
    default_deployment(role, &t, &pr);
    extra_pass(&c, role, "revocation/long-cdp-url",
               "A Default certificate whose only CDP is a 3,000-character HTTP URL",
               "certs/revocation-long-cdp.pem");
    {
        char *url = keep(malloc(3100));
        strcpy(url, "http://pki.contoso.com/crl/");
        while (strlen(url) < 3000)
            strcat(url, "segment-of-a-long-path/");
        strcat(url, "issuing.crl");
        pr.cdp = url;
    }
    write_leaf(c.file, &pr);
    manifest_add_case(&c);

    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "key/ec-p192", UCP_RULE_KEY_UNSUPPORTED_ALGORITHM,
               "A Default certificate with an ECDSA key on P-192", "certs/key-ec-p192.pem");
    pr.key = KEY_EC192;
    pr.use.ku &= ~(unsigned)GNUTLS_KEY_KEY_ENCIPHERMENT; /* an ECDSA key cannot encipher keys */
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_KEY_UNSUPPORTED_ALGORITHM);
    manifest_add_case(&c);

    /* An even RSA modulus: factored at once (key.rsa-weak-modulus). */
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "key/rsa-even-modulus", UCP_RULE_KEY_RSA_WEAK_MODULUS,
               "A Default certificate whose RSA modulus is even", "certs/key-rsa-even-modulus.pem");
    pr.key = KEY_RSA_EVEN_MODULUS;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_KEY_RSA_WEAK_MODULUS);
    manifest_add_case(&c);

    /* Serial numbers at the edges of RFC 5280 4.1.2.2: zero fails, 20 octets (the most) passes. */
    static const unsigned char serial_zero[] = {0x00};
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "serial/zero", UCP_RULE_SERIAL_NOT_POSITIVE, "A Default certificate with serial number 0",
               "certs/serial-zero.pem");
    pr.serial = serial_zero;
    pr.serial_len = sizeof serial_zero;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SERIAL_NOT_POSITIVE);
    manifest_add_case(&c);

    static const unsigned char serial_20[20] = {0x7f, 'U', 'C', 'P', 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    default_deployment(role, &t, &pr);
    extra_pass(&c, role, "serial/20-octets", "A Default certificate whose serial number has 20 octets (the most)",
               "certs/serial-20-octets.pem");
    pr.serial = serial_20;
    pr.serial_len = sizeof serial_20;
    write_leaf(c.file, &pr);
    manifest_add_case(&c);

    /* Longer than any buffer a reader might size for "20 octets, a few more to be safe". */
    static unsigned char serial_70[70];
    for (size_t i = 0; i < sizeof serial_70; i++)
        serial_70[i] = (unsigned char)(0x10 + i);
    default_deployment(role, &t, &pr);
    extra_fail(&c, role, "serial/70-octets", UCP_RULE_SERIAL_TOO_LONG,
               "A Default certificate whose serial number has 70 octets", "certs/serial-70-octets.pem");
    pr.serial = serial_70;
    pr.serial_len = sizeof serial_70;
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SERIAL_TOO_LONG);
    manifest_add_case(&c);
}

/* ---- the reference incident --------------------------------------------------------------- */

void incident_cases(void)
{
    const ucp_role *role = find_role("exchange-um");
    struct topo t;
    struct profile pr;
    role_topology(role, default_product(role), &t);
    if (!topo_count(&t, UCP_FACT_FQDN))
        die("exchange-um does not use --fqdn");
    topo_replace(&t, UCP_FACT_FQDN, "exch01.contoso.com");
    struct xcase c;

    role_profile(role, &t, &pr);
    case_init(&c, role, &t);
    c.id = "incident/exchange-um-correct";
    c.pass = true;
    c.description = "The reference incident, fixed: the UM certificate with CN=exch01.contoso.com";
    c.file = "certs/incident-um-correct.pem";
    write_leaf(c.file, &pr);
    manifest_add_case(&c);

    case_init(&c, role, &t);
    c.id = "incident/exchange-um-wildcard-cn";
    c.rule = "subject.cn-wildcard";
    c.description = "The reference incident: the UM certificate with CN=*.contoso.com and SAN *.contoso.com";
    c.file = "certs/incident-um-wildcard.pem";
    pr.cn[0] = "*.contoso.com";
    pr.nsan = 0;
    san_add(&pr, "*.contoso.com", UCP_RULE__COUNT);
    write_leaf(c.file, &pr);
    expect(&c, UCP_RULE_SUBJECT_CN_WILDCARD);
    c.present[0].remediation = INCIDENT_TEXT;
    if (c.present[0].severity != UCP_SEVERITY_ERROR)
        die("exchange-um: subject.cn-wildcard is not an error");
    manifest_add_case(&c);
}

/* ---- input errors ------------------------------------------------------------------------- */

void input_errors(void)
{
    write_file("bad/empty.pem", "", 0);
    manifest_add_input_error("empty", "bad/empty.pem", NULL, UCP_E_FORMAT, "An empty file");

    unsigned char garbage[1024];
    GT(gnutls_rnd(GNUTLS_RND_NONCE, garbage, sizeof garbage));
    garbage[0] = 0x17; /* not a DER SEQUENCE */
    for (size_t i = 0; i < sizeof garbage; i++)
        if (garbage[i] == '-')
            garbage[i] = '+'; /* never a PEM boundary by chance */
    write_file("bad/garbage.bin", garbage, sizeof garbage);
    manifest_add_input_error("garbage", "bad/garbage.bin", NULL, UCP_E_FORMAT, "1 KiB of random bytes");

    manifest_add_input_error("truncated-der", "bad/truncated.cer", NULL, UCP_E_CORRUPT,
                             "The first half of a DER certificate");
    manifest_add_input_error("trailing-garbage", "bad/trailing-garbage.cer", NULL, UCP_E_CORRUPT,
                             "A DER certificate followed by 16 bytes of text");
    manifest_add_input_error("ber-indefinite", "bad/ber-indefinite.cer", NULL, UCP_E_CORRUPT,
                             "A certificate whose outer SEQUENCE uses BER indefinite length");

    gnutls_datum_t pem = export_crt(ca_root.crt, GNUTLS_X509_FMT_PEM);
    const char *end = "-----END CERTIFICATE-----";
    char *cut = strstr((char *)pem.data, end);
    write_file("bad/no-end-line.pem", pem.data, (size_t)(cut - (char *)pem.data));
    manifest_add_input_error("pem-no-end", "bad/no-end-line.pem", NULL, UCP_E_CORRUPT,
                             "A PEM block without its END line");
    {
        /* Replace a run of base64 in the middle with characters outside the alphabet. */
        char *copy = malloc(pem.size + 1);
        if (!copy)
            die("out of memory");
        memcpy(copy, pem.data, pem.size);
        copy[pem.size] = '\0';
        char *body = strchr(copy, '\n') + 1;
        memcpy(body + 40, "!!!%%%!!!", 9);
        write_file("bad/bad-base64.pem", copy, pem.size);
        free(copy);
    }
    manifest_add_input_error("pem-bad-base64", "bad/bad-base64.pem", NULL, UCP_E_CORRUPT,
                             "A PEM certificate whose base64 holds invalid characters");
    gnutls_free(pem.data);

    gnutls_datum_t k = {NULL, 0};
    GT(gnutls_x509_privkey_export2_pkcs8(k_misc.x, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN, &k));
    write_file("bad/key-only.pem", k.data, k.size);
    gnutls_free(k.data);
    manifest_add_input_error("pem-key-only", "bad/key-only.pem", NULL, UCP_E_NO_CERTIFICATE,
                             "A PEM file with only a private key");

    manifest_add_input_error("pfx-wrong-password", pfx_file, "not-the-password", UCP_E_PASSWORD,
                             "The password-protected PKCS#12 with a wrong password");
    manifest_add_input_error("pfx-no-password", pfx_file, NULL, UCP_E_PASSWORD,
                             "The password-protected PKCS#12 without a password");
    manifest_add_input_error("pfx-too-many-iterations", "bad/too-many-iterations.pfx", PFX_PASSWORD, UCP_E_LIMIT,
                             "A PKCS#12 whose MAC asks for 2,000,000 key-derivation iterations");

    /* ContentInfo { id-data, [0] OCTET STRING "hello" }: PKCS#7, but not signedData. */
    static const unsigned char p7data[] = {0x30, 0x16, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
                                           0x01, 0x07, 0x01, 0xa0, 0x09, 0x04, 0x07, 'n',  'o',  't',
                                           ' ',  'p',  '7', '!'};
    write_file("bad/pkcs7-data.p7b", p7data, sizeof p7data);
    manifest_add_input_error("pkcs7-not-signeddata", "bad/pkcs7-data.p7b", NULL, UCP_E_FORMAT,
                             "A PKCS#7 ContentInfo of type data, not signedData");

    char dir[4096];
    snprintf(dir, sizeof dir, "%s/bad/a-directory.pem", outdir);
    mkdirs(dir);
    manifest_add_input_error("directory", "bad/a-directory.pem", NULL, UCP_E_IO, "A directory");
    manifest_add_input_error("nonexistent", "bad/does-not-exist.pem", NULL, UCP_E_IO, "A file that does not exist");
}
