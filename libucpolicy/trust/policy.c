/* SPDX-License-Identifier: MIT */
/*
 * Certificate policy processing of a trusted path: the valid policy tree of RFC 5280 6.1.2 (a),
 * (d)-(f), 6.1.3 (d)-(f), 6.1.4 (a), (b), (h)-(j) and 6.1.5 (a), (b), (g), with the user's
 * initial-policy-set, initial-explicit-policy, initial-policy-mapping-inhibit and
 * initial-any-policy-inhibit. Policy qualifiers are ignored (6.1.3 (d)(4) lets a validator).
 *
 * The tree is bounded: a hostile path (ten certificates, each with many policies and mappings)
 * could grow it exponentially, so at UCP_MAX_POLICY_NODES nodes processing stops and the path
 * fails with a finding saying so. The extensions are read with our DER reader (x509/der.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

#define ANY_POLICY "2.5.29.32.0"
#define ANY 0 /* the interned id of anyPolicy */

struct node {
    int parent; /* -1: the root */
    int depth;
    int valid;  /* interned OID */
    int *expected;
    size_t nexpected;
    bool dead;
};

struct tree {
    struct node *v;
    size_t n;
    bool null;      /* valid_policy_tree is NULL */
    char **oids;    /* interned dotted OIDs; oids[ANY] is anyPolicy */
    size_t noids;
    bool nomem;
    bool capped;
};

static int intern(struct tree *t, const char *oid)
{
    for (size_t i = 0; i < t->noids; i++)
        if (strcmp(t->oids[i], oid) == 0)
            return (int)i;
    if (!ucp_strv_push(&t->oids, &t->noids, ucp_strdup(oid))) {
        t->nomem = true;
        return -1;
    }
    return (int)t->noids - 1;
}

/* A new node; -1 when the cap is reached or out of memory. */
static int add_node(struct tree *t, int parent, int depth, int valid, const int *expected, size_t nexpected)
{
    if (t->n >= UCP_MAX_POLICY_NODES) {
        t->capped = true;
        return -1;
    }
    struct node *v = realloc(t->v, (t->n + 1) * sizeof *v);
    if (!v) {
        t->nomem = true;
        return -1;
    }
    t->v = v;
    struct node *nd = &v[t->n];
    memset(nd, 0, sizeof *nd);
    nd->parent = parent;
    nd->depth = depth;
    nd->valid = valid;
    if (nexpected) {
        nd->expected = malloc(nexpected * sizeof *nd->expected);
        if (!nd->expected) {
            t->nomem = true;
            return -1;
        }
        memcpy(nd->expected, expected, nexpected * sizeof *expected);
        nd->nexpected = nexpected;
    }
    return (int)t->n++;
}

/* Delete the nodes of @depth and above that have no children, from the deepest up (one pass
 * over the nodes per level); the tree becomes NULL when the root goes. */
static void prune(struct tree *t, int depth)
{
    bool *live = calloc(t->n ? t->n : 1, sizeof *live);
    if (!live) {
        t->nomem = true;
        return;
    }
    for (int d = depth; d >= 0; d--) {
        memset(live, 0, t->n * sizeof *live);
        for (size_t j = 0; j < t->n; j++)
            if (!t->v[j].dead && t->v[j].depth == d + 1 && t->v[j].parent >= 0)
                live[t->v[j].parent] = true;
        for (size_t k = 0; k < t->n; k++)
            if (!t->v[k].dead && t->v[k].depth == d && !live[k])
                t->v[k].dead = true;
    }
    free(live);
    if (t->n == 0 || t->v[0].dead)
        t->null = true;
}

/* Delete @k and its subtree. */
static void kill(struct tree *t, size_t k)
{
    t->v[k].dead = true;
    for (size_t j = k + 1; j < t->n; j++)
        if (!t->v[j].dead && t->v[j].parent >= 0 && t->v[t->v[j].parent].dead)
            t->v[j].dead = true;
}

