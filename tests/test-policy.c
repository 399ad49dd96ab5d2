/* SPDX-License-Identifier: MIT */
/*
 * Certificate policy processing (RFC 5280 6.1, trust/policy.c) through the public API, on paths
 * made here with GnuTLS (root -> CA(s) -> leaf, the policy extensions DER-encoded by hand: GnuTLS
 * 3.7 writes no policy mappings or constraints): a policy required and present (valid, the report
 * lists it), required and absent (chain.policy-invalid), an explicit policy required of a path
 * without one, a policy mapping (followed, and ignored when mapping is inhibited), anyPolicy
 * inhibited by a CA's inhibitAnyPolicy and by the checker, and a hostile path whose tree would
 * pass the node cap.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap-gnutls.h"
#include "ucpolicy.h"

#define P1 "1.3.6.1.4.1.55555.1.1"
#define P2 "1.3.6.1.4.1.55555.1.2"
#define ANY "2.5.29.32.0"

static gnutls_x509_privkey_t key;

struct der {
    unsigned char b[8192];
    size_t n;
};

static void tlv(struct der *d, unsigned char tag, const unsigned char *v, size_t len)
{
    if (d->n + len + 4 > sizeof d->b)
        exit(TAP_SETUP_FAILURE);
    d->b[d->n++] = tag;
    if (len >= 256) {
        d->b[d->n++] = 0x82;
        d->b[d->n++] = (unsigned char)(len >> 8);
    } else if (len >= 128) {
        d->b[d->n++] = 0x81;
    }
    d->b[d->n++] = (unsigned char)len;
    memcpy(d->b + d->n, v, len);
    d->n += len;
}

/* An OBJECT IDENTIFIER TLV from dotted text. */
static void oid(struct der *d, const char *dotted)
{
    unsigned char v[64];
    size_t n = 0;
    unsigned long arcs[32];
    size_t na = 0;
    for (const char *p = dotted; *p && na < 32;) {
        arcs[na++] = strtoul(p, (char **)&p, 10);
        if (*p == '.')
            p++;
    }
    unsigned long first = arcs[0] * 40 + arcs[1];
    for (size_t i = 1; i < na; i++) {
        unsigned long a = i == 1 ? first : arcs[i];
        unsigned char tmp[8];
        size_t k = 0;
        do {
            tmp[k++] = a & 0x7f;
            a >>= 7;
        } while (a);
        while (k) {
            k--;
            v[n++] = (unsigned char)(tmp[k] | (k ? 0x80 : 0));
        }
    }
    tlv(d, 0x06, v, n);
}

/* certificatePolicies with the OIDs of a NULL-terminated list. */
static struct der policies(const char *const *list)
{
    struct der all = {.n = 0}, out = {.n = 0};
    for (size_t i = 0; list[i]; i++) {
        struct der o = {.n = 0};
        oid(&o, list[i]);
        tlv(&all, 0x30, o.b, o.n);
    }
    tlv(&out, 0x30, all.b, all.n);
    return out;
}

/* policyMappings: pairs (issuerDomainPolicy, subjectDomainPolicy) of a NULL-terminated list. */
static struct der mappings(const char *const *pairs)
{
    struct der all = {.n = 0}, out = {.n = 0};
    for (size_t i = 0; pairs[i]; i += 2) {
        struct der m = {.n = 0};
        oid(&m, pairs[i]);
        oid(&m, pairs[i + 1]);
        tlv(&all, 0x30, m.b, m.n);
    }
    tlv(&out, 0x30, all.b, all.n);
    return out;
}

struct exts {
    const char *const *policies;     /* NULL: no certificatePolicies */
    const char *const *mappings;     /* NULL: no policyMappings */
    int require_explicit;            /* policyConstraints requireExplicitPolicy; -1: none */
    int inhibit_any;                 /* inhibitAnyPolicy; -1: none */
};

