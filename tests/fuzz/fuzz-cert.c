/* SPDX-License-Identifier: MIT */
/*
 * The certificate parser's two paths on arbitrary bytes (internal): ucp_certificate_from_der
 * (the strict walk of x509/index.c, which reads the common certificate without GnuTLS's
 * decoder) against ucp_certificate_from_der_reference (gnutls_x509_crt_import and GnuTLS's
 * getters). The walk never accepts what gnutls_x509_crt_import refuses; both parses succeed or
 * fail together, with the same message naming the input; and every fact is the same
 * (tests/cert-facts.h). Fuzzing looks for disagreements, not only crashes.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "x509/x509-private.h"
#include "../cert-facts.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static char *last_message(void)
{
    const char *m = ucp_error_message(ucp_error_last());
    return strdup(m ? m : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    ucp_certificate *a = NULL, *b = NULL;
    ucp_status sa = ucp_certificate_from_der(&a, data, size, "fuzz.der", 0);
    char *ma = sa != UCP_OK ? last_message() : NULL;
    ucp_status sb = ucp_certificate_from_der_reference(&b, data, size, "fuzz.der", 0);
    char *mb = sb != UCP_OK ? last_message() : NULL;
    if (sa == UCP_OK && a->walked) {
        /* What the walk accepted, GnuTLS's decoder accepts. */
        gnutls_x509_crt_t crt = NULL;
        gnutls_datum_t d = {(unsigned char *)data, (unsigned)size};
        FUZZ_ASSERT(gnutls_x509_crt_init(&crt) >= 0);
        FUZZ_ASSERT(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) >= 0);
        gnutls_x509_crt_deinit(crt);
    }
    FUZZ_ASSERT(sa == sb);
    if (sa != UCP_OK)
        FUZZ_ASSERT(ma && mb && strcmp(ma, mb) == 0 && strstr(ma, "fuzz.der") != NULL);
    else
        FUZZ_ASSERT(cert_facts_difference(a, b) == NULL);
    free(ma);
    free(mb);
    ucp_certificate_unref(a);
    ucp_certificate_unref(b);
    return 0;
}
