/* SPDX-License-Identifier: MIT */
/*
 * Scanning a deployment (ucpolicy/scan.h): the endpoints of a topology document
 * (policy/endpoints.c), each probed as ucp_probe_run() probes one server, with the endpoint's
 * role and its server's facts.
 *
 * Concurrency: min(jobs, endpoints) helper threads take the next endpoint in turn; each result
 * goes into a queue that the calling thread empties, calling the callback there (so a callback
 * needs no lock and a binding's callback runs on the thread that called it). The queue never
 * holds more than one result per endpoint, so memory is bounded by the document (itself bounded,
 * policy-private.h) and the reports the callback keeps. Each probe has its own deadline; the
 * whole scan takes about endpoints / jobs x timeout at worst.
 *
 * Only the hosts the document names are connected to; a resolve override replaces the address
 * of a host, never the host (the server name sent, the report's target and the facts stay).
 * The client certificate is loaded once and lent to every probe (GnuTLS only reads it).
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "policy/endpoints-private.h"
#include "probe/probe-private.h"
#include "ucpolicy/scan.h"

struct ucp_endpoint {
    size_t index;
    char *host, *server, *transport;
    const char *role;
    unsigned port;
    ucp_probe_protocol protocol;
    size_t facts; /* index in scan->facts */
};

struct resolve {
    char *host;
    unsigned port; /* 0: every port of the host */
    char *address;
};

struct ucp_scan {
    struct ucp_endpoint *endpoints;
    size_t count;
    ucp_topology **facts; /* a copy of each server's facts */
    size_t nfacts;
    unsigned jobs, timeout_ms;
    bool loopback_only;
    struct resolve *resolves;
    size_t nresolves;
    struct ucp_probe_credentials client;
};

/* ---- the scan object ---------------------------------------------------------------------- */

UCP_EXPORT ucp_status ucp_scan_new(ucp_scan **out, const ucp_topology *topology)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_new: out is NULL");
    *out = NULL;
    if (!topology)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_new: topology is NULL");
    const struct ucp_topo_doc *doc = topology->doc;
    if (!doc)
        return ucp_fail(UCP_E_TOPOLOGY, NULL,
                        "a scan needs a topology document (Topology Builder or Get-CsTopology -AsXml): "
                        "facts alone name no endpoint");
    ucp_scan *s = calloc(1, sizeof *s);
    if (!s)
        return ucp_fail_nomem();
    s->jobs = UCP_SCAN_DEFAULT_JOBS;
    s->timeout_ms = UCP_PROBE_DEFAULT_TIMEOUT_MS;
    struct ucp_topo_endpoint *e = NULL;
    size_t n = 0;
    ucp_status st = ucp_topo_endpoints(doc, &e, &n);
    if (st == UCP_OK && doc->nservers && !(s->facts = calloc(doc->nservers, sizeof *s->facts)))
        st = ucp_fail_nomem();
    for (size_t i = 0; st == UCP_OK && i < doc->nservers; i++, s->nfacts++)
        st = ucp_topology_copy(&s->facts[i], doc->servers[i].facts);
    if (st == UCP_OK && n && !(s->endpoints = calloc(n, sizeof *s->endpoints)))
        st = ucp_fail_nomem();
    for (size_t i = 0; st == UCP_OK && i < n; i++, s->count++) {
        struct ucp_endpoint *ep = &s->endpoints[i];
        ep->index = i;
        ep->host = ucp_strdup(e[i].host);
        ep->server = ucp_strdup(doc->servers[e[i].server].fqdn);
        ep->transport = ucp_strdup(e[i].protocol);
        ep->role = e[i].role;
        ep->port = e[i].port;
        ep->protocol = e[i].sip ? UCP_PROBE_SIP : UCP_PROBE_TLS;
        ep->facts = e[i].server;
        if (!ep->host || !ep->server || !ep->transport)
            st = ucp_fail_nomem();
    }
    ucp_topo_endpoints_free(e, n);
    if (st != UCP_OK) {
        ucp_scan_free(s);
        return st;
    }
    *out = s;
    return UCP_OK;
}

