/* SPDX-License-Identifier: MIT */
/*
 * Every output format through ucpolicy/render.h: names, the exit-code rule (every fail-on level
 * and result, probe verdicts), the streamed batch equal to the list for every format and flag,
 * the JSON array of ucp_report_list_to_json(), the error entries, hostile text in every format,
 * the counters and summary, the catalogue listings, misuse. Linked with the library's static
 * twin to give a report the connection facts of a probe (tests/render-cases.h makes the reports
 * from the fixtures' manifest). The documents' own validators (SARIF schema, XML parser,
 * Chromium, CSV reader) and the comparisons with the command run in tests/test-render.py.
 */
#include "config.h"

#include "report/report-private.h"

#include "render-cases.h"
#include "tap.h"

static const ucp_output_format formats[] = {UCP_OUTPUT_TEXT, UCP_OUTPUT_JSON, UCP_OUTPUT_SARIF, UCP_OUTPUT_CSV,
                                            UCP_OUTPUT_HTML, UCP_OUTPUT_JUNIT, UCP_OUTPUT_NAGIOS};
#define NFORMATS (sizeof formats / sizeof formats[0])

/* pass, warning, fail (the Exchange UM incident certificate), information only */
static ucp_report *pass, *warn, *fail, *info;

static bool valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t k = ucp_utf8_seq((const uint8_t *)s + i, n - i);
        if (!k && (unsigned char)s[i] >= 0x80)
            return false;
        i += k ? k : 1;
    }
    return true;
}

/* No control character but newline, carriage return and tab (and ESC with colour, DEL in JSON). */
static bool no_controls(const char *s, size_t n, bool esc_ok, bool del_ok)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && !(esc_ok && c == 0x1b)) || (c == 0x7f && !del_ok))
            return false;
    }
    return true;
}

/* ---- names --------------------------------------------------------------------------------- */

static void names(void)
{
    static const char *const want[] = {"text", "json", "sarif", "csv", "html", "junit", "nagios"};
    bool ok = true;
    for (size_t i = 0; i < NFORMATS; i++) {
        ucp_output_format f = (ucp_output_format)-1;
        char upper[16];
        snprintf(upper, sizeof upper, "%s", want[i]);
        for (char *p = upper; *p; p++)
            *p = (char)(*p - 32);
        ok &= strcmp(ucp_output_format_name(formats[i]), want[i]) == 0 &&
              ucp_output_format_from_name(&f, upper) == UCP_OK && f == formats[i];
    }
    CHECK(ok, "every format has its name, parsed back case-insensitively");
    CHECK_STR(ucp_output_format_name((ucp_output_format)7), "", "a format out of range has the name \"\"");
    ucp_output_format f;
    CHECK(ucp_output_format_from_name(&f, "xml") == UCP_E_INVALID_ARGUMENT, "an unknown format is UCP_E_INVALID_ARGUMENT");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "'xml' (use text, json, sarif, csv, html, junit or nagios)",
                   "its message names it and lists the formats");
    CHECK(ucp_output_format_from_name(&f, NULL) == UCP_E_INVALID_ARGUMENT, "a NULL format name is refused");

    static const char *const levels[] = {"error", "warning", "info", "never"};
    ok = true;
    for (int i = 0; i <= UCP_FAIL_ON_NEVER; i++) {
        ucp_fail_on l = (ucp_fail_on)-1;
        ok &= strcmp(ucp_fail_on_name((ucp_fail_on)i), levels[i]) == 0 &&
              ucp_fail_on_from_name(&l, levels[i]) == UCP_OK && l == (ucp_fail_on)i;
    }
    ucp_fail_on l;
    CHECK(ok && ucp_fail_on_from_name(&l, "Warning") == UCP_OK && l == UCP_FAIL_ON_WARNING,
          "every fail-on level has its name, parsed back case-insensitively");
    CHECK(ucp_fail_on_from_name(&l, "errors") == UCP_E_INVALID_ARGUMENT &&
              strstr(ucp_error_message(ucp_error_last()), "use error, warning, info or never"),
          "an unknown fail-on level is refused with the list");
}

/* ---- exit codes -------------------------------------------------------------------------------- */

/* Give @r the connection facts of a probe with this verdict (NULL: none). */
static void set_connection(ucp_report *r, const ucp_client_auth *verdict, bool sent)
{
    ucp_connection_free(r->connection);
    r->connection = NULL;
    if (!verdict)
        return;
    r->connection = calloc(1, sizeof *r->connection);
    if (!r->connection)
        exit(TAP_SETUP_FAILURE);
    r->connection->host = strdup("fe01.contoso.com");
    r->connection->port = 5061;
    r->connection->protocol = UCP_PROBE_SIP;
    r->connection->requested = true;
    r->connection->sent = sent;
    r->connection->verdict = *verdict;
}

