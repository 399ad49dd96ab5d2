/* SPDX-License-Identifier: MIT */
/*
 * What the catalogue says about a role, the deployment (topology) a role's cases run on, and the
 * role's correct certificate for it (profile): names, EKU, key usage, key, validity, issuer.
 */
#include "certgen.h"

#include <string.h>
#include <strings.h>

/* ---- the catalogue ------------------------------------------------------------------------ */

const ucp_product products[4] = {UCP_PRODUCT_LYNC2010, UCP_PRODUCT_LYNC2013, UCP_PRODUCT_SFB2015,
                                 UCP_PRODUCT_SFB2019};

const struct ucp_role *find_role(const char *id)
{
    const ucp_role *role = ucp_role_find(id);
    if (!role)
        die("the catalogue has no %s role", id);
    return role;
}

const struct ucp_role_rule *binding(const struct ucp_role *role, enum ucp_rule_id id)
{
    int16_t i = role->index[id];
    return i < 0 ? NULL : &role->rules[i];
}

int severity_of(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p)
{
    const struct ucp_role_rule *rr = binding(role, id);
    return rr && ucp_role_rule_applies(rr, p) ? (int)ucp_role_rule_severity(rr, p) : -1;
}

bool applies(const struct ucp_role *role, enum ucp_rule_id id, ucp_product p)
{
    return severity_of(role, id, p) >= 0;
}

unsigned flags_of(const struct ucp_role *role, enum ucp_rule_id id)
{
    const struct ucp_role_rule *rr = binding(role, id);
    return rr ? ucp_role_rule_flags(rr) : 0;
}

ucp_product default_product(const struct ucp_role *role)
{
    if (ucp_role_in_product(role, UCP_PRODUCT_SFB2019))
        return UCP_PRODUCT_SFB2019;
    for (size_t i = 0; i < UCP_ARRAY_SIZE(products); i++)
        if (ucp_role_in_product(role, products[i]))
            return products[i];
    die("role %s exists in no product", ucp_role_id(role));
}

/* ---- topology ----------------------------------------------------------------------------- */

size_t topo_count(const struct topo *t, ucp_fact f)
{
    return ucp_fact_is_list(f) ? (size_t)t->nlist[f] : t->single[f] ? 1 : 0;
}

const char *topo_get(const struct topo *t, ucp_fact f, size_t i)
{
    if (ucp_fact_is_list(f))
        return i < (size_t)t->nlist[f] ? t->list[f][i] : NULL;
    return i == 0 ? t->single[f] : NULL;
}

void topo_clear(struct topo *t, ucp_fact f)
{
    t->single[f] = NULL;
    t->nlist[f] = 0;
}

void topo_set(struct topo *t, ucp_fact f, const char *v)
{
    if (ucp_fact_is_list(f)) {
        if (t->nlist[f] >= 4)
            die("too many values");
        t->list[f][t->nlist[f]++] = v;
    } else {
        t->single[f] = v;
    }
}

void topo_replace(struct topo *t, ucp_fact f, const char *v)
{
    topo_clear(t, f);
    topo_set(t, f, v);
}

/* The host of a simple URL as the library keeps it. */
const char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    return fmt("%.*s", (int)strcspn(p, "/:?#"), p);
}

/* The deployment of a role: every fact it uses, with the XMPP domain where the product has XMPP
 * federation rules for the role. */
void role_topology(const struct ucp_role *role, ucp_product p, struct topo *t)
{
    memset(t, 0, sizeof *t);
    t->product = p;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!ucp_role_uses_fact(role, (ucp_fact)f))
            continue;
        switch ((ucp_fact)f) {
        case UCP_FACT_FQDN: topo_set(t, UCP_FACT_FQDN, "server01.contoso.com"); break;
        case UCP_FACT_POOL: topo_set(t, UCP_FACT_POOL, "pool01.contoso.com"); break;
        case UCP_FACT_SIP_DOMAIN:
            topo_set(t, UCP_FACT_SIP_DOMAIN, "contoso.com");
            /* A second SIP domain where the role has a rule about the other SIP domains. */
            if (binding(role, UCP_RULE_SAN_DOMAIN_MISSING))
                topo_set(t, UCP_FACT_SIP_DOMAIN, "fabrikam.com");
            break;
        case UCP_FACT_SIMPLE_URL:
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://meet.contoso.com/");
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://dialin.contoso.com/");
            topo_set(t, UCP_FACT_SIMPLE_URL, "https://admin.contoso.com");
            break;
        case UCP_FACT_WEB_FQDN: topo_set(t, UCP_FACT_WEB_FQDN, "webservices.contoso.com"); break;
        case UCP_FACT_ACCESS_EDGE: topo_set(t, UCP_FACT_ACCESS_EDGE, "access.contoso.com"); break;
        case UCP_FACT_WEBCONF_EDGE: topo_set(t, UCP_FACT_WEBCONF_EDGE, "webconf.contoso.com"); break;
        case UCP_FACT_XMPP_DOMAIN:
            if (applies(role, UCP_RULE_SAN_XMPP_MISSING, p))
                topo_set(t, UCP_FACT_XMPP_DOMAIN, "contoso.com");
            break;
        }
    }
}

