/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy plan --topology FILE [--server FQDN] [--format text|json|csv|html]
 *               [--request certreq|openssl|certtool|powershell --output-dir DIR]
 *
 * Every certificate each server of a Skype for Business / Lync topology needs, as the library
 * plans it (ucp_deployment_new, ucp_deployment_render); with --request, one request file per
 * certificate in DIR (ucp_cert_need_request), named SERVER-ROLE.EXT.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-private.h"

static void usage_plan(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy plan --topology FILE [OPTIONS]\n"
            "\n"
            "List every certificate each server of a Skype for Business / Lync topology (a Topology\n"
            "Builder .tbxml file or Get-CsTopology -AsXml output) needs: the role, the subject name,\n"
            "the required and optional subject alternative names, EKU, key rule, whether a public CA\n"
            "must issue it and whether the pool must share it.\n"
            "\n"
            "Options:\n"
            "  --topology FILE      the topology document ('-': standard input)\n"
            "  --server FQDN        only this server\n"
            "  --format FORMAT      text (default), json, csv or html\n"
            "  --request FORMAT     write one certificate request per certificate: certreq (a\n"
            "                       Windows certreq INF), openssl (an OpenSSL req config), certtool\n"
            "                       (a GnuTLS template) or powershell (Request-CsCertificate)\n"
            "  --output-dir DIR     where --request writes its files (created if missing)\n"
            "  -h, --help           this help\n"
            "\n"
            "Exit status: 0 the plan was written, 3 usage or input error.\n");
}

static int load(ucp_topology *topo, const char *file)
{
    ucp_status st;
    if (strcmp(file, CLI_STDIN_NAME) == 0) {
        uint8_t *data;
        size_t length;
        ucp_status code;
        const char *message;
        if (!cli_read_stdin(&data, &length, &code, &message)) {
            fprintf(stderr, "ucpolicy: %s\n", message);
            return EXIT_USAGE;
        }
        st = ucp_topology_load_data(topo, data, length, CLI_STDIN_NAME);
        free(data);
    } else {
        st = ucp_topology_load_file(topo, file);
    }
    if (st != UCP_OK) {
        cli_print_error();
        return EXIT_USAGE;
    }
    return EXIT_PASS;
}