UCP_EXPORT void ucp_scan_free(ucp_scan *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->count; i++) {
        free(s->endpoints[i].host);
        free(s->endpoints[i].server);
        free(s->endpoints[i].transport);
    }
    free(s->endpoints);
    for (size_t i = 0; i < s->nfacts; i++)
        ucp_topology_free(s->facts[i]);
    free(s->facts);
    for (size_t i = 0; i < s->nresolves; i++) {
        free(s->resolves[i].host);
        free(s->resolves[i].address);
    }
    free(s->resolves);
    ucp_probe_credentials_dispose(&s->client);
    free(s);
}

UCP_EXPORT ucp_status ucp_scan_set_jobs(ucp_scan *s, unsigned jobs)
{
    if (!s || jobs == 0 || jobs > UCP_SCAN_MAX_JOBS)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the number of jobs must be between 1 and %d", UCP_SCAN_MAX_JOBS);
    s->jobs = jobs;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_scan_set_timeout(ucp_scan *s, unsigned ms)
{
    if (!s || ms == 0 || ms > 600000)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the probe timeout must be between 1 and 600000 ms");
    s->timeout_ms = ms;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_scan_set_loopback_only(ucp_scan *s, bool on)
{
    if (!s)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_set_loopback_only: scan is NULL");
    s->loopback_only = on;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_scan_set_client_credentials(ucp_scan *s, const char *cert_file, const char *key_file,
                                                      const char *password)
{
    if (!s || !cert_file || !*cert_file || (key_file && !*key_file))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_set_client_credentials: invalid argument");
    struct ucp_probe_credentials loaded;
    ucp_status st = ucp_probe_credentials_load(&loaded, cert_file, key_file, password);
    if (st != UCP_OK)
        return st;
    ucp_probe_credentials_dispose(&s->client);
    s->client = loaded;
    return UCP_OK;
}

/* ---- resolve overrides -------------------------------------------------------------------- */

static ucp_status bad_resolve(const char *spec, const char *why)
{
    char *shown = ucp_display_bytes((const uint8_t *)spec, strlen(spec));
    ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "--resolve '%s': %s", shown ? shown : "", why);
    free(shown);
    return st;
}

UCP_EXPORT ucp_status ucp_scan_add_resolve(ucp_scan *s, const char *spec)
{
    if (!s || !spec)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_add_resolve: invalid argument");
    size_t n = strlen(spec);
    const char *colon = memchr(spec, ':', n);
    if (!colon || colon == spec || n > 600)
        return bad_resolve(spec, "not HOST:ADDRESS");
    size_t hlen = (size_t)(colon - spec);
    const char *addr = colon + 1;
    unsigned port = 0; /* every port */
    /* curl's HOST:PORT:ADDRESS: PORT a number, empty or "*". A bare IPv6 ADDRESS has colons too. */
    const char *second = strchr(addr, ':');
    if (second && addr[0] != '[' && !ucp_net_ip_literal(addr, NULL)) {
        if (!(second == addr || (second == addr + 1 && addr[0] == '*'))) {
            char *end;
            long v = strtol(addr, &end, 10);
            if (end != second || v < 1 || v > 65535)
                return bad_resolve(spec, "the port between HOST and ADDRESS is not a number between 1 and 65535");
            port = (unsigned)v;
        }
        addr = second + 1;
    }
    char bare[64];
    size_t alen = strlen(addr);
    if (alen >= 2 && addr[0] == '[' && addr[alen - 1] == ']') {
        addr++;
        alen -= 2;
    }
    if (alen == 0 || alen >= sizeof bare)
        return bad_resolve(spec, "ADDRESS is not an IP address");
    memcpy(bare, addr, alen);
    bare[alen] = '\0';
    if (!ucp_net_ip_literal(bare, NULL))
        return bad_resolve(spec, "ADDRESS is not an IP address");
    char *host = malloc(hlen + 1);
    if (!host)
        return ucp_fail_nomem();
    for (size_t i = 0; i < hlen; i++)
        host[i] = spec[i] >= 'A' && spec[i] <= 'Z' ? (char)(spec[i] - 'A' + 'a') : spec[i];
    host[hlen] = '\0';
    if (hlen > 1 && host[hlen - 1] == '.')
        host[hlen - 1] = '\0';
    bool named = false;
    for (size_t i = 0; i < s->count && !named; i++)
        named = strcmp(s->endpoints[i].host, host) == 0 && (!port || s->endpoints[i].port == port);
    if (!named) {
        char *shown = ucp_display_bytes((const uint8_t *)host, strlen(host));
        ucp_status st = ucp_fail(UCP_E_NOT_FOUND, NULL,
                                 "--resolve: '%s'%s is not an endpoint of the topology (a scan connects only to the "
                                 "hosts the topology names)", shown ? shown : "", port ? " with that port" : "");
        free(shown);
        free(host);
        return st;
    }
    for (size_t i = 0; i < s->nresolves; i++) {
        if (strcmp(s->resolves[i].host, host) == 0 && s->resolves[i].port == port) { /* the last one wins */
            char *a = ucp_strdup(bare);
            free(host);
            if (!a)
                return ucp_fail_nomem();
            free(s->resolves[i].address);
            s->resolves[i].address = a;
            return UCP_OK;
        }
    }
    if (s->nresolves >= UCP_SCAN_MAX_RESOLVES) {
        free(host);
        return ucp_fail(UCP_E_LIMIT, NULL, "more than %d resolve overrides", UCP_SCAN_MAX_RESOLVES);
    }
    struct resolve *v = realloc(s->resolves, (s->nresolves + 1) * sizeof *v);
    char *a = ucp_strdup(bare);
    if (v)
        s->resolves = v;
    if (!v || !a) {
        free(host);
        free(a);
        return ucp_fail_nomem();
    }
    s->resolves[s->nresolves].host = host;
    s->resolves[s->nresolves].port = port;
    s->resolves[s->nresolves].address = a;
    s->nresolves++;
    return UCP_OK;
}

/* The override for HOST:PORT: one for that port, else one for every port, else NULL. */
static const char *override_of(const ucp_scan *s, const char *host, unsigned port)
{
    const char *any = NULL;
    for (size_t i = 0; i < s->nresolves; i++) {
        if (strcmp(s->resolves[i].host, host) != 0)
            continue;
        if (s->resolves[i].port == port)
            return s->resolves[i].address;
        if (s->resolves[i].port == 0)
            any = s->resolves[i].address;
    }
    return any;
}

static bool has_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char c = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        if (c != *prefix)
            return false;
    }
    return true;
}