static gnutls_x509_crt_t issue(const char *cn, gnutls_x509_crt_t issuer, bool ca, const struct exts *e)
{
    static unsigned serial = 1;
    gnutls_x509_crt_t crt;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    char dn[128];
    snprintf(dn, sizeof dn, "CN=%s,O=UCPolicy Policy Tests", cn);
    const char *err = NULL;
    GT(gnutls_x509_crt_set_dn(crt, dn, &err));
    unsigned char s[4] = {0x01, (unsigned char)(serial >> 16), (unsigned char)(serial >> 8), (unsigned char)serial};
    serial++;
    GT(gnutls_x509_crt_set_serial(crt, s, sizeof s));
    time_t now = time(NULL);
    GT(gnutls_x509_crt_set_activation_time(crt, now - 86400));
    GT(gnutls_x509_crt_set_expiration_time(crt, now + 86400 * 200));
    GT(gnutls_x509_crt_set_key(crt, key));
    GT(gnutls_x509_crt_set_basic_constraints(crt, ca, -1));
    GT(gnutls_x509_crt_set_key_usage(crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN
                                            : GNUTLS_KEY_DIGITAL_SIGNATURE));
    if (!ca) {
        GT(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, "policy.contoso.com", 18,
                                                GNUTLS_FSAN_SET));
        GT(gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0));
    }
    unsigned char id[20];
    size_t idlen = sizeof id;
    GT(gnutls_x509_crt_get_key_id(crt, 0, id, &idlen));
    GT(gnutls_x509_crt_set_subject_key_id(crt, id, idlen));
    if (issuer)
        GT(gnutls_x509_crt_set_authority_key_id(crt, id, idlen));
    if (e && e->policies) {
        struct der d = policies(e->policies);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.32", d.b, d.n, 0));
    }
    if (e && e->mappings) {
        struct der d = mappings(e->mappings);
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.33", d.b, d.n, 1));
    }
    if (e && e->require_explicit >= 0) {
        unsigned char v[] = {0x30, 0x03, 0x80, 0x01, (unsigned char)e->require_explicit};
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.36", v, sizeof v, 1));
    }
    if (e && e->inhibit_any >= 0) {
        unsigned char v[] = {0x02, 0x01, (unsigned char)e->inhibit_any};
        GT(gnutls_x509_crt_set_extension_by_oid(crt, "2.5.29.54", v, sizeof v, 1));
    }
    GT(gnutls_x509_crt_sign2(crt, issuer ? issuer : crt, key, GNUTLS_DIG_SHA256, 0));
    return crt;
}