/* ---- profiles: what a leaf certificate looks like ----------------------------------------- */

static struct sname *san_find(struct profile *pr, const char *v)
{
    for (int i = 0; i < pr->nsan; i++)
        if (strlen(v) == pr->san[i].len && strcasecmp(pr->san[i].v, v) == 0)
            return &pr->san[i];
    return NULL;
}

struct sname *san_add(struct profile *pr, const char *v, enum ucp_rule_id tag)
{
    struct sname *s = san_find(pr, v);
    if (!s) {
        if (pr->nsan == (int)UCP_ARRAY_SIZE(pr->san))
            die("too many SAN entries");
        s = &pr->san[pr->nsan++];
        memset(s, 0, sizeof *s);
        s->v = v;
        s->len = strlen(v);
    }
    if (tag != UCP_RULE__COUNT && s->ntags < MAXTAGS)
        s->tags[s->ntags++] = tag;
    return s;
}

void san_insert_first(struct profile *pr, const char *v, enum ucp_rule_id tag)
{
    san_add(pr, v, tag);
    struct sname t = pr->san[pr->nsan - 1];
    memmove(&pr->san[1], &pr->san[0], (size_t)(pr->nsan - 1) * sizeof pr->san[0]);
    pr->san[0] = t;
}

void san_remove(struct profile *pr, int i)
{
    memmove(&pr->san[i], &pr->san[i + 1], (size_t)(pr->nsan - i - 1) * sizeof pr->san[0]);
    pr->nsan--;
}

bool has_tag(const struct sname *s, enum ucp_rule_id id)
{
    for (int i = 0; i < s->ntags; i++)
        if (s->tags[i] == id)
            return true;
    return false;
}

/* SAN: the CN, then every name a rule of the role requires, each tagged with that rule. */
static void role_names(const struct ucp_role *role, const struct topo *t, const char *cn, struct profile *pr)
{
    static const struct {
        ucp_fact fact;
        enum ucp_rule_id rule;
    } named[] = {
        {UCP_FACT_FQDN, UCP_RULE_SAN_FQDN_MISSING},
        {UCP_FACT_POOL, UCP_RULE_SAN_POOL_MISSING},
        {UCP_FACT_WEB_FQDN, UCP_RULE_SAN_WEB_FQDN_MISSING},
        {UCP_FACT_ACCESS_EDGE, UCP_RULE_SAN_ACCESS_EDGE_MISSING},
        {UCP_FACT_WEBCONF_EDGE, UCP_RULE_SAN_WEBCONF_EDGE_MISSING},
    };
    san_add(pr, cn, UCP_RULE_SUBJECT_CN_NOT_IN_SAN);
    for (size_t i = 0; i < UCP_ARRAY_SIZE(named); i++)
        if (topo_count(t, named[i].fact))
            san_add(pr, topo_get(t, named[i].fact, 0), named[i].rule);
    bool no_admin = flags_of(role, UCP_RULE_SAN_SIMPLE_URL_MISSING) & UCP_RF_NO_ADMIN;
    for (size_t i = 0; i < topo_count(t, UCP_FACT_SIMPLE_URL); i++) {
        const char *h = url_host(topo_get(t, UCP_FACT_SIMPLE_URL, i));
        san_add(pr, h, no_admin && strncmp(h, "admin.", 6) == 0 ? UCP_RULE__COUNT : UCP_RULE_SAN_SIMPLE_URL_MISSING);
    }
    bool internal = flags_of(role, UCP_RULE_SAN_LYNCDISCOVER_MISSING) & UCP_RF_INTERNAL;
    for (size_t i = 0; i < topo_count(t, UCP_FACT_SIP_DOMAIN); i++) {
        const char *d = topo_get(t, UCP_FACT_SIP_DOMAIN, i);
        if (binding(role, UCP_RULE_SAN_SIP_DOMAIN_MISSING))
            san_add(pr, fmt("sip.%s", d), UCP_RULE_SAN_SIP_DOMAIN_MISSING);
        if (binding(role, UCP_RULE_SAN_LYNCDISCOVER_MISSING))
            san_add(pr, fmt("%s.%s", internal ? "lyncdiscoverinternal" : "lyncdiscover", d),
                    UCP_RULE_SAN_LYNCDISCOVER_MISSING);
        if (i > 0 && binding(role, UCP_RULE_SAN_DOMAIN_MISSING))
            san_add(pr, d, UCP_RULE_SAN_DOMAIN_MISSING);
    }
    if (topo_count(t, UCP_FACT_XMPP_DOMAIN) && applies(role, UCP_RULE_SAN_XMPP_MISSING, t->product)) {
        const char *x = topo_get(t, UCP_FACT_XMPP_DOMAIN, 0);
        san_add(pr, fmt("xmpp.%s", x), UCP_RULE_SAN_XMPP_MISSING);
        san_add(pr, x, UCP_RULE_SAN_XMPP_MISSING);
    }
}

