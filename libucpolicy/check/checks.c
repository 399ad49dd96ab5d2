/* SPDX-License-Identifier: MIT */
/*
 * Rule evaluation: one pass over the leaf (and the path) per check. Every analysis first asks
 * whether the role binds the rule for the product (bound()), so nothing fires outside its role,
 * and emits findings through emit(), which renders the catalogue's templates with the values
 * found. The order of the analyses is the order of the report (then sorted by severity).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check/check-private.h"

#define OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"
#define OID_CLIENT_AUTH "1.3.6.1.5.5.7.3.2"
#define OID_ANY_EKU "2.5.29.37.0"

struct ctx {
    ucp_checker *checker;
    const ucp_input *input;
    const struct ucp_role *role;
    ucp_product product;
    const ucp_topology *topo;
    const ucp_certificate *leaf;
    int64_t now;
    struct ucp_path_result path;
    struct ucp_revocation_result revocation;
    struct ucp_finding *findings;
    size_t nfindings;
    bool nomem;
    bool cn_wildcard_reported;
    const struct ucp_pool_compare *pool;
};

static const struct ucp_role_rule *bound(const struct ctx *c, enum ucp_rule_id id)
{
    int16_t i = c->role->index[id];
    if (i < 0)
        return NULL;
    const struct ucp_role_rule *rr = &c->role->rules[i];
    return rr->severity[c->product] >= 0 ? rr : NULL;
}

/* Emit a finding of rule @id for certificate @index (-1: none) with name/value pairs, NULL-ended.
 * Does nothing when the role does not bind the rule for the product. */
static void emit_v(struct ctx *c, enum ucp_rule_id id, int index, va_list ap)
{
    const struct ucp_role_rule *rr = bound(c, id);
    if (!rr)
        return;
    const struct ucp_rule *rule = rr->rule;
    const char *names[8], *vals[8];
    size_t n = 0;
    for (;;) {
        const char *name = va_arg(ap, const char *);
        if (!name)
            break;
        const char *value = va_arg(ap, const char *);
        if (n < 8) {
            names[n] = name;
            vals[n] = value ? value : "";
            n++;
        }
    }
    struct ucp_finding f;
    memset(&f, 0, sizeof f);
    f.rule = rule;
    f.role_rule = rr;
    f.severity = (ucp_severity)rr->severity[c->product];
    f.cert_index = index;
    f.nargs = rule->nargs;
    f.arg_values = calloc(rule->nargs ? rule->nargs : 1, sizeof *f.arg_values);
    if (!f.arg_values) {
        c->nomem = true;
        return;
    }
    /* Arguments in the rule's declared order; an argument the check did not give is "". */
    const char *ordered[8] = {0};
    for (size_t i = 0; i < rule->nargs && i < 8; i++) {
        ordered[i] = "";
        for (size_t k = 0; k < n; k++)
            if (strcmp(names[k], rule->args[i]) == 0)
                ordered[i] = vals[k];
        f.arg_values[i] = ucp_strdup(ordered[i]);
        if (!f.arg_values[i])
            c->nomem = true;
    }
    const char *const *an = rule->args;
    f.message = ucp_render_template(rr->message ? rr->message : rule->message, an, ordered, rule->nargs);
    f.expected = ucp_render_template(rule->expected, an, ordered, rule->nargs);
    f.actual = ucp_render_template(rule->actual, an, ordered, rule->nargs);
    f.remediation = ucp_render_template(rr->remediation ? rr->remediation : rule->remediation, an,
                                        ordered, rule->nargs);
    struct ucp_finding *v = realloc(c->findings, (c->nfindings + 1) * sizeof *v);
    if (!v || !f.message || !f.expected || !f.actual || !f.remediation) {
        ucp_finding_dispose(&f);
        c->nomem = true;
        if (v)
            c->findings = v;
        return;
    }
    c->findings = v;
    v[c->nfindings++] = f;
}

static void emit(struct ctx *c, enum ucp_rule_id id, int index, ...)
{
    va_list ap;
    va_start(ap, index);
    emit_v(c, id, index, ap);
    va_end(ap);
}

static size_t nfact(const struct ctx *c, ucp_fact f)
{
    return ucp_topology_count(c->topo, f);
}

static const char *fact(const struct ctx *c, ucp_fact f, size_t i)
{
    return ucp_topology_get(c->topo, f, i);
}

static const char *fact_title(ucp_fact f)
{
    switch (f) {
    case UCP_FACT_FQDN: return "server FQDN";
    case UCP_FACT_POOL: return "pool FQDN";
    case UCP_FACT_SIP_DOMAIN: return "SIP domain";
    case UCP_FACT_SIMPLE_URL: return "simple URL";
    case UCP_FACT_WEB_FQDN: return "web services FQDN";
    case UCP_FACT_ACCESS_EDGE: return "Access Edge FQDN";
    case UCP_FACT_WEBCONF_EDGE: return "Web Conferencing Edge FQDN";
    case UCP_FACT_XMPP_DOMAIN: return "XMPP domain";
    }
    return "";
}

/* ---- facts and product ------------------------------------------------------------------ */

static void check_input(struct ctx *c)
{
    if (!(c->role->products & (1u << c->product)))
        emit(c, UCP_RULE_INPUT_ROLE_PRODUCT, -1, "role", c->role->id, "product",
             ucp_product_title(c->product), NULL);
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    size_t missing = 0, total = 0;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++)
        if ((c->role->required_facts & UCP_FACT_BIT(f)) && nfact(c, (ucp_fact)f) == 0)
            total++;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!(c->role->required_facts & UCP_FACT_BIT(f)) || nfact(c, (ucp_fact)f) > 0)
            continue;
        missing++;
        ucp_sb_printf(&sb, "%s--%s", missing == 1 ? "" : missing == total ? " and " : ", ",
                      ucp_fact_name((ucp_fact)f));
    }
    char *options = ucp_sb_finish(&sb);
    if (!options) {
        c->nomem = true;
        return;
    }
    if (missing)
        emit(c, UCP_RULE_INPUT_FACTS_MISSING, -1, "role", c->role->id, "options", options, NULL);
    free(options);
}

/* ---- names -------------------------------------------------------------------------------- */

/* A DNS SAN entry usable for matching: printable ASCII, no NUL. */
static const char *clean_dns(const ucp_certificate *cert, size_t i)
{
    const struct ucp_san *s = &cert->sans[i];
    return s->type == UCP_SAN_DNS && s->clean ? s->display : NULL;
}

static size_t dns_count(const ucp_certificate *cert)
{
    size_t n = 0;
    for (size_t i = 0; i < cert->nsans; i++)
        if (cert->sans[i].type == UCP_SAN_DNS)
            n++;
    return n;
}

static bool cn_clean(const ucp_certificate *cert, size_t i)
{
    const struct ucp_bytes *b = &cert->cn_raw[i];
    if (memchr(b->data, '\0', b->len))
        return false;
    for (size_t k = 0; k < b->len; k++)
        if (b->data[k] < 0x20 || b->data[k] >= 0x7f)
            return false;
    return true;
}

enum coverage { NOT_COVERED = 0, EXPLICIT = 1, BY_WILDCARD = 2 };

/* Does the certificate name @host? Explicit SAN entries first; wildcard entries (and, with
 * @cn_counts, the CN) otherwise. @wildcard receives the covering wildcard. */
