/* SPDX-License-Identifier: MIT */
/*
 * The cache of fetched CRLs of a checker: what each distribution point URL gave, shared by the
 * checks (and threads) of the checker under its lock, bounded by bytes, not entries. Each
 * entry counts what it holds: the CRL (ucp_crl_size: its DER, its index, the object), the URL,
 * a failure's text. Past the budget, the least recently used entries go; an entry larger than
 * the whole budget is never kept (the check that fetched it still uses it). A check keeps a
 * reference to the CRL it is using, so an eviction by another thread frees nothing under it.
 *
 * A CRL is kept whoever its issuer is (revocation.c decides, for each certificate, whether it
 * covers it and who signed it: an indirect CRL, a renewed CA key); a failed fetch leaves a small
 * entry saying why (UCP_FETCH_FAILED). A caller may also keep, for one issuer, that a URL gave
 * no CRL of it (UCP_FETCH_WRONG_ISSUER, UCP_FETCH_BAD_SIGNATURE): a look-up for another issuer,
 * or for none (a NULL issuer_id), then fetches again.
 *
 * URLs are found through a hash table (chained, doubled as it fills); the LRU order is a
 * doubly linked list.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

struct ucp_cached {
    char *url;
    uint32_t hash;
    enum ucp_fetch_outcome outcome;
    struct ucp_crl *crl; /* UCP_FETCH_CRL */
    char *error;         /* the other outcomes */
    uint8_t issuer_id[32];
    size_t bytes;
    struct ucp_cached *chain;       /* the next in its bucket */
    struct ucp_cached *newer, *older;
};

static uint32_t hash_url(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

void ucp_crl_cache_init(struct ucp_crl_cache *cache, size_t budget)
{
    memset(cache, 0, sizeof *cache);
    cache->budget = budget;
}

static void entry_free(struct ucp_cached *e)
{
    free(e->url);
    ucp_crl_release(e->crl);
    free(e->error);
    free(e);
}

void ucp_crl_cache_dispose(struct ucp_crl_cache *cache)
{
    for (struct ucp_cached *e = cache->newest, *next; e; e = next) {
        next = e->older;
        entry_free(e);
    }
    free(cache->buckets);
    size_t budget = cache->budget;
    ucp_crl_cache_init(cache, budget);
}

static struct ucp_cached **slot_of(struct ucp_crl_cache *cache, const char *url, uint32_t hash)
{
    if (!cache->nbuckets)
        return NULL;
    struct ucp_cached **slot = &cache->buckets[hash & (cache->nbuckets - 1)];
    while (*slot && ((*slot)->hash != hash || strcmp((*slot)->url, url) != 0))
        slot = &(*slot)->chain;
    return slot;
}

static void unlink_lru(struct ucp_crl_cache *cache, struct ucp_cached *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        cache->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        cache->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(struct ucp_crl_cache *cache, struct ucp_cached *e)
{
    e->newer = NULL;
    e->older = cache->newest;
    if (cache->newest)
        cache->newest->newer = e;
    cache->newest = e;
    if (!cache->oldest)
        cache->oldest = e;
}

/* Take @e out of the table and the list, and free it. */
static void remove_entry(struct ucp_crl_cache *cache, struct ucp_cached *e)
{
    struct ucp_cached **slot = slot_of(cache, e->url, e->hash);
    if (slot && *slot == e)
        *slot = e->chain;
    unlink_lru(cache, e);
    cache->n--;
    cache->bytes -= e->bytes;
    entry_free(e);
}

/* Room for one more entry in the table: false when out of memory. */
static bool grow(struct ucp_crl_cache *cache)
{
    if (cache->n + 1 <= cache->nbuckets)
        return true;
    size_t nb = cache->nbuckets ? cache->nbuckets * 2 : 16;
    struct ucp_cached **b = calloc(nb, sizeof *b);
    if (!b)
        return false;
    for (struct ucp_cached *e = cache->newest; e; e = e->older) {
        struct ucp_cached **slot = &b[e->hash & (nb - 1)];
        e->chain = *slot;
        *slot = e;
    }
    free(cache->buckets);
    cache->buckets = b;
    cache->nbuckets = nb;
    return true;
}

bool ucp_crl_cache_get(struct ucp_crl_cache *cache, const char *url, const uint8_t issuer_id[32],
                       struct ucp_fetch_found *out)
{
    memset(out, 0, sizeof *out);
    struct ucp_cached **slot = slot_of(cache, url, hash_url(url));
    struct ucp_cached *e = slot ? *slot : NULL;
    if (!e)
        return false;
    if ((e->outcome == UCP_FETCH_WRONG_ISSUER || e->outcome == UCP_FETCH_BAD_SIGNATURE) &&
        (!issuer_id || memcmp(e->issuer_id, issuer_id, sizeof e->issuer_id) != 0))
        return false;
    out->outcome = e->outcome;
    if (e->crl) {
        out->crl = ucp_crl_ref(e->crl);
    } else {
        out->error = ucp_strdup(e->error ? e->error : "");
        if (!out->error)
            return false;
    }
    unlink_lru(cache, e);
    push_newest(cache, e);
    return true;
}

void ucp_crl_cache_put(struct ucp_crl_cache *cache, const char *url, enum ucp_fetch_outcome outcome,
                       struct ucp_crl *crl, const uint8_t issuer_id[32], const char *error)
{
    uint32_t hash = hash_url(url);
    struct ucp_cached **slot = slot_of(cache, url, hash);
    if (slot && *slot)
        remove_entry(cache, *slot);
    struct ucp_cached *e = calloc(1, sizeof *e);
    if (!e)
        return;
    e->url = ucp_strdup(url);
    e->hash = hash;
    e->outcome = outcome;
    if (outcome == UCP_FETCH_CRL)
        e->crl = ucp_crl_ref(crl);
    else
        e->error = ucp_strdup(error ? error : "");
    if (issuer_id)
        memcpy(e->issuer_id, issuer_id, sizeof e->issuer_id);
    e->bytes = sizeof *e + strlen(url) + 1 + (e->crl ? ucp_crl_size(e->crl) : 0) +
               (e->error ? strlen(e->error) + 1 : 0);
    if (!e->url || (!e->crl && !e->error) || e->bytes > cache->budget || !grow(cache)) {
        entry_free(e);
        return;
    }
    slot = &cache->buckets[hash & (cache->nbuckets - 1)];
    e->chain = *slot;
    *slot = e;
    push_newest(cache, e);
    cache->n++;
    cache->bytes += e->bytes;
    while (cache->bytes > cache->budget && cache->oldest != e)
        remove_entry(cache, cache->oldest);
}

void ucp_fetch_found_dispose(struct ucp_fetch_found *f)
{
    ucp_crl_release(f->crl);
    free(f->error);
    memset(f, 0, sizeof *f);
}
