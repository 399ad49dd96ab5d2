/* SPDX-License-Identifier: MIT */
/* Shared by the two topology targets (JSON and XML): a topology's facts survive being written
 * as JSON and read back. */
#ifndef UCP_FUZZ_TOPOLOGY_H
#define UCP_FUZZ_TOPOLOGY_H

#include <string.h>

#include "ucpolicy.h"
#include "fuzz.h"

static bool fuzz_topology_same(const ucp_topology *a, const ucp_topology *b)
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

static void fuzz_topology_round_trip(const ucp_topology *t)
{
    ucp_topology *u = NULL;
    ucp_buffer buf = {NULL, 0};
    if (ucp_topology_to_json(t, &buf) == UCP_OK && ucp_topology_new(&u) == UCP_OK) {
        FUZZ_ASSERT(ucp_topology_load_data(u, (const uint8_t *)buf.data, buf.size, "round-trip") == UCP_OK);
        FUZZ_ASSERT(fuzz_topology_same(t, u));
    }
    ucp_buffer_dispose(&buf);
    ucp_topology_free(u);
}

#endif
