/* SPDX-License-Identifier: MIT */
/*
 * Revocation: CRLs given by the caller (--crl) and, online, CRLs fetched from the certificates'
 * distribution points and OCSP answers from their AIA responders. Every certificate of the path
 * that has an issuer in the path gets a status; problems become findings (revocation.*). A
 * certificate whose status no source gives, with nothing else saying why (no CRL of its issuer
 * among those given, nothing to ask online), gets revocation.status-unknown: RFC 5280 6.3.3
 * leaves it undetermined, and the Windows chain engine fails it as offline revocation. The
 * trust anchor at the end of the path is never checked.
 *
 * A CRL counts only when its signature verifies with the key of the certificate's issuer in the
 * path, or, when the CRL names that issuer but its key does not verify it, with the key of another
 * certificate of that name that chains to the same trust anchor (a renewed CA key, a separate
 * CRL-signing certificate: other_signer), and when that signer may sign CRLs (cRLSign, when it
 * has a key usage extension). A CRL confirms "good" only while current (thisUpdate <= time <=
 * nextUpdate), but a listed serial means revoked even in a stale CRL. A CRL is used only for the
 * certificates it covers (crlscope.c: issuingDistributionPoint, cRLIssuer and indirect CRLs), and
 * "good" needs current CRLs that together cover every revocation reason; a CRL with an
 * unrecognised critical extension is not used, and a delta CRL only as the changes to the
 * complete CRL it is based on (ucp_crl_delta_for). CRLs fetched online go through the same
 * look-up as given ones: a CRL found at a distribution point is used when it covers the
 * certificate (its issuer, or the point's cRLIssuer for an indirect CRL) and its signer is found
 * as above. Online, the delta CRLs of the certificate's freshestCRL points are fetched (within
 * the same bounds, through the same cache) when a complete CRL with a cRLNumber is about to
 * decide, and apply to it as given deltas do. When one could not be fetched and no delta applies,
 * the complete CRL decides alone, as offline without a delta, and a "good" status carries a
 * revocation.unreachable finding that says the delta CRL was not obtained. CRLs are read and
 * verified by crl.c; GnuTLS decodes and verifies OCSP responses.
 *
 * The online work of one check is bounded: one deadline for all of it (the checker's network
 * timeout, from the start of the revocation check: each transfer gets what is left, and once it
 * is spent the remaining URLs are not tried), at most UCP_MAX_REVOCATION_URLS URLs per
 * certificate, and fetched CRLs kept in the checker's byte-bounded cache (crlcache.c). What was
 * not tried, and why, is said in the revocation.unreachable finding.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/ocsp.h>
#include <gnutls/x509-ext.h>

#include "trust/libcurl-private.h"
#include "trust/trust-private.h"

#define UCP_REASON_REMOVE_FROM_CRL 8 /* CRLReason removeFromCRL: only in delta CRLs */
#define OID_FRESHEST_CRL "2.5.29.46"

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

struct rev_ctx {
    struct ucp_trust *trust;
    const struct ucp_path *path;
    int64_t now;
    struct ucp_revocation_result *out;
    int64_t deadline; /* ucp_monotonic_ms() by which the online work of the check ends */
    /* The certificate being checked: the reasons the current CRLs used so far cover for it
     * (RFC 5280 6.3.3: "good" only once they cover every reason), why CRLs of its issuer were
     * set aside (for revocation.status-unknown), and the first CRL not used for an unrecognised
     * critical extension (reported when no other source gives the status). */
    unsigned covered;
    struct ucp_strbuf skipped;
    size_t nskipped;
    const struct ucp_crl *unknown_ext;
    size_t reached; /* CRLs fetched for it that were read but do not decide its status */
    /* Its delta CRLs fetched online (freshestCRL), once, when a complete CRL first needs them:
     * crlv is then the given CRLs and those (else the given ones); delta_failures says which
     * could not be fetched. */
    bool deltas_fetched;
    struct ucp_crl **deltas;
    size_t ndeltas;
    struct ucp_crl **crlv;
    size_t ncrlv;
    struct ucp_strbuf delta_failures;
    bool without_delta; /* "good" was decided by a complete CRL while delta_failures held some */
};

