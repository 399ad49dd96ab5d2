/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CLI_PRIVATE_H
#define UCPOLICY_CLI_PRIVATE_H

/*
 * cli/: the `ucpolicy` command, built on the public API only, as the internal static library
 * ucpolicy-cli (never installed, nothing exported) with one entry point, ucp_cli_main(). Two
 * programs link it: `ucpolicy` (ucpolicy.c: main() calls ucp_cli_main) and the Python extension
 * (`python3 -m ucpolicy` calls it through ucpolicy._ucpolicy.ucp_py_cli_main), so both faces run
 * this code and no other.
 *
 * Files, each calling only the ones below it:
 *   main.c           ucp_cli_main: the commands, the main usage, version; one run at a time
 *   cmd-check.c      check: batches (ucp_checker_check_files), standard input, --same-certificate
 *   cmd-probe.c      probe: the target, the connection options, the probe's exit status
 *   cmd-scan.c       scan: every endpoint of a topology document, the fleet report
 *   cmd-catalogue.c  roles, rules: the catalogue listings
 *   cmd-plan.c       plan: every certificate of a topology, and their request files
 *   output.c         the run's output through the library's renderers, the exit status, the
 *                    progress line and the closing summary of a batch
 *   options.c        usage errors, the options check and probe share (facts, trust, time,
 *                    revocation, password, output) and the checker they configure, ISO 8601
 *                    times, the password, standard input
 *   platform.c       the system calls that differ between POSIX and Windows (the program's
 *                    arguments and streams, files by UTF-8 name, UTC time, wiping, the terminal)
 *
 * Exit status (the Nagios plugin convention): 0 pass, 1 warnings only, 2 any error finding,
 * 3 usage or input error (the message on stderr names the file and the problem).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ucpolicy.h"

/*
 * Run the command with @argv (argv[0] is the program's name, unused: messages say "ucpolicy")
 * and return its exit status. Writes to stdout and stderr (flushed before returning); reads
 * stdin for a FILE or --topology given as '-'. Never exits the process and leaves nothing
 * allocated, the password wiped. getopt's state is process-wide, so concurrent calls are
 * serialised. Not public API: not in libucpolicy.map.
 */
int ucp_cli_main(int argc, char **argv);

enum { EXIT_PASS = 0, EXIT_WARN = 1, EXIT_FAIL = 2, EXIT_USAGE = 3 };

#if defined(__MINGW32__)
/* mingw-w64 builds with __USE_MINGW_ANSI_STDIO=1 (meson.build): C99 printf, %zu and %lld. */
#  define CLI_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#  define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

/* ---- platform.c ----------------------------------------------------------------------------- */
struct tm;

/* The program's start (ucpolicy.c, not the Python extension): on Windows, replaces *argc and
 * *argv by the arguments in UTF-8 (kept until exit) and puts the standard streams in binary mode;
 * nothing to do on POSIX. False (and the arguments left as they are) when out of memory. */
bool cli_program_start(int *argc, char ***argv);
/* open() @path (UTF-8) for reading, not inherited, if it is a regular file: a descriptor, or -1
 * with errno set, or -2 when it is something else (*@what: "a FIFO (named pipe)", "a device",
 * ...), found without waiting (a FIFO is opened non-blocking, then looked at). *@shared: group
 * or others may read it (POSIX permissions; false on Windows). */
int cli_open_regular(const char *path, const char **what, bool *shared);
/* fopen(@path, "wb") and mkdir(@path) for a UTF-8 @path (on Windows through the wide-character
 * calls, so names outside the ANSI code page work); errno set on failure. */
FILE *cli_create_file(const char *path);
int cli_make_dir(const char *path);
/* While @on, the process holds a secret: on Linux it is not dumpable (no core file, no ptrace
 * by the same user), as it was before once @on is false again. Nothing elsewhere. */
void cli_secret_held(bool on);
/* timegm(): -1 when @tm is out of range. */
int64_t cli_timegm(struct tm *tm);
/* gmtime_r(): false when @t cannot be broken down. */
bool cli_gmtime(int64_t t, struct tm *out);
/* explicit_bzero(): not optimised away. */
void cli_wipe(void *p, size_t n);
/* Is @f a terminal (a console on Windows)? With @escapes, one that shows ANSI escape sequences
 * (Windows: turned on if the console can). */
bool cli_terminal(FILE *f, bool escapes);
/* The terminal's width in columns, 80 when @f is not one. */
size_t cli_terminal_columns(FILE *f);

/* ---- options.c ------------------------------------------------------------------------------ */

/* The command running, for "Try 'ucpolicy COMMAND --help'." ("check" unless set). */
extern const char *cli_command;

