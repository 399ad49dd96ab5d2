/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft certificate template extensions, decoded with libtasn1 and the in-tree module
 * (x509/ucpolicy.asn) since GnuTLS knows neither:
 *   1.3.6.1.4.1.311.21.7  szOID_CERTIFICATE_TEMPLATE       templateID, major and minor versions
 *   1.3.6.1.4.1.311.20.2  szOID_ENROLL_CERTTYPE_EXTENSION  the template name (version 1 templates)
 * [MS-WCCE] says both MUST be DER: they are decoded strictly. A malformed extension does not stop
 * the certificate from loading (peers other than Windows CAs ignore it); it is recorded, and the
 * checks report it for the leaf (input.template-malformed). Both are found through the
 * certificate's extension index (index.c); a second copy of either is a problem too.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x509/x509-private.h"

#define OID_TEMPLATE "1.3.6.1.4.1.311.21.7"
#define OID_TEMPLATE_NAME "1.3.6.1.4.1.311.20.2"
#define WHAT_TEMPLATE "certificate template"
#define WHAT_TEMPLATE_NAME "certificate template name"

void ucp_certificate_templates_dispose(ucp_certificate *c)
{
    free(c->template_name);
    free(c->template_oid);
    free(c->template_problem);
    c->template_name = c->template_oid = c->template_problem = NULL;
}

/* Record why template extension @oid is malformed in c->template_problem (the first problem
 * wins); the certificate still loads. UCP_OK, or UCP_E_NO_MEMORY. */
static ucp_status problem(ucp_certificate *c, const char *oid, const char *what, const char *why)
{
    if (!c->template_problem)
        c->template_problem = ucp_asprintf("%s extension (%s) is malformed: %s", what, oid, why);
    return c->template_problem ? UCP_OK : ucp_fail_nomem();
}

/* A version INTEGER (0..4294967295); -1 when absent, -2 when out of range or malformed. */
static int64_t read_version(asn1_node node, const char *name)
{
    struct ucp_bytes v;
    if (!ucp_asn1_read(node, name, &v))
        return -1;
    int64_t r = -2;
    /* Two's complement, big-endian, minimal (strict DER was enforced by the decoder). */
    if (v.len >= 1 && v.len <= 5 && !(v.data[0] & 0x80) && (v.len < 5 || v.data[0] == 0)) {
        uint64_t x = 0;
        for (size_t i = 0; i < v.len; i++)
            x = x << 8 | v.data[i];
        if (x <= UINT32_MAX)
            r = (int64_t)x;
    }
    free(v.data);
    return r;
}

/* Decode the extension value @ext strictly as the module's @type into *@node; when it does not
 * decode, *@node stays NULL and why is recorded as the problem of the extension @oid. */
static ucp_status decode(ucp_certificate *c, const char *type, const char *oid, const char *what,
                         const gnutls_datum_t *ext, asn1_node *node)
{
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64];
    return ucp_asn1_decode(type, ext->data, ext->size, true, node, why, sizeof why) ? UCP_OK
                                                                                   : problem(c, oid, what, why);
}

static ucp_status decode_template(ucp_certificate *c, const gnutls_datum_t *ext)
{
    asn1_node node = NULL;
    ucp_status st = decode(c, "CertificateTemplate", OID_TEMPLATE, WHAT_TEMPLATE, ext, &node);
    if (!node)
        return st;
    char oid[256];
    if (!ucp_asn1_read_oid(node, "templateID", oid, sizeof oid)) {
        st = problem(c, OID_TEMPLATE, WHAT_TEMPLATE, "the templateID is not a valid OID");
        goto out;
    }
    int64_t major = read_version(node, "templateMajorVersion");
    int64_t minor = read_version(node, "templateMinorVersion");
    if (major < -1 || minor < -1) {
        st = problem(c, OID_TEMPLATE, WHAT_TEMPLATE, "a template version is not an integer from 0 to 4294967295");
        goto out;
    }
    c->template_oid = ucp_strdup(oid);
    if (!c->template_oid) {
        st = ucp_fail_nomem();
        goto out;
    }
    c->template_major = major;
    c->template_minor = minor;
out:
    asn1_delete_structure(&node);
    return st;
}

