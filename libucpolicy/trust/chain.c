/* SPDX-License-Identifier: MIT */
/*
 * Path building: from the leaf to a trust anchor through an unordered pool (the rest of the
 * input, the checker's intermediates, the anchors), depth first with backtracking. When a
 * candidate issuer leads to a path with problems (bad signature, not a CA, expired, pathLen,
 * EKU), other candidates are tried; the first problem-free trusted path wins, otherwise the best
 * path found is reported with its problems. Work is bounded: depth, candidates per certificate,
 * complete paths and signature checks (UCP_MAX_* in trust-private.h).
 *
 * GnuTLS verifies one sorted chain and counts a missing EKU as any purpose, so it is used here for
 * signatures only (ucp_certificate_check_signature, through the checker's signature cache:
 * sigcache.c); every other path rule is ours and reported as its own finding. Validity is checked at the caller's validation time, never through
 * GnuTLS's process-global time hook.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_ANY_EKU "2.5.29.37.0"

struct builder {
    struct ucp_trust *trust;
    int64_t now;
    struct ucp_pool presented;
    struct ucp_pool system_found; /* the input's system intermediates */
    const struct ucp_pool *system; /* NULL when the system store supplies no anchors */
    size_t sigchecks;
    size_t paths;
    bool exhausted;
    bool found;
    /* the path under construction */
    ucp_certificate *certs[UCP_MAX_PATH_DEPTH];
    enum ucp_cert_source sources[UCP_MAX_PATH_DEPTH];
    bool sig_ok[UCP_MAX_PATH_DEPTH]; /* sig_ok[i]: certs[i-1] verifies with certs[i] */
    size_t n;
    /* the best complete path so far, and the others */
    struct ucp_path best;
    int best_score;
    struct ucp_path rejected[UCP_MAX_REJECTED];
    size_t nrejected;
};

/* Keep @p (whose certificates are already referenced) among the rejected paths, or drop it when
 * the list is full. */
static void reject(struct builder *b, struct ucp_path *p)
{
    if (b->nrejected < UCP_MAX_REJECTED)
        b->rejected[b->nrejected++] = *p;
    else
        ucp_path_dispose(p);
    memset(p, 0, sizeof *p);
}

/* Add a problem with name/value argument pairs (NULL-terminated list). */
static bool add_problem(struct ucp_path *p, enum ucp_rule_id rule, int index, ...)
{
    struct ucp_problem *v = realloc(p->problems, (p->nproblems + 1) * sizeof *v);
    if (!v)
        return false;
    p->problems = v;
    struct ucp_problem *pr = &v[p->nproblems];
    memset(pr, 0, sizeof *pr);
    pr->rule = rule;
    pr->cert_index = index;
    va_list ap;
    va_start(ap, index);
    bool ok = true;
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name)
            break;
        const char *value = va_arg(ap, const char *);
        if (pr->nargs < UCP_PROBLEM_MAX_ARGS) {
            pr->names[pr->nargs] = name;
            pr->values[pr->nargs] = ucp_strdup(value ? value : "");
            if (!pr->values[pr->nargs])
                ok = false;
            pr->nargs++;
        }
    }
    va_end(ap);
    p->nproblems++;
    return ok;
}

static bool is_anchor_entity(struct builder *b, const ucp_certificate *cert, enum ucp_cert_source *src)
{
    if (ucp_pool_contains_entity(&b->trust->anchors, cert)) {
        *src = UCP_SOURCE_TRUST;
        return true;
    }
    if (b->system && ucp_pool_contains_entity(b->system, cert)) {
        *src = UCP_SOURCE_SYSTEM;
        return true;
    }
    return false;
}

/* Does the host of @uri (scheme://[userinfo@]host[:port]...) match the URI constraint @c (RFC
 * 5280 4.2.1.10: a host, or with a leading period a domain whose subdomains match)? A URI without
 * a host matches nothing. */
