/* SPDX-License-Identifier: MIT */
/*
 * Probing a live server (ucpolicy/probe.h): TCP connection, SMTP STARTTLS when asked, a GnuTLS
 * handshake that accepts any server certificate (the role check judges it) and presents the
 * client certificate when the server asks for one, then for SIP an OPTIONS request whose answer
 * says whether the server accepted the client. The presented chain becomes an input and is
 * checked like a file; the connection facts are attached to the report.
 *
 * Bounds: one deadline covers the whole run (every wait is a poll() until that deadline, on a
 * non-blocking socket); every line read is at most LINE_MAX_BYTES, every reply at most
 * MAX_REPLY_LINES lines, a SIP message body is skipped up to MAX_SIP_BODY bytes, at most
 * MAX_SIP_RESPONSES provisional answers are skipped, and at most MAX_PEER_CERTS certificates of
 * the presented chain are kept. Nothing the server sends is trusted to end a loop.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs12.h>

#include "probe/probe-private.h"

#define LINE_MAX_BYTES 4096      /* one SMTP reply line or SIP header line */
#define MAX_REPLY_LINES 100      /* lines of one SMTP reply, header lines of one SIP message */
#define MAX_SIP_RESPONSES 8      /* provisional (1xx) answers skipped before the final one */
#define MAX_SIP_BODY (64 * 1024) /* body bytes of a SIP answer skipped */
#define MAX_PEER_CERTS 32        /* certificates of the presented chain kept */
#define MAX_FIELD 1024           /* bytes of a response line or header value kept */
#define FIRST_BYTES 48           /* bytes first received, kept to name a non-TLS peer */
#define TLS13_SETTLE_MS 1000     /* TLS 1.3: how long to wait for a rejection after the handshake */

/* ---- objects ------------------------------------------------------------------------------ */

struct ucp_probe {
    char *host;   /* as given, IPv6 without brackets */
    char *target; /* "host:port" or "[v6]:port", for messages and the report's input name */
    unsigned port;
    bool host_is_ip;
    ucp_probe_protocol protocol;
    char *server_name; /* NULL: no SNI */
    unsigned timeout_ms;
    /* the client credentials, in GnuTLS form; GnuTLS borrows them during a handshake */
    gnutls_pcert_st *pcerts;
    unsigned npcerts;
    gnutls_privkey_t key;
    char *client_subject;
};

/* ---- names -------------------------------------------------------------------------------- */

UCP_EXPORT ucp_status ucp_probe_protocol_from_name(ucp_probe_protocol *out, const char *name)
{
    if (!out || !name)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_protocol_from_name: invalid argument");
    for (int p = UCP_PROBE_TLS; p <= UCP_PROBE_SIP; p++) {
        if (ucp_strcasecmp(name, ucp_probe_protocol_name((ucp_probe_protocol)p)) == 0) {
            *out = (ucp_probe_protocol)p;
            return UCP_OK;
        }
    }
    char *shown = ucp_display_bytes((const uint8_t *)name, strlen(name));
    ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "unknown protocol '%s'; the protocols are tls, smtp and sip",
                             shown ? shown : "");
    free(shown);
    return st;
}

/* ---- the probe object --------------------------------------------------------------------- */

static void clear_credentials(ucp_probe *p)
{
    for (unsigned i = 0; i < p->npcerts; i++)
        gnutls_pcert_deinit(&p->pcerts[i]);
    free(p->pcerts);
    p->pcerts = NULL;
    p->npcerts = 0;
    if (p->key)
        gnutls_privkey_deinit(p->key); /* GnuTLS zeroes the key material it frees */
    p->key = NULL;
    free(p->client_subject);
    p->client_subject = NULL;
}

static bool is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* A DNS name usable as SNI: RFC 1123 syntax, no wildcard, no IP literal. */
static ucp_status check_dns_name(const char *name, const char *what)
{
    size_t n = strlen(name);
    enum ucp_name_problem pr = ucp_name_check((const uint8_t *)name, n, false, NULL);
    if (pr != UCP_NAME_OK || is_ip_literal(name)) {
        char *shown = ucp_display_bytes((const uint8_t *)name, n);
        ucp_status st = ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "%s '%s' is not a DNS name: %s", what,
                                 shown ? shown : "", pr != UCP_NAME_OK ? ucp_name_problem_text(pr) : "it is an IP address");
        free(shown);
        return st;
    }
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_new(ucp_probe **out, const char *host, unsigned port)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_new: out is NULL");
    *out = NULL;
    if (!host || !*host)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "no host given");
    if (port == 0 || port > 65535)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, host, "the port %u is not between 1 and 65535", port);
    size_t n = strlen(host);
    if (n > 253 + 2)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the host name is longer than 253 characters");
    char bare[260];
    if (host[0] == '[' && host[n - 1] == ']') {
        memcpy(bare, host + 1, n - 2);
        bare[n - 2] = '\0';
    } else {
        memcpy(bare, host, n + 1);
    }
    unsigned char buf[sizeof(struct in6_addr)];
    bool v6 = inet_pton(AF_INET6, bare, buf) == 1;
    bool ip = v6 || inet_pton(AF_INET, bare, buf) == 1;
    if (!ip) {
        ucp_status st = check_dns_name(bare, "the host");
        if (st != UCP_OK)
            return st;
    }
    ucp_probe *p = calloc(1, sizeof *p);
    if (!p)
        return ucp_fail_nomem();
    p->host = ucp_strdup(bare);
    p->target = ucp_asprintf(v6 ? "[%s]:%u" : "%s:%u", bare, port);
    p->server_name = ip ? NULL : ucp_strdup(bare);
    if (!p->host || !p->target || (!ip && !p->server_name)) {
        ucp_probe_free(p);
        return ucp_fail_nomem();
    }
    p->port = port;
    p->host_is_ip = ip;
    p->protocol = UCP_PROBE_TLS;
    p->timeout_ms = UCP_PROBE_DEFAULT_TIMEOUT_MS;
    *out = p;
    return UCP_OK;
}

UCP_EXPORT void ucp_probe_free(ucp_probe *p)
{
    if (!p)
        return;
    clear_credentials(p);
    free(p->host);
    free(p->target);
    free(p->server_name);
    free(p);
}

UCP_EXPORT ucp_status ucp_probe_set_protocol(ucp_probe *p, ucp_probe_protocol protocol)
{
    if (!p || (unsigned)protocol > UCP_PROBE_SIP)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_protocol: invalid argument");
    p->protocol = protocol;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_set_server_name(ucp_probe *p, const char *name)
{
    if (!p)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_server_name: probe is NULL");
    char *copy = NULL;
    if (name) {
        ucp_status st = check_dns_name(name, "the server name (SNI)");
        if (st != UCP_OK)
            return st;
        if (!(copy = ucp_strdup(name)))
            return ucp_fail_nomem();
    }
    free(p->server_name);
    p->server_name = copy;
    return UCP_OK;
}

UCP_EXPORT ucp_status ucp_probe_set_timeout(ucp_probe *p, unsigned ms)
{
    if (!p || ms == 0 || ms > 600000)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "the probe timeout must be between 1 and 600000 ms");
    p->timeout_ms = ms;
    return UCP_OK;
}

/* ---- client credentials ------------------------------------------------------------------- */

struct loaded {
    gnutls_pcert_st *pcerts;
    unsigned npcerts;
    gnutls_privkey_t key;
};

