/* SPDX-License-Identifier: MIT */
/*
 * Runs every case and every inputError of the fixture manifest (tests/FIXTURES.md) through the
 * public C API, one TAP test point each. A case's optional fields: `crls` (each added with
 * ucp_checker_add_crl_file), `online` and `timeoutMs` (ucp_checker_set_online with
 * ucp_checker_set_allow_private_network, its URLs being on 127.0.0.1;
 * ucp_checker_set_network_timeout), `pool` (the case is checked with ucp_checker_check_pool on
 * its file followed by these, each read with the case's password).
 *
 *   test-manifest [--json-out DIR]      (reads $UCPOLICY_FIXTURES/manifest.json)
 *
 * With --json-out, the JSON report of every case is also written to DIR/<n>.json, and all the
 * reports, rendered by ucp_report_list_to_json(), to DIR/all.json (for the schema test).
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ucpolicy.h"
#include "portable.h"

static int points, failures;
static const char *fixtures;
static const char *json_out;
static ucp_report **kept; /* with --json-out: every report, for ucp_report_list_to_json() */
static size_t nkept;

/* Diagnostics of the current test point, printed after its "not ok" line. */
static char diag[65536];
static size_t diaglen;

TEST_PRINTF(1, 2) static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(diag + diaglen, sizeof diag - diaglen, fmt, ap);
    va_end(ap);
    if (n > 0)
        diaglen += (size_t)n < sizeof diag - diaglen ? (size_t)n : sizeof diag - diaglen - 1;
    if (diaglen + 1 < sizeof diag)
        diag[diaglen++] = '\n';
    diag[diaglen] = '\0';
}

static void point(bool ok, const char *name)
{
    points++;
    printf("%sok %d - %s\n", ok ? "" : "not ", points, name);
    if (!ok) {
        failures++;
        for (char *line = strtok(diag, "\n"); line; line = strtok(NULL, "\n"))
            printf("#   %s\n", line);
    }
    diaglen = 0;
    diag[0] = '\0';
    fflush(stdout);
}

static const char *path_of(const char *rel)
{
    static char buf[4][4096];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fixtures, rel);
    return buf[k];
}

static const char *last_message(void)
{
    return ucp_error_message(ucp_error_last());
}

static int64_t parse_utc(const char *s)
{
    struct tm tm = {0};
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
               &tm.tm_sec) != 6)
        return INT64_MIN;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Add every file of the array @files with @add; false (with a note) on failure. */
static bool add_files(ucp_checker *checker, json_t *files, ucp_status (*add)(ucp_checker *, const ucp_input *),
                      const char *what)
{
    size_t i;
    json_t *f;
    json_array_foreach(files, i, f) {
        ucp_input *in = NULL;
        ucp_status st = ucp_input_from_file(&in, path_of(json_string_value(f)), NULL);
        if (st == UCP_OK)
            st = add(checker, in);
        ucp_input_free(in);
        if (st != UCP_OK) {
            note("%s %s: %s (%s)", what, json_string_value(f), ucp_strerror_name(st), last_message());
            return false;
        }
    }
    return true;
}

static const ucp_finding *find_code(const ucp_report *r, const char *code, size_t *count)
{
    const ucp_finding *first = NULL;
    size_t n = 0;
    for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        if (strcmp(ucp_finding_code(f), code) == 0) {
            if (!first)
                first = f;
            n++;
        }
    }
    if (count)
        *count = n;
    return first;
}

static void note_findings(const ucp_report *r)
{
    note("result %s, chain %s; findings:", ucp_result_name(ucp_report_result(r)),
         ucp_chain_status_name(ucp_report_chain_status(r)));
    for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        note("  %s %s: %s", ucp_severity_name(ucp_finding_severity(f)), ucp_finding_code(f), ucp_finding_message(f));
    }
}

