/* SPDX-License-Identifier: MIT */
/*
 * The full role check of arbitrary certificates: the input is read (as fuzz-input does) and
 * checked against several roles with a topology, by a checker trusting the example PKI
 * (examples/certs) and by one trusting the input's own last certificate, with the example CRLs
 * when there are any; every report is rendered as JSON and as text. Invariants: a report whose
 * result is "pass" has no error or warning finding, its chain starts with the input's leaf, and
 * findings come most serious first.
 */
#include <string.h>

#include "ucpolicy.h"
#include "fuzz.h"

#ifndef UCP_FUZZ_EXAMPLES
#define UCP_FUZZ_EXAMPLES "examples/certs"
#endif

static ucp_checker *shared;
static ucp_topology *topo;

static const char *const roles[] = {
    "exchange-um", "frontend-default", "edge-external", "teams-direct-routing-sbc",
    "oauth-token-issuer", "frontend-web-external",
};

static void add_file(ucp_checker *c, const char *name, bool anchor)
{
    char path[4096];
    const char *dir = getenv("UCP_FUZZ_EXAMPLES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : UCP_FUZZ_EXAMPLES, name);
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path, NULL) != UCP_OK) {
        fprintf(stderr, "fuzz-check: %s\n", ucp_error_message(ucp_error_last()));
        exit(1);
    }
    if (anchor)
        ucp_checker_add_trust(c, in);
    else
        ucp_checker_add_public_roots(c, in);
    ucp_input_free(in);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (ucp_checker_new(&shared) != UCP_OK || ucp_topology_new(&topo) != UCP_OK)
        exit(1);
    ucp_checker_set_system_trust(shared, UCP_SYSTEM_TRUST_OFF);
    ucp_checker_set_time(shared, FUZZ_TIME);
    add_file(shared, "contoso-root.pem", true);
    add_file(shared, "public-root.pem", true);
    add_file(shared, "public-root.pem", false);
    static const struct {
        ucp_fact f;
        const char *v;
    } facts[] = {
        {UCP_FACT_FQDN, "exch01.contoso.com"},     {UCP_FACT_POOL, "pool01.contoso.com"},
        {UCP_FACT_SIP_DOMAIN, "contoso.com"},      {UCP_FACT_SIP_DOMAIN, "fabrikam.com"},
        {UCP_FACT_SIMPLE_URL, "meet.contoso.com"}, {UCP_FACT_SIMPLE_URL, "dialin.contoso.com"},
        {UCP_FACT_WEB_FQDN, "webext.contoso.com"}, {UCP_FACT_ACCESS_EDGE, "sip.contoso.com"},
        {UCP_FACT_WEBCONF_EDGE, "webcon.contoso.com"}, {UCP_FACT_XMPP_DOMAIN, "contoso.com"},
    };
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (ucp_topology_add(topo, facts[i].f, facts[i].v) != UCP_OK)
            exit(1);
    return 0;
}

static void check_report(const ucp_input *in, const ucp_report *r)
{
    size_t n = ucp_report_finding_count(r);
    for (size_t i = 1; i < n; i++)
        FUZZ_ASSERT(ucp_finding_severity(ucp_report_finding_at(r, i - 1)) >=
                    ucp_finding_severity(ucp_report_finding_at(r, i)));
    if (ucp_report_result(r) == UCP_RESULT_PASS)
        FUZZ_ASSERT(ucp_report_count(r, UCP_SEVERITY_ERROR) == 0 && ucp_report_count(r, UCP_SEVERITY_WARNING) == 0);
    if (ucp_report_count(r, UCP_SEVERITY_ERROR))
        FUZZ_ASSERT(ucp_report_result(r) == UCP_RESULT_FAIL);
    FUZZ_ASSERT(ucp_report_chain_count(r) >= 1);
    FUZZ_ASSERT(ucp_report_certificate(r) == ucp_input_certificate_at(in, 0) ||
                strcmp(ucp_certificate_sha256(ucp_report_certificate(r)),
                       ucp_certificate_sha256(ucp_input_certificate_at(in, 0))) == 0);
    /* A chain that is not valid is never silent. */
    if (ucp_report_chain_status(r) != UCP_CHAIN_VALID)
        FUZZ_ASSERT(ucp_report_result(r) != UCP_RESULT_PASS);
    for (size_t i = 0; i < n; i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        FUZZ_ASSERT(ucp_finding_code(f)[0] && ucp_finding_message(f));
    }
    ucp_buffer b = {NULL, 0};
    if (ucp_report_to_json(r, UCP_RENDER_PRETTY, &b) == UCP_OK)
        FUZZ_ASSERT(b.data && strlen(b.data) == b.size);
    ucp_buffer_dispose(&b);
    if (ucp_report_to_text(r, UCP_RENDER_VERBOSE | UCP_RENDER_COLOR, &b) == UCP_OK)
        FUZZ_ASSERT(b.data && strlen(b.data) == b.size);
    ucp_buffer_dispose(&b);
}

static void check_with(ucp_checker *c, const ucp_input *in, size_t first, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        ucp_report *r = NULL;
        const char *role = roles[(first + k) % (sizeof roles / sizeof roles[0])];
        ucp_status st = ucp_checker_check(c, in, role, topo, &r);
        if (st == UCP_OK)
            check_report(in, r);
        else
            FUZZ_ASSERT(r == NULL && st == UCP_E_NO_MEMORY);
        ucp_report_free(r);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ucp_input *in = NULL;
    if (ucp_input_from_data(&in, data, size, "fuzz.bin", "Pfx-Test-P@ss w0rd") != UCP_OK &&
        ucp_input_from_data(&in, data, size, "fuzz.bin", "contoso") != UCP_OK) {
        ucp_error_clear();
        return 0;
    }
    size_t h = size ? data[size / 2] : 0;
    check_with(shared, in, h, 3);
    /* Trusting the input's own last certificate lets paths complete through its chain. */
    ucp_checker *own = NULL;
    if (ucp_checker_new(&own) == UCP_OK) {
        ucp_checker_set_system_trust(own, UCP_SYSTEM_TRUST_OFF);
        ucp_checker_set_time(own, FUZZ_TIME);
        ucp_input *anchor = NULL;
        size_t n = ucp_input_certificate_count(in);
        size_t len = 0;
        const uint8_t *der = ucp_certificate_der(ucp_input_certificate_at(in, n - 1), &len);
        if (ucp_input_from_data(&anchor, der, len, "anchor", NULL) == UCP_OK) {
            ucp_checker_add_trust(own, anchor);
            ucp_checker_add_intermediates(own, in);
            check_with(own, in, h + 3, 2);
            /* The input as a pool of one server each, compared with itself. */
            const ucp_input *pool[2] = {in, anchor};
            ucp_report *r = NULL;
            if (ucp_checker_check_pool(own, pool, 2, "edge-av-auth", topo, &r) == UCP_OK)
                check_report(in, r);
            ucp_report_free(r);
        }
        ucp_input_free(anchor);
        ucp_checker_free(own);
    }
    ucp_input_free(in);
    ucp_error_clear();
    return 0;
}