static bool uri_matches(const struct ucp_bytes *uri, const gnutls_datum_t *c)
{
    const char *u = (const char *)uri->data, *end = u + uri->len;
    const char *p = NULL;
    for (const char *q = u; q + 3 <= end; q++)
        if (q[0] == ':' && q[1] == '/' && q[2] == '/') {
            p = q + 3;
            break;
        }
    if (!p)
        return false;
    const char *host = p, *stop = p;
    while (stop < end && *stop != '/' && *stop != '?' && *stop != '#')
        stop++;
    for (const char *q = p; q < stop; q++)
        if (*q == '@')
            host = q + 1;
    const char *hend = host;
    while (hend < stop && *hend != ':')
        hend++;
    size_t hlen = (size_t)(hend - host), clen = c->size;
    const char *cs = (const char *)c->data;
    if (hlen == 0 || clen == 0)
        return false;
    if (cs[0] == '.') {
        if (hlen <= clen)
            return false;
        host += hlen - clen;
        hlen = clen;
    } else if (hlen != clen) {
        return false;
    }
    for (size_t i = 0; i < clen; i++)
        if (ucp_tolower(host[i]) != ucp_tolower(cs[i]))
            return false;
    return true;
}

/* Is the SAN entry @san within the constraint @name of GnuTLS type @type (directoryName or URI)? */
static bool san_within(const struct ucp_san *san, unsigned type, const gnutls_datum_t *name)
{
    if (san->tag == 4 && type == GNUTLS_SAN_DN)
        return ucp_dn_within(&san->raw, name);
    if (san->tag == 6 && type == GNUTLS_SAN_URI)
        return uri_matches(&san->raw, name);
    return false;
}

/* The SAN directory names and URIs of @cert against @nc, which GnuTLS does not check: each must be
 * within a permitted subtree of its type when there is one, and within no excluded one. Returns
 * a description of the violation (malloc'd) or NULL. */
static char *san_dn_uri_violation(gnutls_x509_name_constraints_t nc, const ucp_certificate *cert)
{
    for (size_t s = 0; s < cert->nsans; s++) {
        const struct ucp_san *san = &cert->sans[s];
        if (san->tag != 4 && san->tag != 6)
            continue;
        unsigned want = san->tag == 4 ? GNUTLS_SAN_DN : GNUTLS_SAN_URI;
        const char *what = san->tag == 4 ? "a directory name" : "a URI";
        bool any = false, ok = false;
        for (unsigned i = 0;; i++) {
            unsigned type = 0;
            gnutls_datum_t name = {NULL, 0};
            if (gnutls_x509_name_constraints_get_permitted(nc, i, &type, &name) < 0)
                break;
            if (type == want) {
                any = true;
                ok |= san_within(san, type, &name);
            }
        }
        if (any && !ok)
            return ucp_asprintf("%s of its subject alternative names (%s) is outside the permitted names", what,
                                san->display);
        for (unsigned i = 0;; i++) {
            unsigned type = 0;
            gnutls_datum_t name = {NULL, 0};
            if (gnutls_x509_name_constraints_get_excluded(nc, i, &type, &name) < 0)
                break;
            if (type == want && san_within(san, type, &name))
                return ucp_asprintf("%s of its subject alternative names (%s) is inside an excluded name", what,
                                    san->display);
        }
    }
    return NULL;
}

/* Check @cert against the name constraints of @ca (RFC 5280 4.2.1.10): DNS names, e-mail
 * addresses and IP addresses with GnuTLS; directory names (the subject and SAN directoryName
 * entries) with ucp_dn_within (x509/dn.c) and SAN URIs by their host, here.
 * Returns a description of the violation (malloc'd) or NULL. */
