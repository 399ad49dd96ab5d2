/* SPDX-License-Identifier: MIT */
/*
 * Host-name syntax and RFC 6125 wildcard matching (names.c, through the internal twin): the input
 * is "PRESENTED\nHOST". Beyond not crashing, the matcher's promises are checked: a name with a NUL
 * never matches, a match is either the same name (ASCII case aside) or a wildcard covering exactly
 * one left-most label, and never a public suffix or a partial label.
 */
#include <string.h>

#include "config.h"
#include "x509/x509-private.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t plen = nl ? (size_t)(nl - data) : size;
    const uint8_t *h = nl ? nl + 1 : data;
    size_t hlen = nl ? size - plen - 1 : size;
    unsigned char bad = 0;
    enum ucp_name_problem pp = ucp_name_check(data, plen, true, &bad);
    enum ucp_name_problem hp = ucp_name_check(h, hlen, false, &bad);
    FUZZ_ASSERT(ucp_name_problem_text(pp)[0] != '\0');
    if (memchr(data, '\0', plen))
        FUZZ_ASSERT(pp == UCP_NAME_NUL);
    char *d = ucp_display_bytes(data, plen);
    FUZZ_ASSERT(d != NULL && strlen(d) >= plen / 4); /* never truncated at a NUL */
    free(d);

    char *p = ucp_strndup((const char *)data, plen), *host = ucp_strndup((const char *)h, hlen);
    if (!p || !host) {
        free(p);
        free(host);
        return 0;
    }
    /* ucp_name_matches() takes C strings: the checks hand it only names without NUL (a SAN or CN
     * with one is reported by ucp_name_check() and never matched; fuzz-check and the hostile
     * inputs cover that path). Here the strings are what precedes a NUL. */
    bool whole = strlen(p) == plen && strlen(host) == hlen;
    plen = strlen(p);
    hlen = strlen(host);
    bool m = ucp_name_matches(p, host);
    if (m) {
        if (whole)
            FUZZ_ASSERT(pp == UCP_NAME_OK && hp == UCP_NAME_OK);
        FUZZ_ASSERT(ucp_name_check((const uint8_t *)p, plen, true, NULL) == UCP_NAME_OK);
        FUZZ_ASSERT(ucp_name_check((const uint8_t *)host, hlen, false, NULL) == UCP_NAME_OK);
        if (p[0] != '*') {
            FUZZ_ASSERT(ucp_strcaseeq_n(p, plen, host, hlen));
        } else {
            const char *dot = strchr(host, '.');
            FUZZ_ASSERT(plen > 2 && p[1] == '.' && !strchr(p + 1, '*'));
            FUZZ_ASSERT(dot && dot > host && ucp_strcaseeq_n(p + 1, plen - 1, dot, strlen(dot)));
            FUZZ_ASSERT(strchr(p + 2, '.') != NULL && !ucp_is_public_suffix(p + 2));
        }
    }
    /* Case never matters, and the matcher is deterministic. */
    for (char *q = host; *q; q++)
        *q = (*q >= 'a' && *q <= 'z') ? (char)(*q - 32) : *q;
    FUZZ_ASSERT(ucp_name_matches(p, host) == m);
    (void)ucp_name_is_idn(p);
    (void)ucp_name_is_wildcard(p);
    (void)ucp_name_is_single_label(p);
    const char *why = NULL;
    char *norm = ucp_normalize_fqdn(host, &why);
    if (norm) {
        FUZZ_ASSERT(ucp_name_check((const uint8_t *)norm, strlen(norm), false, NULL) == UCP_NAME_OK);
        FUZZ_ASSERT(ucp_name_matches(norm, host) || strlen(host) != strlen(norm));
        free(norm);
    } else {
        FUZZ_ASSERT(why != NULL);
    }
    free(p);
    free(host);
    return 0;
}
