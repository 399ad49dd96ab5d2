/* SPDX-License-Identifier: MIT */
/*
 * probe-dump: probe a server through the C API and print what the report says, one fact per line,
 * so the probe tests can compare the C API's answers with the CLI's JSON:
 *   connection HOST PORT ADDRESS SNI PROTOCOL   (SNI "-" when none was sent)
 *   tls VERSION CIPHER                          ("-" when the handshake did not complete)
 *   client REQUESTED SENT VERDICT               (yes/no yes/no accepted|rejected|unknown)
 *   clientsubject TEXT | alert NAME | response TEXT | diagnostics TEXT | detail TEXT   (when present)
 *   chainstatus STATUS TRUSTED
 *   chain INDEX SOURCE SUBJECT
 *   finding CODE SEVERITY INDEX
 * On failure: "error STATUS_NAME MESSAGE" and exit status 3.
 *
 *   probe-dump ROLE HOST PORT [--protocol tls|smtp|sip] [--sni NAME | --no-sni] [--timeout MS]
 *              [--client-cert FILE [--client-key FILE]] [--password PW] [--trust FILE]
 *              [--chain FILE] [--fqdn NAME] [--pool NAME] [--sip-domain NAME] [--at UNIXTIME]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ucpolicy.h"

static int fail(void)
{
    const ucp_error *e = ucp_error_last();
    printf("error %s %s\n", ucp_strerror_name(ucp_error_code(e)), ucp_error_message(e));
    return 3;
}

static int add_file(ucp_checker *c, const char *path, ucp_status (*add)(ucp_checker *, const ucp_input *))
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path, NULL);
    if (st == UCP_OK)
        st = add(c, in);
    ucp_input_free(in);
    return st == UCP_OK ? 0 : fail();
}

static const char *dash(const char *s)
{
    return s ? s : "-";
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return fprintf(stderr, "usage: %s ROLE HOST PORT [options]\n", argv[0]), 3;
    ucp_checker *checker = NULL;
    ucp_topology *topo = NULL;
    ucp_probe *probe = NULL;
    ucp_report *report = NULL;
    const char *client_cert = NULL, *client_key = NULL, *password = NULL;
    int status = 3;
    if (ucp_checker_new(&checker) != UCP_OK || ucp_topology_new(&topo) != UCP_OK ||
        ucp_probe_new(&probe, argv[2], (unsigned)atoi(argv[3])) != UCP_OK) {
        status = fail();
        goto out;
    }
    for (int i = 4; i < argc; i++) {
        const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int rc = 0;
        if (strcmp(opt, "--no-sni") == 0) {
            if (ucp_probe_set_server_name(probe, NULL) != UCP_OK)
                goto error;
            continue;
        }
        if (!val) {
            fprintf(stderr, "probe-dump: %s needs a value\n", opt);
            goto out;
        }
        i++;
        if (strcmp(opt, "--protocol") == 0) {
            ucp_probe_protocol p;
            rc = ucp_probe_protocol_from_name(&p, val) != UCP_OK || ucp_probe_set_protocol(probe, p) != UCP_OK;
        } else if (strcmp(opt, "--sni") == 0) {
            rc = ucp_probe_set_server_name(probe, val) != UCP_OK;
        } else if (strcmp(opt, "--timeout") == 0) {
            rc = ucp_probe_set_timeout(probe, (unsigned)atoi(val)) != UCP_OK;
        } else if (strcmp(opt, "--client-cert") == 0) {
            client_cert = val;
        } else if (strcmp(opt, "--client-key") == 0) {
            client_key = val;
        } else if (strcmp(opt, "--password") == 0) {
            password = val;
        } else if (strcmp(opt, "--trust") == 0) {
            if (add_file(checker, val, ucp_checker_add_trust))
                goto out;
        } else if (strcmp(opt, "--chain") == 0) {
            if (add_file(checker, val, ucp_checker_add_intermediates))
                goto out;
        } else if (strcmp(opt, "--fqdn") == 0) {
            rc = ucp_topology_set(topo, UCP_FACT_FQDN, val) != UCP_OK;
        } else if (strcmp(opt, "--pool") == 0) {
            rc = ucp_topology_set(topo, UCP_FACT_POOL, val) != UCP_OK;
        } else if (strcmp(opt, "--sip-domain") == 0) {
            rc = ucp_topology_add(topo, UCP_FACT_SIP_DOMAIN, val) != UCP_OK;
        } else if (strcmp(opt, "--at") == 0) {
            rc = ucp_checker_set_time(checker, strtoll(val, NULL, 10)) != UCP_OK;
        } else {
            fprintf(stderr, "probe-dump: unknown option %s\n", opt);
            goto out;
        }
        if (rc)
            goto error;
    }
    if (client_cert && ucp_probe_set_client_credentials(probe, client_cert, client_key, password) != UCP_OK)
        goto error;
    if (ucp_probe_run(probe, checker, argv[1], topo, &report) != UCP_OK)
        goto error;
    if (!ucp_report_has_connection(report)) {
        printf("error UCP_E_INTERNAL the report has no connection facts\n");
        goto out;
    }
    printf("connection %s %u %s %s %s\n", ucp_report_connection_host(report), ucp_report_connection_port(report),
           dash(ucp_report_connection_address(report)), dash(ucp_report_connection_server_name(report)),
           ucp_probe_protocol_name(ucp_report_connection_protocol(report)));
    printf("tls %s %s\n", dash(ucp_report_connection_tls_version(report)),
           dash(ucp_report_connection_cipher_suite(report)));
    printf("client %s %s %s\n", ucp_report_connection_client_cert_requested(report) ? "yes" : "no",
           ucp_report_connection_client_cert_sent(report) ? "yes" : "no",
           ucp_client_auth_name(ucp_report_connection_client_auth(report)));
    const char *v;
    if ((v = ucp_report_connection_client_cert_subject(report)))
        printf("clientsubject %s\n", v);
    if ((v = ucp_report_connection_alert(report)))
        printf("alert %s\n", v);
    if ((v = ucp_report_connection_response(report)))
        printf("response %s\n", v);
    if ((v = ucp_report_connection_diagnostics(report)))
        printf("diagnostics %s\n", v);
    if ((v = ucp_report_connection_detail(report)))
        printf("detail %s\n", v);
    printf("chainstatus %s %s\n", ucp_chain_status_name(ucp_report_chain_status(report)),
           ucp_report_chain_trusted(report) ? "trusted" : "untrusted");
    for (size_t i = 0; i < ucp_report_chain_count(report); i++)
        printf("chain %zu %s %s\n", i, ucp_report_chain_source_at(report, i),
               ucp_certificate_subject(ucp_report_chain_at(report, i)));
    for (size_t i = 0; i < ucp_report_finding_count(report); i++) {
        const ucp_finding *f = ucp_report_finding_at(report, i);
        printf("finding %s %s %d\n", ucp_finding_code(f), ucp_severity_name(ucp_finding_severity(f)),
               ucp_finding_certificate_index(f));
    }
    status = 0;
    goto out;
error:
    status = fail();
out:
    ucp_report_free(report);
    ucp_probe_free(probe);
    ucp_topology_free(topo);
    ucp_checker_free(checker);
    return status;
}
