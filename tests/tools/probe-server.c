/* SPDX-License-Identifier: MIT */
/*
 * probe-server: a small TLS server for the probe tests, listening on 127.0.0.1 (or another
 * loopback address, --address; nothing else is accepted) on an ephemeral port that it prints ("PORT 41234") before serving. Like Lync / Skype for Business on 5061, it
 * asks for a client certificate and accepts a peer only when the certificate verifies against
 * --ca and its subject CN names a configured peer (--peer FQDN, exact, case-insensitive: a
 * wildcard CN names no server). A refused peer gets, with --reject sip (default), the SIP answer
 *   SIP/2.0 403 Forbidden
 *   ms-diagnostics: 1000;reason="The peer is not a configured server on this network interface"
 * and with --reject alert a TLS alert bad_certificate during the handshake.
 *
 *   probe-server --mode tls|smtp|sip --cert CHAIN.pem --key KEY.pem [--ca CA.pem] [--peer FQDN]...
 *                [--reject sip|alert] [--no-request] [--tls12] [--connections N] [--lifetime S]
 *                [--hostile KIND] [--address 127.0.0.X]
 *
 * Hostile kinds (for the bounds of the client): plain (not TLS at all), silent (accepts TCP, says
 * nothing), sip-flood (endless header lines), sip-longline (a status line without end),
 * sip-provisional (100 Trying with a body before 200 OK), sip-bare-status (a "SIP/2.0 200"
 * status line without reason phrase), sip-garbage (not SIP), sip-random
 * (pieces of SIP answers and random bytes, seeded by the connection number),
 * smtp-nostarttls, smtp-inject (bytes after the STARTTLS answer).
 *
 * It serves connections one after the other and stops by itself after --connections (default 1)
 * or when --lifetime seconds (default 30) pass without a new connection, whichever comes first:
 * a slow client (valgrind on a busy machine) gets the whole time for each connection, and a
 * server nobody connects to still goes away. Every socket wait is bounded.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define DIAG "1000;reason=\"The peer is not a configured server on this network interface\";source=\"fe01.contoso.com\""

static const char *mode = "tls", *reject = "sip", *hostile = "";
static const char *peers[16];
static int npeers;
static bool request_cert = true, tls12;
static int connection_number;

static void die(const char *what, int ret)
{
    fprintf(stderr, "probe-server: %s: %s\n", what, ret ? gnutls_strerror(ret) : strerror(errno));
    exit(99);
}

/* The Lync rule: the client certificate verifies against --ca and its CN is a configured peer. */
static bool peer_accepted(gnutls_session_t s, char *cn, size_t cnsize)
{
    snprintf(cn, cnsize, "(no certificate)");
    unsigned n = 0;
    const gnutls_datum_t *list = gnutls_certificate_get_peers(s, &n);
    if (!list || n == 0)
        return false;
    gnutls_x509_crt_t crt;
    if (gnutls_x509_crt_init(&crt) < 0)
        return false;
    size_t size = cnsize;
    bool ok = gnutls_x509_crt_import(crt, &list[0], GNUTLS_X509_FMT_DER) >= 0 &&
              gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &size) >= 0;
    gnutls_x509_crt_deinit(crt);
    unsigned status = 0;
    if (!ok || gnutls_certificate_verify_peers2(s, &status) < 0 || status != 0)
        return false;
    for (int i = 0; i < npeers; i++)
        if (strcasecmp(cn, peers[i]) == 0)
            return true;
    return false;
}

static int verify_client(gnutls_session_t s)
{
    char cn[256];
    bool ok = peer_accepted(s, cn, sizeof cn);
    fprintf(stderr, "probe-server: client certificate CN=%s: %s\n", cn, ok ? "accepted" : "refused (alert)");
    return ok ? 0 : GNUTLS_E_CERTIFICATE_ERROR;
}

