/* SPDX-License-Identifier: MIT */
/*
 * The 'keys' suite through the C API (TAP): PKCS#12 key facts (presence, match, the Microsoft
 * CSP name and its classification, friendly name), the rules that use them, the Microsoft
 * certificate template extensions, pool comparisons, and malformed or hostile files. The files
 * are made at test time into a temporary directory (fixtures.c).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../portable.h"
#include "fixtures.h"
#include "ucpolicy.h"

static int ntests, nfailed;
static char dir[] = "/tmp/ucpolicy-keys-XXXXXX";
static int64_t now;
static ucp_checker *checker;

TEST_PRINTF(2, 3) static bool ok(bool cond, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s %d - ", cond ? "ok" : "not ok", ++ntests);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    if (!cond)
        nfailed++;
    fflush(stdout);
    return cond;
}

static bool streq(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

static const char *show(const char *s)
{
    return s ? s : "(null)";
}

/* Undo the text report's line wrapping: a newline and its indentation become one space. */
static bool unwrap(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            while (p[1] == ' ')
                p++;
            *o++ = ' ';
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return true;
}

static char *path(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static ucp_input *load(const char *name)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_file(&in, path(name), KEYS_PASSWORD);
    if (!ok(st == UCP_OK, "%s loads", name))
        printf("# %s: %s\n", ucp_strerror_name(st), ucp_error_message(ucp_error_last()));
    return in;
}

static ucp_topology *topology(ucp_product product, const char *const *facts)
{
    ucp_topology *t = NULL;
    if (ucp_topology_new(&t) != UCP_OK)
        exit(99);
    ucp_topology_set_product(t, product);
    for (size_t i = 0; facts && facts[i]; i += 2) {
        ucp_fact f;
        if (strcmp(facts[i], "fqdn") == 0)
            f = UCP_FACT_FQDN;
        else if (strcmp(facts[i], "pool") == 0)
            f = UCP_FACT_POOL;
        else if (strcmp(facts[i], "access-edge") == 0)
            f = UCP_FACT_ACCESS_EDGE;
        else if (strcmp(facts[i], "webconf-edge") == 0)
            f = UCP_FACT_WEBCONF_EDGE;
        else
            f = UCP_FACT_SIP_DOMAIN;
        if (ucp_topology_add(t, f, facts[i + 1]) != UCP_OK)
            exit(99);
    }
    return t;
}

static const char *const um_facts[] = {"fqdn", KEYS_FQDN, NULL};

static ucp_report *check(const ucp_input *in, const char *role, ucp_product product, const char *const *facts)
{
    ucp_topology *t = topology(product, facts);
    ucp_report *r = NULL;
    ucp_status st = in ? ucp_checker_check(checker, in, role, t, &r) : UCP_E_INVALID_ARGUMENT;
    if (!ok(st == UCP_OK, "check %s as %s (%s)", in ? ucp_input_name(in) : "(not loaded)", role,
            ucp_product_name(product)))
        printf("# %s\n", ucp_error_message(ucp_error_last()));
    ucp_topology_free(t);
    return r;
}

/* The finding with @code, or NULL. */
static const ucp_finding *finding(const ucp_report *r, const char *code)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        if (strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0)
            return ucp_report_finding_at(r, i);
    return NULL;
}

static size_t count_code(const ucp_report *r, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < ucp_report_finding_count(r); i++)
        n += strcmp(ucp_finding_code(ucp_report_finding_at(r, i)), code) == 0;
    return n;
}

static void expect_finding(const ucp_report *r, const char *code, ucp_severity sev, const char *what)
{
    const ucp_finding *f = finding(r, code);
    ok(f && ucp_finding_severity(f) == sev, "%s: %s is a %s finding (got %s)", what, code, ucp_severity_name(sev),
       f ? ucp_severity_name(ucp_finding_severity(f)) : "none");
}

static void expect_no_finding(const ucp_report *r, const char *code, const char *what)
{
    ok(!finding(r, code), "%s: no %s finding", what, code);
}

static void dump_findings(const ucp_report *r)
{
    for (size_t i = 0; i < ucp_report_finding_count(r); i++) {
        const ucp_finding *f = ucp_report_finding_at(r, i);
        printf("#   %s %s: %s\n", ucp_severity_name(ucp_finding_severity(f)), ucp_finding_code(f),
               ucp_finding_message(f));
    }
}

static void expect_result(const ucp_report *r, ucp_result want, const char *what)
{
    if (!ok(r && ucp_report_result(r) == want, "%s: result %s (got %s)", what, ucp_result_name(want),
            r ? ucp_result_name(ucp_report_result(r)) : "no report"))
        dump_findings(r);
}

/* ---- provider facts ------------------------------------------------------------------------- */