static void loaded_dispose(struct loaded *l)
{
    for (unsigned i = 0; i < l->npcerts; i++)
        gnutls_pcert_deinit(&l->pcerts[i]);
    free(l->pcerts);
    if (l->key)
        gnutls_privkey_deinit(l->key);
    memset(l, 0, sizeof *l);
}

static bool has_pem(const uint8_t *data, size_t len, const char *label_part)
{
    const char *begin = "-----BEGIN ";
    for (const uint8_t *q = data; q && (size_t)(q - data) < len;) {
        q = memmem(q, len - (size_t)(q - data), begin, strlen(begin));
        if (!q)
            return false;
        q += strlen(begin);
        const uint8_t *eol = memchr(q, '\n', len - (size_t)(q - data));
        size_t rest = eol ? (size_t)(eol - q) : len - (size_t)(q - data);
        if (!label_part || memmem(q, rest, label_part, strlen(label_part)))
            return true;
    }
    return false;
}

static ucp_status load_pkcs12(struct loaded *out, const uint8_t *data, size_t len, const char *source,
                              const char *password)
{
    gnutls_pkcs12_t p12 = NULL;
    gnutls_x509_privkey_t xkey = NULL;
    gnutls_x509_crt_t *chain = NULL, *extra = NULL;
    unsigned nchain = 0, nextra = 0;
    ucp_status st = UCP_OK;
    int ret = gnutls_pkcs12_init(&p12);
    if (ret < 0)
        return ucp_fail_nomem();
    gnutls_datum_t d = {(unsigned char *)data, (unsigned)len};
    ret = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0);
    if (ret < 0) {
        st = ucp_fail_origin(UCP_E_FORMAT, UCP_ORIGIN_GNUTLS, ret, source,
                             "neither a PEM certificate nor a PKCS#12 (PFX) file: %s", gnutls_strerror(ret));
        goto out;
    }
    /* Bounds, the MAC and the password, as for checked files (pkcs12.c). */
    const char *pw = NULL;
    if ((st = ucp_pkcs12_unlock(p12, data, len, password, source, &pw)) != UCP_OK)
        goto out;
    /* The iterations of each shrouded key too, before GnuTLS decrypts it (the SafeBag walk of
     * checked files, pkcs12.c). */
    struct ucp_p12_scan scan;
    if ((st = ucp_pkcs12_scan(&scan, p12, data, len, pw ? pw : "", source)) != UCP_OK)
        goto out;
    ucp_pkcs12_scan_dispose(&scan);
    ret = gnutls_pkcs12_simple_parse(p12, pw, &xkey, &chain, &nchain, &extra, &nextra, NULL, 0);
    if (ret == GNUTLS_E_DECRYPTION_FAILED || ret == GNUTLS_E_MAC_VERIFY_FAILED) {
        st = ucp_fail_origin(UCP_E_PASSWORD, UCP_ORIGIN_GNUTLS, ret, source,
                             "the PKCS#12 file cannot be decrypted with the %s password",
                             pw && *pw ? "given" : "empty");
        goto out;
    }
    if (ret < 0 || !xkey || nchain == 0) {
        st = ucp_fail_origin(ret < 0 && ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? UCP_E_CORRUPT
                                                                                        : UCP_E_NO_CERTIFICATE,
                             UCP_ORIGIN_GNUTLS, ret < 0 ? ret : 0, source,
                             "the PKCS#12 file holds no private key with its certificate%s%s",
                             ret < 0 ? ": " : "", ret < 0 ? gnutls_strerror(ret) : "");
        goto out;
    }
    out->pcerts = calloc(nchain, sizeof *out->pcerts);
    if (!out->pcerts) {
        st = ucp_fail_nomem();
        goto out;
    }
    unsigned n = nchain;
    ret = gnutls_pcert_import_x509_list(out->pcerts, chain, &n, 0);
    if (ret < 0) {
        free(out->pcerts);
        out->pcerts = NULL;
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "the certificates cannot be used: %s",
                             gnutls_strerror(ret));
        goto out;
    }
    out->npcerts = n;
    if ((ret = gnutls_privkey_init(&out->key)) < 0 ||
        (ret = gnutls_privkey_import_x509(out->key, xkey, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE)) < 0) {
        st = ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, source, "the private key cannot be used: %s",
                             gnutls_strerror(ret));
        goto out;
    }
    xkey = NULL; /* owned by out->key now */
out:
    if (xkey)
        gnutls_x509_privkey_deinit(xkey);
    for (unsigned i = 0; i < nchain; i++)
        gnutls_x509_crt_deinit(chain[i]);
    gnutls_free(chain);
    for (unsigned i = 0; i < nextra; i++)
        gnutls_x509_crt_deinit(extra[i]);
    gnutls_free(extra);
    gnutls_pkcs12_deinit(p12);
    return st;
}

static ucp_status load_cert_and_key(struct loaded *out, const uint8_t *cdata, size_t clen, const char *cname,
                                    const uint8_t *kdata, size_t klen, const char *kname, const char *password)
{
    bool pem = has_pem(cdata, clen, NULL);
    if (pem && !has_pem(cdata, clen, "CERTIFICATE"))
        return ucp_fail(UCP_E_NO_CERTIFICATE, cname, "the file holds no PEM certificate");
    unsigned max = MAX_PEER_CERTS;
    out->pcerts = calloc(max, sizeof *out->pcerts);
    if (!out->pcerts)
        return ucp_fail_nomem();
    gnutls_datum_t d = {(unsigned char *)cdata, (unsigned)clen};
    int ret = gnutls_pcert_list_import_x509_raw(out->pcerts, &max, &d, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, 0);
    if (ret < 0) {
        free(out->pcerts);
        out->pcerts = NULL;
        if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
            return ucp_fail_origin(UCP_E_TOO_LARGE, UCP_ORIGIN_GNUTLS, ret, cname, "more than %d certificates",
                                   MAX_PEER_CERTS);
        return ucp_fail_origin(UCP_E_CORRUPT, UCP_ORIGIN_GNUTLS, ret, cname, "the certificates cannot be read: %s",
                               gnutls_strerror(ret));
    }
    out->npcerts = max;
    bool kpem = has_pem(kdata, klen, NULL);
    if (kpem && !has_pem(kdata, klen, "PRIVATE KEY"))
        return ucp_fail(UCP_E_FORMAT, kname,
                        kdata == cdata ? "the file holds no private key; give the key file as well"
                                       : "the file holds no PEM private key");
    if ((ret = gnutls_privkey_init(&out->key)) < 0)
        return ucp_fail_nomem();
    gnutls_datum_t k = {(unsigned char *)kdata, (unsigned)klen};
    ret = gnutls_privkey_import_x509_raw(out->key, &k, kpem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER, password, 0);
    if (ret == GNUTLS_E_DECRYPTION_FAILED || (ret < 0 && !password && kpem && has_pem(kdata, klen, "ENCRYPTED")))
        return ucp_fail_origin(UCP_E_PASSWORD, UCP_ORIGIN_GNUTLS, ret, kname,
                               password ? "wrong password for the private key" : "the private key is encrypted and no password was given");
    if (ret < 0)
        return ucp_fail_origin(UCP_E_FORMAT, UCP_ORIGIN_GNUTLS, ret, kname, "no usable private key: %s",
                               gnutls_strerror(ret));
    return UCP_OK;
}

