/* SPDX-License-Identifier: MIT */
/*
 * Certificate request files for a planned certificate: a Windows certreq INF, an OpenSSL req
 * config, a GnuTLS certtool template, or the PowerShell line (Request-CsCertificate for Lync /
 * Skype for Business roles, New-ExchangeCertificate for Exchange, Get-Certificate for Office
 * Online Server). Each asks for the subject name, the required names and the optional explicit
 * names (the optional wildcards are alternatives, left out), serverAuth / clientAuth,
 * digitalSignature + keyEncipherment and an RSA key of the size the rules want.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/plan-private.h"

static const struct {
    const char *name;
    const char *ext;
} formats[] = {
    [UCP_REQUEST_CERTREQ] = {"certreq", ".inf"},
    [UCP_REQUEST_OPENSSL] = {"openssl", ".cnf"},
    [UCP_REQUEST_CERTTOOL] = {"certtool", ".tmpl"},
    [UCP_REQUEST_POWERSHELL] = {"powershell", ".ps1"},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

UCP_EXPORT const char *ucp_request_format_name(ucp_request_format f)
{
    return (unsigned)f < NFORMATS ? formats[f].name : "";
}

UCP_EXPORT const char *ucp_request_format_extension(ucp_request_format f)
{
    return (unsigned)f < NFORMATS ? formats[f].ext : "";
}

UCP_EXPORT ucp_status ucp_request_format_from_name(ucp_request_format *out, const char *name)
{
    for (unsigned i = 0; name && i < NFORMATS; i++) {
        if (ucp_strcasecmp(name, formats[i].name) == 0) {
            if (out)
                *out = (ucp_request_format)i;
            return UCP_OK;
        }
    }
    return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL,
                    "unknown request format '%s' (certreq, openssl, certtool or powershell)", name ? name : "(null)");
}

/* Every name the request asks for, explicit names only: the subject's first. */
static size_t request_names(const struct ucp_cert_need *n, const char **v, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n->nrequired && k < max; i++)
        v[k++] = n->required[i];
    for (size_t i = 0; i < n->noptional && k < max; i++)
        if (n->optional[i][0] != '*')
            v[k++] = n->optional[i];
    return k;
}

static void certreq(struct ucp_strbuf *sb, const struct ucp_cert_need *n, const char **names, size_t count)
{
    ucp_sb_printf(sb,
                  "; certreq -new this.inf request.req: the %s certificate of %s\n"
                  "; (ucpolicy plan; check the issued certificate with ucpolicy check --role %s)\n"
                  "[Version]\nSignature=\"$Windows NT$\"\n\n[NewRequest]\nSubject = \"CN=%s\"\n"
                  "KeySpec = 1\nKeyAlgorithm = RSA\nKeyLength = %u\nExportable = %s\nMachineKeySet = TRUE\n"
                  "SMIME = FALSE\nPrivateKeyArchive = FALSE\nUserProtected = FALSE\nUseExistingKeySet = FALSE\n"
                  "; A legacy CryptoAPI (CSP) key: Lync Server 2010/2013 refuse CNG keys.\n"
                  "ProviderName = \"Microsoft RSA SChannel Cryptographic Provider\"\nProviderType = 12\n"
                  "RequestType = PKCS10\nHashAlgorithm = SHA256\n"
                  "; digitalSignature, keyEncipherment\nKeyUsage = 0xa0\n\n",
                  n->role->id, n->server, n->role->id, n->subject, n->min_rsa_bits < 2048 ? 2048 : n->min_rsa_bits,
                  n->exportable || n->pool_shared ? "TRUE" : "FALSE");
    if (n->eku) {
        ucp_sb_append(sb, "[EnhancedKeyUsageExtension]\n");
        if (n->eku & UCP_EKU_SERVER_AUTH)
            ucp_sb_append(sb, "OID = 1.3.6.1.5.5.7.3.1 ; serverAuth\n");
        if (n->eku & UCP_EKU_CLIENT_AUTH)
            ucp_sb_append(sb, "OID = 1.3.6.1.5.5.7.3.2 ; clientAuth\n");
        ucp_sb_append(sb, "\n");
    }
    if (count) {
        ucp_sb_append(sb, "[Extensions]\n; subject alternative name\n2.5.29.17 = \"{text}\"\n");
        for (size_t i = 0; i < count; i++)
            ucp_sb_printf(sb, "_continue_ = \"dns=%s%s\"\n", names[i], i + 1 < count ? "&" : "");
    }
}

