/* SPDX-License-Identifier: MIT */
/*
 * The in-tree ASN.1 module (x509/ucpolicy.asn), compiled by asn1Parser at build time and loaded
 * into a libtasn1 definitions tree once per process, and the BMPString text its users share.
 * Decoding copies the definitions (asn1_create_element), so concurrent checks share the tree
 * read-only.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

/* The generated table includes config.h under HAVE_CONFIG_H; ours is already included. */
#define HAVE_CONFIG_H 0
#include "asn1-tab.h"

static pthread_once_t definitions_once = PTHREAD_ONCE_INIT;
static asn1_node definitions;
static int definitions_result = ASN1_GENERIC_ERROR;

static void load_definitions(void)
{
    char error[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
    definitions_result = asn1_array2tree(ucpolicy_asn1_tab, &definitions, error);
}

/* Release the tree when the library is unloaded (keeps leak checkers quiet). */
__attribute__((destructor)) static void unload_definitions(void)
{
    if (definitions)
        asn1_delete_structure(&definitions);
}

bool ucp_asn1_decode(const char *type, const uint8_t *der, size_t len, bool strict, asn1_node *out,
                     char *why, size_t why_size)
{
    *out = NULL;
    pthread_once(&definitions_once, load_definitions);
    if (definitions_result != ASN1_SUCCESS) {
        snprintf(why, why_size, "the built-in ASN.1 module does not load (%s)",
                 asn1_strerror(definitions_result));
        return false;
    }
    if (len > INT32_MAX) {
        snprintf(why, why_size, "%zu bytes is too large", len);
        return false;
    }
    /* Say "truncated" and "trailing data" plainly; libtasn1 reports both as a DER error. */
    struct ucp_tlv t;
    if (!ucp_der_read(der, len, UCP_DER_BER_INDEFINITE, &t)) {
        snprintf(why, why_size, "not a valid %s (a truncated or malformed length)", type);
        return false;
    }
    if (t.total < len) {
        snprintf(why, why_size, "%zu bytes of trailing data after the %s", len - t.total, type);
        return false;
    }
    char name[96];
    snprintf(name, sizeof name, "UCPOLICY.%s", type);
    int ret = asn1_create_element(definitions, name, out);
    if (ret != ASN1_SUCCESS) {
        snprintf(why, why_size, "%s", asn1_strerror(ret));
        return false;
    }
    char desc[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
    int used = (int)len;
    ret = asn1_der_decoding2(out, der, &used, strict ? ASN1_DECODE_FLAG_STRICT_DER : 0, desc);
    if (ret != ASN1_SUCCESS) {
        snprintf(why, why_size, "not a valid %s (libtasn1: %s%s%s)", type, asn1_strerror(ret), *desc ? ", " : "",
                 desc);
        asn1_delete_structure(out);
        return false;
    }
    if ((size_t)used != len) {
        snprintf(why, why_size, "%zu bytes of trailing data", len - (size_t)used);
        asn1_delete_structure(out);
        return false;
    }
    return true;
}

bool ucp_asn1_read(asn1_node node, const char *name, struct ucp_bytes *out)
{
    out->data = NULL;
    out->len = 0;
    int size = 0;
    int ret = asn1_read_value(node, name, NULL, &size);
    if (ret == ASN1_SUCCESS && size == 0) {
        out->data = malloc(1);
        return out->data != NULL;
    }
    if (ret != ASN1_MEM_ERROR || size <= 0)
        return false;
    out->data = malloc((size_t)size);
    if (!out->data)
        return false;
    ret = asn1_read_value(node, name, out->data, &size);
    if (ret != ASN1_SUCCESS) {
        free(out->data);
        out->data = NULL;
        return false;
    }
    out->len = (size_t)size;
    return true;
}

bool ucp_asn1_read_oid(asn1_node node, const char *name, char *buf, size_t size)
{
    int n = (int)size;
    if (asn1_read_value(node, name, buf, &n) != ASN1_SUCCESS || n <= 0 || (size_t)n > size)
        return false;
    buf[size - 1] = '\0';
    /* libtasn1 returns "" for an OID it cannot render. */
    return buf[0] >= '0' && buf[0] <= '2';
}

char *ucp_bmp_to_display(const uint8_t *p, size_t len, const char **why)
{
    *why = NULL;
    if (len % 2) {
        *why = "a BMPString with an odd number of bytes";
        return NULL;
    }
    /* Windows writes some names with a terminating U+0000: drop one. */
    if (len >= 2 && p[len - 2] == 0 && p[len - 1] == 0)
        len -= 2;
    uint8_t *buf = malloc(len * 2 + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 2) {
        uint32_t cp = (uint32_t)p[i] << 8 | p[i + 1];
        if (cp >= 0xdc00 && cp <= 0xdfff) {
            free(buf);
            *why = "a BMPString with an unpaired UTF-16 surrogate";
            return NULL;
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            uint32_t lo = i + 3 < len ? ((uint32_t)p[i + 2] << 8 | p[i + 3]) : 0;
            if (lo < 0xdc00 || lo > 0xdfff) {
                free(buf);
                *why = "a BMPString with an unpaired UTF-16 surrogate";
                return NULL;
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 2;
        }
        o += ucp_utf8_put(buf + o, cp);
    }
    char *s = ucp_display_bytes(buf, o);
    free(buf);
    return s;
}
