/* SPDX-License-Identifier: MIT */
/*
 * The DER reader (x509/der.c, internal) on arbitrary bytes, in each of its modes: what it reads
 * lies within the bytes; the header, the identifier and exact reading agree with a read; each
 * mode reads what the stricter one reads, the same way; walks move forward and stay inside;
 * ucp_ber_elements gives contiguous spans of the value; an OID the encoder writes is valid.
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

static bool same(const struct ucp_tlv *a, const struct ucp_tlv *b)
{
    return a->cls == b->cls && a->tag == b->tag && a->value == b->value && a->hdr == b->hdr && a->len == b->len &&
           a->total == b->total && a->indefinite == b->indefinite;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ucp_tlv t[3], h;
    bool ok[3];
    for (int m = UCP_DER_STRICT; m <= UCP_DER_BER_INDEFINITE; m++) {
        enum ucp_der_mode mode = (enum ucp_der_mode)m;
        ok[m] = ucp_der_read(data, size, mode, &t[m]);
        FUZZ_ASSERT(ucp_der_read_exact(data, size, mode, &h) == (ok[m] && t[m].total == size));
        if (!ok[m])
            continue;
        const struct ucp_tlv *r = &t[m];
        FUZZ_ASSERT(r->hdr >= 2 && r->total <= size && r->value == data + r->hdr);
        FUZZ_ASSERT(r->total == r->hdr + r->len + (r->indefinite ? 2 : 0));
        FUZZ_ASSERT(!r->indefinite || (mode == UCP_DER_BER_INDEFINITE && (r->cls & ASN1_CLASS_STRUCTURED)));
        if (r->indefinite)
            FUZZ_ASSERT(data[r->total - 2] == 0 && data[r->total - 1] == 0);
        FUZZ_ASSERT(ucp_der_header(data, size, mode, &h) && h.cls == r->cls && h.tag == r->tag && h.hdr == r->hdr &&
                    h.indefinite == r->indefinite && (r->indefinite || (h.len == r->len && h.total == r->total)));
        FUZZ_ASSERT(ucp_der_identifier(data, size, mode, &h) && h.cls == r->cls && h.tag == r->tag && h.hdr < r->hdr);
    }
    for (int m = UCP_DER_BER; m <= UCP_DER_BER_INDEFINITE; m++)
        if (ok[m - 1])
            FUZZ_ASSERT(ok[m] && same(&t[m - 1], &t[m]));

    for (int m = UCP_DER_STRICT; m <= UCP_DER_BER_INDEFINITE; m++) {
        const uint8_t *p = data;
        size_t left = size;
        struct ucp_tlv e;
        while (ucp_der_next(&p, &left, (enum ucp_der_mode)m, &e))
            FUZZ_ASSERT(e.total > 0 && p <= data + size && left == (size_t)(data + size - p));
    }

    struct ucp_ber_span spans[16];
    size_t count = 0;
    const char *why = NULL;
    if (ucp_ber_elements(data, size, spans, 16, &count, &why)) {
        const struct ucp_tlv *r = &t[UCP_DER_BER_INDEFINITE];
        FUZZ_ASSERT(ok[UCP_DER_BER_INDEFINITE] && r->total == size && (r->cls & ASN1_CLASS_STRUCTURED));
        const uint8_t *q = r->value;
        for (size_t i = 0; i < count; i++) {
            FUZZ_ASSERT(spans[i].p == q && spans[i].len > 0);
            q += spans[i].len;
        }
        FUZZ_ASSERT(q == r->value + r->len);
    } else {
        FUZZ_ASSERT(why != NULL);
    }

    char text[256];
    size_t n = size < sizeof text - 1 ? size : sizeof text - 1;
    memcpy(text, data, n);
    text[n] = '\0';
    uint8_t oid[64];
    size_t oidlen = 0;
    if (ucp_der_oid_encode(text, oid, sizeof oid, &oidlen))
        FUZZ_ASSERT(oidlen > 0 && oidlen <= sizeof oid && ucp_der_oid_valid(oid, oidlen));
    return 0;
}
