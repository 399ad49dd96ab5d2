/* SPDX-License-Identifier: MIT */
/*
 * The checker's signature cache: the outcome of "does the signature of certificate S verify with
 * the key of certificate I", keyed by the SHA-256 of both DER encodings, so that a batch of
 * leaves under one intermediate verifies the intermediate's signature once, not once per leaf,
 * and a leaf checked against several roles is verified once.
 *
 * The outcome is a pure function of the two encodings (the verification flags are fixed), so a
 * hit gives exactly the answer a verification would: reports never depend on the cache's state.
 *
 * Layout: a set-associative table of UCP_SIGCACHE_WAYS-entry sets. A set is chosen by the two
 * hashes; within it, the least recently used entry is replaced. An edge used by every check (an
 * intermediate under its root) therefore stays while single-use leaf edges come and go. Sets are
 * guarded by UCP_SIGCACHE_STRIPES mutexes (set index modulo the stripe count), each on its own
 * cache line, so concurrent checks rarely meet on a lock and never on a global one; the signature
 * itself is verified outside any lock.
 *
 * Memory: UCP_SIGCACHE_ENTRY_SIZE (72) bytes per entry, allocated with calloc when the size is
 * set (pages the table never touches cost no resident memory), plus the stripes (64 x 64 bytes).
 * Default 4096 entries: 288 KiB.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

struct ucp_sig_entry {
    uint8_t subject[32];
    uint8_t issuer[32];
    uint32_t stamp; /* the stripe's clock at the last use: LRU within the set */
    uint8_t state;  /* 0 empty, 1 verifies, 2 does not */
};

struct ucp_sig_stripe {
    pthread_mutex_t lock;
    uint32_t clock;
    uint64_t hits, misses;
} __attribute__((aligned(64)));

struct ucp_sigcache {
    struct ucp_sig_entry *entries; /* nsets * UCP_SIGCACHE_WAYS */
    size_t nsets;
    struct ucp_sig_stripe stripes[UCP_SIGCACHE_STRIPES];
};

_Static_assert(sizeof(struct ucp_sig_entry) == UCP_SIGCACHE_ENTRY_SIZE, "documented entry size");

void ucp_sigcache_free(struct ucp_sigcache *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < UCP_SIGCACHE_STRIPES; i++)
        pthread_mutex_destroy(&sc->stripes[i].lock);
    free(sc->entries);
    ucp_aligned_free(sc);
}

ucp_status ucp_sigcache_new(struct ucp_sigcache **out, size_t entries)
{
    *out = NULL;
    if (entries == 0)
        return UCP_OK; /* off */
    struct ucp_sigcache *sc = ucp_aligned_alloc(64, sizeof *sc);
    if (!sc)
        return ucp_fail_nomem();
    memset(sc, 0, sizeof *sc);
    sc->nsets = (entries + UCP_SIGCACHE_WAYS - 1) / UCP_SIGCACHE_WAYS;
    sc->entries = calloc(sc->nsets * UCP_SIGCACHE_WAYS, sizeof *sc->entries);
    if (!sc->entries) {
        ucp_aligned_free(sc);
        return ucp_fail_nomem();
    }
    for (size_t i = 0; i < UCP_SIGCACHE_STRIPES; i++)
        pthread_mutex_init(&sc->stripes[i].lock, NULL);
    *out = sc;
    return UCP_OK;
}

static size_t set_of(const struct ucp_sigcache *sc, const uint8_t *subject, const uint8_t *issuer)
{
    uint64_t a, b;
    memcpy(&a, subject, sizeof a);
    memcpy(&b, issuer, sizeof b);
    uint64_t h = a ^ (b << 17 | b >> 47);
    return (size_t)(h % sc->nsets);
}

static bool matches(const struct ucp_sig_entry *e, const uint8_t *subject, const uint8_t *issuer)
{
    return e->state && memcmp(e->subject, subject, 32) == 0 && memcmp(e->issuer, issuer, 32) == 0;
}

/* 1 verifies, 0 does not, -1 unknown. */
static int lookup(struct ucp_sigcache *sc, const uint8_t *subject, const uint8_t *issuer)
{
    size_t set = set_of(sc, subject, issuer);
    struct ucp_sig_stripe *st = &sc->stripes[set % UCP_SIGCACHE_STRIPES];
    struct ucp_sig_entry *e = &sc->entries[set * UCP_SIGCACHE_WAYS];
    int found = -1;
    pthread_mutex_lock(&st->lock);
    for (size_t w = 0; w < UCP_SIGCACHE_WAYS; w++) {
        if (matches(&e[w], subject, issuer)) {
            e[w].stamp = ++st->clock;
            found = e[w].state == 1;
            break;
        }
    }
    if (found >= 0)
        st->hits++;
    else
        st->misses++;
    pthread_mutex_unlock(&st->lock);
    return found;
}

static void store(struct ucp_sigcache *sc, const uint8_t *subject, const uint8_t *issuer, bool ok)
{
    size_t set = set_of(sc, subject, issuer);
    struct ucp_sig_stripe *st = &sc->stripes[set % UCP_SIGCACHE_STRIPES];
    struct ucp_sig_entry *e = &sc->entries[set * UCP_SIGCACHE_WAYS];
    pthread_mutex_lock(&st->lock);
    size_t victim = 0;
    for (size_t w = 0; w < UCP_SIGCACHE_WAYS; w++) {
        if (matches(&e[w], subject, issuer)) { /* another thread stored it meanwhile */
            victim = w;
            break;
        }
        if (!e[w].state) {
            victim = w;
            break;
        }
        /* Least recently used; the clock wraps after 2^32 uses of a stripe, which only makes
         * one replacement choice imperfect. */
        if ((int32_t)(e[w].stamp - e[victim].stamp) < 0)
            victim = w;
    }
    memcpy(e[victim].subject, subject, 32);
    memcpy(e[victim].issuer, issuer, 32);
    e[victim].state = ok ? 1 : 2;
    e[victim].stamp = ++st->clock;
    pthread_mutex_unlock(&st->lock);
}

void ucp_sigcache_stats(const struct ucp_sigcache *sc, uint64_t *hits, uint64_t *misses)
{
    *hits = *misses = 0;
    if (!sc)
        return;
    for (size_t i = 0; i < UCP_SIGCACHE_STRIPES; i++) {
        struct ucp_sig_stripe *st = (struct ucp_sig_stripe *)&sc->stripes[i];
        pthread_mutex_lock(&st->lock);
        *hits += st->hits;
        *misses += st->misses;
        pthread_mutex_unlock(&st->lock);
    }
}

bool ucp_trust_verify_signature(struct ucp_trust *trust, const ucp_certificate *cert,
                                const ucp_certificate *issuer)
{
    struct ucp_sigcache *sc = trust->sigcache;
    if (!sc)
        return ucp_certificate_check_signature(cert, issuer);
    int known = lookup(sc, cert->sha256_raw, issuer->sha256_raw);
    if (known >= 0)
        return known == 1;
    bool ok = ucp_certificate_check_signature(cert, issuer);
    store(sc, cert->sha256_raw, issuer->sha256_raw, ok);
    return ok;
}