static void fetch_crl(struct rev_ctx *r, const char *url, unsigned timeout_ms, struct ucp_fetch_found *out);
static bool fetchable(const char *url);

/* Note why @crl was not used for the certificate being checked. */
static void skip(struct rev_ctx *r, const struct ucp_crl *crl, const char *why)
{
    if (r->nskipped++ < 4)
        ucp_sb_printf(&r->skipped, "%s%s: %s", r->skipped.len ? "; " : "", crl->source, why);
}

/* Milliseconds left of the check's online time budget (0: spent). */
static unsigned time_left(const struct rev_ctx *r)
{
    int64_t left = r->deadline - ucp_monotonic_ms();
    return left > 0 ? (unsigned)left : 0;
}

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

/* Whether @rule was already reported for certificate @i. */
static bool reported(const struct rev_ctx *r, enum ucp_rule_id rule, size_t i)
{
    for (size_t k = 0; k < r->out->nproblems; k++)
        if (r->out->problems[k].rule == rule && r->out->problems[k].cert_index == (int)i)
            return true;
    return false;
}

/* RFC 5280 6.3.3 (f): the certificate whose key verifies a CRL must be allowed to sign CRLs,
 * cRLSign in its key usage when it has the extension (PKITS 4.7.4, 4.7.5). */
static bool may_sign_crls(const ucp_certificate *issuer)
{
    return !issuer->has_ku || (issuer->ku & GNUTLS_KEY_CRL_SIGN);
}

/* A CA that renewed its key, or that signs its CRLs with a separate certificate, has other
 * certificates with its name (RFC 5280 6.3.3 (f); PKITS 4.4.19, 4.5.x): one of them may be the
 * CRL's signer. A candidate counts when its name is the CRL's issuer, it may sign CRLs, it is
 * within its validity, and it is the trust anchor, a CA certificate of the path above @i, or a
 * certificate issued by one of them (so it chains to the same trust anchor). */
struct other_signer {
    struct rev_ctx *r;
    size_t i;
    const struct ucp_crl *crl;
    const ucp_certificate *issuer;
    const ucp_certificate *found;
};

/* Whether @cand is a certificate of the path above @i (itself checked as part of the path), or
 * issued by one; *@by is then its issuer there (NULL for a certificate of the path). */
static bool issued_above(const struct other_signer *o, const ucp_certificate *cand, const ucp_certificate **by)
{
    const struct ucp_path *path = o->r->path;
    *by = NULL;
    for (size_t j = o->i + 1; j < path->n; j++) {
        if (path->certs[j] == cand)
            return true;
        if (ucp_dn_equal(&cand->raw_issuer, &path->certs[j]->raw_subject) &&
            ucp_trust_verify_signature(o->r->trust, cand, path->certs[j])) {
            *by = path->certs[j];
            return true;
        }
    }
    return false;
}

/* Whether a CRL given by its issuer @by (signed by its key) lists @cand (PKITS 4.4.21: a revoked
 * CRL-signing certificate signs no valid CRL). */
static bool signer_revoked(const struct other_signer *o, const ucp_certificate *cand, const ucp_certificate *by)
{
    const struct ucp_crl_set *crls = &o->r->trust->crls;
    for (size_t k = 0; k < crls->n; k++)
        if (crls->v[k] != o->crl && ucp_crl_signed_by(crls->v[k], by) && ucp_crl_find(crls->v[k], cand))
            return true;
    return false;
}

static bool try_signer(ucp_certificate *cand, void *data)
{
    struct other_signer *o = data;
    const ucp_certificate *by = NULL;
    if (cand == o->issuer || !may_sign_crls(cand) || cand->not_before > o->r->now || cand->not_after < o->r->now ||
        !ucp_crl_issuer_is(o->crl, cand) || !issued_above(o, cand, &by) || !ucp_crl_signed_by(o->crl, cand) ||
        (by && signer_revoked(o, cand, by)))
        return true;
    o->found = cand;
    return false;
}

