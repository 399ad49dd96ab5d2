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
