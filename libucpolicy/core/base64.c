/* SPDX-License-Identifier: MIT */
/*
 * A table-driven decoder for the base64 body of a PEM block, for the common case only: lines of
 * the alphabet ending in LF or CRLF, canonical padding. It declines (returns false) anything else
 * (headers, other whitespace, stray characters, non-zero padding bits) and the caller then asks
 * GnuTLS's decoder, the reference, which decides and words the error. GnuTLS's decoder (nettle's,
 * one call per character) costs several times this in a batch of files.
 */
#include "config.h"

#include <stdlib.h>

#include "core/core-private.h"

/* 1-64: the value plus one; 65: '='; 66: CR or LF (skipped); 0: anything else (declined). */
static const uint8_t b64[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6, ['G'] = 7, ['H'] = 8,
    ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12, ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16,
    ['Q'] = 17, ['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
    ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40,
    ['o'] = 41, ['p'] = 42, ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56,
    ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
    ['='] = 65, ['\r'] = 66, ['\n'] = 66,
};

bool ucp_base64_decode_simple(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    uint8_t *buf = malloc(len / 4 * 3 + 3);
    if (!buf)
        return false;
    size_t n = 0;
    uint32_t acc = 0;
    unsigned have = 0, pad = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t v = b64[in[i]];
        if (v - 1u < 64) {
            if (pad)
                goto decline; /* data after padding */
            acc = acc << 6 | (uint32_t)(v - 1);
            if (++have == 4) {
                buf[n++] = (uint8_t)(acc >> 16);
                buf[n++] = (uint8_t)(acc >> 8);
                buf[n++] = (uint8_t)acc;
                acc = 0;
                have = 0;
            }
        } else if (v == 65) {
            if (have < 2 || have + ++pad > 4)
                goto decline;
        } else if (v != 66) {
            goto decline;
        }
    }
    if (pad) {
        if (have + pad != 4)
            goto decline;
        if (have == 2) { /* 12 bits, one byte */
            if (acc & 0xf)
                goto decline;
            buf[n++] = (uint8_t)(acc >> 4);
        } else { /* 18 bits, two bytes */
            if (acc & 0x3)
                goto decline;
            buf[n++] = (uint8_t)(acc >> 10);
            buf[n++] = (uint8_t)(acc >> 2);
        }
    } else if (have) {
        goto decline;
    }
    if (n == 0)
        goto decline;
    *out = buf;
    *outlen = n;
    return true;
decline:
    free(buf);
    return false;
}
