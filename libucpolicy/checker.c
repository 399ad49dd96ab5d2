/* SPDX-License-Identifier: MIT */
/* The checker: configuration shared by checks, and the lazily loaded system trust store. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy-private.h"

UCP_EXPORT ucp_status ucp_checker_new(ucp_checker **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_new: out is NULL");
    *out = NULL;
    ucp_checker *c = calloc(1, sizeof *c);
    pthread_mutex_t *lock = malloc(sizeof *lock);
    if (!c || !lock || pthread_mutex_init(lock, NULL) != 0) {
        free(c);
        free(lock);
        return ucp_fail_nomem();
    }
    c->lock = lock;
    ucp_pool_init(&c->anchors);
    ucp_pool_init(&c->intermediates);
    ucp_pool_init(&c->public_roots);
    ucp_pool_init(&c->system);
    c->system_mode = UCP_SYSTEM_TRUST_AUTO;
    c->time = UCP_TIME_NOW;
    c->expiry_days = 30;
    c->timeout_ms = 5000;
    c->fetch_limit = 10u * 1024u * 1024u;
    atomic_init(&c->system_state, 0);
    if (ucp_sigcache_new(&c->sigcache, UCP_SIGCACHE_DEFAULT_ENTRIES) != UCP_OK) {
        pthread_mutex_destroy(lock);
        free(lock);
        free(c);
        return ucp_fail_nomem();
    }
    *out = c;
    return UCP_OK;
}

UCP_EXPORT void ucp_checker_free(ucp_checker *c)
{
    if (!c)
        return;
    ucp_pool_dispose(&c->anchors);
    ucp_pool_dispose(&c->intermediates);
    ucp_pool_dispose(&c->public_roots);
    ucp_pool_dispose(&c->system);
    ucp_crl_set_dispose(&c->crls);
    ucp_fetch_cache_dispose(&c->fetched);
    free(c->system_error);
    ucp_sigcache_free(c->sigcache);
    pthread_mutex_destroy(c->lock);
    free(c->lock);
    free(c);
}

static ucp_status add_all(struct ucp_pool *pool, const ucp_input *in, const char *what)
{
    if (!in)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s: the input is NULL", what);
    for (size_t i = 0; i < in->ncerts; i++) {
        ucp_status st = ucp_pool_add(pool, in->certs[i]);
        if (st != UCP_OK)
            return st;
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_add_trust(ucp_checker *c, const ucp_input *anchors)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_trust: checker is NULL");
    return add_all(&c->anchors, anchors, "ucp_checker_add_trust");
}

UCP_EXPORT ucp_status ucp_checker_add_intermediates(ucp_checker *c, const ucp_input *certs)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_intermediates: checker is NULL");
    return add_all(&c->intermediates, certs, "ucp_checker_add_intermediates");
}

UCP_EXPORT ucp_status ucp_checker_add_public_roots(ucp_checker *c, const ucp_input *roots)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_add_public_roots: checker is NULL");
    c->public_roots_set = true;
    return add_all(&c->public_roots, roots, "ucp_checker_add_public_roots");
}

UCP_EXPORT ucp_status ucp_checker_set_system_trust(ucp_checker *c, ucp_system_trust mode)
{
    if (!c || (unsigned)mode > UCP_SYSTEM_TRUST_OFF)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_system_trust: invalid argument");
    c->system_mode = mode;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_time(ucp_checker *c, int64_t t)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_time: checker is NULL");
    c->time = t;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_expiry_warning_days(ucp_checker *c, unsigned days)
{
    if (!c || days > 3650)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                        "the expiry warning must be between 0 and 3650 days");
    c->expiry_days = days;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_add_crl_data(ucp_checker *c, const uint8_t *data, size_t length,
                                               const char *name)
{
    if (!c || (!data && length))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, name, "ucp_checker_add_crl_data: invalid argument");
    if (length > UCP_MAX_INPUT_SIZE)
        return ucp_fail(UCP_E_TOO_LARGE, name ? name : "<memory>", "the CRL is %zu bytes; the limit is %u",
                        length, UCP_MAX_INPUT_SIZE);
    return ucp_crl_set_load(&c->crls, data ? data : (const uint8_t *)"", length, name ? name : "<memory>");
}

UCP_EXPORT ucp_status ucp_checker_add_crl_file(ucp_checker *c, const char *path)
{
    if (!c || !path)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, path, "ucp_checker_add_crl_file: invalid argument");
    uint8_t *data;
    size_t len;
    ucp_status st = ucp_read_file(path, UCP_MAX_INPUT_SIZE, &data, &len);
    if (st != UCP_OK)
        return st;
    st = ucp_crl_set_load(&c->crls, data, len, path);
    free(data);
    return st;
}

UCP_EXPORT ucp_status ucp_checker_set_online(ucp_checker *c, bool online)
{
    if (!c)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_set_online: checker is NULL");
    c->online = online;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_network_timeout(ucp_checker *c, unsigned ms)
{
    if (!c || ms == 0 || ms > 600000)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the network timeout must be between 1 and 600000 ms");
    c->timeout_ms = ms;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_checker_set_fetch_limit(ucp_checker *c, size_t bytes)
{
    if (!c || bytes < 1024)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the fetch limit must be at least 1024 bytes");
    c->fetch_limit = bytes;
    return UCP_OK;
}

/* Load GnuTLS's system trust (the distribution's configured store: a CA bundle file, a
 * directory or p11-kit) and copy its anchors into our pool, once per checker. */
static void load_system(ucp_checker *c)
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

const struct ucp_pool *ucp_checker_system_pool(ucp_checker *c)
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

UCP_EXPORT ucp_status ucp_checker_check(ucp_checker *c, const ucp_input *input, const char *role,
                                        const ucp_topology *topology, ucp_report **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check: out is NULL");
    *out = NULL;
    if (!c || !input || !role)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_checker_check: checker, input or role is NULL");
    const ucp_role *r = ucp_role_find(role);
    if (!r) {
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        for (size_t i = 0; i < ucp_role_total; i++)
            ucp_sb_printf(&sb, "%s%s", i ? ", " : "", ucp_roles[i].id);
        char *list = ucp_sb_finish(&sb);
        char *shown = role ? ucp_display_bytes((const uint8_t *)role, strlen(role)) : NULL;
        ucp_status st = ucp_fail(UCP_E_UNKNOWN_ROLE, NULL, "unknown role '%s'; the roles are: %s",
                                 shown ? shown : "(none)", list ? list : "");
        free(shown);
        free(list);
        return st;
    }
    return ucp_evaluate(c, input, r, topology, out);
}
