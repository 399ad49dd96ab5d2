/* SPDX-License-Identifier: MIT */
/*
 * The mutations: for every rule of the catalogue, how the correct certificate of a role is
 * changed so that it breaks the rule (the fail case of each (role, rule) binding, cases.c).
 *
 * One row of mutations[] per rule code, in catalogue order. A row says:
 *   - what the change is, for the case's description;
 *   - the change: declarative fields (a key, a hash, key usage bits, the only EKU, a validity
 *     window, a CRL distribution point, one more SAN name, another issuer and its chain, the
 *     issuing CA's CRL in the case, edits such as E_NO_SUBJECT), or a function, for what fields
 *     cannot say (names that depend on the role's deployment), which expects the rule itself;
 *   - the extra findings the change necessarily causes (ALSO; the ones that depend on the role,
 *     such as subject.cn-not-in-san after a CN change, come from the function);
 *   - what the case needs (N_PFX: a PKCS#12 file with the key, which also makes a role that needs
 *     an exportable key report private-key.exportable-unknown; N_WRONG_KEY; N_POOL; N_REVOKE: a
 *     CRL listing the leaf; N_ONLINE: checked online against 127.0.0.1 only);
 *   - or, for a rule no static case can break, why and the suite that breaks it instead
 *     (the manifest's `exemptions`, tests/FIXTURES.md).
 *
 * Adding a rule to the catalogue means adding its row here, at its place in the catalogue's
 * order (and, when no field can say the change, a function above the table): the cases, their
 * files and the manifest follow from it. The generator stops with an error naming the rule when a
 * role binds a rule without a row, or when the row cannot break it for some role, and checks the
 * table itself before it starts (mutations_check). Expectations never come from running a
 * check: the generator does not call ucp_checker_check().
 */
#include "certgen.h"

#include <string.h>
#include <strings.h>

/* Declarative edits of the correct certificate and its case (mutation.edits). */
enum {
    E_NO_SUBJECT = 1u << 0,        /* an empty subject */
    E_NO_CN = 1u << 1,             /* a subject without CN */
    E_EKU_CRITICAL = 1u << 2,      /* the EKU extension critical */
    E_NO_KEY_USAGE = 1u << 3,      /* no key usage extension */
    E_CA = 1u << 4,                /* basic constraints CA:TRUE */
    E_CORRUPT_SIGNATURE = 1u << 5, /* a bit of the signature flipped */
    E_PSS = 1u << 6,               /* signed with RSASSA-PSS */
    E_NO_CDP = 1u << 7,            /* no CRL distribution point */
    E_NO_CHAIN = 1u << 8,          /* no intermediate supplied */
    E_NO_ISSUING_CRL = 1u << 9,    /* the case's only CRL is the root's (none of the issuing CA) */
};

struct mutation {
    enum ucp_rule_id rule;
    const char *what;          /* the change, for the description (a function may say more) */
    bool (*fn)(struct mut *m); /* false: nothing to break for this role and product */
    /* Declarative changes; 0 or NULL: unchanged. */
    unsigned edits; /* E_... */
    enum keykind key;
    gnutls_digest_algorithm_t hash;
    unsigned ku_remove, ku_add; /* key usage bits */
    const char *eku_only;       /* the only EKU purpose */
    bool validity;              /* VALID(from, to): notBefore and notAfter, days around the validation time */
    int valid_from, valid_to;
    const char *cdp;         /* the only CRL distribution point */
    const char *san;         /* one more SAN dNSName, at the end */
    enum issuer_kind issuer; /* another issuer, with the intermediates that go with it */
    const char *crl;         /* the issuing CA's CRL the case has (with the root's) */
    unsigned needs;          /* N_... (certgen.h) */
    const char *csp;         /* with N_PFX: the key bag's provider name; NULL: none recorded */
    const enum ucp_rule_id *also; /* ALSO(...): findings the change causes as well */
    /* For roles whose id starts with quote_roles, the finding's remediation must contain quote. */
    const char *quote_roles, *quote;
    /* No static case can break the rule: why, and the suite that does (an exemption). */
    const char *exempt, *covered_by;
    int at; /* AT(i): the rule's finding names certificate i of the path (0: the leaf); 0: not checked */
};

#define RULE(id, description) .rule = (id), .what = (description)
#define VALID(from, to) .validity = true, .valid_from = (from), .valid_to = (to)
#define AT(index) .at = (index) + 1
#define ALSO(...) .also = (const enum ucp_rule_id[]){__VA_ARGS__, UCP_RULE__COUNT}
/* Exchange UM: the remediation quotes the Lync rejection of the reference incident (decision 9). */
#define QUOTE_UM .quote_roles = "exchange-um", .quote = INCIDENT_TEXT

/* ---- what the functions share ------------------------------------------------------------- */

static ucp_product mp(const struct mut *m)
{
    return m->t->product;
}

static bool dns_left(const struct profile *pr)
{
    return pr->has_san && pr->nsan > 0;
}

/* Would subject.cn-mismatch fire for the profile's CN? */
static bool cn_mismatch_fires(const struct mut *m)
{
    const struct ucp_role_rule *mm = binding(m->role, UCP_RULE_SUBJECT_CN_MISMATCH);
    if (!mm || m->pr->no_subject || m->pr->ncn == 0)
        return false;
    bool any = false;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!(mm->facts & UCP_FACT_BIT(f)))
            continue;
        for (size_t i = 0; i < topo_count(m->t, (ucp_fact)f); i++) {
            any = true;
            if (strcasecmp(topo_get(m->t, (ucp_fact)f, i), m->pr->cn[0]) == 0)
                return false;
        }
    }
    return any;
}