static bool in_set(const int *v, size_t n, int x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

/* ---- reading the extensions ---- */

/* The value of extension @oid of @c (gnutls_free it); false when absent. *@bad when it cannot be
 * read. */
static bool ext(const ucp_certificate *c, const char *oid, gnutls_datum_t *d, bool *bad)
{
    unsigned critical = 0;
    d->data = NULL;
    d->size = 0;
    int ret = ucp_certificate_get_extension(c, oid, 0, d, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return false;
    if (ret < 0) {
        *bad = true;
        return false;
    }
    return true;
}

static bool read_oid(const struct ucp_tlv *t, char *buf, size_t size)
{
    return ucp_der_is(t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_OBJECT_ID) && ucp_der_oid_text(t->value, t->len, buf, size);
}

/* A small non-negative INTEGER (SkipCerts), clamped to 255; false when malformed. */
static bool read_skip(const struct ucp_tlv *t, int *out)
{
    if (t->len == 0 || t->len > 8 || (t->value[0] & 0x80))
        return false;
    unsigned long long v = 0;
    for (size_t i = 0; i < t->len; i++)
        v = (v << 8) | t->value[i];
    *out = v > 255 ? 255 : (int)v;
    return true;
}

/* certificatePolicies: the interned policy OIDs into @ids (at most @max). */
static bool read_policies(struct tree *t, const gnutls_datum_t *d, int *ids, size_t max, size_t *n)
{
    struct ucp_tlv seq, pi, oid;
    *n = 0;
    if (!ucp_der_read_exact(d->data, d->size, UCP_DER_BER, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    while (left) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &pi) || !ucp_der_is(&pi, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE) ||
            !ucp_der_read(pi.value, pi.len, UCP_DER_BER, &oid))
            return false;
        char buf[128];
        if (!read_oid(&oid, buf, sizeof buf))
            return false;
        if (*n >= max) {
            t->capped = true;
            return true;
        }
        int id = intern(t, buf);
        if (id < 0)
            return false;
        if (!in_set(ids, *n, id))
            ids[(*n)++] = id;
    }
    return *n > 0;
}

struct mapping {
    int from, to;
};

static bool read_mappings(struct tree *t, const gnutls_datum_t *d, struct mapping *m, size_t max, size_t *n)
{
    struct ucp_tlv seq, pair, a, b;
    *n = 0;
    if (!ucp_der_read_exact(d->data, d->size, UCP_DER_BER, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    while (left) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &pair) || !ucp_der_is(&pair, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
            return false;
        const uint8_t *q = pair.value;
        size_t l = pair.len;
        char from[128], to[128];
        if (!ucp_der_next(&q, &l, UCP_DER_BER, &a) || !ucp_der_next(&q, &l, UCP_DER_BER, &b) || l != 0 ||
            !read_oid(&a, from, sizeof from) || !read_oid(&b, to, sizeof to))
            return false;
        if (*n >= max) {
            t->capped = true;
            return true;
        }
        m[*n].from = intern(t, from);
        m[*n].to = intern(t, to);
        if (m[*n].from < 0 || m[*n].to < 0)
            return false;
        (*n)++;
    }
    return *n > 0;
}

/* policyConstraints: -1 for an absent field. */
static bool read_constraints(const gnutls_datum_t *d, int *require, int *inhibit)
{
    struct ucp_tlv seq, f;
    *require = *inhibit = -1;
    if (!ucp_der_read_exact(d->data, d->size, UCP_DER_BER, &seq) || !ucp_der_is(&seq, UCP_DER_UNIV_CONS, ASN1_TAG_SEQUENCE))
        return false;
    const uint8_t *p = seq.value;
    size_t left = seq.len;
    while (left) {
        if (!ucp_der_next(&p, &left, UCP_DER_BER, &f))
            return false;
        if (ucp_der_is(&f, ASN1_CLASS_CONTEXT_SPECIFIC, 0) && *require < 0 && *inhibit < 0) {
            if (!read_skip(&f, require))
                return false;
        } else if (ucp_der_is(&f, ASN1_CLASS_CONTEXT_SPECIFIC, 1) && *inhibit < 0) {
            if (!read_skip(&f, inhibit))
                return false;
        } else {
            return false;
        }
    }
    return *require >= 0 || *inhibit >= 0; /* RFC 5280 4.2.1.11: one of them MUST be present */
}

static bool read_inhibit_any(const gnutls_datum_t *d, int *skip)
{
    struct ucp_tlv t;
    return ucp_der_read_exact(d->data, d->size, UCP_DER_BER, &t) && ucp_der_is(&t, ASN1_CLASS_UNIVERSAL, ASN1_TAG_INTEGER) &&
           read_skip(&t, skip);
}

/* ---- the algorithm ---- */

#define MAX_PER_CERT 64 /* policies, and mappings, read from one certificate */

static void fail(struct ucp_policy_result *out, int index, char *reason)
{
    if (out->cert_index >= 0) {
        free(reason);
        return;
    }
    out->valid = false;
    out->cert_index = index;
    out->reason = reason;
    if (!reason)
        out->nomem = true;
}

void ucp_policy_result_dispose(struct ucp_policy_result *r)
{
    free(r->reason);
    ucp_strv_free(r->set, r->nset);
    memset(r, 0, sizeof *r);
    r->cert_index = -1;
}

void ucp_policy_validate(const struct ucp_policy_settings *s, ucp_certificate *const *certs, size_t pn,
                         struct ucp_policy_result *out)
{
    memset(out, 0, sizeof *out);
    out->valid = true;
    out->cert_index = -1;
    struct tree t;
    memset(&t, 0, sizeof t);
    int init[UCP_MAX_POLICY_SET + 1];
    size_t ninit = 0;
    bool init_any = s->nset == 0;
    const int n = (int)pn - 1; /* certificates processed: the path without its anchor */
    int explicit_policy = s->explicit_required ? 0 : n + 1;
    int inhibit_any = s->any_inhibited ? 0 : n + 1;
    int policy_mapping = s->mapping_inhibited ? 0 : n + 1;
    int ids[MAX_PER_CERT];
    struct mapping maps[MAX_PER_CERT];
    gnutls_datum_t d = {NULL, 0};

    /* The common case costs no allocation: default settings and no policy extension on the path
     * (the anchor aside) give a NULL tree that nothing requires, a valid path with no policy. */
    if (n >= 1 && s->nset == 0 && !s->explicit_required && !s->mapping_inhibited && !s->any_inhibited) {
        bool none = true;
        static const char *const oids[] = {"2.5.29.32", "2.5.29.33", "2.5.29.36", "2.5.29.54"};
        for (size_t i = 0; i + 1 < pn && none; i++)
            for (size_t k = 0; k < UCP_ARRAY_SIZE(oids) && none; k++)
                none = ucp_certificate_has_extension(certs[i], oids[k]) == 0;
        if (none)
            return;
    }
    if (intern(&t, ANY_POLICY) != ANY)
        goto nomem;
    for (size_t i = 0; i < s->nset && ninit < UCP_MAX_POLICY_SET; i++) {
        int id = intern(&t, s->set[i]);
        if (id < 0)
            goto nomem;
        if (id == ANY)
            init_any = true;
        else if (!in_set(init, ninit, id))
            init[ninit++] = id;
    }
    {
        int any = ANY;
        if (add_node(&t, -1, 0, ANY, &any, 1) < 0)
            goto nomem;
    }

    for (int i = 1; i <= n; i++) {
        const ucp_certificate *c = certs[pn - 1 - (size_t)i];
        int idx = (int)(pn - 1 - (size_t)i);
        bool bad = false;
        /* 6.1.3 (d), (e) */
        if (ext(c, "2.5.29.32", &d, &bad)) {
            size_t np = 0;
            if (!read_policies(&t, &d, ids, MAX_PER_CERT, &np)) {
                fail(out, idx, ucp_strdup("its certificate policies extension is malformed"));
                goto done;
            }
            gnutls_free(d.data);
            d.data = NULL;
            if (!t.null) {
                size_t before = t.n;
                bool has_any = false;
                for (size_t k = 0; k < np; k++) {
                    int P = ids[k];
                    if (P == ANY) {
                        has_any = true;
                        continue;
                    }
                    bool matched = false;
                    for (size_t j = 0; j < before; j++) {
                        const struct node *pr = &t.v[j];
                        if (!pr->dead && pr->depth == i - 1 && in_set(pr->expected, pr->nexpected, P)) {
                            matched = true;
                            add_node(&t, (int)j, i, P, &P, 1);
                        }
                    }
                    if (!matched)
                        for (size_t j = 0; j < before; j++)
                            if (!t.v[j].dead && t.v[j].depth == i - 1 && t.v[j].valid == ANY)
                                add_node(&t, (int)j, i, P, &P, 1);
                }
                if (has_any && (inhibit_any > 0 || (i < n && c->self_issued))) {
                    for (size_t j = 0; j < before; j++) {
                        if (t.v[j].dead || t.v[j].depth != i - 1)
                            continue;
                        for (size_t e = 0; e < t.v[j].nexpected; e++) {
                            int P = t.v[j].expected[e];
                            bool present = false;
                            for (size_t k = before; k < t.n; k++)
                                if (t.v[k].parent == (int)j && t.v[k].valid == P)
                                    present = true;
                            if (!present)
                                add_node(&t, (int)j, i, P, &P, 1);
                        }
                    }
                }
                if (t.nomem)
                    goto nomem;
                if (t.capped)
                    goto capped;
                /* Nodes of depth i-1 without children go, and so on up. */
                prune(&t, i - 1);
            }
        } else if (bad) {
            goto nomem;
        } else {
            t.null = true;
        }
        /* 6.1.3 (f) */
        if (explicit_policy == 0 && t.null) {
            fail(out, idx, ucp_strdup("an explicit policy is required and the path has no valid policy left here"));
            goto done;
        }
        if (i == n)
            break;
        /* 6.1.4 (a), (b) */
        if (ext(c, "2.5.29.33", &d, &bad)) {
            size_t nm = 0;
            bool ok = read_mappings(&t, &d, maps, MAX_PER_CERT, &nm);
            gnutls_free(d.data);
            d.data = NULL;
            if (!ok) {
                fail(out, idx, ucp_strdup("its policy mappings extension is malformed"));
                goto done;
            }
            if (t.capped)
                goto capped;
            for (size_t k = 0; k < nm; k++)
                if (maps[k].from == ANY || maps[k].to == ANY) {
                    fail(out, idx, ucp_strdup("its policy mappings map from or to anyPolicy"));
                    goto done;
                }
            for (size_t k = 0; k < nm && !t.null; k++) {
                int from = maps[k].from;
                bool first = true;
                for (size_t q = 0; q < k; q++)
                    if (maps[q].from == from)
                        first = false;
                if (!first)
                    continue;
                int to[MAX_PER_CERT];
                size_t nto = 0;
                for (size_t q = k; q < nm; q++)
                    if (maps[q].from == from && !in_set(to, nto, maps[q].to))
                        to[nto++] = maps[q].to;
                if (policy_mapping > 0) {
                    bool found = false;
                    size_t before = t.n;
                    for (size_t j = 0; j < before; j++) {
                        struct node *nd = &t.v[j];
                        if (nd->dead || nd->depth != i || nd->valid != from)
                            continue;
                        found = true;
                        int *e = malloc(nto * sizeof *e);
                        if (!e)
                            goto nomem;
                        memcpy(e, to, nto * sizeof *e);
                        free(nd->expected);
                        nd->expected = e;
                        nd->nexpected = nto;
                    }
                    if (!found)
                        for (size_t j = 0; j < before; j++)
                            if (!t.v[j].dead && t.v[j].depth == i && t.v[j].valid == ANY) {
                                add_node(&t, t.v[j].parent, i, from, to, nto);
                                break;
                            }
                    if (t.nomem)
                        goto nomem;
                    if (t.capped)
                        goto capped;
                } else {
                    for (size_t j = 0; j < t.n; j++)
                        if (!t.v[j].dead && t.v[j].depth == i && t.v[j].valid == from)
                            kill(&t, j);
                    prune(&t, i - 1);
                }
            }
        } else if (bad) {
            goto nomem;
        }
        /* (h) */
        if (!c->self_issued) {
            if (explicit_policy > 0)
                explicit_policy--;
            if (policy_mapping > 0)
                policy_mapping--;
            if (inhibit_any > 0)
                inhibit_any--;
        }
        /* (i) */
        if (ext(c, "2.5.29.36", &d, &bad)) {
            int require, inhibit;
            bool ok = read_constraints(&d, &require, &inhibit);
            gnutls_free(d.data);
            d.data = NULL;
            if (!ok) {
                fail(out, idx, ucp_strdup("its policy constraints extension is malformed"));
                goto done;
            }
            if (require >= 0 && require < explicit_policy)
                explicit_policy = require;
            if (inhibit >= 0 && inhibit < policy_mapping)
                policy_mapping = inhibit;
        } else if (bad) {
            goto nomem;
        }
        /* (j) */
        if (ext(c, "2.5.29.54", &d, &bad)) {
            int skip;
            bool ok = read_inhibit_any(&d, &skip);
            gnutls_free(d.data);
            d.data = NULL;
            if (!ok) {
                fail(out, idx, ucp_strdup("its inhibitAnyPolicy extension is malformed"));
                goto done;
            }
            if (skip < inhibit_any)
                inhibit_any = skip;
        } else if (bad) {
            goto nomem;
        }
    }

    /* 6.1.5 (a), (b): the end entity */
    if (n >= 1) {
        if (explicit_policy > 0)
            explicit_policy--;
        bool bad = false;
        if (ext(certs[0], "2.5.29.36", &d, &bad)) {
            int require, inhibit;
            bool ok = read_constraints(&d, &require, &inhibit);
            gnutls_free(d.data);
            d.data = NULL;
            if (!ok) {
                fail(out, 0, ucp_strdup("its policy constraints extension is malformed"));
                goto done;
            }
            if (require == 0)
                explicit_policy = 0;
        } else if (bad) {
            goto nomem;
        }
    }
    /* (g): the intersection with the user's initial policy set */
    if (!t.null && !init_any) {
        size_t before = t.n;
        for (size_t j = 0; j < before; j++) {
            struct node *nd = &t.v[j];
            if (nd->dead || nd->parent < 0 || t.v[nd->parent].valid != ANY || nd->valid == ANY)
                continue;
            if (!in_set(init, ninit, nd->valid))
                kill(&t, j);
        }
        for (size_t j = 0; j < before; j++) {
            if (t.v[j].dead || t.v[j].depth != n || t.v[j].valid != ANY)
                continue;
            for (size_t k = 0; k < ninit; k++) {
                /* not already the policy of a node of the valid_policy_node_set */
                bool present = false;
                for (size_t q = 0; q < t.n; q++)
                    if (!t.v[q].dead && t.v[q].parent >= 0 && t.v[t.v[q].parent].valid == ANY &&
                        t.v[q].valid == init[k])
                        present = true;
                if (!present && n > 0)
                    add_node(&t, t.v[j].parent, n, init[k], &init[k], 1);
            }
            if (n > 0)
                t.v[j].dead = true;
            break;
        }
        if (t.nomem)
            goto nomem;
        if (t.capped)
            goto capped;
        prune(&t, n - 1);
    }
    /* The user-constrained policy set, in the trust anchor's domain: for each node of the leaf
     * level, the policy of its ancestor whose parent is anyPolicy (a mapped policy counts as the
     * one it was mapped from; anyPolicy all the way down is anyPolicy). */
    if (!t.null)
        for (size_t j = 0; j < t.n; j++) {
            if (t.v[j].dead || t.v[j].depth != n)
                continue;
            size_t x = j;
            while (t.v[x].parent >= 0 && t.v[t.v[x].parent].valid != ANY)
                x = (size_t)t.v[x].parent;
            const char *oid = t.oids[t.v[x].valid];
            bool seen = false;
            for (size_t k = 0; k < out->nset; k++)
                seen |= strcmp(out->set[k], oid) == 0;
            if (!seen && !ucp_strv_push(&out->set, &out->nset, ucp_strdup(oid)))
                goto nomem;
        }
    if (explicit_policy == 0 && t.null) {
        fail(out, 0, ucp_strdup("an explicit policy is required and the path has no valid policy"));
    } else if (!init_any && out->nset == 0) {
        /* Not an RFC 5280 failure (which gives an empty set), but the user asked for policies
         * and the path asserts none of them: PKITS and the Windows chain engine reject it. */
        fail(out, 0, ucp_strdup("the path asserts none of the policies required"));
    }
    goto done;
capped:
    fail(out, 0, ucp_asprintf("the valid policy tree would exceed %d nodes; processing stopped", UCP_MAX_POLICY_NODES));
    goto done;
nomem:
    out->nomem = true;
    out->valid = false;
done:
    gnutls_free(d.data);
    for (size_t j = 0; j < t.n; j++)
        free(t.v[j].expected);
    free(t.v);
    ucp_strv_free(t.oids, t.noids);
    if (!out->valid) {
        ucp_strv_free(out->set, out->nset);
        out->set = NULL;
        out->nset = 0;
    }
}
