/* SPDX-License-Identifier: MIT */
/* What every JSON writer of the library shares (jansson, yajl): strings that survive invalid UTF-8,
 * the streaming writer that builds no tree (ucp_jgen, on yajl's generator), and jansson trees
 * written through it into a buffer of our own allocator (ucp_json_write). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yajl/yajl_gen.h>

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

/* A jansson tree written by the streaming writer (ucp_jgen_json(): yajl prints, the library writes
 * no JSON by hand): the bytes json_dumps() wrote with JSON_INDENT(2) or JSON_COMPACT, at a third
 * of its cost (SARIF's results, plans, the catalogue), with the indentation of an entry of a
 * larger document. */
bool ucp_json_write(struct ucp_strbuf *sb, const json_t *j, bool pretty, unsigned depth)
{
    if (!j)
        return false;
    struct ucp_jgen g;
    if (ucp_jgen_init(&g, sb, pretty, depth))
        ucp_jgen_json(&g, j);
    return ucp_jgen_finish(&g);
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

/* ---- the streaming writer (yajl_gen) ----------------------------------------------------------- */

/* jansson's json_string() accepts exactly this (utf8_check_string): no overlong forms, no
 * surrogates, nothing past U+10FFFF; C1 controls are text. The writer keeps jansson's rule so that
 * a string jansson took as it is stays as it is, and one it refused gets the same display form. */
static bool json_utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        /* ASCII, most of a report, eight bytes at a time */
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & UINT64_C(0x8080808080808080))) {
                i += 8;
                continue;
            }
        }
        uint32_t cp;
        size_t len = ucp_utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

/* The generator prints into our buffer. In beautify mode it prints every line break as a call of
 * its own (a string's line breaks are escaped), so the break is held until more text follows:
 * then it is written with the extra indentation of the entry; the break after the last closing
 * bracket (yajl ends a beautified document with one) is never written. */
/* A line break and the entry's extra indentation (the generator adds its own levels after it). */
static const char jgen_break[] = "\n                                ";

/* What jgen_print() does not do in line: a deep entry's break, a buffer to grow. */
__attribute__((noinline)) static void jgen_print_slow(struct ucp_jgen *j, const char *s, size_t n)
{
    if (j->newline) {
        j->newline = false;
        ucp_sb_appendc(j->sb, '\n');
        for (size_t left = (size_t)j->depth * 2; left > 0;) {
            size_t k = left < sizeof jgen_break - 2 ? left : sizeof jgen_break - 2;
            ucp_sb_appendn(j->sb, jgen_break + 1, k);
            left -= k;
        }
    }
    ucp_sb_appendn(j->sb, s, n);
}

/* Called for every piece (a quote, a separator, one level of indentation, a run of a string):
 * a few thousand times a report, so the common case copies in place, with no call. In beautify
 * mode (only there) the generator prints each line break as a piece of its own. The text is
 * NUL-terminated when the writer finishes. */
