/* SPDX-License-Identifier: MIT */
/*
 * The certificate plan of a deployment: for every server of a topology document, the
 * certificates its roles need and what the catalogue's rules ask of each, given the server's
 * facts. Which certificates a server needs follows from the services installed on its pool;
 * what each must hold is read from the role's bindings (the rules the checker applies), so
 * the plan and `ucpolicy check` cannot disagree:
 *
 *   subject name    subject.cn-mismatch: the first of its facts with a value; subject.sip-
 *                   domain-missing: the default SIP domain; otherwise the first required name,
 *                   else the pool FQDN
 *   required names  the CN when subject.cn-not-in-san is bound; san.pool-missing, san.fqdn-
 *                   missing, san.web-fqdn-missing, san.access-edge-missing, san.webconf-edge-
 *                   missing, san.simple-url-missing (the admin URL dropped for no-admin) at
 *                   warning or error; san.sip-domain-missing and san.lyncdiscover-missing
 *                   (per SIP domain), san.domain-missing, san.xmpp-missing at error
 *   optional names  those per-domain names at warning or info; the wildcards
 *                   san.wildcard-not-allowed allows (its `allow` facts)
 *   EKU             eku.server-auth-missing, eku.client-auth-missing bound
 *   key             key.rsa-below-2048 (warning or error: 2048 bits), key.ecc (info: ECC fine)
 *   public CA       chain.not-public at warning or error
 *   pool-shared     private-key.pool-mismatch bound
 *   exportable key  private-key.exportable-unknown bound
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/plan-private.h"

/* ---- which certificates a server needs ------------------------------------------------------ */

/* The roles of a pool's services, in the order the plan lists them. Exchange UM, reverse proxy
 * and SBC certificates are not in a topology document. */
enum {
    SVC_FRONTEND = 1u << 0,
    SVC_DIRECTOR = 1u << 1,
    SVC_WEB = 1u << 2,
    SVC_WEB_EXTERNAL = 1u << 3,
    SVC_EDGE = 1u << 4,
    SVC_MEDIATION = 1u << 5,
    SVC_PCHAT = 1u << 6,
    SVC_WAC = 1u << 7,
    SVC_VIS = 1u << 8,
};

static unsigned pool_services(const struct ucp_topo_doc *doc, size_t pool)
{
    unsigned s = 0;
    for (size_t i = 0; i < doc->nservices; i++) {
        const struct ucp_topo_service *svc = &doc->services[i];
        if (svc->pool != pool || !svc->role)
            continue;
        const char *r = svc->role;
        if (strcmp(r, "Registrar") == 0)
            s |= svc->director ? SVC_DIRECTOR : SVC_FRONTEND;
        else if (strcmp(r, "WebServices") == 0)
            s |= SVC_WEB | (svc->web_external ? SVC_WEB_EXTERNAL : 0);
        else if (strcmp(r, "EdgeServer") == 0)
            s |= SVC_EDGE;
        else if (strcmp(r, "MediationServer") == 0)
            s |= SVC_MEDIATION;
        else if (strncmp(r, "PersistentChat", 14) == 0 && !strstr(r, "Store"))
            s |= SVC_PCHAT;
        else if (strcmp(r, "WacService") == 0)
            s |= SVC_WAC;
        else if (strncmp(r, "VideoInterop", 12) == 0)
            s |= SVC_VIS;
    }
    return s;
}

/* The role ids a server with services @s needs, NULL-terminated in @ids (room for 12). */
static size_t roles_of(unsigned s, const char **ids)
{
    size_t n = 0;
    bool director = (s & SVC_DIRECTOR) != 0;
    if (s & (SVC_FRONTEND | SVC_DIRECTOR)) {
        ids[n++] = director ? "director-default" : "frontend-default";
        if (s & SVC_WEB)
            ids[n++] = director ? "director-web-internal" : "frontend-web-internal";
        if (s & SVC_WEB_EXTERNAL)
            ids[n++] = director ? "director-web-external" : "frontend-web-external";
        if (!director)
            ids[n++] = "oauth-token-issuer";
    }
    if (s & SVC_EDGE) {
        ids[n++] = "edge-internal";
        ids[n++] = "edge-external";
        ids[n++] = "edge-av-auth";
    }
    /* Collocated with a Front End, the Mediation Server uses the Front End's certificates. */
    if ((s & SVC_MEDIATION) && !(s & SVC_FRONTEND))
        ids[n++] = "mediation";
    if (s & SVC_PCHAT)
        ids[n++] = "persistent-chat";
    if (s & SVC_VIS)
        ids[n++] = "video-interop";
    if (s & SVC_WAC)
        ids[n++] = "office-online-server";
    ids[n] = NULL;
    return n;
}

