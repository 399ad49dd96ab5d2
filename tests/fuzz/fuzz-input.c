/* SPDX-License-Identifier: MIT */
/*
 * Input detection and parsing: ucp_input_from_data() on arbitrary bytes (PEM, DER, PKCS#7,
 * PKCS#12), without a password, with the empty one and with a wrong and a right one, then every
 * getter of the input and its certificates.
 */
#include <string.h>

#include "ucpolicy.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void touch_certificate(const ucp_certificate *c)
{
    size_t sum = strlen(ucp_certificate_subject(c)) + strlen(ucp_certificate_issuer(c)) +
                 strlen(ucp_certificate_serial(c)) + strlen(ucp_certificate_sha1(c)) +
                 strlen(ucp_certificate_sha256(c)) + strlen(ucp_certificate_key_algorithm(c)) +
                 strlen(ucp_certificate_signature_algorithm(c));
    const char *cn = ucp_certificate_common_name(c);
    sum += cn ? strlen(cn) : 0;
    for (size_t i = 0; i < ucp_certificate_san_count(c); i++) {
        const char *s = ucp_certificate_san_at(c, i);
        FUZZ_ASSERT(s != NULL);
        /* Display text never hides a NUL: every SAN is a C string of its own. */
        sum += strlen(s) + (size_t)ucp_certificate_san_type_at(c, i);
    }
    for (size_t i = 0; i < ucp_certificate_eku_count(c); i++)
        sum += strlen(ucp_eku_name(ucp_certificate_eku_at(c, i)));
    for (size_t i = 0; i < ucp_certificate_crl_url_count(c); i++)
        sum += strlen(ucp_certificate_crl_url_at(c, i));
    for (size_t i = 0; i < ucp_certificate_ocsp_url_count(c); i++)
        sum += strlen(ucp_certificate_ocsp_url_at(c, i));
    for (size_t i = 0; i < ucp_certificate_ca_issuers_url_count(c); i++)
        sum += strlen(ucp_certificate_ca_issuers_url_at(c, i));
    const char *t = ucp_certificate_template_name(c);
    sum += t ? strlen(t) : 0;
    t = ucp_certificate_template_oid(c);
    sum += t ? strlen(t) : 0;
    size_t len = 0;
    const uint8_t *der = ucp_certificate_der(c, &len);
    FUZZ_ASSERT(der != NULL && len > 0);
    sum += der[len - 1];
    (void)sum;
}

static void load(const uint8_t *data, size_t size, const char *password)
{
    ucp_input *in = NULL;
    ucp_status st = ucp_input_from_data(&in, data, size, "fuzz.bin", password);
    if (st != UCP_OK) {
        FUZZ_ASSERT(in == NULL);
        const ucp_error *e = ucp_error_last();
        FUZZ_ASSERT(e != NULL && ucp_error_code(e) == st);
        /* Every failure names the input. */
        FUZZ_ASSERT(strstr(ucp_error_message(e), "fuzz.bin") != NULL ||
                    (ucp_error_source(e) && strstr(ucp_error_source(e), "fuzz.bin")));
        /* The password never shows up in a message - unless the input itself holds its text,
         * which a message may quote (a PEM label, regressions/input/pem-label-quotes-password-text.pem). */
        if (password && *password && !memmem(data, size, password, strlen(password)))
            FUZZ_ASSERT(strstr(ucp_error_message(e), password) == NULL);
        return;
    }
    FUZZ_ASSERT(ucp_input_certificate_count(in) >= 1);
    for (size_t i = 0; i < ucp_input_certificate_count(in); i++)
        touch_certificate(ucp_input_certificate_at(in, i));
    const char *s = ucp_input_key_provider(in);
    if (s)
        FUZZ_ASSERT(ucp_input_key_provider_state(in) == UCP_KEY_PROVIDER_RECORDED);
    s = ucp_input_friendly_name(in);
    (void)ucp_input_key_match(in);
    (void)ucp_input_key_storage(in);
    (void)ucp_format_name(ucp_input_format(in));
    ucp_input_free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load(data, size, NULL);
    /* PKCS#12: the empty password and a wrong one. */
    if (size > 4 && data[0] == 0x30 && ucp_error_code(ucp_error_last()) == UCP_E_PASSWORD) {
        load(data, size, "");
        load(data, size, "wrong password \xc3\xa9");
    }
    load(data, size, "Pfx-Test-P@ss w0rd"); /* the fixtures' (tests/FIXTURES.md) */
    load(data, size, "contoso");            /* examples/certs/exchange-um.pfx */
    ucp_error_clear();
    return 0;
}