static void test_provider(const char *file, const char *provider, ucp_key_provider_state state,
                          ucp_key_storage storage, const char *friendly)
{
    ucp_input *in = load(file);
    if (!in)
        return;
    ok(ucp_input_format(in) == UCP_FORMAT_PKCS12, "%s: format pkcs12", file);
    ok(ucp_input_has_private_key(in), "%s: has a private key", file);
    ok(ucp_input_key_match(in) == UCP_KEY_MATCH_YES, "%s: the key is the leaf's (got %s)", file,
       ucp_key_match_name(ucp_input_key_match(in)));
    ok(streq(ucp_input_key_provider(in), provider), "%s: provider '%s' (got '%s')", file, show(provider),
       show(ucp_input_key_provider(in)));
    ok(ucp_input_key_provider_state(in) == state, "%s: provider state %s (got %s)", file,
       ucp_key_provider_state_name(state), ucp_key_provider_state_name(ucp_input_key_provider_state(in)));
    ok(ucp_input_key_storage(in) == storage, "%s: storage %s (got %s)", file, ucp_key_storage_name(storage),
       ucp_key_storage_name(ucp_input_key_storage(in)));
    ok(streq(ucp_input_friendly_name(in), friendly), "%s: friendly name '%s' (got '%s')", file, show(friendly),
       show(ucp_input_friendly_name(in)));
    ok(streq(ucp_certificate_common_name(ucp_input_certificate_at(in, 0)), KEYS_FQDN), "%s: the leaf is %s",
       file, KEYS_FQDN);

    /* The same facts on the report, and the rules of exchange-um (G11: error, whatever the product). */
    ucp_report *r = check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts);
    if (r) {
        ok(ucp_report_has_private_key(r) && ucp_report_key_match(r) == UCP_KEY_MATCH_YES &&
               streq(ucp_report_key_provider(r), provider) && ucp_report_key_provider_state(r) == state &&
               ucp_report_key_storage(r) == storage && streq(ucp_report_friendly_name(r), friendly),
           "%s: the report carries the input's key facts", file);
        if (storage == UCP_KEY_STORAGE_KSP) {
            expect_result(r, UCP_RESULT_FAIL, file);
            expect_finding(r, "private-key.cng-provider", UCP_SEVERITY_ERROR, file);
            const ucp_finding *f = finding(r, "private-key.cng-provider");
            ok(f && strstr(ucp_finding_message(f), provider) && strstr(ucp_finding_remediation(f), "1079"),
               "%s: the finding names the provider and Exchange event 1079", file);
            expect_no_finding(r, "private-key.provider-unknown", file);
        } else if (storage == UCP_KEY_STORAGE_CSP) {
            expect_result(r, UCP_RESULT_PASS, file);
            expect_no_finding(r, "private-key.cng-provider", file);
            expect_no_finding(r, "private-key.provider-unknown", file);
            ok(ucp_report_finding_count(r) == 0, "%s: no finding at all (got %zu)", file,
               ucp_report_finding_count(r));
        } else {
            expect_result(r, UCP_RESULT_PASS, file);
            expect_no_finding(r, "private-key.cng-provider", file);
            expect_finding(r, "private-key.provider-unknown", UCP_SEVERITY_INFO, file);
        }
        expect_no_finding(r, "private-key.mismatch", file);
        expect_no_finding(r, "private-key.exportable-unknown", file); /* not a G12 role */
        ucp_buffer json = {NULL, 0};
        ok(ucp_report_to_json(r, 0, &json) == UCP_OK && strstr(json.data, "\"privateKey\":{") &&
               strstr(json.data, ucp_key_storage_name(storage)),
           "%s: JSON has the privateKey object", file);
        ucp_buffer_dispose(&json);
        ucp_buffer text = {NULL, 0};
        ok(ucp_report_to_text(r, 0, &text) == UCP_OK && unwrap(text.data) && strstr(text.data, "Key pair:") &&
               strstr(text.data, "private key of this certificate") && (!provider || strstr(text.data, provider)),
           "%s: the text report shows the key pair", file);
        ucp_buffer_dispose(&text);
    }
    ucp_report_free(r);
    ucp_input_free(in);
}

/* G11 per product and role: Lync 2010/2013 error, SfB 2015/2019 info (unconfirmed), reverse
 * proxy warning, not bound for Office Online Server. */
static void test_cng_per_product(void)
{
    ucp_input *in = load("um-ksp.pfx");
    const char *const fe[] = {"pool", KEYS_FQDN, "fqdn", KEYS_FQDN, NULL};
    static const struct {
        const char *role;
        ucp_product product;
        int severity; /* -1: not bound */
    } cases[] = {
        {"frontend-default", UCP_PRODUCT_LYNC2010, UCP_SEVERITY_ERROR},
        {"frontend-default", UCP_PRODUCT_LYNC2013, UCP_SEVERITY_ERROR},
        {"frontend-default", UCP_PRODUCT_SFB2015, UCP_SEVERITY_INFO},
        {"frontend-default", UCP_PRODUCT_SFB2019, UCP_SEVERITY_INFO},
        {"exchange-um-callrouter", UCP_PRODUCT_SFB2019, UCP_SEVERITY_ERROR},
        {"exchange-um", UCP_PRODUCT_LYNC2010, UCP_SEVERITY_ERROR},
        {"edge-internal", UCP_PRODUCT_LYNC2013, UCP_SEVERITY_ERROR},
        {"reverse-proxy", UCP_PRODUCT_SFB2019, UCP_SEVERITY_WARNING},
        {"office-online-server", UCP_PRODUCT_SFB2019, -1},
        {"teams-direct-routing-sbc", UCP_PRODUCT_SFB2019, -1},
    };
    for (size_t i = 0; in && i < sizeof cases / sizeof cases[0]; i++) {
        ucp_report *r = check(in, cases[i].role, cases[i].product, fe);
        const ucp_finding *f = r ? finding(r, "private-key.cng-provider") : NULL;
        if (cases[i].severity < 0)
            ok(r && !f, "%s (%s): private-key.cng-provider not bound", cases[i].role,
               ucp_product_name(cases[i].product));
        else
            ok(f && (int)ucp_finding_severity(f) == cases[i].severity, "%s (%s): private-key.cng-provider is %s",
               cases[i].role, ucp_product_name(cases[i].product),
               ucp_severity_name((ucp_severity)cases[i].severity));
        ucp_report_free(r);
    }
    /* Roles that need an exportable key get the note only when the file holds a key. */
    ucp_report *r = check(in, "office-online-server", UCP_PRODUCT_SFB2019, um_facts);
    expect_finding(r, "private-key.exportable-unknown", UCP_SEVERITY_INFO, "OOS with a PFX");
    ucp_report_free(r);
    ucp_input_free(in);
}

