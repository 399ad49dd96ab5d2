/* SPDX-License-Identifier: MIT */
/*
 * render-cases: render fixture cases (tests/FIXTURES.md) through ucpolicy/render.h, for the
 * script-driven renderer tests (tests/test-render.py).
 *
 *   render-cases FORMAT [OPTIONS] ITEM...
 *
 * ITEM is a case id of the manifest ("exchange-um/subject.cn-wildcard/fail"), NAME=CASE-ID (the
 * case's file read from memory under the input name NAME), or file:PATH (the file PATH, named as
 * given, checked with the settings of the case --settings names, default
 * exchange-um/pass/sfb2019; a file that cannot be read is added as an unreadable input).
 * Options: --pretty, --flat, --color, --verbose, --fail-on LEVEL, --settings CASE-ID, --list
 * (ucp_report_list_render() instead of the streaming renderer; no unreadable inputs), --single
 * (each item alone: ucp_report_render() or ucp_input_error_render()). Writes the document to
 * stdout, the summary line to stderr, and exits with ucp_renderer_exit_code() (4 on a setup
 * failure).
 *
 *   render-cases catalogue roles FORMAT
 *   render-cases catalogue rules FORMAT [ROLE PRODUCT]
 *
 * writes ucp_catalogue_render_roles() / ucp_catalogue_render_rules().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../render-cases.h"

static void put(ucp_buffer *b)
{
    if (b->size)
        fwrite(b->data, 1, b->size, stdout);
    ucp_buffer_dispose(b);
}

static int catalogue(int argc, char **argv)
{
    ucp_output_format format;
    ucp_product product = UCP_PRODUCT_SFB2019;
    ucp_buffer out = {NULL, 0};
    if (argc < 4 || ucp_output_format_from_name(&format, argv[3]) != UCP_OK ||
        (argc > 5 && ucp_product_from_name(&product, argv[5]) != UCP_OK))
        return 4;
    ucp_status st = strcmp(argv[2], "roles") == 0 ? ucp_catalogue_render_roles(format, 0, &out)
                                                  : ucp_catalogue_render_rules(argc > 4 ? argv[4] : NULL, product,
                                                                               format, 0, &out);
    if (st != UCP_OK) {
        fprintf(stderr, "%s\n", ucp_error_message(ucp_error_last()));
        return 4;
    }
    put(&out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "catalogue") == 0)
        return catalogue(argc, argv);
    if (argc < 3 || !rc_load())
        return 4;
    ucp_output_format format;
    if (ucp_output_format_from_name(&format, argv[1]) != UCP_OK) {
        fprintf(stderr, "%s\n", ucp_error_message(ucp_error_last()));
        return 4;
    }
    unsigned flags = 0;
    ucp_fail_on fail_on = UCP_FAIL_ON_WARNING;
    bool list = false, single = false;
    const char *settings = "exchange-um/pass/sfb2019";
    int i = 2;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (strcmp(argv[i], "--pretty") == 0)
            flags |= UCP_RENDER_PRETTY;
        else if (strcmp(argv[i], "--flat") == 0)
            flags |= UCP_RENDER_FLAT;
        else if (strcmp(argv[i], "--color") == 0)
            flags |= UCP_RENDER_COLOR;
        else if (strcmp(argv[i], "--verbose") == 0)
            flags |= UCP_RENDER_VERBOSE;
        else if (strcmp(argv[i], "--list") == 0)
            list = true;
        else if (strcmp(argv[i], "--single") == 0)
            single = true;
        else if (strcmp(argv[i], "--settings") == 0 && i + 1 < argc)
            settings = argv[++i];
        else if (strcmp(argv[i], "--fail-on") == 0 && i + 1 < argc &&
                 ucp_fail_on_from_name(&fail_on, argv[i + 1]) == UCP_OK)
            i++;
        else
            return 4;
    }
    ucp_renderer *r = NULL;
    if (ucp_renderer_new(&r, format, flags) != UCP_OK || ucp_renderer_set_fail_on(r, fail_on) != UCP_OK)
        return 4;
    const ucp_report **reports = calloc((size_t)argc, sizeof *reports);
    size_t n = 0;
    ucp_buffer chunk = {NULL, 0};
    for (; i < argc; i++) {
        ucp_report *report = NULL;
        if (strncmp(argv[i], "file:", 5) == 0) {
            report = rc_check_file(settings, NULL, argv[i] + 5);
            if (!report) {
                const ucp_error *e = ucp_error_last();
                ucp_status st = single ? ucp_input_error_render(argv[i] + 5, ucp_error_code(e), ucp_error_message(e),
                                                                format, flags, &chunk)
                                       : ucp_renderer_add_error(r, argv[i] + 5, ucp_error_code(e),
                                                                ucp_error_message(e), &chunk);
                if (st != UCP_OK)
                    return 4;
                put(&chunk);
                continue;
            }
        } else {
            char *eq = strrchr(argv[i], '=');
            if (eq)
                *eq = '\0';
            report = eq ? rc_check(eq + 1, argv[i]) : rc_check(argv[i], NULL);
            if (!report)
                return 4;
        }
        if (list) {
            reports[n++] = report;
            continue;
        }
        if (single) {
            if (ucp_report_render(report, format, flags, &chunk) != UCP_OK)
                return 4;
            put(&chunk);
            ucp_report_free(report);
            continue;
        }
        if (ucp_renderer_add_report(r, report, &chunk) != UCP_OK)
            return 4;
        put(&chunk);
        ucp_report_free(report);
    }
    if (list) {
        if (ucp_report_list_render(reports, n, format, flags, &chunk) != UCP_OK)
            return 4;
        put(&chunk);
        for (size_t k = 0; k < n; k++)
            ucp_report_free((ucp_report *)reports[k]);
    } else if (!single) {
        if (ucp_renderer_finish(r, &chunk) != UCP_OK)
            return 4;
        put(&chunk);
    }
    free(reports);
    ucp_buffer summary = {NULL, 0};
    ucp_renderer_summary(r, &summary);
    fprintf(stderr, "%s\n", summary.data);
    ucp_buffer_dispose(&summary);
    int status = ucp_renderer_exit_code(r, fail_on);
    ucp_renderer_free(r);
    json_decref(rc_manifest);
    return status;
}
