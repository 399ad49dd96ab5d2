/* SPDX-License-Identifier: MIT */
/*
 * A set of certificates indexed by raw subject DN, for issuer lookups during path building.
 * Lookups cost O(matching subjects), so a bundle of 10,000 certificates does not make every
 * lookup scan 10,000 entries.
 *
 * Entries added with ucp_pool_add_lazy() hold only the DER and the raw subject until a lookup
 * matches their subject, those of ucp_pool_add_lazy_pem() only the base64 body and the subject;
 * the certificate is then decoded and parsed once and kept. The system trust store is loaded
 * this way: a check decodes and parses the roots its paths reach, not the whole store.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

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
    for (size_t i = 0; i < pool->n; i++) {
        struct ucp_pool_entry *e = &pool->entries[i];
        ucp_certificate_unref(atomic_load(&e->cert));
        if (e->der.data || e->pem.data) { /* lazy: owns its DER or base64 and its subject */
            free(e->der.data);
            free(e->pem.data);
            free(e->subject.data);
        }
    }
    free(pool->entries);
    free(pool->buckets);
    free(pool->fbuckets);
    ucp_pool_init(pool);
}

static bool rehash(struct ucp_pool *pool, size_t nbuckets)
{
    size_t *b = malloc(nbuckets * sizeof *b), *fb = malloc(nbuckets * sizeof *fb);
    if (!b || !fb) {
        free(b);
        free(fb);
        return false;
    }
    for (size_t i = 0; i < nbuckets; i++)
        b[i] = fb[i] = SIZE_MAX;
    for (size_t i = 0; i < pool->n; i++) {
        size_t k = pool->entries[i].hash % nbuckets;
        pool->entries[i].next = b[k];
        b[k] = i;
        k = pool->entries[i].fhash % nbuckets;
        pool->entries[i].fnext = fb[k];
        fb[k] = i;
    }
    free(pool->buckets);
    free(pool->fbuckets);
    pool->buckets = b;
    pool->fbuckets = fb;
    pool->nbuckets = nbuckets;
    return true;
}

static bool same_dn(const struct ucp_bytes *a, const struct ucp_bytes *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

/* The entry's DER: its own (lazy), its certificate's, or NULL (still in base64). */
static const struct ucp_bytes *entry_der(const struct ucp_pool_entry *e)
{
    if (e->der.data)
        return &e->der;
    ucp_certificate *c = atomic_load(&((struct ucp_pool_entry *)e)->cert);
    return c ? &c->der : NULL;
}

static bool contains_der(const struct ucp_pool *pool, uint32_t h, const uint8_t *der, size_t len)
{
    if (!pool->nbuckets)
        return false;
    for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next) {
        const struct ucp_bytes *d = entry_der(&pool->entries[i]);
        if (pool->entries[i].hash == h && d && d->len == len && memcmp(d->data, der, len) == 0)
            return true;
    }
    return false;
}

static bool is_space(uint8_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r'); /* HT, LF, VT, FF, CR */
}

/* The same base64 text, whatever its line ends and other white space. */
static bool same_base64(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
    size_t i = 0, k = 0;
    for (;;) {
        while (i < alen && is_space(a[i]))
            i++;
        while (k < blen && is_space(b[k]))
            k++;
        if (i == alen || k == blen)
            return i == alen && k == blen;
        if (a[i++] != b[k++])
            return false;
    }
}

static bool contains_pem(const struct ucp_pool *pool, uint32_t h, const uint8_t *body, size_t len)
{
    if (!pool->nbuckets)
        return false;
    for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next) {
        const struct ucp_bytes *t = &pool->entries[i].pem;
        if (pool->entries[i].hash == h && t->data && same_base64(t->data, t->len, body, len))
            return true;
    }
    return false;
}

/* Append an entry (filled by the caller after a true return). */
static struct ucp_pool_entry *append(struct ucp_pool *pool, uint32_t h)
{
    if (pool->n == pool->cap) {
        size_t cap = pool->cap ? pool->cap * 2 : 16;
        struct ucp_pool_entry *e = realloc(pool->entries, cap * sizeof *e);
        if (!e)
            return NULL;
        pool->entries = e;
        pool->cap = cap;
    }
    struct ucp_pool_entry *e = &pool->entries[pool->n];
    memset(e, 0, sizeof *e);
    e->hash = h;
    e->next = SIZE_MAX;
    e->fnext = SIZE_MAX;
    return e;
}

/* Link the last entry into its bucket (growing the table as needed); false when out of memory
 * (the entry is then removed by the caller). */
static bool link_last(struct ucp_pool *pool)
{
    pool->n++;
    if (pool->n > pool->nbuckets)
        return rehash(pool, pool->nbuckets ? pool->nbuckets * 4 : 64);
    struct ucp_pool_entry *e = &pool->entries[pool->n - 1];
    size_t k = e->hash % pool->nbuckets;
    e->next = pool->buckets[k];
    pool->buckets[k] = pool->n - 1;
    k = e->fhash % pool->nbuckets;
    e->fnext = pool->fbuckets[k];
    pool->fbuckets[k] = pool->n - 1;
    return true;
}

ucp_status ucp_pool_add(struct ucp_pool *pool, ucp_certificate *cert)
{
    uint32_t h = fnv1a(cert->raw_subject.data, cert->raw_subject.len);
    if (contains_der(pool, h, cert->der.data, cert->der.len))
        return UCP_OK; /* already there */
    struct ucp_pool_entry *e = append(pool, h);
    if (!e)
        return ucp_fail_nomem();
    atomic_init(&e->cert, ucp_certificate_mut_ref(cert));
    e->subject = cert->raw_subject;
    e->fhash = ucp_dn_fold_hash(&cert->raw_subject);
    if (!link_last(pool)) {
        pool->n--;
        ucp_certificate_unref(cert);
        return ucp_fail_nomem();
    }
    return UCP_OK;
}