/* Does @key belong to the certificate @pc? (the SubjectPublicKeyInfo of both, byte for byte) */
static bool key_matches(gnutls_privkey_t key, const gnutls_pcert_st *pc)
{
    gnutls_pubkey_t pub = NULL;
    gnutls_datum_t a = {NULL, 0}, b = {NULL, 0};
    bool same = false;
    if (gnutls_pubkey_init(&pub) >= 0 && gnutls_pubkey_import_privkey(pub, key, 0, 0) >= 0 &&
        gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &a) >= 0 &&
        gnutls_pubkey_export2(pc->pubkey, GNUTLS_X509_FMT_DER, &b) >= 0)
        same = a.size == b.size && memcmp(a.data, b.data, a.size) == 0;
    gnutls_free(a.data);
    gnutls_free(b.data);
    if (pub)
        gnutls_pubkey_deinit(pub);
    return same;
}

UCP_EXPORT ucp_status ucp_probe_set_client_credentials(ucp_probe *p, const char *cert_file, const char *key_file,
                                                       const char *password)
{
    if (!p || !cert_file || !*cert_file || (key_file && !*key_file))
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_set_client_credentials: invalid argument");
    uint8_t *cdata = NULL, *kdata = NULL;
    size_t clen = 0, klen = 0;
    struct loaded l = {0};
    ucp_status st = ucp_read_file(cert_file, UCP_MAX_INPUT_SIZE, &cdata, &clen);
    if (st == UCP_OK && key_file)
        st = ucp_read_file(key_file, UCP_MAX_INPUT_SIZE, &kdata, &klen);
    if (st == UCP_OK && clen == 0)
        st = ucp_fail(UCP_E_FORMAT, cert_file, "the file is empty");
    if (st == UCP_OK) {
        if (!key_file && !has_pem(cdata, clen, NULL))
            st = load_pkcs12(&l, cdata, clen, cert_file, password);
        else
            st = load_cert_and_key(&l, cdata, clen, cert_file, key_file ? kdata : cdata, key_file ? klen : clen,
                                   key_file ? key_file : cert_file, password);
    }
    if (st == UCP_OK && !key_matches(l.key, &l.pcerts[0]))
        st = ucp_fail(UCP_E_INVALID_ARGUMENT, key_file ? key_file : cert_file,
                      "the private key does not match the certificate in %s", cert_file);
    ucp_certificate *leaf = NULL;
    if (st == UCP_OK)
        st = ucp_certificate_from_der(&leaf, l.pcerts[0].cert.data, l.pcerts[0].cert.size, cert_file, 0);
    char *subject = NULL;
    if (st == UCP_OK && !(subject = ucp_strdup(leaf->subject)))
        st = ucp_fail_nomem();
    ucp_certificate_unref(leaf);
    /* The files may hold keys: do not leave them in freed memory. */
    ucp_wipe(cdata, clen);
    ucp_wipe(kdata, klen);
    free(cdata);
    free(kdata);
    if (st != UCP_OK) {
        loaded_dispose(&l);
        return st;
    }
    clear_credentials(p);
    p->pcerts = l.pcerts;
    p->npcerts = l.npcerts;
    p->key = l.key;
    p->client_subject = subject;
    return UCP_OK;
}

/* ---- time and sockets --------------------------------------------------------------------- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until @fd is ready for @events or the deadline passes: 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return 0;
        struct pollfd pfd = {fd, events, 0};
        int r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

/* The state of one run. */
struct run {
    const ucp_probe *probe;
    int fd;
    int64_t deadline;
    gnutls_session_t tls;
    struct ucp_connection *conn;
    char local_addr[INET6_ADDRSTRLEN + 2];
    unsigned local_port;
    /* what the handshake showed */
    struct ucp_bytes peers[MAX_PEER_CERTS];
    size_t npeers;
    bool peers_truncated;
    uint8_t first[FIRST_BYTES]; /* the first bytes received after TLS started */
    size_t nfirst;
    bool nomem;
    /* a line reader over the socket (before TLS) or the TLS session */
    char buf[8192];
    size_t blen;
    bool eof;
    int tls_error; /* the GnuTLS error that ended reading, 0 if none */
    /* ucp_probe_replay(): the server's bytes come from memory, what we send is dropped */
    bool replay;
    const uint8_t *replay_data;
    size_t replay_left;
};

static ssize_t push_fn(gnutls_transport_ptr_t ptr, const void *data, size_t len)
{
    struct run *r = ptr;
    ssize_t n = send(r->fd, data, len, MSG_NOSIGNAL);
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
        /* The server has closed: its last words (an alert) may be waiting to be read. Swallow what
         * we send so that GnuTLS goes on to read them; reading then ends the exchange. */
        return (ssize_t)len;
    }
    return n;
}

static ssize_t pull_fn(gnutls_transport_ptr_t ptr, void *data, size_t len)
{
    struct run *r = ptr;
    ssize_t n = recv(r->fd, data, len, 0);
    if (n > 0 && r->nfirst < FIRST_BYTES) {
        size_t k = (size_t)n < FIRST_BYTES - r->nfirst ? (size_t)n : FIRST_BYTES - r->nfirst;
        memcpy(r->first + r->nfirst, data, k);
        r->nfirst += k;
    }
    return n;
}

/* ---- name resolution within the deadline ---------------------------------------------------
 * getaddrinfo() cannot be interrupted and the system resolver's own time (resolv.conf timeout x
 * attempts x servers) may exceed --timeout, so a host name is resolved on a helper thread that
 * this one waits for until the deadline. A late helper finishes on its own: the request is
 * reference-counted (this thread and the helper) and freed by whichever lets go last. */
struct resolve {
    atomic_int refs;
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
    int gai;
    struct addrinfo hints;
    struct addrinfo *res;
    char port[8];
    char host[];
};

static void resolve_release(struct resolve *q)
{
    if (atomic_fetch_sub(&q->refs, 1) != 1)
        return;
    if (q->res)
        freeaddrinfo(q->res);
    pthread_cond_destroy(&q->done_cv);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static void *resolve_thread(void *arg)
{
    struct resolve *q = arg;
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(q->host, q->port, &q->hints, &res);
    pthread_mutex_lock(&q->lock);
    q->gai = gai;
    q->res = res;
    q->done = true;
    pthread_cond_signal(&q->done_cv);
    pthread_mutex_unlock(&q->lock);
    resolve_release(q);
    return NULL;
}

/* getaddrinfo() of @host, given up at @deadline (CLOCK_MONOTONIC ms): 0 and *res, a getaddrinfo
 * error, or EAI_AGAIN with *timed_out set. Numeric hosts never block and are resolved here. */
static int resolve_within(const char *host, const char *port, const struct addrinfo *hints, int64_t deadline,
                          struct addrinfo **res, bool *timed_out)
{
    *res = NULL;
    *timed_out = false;
    size_t hlen = strlen(host);
    struct resolve *q = (hints->ai_flags & AI_NUMERICHOST) ? NULL : calloc(1, sizeof *q + hlen + 1);
    if (!q)
        return getaddrinfo(host, port, hints, res);
    memcpy(q->host, host, hlen + 1);
    snprintf(q->port, sizeof q->port, "%s", port);
    q->hints = *hints;
    atomic_init(&q->refs, 2);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&q->done_cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&q->lock, NULL);
    pthread_attr_t ta;
    pthread_t tid;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    /* The resolver needs little stack, but glibc's NSS modules are not ours to size: default. */
    int rc = pthread_create(&tid, &ta, resolve_thread, q);
    pthread_attr_destroy(&ta);
    if (rc != 0) {
        atomic_store(&q->refs, 1);
        resolve_release(q);
        return getaddrinfo(host, port, hints, res); /* no thread to spare: wait for the resolver */
    }
    int gai = EAI_AGAIN;
    pthread_mutex_lock(&q->lock);
    while (!q->done) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            break;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += (time_t)(left / 1000);
        until.tv_nsec += (long)(left % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&q->done_cv, &q->lock, &until);
    }
    if (q->done) {
        gai = q->gai;
        *res = q->res;
        q->res = NULL; /* ours now */
    } else {
        *timed_out = true;
    }
    pthread_mutex_unlock(&q->lock);
    resolve_release(q);
    return gai;
}

