/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy roles [--format text|json] and ucpolicy rules [--role ROLE] [--product PRODUCT]
 * [--format text|json]: the built-in catalogue, listed from the public catalogue API.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli-private.h"

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_refs(FILE *f, size_t n, const ucp_reference *(*at)(const void *, size_t), const void *obj)
{
    fputs("[", f);
    for (size_t i = 0; i < n; i++) {
        const ucp_reference *r = at(obj, i);
        fputs(i ? ", {\"key\": " : "{\"key\": ", f);
        json_string(f, ucp_reference_key(r));
        fputs(", \"title\": ", f);
        json_string(f, ucp_reference_title(r));
        fputs(", \"url\": ", f);
        json_string(f, ucp_reference_url(r));
        fputs("}", f);
    }
    fputs("]", f);
}

static const ucp_reference *role_rule_ref(const void *rr, size_t i)
{
    return ucp_role_rule_reference_at(rr, i);
}

static int parse_list_opts(int argc, char **argv, bool *json, const char **role, const char **product,
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
            *json = strcmp(optarg, "json") == 0;
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

int cmd_roles(int argc, char **argv)
{
    bool json = false;
    int st = parse_list_opts(argc, argv, &json, NULL, NULL, usage_roles);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    if (json)
        fputs("[\n", stdout);
    for (size_t i = 0; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        if (json) {
            fputs("  {\"id\": ", stdout);
            json_string(stdout, ucp_role_id(r));
            fputs(", \"title\": ", stdout);
            json_string(stdout, ucp_role_title(r));
            fputs(", \"description\": ", stdout);
            json_string(stdout, ucp_role_description(r));
            fputs(", \"aliases\": [", stdout);
            for (size_t k = 0; k < ucp_role_alias_count(r); k++) {
                if (k)
                    fputs(", ", stdout);
                json_string(stdout, ucp_role_alias_at(r, k));
            }
            fputs("], \"products\": [", stdout);
            bool first = true;
            for (int p = UCP_PRODUCT_LYNC2010; p <= UCP_PRODUCT_SFB2019; p++) {
                if (!ucp_role_in_product(r, (ucp_product)p))
                    continue;
                fputs(first ? "" : ", ", stdout);
                json_string(stdout, ucp_product_name((ucp_product)p));
                first = false;
            }
            for (int kind = 0; kind < 2; kind++) {
                fputs(kind ? "], \"optionalFacts\": [" : "], \"requiredFacts\": [", stdout);
                first = true;
                for (int f = 0; f < UCP_FACT_COUNT; f++) {
                    bool req = ucp_role_requires_fact(r, (ucp_fact)f);
                    if (!(kind ? (!req && ucp_role_uses_fact(r, (ucp_fact)f)) : req))
                        continue;
                    fputs(first ? "" : ", ", stdout);
                    json_string(stdout, ucp_fact_name((ucp_fact)f));
                    first = false;
                }
            }
            fprintf(stdout, "], \"ruleCount\": %zu}%s\n", ucp_role_rule_count(r),
                    i + 1 < ucp_role_count() ? "," : "");
            continue;
        }
        printf("%-26s %s\n", ucp_role_id(r), ucp_role_title(r));
        if (ucp_role_alias_count(r)) {
            printf("%-26s aliases:", "");
            for (size_t k = 0; k < ucp_role_alias_count(r); k++)
                printf("%s %s", k ? "," : "", ucp_role_alias_at(r, k));
            putchar('\n');
        }
        bool any = false;
        for (int f = 0; f < UCP_FACT_COUNT; f++) {
            if (!ucp_role_uses_fact(r, (ucp_fact)f))
                continue;
            printf("%s--%s%s", any ? " " : "                           needs: ", ucp_fact_name((ucp_fact)f),
                   ucp_role_requires_fact(r, (ucp_fact)f) ? "" : " (optional)");
            any = true;
        }
        if (any)
            putchar('\n');
    }
    if (json)
        fputs("]\n", stdout);
    return EXIT_PASS;
}

int cmd_rules(int argc, char **argv)
{
    bool json = false;
    const char *role_name = NULL, *product_name = NULL;
    int st = parse_list_opts(argc, argv, &json, &role_name, &product_name, usage_rules);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    ucp_product product = UCP_PRODUCT_SFB2019;
    if (product_name && ucp_product_from_name(&product, product_name) != UCP_OK) {
        cli_print_error();
        return EXIT_USAGE;
    }
    if (!role_name) {
        if (json)
            fputs("[\n", stdout);
        for (size_t i = 0; i < ucp_rule_count(); i++) {
            const ucp_rule *r = ucp_rule_at(i);
            if (json) {
                fputs("  {\"code\": ", stdout);
                json_string(stdout, ucp_rule_code(r));
                fputs(", \"field\": ", stdout);
                json_string(stdout, ucp_field_name(ucp_rule_field(r)));
                fputs(", \"title\": ", stdout);
                json_string(stdout, ucp_rule_title(r));
                fputs(", \"remediation\": ", stdout);
                json_string(stdout, ucp_rule_remediation(r));
                fputs(", \"roles\": [", stdout);
                bool first = true;
                for (size_t k = 0; k < ucp_role_count(); k++) {
                    const ucp_role *role = ucp_role_at(k);
                    for (size_t j = 0; j < ucp_role_rule_count(role); j++) {
                        if (ucp_role_rule_rule(ucp_role_rule_at(role, j)) == r) {
                            fputs(first ? "" : ", ", stdout);
                            json_string(stdout, ucp_role_id(role));
                            first = false;
                        }
                    }
                }
                printf("]}%s\n", i + 1 < ucp_rule_count() ? "," : "");
            } else {
                printf("%-38s %-18s %s\n", ucp_rule_code(r), ucp_field_name(ucp_rule_field(r)), ucp_rule_title(r));
            }
        }
        if (json)
            fputs("]\n", stdout);
        return EXIT_PASS;
    }
    const ucp_role *role = ucp_role_find(role_name);
    if (!role) {
        fprintf(stderr, "ucpolicy: unknown role '%s'; run 'ucpolicy roles' for the list\n", role_name);
        return EXIT_USAGE;
    }
    if (json) {
        fputs("{\"role\": ", stdout);
        json_string(stdout, ucp_role_id(role));
        fputs(", \"product\": ", stdout);
        json_string(stdout, ucp_product_name(product));
        fputs(", \"rules\": [\n", stdout);
    } else {
        printf("%s - %s (%s)\n\n", ucp_role_id(role), ucp_role_title(role), ucp_product_title(product));
    }
    bool first = true;
    for (size_t i = 0; i < ucp_role_rule_count(role); i++) {
        const ucp_role_rule *rr = ucp_role_rule_at(role, i);
        if (!ucp_role_rule_applies(rr, product))
            continue;
        const char *sev = ucp_severity_name(ucp_role_rule_severity(rr, product));
        if (json) {
            fputs(first ? "  {\"code\": " : ",\n  {\"code\": ", stdout);
            json_string(stdout, ucp_role_rule_code(rr));
            fputs(", \"field\": ", stdout);
            json_string(stdout, ucp_field_name(ucp_rule_field(ucp_role_rule_rule(rr))));
            fputs(", \"severity\": ", stdout);
            json_string(stdout, sev);
            fputs(", \"text\": ", stdout);
            json_string(stdout, ucp_role_rule_text(rr));
            printf(", \"baseline\": %s, \"references\": ", ucp_role_rule_is_baseline(rr) ? "true" : "false");
            json_refs(stdout, ucp_role_rule_reference_count(rr), role_rule_ref, rr);
            fputs("}", stdout);
        } else {
            printf("%-38s %-8s %s [", ucp_role_rule_code(rr), sev, ucp_role_rule_text(rr));
            for (size_t k = 0; k < ucp_role_rule_reference_count(rr); k++)
                printf("%s%s", k ? ", " : "", ucp_reference_key(ucp_role_rule_reference_at(rr, k)));
            printf("]\n");
        }
        first = false;
    }
    if (json)
        fputs("\n]}\n", stdout);
    return EXIT_PASS;
}