static enum coverage covers(const struct ctx *c, const char *host, bool cn_counts, const char **wildcard)
{
    const ucp_certificate *cert = c->leaf;
    const char *wc = NULL;
    for (size_t i = 0; i < cert->nsans; i++) {
        const char *n = clean_dns(cert, i);
        if (!n)
            continue;
        if (!ucp_name_is_wildcard(n) && ucp_strcasecmp(n, host) == 0)
            return EXPLICIT;
        if (!wc && ucp_name_is_wildcard(n) && ucp_name_matches(n, host))
            wc = n;
    }
    if (cn_counts) {
        for (size_t i = 0; i < cert->ncns; i++) {
            if (!cn_clean(cert, i))
                continue;
            const char *cn = cert->cns[i];
            if (!ucp_name_is_wildcard(cn) && ucp_strcasecmp(cn, host) == 0)
                return EXPLICIT;
            if (!wc && ucp_name_is_wildcard(cn) && ucp_name_matches(cn, host))
                wc = cn;
        }
    }
    if (wc) {
        if (wildcard)
            *wildcard = wc;
        return BY_WILDCARD;
    }
    return NOT_COVERED;
}

/* A required name: explicit entries always count; a wildcard counts unless the binding says
 * `explicit`, in which case san.wildcard-for-server-name reports it (when the role binds it). */
static void require_name(struct ctx *c, enum ucp_rule_id id, const char *host, const char *extra_name,
                         const char *extra_value)
{
    const struct ucp_role_rule *rr = bound(c, id);
    if (!rr || !host)
        return;
    unsigned flags = ucp_role_rule_flags(rr);
    const char *wc = NULL;
    enum coverage cov = covers(c, host, flags & UCP_RF_CN_COUNTS, &wc);
    if (cov == EXPLICIT || (cov == BY_WILDCARD && !(flags & UCP_RF_EXPLICIT)))
        return;
    if (cov == BY_WILDCARD && bound(c, UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME)) {
        emit(c, UCP_RULE_SAN_WILDCARD_FOR_SERVER_NAME, 0, "name", host, "wildcard", wc, NULL);
        return;
    }
    emit(c, id, 0, "name", host, extra_name ? extra_name : "", extra_value, NULL);
}

static char *join_facts(const struct ctx *c, unsigned mask, bool titles)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    size_t n = 0;
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!(mask & UCP_FACT_BIT(f)))
            continue;
        if (titles) {
            ucp_sb_printf(&sb, "%s%s", n++ ? " or " : "", fact_title((ucp_fact)f));
            continue;
        }
        for (size_t i = 0; i < nfact(c, (ucp_fact)f); i++)
            ucp_sb_printf(&sb, "%s%s", n++ ? " or " : "", fact(c, (ucp_fact)f, i));
    }
    return ucp_sb_finish(&sb);
}

/* What the CN should be, for messages: the deployment's value when known. */
static char *expected_cn(const struct ctx *c)
{
    const struct ucp_role_rule *rr = c->role->index[UCP_RULE_SUBJECT_CN_MISMATCH] >= 0
                                         ? &c->role->rules[c->role->index[UCP_RULE_SUBJECT_CN_MISMATCH]]
                                         : NULL;
    unsigned mask = rr ? rr->facts : 0;
    char *values = mask ? join_facts(c, mask, false) : NULL;
    if (values && *values)
        return values;
    free(values);
    if (mask) {
        char *titles = join_facts(c, mask, true);
        char *s = titles ? ucp_asprintf("the %s", titles) : NULL;
        free(titles);
        return s;
    }
    return ucp_strdup("the server's FQDN");
}

static void check_subject(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    /* An empty Name is the DER SEQUENCE 30 00. RFC 5280 4.2.1.6 allows it with a critical SAN:
     * then only the roles that need a CN (subject.cn-missing) report it. */
    if (cert->raw_subject.len <= 2 || !*cert->subject) {
        if (cert->has_san_ext && cert->san_critical)
            emit(c, UCP_RULE_SUBJECT_CN_MISSING, 0, "subject", "(empty)", NULL);
        else
            emit(c, UCP_RULE_SUBJECT_EMPTY, 0, NULL);
        return;
    }
    if (cert->ncns == 0) {
        emit(c, UCP_RULE_SUBJECT_CN_MISSING, 0, "subject", cert->subject, NULL);
        return;
    }
    if (cert->ncns > 1) {
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        for (size_t i = 0; i < cert->ncns; i++)
            ucp_sb_printf(&sb, "%s'%s'", i ? ", " : "", cert->cns[i]);
        char *cns = ucp_sb_finish(&sb);
        emit(c, UCP_RULE_SUBJECT_CN_MULTIPLE, 0, "cns", cns ? cns : "", NULL);
        free(cns);
    }
    const char *cn = cert->cns[0];
    const struct ucp_bytes *raw = &cert->cn_raw[0];
    bool clean = cn_clean(cert, 0);
    char *expected = expected_cn(c);
    if (!expected) {
        c->nomem = true;
        return;
    }
    /* ub-common-name: 64 characters (UTF-8 continuation bytes do not count). */
    size_t chars = 0;
    for (size_t k = 0; k < raw->len; k++)
        if ((raw->data[k] & 0xc0) != 0x80)
            chars++;
    if (chars > 64) {
        char num[32];
        snprintf(num, sizeof num, "%zu", chars);
        emit(c, UCP_RULE_SUBJECT_CN_TOO_LONG, 0, "cn", cn, "length", num, NULL);
    }
    /* A CN that is an IP address: compared with the SAN's iPAddress entries, and not a name. */
    uint8_t ip[16];
    size_t iplen = clean ? ucp_ip_parse(cn, ip) : 0;
    if (iplen) {
        emit(c, UCP_RULE_SUBJECT_CN_IP_ADDRESS, 0, "cn", cn, "expected", expected, NULL);
        bool found = false;
        for (size_t i = 0; i < cert->nsans && !found; i++)
            found = cert->sans[i].type == UCP_SAN_IP && cert->sans[i].raw.len == iplen &&
                    memcmp(cert->sans[i].raw.data, ip, iplen) == 0;
        if (!found)
            emit(c, UCP_RULE_SUBJECT_CN_IP_NOT_IN_SAN, 0, "cn", cn, NULL);
    }
    if (memchr(raw->data, '*', raw->len) && bound(c, UCP_RULE_SUBJECT_CN_WILDCARD)) {
        emit(c, UCP_RULE_SUBJECT_CN_WILDCARD, 0, "cn", cn, "expected", expected, NULL);
        c->cn_wildcard_reported = true;
    }
    const struct ucp_role_rule *inv = iplen ? NULL : bound(c, UCP_RULE_SUBJECT_CN_INVALID_NAME);
    if (inv) {
        unsigned char bad = 0;
        enum ucp_name_problem p = ucp_name_check(raw->data, raw->len, true, &bad);
        if (p != UCP_NAME_OK) {
            /* A wildcard CN already reported as such is not reported twice. */
            if (!(c->cn_wildcard_reported &&
                  (p == UCP_NAME_WILDCARD_SUFFIX || p == UCP_NAME_WILDCARD_BARE)))
                emit(c, UCP_RULE_SUBJECT_CN_INVALID_NAME, 0, "cn", cn, "reason",
                     ucp_name_problem_text(p), NULL);
        } else if ((ucp_role_rule_flags(inv) & UCP_RF_NO_IDN) && ucp_name_is_idn(cn)) {
            emit(c, UCP_RULE_SUBJECT_CN_INVALID_NAME, 0, "cn", cn, "reason",
                 "it is an internationalized (IDN) name, which Lync and Skype for Business do not support",
                 NULL);
        } else if (ucp_name_is_single_label(cn)) {
            emit(c, UCP_RULE_SUBJECT_CN_INVALID_NAME, 0, "cn", cn, "reason",
                 "it is a single-label name, not a fully qualified domain name", NULL);
        }
    }
    const struct ucp_role_rule *mm = bound(c, UCP_RULE_SUBJECT_CN_MISMATCH);
    if (mm && !c->cn_wildcard_reported) {
        bool any = false, match = false;
        for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
            if (!(mm->facts & UCP_FACT_BIT(f)))
                continue;
            for (size_t i = 0; i < nfact(c, (ucp_fact)f); i++) {
                any = true;
                if (clean && ucp_strcasecmp(cn, fact(c, (ucp_fact)f, i)) == 0)
                    match = true;
            }
        }
        if (any && !match) {
            char *what = join_facts(c, mm->facts, true);
            emit(c, UCP_RULE_SUBJECT_CN_MISMATCH, 0, "cn", cn, "expected", expected, "what",
                 what ? what : "", NULL);
            free(what);
        }
    }
    free(expected);
    if (bound(c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN) && dns_count(cert) > 0) {
        bool found = false;
        for (size_t i = 0; i < cert->nsans && !found; i++) {
            const char *n = clean_dns(cert, i);
            if (n && clean && ucp_strcasecmp(n, cn) == 0)
                found = true;
        }
        if (!found)
            emit(c, UCP_RULE_SUBJECT_CN_NOT_IN_SAN, 0, "cn", cn, NULL);
    }
    if (bound(c, UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING) && nfact(c, UCP_FACT_SIP_DOMAIN) > 0) {
        const char *d = fact(c, UCP_FACT_SIP_DOMAIN, 0);
        size_t dl = strlen(d), cl = strlen(cn);
        bool ok = clean && (ucp_strcasecmp(cn, d) == 0 ||
                            (cl > dl + 1 && cn[cl - dl - 1] == '.' && ucp_strcasecmp(cn + cl - dl, d) == 0));
        if (!ok)
            emit(c, UCP_RULE_SUBJECT_SIP_DOMAIN_MISSING, 0, "cn", cn, "expected", d, NULL);
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether the role allows the wildcard entry @w ("*.rest"), given the binding's `allow` facts.
 * Returns -1 when the facts needed to decide were not given. */
static int wildcard_allowed(const struct ctx *c, const struct ucp_role_rule *rr, const char *w)
{
    if (!rr->allow)
        return 0;
    bool decidable = false;
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIMPLE_URL)) {
        for (size_t i = 0; i < nfact(c, UCP_FACT_SIMPLE_URL); i++) {
            decidable = true;
            if (ucp_name_matches(w, fact(c, UCP_FACT_SIMPLE_URL, i)))
                return 1;
        }
    }
    if (rr->allow & UCP_FACT_BIT(UCP_FACT_SIP_DOMAIN)) {
        for (size_t i = 0; i < nfact(c, UCP_FACT_SIP_DOMAIN); i++) {
            decidable = true;
            if (ucp_strcasecmp(w + 2, fact(c, UCP_FACT_SIP_DOMAIN, i)) == 0)
                return 1;
        }
    }
    return decidable ? 0 : -1;
}