static ucp_status connect_tcp(struct run *r)
{
    const ucp_probe *p = r->probe;
    char port[8];
    snprintf(port, sizeof port, "%u", p->port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    /* No AI_ADDRCONFIG: on a host with loopback addresses only it would hide "localhost". */
    hints.ai_flags = AI_NUMERICSERV | (p->host_is_ip ? AI_NUMERICHOST : 0);
    bool resolve_timed_out;
    int gai = resolve_within(p->host, port, &hints, r->deadline, &res, &resolve_timed_out);
    if (resolve_timed_out)
        return ucp_fail(UCP_E_TIMEOUT, p->target, "cannot resolve the host name: no answer from the resolver within %u ms",
                        p->timeout_ms);
    if (gai != 0)
        return ucp_fail(UCP_E_NETWORK, p->target, "cannot resolve the host name: %s", gai_strerror(gai));
    int last_errno = 0;
    bool timed_out = false;
    ucp_status st = UCP_OK;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, r->deadline);
            if (w == 1) {
                int err = 0;
                socklen_t elen = sizeof err;
                if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
                    err = errno;
                rc = err ? -1 : 0;
                errno = err;
            } else {
                rc = -1;
                if (w == 0)
                    timed_out = true;
            }
        }
        if (rc == 0) {
            r->fd = fd;
            char host[INET6_ADDRSTRLEN];
            if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0)
                snprintf(host, sizeof host, "?");
            r->conn->address = ucp_strdup(host);
            struct sockaddr_storage local;
            socklen_t llen = sizeof local;
            char lhost[INET6_ADDRSTRLEN], lport[8];
            if (getsockname(fd, (struct sockaddr *)&local, &llen) == 0 &&
                getnameinfo((struct sockaddr *)&local, llen, lhost, sizeof lhost, lport, sizeof lport,
                            NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
                snprintf(r->local_addr, sizeof r->local_addr, local.ss_family == AF_INET6 ? "[%s]" : "%s", lhost);
                r->local_port = (unsigned)atoi(lport);
            } else {
                snprintf(r->local_addr, sizeof r->local_addr, "127.0.0.1");
            }
            if (!r->conn->address)
                st = ucp_fail_nomem();
            freeaddrinfo(res);
            return st;
        }
        if (!timed_out)
            last_errno = errno;
        close(fd);
        if (timed_out)
            break;
    }
    freeaddrinfo(res);
    if (timed_out)
        return ucp_fail(UCP_E_TIMEOUT, p->target, "no TCP connection within %u ms", p->timeout_ms);
    return ucp_fail_origin(UCP_E_NETWORK, UCP_ORIGIN_SYSTEM, last_errno, p->target, "cannot connect: %s",
                           last_errno == ECONNREFUSED ? "connection refused (nothing listens on that port)"
                                                      : strerror(last_errno));
}

/* ---- reading lines (before TLS on the socket, after it through GnuTLS) -------------------------- */

enum rd { RD_OK, RD_EOF, RD_TIMEOUT, RD_TOO_LONG, RD_TOO_MANY, RD_ERROR };

/* Read more bytes into the buffer. */
static enum rd fill(struct run *r)
{
    if (r->eof)
        return RD_EOF;
    if (r->blen == sizeof r->buf)
        return RD_TOO_LONG;
    for (;;) {
        if (now_ms() >= r->deadline)
            return RD_TIMEOUT;
        ssize_t n;
        if (r->replay) {
            size_t room = sizeof r->buf - r->blen;
            size_t k = r->replay_left < room ? r->replay_left : room;
            /* Hand the bytes over in small pieces, as a network does: the readers must cope. */
            if (k > 512)
                k = 512;
            if (k == 0) {
                r->eof = true;
                return RD_EOF;
            }
            memcpy(r->buf + r->blen, r->replay_data, k);
            r->replay_data += k;
            r->replay_left -= k;
            n = (ssize_t)k;
        } else if (r->tls) {
            n = gnutls_record_recv(r->tls, r->buf + r->blen, sizeof r->buf - r->blen);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                int w = wait_fd(r->fd, POLLIN, r->deadline);
                if (w == 0)
                    return RD_TIMEOUT;
                if (w < 0)
                    return RD_ERROR;
                continue;
            }
            if (n == 0) {
                r->eof = true;
                return RD_EOF;
            }
            if (n < 0) {
                if (!gnutls_error_is_fatal((int)n))
                    continue; /* a warning alert, a session ticket: keep reading until the deadline */
                r->tls_error = (int)n;
                r->eof = true;
                return n == GNUTLS_E_PREMATURE_TERMINATION ? RD_EOF : RD_ERROR;
            }
        } else {
            n = recv(r->fd, r->buf + r->blen, sizeof r->buf - r->blen, 0);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                int w = wait_fd(r->fd, POLLIN, r->deadline);
                if (w == 0)
                    return RD_TIMEOUT;
                if (w < 0)
                    return RD_ERROR;
                continue;
            }
            if (n <= 0) {
                r->eof = true;
                return n == 0 ? RD_EOF : RD_ERROR;
            }
        }
        r->blen += (size_t)n;
        return RD_OK;
    }
}

/* One line without its CR LF into @line (at most LINE_MAX_BYTES, NUL-terminated; NULs kept as the
 * length says). */
static enum rd read_line(struct run *r, char *line, size_t *len)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->blen);
        if (nl) {
            size_t n = (size_t)(nl - r->buf);
            size_t keep = n > 0 && r->buf[n - 1] == '\r' ? n - 1 : n;
            if (keep > LINE_MAX_BYTES)
                return RD_TOO_LONG;
            memcpy(line, r->buf, keep);
            line[keep] = '\0';
            *len = keep;
            memmove(r->buf, nl + 1, r->blen - n - 1);
            r->blen -= n + 1;
            return RD_OK;
        }
        if (r->blen > LINE_MAX_BYTES)
            return RD_TOO_LONG;
        enum rd e = fill(r);
        if (e != RD_OK)
            return e;
    }
}

/* Discard @n bytes (a message body). */
static enum rd skip_bytes(struct run *r, size_t n)
{
    while (n > 0) {
        if (r->blen == 0) {
            enum rd e = fill(r);
            if (e != RD_OK)
                return e;
        }
        size_t k = n < r->blen ? n : r->blen;
        memmove(r->buf, r->buf + k, r->blen - k);
        r->blen -= k;
        n -= k;
    }
    return RD_OK;
}