static void send_all(gnutls_session_t s, int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = s ? gnutls_record_send(s, data, len) : send(fd, data, len, MSG_NOSIGNAL);
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

/* Read one line (LF-terminated) of at most size-1 bytes; false at EOF, error or timeout. */
static bool read_line(gnutls_session_t s, int fd, char *line, size_t size)
{
    size_t n = 0;
    while (n + 1 < size) {
        char c;
        ssize_t r = s ? gnutls_record_recv(s, &c, 1) : recv(fd, &c, 1, 0);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
            return false; /* SO_RCVTIMEO expired */
        if (r <= 0)
            return false;
        if (c == '\n') {
            if (n && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            return true;
        }
        line[n++] = c;
    }
    line[n] = '\0';
    return true;
}

static void sip(gnutls_session_t s, int fd)
{
    char line[2048], via[512] = "", from[512] = "", to[512] = "", callid[512] = "", cseq[128] = "";
    if (!read_line(s, fd, line, sizeof line) || strncmp(line, "OPTIONS ", 8) != 0) {
        fprintf(stderr, "probe-server: not a SIP OPTIONS request: %s\n", line);
        return;
    }
    for (int i = 0; i < 100 && read_line(s, fd, line, sizeof line) && *line; i++) {
        char *colon = strchr(line, ':');
        if (!colon)
            continue;
        *colon = '\0';
        const char *v = colon + 1 + strspn(colon + 1, " \t");
        if (!strcasecmp(line, "via")) snprintf(via, sizeof via, "%s", v);
        else if (!strcasecmp(line, "from")) snprintf(from, sizeof from, "%s", v);
        else if (!strcasecmp(line, "to")) snprintf(to, sizeof to, "%s", v);
        else if (!strcasecmp(line, "call-id")) snprintf(callid, sizeof callid, "%s", v);
        else if (!strcasecmp(line, "cseq")) snprintf(cseq, sizeof cseq, "%s", v);
    }
    char common[3000];
    snprintf(common, sizeof common, "Via: %s\r\nFrom: %s\r\nTo: %s;tag=probeserver\r\nCall-ID: %s\r\nCSeq: %s\r\n",
             via, from, to, callid, cseq);
    char resp[4096];
    if (!strcmp(hostile, "sip-flood")) {
        send_all(s, fd, "SIP/2.0 200 OK\r\n", 16);
        for (int i = 0; i < 200000; i++) /* about 3 MB, unless the client hangs up first */
            if (gnutls_record_send(s, "X-Junk: aaaaaaaa\r\n", 18) < 0)
                return;
        return;
    }
    if (!strcmp(hostile, "sip-longline")) {
        send_all(s, fd, "SIP/2.0 200 ", 12);
        char a[1024];
        memset(a, 'A', sizeof a);
        for (int i = 0; i < 1024; i++) /* 1 MiB without a line end */
            if (gnutls_record_send(s, a, sizeof a) < 0)
                return;
        return;
    }
    if (!strcmp(hostile, "sip-bare-status")) {
        snprintf(resp, sizeof resp, "SIP/2.0 200\r\n%sContent-Length: 0\r\n\r\n", common);
        send_all(s, fd, resp, strlen(resp));
        return;
    }
    if (!strcmp(hostile, "sip-garbage")) {
        send_all(s, fd, "HELLO \x01\x02 WORLD\r\n\r\n", 18);
        return;
    }
    if (!strcmp(hostile, "sip-random")) {
        /* Pieces of SIP answers in random order and number, with random bytes: seeded by the
         * connection number, so a failure can be replayed. */
        static const char *pieces[] = {
            "SIP/2.0 100 Trying\r\n", "SIP/2.0 200 OK\r\n", "SIP/2.0 403 Forbidden\r\n", "SIP/2.0 999\r\n",
            "SIP/2.0 18", "Content-Length: 12\r\n", "l: 99999999999999999999\r\n", "Content-Length: -5\r\n",
            "ms-diagnostics: 1000;reason=\"x\"\r\n", "MS-Diagnostics:\t\t \r\n", "\r\n", "\r\n\r\n", "\n",
            ":\r\n", "SIP/2.0 200 OK", "\xff\xfe\x00\x01", "X: y\r\n"};
        unsigned seed = (unsigned)connection_number * 2654435761u;
        int n = rand_r(&seed) % 40;
        for (int i = 0; i < n; i++) {
            if (rand_r(&seed) % 4 == 0) {
                char junk[64];
                size_t len = (size_t)(rand_r(&seed) % (int)sizeof junk);
                for (size_t k = 0; k < len; k++)
                    junk[k] = (char)(rand_r(&seed) & 0xff);
                send_all(s, fd, junk, len);
            } else {
                const char *piece = pieces[rand_r(&seed) % (int)(sizeof pieces / sizeof pieces[0])];
                send_all(s, fd, piece, !strcmp(piece, "\xff\xfe\x00\x01") ? 4 : strlen(piece));
            }
        }
        return;
    }
    if (!strcmp(hostile, "sip-provisional")) {
        snprintf(resp, sizeof resp, "SIP/2.0 100 Trying\r\n%sContent-Length: 5\r\n\r\nhello", common);
        send_all(s, fd, resp, strlen(resp));
    }
    char cn[256];
    bool ok = peer_accepted(s, cn, sizeof cn);
    fprintf(stderr, "probe-server: SIP peer CN=%s: %s\n", cn, ok ? "200 OK" : "403 Forbidden");
    if (ok)
        snprintf(resp, sizeof resp, "SIP/2.0 200 OK\r\n%sAllow: INVITE, ACK, CANCEL, OPTIONS, BYE\r\nContent-Length: 0\r\n\r\n",
                 common);
    else
        snprintf(resp, sizeof resp, "SIP/2.0 403 Forbidden\r\n%sms-diagnostics: " DIAG "\r\nContent-Length: 0\r\n\r\n",
                 common);
    send_all(s, fd, resp, strlen(resp));
}

/* SMTP before TLS; returns whether to start TLS. */
static bool smtp_plain(int fd)
{
    char line[1024];
    send_all(NULL, fd, "220 mail.contoso.com ESMTP probe-server\r\n", 41);
    while (read_line(NULL, fd, line, sizeof line)) {
        if (!strncasecmp(line, "EHLO", 4)) {
            const char *r = !strcmp(hostile, "smtp-nostarttls") ? "250-mail.contoso.com\r\n250 8BITMIME\r\n"
                                                                 : "250-mail.contoso.com\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
            send_all(NULL, fd, r, strlen(r));
        } else if (!strcasecmp(line, "STARTTLS")) {
            const char *r = !strcmp(hostile, "smtp-inject") ? "220 2.0.0 Ready to start TLS\r\n250 injected\r\n"
                                                             : "220 2.0.0 Ready to start TLS\r\n";
            send_all(NULL, fd, r, strlen(r));
            return true;
        } else if (!strcasecmp(line, "QUIT")) {
            send_all(NULL, fd, "221 2.0.0 Bye\r\n", 15);
            return false;
        } else {
            send_all(NULL, fd, "502 5.5.2 Command not recognized\r\n", 34);
        }
    }
    return false;
}

static void smtp_tls(gnutls_session_t s, int fd)
{
    char line[1024];
    while (read_line(s, fd, line, sizeof line)) {
        if (!strncasecmp(line, "EHLO", 4))
            send_all(s, fd, "250-mail.contoso.com\r\n250 8BITMIME\r\n", 36);
        else if (!strcasecmp(line, "QUIT")) {
            send_all(s, fd, "221 2.0.0 Bye\r\n", 15);
            return;
        } else
            send_all(s, fd, "502 5.5.2 Command not recognized\r\n", 34);
    }
}

static void serve(int fd, gnutls_certificate_credentials_t cred, gnutls_priority_t prio)
{
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (!strcmp(hostile, "plain")) {
        send_all(NULL, fd, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n", 47);
        return;
    }
    if (!strcmp(hostile, "silent")) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 10000) > 0) { /* until the client hangs up, 10 s at most */
            char b[256];
            while (recv(fd, b, sizeof b, 0) > 0)
                ;
        }
        return;
    }
    if (!strcmp(mode, "smtp") && !smtp_plain(fd))
        return;
    gnutls_session_t s;
    int ret;
    if ((ret = gnutls_init(&s, GNUTLS_SERVER)) < 0)
        die("gnutls_init", ret);
    gnutls_priority_set(s, prio);
    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
    gnutls_certificate_server_set_request(s, request_cert ? GNUTLS_CERT_REQUEST : GNUTLS_CERT_IGNORE);
    if (!strcmp(reject, "alert"))
        gnutls_session_set_verify_function(s, verify_client);
    gnutls_transport_set_int(s, fd);
    gnutls_handshake_set_timeout(s, 5000);
    do
        ret = gnutls_handshake(s);
    while (ret < 0 && !gnutls_error_is_fatal(ret));
    if (ret < 0) {
        fprintf(stderr, "probe-server: handshake: %s\n", gnutls_strerror(ret));
        if (ret == GNUTLS_E_CERTIFICATE_ERROR || ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
            gnutls_alert_send(s, GNUTLS_AL_FATAL, GNUTLS_A_BAD_CERTIFICATE);
        else
            gnutls_alert_send_appropriate(s, ret);
        gnutls_deinit(s);
        return;
    }
    char sni[256];
    size_t sni_size = sizeof sni;
    unsigned sni_type;
    if (gnutls_server_name_get(s, sni, &sni_size, &sni_type, 0) == 0)
        fprintf(stderr, "probe-server: sni %s\n", sni);
    else
        fprintf(stderr, "probe-server: sni none\n");
    if (!strcmp(mode, "sip")) {
        sip(s, fd);
    } else if (!strcmp(mode, "smtp")) {
        smtp_tls(s, fd);
    } else {
        char b[256];
        while (gnutls_record_recv(s, b, sizeof b) > 0) /* until the client hangs up (5 s at most) */
            ;
    }
    gnutls_bye(s, GNUTLS_SHUT_WR);
    gnutls_deinit(s);
}

int main(int argc, char **argv)
{
    const char *cert = NULL, *key = NULL, *ca = NULL;
    const char *address = "127.0.0.1";
    int connections = 1, lifetime = 30;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(o, "--no-request")) { request_cert = false; continue; }
        if (!strcmp(o, "--tls12")) { tls12 = true; continue; }
        if (!v) {
            fprintf(stderr, "probe-server: %s needs a value\n", o);
            return 99;
        }
        i++;
        if (!strcmp(o, "--mode")) mode = v;
        else if (!strcmp(o, "--cert")) cert = v;
        else if (!strcmp(o, "--key")) key = v;
        else if (!strcmp(o, "--ca")) ca = v;
        else if (!strcmp(o, "--peer") && npeers < 16) peers[npeers++] = v;
        else if (!strcmp(o, "--reject")) reject = v;
        else if (!strcmp(o, "--hostile")) hostile = v;
        else if (!strcmp(o, "--connections")) connections = atoi(v);
        else if (!strcmp(o, "--lifetime")) lifetime = atoi(v);
        else if (!strcmp(o, "--address")) address = v;
        else {
            fprintf(stderr, "probe-server: unknown option %s\n", o);
            return 99;
        }
    }
    if (!cert || !key || connections < 1 || lifetime < 1 || lifetime > 600) {
        fprintf(stderr, "probe-server: --cert and --key are required; --connections >= 1, --lifetime 1..600\n");
        return 99;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm((unsigned)lifetime); /* the default action ends the process: it never outlives its test */
    gnutls_certificate_credentials_t cred;
    gnutls_priority_t prio;
    int ret;
    if ((ret = gnutls_certificate_allocate_credentials(&cred)) < 0)
        die("credentials", ret);
    if ((ret = gnutls_certificate_set_x509_key_file(cred, cert, key, GNUTLS_X509_FMT_PEM)) < 0)
        die(cert, ret);
    if (ca && (ret = gnutls_certificate_set_x509_trust_file(cred, ca, GNUTLS_X509_FMT_PEM)) < 0)
        die(ca, ret);
    if ((ret = gnutls_priority_init(&prio, tls12 ? "NORMAL:-VERS-TLS1.3" : "NORMAL", NULL)) < 0)
        die("priority", ret);

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    /* Loopback only, whatever --address says: nothing a test starts listens beyond the machine. */
    if (inet_pton(AF_INET, address, &addr.sin_addr) != 1 || (ntohl(addr.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "probe-server: --address %s is not a loopback address (127.0.0.0/8)\n", address);
        return 99;
    }
    socklen_t alen = sizeof addr;
    if (ls < 0 || bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(ls, 64) != 0 ||
        getsockname(ls, (struct sockaddr *)&addr, &alen) != 0)
        die("listen on the loopback address", 0);
    printf("PORT %u\n", ntohs(addr.sin_port));
    fflush(stdout);
    for (int n = 0; n < connections; n++) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            die("accept", 0);
        }
        alarm((unsigned)lifetime); /* a new connection: the idle time starts again */
        connection_number = n;
        serve(fd, cred, prio);
        close(fd);
    }
    close(ls);
    gnutls_priority_deinit(prio);
    gnutls_certificate_free_credentials(cred);
    return 0;
}