static void test_mismatch(void)
{
    ucp_input *in = load("um-mismatch.pfx");
    if (!in)
        return;
    ok(ucp_input_has_private_key(in), "um-mismatch.pfx: has a private key (GnuTLS alone returns nothing here)");
    ok(ucp_input_key_match(in) == UCP_KEY_MATCH_NO, "um-mismatch.pfx: the key is not the leaf's (got %s)",
       ucp_key_match_name(ucp_input_key_match(in)));
    ok(streq(ucp_certificate_common_name(ucp_input_certificate_at(in, 0)), KEYS_FQDN),
       "um-mismatch.pfx: the leaf is still %s", KEYS_FQDN);
    ucp_report *r = check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts);
    expect_result(r, UCP_RESULT_FAIL, "um-mismatch.pfx");
    expect_finding(r, "private-key.mismatch", UCP_SEVERITY_ERROR, "um-mismatch.pfx");
    ucp_report_free(r);
    /* Same rule for every role (baseline). */
    r = check(in, "tls-server", UCP_PRODUCT_SFB2019, um_facts);
    expect_finding(r, "private-key.mismatch", UCP_SEVERITY_ERROR, "um-mismatch.pfx as tls-server");
    ucp_report_free(r);
    ucp_input_free(in);

    in = load("um-two-keys.pfx");
    if (in) {
        ok(ucp_input_key_match(in) == UCP_KEY_MATCH_YES, "um-two-keys.pfx: the second key is the leaf's");
        ok(streq(ucp_input_key_provider(in), "Microsoft RSA SChannel Cryptographic Provider"),
           "um-two-keys.pfx: the provider is that of the matching key's bag (got '%s')",
           show(ucp_input_key_provider(in)));
    }
    ucp_input_free(in);
}

static void test_pem(void)
{
    ucp_input *in = load("um.pem");
    if (!in)
        return;
    ok(!ucp_input_has_private_key(in) && ucp_input_key_match(in) == UCP_KEY_MATCH_UNKNOWN &&
           ucp_input_key_provider_state(in) == UCP_KEY_PROVIDER_NOT_APPLICABLE && !ucp_input_key_provider(in) &&
           ucp_input_key_storage(in) == UCP_KEY_STORAGE_UNKNOWN && !ucp_input_friendly_name(in),
       "um.pem: no key facts");
    const char *roles[] = {"exchange-um", "edge-av-auth", "oauth-token-issuer", "office-online-server"};
    for (size_t i = 0; i < 4; i++) {
        ucp_report *r = check(in, roles[i], UCP_PRODUCT_LYNC2013, um_facts);
        size_t n = 0;
        for (size_t k = 0; r && k < ucp_report_finding_count(r); k++)
            n += ucp_finding_field(ucp_report_finding_at(r, k)) == UCP_FIELD_PRIVATE_KEY;
        ok(r && n == 0, "um.pem as %s: no private-key finding (got %zu)", roles[i], n);
        if (r && i == 0) {
            ucp_buffer text = {NULL, 0};
            ok(ucp_report_to_text(r, 0, &text) == UCP_OK && strstr(text.data, "certificate files carry no key facts"),
               "um.pem: the text report says the key facts are not available");
            ucp_buffer_dispose(&text);
            ucp_buffer json = {NULL, 0};
            ok(ucp_report_to_json(r, 0, &json) == UCP_OK &&
                   strstr(json.data, "\"privateKey\":{\"present\":false,\"matchesCertificate\":\"unknown\"") &&
                   strstr(json.data, "\"providerState\":\"not-applicable\""),
               "um.pem: JSON privateKey says present false, not-applicable");
            ucp_buffer_dispose(&json);
        }
        ucp_report_free(r);
    }
    ucp_input_free(in);
}

/* PEM key blocks: compared with the leaf as PKCS#12 keys are; PEM records no provider, so no
 * provider finding, only the exportable note where the role needs one. */