/* Properties every report has, whatever the case. */
static bool check_report_shape(const ucp_report *r, const ucp_role *role)
{
    bool ok = true;
    size_t counts[3] = {0, 0, 0};
    int prev = 3;
    for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        const char *code = ucp_finding_code(f);
        ucp_severity sev = ucp_finding_severity(f);
        counts[sev]++;
        if ((int)sev > prev) {
            note("finding %s is not sorted by severity", code);
            ok = false;
        }
        prev = (int)sev;
        const ucp_rule *rule = ucp_rule_find(code);
        if (!rule) {
            note("finding %s: not a rule of the catalogue", code);
            ok = false;
            continue;
        }
        if (ucp_finding_field(f) != ucp_rule_field(rule)) {
            note("finding %s: field %s, the rule says %s", code, ucp_field_name(ucp_finding_field(f)),
                 ucp_field_name(ucp_rule_field(rule)));
            ok = false;
        }
        /* The role binds the rule, for this product, with this severity. */
        bool bound = false;
        for (size_t k = 0; k < ucp_role_rule_count(role); k++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, k);
            if (ucp_role_rule_rule(rr) == rule && ucp_role_rule_applies(rr, ucp_report_product(r))) {
                bound = true;
                if (ucp_role_rule_severity(rr, ucp_report_product(r)) != sev) {
                    note("finding %s: severity %s, the catalogue says %s", code, ucp_severity_name(sev),
                         ucp_severity_name(ucp_role_rule_severity(rr, ucp_report_product(r))));
                    ok = false;
                }
            }
        }
        if (!bound) {
            note("finding %s: the role %s does not apply this rule for %s", code, ucp_role_id(role),
                 ucp_product_name(ucp_report_product(r)));
            ok = false;
        }
        if (!*ucp_finding_message(f) || !*ucp_finding_remediation(f) || ucp_finding_reference_count(f) == 0) {
            note("finding %s: empty message, remediation or references", code);
            ok = false;
        }
        if (strchr(ucp_finding_message(f), '{') || strchr(ucp_finding_remediation(f), '{')) {
            note("finding %s: an unrendered template placeholder: %s", code, ucp_finding_message(f));
            ok = false;
        }
    }
    for (int s = 0; s < 3; s++) {
        if (ucp_report_count(r, (ucp_severity)s) != counts[s]) {
            note("ucp_report_count(%s) = %zu, but %zu findings", ucp_severity_name((ucp_severity)s),
                 ucp_report_count(r, (ucp_severity)s), counts[s]);
            ok = false;
        }
    }
    ucp_result expected = counts[UCP_SEVERITY_ERROR] ? UCP_RESULT_FAIL
                          : counts[UCP_SEVERITY_WARNING] ? UCP_RESULT_WARNING
                                                         : UCP_RESULT_PASS;
    if (ucp_report_result(r) != expected) {
        note("result %s does not follow from the findings", ucp_result_name(ucp_report_result(r)));
        ok = false;
    }
    if (strcmp(ucp_report_role(r), ucp_role_id(role)) != 0) {
        note("report role %s", ucp_report_role(r));
        ok = false;
    }
    if (ucp_report_chain_count(r) == 0 || ucp_report_chain_at(r, 0) != ucp_report_certificate(r)) {
        note("the chain does not start with the leaf");
        ok = false;
    }
    return ok;
}

/* The renderers: JSON parses and agrees with the report; the text names every finding. */
static bool check_renderers(const ucp_report *r, size_t index)
{
    bool ok = true;
    ucp_buffer b = {NULL, 0};
    ucp_status st = ucp_report_to_json(r, UCP_RENDER_DEFAULT, &b);
    if (st != UCP_OK || !b.data || strlen(b.data) != b.size) {
        note("ucp_report_to_json: %s", ucp_strerror_name(st));
        ucp_buffer_dispose(&b);
        return false;
    }
    json_error_t err;
    json_t *j = json_loadb(b.data, b.size, JSON_REJECT_DUPLICATES, &err);
    if (!j) {
        note("the JSON report does not parse: %s", err.text);
        ok = false;
    } else {
        const char *res = jstr(j, "result");
        json_t *findings = json_object_get(j, "findings");
        if (!res || strcmp(res, ucp_result_name(ucp_report_result(r))) != 0 ||
            json_array_size(findings) != ucp_report_finding_count(r)) {
            note("the JSON report disagrees with the report (result %s)", res ? res : "(none)");
            ok = false;
        }
        if (json_out) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%zu.json", json_out, index);
            FILE *f = fopen(path, "w");
            if (!f || fwrite(b.data, 1, b.size, f) != b.size || fclose(f) != 0) {
                note("cannot write %s", path);
                ok = false;
            }
        }
        json_decref(j);
    }
    ucp_buffer_dispose(&b);
    st = ucp_report_to_text(r, UCP_RENDER_VERBOSE, &b);
    if (st != UCP_OK || !b.data || strlen(b.data) != b.size) {
        note("ucp_report_to_text: %s", ucp_strerror_name(st));
        ok = false;
    } else {
        for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
            const char *code = ucp_finding_code(ucp_report_finding_at(r, i));
            if (!strstr(b.data, code)) {
                note("the text report does not name %s", code);
                ok = false;
            }
        }
        if (!strstr(b.data, ucp_report_input_name(r))) {
            note("the text report does not name the input");
            ok = false;
        }
    }
    ucp_buffer_dispose(&b);
    return ok;
}