/* "ucpolicy: MESSAGE" and the --help hint on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "ucpolicy: " and the calling thread's last libucpolicy error on stderr. */
void cli_print_error(void);
/* "ucpolicy: out of memory" on stderr; returns EXIT_USAGE. */
int cli_out_of_memory(void);

/* The help text of the options check and probe share. */
void cli_usage_common(FILE *f, bool probe);

/* The PKCS#12 (or client key) password of --password-file / --password-env, or NULL. It lives
 * in one buffer, wiped by cli_wipe_password() (at the latest when ucp_cli_main returns). */
const char *cli_password(void);
void cli_wipe_password(void);

/* Read all of standard input (FILE or --topology '-'): true with the bytes (free() them), or
 * false with the error: @code and @message, naming '-' and the problem (valid until the next
 * call). */
bool cli_read_stdin(uint8_t **data, size_t *length, ucp_status *code, const char **message);
/* The name of standard input in reports and messages: "-", as it was given. */
#define CLI_STDIN_NAME "-"

struct file_list {
    const char **v;
    size_t n;
};

/* The long options check and probe share; the short ones are "r:vqh". */
enum {
    OPT_FQDN = 256, OPT_POOL, OPT_SIP, OPT_URL, OPT_WEB, OPT_ACCESS, OPT_WEBCONF, OPT_XMPP,
    OPT_PRODUCT, OPT_TOPOLOGY, OPT_CHAIN, OPT_TRUST, OPT_PUBLIC, OPT_AT, OPT_EXPIRY, OPT_PWFILE,
    OPT_PWENV, OPT_FORMAT, OPT_COMPACT, OPT_FAILON, OPT_COLOR, OPT_CRL, OPT_ONLINE, OPT_TIMEOUT,
    OPT_ALLOW_PRIVATE, OPT_SERVER, OPT_POLICY, OPT_EXPLICIT_POLICY, OPT_INHIBIT_MAPPING, OPT_INHIBIT_ANY,
    /* probe only */
    OPT_PROTOCOL, OPT_SNI, OPT_NO_SNI, OPT_CLIENT_CERT, OPT_CLIENT_KEY,
    /* check only */
    OPT_SAME, OPT_JOBS, OPT_PROGRESS, OPT_NO_PROGRESS,
};

#define COMMON_OPTIONS                                                                             \
    {"role", required_argument, NULL, 'r'},                                                        \
    {"fqdn", required_argument, NULL, OPT_FQDN},                                                   \
    {"pool", required_argument, NULL, OPT_POOL},                                                   \
    {"sip-domain", required_argument, NULL, OPT_SIP},                                              \
    {"simple-url", required_argument, NULL, OPT_URL},                                              \
    {"web-fqdn", required_argument, NULL, OPT_WEB},                                                \
    {"access-edge", required_argument, NULL, OPT_ACCESS},                                          \
    {"webconf-edge", required_argument, NULL, OPT_WEBCONF},                                        \
    {"xmpp-domain", required_argument, NULL, OPT_XMPP},                                            \
    {"product", required_argument, NULL, OPT_PRODUCT},                                             \
    {"topology", required_argument, NULL, OPT_TOPOLOGY},                                           \
    {"server", required_argument, NULL, OPT_SERVER},                                               \
    {"chain", required_argument, NULL, OPT_CHAIN},                                                 \
    {"trust", required_argument, NULL, OPT_TRUST},                                                 \
    {"public-roots", required_argument, NULL, OPT_PUBLIC},                                         \
    {"at", required_argument, NULL, OPT_AT},                                                       \
    {"expiry-warning", required_argument, NULL, OPT_EXPIRY},                                       \
    {"crl", required_argument, NULL, OPT_CRL},                                                     \
    {"online", no_argument, NULL, OPT_ONLINE},                                                     \
    {"allow-private-network", no_argument, NULL, OPT_ALLOW_PRIVATE},                               \
    {"timeout", required_argument, NULL, OPT_TIMEOUT},                                             \
    {"policy", required_argument, NULL, OPT_POLICY},                                               \
    {"require-explicit-policy", no_argument, NULL, OPT_EXPLICIT_POLICY},                           \
    {"inhibit-policy-mapping", no_argument, NULL, OPT_INHIBIT_MAPPING},                            \
    {"inhibit-any-policy", no_argument, NULL, OPT_INHIBIT_ANY},                                    \
    {"password-file", required_argument, NULL, OPT_PWFILE},                                        \
    {"password-env", required_argument, NULL, OPT_PWENV},                                          \
    {"format", required_argument, NULL, OPT_FORMAT},                                               \
    {"compact", no_argument, NULL, OPT_COMPACT},                                                   \
    {"fail-on", required_argument, NULL, OPT_FAILON},                                              \
    {"color", required_argument, NULL, OPT_COLOR},                                                 \
    {"verbose", no_argument, NULL, 'v'},                                                           \
    {"quiet", no_argument, NULL, 'q'},                                                             \
    {"help", no_argument, NULL, 'h'}