static void test_pem_with_key(void)
{
    ucp_input *in = load("um-with-key.pem");
    if (!in)
        return;
    ok(ucp_input_has_private_key(in) && ucp_input_key_match(in) == UCP_KEY_MATCH_YES &&
           ucp_input_key_provider_state(in) == UCP_KEY_PROVIDER_NOT_APPLICABLE &&
           ucp_input_key_storage(in) == UCP_KEY_STORAGE_UNKNOWN && !ucp_input_key_provider(in),
       "um-with-key.pem: the certificate's own key (got %s), no provider facts",
       ucp_key_match_name(ucp_input_key_match(in)));
    ucp_report *r = check(in, "exchange-um", UCP_PRODUCT_LYNC2013, um_facts);
    expect_no_finding(r, "private-key.mismatch", "um-with-key.pem as exchange-um");
    expect_no_finding(r, "private-key.provider-unknown", "um-with-key.pem as exchange-um");
    expect_no_finding(r, "private-key.cng-provider", "um-with-key.pem as exchange-um");
    ucp_buffer text = {NULL, 0};
    ok(r && ucp_report_to_text(r, 0, &text) == UCP_OK && unwrap(text.data) &&
           strstr(text.data, "private key of this certificate; a PEM key block"),
       "um-with-key.pem: the text report says the PEM key block is the certificate's");
    ucp_buffer_dispose(&text);
    ucp_report_free(r);
    r = check(in, "edge-av-auth", UCP_PRODUCT_SFB2019, NULL);
    expect_finding(r, "private-key.exportable-unknown", UCP_SEVERITY_INFO, "um-with-key.pem as edge-av-auth");
    ucp_report_free(r);
    ucp_input_free(in);

    /* The wrong key file appended: the pair cannot work. */
    in = load("um-with-other-key.pem");
    if (in) {
        ok(ucp_input_key_match(in) == UCP_KEY_MATCH_NO, "um-with-other-key.pem: not the certificate's key (got %s)",
           ucp_key_match_name(ucp_input_key_match(in)));
        r = check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts);
        expect_result(r, UCP_RESULT_FAIL, "um-with-other-key.pem");
        expect_finding(r, "private-key.mismatch", UCP_SEVERITY_ERROR, "um-with-other-key.pem");
        ucp_report_free(r);
        ucp_input_free(in);
    }
    /* Another key first, then the certificate's: one of them is its key. */
    in = load("um-with-two-keys.pem");
    if (in) {
        ok(ucp_input_key_match(in) == UCP_KEY_MATCH_YES, "um-with-two-keys.pem: the second key is the certificate's");
        r = check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts);
        expect_no_finding(r, "private-key.mismatch", "um-with-two-keys.pem");
        ucp_buffer t2 = {NULL, 0};
        ok(r && ucp_report_to_text(r, 0, &t2) == UCP_OK && unwrap(t2.data) && strstr(t2.data, "2 private keys in the file"),
           "um-with-two-keys.pem: the text report counts the keys");
        ucp_buffer_dispose(&t2);
        ucp_report_free(r);
        ucp_input_free(in);
    }
    /* An encrypted PKCS#8 key: read with the password (load() gives it), unknown without. */
    in = load("um-with-encrypted-key.pem");
    if (in) {
        ok(ucp_input_key_match(in) == UCP_KEY_MATCH_YES, "um-with-encrypted-key.pem with its password: the certificate's key");
        ucp_input_free(in);
    }
    static const char *const wrong[] = {NULL, "wrong"};
    for (size_t k = 0; k < 2; k++) {
        in = NULL;
        ucp_status st = ucp_input_from_file(&in, path("um-with-encrypted-key.pem"), wrong[k]);
        ok(st == UCP_OK && ucp_input_has_private_key(in) && ucp_input_key_match(in) == UCP_KEY_MATCH_UNKNOWN,
           "um-with-encrypted-key.pem with %s password: loads, the key cannot be read (unknown)",
           wrong[k] ? "a wrong" : "no");
        r = st == UCP_OK ? check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts) : NULL;
        expect_no_finding(r, "private-key.mismatch", "um-with-encrypted-key.pem without its password");
        ucp_buffer t3 = {NULL, 0};
        ok(r && ucp_report_to_text(r, 0, &t3) == UCP_OK && unwrap(t3.data) &&
               strstr(t3.data, "cannot be read (an encrypted key needs its password)"),
           "um-with-encrypted-key.pem without its password: the text report says why the key is not compared");
        ucp_buffer_dispose(&t3);
        ucp_report_free(r);
        ucp_input_free(in);
    }
}

