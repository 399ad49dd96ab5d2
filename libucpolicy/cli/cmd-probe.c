/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy probe [OPTIONS] HOST[:PORT]: the certificate a live server presents (TLS, SMTP
 * STARTTLS, SIP), checked as `check` checks a file, and the server's verdict on a client
 * certificate. Exit status as check's; 3 also when no certificate could be obtained; a client
 * certificate the server rejected counts as an error finding (2), one whose fate the server's
 * answer does not tell, as a warning (1).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-private.h"

static void usage_probe(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy probe --role ROLE [OPTIONS] HOST[:PORT]\n"
            "\n"
            "Connect to HOST (a name, an IPv4 address or a bracketed IPv6 address), take the certificate\n"
            "chain the server presents in the TLS handshake, and check it against ROLE as 'check' checks\n"
            "a file: the server's leaf, then the certificates it sent (one it did not send is missing).\n"
            "With a client certificate, report whether the server accepted it: the TLS alert, or for SIP\n"
            "the answer to an OPTIONS request (e.g. 403 with ms-diagnostics), as Lync / Skype for\n"
            "Business answers an Exchange UM server whose certificate names no configured peer.\n"
            "\n"
            "Connection:\n"
            "      --protocol PROTO     tls (default; HTTPS, SIP-TLS without a request), smtp (STARTTLS)\n"
            "                           or sip (TLS, then SIP OPTIONS)\n"
            "                           default ports: tls 443, smtp 25, sip 5061\n"
            "      --sni NAME           the TLS server name to send (default: HOST unless an address)\n"
            "      --no-sni             send no server name\n"
            "      --timeout SECONDS    time limit of the whole connection (default 10); also the time\n"
            "                           budget of the revocation checks with --online\n"
            "      --client-cert FILE   present this client certificate: PKCS#12, or PEM/DER with --client-key\n"
            "      --client-key FILE    the client certificate's private key (PEM or DER)\n"
            "\n");
    cli_usage_common(f, true);
    fprintf(f,
            "\n"
            "Exit status: 0 pass, 1 warnings (or a client certificate whose fate the server's answer does\n"
            "not tell), 2 error findings or a client certificate the server rejected, 3 usage error or no\n"
            "certificate obtained (connection refused, timeout, not TLS).\n");
}

/* HOST[:PORT], [IPV6][:PORT] or a bare IPv6 address; the port defaults by protocol. EXIT_PASS,
 * or EXIT_USAGE with the message printed. */
static int parse_target(const char *arg, unsigned default_port, char *host, size_t hsize, unsigned *port)
{
    const char *colon = NULL;
    size_t hlen;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || (close[1] && close[1] != ':'))
            return cli_usage_error("probe: '%s' is not HOST[:PORT] (an IPv6 address goes in brackets: [::1]:5061)",
                                   arg);
        hlen = (size_t)(close - arg - 1);
        memmove(host, arg + 1, hlen < hsize ? hlen : 0);
        colon = close[1] ? close + 1 : NULL;
    } else {
        colon = strchr(arg, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* a bare IPv6 address */
        hlen = colon ? (size_t)(colon - arg) : strlen(arg);
        memmove(host, arg, hlen < hsize ? hlen : 0);
    }
    if (hlen == 0 || hlen >= hsize)
        return cli_usage_error("probe: '%s' is not HOST[:PORT]", arg);
    host[hlen] = '\0';
    *port = default_port;
    if (colon) {
        char *end;
        errno = 0;
        long v = strtol(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || v < 1 || v > 65535)
            return cli_usage_error("probe: the port in '%s' is not a number between 1 and 65535", arg);
        *port = (unsigned)v;
    }
    return EXIT_PASS;
}

