/* SPDX-License-Identifier: MIT */
/*
 * ucp_probe_replay() (probe-private.h), for tests and fuzzing: the probe's conversations - SMTP
 * up to STARTTLS, SMTP after TLS, SIP OPTIONS - over what a server says held in memory. The
 * bytes come through a stream of their own (a network layer, net-private.h) in pieces, as a
 * network hands them over; what the probe sends is dropped. Everything else is the code of a
 * real run.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "probe/probe-private.h"

struct memory {
    const uint8_t *data;
    size_t left;
};

static ptrdiff_t memory_recv(void *ctx, void *buf, size_t len)
{
    struct memory *m = ctx;
    size_t k = m->left < len ? m->left : len;
    /* Hand the bytes over in small pieces, as a network does: the readers must cope. */
    if (k > 512)
        k = 512;
    if (k > 0)
        memcpy(buf, m->data, k);
    m->data += k;
    m->left -= k;
    return (ptrdiff_t)k;
}

static ptrdiff_t memory_send(void *ctx, const void *data, size_t len)
{
    return (ptrdiff_t)len;
}

static const struct ucp_net_layer memory_layer = {memory_recv, memory_send, UCP_E_NETWORK};

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
    struct ucp_probe_run *r;
    ucp_status st = ucp_probe_run_new(&r, &p);
    if (st != UCP_OK)
        return st;
    struct memory m = {data, data ? len : 0};
    ucp_net_set_layer(&r->net, &memory_layer, &m);
    snprintf(r->net.local_addr, sizeof r->net.local_addr, "192.0.2.1");
    r->net.local_port = 50000;
    switch (what) {
    case UCP_PROBE_REPLAY_SMTP_STARTTLS: st = ucp_smtp_starttls(r); break;
    case UCP_PROBE_REPLAY_SMTP_AFTER_TLS: ucp_smtp_after_tls(r); break;
    case UCP_PROBE_REPLAY_SIP_OPTIONS: ucp_sip_options(r); break;
    }
    if (r->nomem && st == UCP_OK)
        st = ucp_fail_nomem();
    *out = r->conn;
    r->conn = NULL;
    ucp_probe_run_free(r);
    return st;
}
