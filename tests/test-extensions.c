/* SPDX-License-Identifier: MIT */
/*
 * The direct DER readers of certificate.c against GnuTLS's getters: every certificate is parsed
 * twice, with ucp_certificate_from_der (the TBSCertificate index and the direct extension
 * readers) and ucp_certificate_from_der_reference (GnuTLS's getters only), and every fact the
 * rules and reports use must be the same, or both parses must fail with the same message.
 *
 * Certificates: extensions of unusual shapes made here with GnuTLS (raw extension values:
 * critical or non-URI AIA entries, CRL distribution points without a full name or with a
 * cRLIssuer, long or composite key identifiers, non-minimal DER lengths, duplicate extensions,
 * several CNs, BMPString CNs), then every certificate of the system trust
 * store (/etc/ssl/certs) and of the test fixtures (UCPOLICY_FIXTURES) when present.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap-gnutls.h"
#include "input/input-private.h"
#include "cert-facts.h"

static int compared, differing, walked;

/* Parse @der both ways; record the comparison. */
static void compare(const char *name, const uint8_t *der, size_t len, bool quiet)
{
    ucp_certificate *a = NULL, *b = NULL;
    ucp_status sa = ucp_certificate_from_der(&a, der, len, name, 0);
    char *ma = sa != UCP_OK ? strdup(ucp_error_message(ucp_error_last())) : NULL;
    ucp_status sb = ucp_certificate_from_der_reference(&b, der, len, name, 0);
    char *mb = sb != UCP_OK ? strdup(ucp_error_message(ucp_error_last())) : NULL;
    const char *diff = NULL;
    if (sa != sb || !same_str(ma, mb))
        diff = "parse result";
    else if (sa == UCP_OK)
        diff = cert_facts_difference(a, b);
    compared++;
    if (sa == UCP_OK && a->walked)
        walked++;
    if (diff) {
        differing++;
        printf("# %s: %s differs\n", name, diff);
    }
    if (!quiet)
        CHECK(diff == NULL, "%s: the same facts both ways%s", name, sa == UCP_OK ? "" : " (both refuse it)");
    free(ma);
    free(mb);
    ucp_certificate_unref(a);
    ucp_certificate_unref(b);
}

/* ---- certificates with unusual extensions -------------------------------------------------- */

static gnutls_x509_privkey_t key;

static gnutls_x509_crt_t base_crt(const char *dn)
{
    gnutls_x509_crt_t crt;
    const char *err = NULL;
    GT(gnutls_x509_crt_init(&crt));
    GT(gnutls_x509_crt_set_version(crt, 3));
    GT(gnutls_x509_crt_set_dn(crt, dn, &err));
    GT(gnutls_x509_crt_set_issuer_dn(crt, "CN=Odd Issuer", &err));
    GT(gnutls_x509_crt_set_key(crt, key));
    unsigned char serial[2] = {0x12, 0x34};
    GT(gnutls_x509_crt_set_serial(crt, serial, sizeof serial));
    GT(gnutls_x509_crt_set_activation_time(crt, 1700000000));
    GT(gnutls_x509_crt_set_expiration_time(crt, 1900000000));
    return crt;
}

static void ext(gnutls_x509_crt_t crt, const char *oid, const char *hex, bool critical)
{
    unsigned char buf[4096];
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1];) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        sscanf(p, "%2x", &v);
        buf[n++] = (unsigned char)v;
        p += 2;
    }
    GT(gnutls_x509_crt_set_extension_by_oid(crt, oid, buf, n, critical));
}

