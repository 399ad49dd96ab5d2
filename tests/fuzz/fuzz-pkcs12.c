/* SPDX-License-Identifier: MIT */
/*
 * The PKCS#12 SafeBag and attribute walk (pkcs12.c) on arbitrary bytes, reached directly: through
 * ucp_input_from_data() a mutated file stops at its MAC. The bytes are imported by GnuTLS as a
 * PFX (as input.c does) and walked by ucp_pkcs12_scan() without MAC verification, then the key
 * facts are computed for the first certificate bag; the DER helpers it rests on
 * (ucp_ber_elements, ucp_bmp_to_display) are fed the same bytes. ucp_pkcs12_scan() checks the
 * file's key-derivation budget itself (ucp_pkcs12_check_work), so this harness goes through the
 * same pre-check as the library: an input asking for 5,000,000 iterations is refused, not derived
 * (it ran into libFuzzer's timeout when the pre-check lived in ucp_pkcs12_unlock() alone).
 */
#include <string.h>

#include "config.h"
#include "input/input-private.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static ucp_status first_cert(const uint8_t *der, size_t len, void *data)
{
    ucp_certificate **leaf = data;
    if (!*leaf && ucp_certificate_from_der(leaf, der, len, "fuzz.pfx", 0) != UCP_OK)
        *leaf = NULL;
    return UCP_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ucp_ber_span spans[8];
    size_t count = 0;
    const char *why = NULL;
    if (ucp_ber_elements(data, size, spans, 8, &count, &why)) {
        for (size_t i = 0; i < count; i++)
            FUZZ_ASSERT(spans[i].p >= data && spans[i].p + spans[i].len <= data + size);
    } else {
        FUZZ_ASSERT(why != NULL);
    }
    char *s = ucp_bmp_to_display(data, size, &why);
    free(s);

    gnutls_pkcs12_t p12;
    if (gnutls_pkcs12_init(&p12) < 0)
        return 0;
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)size};
    if (size < (1u << 24) && gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0) >= 0) {
        struct ucp_p12_scan scan;
        for (int pw = 0; pw < 2; pw++) {
            if (ucp_pkcs12_scan(&scan, p12, data, size, pw ? "Pfx-Test-P@ss w0rd" : "", "fuzz.pfx") != UCP_OK) {
                FUZZ_ASSERT(scan.n == 0 && scan.bags == NULL);
                continue;
            }
            FUZZ_ASSERT(scan.n <= UCP_MAX_PKCS12_BAGS && scan.nkeys <= UCP_MAX_PKCS12_KEYS);
            /* What was walked was within the budget, which the scan checked before decrypting. */
            uint64_t work = 0;
            FUZZ_ASSERT(ucp_pkcs12_check_work(data, size, "fuzz.pfx", &work, NULL) == UCP_OK &&
                        work <= UCP_MAX_PKCS12_WORK);
            ucp_certificate *leaf = NULL;
            ucp_pkcs12_each_certificate(&scan, first_cert, &leaf);
            struct ucp_key_facts *k = NULL;
            if (ucp_pkcs12_key_facts(&k, &scan, leaf, pw ? "Pfx-Test-P@ss w0rd" : "", "fuzz.pfx") == UCP_OK) {
                FUZZ_ASSERT(k->present == (scan.nkeys > 0));
                if (k->provider)
                    FUZZ_ASSERT(k->provider_state == UCP_KEY_PROVIDER_RECORDED);
                struct ucp_key_facts *copy = ucp_key_facts_copy(k);
                ucp_key_facts_free(copy);
                ucp_key_facts_free(k);
            }
            ucp_certificate_unref(leaf);
            ucp_pkcs12_scan_dispose(&scan);
        }
    }
    gnutls_pkcs12_deinit(p12);
    ucp_error_clear();
    return 0;
}