static ucp_status send_all(struct run *r, const char *data, size_t len)
{
    if (r->replay)
        return UCP_OK;
    size_t off = 0;
    while (off < len) {
        ssize_t n;
        if (r->tls) {
            n = gnutls_record_send(r->tls, data + off, len - off);
            if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED) {
                if (wait_fd(r->fd, POLLOUT, r->deadline) != 1)
                    return UCP_E_TIMEOUT;
                continue;
            }
            if (n < 0) {
                r->tls_error = (int)n;
                return UCP_E_TLS;
            }
        } else {
            n = send(r->fd, data + off, len - off, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                if (wait_fd(r->fd, POLLOUT, r->deadline) != 1)
                    return UCP_E_TIMEOUT;
                continue;
            }
            if (n < 0)
                return UCP_E_NETWORK;
        }
        off += (size_t)n;
    }
    return UCP_OK;
}

static char *shown(const char *s, size_t n)
{
    return ucp_display_bytes((const uint8_t *)s, n > MAX_FIELD ? MAX_FIELD : n);
}

static const char *rd_text(enum rd e)
{
    switch (e) {
    case RD_OK: return "ok";
    case RD_EOF: return "the server closed the connection";
    case RD_TIMEOUT: return "no answer in time";
    case RD_TOO_LONG: return "a line longer than 4096 bytes";
    case RD_TOO_MANY: return "more than 100 lines";
    case RD_ERROR: return "a read error";
    }
    return "";
}

/* ---- SMTP --------------------------------------------------------------------------------- */

/* One SMTP reply: its code (or -1 when malformed), its last line (shown, malloc'd), and whether a
 * line of it says @keyword (EHLO extensions). */
static enum rd smtp_reply(struct run *r, int *code, char **last, const char *keyword, bool *has_keyword)
{
    char line[LINE_MAX_BYTES + 1];
    size_t len = 0;
    *code = -1;
    *last = NULL;
    if (has_keyword)
        *has_keyword = false;
    for (size_t i = 0; i < MAX_REPLY_LINES; i++) {
        enum rd e = read_line(r, line, &len);
        if (e != RD_OK)
            return e;
        free(*last);
        *last = shown(line, len);
        if (len < 3 || line[0] < '2' || line[0] > '5' || line[1] < '0' || line[1] > '9' || line[2] < '0' ||
            line[2] > '9' || (len > 3 && line[3] != ' ' && line[3] != '-')) {
            *code = -1;
            return RD_OK; /* not SMTP */
        }
        int c = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (*code >= 0 && c != *code) {
            *code = -1;
            return RD_OK;
        }
        *code = c;
        if (has_keyword && len >= 4 + strlen(keyword) &&
            ucp_strcaseeq_n(line + 4, strlen(keyword), keyword, strlen(keyword)) &&
            (len == 4 + strlen(keyword) || line[4 + strlen(keyword)] == ' '))
            *has_keyword = true;
        if (len == 3 || line[3] == ' ')
            return RD_OK;
    }
    return RD_TOO_MANY;
}

static ucp_status smtp_fail(struct run *r, enum rd e, const char *step)
{
    const ucp_probe *p = r->probe;
    if (e == RD_TIMEOUT)
        return ucp_fail(UCP_E_TIMEOUT, p->target, "no SMTP %s within %u ms", step, p->timeout_ms);
    return ucp_fail(UCP_E_NETWORK, p->target, "SMTP %s: %s", step, rd_text(e));
}

static ucp_status smtp_starttls(struct run *r)
{
    const ucp_probe *p = r->probe;
    int code;
    char *last = NULL;
    bool starttls = false;
    ucp_status st = UCP_OK;
    enum rd e = smtp_reply(r, &code, &last, "", NULL);
    if (e != RD_OK) {
        st = smtp_fail(r, e, "greeting");
        goto out;
    }
    if (code != 220) {
        st = ucp_fail(UCP_E_NETWORK, p->target, code < 0 ? "the server does not speak SMTP: '%s'"
                                                         : "the SMTP server refused the session: '%s'", last);
        goto out;
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "EHLO %s\r\n", r->local_addr);
    if ((st = send_all(r, cmd, strlen(cmd))) != UCP_OK) {
        st = ucp_fail(st, p->target, "cannot send EHLO");
        goto out;
    }
    free(last);
    e = smtp_reply(r, &code, &last, "STARTTLS", &starttls);
    if (e != RD_OK) {
        st = smtp_fail(r, e, "answer to EHLO");
        goto out;
    }
    if (code != 250) {
        st = ucp_fail(UCP_E_NETWORK, p->target, "the SMTP server refused EHLO: '%s'", last ? last : "");
        goto out;
    }
    if (!starttls) {
        st = ucp_fail(UCP_E_UNSUPPORTED, p->target, "the SMTP server does not offer STARTTLS");
        goto out;
    }
    if ((st = send_all(r, "STARTTLS\r\n", 10)) != UCP_OK) {
        st = ucp_fail(st, p->target, "cannot send STARTTLS");
        goto out;
    }
    free(last);
    e = smtp_reply(r, &code, &last, "", NULL);
    if (e != RD_OK) {
        st = smtp_fail(r, e, "answer to STARTTLS");
        goto out;
    }
    if (code != 220) {
        st = ucp_fail(UCP_E_NETWORK, p->target, "the SMTP server refused STARTTLS: '%s'", last ? last : "");
        goto out;
    }
    if (r->blen) {
        /* Bytes sent before our ClientHello cannot be TLS: a plaintext injection (CVE-2011-0411). */
        st = ucp_fail(UCP_E_NETWORK, p->target,
                      "the SMTP server sent %zu bytes after accepting STARTTLS; not starting TLS on that session",
                      r->blen);
        goto out;
    }
out:
    free(last);
    return st;
}

/* After TLS: EHLO again; its answer tells whether the server goes on with this client. */
static void smtp_after_tls(struct run *r)
{
    struct ucp_connection *c = r->conn;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "EHLO %s\r\n", r->local_addr);
    int code = -1;
    char *last = NULL;
    enum rd e = RD_ERROR;
    if (send_all(r, cmd, strlen(cmd)) == UCP_OK)
        e = smtp_reply(r, &code, &last, "", NULL);
    c->response = last;
    if (e == RD_OK && code >= 200 && code < 300) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_asprintf("the server answered EHLO with %d after TLS", code);
        send_all(r, "QUIT\r\n", 6);
    } else if (e == RD_OK && code >= 500) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server refused EHLO with %d after TLS", code);
    } else if (e == RD_OK) {
        c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
        c->detail = ucp_strdup(code < 0 ? "the server's answer to EHLO after TLS is not an SMTP reply"
                                        : "the server answered EHLO after TLS with neither success nor refusal");
    } else {
        c->verdict = r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED || e == RD_EOF ? UCP_CLIENT_AUTH_REJECTED
                                                                                : UCP_CLIENT_AUTH_UNKNOWN;
        c->detail = ucp_asprintf("after TLS, EHLO got no answer: %s", rd_text(e));
    }
}

/* ---- SIP ---------------------------------------------------------------------------------- */

