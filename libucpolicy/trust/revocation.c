/* SPDX-License-Identifier: MIT */
/*
 * Revocation: CRLs given by the caller (--crl) and, online, CRLs fetched from the certificates'
 * distribution points and OCSP answers from their AIA responders. Every certificate of the path
 * that has an issuer in the path gets a status; problems become findings (revocation.*).
 *
 * A CRL counts only when its signature verifies with the key of the certificate's issuer in the
 * path; it confirms "good" only while current (thisUpdate <= time <= nextUpdate), but a listed
 * serial means revoked even in a stale CRL. GnuTLS decodes and verifies CRLs and OCSP responses.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/ocsp.h>

#include "trust/trust-private.h"

struct serial {
    uint8_t *data;
    size_t len;
    int64_t date;
};

struct ucp_crl {
    gnutls_x509_crl_t crl;
    char *source;
    struct ucp_bytes raw_issuer;
    int64_t this_update;
    int64_t next_update; /* -1: none */
    struct serial *serials; /* sorted for binary search */
    size_t nserials;
};

static void crl_free(struct ucp_crl *c)
{
    if (!c)
        return;
    if (c->crl)
        gnutls_x509_crl_deinit(c->crl);
    free(c->source);
    free(c->raw_issuer.data);
    for (size_t i = 0; i < c->nserials; i++)
        free(c->serials[i].data);
    free(c->serials);
    free(c);
}

static int serial_cmp(const void *a, const void *b)
{
    const struct serial *x = a, *y = b;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return memcmp(x->data, y->data, x->len);
}

static void strip_zeros(const uint8_t **p, size_t *n)
{
    while (*n > 1 && (*p)[0] == 0) {
        (*p)++;
        (*n)--;
    }
}

/* Take ownership of an imported GnuTLS CRL and index it. */
static ucp_status crl_wrap(gnutls_x509_crl_t raw, const char *source, struct ucp_crl **out)
{
    struct ucp_crl *c = calloc(1, sizeof *c);
    if (!c) {
        gnutls_x509_crl_deinit(raw);
        return ucp_fail_nomem();
    }
    c->crl = raw;
    c->source = ucp_strdup(source);
    gnutls_datum_t dn = {NULL, 0};
    if (gnutls_x509_crl_get_raw_issuer_dn(raw, &dn) < 0 || !c->source) {
        gnutls_free(dn.data);
        crl_free(c);
        return ucp_fail(UCP_E_CORRUPT, source, "the CRL's issuer cannot be read");
    }
    c->raw_issuer.data = malloc(dn.size ? dn.size : 1);
    if (!c->raw_issuer.data) {
        gnutls_free(dn.data);
        crl_free(c);
        return ucp_fail_nomem();
    }
    memcpy(c->raw_issuer.data, dn.data, dn.size);
    c->raw_issuer.len = dn.size;
    gnutls_free(dn.data);
    c->this_update = (int64_t)gnutls_x509_crl_get_this_update(raw);
    time_t nu = gnutls_x509_crl_get_next_update(raw);
    c->next_update = nu == (time_t)-1 ? -1 : (int64_t)nu;
    int count = gnutls_x509_crl_get_crt_count(raw);
    if (count > 0) {
        c->serials = calloc((size_t)count, sizeof *c->serials);
        if (!c->serials) {
            crl_free(c);
            return ucp_fail_nomem();
        }
    }
    gnutls_x509_crl_iter_t iter = NULL;
    for (;;) {
        unsigned char buf[64];
        size_t size = sizeof buf;
        time_t t = 0;
        int ret = gnutls_x509_crl_iter_crt_serial(raw, &iter, buf, &size, &t);
        if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
            break;
        if (ret < 0 || c->nserials >= (size_t)count) {
            gnutls_x509_crl_iter_deinit(iter);
            crl_free(c);
            return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                   "a revoked-certificate entry of the CRL cannot be read");
        }
        const uint8_t *p = buf;
        strip_zeros(&p, &size);
        struct serial *s = &c->serials[c->nserials];
        s->data = malloc(size);
        if (!s->data) {
            gnutls_x509_crl_iter_deinit(iter);
            crl_free(c);
            return ucp_fail_nomem();
        }
        memcpy(s->data, p, size);
        s->len = size;
        s->date = (int64_t)t;
        c->nserials++;
    }
    gnutls_x509_crl_iter_deinit(iter);
    /* An empty CRL has no array at all: qsort() and bsearch() must not see its NULL. */
    if (c->nserials > 1)
        qsort(c->serials, c->nserials, sizeof *c->serials, serial_cmp);
    *out = c;
    return UCP_OK;
}

