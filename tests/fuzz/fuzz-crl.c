/* SPDX-License-Identifier: MIT */
/*
 * CRL loading and use: ucp_checker_add_crl_data() on arbitrary bytes (PEM or DER); when they
 * load, the example certificates are checked offline against them, so the serial index, the
 * signature check and the timeliness rules run on what was parsed. A certificate is "good" only
 * with a CRL signed by its issuer.
 */
#include <string.h>

#include "ucpolicy.h"
#include "fuzz.h"

#ifndef UCP_FUZZ_EXAMPLES
#define UCP_FUZZ_EXAMPLES "examples/certs"
#endif

static ucp_input *root, *leaf;

static ucp_input *load(const char *name)
{
    char path[4096];
    const char *dir = getenv("UCP_FUZZ_EXAMPLES");
    snprintf(path, sizeof path, "%s/%s", dir ? dir : UCP_FUZZ_EXAMPLES, name);
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, path, NULL) != UCP_OK) {
        fprintf(stderr, "fuzz-crl: %s\n", ucp_error_message(ucp_error_last()));
        exit(1);
    }
    return in;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    root = load("contoso-root.pem");
    leaf = load("exchange-um.pem");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ucp_checker *c = NULL;
    if (ucp_checker_new(&c) != UCP_OK)
        return 0;
    ucp_checker_set_system_trust(c, UCP_SYSTEM_TRUST_OFF);
    ucp_checker_set_time(c, FUZZ_TIME);
    ucp_checker_add_trust(c, root);
    ucp_status st = ucp_checker_add_crl_data(c, data, size, "fuzz.crl");
    if (st != UCP_OK) {
        FUZZ_ASSERT(ucp_error_code(ucp_error_last()) == st);
        FUZZ_ASSERT(strstr(ucp_error_message(ucp_error_last()), "fuzz.crl") ||
                    (ucp_error_source(ucp_error_last()) && strstr(ucp_error_source(ucp_error_last()), "fuzz.crl")));
    }
    ucp_report *r = NULL;
    if (ucp_checker_check(c, leaf, "exchange-um", NULL, &r) == UCP_OK) {
        for (size_t i = 0; i < ucp_report_chain_count(r); i++) {
            ucp_revocation rev = ucp_report_revocation_at(r, i);
            const char *src = ucp_report_revocation_source_at(r, i);
            if (rev == UCP_REVOCATION_GOOD || rev == UCP_REVOCATION_REVOKED)
                FUZZ_ASSERT(src && strstr(src, "fuzz.crl"));
        }
        ucp_buffer b = {NULL, 0};
        ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b);
        ucp_buffer_dispose(&b);
    }
    ucp_report_free(r);
    ucp_checker_free(c);
    ucp_error_clear();
    return 0;
}
