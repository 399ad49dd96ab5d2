/* SPDX-License-Identifier: MIT */
/*
 * The API contract (public headers only): misuse with NULL arguments, NULL-safe frees and
 * getters, *out reset on failure, the thread-local last error, status names, version calls,
 * and checks from several threads on one checker.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ucpolicy.h"
#include "tap.h"

static const char *fixtures;

static char *fixture(const char *rel)
{
    static char buf[8][4096];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", fixtures, rel);
    return buf[k];
}

/* A failing call: the status, a recorded error with that code and a non-empty message. */
#define CHECK_FAILS(call, want, what)                                                              \
    do {                                                                                           \
        ucp_error_clear();                                                                         \
        ucp_status st_ = (call);                                                                   \
        const ucp_error *e_ = ucp_error_last();                                                    \
        bool ok_ = st_ == (want) && e_ && ucp_error_code(e_) == (want) && *ucp_error_message(e_);  \
        if (!CHECK(ok_, "%s gives %s with a message", what, #want))                                \
            printf("#   got %s, error %s: %s\n", ucp_strerror_name(st_),                            \
                   e_ ? ucp_strerror_name(ucp_error_code(e_)) : "none", e_ ? ucp_error_message(e_) : ""); \
    } while (0)

static void misuse(void)
{
    ucp_input *in = NULL;
    ucp_checker *c = NULL;
    ucp_topology *t = NULL;
    ucp_report *r = NULL;
    ucp_buffer b = {NULL, 0};
    if (ucp_checker_new(&c) != UCP_OK || ucp_topology_new(&t) != UCP_OK ||
        ucp_input_from_file(&in, fixture("certs/tls-server-pass-sfb2019.pem"), NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);

    CHECK_FAILS(ucp_input_from_file(NULL, fixture("certs/root.pem"), NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_input_from_file(out NULL)");
    ucp_input *x = (ucp_input *)&b;
    CHECK_FAILS(ucp_input_from_file(&x, NULL, NULL), UCP_E_INVALID_ARGUMENT, "ucp_input_from_file(path NULL)");
    CHECK(x == NULL, "ucp_input_from_file sets *out to NULL on failure");
    CHECK_FAILS(ucp_input_from_file(&x, "", NULL), UCP_E_INVALID_ARGUMENT, "ucp_input_from_file(path \"\")");
    CHECK_FAILS(ucp_input_from_data(NULL, (const uint8_t *)"x", 1, NULL, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_input_from_data(out NULL)");
    x = (ucp_input *)&b;
    CHECK_FAILS(ucp_input_from_data(&x, NULL, 10, "n", NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_input_from_data(data NULL, length 10)");
    CHECK(x == NULL, "ucp_input_from_data sets *out to NULL on failure");
    CHECK_FAILS(ucp_input_from_data(&x, NULL, 0, NULL, NULL), UCP_E_FORMAT, "ucp_input_from_data(NULL, 0): empty input");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "<memory>", "an unnamed input is called <memory>");

    CHECK_FAILS(ucp_checker_new(NULL), UCP_E_INVALID_ARGUMENT, "ucp_checker_new(NULL)");
    CHECK_FAILS(ucp_checker_add_trust(NULL, in), UCP_E_INVALID_ARGUMENT, "ucp_checker_add_trust(NULL checker)");
    CHECK_FAILS(ucp_checker_add_trust(c, NULL), UCP_E_INVALID_ARGUMENT, "ucp_checker_add_trust(NULL input)");
    CHECK_FAILS(ucp_checker_add_intermediates(NULL, in), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_add_intermediates(NULL checker)");
    CHECK_FAILS(ucp_checker_add_intermediates(c, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_add_intermediates(NULL input)");
    CHECK_FAILS(ucp_checker_add_public_roots(NULL, in), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_add_public_roots(NULL checker)");
    CHECK_FAILS(ucp_checker_add_public_roots(c, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_add_public_roots(NULL input)");
    CHECK_FAILS(ucp_checker_set_system_trust(NULL, UCP_SYSTEM_TRUST_OFF), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_system_trust(NULL)");
    CHECK_FAILS(ucp_checker_set_system_trust(c, (ucp_system_trust)9), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_system_trust(bad mode)");
    CHECK_FAILS(ucp_checker_set_time(NULL, 0), UCP_E_INVALID_ARGUMENT, "ucp_checker_set_time(NULL)");
    CHECK_FAILS(ucp_checker_set_time(c, 253402300800), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_time(after 9999-12-31T23:59:59Z)");
    CHECK_FAILS(ucp_checker_set_time(c, -62167219201), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_time(before 0000-01-01)");
    CHECK(ucp_checker_set_time(c, 253402300799) == UCP_OK && ucp_checker_set_time(c, -62167219200) == UCP_OK &&
              ucp_checker_set_time(c, UCP_TIME_NOW) == UCP_OK,
          "ucp_checker_set_time: the years 0000 to 9999 and UCP_TIME_NOW are taken");
    CHECK_FAILS(ucp_checker_set_expiry_warning_days(NULL, 30), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_expiry_warning_days(NULL)");
    CHECK_FAILS(ucp_checker_set_expiry_warning_days(c, 3651), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_set_expiry_warning_days(3651)");
    CHECK(ucp_checker_set_expiry_warning_days(c, 3650) == UCP_OK, "3650 days is the largest expiry warning");
    ucp_checker_set_expiry_warning_days(c, 30);

    CHECK_FAILS(ucp_checker_check(c, in, "tls-server", t, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_check(out NULL)");
    r = (ucp_report *)&b;
    CHECK_FAILS(ucp_checker_check(NULL, in, "tls-server", t, &r), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_check(checker NULL)");
    CHECK(r == NULL, "ucp_checker_check sets *out to NULL on failure");
    CHECK_FAILS(ucp_checker_check(c, NULL, "tls-server", t, &r), UCP_E_INVALID_ARGUMENT,
                "ucp_checker_check(input NULL)");
    CHECK_FAILS(ucp_checker_check(c, in, NULL, t, &r), UCP_E_INVALID_ARGUMENT, "ucp_checker_check(role NULL)");
    CHECK_FAILS(ucp_checker_check(c, in, "no-such-role", t, &r), UCP_E_UNKNOWN_ROLE, "ucp_checker_check(unknown role)");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "exchange-um", "the unknown-role message lists the roles");

    CHECK_FAILS(ucp_topology_new(NULL), UCP_E_INVALID_ARGUMENT, "ucp_topology_new(NULL)");
    CHECK_FAILS(ucp_topology_set(NULL, UCP_FACT_FQDN, "a.contoso.com"), UCP_E_INVALID_ARGUMENT,
                "ucp_topology_set(NULL)");
    CHECK_FAILS(ucp_topology_add(NULL, UCP_FACT_SIP_DOMAIN, "contoso.com"), UCP_E_INVALID_ARGUMENT,
                "ucp_topology_add(NULL)");
    CHECK_FAILS(ucp_topology_set_product(NULL, UCP_PRODUCT_SFB2019), UCP_E_INVALID_ARGUMENT,
                "ucp_topology_set_product(NULL)");
    CHECK_FAILS(ucp_topology_load_data(NULL, (const uint8_t *)"{}", 2, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_topology_load_data(NULL topology)");
    CHECK_FAILS(ucp_topology_load_data(t, NULL, 2, NULL), UCP_E_INVALID_ARGUMENT,
                "ucp_topology_load_data(data NULL)");
    CHECK_FAILS(ucp_topology_load_file(NULL, "x.json"), UCP_E_INVALID_ARGUMENT, "ucp_topology_load_file(NULL topology)");
    CHECK_FAILS(ucp_topology_load_file(t, NULL), UCP_E_INVALID_ARGUMENT, "ucp_topology_load_file(path NULL)");
    CHECK_FAILS(ucp_topology_load_file(t, fixture("no-such-topology.json")), UCP_E_IO,
                "ucp_topology_load_file(missing file)");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "no-such-topology.json", "naming the file");
    CHECK_FAILS(ucp_topology_to_json(NULL, &b), UCP_E_INVALID_ARGUMENT, "ucp_topology_to_json(NULL topology)");
    CHECK_FAILS(ucp_topology_to_json(t, NULL), UCP_E_INVALID_ARGUMENT, "ucp_topology_to_json(NULL buffer)");
    CHECK_FAILS(ucp_fact_from_name(NULL, NULL), UCP_E_INVALID_ARGUMENT, "ucp_fact_from_name(NULL)");
    CHECK_FAILS(ucp_severity_from_name(NULL, NULL), UCP_E_INVALID_ARGUMENT, "ucp_severity_from_name(NULL)");

    CHECK_FAILS(ucp_report_to_json(NULL, 0, &b), UCP_E_INVALID_ARGUMENT, "ucp_report_to_json(NULL report)");
    CHECK_FAILS(ucp_report_to_text(NULL, 0, &b), UCP_E_INVALID_ARGUMENT, "ucp_report_to_text(NULL report)");
    CHECK_FAILS(ucp_report_list_to_json(NULL, 2, 0, &b), UCP_E_INVALID_ARGUMENT, "ucp_report_list_to_json(NULL, 2)");
    CHECK(ucp_report_list_to_json(NULL, 0, 0, &b) == UCP_OK && b.data && strcmp(b.data, "[]") == 0 && b.size == 2,
          "ucp_report_list_to_json of no reports is []");
    ucp_buffer_dispose(&b);

    /* A valid check for the report-based calls below (trust given: never the system store). */
    ucp_input *root = NULL, *ca = NULL;
    if (ucp_input_from_file(&root, fixture("certs/root.pem"), NULL) != UCP_OK ||
        ucp_input_from_file(&ca, fixture("certs/issuing-ca.pem"), NULL) != UCP_OK ||
        ucp_checker_add_trust(c, root) != UCP_OK || ucp_checker_add_intermediates(c, ca) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(root);
    ucp_input_free(ca);
    ucp_checker_set_time(c, ucp_certificate_not_before(ucp_input_certificate_at(in, 0)) + 86400);
    CHECK(ucp_checker_check(c, in, "TlsServer", NULL, &r) == UCP_OK && r, "a check by alias without topology");
    CHECK_STR(ucp_report_role(r), "tls-server", "the report names the role id, not the alias");
    CHECK_FAILS(ucp_report_to_json(r, 0, NULL), UCP_E_INVALID_ARGUMENT, "ucp_report_to_json(NULL buffer)");
    CHECK_FAILS(ucp_report_to_text(r, 0, NULL), UCP_E_INVALID_ARGUMENT, "ucp_report_to_text(NULL buffer)");
    const ucp_report *two[] = {r, NULL};
    CHECK_FAILS(ucp_report_list_to_json(two, 2, 0, &b), UCP_E_INVALID_ARGUMENT,
                "ucp_report_list_to_json with a NULL report");
    CHECK(b.data == NULL, "and the buffer stays empty");
    CHECK(ucp_report_ref(r) == r, "ucp_report_ref returns the report");
    ucp_report_free(r); /* the reference */
    CHECK(ucp_report_chain_count(r) >= 1 && ucp_report_result(r) == UCP_RESULT_PASS, "the report outlives one free of two refs");
    const ucp_certificate *leaf = ucp_certificate_ref(ucp_report_certificate(r));
    ucp_report_free(r);
    ucp_input_free(in);
    CHECK(strstr(ucp_certificate_subject(leaf), "server01.contoso.com") != NULL,
          "a referenced certificate outlives its report and input");
    ucp_certificate_unref(leaf);

    /* NULL-safe frees and getters. */
    ucp_input_free(NULL);
    ucp_checker_free(NULL);
    ucp_topology_free(NULL);
    ucp_report_free(NULL);
    ucp_certificate_unref(NULL);
    ucp_buffer_dispose(NULL);
    ucp_buffer_dispose(&b);
    CHECK(true, "every _free / _unref / _dispose accepts NULL");
    CHECK(ucp_report_ref(NULL) == NULL && ucp_certificate_ref(NULL) == NULL, "ref(NULL) is NULL");
    CHECK(ucp_report_finding_count(NULL) == 0 && ucp_report_chain_count(NULL) == 0 && ucp_report_certificate(NULL) == NULL &&
              ucp_report_finding_at(NULL, 0) == NULL && ucp_report_count(NULL, UCP_SEVERITY_ERROR) == 0 &&
              !ucp_report_chain_trusted(NULL) && *ucp_report_role(NULL) == '\0',
          "report getters accept NULL");
    CHECK(ucp_input_certificate_count(NULL) == 0 && ucp_input_certificate_at(NULL, 0) == NULL &&
              !ucp_input_has_private_key(NULL) && *ucp_input_name(NULL) == '\0',
          "input getters accept NULL");
    CHECK(ucp_certificate_san_count(NULL) == 0 && ucp_certificate_san_at(NULL, 0) == NULL &&
              ucp_certificate_common_name(NULL) == NULL && !ucp_certificate_is_ca(NULL) &&
              ucp_certificate_der(NULL, NULL) == NULL && *ucp_certificate_subject(NULL) == '\0',
          "certificate getters accept NULL");
    CHECK(*ucp_finding_code(NULL) == '\0' && ucp_finding_certificate_index(NULL) == -1 &&
              ucp_finding_arg_name(NULL, 0) == NULL && ucp_finding_reference_at(NULL, 0) == NULL,
          "finding getters accept NULL");
    CHECK(ucp_topology_count(NULL, UCP_FACT_FQDN) == 0 && ucp_topology_get(NULL, UCP_FACT_FQDN, 0) == NULL &&
              ucp_topology_product(NULL) == UCP_PRODUCT_SFB2019,
          "topology getters accept NULL");
    CHECK(ucp_role_find(NULL) == NULL && ucp_rule_find(NULL) == NULL && ucp_reference_find(NULL) == NULL &&
              *ucp_role_id(NULL) == '\0' && ucp_role_rule_count(NULL) == 0 && ucp_role_rule_at(NULL, 0) == NULL &&
              !ucp_role_rule_applies(NULL, UCP_PRODUCT_SFB2019) && *ucp_reference_key(NULL) == '\0',
          "catalogue getters accept NULL");
    CHECK(*ucp_eku_name(NULL) == '\0' && strcmp(ucp_eku_name("1.3.6.1.5.5.7.3.1"), "serverAuth") == 0 &&
              strcmp(ucp_eku_name("1.2.3.4"), "1.2.3.4") == 0,
          "ucp_eku_name");
    CHECK(*ucp_result_name((ucp_result)9) == '\0' && *ucp_chain_status_name((ucp_chain_status)9) == '\0' &&
              *ucp_format_name((ucp_format)9) == '\0' && *ucp_san_type_name((ucp_san_type)9) == '\0' &&
              *ucp_severity_name((ucp_severity)9) == '\0' && *ucp_field_name((ucp_field)99) == '\0' &&
              *ucp_product_name((ucp_product)9) == '\0' && *ucp_product_title((ucp_product)-1) == '\0',
          "out-of-range enum names are empty strings");
    ucp_topology_free(t);
    ucp_checker_free(c);
}

/* ---- the thread-local last error ----------------------------------------------------------- */

static pthread_barrier_t barrier;

struct thread_result {
    int which;
    ucp_status code;
    char message[1024];
    bool own;
};

static void *error_thread(void *arg)
{
    struct thread_result *res = arg;
    ucp_input *in = NULL;
    ucp_topology *t = NULL;
    if (res->which == 0) {
        ucp_input_from_file(&in, "/nonexistent/thread-a.pem", NULL);
    } else {
        ucp_topology_new(&t);
        ucp_topology_load_data(t, (const uint8_t *)"{\"bogus\": 1}", 12, "thread-b.json");
    }
    /* Both threads have failed before either reads its error. */
    pthread_barrier_wait(&barrier);
    const ucp_error *e = ucp_error_last();
    res->code = ucp_error_code(e);
    snprintf(res->message, sizeof res->message, "%s", ucp_error_message(e));
    res->own = strstr(res->message, res->which == 0 ? "thread-a.pem" : "thread-b.json") != NULL;
    pthread_barrier_wait(&barrier);
    ucp_topology_free(t);
    return NULL;
}

static void thread_errors(void)
{
    pthread_t th[2];
    struct thread_result res[2] = {{.which = 0}, {.which = 1}};
    ucp_error_clear();
    pthread_barrier_init(&barrier, NULL, 2);
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, error_thread, &res[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&barrier);
    CHECK(res[0].code == UCP_E_IO && res[0].own, "thread A sees its own error (UCP_E_IO, thread-a.pem)");
    CHECK(res[1].code == UCP_E_TOPOLOGY && res[1].own, "thread B sees its own error (UCP_E_TOPOLOGY, thread-b.json)");
    CHECK(ucp_error_last() == NULL, "the main thread sees no error from the other threads");
    ucp_input *in = NULL;
    ucp_input_from_file(&in, "/nonexistent/main.pem", NULL);
    CHECK(ucp_error_last() != NULL && ucp_error_code(ucp_error_last()) == UCP_E_IO &&
              ucp_error_origin_of(ucp_error_last()) == UCP_ORIGIN_SYSTEM && ucp_error_origin_code(ucp_error_last()) != 0,
          "an I/O error records the system as origin, with errno");
    CHECK_STR(ucp_error_source(ucp_error_last()), "/nonexistent/main.pem", "ucp_error_source names the file");
    ucp_error_clear();
    CHECK(ucp_error_last() == NULL, "ucp_error_clear forgets the error");
    CHECK(ucp_error_code(NULL) == UCP_OK && *ucp_error_message(NULL) == '\0' && ucp_error_source(NULL) == NULL &&
              ucp_error_origin_code(NULL) == 0 && ucp_error_origin_of(NULL) == UCP_ORIGIN_UCPOLICY,
          "error getters accept NULL");
}

/* ---- error messages: whole paths, always UTF-8 ---------------------------------------------- */

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
        if (n == 0 || (n == 2 && *p < 0xc2))
            return false;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xc0) != 0x80)
                return false;
        p += n;
    }
    return true;
}

static void error_texts(void)
{
    /* A 3,000-byte path of non-ASCII directory names: the message names all of it. */
    char path[3200] = "/nonexistent";
    while (strlen(path) < 3000)
        strcat(path, "/r\xc3\xa9pertoire-tr\xc3\xa8s-long");
    strcat(path, "/um-\xc3\xa9" "chec.pfx");
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path, NULL);
    const ucp_error *e = ucp_error_last();
    CHECK(st == UCP_E_IO, "a missing file with a %zu-byte path: UCP_E_IO", strlen(path));
    CHECK(ucp_error_source(e) && strcmp(ucp_error_source(e), path) == 0, "ucp_error_source is the whole path");
    CHECK(strstr(ucp_error_message(e), path) != NULL && strstr(ucp_error_message(e), "cannot open"),
          "the message names the whole path (down to the file name) and the problem");
    CHECK(valid_utf8(ucp_error_message(e)), "and is valid UTF-8");

    /* A file name in Latin-1: the message stays UTF-8, the byte shown as \xE9. */
    st = ucp_input_from_file(&in, "/nonexistent/caf\xe9.pem", NULL);
    e = ucp_error_last();
    CHECK(st == UCP_E_IO && valid_utf8(ucp_error_message(e)) && valid_utf8(ucp_error_source(e)),
          "a file name that is not UTF-8 gives a UTF-8 message and source");
    CHECK_STR(ucp_error_source(e), "/nonexistent/caf\\xE9.pem", "the byte that is not UTF-8 is shown as \\xE9");

    /* Text from the input itself (a PEM label) cannot break the message either. */
    static const char pem[] = "-----BEGIN CERT\xff\x01-----\nAAAA\n";
    st = ucp_input_from_data(&in, (const uint8_t *)pem, sizeof pem - 1, "label.pem", NULL);
    CHECK(st == UCP_E_CORRUPT && valid_utf8(ucp_error_message(ucp_error_last())),
          "a PEM label with bytes that are not UTF-8 and controls: UCP_E_CORRUPT, a UTF-8 message");
    printf("#   %s\n", ucp_error_message(ucp_error_last()));
}

/* ---- checks from several threads on one checker -------------------------------------------- */

struct shared_check {
    ucp_checker *checker;
    ucp_input *input;
    ucp_topology *topo;
    ucp_result result;
    size_t findings;
    bool same;
};

static void *check_thread(void *arg)
{
    struct shared_check *s = arg;
    s->same = true;
    for (int i = 0; i < 20; i++) {
        ucp_report *r = NULL;
        if (ucp_checker_check(s->checker, s->input, "frontend-default", s->topo, &r) != UCP_OK ||
            ucp_report_result(r) != s->result || ucp_report_finding_count(r) != s->findings)
            s->same = false;
        ucp_report_free(r);
    }
    return NULL;
}

static void threaded_checks(void)
{
    ucp_checker *c = NULL;
    ucp_input *in = NULL, *root = NULL, *ca = NULL;
    ucp_topology *t = NULL;
    ucp_report *r = NULL;
    ucp_checker_new(&c);
    ucp_topology_new(&t);
    static const char topo[] = "{\"pool\": \"pool01.contoso.com\", \"fqdn\": \"server01.contoso.com\"}";
    if (ucp_input_from_file(&in, fixture("certs/frontend-default-signature.sha1-fail.pem"), NULL) != UCP_OK ||
        ucp_input_from_file(&root, fixture("certs/root.pem"), NULL) != UCP_OK ||
        ucp_input_from_file(&ca, fixture("certs/issuing-ca.pem"), NULL) != UCP_OK ||
        ucp_checker_add_trust(c, root) != UCP_OK || ucp_checker_add_intermediates(c, ca) != UCP_OK ||
        ucp_topology_load_data(t, (const uint8_t *)topo, strlen(topo), NULL) != UCP_OK ||
        ucp_checker_check(c, in, "frontend-default", t, &r) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(root);
    ucp_input_free(ca);
    struct shared_check s[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        s[i] = (struct shared_check){c, in, t, ucp_report_result(r), ucp_report_finding_count(r), false};
        pthread_create(&th[i], NULL, check_thread, &s[i]);
    }
    bool same = true;
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        same &= s[i].same;
    }
    CHECK(same && ucp_report_result(r) == UCP_RESULT_WARNING,
          "4 threads x 20 checks on one checker give the same report (warning: SHA-1, facts missing)");
    ucp_report_free(r);
    ucp_input_free(in);
    ucp_topology_free(t);
    ucp_checker_free(c);
}

/* ---- checker settings: expiry warning, system trust, public roots ------------------------- */

static ucp_report *check_case(ucp_checker *c, const char *file, const char *role, const char *topo_json)
{
    ucp_input *in = NULL;
    ucp_topology *t = NULL;
    ucp_report *r = NULL;
    ucp_topology_new(&t);
    if (ucp_input_from_file(&in, fixture(file), NULL) != UCP_OK ||
        ucp_topology_load_data(t, (const uint8_t *)topo_json, strlen(topo_json), NULL) != UCP_OK ||
        ucp_checker_check(c, in, role, t, &r) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(in);
    ucp_topology_free(t);
    return r;
}

static bool has_code(const ucp_report *r, const char *code)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        if (strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0)
            return true;
    return false;
}

static void add_file(ucp_checker *c, const char *file, ucp_status (*add)(ucp_checker *, const ucp_input *))
{
    ucp_input *in = NULL;
    if (ucp_input_from_file(&in, fixture(file), NULL) != UCP_OK || add(c, in) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_input_free(in);
}

static void checker_settings(void)
{
    static const char fqdn[] = "{\"fqdn\": \"server01.contoso.com\"}";
    ucp_checker *c = NULL;
    ucp_checker_new(&c);
    add_file(c, "certs/root.pem", ucp_checker_add_trust);
    add_file(c, "certs/issuing-ca.pem", ucp_checker_add_intermediates);
    /* The validity.expiring fixture expires 10 days after its not-before + 20 days. */
    ucp_input *in = NULL;
    ucp_input_from_file(&in, fixture("certs/tls-server-validity.expiring-fail.pem"), NULL);
    int64_t when = ucp_certificate_not_before(ucp_input_certificate_at(in, 0)) + 20 * 86400;
    ucp_input_free(in);
    ucp_checker_set_time(c, when);
    static const struct {
        unsigned days;
        bool warns;
    } expiry[] = {{30, true}, {11, true}, {10, false}, {5, false}, {0, false}};
    for (size_t i = 0; i < sizeof expiry / sizeof expiry[0]; i++) {
        ucp_checker_set_expiry_warning_days(c, expiry[i].days);
        ucp_report *r = check_case(c, "certs/tls-server-validity.expiring-fail.pem", "tls-server", fqdn);
        CHECK(has_code(r, "validity.expiring") == expiry[i].warns && ucp_report_days_remaining(r) == 10,
              "10 days left, expiry warning at %u days: %s", expiry[i].days, expiry[i].warns ? "warns" : "silent");
        ucp_report_free(r);
    }
    ucp_checker_free(c);

    /* Public roots: without ucp_checker_add_public_roots(), the system store is the public one,
     * and the test root is never in it. */
    ucp_checker_new(&c);
    add_file(c, "certs/root.pem", ucp_checker_add_trust);
    add_file(c, "certs/issuing-ca.pem", ucp_checker_add_intermediates);
    ucp_checker_set_time(c, when);
    ucp_report *r = check_case(c, "certs/edge-external-pass-sfb2019.pem", "edge-external",
                               "{\"accessEdge\": \"access.contoso.com\", \"webConfEdge\": \"webconf.contoso.com\","
                               " \"sipDomains\": [\"contoso.com\"]}");
    CHECK(ucp_report_chain_trusted(r) && has_code(r, "chain.not-public"),
          "edge-external: a trusted test root that is not in the system store is not public");
    ucp_report_free(r);
    ucp_input *roots = NULL;
    ucp_input_from_file(&roots, fixture("certs/root.pem"), NULL);
    ucp_checker_add_public_roots(c, roots);
    ucp_input_free(roots);
    r = check_case(c, "certs/edge-external-pass-sfb2019.pem", "edge-external",
                   "{\"accessEdge\": \"access.contoso.com\", \"webConfEdge\": \"webconf.contoso.com\","
                   " \"sipDomains\": [\"contoso.com\"]}");
    CHECK(ucp_report_result(r) == UCP_RESULT_PASS, "once it is added as a public root, the certificate passes");
    ucp_report_free(r);
    ucp_checker_free(c);

    /* System trust modes, with the first CA of the system store as the certificate checked. */
    gnutls_x509_trust_list_t tl;
    gnutls_x509_trust_list_iter_t iter = NULL;
    gnutls_x509_crt_t sys = NULL;
    gnutls_datum_t der = {NULL, 0};
    gnutls_x509_trust_list_init(&tl, 0);
    if (gnutls_x509_trust_list_add_system_trust(tl, 0, 0) > 0 && gnutls_x509_trust_list_iter_get_ca(tl, &iter, &sys) >= 0)
        gnutls_x509_crt_export2(sys, GNUTLS_X509_FMT_DER, &der);
    if (sys)
        gnutls_x509_crt_deinit(sys);
    gnutls_x509_trust_list_iter_deinit(iter);
    gnutls_x509_trust_list_deinit(tl, 1);
    if (!der.data) {
        printf("ok %d # SKIP this machine has no system trust store\n", ++tap_points);
        return;
    }
    ucp_input *sysin = NULL;
    if (ucp_input_from_data(&sysin, der.data, der.size, "system-ca.der", NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    gnutls_free(der.data);
    static const struct {
        ucp_system_trust mode;
        bool add_anchor;
        bool trusted;
        const char *what;
    } modes[] = {
        {UCP_SYSTEM_TRUST_AUTO, false, true, "AUTO without anchors uses the system store"},
        {UCP_SYSTEM_TRUST_AUTO, true, false, "AUTO with an anchor does not"},
        {UCP_SYSTEM_TRUST_OFF, false, false, "OFF never does"},
        {UCP_SYSTEM_TRUST_ON, true, true, "ON does, next to the anchors"},
    };
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        ucp_checker_new(&c);
        ucp_checker_set_system_trust(c, modes[i].mode);
        if (modes[i].add_anchor)
            add_file(c, "certs/root.pem", ucp_checker_add_trust);
        r = NULL;
        ucp_status st = ucp_checker_check(c, sysin, "tls-server", NULL, &r);
        bool trusted = st == UCP_OK && ucp_report_chain_trusted(r);
        CHECK(trusted == modes[i].trusted && (!trusted || strcmp(ucp_report_chain_source_at(r, 0), "system") == 0),
              "system trust %s (a system CA checked as the certificate)", modes[i].what);
        ucp_report_free(r);
        ucp_checker_free(c);
    }
    ucp_input_free(sysin);
}

/* Intermediates found for an input in the OS stores (ucp_input_add_system_intermediates): used
 * for the path, named as their source, refused when they are not certificates or too many. */
static void system_intermediates(void)
{
    static const char fqdn[] = "{\"fqdn\": \"server01.contoso.com\"}";
    ucp_checker *c = NULL;
    ucp_checker_new(&c);
    add_file(c, "certs/root.pem", ucp_checker_add_trust);
    ucp_input *probe = NULL;
    if (ucp_input_from_file(&probe, fixture("certs/tls-server-pass-sfb2019.pem"), NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    ucp_checker_set_time(c, ucp_certificate_not_before(ucp_input_certificate_at(probe, 0)) + 86400);
    ucp_input_free(probe);
    ucp_report *r = check_case(c, "certs/tls-server-pass-sfb2019.pem", "tls-server", fqdn);
    CHECK(has_code(r, "chain.issuer-missing"), "without its intermediate the leaf's path is incomplete");
    ucp_report_free(r);

    ucp_input *leaf = NULL, *ca = NULL;
    ucp_topology *t = NULL;
    if (ucp_input_from_file(&leaf, fixture("certs/tls-server-pass-sfb2019.pem"), NULL) != UCP_OK ||
        ucp_input_from_file(&ca, fixture("certs/issuing-ca.pem"), NULL) != UCP_OK || ucp_topology_new(&t) != UCP_OK ||
        ucp_topology_load_data(t, (const uint8_t *)fqdn, strlen(fqdn), NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    const ucp_certificate *issuing = ucp_input_certificate_at(ca, 0);
    size_t len = 0;
    const uint8_t *der = ucp_certificate_der(issuing, &len);
    if (!der)
        exit(TAP_SETUP_FAILURE);
    CHECK(ucp_input_add_system_intermediates(leaf, der, len) == UCP_OK &&
              ucp_input_certificate_count(leaf) == 1,
          "ucp_input_add_system_intermediates takes a DER certificate; the input's own certificates stay one");
    r = NULL;
    CHECK(ucp_checker_check(c, leaf, "tls-server", t, &r) == UCP_OK && ucp_report_chain_trusted(r) &&
              ucp_report_chain_count(r) == 3 && strcmp(ucp_report_chain_source_at(r, 0), "input") == 0 &&
              strcmp(ucp_report_chain_source_at(r, 1), "system-intermediates") == 0 &&
              strcmp(ucp_report_chain_source_at(r, 2), "trust") == 0,
          "the path goes through it, and the report names its source \"system-intermediates\"");
    ucp_report_free(r);
    CHECK_FAILS(ucp_input_add_system_intermediates(leaf, (const uint8_t *)"not a certificate", 17), UCP_E_FORMAT,
                "bytes that are not a certificate");
    CHECK_FAILS(ucp_input_add_system_intermediates(NULL, der, len), UCP_E_INVALID_ARGUMENT, "a NULL input");
    ucp_status st = UCP_OK;
    for (int i = 0; i < 64 && st == UCP_OK; i++)
        st = ucp_input_add_system_intermediates(leaf, der, len);
    CHECK(st == UCP_E_LIMIT && strstr(ucp_error_message(ucp_error_last()), "more than 64") != NULL,
          "more than 64 in all are refused (UCP_E_LIMIT): %s", ucp_error_message(ucp_error_last()));
    ucp_input_free(leaf);
    ucp_input_free(ca);
    ucp_topology_free(t);
    ucp_checker_free(c);
}

/* ---- status registry and versions ---------------------------------------------------------- */

static void statuses(void)
{
    static const struct {
        ucp_status s;
        const char *name;
    } all[] = {
        {UCP_OK, "UCP_OK"},
        {UCP_E_INVALID_ARGUMENT, "UCP_E_INVALID_ARGUMENT"},
        {UCP_E_NO_MEMORY, "UCP_E_NO_MEMORY"},
        {UCP_E_IO, "UCP_E_IO"},
        {UCP_E_FORMAT, "UCP_E_FORMAT"},
        {UCP_E_CORRUPT, "UCP_E_CORRUPT"},
        {UCP_E_PASSWORD, "UCP_E_PASSWORD"},
        {UCP_E_NO_CERTIFICATE, "UCP_E_NO_CERTIFICATE"},
        {UCP_E_TOO_LARGE, "UCP_E_TOO_LARGE"},
        {UCP_E_UNKNOWN_ROLE, "UCP_E_UNKNOWN_ROLE"},
        {UCP_E_UNKNOWN_PRODUCT, "UCP_E_UNKNOWN_PRODUCT"},
        {UCP_E_TOPOLOGY, "UCP_E_TOPOLOGY"},
        {UCP_E_NOT_FOUND, "UCP_E_NOT_FOUND"},
        {UCP_E_UNSUPPORTED, "UCP_E_UNSUPPORTED"},
        {UCP_E_CRYPTO, "UCP_E_CRYPTO"},
        {UCP_E_NETWORK, "UCP_E_NETWORK"},
        {UCP_E_TIMEOUT, "UCP_E_TIMEOUT"},
        {UCP_E_TLS, "UCP_E_TLS"},
        {UCP_E_LIMIT, "UCP_E_LIMIT"},
        {UCP_E_CANCELLED, "UCP_E_CANCELLED"},
        {UCP_E_INTERNAL, "UCP_E_INTERNAL"},
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        CHECK_STR(ucp_strerror_name(all[i].s), all[i].name, "ucp_strerror_name(%d)", (int)all[i].s);
        const char *m = ucp_strerror(all[i].s);
        CHECK(m && *m && strcmp(m, "Unknown status") != 0, "ucp_strerror(%s) = \"%s\"", all[i].name, m ? m : "");
    }
    CHECK_STR(ucp_strerror_name((ucp_status)-50), "UCP_E_UNKNOWN", "an unregistered status has the name UCP_E_UNKNOWN");
    CHECK_STR(ucp_strerror((ucp_status)7), "Unknown status", "an unregistered status is \"Unknown status\"");
}

static void versions(void)
{
    CHECK_STR(ucp_version(), UCP_VERSION, "ucp_version() is the header's UCP_VERSION");
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", UCP_VERSION_MAJOR, UCP_VERSION_MINOR, UCP_VERSION_PATCH);
    CHECK_STR(v, UCP_VERSION, "UCP_VERSION_MAJOR.MINOR.PATCH spell UCP_VERSION");
    CHECK(UCP_VERSION_NUMBER == ((UCP_VERSION_MAJOR << 16) | (UCP_VERSION_MINOR << 8) | UCP_VERSION_PATCH),
          "UCP_VERSION_NUMBER");
    CHECK(UCP_SOVERSION == UCP_VERSION_MAJOR, "the soname follows the major version");
    CHECK_STR(ucp_check_version(NULL), ucp_version(), "ucp_check_version(NULL)");
    CHECK_STR(ucp_check_version(UCP_VERSION), ucp_version(), "ucp_check_version(itself)");
    snprintf(v, sizeof v, "%d", UCP_VERSION_MAJOR);
    CHECK_STR(ucp_check_version(v), ucp_version(), "ucp_check_version(\"%s\")", v);
    snprintf(v, sizeof v, "%d.%d", UCP_VERSION_MAJOR, UCP_VERSION_MINOR);
    CHECK_STR(ucp_check_version(v), ucp_version(), "ucp_check_version(\"%s\")", v);
    CHECK_STR(ucp_check_version("0.9.99"), ucp_version(), "an older version is satisfied");
    snprintf(v, sizeof v, "%d.%d.%d", UCP_VERSION_MAJOR, UCP_VERSION_MINOR, UCP_VERSION_PATCH + 1);
    CHECK(ucp_check_version(v) == NULL, "the next patch release is not satisfied (%s)", v);
    snprintf(v, sizeof v, "%d", UCP_VERSION_MAJOR + 1);
    CHECK(ucp_check_version(v) == NULL, "the next major release is not satisfied (%s)", v);
    CHECK(ucp_check_version("1.x") == NULL && ucp_check_version("") == NULL && ucp_check_version("1.0.0.0") == NULL &&
              ucp_check_version("-1") == NULL && ucp_check_version("99999999") == NULL,
          "malformed versions are not satisfied");
    CHECK_STR(ucp_gnutls_version(), gnutls_check_version(NULL), "ucp_gnutls_version() is the GnuTLS in use");
}

/* ---- certificate summary of the NUL-byte fixture -------------------------------------------- */

static void certificate_getters(void)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, fixture("certs/names-nul-in-san.pem"), NULL);
    if (!CHECK(st == UCP_OK, "the NUL-in-SAN fixture loads"))
        return;
    const ucp_certificate *c = ucp_input_certificate_at(in, 0);
    CHECK(ucp_certificate_san_count(c) == 1 && ucp_certificate_san_type_at(c, 0) == UCP_SAN_DNS,
          "one DNS SAN entry");
    CHECK_STR(ucp_certificate_san_at(c, 0), "server01.contoso.com\\x00.evil.com",
              "a NUL byte in a SAN entry is shown as \\x00, never hidden");
    CHECK(ucp_certificate_san_at(c, 1) == NULL, "san_at out of range is NULL");
    CHECK(ucp_input_format(in) == UCP_FORMAT_PEM && ucp_input_certificate_count(in) == 1 &&
              !ucp_input_has_private_key(in),
          "PEM, one certificate, no key");
    size_t len = 0;
    const uint8_t *der = ucp_certificate_der(c, &len);
    CHECK(der && len > 100 && der[0] == 0x30, "ucp_certificate_der");
    CHECK(strlen(ucp_certificate_sha1(c)) == 40 && strlen(ucp_certificate_sha256(c)) == 64,
          "thumbprints in hexadecimal");
    CHECK(ucp_certificate_crl_url_count(c) == 1 && ucp_certificate_ca_issuers_url_count(c) == 1 &&
              ucp_certificate_ocsp_url_count(c) == 0,
          "CDP and AIA URLs");
    CHECK_STR(ucp_certificate_key_algorithm(c), "RSA", "key algorithm");
    CHECK(ucp_certificate_key_bits(c) == 2048 && ucp_certificate_key_curve(c) == NULL, "key size, no curve");
    CHECK(!ucp_certificate_is_ca(c) && !ucp_certificate_is_self_signed(c), "not a CA, not self-signed");
    ucp_input_free(in);

    st = ucp_input_from_file(&in, fixture("certs/format-with-key.pem"), NULL);
    CHECK(st == UCP_OK && ucp_input_has_private_key(in), "a PEM file with a key block says it has a private key");
    ucp_input_free(in);
    st = ucp_input_from_file(&in, fixture("certs/format-password.pfx"), "Pfx-Test-P@ss w0rd");
    CHECK(st == UCP_OK && ucp_input_has_private_key(in) && ucp_input_certificate_count(in) == 2 &&
              ucp_certificate_is_ca(ucp_input_certificate_at(in, 1)) &&
              !ucp_certificate_is_ca(ucp_input_certificate_at(in, 0)),
          "PKCS#12: the key's certificate first, the CA after it");
    ucp_input_free(in);
    st = ucp_input_from_file(&in, fixture("certs/key-ec-p192.pem"), NULL);
    if (CHECK(st == UCP_OK, "the P-192 fixture loads")) {
        c = ucp_input_certificate_at(in, 0);
        CHECK_STR(ucp_certificate_key_algorithm(c), "ECDSA", "P-192: ECDSA");
        CHECK_STR(ucp_certificate_key_curve(c), "P-192", "P-192: the curve");
    }
    ucp_input_free(in);
}

/* ---- a PKCS#7 bag with many certificates ------------------------------------------------ */

static void der_len(uint8_t **o, size_t n)
{
    *(*o)++ = 0x84;
    for (int s = 24; s >= 0; s -= 8)
        *(*o)++ = (uint8_t)(n >> s);
}

static void big_bag(void)
{
    ucp_input *leaf = NULL, *ca = NULL;
    if (ucp_input_from_file(&leaf, fixture("certs/tls-server-pass-sfb2019.pem"), NULL) != UCP_OK ||
        ucp_input_from_file(&ca, fixture("certs/issuing-ca.pem"), NULL) != UCP_OK)
        exit(TAP_SETUP_FAILURE);
    size_t llen, clen;
    const uint8_t *lder = ucp_certificate_der(ucp_input_certificate_at(leaf, 0), &llen);
    const uint8_t *cder = ucp_certificate_der(ucp_input_certificate_at(ca, 0), &clen);
    /* ContentInfo { signedData, [0] SignedData { 1, {}, { data }, [0] { CA x 500, leaf }, {} } } */
    const size_t copies = 500;
    size_t certs = copies * clen + llen;
    static const uint8_t head[] = {0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86,
                                   0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
    /* every header here: the tag, 0x84 and four length bytes */
    size_t sd = sizeof head + 6 + certs + 2;
    size_t total = 6 + 11 + 6 + 6 + sd;
    uint8_t *buf = malloc(total), *o = buf;
    *o++ = 0x30;
    der_len(&o, total - 6);
    memcpy(o, "\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02", 11);
    o += 11;
    *o++ = 0xa0;
    der_len(&o, 6 + sd);
    *o++ = 0x30;
    der_len(&o, sd);
    memcpy(o, head, sizeof head);
    o += sizeof head;
    *o++ = 0xa0;
    der_len(&o, certs);
    for (size_t i = 0; i < copies; i++) {
        memcpy(o, cder, clen);
        o += clen;
    }
    memcpy(o, lder, llen);
    o += llen;
    *o++ = 0x31;
    *o++ = 0x00;
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_data(&in, buf, (size_t)(o - buf), "big.p7b", NULL);
    CHECK(st == UCP_OK && ucp_input_format(in) == UCP_FORMAT_PKCS7 && ucp_input_certificate_count(in) == copies + 1,
          "a PKCS#7 bag of %zu certificates loads (%s)", copies + 1, ucp_strerror_name(st));
    if (st != UCP_OK)
        printf("#   %s\n", ucp_error_message(ucp_error_last()));
    CHECK(in && !ucp_certificate_is_ca(ucp_input_certificate_at(in, 0)), "the leaf, last in the bag, comes first");
    ucp_input_free(in);
    free(buf);
    ucp_input_free(leaf);
    ucp_input_free(ca);

    /* A bundle whose third block is broken: the message gives its line. */
    FILE *f = fopen(fixture("certs/root.pem"), "rb");
    char pem[8192];
    size_t n = f ? fread(pem, 1, sizeof pem - 200, f) : 0;
    if (f)
        fclose(f);
    size_t lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += pem[i] == '\n';
    char *bundle = malloc(2 * n + 200);
    memcpy(bundle, pem, n);
    memcpy(bundle + n, pem, n);
    static const char broken[] = "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n";
    memcpy(bundle + 2 * n, broken, sizeof broken - 1);
    ucp_status st2 = ucp_input_from_data(&in, (const uint8_t *)bundle, 2 * n + sizeof broken - 1, "bundle.pem", NULL);
    char want[64];
    snprintf(want, sizeof want, "line %zu:", 2 * lines + 1);
    CHECK(st2 == UCP_E_CORRUPT, "a bundle with invalid base64 in its third block is UCP_E_CORRUPT");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), want, "the message gives the block's line");
    free(bundle);
}

int main(void)
{
    fixtures = getenv("UCPOLICY_FIXTURES");
    if (!fixtures) {
        fprintf(stderr, "UCPOLICY_FIXTURES is not set\n");
        return TAP_SETUP_FAILURE;
    }
    misuse();
    thread_errors();
    error_texts();
    threaded_checks();
    checker_settings();
    system_intermediates();
    statuses();
    versions();
    certificate_getters();
    big_bag();
    return tap_done();
}