static ucp_status crl_set_push(struct ucp_crl_set *set, struct ucp_crl *c)
{
    struct ucp_crl **v = realloc(set->v, (set->n + 1) * sizeof *v);
    if (!v) {
        crl_free(c);
        return ucp_fail_nomem();
    }
    set->v = v;
    v[set->n++] = c;
    return UCP_OK;
}

ucp_status ucp_crl_set_load(struct ucp_crl_set *set, const uint8_t *data, size_t len, const char *source)
{
    if (len == 0)
        return ucp_fail(UCP_E_FORMAT, source, "the CRL file is empty");
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
    bool pem = ucp_memmem(data, len, "-----BEGIN X509 CRL-----", 24) != NULL;
    if (pem) {
        gnutls_x509_crl_t *list = NULL;
        unsigned n = 0;
        int ret = gnutls_x509_crl_list_import2(&list, &n, &d, GNUTLS_X509_FMT_PEM, 0);
        if (ret < 0)
            return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source,
                                   "not a valid PEM CRL: %s", gnutls_strerror(ret));
        ucp_status st = UCP_OK;
        for (unsigned i = 0; i < n; i++) {
            struct ucp_crl *c = NULL;
            if (st == UCP_OK && (st = crl_wrap(list[i], source, &c)) == UCP_OK)
                st = crl_set_push(set, c);
            else if (st != UCP_OK)
                gnutls_x509_crl_deinit(list[i]);
        }
        gnutls_free(list);
        return st;
    }
    gnutls_x509_crl_t raw;
    int ret = gnutls_x509_crl_init(&raw);
    if (ret < 0)
        return ucp_fail_nomem();
    ret = gnutls_x509_crl_import(raw, &d, GNUTLS_X509_FMT_DER);
    if (ret < 0) {
        gnutls_x509_crl_deinit(raw);
        return ucp_fail_origin(UCP_E_FORMAT, UCP_ORIGIN_GNUTLS, ret, source,
                               "not a CRL in PEM or DER form: %s", gnutls_strerror(ret));
    }
    struct ucp_crl *c = NULL;
    ucp_status st = crl_wrap(raw, source, &c);
    return st == UCP_OK ? crl_set_push(set, c) : st;
}

void ucp_crl_set_dispose(struct ucp_crl_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        crl_free(set->v[i]);
    free(set->v);
    set->v = NULL;
    set->n = 0;
}

/* ---- the per-checker cache of fetched CRLs ----------------------------------------------------- */

struct ucp_fetched {
    char *url;
    bool allow_private;  /* the setting it was fetched under: a refusal is not reused once allowed */
    struct ucp_crl *crl; /* NULL when the fetch or the parse failed */
    char *error;
};

void ucp_fetch_cache_dispose(struct ucp_fetch_cache *cache)
{
    for (size_t i = 0; i < cache->n; i++) {
        free(cache->v[i].url);
        crl_free(cache->v[i].crl);
        free(cache->v[i].error);
    }
    free(cache->v);
    cache->v = NULL;
    cache->n = 0;
}

/* The CRL at @url, fetched once per checker and setting of the private network (later checks,
 * also from other threads, reuse it). Returns NULL with @error set when it cannot be had. */
