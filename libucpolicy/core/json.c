/* SPDX-License-Identifier: MIT */
/* What every JSON writer of the library shares (jansson): strings that survive invalid UTF-8, and
 * serialisation into a buffer of our own allocator, written by ucp_json_write in jansson's own
 * layout (json_dumps with JSON_INDENT(2) or JSON_COMPACT) without going through its callback
 * pieces: in a batch with --format json that serialisation cost more than building the tree. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
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

/* A newline and two spaces a level (pretty), nothing (compact). */
static void put_indent(struct ucp_strbuf *sb, bool pretty, unsigned depth)
{
    static const char spaces[] = "                                ";
    if (!pretty)
        return;
    ucp_sb_appendc(sb, '\n');
    for (size_t n = (size_t)depth * 2; n > 0;) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        ucp_sb_appendn(sb, spaces, k);
        n -= k;
    }
}

/* A JSON string as jansson writes it: '"', '\\' and the C0 controls escaped (\b \f \n \r \t,
 * the others \u00XX in capitals), everything else (UTF-8, '/', DEL) as it is. */
static void put_string(struct ucp_strbuf *sb, const char *s, size_t n)
{
    ucp_sb_appendc(sb, '"');
    const char *run = s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c > '\\' || (c >= 0x20 && c != '"' && c != '\\'))
            continue;
        ucp_sb_appendn(sb, run, (size_t)(s + i - run));
        run = s + i + 1;
        char esc[8] = {'\\', 0};
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default: snprintf(esc, sizeof esc, "\\u%04X", c); break;
        }
        ucp_sb_append(sb, esc);
    }
    ucp_sb_appendn(sb, run, (size_t)(s + n - run));
    ucp_sb_appendc(sb, '"');
}

static bool put_value(struct ucp_strbuf *sb, const json_t *j, bool pretty, unsigned depth)
{
    switch (json_typeof(j)) {
    case JSON_NULL:
        ucp_sb_appendn(sb, "null", 4);
        return true;
    case JSON_TRUE:
        ucp_sb_appendn(sb, "true", 4);
        return true;
    case JSON_FALSE:
        ucp_sb_appendn(sb, "false", 5);
        return true;
    case JSON_INTEGER: {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
        ucp_sb_appendn(sb, buf, (size_t)n);
        return true;
    }
    case JSON_STRING:
        put_string(sb, json_string_value(j), json_string_length(j));
        return true;
    case JSON_ARRAY: {
        size_t n = json_array_size(j);
        if (n == 0) {
            ucp_sb_appendn(sb, "[]", 2);
            return true;
        }
        ucp_sb_appendc(sb, '[');
        put_indent(sb, pretty, depth + 1);
        for (size_t i = 0; i < n; i++) {
            if (i) {
                ucp_sb_appendc(sb, ',');
                put_indent(sb, pretty, depth + 1);
            }
            if (!put_value(sb, json_array_get(j, i), pretty, depth + 1))
                return false;
        }
        put_indent(sb, pretty, depth);
        ucp_sb_appendc(sb, ']');
        return true;
    }
    case JSON_OBJECT: {
        if (json_object_size(j) == 0) {
            ucp_sb_appendn(sb, "{}", 2);
            return true;
        }
        ucp_sb_appendc(sb, '{');
        put_indent(sb, pretty, depth + 1);
        bool first = true;
        const char *key;
        json_t *v;
        /* Insertion order, as json_dump* iterates without JSON_SORT_KEYS. */
        json_object_foreach((json_t *)j, key, v) {
            if (!first) {
                ucp_sb_appendc(sb, ',');
                put_indent(sb, pretty, depth + 1);
            }
            first = false;
            put_string(sb, key, strlen(key));
            ucp_sb_appendn(sb, ": ", pretty ? 2 : 1);
            if (!put_value(sb, v, pretty, depth + 1))
                return false;
        }
        put_indent(sb, pretty, depth);
        ucp_sb_appendc(sb, '}');
        return true;
    }
    default: {
        /* A real (the library writes none): jansson's own text for it. */
        char *text = json_dumps(j, JSON_ENCODE_ANY);
        if (!text)
            return false;
        ucp_sb_append(sb, text);
        free(text);
        return true;
    }
    }
}

bool ucp_json_write(struct ucp_strbuf *sb, const json_t *j, bool pretty, unsigned depth)
{
    return j && put_value(sb, j, pretty, depth) && !sb->failed;
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
