/* SPDX-License-Identifier: MIT */
/*
 * The probe's network layer (libucpolicy/probe/net-private.h, through the internal twin of the
 * library): the contract a connection, its reader and its writer keep whatever the stream under
 * them - lines cut anywhere, the line bound, bodies skipped, a stream that fails or asks to be
 * retried, the writer's partial sends, the deadline - then the same over a real socket to a
 * listener of this program on 127.0.0.1: connect, both addresses, read, write, the peer's close,
 * silence until the deadline, a refused connection. A second implementation of the socket calls
 * (winsock) must pass the same.
 */
#include "config.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe/net-private.h"
#include "tap.h"

/* ---- a stream in memory ------------------------------------------------------------------ */

struct script {
    const char *data;
    size_t left;
    size_t piece;      /* bytes handed over at most per recv */
    int retries;       /* recv says UCP_NET_RETRY this many times first */
    bool fail_at_end;  /* at the end: UCP_NET_FAILED instead of 0 */
    size_t send_piece; /* bytes taken at most per send; 0: send fails */
    char sent[256];
    size_t nsent;
};

static ptrdiff_t script_recv(void *ctx, void *buf, size_t len)
{
    struct script *s = ctx;
    if (s->retries > 0) {
        s->retries--;
        return UCP_NET_RETRY;
    }
    if (s->left == 0)
        return s->fail_at_end ? UCP_NET_FAILED : 0;
    size_t k = s->left < len ? s->left : len;
    if (k > s->piece)
        k = s->piece;
    memcpy(buf, s->data, k);
    s->data += k;
    s->left -= k;
    return (ptrdiff_t)k;
}

static ptrdiff_t script_send(void *ctx, const void *data, size_t len)
{
    struct script *s = ctx;
    if (s->send_piece == 0)
        return UCP_NET_FAILED;
    size_t k = len < s->send_piece ? len : s->send_piece;
    if (k > sizeof s->sent - s->nsent)
        return UCP_NET_FAILED;
    memcpy(s->sent + s->nsent, data, k);
    s->nsent += k;
    return (ptrdiff_t)k;
}

static const struct ucp_net_layer script_layer = {script_recv, script_send, UCP_E_TLS};

static struct ucp_net net;

static void over(struct script *s, const char *data, size_t len, size_t piece)
{
    memset(s, 0, sizeof *s);
    s->data = data;
    s->left = len;
    s->piece = piece;
    s->send_piece = 7;
    ucp_net_init(&net, "memory.test:1", 60000);
    ucp_net_set_layer(&net, &script_layer, s);
}

static void test_lines(void)
{
    static const char text[] = "220 first\r\n250-second\n\r\nx\0y\r\nlast";
    for (size_t piece = 1; piece <= 16; piece *= 2) {
        struct script s;
        over(&s, text, sizeof text - 1, piece);
        char line[UCP_NET_LINE_MAX + 1];
        size_t len = 99;
        CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && len == 9 && strcmp(line, "220 first") == 0,
              "pieces of %zu: a CR LF line", piece);
        CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && strcmp(line, "250-second") == 0,
              "pieces of %zu: a LF line", piece);
        CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && len == 0, "pieces of %zu: an empty line", piece);
        CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && len == 3 && memcmp(line, "x\0y", 4) == 0,
              "pieces of %zu: a NUL inside a line is kept, as its length says", piece);
        CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_EOF, "pieces of %zu: a last line without its end is EOF",
              piece);
        CHECK(net.eof && ucp_net_fill(&net) == UCP_RD_EOF, "pieces of %zu: after the end, the end again", piece);
        ucp_net_close(&net);
    }
}

static void test_line_bound(void)
{
    static char text[UCP_NET_LINE_MAX + 8];
    char line[UCP_NET_LINE_MAX + 1];
    size_t len = 0;
    struct script s;
    memset(text, 'a', UCP_NET_LINE_MAX);
    memcpy(text + UCP_NET_LINE_MAX, "\r\n", 2);
    over(&s, text, UCP_NET_LINE_MAX + 2, 512);
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && len == UCP_NET_LINE_MAX,
          "a line of exactly %d bytes is read", UCP_NET_LINE_MAX);
    memset(text, 'a', UCP_NET_LINE_MAX + 1);
    memcpy(text + UCP_NET_LINE_MAX + 1, "\r\n", 2);
    over(&s, text, UCP_NET_LINE_MAX + 3, 512);
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_TOO_LONG, "a line of %d bytes is too long",
          UCP_NET_LINE_MAX + 1);
    memset(text, 'a', sizeof text);
    over(&s, text, sizeof text, 512);
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_TOO_LONG, "bytes without a line end stop at the bound");
    CHECK_STR(ucp_net_rd_text(UCP_RD_TOO_LONG), "a line longer than 4096 bytes", "the bound is named");
    CHECK_STR(ucp_net_rd_text(UCP_RD_TOO_MANY), "more than 100 lines", "the count of lines is named");
}