static const struct ucp_crl *fetch_crl(struct ucp_trust *trust, const char *url, const char **error)
{
    struct ucp_fetch_cache *cache = &trust->fetched;
    bool allow_private = trust->allow_private;
    pthread_mutex_lock(trust->lock);
    for (size_t i = 0; i < cache->n; i++) {
        if (strcmp(cache->v[i].url, url) == 0 && cache->v[i].allow_private == allow_private) {
            const struct ucp_fetched *f = &cache->v[i];
            *error = f->error;
            pthread_mutex_unlock(trust->lock);
            return f->crl;
        }
    }
    pthread_mutex_unlock(trust->lock);

    struct ucp_bytes body;
    char *err = NULL;
    struct ucp_crl *crl = NULL;
    ucp_status st =
        ucp_http_fetch(url, NULL, 0, NULL, trust->timeout_ms, trust->fetch_limit, allow_private, &body, &err);
    if (st == UCP_OK) {
        struct ucp_crl_set tmp = {0};
        if (ucp_crl_set_load(&tmp, body.data, body.len, url) == UCP_OK && tmp.n >= 1) {
            crl = tmp.v[0];
            tmp.v[0] = NULL;
        } else {
            err = ucp_asprintf("not a CRL (%s)", ucp_error_message(ucp_error_last()));
        }
        for (size_t i = 1; i < tmp.n; i++)
            crl_free(tmp.v[i]);
        free(tmp.v);
        ucp_error_clear();
        free(body.data);
    }
    pthread_mutex_lock(trust->lock);
    struct ucp_fetched *v = realloc(cache->v, (cache->n + 1) * sizeof *v);
    if (!v) {
        pthread_mutex_unlock(trust->lock);
        crl_free(crl);
        free(err);
        *error = "out of memory";
        return NULL;
    }
    cache->v = v;
    v[cache->n].url = ucp_strdup(url);
    v[cache->n].allow_private = allow_private;
    v[cache->n].crl = crl;
    v[cache->n].error = err;
    *error = err;
    cache->n++;
    pthread_mutex_unlock(trust->lock);
    return crl;
}

/* ---- evaluation ------------------------------------------------------------------------------------ */

UCP_EXPORT const char *ucp_revocation_name(ucp_revocation r)
{
    switch (r) {
    case UCP_REVOCATION_NOT_CHECKED: return "not-checked";
    case UCP_REVOCATION_GOOD: return "good";
    case UCP_REVOCATION_REVOKED: return "revoked";
    case UCP_REVOCATION_UNKNOWN: return "unknown";
    case UCP_REVOCATION_UNREACHABLE: return "unreachable";
    }
    return "";
}

static bool crl_lists(const struct ucp_crl *crl, const ucp_certificate *cert, int64_t *date)
{
    unsigned char buf[64];
    size_t size = sizeof buf;
    if (gnutls_x509_crt_get_serial(ucp_certificate_crt(cert), buf, &size) < 0)
        return false;
    const uint8_t *p = buf;
    strip_zeros(&p, &size);
    struct serial key = {(uint8_t *)p, size, 0};
    const struct serial *hit =
        crl->nserials ? bsearch(&key, crl->serials, crl->nserials, sizeof *crl->serials, serial_cmp) : NULL;
    if (hit && date)
        *date = hit->date;
    return hit != NULL;
}

static bool crl_signed_by(const struct ucp_crl *crl, const ucp_certificate *issuer)
{
    if (crl->raw_issuer.len != issuer->raw_subject.len ||
        memcmp(crl->raw_issuer.data, issuer->raw_subject.data, crl->raw_issuer.len) != 0)
        return false;
    unsigned verify = 0;
    gnutls_x509_crt_t ca = ucp_certificate_crt(issuer);
    if (!ca)
        return false;
    int ret = gnutls_x509_crl_verify(crl->crl, &ca, 1,
                                     GNUTLS_VERIFY_DISABLE_TIME_CHECKS | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                                         GNUTLS_VERIFY_ALLOW_BROKEN | GNUTLS_VERIFY_DISABLE_CA_SIGN,
                                     &verify);
    if (ret < 0)
        return false;
    /* GnuTLS also flags a superseded or future CRL here, whatever the flags: timeliness is
     * judged by use_crl() at the caller's validation time, so only the other bits count. */
    const unsigned time_bits = GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED | GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE;
    unsigned rest = verify & ~time_bits;
    if (rest == GNUTLS_CERT_INVALID && (verify & time_bits))
        rest = 0;
    return rest == 0;
}

