/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy roles [--format text|json] and ucpolicy rules [--role ROLE] [--product PRODUCT]
 * [--format text|json]: the built-in catalogue, as the library lists it
 * (ucp_catalogue_render_roles, ucp_catalogue_render_rules).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli-private.h"

static int parse_list_opts(int argc, char **argv, ucp_output_format *format, const char **role, const char **product,
                           void (*usage)(FILE *))
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"role", required_argument, NULL, 'r'},
        {"product", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 0; /* a fresh getopt state for each run (ucp_cli_main may run many times) */
    int c;
    while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "ucpolicy: --format: '%s' is not text or json\n", optarg);
                return EXIT_USAGE;
            }
            *format = strcmp(optarg, "json") == 0 ? UCP_OUTPUT_JSON : UCP_OUTPUT_TEXT;
            break;
        case 'r':
            if (!role)
                goto bad;
            *role = optarg;
            break;
        case 'p':
            if (!product)
                goto bad;
            *product = optarg;
            break;
        case 'h': usage(stdout); return -1;
        default: goto bad;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "ucpolicy: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    return EXIT_PASS;
bad:
    usage(stderr);
    return EXIT_USAGE;
}

static void usage_roles(FILE *f)
{
    fprintf(f, "Usage: ucpolicy roles [--format text|json]\n\nList the roles, their aliases and the deployment facts they need.\n");
}

static void usage_rules(FILE *f)
{
    fprintf(f, "Usage: ucpolicy rules [--role ROLE] [--product PRODUCT] [--format text|json]\n\n"
               "List every rule, or the rules of ROLE with their severities for PRODUCT (default sfb2019).\n");
}

/* Write a listing; EXIT_USAGE (message printed) when it could not be made. */
static int print_listing(ucp_status st, ucp_buffer *buf)
{
    if (st != UCP_OK) {
        cli_print_error();
        return EXIT_USAGE;
    }
    fwrite(buf->data, 1, buf->size, stdout);
    ucp_buffer_dispose(buf);
    return EXIT_PASS;
}

int cmd_roles(int argc, char **argv)
{
    ucp_output_format format = UCP_OUTPUT_TEXT;
    int st = parse_list_opts(argc, argv, &format, NULL, NULL, usage_roles);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    ucp_buffer buf = {NULL, 0};
    return print_listing(ucp_catalogue_render_roles(format, 0, &buf), &buf);
}

int cmd_rules(int argc, char **argv)
{
    ucp_output_format format = UCP_OUTPUT_TEXT;
    const char *role_name = NULL, *product_name = NULL;
    int st = parse_list_opts(argc, argv, &format, &role_name, &product_name, usage_rules);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    ucp_product product = UCP_PRODUCT_SFB2019;
    if (product_name && ucp_product_from_name(&product, product_name) != UCP_OK) {
        cli_print_error();
        return EXIT_USAGE;
    }
    if (role_name && !ucp_role_find(role_name)) {
        fprintf(stderr, "ucpolicy: unknown role '%s'; run 'ucpolicy roles' for the list\n", role_name);
        return EXIT_USAGE;
    }
    ucp_buffer buf = {NULL, 0};
    return print_listing(ucp_catalogue_render_rules(role_name, product, format, 0, &buf), &buf);
}
