/* SPDX-License-Identifier: MIT */
/*
 * What the command writes: reports and the entries of inputs that could not be read, rendered
 * by the library in the --format asked (one ucp_renderer per run), the exit status (the
 * library's ucp_report_exit_code), and for batches the progress line and the renderer's closing
 * summary on stderr.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-private.h"

bool use_color(const struct common_opts *o)
{
    return o->format == UCP_OUTPUT_TEXT &&
           (strcmp(o->color, "always") == 0 ||
            (strcmp(o->color, "auto") == 0 && !getenv("NO_COLOR") &&
             !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0) && cli_terminal(stdout, true)));
}

/* Write @chunk to stdout and dispose of it. */
static void put(ucp_buffer *chunk)
{
    if (chunk->size)
        fwrite(chunk->data, 1, chunk->size, stdout);
    ucp_buffer_dispose(chunk);
}

/* JSON and SARIF documents end without a newline (as the library renders them); the command
 * ends its output with one. */
static bool needs_newline(ucp_output_format format)
{
    return format == UCP_OUTPUT_JSON || format == UCP_OUTPUT_SARIF;
}

bool output_begin(struct output *out, const struct common_opts *o, size_t inputs)
{
    memset(out, 0, sizeof *out);
    out->o = o;
    out->inputs = inputs;
    out->flags = (o->compact ? 0 : UCP_RENDER_PRETTY) | (use_color(o) ? UCP_RENDER_COLOR : 0) |
                 (o->verbose ? UCP_RENDER_VERBOSE : 0) | UCP_RENDER_FLAT;
    if (o->quiet || (inputs == 1 && o->format == UCP_OUTPUT_JSON))
        return true; /* nothing to render, or the bare object of ucp_report_render() */
    if (ucp_renderer_new(&out->renderer, o->format, out->flags) != UCP_OK ||
        ucp_renderer_set_fail_on(out->renderer, o->fail_on) != UCP_OK) {
        cli_print_error();
        ucp_renderer_free(out->renderer);
        out->renderer = NULL;
        out->status = EXIT_USAGE;
        return false;
    }
    return true;
}

bool output_report(struct output *out, const ucp_report *report)
{
    out->status = worst(out->status, ucp_report_exit_code(report, out->o->fail_on));
    ucp_buffer chunk = {NULL, 0};
    ucp_status st = UCP_OK;
    if (out->renderer)
        st = ucp_renderer_add_report(out->renderer, report, &chunk);
    else if (!out->o->quiet)
        st = ucp_report_render(report, UCP_OUTPUT_JSON, out->flags, &chunk);
    if (st != UCP_OK) {
        cli_print_error();
        out->status = EXIT_USAGE;
        return false;
    }
    put(&chunk);
    return true;
}

bool output_error(struct output *out, const char *name, ucp_status code, const char *message)
{
    fprintf(stderr, "ucpolicy: %s\n", message);
    out->status = EXIT_USAGE;
    ucp_buffer chunk = {NULL, 0};
    ucp_status st = UCP_OK;
    if (out->renderer && !(out->inputs == 1 && out->o->format == UCP_OUTPUT_TEXT))
        st = ucp_renderer_add_error(out->renderer, name, code, message, &chunk);
    else if (!out->renderer && !out->o->quiet)
        st = ucp_input_error_render(name, code, message, UCP_OUTPUT_JSON, out->flags, &chunk);
    if (st != UCP_OK) {
        cli_print_error();
        return false;
    }
    put(&chunk);
    return true;
}

bool output_last_error(struct output *out, const char *name)
{
    const ucp_error *e = ucp_error_last();
    return output_error(out, name, e ? ucp_error_code(e) : UCP_E_INTERNAL, e ? ucp_error_message(e) : "unknown error");
}

void output_end(struct output *out, bool summary)
{
    ucp_buffer chunk = {NULL, 0};
    if (out->renderer) {
        if (ucp_renderer_finish(out->renderer, &chunk) != UCP_OK) {
            cli_print_error();
            out->status = EXIT_USAGE;
        }
        put(&chunk);
    }
    if (!out->o->quiet && needs_newline(out->o->format))
        fputc('\n', stdout);
    if (summary && out->renderer && ucp_renderer_summary(out->renderer, &chunk) == UCP_OK) {
        fprintf(stderr, "ucpolicy: %.*s\n", (int)chunk.size, chunk.data ? chunk.data : "");
        ucp_buffer_dispose(&chunk);
    }
}

void output_dispose(struct output *out)
{
    ucp_renderer_free(out->renderer);
    out->renderer = NULL;
}

int cli_finish(int status)
{
    cli_wipe_password();
    if (fflush(stdout) != 0) {
        fprintf(stderr, "ucpolicy: cannot write the report: %s\n", strerror(errno));
        status = EXIT_USAGE;
    }
    return status;
}

/* ---- the progress line ---------------------------------------------------------------------- */

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

void progress_init(struct progress_line *p, enum progress_mode mode, bool quiet, size_t total)
{
    memset(p, 0, sizeof *p);
    p->total = total;
    p->on = mode == PROGRESS_ALWAYS ||
            (mode == PROGRESS_AUTO && total > 1 && !quiet && cli_terminal(stderr, false));
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
    size_t width = cli_terminal_columns(stderr) - 1, used = (size_t)n;
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