static void check_san_entries(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    for (size_t i = 0; i < cert->nsans && bound(c, UCP_RULE_SAN_IP_RESERVED); i++) {
        const char *range = NULL;
        const struct ucp_san *s = &cert->sans[i];
        if (s->type == UCP_SAN_IP && ucp_ip_reserved(s->raw.data, s->raw.len, &range))
            emit(c, UCP_RULE_SAN_IP_RESERVED, 0, "ip", s->display, "range", range, NULL);
    }
    if (dns_count(cert) == 0) {
        emit(c, UCP_RULE_SAN_MISSING, 0, NULL);
        return;
    }
    const struct ucp_role_rule *not_allowed = bound(c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED);
    const char *first_wildcard = NULL;
    bool wildcard_first_reported = false;
    const char *xmpp = nfact(c, UCP_FACT_XMPP_DOMAIN) ? fact(c, UCP_FACT_XMPP_DOMAIN, 0) : NULL;
    const char **sorted = malloc(cert->nsans * sizeof *sorted);
    size_t nsorted = 0;
    if (!sorted) {
        c->nomem = true;
        return;
    }
    for (size_t i = 0; i < cert->nsans; i++) {
        const struct ucp_san *s = &cert->sans[i];
        if (s->type != UCP_SAN_DNS)
            continue;
        unsigned char bad = 0;
        enum ucp_name_problem p = ucp_name_check(s->raw.data, s->raw.len, true, &bad);
        if (p == UCP_NAME_WILDCARD_PARTIAL || p == UCP_NAME_WILDCARD_MULTIPLE ||
            p == UCP_NAME_WILDCARD_BARE || p == UCP_NAME_WILDCARD_SUFFIX) {
            emit(c, UCP_RULE_SAN_WILDCARD_INVALID, 0, "name", s->display, "reason",
                 ucp_name_problem_text(p), NULL);
            continue;
        }
        if (p != UCP_NAME_OK) {
            emit(c, UCP_RULE_SAN_INVALID_NAME, 0, "name", s->display, "reason", ucp_name_problem_text(p), NULL);
            continue;
        }
        const char *n = s->display; /* clean: checked above */
        sorted[nsorted++] = n;
        /* Single-label names are san.single-label's: they have no TLD to look up. */
        if (strchr(n, '.') && !ucp_tld_known(n)) {
            const char *dot = strrchr(n, '.');
            emit(c, UCP_RULE_SAN_TLD_UNKNOWN, 0, "name", n, "tld", dot ? dot + 1 : n, NULL);
        } else if (!ucp_name_is_wildcard(n) && strchr(n, '.') && ucp_is_listed_public_suffix(n)) {
            emit(c, UCP_RULE_SAN_PUBLIC_SUFFIX, 0, "name", n, NULL);
        }
        if (ucp_name_is_idn(n))
            emit(c, UCP_RULE_SAN_IDN, 0, "name", n, NULL);
        bool wild = ucp_name_is_wildcard(n);
        if (!wild && ucp_name_is_single_label(n))
            emit(c, UCP_RULE_SAN_SINGLE_LABEL, 0, "name", n, NULL);
        if (wild) {
            if (!first_wildcard)
                first_wildcard = n;
            if (xmpp && ucp_strcasecmp(n + 2, xmpp) == 0 && bound(c, UCP_RULE_SAN_XMPP_WILDCARD)) {
                emit(c, UCP_RULE_SAN_XMPP_WILDCARD, 0, "name", n, "domain", xmpp, NULL);
            } else if (not_allowed && wildcard_allowed(c, not_allowed, n) == 0) {
                emit(c, UCP_RULE_SAN_WILDCARD_NOT_ALLOWED, 0, "name", n, NULL);
            }
        } else if (first_wildcard && !wildcard_first_reported) {
            emit(c, UCP_RULE_SAN_WILDCARD_FIRST, 0, "name", first_wildcard, "explicit", n, NULL);
            wildcard_first_reported = true;
        }
    }
    /* Duplicates: sort (n log n), so 10,000 names stay fast. Names are compared case-insensitively. */
    if (bound(c, UCP_RULE_SAN_DUPLICATE) && nsorted > 1) {
        char **lower = malloc(nsorted * sizeof *lower);
        size_t nl = 0;
        if (lower) {
            for (size_t i = 0; i < nsorted; i++) {
                char *s = ucp_strdup(sorted[i]);
                if (!s)
                    break;
                for (char *p = s; *p; p++)
                    *p = ucp_tolower(*p);
                lower[nl++] = s;
            }
            qsort(lower, nl, sizeof *lower, cmp_str);
            for (size_t i = 1; i < nl; i++)
                if (strcmp(lower[i], lower[i - 1]) == 0 && (i + 1 == nl || strcmp(lower[i + 1], lower[i]) != 0))
                    emit(c, UCP_RULE_SAN_DUPLICATE, 0, "name", lower[i], NULL);
            for (size_t i = 0; i < nl; i++)
                free(lower[i]);
            free(lower);
        } else {
            c->nomem = true;
        }
    }
    free(sorted);
}