static void exit_codes(void)
{
    /* As `ucpolicy check --fail-on` (libucpolicy/cli/ucpolicy.c, exit_for): error, warning, info, never. */
    static const struct {
        const char *what;
        ucp_report **r;
        int want[4];
    } table[] = {
        {"an error finding", &fail, {2, 2, 2, 0}},
        {"warnings only", &warn, {0, 1, 1, 0}},
        {"information only", &info, {0, 0, 1, 0}},
        {"no finding", &pass, {0, 0, 0, 0}},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        for (int f = 0; f <= UCP_FAIL_ON_NEVER; f++)
            CHECK(ucp_report_exit_code(*table[i].r, (ucp_fail_on)f) == table[i].want[f],
                  "%s, fail on %s: exit %d", table[i].what, ucp_fail_on_name((ucp_fail_on)f), table[i].want[f]);
    CHECK(ucp_report_exit_code(NULL, UCP_FAIL_ON_WARNING) == 3, "no report: 3");

    /* As `ucpolicy probe` (probe_exit): the verdict on the client certificate. */
    const ucp_client_auth rejected = UCP_CLIENT_AUTH_REJECTED, accepted = UCP_CLIENT_AUTH_ACCEPTED,
                          unknown = UCP_CLIENT_AUTH_UNKNOWN;
    const struct {
        const char *what;
        ucp_report **r;
        const ucp_client_auth *verdict;
        bool sent;
        int want[4];
    } probes[] = {
        {"a passing server that rejected the client certificate", &pass, &rejected, true, {2, 2, 2, 0}},
        {"a passing server that accepted it", &pass, &accepted, true, {0, 0, 0, 0}},
        {"a passing server whose answer does not tell", &pass, &unknown, true, {0, 1, 1, 0}},
        {"a passing server that asked for none", &pass, &unknown, false, {0, 0, 0, 0}},
        {"a server with warnings whose answer does not tell", &warn, &unknown, true, {0, 1, 1, 0}},
        {"a failing server that accepted it", &fail, &accepted, true, {2, 2, 2, 0}},
        {"an information-only server whose answer does not tell", &info, &unknown, true, {0, 1, 1, 0}},
    };
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        set_connection(*probes[i].r, probes[i].verdict, probes[i].sent);
        for (int f = 0; f <= UCP_FAIL_ON_NEVER; f++)
            CHECK(ucp_report_exit_code(*probes[i].r, (ucp_fail_on)f) == probes[i].want[f], "probe: %s, fail on %s: exit %d",
                  probes[i].what, ucp_fail_on_name((ucp_fail_on)f), probes[i].want[f]);
        set_connection(*probes[i].r, NULL, false);
    }

    /* A batch: the worst, 3 when an input could not be read, 0 when empty. */
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0};
    ucp_renderer_new(&r, UCP_OUTPUT_TEXT, 0);
    CHECK(ucp_renderer_exit_code(r, UCP_FAIL_ON_INFO) == 0, "an empty batch: 0");
    ucp_renderer_add_report(r, pass, &chunk);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_add_report(r, info, &chunk);
    ucp_buffer_dispose(&chunk);
    CHECK(ucp_renderer_exit_code(r, UCP_FAIL_ON_WARNING) == 0 && ucp_renderer_exit_code(r, UCP_FAIL_ON_INFO) == 1,
          "pass and information: 0 failing on warnings, 1 on information");
    ucp_renderer_add_report(r, warn, &chunk);
    ucp_buffer_dispose(&chunk);
    CHECK(ucp_renderer_exit_code(r, UCP_FAIL_ON_ERROR) == 0 && ucp_renderer_exit_code(r, UCP_FAIL_ON_WARNING) == 1,
          "with a warning report: 0 failing on errors, 1 on warnings");
    ucp_renderer_add_report(r, fail, &chunk);
    ucp_buffer_dispose(&chunk);
    CHECK(ucp_renderer_exit_code(r, UCP_FAIL_ON_ERROR) == 2 && ucp_renderer_exit_code(r, UCP_FAIL_ON_NEVER) == 0,
          "with a failing report: 2, and 0 failing never");
    ucp_renderer_add_error(r, "missing.pem", UCP_E_IO, "missing.pem: cannot open the file", &chunk);
    ucp_buffer_dispose(&chunk);
    bool three = true;
    for (int f = 0; f <= UCP_FAIL_ON_NEVER; f++)
        three &= ucp_renderer_exit_code(r, (ucp_fail_on)f) == 3;
    CHECK(three, "with an input that could not be read: 3 whatever the fail-on level (as `ucpolicy check`)");
    ucp_renderer_free(r);
}

/* ---- the streamed batch is the list -------------------------------------------------------------- */

static char *concat_stream(ucp_output_format format, unsigned flags, const ucp_report *const *reports, size_t n,
                           bool *streamed)
{
    ucp_renderer *r = NULL;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    ucp_buffer chunk = {NULL, 0};
    *streamed = true;
    if (ucp_renderer_new(&r, format, flags) != UCP_OK)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (ucp_renderer_add_report(r, reports[i], &chunk) != UCP_OK)
            return NULL;
        *streamed &= chunk.size > 0 && chunk.data && strlen(chunk.data) == chunk.size;
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    if (ucp_renderer_finish(r, &chunk) != UCP_OK)
        return NULL;
    ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_free(r);
    return ucp_sb_finish(&sb);
}

