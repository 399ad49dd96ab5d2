/* SPDX-License-Identifier: MIT */
/*
 * The scan's C API (ucpolicy/scan.h) where no server is needed: the endpoints of the test
 * topologies (tests/topology, TOPOLOGY_DIR) through the getters, argument checks, resolve
 * overrides (curl's forms; only the topology's hosts), and runs that send nothing: with
 * loopback-only and no override every endpoint is refused before connecting and handed to the
 * callback once, on the calling thread; a callback that returns non-zero stops the scan
 * (UCP_E_CANCELLED) and is not called again. TAP.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"
#include "../tap.h"

static ucp_topology *load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", TOPOLOGY_DIR, name);
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK || ucp_topology_load_file(t, path) != UCP_OK) {
        printf("# %s: %s\n", name, ucp_error_message(ucp_error_last()));
        exit(TAP_SETUP_FAILURE);
    }
    return t;
}

struct seen {
    pthread_t caller;
    size_t calls, other_thread, with_report, refused;
    unsigned char *count; /* per endpoint */
    size_t stop_after;    /* 0: never */
};

static int on_endpoint(const ucp_endpoint *e, ucp_report *report, ucp_status status, const char *message, void *payload)
{
    struct seen *s = payload;
    s->calls++;
    s->count[ucp_endpoint_index(e)]++;
    if (!pthread_equal(pthread_self(), s->caller))
        s->other_thread++;
    if (report)
        s->with_report++;
    if (!report && status == UCP_E_NETWORK && message && strstr(message, "refused: no loopback address is given") &&
        strstr(message, ucp_endpoint_host(e)))
        s->refused++;
    ucp_report_free(report);
    return s->stop_after && s->calls >= s->stop_after;
}

