/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CORE_PRIVATE_H
#define UCPOLICY_CORE_PRIVATE_H

/*
 * core/: what every other part of the library stands on, and which calls nothing above it: the
 * status registry and the thread's last error, strings, UTF-8, time formatting, file reading, and
 * the few system calls that differ between POSIX and Windows (compat.c).
 * Nothing here is exported: the version script (libucpolicy.map) is the only list of public
 * symbols, and visibility is hidden.
 */

#include <nettle/base64.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ucpolicy.h"

#if defined(__MINGW32__)
/* mingw-w64 builds with __USE_MINGW_ANSI_STDIO=1 (meson.build): C99 printf, %zu and %lld. */
#  define UCP_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#  define UCP_UNUSED __attribute__((unused))
#elif defined(__GNUC__)
#  define UCP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#  define UCP_UNUSED __attribute__((unused))
#else
#  define UCP_PRINTF(f, a)
#  define UCP_UNUSED
#endif

#define UCP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct ucp_bytes {
    uint8_t *data;
    size_t len;
};

/* ---- libraries loaded on first use (dlopen.c) -------------------------------------------- */
/* One function to resolve: its name and where its address goes (a function pointer). */
struct ucp_dl_symbol {
    const char *name;
    void *slot;
};
/* Open the first of @sonames (NULL-terminated) that loads and has every symbol, filling every
 * slot; NULL when none does. Not on Windows. The caller runs it once (pthread_once). */
void *ucp_dl_open(const char *const *sonames, const struct ucp_dl_symbol *symbols, size_t count);

/* An ELF note naming a library loaded with dlopen() (the .note.dlopen format of the
 * freedesktop.org package notes: owner "FDO", type 0x407c0c0a, a JSON array), so that packaging
 * tools can list it as a dependency. @json is a string literal. */
#if defined(__ELF__) && defined(__GNUC__)
#  define UCP_ELF_NOTE_DLOPEN(var, json)                                                          \
      __attribute__((used, section(".note.dlopen"), aligned(4))) static const struct {           \
          uint32_t namesz, descsz, type;                                                          \
          char name[4];                                                                           \
          char desc[(sizeof(json) + 3) & ~(size_t)3];                                             \
      } var = {4, sizeof(json), 0x407c0c0a, "FDO", json}
#else
#  define UCP_ELF_NOTE_DLOPEN(var, json) extern const int var##_unused
#endif

/* ---- status registry (generated: status-table.c) ----------------------------------------- */
struct ucp_status_entry {
    ucp_status code;
    const char *name;
    const char *message;
};
extern const struct ucp_status_entry ucp_status_table[];
extern const size_t ucp_status_table_len;

/* ---- errors (error.c) --------------------------------------------------------------------- */
/* Record the calling thread's last error and return @code. @source may be NULL. */
ucp_status ucp_fail(ucp_status code, const char *source, const char *fmt, ...) UCP_PRINTF(3, 4);
/* As ucp_fail(), also recording a component's own error code. */
ucp_status ucp_fail_origin(ucp_status code, ucp_error_origin origin, int origin_code,
                           const char *source, const char *fmt, ...) UCP_PRINTF(5, 6);
/* Out of memory: records the error without allocating. */
ucp_status ucp_fail_nomem(void);
/* A copy of the calling thread's last error that outlives the thread's next call, for handing it
 * to another thread (check/batch.c); free() it. An "internal error" when none was recorded; NULL
 * when out of memory (then use ucp_error_nomem()). */
ucp_error *ucp_error_copy_last(void);
/* A static "out of memory" error object, valid forever (no allocation). */
const ucp_error *ucp_error_nomem(void);

/* ---- strings (util.c) --------------------------------------------------------------------- */
struct ucp_strbuf {
    char *data;
    size_t len;
    size_t cap;
    bool failed; /* an allocation failed: the content is incomplete */
};
void ucp_sb_init(struct ucp_strbuf *sb);
void ucp_sb_append(struct ucp_strbuf *sb, const char *s);
void ucp_sb_appendn(struct ucp_strbuf *sb, const char *s, size_t n);
/* Room for @extra more bytes (and the NUL) without growing again; false when out of memory. */
bool ucp_sb_reserve(struct ucp_strbuf *sb, size_t extra);
void ucp_sb_appendc(struct ucp_strbuf *sb, char c);
void ucp_sb_printf(struct ucp_strbuf *sb, const char *fmt, ...) UCP_PRINTF(2, 3);
/* The string (malloc'd), or NULL if an allocation failed; the buffer is reset either way. */
char *ucp_sb_finish(struct ucp_strbuf *sb);
void ucp_sb_dispose(struct ucp_strbuf *sb);