/* The pool part of a pool check's report: one entry per input, the case's file first as the
 * reference, each named after its file. */
static bool check_pool_shape(const ucp_report *r, json_t *pool)
{
    bool ok = true;
    size_t n = json_array_size(pool) + 1;
    if (ucp_report_pool_count(r) != n) {
        note("ucp_report_pool_count() = %zu for %zu files", ucp_report_pool_count(r), n);
        return false;
    }
    if (ucp_report_pool_state_at(r, 0) != UCP_POOL_REFERENCE) {
        note("the case's file is not the pool's reference");
        ok = false;
    }
    size_t i;
    json_t *f;
    json_array_foreach(pool, i, f) {
        const char *name = ucp_report_pool_name_at(r, i + 1);
        if (!name || strcmp(name, path_of(json_string_value(f))) != 0) {
            note("pool member %zu is %s, not %s", i + 1, name ? name : "NULL", json_string_value(f));
            ok = false;
        }
        if (!ucp_report_pool_certificate_at(r, i + 1)) {
            note("pool member %zu has no certificate", i + 1);
            ok = false;
        }
    }
    return ok;
}

static bool run_case(json_t *c, int64_t vt, size_t index)
{
    const char *role_id = jstr(c, "role");
    const char *file = jstr(c, "file");
    json_t *ex = json_object_get(c, "expect");
    const ucp_role *role = role_id ? ucp_role_find(role_id) : NULL;
    if (!role || !file || !json_is_object(ex)) {
        note("malformed case (role, file or expect)");
        return false;
    }
    bool ok = true;
    ucp_checker *checker = NULL;
    ucp_topology *topo = NULL;
    ucp_input *in = NULL;
    ucp_report *r = NULL;
    json_t *pool = json_object_get(c, "pool");
    size_t npool = json_array_size(pool);
    ucp_input **members = calloc(npool + 1, sizeof *members);
    if (!members) {
        note("out of memory");
        return false;
    }
    if (ucp_checker_new(&checker) != UCP_OK || ucp_checker_set_time(checker, vt) != UCP_OK ||
        ucp_topology_new(&topo) != UCP_OK) {
        note("setup: %s", last_message());
        ok = false;
        goto out;
    }
    if (!add_files(checker, json_object_get(c, "trust"), ucp_checker_add_trust, "trust") ||
        !add_files(checker, json_object_get(c, "chain"), ucp_checker_add_intermediates, "chain")) {
        ok = false;
        goto out;
    }
    json_t *pub = json_object_get(c, "publicRoots");
    if (json_array_size(pub) && !add_files(checker, pub, ucp_checker_add_public_roots, "publicRoots")) {
        ok = false;
        goto out;
    }
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(c, "crls"), i, item) {
        if (ucp_checker_add_crl_file(checker, path_of(json_string_value(item))) != UCP_OK) {
            note("crls %s: %s", json_string_value(item), last_message());
            ok = false;
            goto out;
        }
    }
    if (json_is_true(json_object_get(c, "online"))) {
        json_t *timeout = json_object_get(c, "timeoutMs");
        if (ucp_checker_set_online(checker, true) != UCP_OK ||
            ucp_checker_set_allow_private_network(checker, true) != UCP_OK ||
            (json_is_integer(timeout) &&
             ucp_checker_set_network_timeout(checker, (unsigned)json_integer_value(timeout)) != UCP_OK)) {
            note("online / timeoutMs: %s", last_message());
            ok = false;
            goto out;
        }
    }
    char *tj = json_dumps(json_object_get(c, "topology"), JSON_COMPACT);
    ucp_status st = tj ? ucp_topology_load_data(topo, (const uint8_t *)tj, strlen(tj), "manifest topology")
                       : UCP_E_NO_MEMORY;
    free(tj);
    if (st != UCP_OK) {
        note("topology: %s", last_message());
        ok = false;
        goto out;
    }
    st = ucp_input_from_file(&in, path_of(file), jstr(c, "password"));
    if (st != UCP_OK) {
        note("%s: %s (%s)", file, ucp_strerror_name(st), last_message());
        ok = false;
        goto out;
    }
    const char *format = jstr(ex, "format");
    if (format && strcmp(format, ucp_format_name(ucp_input_format(in))) != 0) {
        note("format %s, expected %s", ucp_format_name(ucp_input_format(in)), format);
        ok = false;
    }
    members[0] = in;
    json_array_foreach(pool, i, item) {
        st = ucp_input_from_file(&members[i + 1], path_of(json_string_value(item)), jstr(c, "password"));
        if (st != UCP_OK) {
            note("pool %s: %s (%s)", json_string_value(item), ucp_strerror_name(st), last_message());
            ok = false;
            goto out;
        }
    }
    st = npool ? ucp_checker_check_pool(checker, (const ucp_input *const *)members, npool + 1, role_id, topo, &r)
               : ucp_checker_check(checker, in, role_id, topo, &r);
    if (st != UCP_OK) {
        note("%s: %s (%s)", npool ? "ucp_checker_check_pool" : "ucp_checker_check", ucp_strerror_name(st),
             last_message());
        ok = false;
        goto out;
    }
    if (npool)
        ok &= check_pool_shape(r, pool);
    else if (ucp_report_pool_count(r) != 0) {
        note("a report without a pool check has %zu pool entries", ucp_report_pool_count(r));
        ok = false;
    }
    if (ucp_report_validation_time(r) != vt) {
        note("the report's validation time is not the manifest's");
        ok = false;
    }
    const char *result = jstr(ex, "result");
    if (result && strcmp(result, ucp_result_name(ucp_report_result(r))) != 0) {
        note("result %s, expected %s", ucp_result_name(ucp_report_result(r)), result);
        ok = false;
    }
    json_array_foreach(json_object_get(ex, "present"), i, item) {
        const char *code = jstr(item, "code"), *sev = jstr(item, "severity");
        const char *rem = jstr(item, "remediationContains");
        json_t *at = json_object_get(item, "certificateIndex");
        bool found = false;
        for (size_t k = 0; k < ucp_report_finding_count(r); k++) {
            const ucp_finding *f = ucp_report_finding_at(r, k);
            if (strcmp(ucp_finding_code(f), code) != 0 || strcmp(ucp_severity_name(ucp_finding_severity(f)), sev) != 0)
                continue;
            if (json_is_integer(at) && ucp_finding_certificate_index(f) != (int)json_integer_value(at)) {
                note("%s: names certificate %d of the path, expected %d", code, ucp_finding_certificate_index(f),
                     (int)json_integer_value(at));
                ok = false;
            }
            if (rem && !strstr(ucp_finding_remediation(f), rem)) {
                note("%s: the remediation does not contain \"%s\": %s", code, rem, ucp_finding_remediation(f));
                ok = false;
            }
            found = true;
        }
        if (!found) {
            size_t n;
            const ucp_finding *f = find_code(r, code, &n);
            note("missing %s (%s)%s%s", code, sev, f ? "; found with severity " : "",
                 f ? ucp_severity_name(ucp_finding_severity(f)) : "");
            ok = false;
        }
    }
    json_array_foreach(json_object_get(ex, "absent"), i, item) {
        const ucp_finding *f = find_code(r, json_string_value(item), NULL);
        if (f) {
            note("unexpected %s (%s): %s", ucp_finding_code(f), ucp_severity_name(ucp_finding_severity(f)),
                 ucp_finding_message(f));
            ok = false;
        }
    }
    ok &= check_report_shape(r, role);
    ok &= check_renderers(r, index);
    if (json_out) {
        ucp_report **v = realloc(kept, (nkept + 1) * sizeof *v);
        if (v) {
            kept = v;
            kept[nkept++] = ucp_report_ref(r);
        }
    }
    if (!ok)
        note_findings(r);