struct rev_ctx {
    struct ucp_trust *trust;
    int64_t now;
    struct ucp_revocation_result *out;
};

static void problem(struct rev_ctx *r, enum ucp_rule_id rule, int index, const char *n1, const char *v1,
                    const char *n2, const char *v2, const char *n3, const char *v3, const char *n4,
                    const char *v4)
{
    struct ucp_problem *v = realloc(r->out->problems, (r->out->nproblems + 1) * sizeof *v);
    if (!v) {
        r->out->nomem = true;
        return;
    }
    r->out->problems = v;
    struct ucp_problem *p = &v[r->out->nproblems++];
    memset(p, 0, sizeof *p);
    p->rule = rule;
    p->cert_index = index;
    const char *names[4] = {n1, n2, n3, n4}, *values[4] = {v1, v2, v3, v4};
    for (size_t i = 0; i < 4 && names[i]; i++) {
        p->names[p->nargs] = names[i];
        p->values[p->nargs] = ucp_strdup(values[i] ? values[i] : "");
        if (!p->values[p->nargs])
            r->out->nomem = true;
        p->nargs++;
    }
}

/* Consider one CRL for certificate @i (issued by @issuer). Returns true when it gave an answer. */
static bool use_crl(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer,
                    const struct ucp_crl *crl, bool *stale_reported)
{
    if (!crl_signed_by(crl, issuer)) {
        if (crl->raw_issuer.len == issuer->raw_subject.len &&
            memcmp(crl->raw_issuer.data, issuer->raw_subject.data, crl->raw_issuer.len) == 0)
            problem(r, UCP_RULE_REVOCATION_CRL_BAD_SIGNATURE, (int)i, "source", crl->source, "issuer",
                    issuer->subject, NULL, NULL, NULL, NULL);
        return false;
    }
    char date[32];
    int64_t revoked_at = 0;
    if (crl_lists(crl, cert, &revoked_at)) {
        ucp_format_time(revoked_at, date, sizeof date);
        char *src = ucp_asprintf("CRL %s", crl->source);
        problem(r, UCP_RULE_REVOCATION_REVOKED, (int)i, "subject", cert->subject, "date", date, "source",
                src ? src : crl->source, NULL, NULL);
        free(src);
        r->out->status[i] = UCP_REVOCATION_REVOKED;
        free(r->out->source[i]);
        r->out->source[i] = ucp_asprintf("crl %s", crl->source);
        return true;
    }
    const char *state = NULL;
    int64_t when = 0;
    if (crl->this_update > r->now) {
        state = "is not valid before";
        when = crl->this_update;
    } else if (crl->next_update >= 0 && crl->next_update < r->now) {
        state = "expired on";
        when = crl->next_update;
    }
    if (state) {
        if (!*stale_reported) {
            ucp_format_time(when, date, sizeof date);
            problem(r, UCP_RULE_REVOCATION_CRL_EXPIRED, (int)i, "subject", cert->subject, "source", crl->source,
                    "state", state, "date", date);
            *stale_reported = true;
        }
        return false;
    }
    r->out->status[i] = UCP_REVOCATION_GOOD;
    free(r->out->source[i]);
    r->out->source[i] = ucp_asprintf("crl %s", crl->source);
    return true;
}

/* Why the CRL fetched from @url gave no answer for a certificate issued by @issuer (use_crl()
 * said no, and not because it is out of date): it is another issuer's, or it names the issuer
 * but its signature does not verify with the issuer's key. Appended to @failures. */