static char *prefixed(const char *prefix, const char *domain)
{
    return ucp_asprintf("%s%s", prefix, domain);
}

static void check_san_required(struct ctx *c)
{
    if (nfact(c, UCP_FACT_POOL))
        require_name(c, UCP_RULE_SAN_POOL_MISSING, fact(c, UCP_FACT_POOL, 0), NULL, NULL);
    if (nfact(c, UCP_FACT_FQDN))
        require_name(c, UCP_RULE_SAN_FQDN_MISSING, fact(c, UCP_FACT_FQDN, 0), NULL, NULL);
    if (nfact(c, UCP_FACT_WEB_FQDN))
        require_name(c, UCP_RULE_SAN_WEB_FQDN_MISSING, fact(c, UCP_FACT_WEB_FQDN, 0), NULL, NULL);
    if (nfact(c, UCP_FACT_ACCESS_EDGE))
        require_name(c, UCP_RULE_SAN_ACCESS_EDGE_MISSING, fact(c, UCP_FACT_ACCESS_EDGE, 0), NULL, NULL);
    if (nfact(c, UCP_FACT_WEBCONF_EDGE))
        require_name(c, UCP_RULE_SAN_WEBCONF_EDGE_MISSING, fact(c, UCP_FACT_WEBCONF_EDGE, 0), NULL, NULL);
    const struct ucp_role_rule *su = bound(c, UCP_RULE_SAN_SIMPLE_URL_MISSING);
    for (size_t i = 0; su && i < nfact(c, UCP_FACT_SIMPLE_URL); i++) {
        const char *host = fact(c, UCP_FACT_SIMPLE_URL, i);
        /* The admin simple URL is internal only: external interfaces do not publish it. */
        if ((ucp_role_rule_flags(su) & UCP_RF_NO_ADMIN) && strncmp(host, "admin.", 6) == 0)
            continue;
        const char *dot = strchr(host, '.');
        require_name(c, UCP_RULE_SAN_SIMPLE_URL_MISSING, host, "parent", dot ? dot + 1 : host);
    }
    const struct ucp_role_rule *ld = bound(c, UCP_RULE_SAN_LYNCDISCOVER_MISSING);
    for (size_t i = 0; i < nfact(c, UCP_FACT_SIP_DOMAIN); i++) {
        const char *d = fact(c, UCP_FACT_SIP_DOMAIN, i);
        char *sip = prefixed("sip.", d);
        if (!sip) {
            c->nomem = true;
            return;
        }
        require_name(c, UCP_RULE_SAN_SIP_DOMAIN_MISSING, sip, "domain", d);
        free(sip);
        if (ld) {
            char *disc = prefixed((ucp_role_rule_flags(ld) & UCP_RF_INTERNAL) ? "lyncdiscoverinternal."
                                                                                : "lyncdiscover.",
                                  d);
            if (!disc) {
                c->nomem = true;
                return;
            }
            require_name(c, UCP_RULE_SAN_LYNCDISCOVER_MISSING, disc, "domain", d);
            free(disc);
        }
    }
    /* OAuth: SIP domains other than the default one (the realm, in the subject) go in the SAN. */
    if (bound(c, UCP_RULE_SAN_DOMAIN_MISSING)) {
        for (size_t i = 1; i < nfact(c, UCP_FACT_SIP_DOMAIN); i++) {
            const char *d = fact(c, UCP_FACT_SIP_DOMAIN, i);
            bool found = false;
            for (size_t k = 0; k < c->leaf->nsans && !found; k++) {
                const char *n = clean_dns(c->leaf, k);
                found = n && ucp_strcasecmp(n, d) == 0;
            }
            if (!found)
                emit(c, UCP_RULE_SAN_DOMAIN_MISSING, 0, "name", d, NULL);
        }
    }
    if (bound(c, UCP_RULE_SAN_XMPP_MISSING) && nfact(c, UCP_FACT_XMPP_DOMAIN)) {
        const char *x = fact(c, UCP_FACT_XMPP_DOMAIN, 0);
        char *xname = prefixed("xmpp.", x), *wname = prefixed("*.", x);
        if (!xname || !wname) {
            c->nomem = true;
        } else {
            if (covers(c, xname, false, NULL) == NOT_COVERED)
                emit(c, UCP_RULE_SAN_XMPP_MISSING, 0, "name", xname, "domain", x, NULL);
            bool domain_or_wildcard = false;
            for (size_t k = 0; k < c->leaf->nsans; k++) {
                const char *n = clean_dns(c->leaf, k);
                if (n && (ucp_strcasecmp(n, wname) == 0 || ucp_strcasecmp(n, x) == 0))
                    domain_or_wildcard = true;
            }
            if (!domain_or_wildcard)
                emit(c, UCP_RULE_SAN_XMPP_MISSING, 0, "name", wname, "domain", x, NULL);
        }
        free(xname);
        free(wname);
    }
    if (bound(c, UCP_RULE_SAN_ONMICROSOFT_DOMAIN) && nfact(c, UCP_FACT_FQDN)) {
        const char *f = fact(c, UCP_FACT_FQDN, 0);
        size_t n = strlen(f);
        const char *suffix = ".onmicrosoft.com";
        size_t sl = strlen(suffix);
        if ((n > sl && ucp_strcasecmp(f + n - sl, suffix) == 0) || ucp_strcasecmp(f, suffix + 1) == 0)
            emit(c, UCP_RULE_SAN_ONMICROSOFT_DOMAIN, 0, "name", f, NULL);
    }
}

/* ---- usage, constraints, key, signature ------------------------------------------------- */

static void check_eku(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    const struct ucp_role_rule *sa = bound(c, UCP_RULE_EKU_SERVER_AUTH_MISSING);
    if (sa) {
        if (!cert->has_eku) {
            if (!(ucp_role_rule_flags(sa) & UCP_RF_ABSENT_OK))
                emit(c, UCP_RULE_EKU_SERVER_AUTH_MISSING, 0, "actual",
                     "the certificate has no extended key usage extension", NULL);
        } else if (!ucp_certificate_has_eku_oid(cert, OID_SERVER_AUTH) &&
                   !ucp_certificate_has_eku_oid(cert, OID_ANY_EKU)) {
            char *ekus = ucp_certificate_eku_names(cert, "nothing");
            char *s = ekus ? ucp_asprintf("the extension lists %s", ekus) : NULL;
            emit(c, UCP_RULE_EKU_SERVER_AUTH_MISSING, 0, "actual", s ? s : "", NULL);
            free(s);
            free(ekus);
        }
    }
    if (cert->has_eku && !ucp_certificate_has_eku_oid(cert, OID_CLIENT_AUTH) &&
        !ucp_certificate_has_eku_oid(cert, OID_ANY_EKU))
        emit(c, UCP_RULE_EKU_CLIENT_AUTH_MISSING, 0, NULL);
    if (cert->has_eku && cert->eku_critical)
        emit(c, UCP_RULE_EKU_CRITICAL, 0, NULL);
    /* Purposes a TLS server certificate should not carry (CA/B Forum BR 7.1.2.7.10). */
    static const struct {
        const char *oid, *text;
    } forbidden[] = {
        {OID_ANY_EKU, "anyExtendedKeyUsage (2.5.29.37.0)"},
        {"1.3.6.1.5.5.7.3.3", "codeSigning (1.3.6.1.5.5.7.3.3)"},
        {"1.3.6.1.5.5.7.3.8", "timeStamping (1.3.6.1.5.5.7.3.8)"},
        {"1.3.6.1.5.5.7.3.9", "OCSPSigning (1.3.6.1.5.5.7.3.9)"},
    };
    for (size_t i = 0; cert->has_eku && i < UCP_ARRAY_SIZE(forbidden); i++)
        if (ucp_certificate_has_eku_oid(cert, forbidden[i].oid))
            emit(c, UCP_RULE_EKU_SERVER_FORBIDDEN, 0, "purpose", forbidden[i].text, NULL);
}