static const ucp_certificate *other_signer(struct rev_ctx *r, size_t i, const ucp_certificate *issuer,
                                           const struct ucp_crl *crl)
{
    struct other_signer o = {r, i, crl, issuer, NULL};
    const struct ucp_bytes name = {crl->der + crl->issuer_off, crl->issuer_len};
    for (size_t j = i + 2; j < r->path->n && !o.found; j++)
        try_signer(r->path->certs[j], &o);
    if (!o.found)
        ucp_pool_each_subject(&r->trust->intermediates, &name, try_signer, &o);
    if (!o.found)
        ucp_pool_each_subject(&r->trust->anchors, &name, try_signer, &o);
    return o.found;
}

/* The HTTP URLs of @cert's freshestCRL extension (RFC 5280 4.2.1.15: where its delta CRLs are;
 * the syntax of CRLDistributionPoints), at most UCP_MAX_REVOCATION_URLS; the others, ldap: and
 * such, are not fetched. */
static size_t freshest_urls(const ucp_certificate *cert, char **urls)
{
    gnutls_datum_t ext = {NULL, 0};
    unsigned critical = 0;
    size_t n = 0;
    if (ucp_certificate_get_extension(cert, OID_FRESHEST_CRL, 0, &ext, &critical) < 0)
        return 0;
    gnutls_x509_crl_dist_points_t dps = NULL;
    if (ext.size && gnutls_x509_crl_dist_points_init(&dps) >= 0 &&
        gnutls_x509_ext_import_crl_dist_points(&ext, dps, 0) >= 0) {
        for (unsigned seq = 0; seq < 64 && n < UCP_MAX_REVOCATION_URLS; seq++) {
            unsigned type = 0, reasons = 0;
            gnutls_datum_t name = {NULL, 0};
            if (gnutls_x509_crl_dist_points_get(dps, seq, &type, &name, &reasons) < 0)
                break;
            if (type == GNUTLS_SAN_URI && memchr(name.data, 0, name.size) == NULL) {
                char *url = ucp_display_bytes(name.data, name.size);
                if (url && fetchable(url))
                    urls[n++] = url;
                else
                    free(url);
            }
        }
    }
    if (dps)
        gnutls_x509_crl_dist_points_deinit(dps);
    gnutls_free(ext.data);
    return n;
}

/* Fetch the delta CRLs of certificate @cert (its freshestCRL points), once per certificate,
 * within the check's time budget and through the checker's cache; r->crlv becomes the given
 * CRLs and the fetched ones. What could not be fetched goes to r->delta_failures. */
static void fetch_deltas(struct rev_ctx *r, const ucp_certificate *cert)
{
    if (r->deltas_fetched)
        return;
    r->deltas_fetched = true;
    char *urls[UCP_MAX_REVOCATION_URLS];
    size_t n = freshest_urls(cert, urls);
    if (!n)
        return;
    r->deltas = calloc(n, sizeof *r->deltas);
    struct ucp_crl **all = calloc(r->trust->crls.n + n, sizeof *all);
    if (!r->deltas || !all) {
        r->out->nomem = true;
        free(all);
        for (size_t k = 0; k < n; k++)
            free(urls[k]);
        return;
    }
    size_t out_of_time = 0;
    for (size_t k = 0; k < n; k++) {
        struct ucp_fetch_found found;
        pthread_mutex_lock(r->trust->lock);
        bool cached = ucp_crl_cache_get(&r->trust->fetched, urls[k], NULL, &found);
        pthread_mutex_unlock(r->trust->lock);
        if (!cached) {
            unsigned left = time_left(r);
            if (!left) {
                out_of_time++;
                free(urls[k]);
                continue;
            }
            fetch_crl(r, urls[k], left, &found);
        }
        if (found.outcome == UCP_FETCH_CRL)
            r->deltas[r->ndeltas++] = ucp_crl_ref(found.crl);
        else
            ucp_sb_printf(&r->delta_failures, "%s%s: %s", r->delta_failures.len ? "; " : "", urls[k],
                          found.error ? found.error : "failed");
        ucp_fetch_found_dispose(&found);
        free(urls[k]);
    }
    if (out_of_time)
        ucp_sb_printf(&r->delta_failures, "%sthe check's time budget of %u ms was spent before %zu of them could be "
                      "fetched", r->delta_failures.len ? "; " : "", r->trust->timeout_ms, out_of_time);
    if (r->trust->crls.n)
        memcpy(all, r->trust->crls.v, r->trust->crls.n * sizeof *all);
    memcpy(all + r->trust->crls.n, r->deltas, r->ndeltas * sizeof *all);
    r->crlv = all;
    r->ncrlv = r->trust->crls.n + r->ndeltas;
}