/* Sign, export, optionally replace @from by @to (same length) in the DER, compare. */
static void finish(const char *name, gnutls_x509_crt_t crt, const char *from, const char *to)
{
    GT(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));
    gnutls_datum_t der = {NULL, 0};
    GT(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der));
    if (from) {
        size_t fl = strlen(from) / 2;
        unsigned char f[64], t[64];
        for (size_t i = 0; i < fl; i++) {
            unsigned v;
            sscanf(from + 2 * i, "%2x", &v);
            f[i] = (unsigned char)v;
            sscanf(to + 2 * i, "%2x", &v);
            t[i] = (unsigned char)v;
        }
        for (size_t i = 0; i + fl <= der.size; i++)
            if (memcmp(der.data + i, f, fl) == 0) {
                memcpy(der.data + i, t, fl);
                break;
            }
    }
    compare(name, der.data, der.size, false);
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(crt);
}

/* A URI GeneralName [6] "http://x/" as hex. */
#define URI "8609687474703a2f2f782f"
#define OCSP_OID "06082b06010505073001"
#define CAI_OID "06082b06010505073002"

static void odd_certificates(void)
{
    gnutls_x509_crt_t c;
    const char *aia = "1.3.6.1.5.5.7.1.1", *cdp = "2.5.29.31";

    c = base_crt("CN=aia-plain");
    ext(c, aia, "3022 300f" OCSP_OID URI " 300f" CAI_OID URI, false);
    finish("AIA: OCSP and caIssuers URIs", c, NULL, NULL);

    c = base_crt("CN=aia-dns");
    ext(c, aia, "301e 300b" OCSP_OID "8201 78 300f" CAI_OID URI, false);
    finish("AIA: a DNS-name location before a URI", c, NULL, NULL);

    c = base_crt("CN=aia-critical");
    ext(c, aia, "3022 300f" OCSP_OID URI " 300f" CAI_OID URI, true);
    finish("AIA: critical", c, NULL, NULL);

    c = base_crt("CN=aia-other-method");
    ext(c, aia, "3022 300f 06082b06010505073003" URI " 300f" CAI_OID URI, false);
    finish("AIA: an unknown access method", c, NULL, NULL);

    c = base_crt("CN=aia-long-length");
    ext(c, aia, "308123 300f" OCSP_OID URI " 300f" CAI_OID URI, false);
    finish("AIA: a non-minimal length", c, NULL, NULL);

    c = base_crt("CN=aia-directory-name");
    ext(c, aia, "3024 3011" OCSP_OID "a40530033001 00 300f" CAI_OID URI, false);
    finish("AIA: a malformed directoryName location", c, NULL, NULL);
    {
        /* 70 entries: the per-position reader stops at 64. */
        char hex[4096];
        size_t n = (size_t)sprintf(hex, "30820432");
        for (int i = 0; i < 70; i++)
            n += (size_t)sprintf(hex + n, "300f%s%s", i % 2 ? OCSP_OID : CAI_OID, URI);
        c = base_crt("CN=aia-many");
        ext(c, aia, hex, false);
        finish("AIA: 70 entries", c, NULL, NULL);
    }

    c = base_crt("CN=cdp-two");
    ext(c, cdp, "302a 300f a00d a00b" URI " 3017 a00d a00b" URI " 81020560", false);
    finish("CRL DP: two points, reasons on the second", c, NULL, NULL);

    c = base_crt("CN=cdp-mixed");
    ext(c, cdp, "3014 3012 a010 a00e" URI "820178", false);
    finish("CRL DP: a URI and a DNS name", c, NULL, NULL);

    c = base_crt("CN=cdp-issuer-only");
    ext(c, cdp, "301d 300a a208 a4063004310230 00 300f a00d a00b" URI, false);
    finish("CRL DP: a point with a cRLIssuer only, then a URI", c, NULL, NULL);

    c = base_crt("CN=cdp-relative");
    ext(c, cdp, "3021 3010 a00e a10c 300a 0603550403 0c0378797a 300d a00b a009" URI, false);
    finish("CRL DP: nameRelativeToCRLIssuer, then a URI", c, NULL, NULL);

    c = base_crt("CN=cdp-empty-fullname");
    ext(c, cdp, "3017 3004 a002 a000 300f a00d a00b" URI, false);
    finish("CRL DP: an empty fullName, then a URI", c, NULL, NULL);

    c = base_crt("CN=cdp-issuer-too");
    ext(c, cdp, "301d 301b a00d a00b" URI " a20a a4083006310430020600", false);
    finish("CRL DP: a URI with a cRLIssuer", c, NULL, NULL);

    c = base_crt("CN=aki-full");
    ext(c, "2.5.29.35", "3018 8004 01020304 a10aa4083006310430020600 820102", false);
    finish("AKI: key id, issuer and serial", c, NULL, NULL);

    c = base_crt("CN=aki-long");
    {
        char hex[300] = "3048 8046";
        for (int i = 0; i < 70; i++)
            strcat(hex, "ab");
        ext(c, "2.5.29.35", hex, false);
        ext(c, "2.5.29.14", hex + 5, false); /* an OCTET STRING? no: [0]; GnuTLS refuses it */
    }
    finish("AKI and SKI: 70-byte identifiers", c, NULL, NULL);

    c = base_crt("CN=aki-empty");
    ext(c, "2.5.29.35", "3000", false);
    ext(c, "2.5.29.14", "0400", false);
    finish("AKI: empty; SKI: empty", c, NULL, NULL);

    c = base_crt("CN=ski-long");
    {
        char hex[300] = "0446";
        for (int i = 0; i < 70; i++)
            strcat(hex, "cd");
        ext(c, "2.5.29.14", hex, false);
    }
    ext(c, "2.5.29.35", "30028000", false);
    finish("SKI: 70 bytes; AKI: a zero-length key id", c, NULL, NULL);

    c = base_crt("CN=ski-integer");
    ext(c, "2.5.29.14", "020101", false);
    ext(c, "2.5.29.35", "30068104deadbeef", false);
    finish("SKI: an INTEGER; AKI: a wrong tag", c, NULL, NULL);

    c = base_crt("CN=first,CN=second,O=Odd");
    finish("two CNs", c, NULL, NULL);

    c = base_crt("O=No CN");
    GT(gnutls_x509_crt_set_dn_by_oid(c, "2.5.4.3", 1, "\x1e\x04\x00\x41\x00\x42", 6));
    finish("a BMPString CN", c, NULL, NULL);

    /* Duplicate extensions: an IAN renamed to a second SAN after signing (same length). */
    c = base_crt("CN=duplicate-san");
    GT(gnutls_x509_crt_set_subject_alt_name(c, GNUTLS_SAN_DNSNAME, "a.example", 9, GNUTLS_FSAN_APPEND));
    ext(c, "2.5.29.18", "300b8209622e6578616d706c65", false);
    finish("two SAN extensions", c, "0603551d12", "0603551d11");

    c = base_crt("CN=duplicate-aia");
    ext(c, aia, "3011 300f" OCSP_OID URI, false);
    ext(c, "1.3.6.1.5.5.7.1.11", "3011 300f" OCSP_OID URI, false);
    finish("two AIA extensions", c, "06082b0601050507010b", "06082b06010505070101");

    /* The edges of the strict walk (x509/index.c) and of the direct key usage and basic
     * constraints readers: what they read must be what GnuTLS reads, what they leave to GnuTLS
     * must come out as before. */
    c = base_crt("CN=ku-two-octets");
    ext(c, "2.5.29.15", "0303070080", true);
    finish("key usage: two octets (decipherOnly)", c, NULL, NULL);
    c = base_crt("CN=ku-padding");
    ext(c, "2.5.29.15", "03020781", false);
    finish("key usage: unused bits set", c, NULL, NULL);
    c = base_crt("CN=bc-pathlen");
    ext(c, "2.5.29.19", "30070101ff0202012c", true);
    finish("basic constraints: CA, pathLen 300", c, NULL, NULL);
    c = base_crt("CN=bc-false");
    ext(c, "2.5.29.19", "3003010100", false);
    finish("basic constraints: an explicit cA FALSE", c, NULL, NULL);
    c = base_crt("CN=critical-false");
    ext(c, "2.5.29.15", "03020780", true);
    finish("an explicit critical FALSE", c, "551d0f0101ff", "551d0f010100");
    c = base_crt("CN=san-empty-name");
    ext(c, "2.5.29.17", "3004 8200 8200", false);
    finish("subjectAltName: empty dNSNames (GnuTLS refuses the certificate)", c, NULL, NULL);
    c = base_crt("CN=san-othername");
    ext(c, "2.5.29.17", "3011 a00b 06032a0304 a0040c026162 82026162", false);
    finish("subjectAltName: an otherName", c, NULL, NULL);
    c = base_crt("CN=ian");
    ext(c, "2.5.29.18", "3004 82026162", false);
    finish("an issuerAltName", c, NULL, NULL);
    c = base_crt("CN=sig-mismatch");
    finish("the inner signature algorithm differs from the outer", c, "2a8648ce3d040302", "2a8648ce3d040303");
    c = base_crt("CN=before-1970");
    finish("notBefore in 1969", c, "3233313131343232", "3639313131343232");
    c = base_crt("CN=v1");
    GT(gnutls_x509_crt_set_version(c, 1));
    finish("a version 1 certificate", c, NULL, NULL);
}

