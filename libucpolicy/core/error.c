/* SPDX-License-Identifier: MIT */
/* The thread-local last error, status names, version calls and library-owned buffers. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

#include "core/core-private.h"

/* Room for a whole path (PATH_MAX) and a message about it. */
#define UCP_ERROR_SOURCE_SIZE 4096
#define UCP_ERROR_TEXT_SIZE 4096

struct ucp_error {
    ucp_status code;
    ucp_error_origin origin;
    int origin_code;
    char message[UCP_ERROR_SOURCE_SIZE + UCP_ERROR_TEXT_SIZE];
    char source[UCP_ERROR_SOURCE_SIZE];
    bool has_source;
};

/* One per thread; set by every failing call, read by ucp_error_last(). No allocation, so an
 * out-of-memory failure can still be reported, and nothing to free at thread exit. */
static _Thread_local struct ucp_error last_error;
static _Thread_local bool has_last_error;

/* Append @src to @dst (of @size bytes, holding @*off) as UTF-8 text: valid UTF-8 is copied,
 * control characters and bytes that are not UTF-8 (a file name in another encoding) become
 * \xHH. Stops at a character boundary with "..." when the buffer is full. No allocation. */
static void append_text(char *dst, size_t size, size_t *off, const char *src)
{
    const uint8_t *p = (const uint8_t *)src;
    size_t left = strlen(src);
    size_t o = *off;
    while (left > 0) {
        char esc[5];
        const char *piece = (const char *)p;
        size_t n = *p >= 0x20 && *p != 0x7f ? ucp_utf8_seq(p, left) : 0;
        size_t used = n;
        if (n == 0) {
            snprintf(esc, sizeof esc, "\\x%02X", *p);
            piece = esc;
            n = 4;
            used = 1;
        }
        if (o + n + 4 > size) {
            memcpy(dst + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(dst + o, piece, n);
        o += n;
        p += used;
        left -= used;
    }
    dst[o] = '\0';
    *off = o;
}

static ucp_status record(ucp_status code, ucp_error_origin origin, int origin_code,
                         const char *source, const char *fmt, va_list ap)
{
    struct ucp_error *e = &last_error;
    e->code = code;
    e->origin = origin;
    e->origin_code = origin_code;
    e->has_source = source != NULL;
    size_t off = 0;
    e->source[0] = '\0';
    if (source)
        append_text(e->source, sizeof e->source, &off, source);
    /* "source: text": the whole source (a path, up to PATH_MAX), then the text, as UTF-8. */
    char text[UCP_ERROR_TEXT_SIZE];
    vsnprintf(text, sizeof text, fmt, ap);
    off = 0;
    e->message[0] = '\0';
    if (source) {
        memcpy(e->message, e->source, strlen(e->source));
        off = strlen(e->source);
        append_text(e->message, sizeof e->message, &off, ": ");
    }
    append_text(e->message, sizeof e->message, &off, text);
    has_last_error = true;
    return code;
}

ucp_status ucp_fail(ucp_status code, const char *source, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, UCP_ORIGIN_UCPOLICY, 0, source, fmt, ap);
    va_end(ap);
    return code;
}

ucp_status ucp_fail_origin(ucp_status code, ucp_error_origin origin, int origin_code,
                           const char *source, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    record(code, origin, origin_code, source, fmt, ap);
    va_end(ap);
    return code;
}

ucp_status ucp_fail_nomem(void)
{
    return ucp_fail(UCP_E_NO_MEMORY, NULL, "out of memory");
}

ucp_error *ucp_error_copy_last(void)
{
    struct ucp_error *copy = malloc(sizeof *copy);
    if (!copy)
        return NULL;
    if (has_last_error) {
        memcpy(copy, &last_error, sizeof *copy);
    } else {
        memset(copy, 0, sizeof *copy);
        copy->code = UCP_E_INTERNAL;
        snprintf(copy->message, sizeof copy->message, "no error was recorded");
    }
    return copy;
}

const ucp_error *ucp_error_nomem(void)
{
    static const struct ucp_error nomem = {.code = UCP_E_NO_MEMORY, .message = "out of memory"};
    return &nomem;
}

UCP_EXPORT const ucp_error *ucp_error_last(void)
{
    return has_last_error ? &last_error : NULL;
}

UCP_EXPORT void ucp_error_clear(void)
{
    has_last_error = false;
    memset(&last_error, 0, sizeof last_error);
}

UCP_EXPORT ucp_status ucp_error_code(const ucp_error *error)
{
    return error ? error->code : UCP_OK;
}

UCP_EXPORT const char *ucp_error_message(const ucp_error *error)
{
    return error ? error->message : "";
}

UCP_EXPORT const char *ucp_error_source(const ucp_error *error)
{
    return error && error->has_source ? error->source : NULL;
}

UCP_EXPORT ucp_error_origin ucp_error_origin_of(const ucp_error *error)
{
    return error ? error->origin : UCP_ORIGIN_UCPOLICY;
}

UCP_EXPORT const char *ucp_error_origin_name(ucp_error_origin origin)
{
    switch (origin) {
    case UCP_ORIGIN_UCPOLICY: return "ucpolicy";
    case UCP_ORIGIN_GNUTLS: return "gnutls";
    case UCP_ORIGIN_LIBTASN1: return "libtasn1";
    case UCP_ORIGIN_JSON: return "json";
    case UCP_ORIGIN_SYSTEM: return "system";
    }
    return "";
}

UCP_EXPORT int ucp_error_origin_code(const ucp_error *error)
{
    return error ? error->origin_code : 0;
}

static const struct ucp_status_entry *status_entry(ucp_status status)
{
    for (size_t i = 0; i < ucp_status_table_len; i++)
        if (ucp_status_table[i].code == status)
            return &ucp_status_table[i];
    return NULL;
}

UCP_EXPORT const char *ucp_strerror(ucp_status status)
{
    const struct ucp_status_entry *e = status_entry(status);
    return e ? e->message : "Unknown status";
}

UCP_EXPORT const char *ucp_strerror_name(ucp_status status)
{
    const struct ucp_status_entry *e = status_entry(status);
    return e ? e->name : "UCP_E_UNKNOWN";
}

UCP_EXPORT void ucp_buffer_dispose(ucp_buffer *buffer)
{
    if (!buffer)
        return;
    free(buffer->data);
    buffer->data = NULL;
    buffer->size = 0;
}

UCP_EXPORT const char *ucp_version(void)
{
    return UCP_VERSION;
}

static bool parse_version(const char *s, unsigned v[3])
{
    v[0] = v[1] = v[2] = 0;
    for (int i = 0; i < 3; i++) {
        if (*s < '0' || *s > '9')
            return false;
        unsigned long n = 0;
        while (*s >= '0' && *s <= '9') {
            n = n * 10 + (unsigned long)(*s - '0');
            if (n > 0xffff)
                return false;
            s++;
        }
        v[i] = (unsigned)n;
        if (*s == '\0')
            return true;
        if (*s != '.')
            return false;
        s++;
    }
    return *s == '\0';
}

UCP_EXPORT const char *ucp_check_version(const char *required)
{
    if (!required)
        return UCP_VERSION;
    unsigned want[3];
    if (!parse_version(required, want))
        return NULL;
    const unsigned have[3] = {UCP_VERSION_MAJOR, UCP_VERSION_MINOR, UCP_VERSION_PATCH};
    for (int i = 0; i < 3; i++) {
        if (have[i] > want[i])
            return UCP_VERSION;
        if (have[i] < want[i])
            return NULL;
    }
    return UCP_VERSION;
}

UCP_EXPORT const char *ucp_gnutls_version(void)
{
    const char *v = gnutls_check_version(NULL);
    return v ? v : "";
}