static void test_skip_and_failures(void)
{
    static const char text[] = "0123456789abcdefHEAD\r\n";
    char line[UCP_NET_LINE_MAX + 1];
    size_t len = 0;
    struct script s;
    over(&s, text, sizeof text - 1, 3);
    CHECK(ucp_net_skip(&net, 16) == UCP_RD_OK && ucp_net_read_line(&net, line, &len) == UCP_RD_OK &&
              strcmp(line, "HEAD") == 0,
          "a body is skipped across pieces, and what follows is read");
    over(&s, text, 4, 3);
    CHECK(ucp_net_skip(&net, 16) == UCP_RD_EOF, "a body cut short is EOF");
    over(&s, text, sizeof text - 1, 64);
    s.retries = 5;
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK, "a stream that asks to be retried is retried");
    over(&s, text, 4, 64);
    s.fail_at_end = true;
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_ERROR && net.eof, "a failing stream ends reading");
    over(&s, text, sizeof text - 1, 64);
    net.deadline = ucp_net_now_ms() - 1;
    CHECK(ucp_net_fill(&net) == UCP_RD_TIMEOUT, "no reading after the deadline");
    over(&s, text, sizeof text - 1, 64);
    CHECK(ucp_net_fill(&net) == UCP_RD_OK && net.blen > 0, "bytes are buffered");
    ucp_net_set_layer(&net, &script_layer, &s);
    CHECK(net.blen == 0 && !net.eof, "a new stream starts with nothing buffered");
}

static void test_send(void)
{
    static const char msg[] = "OPTIONS sip:fe01.contoso.com SIP/2.0\r\n";
    struct script s;
    over(&s, "", 0, 1);
    CHECK(ucp_net_send_all(&net, msg, sizeof msg - 1) == UCP_OK && s.nsent == sizeof msg - 1 &&
              memcmp(s.sent, msg, s.nsent) == 0,
          "everything is sent, 7 bytes a time");
    over(&s, "", 0, 1);
    s.send_piece = 0;
    CHECK(ucp_net_send_all(&net, msg, sizeof msg - 1) == UCP_E_TLS, "a failed send gives the stream's status");
}

static void test_shown(void)
{
    static char big[2 * UCP_NET_FIELD_MAX];
    memset(big, 'z', sizeof big);
    char *s = ucp_net_shown(big, sizeof big);
    CHECK(s && strlen(s) == UCP_NET_FIELD_MAX, "at most %d bytes are shown", UCP_NET_FIELD_MAX);
    free(s);
    s = ucp_net_shown("a\x01\x00", 3);
    CHECK_STR(s, "a\\x01\\x00", "control bytes are shown escaped");
    free(s);
}

static void test_ip_literals(void)
{
    bool v6 = true;
    CHECK(ucp_net_ip_literal("192.0.2.1", &v6) && !v6, "192.0.2.1 is an IPv4 address");
    CHECK(ucp_net_ip_literal("2001:db8::1", &v6) && v6, "2001:db8::1 is an IPv6 address");
    CHECK(!ucp_net_ip_literal("[2001:db8::1]", NULL), "brackets are not part of an address");
    CHECK(!ucp_net_ip_literal("fe01.contoso.com", NULL), "a host name is not an address");
}

/* ---- a socket to 127.0.0.1 ---------------------------------------------------------------- */

static int listener(unsigned *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        perror("listener");
        exit(TAP_SETUP_FAILURE);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

static void test_socket(void)
{
    unsigned port;
    int lfd = listener(&port);
    char target[32];
    snprintf(target, sizeof target, "127.0.0.1:%u", port);
    ucp_net_init(&net, target, 60000);
    CHECK(ucp_net_connect(&net, "127.0.0.1", port) == UCP_OK, "a connection to %s", target);
    int peer = accept(lfd, NULL, NULL);
    if (peer < 0) {
        perror("accept");
        exit(TAP_SETUP_FAILURE);
    }
    CHECK_STR(net.address, "127.0.0.1", "the server's address");
    CHECK(strcmp(net.local_addr, "127.0.0.1") == 0 && net.local_port > 0, "our address and port");

    static const char hello[] = "220 hello\r\n";
    if (write(peer, hello, sizeof hello - 1) != (ssize_t)(sizeof hello - 1))
        exit(TAP_SETUP_FAILURE);
    char line[UCP_NET_LINE_MAX + 1];
    size_t len = 0;
    CHECK(ucp_net_read_line(&net, line, &len) == UCP_RD_OK && strcmp(line, "220 hello") == 0,
          "a line from the socket");
    CHECK(ucp_net_send_all(&net, "EHLO x\r\n", 8) == UCP_OK, "a line to the socket");
    char got[16] = {0};
    CHECK(read(peer, got, 8) == 8 && memcmp(got, "EHLO x\r\n", 8) == 0, "the peer received it");

    /* Silence: the deadline ends the wait (how long it took is not this test's business). */
    net.deadline = ucp_net_now_ms() + 50;
    CHECK(ucp_net_fill(&net) == UCP_RD_TIMEOUT, "a silent peer: the deadline ends the wait");
    net.deadline = ucp_net_now_ms() + 60000;
    close(peer);
    CHECK(ucp_net_fill(&net) == UCP_RD_EOF && net.eof, "the peer's close is EOF");
    ucp_net_close(&net);
    CHECK(net.blen == 0, "closed");
    ucp_net_close(&net);

    /* Nothing listens on the port any more. */
    close(lfd);
    ucp_net_init(&net, target, 60000);
    ucp_status st = ucp_net_connect(&net, "127.0.0.1", port);
    CHECK(st == UCP_E_NETWORK, "a refused connection is UCP_E_NETWORK");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), target, "the message names the target");
    CHECK_CONTAINS(ucp_error_message(ucp_error_last()), "connection refused", "the message says what happened");
    ucp_error_clear();
    ucp_net_close(&net);
}

int main(void)
{
    test_lines();
    test_line_bound();
    test_skip_and_failures();
    test_send();
    test_shown();
    test_ip_literals();
    test_socket();
    return tap_done();
}
