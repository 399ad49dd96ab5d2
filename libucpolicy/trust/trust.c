/* SPDX-License-Identifier: MIT */
/* The trust settings of a checker: their lifetime, and the system trust store loaded on first use. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "trust/trust-private.h"

ucp_status ucp_trust_init(struct ucp_trust *t)
{
    memset(t, 0, sizeof *t);
    pthread_mutex_t *lock = malloc(sizeof *lock);
    if (!lock || pthread_mutex_init(lock, NULL) != 0) {
        free(lock);
        return ucp_fail_nomem();
    }
    t->lock = lock;
    ucp_pool_init(&t->anchors);
    ucp_pool_init(&t->intermediates);
    ucp_pool_init(&t->public_roots);
    ucp_pool_init(&t->system);
    t->system_mode = UCP_SYSTEM_TRUST_AUTO;
    t->timeout_ms = 5000;
    t->fetch_limit = 10u * 1024u * 1024u;
    ucp_crl_cache_init(&t->fetched, UCP_CRL_CACHE_BYTES);
    atomic_init(&t->system_state, 0);
    if (ucp_sigcache_new(&t->sigcache, UCP_SIGCACHE_DEFAULT_ENTRIES) != UCP_OK) {
        pthread_mutex_destroy(lock);
        free(lock);
        return ucp_fail_nomem();
    }
    return UCP_OK;
}

void ucp_trust_dispose(struct ucp_trust *t)
{
    ucp_pool_dispose(&t->anchors);
    ucp_pool_dispose(&t->intermediates);
    ucp_pool_dispose(&t->public_roots);
    ucp_pool_dispose(&t->system);
    ucp_crl_set_dispose(&t->crls);
    ucp_crl_cache_dispose(&t->fetched);
    free(t->system_error);
    ucp_sigcache_free(t->sigcache);
    ucp_strv_free(t->policy.set, t->policy.nset);
    pthread_mutex_destroy(t->lock);
    free(t->lock);
}

ucp_status ucp_trust_set_sigcache_size(struct ucp_trust *t, size_t entries)
{
    struct ucp_sigcache *sc = NULL;
    ucp_status st = ucp_sigcache_new(&sc, entries);
    if (st != UCP_OK)
        return st;
    ucp_sigcache_free(t->sigcache);
    t->sigcache = sc;
    return UCP_OK;
}

/* Load GnuTLS's system trust (the distribution's configured store: a CA bundle file, a
 * directory or p11-kit) and copy its anchors into our pool. */
static void load_gnutls_system(struct ucp_trust *c)
{
    gnutls_x509_trust_list_t tl = NULL;
    int ret = gnutls_x509_trust_list_init(&tl, 0);
    if (ret >= 0)
        ret = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
    if (ret < 0) {
        c->system_error = ucp_asprintf("the system trust store cannot be loaded: %s", gnutls_strerror(ret));
        if (tl)
            gnutls_x509_trust_list_deinit(tl, 1);
        atomic_store(&c->system_state, 2);
        return;
    }
    gnutls_x509_trust_list_iter_t iter = NULL;
    gnutls_x509_crt_t crt;
    while (gnutls_x509_trust_list_iter_get_ca(tl, &iter, &crt) >= 0) {
        /* Kept as DER, parsed when a lookup reaches its subject (pool.c): a check parses the
         * roots its paths meet, not the ~140 of a distribution's store. */
        gnutls_datum_t der = {NULL, 0}, dn = {NULL, 0};
        if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) >= 0 &&
            gnutls_x509_crt_get_raw_dn(crt, &dn) >= 0)
            ucp_pool_add_lazy(&c->system, der.data, der.size, dn.data, dn.size);
        gnutls_free(der.data);
        gnutls_free(dn.data);
        gnutls_x509_crt_deinit(crt);
    }
    gnutls_x509_trust_list_iter_deinit(iter);
    gnutls_x509_trust_list_deinit(tl, 1);
    /* Certificates of the store that do not parse are skipped when met: they cannot anchor
     * anything. */
    ucp_error_clear();
    atomic_store(&c->system_state, 1);
}

/* Load the system trust store once per trust settings (checker): the distribution's PEM bundle
 * read by systore.c where there is one (GnuTLS would parse all of it), else GnuTLS's system
 * trust. A bundle that cannot be read is left to GnuTLS, which then decides and words the error,
 * as before. */
static void load_system(struct ucp_trust *c)
{
    const char *bundle = ucp_system_trust_file();
    if (bundle) {
        if (ucp_pool_add_pem_bundle(&c->system, bundle) == UCP_OK) {
            atomic_store(&c->system_state, 1);
            return;
        }
        ucp_error_clear();
        ucp_pool_dispose(&c->system);
    }
    load_gnutls_system(c);
}

const struct ucp_pool *ucp_trust_system_pool(struct ucp_trust *c)
{
    int state = atomic_load(&c->system_state);
    if (state == 0) {
        pthread_mutex_lock(c->lock);
        if (atomic_load(&c->system_state) == 0)
            load_system(c);
        pthread_mutex_unlock(c->lock);
        state = atomic_load(&c->system_state);
    }
    return state == 1 ? &c->system : NULL;
}

