/* SPDX-License-Identifier: MIT */
/*
 * A set of certificates indexed by raw subject DN, for issuer lookups during path building.
 * Lookups cost O(matching subjects), so a bundle of 10,000 certificates does not make every
 * lookup scan 10,000 entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ucpolicy-private.h"

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

void ucp_pool_init(struct ucp_pool *pool)
{
    memset(pool, 0, sizeof *pool);
}

void ucp_pool_dispose(struct ucp_pool *pool)
{
    for (size_t i = 0; i < pool->n; i++)
        ucp_certificate_unref(pool->entries[i].cert);
    free(pool->entries);
    free(pool->buckets);
    ucp_pool_init(pool);
}

static bool rehash(struct ucp_pool *pool, size_t nbuckets)
{
    size_t *b = malloc(nbuckets * sizeof *b);
    if (!b)
        return false;
    for (size_t i = 0; i < nbuckets; i++)
        b[i] = SIZE_MAX;
    for (size_t i = 0; i < pool->n; i++) {
        size_t k = pool->entries[i].hash % nbuckets;
        pool->entries[i].next = b[k];
        b[k] = i;
    }
    free(pool->buckets);
    pool->buckets = b;
    pool->nbuckets = nbuckets;
    return true;
}

static bool same_dn(const struct ucp_bytes *a, const struct ucp_bytes *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

ucp_status ucp_pool_add(struct ucp_pool *pool, ucp_certificate *cert)
{
    uint32_t h = fnv1a(cert->raw_subject.data, cert->raw_subject.len);
    if (pool->nbuckets) {
        for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next)
            if (ucp_certificate_same(pool->entries[i].cert, cert))
                return UCP_OK; /* already there */
    }
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? pool->cap * 2 : 16;
        struct ucp_pool_entry *e = realloc(pool->entries, cap * sizeof *e);
        if (!e)
            return ucp_fail_nomem();
        pool->entries = e;
        pool->cap = cap;
    }
    pool->entries[pool->n].cert = ucp_certificate_mut_ref(cert);
    pool->entries[pool->n].hash = h;
    pool->entries[pool->n].next = SIZE_MAX;
    pool->n++;
    if (pool->n > pool->nbuckets) {
        if (!rehash(pool, pool->nbuckets ? pool->nbuckets * 4 : 64)) {
            pool->n--;
            ucp_certificate_unref(cert);
            return ucp_fail_nomem();
        }
    } else {
        size_t k = h % pool->nbuckets;
        pool->entries[pool->n - 1].next = pool->buckets[k];
        pool->buckets[k] = pool->n - 1;
    }
    return UCP_OK;
}

void ucp_pool_each_subject(const struct ucp_pool *pool, const struct ucp_bytes *raw_dn,
                           bool (*fn)(ucp_certificate *cert, void *data), void *data)
{
    if (!pool->nbuckets)
        return;
    uint32_t h = fnv1a(raw_dn->data, raw_dn->len);
    /* Bucket chains are LIFO: collect and visit in insertion order, so that earlier certificates
     * (e.g. the order of --trust files) are tried first. */
    size_t idx[UCP_MAX_CANDIDATES];
    size_t n = 0;
    for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next) {
        if (pool->entries[i].hash == h && same_dn(&pool->entries[i].cert->raw_subject, raw_dn)) {
            if (n < UCP_MAX_CANDIDATES)
                idx[n++] = i;
            else {
                /* Keep the earliest UCP_MAX_CANDIDATES (a hostile pool of look-alikes is bounded). */
                memmove(idx, idx + 1, (UCP_MAX_CANDIDATES - 1) * sizeof idx[0]);
                idx[UCP_MAX_CANDIDATES - 1] = i;
            }
        }
    }
    while (n > 0)
        if (!fn(pool->entries[idx[--n]].cert, data))
            return;
}

bool ucp_pool_contains_entity(const struct ucp_pool *pool, const ucp_certificate *cert)
{
    if (!pool->nbuckets)
        return false;
    uint32_t h = fnv1a(cert->raw_subject.data, cert->raw_subject.len);
    for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next)
        if (pool->entries[i].hash == h && ucp_certificate_same_entity(pool->entries[i].cert, cert))
            return true;
    return false;
}
