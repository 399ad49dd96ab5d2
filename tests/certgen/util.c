/* SPDX-License-Identifier: MIT */
/*
 * The generator's plumbing: failure, strings that live until exit, files below the output
 * directory, DER buffers.
 */
#include "certgen.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../portable.h"

/* ---- failure and memory ------------------------------------------------------------------- */

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ucpolicy-certgen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static char **arena;
static size_t narena, carena;

char *keep(char *s)
{
    if (!s)
        die("out of memory");
    if (narena == carena) {
        carena = carena ? carena * 2 : 1024;
        arena = realloc(arena, carena * sizeof *arena);
        if (!arena)
            die("out of memory");
    }
    arena[narena++] = s;
    return s;
}

char *fmt(const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    char *s = NULL;
    if (vasprintf(&s, f, ap) < 0)
        s = NULL;
    va_end(ap);
    return keep(s);
}

char *sdup(const char *s)
{
    return keep(strdup(s));
}

void arena_free(void)
{
    for (size_t i = 0; i < narena; i++)
        free(arena[i]);
    free(arena);
}

/* ---- files -------------------------------------------------------------------------------- */

const char *outdir;

void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            die("mkdir %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        die("mkdir %s: %s", buf, strerror(errno));
}

void out_path(const char *rel, char *path)
{
    snprintf(path, 4096, "%s/%s", outdir, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    mkdirs(path);
    *slash = '/';
}

void write_file(const char *rel, const void *data, size_t len)
{
    char path[4096];
    out_path(rel, path);
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0)
        die("cannot write %s: %s", path, strerror(errno));
}

/* ---- DER ---------------------------------------------------------------------------------- */

void buf_add(struct buf *b, const void *p, size_t n)
{
    b->data = realloc(b->data, b->len + n + 1);
    if (!b->data)
        die("out of memory");
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void der_tlv(struct buf *b, unsigned char tag, const void *value, size_t len)
{
    unsigned char hdr[6];
    size_t n = 0;
    hdr[n++] = tag;
    if (len < 0x80) {
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x100) {
        hdr[n++] = 0x81;
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x10000) {
        hdr[n++] = 0x82;
        hdr[n++] = (unsigned char)(len >> 8);
        hdr[n++] = (unsigned char)len;
    } else if (len < 0x1000000) {
        hdr[n++] = 0x83;
        hdr[n++] = (unsigned char)(len >> 16);
        hdr[n++] = (unsigned char)(len >> 8);
        hdr[n++] = (unsigned char)len;
    } else {
        die("DER value too long");
    }
    buf_add(b, hdr, n);
    buf_add(b, value, len);
}

/* DER of an OBJECT IDENTIFIER in dotted form. */
void der_oid(struct buf *b, const char *dotted)
{
    unsigned long long arcs[32];
    int n = 0;
    for (const char *p = dotted; *p && n < 32;) {
        char *end;
        arcs[n++] = strtoull(p, &end, 10);
        p = *end == '.' ? end + 1 : end;
    }
    if (n < 2)
        die("bad OID %s", dotted);
    unsigned char body[128];
    size_t len = 0;
    for (int i = 1; i < n; i++) {
        unsigned long long v = i == 1 ? arcs[0] * 40 + arcs[1] : arcs[i];
        unsigned char tmp[10];
        int k = 0;
        do {
            tmp[k++] = (unsigned char)(v & 0x7f);
            v >>= 7;
        } while (v);
        while (k > 0 && len < sizeof body) {
            k--;
            body[len++] = (unsigned char)(tmp[k] | (k ? 0x80 : 0));
        }
    }
    der_tlv(b, 0x06, body, len);
}