/* Consider one CRL for certificate @i (issued by @issuer). Returns true when the status is
 * decided: revoked, or good once the CRLs used cover every reason. */
static bool use_crl(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer,
                    const struct ucp_crl *crl, bool *stale_reported)
{
    unsigned reasons = 0;
    bool indirect = false;
    const char *why = NULL;
    switch (ucp_crl_covers(crl, cert, issuer, &reasons, &indirect, &why)) {
    case UCP_CRL_OTHER_ISSUER:
        return false;
    case UCP_CRL_OUT_OF_SCOPE:
        skip(r, crl, why);
        return false;
    case UCP_CRL_COVERS:
        break;
    }
    const ucp_certificate *signer = issuer;
    if (indirect || !ucp_crl_signed_by(crl, issuer)) {
        /* An indirect CRL's issuer is another CA (a cRLIssuer of the certificate): its
         * certificate is looked for as a renewed key or a CRL-signing certificate is. */
        signer = r->path ? other_signer(r, i, issuer, crl) : NULL;
        if (!signer) {
            char *shown = indirect ? ucp_crl_issuer_text(crl) : NULL;
            problem(r, UCP_RULE_REVOCATION_CRL_BAD_SIGNATURE, (int)i, "source", crl->source, "issuer",
                    shown ? shown : issuer->subject, NULL, NULL, NULL, NULL);
            free(shown);
            return false;
        }
    }
    if (!may_sign_crls(signer)) {
        if (!reported(r, UCP_RULE_REVOCATION_CRL_SIGN_MISSING, i)) /* once a certificate */
            problem(r, UCP_RULE_REVOCATION_CRL_SIGN_MISSING, (int)i, "source", crl->source, "issuer",
                    signer->subject, NULL, NULL, NULL, NULL);
        return false;
    }
    /* RFC 5280 5.2, 5.3: a CRL with a critical extension that is not recognised is not used. */
    if (ucp_crl_scope(crl)->unknown[0]) {
        if (!r->unknown_ext)
            r->unknown_ext = crl;
        return false;
    }
    /* A delta CRL lists only the changes since a complete CRL: never taken for one. */
    if (ucp_crl_scope(crl)->delta) {
        skip(r, crl, "it is a delta CRL (deltaCRLIndicator), not a complete CRL");
        return false;
    }
    /* A delta CRL of this one among those given (RFC 5280 5.2.4, 6.3.3 (g), (i)): its listing
     * wins, and removeFromCRL there takes the certificate off the complete CRL's list. */
    const struct ucp_crl *from = crl;
    if (r->trust->online && ucp_crl_scope(crl)->number_len)
        fetch_deltas(r, cert);
    const struct ucp_crl *delta = ucp_crl_delta_for(r->crlv, r->ncrlv, crl, signer, r->now);
    const struct ucp_crl_entry *listed = delta ? ucp_crl_find_issued(delta, cert, &issuer->raw_subject) : NULL;
    if (listed) {
        from = delta;
        if (ucp_crl_entry_reason(delta, listed) == UCP_REASON_REMOVE_FROM_CRL)
            listed = NULL;
    } else {
        listed = ucp_crl_find_issued(crl, cert, &issuer->raw_subject);
    }
    char date[32];
    if (listed) {
        ucp_format_time(listed->date, date, sizeof date);
        char *src = ucp_asprintf("CRL %s", from->source);
        problem(r, UCP_RULE_REVOCATION_REVOKED, (int)i, "subject", cert->subject, "date", date, "source",
                src ? src : from->source, NULL, NULL);
        free(src);
        r->out->status[i] = UCP_REVOCATION_REVOKED;
        free(r->out->source[i]);
        r->out->source[i] = ucp_asprintf("crl %s", from->source);
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
    r->covered |= reasons;
    if ((r->covered & UCP_REASONS_ALL) != UCP_REASONS_ALL) {
        skip(r, crl, "it covers only some revocation reasons (onlySomeReasons), and the other CRLs used do not "
                     "cover the rest");
        return false;
    }
    r->out->status[i] = UCP_REVOCATION_GOOD;
    free(r->out->source[i]);
    r->out->source[i] = ucp_asprintf("crl %s", crl->source);
    r->without_delta = !delta && r->delta_failures.len;
    return true;
}

/* Fetch the CRL at @url within @timeout_ms: what it gives (*@out, the caller's to dispose of) is
 * kept in the checker's cache, a CRL whoever its issuer is (use_crl decides whether it covers the
 * certificate and who signed it), or why there is none. */
static void fetch_crl(struct rev_ctx *r, const char *url, unsigned timeout_ms, struct ucp_fetch_found *out)
{
    struct ucp_trust *trust = r->trust;
    memset(out, 0, sizeof *out);
    out->outcome = UCP_FETCH_FAILED;
    struct ucp_bytes body;
    char *err = NULL;
    struct ucp_crl *crl = NULL;
    bool keep = true;
    ucp_status st = ucp_http_fetch(url, NULL, 0, NULL, timeout_ms, trust->fetch_limit, trust->allow_private, &body, &err);
    if (st == UCP_E_TIMEOUT) {
        free(err);
        err = ucp_asprintf("no answer before the check's time budget of %u ms ran out", trust->timeout_ms);
        /* Remembered (later checks do not wait for it again) when it had about the whole budget;
         * not when earlier transfers of the check had used much of it: another check may do
         * better. */
        keep = (uint64_t)timeout_ms * 10 >= (uint64_t)trust->timeout_ms * 9;
    } else if (st == UCP_E_NO_MEMORY) {
        keep = false;
    } else if (st == UCP_OK) {
        st = ucp_crl_from_fetched(&body, url, &crl);
        if (st != UCP_OK) {
            err = ucp_asprintf("not a CRL (%s)", ucp_error_message(ucp_error_last()));
            ucp_error_clear();
            keep = st != UCP_E_NO_MEMORY;
        }
    }
    if (crl) {
        out->outcome = UCP_FETCH_CRL;
        out->crl = crl; /* the reference ucp_crl_from_fetched gave */
    }
    out->error = err;
    if (out->outcome != UCP_FETCH_CRL && !err)
        out->error = ucp_strdup("out of memory");
    if (keep && (out->crl || err)) {
        pthread_mutex_lock(trust->lock);
        ucp_crl_cache_put(&trust->fetched, url, out->outcome, out->crl, NULL, err);
        pthread_mutex_unlock(trust->lock);
    }
}

/* OCSP for certificate @i: returns true when the responder gave a signed answer. */
static bool use_ocsp(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer,
                     const char *url, unsigned timeout_ms, char **error)
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
    ucp_status st = ucp_http_fetch(url, der.data, der.size, "application/ocsp-request", timeout_ms,
                                   r->trust->fetch_limit, r->trust->allow_private, &body, error);
    if (st == UCP_E_TIMEOUT) {
        free(*error);
        *error = ucp_asprintf("no answer before the check's time budget of %u ms ran out", r->trust->timeout_ms);
    }
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

/* The revocation URLs of @cert in the order they are tried: its HTTP CRL distribution points,
 * then its OCSP responders. */
struct source_url {
    const char *url;
    bool ocsp;
};

static bool fetchable(const char *url)
{
    return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* Online sources for certificate @i, in order, within the check's bounds. */
static void check_online(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer,
                         bool *stale)
{
    struct ucp_trust *trust = r->trust;
    struct ucp_strbuf failures;
    ucp_sb_init(&failures);
    size_t tried = 0, over_cap = 0, out_of_time = 0;
    bool answered = false;
    size_t n = cert->ncrl_urls + cert->nocsp_urls;
    const bool indirect_points = cert->ncrl_urls && ucp_crl_points_name_crl_issuer(cert);
    for (size_t k = 0; k < n && !answered; k++) {
        bool ocsp = k >= cert->ncrl_urls;
        const char *url = ocsp ? cert->ocsp_urls[k - cert->ncrl_urls] : cert->crl_urls[k];
        if (!ocsp && !fetchable(url))
            continue; /* ldap:, file: ...: never fetched */
        if (tried >= UCP_MAX_REVOCATION_URLS) {
            over_cap++;
            continue;
        }
        unsigned left = time_left(r);
        const char *sep = failures.len ? "; " : "";
        if (ocsp) {
            if (!left) {
                out_of_time++;
                continue;
            }
            tried++;
            char *err = NULL;
            answered = use_ocsp(r, i, cert, issuer, url, left, &err);
            if (!answered)
                ucp_sb_printf(&failures, "%s%s: %s", sep, url, err ? err : "failed");
            free(err);
            continue;
        }
        struct ucp_fetch_found found;
        pthread_mutex_lock(trust->lock);
        /* What a URL gave that is no CRL of the issuer is remembered for the issuer (below),
         * except for a certificate with a cRLIssuer, for which another issuer's CRL may count. */
        bool cached = ucp_crl_cache_get(&trust->fetched, url, indirect_points ? NULL : issuer->sha256_raw, &found);
        pthread_mutex_unlock(trust->lock);
        if (!cached) {
            if (!left) {
                out_of_time++;
                continue;
            }
            fetch_crl(r, url, left, &found);
        }
        tried++;
        unsigned reasons;
        bool indirect;
        const char *why;
        if (found.outcome == UCP_FETCH_CRL &&
            ucp_crl_covers(found.crl, cert, issuer, &reasons, &indirect, &why) == UCP_CRL_OTHER_ISSUER) {
            char *shown = ucp_crl_issuer_text(found.crl);
            char *err = ucp_asprintf("the CRL found there is issued by '%s', not by the certificate's issuer '%s'%s",
                                     shown ? shown : "(a name that cannot be read)", issuer->subject,
                                     indirect_points ? " nor by a cRLIssuer of its distribution points" : "");
            free(shown);
            ucp_sb_printf(&failures, "%s%s: %s", sep, url, err ? err : "the CRL found there is of another issuer");
            /* Without a cRLIssuer only the issuer's own CRL counts: the cache keeps that this
             * URL gave none, for the issuer, in place of the CRL (a large CRL of another CA is
             * not held). */
            if (!indirect_points && err) {
                pthread_mutex_lock(trust->lock);
                ucp_crl_cache_put(&trust->fetched, url, UCP_FETCH_WRONG_ISSUER, NULL, issuer->sha256_raw, err);
                pthread_mutex_unlock(trust->lock);
            }
            free(err);
        } else if (found.outcome == UCP_FETCH_CRL) {
            size_t before = r->out->nproblems;
            answered = use_crl(r, i, cert, issuer, found.crl, stale);
            bool bad_signature = false;
            for (size_t q = before; q < r->out->nproblems; q++)
                bad_signature |= r->out->problems[q].rule == UCP_RULE_REVOCATION_CRL_BAD_SIGNATURE;
            if (bad_signature) {
                char *shown = ucp_crl_issuer_text(found.crl);
                if (indirect)
                    ucp_sb_printf(&failures, "%s%s: the CRL found there is issued by '%s', a cRLIssuer of the "
                                  "certificate's distribution point, but no certificate of that name that chains "
                                  "to the same trust anchor (the path, --chain) verifies its signature", sep, url,
                                  shown ? shown : "(a name that cannot be read)");
                else
                    ucp_sb_printf(&failures, "%s%s: the CRL found there names the certificate's issuer '%s' but is "
                                  "not signed by its key, nor by another certificate of that name that chains to "
                                  "the same trust anchor", sep, url, issuer->subject);
                free(shown);
            }
            /* Reached, but out of scope, for some reasons only, or with an unrecognised critical
             * extension: not unreachable (the caller's finding says why it does not count). */
            else if (!answered && !*stale && r->out->nproblems == before)
                r->reached++;
        } else {
            /* failed, or (from the cache) no CRL of this issuer */
            ucp_sb_printf(&failures, "%s%s: %s", sep, url, found.error ? found.error : "failed");
        }
        ucp_fetch_found_dispose(&found);
    }
    /* A current CRL was found but does not count (its signer lacks cRLSign): that finding says
     * why, the sources were reached. */
    if (answered || *stale || tried + over_cap + out_of_time == 0 ||
        reported(r, UCP_RULE_REVOCATION_CRL_SIGN_MISSING, i) || (r->reached && failures.len == 0)) {
        ucp_sb_dispose(&failures);
        return;
    }
    if (out_of_time && tried)
        ucp_sb_printf(&failures, "%sthe check's time budget of %u ms was spent: %zu more URL%s not tried",
                      failures.len ? "; " : "", trust->timeout_ms, out_of_time,
                      out_of_time == 1 ? " was" : "s were");
    else if (out_of_time)
        ucp_sb_printf(&failures, "the check's time budget of %u ms was spent before its %zu URL%s could be tried",
                      trust->timeout_ms, out_of_time, out_of_time == 1 ? "" : "s");
    if (over_cap)
        ucp_sb_printf(&failures, "%s%zu more URL%s skipped: at most %d are tried per certificate",
                      failures.len ? "; " : "", over_cap, over_cap == 1 ? " was" : "s were",
                      UCP_MAX_REVOCATION_URLS);
    char *detail = ucp_sb_finish(&failures);
    r->out->status[i] = UCP_REVOCATION_UNREACHABLE;
    problem(r, UCP_RULE_REVOCATION_UNREACHABLE, (int)i, "subject", cert->subject, "detail", detail ? detail : "",
            NULL, NULL, NULL, NULL);
    free(detail);
}

/* Certificate @i has no usable revocation source: say which CRLs there were (the issuers of the
 * first few) and what it offers online, so the finding tells why (RFC 5280 6.3.3: the status
 * is UNDETERMINED; the Windows chain engine: CERT_TRUST_REVOCATION_STATUS_UNKNOWN). */
static void status_unknown(struct rev_ctx *r, size_t i, const ucp_certificate *cert, const ucp_certificate *issuer)
{
    enum { SHOWN = 3 };
    struct ucp_trust *trust = r->trust;
    struct ucp_strbuf why;
    ucp_sb_init(&why);
    if (r->nskipped) {
        ucp_sb_printf(&why, "no CRL %s covers it (%s%s)", trust->online ? "given or fetched" : "given",
                      r->skipped.data ? r->skipped.data : "", r->nskipped > 4 ? "; more" : "");
    } else if (trust->crls.n == 0) {
        ucp_sb_printf(&why, "no CRL was given");
    } else {
        ucp_sb_printf(&why, "none of the %zu CRL%s given is issued by '%s' (", trust->crls.n,
                      trust->crls.n == 1 ? "" : "s", issuer->subject);
        for (size_t k = 0; k < trust->crls.n && k < SHOWN; k++) {
            char *shown = ucp_crl_issuer_text(trust->crls.v[k]);
            ucp_sb_printf(&why, "%s%s: issued by '%s'", k ? "; " : "", trust->crls.v[k]->source,
                          shown ? shown : "(a name that cannot be read)");
            free(shown);
        }
        if (trust->crls.n > SHOWN)
            ucp_sb_printf(&why, "; %zu more", trust->crls.n - SHOWN);
        ucp_sb_printf(&why, ")");
    }
    /* (When its distribution points answered with CRLs, the list above says why they do not count.) */
    if (trust->online && !r->reached)
        ucp_sb_printf(&why, ", and the certificate has no HTTP CRL distribution point or OCSP responder to ask");
    else if (!trust->online && cert->ncrl_urls + cert->nocsp_urls)
        ucp_sb_printf(&why, ", and its distribution points are not fetched without --online");
    char *detail = ucp_sb_finish(&why);
    problem(r, UCP_RULE_REVOCATION_STATUS_UNKNOWN, (int)i, "subject", cert->subject, "issuer", issuer->subject,
            "detail", detail ? detail : "", NULL, NULL);
    if (!detail)
        r->out->nomem = true;
    free(detail);
}

void ucp_revocation_check(struct ucp_trust *trust, const struct ucp_path *path, int64_t now,
                          struct ucp_revocation_result *out)
{
    memset(out, 0, sizeof *out);
    out->n = path->n;
    if (trust->crls.n == 0 && !trust->online)
        return; /* every status stays NOT_CHECKED */
    /* libcurl is opened on first use: before the clock starts, so that loading it (tens of
     * milliseconds, much more under valgrind) is not taken from the first check's budget. A
     * library that cannot be loaded is reported by the first fetch. */
    if (trust->online)
        (void)ucp_curl_load();
    struct rev_ctx r = {.trust = trust, .path = path, .now = now, .out = out,
                        .deadline = ucp_monotonic_ms() + (int64_t)trust->timeout_ms};
    /* Certificates whose issuer is the next one of the path; a trust anchor and a self-signed root
     * at the end are not revocable here. */
    for (size_t i = 0; i + 1 < path->n; i++) {
        const ucp_certificate *cert = path->certs[i], *issuer = path->certs[i + 1];
        out->status[i] = UCP_REVOCATION_UNKNOWN;
        bool answered = false, stale = false;
        size_t before = out->nproblems;
        r.covered = 0;
        r.nskipped = 0;
        r.unknown_ext = NULL;
        r.reached = 0;
        r.deltas_fetched = false;
        r.without_delta = false;
        r.deltas = NULL;
        r.ndeltas = 0;
        r.crlv = trust->crls.v;
        r.ncrlv = trust->crls.n;
        ucp_sb_init(&r.skipped);
        ucp_sb_init(&r.delta_failures);
        for (size_t k = 0; k < trust->crls.n && !answered; k++)
            answered = use_crl(&r, i, cert, issuer, trust->crls.v[k], &stale);
        if (!answered && trust->online)
            check_online(&r, i, cert, issuer, &stale);
        /* Still unknown and nothing said why (a stale CRL, a bad signature, an unreachable or
         * 'unknown' source each have their finding): a CRL not used for an unrecognised
         * critical extension, or no source of its issuer that covers it. */
        if (out->status[i] == UCP_REVOCATION_UNKNOWN && out->nproblems == before) {
            if (r.unknown_ext) {
                const struct ucp_crl *c = r.unknown_ext;
                const struct ucp_crl_scope *s = ucp_crl_scope(c);
                problem(&r, UCP_RULE_REVOCATION_CRL_UNKNOWN_CRITICAL, (int)i, "source", c->source, "extension",
                        s->unknown, "where", s->unknown_in_entry ? "CRL entry extension" : "CRL extension", NULL,
                        NULL);
            } else {
                status_unknown(&r, i, cert, issuer);
            }
        }
        /* "good" from a complete CRL whose delta CRLs could not be fetched: that CRL decided
         * alone (as offline without a delta), which a revocation since it was issued escapes. */
        if (out->status[i] == UCP_REVOCATION_GOOD && r.without_delta) {
            char *detail = ucp_asprintf("the delta CRL of its freshestCRL extension could not be fetched (%s), so "
                                        "its status 'good' comes from the complete CRL alone, without the "
                                        "revocations since that was issued", r.delta_failures.data);
            problem(&r, UCP_RULE_REVOCATION_UNREACHABLE, (int)i, "subject", cert->subject, "detail",
                    detail ? detail : "", NULL, NULL, NULL, NULL);
            free(detail);
        }
        ucp_sb_dispose(&r.skipped);
        ucp_sb_dispose(&r.delta_failures);
        for (size_t k = 0; k < r.ndeltas; k++)
            ucp_crl_release(r.deltas[k]);
        free(r.deltas);
        if (r.crlv != trust->crls.v)
            free(r.crlv);
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
