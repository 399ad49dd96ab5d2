/* SPDX-License-Identifier: MIT */
/*
 * Skype for Business / Lync topology XML (Topology Builder, Get-CsTopology -AsXml) through
 * ucp_topology_load_data(). A refused document leaves the topology unchanged and the error
 * names it; an accepted one lists servers that can each be selected, whose facts then hold
 * their FQDN, and its facts survive a JSON round trip.
 */
#include <string.h>

#include "ucpolicy.h"
#include "fuzz-topology.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The JSON reader has its own target: keep the mutations on XML. */
    size_t skip = size >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf ? 3 : 0;
    if (size <= skip || (data[skip] != '<' && data[0] != 0xff && data[0] != 0xfe))
        return 0;
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        return 0;
    ucp_topology_set(t, UCP_FACT_FQDN, "fe01.contoso.com");
    ucp_status st = ucp_topology_load_data(t, data, size, "fuzz.tbxml");
    if (st != UCP_OK) {
        FUZZ_ASSERT(ucp_error_code(ucp_error_last()) == st);
        FUZZ_ASSERT(st == UCP_E_TOPOLOGY || st == UCP_E_TOO_LARGE || st == UCP_E_NO_MEMORY);
        FUZZ_ASSERT(strstr(ucp_error_message(ucp_error_last()), "fuzz.tbxml") != NULL);
        FUZZ_ASSERT(ucp_topology_count(t, UCP_FACT_FQDN) == 1 &&
                    strcmp(ucp_topology_get(t, UCP_FACT_FQDN, 0), "fe01.contoso.com") == 0);
        FUZZ_ASSERT(ucp_topology_server_count(t) == 0);
        ucp_topology_free(t);
        ucp_error_clear();
        return 0;
    }
    size_t n = ucp_topology_server_count(t);
    FUZZ_ASSERT(n <= 10000);
    FUZZ_ASSERT(n == 1 ? ucp_topology_selected_server(t) != NULL : ucp_topology_selected_server(t) == NULL);
    for (size_t i = 0; i < n && i < 64; i++) {
        const char *fqdn = ucp_topology_server_fqdn(t, i);
        FUZZ_ASSERT(fqdn && ucp_topology_server_pool(t, i));
        FUZZ_ASSERT(ucp_topology_select_server(t, fqdn) == UCP_OK);
        FUZZ_ASSERT(strcmp(ucp_topology_selected_server(t), fqdn) == 0);
        FUZZ_ASSERT(ucp_topology_count(t, UCP_FACT_FQDN) == 1 && strcmp(ucp_topology_get(t, UCP_FACT_FQDN, 0), fqdn) == 0);
        FUZZ_ASSERT(ucp_topology_count(t, UCP_FACT_POOL) == 1);
    }
    FUZZ_ASSERT(ucp_topology_server_fqdn(t, n) == NULL);
    fuzz_topology_round_trip(t);
    ucp_topology_free(t);
    ucp_error_clear();
    return 0;
}