static void jgen_print(void *ctx, const char *s, size_t n)
{
    struct ucp_jgen *j = ctx;
    struct ucp_strbuf *sb = j->sb;
    if (n == 1 && s[0] == '\n') {
        j->newline = true; /* only in beautify mode: a string's line breaks are escaped */
        return;
    }
    size_t brk = j->newline ? (size_t)j->depth * 2 + 1 : 0;
    if (brk >= sizeof jgen_break || sb->cap - sb->len <= n + sizeof jgen_break) {
        jgen_print_slow(j, s, n);
        return;
    }
    if (brk) {
        memcpy(sb->data + sb->len, jgen_break, sizeof jgen_break - 1); /* fixed size: no call */
        sb->len += brk;
        j->newline = false;
    }
    /* Most pieces are a few bytes: two overlapping fixed-size copies, not a memcpy call. */
    char *d = sb->data + sb->len;
    sb->len += n;
    if (n >= 8 && n <= 16) {
        memcpy(d, s, 8);
        memcpy(d + n - 8, s + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(d, s, 4);
        memcpy(d + n - 4, s + n - 4, 4);
    } else if (n >= 2 && n < 4) {
        memcpy(d, s, 2);
        memcpy(d + n - 2, s + n - 2, 2);
    } else if (n == 1) {
        d[0] = s[0];
    } else if (n > 16) {
        memcpy(d, s, n);
    }
}

bool ucp_jgen_init(struct ucp_jgen *j, struct ucp_strbuf *sb, bool pretty, unsigned depth)
{
    memset(j, 0, sizeof *j);
    j->sb = sb;
    j->pretty = pretty;
    j->depth = depth;
    j->gen = yajl_gen_alloc(NULL);
    if (!j->gen) {
        j->failed = true;
        return false;
    }
    /* Our strings are valid UTF-8 or made so (ucp_jgen_string): no second validation. */
    yajl_gen_config(j->gen, yajl_gen_validate_utf8, 0);
    yajl_gen_config(j->gen, yajl_gen_beautify, pretty ? 1 : 0);
    yajl_gen_config(j->gen, yajl_gen_indent_string, "  ");
    yajl_gen_config(j->gen, yajl_gen_print_callback, jgen_print, (void *)j);
    return true;
}

bool ucp_jgen_finish(struct ucp_jgen *j)
{
    if (j->gen)
        yajl_gen_free(j->gen);
    j->gen = NULL;
    if (j->sb->cap > j->sb->len)
        j->sb->data[j->sb->len] = '\0';
    return !j->failed && j->level == 0 && !j->sb->failed;
}

static bool jgen_ok(struct ucp_jgen *j, yajl_gen_status st)
{
    if (st != yajl_gen_status_ok)
        j->failed = true;
    return !j->failed;
}

/* A value (or key) is written at the current level: its container has a member. */
static bool jgen_member(struct ucp_jgen *j)
{
    if (j->failed)
        return false;
    j->members[j->level] = true;
    return true;
}

static void jgen_open(struct ucp_jgen *j, bool array)
{
    if (!jgen_member(j))
        return;
    if (j->level >= UCP_JGEN_MAX_LEVELS) {
        j->failed = true;
        return;
    }
    if (!jgen_ok(j, array ? yajl_gen_array_open(j->gen) : yajl_gen_map_open(j->gen)))
        return;
    j->level++;
    j->members[j->level] = false;
    j->array[j->level] = array;
}

void ucp_jgen_object(struct ucp_jgen *j)
{
    jgen_open(j, false);
}

void ucp_jgen_array(struct ucp_jgen *j)
{
    jgen_open(j, true);
}

void ucp_jgen_close(struct ucp_jgen *j)
{
    if (j->failed || j->level == 0) {
        j->failed = true;
        return;
    }
    bool array = j->array[j->level];
    if (j->members[j->level] || !j->pretty) {
        jgen_ok(j, array ? yajl_gen_array_close(j->gen) : yajl_gen_map_close(j->gen));
    } else {
        /* Empty: yajl's beautify mode writes "[\n\n  ]"; jansson, and every report so far, "[]".
         * The break its opening wrote is still held: drop it, and close without beautifying. */
        j->newline = false;
        yajl_gen_config(j->gen, yajl_gen_beautify, 0);
        jgen_ok(j, array ? yajl_gen_array_close(j->gen) : yajl_gen_map_close(j->gen));
        yajl_gen_config(j->gen, yajl_gen_beautify, 1);
    }
    j->level--;
}

static void jgen_text(struct ucp_jgen *j, const char *s, size_t n)
{
    jgen_ok(j, yajl_gen_string(j->gen, (const unsigned char *)s, n));
}

void ucp_jgen_key(struct ucp_jgen *j, const char *key)
{
    if (jgen_member(j))
        jgen_text(j, key, strlen(key));
}

void ucp_jgen_string(struct ucp_jgen *j, const char *s)
{
    if (!s) {
        ucp_jgen_null(j);
        return;
    }
    if (!jgen_member(j))
        return;
    size_t n = strlen(s);
    if (json_utf8_valid((const uint8_t *)s, n)) {
        jgen_text(j, s, n);
        return;
    }
    char *esc = ucp_display_bytes((const uint8_t *)s, n);
    if (!esc) {
        j->failed = true;
        return;
    }
    jgen_text(j, esc, strlen(esc));
    free(esc);
}

/* The digits of @v as yajl_gen_integer() prints them (%lld), handed to the generator as a number:
 * its sprintf() cost more than the rest of writing the member. */
void ucp_jgen_int(struct ucp_jgen *j, int64_t v)
{
    if (!jgen_member(j))
        return;
    char buf[24];
    char *p = buf + sizeof buf;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    jgen_ok(j, yajl_gen_number(j->gen, p, (size_t)(buf + sizeof buf - p)));
}

void ucp_jgen_bool(struct ucp_jgen *j, bool v)
{
    if (jgen_member(j))
        jgen_ok(j, yajl_gen_bool(j->gen, v));
}

void ucp_jgen_null(struct ucp_jgen *j)
{
    if (jgen_member(j))
        jgen_ok(j, yajl_gen_null(j->gen));
}

void ucp_jgen_json(struct ucp_jgen *j, const json_t *v)
{
    const char *key;
    json_t *value;
    size_t i;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
        ucp_jgen_object(j);
        json_object_foreach((json_t *)v, key, value) {
            ucp_jgen_key(j, key);
            ucp_jgen_json(j, value);
        }
        ucp_jgen_close(j);
        break;
    case JSON_ARRAY:
        ucp_jgen_array(j);
        json_array_foreach(v, i, value)
            ucp_jgen_json(j, value);
        ucp_jgen_close(j);
        break;
    case JSON_STRING:
        if (jgen_member(j))
            jgen_text(j, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        ucp_jgen_int(j, (int64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        /* jansson's number form (%.17g), placed by the generator */
        char *text = json_dumps(v, JSON_ENCODE_ANY);
        if (!text) {
            j->failed = true;
            break;
        }
        if (jgen_member(j))
            jgen_ok(j, yajl_gen_number(j->gen, text, strlen(text)));
        json_free_t release;
        json_get_alloc_funcs(NULL, &release);
        release(text);
        break;
    }
    case JSON_TRUE:
    case JSON_FALSE:
        ucp_jgen_bool(j, json_is_true(v));
        break;
    default:
        ucp_jgen_null(j);
        break;
    }
}
