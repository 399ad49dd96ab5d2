/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_PROBE_PRIVATE_H
#define UCPOLICY_PROBE_PRIVATE_H

/*
 * probe/: asking a live server. Connects, speaks STARTTLS or SIP as the port needs, takes the
 * presented chain and checks it with check/. Calls check/ and everything below it.
 */

#include "check/check-private.h"

/* ---- probes (probe.c) ------------------------------------------------------------------------ */
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
#endif /* UCPOLICY_PROBE_PRIVATE_H */
