/* SPDX-License-Identifier: MIT */
/*
 * HTTP GET and POST for revocation data (CRLs from distribution points, OCSP requests), through
 * libcurl (the GnuTLS flavour): no hand-written HTTP. Every transfer is bounded: a total timeout,
 * a connect timeout, a size limit enforced while receiving, at most three redirects, and only
 * http:// and https:// (never file://, ldap:// or anything else a certificate might name).
 *
 * The URLs come from the certificate under test, which is untrusted: every connection libcurl
 * opens (the first and each redirect's) passes through open_socket(), which sees the address the
 * name resolved to and refuses a loopback, private, link-local or otherwise non-public one
 * (address.c) unless the checker allows the private network. Checking the resolved address, not
 * the URL's host, also covers names that resolve to such addresses and DNS rebinding. No proxy is
 * used (the environment's http_proxy and the like are ignored): through a proxy, the address
 * seen would be the proxy's, and the proxy would reach whatever the certificate names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#  include <sys/socket.h>
#endif

#include "trust/trust-private.h"
#include "trust/libcurl-private.h" /* brings curl/curl.h and, on Windows, winsock2.h */

struct sink {
    struct ucp_bytes *body;
    size_t cap;
    size_t limit;
    bool too_large;
    bool nomem;
};

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct sink *s = user;
    size_t n = size * nmemb;
    if (s->body->len + n > s->limit) {
        s->too_large = true;
        return 0; /* abort the transfer */
    }
    if (s->body->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 16384;
        while (cap < s->body->len + n)
            cap *= 2;
        uint8_t *p = realloc(s->body->data, cap);
        if (!p) {
            s->nomem = true;
            return 0;
        }
        s->body->data = p;
        s->cap = cap;
    }
    memcpy(s->body->data + s->body->len, ptr, n);
    s->body->len += n;
    return n;
}

/* The address check of every connection (CURLOPT_OPENSOCKETFUNCTION). A name may resolve to
 * several refused addresses (localhost: ::1 and 127.0.0.1): the first GUARD_KEPT are named. */
#define GUARD_KEPT 4
struct guard {
    bool allow_private;
    unsigned refused;            /* refused addresses (past GUARD_KEPT counted, not compared) */
    char why[GUARD_KEPT][160];   /* the first ones: "ADDRESS, a KIND address" */
};

static curl_socket_t open_socket(void *user, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct guard *g = user;
    (void)purpose;
    char why[sizeof g->why[0]];
    if (!g->allow_private && ucp_address_is_private(&addr->addr, why, sizeof why)) {
        bool known = false;
        for (unsigned i = 0; i < g->refused && i < GUARD_KEPT; i++)
            known = known || strcmp(g->why[i], why) == 0;
        if (!known) {
            if (g->refused < GUARD_KEPT)
                memcpy(g->why[g->refused], why, sizeof why);
            g->refused++;
        }
        return CURL_SOCKET_BAD;
    }
#ifdef SOCK_CLOEXEC
    return socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
#else
    return socket(addr->family, addr->socktype, addr->protocol);
#endif
}

/* The URL the transfer of @url ended at (a redirect's target), or NULL when it is @url. */
static const char *redirected_to(CURL *h, const char *url)
{
    char *where = NULL;
    sym_curl_easy_getinfo(h, CURLINFO_EFFECTIVE_URL, &where);
    return where && *where && strcmp(where, url) != 0 ? where : NULL;
}

/* Why the transfer of @url was refused: "refused: HOST resolves to ADDRESS, a KIND address (allow
 * with --allow-private-network)", every refused address named ("ADDRESS, a KIND address, and
 * ADDRESS, a KIND address"), and the redirect when it was one. */
