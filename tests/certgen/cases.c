/* SPDX-License-Identifier: MIT */
/*
 * The catalogue's cases: for every role and every product it exists in, a pass case (its correct
 * certificate); for every (role, rule) binding that applies to some product, a fail case made by
 * the rule's mutation (mutations.c), or an exemption when no static case can break it.
 */
#include "certgen.h"

#include <string.h>

/* The product a fail case of @id runs with: the role's default product when the rule applies
 * there, else the first product where it does and the role exists, else (a binding that applies
 * only to releases without the role, e.g. signature.sha2-lync2010 for Persistent Chat) the first
 * product where it applies at all; input.role-product then fires too. */
static bool choose_product(const struct ucp_role *role, enum ucp_rule_id id, ucp_product *out)
{
    ucp_product order[5];
    size_t n = 0;
    order[n++] = default_product(role);
    for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
        if (products[i] != order[0])
            order[n++] = products[i];
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            bool in = ucp_role_in_product(role, order[i]);
            if (pass == 0 && (id == UCP_RULE_INPUT_ROLE_PRODUCT ? in : !in))
                continue;
            if (applies(role, id, order[i])) {
                *out = order[i];
                return true;
            }
        }
    }
    return false;
}

/* A case of @role on its deployment for @p, and the role's correct certificate for it. */
static void role_case(struct xcase *c, struct profile *pr, const struct ucp_role *role, ucp_product p)
{
    struct topo t;
    role_topology(role, p, &t);
    role_profile(role, &t, pr);
    case_init(c, role, &t);
}

static void pass_case(const struct ucp_role *role, ucp_product p)
{
    struct profile pr;
    struct xcase c;
    role_case(&c, &pr, role, p);
    c.pass = true;
    /* Revocation is checked (the issuing CA's and the root's current CRLs), so the revocation
     * rules the case lists as absent were evaluated, not skipped. */
    case_crls(&c, CRL_ISSUING, CRL_ROOT);
    c.id = fmt("%s/pass/%s", ucp_role_id(role), ucp_product_name(p));
    c.file = fmt("certs/%s-pass-%s.pem", ucp_role_id(role), ucp_product_name(p));
    c.description = fmt("The correct %s certificate for %s", ucp_role_id(role), ucp_product_title(p));
    write_leaf(c.file, &pr);
    manifest_add_case(&c);
}

/* Write the files of case @c as its mutation says: the leaf as PEM, or as a PKCS#12 file with a
 * private key (its own or another's, a provider attribute, a second server's file for a pool
 * check); and the CRL that revokes it. */
static void write_case_files(struct xcase *c, const struct mut *m, const struct profile *pr)
{
    gnutls_x509_crt_t crt = profile_crt(pr);
    if (m->needs & N_PFX) {
        if (pr->key != KEY_RSA2048)
            die("%s: a PKCS#12 case needs the leaf key", c->id);
        const char *stem = fmt("%.*s", (int)(strlen(c->file) - 4), c->file);
        c->file = fmt("%s.pfx", stem);
        c->password = PFX_PASSWORD;
        c->format = "pkcs12";
        write_pfx(c->file, &crt, 1, 0, m->needs & N_WRONG_KEY ? &k_misc : &k_leaf, m->csp);
        if (m->needs & N_POOL) {
            struct profile other = *pr;
            other.key = KEY_RSA_OTHER;
            gnutls_x509_crt_t oc = profile_crt(&other);
            c->pool[c->npool++] = fmt("%s-server2.pfx", stem);
            write_pfx(c->pool[c->npool - 1], &oc, 1, 0, &k_misc, m->csp);
            gnutls_x509_crt_deinit(oc);
        }
    } else {
        write_pem(c->file, &crt, 1);
    }
    if (m->needs & N_REVOKE)
        write_crl(c->crls[0], &ca_issuing, k_issuing.priv, vt - DAY, vt + 7 * DAY, &crt, 1, true, 13, true);
    if (c->online) {
        /* Every URL an online check may fetch must be on this machine. */
        if (!pr->cdp || strncmp(pr->cdp, LOCAL_URL "/", strlen(LOCAL_URL) + 1) != 0)
            die("%s: an online case whose leaf names a distribution point off this machine", c->id);
        for (int i = 0; i < c->nchain; i++)
            if (c->chain[i] != ca_issuing_local.file)
                die("%s: an online case with an intermediate whose URLs are not local", c->id);
    }
    gnutls_x509_crt_deinit(crt);
}

static void fail_case(const struct ucp_role *role, const ucp_role_rule *rr)
{
    enum ucp_rule_id id = rr->rule->id;
    const char *reason, *covered_by;
    if (mutation_exempt(id, &reason, &covered_by)) {
        manifest_add_exemption(role, ucp_role_rule_code(rr), reason, covered_by);
        return;
    }
    ucp_product p;
    if (!choose_product(role, id, &p))
        die("role %s: rule %s applies to no product where a certificate can break it", ucp_role_id(role),
            ucp_role_rule_code(rr));
    struct profile pr;
    struct xcase c;
    role_case(&c, &pr, role, p);
    struct mut m = {.role = role, .c = &c, .t = &c.topo, .pr = &pr, .target = id};
    c.id = fmt("%s/%s/fail", ucp_role_id(role), ucp_role_rule_code(rr));
    c.rule = ucp_role_rule_code(rr);
    c.file = fmt("certs/%s-%s-fail.pem", ucp_role_id(role), ucp_role_rule_code(rr));
    if (!mutate(&m))
        die("role %s: no certificate can break rule %s (%s); this is a catalogue or library bug",
            ucp_role_id(role), ucp_role_rule_code(rr), ucp_product_name(p));
    if (!ucp_role_in_product(role, p))
        expect(&c, UCP_RULE_INPUT_ROLE_PRODUCT);
    bool target = false;
    for (int i = 0; i < c.npresent; i++)
        target |= c.present[i].id == id;
    if (!target)
        die("role %s: the mutation for %s does not expect the rule itself", ucp_role_id(role),
            ucp_role_rule_code(rr));
    c.description = fmt("%s for %s: %s", ucp_role_id(role), ucp_product_title(p), m.what ? m.what : "");
    write_case_files(&c, &m, &pr);
    manifest_add_case(&c);
}

void catalogue_cases(void)
{
    mutations_check();
    for (size_t r = 0; r < ucp_role_count(); r++) {
        const ucp_role *role = ucp_role_at(r);
        for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
            if (ucp_role_in_product(role, products[i]))
                pass_case(role, products[i]);
        for (size_t i = 0; i < ucp_role_rule_count(role); i++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, i);
            bool any = false;
            for (size_t k = 0; k < UCP_ARRAY_SIZE(products); k++)
                any |= ucp_role_rule_applies(rr, products[k]);
            if (any)
                fail_case(role, rr);
        }
    }
}