static void hex(char *out, size_t bytes)
{
    uint8_t raw[16];
    if (bytes > sizeof raw)
        bytes = sizeof raw;
    if (gnutls_rnd(GNUTLS_RND_NONCE, raw, bytes) < 0)
        memset(raw, 0x5a, bytes);
    for (size_t i = 0; i < bytes; i++)
        snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* "Name: value" with @name matched ASCII case-insensitively; the value with blanks trimmed. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *vlen)
{
    size_t n = strlen(name);
    if (len <= n || !ucp_strcaseeq_n(line, n, name, n))
        return NULL;
    size_t i = n;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    if (i >= len || line[i] != ':')
        return NULL;
    i++;
    while (i < len && (line[i] == ' ' || line[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (line[end - 1] == ' ' || line[end - 1] == '\t'))
        end--;
    *vlen = end - i;
    return line + i;
}

static void sip_verdict_from_read(struct run *r, enum rd e, const char *when)
{
    struct ucp_connection *c = r->conn;
    if (r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server ended the TLS session with an alert %s", when);
    } else if (e == RD_EOF || r->tls_error == GNUTLS_E_PREMATURE_TERMINATION || r->tls_error == GNUTLS_E_PULL_ERROR) {
        c->verdict = UCP_CLIENT_AUTH_REJECTED;
        c->detail = ucp_asprintf("the server closed the connection %s without answering", when);
    } else {
        c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
        if (e == RD_TIMEOUT)
            c->detail = ucp_asprintf("no answer to the SIP OPTIONS request within %u ms", r->probe->timeout_ms);
        else
            c->detail = ucp_asprintf("the answer to the SIP OPTIONS request cannot be read: %s", rd_text(e));
    }
}

static void sip_options(struct run *r)
{
    const ucp_probe *p = r->probe;
    struct ucp_connection *c = r->conn;
    char branch[33], tag[17], callid[33];
    hex(branch, 16);
    hex(tag, 8);
    hex(callid, 16);
    const char *uri_host = p->server_name ? p->server_name : p->target;
    char *req;
    if (p->server_name)
        req = ucp_asprintf("OPTIONS sip:%s:%u;transport=tls SIP/2.0\r\n", uri_host, p->port);
    else
        req = ucp_asprintf("OPTIONS sip:%s;transport=tls SIP/2.0\r\n", p->target);
    char *rest = ucp_asprintf(
        "Via: SIP/2.0/TLS %s:%u;branch=z9hG4bK%s\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:ucpolicy-probe@%s>;tag=%s\r\n"
        "To: <sip:%s>\r\n"
        "Call-ID: %s@ucpolicy\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Contact: <sip:%s:%u;transport=tls>\r\n"
        "Accept: application/sdp\r\n"
        "User-Agent: ucpolicy/%s\r\n"
        "Content-Length: 0\r\n\r\n",
        r->local_addr, r->local_port, branch, r->local_addr, tag, p->server_name ? p->server_name : p->host, callid,
        r->local_addr, r->local_port, UCP_VERSION);
    if (!req || !rest) {
        free(req);
        free(rest);
        r->nomem = true;
        return;
    }
    ucp_status st = send_all(r, req, strlen(req));
    if (st == UCP_OK)
        st = send_all(r, rest, strlen(rest));
    free(req);
    free(rest);
    if (st != UCP_OK) {
        if (r->tls_error == 0 && st == UCP_E_TIMEOUT) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the SIP OPTIONS request could not be sent in time");
        } else {
            sip_verdict_from_read(r, RD_EOF, "before the SIP OPTIONS request was sent");
        }
        return;
    }
    char line[LINE_MAX_BYTES + 1];
    size_t len;
    for (size_t resp = 0; resp < MAX_SIP_RESPONSES; resp++) {
        /* Keep-alive CRLFs may precede a message (RFC 5626). */
        enum rd e;
        size_t blank = 0;
        do
            e = read_line(r, line, &len);
        while (e == RD_OK && len == 0 && ++blank < MAX_REPLY_LINES);
        if (e != RD_OK) {
            sip_verdict_from_read(r, e, "after the SIP OPTIONS request");
            return;
        }
        free(c->response);
        c->response = shown(line, len);
        /* Status-Line = "SIP/2.0" SP Status-Code SP Reason-Phrase; a bare "SIP/2.0 200" (no
         * space, no reason) is tolerated as well. */
        int code = -1;
        if (len >= 11 && memcmp(line, "SIP/2.0 ", 8) == 0 && line[8] >= '1' && line[8] <= '6' && line[9] >= '0' &&
            line[9] <= '9' && line[10] >= '0' && line[10] <= '9' && (len == 11 || line[11] == ' '))
            code = (line[8] - '0') * 100 + (line[9] - '0') * 10 + (line[10] - '0');
        if (code < 0) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the server's answer to the SIP OPTIONS request is not a SIP response");
            return;
        }
        size_t body = 0;
        bool ended = false;
        for (size_t h = 0; h < MAX_REPLY_LINES; h++) {
            e = read_line(r, line, &len);
            if (e != RD_OK)
                break;
            if (len == 0) {
                ended = true;
                break;
            }
            size_t vlen;
            const char *v;
            if ((v = header_value(line, len, "ms-diagnostics", &vlen)) && !c->diagnostics) {
                c->diagnostics = shown(v, vlen);
                if (!c->diagnostics)
                    r->nomem = true;
            } else if ((v = header_value(line, len, "content-length", &vlen)) || (v = header_value(line, len, "l", &vlen))) {
                body = 0;
                for (size_t i = 0; i < vlen && i < 10; i++)
                    if (v[i] >= '0' && v[i] <= '9')
                        body = body * 10 + (size_t)(v[i] - '0');
            }
        }
        if (code >= 200) {
            /* The final answer: its status decides, whatever follows it. */
            if (code < 300) {
                c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
            } else if (code == 401 || code == 403 || code == 407) {
                c->verdict = UCP_CLIENT_AUTH_REJECTED;
            } else {
                c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            }
            c->detail = ucp_asprintf("the server answered the SIP OPTIONS request with %d%s%s", code,
                                     c->verdict == UCP_CLIENT_AUTH_UNKNOWN
                                         ? ", which says neither that it accepts this peer nor that it refuses it"
                                         : "",
                                     ended ? "" : " (its header did not end within the limits read)");
            return;
        }
        if (!ended || body > MAX_SIP_BODY || skip_bytes(r, body) != RD_OK) {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ucp_strdup("the server's provisional answer to the SIP OPTIONS request cannot be read to its end");
            return;
        }
    }
    c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
    c->detail = ucp_asprintf("more than %d provisional answers and no final one", MAX_SIP_RESPONSES);
}

/* ---- TLS ---------------------------------------------------------------------------------- */

static void keep_peers(struct run *r)
{
    if (r->npeers)
        return;
    unsigned n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(r->tls, &n);
    for (unsigned i = 0; list && i < n; i++) {
        if (r->npeers == MAX_PEER_CERTS) {
            r->peers_truncated = true;
            break;
        }
        uint8_t *d = malloc(list[i].size ? list[i].size : 1);
        if (!d) {
            r->nomem = true;
            return;
        }
        memcpy(d, list[i].data, list[i].size);
        r->peers[r->npeers].data = d;
        r->peers[r->npeers].len = list[i].size;
        r->npeers++;
    }
}

/* Called by GnuTLS when the server's certificate has arrived: keep the chain, accept it. */
static int verify_fn(gnutls_session_t session)
{
    keep_peers(gnutls_session_get_ptr(session));
    return 0;
}