char *ucp_strdup(const char *s);
char *ucp_strndup(const char *s, size_t n);
char *ucp_asprintf(const char *fmt, ...) UCP_PRINTF(1, 2);
int ucp_strcasecmp(const char *a, const char *b);   /* ASCII only, locale-independent */
bool ucp_strcaseeq_n(const char *a, size_t alen, const char *b, size_t blen);
char ucp_tolower(char c);
/* Write code point @cp (at most U+10FFFF, not a surrogate) as UTF-8 to @out, which has room
 * for 4 bytes; returns the number of bytes written (1-4). */
size_t ucp_utf8_put(uint8_t *out, uint32_t cp);
/* The well-formed UTF-8 sequence at @p: its length (1-4) and code point, 0 when invalid, overlong,
 * a surrogate or past U+10FFFF (C1 controls count as text, as jansson counts them). */
size_t ucp_utf8_decode(const uint8_t *p, size_t left, uint32_t *cp);
/* Length of the valid UTF-8 sequence at @p (1-4; C1 controls, overlong forms and surrogates are
 * invalid), or 0. */
size_t ucp_utf8_seq(const uint8_t *p, size_t left);
/* Decode the base64 body of a PEM block (between the BEGIN and END lines) into a malloc'd buffer
 * with nettle's decoder (whitespace skipped, as GnuTLS's PEM decoder does). Returns false for
 * anything it refuses, an empty body, or out of memory: the caller then decodes with GnuTLS,
 * which words the error. */
bool ucp_base64_decode_simple(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen);
/* The start of a base64 body, decoded by nettle a piece at a time: each call of
 * ucp_base64_head_more() decodes more of @in into @out (the same buffer each time), until
 * out_done reaches @want (a piece of at most three bytes may fall short of it) or the body ends
 * (*@all). False for anything nettle refuses in what it read (and, once the body ends, for its
 * padding). */
struct ucp_base64_head {
    struct base64_decode_ctx ctx;
    size_t in_done, out_done;
};
void ucp_base64_head_init(struct ucp_base64_head *h);
bool ucp_base64_head_more(struct ucp_base64_head *h, const uint8_t *in, size_t len, uint8_t *out, size_t want,
                          bool *all);
/* Text for display: valid UTF-8 without control characters is kept, anything else (NUL,
 * invalid UTF-8, controls) becomes \xHH. Never NULL unless out of memory. */
char *ucp_display_bytes(const uint8_t *data, size_t len);
/* "2026-11-24T10:00:00Z" into @buf (at least 32 bytes). */
void ucp_format_time(int64_t t, char *buf, size_t size);
/* "2026-11-24" into @buf (at least 32 bytes). */
void ucp_format_date(int64_t t, char *buf, size_t size);
void ucp_wipe(void *p, size_t n);
/* Read a whole regular file (at most @limit bytes): a directory, FIFO, device or socket is
 * refused at once (UCP_E_IO), before anything is read from it. Every file the library reads
 * comes through here. */
ucp_status ucp_read_file(const char *path, size_t limit, uint8_t **data, size_t *len);
/* Render a template, replacing {name} by the matching value. */
char *ucp_render_template(const char *tmpl, const char *const *names, const char *const *values,
                          size_t n);

/* ---- the system (compat.c): the calls that differ between POSIX and Windows ---------------- */
/* File names are UTF-8 everywhere in the library; on Windows they become UTF-16 for the system. */
enum { UCP_FILE_REGULAR, UCP_FILE_DIRECTORY, UCP_FILE_FIFO, UCP_FILE_DEVICE, UCP_FILE_SOCKET, UCP_FILE_OTHER };
/* open() @path for reading (binary, not inherited) without waiting: a FIFO opens at once, where
 * a blocking open() waits for a writer forever. A descriptor, or -1 with errno set (EISDIR where
 * the system refuses to open a directory). Only ucp_read_file() calls it: it reads regular files
 * only, and makes the descriptor blocking (ucp_file_blocking) once it knows it is one. */
