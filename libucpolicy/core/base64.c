/* SPDX-License-Identifier: MIT */
/*
 * The base64 body of a PEM block, decoded by nettle's decoder directly. GnuTLS's PEM decoder uses
 * the same nettle code, but first searches the armour again and copies the body without line
 * ends: that wrapper, not the decoding, was most of the cost of reading a batch of PEM files.
 * Anything nettle refuses (headers, stray characters, bad padding) is declined (false) and the
 * caller asks GnuTLS, which decides and words the error.
 */
#include "config.h"

#include <stdlib.h>

#include <nettle/base64.h>

#include "core/core-private.h"

bool ucp_base64_decode_simple(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    size_t cap = BASE64_DECODE_LENGTH(len), n = cap;
    uint8_t *buf = malloc(cap + 1);
    if (!buf)
        return false;
    struct base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, buf, len, (const char *)in) || !base64_decode_final(&ctx) || n == 0) {
        free(buf);
        return false;
    }
    *out = buf;
    *outlen = n;
    return true;
}

/* The first bytes of a body, for a caller that reads only the start of the DER (the system
 * store's index: a certificate's subject lies in its first few hundred bytes), decoded by nettle
 * as far as asked, and further on the next call. When the body ends (*@all), its padding is
 * checked too (base64_decode_final). */
void ucp_base64_head_init(struct ucp_base64_head *h)
{
    base64_decode_init(&h->ctx);
    h->in_done = h->out_done = 0;
}

bool ucp_base64_head_more(struct ucp_base64_head *h, const uint8_t *in, size_t len, uint8_t *out, size_t want,
                          bool *all)
{
    while (h->in_done < len && h->out_done < want) {
        size_t k = len - h->in_done < 64 ? len - h->in_done : 64, got = 0;
        if (want - h->out_done < BASE64_DECODE_LENGTH(k))
            k = (want - h->out_done) / 3 * 4; /* what fits: whole groups of four */
        if (k == 0)
            break;
        if (!base64_decode_update(&h->ctx, &got, out + h->out_done, k, (const char *)in + h->in_done))
            return false;
        h->out_done += got;
        h->in_done += k;
    }
    *all = h->in_done == len;
    return !*all || base64_decode_final(&h->ctx);
}