/* A lazy entry holding a copy of @data (its base64 body when @pem, else its DER) and of @subject,
 * unless the pool has that certificate already. */
static ucp_status add_lazy_entry(struct ucp_pool *pool, bool pem, const uint8_t *data, size_t len,
                                 const uint8_t *subject, size_t subject_len)
{
    uint32_t h = fnv1a(subject, subject_len);
    if (pem ? contains_pem(pool, h, data, len) : contains_der(pool, h, data, len))
        return UCP_OK;
    struct ucp_pool_entry *e = append(pool, h);
    if (!e)
        return ucp_fail_nomem();
    struct ucp_bytes *copy = pem ? &e->pem : &e->der;
    copy->data = malloc(len ? len : 1);
    e->subject.data = malloc(subject_len ? subject_len : 1);
    if (!copy->data || !e->subject.data) {
        free(copy->data);
        free(e->subject.data);
        return ucp_fail_nomem();
    }
    memcpy(copy->data, data, len);
    copy->len = len;
    memcpy(e->subject.data, subject, subject_len);
    e->subject.len = subject_len;
    e->fhash = ucp_dn_fold_hash(&e->subject);
    if (!link_last(pool)) {
        pool->n--;
        free(copy->data);
        free(e->subject.data);
        return ucp_fail_nomem();
    }
    return UCP_OK;
}

ucp_status ucp_pool_add_lazy(struct ucp_pool *pool, const uint8_t *der, size_t len, const uint8_t *subject,
                             size_t subject_len)
{
    return add_lazy_entry(pool, false, der, len, subject, subject_len);
}

ucp_status ucp_pool_add_lazy_pem(struct ucp_pool *pool, const uint8_t *body, size_t len, const uint8_t *subject,
                                 size_t subject_len)
{
    return add_lazy_entry(pool, true, body, len, subject, subject_len);
}

/* The entry's certificate, parsed now if it is a lazy entry seen for the first time; NULL when
 * it does not parse (a certificate of the system store that cannot anchor anything). */
static ucp_certificate *materialize(const struct ucp_pool_entry *ce)
{
    struct ucp_pool_entry *e = (struct ucp_pool_entry *)ce;
    ucp_certificate *c = atomic_load_explicit(&e->cert, memory_order_acquire);
    if (c || atomic_load_explicit(&e->failed, memory_order_relaxed))
        return c;
    ucp_certificate *parsed = NULL;
    uint8_t *decoded = NULL;
    size_t decoded_len = 0;
    bool ok = e->pem.data ? ucp_base64_decode_simple(e->pem.data, e->pem.len, &decoded, &decoded_len) &&
                                ucp_certificate_from_der(&parsed, decoded, decoded_len, "system trust store", 0) == UCP_OK
                          : ucp_certificate_from_der(&parsed, e->der.data, e->der.len, "system trust store", 0) == UCP_OK;
    free(decoded);
    if (!ok) {
        ucp_error_clear(); /* skipped, as when the store was loaded eagerly */
        atomic_store(&e->failed, 1);
        return NULL;
    }
    ucp_certificate *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&e->cert, &expected, parsed, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        ucp_certificate_unref(parsed); /* another thread published it first */
        return expected;
    }
    return parsed;
}

/* Add entry i to the candidates idx[0..*n) met along a LIFO bucket chain, keeping the earliest
 * inserted UCP_MAX_CANDIDATES: a hostile pool of look-alikes is bounded. */
static void keep_candidate(size_t idx[UCP_MAX_CANDIDATES], size_t *n, size_t i)
{
    if (*n < UCP_MAX_CANDIDATES) {
        idx[(*n)++] = i;
        return;
    }
    memmove(idx, idx + 1, (UCP_MAX_CANDIDATES - 1) * sizeof idx[0]);
    idx[UCP_MAX_CANDIDATES - 1] = i;
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
        /* A lazy entry is parsed here, so that one that does not parse takes no candidate slot
         * (as when the store was parsed on loading). */
        if (pool->entries[i].hash == h && same_dn(&pool->entries[i].subject, raw_dn) &&
            materialize(&pool->entries[i])) {
            keep_candidate(idx, &n, i);
        }
    }
    if (n == 0) {
        /* No subject is the same bytes: look for the same name by RFC 5280 7.1 (another string
         * type, case, spaces), through the folded index. */
        uint32_t fh = ucp_dn_fold_hash(raw_dn);
        for (size_t i = pool->fbuckets[fh % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].fnext) {
            if (pool->entries[i].fhash == fh && ucp_dn_equal(&pool->entries[i].subject, raw_dn) &&
                materialize(&pool->entries[i])) {
                keep_candidate(idx, &n, i);
            }
        }
    }
    while (n > 0)
        if (!fn(atomic_load(&pool->entries[idx[--n]].cert), data))
            return;
}

bool ucp_pool_contains_entity(const struct ucp_pool *pool, const ucp_certificate *cert)
{
    if (!pool->nbuckets)
        return false;
    uint32_t h = fnv1a(cert->raw_subject.data, cert->raw_subject.len);
    for (size_t i = pool->buckets[h % pool->nbuckets]; i != SIZE_MAX; i = pool->entries[i].next) {
        if (pool->entries[i].hash != h || !same_dn(&pool->entries[i].subject, &cert->raw_subject))
            continue;
        ucp_certificate *c = materialize(&pool->entries[i]);
        if (c && ucp_certificate_same_entity(c, cert))
            return true;
    }
    return false;
}