void role_profile(const struct ucp_role *role, const struct topo *t, struct profile *pr)
{
    ucp_product p = t->product;
    memset(pr, 0, sizeof *pr);
    pr->org = "Contoso Ltd";
    /* CN: the first deployment value the role's subject.cn-mismatch accepts, else the server FQDN. */
    const struct ucp_role_rule *mm = binding(role, UCP_RULE_SUBJECT_CN_MISMATCH);
    const char *cn = NULL;
    for (unsigned f = 0; mm && !cn && f < UCP_FACT_COUNT; f++)
        if ((mm->facts & UCP_FACT_BIT(f)) && topo_count(t, (ucp_fact)f))
            cn = topo_get(t, (ucp_fact)f, 0);
    if (!cn)
        cn = topo_count(t, UCP_FACT_FQDN) ? topo_get(t, UCP_FACT_FQDN, 0) : "host01.contoso.com";
    pr->cn[pr->ncn++] = cn;
    /* A role without the san.missing rule (the Exchange Auth certificate) has no SAN, like the
     * real one. */
    pr->has_san = binding(role, UCP_RULE_SAN_MISSING) != NULL && applies(role, UCP_RULE_SAN_MISSING, p);
    if (pr->has_san)
        role_names(role, t, cn, pr);
    pr->use.has_eku = true;
    pr->use.eku[pr->use.neku++] = OID_SERVER_AUTH;
    pr->use.eku[pr->use.neku++] = OID_CLIENT_AUTH;
    pr->use.has_ku = true;
    pr->use.ku = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT;
    pr->key = KEY_RSA2048;
    /* Lync Server 2010 peers need SHA-1 where the role says so (signature.sha2-lync2010). */
    pr->hash = applies(role, UCP_RULE_SIGNATURE_SHA2_LYNC2010, p) ? GNUTLS_DIG_SHA1 : GNUTLS_DIG_SHA256;
    pr->nb = vt - DAY;
    /* Publicly trusted certificates are short-lived (CA/B Forum SC-081): 45 days fits every step
     * of the schedule and stays outside the 30-day expiry warning. */
    pr->na = applies(role, UCP_RULE_VALIDITY_PUBLIC_MAX, p) ? vt + 44 * DAY : vt + 730 * DAY;
    pr->cdp = CDP_URL;
    pr->issuer = ISS_ISSUING;
}

void default_deployment(const struct ucp_role *role, struct topo *t, struct profile *pr)
{
    role_topology(role, default_product(role), t);
    role_profile(role, t, pr);
}

void profile_cert(const struct profile *pr, struct spec *s)
{
    spec_init(s);
    s->no_subject = pr->no_subject;
    s->org = pr->org;
    for (int i = 0; i < pr->ncn; i++)
        s->cn[s->ncn++] = pr->cn[i];
    for (int i = 0; pr->has_san && i < pr->nsan; i++)
        spec_add_name(s, 0, pr->san[i].v, pr->san[i].len);
    if (pr->ip_san)
        spec_add_name(s, 0x87, pr->ip_san, 4); /* [7] iPAddress */
    s->use = pr->use;
    s->has_bc = true;
    s->bc_ca = pr->bc_ca;
    s->cdp = pr->cdp;
    s->aia = pr->no_aia ? NULL : AIA_URL;
    s->pub = keykind_pub(pr->key);
    s->hash = pr->hash;
    s->nb = pr->nb;
    s->na = pr->na;
    s->serial = pr->serial;
    s->serial_len = pr->serial_len;
    s->corrupt_signature = pr->corrupt_signature;
    s->no_aki = pr->no_aki;
    s->aki_critical = pr->aki_critical;
    s->bad_ski = pr->bad_ski;
    if (pr->ext_oid)
        spec_add_ext(s, pr->ext_oid, pr->ext_value, pr->ext_len, pr->ext_critical);
    s->issuer = issuer_of(pr->issuer).ca;
    if (pr->issuer == ISS_SELF) {
        if (pr->key != KEY_RSA2048)
            die("a self-signed leaf needs the leaf key");
        s->self_key = k_leaf.priv;
    }
    if (pr->pss) {
        if (pr->issuer != ISS_ISSUING)
            die("RSASSA-PSS signatures come from the issuing CA");
        s->pss = true;
    }
}

gnutls_x509_crt_t profile_crt(const struct profile *pr)
{
    struct spec s;
    profile_cert(pr, &s);
    return make_cert(&s);
}

void write_leaf(const char *rel, const struct profile *pr)
{
    struct spec s;
    profile_cert(pr, &s);
    write_spec(rel, &s);
}