/* Malformed or hostile files are refused with a message naming the file and the problem. */
static void test_refused(void)
{
    static const struct {
        const char *file;
        ucp_status status;
        const char *phrase;
    } cases[] = {
        {"bad-csp-utf8.pfx", UCP_E_CORRUPT, "Microsoft CSP name (1.3.6.1.4.1.311.17.1) attribute is not a DER BMPString"},
        {"bad-csp-odd.pfx", UCP_E_CORRUPT, "odd number of bytes"},
        {"bad-csp-surrogate.pfx", UCP_E_CORRUPT, "unpaired UTF-16 surrogate"},
        {"bad-csp-two-values.pfx", UCP_E_CORRUPT, "has 2 values; one is expected"},
        {"bad-csp-twice.pfx", UCP_E_CORRUPT, "attribute appears twice"},
        {"bad-friendly-name-empty.pfx", UCP_E_CORRUPT, "friendlyName (1.2.840.113549.1.9.20) attribute has 0 values"},
        {"bad-key-id.pfx", UCP_E_CORRUPT, "localKeyId attribute is not a DER OCTET STRING"},
        {"bad-safe-contents.pfx", UCP_E_CORRUPT, "SafeContents are malformed"},
        {"many-attributes.pfx", UCP_E_LIMIT, "more than 32 attributes"},
        {"many-keys.pfx", UCP_E_LIMIT, "more than 8 private keys"},
        {"many-bags.pfx", UCP_E_LIMIT, "more than 256 SafeBags"},
        {"huge-iterations.pfx", UCP_E_LIMIT, "8388607 key-derivation iterations"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ucp_input *in = NULL;
        ucp_status st = ucp_input_from_file(&in, path(cases[i].file), KEYS_PASSWORD);
        const char *msg = ucp_error_message(ucp_error_last());
        ok(st == cases[i].status && !in, "%s is refused with %s (got %s)", cases[i].file,
           ucp_strerror_name(cases[i].status), ucp_strerror_name(st));
        if (!ok(strstr(msg, cases[i].file) && strstr(msg, cases[i].phrase), "%s: the message names the file and '%s'",
                cases[i].file, cases[i].phrase))
            printf("# message: %s\n", msg);
        ucp_input_free(in);
    }
    /* A wrong password stays a password error; a truncated file a corrupt one. */
    ucp_input *in = NULL;
    ok(ucp_input_from_file(&in, path("um-ksp.pfx"), "wrong") == UCP_E_PASSWORD && !in,
       "um-ksp.pfx with a wrong password: UCP_E_PASSWORD");
    FILE *f = fopen(path("um-ksp.pfx"), "rb");
    uint8_t buf[65536];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    for (size_t cut = 16; cut < n; cut += n / 7) {
        ucp_status st = ucp_input_from_data(&in, buf, cut, "cut.pfx", KEYS_PASSWORD);
        ok(st != UCP_OK && !in && strstr(ucp_error_message(ucp_error_last()), "cut.pfx"),
           "um-ksp.pfx cut to %zu bytes is refused (%s)", cut, ucp_strerror_name(st));
        ucp_input_free(in);
        in = NULL;
    }
    /* Every single-byte corruption of the key's attributes region either loads or is refused;
     * never a crash (valgrind runs this too). */
    size_t loaded = 0, refused = 0;
    for (size_t pos = 60; pos < n && pos < 60 + 400; pos += 3) {
        uint8_t save = buf[pos];
        buf[pos] ^= 0x5a;
        if (ucp_input_from_data(&in, buf, n, "flip.pfx", KEYS_PASSWORD) == UCP_OK)
            loaded++;
        else
            refused++;
        ucp_input_free(in);
        in = NULL;
        buf[pos] = save;
    }
    ok(loaded + refused > 100, "byte flips: %zu refused, %zu loaded, no crash", refused, loaded);
}

/* ---- templates ------------------------------------------------------------------------------------- */

static void test_template(const char *file, const char *name, const char *oid, int64_t major, int64_t minor,
                          const char *problem)
{
    ucp_input *in = load(file);
    if (!in)
        return;
    const ucp_certificate *c = ucp_input_certificate_at(in, 0);
    ok(streq(ucp_certificate_template_name(c), name), "%s: template name '%s' (got '%s')", file, show(name),
       show(ucp_certificate_template_name(c)));
    ok(streq(ucp_certificate_template_oid(c), oid), "%s: template OID '%s' (got '%s')", file, show(oid),
       show(ucp_certificate_template_oid(c)));
    ok(ucp_certificate_template_major(c) == major && ucp_certificate_template_minor(c) == minor,
       "%s: template version %lld.%lld (got %lld.%lld)", file, (long long)major, (long long)minor,
       (long long)ucp_certificate_template_major(c), (long long)ucp_certificate_template_minor(c));
    ucp_report *r = check(in, "exchange-um", UCP_PRODUCT_SFB2019, um_facts);
    if (problem) {
        expect_finding(r, "input.template-malformed", UCP_SEVERITY_WARNING, file);
        const ucp_finding *f = r ? finding(r, "input.template-malformed") : NULL;
        if (!ok(f && strstr(ucp_finding_message(f), problem), "%s: the finding says '%s'", file, problem) && f)
            printf("# message: %s\n", ucp_finding_message(f));
        expect_result(r, UCP_RESULT_WARNING, file);
    } else {
        expect_no_finding(r, "input.template-malformed", file);
        expect_result(r, UCP_RESULT_PASS, file);
        ucp_buffer json = {NULL, 0}, text = {NULL, 0};
        ok(r && ucp_report_to_json(r, 0, &json) == UCP_OK && strstr(json.data, "\"template\":{") &&
               (!name || strstr(json.data, name)) && (!oid || strstr(json.data, oid)),
           "%s: JSON certificate.template", file);
        ok(r && ucp_report_to_text(r, 0, &text) == UCP_OK && unwrap(text.data) && strstr(text.data, "Template:") &&
               (!name || strstr(text.data, name)),
           "%s: the text summary shows the template", file);
        ucp_buffer_dispose(&json);
        ucp_buffer_dispose(&text);
    }
    ucp_report_free(r);
    ucp_input_free(in);
}

static void test_templates(void)
{
    test_template("tmpl-v2.pem", NULL, KEYS_TEMPLATE_OID, 100, 4, NULL);
    test_template("tmpl-v2-major-only.pem", NULL, KEYS_TEMPLATE_OID, 7, -1, NULL);
    test_template("tmpl-v1.pem", "WebServer", NULL, -1, -1, NULL);
    test_template("tmpl-v1-wcce.pem", "WebServer", NULL, -1, -1, NULL);
    test_template("tmpl-both.pem", "ExchangeUM", KEYS_TEMPLATE_OID, 100, 4, NULL);
    test_template("tmpl-bad-der.pem", NULL, NULL, -1, -1, "certificate template extension (1.3.6.1.4.1.311.21.7) is malformed");
    test_template("tmpl-negative.pem", NULL, NULL, -1, -1, "not an integer from 0 to 4294967295");
    test_template("tmpl-too-big.pem", NULL, NULL, -1, -1, "not an integer from 0 to 4294967295");
    test_template("tmpl-trailing.pem", NULL, NULL, -1, -1, "trailing data");
    test_template("tmpl-name-odd.pem", NULL, NULL, -1, -1, "(1.3.6.1.4.1.311.20.2) is malformed");
    test_template("tmpl-name-empty.pem", NULL, NULL, -1, -1, "the name is empty");
    /* A certificate without the extensions has no template, and no line for it. */
    ucp_input *in = load("um.pem");
    const ucp_certificate *c = ucp_input_certificate_at(in, 0);
    ok(c && !ucp_certificate_template_name(c) && !ucp_certificate_template_oid(c) &&
           ucp_certificate_template_major(c) == -1 && ucp_certificate_template_minor(c) == -1,
       "um.pem: no template");
    ucp_input_free(in);
}

/* ---- pool ------------------------------------------------------------------------------------------ */

static void test_pool(void)
{
    const char *names[] = {"edge1.pfx", "edge2.pfx", "edge-reissued.pfx", "edge-other-key.pfx", "edge-wrong-key.pfx",
                           "edge.pem"};
    ucp_input *in[6] = {NULL};
    for (size_t i = 0; i < 6; i++)
        if (!(in[i] = load(names[i])))
            goto out;
    const char *const facts[] = {"access-edge", KEYS_ACCESS_EDGE, "webconf-edge", KEYS_WEBCONF_EDGE, NULL};
    ucp_topology *t = topology(UCP_PRODUCT_SFB2019, facts);
    ucp_report *r = NULL;

    /* Identical files (and the PEM of the same certificate): no finding. */
    const ucp_input *same[3] = {in[0], in[1], in[5]};
    ucp_status st = ucp_checker_check_pool(checker, same, 3, "edge-external", t, &r);
    ok(st == UCP_OK, "pool of identical files checks");
    ok(ucp_report_pool_count(r) == 3 && ucp_report_pool_state_at(r, 0) == UCP_POOL_REFERENCE &&
           ucp_report_pool_state_at(r, 1) == UCP_POOL_IDENTICAL && ucp_report_pool_state_at(r, 2) == UCP_POOL_IDENTICAL,
       "pool of identical files: reference, identical, identical");
    ok(streq(ucp_report_pool_name_at(r, 1), path("edge2.pfx")) &&
           ucp_report_pool_certificate_at(r, 1) != NULL && !ucp_report_pool_name_at(r, 3),
       "pool getters: names, certificates, NULL out of range");
    expect_no_finding(r, "private-key.pool-mismatch", "identical pool");
    expect_finding(r, "private-key.exportable-unknown", UCP_SEVERITY_INFO, "identical pool");
    expect_result(r, UCP_RESULT_PASS, "identical pool");
    ucp_report_free(r);
    r = NULL;

    /* Re-issued certificate (same key), another certificate and key, right certificate wrong key. */
    const ucp_input *mixed[5] = {in[0], in[1], in[2], in[3], in[4]};
    st = ucp_checker_check_pool(checker, mixed, 5, "edge-external", t, &r);
    ok(st == UCP_OK, "mixed pool checks");
    ok(ucp_report_pool_count(r) == 5 && ucp_report_pool_state_at(r, 1) == UCP_POOL_IDENTICAL &&
           ucp_report_pool_state_at(r, 2) == UCP_POOL_SAME_KEY && ucp_report_pool_state_at(r, 3) == UCP_POOL_DIFFERENT_KEY &&
           ucp_report_pool_state_at(r, 4) == UCP_POOL_DIFFERENT_KEY,
       "mixed pool: identical, different-certificate-same-key, different-key, different-key");
    ok(count_code(r, "private-key.pool-mismatch") == 3, "mixed pool: three pool-mismatch findings (got %zu)",
       count_code(r, "private-key.pool-mismatch"));
    const char *want[3][2] = {{"edge-reissued.pfx", "for the same private key"},
                              {"edge-other-key.pfx", "with another private key"},
                              {"edge-wrong-key.pfx", "same certificate, but its private key is not"}};
    for (size_t k = 0; k < 3; k++) {
        bool found = false;
        for (size_t i = 0; r && i < ucp_report_finding_count(r); i++) {
            const ucp_finding *f = ucp_report_finding_at(r, i);
            if (strcmp(ucp_finding_code(f), "private-key.pool-mismatch") == 0 &&
                strstr(ucp_finding_message(f), want[k][0]) && strstr(ucp_finding_message(f), want[k][1]) &&
                strstr(ucp_finding_message(f), "edge1.pfx") && ucp_finding_severity(f) == UCP_SEVERITY_ERROR)
                found = true;
        }
        ok(found, "mixed pool: an error names %s and says '%s'", want[k][0], want[k][1]);
    }
    expect_result(r, UCP_RESULT_FAIL, "mixed pool");
    ucp_buffer json = {NULL, 0};
    ok(r && ucp_report_to_json(r, 0, &json) == UCP_OK && strstr(json.data, "\"state\":\"different-certificate-same-key\""),
       "mixed pool: JSON pool states");
    ucp_buffer_dispose(&json);
    ucp_report_free(r);
    r = NULL;

    /* OAuth and A/V bind the rule too; Exchange UM does not (the comparison is still reported). */
    const ucp_input *two[2] = {in[0], in[3]};
    ok(ucp_checker_check_pool(checker, two, 2, "AudioVideoAuthentication", t, &r) == UCP_OK &&
           finding(r, "private-key.pool-mismatch"),
       "edge-av-auth pool: pool-mismatch");
    ucp_report_free(r);
    r = NULL;
    ok(ucp_checker_check_pool(checker, two, 2, "exchange-um", t, &r) == UCP_OK && !finding(r, "private-key.pool-mismatch") &&
           ucp_report_pool_state_at(r, 1) == UCP_POOL_DIFFERENT_KEY,
       "exchange-um pool: compared, rule not bound");
    ucp_report_free(r);
    r = NULL;
    /* A plain check has no pool. */
    ok(ucp_checker_check(checker, in[0], "edge-external", t, &r) == UCP_OK && ucp_report_pool_count(r) == 0,
       "ucp_checker_check: no pool");
    ucp_report_free(r);
    r = NULL;

    /* Arguments. */
    ok(ucp_checker_check_pool(checker, two, 0, "edge-external", t, &r) == UCP_E_INVALID_ARGUMENT && !r,
       "pool of 0 inputs: UCP_E_INVALID_ARGUMENT");
    const ucp_input *holes[2] = {in[0], NULL};
    ok(ucp_checker_check_pool(checker, holes, 2, "edge-external", t, &r) == UCP_E_INVALID_ARGUMENT && !r,
       "pool with a NULL input: UCP_E_INVALID_ARGUMENT");
    ok(ucp_checker_check_pool(checker, two, 2, "no-such-role", t, &r) == UCP_E_UNKNOWN_ROLE && !r,
       "pool with an unknown role: UCP_E_UNKNOWN_ROLE");
    ok(ucp_checker_check_pool(checker, NULL, 2, "edge-external", t, &r) == UCP_E_INVALID_ARGUMENT && !r,
       "pool with NULL inputs: UCP_E_INVALID_ARGUMENT");
    ucp_topology_free(t);
out:
    for (size_t i = 0; i < 6; i++)
        ucp_input_free(in[i]);
}

/* ---- classification and names ------------------------------------------------------------------------ */

static void test_classify(void)
{
    static const struct {
        const char *name;
        ucp_key_storage want;
    } cases[] = {
        {"Microsoft Software Key Storage Provider", UCP_KEY_STORAGE_KSP},
        {"Microsoft Platform Crypto Provider", UCP_KEY_STORAGE_KSP},
        {"Microsoft Smart Card Key Storage Provider", UCP_KEY_STORAGE_KSP},
        {"Microsoft Passport Key Storage Provider", UCP_KEY_STORAGE_KSP},
        {"SafeNet Key Storage Provider", UCP_KEY_STORAGE_KSP},
        {"  microsoft software key storage provider ", UCP_KEY_STORAGE_KSP},
        {"Microsoft Enhanced RSA and AES Cryptographic Provider", UCP_KEY_STORAGE_CSP},
        {"Microsoft RSA SChannel Cryptographic Provider", UCP_KEY_STORAGE_CSP},
        {"Microsoft Strong Cryptographic Provider", UCP_KEY_STORAGE_CSP},
        {"Microsoft Enhanced Cryptographic Provider v1.0", UCP_KEY_STORAGE_CSP},
        {"Microsoft Base Cryptographic Provider v1.0", UCP_KEY_STORAGE_CSP},
        {"Microsoft Base Smart Card Crypto Provider", UCP_KEY_STORAGE_CSP},
        {"nCipher Enhanced Cryptographic Provider", UCP_KEY_STORAGE_CSP},
        {"Contoso HSM Provider", UCP_KEY_STORAGE_UNKNOWN},
        {"", UCP_KEY_STORAGE_UNKNOWN},
        {NULL, UCP_KEY_STORAGE_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ok(ucp_key_storage_classify(cases[i].name) == cases[i].want, "classify '%s': %s (got %s)",
           show(cases[i].name), ucp_key_storage_name(cases[i].want),
           ucp_key_storage_name(ucp_key_storage_classify(cases[i].name)));
    ok(streq(ucp_key_match_name(UCP_KEY_MATCH_NO), "no") && streq(ucp_key_match_name((ucp_key_match)9), "") &&
           streq(ucp_key_provider_state_name(UCP_KEY_PROVIDER_NOT_VISIBLE), "not-visible") &&
           streq(ucp_pool_state_name(UCP_POOL_SAME_KEY), "different-certificate-same-key") &&
           streq(ucp_key_storage_name(UCP_KEY_STORAGE_KSP), "ksp"),
       "name functions");
    ok(ucp_input_key_match(NULL) == UCP_KEY_MATCH_UNKNOWN && !ucp_input_key_provider(NULL) &&
           !ucp_report_friendly_name(NULL) && ucp_report_pool_count(NULL) == 0 && !ucp_certificate_template_oid(NULL) &&
           ucp_certificate_template_major(NULL) == -1,
       "getters accept NULL");
}

/* The module is loaded once; loads from several threads at once share it. */
static void *load_in_thread(void *arg)
{
    (void)arg;
    ucp_input *in = NULL;
    bool good = ucp_input_from_file(&in, path("um-ksp.pfx"), KEYS_PASSWORD) == UCP_OK &&
                ucp_input_key_storage(in) == UCP_KEY_STORAGE_KSP;
    ucp_input_free(in);
    return good ? arg : NULL;
}

static void test_threads(void)
{
    pthread_t th[4];
    int tag = 1;
    bool all = true;
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, load_in_thread, &tag);
    for (int i = 0; i < 4; i++) {
        void *res = NULL;
        pthread_join(th[i], &res);
        all = all && res == &tag;
    }
    ok(all, "four threads read the key facts of um-ksp.pfx at once");
}

int main(void)
{
    now = (int64_t)time(NULL);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 99;
    }
    printf("# fixtures in %s\n", dir);
    if (keys_fixtures_write(dir, now) != 0)
        return 99;
    ucp_input *root = NULL;
    if (ucp_checker_new(&checker) != UCP_OK || ucp_input_from_file(&root, path("root.pem"), NULL) != UCP_OK ||
        ucp_checker_add_trust(checker, root) != UCP_OK || ucp_checker_add_public_roots(checker, root) != UCP_OK ||
        ucp_checker_set_time(checker, now) != UCP_OK) {
        fprintf(stderr, "setup: %s\n", ucp_error_message(ucp_error_last()));
        return 99;
    }
    ucp_input_free(root);

    const char *ksp = "Microsoft Software Key Storage Provider", *csp = "Microsoft RSA SChannel Cryptographic Provider";
    test_provider("um-ksp.pfx", ksp, UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_KSP, "Exchange UM");
    test_provider("um-ksp-shrouded.pfx", ksp, UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_KSP, "Exchange UM");
    /* BER: indefinite lengths, the AuthenticatedSafe in pieces. */
    test_provider("um-ksp-ber.pfx", ksp, UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_KSP, "Exchange UM");
    test_provider("um-csp.pfx", csp, UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_CSP, "Exchange UM");
    test_provider("um-tpm.pfx", "Microsoft Platform Crypto Provider", UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_KSP,
                  "Exchange UM");
    test_provider("um-none.pfx", NULL, UCP_KEY_PROVIDER_NOT_RECORDED, UCP_KEY_STORAGE_UNKNOWN, "Exchange UM");
    test_provider("um-unknown-provider.pfx", "Contoso HSM Provider", UCP_KEY_PROVIDER_RECORDED,
                  UCP_KEY_STORAGE_UNKNOWN, "Exchange UM");
    test_provider("um-ksp-encrypted.pfx", NULL, UCP_KEY_PROVIDER_NOT_VISIBLE, UCP_KEY_STORAGE_UNKNOWN, "Exchange UM");
    test_provider("gnutls-api.pfx", NULL, UCP_KEY_PROVIDER_NOT_RECORDED, UCP_KEY_STORAGE_UNKNOWN, "Exchange UM");
    test_provider("gnutls-encrypted.pfx", NULL, UCP_KEY_PROVIDER_NOT_VISIBLE, UCP_KEY_STORAGE_UNKNOWN, "Exchange UM");
    test_provider("tmpl-both-ksp.pfx", ksp, UCP_KEY_PROVIDER_RECORDED, UCP_KEY_STORAGE_KSP, "Exchange UM");
    test_cng_per_product();
    test_mismatch();
    test_pem();
    test_pem_with_key();
    test_refused();
    test_templates();
    test_pool();
    test_classify();
    test_threads();

    ucp_checker_free(checker);
    printf("1..%d\n", ntests);
    if (!getenv("KEYS_KEEP_FIXTURES")) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return nfailed ? 1 : 0;
}
