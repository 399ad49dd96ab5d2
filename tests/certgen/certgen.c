/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy-certgen: writes the test fixtures described in tests/FIXTURES.md.
 *
 *   ucpolicy-certgen --out DIR
 *
 * Everything is generated with the GnuTLS C API at run time, valid around the moment it runs
 * (or around UCPOLICY_CERTGEN_TIME, seconds since 1970, to compare two builds of the generator):
 * a small test PKI, then, driven by the policy catalogue (roles, their rule bindings and the
 * products they apply to):
 *   - for every role and every product the role exists in, a "pass" case: the role's correct
 *     certificate and topology, checked against the CAs' current CRLs, whose `absent` lists every
 *     rule the role binds for the product;
 *   - for every (role, rule) binding that applies to some product, a "fail" case: the correct
 *     profile with one mutation that breaks the rule (one row of mutations[], mutations.c:
 *     adding a rule means adding its row there). `present` names the rule with the
 *     catalogue's severity for the product used, plus the findings the mutation necessarily
 *     causes as well (e.g. removing the CN from the SAN of a Default certificate also removes
 *     the pool FQDN); `absent` lists every other rule the role binds;
 *   - format cases (DER, PEM bundles, PKCS#7, PKCS#12), chain, name, key, revocation and template
 *     cases, the reference incident, and inputErrors (files that must be refused with a given
 *     ucp_status) (extras.c).
 *
 * Expectations come from the catalogue's data (severities, which rules a role binds, the
 * binding's flags and facts) and from the mutation, never from running a check: the
 * generator does not call ucp_checker_check(). A binding without a way to break it stops the
 * generation with an error (a rule that cannot fire is a catalogue or library bug), unless its
 * rule's row is an exemption: a rule no static case can break (it needs a live OCSP responder),
 * which goes into the manifest's `exemptions` with the suite that breaks it instead; test-coverage
 * checks that suite really does. Mutations may also make the case a PKCS#12 file, add CRL files,
 * check online against 127.0.0.1 only, or compare a pool of files (tests/FIXTURES.md).
 *
 * How the generator is split, one file per concern: certgen.h.
 */
#include "certgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The earliest and latest fixed times: every certificate's validity (up to 900 days before and
 * 3,650 days after) stays between 1970 and 9999. */
#define TIME_MIN (1000LL * DAY)
#define TIME_MAX (253402300799LL - 3700LL * DAY)

/* The validation time: now, or UCPOLICY_CERTGEN_TIME (seconds since 1970-01-01 UTC), which only
 * serves to compare the output of two builds of the generator; the tests never set it. */
static int64_t validation_time(void)
{
    const char *v = getenv("UCPOLICY_CERTGEN_TIME");
    if (!v)
        return (int64_t)time(NULL);
    long long t = 0;
    bool digits = *v && strlen(v) <= 12;
    for (const char *p = v; digits && *p; p++) {
        if (*p < '0' || *p > '9')
            digits = false;
        else
            t = t * 10 + (*p - '0');
    }
    if (!digits || t < TIME_MIN || t > TIME_MAX)
        die("UCPOLICY_CERTGEN_TIME: '%s' is not a time: give the seconds since 1970-01-01 UTC, from %lld to %lld", v,
            TIME_MIN, TIME_MAX);
    return (int64_t)t;
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--out") != 0) {
        fprintf(stderr, "Usage: ucpolicy-certgen --out DIR\n");
        return 2;
    }
    outdir = argv[2];
    vt = validation_time();
    mkdirs(outdir);

    make_keys();
    make_pki();
    make_crls();
    manifest_begin();
    catalogue_cases();
    format_cases();
    chain_cases();
    name_and_key_cases();
    more_cases();
    incident_cases();
    input_errors();
    manifest_write();

    free_pki();
    free_keys();
    arena_free();
    return 0;
}