/* 127.0.0.0/8, ::1 or ::ffff:127.x.y.z (an IP literal, as ucp_scan_add_resolve() checked). */
static bool is_loopback(const char *address)
{
    return strncmp(address, "127.", 4) == 0 || strcmp(address, "::1") == 0 ||
           ucp_strcasecmp(address, "0:0:0:0:0:0:0:1") == 0 || (strlen(address) > 11 && address[0] == ':' && has_prefix(address, "::ffff:127."));
}

/* ---- the getters -------------------------------------------------------------------------- */

UCP_EXPORT size_t ucp_scan_endpoint_count(const ucp_scan *s)
{
    return s ? s->count : 0;
}

UCP_EXPORT const ucp_endpoint *ucp_scan_endpoint_at(const ucp_scan *s, size_t i)
{
    return s && i < s->count ? &s->endpoints[i] : NULL;
}

UCP_EXPORT const char *ucp_endpoint_host(const ucp_endpoint *e)
{
    return e ? e->host : NULL;
}

UCP_EXPORT unsigned ucp_endpoint_port(const ucp_endpoint *e)
{
    return e ? e->port : 0;
}

UCP_EXPORT const char *ucp_endpoint_role(const ucp_endpoint *e)
{
    return e ? e->role : NULL;
}

UCP_EXPORT const char *ucp_endpoint_server(const ucp_endpoint *e)
{
    return e ? e->server : NULL;
}

UCP_EXPORT ucp_probe_protocol ucp_endpoint_protocol(const ucp_endpoint *e)
{
    return e ? e->protocol : UCP_PROBE_TLS;
}

UCP_EXPORT const char *ucp_endpoint_transport(const ucp_endpoint *e)
{
    return e ? e->transport : NULL;
}

UCP_EXPORT size_t ucp_endpoint_index(const ucp_endpoint *e)
{
    return e ? e->index : 0;
}

/* ---- the run ------------------------------------------------------------------------------ */

struct result {
    ucp_report *report;
    ucp_status status;
    char *message; /* NULL with a report; NULL without one only when out of memory */
};

struct run {
    ucp_scan *scan;
    ucp_checker *checker;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    size_t next;      /* the next endpoint to probe */
    bool stop;        /* the callback asked to stop: start no new probe */
    struct result *results;
    size_t *queue;    /* endpoints finished, not yet handed to the callback */
    size_t queued, delivered;
    size_t started, finished;
};