static ucp_input *input_of(gnutls_x509_crt_t *crts, size_t n)
{
    unsigned char buf[65536];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t size = sizeof buf - len;
        GT(gnutls_x509_crt_export(crts[i], GNUTLS_X509_FMT_PEM, buf + len, &size));
        len += size;
    }
    ucp_input *in = NULL;
    if (ucp_input_from_data(&in, buf, len, "generated", NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    return in;
}

struct settings {
    const char *const *policies; /* initial policy set; NULL: anyPolicy */
    bool explicit_policy, inhibit_mapping, inhibit_any;
};

/* Check @leaf under @cas (top first) and the root with @s; the report (ucp_report_free it). */
static ucp_report *check(gnutls_x509_crt_t root, gnutls_x509_crt_t *cas, size_t ncas, gnutls_x509_crt_t leaf,
                         const struct settings *s)
{
    ucp_checker *c = NULL;
    if (ucp_checker_new(&c) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input *r = input_of(&root, 1), *i = input_of(cas, ncas), *l = input_of(&leaf, 1);
    if (ucp_checker_add_trust(c, r) != UCP_OK || ucp_checker_add_intermediates(c, i) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    for (size_t k = 0; s->policies && s->policies[k]; k++)
        if (ucp_checker_add_initial_policy(c, s->policies[k]) != UCP_OK)
            exit(TAP_SETUP_FAILURE);
    ucp_checker_set_require_explicit_policy(c, s->explicit_policy);
    ucp_checker_set_inhibit_policy_mapping(c, s->inhibit_mapping);
    ucp_checker_set_inhibit_any_policy(c, s->inhibit_any);
    ucp_report *rep = NULL;
    if (ucp_checker_check(c, l, "tls-server", NULL, &rep) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(r);
    ucp_input_free(i);
    ucp_input_free(l);
    ucp_checker_free(c);
    return rep;
}

static const ucp_finding *finding(const ucp_report *r, const char *code)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        if (strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0)
            return ucp_report_finding_at(r, i);
    return NULL;
}

static bool has_policy(const ucp_report *r, const char *oid)
{
    for (size_t i = 0; i < ucp_report_policy_count(r); i++)
        if (strcmp(ucp_report_policy_at(r, i), oid) == 0)
            return true;
    return false;
}

/* One case: the verdict and, when valid, the one policy the report must list (NULL: none). */
static void expect(const char *what, gnutls_x509_crt_t root, gnutls_x509_crt_t *cas, size_t ncas,
                   gnutls_x509_crt_t leaf, const struct settings *s, bool valid, const char *policy,
                   const char *reason_part)
{
    ucp_report *r = check(root, cas, ncas, leaf, s);
    const ucp_finding *f = finding(r, "chain.policy-invalid");
    CHECK(ucp_report_chain_trusted(r), "%s: the path is trusted", what);
    if (valid) {
        CHECK(!f && ucp_report_chain_status(r) == UCP_CHAIN_VALID, "%s: valid (no chain.policy-invalid)", what);
        if (policy)
            CHECK(ucp_report_policy_count(r) == 1 && has_policy(r, policy), "%s: the valid policy set is {%s}", what,
                  policy);
        else
            CHECK(ucp_report_policy_count(r) == 0, "%s: the valid policy set is empty", what);
    } else {
        CHECK(f && ucp_finding_severity(f) == UCP_SEVERITY_ERROR &&
                  ucp_report_chain_status(r) == UCP_CHAIN_INVALID,
              "%s: chain.policy-invalid, an error", what);
        CHECK(ucp_report_policy_count(r) == 0, "%s: no valid policy reported", what);
        if (f && reason_part)
            CHECK_CONTAINS(ucp_finding_message(f), reason_part, "%s: the finding says why", what);
    }
    ucp_report_free(r);
}

int main(void)
{
    GT(gnutls_global_init());
    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));

    static const char *const p1[] = {P1, NULL}, *const p2[] = {P2, NULL}, *const any[] = {ANY, NULL};
    static const char *const map12[] = {P1, P2, NULL}, *const map_any[] = {ANY, P2, NULL};
    const struct exts none = {NULL, NULL, -1, -1};
    gnutls_x509_crt_t root = issue("Policy Root", NULL, true, &none);

    /* A policy required and present; required and absent. */
    struct exts e = {p1, NULL, -1, -1};
    gnutls_x509_crt_t ca_p1 = issue("P1 CA", root, true, &e);
    gnutls_x509_crt_t leaf_p1 = issue("leaf P1", ca_p1, false, &e);
    struct settings want_p1 = {p1, true, false, false}, want_p2 = {p2, false, false, false};
    struct settings defaults = {NULL, false, false, false}, explicit_only = {NULL, true, false, false};
    expect("P1 path, P1 required", root, &ca_p1, 1, leaf_p1, &want_p1, true, P1, NULL);
    expect("P1 path, P2 required", root, &ca_p1, 1, leaf_p1, &want_p2, false, NULL, "none of the policies");
    expect("P1 path, defaults", root, &ca_p1, 1, leaf_p1, &defaults, true, P1, NULL);
    /* An explicit policy required of a leaf without policies: by the checker, by the CA. */
    gnutls_x509_crt_t leaf_none = issue("leaf none", ca_p1, false, &none);
    expect("leaf without policies, defaults", root, &ca_p1, 1, leaf_none, &defaults, true, NULL, NULL);
    expect("leaf without policies, explicit policy required", root, &ca_p1, 1, leaf_none, &explicit_only, false,
           NULL, "explicit policy is required");
    struct exts e_req = {p1, NULL, 0, -1};
    gnutls_x509_crt_t ca_req = issue("P1 requireExplicitPolicy CA", root, true, &e_req);
    gnutls_x509_crt_t leaf_none2 = issue("leaf none 2", ca_req, false, &none);
    gnutls_x509_crt_t leaf_p1b = issue("leaf P1 2", ca_req, false, &e);
    expect("CA requires an explicit policy, leaf has none", root, &ca_req, 1, leaf_none2, &defaults, false, NULL,
           "explicit policy is required");
    expect("CA requires an explicit policy, leaf has P1", root, &ca_req, 1, leaf_p1b, &defaults, true, P1, NULL);

    /* A mapping P1 -> P2: the leaf's P2 counts as P1; not when mapping is inhibited. */
    struct exts e_map = {p1, map12, -1, -1}, e_leaf2 = {p2, NULL, -1, -1};
    gnutls_x509_crt_t ca_map = issue("Mapping CA", root, true, &e_map);
    gnutls_x509_crt_t leaf_p2 = issue("leaf P2", ca_map, false, &e_leaf2);
    struct settings inhibit_map = {p1, true, true, false};
    expect("P1 mapped to P2, P1 required", root, &ca_map, 1, leaf_p2, &want_p1, true, P1, NULL);
    expect("P1 mapped to P2, P2 required", root, &ca_map, 1, leaf_p2, &want_p2, false, NULL, NULL);
    expect("P1 mapped to P2, mapping inhibited", root, &ca_map, 1, leaf_p2, &inhibit_map, false, NULL, NULL);
    struct exts e_map_any = {p1, map_any, -1, -1};
    gnutls_x509_crt_t ca_map_any = issue("Mapping-from-anyPolicy CA", root, true, &e_map_any);
    gnutls_x509_crt_t leaf_p2b = issue("leaf P2 2", ca_map_any, false, &e_leaf2);
    expect("a mapping from anyPolicy", root, &ca_map_any, 1, leaf_p2b, &defaults, false, NULL, "anyPolicy");

    /* inhibitAnyPolicy: a CA with skip 0 makes the anyPolicy of the CA below it match nothing;
     * with skip 1 it still counts. And the checker's setting does the same at once. */
    struct exts e_any0 = {any, NULL, -1, 0}, e_any1 = {any, NULL, -1, 1}, e_any = {any, NULL, -1, -1};
    gnutls_x509_crt_t ca_any0 = issue("inhibitAnyPolicy 0 CA", root, true, &e_any0);
    gnutls_x509_crt_t sub0 = issue("anyPolicy sub-CA 0", ca_any0, true, &e_any);
    gnutls_x509_crt_t leaf_a0 = issue("leaf below any 0", sub0, false, &e);
    gnutls_x509_crt_t chain0[] = {sub0, ca_any0};
    expect("inhibitAnyPolicy 0 above an anyPolicy sub-CA", root, chain0, 2, leaf_a0, &explicit_only, false, NULL,
           NULL);
    gnutls_x509_crt_t ca_any1 = issue("inhibitAnyPolicy 1 CA", root, true, &e_any1);
    gnutls_x509_crt_t sub1 = issue("anyPolicy sub-CA 1", ca_any1, true, &e_any);
    gnutls_x509_crt_t leaf_a1 = issue("leaf below any 1", sub1, false, &e);
    gnutls_x509_crt_t chain1[] = {sub1, ca_any1};
    expect("inhibitAnyPolicy 1 above an anyPolicy sub-CA", root, chain1, 2, leaf_a1, &explicit_only, true, P1, NULL);
    struct settings inhibit_any = {NULL, true, false, true};
    expect("anyPolicy CAs, anyPolicy inhibited by the checker", root, chain1, 2, leaf_a1, &inhibit_any, false, NULL,
           NULL);

    /* A hostile path: three CAs, each mapping 8 policies to the same 8, and 8 policies each:
     * 8, 64, 512, 4096 nodes. The tree stops at its cap, with a finding that says so. */
    {
        static char names[8][40];
        static const char *pol8[9], *map64[129];
        for (int k = 0; k < 8; k++) {
            snprintf(names[k], sizeof names[k], "1.3.6.1.4.1.55555.2.%d", k);
            pol8[k] = names[k];
        }
        pol8[8] = NULL;
        for (int a = 0, m = 0; a < 8; a++)
            for (int b = 0; b < 8; b++, m++) {
                map64[2 * m] = names[a];
                map64[2 * m + 1] = names[b];
            }
        map64[128] = NULL;
        struct exts eh = {pol8, map64, -1, -1}, el = {pol8, NULL, -1, -1};
        gnutls_x509_crt_t h1 = issue("hostile 1", root, true, &eh);
        gnutls_x509_crt_t h2 = issue("hostile 2", h1, true, &eh);
        gnutls_x509_crt_t h3 = issue("hostile 3", h2, true, &eh);
        gnutls_x509_crt_t hl = issue("hostile leaf", h3, false, &el);
        gnutls_x509_crt_t hc[] = {h3, h2, h1};
        clock_t t0 = clock();
        expect("a policy tree past its cap", root, hc, 3, hl, &defaults, false, NULL, "nodes");
        CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 20.0, "the capped tree costs little CPU time");
        gnutls_x509_crt_t all[] = {h1, h2, h3, hl};
        for (size_t k = 0; k < 4; k++)
            gnutls_x509_crt_deinit(all[k]);
    }

    /* The setters refuse what is not an OID. */
    {
        ucp_checker *c = NULL;
        if (ucp_checker_new(&c) != UCP_OK)
            return TAP_SETUP_FAILURE;
        CHECK(ucp_checker_add_initial_policy(c, "not.an.oid") == UCP_E_INVALID_ARGUMENT,
              "ucp_checker_add_initial_policy refuses 'not.an.oid'");
        CHECK(ucp_checker_add_initial_policy(c, NULL) == UCP_E_INVALID_ARGUMENT, "... and NULL");
        CHECK(ucp_checker_add_initial_policy(c, P1) == UCP_OK && ucp_checker_clear_initial_policies(c) == UCP_OK,
              "an OID is added, and the set cleared");
        ucp_checker_free(c);
    }

    gnutls_x509_crt_t all[] = {root,  ca_p1,  leaf_p1, leaf_none, ca_req, leaf_none2, leaf_p1b, ca_map,
                               leaf_p2, ca_map_any, leaf_p2b, ca_any0, sub0, leaf_a0, ca_any1, sub1, leaf_a1};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        gnutls_x509_crt_deinit(all[k]);
    gnutls_x509_privkey_deinit(key);
    gnutls_global_deinit();
    printf("1..%d\n", tap_points);
    return tap_failures ? 1 : 0;
}