static void openssl(struct ucp_strbuf *sb, const struct ucp_cert_need *n, const char **names, size_t count)
{
    ucp_sb_printf(sb,
                  "# openssl req -new -config this.cnf -newkey rsa:%u -keyout key.pem -out request.pem\n"
                  "# The %s certificate of %s (ucpolicy plan; check the issued certificate with\n"
                  "# ucpolicy check --role %s).\n"
                  "[ req ]\ndefault_bits = %u\ndefault_md = sha256\nprompt = no\nutf8 = yes\n"
                  "distinguished_name = dn\nreq_extensions = ext\n\n[ dn ]\nCN = %s\n\n[ ext ]\n"
                  "keyUsage = critical, digitalSignature, keyEncipherment\n",
                  n->min_rsa_bits < 2048 ? 2048 : n->min_rsa_bits, n->role->id, n->server, n->role->id,
                  n->min_rsa_bits < 2048 ? 2048 : n->min_rsa_bits, n->subject);
    if (n->eku)
        ucp_sb_printf(sb, "extendedKeyUsage = %s%s%s\n", (n->eku & UCP_EKU_SERVER_AUTH) ? "serverAuth" : "",
                      (n->eku & UCP_EKU_SERVER_AUTH) && (n->eku & UCP_EKU_CLIENT_AUTH) ? ", " : "",
                      (n->eku & UCP_EKU_CLIENT_AUTH) ? "clientAuth" : "");
    if (count) {
        ucp_sb_append(sb, "subjectAltName = @alt\n\n[ alt ]\n");
        for (size_t i = 0; i < count; i++)
            ucp_sb_printf(sb, "DNS.%zu = %s\n", i + 1, names[i]);
    }
}

static void certtool(struct ucp_strbuf *sb, const struct ucp_cert_need *n, const char **names, size_t count)
{
    ucp_sb_printf(sb,
                  "# certtool --generate-privkey --key-type rsa --bits %u --outfile key.pem\n"
                  "# certtool --generate-request --load-privkey key.pem --template this.tmpl --outfile request.pem\n"
                  "# A GnuTLS CA signs with this template too (a request's key purposes are marked critical,\n"
                  "# which the rules warn about; the template's are not), adding its CRL distribution point\n"
                  "# (crl_dist_points) and, for a public CA, its issuer URL (ca_issuers_uri):\n"
                  "# certtool --generate-certificate --load-request request.pem --load-ca-certificate ca.pem\n"
                  "#     --load-ca-privkey ca.key --template this.tmpl --outfile cert.pem\n"
                  "# The %s certificate of %s (ucpolicy plan; check the issued certificate with\n"
                  "# ucpolicy check --role %s).\n"
                  "cn = \"%s\"\n",
                  n->min_rsa_bits < 2048 ? 2048 : n->min_rsa_bits, n->role->id, n->server, n->role->id, n->subject);
    for (size_t i = 0; i < count; i++)
        ucp_sb_printf(sb, "dns_name = \"%s\"\n", names[i]);
    if (n->eku & UCP_EKU_SERVER_AUTH)
        ucp_sb_append(sb, "tls_www_server\n");
    if (n->eku & UCP_EKU_CLIENT_AUTH)
        ucp_sb_append(sb, "tls_www_client\n");
    ucp_sb_append(sb, "signing_key\nencryption_key\n"
                      "# When signing: the CA's CRL (every Lync / Skype for Business certificate needs one).\n"
                      "# crl_dist_points = \"http://pki.example.com/ca.crl\"\n");
}

