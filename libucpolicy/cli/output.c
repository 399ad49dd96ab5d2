/* SPDX-License-Identifier: MIT */
/*
 * What the command writes: reports (rendered by the library), the JSON entry of a file that
 * could not be read, exit statuses, and for batches the progress line and the closing summary
 * on stderr.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli-private.h"

int exit_for(const ucp_report *r, enum fail_on fail_on)
{
    if (fail_on == FAIL_ON_NEVER)
        return EXIT_PASS;
    if (ucp_report_count(r, UCP_SEVERITY_ERROR))
        return EXIT_FAIL;
    if (ucp_report_count(r, UCP_SEVERITY_WARNING))
        return fail_on == FAIL_ON_ERROR ? EXIT_PASS : EXIT_WARN;
    if (ucp_report_count(r, UCP_SEVERITY_INFO) && fail_on == FAIL_ON_INFO)
        return EXIT_WARN;
    return EXIT_PASS;
}

bool use_color(const struct common_opts *o)
{
    return strcmp(o->color, "always") == 0 ||
           (strcmp(o->color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
            !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0));
}

bool render_report(const struct common_opts *o, bool color, const ucp_report *report, ucp_buffer *buf)
{
    bool json = strcmp(o->format, "json") == 0;
    ucp_status st = json ? ucp_report_to_json(report, o->compact ? UCP_RENDER_DEFAULT : UCP_RENDER_PRETTY, buf)
                         : ucp_report_to_text(report,
                                              (color ? UCP_RENDER_COLOR : 0) | (o->verbose ? UCP_RENDER_VERBOSE : 0),
                                              buf);
    return st == UCP_OK;
}

bool print_report(const struct common_opts *o, const ucp_report *report)
{
    ucp_buffer buf = {NULL, 0};
    if (!render_report(o, use_color(o), report, &buf)) {
        cli_print_error();
        return false;
    }
    fwrite(buf.data, 1, buf.size, stdout);
    ucp_buffer_dispose(&buf);
    return true;
}

/* Length of the valid UTF-8 sequence at @p (1-4), 0 when the bytes are not UTF-8. */
static size_t utf8_len(const unsigned char *p)
{
    size_t n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3
                                                             : *p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
    unsigned long cp = n == 2 ? *p & 0x1f : n == 3 ? *p & 0x0f : *p & 0x07;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

bool json_input_error_of(FILE *out, const char *name, ucp_status code, const char *message, bool last,
                         bool pretty)
{
    /* The message is UTF-8 (the library escapes what is not); the file name comes from the
     * command line and may be in another encoding: bytes that are not UTF-8 are written \xHH,
     * as in reports. JSON-escape quotes, backslashes and control characters. */
    const char *fields[2] = {name, message};
    char *esc[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(fields[k]);
        esc[k] = malloc(n * 6 + 1);
        if (!esc[k]) {
            free(esc[0]);
            cli_out_of_memory();
            return false;
        }
        char *o = esc[k];
        for (const unsigned char *p = (const unsigned char *)fields[k]; *p;) {
            size_t len = utf8_len(p);
            if (*p == '"' || *p == '\\') {
                *o++ = '\\';
                *o++ = (char)*p++;
            } else if (*p < 0x20) {
                o += sprintf(o, "\\u%04x", *p++);
            } else if (len == 0) {
                o += sprintf(o, "\\\\x%02X", *p++);
            } else {
                memcpy(o, p, len);
                o += len;
                p += len;
            }
        }
        *o = '\0';
    }
    const char *nl = pretty ? "\n" : "";
    const char *ind = pretty ? "  " : "";
    fprintf(out,
            "{%s%s\"schema\": \"ucpolicy-report\",%s%s\"schemaVersion\": \"%s\",%s%s\"input\": {\"name\": \"%s\"},%s"
            "%s\"result\": \"error\",%s%s\"error\": {\"code\": \"%s\", \"message\": \"%s\"}%s}%s",
            nl, ind, nl, ind, UCP_REPORT_SCHEMA_VERSION, nl, ind, esc[0], nl, ind, nl, ind,
            ucp_strerror_name(code), esc[1], nl, last ? "" : ",");
    free(esc[0]);
    free(esc[1]);
    return true;
}

bool json_input_error(FILE *out, const char *name, bool last, bool pretty)
{
    const ucp_error *e = ucp_error_last();
    return json_input_error_of(out, name, e ? ucp_error_code(e) : UCP_E_INTERNAL, e ? ucp_error_message(e) : "",
                               last, pretty);
}

int finish(int status)
{
    cli_wipe_password();
    if (fflush(stdout) != 0) {
        fprintf(stderr, "ucpolicy: cannot write the report: %s\n", strerror(errno));
        status = EXIT_USAGE;
    }
    return status;
}

/* ---- the end of a batch --------------------------------------------------------------------- */

/* A stand-in for the report renderer's ucp_renderer_summary() (cli-private.h). */
void print_summary(FILE *f, const struct batch_counts *c)
{
    fprintf(f, "ucpolicy: checked %zu: %zu pass, %zu warning, %zu fail", c->files, c->results[UCP_RESULT_PASS],
            c->results[UCP_RESULT_WARNING], c->results[UCP_RESULT_FAIL]);
    if (c->unreadable)
        fprintf(f, ", %zu could not be read", c->unreadable);
    fputc('\n', f);
}

/* ---- the progress line ---------------------------------------------------------------------- */

void progress_init(struct progress_line *p, enum progress_mode mode, bool quiet, size_t total)
{
    memset(p, 0, sizeof *p);
    p->total = total;
    p->on = mode == PROGRESS_ALWAYS ||
            (mode == PROGRESS_AUTO && total > 1 && !quiet && isatty(STDERR_FILENO));
}

/* The terminal's width, 80 when stderr is not a terminal. */
static size_t columns(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

/* Append @name to @out (room for strlen(name) + 4 bytes) as one column per character, control
 * characters and bytes that are not UTF-8 as '?', at most @max columns: a longer name keeps its
 * end, after "...". Returns the columns written. */
static size_t append_name(char *out, const char *name, size_t max)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; chars++) {
        size_t len = utf8_len(p);
        p += len ? len : 1;
    }
    size_t skip = 0;
    if (chars > max) {
        if (max < 4)
            return 0;
        skip = chars - (max - 3);
        memcpy(out, "...", 3);
        out += 3;
    }
    size_t i = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; i++) {
        size_t len = utf8_len(p);
        bool shown = len > 0 && *p >= 0x20 && *p != 0x7f;
        if (i >= skip) {
            if (shown)
                memcpy(out, p, len);
            else
                *out = '?';
            out += shown ? len : 1;
        }
        p += len ? len : 1;
    }
    *out = '\0';
    return chars > max ? max : chars;
}