static void crl_not_for(struct ucp_strbuf *failures, const char *url, const struct ucp_crl *crl,
                        const ucp_certificate *issuer)
{
    const char *sep = failures->len ? "; " : "";
    if (crl->raw_issuer.len == issuer->raw_subject.len &&
        memcmp(crl->raw_issuer.data, issuer->raw_subject.data, crl->raw_issuer.len) == 0) {
        ucp_sb_printf(failures, "%s%s: the CRL found there names the certificate's issuer '%s' but is not "
                                "signed by its key", sep, url, issuer->subject);
        return;
    }
    gnutls_datum_t dn = {NULL, 0};
    char *shown = NULL;
    if (gnutls_x509_crl_get_issuer_dn3(crl->crl, &dn, 0) >= 0 && dn.data)
        shown = ucp_display_bytes(dn.data, dn.size);
    gnutls_free(dn.data);
    ucp_sb_printf(failures, "%s%s: the CRL found there is issued by '%s', not by the certificate's issuer '%s'",
                  sep, url, shown ? shown : "(a name that cannot be read)", issuer->subject);
    free(shown);
}

/* OCSP for certificate @i: returns true when the responder gave a signed answer. */
static bool use_ocsp(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer,
                     const char *url, char **error)
{
    *error = NULL;
    gnutls_ocsp_req_t req = NULL;
    gnutls_ocsp_resp_t resp = NULL;
    gnutls_datum_t der = {NULL, 0};
    struct ucp_bytes body = {NULL, 0};
    bool answered = false;
    if (gnutls_ocsp_req_init(&req) < 0 || gnutls_ocsp_req_add_cert(req, GNUTLS_DIG_SHA1, ucp_certificate_crt(issuer), ucp_certificate_crt(cert)) < 0 ||
        gnutls_ocsp_req_export(req, &der) < 0) {
        *error = ucp_strdup("cannot build the OCSP request");
        goto out;
    }
    ucp_status st = ucp_http_fetch(url, der.data, der.size, "application/ocsp-request", r->trust->timeout_ms,
                                   r->trust->fetch_limit, r->trust->allow_private, &body, error);
    if (st != UCP_OK)
        goto out;
    gnutls_datum_t d = {body.data, (unsigned)body.len};
    if (gnutls_ocsp_resp_init(&resp) < 0 || gnutls_ocsp_resp_import(resp, &d) < 0) {
        *error = ucp_strdup("the answer is not an OCSP response");
        goto out;
    }
    if (gnutls_ocsp_resp_get_status(resp) != GNUTLS_OCSP_RESP_SUCCESSFUL) {
        *error = ucp_asprintf("the responder answered with status %d", gnutls_ocsp_resp_get_status(resp));
        goto out;
    }
    unsigned verify = 0;
    if (gnutls_ocsp_resp_verify_direct(resp, ucp_certificate_crt(issuer), &verify, 0) < 0 || verify != 0) {
        *error = ucp_strdup("the OCSP response's signature does not verify with the issuer's key");
        goto out;
    }
    if (gnutls_ocsp_resp_check_crt(resp, 0, ucp_certificate_crt(cert)) < 0) {
        *error = ucp_strdup("the OCSP response is for another certificate");
        goto out;
    }
    unsigned cert_status = 0, reason = 0;
    time_t this_update = 0, next_update = 0, revocation_time = 0;
    if (gnutls_ocsp_resp_get_single(resp, 0, NULL, NULL, NULL, NULL, &cert_status, &this_update, &next_update,
                                    &revocation_time, &reason) < 0) {
        *error = ucp_strdup("the OCSP response holds no answer");
        goto out;
    }
    answered = true;
    free(r->out->source[i]);
    r->out->source[i] = ucp_asprintf("ocsp %s", url);
    if (cert_status == GNUTLS_OCSP_CERT_REVOKED) {
        char date[32];
        ucp_format_time((int64_t)revocation_time, date, sizeof date);
        char *src = ucp_asprintf("OCSP %s", url);
        problem(r, UCP_RULE_REVOCATION_REVOKED, (int)i, "subject", cert->subject, "date", date, "source",
                src ? src : url, NULL, NULL);
        free(src);
        r->out->status[i] = UCP_REVOCATION_REVOKED;
    } else if (cert_status == GNUTLS_OCSP_CERT_GOOD) {
        r->out->status[i] = UCP_REVOCATION_GOOD;
    } else {
        problem(r, UCP_RULE_REVOCATION_OCSP_UNKNOWN, (int)i, "subject", cert->subject, "url", url, NULL, NULL,
                NULL, NULL);
        r->out->status[i] = UCP_REVOCATION_UNKNOWN;
    }
out:
    gnutls_free(der.data);
    free(body.data);
    if (req)
        gnutls_ocsp_req_deinit(req);
    if (resp)
        gnutls_ocsp_resp_deinit(resp);
    return answered;
}