static char *name_constraint_violation(const ucp_certificate *ca, const ucp_certificate *cert)
{
    /* Most CAs have no name constraints: the certificate's index says so without GnuTLS. */
    if (ucp_certificate_has_extension(ca, "2.5.29.30") == 0)
        return NULL;
    gnutls_x509_crt_t ca_crt = ucp_certificate_crt(ca), crt = ucp_certificate_crt(cert);
    gnutls_x509_name_constraints_t nc = NULL;
    if (!ca_crt || !crt || gnutls_x509_name_constraints_init(&nc) < 0)
        return NULL;
    unsigned critical = 0;
    char *why = NULL;
    if (gnutls_x509_crt_get_name_constraints(ca_crt, nc, 0, &critical) < 0)
        goto out;
    static const struct {
        unsigned type;
        const char *what;
    } kinds[] = {
        {GNUTLS_SAN_DNSNAME, "a DNS name"},
        {GNUTLS_SAN_RFC822NAME, "an e-mail address"},
        {GNUTLS_SAN_IPADDRESS, "an IP address"},
    };
    for (size_t k = 0; k < UCP_ARRAY_SIZE(kinds); k++) {
        if (!gnutls_x509_name_constraints_check_crt(nc, kinds[k].type, crt)) {
            why = ucp_asprintf("%s of the certificate is outside the permitted or inside the excluded names",
                               kinds[k].what);
            goto out;
        }
    }
    why = san_dn_uri_violation(nc, cert);
    if (why)
        goto out;
    if (cert->raw_subject.len > 2) {
        bool any_permitted = false, permitted = false;
        for (unsigned i = 0;; i++) {
            unsigned type = 0;
            gnutls_datum_t name = {NULL, 0};
            if (gnutls_x509_name_constraints_get_permitted(nc, i, &type, &name) < 0)
                break;
            if (type == GNUTLS_SAN_DN) {
                any_permitted = true;
                permitted |= ucp_dn_within(&cert->raw_subject, &name);
            }
        }
        if (any_permitted && !permitted) {
            why = ucp_strdup("its subject is outside the permitted directory names");
            goto out;
        }
        for (unsigned i = 0;; i++) {
            unsigned type = 0;
            gnutls_datum_t name = {NULL, 0};
            if (gnutls_x509_name_constraints_get_excluded(nc, i, &type, &name) < 0)
                break;
            if (type == GNUTLS_SAN_DN && ucp_dn_within(&cert->raw_subject, &name)) {
                why = ucp_strdup("its subject is inside an excluded directory name");
                goto out;
            }
        }
    }
out:
    gnutls_x509_name_constraints_deinit(nc);
    return why;
}

static int status_rank(ucp_chain_status s)
{
    switch (s) {
    case UCP_CHAIN_VALID: return 0;
    case UCP_CHAIN_INVALID: return 1;
    case UCP_CHAIN_UNTRUSTED: return 2;
    case UCP_CHAIN_INCOMPLETE: return 3;
    }
    return 4;
}

/* Evaluate the current path (complete: ends at an anchor, an untrusted root or a missing issuer)
 * and keep it if it beats the best so far. */