/* ---- certificates on this machine ------------------------------------------------------------ */

static void scan_dir(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
#ifdef _WIN32 /* no d_type */
        struct stat st;
        bool is_dir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
#else
        bool is_dir = e->d_type == DT_DIR;
#endif
        if (is_dir && depth < 4) {
            scan_dir(path, depth + 1);
            continue;
        }
        if (l < 4 || (strcmp(e->d_name + l - 4, ".pem") && strcmp(e->d_name + l - 4, ".der") &&
                      strcmp(e->d_name + l - 4, ".crt") && strcmp(e->d_name + l - 4, ".cer")))
            continue;
        ucp_input *in = NULL;
        if (ucp_input_from_file(&in, path, NULL) != UCP_OK)
            continue; /* not certificates (keys, PKCS#12 needing a password, broken on purpose) */
        for (size_t i = 0; i < in->ncerts; i++) {
            char name[4200];
            snprintf(name, sizeof name, "%s #%zu", path, i + 1);
            compare(name, in->certs[i]->der.data, in->certs[i]->der.len, true);
        }
        ucp_input_free(in);
    }
    closedir(d);
}

int main(void)
{
    GT(gnutls_global_init());
    GT(gnutls_x509_privkey_init(&key));
    GT(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA, 256, 0));
    odd_certificates();
    int before = compared, diff_before = differing, walked_before = walked;
    scan_dir("/etc/ssl/certs", 0);
    const char *fixtures = getenv("UCPOLICY_FIXTURES");
    if (fixtures)
        scan_dir(fixtures, 0);
    /* NIST PKITS (the pkits suite's data, tests/pkits): odd names, times and extensions. */
    const char *pkits = getenv("PKITS_DATA");
    char pkits_certs[4096];
    snprintf(pkits_certs, sizeof pkits_certs, "%s/certs",
             pkits ? pkits : "/usr/lib/python3/dist-packages/cryptography_vectors/x509/PKITS_data");
    scan_dir(pkits_certs, 0);
    CHECK(differing == diff_before,
          "the certificates of this machine, the fixtures and PKITS (%d): the same facts both ways",
          compared - before);
    /* The fast path is the common one: most of these never go through gnutls_x509_crt_import. */
    CHECK(walked - walked_before > (compared - before) / 2, "the strict walk read %d of them", walked - walked_before);
    gnutls_x509_privkey_deinit(key);
    gnutls_global_deinit();
    return tap_done();
}