/* Replace the CN by @cn, repeated first in the SAN so that only the CN rules notice. */
static void change_cn(struct mut *m, const char *cn)
{
    struct profile *pr = m->pr;
    const char *old = pr->cn[0];
    pr->cn[0] = cn;
    for (int i = 0; i < pr->nsan; i++) {
        struct sname *s = &pr->san[i];
        if (strcasecmp(s->v, old) != 0)
            continue;
        for (int k = 0; k < s->ntags; k++)
            if (s->tags[k] == UCP_RULE_SUBJECT_CN_NOT_IN_SAN)
                s->tags[k] = s->tags[--s->ntags];
    }
    if (pr->has_san)
        san_insert_first(pr, cn, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    if (cn_mismatch_fires(m))
        expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
}

/* Replace the first label of the CN by @label (and expect the rule); the CN stays out of the SAN. */
static void relabel_cn(struct mut *m, const char *label)
{
    const char *dot = strchr(m->pr->cn[0], '.');
    m->pr->cn[0] = fmt("%s%s", label, dot ? dot : ".contoso.com");
    expect(m->c, m->target);
}

/* Does rule @id (a required-name rule) still find @name, given the CN? */
static bool cn_covers(const struct mut *m, enum ucp_rule_id id, const char *name)
{
    return (flags_of(m->role, id) & UCP_RF_CN_COUNTS) && !m->pr->no_subject && m->pr->ncn &&
           strcasecmp(m->pr->cn[0], name) == 0;
}

/* Remove SAN entry @i and expect what its absence breaks. */
static void remove_entry(struct mut *m, int i)
{
    struct profile *pr = m->pr;
    struct sname s = pr->san[i];
    san_remove(pr, i);
    if (pr->nsan == 0) {
        /* Keep a SAN extension with a harmless name, so that san.missing stays silent. */
        san_add(pr, "filler.contoso.com", UCP_RULE__COUNT);
    }
    for (int k = 0; k < s.ntags; k++) {
        enum ucp_rule_id t = s.tags[k];
        if (t == UCP_RULE_SUBJECT_CN_NOT_IN_SAN) {
            if (dns_left(pr))
                expect(m->c, t);
        } else if (!cn_covers(m, t, s.v)) {
            expect(m->c, t);
        }
    }
}

static const char *first_sip_domain(const struct mut *m)
{
    return topo_count(m->t, UCP_FACT_SIP_DOMAIN) ? topo_get(m->t, UCP_FACT_SIP_DOMAIN, 0) : NULL;
}

/* Would san.wildcard-not-allowed report wildcard @w? (mirrors the documented `allow` facts) */
static bool wildcard_not_allowed(const struct mut *m, const char *w)
{
    if (!applies(m->role, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED, mp(m)))
        return false;
    const struct ucp_role_rule *rr = binding(m->role, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    if (!rr->allow)
        return true;
    bool decidable = false;
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIMPLE_URL)) {
        for (size_t i = 0; i < topo_count(m->t, UCP_FACT_SIMPLE_URL); i++) {
            decidable = true;
            const char *h = url_host(topo_get(m->t, UCP_FACT_SIMPLE_URL, i));
            const char *dot = strchr(h, '.');
            if (dot && strcasecmp(dot + 1, w + 2) == 0)
                return false;
        }
    }
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIP_DOMAIN)) {
        for (size_t i = 0; i < topo_count(m->t, UCP_FACT_SIP_DOMAIN); i++) {
            decidable = true;
            if (strcasecmp(topo_get(m->t, UCP_FACT_SIP_DOMAIN, i), w + 2) == 0)
                return false;
        }
    }
    return decidable;
}

/* ---- the functions of the rows that fields cannot say ----------------------------------- */