static void complete(struct builder *b, ucp_chain_status terminal, enum ucp_rule_id terminal_rule)
{
    struct ucp_path p;
    memset(&p, 0, sizeof p);
    p.n = b->n;
    for (size_t i = 0; i < b->n; i++) {
        p.certs[i] = b->certs[i];
        p.sources[i] = b->sources[i];
    }
    p.trusted = terminal == UCP_CHAIN_VALID;
    b->paths++;
    /* DSA parameter inheritance (RFC 5280 6.1.4 (f)): a CA whose DSA key has no parameters takes
     * its issuer's, known only now that the path is; what it signed is verified again (without
     * the cache, which may hold the failure from before). From the anchor down, so that the
     * parameters pass through several such CAs. */
    for (size_t i = b->n ? b->n - 1 : 0; i-- > 1;)
        if (ucp_certificate_inherit_dsa_params(b->certs[i], b->certs[i + 1]))
            b->sig_ok[i] = ucp_certificate_check_signature(b->certs[i - 1], b->certs[i]);
    char date[32];
    for (size_t i = 1; i < b->n; i++) {
        const ucp_certificate *child = b->certs[i - 1], *ca = b->certs[i];
        bool anchor = p.trusted && i == b->n - 1;
        if (!b->sig_ok[i])
            add_problem(&p, UCP_RULE_CHAIN_BAD_SIGNATURE, (int)(i - 1), "subject", child->subject,
                        "issuer", ca->subject, NULL);
        if (ca->has_bc && !ca->bc_ca)
            add_problem(&p, UCP_RULE_CHAIN_ISSUER_NOT_CA, (int)i, "subject", ca->subject, "reason",
                        "its basic constraints say CA:FALSE", NULL);
        else if (!ca->has_bc && !(anchor && ca->self_signed))
            add_problem(&p, UCP_RULE_CHAIN_ISSUER_NOT_CA, (int)i, "subject", ca->subject, "reason",
                        "it has no basic constraints extension (CA:TRUE)", NULL);
        if (ca->has_ku && !(ca->ku & GNUTLS_KEY_KEY_CERT_SIGN))
            add_problem(&p, UCP_RULE_CHAIN_ISSUER_NOT_CA, (int)i, "subject", ca->subject, "reason",
                        "its key usage lacks keyCertSign", NULL);
        if (ca->bc_ca && ca->pathlen >= 0) {
            /* Intermediate CA certificates below this one, self-issued ones excluded. */
            size_t below = 0;
            for (size_t k = 1; k < i; k++)
                if (!b->certs[k]->self_issued)
                    below++;
            if (below > (size_t)ca->pathlen) {
                char pl[32], d[32];
                snprintf(pl, sizeof pl, "%d", ca->pathlen);
                snprintf(d, sizeof d, "%zu", below);
                add_problem(&p, UCP_RULE_CHAIN_PATH_LENGTH, (int)i, "subject", ca->subject, "pathlen",
                            pl, "depth", d, NULL);
            }
        }
        if (ca->not_after < b->now) {
            ucp_format_date(ca->not_after, date, sizeof date);
            add_problem(&p, UCP_RULE_CHAIN_EXPIRED, (int)i, "subject", ca->subject, "state",
                        "expired on", "date", date, NULL);
        } else if (ca->not_before > b->now) {
            ucp_format_date(ca->not_before, date, sizeof date);
            add_problem(&p, UCP_RULE_CHAIN_EXPIRED, (int)i, "subject", ca->subject, "state",
                        "is not valid before", "date", date, NULL);
        }
        /* Name constraints of this CA bind every certificate below it, self-issued intermediates
         * excepted (RFC 5280 6.1.3 (b)). */
        for (size_t k = 0; k < i; k++) {
            if (k > 0 && b->certs[k]->self_issued)
                continue;
            char *why = name_constraint_violation(ca, b->certs[k]);
            if (why) {
                add_problem(&p, UCP_RULE_CHAIN_NAME_CONSTRAINTS, (int)k, "subject", b->certs[k]->subject, "ca",
                            ca->subject, "detail", why, NULL);
                free(why);
            }
        }
        if (ca->has_eku && !ucp_certificate_has_eku_oid(ca, OID_SERVER_AUTH) &&
            !ucp_certificate_has_eku_oid(ca, OID_ANY_EKU)) {
            char *ekus = ucp_certificate_eku_names(ca, "(none)");
            add_problem(&p, UCP_RULE_CHAIN_INTERMEDIATE_EKU, (int)i, "subject", ca->subject, "ekus",
                        ekus ? ekus : "", NULL);
            free(ekus);
        }
    }
    /* RFC 5280 4.2: a certificate with a critical extension the validator does not recognise is
     * rejected, the leaf and the trust anchor included (Windows: CERT_TRUST_INVALID_EXTENSION). */
    for (size_t i = 0; i < b->n; i++) {
        char oid[96];
        if (ucp_certificate_unknown_critical_extension(b->certs[i], oid, sizeof oid))
            add_problem(&p, UCP_RULE_CHAIN_UNKNOWN_CRITICAL_EXTENSION, (int)i, "subject", b->certs[i]->subject,
                        "oid", oid, NULL);
    }
    /* Certificate policies (RFC 5280 6.1, policy.c), on a path that ends at an anchor. */
    if (p.trusted) {
        struct ucp_policy_result pr;
        ucp_policy_validate(&b->trust->policy, p.certs, p.n, &pr);
        if (pr.valid) {
            p.policies = pr.set;
            p.npolicies = pr.nset;
            pr.set = NULL;
            pr.nset = 0;
        } else {
            int at = pr.cert_index >= 0 && (size_t)pr.cert_index < b->n ? pr.cert_index : 0;
            add_problem(&p, UCP_RULE_CHAIN_POLICY_INVALID, at, "subject", b->certs[at]->subject, "reason",
                        pr.reason ? pr.reason : "out of memory", NULL);
        }
        ucp_policy_result_dispose(&pr);
    }
    const ucp_certificate *last = b->certs[b->n - 1];
    if (terminal == UCP_CHAIN_UNTRUSTED) {
        add_problem(&p, UCP_RULE_CHAIN_UNTRUSTED_ROOT, (int)(b->n - 1), "subject", last->subject, NULL);
        p.status = UCP_CHAIN_UNTRUSTED;
    } else if (terminal == UCP_CHAIN_INCOMPLETE) {
        if (terminal_rule == UCP_RULE_CHAIN_TOO_LONG) {
            char max[32];
            snprintf(max, sizeof max, "%d", UCP_MAX_PATH_DEPTH);
            add_problem(&p, UCP_RULE_CHAIN_TOO_LONG, (int)(b->n - 1), "max", max, NULL);
        } else {
            char *hint = last->nca_issuers_urls
                             ? ucp_asprintf(" The issuer certificate can be fetched from %s (AIA caIssuers).",
                                            last->ca_issuers_urls[0])
                             : NULL;
            add_problem(&p, UCP_RULE_CHAIN_ISSUER_MISSING, (int)(b->n - 1), "subject", last->subject,
                        "issuer", last->issuer, "hint", hint ? hint : "", NULL);
            free(hint);
        }
        p.status = UCP_CHAIN_INCOMPLETE;
    } else {
        p.status = p.nproblems ? UCP_CHAIN_INVALID : UCP_CHAIN_VALID;
    }
    int score = status_rank(p.status) * 100000 + (int)p.nproblems * 16 + (int)p.n;
    /* Read before p is handed on: reject() clears it, and a cleared status reads as VALID. */
    bool valid = p.status == UCP_CHAIN_VALID;
    for (size_t i = 0; i < p.n; i++)
        ucp_certificate_mut_ref(p.certs[i]);
    if (b->best.n == 0 || score < b->best_score) {
        if (b->best.n)
            reject(b, &b->best);
        b->best = p;
        b->best_score = score;
    } else {
        reject(b, &p);
    }
    if (valid)
        b->found = true;
}