static int make_dir(const char *dir)
{
    int r = cli_make_dir(dir);
    if (r != 0 && errno != EEXIST) {
        fprintf(stderr, "ucpolicy: --output-dir: cannot create '%s': %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    return EXIT_PASS;
}

static int write_requests(const ucp_deployment *dep, size_t first, size_t end, ucp_request_format format,
                          const char *dir)
{
    if (make_dir(dir) != EXIT_PASS)
        return EXIT_USAGE;
    size_t written = 0;
    for (size_t i = first; i < end; i++) {
        for (size_t k = 0; k < ucp_deployment_need_count(dep, i); k++) {
            const ucp_cert_need *need = ucp_deployment_need_at(dep, i, k);
            ucp_buffer buf = {NULL, 0};
            if (ucp_cert_need_request(need, format, &buf) != UCP_OK) {
                cli_print_error();
                return EXIT_USAGE;
            }
            size_t n = strlen(dir) + strlen(ucp_deployment_server_fqdn(dep, i)) +
                       strlen(ucp_role_id(ucp_cert_need_role(need))) + 32;
            char *path = malloc(n);
            if (!path) {
                ucp_buffer_dispose(&buf);
                return cli_out_of_memory();
            }
            snprintf(path, n, "%s/%s-%s%s", dir, ucp_deployment_server_fqdn(dep, i),
                     ucp_role_id(ucp_cert_need_role(need)), ucp_request_format_extension(format));
            FILE *f = cli_create_file(path);
            bool ok = f && fwrite(buf.data, 1, buf.size, f) == buf.size;
            if (f && fclose(f) != 0)
                ok = false;
            ucp_buffer_dispose(&buf);
            if (!ok) {
                fprintf(stderr, "ucpolicy: cannot write '%s': %s\n", path, strerror(errno));
                free(path);
                return EXIT_USAGE;
            }
            free(path);
            written++;
        }
    }
    fprintf(stderr, "ucpolicy: wrote %zu %s request%s in %s\n", written, ucp_request_format_name(format),
            written == 1 ? "" : "s", dir);
    return EXIT_PASS;
}

int cmd_plan(int argc, char **argv)
{
    enum { P_TOPOLOGY = 1, P_SERVER, P_FORMAT, P_REQUEST, P_OUTDIR };
    static const struct option opts[] = {
        {"topology", required_argument, NULL, P_TOPOLOGY},
        {"server", required_argument, NULL, P_SERVER},
        {"format", required_argument, NULL, P_FORMAT},
        {"request", required_argument, NULL, P_REQUEST},
        {"output-dir", required_argument, NULL, P_OUTDIR},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cli_command = "plan";
    const char *topology_file = NULL, *server = NULL, *outdir = NULL;
    ucp_output_format format = UCP_OUTPUT_TEXT;
    bool request = false;
    ucp_request_format rformat = UCP_REQUEST_CERTREQ;
    optind = 0;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case P_TOPOLOGY: topology_file = optarg; break;
        case P_SERVER: server = optarg; break;
        case P_FORMAT:
            if (ucp_output_format_from_name(&format, optarg) != UCP_OK ||
                (format != UCP_OUTPUT_TEXT && format != UCP_OUTPUT_JSON && format != UCP_OUTPUT_CSV &&
                 format != UCP_OUTPUT_HTML))
                return cli_usage_error("--format: '%s' is not text, json, csv or html", optarg);
            break;
        case P_REQUEST:
            if (ucp_request_format_from_name(&rformat, optarg) != UCP_OK)
                return cli_usage_error("--request: '%s' is not certreq, openssl, certtool or powershell", optarg);
            request = true;
            break;
        case P_OUTDIR: outdir = optarg; break;
        case 'h': usage_plan(stdout); return EXIT_PASS;
        default: usage_plan(stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!topology_file)
        return cli_usage_error("plan needs --topology FILE (a Topology Builder file or Get-CsTopology -AsXml output)");
    if (request != (outdir != NULL))
        return cli_usage_error(request ? "--request needs --output-dir DIR" : "--output-dir needs --request FORMAT");
    ucp_topology *topo = NULL;
    ucp_deployment *dep = NULL;
    if (ucp_topology_new(&topo) != UCP_OK)
        return cli_out_of_memory();
    int status = load(topo, topology_file);
    if (status == EXIT_PASS && ucp_deployment_new(&dep, topo) != UCP_OK) {
        cli_print_error();
        status = EXIT_USAGE;
    }
    ucp_topology_free(topo);
    size_t first = 0, end = dep ? ucp_deployment_server_count(dep) : 0;
    if (status == EXIT_PASS && server) {
        first = ucp_deployment_find_server(dep, server);
        if (first == (size_t)-1) {
            ucp_buffer b = {NULL, 0};
            ucp_deployment_render(dep, server, UCP_OUTPUT_TEXT, 0, &b); /* the message lists the servers */
            fprintf(stderr, "ucpolicy: --server: %s\n", ucp_error_message(ucp_error_last()));
            status = EXIT_USAGE;
        }
        end = first + 1;
    }
    if (status == EXIT_PASS && request) {
        status = write_requests(dep, first, end, rformat, outdir);
    } else if (status == EXIT_PASS) {
        ucp_buffer buf = {NULL, 0};
        if (ucp_deployment_render(dep, server, format, UCP_RENDER_PRETTY, &buf) != UCP_OK) {
            cli_print_error();
            status = EXIT_USAGE;
        } else {
            fwrite(buf.data, 1, buf.size, stdout);
            if (format == UCP_OUTPUT_JSON)
                fputc('\n', stdout);
            ucp_buffer_dispose(&buf);
        }
    }
    ucp_deployment_free(dep);
    return cli_finish(status);
}
