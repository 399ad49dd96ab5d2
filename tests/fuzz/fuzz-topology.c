/* SPDX-License-Identifier: MIT */
/*
 * The topology JSON reader: ucp_topology_load_data() on arbitrary bytes. A document it accepts is
 * written back with ucp_topology_to_json() and read again: the round trip keeps every fact.
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
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        return 0;
    ucp_topology_set(t, UCP_FACT_FQDN, "fe01.contoso.com");
    ucp_status st = ucp_topology_load_data(t, data, size, "fuzz.json");
    if (st != UCP_OK) {
        FUZZ_ASSERT(ucp_error_code(ucp_error_last()) == st);
        /* On failure the topology is unchanged. */
        FUZZ_ASSERT(ucp_topology_count(t, UCP_FACT_FQDN) == 1 &&
                    strcmp(ucp_topology_get(t, UCP_FACT_FQDN, 0), "fe01.contoso.com") == 0);
    }
    fuzz_topology_round_trip(t);
    ucp_topology_free(t);
    ucp_error_clear();
    return 0;
}