void progress_update(struct progress_line *p, size_t done, const char *current)
{
    if (!p->on)
        return;
    p->done = done;
    p->current = current;
    char head[96];
    int n = snprintf(head, sizeof head, "ucpolicy: %zu/%zu done%s", done, p->total, current ? ", checking " : "");
    size_t width = columns() - 1, used = (size_t)n;
    char *line = malloc(used + (current ? strlen(current) : 0) + 8);
    if (!line)
        return; /* no line this time */
    memcpy(line, head, used + 1);
    if (used > width) { /* a very narrow terminal: the line must not wrap (ASCII so far) */
        used = width;
        line[used] = '\0';
    } else if (current) {
        used += append_name(line + used, current, width - used);
    }
    fputc('\r', stderr);
    fputs(line, stderr);
    for (size_t i = used; i < p->drawn; i++) /* blank the end of a longer line */
        fputc(' ', stderr);
    p->drawn = used;
    fflush(stderr);
    free(line);
}

void progress_clear(struct progress_line *p)
{
    if (!p->on || !p->drawn)
        return;
    fputc('\r', stderr);
    for (size_t i = 0; i < p->drawn; i++)
        fputc(' ', stderr);
    fputc('\r', stderr);
    p->drawn = 0;
    fflush(stderr);
}