int ucp_open_read(const char *path);
/* What the open @fd is (UCP_FILE_*) and, for a regular file, its size; -1 with errno set. */
int ucp_file_kind(int fd, uint64_t *size);
/* Clear the O_NONBLOCK of ucp_open_read() (nothing to do on Windows); false with errno set. */
bool ucp_file_blocking(int fd);
/* "a FIFO (named pipe)", "a device", ... for UCP_FILE_* in messages. */
const char *ucp_file_kind_text(int kind);
struct tm;
/* gmtime_r(): false when @t cannot be broken down. */
bool ucp_gmtime(int64_t t, struct tm *out);
/* timegm(): -1 when @tm is out of range. */
int64_t ucp_timegm(struct tm *tm);
/* Milliseconds of a monotonic clock (deadlines: never the wall clock, which may jump). */
int64_t ucp_monotonic_ms(void);
void *ucp_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);
/* aligned_alloc() (@size a multiple of @alignment), and its free, which must be ucp_aligned_free(). */
void *ucp_aligned_alloc(size_t alignment, size_t size);
void ucp_aligned_free(void *p);
/* The processors online, at least 1. */
unsigned ucp_cpu_count(void);
#ifdef _WIN32
#  include <wchar.h>
/* @s as a malloc'd UTF-16 string, or NULL with errno set (EINVAL: @s is not UTF-8). */
wchar_t *ucp_utf8_to_wide(const char *s);
#endif

/* ---- JSON (json.c) ---------------------------------------------------------------------------- */
struct json_t;
/* A JSON string of @s, null for NULL; jansson refuses invalid UTF-8, so such text becomes its
 * escaped display form (ucp_display_bytes) rather than being lost. */
struct json_t *ucp_json_string(const char *s);
/* Write @json as jansson's json_dumps() does with JSON_INDENT(2) (@pretty) or JSON_COMPACT, every
 * line after the first indented @depth levels more (what an entry of a larger document needs);
 * false when out of memory. */
bool ucp_json_write(struct ucp_strbuf *sb, const struct json_t *json, bool pretty, unsigned depth);
/* Serialise into a buffer allocated with our malloc (a host may have replaced jansson's). */
ucp_status ucp_json_to_buffer(struct json_t *json, unsigned flags, ucp_buffer *out);

/* A JSON document written as it is walked, with no tree (yajl's generator, yajl_gen): what the
 * report renderers use, as building a jansson tree and serialising it cost more than the check.
 * The text is json_dumps()'s with JSON_INDENT(2) (@pretty) or JSON_COMPACT: the same separators,
 * escapes and empty "[]"/"{}", every line after the first indented @depth levels more (an entry of
 * a larger document), no final line break. Calls after a failure do nothing; ucp_jgen_finish()
 * says whether all went well. */
#define UCP_JGEN_MAX_LEVELS 32
struct ucp_jgen {
    struct yajl_gen_t *gen;
    struct ucp_strbuf *sb;
    unsigned depth;     /* extra indentation of every line after the first */
    unsigned level;     /* containers open */
    bool pretty;
    bool newline;       /* a line break the generator wrote, held until something follows it */
    bool failed;
    bool members[UCP_JGEN_MAX_LEVELS + 1]; /* the container at this level has a member yet */
    bool array[UCP_JGEN_MAX_LEVELS + 1];   /* it is an array, not an object */
};
/* False when out of memory (then ucp_jgen_finish() is still to be called). */
bool ucp_jgen_init(struct ucp_jgen *j, struct ucp_strbuf *sb, bool pretty, unsigned depth);
/* Frees the generator; false if anything failed (out of memory, a misuse) or @sb failed. */
bool ucp_jgen_finish(struct ucp_jgen *j);
void ucp_jgen_object(struct ucp_jgen *j);
void ucp_jgen_array(struct ucp_jgen *j);
void ucp_jgen_close(struct ucp_jgen *j);
void ucp_jgen_key(struct ucp_jgen *j, const char *key);
/* null for NULL; text that is not valid UTF-8 becomes its display form, as ucp_json_string(). */
void ucp_jgen_string(struct ucp_jgen *j, const char *s);
void ucp_jgen_int(struct ucp_jgen *j, int64_t v);
void ucp_jgen_bool(struct ucp_jgen *j, bool v);
void ucp_jgen_null(struct ucp_jgen *j);
/* A jansson value, objects in their keys' order (as json_dumps() writes them). */
void ucp_jgen_json(struct ucp_jgen *j, const struct json_t *v);
/* A member of the open object: its key, then the value. */
static inline void ucp_jgen_kstr(struct ucp_jgen *j, const char *key, const char *s)
{
    ucp_jgen_key(j, key);
    ucp_jgen_string(j, s);
}
static inline void ucp_jgen_kint(struct ucp_jgen *j, const char *key, int64_t v)
{
    ucp_jgen_key(j, key);
    ucp_jgen_int(j, v);
}
static inline void ucp_jgen_kbool(struct ucp_jgen *j, const char *key, bool v)
{
    ucp_jgen_key(j, key);
    ucp_jgen_bool(j, v);
}
static inline void ucp_jgen_knull(struct ucp_jgen *j, const char *key)
{
    ucp_jgen_key(j, key);
    ucp_jgen_null(j);
}

#endif /* UCPOLICY_CORE_PRIVATE_H */