/* Probe one endpoint: its report, or the status and message of the failure. */
static void probe_one(struct run *r, size_t i, struct result *out)
{
    const ucp_scan *s = r->scan;
    const struct ucp_endpoint *e = &s->endpoints[i];
    const char *address = override_of(s, e->host, e->port);
    ucp_probe *p = NULL;
    ucp_status st;
    if (s->loopback_only && (!address || !is_loopback(address)))
        st = ucp_fail(UCP_E_NETWORK, NULL, "%s:%u: refused: %s (this scan connects to loopback addresses only)",
                      e->host, e->port,
                      address ? "the address given for it is not a loopback address" : "no loopback address is given for it");
    else
        st = ucp_probe_new(&p, e->host, e->port);
    if (st == UCP_OK && address && !(p->connect_to = ucp_strdup(address)))
        st = ucp_fail_nomem();
    if (st == UCP_OK) {
        p->protocol = e->protocol;
        p->timeout_ms = s->timeout_ms;
        p->client = s->client; /* lent, not disposed with the probe */
        p->borrowed_client = true;
        st = ucp_probe_run(p, r->checker, e->role, s->facts[e->facts], &out->report);
    }
    ucp_probe_free(p);
    out->status = st;
    if (st != UCP_OK) {
        const ucp_error *err = ucp_error_last();
        out->message = ucp_strdup(err ? ucp_error_message(err) : "unknown error");
    }
}

static void *worker(void *arg)
{
    struct run *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop && r->next < r->scan->count) {
        size_t i = r->next++;
        r->started++;
        pthread_mutex_unlock(&r->lock);
        struct result res = {NULL, UCP_OK, NULL};
        probe_one(r, i, &res);
        pthread_mutex_lock(&r->lock);
        r->results[i] = res;
        r->queue[r->queued++] = i;
        r->finished++;
        pthread_cond_signal(&r->done_cv);
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

UCP_EXPORT ucp_status ucp_scan_run(ucp_scan *s, ucp_checker *checker, ucp_scan_callback callback, void *payload)
{
    if (!s || !checker || !callback)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_scan_run: scan, checker or callback is NULL");
    if (s->count == 0)
        return UCP_OK;
    struct run r;
    memset(&r, 0, sizeof r);
    r.scan = s;
    r.checker = checker;
    r.results = calloc(s->count, sizeof *r.results);
    r.queue = calloc(s->count, sizeof *r.queue);
    size_t nthreads = s->jobs < s->count ? s->jobs : s->count;
    pthread_t *threads = calloc(nthreads, sizeof *threads);
    if (!r.results || !r.queue || !threads) {
        free(r.results);
        free(r.queue);
        free(threads);
        return ucp_fail_nomem();
    }
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.done_cv, NULL);
    size_t started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&threads[started], NULL, worker, &r) != 0)
            break;
    if (started == 0)
        worker(&r); /* no thread to spare: probe one after the other here */

    ucp_status st = UCP_OK;
    pthread_mutex_lock(&r.lock);
    for (;;) {
        while (r.delivered < r.queued) {
            size_t i = r.queue[r.delivered++];
            struct result res = r.results[i];
            r.results[i].report = NULL;
            r.results[i].message = NULL;
            if (r.stop) { /* stopped: what finishes now is nobody's */
                ucp_report_free(res.report);
                free(res.message);
                continue;
            }
            pthread_mutex_unlock(&r.lock);
            int rc = callback(&s->endpoints[i], res.report, res.status,
                              res.report ? NULL : res.message ? res.message : "out of memory", payload);
            free(res.message);
            pthread_mutex_lock(&r.lock);
            if (rc != 0) {
                r.stop = true;
                st = UCP_E_CANCELLED;
            }
        }
        bool all = r.stop ? r.finished == r.started : r.finished == s->count;
        if (all && r.delivered == r.queued)
            break;
        pthread_cond_wait(&r.done_cv, &r.lock);
    }
    pthread_mutex_unlock(&r.lock);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    pthread_cond_destroy(&r.done_cv);
    pthread_mutex_destroy(&r.lock);
    free(threads);
    free(r.results);
    free(r.queue);
    if (st == UCP_E_CANCELLED)
        return ucp_fail(UCP_E_CANCELLED, NULL, "the scan was stopped by its callback");
    return UCP_OK;
}
