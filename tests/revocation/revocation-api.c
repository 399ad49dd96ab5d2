/* SPDX-License-Identifier: MIT */
/*
 * revocation-api: check one certificate through the C API and print, one per line,
 *   status INDEX STATUS SOURCE       for each certificate of the path
 *   finding CODE SEVERITY            for each finding
 * so the revocation test can compare the C API's answers with the CLI's.
 *
 *   revocation-api ROLE FILE TRUST AT [--online] [--timeout MS] [--limit BYTES] [--crl FILE]...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"

static int fail(const char *what)
{
    fprintf(stderr, "revocation-api: %s: %s\n", what, ucp_error_message(ucp_error_last()));
    return 3;
}

int main(int argc, char **argv)
{
    if (argc < 5)
        return fprintf(stderr, "usage: %s ROLE FILE TRUST AT [options]\n", argv[0]), 3;
    ucp_checker *checker = NULL;
    ucp_input *input = NULL, *trust = NULL;
    ucp_report *report = NULL;
    int status = 3;
    if (ucp_checker_new(&checker) != UCP_OK)
        return fail("checker");
    if (ucp_input_from_file(&trust, argv[3], NULL) != UCP_OK || ucp_checker_add_trust(checker, trust) != UCP_OK) {
        status = fail(argv[3]);
        goto out;
    }
    ucp_checker_set_time(checker, strtoll(argv[4], NULL, 10));
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "--online") == 0) {
            ucp_checker_set_online(checker, true);
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            if (ucp_checker_set_network_timeout(checker, (unsigned)atoi(argv[++i])) != UCP_OK) {
                status = fail("timeout");
                goto out;
            }
        } else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            if (ucp_checker_set_fetch_limit(checker, (size_t)atol(argv[++i])) != UCP_OK) {
                status = fail("limit");
                goto out;
            }
        } else if (strcmp(argv[i], "--crl") == 0 && i + 1 < argc) {
            if (ucp_checker_add_crl_file(checker, argv[++i]) != UCP_OK) {
                status = fail("crl");
                goto out;
            }
        } else {
            fprintf(stderr, "revocation-api: unknown option %s\n", argv[i]);
            goto out;
        }
    }
    if (ucp_input_from_file(&input, argv[2], NULL) != UCP_OK) {
        status = fail(argv[2]);
        goto out;
    }
    if (ucp_checker_check(checker, input, argv[1], NULL, &report) != UCP_OK) {
        status = fail("check");
        goto out;
    }
    for (size_t i = 0; i < ucp_report_chain_count(report); i++) {
        const char *src = ucp_report_revocation_source_at(report, i);
        printf("status %zu %s %s\n", i, ucp_revocation_name(ucp_report_revocation_at(report, i)), src ? src : "-");
    }
    for (size_t i = 0; i < ucp_report_finding_count(report); i++) {
        const ucp_finding *f = ucp_report_finding_at(report, i);
        printf("finding %s %s\n", ucp_finding_code(f), ucp_severity_name(ucp_finding_severity(f)));
    }
    status = 0;
out:
    ucp_report_free(report);
    ucp_input_free(input);
    ucp_input_free(trust);
    ucp_checker_free(checker);
    return status;
}