static char *ku_text(unsigned ku)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    size_t n = 0;
    for (size_t i = 0; i < UCP_KEY_USAGE_NAMES; i++)
        if (ku & ucp_key_usage_names[i].gnutls)
            ucp_sb_printf(&sb, "%s%s", n++ ? ", " : "", ucp_key_usage_names[i].name);
    if (!n)
        ucp_sb_append(&sb, "no usage");
    return ucp_sb_finish(&sb);
}

static void check_key_usage(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    if (!cert->has_ku) {
        emit(c, UCP_RULE_KEY_USAGE_MISSING, 0, NULL);
        return;
    }
    char *all = ku_text(cert->ku);
    if (!all) {
        c->nomem = true;
        return;
    }
    unsigned ca_bits = cert->ku & (GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
    if (ca_bits) {
        char *s = ku_text(ca_bits);
        emit(c, UCP_RULE_KEY_USAGE_CERT_SIGN, 0, "actual", s ? s : "", NULL);
        free(s);
    }
    if (!(cert->ku & GNUTLS_KEY_DIGITAL_SIGNATURE))
        emit(c, UCP_RULE_KEY_USAGE_DIGITAL_SIGNATURE_MISSING, 0, "actual", all, NULL);
    if (cert->pk_algo == GNUTLS_PK_RSA && !(cert->ku & GNUTLS_KEY_KEY_ENCIPHERMENT))
        emit(c, UCP_RULE_KEY_USAGE_KEY_ENCIPHERMENT_MISSING, 0, "actual", all, NULL);
    free(all);
    /* Bits the key type cannot perform (RFC 8813 for ECC, RFC 8410 for EdDSA, RFC 4055 for RSA). */
    unsigned misfit = 0;
    const char *key = NULL;
    if (cert->pk_algo == GNUTLS_PK_ECDSA) {
        misfit = cert->ku & (GNUTLS_KEY_KEY_ENCIPHERMENT | GNUTLS_KEY_DATA_ENCIPHERMENT);
        key = "ECDSA";
    } else if (cert->pk_algo == GNUTLS_PK_EDDSA_ED25519 || cert->pk_algo == GNUTLS_PK_EDDSA_ED448) {
        misfit = cert->ku & (GNUTLS_KEY_KEY_ENCIPHERMENT | GNUTLS_KEY_DATA_ENCIPHERMENT |
                             GNUTLS_KEY_KEY_AGREEMENT);
        key = "EdDSA";
    } else if (cert->pk_algo == GNUTLS_PK_RSA || cert->pk_algo == GNUTLS_PK_RSA_PSS) {
        misfit = cert->ku & GNUTLS_KEY_KEY_AGREEMENT;
        key = "RSA";
    }
    if (misfit) {
        char *bits = ku_text(misfit);
        if (!bits)
            c->nomem = true;
        else
            emit(c, UCP_RULE_KEY_USAGE_KEY_TYPE_MISMATCH, 0, "bits", bits, "key", key, NULL);
        free(bits);
    }
}

static void check_basic_constraints(struct ctx *c)
{
    if (c->leaf->has_bc && c->leaf->bc_ca)
        emit(c, UCP_RULE_BASIC_CONSTRAINTS_CA, 0, NULL);
}

/* Why the RSA modulus of @cert is weak, offline and cheaply: even, or divisible by an odd prime
 * below 752 (the Baseline Requirements' bound, 6.1.6; zlint's e_rsa_no_small_factor: computed
 * once per certificate, with the other flaws of x509/rsa-weak.c). NULL when neither applies. */
static const char *rsa_modulus_weakness(const ucp_certificate *cert, char *buf, size_t cap)
{
    const struct ucp_bytes *n = &cert->rsa_n;
    if (n->len == 0)
        return NULL;
    if ((n->data[n->len - 1] & 1) == 0)
        return "the modulus is even (divisible by 2)";
    unsigned p = ucp_certificate_rsa_small_factor(cert);
    if (!p)
        return NULL;
    snprintf(buf, cap, "the modulus is divisible by the small prime %u", p);
    return buf;
}

static void check_key(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    char buf[64];
    if (cert->pk_algo == GNUTLS_PK_RSA) {
        snprintf(buf, sizeof buf, "%u", cert->bits);
        if (cert->bits < 1024)
            emit(c, UCP_RULE_KEY_RSA_TOO_SMALL, 0, "bits", buf, NULL);
        else if (cert->bits < 2048)
            emit(c, UCP_RULE_KEY_RSA_BELOW_2048, 0, "bits", buf, NULL);
        const struct ucp_bytes *e = &cert->rsa_e;
        if (e->len > 0) {
            uint64_t v = 0;
            bool small = e->len <= 8;
            for (size_t i = 0; small && i < e->len; i++)
                v = (v << 8) | e->data[i];
            bool even = (e->data[e->len - 1] & 1) == 0;
            if (small)
                snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
            else
                snprintf(buf, sizeof buf, "a %zu-byte number", e->len);
            if (even || (small && v <= 1))
                emit(c, UCP_RULE_KEY_RSA_INVALID_EXPONENT, 0, "exponent", buf, NULL);
            else if (small && v < 65537)
                emit(c, UCP_RULE_KEY_RSA_WEAK_EXPONENT, 0, "exponent", buf, NULL);
        }
        char why[96];
        const char *weak = bound(c, UCP_RULE_KEY_RSA_WEAK_MODULUS) ? rsa_modulus_weakness(cert, why, sizeof why)
                                                                    : NULL;
        if (weak)
            emit(c, UCP_RULE_KEY_RSA_WEAK_MODULUS, 0, "reason", weak, NULL);
        /* Fermat and ROCA: computed once per certificate (x509/rsa-weak.c). */
        if (bound(c, UCP_RULE_KEY_RSA_FERMAT) || bound(c, UCP_RULE_KEY_RSA_ROCA)) {
            unsigned steps;
            unsigned flaws = ucp_certificate_rsa_flaws(cert, &steps);
            if (flaws & UCP_RSA_FERMAT) {
                snprintf(buf, sizeof buf, "%u", steps);
                emit(c, UCP_RULE_KEY_RSA_FERMAT, 0, "steps", buf, NULL);
            }
            if (flaws & UCP_RSA_ROCA)
                emit(c, UCP_RULE_KEY_RSA_ROCA, 0, NULL);
        }
        return;
    }
    if (cert->pk_algo == GNUTLS_PK_ECDSA && cert->curve &&
        (strcmp(cert->curve, "P-256") == 0 || strcmp(cert->curve, "P-384") == 0 ||
         strcmp(cert->curve, "P-521") == 0)) {
        emit(c, UCP_RULE_KEY_ECC, 0, "curve", cert->curve, NULL);
        return;
    }
    if (cert->pk_algo == GNUTLS_PK_ECDSA)
        snprintf(buf, sizeof buf, "ECDSA %s", cert->curve ? cert->curve : "(unknown curve)");
    else
        snprintf(buf, sizeof buf, "%s", cert->key_algorithm);
    emit(c, UCP_RULE_KEY_UNSUPPORTED_ALGORITHM, 0, "algorithm", buf, NULL);
}

/* The serial number (RFC 5280 4.1.2.2): a positive INTEGER of at most 20 octets. The certificate
 * keeps the INTEGER's content octets as hex, sign octet included, so the first octet gives the
 * sign and the length is the encoded length (zlint counts the same way). */
static void check_serial(struct ctx *c)
{
    const char *hex = c->leaf->serial;
    size_t len = hex ? strlen(hex) / 2 : 0;
    if (len == 0)
        return;
    unsigned first = (unsigned)strtoul((char[]){hex[0], hex[1], 0}, NULL, 16);
    bool zero = strspn(hex, "0") == 2 * len;
    if (first & 0x80)
        emit(c, UCP_RULE_SERIAL_NOT_POSITIVE, 0, "serial", hex, "reason", "negative", NULL);
    else if (zero)
        emit(c, UCP_RULE_SERIAL_NOT_POSITIVE, 0, "serial", hex, "reason", "zero", NULL);
    if (len > 20) {
        char octets[24];
        snprintf(octets, sizeof octets, "%zu", len);
        emit(c, UCP_RULE_SERIAL_TOO_LONG, 0, "serial", hex, "octets", octets, NULL);
    }
}

static void check_signatures(struct ctx *c)
{
    const struct ucp_path *p = &c->path.best;
    size_t n = p->n;
    /* A root's own signature is never checked by peers: skip the last certificate when it is a
     * trust anchor or a self-signed root (unless it is the leaf itself). */
    if (n > 1 && (p->trusted || p->certs[n - 1]->self_signed))
        n--;
    for (size_t i = 0; i < n; i++) {
        const ucp_certificate *cert = p->certs[i];
        const char *alg = cert->signature_name;
        if (cert->sign_hash == GNUTLS_DIG_MD5 || cert->sign_hash == GNUTLS_DIG_MD2)
            emit(c, UCP_RULE_SIGNATURE_MD5, (int)i, "subject", cert->subject, "algorithm", alg, NULL);
        if (cert->sign_pss)
            emit(c, UCP_RULE_SIGNATURE_RSA_PSS, (int)i, "subject", cert->subject, "algorithm", alg, NULL);
        if (cert->sign_hash == GNUTLS_DIG_SHA1)
            emit(c, UCP_RULE_SIGNATURE_SHA1, (int)i, "subject", cert->subject, "algorithm", alg, NULL);
        if (i == 0 && cert->sign_hash == GNUTLS_DIG_SHA512)
            emit(c, UCP_RULE_SIGNATURE_SHA512, 0, "subject", cert->subject, "algorithm", alg, NULL);
        if (i == 0 && (cert->sign_hash == GNUTLS_DIG_SHA224 || cert->sign_hash == GNUTLS_DIG_SHA256 ||
                       cert->sign_hash == GNUTLS_DIG_SHA384 || cert->sign_hash == GNUTLS_DIG_SHA512))
            emit(c, UCP_RULE_SIGNATURE_SHA2_LYNC2010, 0, "subject", cert->subject, "algorithm", alg, NULL);
    }
}

/* ---- validity and revocation ---------------------------------------------------------------- */

static int64_t date_utc(int y, int m, int d)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    return ucp_timegm(&tm);
}

