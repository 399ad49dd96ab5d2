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

void ucp_certificate_templates_dispose(ucp_certificate *c)
{
    free(c->template_name);
    free(c->template_oid);
    free(c->template_problem);
    c->template_name = c->template_oid = c->template_problem = NULL;
}

bool ucp_template_problem(ucp_certificate *c, const char *oid, const char *what, const char *why)
{
    if (c->template_problem)
        return true;
    c->template_problem = ucp_asprintf("%s extension (%s) is malformed: %s", what, oid, why);
    return c->template_problem != NULL;
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

static ucp_status decode_template(ucp_certificate *c, const gnutls_datum_t *ext)
{
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64];
    asn1_node node = NULL;
    if (!ucp_asn1_decode("CertificateTemplate", ext->data, ext->size, true, &node, why, sizeof why))
        return ucp_template_problem(c, OID_TEMPLATE, "certificate template", why) ? UCP_OK : ucp_fail_nomem();
    char oid[256];
    ucp_status st = UCP_OK;
    if (!ucp_asn1_read_oid(node, "templateID", oid, sizeof oid)) {
        if (!ucp_template_problem(c, OID_TEMPLATE, "certificate template", "the templateID is not a valid OID"))
            st = ucp_fail_nomem();
        goto out;
    }
    int64_t major = read_version(node, "templateMajorVersion");
    int64_t minor = read_version(node, "templateMinorVersion");
    if (major < -1 || minor < -1) {
        if (!ucp_template_problem(c, OID_TEMPLATE, "certificate template",
                     "a template version is not an integer from 0 to 4294967295"))
            st = ucp_fail_nomem();
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
    char why[ASN1_MAX_ERROR_DESCRIPTION_SIZE + 64];
    asn1_node node = NULL;
    if (!ucp_asn1_decode("CertificateTemplateName", ext->data, ext->size, true, &node, why, sizeof why))
        return ucp_template_problem(c, OID_TEMPLATE_NAME, "certificate template name", why) ? UCP_OK : ucp_fail_nomem();
    char choice[32];
    int n = sizeof choice;
    ucp_status st = UCP_OK;
    struct ucp_bytes v = {NULL, 0};
    if (asn1_read_value(node, "", choice, &n) != ASN1_SUCCESS) {
        if (!ucp_template_problem(c, OID_TEMPLATE_NAME, "certificate template name", "no name"))
            st = ucp_fail_nomem();
        goto out;
    }
    bool bmp = strcmp(choice, "bmp") == 0;
    const char *path = bmp ? "bmp" : strcmp(choice, "utf8") == 0 ? "utf8" : "wcce.name";
    if (!ucp_asn1_read(node, path, &v)) {
        st = ucp_fail_nomem();
        goto out;
    }
    if (v.len > UCP_MAX_ATTRIBUTE_TEXT) {
        if (!ucp_template_problem(c, OID_TEMPLATE_NAME, "certificate template name", "the name is longer than 4096 bytes"))
            st = ucp_fail_nomem();
        goto out;
    }
    const char *bad = NULL;
    char *name = bmp ? ucp_bmp_to_display(v.data, v.len, &bad) : ucp_display_bytes(v.data, v.len);
    if (!name) {
        if (!bad || !ucp_template_problem(c, OID_TEMPLATE_NAME, "certificate template name", bad))
            st = ucp_fail_nomem();
        goto out;
    }
    if (!*name) {
        free(name);
        if (!ucp_template_problem(c, OID_TEMPLATE_NAME, "certificate template name", "the name is empty"))
            st = ucp_fail_nomem();
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
        return ucp_template_problem(c, oid, "certificate template", "too large") ? UCP_OK : ucp_fail_nomem();
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
        return ucp_template_problem(c, oid, what, gnutls_strerror(ret)) ? UCP_OK : ucp_fail_nomem();
    gnutls_datum_t second = {NULL, 0};
    if (ucp_certificate_get_extension(c, oid, 1, &second, &critical) >= 0) {
        gnutls_free(second.data);
        gnutls_free(ext->data);
        ext->data = NULL;
        return ucp_template_problem(c, oid, what, "it appears twice in the certificate") ? UCP_OK
                                                                                    : ucp_fail_nomem();
    }
    *found = true;
    return UCP_OK;
}

ucp_status ucp_certificate_read_templates(ucp_certificate *c)
{
    c->template_major = c->template_minor = -1;
    gnutls_datum_t ext = {NULL, 0};
    bool found;
    ucp_status st = find_template_extension(c, OID_TEMPLATE, "certificate template", &ext, &found);
    if (st == UCP_OK && found)
        st = ucp_template_decode_extension(c, OID_TEMPLATE, ext.data, ext.size);
    gnutls_free(ext.data);
    ext.data = NULL;
    if (st != UCP_OK)
        return st;
    st = find_template_extension(c, OID_TEMPLATE_NAME, "certificate template name", &ext, &found);
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