/* ---- what the rules ask --------------------------------------------------------------------- */

struct derive {
    struct ucp_cert_need *need;
    const ucp_topology *facts;
    bool nomem;
};

/* The binding of rule @id in the role, when it applies to the product. */
static const struct ucp_role_rule *bound(const struct derive *d, enum ucp_rule_id id)
{
    int16_t i = d->need->role->index[id];
    if (i < 0)
        return NULL;
    const struct ucp_role_rule *rr = &d->need->role->rules[i];
    return rr->severity[d->need->product] >= 0 ? rr : NULL;
}

static int severity(const struct derive *d, enum ucp_rule_id id)
{
    const struct ucp_role_rule *rr = bound(d, id);
    return rr ? rr->severity[d->need->product] : -1;
}

static const char *fact(const struct derive *d, ucp_fact f, size_t i)
{
    return ucp_topology_get(d->facts, f, i);
}

static size_t nfact(const struct derive *d, ucp_fact f)
{
    return ucp_topology_count(d->facts, f);
}

static bool in_list(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (ucp_strcasecmp(v[i], s) == 0)
            return true;
    return false;
}

/* Add @name (owned by the caller) to the required (@optional false) or optional names, once:
 * a name already required is not also optional. */
static void add_name(struct derive *d, const char *name, bool optional)
{
    struct ucp_cert_need *n = d->need;
    if (!name || !*name || d->nomem)
        return;
    if (in_list(n->required, n->nrequired, name))
        return;
    if (in_list(n->optional, n->noptional, name)) {
        if (optional)
            return;
        /* Promoted: drop it from the optional names. */
        for (size_t i = 0; i < n->noptional; i++) {
            if (ucp_strcasecmp(n->optional[i], name) == 0) {
                free(n->optional[i]);
                memmove(&n->optional[i], &n->optional[i + 1], (n->noptional - i - 1) * sizeof *n->optional);
                n->noptional--;
                break;
            }
        }
    }
    char ***v = optional ? &n->optional : &n->required;
    size_t *count = optional ? &n->noptional : &n->nrequired;
    char **grown = realloc(*v, (*count + 1) * sizeof **v);
    char *copy = ucp_strdup(name);
    if (!grown || !copy) {
        if (grown)
            *v = grown;
        free(copy);
        d->nomem = true;
        return;
    }
    for (char *p = copy; *p; p++)
        *p = ucp_tolower(*p);
    *v = grown;
    (*v)[(*count)++] = copy;
}

static void add_prefixed(struct derive *d, const char *prefix, const char *domain, bool optional)
{
    char *s = ucp_asprintf("%s%s", prefix, domain);
    if (!s) {
        d->nomem = true;
        return;
    }
    add_name(d, s, optional);
    free(s);
}

/* A name fact: required when its rule is bound at warning or error, optional at info. */
static void own_name(struct derive *d, enum ucp_rule_id id, ucp_fact f)
{
    int sev = severity(d, id);
    for (size_t i = 0; sev >= 0 && i < nfact(d, f); i++)
        add_name(d, fact(d, f, i), sev == UCP_SEVERITY_INFO);
}

static void subject_name(struct derive *d)
{
    /* When the CN may be one of several facts (web certificates: the pool or the server FQDN),
     * the pool's: one name for every server of the pool. */
    static const ucp_fact order[] = {UCP_FACT_POOL, UCP_FACT_FQDN, UCP_FACT_WEB_FQDN, UCP_FACT_ACCESS_EDGE,
                                     UCP_FACT_WEBCONF_EDGE, UCP_FACT_SIP_DOMAIN, UCP_FACT_SIMPLE_URL,
                                     UCP_FACT_XMPP_DOMAIN};
    const struct ucp_role_rule *mm = bound(d, UCP_RULE_SUBJECT_CN_MISMATCH);
    for (size_t i = 0; mm && i < sizeof order / sizeof order[0] && !d->need->subject; i++)
        if ((mm->facts & UCP_FACT_BIT(order[i])) && nfact(d, order[i]))
            d->need->subject = ucp_strdup(fact(d, order[i], 0));
    if (!d->need->subject && bound(d, UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING) && nfact(d, UCP_FACT_SIP_DOMAIN))
        d->need->subject = ucp_strdup(fact(d, UCP_FACT_SIP_DOMAIN, 0));
}