struct candidate {
    ucp_certificate *cert;
    enum ucp_cert_source source;
    bool anchor;
};

struct collector {
    struct builder *b;
    const ucp_certificate *child;
    struct candidate v[UCP_MAX_CANDIDATES];
    size_t n;
    enum ucp_cert_source source;
    bool anchors; /* collecting from an anchor pool */
};

static bool in_path(const struct builder *b, const ucp_certificate *c)
{
    for (size_t i = 0; i < b->n; i++)
        if (ucp_certificate_same_entity(b->certs[i], c))
            return true;
    return false;
}

static bool collect(ucp_certificate *cert, void *data)
{
    struct collector *col = data;
    if (col->n >= UCP_MAX_CANDIDATES)
        return false;
    if (!ucp_certificate_issued_by(col->child, cert) || in_path(col->b, cert))
        return true;
    for (size_t i = 0; i < col->n; i++) {
        /* Same certificate from two pools, or a cross-certificate of an anchor already listed:
         * the anchor wins. */
        if (ucp_certificate_same(col->v[i].cert, cert) ||
            (col->v[i].anchor && ucp_certificate_same_entity(col->v[i].cert, cert)))
            return true;
    }
    enum ucp_cert_source src = col->source;
    bool anchor = col->anchors;
    if (!anchor && is_anchor_entity(col->b, cert, &src)) {
        /* A presented copy of an anchor (or a cross-certificate of one): collected from the anchor
         * pool instead. */
        return true;
    }
    col->v[col->n].cert = cert;
    col->v[col->n].source = src;
    col->v[col->n].anchor = anchor;
    col->n++;
    return true;
}

static int candidate_rank(const struct builder *b, const struct candidate *c)
{
    int r = c->anchor ? 0 : 4;
    if (c->cert->not_after < b->now || c->cert->not_before > b->now)
        r += 2;
    if (c->cert->has_bc && !c->cert->bc_ca)
        r += 1;
    return r;
}