static void stream_equals_list(void)
{
    const ucp_report *reports[] = {pass, warn, fail, info};
    const unsigned flag_sets[] = {0, UCP_RENDER_PRETTY, UCP_RENDER_PRETTY | UCP_RENDER_FLAT,
                                  UCP_RENDER_COLOR | UCP_RENDER_VERBOSE};
    for (size_t i = 0; i < NFORMATS; i++) {
        for (size_t k = 0; k < sizeof flag_sets / sizeof flag_sets[0]; k++) {
            for (size_t n = 0; n <= 4; n += n ? 3 : 1) {
                bool streamed;
                char *stream = concat_stream(formats[i], flag_sets[k], reports, n, &streamed);
                ucp_buffer list = {NULL, 0};
                ucp_status st = ucp_report_list_render(reports, n, formats[i], flag_sets[k], &list);
                CHECK(st == UCP_OK && stream && strcmp(stream, list.data ? list.data : "") == 0 &&
                          valid_utf8(stream, strlen(stream)),
                      "%s, flags %u, %zu report(s): the chunks of the renderer concatenated are the list",
                      ucp_output_format_name(formats[i]), flag_sets[k], n);
                bool streams = formats[i] == UCP_OUTPUT_TEXT || formats[i] == UCP_OUTPUT_JSON ||
                               formats[i] == UCP_OUTPUT_CSV || formats[i] == UCP_OUTPUT_SARIF;
                if (n == 4 && k == 0)
                    CHECK(streamed == streams, "%s: %s", ucp_output_format_name(formats[i]),
                          streams ? "each report gives its bytes when added"
                                  : "the document is written at the end (it starts with the totals)");
                free(stream);
                ucp_buffer_dispose(&list);
            }
        }
    }

    /* One report: text and JSON as the 1.0 calls, the documents as a list of one. */
    for (size_t i = 0; i < NFORMATS; i++) {
        ucp_buffer one = {NULL, 0}, want = {NULL, 0};
        ucp_report_render(fail, formats[i], UCP_RENDER_PRETTY, &one);
        if (formats[i] == UCP_OUTPUT_TEXT)
            ucp_report_to_text(fail, 0, &want);
        else if (formats[i] == UCP_OUTPUT_JSON)
            ucp_report_to_json(fail, UCP_RENDER_PRETTY, &want);
        else
            ucp_report_list_render((const ucp_report *const *)&fail, 1, formats[i], UCP_RENDER_PRETTY, &want);
        CHECK(one.data && want.data && strcmp(one.data, want.data) == 0, "ucp_report_render, %s: %s",
              ucp_output_format_name(formats[i]),
              i < 2 ? "the 1.0 renderer's output" : "the document of a batch of one");
        ucp_buffer_dispose(&one);
        ucp_buffer_dispose(&want);
    }
}

/* ---- JSON: the 1.0 array, the command's layout, the error entry -------------------------------------- */