/* Called by GnuTLS when the server asks for a client certificate. */
static int retrieve_fn(gnutls_session_t session, const gnutls_datum_t *req_ca_dn, int nreqs,
                       const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length, gnutls_pcert_st **pcert,
                       unsigned int *pcert_length, gnutls_privkey_t *privkey)
{
    struct run *r = gnutls_session_get_ptr(session);
    r->conn->requested = true;
    /* Present the configured certificate whatever CA names the server lists, as a server
     * configured with one certificate does: the server's judgement is what the probe reports. */
    if (r->probe->npcerts) {
        *pcert = r->probe->pcerts;
        *pcert_length = r->probe->npcerts;
        *privkey = r->probe->key;
        r->conn->sent = true;
    } else {
        *pcert = NULL;
        *pcert_length = 0;
        *privkey = NULL;
    }
    return 0;
}

static const char *alert_name(gnutls_alert_description_t a)
{
    switch ((int)a) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 22: return "record_overflow";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 49: return "access_denied";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 100: return "no_renegotiation";
    case 109: return "missing_extension";
    case 110: return "unsupported_extension";
    case 112: return "unrecognized_name";
    case 113: return "bad_certificate_status_response";
    case 115: return "unknown_psk_identity";
    case 116: return "certificate_required";
    case 120: return "no_application_protocol";
    }
    return NULL;
}

static void record_alert(struct run *r)
{
    gnutls_alert_description_t a = gnutls_alert_get(r->tls);
    const char *name = alert_name(a);
    free(r->conn->alert);
    r->conn->alert = name ? ucp_strdup(name) : ucp_asprintf("alert %d", (int)a);
    if (!r->conn->alert)
        r->nomem = true;
}

static bool looks_tls(const struct run *r)
{
    /* A TLS record starts with a content type 20-23 and a major version 3. */
    return r->nfirst == 0 || (r->first[0] >= 20 && r->first[0] <= 23 && (r->nfirst < 2 || r->first[1] == 3));
}

static ucp_status handshake(struct run *r)
{
    const ucp_probe *p = r->probe;
    struct ucp_connection *c = r->conn;
    int ret;
    for (unsigned rounds = 0;; rounds++) {
        ret = gnutls_handshake(r->tls);
        if (ret == 0)
            break;
        if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED) {
            int w = wait_fd(r->fd, gnutls_record_get_direction(r->tls) ? POLLOUT : POLLIN, r->deadline);
            if (w == 1 && rounds < 1000000)
                continue;
            ret = w == 0 ? GNUTLS_E_TIMEDOUT : GNUTLS_E_PULL_ERROR;
            break;
        }
        if (!gnutls_error_is_fatal(ret) && now_ms() < r->deadline)
            continue;
        if (!gnutls_error_is_fatal(ret))
            ret = GNUTLS_E_TIMEDOUT;
        break;
    }
    if (ret != 0)
        keep_peers(r); /* when the alert came before the verify callback ran */
    if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
        record_alert(r);
    if (ret == 0) {
        keep_peers(r);
        const char *v = gnutls_protocol_get_name(gnutls_protocol_get_version(r->tls));
        const char *cs = gnutls_ciphersuite_get(r->tls);
        c->tls_version = v ? ucp_strdup(v) : NULL;
        c->cipher_suite = cs ? ucp_strdup(cs) : NULL;
        if ((v && !c->tls_version) || (cs && !c->cipher_suite))
            r->nomem = true;
        return UCP_OK;
    }
    if (r->npeers) {
        /* The server sent its certificate, then ended the handshake: a verdict on the client. */
        if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED || ret == GNUTLS_E_PREMATURE_TERMINATION || ret == GNUTLS_E_PULL_ERROR) {
            c->verdict = UCP_CLIENT_AUTH_REJECTED;
            c->detail = ucp_asprintf(ret == GNUTLS_E_FATAL_ALERT_RECEIVED
                                         ? "the server ended the TLS handshake with an alert%s"
                                         : "the server closed the connection during the TLS handshake%s",
                                     c->requested ? (c->sent ? " after receiving the client certificate"
                                                             : " after asking for a client certificate that the probe did not have")
                                                  : "");
        } else {
            c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
            c->detail = ret == GNUTLS_E_TIMEDOUT
                            ? ucp_asprintf("the TLS handshake did not complete within %u ms", p->timeout_ms)
                            : ucp_asprintf("the TLS handshake failed after the server's certificate: %s",
                                           gnutls_strerror(ret));
        }
        return UCP_OK;
    }
    if (ret == GNUTLS_E_TIMEDOUT)
        return ucp_fail(UCP_E_TIMEOUT, p->target, r->nfirst ? "the TLS handshake did not complete within %u ms"
                                                            : "no answer to the TLS ClientHello within %u ms",
                        p->timeout_ms);
    if (!looks_tls(r)) {
        /* GnuTLS stopped at the record header: show a little more of what the server said. */
        if (r->nfirst < FIRST_BYTES) {
            ssize_t n = recv(r->fd, r->first + r->nfirst, FIRST_BYTES - r->nfirst, MSG_DONTWAIT);
            if (n > 0)
                r->nfirst += (size_t)n;
        }
        char *first = ucp_display_bytes(r->first, r->nfirst);
        ucp_status st = ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                                        "the server does not speak TLS%s (it sent '%s')",
                                        p->protocol == UCP_PROBE_SMTP ? " after STARTTLS" : "", first ? first : "");
        free(first);
        return st;
    }
    if (ret == GNUTLS_E_FATAL_ALERT_RECEIVED)
        return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                               "the TLS handshake failed before the server sent a certificate: the server sent the "
                               "alert %s",
                               c->alert ? c->alert : "?");
    if (ret == GNUTLS_E_PREMATURE_TERMINATION || (ret == GNUTLS_E_PULL_ERROR && r->nfirst == 0))
        return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                               "the server closed the connection before sending a certificate");
    return ucp_fail_origin(UCP_E_TLS, UCP_ORIGIN_GNUTLS, ret, p->target,
                           "the TLS handshake failed before the server sent a certificate: %s", gnutls_strerror(ret));
}

/* Plain TLS: the handshake's end says it all, except in TLS 1.3, where the server judges the
 * client's certificate after the client has finished: wait briefly for its alert. */
static void tls_after_handshake(struct run *r)
{
    struct ucp_connection *c = r->conn;
    bool tls13 = gnutls_protocol_get_version(r->tls) == GNUTLS_TLS1_3;
    if (!c->requested || !tls13) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_strdup(!c->requested ? "the TLS handshake completed; the server did not ask for a client certificate"
                                             : "the TLS handshake completed, which in TLS 1.2 means the server accepted the client");
        return;
    }
    int64_t saved = r->deadline;
    int64_t settle = now_ms() + TLS13_SETTLE_MS;
    if (settle < r->deadline)
        r->deadline = settle;
    enum rd e = fill(r);
    r->deadline = saved;
    if (e == RD_OK) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_strdup("the server sent application data after the TLS 1.3 handshake");
    } else if (e == RD_TIMEOUT) {
        c->verdict = UCP_CLIENT_AUTH_ACCEPTED;
        c->detail = ucp_asprintf("no alert within %d ms after the TLS 1.3 handshake", TLS13_SETTLE_MS);
    } else {
        sip_verdict_from_read(r, e, "after the TLS 1.3 handshake");
        if (c->verdict == UCP_CLIENT_AUTH_REJECTED && r->tls_error != GNUTLS_E_FATAL_ALERT_RECEIVED) {
            free(c->detail);
            c->detail = ucp_strdup("the server closed the connection right after the TLS 1.3 handshake");
        }
    }
}