static void names(struct derive *d)
{
    struct ucp_cert_need *n = d->need;
    subject_name(d);
    if (n->subject && bound(d, UCP_RULE_SUBJECT_CN_NOT_IN_SAN))
        add_name(d, n->subject, false);
    own_name(d, UCP_RULE_SAN_POOL_MISSING, UCP_FACT_POOL);
    own_name(d, UCP_RULE_SAN_FQDN_MISSING, UCP_FACT_FQDN);
    own_name(d, UCP_RULE_SAN_WEB_FQDN_MISSING, UCP_FACT_WEB_FQDN);
    own_name(d, UCP_RULE_SAN_ACCESS_EDGE_MISSING, UCP_FACT_ACCESS_EDGE);
    own_name(d, UCP_RULE_SAN_WEBCONF_EDGE_MISSING, UCP_FACT_WEBCONF_EDGE);
    const struct ucp_role_rule *su = bound(d, UCP_RULE_SAN_SIMPLE_URL_MISSING);
    for (size_t i = 0; su && i < nfact(d, UCP_FACT_SIMPLE_URL); i++) {
        const char *host = fact(d, UCP_FACT_SIMPLE_URL, i);
        if ((ucp_role_rule_flags(su) & UCP_RF_NO_ADMIN) && strncmp(host, "admin.", 6) == 0)
            continue;
        add_name(d, host, su->severity[n->product] == UCP_SEVERITY_INFO);
    }
    int sip = severity(d, UCP_RULE_SAN_SIP_DOMAIN_MISSING);
    const struct ucp_role_rule *ld = bound(d, UCP_RULE_SAN_LYNCDISCOVER_MISSING);
    for (size_t i = 0; i < nfact(d, UCP_FACT_SIP_DOMAIN); i++) {
        const char *dom = fact(d, UCP_FACT_SIP_DOMAIN, i);
        if (sip >= 0)
            add_prefixed(d, "sip.", dom, sip != UCP_SEVERITY_ERROR);
        if (ld)
            add_prefixed(d, (ucp_role_rule_flags(ld) & UCP_RF_INTERNAL) ? "lyncdiscoverinternal." : "lyncdiscover.",
                         dom, ld->severity[n->product] != UCP_SEVERITY_ERROR);
    }
    /* OAuth: the SIP domains after the default one (the subject) go in the SAN. */
    int other = severity(d, UCP_RULE_SAN_DOMAIN_MISSING);
    for (size_t i = 1; other >= 0 && i < nfact(d, UCP_FACT_SIP_DOMAIN); i++)
        add_name(d, fact(d, UCP_FACT_SIP_DOMAIN, i), other != UCP_SEVERITY_ERROR);
    int xmpp = severity(d, UCP_RULE_SAN_XMPP_MISSING);
    if (xmpp >= 0 && nfact(d, UCP_FACT_XMPP_DOMAIN)) {
        const char *x = fact(d, UCP_FACT_XMPP_DOMAIN, 0);
        add_prefixed(d, "xmpp.", x, xmpp != UCP_SEVERITY_ERROR);
        /* The rule wants the XMPP domain or *.<domain>: the explicit name here, the wildcard
         * among the allowed ones below. */
        add_name(d, x, xmpp != UCP_SEVERITY_ERROR);
        if (severity(d, UCP_RULE_SAN_XMPP_WILDCARD) < (int)UCP_SEVERITY_WARNING)
            add_prefixed(d, "*.", x, true);
    }
    const struct ucp_role_rule *wc = bound(d, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    if (wc && (wc->allow & UCP_FACT_BIT(UCP_FACT_SIP_DOMAIN)))
        for (size_t i = 0; i < nfact(d, UCP_FACT_SIP_DOMAIN); i++)
            add_prefixed(d, "*.", fact(d, UCP_FACT_SIP_DOMAIN, i), true);
    if (wc && (wc->allow & UCP_FACT_BIT(UCP_FACT_SIMPLE_URL))) {
        for (size_t i = 0; i < nfact(d, UCP_FACT_SIMPLE_URL); i++) {
            const char *dot = strchr(fact(d, UCP_FACT_SIMPLE_URL, i), '.');
            if (dot && strchr(dot + 1, '.'))
                add_prefixed(d, "*", dot, true);
        }
    }
    /* No name rule (the A/V Authentication certificate): the first required name, else the
     * pool's FQDN, the name every server sharing it has in common. */
    if (!n->subject && n->nrequired)
        n->subject = ucp_strdup(n->required[0]);
    else if (!n->subject && nfact(d, UCP_FACT_POOL))
        n->subject = ucp_strdup(fact(d, UCP_FACT_POOL, 0));
    else if (!n->subject && nfact(d, UCP_FACT_FQDN))
        n->subject = ucp_strdup(fact(d, UCP_FACT_FQDN, 0));
}

static void key_and_usage(struct derive *d)
{
    struct ucp_cert_need *n = d->need;
    if (bound(d, UCP_RULE_EKU_SERVER_AUTH_MISSING))
        n->eku |= UCP_EKU_SERVER_AUTH;
    if (bound(d, UCP_RULE_EKU_CLIENT_AUTH_MISSING))
        n->eku |= UCP_EKU_CLIENT_AUTH;
    n->min_rsa_bits = severity(d, UCP_RULE_KEY_RSA_BELOW_2048) >= UCP_SEVERITY_WARNING ? 2048 : 1024;
    int ecc = severity(d, UCP_RULE_KEY_ECC);
    n->ecc_ok = ecc <= (int)UCP_SEVERITY_INFO;
    n->key_rule = n->ecc_ok ? ucp_asprintf("RSA, %u bits or more (ECDSA P-256/P-384/P-521 accepted)", n->min_rsa_bits)
                            : ucp_asprintf("RSA, %u bits or more (no ECC key)", n->min_rsa_bits);
    if (!n->key_rule)
        d->nomem = true;
    n->public_ca = severity(d, UCP_RULE_CHAIN_NOT_PUBLIC) >= UCP_SEVERITY_WARNING;
    n->pool_shared = bound(d, UCP_RULE_PRIVATE_KEY_POOL_MISMATCH) != NULL;
    n->exportable = bound(d, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN) != NULL;
}

static void need_dispose(struct ucp_cert_need *n)
{
    free(n->subject);
    for (size_t i = 0; i < n->nrequired; i++)
        free(n->required[i]);
    free(n->required);
    for (size_t i = 0; i < n->noptional; i++)
        free(n->optional[i]);
    free(n->optional);
    free(n->key_rule);
}

static ucp_status plan_server(struct ucp_plan_server *ps, const struct ucp_topo_doc *doc,
                              const struct ucp_topo_server *srv)
{
    const char *ids[16];
    size_t nids = roles_of(pool_services(doc, srv->pool), ids), implied = 0;
    for (size_t i = 0; i < nids; i++)
        implied |= strcmp(ids[i], "oauth-token-issuer") == 0 ? (size_t)1 << i : 0;
    ps->product = srv->facts->product;
    if (!(ps->fqdn = ucp_strdup(srv->fqdn)) || !(ps->pool = ucp_strdup(doc->pools[srv->pool].fqdn)))
        return ucp_fail_nomem();
    ps->needs = calloc(nids ? nids : 1, sizeof *ps->needs);
    if (!ps->needs)
        return ucp_fail_nomem();
    for (size_t i = 0; i < nids; i++) {
        const struct ucp_role *role = ucp_role_find(ids[i]);
        /* A role the topology installs is planned even where the product has no such role
         * (the check then says so); the OAuth certificate, implied by Front Ends, only where
         * it exists. */
        if (!role || ((implied & ((size_t)1 << i)) && !ucp_role_in_product(role, ps->product)))
            continue;
        struct ucp_cert_need *n = &ps->needs[ps->nneeds++];
        n->role = role;
        n->server = ps->fqdn;
        n->product = ps->product;
        struct derive d = {n, srv->facts, false};
        names(&d);
        key_and_usage(&d);
        if (d.nomem || !n->subject)
            return n->subject || d.nomem ? ucp_fail_nomem()
                                         : ucp_fail(UCP_E_TOPOLOGY, doc->source,
                                                    "no subject name for the %s certificate of %s", role->id,
                                                    srv->fqdn);
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_deployment_new(ucp_deployment **out, const ucp_topology *topology)
{
    if (!out || !topology)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_deployment_new: %s is NULL", out ? "topology" : "out");
    *out = NULL;
    const struct ucp_topo_doc *doc = topology->doc;
    if (!doc || !doc->nservers)
        return ucp_fail(UCP_E_TOPOLOGY, doc ? doc->source : NULL,
                        "a plan needs a topology document that lists servers (a Topology Builder file or "
                        "Get-CsTopology -AsXml output)");
    ucp_deployment *dep = calloc(1, sizeof *dep);
    if (!dep || !(dep->servers = calloc(doc->nservers, sizeof *dep->servers))) {
        free(dep);
        return ucp_fail_nomem();
    }
    for (size_t i = 0; i < doc->nservers; i++) {
        dep->nservers++;
        ucp_status st = plan_server(&dep->servers[i], doc, &doc->servers[i]);
        if (st != UCP_OK) {
            ucp_deployment_free(dep);
            return st;
        }
    }
    *out = dep;
    return UCP_OK;
}

UCP_EXPORT void ucp_deployment_free(ucp_deployment *dep)
{
    if (!dep)
        return;
    for (size_t i = 0; i < dep->nservers; i++) {
        struct ucp_plan_server *s = &dep->servers[i];
        for (size_t k = 0; k < s->nneeds; k++)
            need_dispose(&s->needs[k]);
        free(s->needs);
        free(s->fqdn);
        free(s->pool);
    }
    free(dep->servers);
    free(dep);
}

/* ---- getters -------------------------------------------------------------------------------- */

static const struct ucp_plan_server *server_at(const ucp_deployment *d, size_t i)
{
    return d && i < d->nservers ? &d->servers[i] : NULL;
}

UCP_EXPORT size_t ucp_deployment_server_count(const ucp_deployment *d) { return d ? d->nservers : 0; }

UCP_EXPORT size_t ucp_deployment_find_server(const ucp_deployment *d, const char *fqdn)
{
    if (!d || !fqdn)
        return (size_t)-1;
    size_t len = strlen(fqdn);
    if (len && fqdn[len - 1] == '.')
        len--;
    for (size_t i = 0; i < d->nservers; i++) {
        const char *s = d->servers[i].fqdn;
        if (strlen(s) != len)
            continue;
        size_t k = 0;
        while (k < len && ucp_tolower(s[k]) == ucp_tolower(fqdn[k]))
            k++;
        if (k == len)
            return i;
    }
    return (size_t)-1;
}

UCP_EXPORT const char *ucp_deployment_server_fqdn(const ucp_deployment *d, size_t i)
{
    const struct ucp_plan_server *s = server_at(d, i);
    return s ? s->fqdn : NULL;
}

UCP_EXPORT const char *ucp_deployment_server_pool(const ucp_deployment *d, size_t i)
{
    const struct ucp_plan_server *s = server_at(d, i);
    return s ? s->pool : NULL;
}

UCP_EXPORT ucp_product ucp_deployment_server_product(const ucp_deployment *d, size_t i)
{
    const struct ucp_plan_server *s = server_at(d, i);
    return s ? s->product : UCP_PRODUCT_SFB2019;
}

UCP_EXPORT size_t ucp_deployment_need_count(const ucp_deployment *d, size_t i)
{
    const struct ucp_plan_server *s = server_at(d, i);
    return s ? s->nneeds : 0;
}

UCP_EXPORT const ucp_cert_need *ucp_deployment_need_at(const ucp_deployment *d, size_t i, size_t k)
{
    const struct ucp_plan_server *s = server_at(d, i);
    return s && k < s->nneeds ? &s->needs[k] : NULL;
}

UCP_EXPORT const ucp_role *ucp_cert_need_role(const ucp_cert_need *n) { return n ? n->role : NULL; }
UCP_EXPORT const char *ucp_cert_need_server(const ucp_cert_need *n) { return n ? n->server : NULL; }
UCP_EXPORT const char *ucp_cert_need_subject_name(const ucp_cert_need *n) { return n ? n->subject : NULL; }
UCP_EXPORT size_t ucp_cert_need_required_name_count(const ucp_cert_need *n) { return n ? n->nrequired : 0; }
UCP_EXPORT const char *ucp_cert_need_required_name_at(const ucp_cert_need *n, size_t i)
{
    return n && i < n->nrequired ? n->required[i] : NULL;
}
UCP_EXPORT size_t ucp_cert_need_optional_name_count(const ucp_cert_need *n) { return n ? n->noptional : 0; }
UCP_EXPORT const char *ucp_cert_need_optional_name_at(const ucp_cert_need *n, size_t i)
{
    return n && i < n->noptional ? n->optional[i] : NULL;
}
UCP_EXPORT unsigned ucp_cert_need_eku(const ucp_cert_need *n) { return n ? n->eku : 0; }
UCP_EXPORT unsigned ucp_cert_need_min_rsa_bits(const ucp_cert_need *n) { return n ? n->min_rsa_bits : 0; }
UCP_EXPORT bool ucp_cert_need_ecc_ok(const ucp_cert_need *n) { return n && n->ecc_ok; }
UCP_EXPORT const char *ucp_cert_need_key_rule(const ucp_cert_need *n) { return n ? n->key_rule : NULL; }
UCP_EXPORT bool ucp_cert_need_public_ca(const ucp_cert_need *n) { return n && n->public_ca; }
UCP_EXPORT bool ucp_cert_need_pool_shared(const ucp_cert_need *n) { return n && n->pool_shared; }
UCP_EXPORT bool ucp_cert_need_exportable_key(const ucp_cert_need *n) { return n && n->exportable; }