void ucp_revocation_check(struct ucp_trust *trust, const struct ucp_path *path, int64_t now,
                          struct ucp_revocation_result *out)
{
    memset(out, 0, sizeof *out);
    out->n = path->n;
    if (trust->crls.n == 0 && !trust->online)
        return; /* every status stays NOT_CHECKED */
    struct rev_ctx r = {trust, now, out};
    /* Certificates whose issuer is the next one of the path; a trust anchor and a self-signed root
     * at the end are not revocable here. */
    for (size_t i = 0; i + 1 < path->n; i++) {
        const ucp_certificate *cert = path->certs[i], *issuer = path->certs[i + 1];
        out->status[i] = UCP_REVOCATION_UNKNOWN;
        bool answered = false, stale = false;
        for (size_t k = 0; k < trust->crls.n && !answered; k++)
            answered = use_crl(&r, i, cert, issuer, trust->crls.v[k], &stale);
        if (answered || !trust->online)
            continue;
        struct ucp_strbuf failures;
        ucp_sb_init(&failures);
        size_t tried = 0;
        for (size_t k = 0; k < cert->ncrl_urls && !answered; k++) {
            const char *url = cert->crl_urls[k];
            if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
                continue;
            tried++;
            const char *err = NULL;
            const struct ucp_crl *crl = fetch_crl(trust, url, &err);
            if (crl) {
                answered = use_crl(&r, i, cert, issuer, crl, &stale);
                if (!answered && !stale)
                    crl_not_for(&failures, url, crl, issuer);
            } else {
                ucp_sb_printf(&failures, "%s%s: %s", failures.len ? "; " : "", url, err ? err : "failed");
            }
        }
        for (size_t k = 0; k < cert->nocsp_urls && !answered; k++) {
            tried++;
            char *err = NULL;
            answered = use_ocsp(&r, i, cert, issuer, cert->ocsp_urls[k], &err);
            if (!answered)
                ucp_sb_printf(&failures, "%s%s: %s", failures.len ? "; " : "", cert->ocsp_urls[k],
                              err ? err : "failed");
            free(err);
        }
        if (!answered && tried > 0 && !stale) {
            char *detail = ucp_sb_finish(&failures);
            out->status[i] = UCP_REVOCATION_UNREACHABLE;
            problem(&r, UCP_RULE_REVOCATION_UNREACHABLE, (int)i, "subject", cert->subject, "detail",
                    detail ? detail : "", NULL, NULL, NULL, NULL);
            free(detail);
        } else {
            ucp_sb_dispose(&failures);
        }
    }
}

void ucp_revocation_result_dispose(struct ucp_revocation_result *r)
{
    for (size_t i = 0; i < r->nproblems; i++)
        ucp_problem_dispose(&r->problems[i]);
    free(r->problems);
    for (size_t i = 0; i < UCP_MAX_PATH_DEPTH; i++)
        free(r->source[i]);
    memset(r, 0, sizeof *r);
}
