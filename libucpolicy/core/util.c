/* SPDX-License-Identifier: MIT */
/* Small helpers: growable strings, display escaping, time formatting, file reading. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <time.h>
#ifdef _WIN32
#  include <io.h>
#else
#  include <unistd.h>
#endif

#include "core/core-private.h"

void ucp_sb_init(struct ucp_strbuf *sb)
{
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = false;
}

static bool sb_grow(struct ucp_strbuf *sb, size_t extra)
{
    if (sb->failed)
        return false;
    if (sb->len + extra + 1 <= sb->cap)
        return true;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            sb->failed = true;
            return false;
        }
        cap *= 2;
    }
    char *p = realloc(sb->data, cap);
    if (!p) {
        sb->failed = true;
        return false;
    }
    sb->data = p;
    sb->cap = cap;
    return true;
}

bool ucp_sb_reserve(struct ucp_strbuf *sb, size_t extra)
{
    return sb_grow(sb, extra);
}

void ucp_sb_appendn(struct ucp_strbuf *sb, const char *s, size_t n)
{
    if (!sb_grow(sb, n))
        return;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void ucp_sb_append(struct ucp_strbuf *sb, const char *s)
{
    ucp_sb_appendn(sb, s, strlen(s));
}

void ucp_sb_appendc(struct ucp_strbuf *sb, char c)
{
    ucp_sb_appendn(sb, &c, 1);
}

/* Formats straight into the free room, made at least 128 bytes first (as appending would grow
 * the buffer anyway); only longer text is formatted a second time, once the buffer has grown. A
 * text report makes about 15 calls (26 before its field labels were appended instead): the
 * common case runs vsnprintf once, not once to measure and once to write. */
void ucp_sb_printf(struct ucp_strbuf *sb, const char *fmt, ...)
{
    if (!sb_grow(sb, 127))
        return;
    size_t room = sb->cap - sb->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sb->data + sb->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->failed = true;
        return;
    }
    if ((size_t)n >= room) {
        if (!sb_grow(sb, (size_t)n))
            return;
        va_start(ap, fmt);
        vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    sb->len += (size_t)n;
}

char *ucp_sb_finish(struct ucp_strbuf *sb)
{
    char *out = NULL;
    if (!sb->failed) {
        out = sb->data ? sb->data : strdup("");
        sb->data = NULL;
    }
    ucp_sb_dispose(sb);
    return out;
}

void ucp_sb_dispose(struct ucp_strbuf *sb)
{
    free(sb->data);
    ucp_sb_init(sb);
}

char *ucp_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *ucp_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* As ucp_sb_printf(): formatted once into a buffer on the stack, copied out at its length; only
 * longer text is formatted again. */
char *ucp_asprintf(const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = malloc((size_t)n + 1);
    if (!p)
        return NULL;
    if ((size_t)n < sizeof small) {
        memcpy(p, small, (size_t)n + 1);
        return p;
    }
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

char ucp_tolower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int ucp_strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = ucp_tolower(*a), y = ucp_tolower(*b);
        if (x != y || !x)
            return (unsigned char)x - (unsigned char)y;
    }
}

bool ucp_strcaseeq_n(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen != blen)
        return false;
    for (size_t i = 0; i < alen; i++)
        if (ucp_tolower(a[i]) != ucp_tolower(b[i]))
            return false;
    return true;
}

char *ucp_display_bytes(const uint8_t *data, size_t len)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (size_t i = 0; i < len;) {
        /* A run of printable ASCII (names, URLs: most of it) in one append. */
        size_t run = i;
        while (run < len && data[run] >= 0x20 && data[run] < 0x7f && data[run] != '\\')
            run++;
        if (run > i) {
            ucp_sb_appendn(&sb, (const char *)data + i, run - i);
            i = run;
            continue;
        }
        uint8_t c = data[i];
        if (c == '\\') {
            ucp_sb_append(&sb, "\\\\");
            i++;
            continue;
        }
        size_t n = c >= 0x80 ? ucp_utf8_seq(data + i, len - i) : 0;
        if (n > 1) {
            ucp_sb_appendn(&sb, (const char *)data + i, n);
            i += n;
        } else {
            ucp_sb_printf(&sb, "\\x%02X", c);
            i++;
        }
    }
    return ucp_sb_finish(&sb);
}