int cmd_probe(int argc, char **argv)
{
    static const struct option opts[] = {
        COMMON_OPTIONS,
        {"protocol", required_argument, NULL, OPT_PROTOCOL},
        {"sni", required_argument, NULL, OPT_SNI},
        {"no-sni", no_argument, NULL, OPT_NO_SNI},
        {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
        {"client-key", required_argument, NULL, OPT_CLIENT_KEY},
        {NULL, 0, NULL, 0},
    };
    struct common_opts o;
    common_init(&o);
    cli_command = "probe";
    ucp_probe_protocol protocol = UCP_PROBE_TLS;
    const char *sni = NULL, *client_cert = NULL, *client_key = NULL;
    bool no_sni = false;
    optind = 0; /* a fresh getopt state for each run (ucp_cli_main may run many times) */
    int c, st = 0;
    while (st == 0 && (c = getopt_long(argc, argv, "r:vqh", opts, NULL)) != -1) {
        st = common_option(&o, c, optarg);
        if (st >= 0)
            continue;
        st = 0;
        switch (c) {
        case OPT_PROTOCOL:
            if (ucp_probe_protocol_from_name(&protocol, optarg) != UCP_OK)
                st = cli_usage_error("--protocol: '%s' is not tls, smtp or sip", optarg);
            break;
        case OPT_SNI: sni = optarg; break;
        case OPT_NO_SNI: no_sni = true; break;
        case OPT_CLIENT_CERT: client_cert = optarg; break;
        case OPT_CLIENT_KEY: client_key = optarg; break;
        case 'h':
            usage_probe(stdout);
            common_dispose(&o);
            return EXIT_PASS;
        default:
            fprintf(stderr, "Try 'ucpolicy probe --help'.\n");
            st = EXIT_USAGE;
        }
    }
    static const unsigned default_ports[] = {443, 25, 5061};
    char host[300];
    unsigned port = 0;
    const char *target = st == 0 && optind < argc ? argv[optind] : NULL;
    if (st == 0 && !o.role)
        st = cli_usage_error("probe: --role is required (see 'ucpolicy roles')");
    else if (st == 0 && !target)
        st = cli_usage_error("probe: no HOST[:PORT] given");
    else if (st == 0 && argc - optind > 1)
        st = cli_usage_error("probe: one HOST[:PORT] at a time ('%s' is one too many)", argv[optind + 1]);
    else if (st == 0 && sni && no_sni)
        st = cli_usage_error("probe: --sni and --no-sni exclude each other");
    else if (st == 0 && client_key && !client_cert)
        st = cli_usage_error("probe: --client-key needs --client-cert");
    else if (st == 0)
        st = parse_target(target, default_ports[protocol], host, sizeof host, &port);
    if (st != 0) {
        common_dispose(&o);
        return st;
    }

    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    ucp_probe *probe = NULL;
    ucp_report *report = NULL;
    int status = check_role(&o);
    if (status == EXIT_PASS)
        status = common_setup(&o, &topo, &checker);
    if (status == EXIT_PASS &&
        (ucp_probe_new(&probe, host, port) != UCP_OK || ucp_probe_set_protocol(probe, protocol) != UCP_OK ||
         ((sni || no_sni) && ucp_probe_set_server_name(probe, no_sni ? NULL : sni) != UCP_OK) ||
         (o.timeout > 0 && ucp_probe_set_timeout(probe, (unsigned)o.timeout * 1000u) != UCP_OK) ||
         (client_cert &&
          ucp_probe_set_client_credentials(probe, client_cert, client_key, cli_password()) != UCP_OK))) {
        cli_print_error();
        status = EXIT_USAGE;
    }
    cli_wipe_password(); /* loaded into the probe: the command needs it no more */
    struct output out = {0};
    if (status == EXIT_PASS && output_begin(&out, &o, 1)) {
        /* The findings as for check, and the server's verdict on the client certificate:
         * rejected is an error (the failure of the incident), unknown a warning
         * (ucp_report_exit_code). No certificate from the server: nothing to judge, an input
         * error. */
        if (ucp_probe_run(probe, checker, o.role, topo, &report) != UCP_OK)
            output_last_error(&out, target);
        else
            output_report(&out, report);
        output_end(&out, false);
        /* The text report of a probe has always ended with an empty line. */
        if (!o.quiet && o.format == UCP_OUTPUT_TEXT && report)
            fputc('\n', stdout);
    }
    if (status == EXIT_PASS)
        status = out.status;
    output_dispose(&out);
    ucp_report_free(report);
    ucp_probe_free(probe);
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    common_dispose(&o);
    return cli_finish(status);
}
