/* SPDX-License-Identifier: MIT */
/* What every JSON writer of the library shares (jansson): strings that survive invalid UTF-8, and
 * jansson's serialisation copied into a buffer of our own allocator in one pass (ucp_json_write). */
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

/* jansson serialises (json_dumps: the library writes no JSON by hand); this copies its text once
 * into @sb, adding the indentation of an entry of a larger document. The callback form
 * (json_dump_callback) handed the text over in small pieces, which cost more than serialising. */
bool ucp_json_write(struct ucp_strbuf *sb, const json_t *j, bool pretty, unsigned depth)
{
    static const char spaces[] = "                                ";
    if (!j)
        return false;
    char *text = json_dumps(j, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_ENCODE_ANY);
    if (!text)
        return false;
    const char *p = text, *nl;
    while (pretty && depth && (nl = strchr(p, '\n')) != NULL) {
        ucp_sb_appendn(sb, p, (size_t)(nl + 1 - p));
        for (size_t n = (size_t)depth * 2; n > 0;) {
            size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
            ucp_sb_appendn(sb, spaces, k);
            n -= k;
        }
        p = nl + 1;
    }
    ucp_sb_append(sb, p);
    json_free_t release;
    json_get_alloc_funcs(NULL, &release); /* jansson's allocator made it (a host may have set its own) */
    release(text);
    return !sb->failed;
}

/* Serialise into memory from our own allocator (a host may have changed jansson's). */
ucp_status ucp_json_to_buffer(json_t *j, unsigned flags, ucp_buffer *out)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    if (!ucp_json_write(&sb, j, flags & UCP_RENDER_PRETTY, 0) || sb.len == 0) {
        ucp_sb_dispose(&sb);
        return ucp_fail_nomem();
    }
    size_t n = sb.len;
    out->data = ucp_sb_finish(&sb);
    if (!out->data)
        return ucp_fail_nomem();
    out->size = n;
    return UCP_OK;
}