void ucp_format_time(int64_t t, char *buf, size_t size)
{
    struct tm tm;
    if (!ucp_gmtime(t, &tm)) {
        snprintf(buf, size, "@%lld", (long long)t);
        return;
    }
    int year = tm.tm_year + 1900;
    if (year < 0 || year > 9999 || size < 21) {
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                 tm.tm_min, tm.tm_sec);
        return;
    }
    /* What that snprintf writes, without its cost (several per report line, every report). */
    const int parts[6] = {year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
    static const char seps[6] = {'-', '-', 'T', ':', ':', 'Z'};
    char *p = buf;
    *p++ = (char)('0' + year / 1000);
    *p++ = (char)('0' + year / 100 % 10);
    for (int i = 0; i < 6; i++) {
        if (i > 0)
            *p++ = (char)('0' + parts[i] / 10 % 10);
        else
            *p++ = (char)('0' + year / 10 % 10);
        *p++ = (char)('0' + parts[i] % 10);
        *p++ = seps[i];
    }
    *p = '\0';
}

void ucp_format_date(int64_t t, char *buf, size_t size)
{
    struct tm tm;
    if (!ucp_gmtime(t, &tm)) {
        snprintf(buf, size, "@%lld", (long long)t);
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void ucp_wipe(void *p, size_t n)
{
    if (p && n)
        gnutls_memset(p, 0, n);
}

ucp_status ucp_read_file(const char *path, size_t limit, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int fd = ucp_open_read(path);
    if (fd < 0 && errno != EISDIR) /* Windows refuses to open a directory: EISDIR (compat.c) */
        return ucp_fail_origin(UCP_E_IO, UCP_ORIGIN_SYSTEM, errno, path, "cannot open: %s",
                               strerror(errno));
    uint64_t size = 0;
    int kind = fd < 0 ? UCP_FILE_DIRECTORY : ucp_file_kind(fd, &size);
    if (kind < 0) {
        int e = errno;
        close(fd);
        return ucp_fail_origin(UCP_E_IO, UCP_ORIGIN_SYSTEM, e, path, "cannot stat: %s", strerror(e));
    }
    if (kind == UCP_FILE_DIRECTORY) {
        if (fd >= 0)
            close(fd);
        return ucp_fail_origin(UCP_E_IO, UCP_ORIGIN_SYSTEM, EISDIR, path,
                               "is a directory, not a certificate file");
    }
    if (kind != UCP_FILE_REGULAR) {
        /* A FIFO would block (or never end), a device never end: only regular files are read;
         * standard input is the caller's to read (the command's "-"). */
        close(fd);
        return ucp_fail(UCP_E_IO, path, "is %s, not a regular file; only regular files are read",
                        ucp_file_kind_text(kind));
    }
    if (!ucp_file_blocking(fd)) {
        int e = errno;
        close(fd);
        return ucp_fail_origin(UCP_E_IO, UCP_ORIGIN_SYSTEM, e, path, "cannot read: %s", strerror(e));
    }
    if (size > limit) {
        close(fd);
        return ucp_fail(UCP_E_TOO_LARGE, path,
                        "file is %llu bytes; the limit is %zu bytes (%zu MiB)",
                        (unsigned long long)size, limit, limit / (1024 * 1024));
    }
    /* Read until EOF (a file may grow meanwhile, or say size 0 as /proc does), never beyond
     * limit + 1 bytes. */
    size_t cap = size > 0 ? (size_t)size + 1 : 65536;
    uint8_t *buf = malloc(cap);
    if (!buf) {
        close(fd);
        return ucp_fail_nomem();
    }
    size_t n = 0;
    for (;;) {
        if (n == cap) {
            if (cap > limit) {
                free(buf);
                close(fd);
                return ucp_fail(UCP_E_TOO_LARGE, path, "input exceeds the limit of %zu bytes", limit);
            }
            size_t ncap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
            uint8_t *p = realloc(buf, ncap);
            if (!p) {
                free(buf);
                close(fd);
                return ucp_fail_nomem();
            }
            buf = p;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            close(fd);
            return ucp_fail_origin(UCP_E_IO, UCP_ORIGIN_SYSTEM, e, path, "read error: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > limit) {
            free(buf);
            close(fd);
            return ucp_fail(UCP_E_TOO_LARGE, path, "input exceeds the limit of %zu bytes", limit);
        }
    }
    close(fd);
    *data = buf;
    *len = n;
    return UCP_OK;
}

char *ucp_render_template(const char *tmpl, const char *const *names, const char *const *values,
                          size_t n)
{
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_appendn(&sb, "", 0);
    for (const char *p = tmpl; *p;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            if (end) {
                size_t klen = (size_t)(end - p - 1);
                bool done = false;
                for (size_t i = 0; i < n; i++) {
                    if (strlen(names[i]) == klen && memcmp(names[i], p + 1, klen) == 0) {
                        ucp_sb_append(&sb, values[i] ? values[i] : "");
                        done = true;
                        break;
                    }
                }
                if (done) {
                    p = end + 1;
                    continue;
                }
            }
        }
        ucp_sb_appendc(&sb, *p++);
    }
    return ucp_sb_finish(&sb);
}