out:
    ucp_report_free(r);
    ucp_input_free(in);
    for (size_t k = 1; k <= npool; k++)
        ucp_input_free(members[k]);
    free(members);
    ucp_topology_free(topo);
    ucp_checker_free(checker);
    return ok;
}

static bool run_input_error(json_t *e)
{
    const char *file = jstr(e, "file"), *status = jstr(e, "status"), *password = jstr(e, "password");
    if (!file || !status) {
        note("malformed inputError");
        return false;
    }
    const char *path = path_of(file);
    bool ok = true;
    static char sentinel;
    ucp_input *in = (ucp_input *)&sentinel; /* the call must reset it to NULL */
    ucp_error_clear();
    ucp_status st = ucp_input_from_file(&in, path, password);
    const ucp_error *err = ucp_error_last();
    if (strcmp(ucp_strerror_name(st), status) != 0) {
        note("status %s, expected %s (%s)", ucp_strerror_name(st), status, last_message());
        ok = false;
    }
    if (in) {
        note("*out is not NULL after a failure");
        ok = false;
        if (st == UCP_OK)
            ucp_input_free(in);
    }
    if (st != UCP_OK) {
        if (!err || ucp_error_code(err) != st) {
            note("ucp_error_last() does not hold the failure");
            ok = false;
        } else {
            if (!strstr(ucp_error_message(err), path)) {
                note("the message does not name the file: %s", ucp_error_message(err));
                ok = false;
            }
            if (!ucp_error_source(err) || strcmp(ucp_error_source(err), path) != 0) {
                note("ucp_error_source() is %s, not the file", ucp_error_source(err) ? ucp_error_source(err) : "NULL");
                ok = false;
            }
        }
    }
    /* The same bytes through ucp_input_from_data() fail the same way, naming the given name. */
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (f && fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode)) {
        size_t cap = (size_t)sb.st_size + 1, len;
        uint8_t *data = malloc(cap);
        len = data ? fread(data, 1, cap, f) : 0;
        ucp_input *in2 = NULL;
        ucp_status st2 = ucp_input_from_data(&in2, data, len, "named-input.bin", password);
        if (st2 != st || in2) {
            note("ucp_input_from_data: %s, expected %s", ucp_strerror_name(st2), ucp_strerror_name(st));
            ok = false;
        } else if (!strstr(last_message(), "named-input.bin")) {
            note("ucp_input_from_data: the message does not name the input: %s", last_message());
            ok = false;
        }
        ucp_input_free(in2);
        free(data);
    }
    if (f)
        fclose(f);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--json-out") == 0) {
        json_out = argv[2];
        if (mkdir(json_out, 0755) != 0 && errno != EEXIST) {
            fprintf(stderr, "mkdir %s: %s\n", json_out, strerror(errno));
            return 99;
        }
    } else if (argc != 1) {
        fprintf(stderr, "Usage: test-manifest [--json-out DIR]\n");
        return 99;
    }
    fixtures = getenv("UCPOLICY_FIXTURES");
    if (!fixtures) {
        fprintf(stderr, "UCPOLICY_FIXTURES is not set\n");
        return 99;
    }
    json_error_t err;
    json_t *m = json_load_file(path_of("manifest.json"), JSON_REJECT_DUPLICATES, &err);
    if (!m) {
        fprintf(stderr, "%s: %s\n", path_of("manifest.json"), err.text);
        return 99;
    }
    json_t *version = json_object_get(m, "version");
    const char *when = jstr(m, "validationTime");
    int64_t vt = when ? parse_utc(when) : INT64_MIN;
    json_t *cases = json_object_get(m, "cases"), *errors = json_object_get(m, "inputErrors");
    if (json_integer_value(version) != 1 || vt == INT64_MIN || !json_array_size(cases) || !json_array_size(errors)) {
        fprintf(stderr, "manifest: unsupported version, bad validationTime or no cases\n");
        json_decref(m);
        return 99;
    }
    printf("# libucpolicy %s, GnuTLS %s, validation time %s\n", ucp_version(), ucp_gnutls_version(), when);
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        bool ok = run_case(c, vt, i);
        char name[512];
        snprintf(name, sizeof name, "case %s", jstr(c, "id") ? jstr(c, "id") : "(no id)");
        point(ok, name);
    }
    json_array_foreach(errors, i, c) {
        bool ok = run_input_error(c);
        char name[512];
        snprintf(name, sizeof name, "inputError %s", jstr(c, "id") ? jstr(c, "id") : "(no id)");
        point(ok, name);
    }
    if (json_out) {
        char path[4096];
        snprintf(path, sizeof path, "%s/all.json", json_out);
        ucp_buffer b = {NULL, 0};
        ucp_status st = ucp_report_list_to_json((const ucp_report *const *)kept, nkept, UCP_RENDER_PRETTY, &b);
        FILE *f = st == UCP_OK ? fopen(path, "w") : NULL;
        bool ok = f && fwrite(b.data, 1, b.size, f) == b.size;
        if (f && fclose(f) != 0)
            ok = false;
        if (!ok)
            note("ucp_report_list_to_json: %s; or cannot write %s", ucp_strerror_name(st), path);
        point(ok, "all reports as one JSON array (ucp_report_list_to_json)");
        ucp_buffer_dispose(&b);
        for (size_t k = 0; k < nkept; k++)
            ucp_report_free(kept[k]);
        free(kept);
    }
    json_decref(m);
    printf("1..%d\n", points);
    return failures ? 1 : 0;
}