struct common_opts {
    const char *role, *topology_file, *server, *color, *product;
    ucp_output_format format;
    struct file_list chain, trust, public_roots, crls;
    struct file_list policies; /* --policy OIDs (the initial policy set) */
    bool explicit_policy, inhibit_mapping, inhibit_any;
    bool online;
    bool allow_private; /* --allow-private-network */
    long timeout; /* seconds, -1: default */
    struct {
        ucp_fact fact;
        const char *value;
    } facts[64];
    size_t nfacts;
    int64_t at;
    long expiry;
    bool compact, verbose, quiet;
    ucp_fail_on fail_on;
    bool all_servers; /* scan: every server of the document applies, none is selected */
};

void common_init(struct common_opts *o);
void common_dispose(struct common_opts *o);
/* Take option @c (getopt_long's value) of the shared set: 0 when taken, EXIT_USAGE (message
 * printed) when its argument is wrong, -1 when @c is not one of them. */
int common_option(struct common_opts *o, int c, const char *arg);
/* The role must be given and known: EXIT_PASS, or EXIT_USAGE with the message printed. */
int check_role(const struct common_opts *o);
/* The topology and the checker the options describe: EXIT_PASS, or EXIT_USAGE (message printed,
 * nothing allocated). --topology '-' reads standard input. */
int common_setup(const struct common_opts *o, ucp_topology **topo_out, ucp_checker **checker_out);
/* Append to a list: false when out of memory. */
bool file_list_push(struct file_list *l, const char *s);

/* ---- output.c ------------------------------------------------------------------------------- */

static inline int worst(int a, int b)
{
    return a > b ? a : b;
}

/* Whether text output is coloured (--format text, --color, NO_COLOR, TERM=dumb, stdout a
 * terminal). */
bool use_color(const struct common_opts *o);

/* The output of one run: every input's report or error entry, rendered by the library in the
 * --format asked and written to stdout as it comes; the exit status; the closing summary. With
 * one input and --format json the entry is the bare object (ucp_report_render,
 * ucp_input_error_render), else a ucp_renderer makes one document (a JSON array, one SARIF
 * log, ...). With --quiet nothing is rendered. */
struct output {
    const struct common_opts *o;
    ucp_renderer *renderer; /* NULL: --quiet, or one JSON object */
    unsigned flags;
    size_t inputs;
    int status; /* the worst exit status so far (ucp_report_exit_code; 3 for an input error) */
};
/* false (message printed, status EXIT_USAGE) when the renderer cannot be made. */
bool output_begin(struct output *out, const struct common_opts *o, size_t inputs);
/* A report: its entry, and its exit status under --fail-on. false when it could not be
 * rendered (message printed). */
bool output_report(struct output *out, const ucp_report *report);
/* An input that could not be read or checked: "ucpolicy: MESSAGE" on stderr and its entry
 * (not for a single input in text: the message says it all). */
bool output_error(struct output *out, const char *name, ucp_status code, const char *message);
/* The same with the calling thread's last error. */
bool output_last_error(struct output *out, const char *name);
/* The end of the document; with @summary, the renderer's summary line on stderr
 * ("ucpolicy: checked 300: 280 pass, 15 warning, 5 fail"). */
void output_end(struct output *out, bool summary);
void output_dispose(struct output *out);
/* Wipe the password and flush stdout: a report that could not be written is a usage error. */
int cli_finish(int status);

/* The progress line of a batch on stderr: "ucpolicy: 12/300 done, checking FILE", redrawn in
 * place with '\r' and cleared at the end. */
enum progress_mode { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };
struct progress_line {
    bool on;
    size_t total, done, drawn; /* drawn: the columns on screen, 0 when cleared */
    const char *current;      /* the file shown, or NULL */
};
/* On with --progress; with neither --progress nor --no-progress, for batches of more than one
 * file when stderr is a terminal and not --quiet. */
void progress_init(struct progress_line *p, enum progress_mode mode, bool quiet, size_t total);
/* Show @done of the total, and @current (or nothing) as the file being checked. */
void progress_update(struct progress_line *p, size_t done, const char *current);
/* Blank the line (before other output goes to the terminal, and at the end). */
void progress_clear(struct progress_line *p);

/* ---- commands (cmd-*.c) ------------------------------------------------------------------- */

int cmd_check(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_roles(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_plan(int argc, char **argv);

#endif /* UCPOLICY_CLI_PRIVATE_H */