static void check_validity(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    char date[32], num[32];
    if (c->now > cert->not_after) {
        ucp_format_time(cert->not_after, date, sizeof date);
        emit(c, UCP_RULE_VALIDITY_EXPIRED, 0, "date", date, NULL);
    } else if (c->now < cert->not_before) {
        ucp_format_time(cert->not_before, date, sizeof date);
        emit(c, UCP_RULE_VALIDITY_NOT_YET_VALID, 0, "date", date, NULL);
    } else if (c->checker->expiry_days &&
               cert->not_after - c->now < (int64_t)c->checker->expiry_days * 86400) {
        ucp_format_time(cert->not_after, date, sizeof date);
        snprintf(num, sizeof num, "%lld", (long long)((cert->not_after - c->now) / 86400));
        emit(c, UCP_RULE_VALIDITY_EXPIRING, 0, "date", date, "days", num, NULL);
    }
    if (bound(c, UCP_RULE_VALIDITY_PUBLIC_MAX)) {
        /* CA/Browser Forum: maximum validity by issuance date (SC-081v3 schedule). */
        static const struct {
            int y, m, d;
            int max;
            const char *since;
        } caps[] = {
            {2029, 3, 15, 47, "2029-03-15"},
            {2027, 3, 15, 100, "2027-03-15"},
            {2026, 3, 15, 200, "2026-03-15"},
            {2020, 9, 1, 398, "2020-09-01"},
        };
        int64_t lifetime = cert->not_after - cert->not_before + 1;
        for (size_t i = 0; i < UCP_ARRAY_SIZE(caps); i++) {
            if (cert->not_before < date_utc(caps[i].y, caps[i].m, caps[i].d))
                continue;
            if (lifetime > (int64_t)caps[i].max * 86400) {
                char days[32], max[32];
                snprintf(days, sizeof days, "%lld", (long long)((lifetime + 86399) / 86400));
                snprintf(max, sizeof max, "%d", caps[i].max);
                emit(c, UCP_RULE_VALIDITY_PUBLIC_MAX, 0, "days", days, "max", max, "since", caps[i].since,
                     NULL);
            }
            break;
        }
    }
}

static void check_revocation(struct ctx *c)
{
    const ucp_certificate *cert = c->leaf;
    if (cert->ncrl_urls == 0) {
        emit(c, UCP_RULE_REVOCATION_CDP_MISSING, 0, NULL);
        return;
    }
    bool http = false;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    for (size_t i = 0; i < cert->ncrl_urls; i++) {
        if (strlen(cert->crl_urls[i]) > 7 && ucp_strcaseeq_n(cert->crl_urls[i], 7, "http://", 7))
            http = true;
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", cert->crl_urls[i]);
    }
    char *urls = ucp_sb_finish(&sb);
    if (!http)
        emit(c, UCP_RULE_REVOCATION_CDP_NO_HTTP, 0, "urls", urls ? urls : "", NULL);
    free(urls);
}

/* ---- chain ---------------------------------------------------------------------------------- */

static bool anchor_is_public(struct ctx *c, const ucp_certificate *anchor, enum ucp_cert_source src)
{
    if (c->checker->trust.public_roots_set)
        return ucp_pool_contains_entity(&c->checker->trust.public_roots, anchor);
    if (src == UCP_SOURCE_SYSTEM)
        return true;
    const struct ucp_pool *sys = ucp_trust_system_pool(&c->checker->trust);
    return sys && ucp_pool_contains_entity(sys, anchor);
}

static void emit_problems(struct ctx *c, const struct ucp_problem *problems, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const struct ucp_problem *pr = &problems[i];
        const char *n[UCP_PROBLEM_MAX_ARGS + 1] = {0};
        const char *v[UCP_PROBLEM_MAX_ARGS + 1] = {0};
        for (size_t k = 0; k < pr->nargs; k++) {
            n[k] = pr->names[k];
            v[k] = pr->values[k];
        }
        emit(c, pr->rule, pr->cert_index, n[0], v[0], n[1], v[1], n[2], v[2], n[3], v[3], NULL);
    }
}

static void check_chain(struct ctx *c)
{
    const struct ucp_path *p = &c->path.best;
    emit_problems(c, p->problems, p->nproblems);
    if (c->leaf->self_signed)
        emit(c, UCP_RULE_CHAIN_SELF_SIGNED, 0, NULL);
    if (p->trusted && p->n > 0) {
        const ucp_certificate *anchor = p->certs[p->n - 1];
        bool not_public = bound(c, UCP_RULE_CHAIN_NOT_PUBLIC) || bound(c, UCP_RULE_CHAIN_AIA_MISSING)
                              ? !anchor_is_public(c, anchor, p->sources[p->n - 1])
                              : false;
        if (not_public)
            emit(c, UCP_RULE_CHAIN_NOT_PUBLIC, (int)(p->n - 1), "anchor", anchor->subject, NULL);
        /* A public CA's certificate carries AIA (caIssuers, OCSP): Baseline Requirements 7.1.2.7.7. */
        if (p->n > 1 && !not_public && bound(c, UCP_RULE_CHAIN_AIA_MISSING) && c->leaf->nca_issuers_urls == 0 &&
            c->leaf->nocsp_urls == 0)
            emit(c, UCP_RULE_CHAIN_AIA_MISSING, 0, "anchor", anchor->subject, NULL);
        if (p->n > 1 && !anchor->self_signed)
            emit(c, UCP_RULE_CHAIN_ANCHOR_NOT_ROOT, (int)(p->n - 1), "subject", anchor->subject, NULL);
    }
}