static bool m_cn_wildcard(struct mut *m)
{
    relabel_cn(m, "*");
    m->what = fmt("CN=%s", m->pr->cn[0]);
    if (dns_left(m->pr))
        expect(m->c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    return true;
}

static bool m_cn_mismatch(struct mut *m)
{
    change_cn(m, "other01.contoso.com");
    return true;
}

static bool m_cn_not_in_san(struct mut *m)
{
    struct profile *pr = m->pr;
    for (int i = 0; i < pr->nsan; i++) {
        if (strcasecmp(pr->san[i].v, pr->cn[0]) == 0) {
            m->what = fmt("the CN '%s' missing from the SAN", pr->cn[0]);
            remove_entry(m, i);
            expect(m->c, m->target);
            return true;
        }
    }
    return false;
}

static bool m_cn_multiple(struct mut *m)
{
    m->pr->cn[m->pr->ncn++] = "second01.contoso.com";
    expect(m->c, m->target);
    return true;
}

static bool m_cn_invalid_name(struct mut *m)
{
    relabel_cn(m, "bad_host");
    m->what = fmt("CN=%s (underscore)", m->pr->cn[0]);
    if (cn_mismatch_fires(m))
        expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
    if (dns_left(m->pr))
        expect(m->c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    return true;
}

static bool m_cn_outside_sip_domain(struct mut *m)
{
    if (!first_sip_domain(m))
        return false;
    change_cn(m, "oauth.northwind.example");
    expect(m->c, m->target);
    expect(m->c, UCP_RULE_SAN_TLD_UNKNOWN); /* .example: reserved (RFC 2606), in no root zone */
    return true;
}

/* The CN becomes the IPv4 address 192.0.2.10 (RFC 5737), and with @in_san also a SAN iPAddress
 * entry. The findings an address CN causes beside the target follow from the role. */
static bool cn_ip(struct mut *m, bool in_san)
{
    static const unsigned char ip[4] = {192, 0, 2, 10};
    m->pr->cn[0] = "192.0.2.10";
    if (in_san) {
        m->pr->ip_san = ip;
        expect(m->c, UCP_RULE_SAN_IP_RESERVED); /* 192.0.2.0/24: documentation */
    }
    m->what = in_san ? "CN=192.0.2.10, also a SAN iPAddress entry" : "CN=192.0.2.10, not among the SAN entries";
    expect(m->c, m->target);
    expect(m->c, UCP_RULE_SUBJECT_CN_IP_ADDRESS);
    if (!in_san)
        expect(m->c, UCP_RULE_SUBJECT_CN_IP_NOT_IN_SAN);
    if (cn_mismatch_fires(m))
        expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
    if (dns_left(m->pr))
        expect(m->c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    if (first_sip_domain(m))
        expect(m->c, UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING);
    return true;
}

static bool m_cn_ip_not_in_san(struct mut *m)
{
    return cn_ip(m, false);
}

static bool m_cn_ip_address(struct mut *m)
{
    return cn_ip(m, true);
}

static bool m_cn_too_long(struct mut *m)
{
    /* 65 characters: one more than ub-common-name; a valid FQDN (every label under 64). */
    change_cn(m, "a-host-name-that-is-longer-than-the-common-name-bound.contoso.com");
    m->what = fmt("CN=%s (65 characters, also in the SAN)", m->pr->cn[0]);
    expect(m->c, m->target);
    return true;
}

/* Serial numbers as the content octets of the INTEGER: 0x80 first is negative. */
static bool m_serial_negative(struct mut *m)
{
    static const unsigned char serial[] = {0x80, 'U', 'C', 'P', 0x01, 0x02, 0x03, 0x04};
    m->pr->serial = serial;
    m->pr->serial_len = sizeof serial;
    expect(m->c, m->target);
    return true;
}

static bool m_serial_too_long(struct mut *m)
{
    static const unsigned char serial[21] = {0x01, 'U', 'C', 'P', 0x7f, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    m->pr->serial = serial;
    m->pr->serial_len = sizeof serial;
    expect(m->c, m->target);
    return true;
}

static bool m_eku_forbidden(struct mut *m)
{
    struct usage *u = &m->pr->use;
    if (!u->has_eku) {
        u->has_eku = true;
        u->neku = 0;
        u->eku[u->neku++] = OID_SERVER_AUTH;
    }
    u->eku[u->neku++] = OID_CODE_SIGNING;
    expect(m->c, m->target);
    return true;
}

static bool m_ip_reserved(struct mut *m)
{
    static const unsigned char ip[4] = {10, 0, 0, 1};
    m->pr->ip_san = ip;
    expect(m->c, m->target);
    return true;
}

/* The leaf without AIA, its root named as a public root (the role's own public roots when it
 * has them: the case's root is among them). */
static bool m_aia_missing(struct mut *m)
{
    m->pr->no_aia = true;
    if (!m->c->npublic)
        case_public_root(m->c, ca_root.file);
    expect(m->c, m->target);
    return true;
}

static bool m_no_san(struct mut *m)
{
    struct profile *pr = m->pr;
    if (!pr->has_san)
        return false;
    for (int i = 0; i < pr->nsan; i++)
        for (int k = 0; k < pr->san[i].ntags; k++)
            if (pr->san[i].tags[k] != UCP_RULE_SUBJECT_CN_NOT_IN_SAN && !cn_covers(m, pr->san[i].tags[k], pr->san[i].v))
                expect(m->c, pr->san[i].tags[k]);
    pr->has_san = false;
    expect(m->c, m->target);
    return true;
}

/* A required-name rule: the certificate stops naming what the deployment says. */
static bool m_required_name(struct mut *m)
{
    enum ucp_rule_id id = m->target;
    struct profile *pr = m->pr;
    int at = -1;
    for (int i = 0; i < pr->nsan && at < 0; i++)
        if (has_tag(&pr->san[i], id))
            at = i;
    if (at < 0) {
        /* The deployment fact is not part of the role's usual facts (e.g. --fqdn for the Edge
         * external interface): declare it without naming it in the certificate. */
        if (id != UCP_RULE_SAN_FQDN_MISSING || topo_count(m->t, UCP_FACT_FQDN))
            return false;
        topo_set(m->t, UCP_FACT_FQDN, "undeclared01.contoso.com");
        if (cn_mismatch_fires(m))
            expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
        expect(m->c, id);
        m->what = "an FQDN fact that the certificate does not name";
        return true;
    }
    const char *name = pr->san[at].v;
    if (!pr->has_san)
        return false;
    if (cn_covers(m, id, name)) {
        /* The role accepts the name in the CN too: move the CN elsewhere first. */
        change_cn(m, "cn-elsewhere.contoso.com");
        for (int i = 0; i < pr->nsan; i++)
            if (strcasecmp(pr->san[i].v, name) == 0)
                at = i;
    }
    m->what = fmt("the SAN without '%s'", name);
    remove_entry(m, at);
    expect(m->c, id);
    return true;
}

static bool m_wildcard_for_server_name(struct mut *m)
{
    struct profile *pr = m->pr;
    /* A name the role requires explicitly (flag `explicit`), preferably not the CN. */
    int at = -1;
    for (int pass = 0; pass < 2 && at < 0; pass++) {
        for (int i = 0; i < pr->nsan && at < 0; i++) {
            if (pass == 0 && strcasecmp(pr->san[i].v, pr->cn[0]) == 0)
                continue;
            for (int k = 0; k < pr->san[i].ntags; k++) {
                enum ucp_rule_id t = pr->san[i].tags[k];
                if (t != UCP_RULE_SUBJECT_CN_NOT_IN_SAN && applies(m->role, t, mp(m)) &&
                    (flags_of(m->role, t) & UCP_RF_EXPLICIT) && !cn_covers(m, t, pr->san[i].v))
                    at = i;
            }
        }
    }
    if (at < 0)
        return false;
    struct sname s = pr->san[at];
    const char *dot = strchr(s.v, '.');
    const char *wild = fmt("*%s", dot);
    san_remove(pr, at);
    san_add(pr, wild, UCP_RULE__COUNT);
    m->what = fmt("'%s' replaced by the wildcard '%s'", s.v, wild);
    for (int k = 0; k < s.ntags; k++) {
        enum ucp_rule_id t = s.tags[k];
        if (t == UCP_RULE_SUBJECT_CN_NOT_IN_SAN)
            expect(m->c, t);
        else if (applies(m->role, t, mp(m)) && (flags_of(m->role, t) & UCP_RF_EXPLICIT))
            expect(m->c, UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME);
    }
    if (wildcard_not_allowed(m, wild))
        expect(m->c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    return true;
}

static bool m_xmpp_wildcard(struct mut *m)
{
    if (!ucp_role_uses_fact(m->role, UCP_FACT_XMPP_DOMAIN))
        return false;
    if (!topo_count(m->t, UCP_FACT_XMPP_DOMAIN)) {
        topo_set(m->t, UCP_FACT_XMPP_DOMAIN, "contoso.com");
        role_profile(m->role, m->t, m->pr);
    }
    san_add(m->pr, "*.contoso.com", UCP_RULE__COUNT);
    expect(m->c, m->target);
    return true;
}

static bool m_wildcard_first(struct mut *m)
{
    m->pr->has_san = true;
    const char *d = first_sip_domain(m);
    const char *w = fmt("*.%s", d ? d : "contoso.com");
    san_insert_first(m->pr, w, UCP_RULE__COUNT);
    m->what = fmt("the wildcard '%s' first in the SAN", w);
    expect(m->c, m->target);
    if (wildcard_not_allowed(m, w))
        expect(m->c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    return true;
}

static bool m_duplicate_name(struct mut *m)
{
    struct profile *pr = m->pr;
    pr->has_san = true;
    if (pr->nsan == 0)
        san_add(pr, "host01.contoso.com", UCP_RULE__COUNT);
    /* The same name again, in upper case: duplicates are found case-insensitively (so not with
     * san_add, which would find it). */
    char *up = sdup(pr->san[0].v);
    for (char *q = up; *q; q++)
        if (*q >= 'a' && *q <= 'z')
            *q = (char)(*q - 32);
    pr->san[pr->nsan].v = up;
    pr->san[pr->nsan].len = strlen(up);
    pr->san[pr->nsan].ntags = 0;
    pr->nsan++;
    m->what = fmt("'%s' listed twice (once as '%s')", pr->san[0].v, up);
    expect(m->c, m->target);
    return true;
}

static bool m_onmicrosoft_fqdn(struct mut *m)
{
    if (!topo_count(m->t, UCP_FACT_FQDN))
        return false;
    topo_replace(m->t, UCP_FACT_FQDN, "sbc01.contoso.onmicrosoft.com");
    role_profile(m->role, m->t, m->pr);
    expect(m->c, m->target);
    return true;
}

static bool m_untrusted_root(struct mut *m)
{
    case_chain(m->c, ca_issuing.file, ca_root.file);
    case_trust(m->c, ca_root2.file);
    expect(m->c, m->target);
    return true;
}

static bool m_not_public(struct mut *m)
{
    case_public_root(m->c, ca_root2.file);
    expect(m->c, m->target);
    return true;
}

static bool m_anchor_not_root(struct mut *m)
{
    case_chain(m->c, NULL, NULL);
    case_trust(m->c, ca_issuing.file);
    if (m->c->npublic)
        case_public_root(m->c, ca_issuing.file);
    expect(m->c, m->target);
    return true;
}

static bool m_fact_missing(struct mut *m)
{
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!ucp_role_requires_fact(m->role, (ucp_fact)f) || !topo_count(m->t, (ucp_fact)f))
            continue;
        topo_clear(m->t, (ucp_fact)f);
        m->what = fmt("the topology without --%s", ucp_fact_name((ucp_fact)f));
        expect(m->c, m->target);
        if (cn_mismatch_fires(m))
            expect(m->c, UCP_RULE_SUBJECT_CN_MISMATCH);
        return true;
    }
    return false;
}

static bool m_role_product(struct mut *m)
{
    /* The product was chosen among those without the role (cases.c, choose_product). */
    if (ucp_role_in_product(m->role, mp(m)))
        return false;
    m->what = fmt("checked for %s, which does not have the role", ucp_product_title(mp(m)));
    expect(m->c, m->target);
    return true;
}

static bool m_bad_template(struct mut *m)
{
    /* An OCTET STRING where [MS-WCCE] puts the CertificateTemplate SEQUENCE. */
    static const unsigned char bad_template[] = {0x04, 0x03, 0x01, 0x02, 0x03};
    m->pr->ext_oid = OID_TEMPLATE;
    m->pr->ext_value = bad_template;
    m->pr->ext_len = sizeof bad_template;
    expect(m->c, m->target);
    return true;
}

static bool m_unknown_critical(struct mut *m)
{
    /* An extension of a private OID (an arbitrary UTF8String), marked critical. */
    static const unsigned char value[] = {0x0c, 0x04, 't', 'e', 's', 't'};
    m->pr->ext_oid = OID_UNKNOWN_EXT;
    m->pr->ext_value = value;
    m->pr->ext_len = sizeof value;
    m->pr->ext_critical = true;
    expect(m->c, m->target);
    return true;
}

/* ---- the RFC 5280 profile of the path's certificates (check_profile) ------------------------ */

/* The leaf issued by a root without basic constraints, which is the trust anchor (and the
 * public root, for roles that need one). */
static bool m_root_no_bc(struct mut *m)
{
    case_issuer(m->c, m->pr, ISS_ROOT_NO_BC);
    case_chain(m->c, NULL, NULL);
    case_trust(m->c, ca_root_nobc.file);
    if (m->c->npublic)
        case_public_root(m->c, ca_root_nobc.file);
    expect(m->c, m->target);
    return true;
}

static bool m_no_aki(struct mut *m)
{
    m->pr->no_aki = true;
    expect(m->c, m->target);
    return true;
}

static bool m_aki_critical(struct mut *m)
{
    m->pr->aki_critical = true;
    expect(m->c, m->target);
    return true;
}

static bool m_bad_ski(struct mut *m)
{
    m->pr->bad_ski = true;
    expect(m->c, m->target);
    return true;
}

static bool m_leaf_name_constraints(struct mut *m)
{
    /* NameConstraints { permittedSubtrees [0] { GeneralSubtree { dNSName contoso.com } } } */
    static const unsigned char nc[] = {0x30, 0x11, 0xa0, 0x0f, 0x30, 0x0d, 0x82, 0x0b, 'c', 'o', 'n',
                                       't',  'o',  's',  'o',  '.',  'c',  'o',  'm'};
    m->pr->ext_oid = "2.5.29.30";
    m->pr->ext_value = nc;
    m->pr->ext_len = sizeof nc;
    m->pr->ext_critical = false;
    expect(m->c, m->target);
    return true;
}

static bool m_aia_ftp(struct mut *m)
{
    /* AuthorityInfoAccessSyntax { AccessDescription { caIssuers, [6] "ftp://pki.contoso.com/ca.crt" } } */
    static const unsigned char aia[] = {0x30, 0x2a, 0x30, 0x28, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
                                        0x30, 0x02, 0x86, 0x1c, 'f',  't',  'p',  ':',  '/',  '/',  'p',  'k',
                                        'i',  '.',  'c',  'o',  'n',  't',  'o',  's',  'o',  '.',  'c',  'o',
                                        'm',  '/',  'c',  'a',  '.',  'c',  'r',  't'};
    m->pr->no_aia = true;
    m->pr->ext_oid = "1.3.6.1.5.5.7.1.1";
    m->pr->ext_value = aia;
    m->pr->ext_len = sizeof aia;
    m->pr->ext_critical = false;
    expect(m->c, m->target);
    return true;
}

/* ---- the table ---------------------------------------------------------------------------- */

static const struct mutation mutations[] = {
    /* ---- subject ---- */
    {RULE(UCP_RULE_SUBJECT_EMPTY, "an empty subject"), .edits = E_NO_SUBJECT},
    {RULE(UCP_RULE_SUBJECT_CN_MISSING, "a subject without CN (O=Contoso Ltd only)"), .edits = E_NO_CN},
    {RULE(UCP_RULE_SUBJECT_CN_WILDCARD, NULL), .fn = m_cn_wildcard, QUOTE_UM},
    {RULE(UCP_RULE_SUBJECT_CN_MISMATCH, "CN=other01.contoso.com (also in the SAN)"), .fn = m_cn_mismatch, QUOTE_UM},
    {RULE(UCP_RULE_SUBJECT_CN_NOT_IN_SAN, NULL), .fn = m_cn_not_in_san},
    {RULE(UCP_RULE_SUBJECT_CN_MULTIPLE, "a second CN after the right one"), .fn = m_cn_multiple},
    {RULE(UCP_RULE_SUBJECT_CN_INVALID_NAME, NULL), .fn = m_cn_invalid_name},
    {RULE(UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING, "CN=oauth.northwind.example, outside the default SIP domain"),
     .fn = m_cn_outside_sip_domain},
    {RULE(UCP_RULE_SUBJECT_CN_IP_NOT_IN_SAN, NULL), .fn = m_cn_ip_not_in_san},
    {RULE(UCP_RULE_SUBJECT_CN_IP_ADDRESS, NULL), .fn = m_cn_ip_address},
    {RULE(UCP_RULE_SUBJECT_CN_TOO_LONG, NULL), .fn = m_cn_too_long},

    /* ---- SAN ---- */
    {RULE(UCP_RULE_SAN_MISSING, "no subjectAltName extension"), .fn = m_no_san},
    {RULE(UCP_RULE_SAN_POOL_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_FQDN_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_WEB_FQDN_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_SIMPLE_URL_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_SIP_DOMAIN_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_LYNCDISCOVER_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_ACCESS_EDGE_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_WEBCONF_EDGE_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_XMPP_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_DOMAIN_MISSING, NULL), .fn = m_required_name},
    {RULE(UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME, NULL), .fn = m_wildcard_for_server_name},
    {RULE(UCP_RULE_SAN_WILDCARD_INVALID, "the partial wildcard 'sip*.contoso.com' in the SAN"),
     .san = "sip*.contoso.com"},
    {RULE(UCP_RULE_SAN_WILDCARD_NOT_ALLOWED, "the wildcard '*.fabrikam.net' at the end of the SAN"),
     .san = "*.fabrikam.net"},
    {RULE(UCP_RULE_SAN_XMPP_WILDCARD, "XMPP domain contoso.com with '*.contoso.com' in the SAN"),
     .fn = m_xmpp_wildcard},
    {RULE(UCP_RULE_SAN_WILDCARD_FIRST, NULL), .fn = m_wildcard_first},
    {RULE(UCP_RULE_SAN_INVALID_NAME, "'bad_name.contoso.com' (underscore) in the SAN"), .san = "bad_name.contoso.com"},
    {RULE(UCP_RULE_SAN_IDN, "the IDN 'xn--bcher-kva.contoso.com' in the SAN"), .san = "xn--bcher-kva.contoso.com"},
    {RULE(UCP_RULE_SAN_SINGLE_LABEL, "the single-label name 'server01' in the SAN"), .san = "server01"},
    {RULE(UCP_RULE_SAN_DUPLICATE, NULL), .fn = m_duplicate_name},
    {RULE(UCP_RULE_SAN_ONMICROSOFT_DOMAIN, "an SBC FQDN in contoso.onmicrosoft.com (and a certificate for it)"),
     .fn = m_onmicrosoft_fqdn},
    {RULE(UCP_RULE_SAN_IP_RESERVED, "the private address 10.0.0.1 as a SAN iPAddress entry"), .fn = m_ip_reserved},
    {RULE(UCP_RULE_SAN_TLD_UNKNOWN, "'server01.contoso.local' (internal TLD) in the SAN"), .san = "server01.contoso.local"},
    {RULE(UCP_RULE_SAN_PUBLIC_SUFFIX, "the public suffix 'co.uk' in the SAN"), .san = "co.uk"},

    /* ---- EKU, key usage, basic constraints ---- */
    {RULE(UCP_RULE_EKU_SERVER_AUTH_MISSING, "EKU clientAuth only"), .eku_only = OID_CLIENT_AUTH},
    {RULE(UCP_RULE_EKU_CLIENT_AUTH_MISSING, "EKU serverAuth only"), .eku_only = OID_SERVER_AUTH},
    {RULE(UCP_RULE_EKU_CRITICAL, "the EKU extension marked critical"), .edits = E_EKU_CRITICAL},
    {RULE(UCP_RULE_EKU_SERVER_FORBIDDEN, "codeSigning added to the EKU"), .fn = m_eku_forbidden},
    {RULE(UCP_RULE_KEY_USAGE_DIGITAL_SIGNATURE_MISSING, "key usage keyEncipherment only"),
     .ku_remove = GNUTLS_KEY_DIGITAL_SIGNATURE},
    {RULE(UCP_RULE_KEY_USAGE_KEY_ENCIPHERMENT_MISSING, "key usage digitalSignature only (RSA key)"),
     .ku_remove = GNUTLS_KEY_KEY_ENCIPHERMENT},
    {RULE(UCP_RULE_KEY_USAGE_MISSING, "no key usage extension"), .edits = E_NO_KEY_USAGE},
    {RULE(UCP_RULE_KEY_USAGE_CERT_SIGN, "keyCertSign in the key usage"), .ku_add = GNUTLS_KEY_KEY_CERT_SIGN},
    {RULE(UCP_RULE_KEY_USAGE_KEY_TYPE_MISMATCH, "an ECDSA P-256 key with keyEncipherment in its key usage"),
     .key = KEY_EC256, ALSO(UCP_RULE_KEY_ECC)},
    {RULE(UCP_RULE_BASIC_CONSTRAINTS_CA, "CA:TRUE on the leaf"), .edits = E_CA},

    /* ---- key ---- */
    {RULE(UCP_RULE_KEY_RSA_TOO_SMALL, "a 512-bit RSA key"), .key = KEY_RSA512},
    {RULE(UCP_RULE_KEY_RSA_BELOW_2048, "a 1024-bit RSA key"), .key = KEY_RSA1024},
    {RULE(UCP_RULE_KEY_RSA_WEAK_EXPONENT, "an RSA key with public exponent 3"), .key = KEY_RSA_E3},
    {RULE(UCP_RULE_KEY_RSA_INVALID_EXPONENT, "an RSA key with the even public exponent 65536"), .key = KEY_RSA_EVEN},
    {RULE(UCP_RULE_KEY_RSA_WEAK_MODULUS, "an RSA modulus divisible by 739 (factorable offline)"),
     .key = KEY_RSA_SMALL_FACTOR},
    {RULE(UCP_RULE_KEY_RSA_FERMAT, "an RSA modulus of two consecutive 1024-bit primes (Fermat factors it)"),
     .key = KEY_RSA_FERMAT},
    {RULE(UCP_RULE_KEY_RSA_ROCA, "an RSA modulus with the ROCA fingerprint (CVE-2017-15361)"), .key = KEY_RSA_ROCA},
    {RULE(UCP_RULE_KEY_ECC, "an ECDSA P-256 key (key usage digitalSignature)"), .key = KEY_EC256,
     .ku_remove = GNUTLS_KEY_KEY_ENCIPHERMENT},
    {RULE(UCP_RULE_KEY_UNSUPPORTED_ALGORITHM, "an Ed25519 key (key usage digitalSignature)"), .key = KEY_ED25519,
     .ku_remove = GNUTLS_KEY_KEY_ENCIPHERMENT},

    /* ---- serial number ---- */
    {RULE(UCP_RULE_SERIAL_NOT_POSITIVE, "a negative serial number (first octet 0x80)"), .fn = m_serial_negative},
    {RULE(UCP_RULE_SERIAL_TOO_LONG, "a serial number of 21 octets"), .fn = m_serial_too_long},

    /* ---- signature ---- */
    {RULE(UCP_RULE_SIGNATURE_MD5, "signed with MD5"), .hash = GNUTLS_DIG_MD5},
    {RULE(UCP_RULE_SIGNATURE_RSA_PSS, "signed with RSASSA-PSS (SHA-256)"), .hash = GNUTLS_DIG_SHA256, .edits = E_PSS},
    {RULE(UCP_RULE_SIGNATURE_SHA1, "signed with SHA-1"), .hash = GNUTLS_DIG_SHA1},
    {RULE(UCP_RULE_SIGNATURE_SHA512, "signed with SHA-512"), .hash = GNUTLS_DIG_SHA512},
    {RULE(UCP_RULE_SIGNATURE_SHA2_LYNC2010, "signed with SHA-256 for a Lync Server 2010 deployment"),
     .hash = GNUTLS_DIG_SHA256},

    /* ---- validity, revocation ---- */
    {RULE(UCP_RULE_VALIDITY_EXPIRED, "expired yesterday"), VALID(-30, -1)},
    {RULE(UCP_RULE_VALIDITY_NOT_YET_VALID, "valid from tomorrow"), VALID(1, 40)},
    {RULE(UCP_RULE_VALIDITY_EXPIRING, "expires in 10 days"), VALID(-20, 10)},
    {RULE(UCP_RULE_VALIDITY_PUBLIC_MAX, "valid for 401 days"), VALID(-1, 400)},
    {RULE(UCP_RULE_REVOCATION_CDP_MISSING, "no CRL distribution point"), .edits = E_NO_CDP},
    {RULE(UCP_RULE_REVOCATION_CDP_NO_HTTP, "an LDAP-only CRL distribution point"), .cdp = CDP_LDAP},
    {RULE(UCP_RULE_REVOCATION_REVOKED, "listed in the issuing CA's current CRL (--crl)"), .needs = N_REVOKE},
    {RULE(UCP_RULE_REVOCATION_CRL_EXPIRED, "the issuing CA's only CRL expired two days ago (--crl)"),
     .crl = CRL_ISSUING_EXPIRED},
    {RULE(UCP_RULE_REVOCATION_CRL_BAD_SIGNATURE, "a CRL naming the issuing CA but signed with another key (--crl)"),
     .crl = CRL_ISSUING_BAD_SIGNATURE},
    {RULE(UCP_RULE_REVOCATION_CRL_SIGN_MISSING,
          "issued by a CA without cRLSign in its key usage, whose own CRL is the one given (--crl)"),
     .issuer = ISS_NOCRLSIGN, .crl = CRL_NOCRLSIGN},
    {RULE(UCP_RULE_REVOCATION_CRL_UNKNOWN_CRITICAL,
          "the issuing CA's only CRL has a critical extension of an unknown OID (" OID_UNKNOWN_EXT ", --crl)"),
     .crl = CRL_ISSUING_UNKNOWN_EXT},
    /* An exemption: test-coverage runs the covering suite and sees the rule fire for every role.
     * Keep them rare: a binding that a certificate, a CRL file, a refused local URL or a PKCS#12
     * file can break gets a case instead. */
    {RULE(UCP_RULE_REVOCATION_OCSP_UNKNOWN, NULL),
     .exempt = "An OCSP 'unknown' answer must be signed by the issuing CA at check time and sent by a responder over "
               "HTTP: a static manifest can only name URLs that answer nothing (that is revocation.unreachable). "
               "tests/revocation runs a live responder on 127.0.0.1 and checks this role against it.",
     .covered_by = "tests/revocation"},
    /* Online, with the leaf's only distribution point on 127.0.0.1 where nothing listens; the
     * intermediate's status comes from the root's CRL (and its own distribution point is local
     * too), so nothing is fetched from anywhere else. */
    {RULE(UCP_RULE_REVOCATION_UNREACHABLE,
          "online, its only CRL distribution point refuses connections (" CDP_LOCAL ")"),
     .cdp = CDP_LOCAL, .needs = N_ONLINE},
    {RULE(UCP_RULE_REVOCATION_STATUS_UNKNOWN, "checked with the root's CRL only: no CRL of the issuing CA (--crl)"),
     .edits = E_NO_ISSUING_CRL},

    /* ---- chain ---- */
    {RULE(UCP_RULE_CHAIN_ISSUER_MISSING, "no intermediate CA certificate supplied"), .edits = E_NO_CHAIN},
    {RULE(UCP_RULE_CHAIN_UNTRUSTED_ROOT, "a path to a root that is not a trust anchor (another root is)"),
     .fn = m_untrusted_root},
    {RULE(UCP_RULE_CHAIN_BAD_SIGNATURE, "a corrupted signature"), .edits = E_CORRUPT_SIGNATURE},
    {RULE(UCP_RULE_CHAIN_ISSUER_NOT_CA, "issued by a CA:FALSE certificate"), .issuer = ISS_NOTCA},
    {RULE(UCP_RULE_CHAIN_UNKNOWN_CRITICAL_EXTENSION,
          "a critical extension of an unknown OID (" OID_UNKNOWN_EXT ")"),
     .fn = m_unknown_critical},
    {RULE(UCP_RULE_CHAIN_POLICY_INVALID,
          "issued by an intermediate whose policy constraints require an explicit policy, and no certificate "
          "of the path asserts one"),
     .issuer = ISS_EXPLICIT_POLICY},
    {RULE(UCP_RULE_CHAIN_PATH_LENGTH, "issued below a pathLenConstraint 0 CA through a sub-CA"),
     .issuer = ISS_PATHLEN},
    {RULE(UCP_RULE_CHAIN_EXPIRED, "issued by an expired intermediate CA"), .issuer = ISS_EXPIRED},
    {RULE(UCP_RULE_CHAIN_NAME_CONSTRAINTS,
          "issued by an intermediate whose name constraints permit only fabrikam.com and O=Fabrikam Ltd"),
     .issuer = ISS_CONSTRAINED},
    {RULE(UCP_RULE_CHAIN_INTERMEDIATE_EKU, "issued by an intermediate whose EKU is emailProtection only"),
     .issuer = ISS_EKU},
    {RULE(UCP_RULE_CHAIN_TOO_LONG, "a path of 12 certificates"), .issuer = ISS_DEEP},
    /* 8 look-alike issuers x 9 look-alike issuers of theirs, and the leaf's signature verifies
     * with none of them: every candidate path is tried until the path budget runs out. */
    {RULE(UCP_RULE_CHAIN_SEARCH_LIMIT, "72 candidate paths through look-alike issuers, none valid"),
     .issuer = ISS_LOOKALIKE, .edits = E_CORRUPT_SIGNATURE, ALSO(UCP_RULE_CHAIN_BAD_SIGNATURE)},
    {RULE(UCP_RULE_CHAIN_SELF_SIGNED, "self-signed"), .issuer = ISS_SELF, ALSO(UCP_RULE_CHAIN_UNTRUSTED_ROOT)},
    {RULE(UCP_RULE_CHAIN_NOT_PUBLIC, "the trusted root is not among the public roots"), .fn = m_not_public},
    {RULE(UCP_RULE_CHAIN_ANCHOR_NOT_ROOT, "the intermediate CA given as the trust anchor"), .fn = m_anchor_not_root},
    {RULE(UCP_RULE_CHAIN_AIA_MISSING, "no AIA extension, from a public root"), .fn = m_aia_missing},

    /* ---- the RFC 5280 profile of every certificate of the path ---- */
    {RULE(UCP_RULE_BASIC_CONSTRAINTS_ROOT_MISSING,
          "issued by a trusted root without a basic constraints extension"),
     .fn = m_root_no_bc, AT(1)},
    {RULE(UCP_RULE_BASIC_CONSTRAINTS_CA_NOT_CRITICAL, "issued by an intermediate whose basic constraints are not critical"),
     .issuer = ISS_BC_NONCRITICAL, AT(1)},
    {RULE(UCP_RULE_SUBJECT_CA_EMPTY, "issued by an intermediate with an empty subject"), .issuer = ISS_EMPTY_SUBJECT,
     ALSO(UCP_RULE_SUBJECT_ISSUER_EMPTY), AT(1)},
    {RULE(UCP_RULE_SUBJECT_ISSUER_EMPTY, "an empty issuer name (its intermediate has an empty subject)"),
     .issuer = ISS_EMPTY_SUBJECT, ALSO(UCP_RULE_SUBJECT_CA_EMPTY), AT(0)},
    {RULE(UCP_RULE_CHAIN_AKI_MISSING, "no authority key identifier"), .fn = m_no_aki, AT(0)},
    {RULE(UCP_RULE_CHAIN_SKI_MISSING, "issued by an intermediate without a subject key identifier"),
     .issuer = ISS_NO_SKI, AT(1)},
    {RULE(UCP_RULE_CHAIN_KEY_ID_MALFORMED, "a subject key identifier whose DER length runs past its value"),
     .fn = m_bad_ski, AT(0)},
    {RULE(UCP_RULE_CHAIN_AKI_CRITICAL, "the authority key identifier marked critical"), .fn = m_aki_critical, AT(0)},
    {RULE(UCP_RULE_CHAIN_NAME_CONSTRAINTS_LEAF, "a name constraints extension (permitted contoso.com) in the leaf"),
     .fn = m_leaf_name_constraints, AT(0)},
    {RULE(UCP_RULE_CHAIN_AIA_MALFORMED, "an AIA whose caIssuers location is an ftp:// URI"), .fn = m_aia_ftp, AT(0)},
    {RULE(UCP_RULE_KEY_PATH_WEAK_ALGORITHM, "issued by an intermediate with an ECDSA P-192 key"),
     .issuer = ISS_WEAK_KEY, AT(1)},

    /* ---- private key (PKCS#12 files) and pools ---- */
    {RULE(UCP_RULE_PRIVATE_KEY_MISMATCH, "a PKCS#12 file whose private key is another certificate's"),
     .needs = N_PFX | N_WRONG_KEY, .csp = CSP_SCHANNEL},
    {RULE(UCP_RULE_PRIVATE_KEY_CNG_PROVIDER, "a PKCS#12 file whose key bag names the " KSP_SOFTWARE),
     .needs = N_PFX, .csp = KSP_SOFTWARE},
    {RULE(UCP_RULE_PRIVATE_KEY_PROVIDER_UNKNOWN, "a PKCS#12 file whose key bag records no provider"),
     .needs = N_PFX},
    {RULE(UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN, "a PKCS#12 file with the key (" CSP_SCHANNEL ")"),
     .needs = N_PFX, .csp = CSP_SCHANNEL},
    {RULE(UCP_RULE_PRIVATE_KEY_POOL_MISMATCH,
          "a pool check against a second server's PKCS#12 file with another certificate and key"),
     .needs = N_PFX | N_POOL, .csp = CSP_SCHANNEL},

    /* ---- input ---- */
    {RULE(UCP_RULE_INPUT_FACTS_MISSING, NULL), .fn = m_fact_missing},
    {RULE(UCP_RULE_INPUT_ROLE_PRODUCT, NULL), .fn = m_role_product},
    {RULE(UCP_RULE_INPUT_TEMPLATE_MALFORMED,
          "a certificate template extension (" OID_TEMPLATE ") holding an OCTET STRING"),
     .fn = m_bad_template},
};

/* ---- applying a row ----------------------------------------------------------------------- */

static const struct mutation *mutation_for(enum ucp_rule_id id)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(mutations); i++)
        if (mutations[i].rule == id)
            return &mutations[i];
    return NULL;
}

static bool changes_something(const struct mutation *r)
{
    return r->fn || r->edits || r->key || r->hash || r->ku_remove || r->ku_add || r->eku_only || r->validity ||
           r->cdp || r->san || r->issuer || r->crl || r->needs;
}

void mutations_check(void)
{
    for (size_t i = 0; i < UCP_ARRAY_SIZE(mutations); i++) {
        const struct mutation *r = &mutations[i];
        if ((unsigned)r->rule >= UCP_RULE__COUNT)
            die("mutations[%zu]: not a rule", i);
        const char *code = ucp_rules[r->rule].code;
        if (i > 0 && r->rule <= mutations[i - 1].rule)
            die("mutations[]: the row of %s is out of the catalogue's order, or a second one", code);
        if (r->exempt || r->covered_by) {
            if (!r->exempt || !r->covered_by || changes_something(r))
                die("mutations[]: the exemption of %s needs a reason and a covering suite, and no change", code);
        } else if (!changes_something(r) || (!r->fn && !r->what)) {
            die("mutations[]: the row of %s needs a change and, without a function, a description", code);
        }
    }
}

bool mutation_exempt(enum ucp_rule_id id, const char **reason, const char **covered_by)
{
    const struct mutation *r = mutation_for(id);
    if (!r || !r->covered_by)
        return false;
    *reason = r->exempt;
    *covered_by = r->covered_by;
    return true;
}

/* The declarative changes of @r. */
static void apply_fields(struct mut *m, const struct mutation *r)
{
    struct profile *pr = m->pr;
    struct xcase *c = m->c;
    if (r->edits & E_NO_SUBJECT)
        pr->no_subject = true;
    if (r->edits & E_NO_CN)
        pr->ncn = 0;
    if (r->edits & E_EKU_CRITICAL)
        pr->use.eku_critical = true;
    if (r->edits & E_NO_KEY_USAGE)
        pr->use.has_ku = false;
    if (r->edits & E_CA)
        pr->bc_ca = true;
    if (r->edits & E_CORRUPT_SIGNATURE)
        pr->corrupt_signature = true;
    if (r->edits & E_PSS)
        pr->pss = true;
    if (r->edits & E_NO_CDP)
        pr->cdp = NULL;
    if (r->edits & E_NO_CHAIN)
        case_chain(c, NULL, NULL);
    if (r->edits & E_NO_ISSUING_CRL)
        case_crls(c, CRL_ROOT, NULL);
    if (r->key)
        pr->key = r->key;
    if (r->hash)
        pr->hash = r->hash;
    pr->use.ku = (pr->use.ku & ~r->ku_remove) | r->ku_add;
    if (r->eku_only) {
        pr->use.neku = 0;
        pr->use.eku[pr->use.neku++] = r->eku_only;
    }
    if (r->validity) {
        pr->nb = vt + (int64_t)r->valid_from * DAY;
        pr->na = vt + (int64_t)r->valid_to * DAY;
    }
    if (r->cdp)
        pr->cdp = r->cdp;
    if (r->san) {
        pr->has_san = true;
        san_add(pr, r->san, UCP_RULE__COUNT);
    }
    if (r->issuer)
        case_issuer(c, pr, r->issuer);
    if (r->crl)
        case_crls(c, r->crl, CRL_ROOT);
    if (r->needs & N_REVOKE) /* the CRL cases.c writes for the case, next to its leaf */
        case_crls(c, fmt("%.*s.crl", (int)(strlen(c->file) - 4), c->file), CRL_ROOT);
    if (r->needs & N_ONLINE) {
        c->online = true;
        c->timeout_ms = 2000;
        case_crls(c, CRL_ROOT, NULL);
        case_chain(c, ca_issuing_local.file, NULL);
    }
}

bool mutate(struct mut *m)
{
    const struct mutation *r = mutation_for(m->target);
    if (!r)
        die("role %s: rule %s has no row in mutations[] (tests/certgen/mutations.c): add one that breaks it",
            ucp_role_id(m->role), ucp_rules[m->target].code);
    if (r->covered_by)
        return false;
    m->what = r->what;
    m->needs = r->needs;
    m->csp = r->csp;
    /* A file with a key: a role that needs an exportable key says the file cannot tell (info). */
    if (r->needs & N_PFX)
        expect(m->c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN);
    apply_fields(m, r);
    if (r->fn) {
        if (!r->fn(m))
            return false;
    } else {
        expect(m->c, m->target);
    }
    for (const enum ucp_rule_id *a = r->also; a && *a != UCP_RULE__COUNT; a++)
        expect(m->c, *a);
    if (r->quote && strncmp(ucp_role_id(m->role), r->quote_roles, strlen(r->quote_roles)) == 0)
        for (int i = 0; i < m->c->npresent; i++)
            if (m->c->present[i].id == m->target)
                m->c->present[i].remediation = r->quote;
    for (int i = 0; r->at && i < m->c->npresent; i++)
        if (m->c->present[i].id == m->target)
            m->c->present[i].cert_index = r->at - 1;
    return true;
}
