/* SPDX-License-Identifier: MIT */
/*
 * ucp_cli_main: the `ucpolicy` command as a function, for the program (ucpolicy.c) and the
 * Python extension alike.
 *
 *   ucpolicy check [options] FILE...    check certificates against a role
 *   ucpolicy probe [options] HOST[:PORT] check the certificate a live server presents
 *   ucpolicy plan --topology FILE       every certificate of a deployment
 *   ucpolicy scan --topology FILE       check every endpoint of a topology document
 *   ucpolicy roles [--format json]      list the roles
 *   ucpolicy rules [--role ROLE]        list the rules (of a role)
 *   ucpolicy version
 *
 * Exit status (the Nagios plugin convention): 0 pass, 1 warnings only, 2 any error finding,
 * 3 usage or input error (the message on stderr names the file and the problem).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "cli-private.h"

static void usage_main(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy COMMAND [OPTIONS]\n"
            "\n"
            "Check X.509 certificates against the certificate policies of Unified Communications\n"
            "server roles (Lync / Skype for Business Server, Exchange UM, Office Online Server,\n"
            "Teams Direct Routing SBCs).\n"
            "\n"
            "Commands:\n"
            "  check [OPTIONS] FILE...   check certificate files against a role\n"
            "  probe [OPTIONS] HOST[:PORT]  check what a live server presents (TLS, SMTP, SIP)\n"
            "  plan --topology FILE      list every certificate a deployment's servers need\n"
            "  scan --topology FILE      check every endpoint of a Skype for Business / Lync topology\n"
            "  roles                     list the roles and the deployment facts they need\n"
            "  rules [--role ROLE]       list the rules, with severities and sources\n"
            "  version                   print the versions of libucpolicy and GnuTLS\n"
            "\n"
            "Run 'ucpolicy check --help' or 'ucpolicy probe --help' for their options.\n"
            "Exit status: 0 pass, 1 warnings only, 2 error findings, 3 usage or input error.\n");
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        usage_main(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "probe") == 0)
        return cmd_probe(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "scan") == 0)
        return cmd_scan(argc - 1, argv + 1);
    if (strcmp(cmd, "roles") == 0)
        return cmd_roles(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("ucpolicy %s (libucpolicy %s, GnuTLS %s)\n", UCP_VERSION, ucp_version(), ucp_gnutls_version());
        return EXIT_PASS;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage_main(stdout);
        return EXIT_PASS;
    }
    fprintf(stderr, "ucpolicy: unknown command '%s'\n", cmd);
    usage_main(stderr);
    return EXIT_USAGE;
}

int ucp_cli_main(int argc, char **argv)
{
    /* getopt's state, the password and the command name are process-wide: one run at a time. */
    static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&one_at_a_time);
    cli_command = "check";
    int status = run(argc, argv);
    cli_wipe_password();
    fflush(stdout);
    fflush(stderr);
    pthread_mutex_unlock(&one_at_a_time);
    return status;
}