static void json_layouts(void)
{
    const ucp_report *reports[] = {pass, fail};
    /* ucp_report_list_to_json() has always been jansson's array of the reports' objects. */
    for (int pretty = 0; pretty < 2; pretty++) {
        json_t *a = json_array();
        for (size_t i = 0; i < 2; i++) {
            ucp_buffer b = {NULL, 0};
            ucp_report_to_json(reports[i], 0, &b);
            json_array_append_new(a, json_loads(b.data, 0, NULL));
            ucp_buffer_dispose(&b);
        }
        char *want = json_dumps(a, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        json_decref(a);
        ucp_buffer list = {NULL, 0}, render = {NULL, 0};
        ucp_report_list_to_json(reports, 2, pretty ? UCP_RENDER_PRETTY : 0, &list);
        ucp_report_list_render(reports, 2, UCP_OUTPUT_JSON, pretty ? UCP_RENDER_PRETTY : 0, &render);
        CHECK(want && list.data && strcmp(list.data, want) == 0, "ucp_report_list_to_json, %s: jansson's array",
              pretty ? "pretty" : "compact");
        CHECK(render.data && want && strcmp(render.data, want) == 0, "ucp_report_list_render, %s: the same bytes",
              pretty ? "pretty" : "compact");
        free(want);
        ucp_buffer_dispose(&list);
        ucp_buffer_dispose(&render);
    }
    ucp_buffer empty = {NULL, 0};
    ucp_report_list_to_json(NULL, 0, UCP_RENDER_PRETTY, &empty);
    CHECK_STR(empty.data, "[]", "no report: []");
    ucp_buffer_dispose(&empty);

    /* UCP_RENDER_FLAT: `ucpolicy check --format json A B`'s layout: each report as alone. */
    ucp_buffer a = {NULL, 0}, b = {NULL, 0}, flat = {NULL, 0};
    ucp_report_to_json(pass, UCP_RENDER_PRETTY, &a);
    ucp_report_to_json(fail, UCP_RENDER_PRETTY, &b);
    ucp_report_list_render(reports, 2, UCP_OUTPUT_JSON, UCP_RENDER_PRETTY | UCP_RENDER_FLAT, &flat);
    char *want = ucp_asprintf("[\n%s,\n%s\n]", a.data, b.data);
    CHECK_STR(flat.data, want, "UCP_RENDER_FLAT: \"[\\n\" REPORT \",\\n\" REPORT \"\\n]\"");
    free(want);
    ucp_buffer_dispose(&a);
    ucp_buffer_dispose(&b);
    ucp_buffer_dispose(&flat);

    /* The entry of a file that could not be read, laid out as a report: hostile name (not
     * UTF-8: its display form, as a report shows it), compact and pretty. */
    const char *name = "we\"ird\\na\x01me\xff.pem";
    ucp_buffer e = {NULL, 0};
    ucp_input_error_render(name, UCP_E_FORMAT, "cannot \"read\"", UCP_OUTPUT_JSON, 0, &e);
    CHECK_STR(e.data,
              "{\"schema\":\"ucpolicy-report\",\"schemaVersion\":\"" UCP_REPORT_SCHEMA_VERSION "\",\"input\":"
              "{\"name\":\"we\\\"ird\\\\\\\\na\\\\x01me\\\\xFF.pem\"},\"result\":\"error\",\"error\":{\"code\":"
              "\"UCP_E_FORMAT\",\"message\":\"cannot \\\"read\\\"\"}}",
              "the compact error entry, the name in its display form");
    ucp_buffer_dispose(&e);
    ucp_input_error_render("bad.pem", UCP_E_IO, "bad.pem: no such file", UCP_OUTPUT_JSON, UCP_RENDER_PRETTY, &e);
    CHECK_STR(e.data,
              "{\n  \"schema\": \"ucpolicy-report\",\n  \"schemaVersion\": \"" UCP_REPORT_SCHEMA_VERSION "\",\n"
              "  \"input\": {\n    \"name\": \"bad.pem\"\n  },\n  \"result\": \"error\",\n  \"error\": {\n"
              "    \"code\": \"UCP_E_IO\",\n    \"message\": \"bad.pem: no such file\"\n  }\n}",
              "the pretty error entry");
    json_t *parsed = json_loads(e.data ? e.data : "", 0, NULL);
    CHECK(parsed && strcmp(json_string_value(json_object_get(parsed, "result")), "error") == 0,
          "the error entry is JSON");
    json_decref(parsed);
    ucp_buffer_dispose(&e);

    /* In a streamed array: one entry per input, the error in its place. */
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0};
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_renderer_new(&r, UCP_OUTPUT_JSON, UCP_RENDER_PRETTY);
    ucp_renderer_add_report(r, pass, &chunk);
    ucp_sb_appendn(&sb, chunk.data, chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_add_error(r, "bad.pem", UCP_E_IO, "bad.pem: no such file", &chunk);
    ucp_sb_appendn(&sb, chunk.data, chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_finish(r, &chunk);
    ucp_sb_appendn(&sb, chunk.data, chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_free(r);
    char *text = ucp_sb_finish(&sb);
    json_t *arr = json_loads(text ? text : "", 0, NULL);
    CHECK(json_array_size(arr) == 2 &&
              strcmp(json_string_value(json_object_get(json_array_get(arr, 1), "result")), "error") == 0 &&
              strstr(text, "\n  {\n    \"schema\": \"ucpolicy-report\",\n    \"schemaVersion\""),
          "a streamed array holds the error entry in its place, indented as the other entries");
    json_decref(arr);
    free(text);
}

/* ---- error entries in every format, hostile text ------------------------------------------------ */

static char *render_with_error(ucp_output_format format, unsigned flags, const ucp_report *report, const char *name,
                               const char *message)
{
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0};
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    ucp_renderer_new(&r, format, flags);
    if (report) {
        ucp_renderer_add_report(r, report, &chunk);
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    ucp_renderer_add_error(r, name, UCP_E_FORMAT, message, &chunk);
    ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_finish(r, &chunk);
    ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_free(r);
    return ucp_sb_finish(&sb);
}

static void hostile(void)
{
    /* Quotes, markup, an ampersand, a formula, control characters (SOH, ESC, DEL), a pipe, a
     * newline, and a byte that is not UTF-8. */
    static const char name[] = "=cmd|'/C calc'!A0 \"q\" <script>alert(1)</script> &amp; \x01\x1b[31m\x7f\n\xff.pem";
    ucp_report *h = rc_check("exchange-um/subject.cn-wildcard/fail", name);
    if (!h)
        exit(TAP_SETUP_FAILURE);
    char *message = ucp_asprintf("%s: not a certificate", name);
    for (size_t i = 0; i < NFORMATS; i++) {
        const char *fn = ucp_output_format_name(formats[i]);
        char *doc = render_with_error(formats[i], 0, h, name, message);
        size_t n = doc ? strlen(doc) : 0;
        CHECK(doc && valid_utf8(doc, n), "hostile name, %s: the output is UTF-8", fn);
        /* CSV keeps what is inside its quotes, as the .NET formatter did (tests/test-render.py
         * reads it back); JSON may carry DEL as it is, as the command's error entry always did. */
        if (formats[i] != UCP_OUTPUT_CSV)
            CHECK(doc && no_controls(doc, n, false, formats[i] == UCP_OUTPUT_JSON),
                  "hostile name, %s: no control character but line ends and tabs", fn);
        switch (formats[i]) {
        case UCP_OUTPUT_HTML:
        case UCP_OUTPUT_JUNIT:
            CHECK(doc && !strstr(doc, "<script") && strstr(doc, "&lt;script&gt;") && strstr(doc, "&amp;amp;"),
                  "hostile name, %s: markup and entities escaped", fn);
            break;
        case UCP_OUTPUT_SARIF: {
            json_t *j = json_loads(doc ? doc : "", 0, NULL);
            const char *uri = json_string_value(json_object_get(
                json_object_get(json_array_get(json_object_get(json_array_get(json_object_get(j, "runs"), 0), "artifacts"), 0),
                                "location"),
                "uri"));
            bool clean = uri != NULL;
            for (const char *p = uri; p && *p; p++)
                clean &= (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                         strchr("-._~!$&'()*+,;=@/%", *p);
            CHECK(j && clean && strstr(uri, "%3Cscript%3E") && strstr(uri, "%FF.pem"),
                  "hostile name, sarif: JSON, the artifact URI percent-encoded (%s)", uri ? uri : "none");
            json_decref(j);
            break;
        }
        case UCP_OUTPUT_JSON: {
            json_t *j = json_loads(doc ? doc : "", 0, NULL);
            CHECK(json_array_size(j) == 2, "hostile name, json: a JSON array of two entries");
            json_decref(j);
            break;
        }
        case UCP_OUTPUT_CSV:
            CHECK(doc && strstr(doc, "\"'=cmd|'/C calc'!A0 \"\"q\"\" <script>") && strstr(doc, "\\xFF.pem\""),
                  "hostile name, csv: quoted, quotes doubled, the formula defused, the bad byte as \\xFF");
            break;
        case UCP_OUTPUT_NAGIOS: {
            const char *nl = doc ? strchr(doc, '\n') : NULL;
            size_t pipes = 0;
            for (const char *p = doc; p && p < nl; p++)
                pipes += *p == '|';
            CHECK(nl && pipes == 1 && strncmp(doc, "UCPOLICY UNKNOWN - ", 19) == 0,
                  "hostile name, nagios: one status line, one '|' (the perfdata separator), UNKNOWN");
            break;
        }
        case UCP_OUTPUT_TEXT:
            CHECK(doc && strstr(doc, "\\x01\\x1B[31m\\x7F\\x0A\\xFF.pem: ERROR  could not be read"),
                  "hostile name, text: the error entry shows control characters and the bad byte as \\xHH");
            break;
        }
        free(doc);
    }
    /* With colour, the only control character is the colour's ESC. */
    char *doc = render_with_error(UCP_OUTPUT_TEXT, UCP_RENDER_COLOR, NULL, name, message);
    CHECK(doc && no_controls(doc, strlen(doc), true, false) && strstr(doc, "\033[1;31mERROR\033[0m"),
          "hostile name, coloured text: ERROR in red, nothing else raw");
    free(doc);
    free(message);
    ucp_report_free(h);
}

/* ---- what each format says about a batch ------------------------------------------------------------ */

static char *batch(ucp_output_format format, unsigned flags, ucp_fail_on fail_on, bool error)
{
    const ucp_report *reports[] = {pass, warn, fail};
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0};
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    ucp_renderer_new(&r, format, flags);
    ucp_renderer_set_fail_on(r, fail_on);
    for (size_t i = 0; i < 3; i++) {
        ucp_renderer_add_report(r, reports[i], &chunk);
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    if (error) {
        ucp_renderer_add_error(r, "bad.pem", UCP_E_FORMAT, "bad.pem: not a certificate", &chunk);
        ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
        ucp_buffer_dispose(&chunk);
    }
    ucp_renderer_finish(r, &chunk);
    ucp_sb_appendn(&sb, chunk.data ? chunk.data : "", chunk.size);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_free(r);
    return ucp_sb_finish(&sb);
}

static size_t count(const char *s, const char *part)
{
    size_t n = 0;
    for (const char *p = s ? strstr(s, part) : NULL; p; p = strstr(p + 1, part))
        n++;
    return n;
}

static void formats_content(void)
{
    size_t nfail = ucp_report_finding_count(fail), nwarn = ucp_report_finding_count(warn);

    char *csv = batch(UCP_OUTPUT_CSV, 0, UCP_FAIL_ON_WARNING, true);
    static const char header[] = "\"InputName\",\"Role\",\"Product\",\"Result\",\"Thumbprint\",\"Subject\",\"Issuer\","
                                 "\"NotAfter\",\"DaysRemaining\",\"ChainStatus\",\"Severity\",\"Code\",\"Field\","
                                 "\"Message\",\"Expected\",\"Actual\",\"Remediation\"\r\n";
    CHECK(csv && strncmp(csv, header, strlen(header)) == 0,
          "csv: the header row of the .NET ReportFormatter");
    CHECK(count(csv, "\r\n") == 1 + 1 + nwarn + nfail + 1,
          "csv: a row per finding, one for the clean report, one for the unreadable input");
    CHECK(count(csv, "\"exchange-um\",\"SfB2019\",\"Fail\"") == nfail && strstr(csv, "\"Error\",\"subject.cn-wildcard\",\"Subject\"") &&
              strstr(csv, "\"bad.pem\",\"\",\"\",\"Error\""),
          "csv: the .NET names of products, results, severities and fields; the error row");
    free(csv);

    char *junit = batch(UCP_OUTPUT_JUNIT, 0, UCP_FAIL_ON_WARNING, true);
    CHECK(junit && strstr(junit, "<testsuites name=\"ucpolicy\" tests=\"4\" failures=\"2\" errors=\"1\" skipped=\"0\">"),
          "junit, fail on warning: 4 tests, 2 failures (the warning and the fail), 1 error");
    CHECK(count(junit, "<testcase ") == 4 && count(junit, "classname=\"ucpolicy.exchange-um\"") == 3 &&
              strstr(junit, "<failure message=\"subject.cn-wildcard: ") && strstr(junit, "type=\"fail\"") &&
              strstr(junit, "type=\"warning\"") && strstr(junit, "<error message=\"bad.pem: not a certificate\" type=\"UCP_E_FORMAT\">"),
          "junit: one test case per input, failures typed, the unreadable input an <error>");
    free(junit);
    junit = batch(UCP_OUTPUT_JUNIT, 0, UCP_FAIL_ON_ERROR, false);
    CHECK(junit && strstr(junit, "tests=\"3\" failures=\"1\" errors=\"0\"") && count(junit, "<system-out>") == 1 &&
              !strstr(junit, "type=\"warning\""),
          "junit, fail on error: only the fail fails; the warnings stay in <system-out>");
    free(junit);

    char *nagios = batch(UCP_OUTPUT_NAGIOS, 0, UCP_FAIL_ON_WARNING, false);
    int64_t days = ucp_report_days_remaining(pass);
    char *want = ucp_asprintf("UCPOLICY CRITICAL - checked 3: 1 pass, 1 warning, 1 fail | 'pass'=1 'warning'=1 "
                              "'fail'=1 'unreadable'=0 'days_left'=%lld;30:;0:\n",
                              (long long)days);
    CHECK(nagios && strncmp(nagios, want, strlen(want)) == 0, "nagios: the status line and its performance data");
    CHECK(count(nagios, "\n") == 3 && strstr(nagios, ": FAIL (exchange-um): subject.cn-wildcard: The subject CN") &&
              strstr(nagios, ": WARNING (exchange-um): "),
          "nagios: then a line for each failing input with its first finding");
    free(want);
    free(nagios);
    nagios = batch(UCP_OUTPUT_NAGIOS, 0, UCP_FAIL_ON_WARNING, true);
    static const char unknown[] = "UCPOLICY UNKNOWN - checked 4: 1 pass, 1 warning, 1 fail, 1 could not be read |";
    CHECK(nagios && strncmp(nagios, unknown, strlen(unknown)) == 0 &&
              strstr(nagios, "\nbad.pem: could not be read (UCP_E_FORMAT): bad.pem: not a certificate\n"),
          "nagios: UNKNOWN when an input could not be read, with its line");
    free(nagios);
    ucp_buffer one = {NULL, 0};
    ucp_report_render(pass, UCP_OUTPUT_NAGIOS, 0, &one);
    CHECK(one.data && count(one.data, "\n") == 1 && strncmp(one.data, "UCPOLICY OK - ", 14) == 0 &&
              strstr(one.data, ": PASS (exchange-um), "),
          "nagios, one certificate: one line, OK");
    ucp_buffer_dispose(&one);
    ucp_report_render(fail, UCP_OUTPUT_NAGIOS, 0, &one);
    CHECK(one.data && count(one.data, "\n") == 1 && strncmp(one.data, "UCPOLICY CRITICAL - ", 20) == 0 &&
              strstr(one.data, "subject.cn-wildcard: The subject CN '*.contoso.com' is a wildcard"),
          "nagios, the incident certificate: one CRITICAL line naming the wildcard CN");
    ucp_buffer_dispose(&one);

    char *sarif = batch(UCP_OUTPUT_SARIF, UCP_RENDER_PRETTY, UCP_FAIL_ON_WARNING, true);
    json_t *j = json_loads(sarif ? sarif : "", 0, NULL);
    json_t *run = json_array_get(json_object_get(j, "runs"), 0);
    json_t *results = json_object_get(run, "results");
    json_t *inv = json_array_get(json_object_get(run, "invocations"), 0);
    CHECK(j && strcmp(json_string_value(json_object_get(j, "version")), "2.1.0") == 0 &&
              json_array_size(json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules")) ==
                  ucp_rule_count(),
          "sarif: version 2.1.0, one rule per catalogue rule");
    CHECK(json_array_size(results) == nwarn + nfail && json_array_size(json_object_get(run, "artifacts")) == 4,
          "sarif: one result per finding, one artifact per input");
    CHECK(inv && json_is_false(json_object_get(inv, "executionSuccessful")) &&
              json_integer_value(json_object_get(inv, "exitCode")) == 3 &&
              json_array_size(json_object_get(inv, "toolExecutionNotifications")) == 1,
          "sarif: the unreadable input is a notification of an unsuccessful invocation");
    bool indices = true;
    size_t k;
    json_t *res;
    json_array_foreach(results, k, res) {
        const ucp_rule *rule = ucp_rule_at((size_t)json_integer_value(json_object_get(res, "ruleIndex")));
        indices &= rule && strcmp(ucp_rule_code(rule), json_string_value(json_object_get(res, "ruleId"))) == 0;
    }
    CHECK(indices, "sarif: every ruleIndex points at its ruleId");
    json_decref(j);
    free(sarif);

    /* The same finding gives the same fingerprint in another run, under another name. */
    ucp_report *again = rc_check("exchange-um/subject.cn-wildcard/fail", "elsewhere/um.pem");
    ucp_buffer s1 = {NULL, 0}, s2 = {NULL, 0};
    ucp_report_render(fail, UCP_OUTPUT_SARIF, 0, &s1);
    ucp_report_render(again, UCP_OUTPUT_SARIF, 0, &s2);
    const char *f1 = s1.data ? strstr(s1.data, "\"ucpolicy/v1\":\"") : NULL;
    const char *f2 = s2.data ? strstr(s2.data, "\"ucpolicy/v1\":\"") : NULL;
    CHECK(f1 && f2 && strncmp(f1, f2, 15 + 64) == 0 && strstr(s2.data, "\"uri\":\"elsewhere/um.pem\""),
          "sarif: partial fingerprints are stable across runs; a relative path stays relative");
    ucp_buffer_dispose(&s1);
    ucp_buffer_dispose(&s2);
    ucp_report_free(again);

    char *html = batch(UCP_OUTPUT_HTML, 0, UCP_FAIL_ON_WARNING, true);
    CHECK(html && strncmp(html, "<!DOCTYPE html>", 15) == 0 && !strstr(html, "<script") && !strstr(html, "src=") &&
              !strstr(html, "<link") && strstr(html, "default-src 'none'"),
          "html: a page without script or external resource (and a policy saying so)");
    CHECK(count(html, "<section id=\"input-") == 4 && strstr(html, "<span class=\"badge pass\">PASS</span>") &&
              strstr(html, "<span class=\"badge warning\">WARNING</span>") &&
              strstr(html, "<span class=\"badge fail\">FAIL</span>") && strstr(html, "<span class=\"badge error\">ERROR</span>") &&
              strstr(html, "&quot;The peer is not a configured server on this network interface&quot;"),
          "html: a section per input, the four badges, the remediation of the incident");
    free(html);

    char *text = batch(UCP_OUTPUT_TEXT, 0, UCP_FAIL_ON_WARNING, false);
    ucp_buffer t1 = {NULL, 0}, t2 = {NULL, 0}, t3 = {NULL, 0};
    ucp_report_to_text(pass, 0, &t1);
    ucp_report_to_text(warn, 0, &t2);
    ucp_report_to_text(fail, 0, &t3);
    want = ucp_asprintf("%s\n%s\n%s", t1.data, t2.data, t3.data);
    CHECK_STR(text, want, "text: the reports one after another, an empty line between two (as `ucpolicy check`)");
    free(want);
    free(text);
    ucp_buffer_dispose(&t1);
    ucp_buffer_dispose(&t2);
    ucp_buffer_dispose(&t3);
}

/* ---- counters and summary ------------------------------------------------------------------------ */

static void summary(void)
{
    ucp_renderer *r = NULL;
    ucp_buffer chunk = {NULL, 0}, s = {NULL, 0};
    ucp_renderer_new(&r, UCP_OUTPUT_CSV, 0);
    ucp_renderer_summary(r, &s);
    CHECK_STR(s.data, "checked 0: 0 pass, 0 warning, 0 fail", "summary of nothing");
    ucp_buffer_dispose(&s);
    const ucp_report *reports[] = {pass, pass, warn, fail, info};
    for (size_t i = 0; i < 5; i++) {
        ucp_renderer_add_report(r, reports[i], &chunk);
        ucp_buffer_dispose(&chunk);
    }
    ucp_renderer_summary(r, &s);
    CHECK_STR(s.data, "checked 5: 3 pass, 1 warning, 1 fail", "summary of five reports");
    ucp_buffer_dispose(&s);
    ucp_renderer_add_error(r, "a.pem", UCP_E_IO, "a.pem: gone", &chunk);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_add_error(r, "b.pem", UCP_E_IO, NULL, &chunk);
    ucp_buffer_dispose(&chunk);
    ucp_renderer_summary(r, &s);
    CHECK_STR(s.data, "checked 7: 3 pass, 1 warning, 1 fail, 2 could not be read", "summary with two unreadable inputs");
    ucp_buffer_dispose(&s);
    CHECK(ucp_renderer_count(r, UCP_RESULT_PASS) == 3 && ucp_renderer_count(r, UCP_RESULT_WARNING) == 1 &&
              ucp_renderer_count(r, UCP_RESULT_FAIL) == 1 && ucp_renderer_error_count(r) == 2 &&
              ucp_renderer_count(r, (ucp_result)9) == 0,
          "the counters");
    ucp_renderer_finish(r, &chunk);
    ucp_buffer_dispose(&chunk);
    CHECK(ucp_renderer_add_report(r, pass, &chunk) == UCP_E_INVALID_ARGUMENT &&
              ucp_renderer_finish(r, &chunk) == UCP_E_INVALID_ARGUMENT && !chunk.data,
          "nothing is added to a finished renderer");
    ucp_renderer_summary(r, &s);
    CHECK_STR(s.data, "checked 7: 3 pass, 1 warning, 1 fail, 2 could not be read", "the summary survives finishing");
    ucp_buffer_dispose(&s);
    ucp_renderer_free(r);
}

/* ---- the catalogue ----------------------------------------------------------------------------------- */

static void catalogue(void)
{
    ucp_buffer b = {NULL, 0};
    CHECK(ucp_catalogue_render_roles(UCP_OUTPUT_JSON, 0, &b) == UCP_OK, "roles as JSON");
    json_t *j = json_loads(b.data ? b.data : "", 0, NULL);
    CHECK(json_array_size(j) == ucp_role_count() && b.data[b.size - 1] == '\n', "one entry per role, a final newline");
    json_decref(j);
    ucp_buffer_dispose(&b);
    CHECK(ucp_catalogue_render_roles(UCP_OUTPUT_TEXT, 0, &b) == UCP_OK && strncmp(b.data, "tls-server", 10) == 0,
          "roles as text");
    ucp_buffer_dispose(&b);
    CHECK(ucp_catalogue_render_rules(NULL, UCP_PRODUCT_SFB2019, UCP_OUTPUT_JSON, 0, &b) == UCP_OK, "rules as JSON");
    j = json_loads(b.data ? b.data : "", 0, NULL);
    CHECK(json_array_size(j) == ucp_rule_count(), "one entry per rule");
    json_decref(j);
    ucp_buffer_dispose(&b);
    CHECK(ucp_catalogue_render_rules("UM", UCP_PRODUCT_LYNC2013, UCP_OUTPUT_JSON, 0, &b) == UCP_OK, "a role's rules");
    j = json_loads(b.data ? b.data : "", 0, NULL);
    CHECK(j && strcmp(json_string_value(json_object_get(j, "role")), "exchange-um") == 0 &&
              strcmp(json_string_value(json_object_get(j, "product")), "lync2013") == 0 &&
              json_array_size(json_object_get(j, "rules")) > 0,
          "an alias names its role; the product is the one asked");
    json_decref(j);
    ucp_buffer_dispose(&b);
    CHECK(ucp_catalogue_render_rules("no-such-role", UCP_PRODUCT_SFB2019, UCP_OUTPUT_TEXT, 0, &b) == UCP_E_UNKNOWN_ROLE &&
              strstr(ucp_error_message(ucp_error_last()), "'no-such-role'") && !b.data,
          "an unknown role is UCP_E_UNKNOWN_ROLE, named");
    CHECK(ucp_catalogue_render_rules("UM", (ucp_product)8, UCP_OUTPUT_TEXT, 0, &b) == UCP_E_UNKNOWN_PRODUCT,
          "a product out of range is UCP_E_UNKNOWN_PRODUCT");
    CHECK(ucp_catalogue_render_roles(UCP_OUTPUT_SARIF, 0, &b) == UCP_E_UNSUPPORTED &&
              ucp_catalogue_render_rules(NULL, UCP_PRODUCT_SFB2019, UCP_OUTPUT_HTML, 0, &b) == UCP_E_UNSUPPORTED,
          "the listings are text or JSON only (UCP_E_UNSUPPORTED)");
}

/* ---- misuse --------------------------------------------------------------------------------------- */

static void misuse(void)
{
    ucp_renderer *r = (ucp_renderer *)1;
    ucp_buffer b = {(char *)"x", 1};
    CHECK(ucp_renderer_new(&r, (ucp_output_format)42, 0) == UCP_E_INVALID_ARGUMENT && r == NULL,
          "a format out of range: UCP_E_INVALID_ARGUMENT, *out NULL");
    CHECK(ucp_renderer_new(NULL, UCP_OUTPUT_TEXT, 0) == UCP_E_INVALID_ARGUMENT, "no out pointer");
    CHECK(ucp_report_render(NULL, UCP_OUTPUT_JSON, 0, &b) == UCP_E_INVALID_ARGUMENT && !b.data,
          "ucp_report_render without a report: UCP_E_INVALID_ARGUMENT, the buffer emptied");
    CHECK(ucp_report_render(pass, (ucp_output_format)-1, 0, &b) == UCP_E_INVALID_ARGUMENT, "a format out of range");
    const ucp_report *with_null[] = {pass, NULL};
    CHECK(ucp_report_list_render(with_null, 2, UCP_OUTPUT_CSV, 0, &b) == UCP_E_INVALID_ARGUMENT &&
              strstr(ucp_error_message(ucp_error_last()), "report 1 is NULL"),
          "a NULL report in the list is named");
    CHECK(ucp_input_error_render(NULL, UCP_E_IO, "x", UCP_OUTPUT_JSON, 0, &b) == UCP_E_INVALID_ARGUMENT,
          "an error entry needs a name");
    ucp_renderer_new(&r, UCP_OUTPUT_JUNIT, 0);
    CHECK(ucp_renderer_set_fail_on(r, (ucp_fail_on)7) == UCP_E_INVALID_ARGUMENT, "a fail-on level out of range");
    CHECK(ucp_renderer_add_report(r, NULL, &b) == UCP_E_INVALID_ARGUMENT, "adding no report");
    CHECK(ucp_renderer_add_error(r, NULL, UCP_E_IO, "", &b) == UCP_E_INVALID_ARGUMENT, "adding an error without a name");
    CHECK(ucp_renderer_add_report(r, pass, NULL) == UCP_E_INVALID_ARGUMENT, "adding without a chunk buffer");
    ucp_renderer_add_report(r, pass, &b);
    ucp_buffer_dispose(&b);
    CHECK(ucp_renderer_set_fail_on(r, UCP_FAIL_ON_INFO) == UCP_E_INVALID_ARGUMENT,
          "the fail-on level cannot change once entries were added");
    ucp_renderer_free(r);
    ucp_renderer_free(NULL);
    CHECK(ucp_renderer_exit_code(NULL, UCP_FAIL_ON_ERROR) == 3 && ucp_renderer_count(NULL, UCP_RESULT_PASS) == 0 &&
              ucp_renderer_summary(NULL, &b) == UCP_E_INVALID_ARGUMENT,
          "NULL renderers are refused or counted as nothing");
}

int main(void)
{
    if (!rc_load())
        return TAP_SETUP_FAILURE;
    pass = rc_check("exchange-um/pass/sfb2019", NULL);
    warn = rc_check("exchange-um/key.rsa-below-2048/fail", NULL);
    fail = rc_check("exchange-um/subject.cn-wildcard/fail", NULL);
    info = rc_check("exchange-um/san.missing/fail", NULL);
    if (!pass || !warn || !fail || !info || ucp_report_result(pass) != UCP_RESULT_PASS ||
        ucp_report_finding_count(pass) != 0 || ucp_report_result(warn) != UCP_RESULT_WARNING ||
        ucp_report_result(fail) != UCP_RESULT_FAIL || ucp_report_result(info) != UCP_RESULT_PASS ||
        !ucp_report_count(info, UCP_SEVERITY_INFO)) {
        fprintf(stderr, "the fixture cases are not pass, warning, fail and information-only\n");
        return TAP_SETUP_FAILURE;
    }
    names();
    exit_codes();
    stream_equals_list();
    json_layouts();
    hostile();
    formats_content();
    summary();
    catalogue();
    misuse();
    ucp_report_free(pass);
    ucp_report_free(warn);
    ucp_report_free(fail);
    ucp_report_free(info);
    json_decref(rc_manifest);
    return tap_done();
}
