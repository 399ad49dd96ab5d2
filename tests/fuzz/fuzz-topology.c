/* SPDX-License-Identifier: MIT */
/*
 * The topology JSON reader: ucp_topology_load_data() on arbitrary bytes. A document it accepts is
 * written back with ucp_topology_to_json() and read again: the round trip keeps every fact.
 */
#include <string.h>

#include "ucpolicy.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static bool same(const ucp_topology *a, const ucp_topology *b)
{
    if (ucp_topology_product(a) != ucp_topology_product(b))
        return false;
    for (int f = 0; f < (int)UCP_FACT_COUNT; f++) {
        if (ucp_topology_count(a, (ucp_fact)f) != ucp_topology_count(b, (ucp_fact)f))
            return false;
        for (size_t i = 0; i < ucp_topology_count(a, (ucp_fact)f); i++)
            if (strcmp(ucp_topology_get(a, (ucp_fact)f, i), ucp_topology_get(b, (ucp_fact)f, i)) != 0)
                return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ucp_topology *t = NULL, *u = NULL;
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
    ucp_buffer buf = {NULL, 0};
    if (ucp_topology_to_json(t, &buf) == UCP_OK && ucp_topology_new(&u) == UCP_OK) {
        FUZZ_ASSERT(ucp_topology_load_data(u, (const uint8_t *)buf.data, buf.size, "round-trip") == UCP_OK);
        FUZZ_ASSERT(same(t, u));
    }
    ucp_buffer_dispose(&buf);
    ucp_topology_free(u);
    ucp_topology_free(t);
    ucp_error_clear();
    return 0;
}