static char *refusal(CURL *h, const char *url, const struct guard *g)
{
    const char *redirect = redirected_to(h, url);
    char *host = NULL;
    CURLU *u = sym_curl_url();
    if (u && sym_curl_url_set(u, CURLUPART_URL, redirect ? redirect : url, 0) == CURLUE_OK)
        sym_curl_url_get(u, CURLUPART_HOST, &host, 0);
    /* The address part of "ADDRESS, a KIND address": was the host that address? */
    size_t alen = strcspn(g->why[0], ",");
    const char *name = host ? host : "";
    size_t nlen = strlen(name);
    if (nlen >= 2 && name[0] == '[' && name[nlen - 1] == ']') {
        name++;
        nlen -= 2;
    }
    bool named = host && !(g->refused == 1 && nlen == alen && strncmp(name, g->why[0], alen) == 0);
    unsigned kept = g->refused < GUARD_KEPT ? g->refused : GUARD_KEPT;
    char whys[GUARD_KEPT * (sizeof g->why[0] + 8) + 32] = "";
    size_t used = 0;
    for (unsigned i = 0; i < kept; i++)
        used += (size_t)snprintf(whys + used, sizeof whys - used, "%s%s", i == 0 ? "" : ", and ", g->why[i]);
    if (g->refused > kept)
        snprintf(whys + used, sizeof whys - used, ", and %u more", g->refused - kept);
    char *msg = ucp_asprintf("refused: %s%s%s%s%s%s (allow with --allow-private-network)",
                             redirect ? "redirected to " : "", redirect ? redirect : "", redirect ? "; " : "",
                             named ? host : "", named ? " resolves to " : "", whys);
    sym_curl_free(host);
    sym_curl_url_cleanup(u);
    return msg;
}

ucp_status ucp_http_fetch(const char *url, const uint8_t *post, size_t post_len, const char *content_type,
                          unsigned timeout_ms, size_t limit, bool allow_private, struct ucp_bytes *body,
                          char **error)
{
    body->data = NULL;
    body->len = 0;
    *error = NULL;
    if (!(strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)) {
        *error = ucp_strdup("not an http:// or https:// URL");
        return UCP_E_UNSUPPORTED;
    }
    const char *problem = ucp_curl_load(); /* libcurl is opened on first use (libcurl.c) */
    if (problem) {
        *error = ucp_strdup(problem);
        return UCP_E_UNSUPPORTED;
    }
    CURL *h = sym_curl_easy_init();
    if (!h) {
        *error = ucp_strdup("libcurl cannot start");
        return UCP_E_NO_MEMORY;
    }
    struct sink s = {body, 0, limit, false, false};
    struct guard g = {.allow_private = allow_private};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    sym_curl_easy_setopt(h, CURLOPT_URL, url);
    sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* thread-safe timeouts */
    sym_curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
    sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
    sym_curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
    sym_curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
#if LIBCURL_VERSION_NUM >= 0x075500
    sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    sym_curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    sym_curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    sym_curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    sym_curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &g);
    sym_curl_easy_setopt(h, CURLOPT_PROXY, ""); /* no proxy, whatever the environment says */
    sym_curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)limit);
    sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    sym_curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
    sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    sym_curl_easy_setopt(h, CURLOPT_USERAGENT, "libucpolicy/" UCP_VERSION);
    if (post) {
        char ct[128];
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type);
        headers = sym_curl_slist_append(headers, ct);
        sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        sym_curl_easy_setopt(h, CURLOPT_POSTFIELDS, (const char *)post);
        sym_curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)post_len);
    }
    CURLcode rc = sym_curl_easy_perform(h);
    long http = 0;
    sym_curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &http);
    ucp_status st = UCP_OK;
    if (s.nomem) {
        st = UCP_E_NO_MEMORY;
        *error = ucp_strdup("out of memory");
    } else if (s.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
        st = UCP_E_TOO_LARGE;
        *error = ucp_asprintf("the response exceeds the limit of %zu bytes", limit);
    } else if (g.refused && rc == CURLE_COULDNT_CONNECT) {
        st = UCP_E_NETWORK;
        *error = refusal(h, url, &g);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL && redirected_to(h, url)) {
        st = UCP_E_NETWORK;
        *error = ucp_asprintf("refused: redirected to %s, not an http:// or https:// URL", redirected_to(h, url));
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
        st = UCP_E_TIMEOUT;
        *error = ucp_asprintf("no answer within %u ms", timeout_ms);
    } else if (rc != CURLE_OK) {
        st = UCP_E_NETWORK;
        *error = ucp_strdup(errbuf[0] ? errbuf : sym_curl_easy_strerror(rc));
    } else if (http < 200 || http > 299) {
        st = UCP_E_NETWORK;
        *error = ucp_asprintf("HTTP status %ld", http);
    }
    if (st != UCP_OK) {
        free(body->data);
        body->data = NULL;
        body->len = 0;
    }
    sym_curl_slist_free_all(headers);
    sym_curl_easy_cleanup(h);
    return st;
}