static void extend(struct builder *b)
{
    if (b->found || b->exhausted)
        return;
    ucp_certificate *cur = b->certs[b->n - 1];
    if (b->paths >= UCP_MAX_PATHS) {
        b->exhausted = true;
        return;
    }
    struct collector col;
    memset(&col, 0, sizeof col);
    col.b = b;
    col.child = cur;
    col.anchors = true;
    col.source = UCP_SOURCE_TRUST;
    ucp_pool_each_subject(&b->trust->anchors, &cur->raw_issuer, collect, &col);
    if (b->system) {
        col.source = UCP_SOURCE_SYSTEM;
        ucp_pool_each_subject(b->system, &cur->raw_issuer, collect, &col);
    }
    col.anchors = false;
    col.source = UCP_SOURCE_INPUT;
    ucp_pool_each_subject(&b->presented, &cur->raw_issuer, collect, &col);
    col.source = UCP_SOURCE_SYSTEM_INTERMEDIATES;
    ucp_pool_each_subject(&b->system_found, &cur->raw_issuer, collect, &col);
    col.source = UCP_SOURCE_INTERMEDIATES;
    ucp_pool_each_subject(&b->trust->intermediates, &cur->raw_issuer, collect, &col);

    if (col.n == 0) {
        if (cur->self_signed)
            complete(b, UCP_CHAIN_UNTRUSTED, UCP_RULE__COUNT);
        else
            complete(b, UCP_CHAIN_INCOMPLETE, UCP_RULE_CHAIN_ISSUER_MISSING);
        return;
    }
    /* Stable sort: anchors first, then certificates valid now, then CA certificates. */
    for (size_t i = 1; i < col.n; i++) {
        struct candidate t = col.v[i];
        size_t j = i;
        while (j > 0 && candidate_rank(b, &col.v[j - 1]) > candidate_rank(b, &t)) {
            col.v[j] = col.v[j - 1];
            j--;
        }
        col.v[j] = t;
    }
    for (size_t i = 0; i < col.n && !b->found && !b->exhausted; i++) {
        if (b->n >= UCP_MAX_PATH_DEPTH) {
            complete(b, UCP_CHAIN_INCOMPLETE, UCP_RULE_CHAIN_TOO_LONG);
            return;
        }
        if (b->sigchecks >= UCP_MAX_SIGNATURE_CHECKS) {
            b->exhausted = true;
            return;
        }
        b->sigchecks++;
        bool ok = ucp_trust_verify_signature(b->trust, cur, col.v[i].cert);
        b->certs[b->n] = col.v[i].cert;
        b->sources[b->n] = col.v[i].source;
        b->sig_ok[b->n] = ok;
        b->n++;
        if (col.v[i].anchor)
            complete(b, UCP_CHAIN_VALID, UCP_RULE__COUNT);
        else
            extend(b);
        b->n--;
    }
}

ucp_status ucp_build_path(struct ucp_trust *trust, const ucp_input *input, int64_t now,
                          struct ucp_path_result *out)
{
    memset(out, 0, sizeof *out);
    struct builder *b = calloc(1, sizeof *b);
    if (!b)
        return ucp_fail_nomem();
    b->trust = trust;
    b->now = now;
    ucp_pool_init(&b->presented);
    ucp_status st = UCP_OK;
    for (size_t i = 1; i < input->ncerts && st == UCP_OK; i++)
        st = ucp_pool_add(&b->presented, input->certs[i]);
    ucp_pool_init(&b->system_found);
    for (size_t i = 0; i < input->nfound && st == UCP_OK; i++)
        st = ucp_pool_add(&b->system_found, input->found[i]);
    if (st != UCP_OK)
        goto out;
    bool system = trust->system_mode == UCP_SYSTEM_TRUST_ON ||
                  (trust->system_mode == UCP_SYSTEM_TRUST_AUTO && trust->anchors.n == 0);
    if (system)
        b->system = ucp_trust_system_pool(trust);

    ucp_certificate *leaf = input->certs[0];
    b->certs[0] = leaf;
    b->sources[0] = UCP_SOURCE_INPUT;
    b->sig_ok[0] = true;
    b->n = 1;
    enum ucp_cert_source src;
    if (is_anchor_entity(b, leaf, &src)) {
        /* The leaf itself is trusted (a pinned or self-signed certificate given as an anchor). */
        b->sources[0] = src;
        complete(b, UCP_CHAIN_VALID, UCP_RULE__COUNT);
    } else {
        extend(b);
    }
    if (b->exhausted && !b->found) {
        char checks[32];
        snprintf(checks, sizeof checks, "%zu", b->sigchecks);
        if (b->best.n == 0) {
            b->best.certs[0] = ucp_certificate_mut_ref(leaf);
            b->best.sources[0] = UCP_SOURCE_INPUT;
            b->best.n = 1;
            b->best.status = UCP_CHAIN_INCOMPLETE;
        }
        add_problem(&b->best, UCP_RULE_CHAIN_SEARCH_LIMIT, 0, "checks", checks, NULL);
    }
    out->best = b->best;
    memset(&b->best, 0, sizeof b->best);
    for (size_t i = 0; i < b->nrejected; i++)
        out->rejected[i] = b->rejected[i];
    out->nrejected = b->nrejected;
    b->nrejected = 0;
    out->paths_tried = b->paths;
    out->signature_checks = b->sigchecks;
out:
    ucp_path_dispose(&b->best);
    for (size_t i = 0; i < b->nrejected; i++)
        ucp_path_dispose(&b->rejected[i]);
    ucp_pool_dispose(&b->presented);
    ucp_pool_dispose(&b->system_found);
    free(b);
    return st;
}
