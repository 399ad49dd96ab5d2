/* SPDX-License-Identifier: MIT */
/*
 * check-certificate: the smallest useful libucpolicy program, for vendors embedding the library.
 *
 *   check-certificate ROLE CERTIFICATE [TOPOLOGY.json [TRUST.pem]]
 *
 * Build against an installed library:
 *   cc check-certificate.c $(pkg-config --cflags --libs ucpolicy) -o check-certificate
 *
 * It walks the report object by object (what a GUI does to fill its own views) rather than
 * printing the library's text rendering.
 */
#include <stdio.h>
#include <stdlib.h>

#include <ucpolicy.h>

static int fail(const char *what)
{
    /* The thread-local last error names the file and the problem. */
    fprintf(stderr, "check-certificate: %s: %s\n", what, ucp_error_message(ucp_error_last()));
    return 3;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s ROLE CERTIFICATE [TOPOLOGY.json [TRUST.pem]]\n", argv[0]);
        return 3;
    }
    if (!ucp_check_version("1.0")) {
        fprintf(stderr, "libucpolicy %s is older than 1.0\n", ucp_version());
        return 3;
    }
    const char *role = argv[1], *file = argv[2];

    ucp_checker *checker = NULL;
    ucp_topology *topology = NULL;
    ucp_input *input = NULL, *trust = NULL;
    ucp_report *report = NULL;
    int status = 3;

    if (ucp_checker_new(&checker) != UCP_OK || ucp_topology_new(&topology) != UCP_OK) {
        status = fail("setup");
        goto out;
    }
    if (argc > 3 && ucp_topology_load_file(topology, argv[3]) != UCP_OK) {
        status = fail("topology");
        goto out;
    }
    if (argc > 4 && (ucp_input_from_file(&trust, argv[4], NULL) != UCP_OK ||
                     ucp_checker_add_trust(checker, trust) != UCP_OK)) {
        status = fail("trust anchors");
        goto out;
    }
    if (ucp_input_from_file(&input, file, NULL) != UCP_OK) {
        status = fail("certificate");
        goto out;
    }
    if (ucp_checker_check(checker, input, role, topology, &report) != UCP_OK) {
        status = fail("check");
        goto out;
    }

    const ucp_certificate *leaf = ucp_report_certificate(report);
    printf("%s: %s as %s (%s), %lld days left\n", ucp_report_input_name(report),
           ucp_result_name(ucp_report_result(report)), ucp_report_role(report),
           ucp_certificate_subject(leaf), (long long)ucp_report_days_remaining(report));
    for (size_t i = 0; i < ucp_report_chain_count(report); i++)
        printf("  chain[%zu] %s (%s)\n", i, ucp_certificate_subject(ucp_report_chain_at(report, i)),
               ucp_report_chain_source_at(report, i));
    for (size_t i = 0; i < ucp_report_finding_count(report); i++) {
        const ucp_finding *f = ucp_report_finding_at(report, i);
        printf("  %-7s %s: %s\n", ucp_severity_name(ucp_finding_severity(f)), ucp_finding_code(f),
               ucp_finding_message(f));
        printf("          fix: %s\n", ucp_finding_remediation(f));
        for (size_t k = 0; k < ucp_finding_reference_count(f); k++) {
            const ucp_reference *ref = ucp_finding_reference_at(f, k);
            printf("          [%s] %s %s\n", ucp_reference_key(ref), ucp_reference_title(ref),
                   ucp_reference_url(ref));
        }
    }
    /* Exit like the ucpolicy command: 0 pass, 1 warnings, 2 errors. */
    status = ucp_report_result(report) == UCP_RESULT_FAIL      ? 2
             : ucp_report_result(report) == UCP_RESULT_WARNING ? 1
                                                               : 0;
out:
    ucp_report_free(report); /* every _free accepts NULL */
    ucp_input_free(input);
    ucp_input_free(trust);
    ucp_topology_free(topology);
    ucp_checker_free(checker);
    return status;
}
