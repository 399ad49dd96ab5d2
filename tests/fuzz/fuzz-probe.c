/* SPDX-License-Identifier: MIT */
/*
 * The probe's parsing of what a server says (probe.c through ucp_probe_replay()): the SMTP
 * greeting and replies up to STARTTLS, the SMTP reply after TLS, the SIP answers to OPTIONS. The
 * first byte chooses the conversation; the rest is the server's bytes. A verdict always comes with
 * a detail, and what is shown of the server's words is bounded and escaped.
 */
#include <string.h>

#include "config.h"
#include "probe/probe-private.h"
#include "fuzz.h"

#include <jansson.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static void check_text(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    /* At most 1024 bytes of the server's, each shown as at most 4 ("\xHH"). */
    FUZZ_ASSERT(n <= 4 * 1024 + 256);
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum ucp_probe_replay what = (enum ucp_probe_replay)(data[0] % 3);
    struct ucp_connection *c = NULL;
    ucp_status st = ucp_probe_replay(what, data + 1, size - 1, &c);
    if (st != UCP_OK)
        FUZZ_ASSERT(ucp_error_code(ucp_error_last()) == st);
    if (c) {
        if (what != UCP_PROBE_REPLAY_SMTP_STARTTLS)
            FUZZ_ASSERT(ucp_connection_detail(c) != NULL);
        check_text(ucp_connection_response(c));
        check_text(ucp_connection_diagnostics(c));
        struct ucp_strbuf sb;
        struct ucp_jgen j;
        ucp_sb_init(&sb);
        if (ucp_jgen_init(&j, &sb, true, 0))
            ucp_connection_write_json(&j, c);
        ucp_jgen_finish(&j);
        ucp_sb_dispose(&sb);
        const char *labels[16];
        char *values[16];
        size_t n = ucp_connection_lines(c, labels, values, 16);
        for (size_t i = 0; i < n; i++)
            free(values[i]);
        ucp_connection_free(c);
    }
    ucp_error_clear();
    return 0;
}