/* ---- the profile of every certificate on the path (x509/profile.c) --------------------------- */

/* A DSA key, or an ECDSA key on a curve other than P-256/P-384/P-521, as "DSA 1024-bit" / "ECDSA
 * P-192"; NULL for any other key. */
static const char *weak_key_text(const ucp_certificate *cert, char *buf, size_t cap)
{
    if (cert->pk_algo == GNUTLS_PK_DSA) {
        snprintf(buf, cap, "DSA %u-bit", cert->bits);
        return buf;
    }
    if (cert->pk_algo == GNUTLS_PK_ECDSA &&
        !(cert->curve && (strcmp(cert->curve, "P-256") == 0 || strcmp(cert->curve, "P-384") == 0 ||
                          strcmp(cert->curve, "P-521") == 0))) {
        snprintf(buf, cap, "ECDSA %s", cert->curve ? cert->curve : "(unknown curve)");
        return buf;
    }
    return NULL;
}

/* RFC 5280 profile rules on each certificate of the chosen path, each finding naming the
 * certificate by its index. Rules the path rules already cover are left to them: an intermediate
 * without basic constraints is chain.issuer-not-ca, a leaf's DSA key key.unsupported-algorithm
 * where the role binds it, and signature algorithms (MD2, MD5, SHA-1) are check_signatures'. */
static void check_profile(struct ctx *c)
{
    const struct ucp_path *p = &c->path.best;
    bool leaf_key_rule = bound(c, UCP_RULE_KEY_UNSUPPORTED_ALGORITHM) != NULL;
    for (size_t i = 0; i < p->n; i++) {
        const ucp_certificate *cert = p->certs[i];
        /* The leaf itself when it is a self-signed trust anchor is a leaf here, not a CA. */
        bool ca = i > 0;
        bool root = ca && i == p->n - 1 && cert->self_signed;
        int idx = (int)i;
        struct ucp_profile pf;
        if (!ucp_certificate_profile(cert, &pf)) {
            c->nomem = true;
            return;
        }
        if (root && !pf.bc_present)
            emit(c, UCP_RULE_BASIC_CONSTRAINTS_ROOT_MISSING, idx, "subject", cert->subject, NULL);
        if (ca && pf.bc_present && cert->bc_ca && !pf.bc_critical)
            emit(c, UCP_RULE_BASIC_CONSTRAINTS_CA_NOT_CRITICAL, idx, "subject", cert->subject, NULL);
        if (ca && cert->raw_subject.len <= 2)
            emit(c, UCP_RULE_SUBJECT_CA_EMPTY, idx, "position", root ? "root" : "intermediate", NULL);
        if (cert->raw_issuer.len <= 2)
            emit(c, UCP_RULE_SUBJECT_ISSUER_EMPTY, idx, "subject", *cert->subject ? cert->subject : "(empty subject)",
                 NULL);
        if (!pf.aki_present && !cert->self_signed)
            emit(c, UCP_RULE_CHAIN_AKI_MISSING, idx, "subject", cert->subject, NULL);
        if (ca && !pf.ski_present)
            emit(c, UCP_RULE_CHAIN_SKI_MISSING, idx, "subject", cert->subject, NULL);
        if (pf.aki_present && pf.aki_malformed)
            emit(c, UCP_RULE_CHAIN_KEY_ID_MALFORMED, idx, "subject", cert->subject, "extension",
                 "authority key identifier", NULL);
        if (pf.ski_present && pf.ski_malformed)
            emit(c, UCP_RULE_CHAIN_KEY_ID_MALFORMED, idx, "subject", cert->subject, "extension",
                 "subject key identifier", NULL);
        if (pf.aki_present && pf.aki_critical)
            emit(c, UCP_RULE_CHAIN_AKI_CRITICAL, idx, "subject", cert->subject, NULL);
        if (i == 0 && pf.nc_present && !cert->bc_ca)
            emit(c, UCP_RULE_CHAIN_NAME_CONSTRAINTS_LEAF, idx, "subject", cert->subject, NULL);
        if (pf.aia_problem)
            emit(c, UCP_RULE_CHAIN_AIA_MALFORMED, idx, "subject", cert->subject, "problem", pf.aia_problem, NULL);
        char buf[64];
        const char *weak = weak_key_text(cert, buf, sizeof buf);
        if (weak && (i > 0 || !leaf_key_rule))
            emit(c, UCP_RULE_KEY_PATH_WEAK_ALGORITHM, idx, "subject", cert->subject, "algorithm", weak, NULL);
        ucp_profile_dispose(&pf);
    }
}

/* ---- private key and pool (facts from pkcs12.c and pool-check.c) ------------------------------- */

static void check_private_key(struct ctx *c)
{
    if (c->leaf->template_problem)
        emit(c, UCP_RULE_INPUT_TEMPLATE_MALFORMED, 0, "problem", c->leaf->template_problem, NULL);
    /* Key facts exist only for inputs that hold a key: a certificate file gives no finding here. */
    if (!c->input->has_key)
        return;
    emit(c, UCP_RULE_PRIVATE_KEY_EXPORTABLE_UNKNOWN, 0, NULL);
    const struct ucp_key_facts *k = c->input->key_facts;
    if (!k || !k->present)
        return; /* a PKCS#12 key bag that could not be examined */
    if (k->match == UCP_KEY_MATCH_NO)
        emit(c, UCP_RULE_PRIVATE_KEY_MISMATCH, 0, "certificate", c->leaf->subject, "thumbprint",
             ucp_certificate_sha1(c->leaf), NULL);
    if (k->storage == UCP_KEY_STORAGE_KSP) {
        emit(c, UCP_RULE_PRIVATE_KEY_CNG_PROVIDER, 0, "provider", k->provider, NULL);
    } else if (k->storage == UCP_KEY_STORAGE_UNKNOWN) {
        char *state = NULL;
        switch (k->provider_state) {
        case UCP_KEY_PROVIDER_RECORDED:
            state = ucp_asprintf("the recorded provider '%s' is known as neither a CryptoAPI provider nor "
                                 "a CNG key storage provider", k->provider);
            break;
        case UCP_KEY_PROVIDER_NOT_RECORDED:
            state = ucp_strdup("the key's SafeBag records no provider (OpenSSL, GnuTLS and Java write none)");
            break;
        case UCP_KEY_PROVIDER_NOT_VISIBLE:
            state = ucp_strdup("the key's SafeBag is inside an encrypted ContentInfo, whose attributes "
                               "other than the friendly name cannot be read");
            break;
        case UCP_KEY_PROVIDER_NOT_APPLICABLE:
            break;
        }
        if (state)
            emit(c, UCP_RULE_PRIVATE_KEY_PROVIDER_UNKNOWN, 0, "state", state, NULL);
        else if (k->provider_state != UCP_KEY_PROVIDER_NOT_APPLICABLE)
            c->nomem = true;
        free(state);
    }
}