/* The Request-CsCertificate -Type of a role, or NULL for roles it does not request. */
static const char *cs_type(const char *role)
{
    static const struct {
        const char *role, *type;
    } types[] = {
        {"frontend-default", "Default"},
        {"director-default", "Default"},
        {"mediation", "Default"},
        {"persistent-chat", "Default"},
        {"video-interop", "Default"},
        {"sba", "Default"},
        {"trusted-application", "Default"},
        {"frontend-web-internal", "WebServicesInternal"},
        {"director-web-internal", "WebServicesInternal"},
        {"frontend-web-external", "WebServicesExternal"},
        {"director-web-external", "WebServicesExternal"},
        {"edge-internal", "Internal"},
        {"edge-external", "AccessEdgeExternal,DataEdgeExternal"},
        {"edge-av-auth", "AudioVideoAuthentication"},
        {"oauth-token-issuer", "OAuthTokenIssuer"},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcmp(types[i].role, role) == 0)
            return types[i].type;
    return NULL;
}

static void powershell(struct ucp_strbuf *sb, const struct ucp_cert_need *n, const char **names, size_t count)
{
    const char *id = n->role->id;
    unsigned bits = n->min_rsa_bits < 2048 ? 2048 : n->min_rsa_bits;
    bool exportable = n->exportable || n->pool_shared;
    ucp_sb_printf(sb, "# The %s certificate of %s, subject CN=%s (ucpolicy plan; check the issued\n"
                      "# certificate with ucpolicy check --role %s).\n",
                  id, n->server, n->subject, id);
    const char *type = cs_type(id);
    if (type) {
        ucp_sb_printf(sb, "Request-CsCertificate -New -Type %s -Output \"%s-%s.req\" -FriendlyName \"%s %s\" "
                          "-KeySize %u -PrivateKeyExportable $%s",
                      type, n->server, id, id, n->server, bits, exportable ? "true" : "false");
        if (n->eku & UCP_EKU_CLIENT_AUTH)
            ucp_sb_append(sb, " -ClientEku $true");
    } else if (strncmp(id, "exchange-", 9) == 0) {
        ucp_sb_printf(sb, "New-ExchangeCertificate -GenerateRequest -SubjectName \"CN=%s\" -KeySize %u "
                          "-PrivateKeyExportable $%s -RequestFile \"%s-%s.req\"",
                      n->subject, bits, exportable ? "true" : "false", n->server, id);
    } else {
        ucp_sb_printf(sb, "Get-Certificate -Template WebServer -SubjectName \"CN=%s\" -CertStoreLocation "
                          "Cert:\\LocalMachine\\My",
                      n->subject);
        ucp_sb_append(sb, " -DnsName ");
        for (size_t i = 0; i < count; i++)
            ucp_sb_printf(sb, "%s\"%s\"", i ? "," : "", names[i]);
        ucp_sb_append(sb, "\n");
        return;
    }
    if (count) {
        ucp_sb_append(sb, " -DomainName \"");
        for (size_t i = 0; i < count; i++)
            ucp_sb_printf(sb, "%s%s", i ? "," : "", names[i]);
        ucp_sb_append(sb, "\"");
    }
    ucp_sb_append(sb, "\n");
}

UCP_EXPORT ucp_status ucp_cert_need_request(const ucp_cert_need *n, ucp_request_format format, ucp_buffer *out)
{
    if (!n || !out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_cert_need_request: %s is NULL", n ? "out" : "need");
    out->data = NULL;
    out->size = 0;
    if ((unsigned)format >= NFORMATS)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "unknown request format %d", (int)format);
    size_t max = n->nrequired + n->noptional;
    const char **names = malloc((max ? max : 1) * sizeof *names);
    if (!names)
        return ucp_fail_nomem();
    size_t count = request_names(n, names, max);
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    switch (format) {
    case UCP_REQUEST_CERTREQ: certreq(&sb, n, names, count); break;
    case UCP_REQUEST_OPENSSL: openssl(&sb, n, names, count); break;
    case UCP_REQUEST_CERTTOOL: certtool(&sb, n, names, count); break;
    case UCP_REQUEST_POWERSHELL: powershell(&sb, n, names, count); break;
    }
    free(names);
    char *s = ucp_sb_finish(&sb);
    if (!s)
        return ucp_fail_nomem();
    out->data = s;
    out->size = strlen(s);
    return UCP_OK;
}