static ucp_status decode_template_name(ucp_certificate *c, const gnutls_datum_t *ext)
{
    asn1_node node = NULL;
    ucp_status st = decode(c, "CertificateTemplateName", OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, ext, &node);
    if (!node)
        return st;
    char choice[32];
    int n = sizeof choice;
    struct ucp_bytes v = {NULL, 0};
    if (asn1_read_value(node, "", choice, &n) != ASN1_SUCCESS) {
        st = problem(c, OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, "no name");
        goto out;
    }
    bool bmp = strcmp(choice, "bmp") == 0;
    const char *path = bmp ? "bmp" : strcmp(choice, "utf8") == 0 ? "utf8" : "wcce.name";
    if (!ucp_asn1_read(node, path, &v)) {
        st = ucp_fail_nomem();
        goto out;
    }
    if (v.len > UCP_MAX_ATTRIBUTE_TEXT) {
        st = problem(c, OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, "the name is longer than 4096 bytes");
        goto out;
    }
    const char *bad = NULL;
    char *name = bmp ? ucp_bmp_to_display(v.data, v.len, &bad) : ucp_display_bytes(v.data, v.len);
    if (!name) {
        st = bad ? problem(c, OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, bad) : ucp_fail_nomem();
        goto out;
    }
    if (!*name) {
        free(name);
        st = problem(c, OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, "the name is empty");
        goto out;
    }
    c->template_name = name;
out:
    free(v.data);
    asn1_delete_structure(&node);
    return st;
}

ucp_status ucp_template_decode_extension(ucp_certificate *c, const char *oid, const uint8_t *der, size_t len)
{
    gnutls_datum_t ext = {(unsigned char *)der, (unsigned)len};
    if (len > UINT32_MAX)
        return problem(c, oid, WHAT_TEMPLATE, "too large");
    if (strcmp(oid, OID_TEMPLATE) == 0)
        return decode_template(c, &ext);
    if (strcmp(oid, OID_TEMPLATE_NAME) == 0)
        return decode_template_name(c, &ext);
    return UCP_OK;
}

/* The extension's value if present once; a second copy is a problem (RFC 5280 4.2). */
static ucp_status find_template_extension(ucp_certificate *c, const char *oid, const char *what,
                                          gnutls_datum_t *ext, bool *found)
{
    *found = false;
    unsigned critical = 0;
    int ret = ucp_certificate_get_extension(c, oid, 0, ext, &critical);
    if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        return UCP_OK;
    if (ret < 0)
        return problem(c, oid, what, gnutls_strerror(ret));
    gnutls_datum_t second = {NULL, 0};
    if (ucp_certificate_get_extension(c, oid, 1, &second, &critical) >= 0) {
        gnutls_free(second.data);
        gnutls_free(ext->data);
        ext->data = NULL;
        return problem(c, oid, what, "it appears twice in the certificate");
    }
    *found = true;
    return UCP_OK;
}

ucp_status ucp_certificate_read_templates(ucp_certificate *c)
{
    c->template_major = c->template_minor = -1;
    gnutls_datum_t ext = {NULL, 0};
    bool found;
    ucp_status st = find_template_extension(c, OID_TEMPLATE, WHAT_TEMPLATE, &ext, &found);
    if (st == UCP_OK && found)
        st = ucp_template_decode_extension(c, OID_TEMPLATE, ext.data, ext.size);
    gnutls_free(ext.data);
    ext.data = NULL;
    if (st != UCP_OK)
        return st;
    st = find_template_extension(c, OID_TEMPLATE_NAME, WHAT_TEMPLATE_NAME, &ext, &found);
    if (st == UCP_OK && found)
        st = ucp_template_decode_extension(c, OID_TEMPLATE_NAME, ext.data, ext.size);
    gnutls_free(ext.data);
    return st;
}

UCP_EXPORT const char *ucp_certificate_template_name(const ucp_certificate *c)
{
    return c ? c->template_name : NULL;
}

UCP_EXPORT const char *ucp_certificate_template_oid(const ucp_certificate *c)
{
    return c ? c->template_oid : NULL;
}

UCP_EXPORT int64_t ucp_certificate_template_major(const ucp_certificate *c)
{
    return c && c->template_oid ? c->template_major : -1;
}

UCP_EXPORT int64_t ucp_certificate_template_minor(const ucp_certificate *c)
{
    return c && c->template_oid ? c->template_minor : -1;
}