static void check_pool(struct ctx *c)
{
    const struct ucp_pool_compare *p = c->pool;
    if (!p || p->n == 0)
        return;
    const struct ucp_pool_member *ref = &p->members[0];
    for (size_t i = 1; i < p->n; i++) {
        const struct ucp_pool_member *m = &p->members[i];
        char *diff = NULL;
        switch (m->state) {
        case UCP_POOL_SAME_KEY:
            diff = ucp_asprintf("it holds another certificate (SHA-1 %s) for the same private key",
                                ucp_certificate_sha1(m->cert));
            break;
        case UCP_POOL_DIFFERENT_KEY:
            diff = m->same_certificate
                       ? ucp_strdup("it holds the same certificate, but its private key is not that "
                                    "certificate's key")
                       : ucp_asprintf("it holds another certificate (SHA-1 %s) with another private key",
                                      ucp_certificate_sha1(m->cert));
            break;
        case UCP_POOL_REFERENCE:
        case UCP_POOL_IDENTICAL:
            continue;
        }
        if (!diff) {
            c->nomem = true;
            return;
        }
        emit(c, UCP_RULE_PRIVATE_KEY_POOL_MISMATCH, -1, "file", m->name, "reference", ref->name,
             "difference", diff, NULL);
        free(diff);
    }
}

/* ---- report ----------------------------------------------------------------------------------- */

/* "CN=leaf <- CN=Issuing CA [input] <- CN=Root [trust]: invalid: <problem messages>" */
static char *summarize_path(const struct ucp_path *p)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    for (size_t i = 0; i < p->n; i++) {
        const ucp_certificate *x = p->certs[i];
        ucp_sb_printf(&sb, "%s%s [%s]", i ? " <- " : "", *x->subject ? x->subject : "(empty subject)",
                      ucp_cert_source_name(p->sources[i]));
    }
    ucp_sb_printf(&sb, ": %s", ucp_chain_status_name(p->status));
    for (size_t i = 0; i < p->nproblems; i++) {
        char *m = ucp_problem_message(&p->problems[i]);
        ucp_sb_printf(&sb, "%s%s (%s)", i ? "; " : ": ", m ? m : "", ucp_rules[p->problems[i].rule].code);
        free(m);
    }
    return ucp_sb_finish(&sb);
}

ucp_status ucp_evaluate(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                        const ucp_topology *topology, ucp_report **out)
{
    return ucp_evaluate_pool(checker, input, role, topology, NULL, out);
}

ucp_status ucp_evaluate_pool(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                             const ucp_topology *topology, struct ucp_pool_compare *pool,
                             ucp_report **out)
{
    struct ctx c;
    memset(&c, 0, sizeof c);
    c.pool = pool;
    c.checker = checker;
    c.input = input;
    c.role = role;
    c.leaf = input->certs[0];
    c.now = checker->time == UCP_TIME_NOW ? (int64_t)time(NULL) : checker->time;
    ucp_topology *empty = NULL;
    ucp_status chosen = ucp_topology_require_server(topology);
    if (chosen != UCP_OK) {
        ucp_pool_compare_free(pool);
        return chosen;
    }
    if (!topology) {
        ucp_status st = ucp_topology_new(&empty);
        if (st != UCP_OK) {
            ucp_pool_compare_free(pool);
            return st;
        }
        topology = empty;
    }
    c.topo = topology;
    c.product = topology->product;

    ucp_status st = ucp_build_path(&checker->trust, input, c.now, &c.path);
    if (st == UCP_OK) {
        check_input(&c);
        check_subject(&c);
        check_san_entries(&c);
        check_san_required(&c);
        check_eku(&c);
        check_key_usage(&c);
        check_basic_constraints(&c);
        check_key(&c);
        check_serial(&c);
        check_signatures(&c);
        check_validity(&c);
        check_revocation(&c);
        check_chain(&c);
        check_profile(&c);
        check_private_key(&c);
        check_pool(&c);
        ucp_revocation_check(&checker->trust, &c.path.best, c.now, &c.revocation);
        emit_problems(&c, c.revocation.problems, c.revocation.nproblems);
        if (c.revocation.nomem)
            c.nomem = true;
        if (c.nomem)
            st = ucp_fail_nomem();
    }
    ucp_report *r = NULL;
    if (st == UCP_OK) {
        r = calloc(1, sizeof *r);
        if (!r || ucp_topology_copy(&r->topology, topology) != UCP_OK) {
            free(r);
            r = NULL;
            st = ucp_fail_nomem();
        }
    }
    if (st == UCP_OK) {
        atomic_init(&r->refs, 1);
        r->role = role;
        r->product = c.product;
        r->input_name = ucp_strdup(input->name);
        r->format = input->format;
        r->time = c.now;
        r->expiry_days = checker->expiry_days;
        const struct ucp_path *p = &c.path.best;
        for (size_t i = 0; i < p->n; i++) {
            r->chain[i] = ucp_certificate_mut_ref(p->certs[i]);
            r->chain_sources[i] = p->sources[i];
        }
        r->nchain = p->n;
        for (size_t i = 0; i < p->n; i++) {
            r->revocation[i] = c.revocation.status[i];
            r->revocation_source[i] = c.revocation.source[i];
            c.revocation.source[i] = NULL;
        }
        r->trusted = p->trusted;
        for (size_t i = 0; i < c.path.nrejected; i++) {
            r->rejected[i] = c.path.rejected[i];
            memset(&c.path.rejected[i], 0, sizeof c.path.rejected[i]);
            r->rejected_summary[i] = summarize_path(&r->rejected[i]);
            if (!r->rejected_summary[i])
                c.nomem = true;
        }
        r->nrejected = c.path.nrejected;
        c.path.nrejected = 0;
        r->chain_status = p->status;
        r->policies = c.path.best.policies;
        r->npolicies = c.path.best.npolicies;
        c.path.best.policies = NULL;
        c.path.best.npolicies = 0;
        r->has_key = input->has_key;
        bool facts_nomem = input->key_facts && !(r->key_facts = ucp_key_facts_copy(input->key_facts));
        r->pool = pool;
        pool = NULL;
        /* Stable sort by severity (most serious first), keeping the analysis order within: a
         * pass per severity, linear (an insertion sort was quadratic when a certificate with
         * thousands of bad SAN entries interleaves errors and warnings). */
        struct ucp_finding *sorted = c.nfindings ? malloc(c.nfindings * sizeof *sorted) : NULL;
        if (sorted) {
            size_t k = 0;
            for (int sev = UCP_SEVERITY_ERROR; sev >= UCP_SEVERITY_INFO; sev--)
                for (size_t i = 0; i < c.nfindings; i++)
                    if ((int)c.findings[i].severity == sev)
                        sorted[k++] = c.findings[i];
            if (k == c.nfindings) {
                free(c.findings);
                c.findings = sorted;
            } else {
                free(sorted);
                c.nomem = true;
            }
        } else if (c.nfindings) {
            c.nomem = true;
        }
        r->findings = c.findings;
        r->nfindings = c.nfindings;
        c.findings = NULL;
        c.nfindings = 0;
        for (size_t i = 0; i < r->nfindings; i++)
            r->counts[r->findings[i].severity]++;
        r->result = r->counts[UCP_SEVERITY_ERROR]     ? UCP_RESULT_FAIL
                    : r->counts[UCP_SEVERITY_WARNING] ? UCP_RESULT_WARNING
                                                      : UCP_RESULT_PASS;
        if (!r->input_name || facts_nomem || c.nomem) {
            ucp_report_destroy(r);
            r = NULL;
            st = ucp_fail_nomem();
        }
    }
    ucp_pool_compare_free(pool);
    for (size_t i = 0; i < c.nfindings; i++)
        ucp_finding_dispose(&c.findings[i]);
    free(c.findings);
    ucp_path_result_dispose(&c.path);
    ucp_revocation_result_dispose(&c.revocation);
    ucp_topology_free(empty);
    *out = r;
    return st;
}