int main(void)
{
    ucp_topology *t = load("contoso-enterprise.tbxml");
    ucp_scan *scan = NULL;
    CHECK(ucp_scan_new(&scan, t) == UCP_OK, "a scan of the enterprise topology");
    ucp_topology_free(t); /* the scan keeps what it needs */
    size_t n = ucp_scan_endpoint_count(scan);
    CHECK(n == 28, "28 endpoints (got %zu)", n);
    const ucp_endpoint *e = ucp_scan_endpoint_at(scan, 0);
    CHECK_STR(ucp_endpoint_host(e), "fe01.contoso.com", "the first endpoint's host");
    CHECK(ucp_endpoint_port(e) == 5061 && ucp_endpoint_protocol(e) == UCP_PROBE_SIP, "fe01: 5061, SIP");
    CHECK_STR(ucp_endpoint_role(e), "frontend-default", "fe01:5061's role");
    CHECK_STR(ucp_endpoint_transport(e), "Mtls", "fe01:5061's transport");
    bool edge = false;
    for (size_t i = 0; i < n; i++) {
        const ucp_endpoint *x = ucp_scan_endpoint_at(scan, i);
        CHECK(ucp_endpoint_index(x) == i, "endpoint %zu knows its index", i);
        if (strcmp(ucp_endpoint_host(x), "webconf.contoso.com") == 0)
            edge = strcmp(ucp_endpoint_server(x), "edge01.contoso.net") == 0 &&
                   strcmp(ucp_endpoint_role(x), "edge-external") == 0 && ucp_endpoint_protocol(x) == UCP_PROBE_TLS;
    }
    CHECK(edge, "webconf.contoso.com:444 is edge-external with edge01's facts, plain TLS");
    CHECK(ucp_scan_endpoint_at(scan, n) == NULL && ucp_endpoint_host(NULL) == NULL, "out of range: NULL");

    /* settings */
    CHECK(ucp_scan_set_jobs(scan, 0) == UCP_E_INVALID_ARGUMENT && ucp_scan_set_jobs(scan, 65) == UCP_E_INVALID_ARGUMENT,
          "jobs 0 and 65 refused");
    CHECK(ucp_scan_set_timeout(scan, 0) == UCP_E_INVALID_ARGUMENT, "timeout 0 refused");
    CHECK(ucp_scan_set_client_credentials(scan, TOPOLOGY_DIR "/contoso-se.tbxml", NULL, NULL) != UCP_OK,
          "a topology is not a client certificate");

    /* resolve overrides */
    static const struct {
        const char *spec;
        ucp_status want;
        const char *part;
    } resolves[] = {
        {"fe01.contoso.com:127.0.0.2", UCP_OK, NULL},
        {"FE02.Contoso.com.:[::1]", UCP_OK, NULL},
        {"fe03.contoso.com:5061:127.0.0.4", UCP_OK, NULL},
        {"fe03.contoso.com::127.0.0.4", UCP_OK, NULL},
        {"fe03.contoso.com:*:127.0.0.4", UCP_OK, NULL},
        {"sip.contoso.com:::1", UCP_OK, NULL},
        {"fe01.contoso.com", UCP_E_INVALID_ARGUMENT, "not HOST:ADDRESS"},
        {":127.0.0.1", UCP_E_INVALID_ARGUMENT, "not HOST:ADDRESS"},
        {"fe01.contoso.com:localhost", UCP_E_INVALID_ARGUMENT, "not an IP address"},
        {"fe01.contoso.com:0:127.0.0.1", UCP_E_INVALID_ARGUMENT, "not a number between 1 and 65535"},
        {"fe01.contoso.com:5061:", UCP_E_INVALID_ARGUMENT, "not an IP address"},
        {"www.example.com:127.0.0.1", UCP_E_NOT_FOUND, "'www.example.com' is not an endpoint of the topology"},
        {"fe01.contoso.com:5070:127.0.0.1", UCP_E_NOT_FOUND, "with that port"},
        {"pool01.contoso.com:127.0.0.1", UCP_E_NOT_FOUND, "not an endpoint"},
    };
    for (size_t i = 0; i < sizeof resolves / sizeof *resolves; i++) {
        ucp_status st = ucp_scan_add_resolve(scan, resolves[i].spec);
        CHECK(st == resolves[i].want, "--resolve %s: %s", resolves[i].spec, ucp_strerror_name(resolves[i].want));
        if (resolves[i].part)
            CHECK_CONTAINS(ucp_error_message(ucp_error_last()), resolves[i].part, "--resolve %s: the message",
                           resolves[i].spec);
    }
    ucp_scan_free(scan);

    /* Runs that send nothing: loopback-only without overrides refuses every endpoint. */
    t = load("contoso-enterprise.tbxml");
    ucp_checker *checker = NULL;
    if (ucp_scan_new(&scan, t) != UCP_OK || ucp_checker_new(&checker) != UCP_OK)
        return TAP_SETUP_FAILURE;
    ucp_topology_free(t);
    ucp_scan_set_loopback_only(scan, true);
    ucp_scan_set_jobs(scan, 4);
    struct seen s = {pthread_self(), 0, 0, 0, 0, calloc(n, 1), 0};
    CHECK(ucp_scan_run(scan, checker, on_endpoint, &s) == UCP_OK, "a run where every endpoint is refused");
    bool once = true;
    for (size_t i = 0; i < n; i++)
        once = once && s.count[i] == 1;
    CHECK(s.calls == n && once, "the callback saw each of the %zu endpoints once (%zu calls)", n, s.calls);
    CHECK(s.other_thread == 0, "always on the calling thread");
    CHECK(s.refused == n && s.with_report == 0, "each refused before connecting, naming its host (%zu)", s.refused);

    struct seen stop = {pthread_self(), 0, 0, 0, 0, calloc(n, 1), 3};
    CHECK(ucp_scan_run(scan, checker, on_endpoint, &stop) == UCP_E_CANCELLED, "a callback that stops the scan");
    CHECK(stop.calls == 3, "no call after the stop (%zu calls)", stop.calls);
    CHECK(ucp_scan_run(scan, checker, NULL, NULL) == UCP_E_INVALID_ARGUMENT, "no callback: refused");

    ucp_scan_free(scan);
    ucp_checker_free(checker);
    free(s.count);
    free(stop.count);

    /* Facts without a document name no endpoint. */
    ucp_topology *facts = NULL;
    ucp_topology_new(&facts);
    ucp_topology_set(facts, UCP_FACT_FQDN, "fe01.contoso.com");
    CHECK(ucp_scan_new(&scan, facts) == UCP_E_TOPOLOGY && scan == NULL, "facts alone: UCP_E_TOPOLOGY");
    ucp_topology_free(facts);
    return tap_done();
}
