/* SPDX-License-Identifier: MIT */
/*
 * Small helpers the x509/ files share: byte buffers, lists of strings, hexadecimal text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

void ucp_bytes_free(struct ucp_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

bool ucp_bytes_set(struct ucp_bytes *b, const void *data, size_t len)
{
    b->data = malloc(len ? len : 1);
    if (!b->data)
        return false;
    if (len)
        memcpy(b->data, data, len);
    b->len = len;
    return true;
}

void ucp_strv_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

bool ucp_strv_push(char ***v, size_t *n, char *s)
{
    if (!s)
        return false;
    char **p = realloc(*v, (*n + 1) * sizeof **v);
    if (!p) {
        free(s);
        return false;
    }
    *v = p;
    p[(*n)++] = s;
    return true;
}

char *ucp_hex_upper(const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    char *s = malloc(n * 2 + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[n * 2] = '\0';
    return s;
}
