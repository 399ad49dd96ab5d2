/* SPDX-License-Identifier: MIT */
/*
 * check-dump: check one certificate through the C API and print what the report says, one fact
 * per line, so script-driven tests can compare the C API's answers with the CLI's JSON:
 *   product PRODUCT                   the product the report is for (ucp_product_name)
 *   chainstatus STATUS TRUSTED        the path's status, "trusted" or "untrusted"
 *   chain INDEX SOURCE SUBJECT        each certificate of the path
 *   status INDEX STATUS SOURCE        the revocation status of each certificate of the path
 *   rejected TEXT                     each rejected path
 *   finding CODE SEVERITY INDEX       each finding (INDEX: certificate of the path, -1 none)
 *
 *   check-dump ROLE FILE AT [--trust FILE]... [--chain FILE]... [--crl FILE]... [--online]
 *              [--allow-private-network] [--timeout MS] [--limit BYTES] [--fqdn NAME]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"

static int fail(const char *what)
{
    fprintf(stderr, "check-dump: %s: %s\n", what, ucp_error_message(ucp_error_last()));
    return 3;
}

static int add_file(ucp_checker *c, const char *path, ucp_status (*add)(ucp_checker *, const ucp_input *))
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path, NULL);
    if (st == UCP_OK)
        st = add(c, in);
    ucp_input_free(in);
    return st == UCP_OK ? 0 : fail(path);
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return fprintf(stderr, "usage: %s ROLE FILE AT [options]\n", argv[0]), 3;
    ucp_checker *checker = NULL;
    ucp_topology *topo = NULL;
    ucp_input *input = NULL;
    ucp_report *report = NULL;
    int status = 3;
    if (ucp_checker_new(&checker) != UCP_OK || ucp_topology_new(&topo) != UCP_OK)
        return fail("setup");
    ucp_checker_set_time(checker, strtoll(argv[3], NULL, 10));
    for (int i = 4; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(opt, "--online") == 0) {
            ucp_checker_set_online(checker, true);
            continue;
        }
        if (strcmp(opt, "--allow-private-network") == 0) {
            ucp_checker_set_allow_private_network(checker, true);
            continue;
        }
        if (!val) {
            fprintf(stderr, "check-dump: %s needs a value\n", opt);
            goto out;
        }
        i++;
        int rc = 0;
        if (strcmp(opt, "--trust") == 0)
            rc = add_file(checker, val, ucp_checker_add_trust);
        else if (strcmp(opt, "--chain") == 0)
            rc = add_file(checker, val, ucp_checker_add_intermediates);
        else if (strcmp(opt, "--crl") == 0)
            rc = ucp_checker_add_crl_file(checker, val) == UCP_OK ? 0 : fail(val);
        else if (strcmp(opt, "--timeout") == 0)
            rc = ucp_checker_set_network_timeout(checker, (unsigned)atoi(val)) == UCP_OK ? 0 : fail("timeout");
        else if (strcmp(opt, "--limit") == 0)
            rc = ucp_checker_set_fetch_limit(checker, (size_t)atol(val)) == UCP_OK ? 0 : fail("limit");
        else if (strcmp(opt, "--fqdn") == 0)
            rc = ucp_topology_set(topo, UCP_FACT_FQDN, val) == UCP_OK ? 0 : fail("fqdn");
        else {
            fprintf(stderr, "check-dump: unknown option %s\n", opt);
            goto out;
        }
        if (rc)
            goto out;
    }
    if (ucp_input_from_file(&input, argv[2], NULL) != UCP_OK) {
        status = fail(argv[2]);
        goto out;
    }
    if (ucp_checker_check(checker, input, argv[1], topo, &report) != UCP_OK) {
        status = fail("check");
        goto out;
    }
    printf("product %s\n", ucp_product_name(ucp_report_product(report)));
    printf("chainstatus %s %s\n", ucp_chain_status_name(ucp_report_chain_status(report)),
           ucp_report_chain_trusted(report) ? "trusted" : "untrusted");
    for (size_t i = 0; i < ucp_report_chain_count(report); i++)
        printf("chain %zu %s %s\n", i, ucp_report_chain_source_at(report, i),
               ucp_certificate_subject(ucp_report_chain_at(report, i)));
    for (size_t i = 0; i < ucp_report_chain_count(report); i++) {
        const char *src = ucp_report_revocation_source_at(report, i);
        printf("status %zu %s %s\n", i, ucp_revocation_name(ucp_report_revocation_at(report, i)), src ? src : "-");
    }
    for (size_t i = 0; i < ucp_report_rejected_path_count(report); i++)
        printf("rejected %s\n", ucp_report_rejected_path_at(report, i));
    for (size_t i = 0; i < ucp_report_finding_count(report); i++) {
        const ucp_finding *f = ucp_report_finding_at(report, i);
        printf("finding %s %s %d\n", ucp_finding_code(f), ucp_severity_name(ucp_finding_severity(f)),
               ucp_finding_certificate_index(f));
    }
    status = 0;
out:
    ucp_report_free(report);
    ucp_input_free(input);
    ucp_topology_free(topo);
    ucp_checker_free(checker);
    return status;
}
