/* SPDX-License-Identifier: MIT */
/* What every JSON writer of the library shares (jansson): strings that survive invalid UTF-8, and
 * serialisation into a buffer of our own allocator. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/core-private.h"

json_t *ucp_json_string(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *esc = ucp_display_bytes((const uint8_t *)s, strlen(s));
    j = json_string(esc ? esc : "");
    free(esc);
    return j;
}

/* Serialise into memory from our own allocator (a host may have changed jansson's). */
ucp_status ucp_json_to_buffer(json_t *j, unsigned flags, ucp_buffer *out)
{
    size_t jflags = (flags & UCP_RENDER_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
    size_t n = json_dumpb(j, NULL, 0, jflags);
    if (n == 0)
        return ucp_fail_nomem();
    char *buf = malloc(n + 1);
    if (!buf)
        return ucp_fail_nomem();
    if (json_dumpb(j, buf, n, jflags) != n) {
        free(buf);
        return ucp_fail(UCP_E_INTERNAL, NULL, "JSON serialisation changed size");
    }
    buf[n] = '\0';
    out->data = buf;
    out->size = n;
    return UCP_OK;
}