static ucp_status start_tls(struct run *r, gnutls_certificate_credentials_t *cred)
{
    const ucp_probe *p = r->probe;
    int ret;
    if ((ret = gnutls_certificate_allocate_credentials(cred)) < 0 ||
        (ret = gnutls_init(&r->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0)
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, p->target, "%s", gnutls_strerror(ret));
    gnutls_certificate_set_retrieve_function2(*cred, retrieve_fn);
    gnutls_session_set_ptr(r->tls, r);
    gnutls_session_set_verify_function(r->tls, verify_fn);
    if ((ret = gnutls_set_default_priority(r->tls)) < 0 ||
        (ret = gnutls_credentials_set(r->tls, GNUTLS_CRD_CERTIFICATE, *cred)) < 0 ||
        (p->server_name && (ret = gnutls_server_name_set(r->tls, GNUTLS_NAME_DNS, p->server_name,
                                                         strlen(p->server_name))) < 0))
        return ucp_fail_origin(UCP_E_CRYPTO, UCP_ORIGIN_GNUTLS, ret, p->target, "%s", gnutls_strerror(ret));
    gnutls_transport_set_ptr(r->tls, r);
    gnutls_transport_set_push_function(r->tls, push_fn);
    gnutls_transport_set_pull_function(r->tls, pull_fn);
    return UCP_OK;
}

/* ---- replays (tests and fuzzing) ------------------------------------------------------------ */

ucp_status ucp_probe_replay(enum ucp_probe_replay what, const uint8_t *data, size_t len,
                            struct ucp_connection **out)
{
    *out = NULL;
    struct ucp_probe p;
    memset(&p, 0, sizeof p);
    p.host = (char *)"replay.test";
    p.target = (char *)"replay.test:5061";
    p.port = 5061;
    p.protocol = what == UCP_PROBE_REPLAY_SIP_OPTIONS ? UCP_PROBE_SIP : UCP_PROBE_SMTP;
    p.timeout_ms = 60000;
    struct run *r = calloc(1, sizeof *r);
    struct ucp_connection *c = calloc(1, sizeof *c);
    if (!r || !c) {
        free(r);
        free(c);
        return ucp_fail_nomem();
    }
    r->probe = &p;
    r->fd = -1;
    r->conn = c;
    r->deadline = now_ms() + p.timeout_ms;
    r->replay = true;
    r->replay_data = data;
    r->replay_left = data ? len : 0;
    snprintf(r->local_addr, sizeof r->local_addr, "192.0.2.1");
    r->local_port = 50000;
    c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
    c->protocol = p.protocol;
    c->port = p.port;
    ucp_status st = (c->host = ucp_strdup(p.host)) ? UCP_OK : ucp_fail_nomem();
    if (st != UCP_OK)
        what = (enum ucp_probe_replay)-1;
    switch (what) {
    case UCP_PROBE_REPLAY_SMTP_STARTTLS: st = smtp_starttls(r); break;
    case UCP_PROBE_REPLAY_SMTP_AFTER_TLS: smtp_after_tls(r); break;
    case UCP_PROBE_REPLAY_SIP_OPTIONS: sip_options(r); break;
    default: break;
    }
    if (r->nomem && st == UCP_OK)
        st = ucp_fail_nomem();
    free(r);
    *out = c;
    return st;
}

/* ---- the run ------------------------------------------------------------------------------ */

static ucp_status unknown_role(const char *role)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    for (size_t i = 0; i < ucp_role_total; i++)
        ucp_sb_printf(&sb, "%s%s", i ? ", " : "", ucp_roles[i].id);
    char *list = ucp_sb_finish(&sb);
    char *name = ucp_display_bytes((const uint8_t *)role, strlen(role));
    ucp_status st = ucp_fail(UCP_E_UNKNOWN_ROLE, NULL, "unknown role '%s'; the roles are: %s", name ? name : "",
                             list ? list : "");
    free(name);
    free(list);
    return st;
}

UCP_EXPORT ucp_status ucp_probe_run(ucp_probe *p, ucp_checker *checker, const char *role,
                                    const ucp_topology *topology, ucp_report **out)
{
    if (!out)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_run: out is NULL");
    *out = NULL;
    if (!p || !checker || !role)
        return ucp_fail(UCP_E_INVALID_ARGUMENT, NULL, "ucp_probe_run: probe, checker or role is NULL");
    const struct ucp_role *rl = ucp_role_find(role);
    if (!rl)
        return unknown_role(role);

    struct run *r = calloc(1, sizeof *r);
    struct ucp_connection *c = calloc(1, sizeof *c);
    if (!r || !c) {
        free(r);
        free(c);
        return ucp_fail_nomem();
    }
    r->probe = p;
    r->fd = -1;
    r->conn = c;
    r->deadline = now_ms() + p->timeout_ms;
    c->port = p->port;
    c->protocol = p->protocol;
    c->verdict = UCP_CLIENT_AUTH_UNKNOWN;
    c->host = ucp_strdup(p->host);
    c->server_name = p->server_name ? ucp_strdup(p->server_name) : NULL;
    gnutls_certificate_credentials_t cred = NULL;
    ucp_input *input = NULL;
    ucp_report *report = NULL;
    ucp_status st = !c->host || (p->server_name && !c->server_name) ? ucp_fail_nomem() : UCP_OK;

    if (st == UCP_OK)
        st = connect_tcp(r);
    if (st == UCP_OK && p->protocol == UCP_PROBE_SMTP)
        st = smtp_starttls(r);
    if (st == UCP_OK)
        st = start_tls(r, &cred);
    if (st == UCP_OK)
        st = handshake(r);
    if (st == UCP_OK && c->tls_version) {
        r->blen = 0;
        r->eof = false;
        switch (p->protocol) {
        case UCP_PROBE_TLS: tls_after_handshake(r); break;
        case UCP_PROBE_SMTP: smtp_after_tls(r); break;
        case UCP_PROBE_SIP: sip_options(r); break;
        }
        if (r->tls_error == GNUTLS_E_FATAL_ALERT_RECEIVED)
            record_alert(r);
        /* A polite end, without waiting for the server's. */
        if (!r->eof)
            gnutls_bye(r->tls, GNUTLS_SHUT_WR);
    }
    if (st == UCP_OK && !r->npeers)
        st = ucp_fail(UCP_E_TLS, p->target, "the server completed the TLS handshake without a certificate");
    if (st == UCP_OK && c->sent && !(c->client_subject = ucp_strdup(p->client_subject)))
        r->nomem = true;
    if (st == UCP_OK && (r->nomem || !c->detail))
        st = ucp_fail_nomem();
    if (st == UCP_OK)
        st = ucp_input_from_der_list(&input, p->target, r->peers, r->npeers);
    if (st == UCP_OK)
        st = ucp_evaluate(checker, input, rl, topology, &report);
    if (st == UCP_OK) {
        report->connection = c; /* the report is not shared yet: still ours to complete */
        c = NULL;
    }

    ucp_input_free(input);
    if (r->tls)
        gnutls_deinit(r->tls);
    if (cred)
        gnutls_certificate_free_credentials(cred);
    if (r->fd >= 0)
        close(r->fd);
    for (size_t i = 0; i < r->npeers; i++)
        free(r->peers[i].data);
    ucp_wipe(r->buf, sizeof r->buf);
    free(r);
    ucp_connection_free(c);
    *out = report;
    return st;
}
