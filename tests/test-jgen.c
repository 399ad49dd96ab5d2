/* SPDX-License-Identifier: MIT */
/*
 * The streaming JSON writer (core/json.c, ucp_jgen: yajl's generator, through the internal twin
 * of the library; ucp_json_write() is a walk of a jansson tree through it) against jansson's
 * json_dumps(), which wrote every report and tree before: the same bytes for the corners yajl lays out differently by itself (empty arrays and
 * objects, nested ones, the last line break), escapes and control characters, C1 controls, text
 * that is not UTF-8, numbers, null and booleans, compact and pretty, and an entry's extra
 * indentation. Then misuse: a close with nothing open fails.
 */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core-private.h"
#include "tap.h"

/* What json_dumps() writes, each line after the first indented @depth levels more. */
static bool dumps(struct ucp_strbuf *sb, const json_t *tree, bool pretty, unsigned depth)
{
    char *text = json_dumps(tree, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_ENCODE_ANY);
    if (!text)
        return false;
    for (const char *p = text; *p; p++) {
        ucp_sb_appendc(sb, *p);
        for (unsigned k = 0; *p == '\n' && k < depth; k++)
            ucp_sb_append(sb, "  ");
    }
    free(text);
    return !sb->failed;
}

/* json_dumps() and the writer on the same tree; true when they agree (and shows both when not). */
static bool same(const char *what, json_t *tree, bool pretty, unsigned depth)
{
    struct ucp_strbuf want, got;
    ucp_sb_init(&want);
    ucp_sb_init(&got);
    bool wrote = dumps(&want, tree, pretty, depth);
    bool finished = ucp_json_write(&got, tree, pretty, depth);
    bool ok = wrote && finished && want.len == got.len && memcmp(want.data, got.data, want.len) == 0;
    if (!CHECK(ok, "%s (%s, depth %u): the bytes json_dumps() wrote", what, pretty ? "pretty" : "compact", depth))
        printf("#   json_dumps:\n%s\n#   ucp_jgen:\n%s\n", want.data ? want.data : "", got.data ? got.data : "");
    ucp_sb_dispose(&want);
    ucp_sb_dispose(&got);
    return ok;
}

static void each_layout(const char *what, json_t *tree)
{
    for (int pretty = 0; pretty < 2; pretty++)
        for (unsigned depth = 0; depth < 3; depth += 2)
            same(what, tree, pretty, depth);
    json_decref(tree);
}

int main(void)
{
    each_layout("empty object", json_object());
    each_layout("empty array", json_array());
    each_layout("scalars", json_pack("[s, i, i, I, b, b, n]", "text", 0, -4377, (json_int_t)9007199254740993LL, 1, 0));
    each_layout("empty containers as members and elements",
                json_pack("{s:[], s:{}, s:[[], {}, [[]], {s:{}}], s:{s:[], s:{}}, s:i}", "a", "o", "nested", "x",
                          "inner", "l", "m", "last", 1));
    each_layout("a report's shape",
                json_pack("{s:s, s:{s:s, s:n}, s:[{s:s, s:s}, {s:s, s:s}], s:{s:[s, s], s:b}, s:[]}", "schema",
                          "ucpolicy-report", "certificate", "subject", "CN=a", "curve", "san", "type", "dns",
                          "value", "a.example", "type", "ip", "value", "192.0.2.1", "eku", "usages", "serverAuth",
                          "clientAuth", "critical", 0, "findings"));
    each_layout("escapes and control characters",
                json_pack("{s:s, s:s, s:s}", "quote\"back\\slash", "tab\tnew\nline\rcr\bbs\fff",
                          "ctl", "\x01\x1f\x7f", "slash/and unicode", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x92"));
    /* C1 controls are text to jansson; the writer keeps them as they are too. */
    each_layout("C1 controls", json_pack("[s]", "a\xc2\x80" "b\xc2\x9f"));
    each_layout("reals", json_pack("[f, f, f, f]", 1.5, 3.0, -2.5e-300, 0.1));
    each_layout("deep", json_pack("[[[[[[[[{s:[[[]]]}]]]]]]]]", "k"));

    /* Text that is not UTF-8: the display form ucp_json_string() gives (passing), and never the
     * raw bytes (failing, if it did). */
    const char *bad[] = {"\xff", "a\xc0\xafz", "\xed\xa0\x80", "\xf4\x90\x80\x80", "tail\xe2\x82"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        json_t *want_tree = ucp_json_string(bad[i]);
        struct ucp_strbuf want, got;
        ucp_sb_init(&want);
        ucp_sb_init(&got);
        dumps(&want, want_tree, false, 0);
        json_decref(want_tree);
        struct ucp_jgen j;
        if (ucp_jgen_init(&j, &got, false, 0))
            ucp_jgen_string(&j, bad[i]);
        bool finished = ucp_jgen_finish(&j);
        CHECK(finished && got.data && want.data && strcmp(got.data, want.data) == 0,
              "invalid UTF-8 %zu: the display form ucp_json_string() gives (%s)", i, got.data ? got.data : "");
        CHECK(got.data && !strstr(got.data, bad[i]), "invalid UTF-8 %zu: not written as it is", i);
        ucp_sb_dispose(&want);
        ucp_sb_dispose(&got);
    }

    /* NULL is null, as ucp_json_string(NULL). */
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    struct ucp_jgen j;
    if (ucp_jgen_init(&j, &sb, true, 0)) {
        ucp_jgen_object(&j);
        ucp_jgen_kstr(&j, "k", NULL);
        ucp_jgen_close(&j);
    }
    CHECK(ucp_jgen_finish(&j) && sb.data && strcmp(sb.data, "{\n  \"k\": null\n}") == 0, "a NULL string is null");
    ucp_sb_dispose(&sb);

    /* Misuse fails and says so: a close with nothing open, a container left open. */
    ucp_sb_init(&sb);
    if (ucp_jgen_init(&j, &sb, true, 0))
        ucp_jgen_close(&j);
    CHECK(!ucp_jgen_finish(&j), "a close with nothing open: ucp_jgen_finish() is false");
    ucp_sb_dispose(&sb);
    ucp_sb_init(&sb);
    if (ucp_jgen_init(&j, &sb, true, 0))
        ucp_jgen_array(&j);
    CHECK(!ucp_jgen_finish(&j), "an array left open: ucp_jgen_finish() is false");
    ucp_sb_dispose(&sb);
    ucp_sb_init(&sb);
    if (ucp_jgen_init(&j, &sb, true, 0)) {
        ucp_jgen_object(&j);
        ucp_jgen_int(&j, 1); /* a value where a key belongs */
        ucp_jgen_close(&j);
    }
    CHECK(!ucp_jgen_finish(&j), "a value where a key belongs: ucp_jgen_finish() is false");
    ucp_sb_dispose(&sb);
    return tap_done();
}
