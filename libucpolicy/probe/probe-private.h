/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_PROBE_PRIVATE_H
#define UCPOLICY_PROBE_PRIVATE_H

/*
 * probe/: asking a live server. Connects, speaks STARTTLS or SIP as the port needs, takes the
 * presented chain and checks it with check/. Calls check/ and everything below it.
 *
 * Its files, each calling only files listed above it (the bounds are documented in probe.c):
 *   net-posix.c, net.c  the network layer (net-private.h): connection, reader, writer, deadline
 *   credentials.c       the client certificate and key, loaded from files
 *   tls.c               the GnuTLS session: handshake, its callbacks, alerts, the session's end
 *   smtp.c, sip.c       the conversations: SMTP STARTTLS and EHLO, SIP OPTIONS
 *   run.c               the state of one run: made and let go
 *   replay.c            the conversations over bytes held in memory (tests and fuzzing)
 *   probe.c             the public probe object, its options, the run
 */

#include <gnutls/abstract.h>

#include "check/check-private.h"
#include "probe/net-private.h"

/* ---- bounds (documented in probe.c) ------------------------------------------------------- */
#define UCP_PROBE_MAX_CERTS 32  /* certificates of the presented chain kept, of a client chain loaded */
#define UCP_PROBE_FIRST_BYTES 48 /* bytes first received after TLS started, kept to name a non-TLS peer */

/* ---- client credentials (credentials.c) --------------------------------------------------- */
/* The client certificate chain and key in GnuTLS form; GnuTLS borrows them during a handshake. */
struct ucp_probe_credentials {
    gnutls_pcert_st *pcerts;
    unsigned npcerts;
    gnutls_privkey_t key;
    char *subject; /* of the certificate, for the report */
};
/* A PEM certificate (chain) with its key in the same file or @key_file, or a PKCS#12 file; the
 * key must match the certificate. On failure *out is empty. */
ucp_status ucp_probe_credentials_load(struct ucp_probe_credentials *out, const char *cert_file,
                                      const char *key_file, const char *password);
void ucp_probe_credentials_dispose(struct ucp_probe_credentials *c);

/* ---- the probe (probe.c) ------------------------------------------------------------------ */
struct ucp_probe {
    char *host;   /* as given, IPv6 without brackets */
    char *target; /* "host:port" or "[v6]:port", for messages and the report's input name */
    unsigned port;
    ucp_probe_protocol protocol;
    char *server_name; /* NULL: no SNI */
    unsigned timeout_ms;
    struct ucp_probe_credentials client;
    char *connect_to;  /* the address connected to instead of host (a scan's resolve override), or NULL */
    bool borrowed_client; /* client is a scan's: not disposed with the probe */
};

/* ---- one run (run.c) ---------------------------------------------------------------------- */
struct ucp_probe_run {
    const ucp_probe *probe;
    struct ucp_connection *conn; /* the facts found, for the report (NULL once handed over) */
    struct ucp_net net;
    gnutls_certificate_credentials_t tls_cred;
    gnutls_session_t tls;        /* NULL until TLS starts */
    int tls_error;               /* the GnuTLS error that ended reading or sending, 0 if none */
    /* what the handshake showed */
    struct ucp_bytes peers[UCP_PROBE_MAX_CERTS];
    size_t npeers;
    bool peers_truncated;
    uint8_t first[UCP_PROBE_FIRST_BYTES]; /* the first bytes received after TLS started */
    size_t nfirst;
    bool nomem; /* an allocation failed along the way: the run fails with UCP_E_NOMEM */
};
/* A run of @p, its deadline p->timeout_ms from now, its connection facts begun. */
ucp_status ucp_probe_run_new(struct ucp_probe_run **out, const ucp_probe *p);
void ucp_probe_run_free(struct ucp_probe_run *r);

/* ---- TLS (tls.c) -------------------------------------------------------------------------- */
/* A GnuTLS client session over the connection, which reads and writes through it from now on. */
ucp_status ucp_tls_start(struct ucp_probe_run *r);
/* The handshake. UCP_OK once the server's certificate has come: with conn->tls_version set when
 * the handshake completed, else with the verdict it implies (the server ended it). */
ucp_status ucp_tls_handshake(struct ucp_probe_run *r);
/* Plain TLS after the handshake: the verdict on the client. */
void ucp_tls_after_handshake(struct ucp_probe_run *r);
/* The verdict when reading ended with @e (not UCP_RD_OK) @when ("after the SIP OPTIONS request"):
 * an alert or a close is a rejection. */
void ucp_tls_verdict_from_read(struct ucp_probe_run *r, enum ucp_rd e, const char *when);
/* After the conversation: name the alert that ended it, if one did; end the session politely. */
void ucp_tls_finish(struct ucp_probe_run *r);
void ucp_tls_dispose(struct ucp_probe_run *r);

/* ---- the conversations (smtp.c, sip.c) ---------------------------------------------------- */
/* Before TLS: greeting, EHLO, STARTTLS. Fails naming the target. */
ucp_status ucp_smtp_starttls(struct ucp_probe_run *r);
/* After TLS: EHLO again; the verdict from its answer. */
void ucp_smtp_after_tls(struct ucp_probe_run *r);
/* After TLS: an OPTIONS request; the verdict from the final answer. */
void ucp_sip_options(struct ucp_probe_run *r);

/* ---- replays (replay.c) ------------------------------------------------------------------- */
/* The probe's conversations over bytes held in memory instead of a socket (tests and fuzzing):
 * @data is what the server says, what the probe sends is dropped. SMTP_STARTTLS reads the
 * greeting and the answers to EHLO and STARTTLS (its failures are the status, as in a run);
 * SMTP_AFTER_TLS and SIP_OPTIONS read the answer after the handshake and give the verdict in
 * *out (always set unless out of memory; free it with ucp_connection_free()). */
enum ucp_probe_replay {
    UCP_PROBE_REPLAY_SMTP_STARTTLS,
    UCP_PROBE_REPLAY_SMTP_AFTER_TLS,
    UCP_PROBE_REPLAY_SIP_OPTIONS
};
ucp_status ucp_probe_replay(enum ucp_probe_replay what, const uint8_t *data, size_t len,
                            struct ucp_connection **out);
/* ---- scans (scan.c) ------------------------------------------------------------------------ */
#define UCP_SCAN_MAX_RESOLVES 10000 /* resolve overrides of one scan */

#endif /* UCPOLICY_PROBE_PRIVATE_H */
