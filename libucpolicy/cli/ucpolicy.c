/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy: the command-line face of libucpolicy, built on the public API only.
 *
 *   ucpolicy check [options] FILE...    check certificates against a role
 *   ucpolicy probe [options] HOST[:PORT] check the certificate a live server presents
 *   ucpolicy roles [--format json]      list the roles
 *   ucpolicy rules [--role ROLE]        list the rules (of a role)
 *   ucpolicy version
 *
 * Exit status (the Nagios plugin convention): 0 pass, 1 warnings only, 2 any error
 * finding, 3 usage or input error (the message on stderr names the file and the problem).
 * probe: the same, 3 also when no certificate could be obtained from the server; a client
 * certificate the server rejected counts as an error finding (2), one whose fate the server's
 * answer does not tell, as a warning (1).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ucpolicy.h"

enum { EXIT_PASS = 0, EXIT_WARN = 1, EXIT_FAIL = 2, EXIT_USAGE = 3 };

static const char *prog = "ucpolicy";
static const char *command = "check"; /* for usage messages */

static void usage_main(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy COMMAND [OPTIONS]\n"
            "\n"
            "Check X.509 certificates against the certificate policies of Unified Communications\n"
            "server roles (Lync / Skype for Business Server, Exchange UM, Office Online Server,\n"
            "Teams Direct Routing SBCs).\n"
            "\n"
            "Commands:\n"
            "  check [OPTIONS] FILE...   check certificate files against a role\n"
            "  probe [OPTIONS] HOST[:PORT]  check what a live server presents (TLS, SMTP, SIP)\n"
            "  roles                     list the roles and the deployment facts they need\n"
            "  rules [--role ROLE]       list the rules, with severities and sources\n"
            "  version                   print the versions of libucpolicy and GnuTLS\n"
            "\n"
            "Run 'ucpolicy check --help' or 'ucpolicy probe --help' for their options.\n"
            "Exit status: 0 pass, 1 warnings only, 2 error findings, 3 usage or input error.\n");
}

/* The options check and probe share: facts, trust, time, revocation, password, output. */
static void usage_common(FILE *f, bool probe)
{
    fprintf(f,
            "Role and deployment facts:\n"
            "  -r, --role ROLE          role id or alias (see 'ucpolicy roles'), e.g. exchange-um\n"
            "      --fqdn FQDN          this server's FQDN (front end, UM server, SBC, OOS farm)\n"
            "      --pool FQDN          the pool FQDN\n"
            "      --sip-domain DOMAIN  a SIP domain (repeatable)\n"
            "      --simple-url URL     a simple URL or its host (repeatable)\n"
            "      --web-fqdn FQDN      the internal or external web services FQDN\n"
            "      --access-edge FQDN   the Access Edge external FQDN\n"
            "      --webconf-edge FQDN  the Web Conferencing Edge external FQDN\n"
            "      --xmpp-domain DOMAIN the XMPP federation domain\n"
            "      --product PRODUCT    lync2010, lync2013, sfb2015 or sfb2019 (default sfb2019)\n"
            "      --topology FILE      a JSON file with the same facts (options given win)\n"
            "\n"
            "Trust and time:\n"
            "      --chain FILE         untrusted intermediate certificates (repeatable, any order)\n"
            "      --trust FILE         trust anchors (repeatable; default: the system trust store)\n"
            "      --public-roots FILE  roots that count as public CAs (default: the system store)\n"
            "      --at TIME            validation time, ISO 8601 (2026-05-01, 2026-05-01T12:00:00Z)\n"
            "      --expiry-warning DAYS  warn this many days before expiry (default 30, 0: never)\n"
            "\n"
            "Revocation (not checked unless asked):\n"
            "      --crl FILE           certificate revocation lists, PEM or DER (repeatable)\n"
            "      --online             fetch CRLs (HTTP distribution points) and OCSP answers\n"
            "%s"
            "\n"
            "%s password (never given on the command line, so it stays out of ps and history):\n"
            "      --password-file FILE read it from the first line of FILE\n"
            "      --password-env VAR   read it from the environment variable VAR\n"
            "\n"
            "Output:\n"
            "      --format FORMAT      text (default) or json%s\n"
            "      --compact            one-line JSON\n"
            "      --fail-on LEVEL      lowest severity that fails: error, warning (default), info, never\n"
            "      --color WHEN         auto (default), always or never\n"
            "  -v, --verbose            text: source URLs, the role's wording and SHA-256\n"
            "  -q, --quiet              print nothing; the exit status tells\n"
            "  -h, --help               this help\n",
            probe ? "" : "      --timeout SECONDS    time limit of each network transfer (default 5)\n",
            probe ? "Client certificate (PKCS#12 or encrypted key)" : "PKCS#12",
            probe ? "" : "; several FILEs give a JSON array");
}

static void usage_check(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy check --role ROLE [OPTIONS] FILE...\n"
            "\n"
            "Check each FILE (PEM, DER, PKCS#7 or PKCS#12; leaf first, then its chain) against ROLE.\n"
            "\n");
    usage_common(f, false);
    fprintf(f,
            "\n"
            "Pools (Edge pool interfaces, A/V Authentication, OAuth):\n"
            "      --same-certificate   the FILEs are the certificate and key of each server of one\n"
            "                           pool (e.g. the PFX exported on each): the first FILE's report\n"
            "                           also compares every FILE with it (same certificate, same key);\n"
            "                           each other FILE is then checked on its own\n"
            "\n"
            "Batches:\n"
            "  -j, --jobs N             check N FILEs at a time (default 1; 0: one per CPU), sharing\n"
            "                           trust, intermediates and verified signatures; the output is\n"
            "                           the same as with one, in the order of the FILEs\n");
}

static void usage_probe(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy probe --role ROLE [OPTIONS] HOST[:PORT]\n"
            "\n"
            "Connect to HOST (a name, an IPv4 address or a bracketed IPv6 address), take the certificate\n"
            "chain the server presents in the TLS handshake, and check it against ROLE as 'check' checks\n"
            "a file: the server's leaf, then the certificates it sent (one it did not send is missing).\n"
            "With a client certificate, report whether the server accepted it: the TLS alert, or for SIP\n"
            "the answer to an OPTIONS request (e.g. 403 with ms-diagnostics), as Lync / Skype for\n"
            "Business answers an Exchange UM server whose certificate names no configured peer.\n"
            "\n"
            "Connection:\n"
            "      --protocol PROTO     tls (default; HTTPS, SIP-TLS without a request), smtp (STARTTLS)\n"
            "                           or sip (TLS, then SIP OPTIONS)\n"
            "                           default ports: tls 443, smtp 25, sip 5061\n"
            "      --sni NAME           the TLS server name to send (default: HOST unless an address)\n"
            "      --no-sni             send no server name\n"
            "      --timeout SECONDS    time limit of the whole connection (default 10); also of each\n"
            "                           revocation transfer with --online\n"
            "      --client-cert FILE   present this client certificate: PKCS#12, or PEM/DER with --client-key\n"
            "      --client-key FILE    the client certificate's private key (PEM or DER)\n"
            "\n");
    usage_common(f, true);
    fprintf(f,
            "\n"
            "Exit status: 0 pass, 1 warnings (or a client certificate whose fate the server's answer does\n"
            "not tell), 2 error findings or a client certificate the server rejected, 3 usage error or no\n"
            "certificate obtained (connection refused, timeout, not TLS).\n");
}

__attribute__((format(printf, 1, 2), noreturn)) static void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ucpolicy %s --help'.\n", command);
    va_end(ap);
    exit(EXIT_USAGE);
}

static void print_error(void)
{
    const ucp_error *e = ucp_error_last();
    fprintf(stderr, "%s: %s\n", prog, e ? ucp_error_message(e) : "unknown error");
}

/* ---- time ------------------------------------------------------------------------------- */

static bool parse_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

/* ISO 8601: YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH[:]MM]; also @UNIXSECONDS. */
static bool parse_time(const char *s, int64_t *out)
{
    if (*s == '@') {
        char *end;
        errno = 0;
        long long v = strtoll(s + 1, &end, 10);
        if (errno || end == s + 1 || *end)
            return false;
        *out = v;
        return true;
    }
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!parse_digits(&p, 4, &y) || *p++ != '-' || !parse_digits(&p, 2, &mo) || *p++ != '-' ||
        !parse_digits(&p, 2, &d))
        return false;
    int64_t offset = 0;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!parse_digits(&p, 2, &h) || *p++ != ':' || !parse_digits(&p, 2, &mi))
            return false;
        if (*p == ':') {
            p++;
            if (!parse_digits(&p, 2, &se))
                return false;
            if (*p == '.' || *p == ',') {
                p++;
                while (*p >= '0' && *p <= '9')
                    p++;
            }
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!parse_digits(&p, 2, &oh))
                return false;
            if (*p == ':')
                p++;
            if (*p && !parse_digits(&p, 2, &om))
                return false;
            offset = sign * ((int64_t)oh * 3600 + om * 60);
        }
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
        return false;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    time_t t = timegm(&tm);
    struct tm back;
    if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d)
        return false; /* e.g. 2026-02-30 */
    *out = (int64_t)t - offset;
    return true;
}

/* ---- password --------------------------------------------------------------------------- */

/* The password lives in one buffer, wiped on every exit path (atexit) and never printed. */
static char *password;
static size_t password_len;

static void wipe_password(void)
{
    if (password) {
        explicit_bzero(password, password_len);
        free(password);
        password = NULL;
    }
}

static void set_password(const char *value, size_t len)
{
    wipe_password();
    password = malloc(len + 1);
    if (!password) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_USAGE);
    }
    memcpy(password, value, len);
    password[len] = '\0';
    password_len = len + 1;
}

static void read_password_file(const char *path)
{
    /* open/read, not stdio: a FILE's buffer is malloc'd and freed without being wiped, which
     * would leave the password in the heap. */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "%s: %s: cannot read the password file: %s\n", prog, path, strerror(errno));
        exit(EXIT_USAGE);
    }
    char buf[4096];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    size_t len = 0;
    while (len < n && buf[len] != '\n' && buf[len] != '\r')
        len++;
    set_password(buf, len);
    explicit_bzero(buf, sizeof buf);
}

/* ---- check ------------------------------------------------------------------------------ */

enum fail_on { FAIL_ON_ERROR, FAIL_ON_WARNING, FAIL_ON_INFO, FAIL_ON_NEVER };

struct file_list {
    const char **v;
    size_t n;
};

static void push(struct file_list *l, const char *s)
{
    const char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_USAGE);
    }
    l->v = v;
    v[l->n++] = s;
}

static int exit_for(const ucp_report *r, enum fail_on fail_on)
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

static int worst(int a, int b)
{
    return a > b ? a : b;
}

static bool add_inputs(ucp_checker *checker, const struct file_list *files,
                       ucp_status (*add)(ucp_checker *, const ucp_input *))
{
    for (size_t i = 0; i < files->n; i++) {
        ucp_input *in = NULL;
        if (ucp_input_from_file(&in, files->v[i], NULL) != UCP_OK || add(checker, in) != UCP_OK) {
            ucp_input_free(in); /* the caller reports the error, once */
            return false;
        }
        ucp_input_free(in);
    }
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

/* A JSON entry for a file that could not be read, so a JSON array keeps one entry per FILE:
 * @code and @message are the error's (ucp_error_code / ucp_error_message). */
static void json_input_error_of(FILE *out, const char *name, ucp_status code, const char *message, bool last,
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
        if (!esc[k])
            exit(EXIT_USAGE);
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
}

/* The same for the calling thread's last error. */
static void json_input_error(FILE *out, const char *name, bool last, bool pretty)
{
    const ucp_error *e = ucp_error_last();
    json_input_error_of(out, name, e ? ucp_error_code(e) : UCP_E_INTERNAL, e ? ucp_error_message(e) : "", last,
                        pretty);
}

/* The options check and probe share, parsed into one place. */
enum {
    OPT_FQDN = 256, OPT_POOL, OPT_SIP, OPT_URL, OPT_WEB, OPT_ACCESS, OPT_WEBCONF, OPT_XMPP,
    OPT_PRODUCT, OPT_TOPOLOGY, OPT_CHAIN, OPT_TRUST, OPT_PUBLIC, OPT_AT, OPT_EXPIRY, OPT_PWFILE,
    OPT_PWENV, OPT_FORMAT, OPT_COMPACT, OPT_FAILON, OPT_COLOR, OPT_CRL, OPT_ONLINE, OPT_TIMEOUT,
    /* probe only */
    OPT_PROTOCOL, OPT_SNI, OPT_NO_SNI, OPT_CLIENT_CERT, OPT_CLIENT_KEY,
    /* check only */
    OPT_SAME, OPT_JOBS,
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
    {"chain", required_argument, NULL, OPT_CHAIN},                                                 \
    {"trust", required_argument, NULL, OPT_TRUST},                                                 \
    {"public-roots", required_argument, NULL, OPT_PUBLIC},                                         \
    {"at", required_argument, NULL, OPT_AT},                                                       \
    {"expiry-warning", required_argument, NULL, OPT_EXPIRY},                                       \
    {"crl", required_argument, NULL, OPT_CRL},                                                     \
    {"online", no_argument, NULL, OPT_ONLINE},                                                     \
    {"timeout", required_argument, NULL, OPT_TIMEOUT},                                             \
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
    const char *role, *topology_file, *format, *color, *product;
    struct file_list chain, trust, public_roots, crls;
    bool online;
    long timeout; /* seconds, -1: default */
    struct {
        ucp_fact fact;
        const char *value;
    } facts[64];
    size_t nfacts;
    int64_t at;
    long expiry;
    bool compact, verbose, quiet;
    enum fail_on fail_on;
};

static void common_init(struct common_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = "text";
    o->color = "auto";
    o->timeout = -1;
    o->at = UCP_TIME_NOW;
    o->expiry = -1;
    o->fail_on = FAIL_ON_WARNING;
}

static void common_dispose(struct common_opts *o)
{
    free(o->chain.v);
    free(o->trust.v);
    free(o->public_roots.v);
    free(o->crls.v);
}

/* Take one option of the shared set; false when @c is not one of them. */
static bool common_option(struct common_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'r': o->role = arg; return true;
    case OPT_FQDN: case OPT_POOL: case OPT_SIP: case OPT_URL: case OPT_WEB: case OPT_ACCESS:
    case OPT_WEBCONF: case OPT_XMPP: {
        static const ucp_fact map[] = {UCP_FACT_FQDN, UCP_FACT_POOL, UCP_FACT_SIP_DOMAIN,
                                       UCP_FACT_SIMPLE_URL, UCP_FACT_WEB_FQDN, UCP_FACT_ACCESS_EDGE,
                                       UCP_FACT_WEBCONF_EDGE, UCP_FACT_XMPP_DOMAIN};
        if (o->nfacts == sizeof o->facts / sizeof o->facts[0])
            die_usage("too many deployment facts");
        o->facts[o->nfacts].fact = map[c - OPT_FQDN];
        o->facts[o->nfacts].value = arg;
        o->nfacts++;
        return true;
    }
    case OPT_PRODUCT: o->product = arg; return true;
    case OPT_TOPOLOGY: o->topology_file = arg; return true;
    case OPT_CHAIN: push(&o->chain, arg); return true;
    case OPT_TRUST: push(&o->trust, arg); return true;
    case OPT_PUBLIC: push(&o->public_roots, arg); return true;
    case OPT_AT:
        if (!parse_time(arg, &o->at))
            die_usage("--at: '%s' is not an ISO 8601 date or time (e.g. 2026-05-01 or 2026-05-01T12:00:00Z)", arg);
        return true;
    case OPT_EXPIRY: {
        char *end;
        errno = 0;
        o->expiry = strtol(arg, &end, 10);
        if (errno || *end || o->expiry < 0 || o->expiry > 3650)
            die_usage("--expiry-warning: '%s' is not a number of days between 0 and 3650", arg);
        return true;
    }
    case OPT_CRL: push(&o->crls, arg); return true;
    case OPT_ONLINE: o->online = true; return true;
    case OPT_TIMEOUT: {
        char *end;
        errno = 0;
        o->timeout = strtol(arg, &end, 10);
        if (errno || *end || o->timeout < 1 || o->timeout > 600)
            die_usage("--timeout: '%s' is not a number of seconds between 1 and 600", arg);
        return true;
    }
    case OPT_PWFILE: read_password_file(arg); return true;
    case OPT_PWENV: {
        const char *v = getenv(arg);
        if (!v)
            die_usage("--password-env: the environment variable '%s' is not set", arg);
        set_password(v, strlen(v));
        return true;
    }
    case OPT_FORMAT:
        if (strcmp(arg, "text") != 0 && strcmp(arg, "json") != 0)
            die_usage("--format: '%s' is not text or json", arg);
        o->format = arg;
        return true;
    case OPT_COMPACT: o->compact = true; return true;
    case OPT_FAILON:
        if (strcmp(arg, "error") == 0)
            o->fail_on = FAIL_ON_ERROR;
        else if (strcmp(arg, "warning") == 0)
            o->fail_on = FAIL_ON_WARNING;
        else if (strcmp(arg, "info") == 0)
            o->fail_on = FAIL_ON_INFO;
        else if (strcmp(arg, "never") == 0)
            o->fail_on = FAIL_ON_NEVER;
        else
            die_usage("--fail-on: '%s' is not error, warning, info or never", arg);
        return true;
    case OPT_COLOR:
        if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 && strcmp(arg, "never") != 0)
            die_usage("--color: '%s' is not auto, always or never", arg);
        o->color = arg;
        return true;
    case 'v': o->verbose = true; return true;
    case 'q': o->quiet = true; return true;
    }
    return false;
}

/* The role must be given and known; the usage error otherwise. */
static int check_role(const struct common_opts *o)
{
    if (!o->role)
        die_usage("%s: --role is required (see 'ucpolicy roles')", command);
    if (!ucp_role_find(o->role)) {
        fprintf(stderr, "%s: unknown role '%s'; run 'ucpolicy roles' for the list\n", prog, o->role);
        return EXIT_USAGE;
    }
    return EXIT_PASS;
}

/* The topology and the checker from the shared options; EXIT_USAGE (message printed) on failure. */
static int common_setup(const struct common_opts *o, ucp_topology **topo_out, ucp_checker **checker_out)
{
    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    *topo_out = NULL;
    *checker_out = NULL;
    if (ucp_topology_new(&topo) != UCP_OK || ucp_checker_new(&checker) != UCP_OK)
        goto usage_error;
    if (o->topology_file && ucp_topology_load_file(topo, o->topology_file) != UCP_OK)
        goto usage_error;
    /* Options given on the command line replace the topology file's values of the same fact. */
    bool seen[UCP_FACT_COUNT] = {false};
    for (size_t i = 0; i < o->nfacts; i++) {
        ucp_fact f = o->facts[i].fact;
        ucp_status st = seen[f] ? ucp_topology_add(topo, f, o->facts[i].value)
                                : ucp_topology_set(topo, f, o->facts[i].value);
        seen[f] = true;
        if (st != UCP_OK) {
            fprintf(stderr, "%s: --%s: %s\n", prog, ucp_fact_name(f), ucp_error_message(ucp_error_last()));
            goto fail;
        }
    }
    if (o->product) {
        ucp_product p;
        if (ucp_product_from_name(&p, o->product) != UCP_OK)
            goto usage_error;
        ucp_topology_set_product(topo, p);
    }
    if (!add_inputs(checker, &o->chain, ucp_checker_add_intermediates) ||
        !add_inputs(checker, &o->trust, ucp_checker_add_trust) ||
        !add_inputs(checker, &o->public_roots, ucp_checker_add_public_roots))
        goto usage_error;
    for (size_t i = 0; i < o->crls.n; i++) {
        if (ucp_checker_add_crl_file(checker, o->crls.v[i]) != UCP_OK)
            goto usage_error;
    }
    ucp_checker_set_online(checker, o->online);
    if (o->timeout > 0)
        ucp_checker_set_network_timeout(checker, (unsigned)o->timeout * 1000u);
    ucp_checker_set_time(checker, o->at);
    if (o->expiry >= 0)
        ucp_checker_set_expiry_warning_days(checker, (unsigned)o->expiry);
    *topo_out = topo;
    *checker_out = checker;
    return EXIT_PASS;
usage_error:
    print_error();
fail:
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    return EXIT_USAGE;
}

static bool use_color(const struct common_opts *o)
{
    return strcmp(o->color, "always") == 0 ||
           (strcmp(o->color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
            !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0));
}

/* Render one report as the options say into @buf; false when it cannot be (the calling thread's
 * error says why). @color: use_color(o), decided once. */
static bool render_report(const struct common_opts *o, bool color, const ucp_report *report, ucp_buffer *buf)
{
    bool json = strcmp(o->format, "json") == 0;
    ucp_status st = json ? ucp_report_to_json(report, o->compact ? UCP_RENDER_DEFAULT : UCP_RENDER_PRETTY, buf)
                         : ucp_report_to_text(report,
                                              (color ? UCP_RENDER_COLOR : 0) | (o->verbose ? UCP_RENDER_VERBOSE : 0),
                                              buf);
    return st == UCP_OK;
}

/* Print one report as the options say; false when it could not be rendered (message printed). */
static bool print_report(const struct common_opts *o, const ucp_report *report)
{
    ucp_buffer buf = {NULL, 0};
    if (!render_report(o, use_color(o), report, &buf)) {
        print_error();
        return false;
    }
    fwrite(buf.data, 1, buf.size, stdout);
    ucp_buffer_dispose(&buf);
    return true;
}

static int finish(int status)
{
    wipe_password();
    if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: cannot write the report: %s\n", prog, strerror(errno));
        status = EXIT_USAGE;
    }
    return status;
}

/* What checking one FILE gives: everything its output needs, so that a worker thread can check
 * and render while the main thread prints the results in the order of the FILEs. */
struct file_result {
    bool failed;         /* reading or checking failed: error_code, error_message */
    bool render_failed;  /* the report could not be rendered: error_message */
    ucp_status error_code;
    char *error_message; /* NULL: no error recorded */
    int exit;            /* exit_for() of the report */
    ucp_buffer out;      /* the rendered report (nothing when --quiet) */
    bool done;           /* under the batch's lock */
};

struct check_batch {
    const struct common_opts *o;
    ucp_checker *checker;
    const ucp_topology *topo;
    char **files;
    size_t n;
    ucp_input **pool; /* --same-certificate: the inputs, read beforehand */
    bool color;
    /* parallel runs (--jobs): a window of slots, file k in slot k % window. The thread that
     * completes the next file to print prints it and every completed file after it (one
     * printer at a time: 'printing'), so no thread waits for the output and output stays in
     * order. Under 'lock': next, printed, printing, waiting, and each slot's done flag. */
    pthread_mutex_t lock;
    pthread_cond_t room;
    size_t next, printed, window, waiting;
    bool printing;
    int status; /* written by the printing thread only */
    struct file_result *slots;
};

static void record_error(struct file_result *r)
{
    const ucp_error *e = ucp_error_last();
    r->error_code = e ? ucp_error_code(e) : UCP_E_INTERNAL;
    r->error_message = e ? strdup(ucp_error_message(e)) : NULL;
}

/* Check FILE number @k into @r (any thread). */
static void check_file(const struct check_batch *b, size_t k, struct file_result *r)
{
    const struct common_opts *o = b->o;
    ucp_input *in = NULL;
    ucp_report *report = NULL;
    ucp_status cst = b->pool ? UCP_OK : ucp_input_from_file(&in, b->files[k], password);
    if (cst == UCP_OK)
        cst = b->pool && k == 0
                  ? ucp_checker_check_pool(b->checker, (const ucp_input *const *)b->pool, b->n, o->role, b->topo,
                                           &report)
                  : ucp_checker_check(b->checker, b->pool ? b->pool[k] : in, o->role, b->topo, &report);
    if (cst != UCP_OK) {
        r->failed = true;
        record_error(r);
    } else {
        r->exit = exit_for(report, o->fail_on);
        if (!o->quiet && !render_report(o, b->color, report, &r->out)) {
            r->render_failed = true;
            record_error(r);
        }
    }
    ucp_report_free(report);
    ucp_input_free(in);
}

/* Print the result of FILE number @k (main thread, in order) and release it; returns the new
 * exit status. The output is what the serial loop always printed. */
static int print_file(const struct check_batch *b, size_t k, struct file_result *r, int status)
{
    const struct common_opts *o = b->o;
    bool json = strcmp(o->format, "json") == 0, several = b->n > 1, last = k == b->n - 1;
    if (r->failed) {
        fprintf(stderr, "%s: %s\n", prog, r->error_message ? r->error_message : "unknown error");
        if (json && !o->quiet) {
            json_input_error_of(stdout, b->files[k], r->error_code, r->error_message ? r->error_message : "",
                                !several || last, !o->compact);
            if (!(o->compact && several))
                fputc('\n', stdout);
        }
        status = worst(status, EXIT_USAGE);
    } else {
        status = worst(status, r->exit);
        if (r->render_failed) {
            fprintf(stderr, "%s: %s\n", prog, r->error_message ? r->error_message : "unknown error");
            status = worst(status, EXIT_USAGE);
        } else if (!o->quiet) {
            fwrite(r->out.data, 1, r->out.size, stdout);
            if (json && several && !last)
                fputc(',', stdout);
            /* --compact keeps a JSON array of several reports on one line. */
            if (json ? !(o->compact && several) : !last)
                fputc('\n', stdout);
        }
    }
    free(r->error_message);
    ucp_buffer_dispose(&r->out);
    memset(r, 0, sizeof *r);
    return status;
}

static void *check_worker(void *arg)
{
    struct check_batch *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (b->next < b->n && b->next >= b->printed + b->window) {
            b->waiting++;
            pthread_cond_wait(&b->room, &b->lock);
            b->waiting--;
        }
        if (b->next >= b->n)
            break;
        size_t k = b->next++;
        struct file_result *r = &b->slots[k % b->window];
        pthread_mutex_unlock(&b->lock);
        check_file(b, k, r);
        pthread_mutex_lock(&b->lock);
        r->done = true;
        /* Print what is now printable, unless another thread is printing (it will see this
         * file done when it checks again after its current one). */
        while (!b->printing && b->printed < b->n && b->slots[b->printed % b->window].done) {
            size_t p = b->printed;
            b->printing = true;
            pthread_mutex_unlock(&b->lock);
            b->status = print_file(b, p, &b->slots[p % b->window], b->status); /* clears the slot */
            pthread_mutex_lock(&b->lock);
            b->printed = p + 1;
            b->printing = false;
            if (b->waiting)
                pthread_cond_broadcast(&b->room);
        }
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* Check every FILE, on @jobs threads when more than one; print in order. Returns the status. */
static int check_files(struct check_batch *b, long jobs, int status)
{
    size_t threads = jobs > 1 && !b->pool ? (size_t)jobs : 1;
    if (threads > b->n)
        threads = b->n;
    if (threads <= 1) {
        for (size_t k = 0; k < b->n; k++) {
            struct file_result r;
            memset(&r, 0, sizeof r);
            check_file(b, k, &r);
            status = print_file(b, k, &r, status);
        }
        return status;
    }
    /* Workers run at most a window ahead of the output: memory stays bounded by the window,
     * not by the number of FILEs. This thread is one of the workers. */
    b->window = threads * 32;
    b->slots = calloc(b->window, sizeof *b->slots);
    pthread_t *tids = calloc(threads - 1, sizeof *tids);
    if (!b->slots || !tids) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(EXIT_USAGE);
    }
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->room, NULL);
    b->status = status;
    size_t started = 0;
    for (; started < threads - 1; started++)
        if (pthread_create(&tids[started], NULL, check_worker, b) != 0)
            break; /* fewer helpers: this thread still checks whatever is left */
    check_worker(b);
    for (size_t i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    pthread_cond_destroy(&b->room);
    pthread_mutex_destroy(&b->lock);
    free(tids);
    free(b->slots);
    return b->status;
}

static int cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        COMMON_OPTIONS,
        {"same-certificate", no_argument, NULL, OPT_SAME},
        {"jobs", required_argument, NULL, 'j'},
        {NULL, 0, NULL, 0},
    };
    bool same_certificate = false;
    long jobs = 1;
    struct common_opts o;
    common_init(&o);
    command = "check";
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:vqhj:", opts, NULL)) != -1) {
        if (common_option(&o, c, optarg))
            continue;
        if (c == OPT_SAME) {
            same_certificate = true;
            continue;
        }
        if (c == 'j') {
            char *end;
            errno = 0;
            jobs = strtol(optarg, &end, 10);
            if (errno || *end || end == optarg || jobs < 0 || jobs > 256)
                die_usage("--jobs: '%s' is not a number of files between 0 (one per CPU) and 256", optarg);
            if (jobs == 0) {
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                jobs = cpus > 0 ? (cpus > 256 ? 256 : cpus) : 1;
            }
            continue;
        }
        if (c == 'h') {
            usage_check(stdout);
            common_dispose(&o);
            return EXIT_PASS;
        }
        fprintf(stderr, "Try 'ucpolicy check --help'.\n");
        common_dispose(&o);
        return EXIT_USAGE;
    }
    if (!o.role)
        die_usage("check: --role is required (see 'ucpolicy roles')");
    if (optind >= argc)
        die_usage("check: no certificate file given");
    if (same_certificate && argc - optind < 2)
        die_usage("check: --same-certificate compares two or more FILEs, one per server of the pool");
    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    int status = check_role(&o);
    if (status == EXIT_PASS)
        status = common_setup(&o, &topo, &checker);
    if (status != EXIT_PASS) {
        common_dispose(&o);
        return finish(status);
    }
    bool json = strcmp(o.format, "json") == 0;
    bool several = argc - optind > 1;
    struct check_batch batch;
    memset(&batch, 0, sizeof batch);
    batch.o = &o;
    batch.checker = checker;
    batch.topo = topo;
    batch.files = argv + optind;
    batch.n = (size_t)(argc - optind);
    batch.color = use_color(&o);
    /* A pool check needs every file: read them all first (a file that cannot be read stops it). */
    size_t npool = same_certificate ? batch.n : 0;
    ucp_input **pool = npool ? calloc(npool, sizeof *pool) : NULL;
    if (npool && !pool) {
        fprintf(stderr, "%s: out of memory\n", prog);
        status = EXIT_USAGE;
        goto out_pool;
    }
    for (size_t k = 0; k < npool; k++) {
        if (ucp_input_from_file(&pool[k], batch.files[k], password) != UCP_OK) {
            print_error();
            status = EXIT_USAGE;
            goto out_pool;
        }
    }
    batch.pool = pool;
    if (json && several && !o.quiet)
        fputs(o.compact ? "[" : "[\n", stdout);
    status = check_files(&batch, jobs, status);
    if (json && several && !o.quiet)
        fputs("]\n", stdout);
out_pool:
    for (size_t k = 0; k < npool; k++)
        ucp_input_free(pool[k]);
    free(pool);
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    common_dispose(&o);
    return finish(status);
}

/* ---- probe ------------------------------------------------------------------------------ */

/* HOST[:PORT], [IPV6][:PORT] or a bare IPv6 address; the port defaults by protocol. */
static void parse_target(const char *arg, unsigned default_port, char *host, size_t hsize, unsigned *port)
{
    const char *colon = NULL;
    size_t hlen;
    if (arg[0] == '[') {
        const char *close = strchr(arg, ']');
        if (!close || (close[1] && close[1] != ':'))
            die_usage("probe: '%s' is not HOST[:PORT] (an IPv6 address goes in brackets: [::1]:5061)", arg);
        hlen = (size_t)(close - arg - 1);
        memmove(host, arg + 1, hlen < hsize ? hlen : 0);
        colon = close[1] ? close + 1 : NULL;
    } else {
        colon = strchr(arg, ':');
        if (colon && strchr(colon + 1, ':'))
            colon = NULL; /* a bare IPv6 address */
        hlen = colon ? (size_t)(colon - arg) : strlen(arg);
        memmove(host, arg, hlen < hsize ? hlen : 0);
    }
    if (hlen == 0 || hlen >= hsize)
        die_usage("probe: '%s' is not HOST[:PORT]", arg);
    host[hlen] = '\0';
    *port = default_port;
    if (colon) {
        char *end;
        errno = 0;
        long v = strtol(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || v < 1 || v > 65535)
            die_usage("probe: the port in '%s' is not a number between 1 and 65535", arg);
        *port = (unsigned)v;
    }
}

/* The probe's exit status: the findings as for check, and the server's verdict on the client
 * certificate: rejected is an error (the failure of the incident), unknown a warning. */
static int probe_exit(const ucp_report *r, enum fail_on fail_on)
{
    int status = exit_for(r, fail_on);
    if (fail_on == FAIL_ON_NEVER)
        return status;
    ucp_client_auth v = ucp_report_connection_client_auth(r);
    if (v == UCP_CLIENT_AUTH_REJECTED)
        return EXIT_FAIL;
    if (v == UCP_CLIENT_AUTH_UNKNOWN && ucp_report_connection_client_cert_sent(r) && fail_on != FAIL_ON_ERROR)
        return worst(status, EXIT_WARN);
    return status;
}

static int cmd_probe(int argc, char **argv)
{
    static const struct option opts[] = {
        COMMON_OPTIONS,
        {"protocol", required_argument, NULL, OPT_PROTOCOL},
        {"sni", required_argument, NULL, OPT_SNI},
        {"no-sni", no_argument, NULL, OPT_NO_SNI},
        {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
        {"client-key", required_argument, NULL, OPT_CLIENT_KEY},
        {NULL, 0, NULL, 0},
    };
    struct common_opts o;
    common_init(&o);
    command = "probe";
    ucp_probe_protocol protocol = UCP_PROBE_TLS;
    const char *sni = NULL, *client_cert = NULL, *client_key = NULL;
    bool no_sni = false;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:vqh", opts, NULL)) != -1) {
        if (common_option(&o, c, optarg))
            continue;
        switch (c) {
        case OPT_PROTOCOL:
            if (ucp_probe_protocol_from_name(&protocol, optarg) != UCP_OK)
                die_usage("--protocol: '%s' is not tls, smtp or sip", optarg);
            break;
        case OPT_SNI: sni = optarg; break;
        case OPT_NO_SNI: no_sni = true; break;
        case OPT_CLIENT_CERT: client_cert = optarg; break;
        case OPT_CLIENT_KEY: client_key = optarg; break;
        case 'h':
            usage_probe(stdout);
            common_dispose(&o);
            return EXIT_PASS;
        default:
            fprintf(stderr, "Try 'ucpolicy probe --help'.\n");
            common_dispose(&o);
            return EXIT_USAGE;
        }
    }
    if (!o.role)
        die_usage("probe: --role is required (see 'ucpolicy roles')");
    if (optind >= argc)
        die_usage("probe: no HOST[:PORT] given");
    if (argc - optind > 1)
        die_usage("probe: one HOST[:PORT] at a time ('%s' is one too many)", argv[optind + 1]);
    if (sni && no_sni)
        die_usage("probe: --sni and --no-sni exclude each other");
    if (client_key && !client_cert)
        die_usage("probe: --client-key needs --client-cert");
    static const unsigned default_ports[] = {443, 25, 5061};
    char host[300];
    unsigned port;
    const char *target = argv[optind];
    parse_target(target, default_ports[protocol], host, sizeof host, &port);

    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    ucp_probe *probe = NULL;
    ucp_report *report = NULL;
    int status = check_role(&o);
    if (status == EXIT_PASS)
        status = common_setup(&o, &topo, &checker);
    if (status == EXIT_PASS &&
        (ucp_probe_new(&probe, host, port) != UCP_OK || ucp_probe_set_protocol(probe, protocol) != UCP_OK ||
         ((sni || no_sni) && ucp_probe_set_server_name(probe, no_sni ? NULL : sni) != UCP_OK) ||
         (o.timeout > 0 && ucp_probe_set_timeout(probe, (unsigned)o.timeout * 1000u) != UCP_OK) ||
         (client_cert && ucp_probe_set_client_credentials(probe, client_cert, client_key, password) != UCP_OK))) {
        print_error();
        status = EXIT_USAGE;
    }
    wipe_password(); /* loaded into the probe: the CLI needs it no more */
    if (status == EXIT_PASS) {
        if (ucp_probe_run(probe, checker, o.role, topo, &report) != UCP_OK) {
            /* No certificate from the server: nothing to judge, a usage/connection error. */
            print_error();
            if (strcmp(o.format, "json") == 0 && !o.quiet) {
                json_input_error(stdout, target, true, !o.compact);
                fputc('\n', stdout);
            }
            status = EXIT_USAGE;
        } else {
            status = probe_exit(report, o.fail_on);
            if (!o.quiet) {
                if (!print_report(&o, report))
                    status = EXIT_USAGE;
                else
                    fputc('\n', stdout);
            }
        }
    }
    ucp_report_free(report);
    ucp_probe_free(probe);
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    common_dispose(&o);
    return finish(status);
}

/* ---- roles / rules ---------------------------------------------------------------------- */

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_refs(FILE *f, size_t n, const ucp_reference *(*at)(const void *, size_t), const void *obj)
{
    fputs("[", f);
    for (size_t i = 0; i < n; i++) {
        const ucp_reference *r = at(obj, i);
        fputs(i ? ", {\"key\": " : "{\"key\": ", f);
        json_string(f, ucp_reference_key(r));
        fputs(", \"title\": ", f);
        json_string(f, ucp_reference_title(r));
        fputs(", \"url\": ", f);
        json_string(f, ucp_reference_url(r));
        fputs("}", f);
    }
    fputs("]", f);
}

static const ucp_reference *role_rule_ref(const void *rr, size_t i)
{
    return ucp_role_rule_reference_at(rr, i);
}

static int parse_list_opts(int argc, char **argv, bool *json, const char **role, const char **product,
                           void (*usage)(FILE *))
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"role", required_argument, NULL, 'r'},
        {"product", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "%s: --format: '%s' is not text or json\n", prog, optarg);
                return EXIT_USAGE;
            }
            *json = strcmp(optarg, "json") == 0;
            break;
        case 'r':
            if (!role)
                goto bad;
            *role = optarg;
            break;
        case 'p':
            if (!product)
                goto bad;
            *product = optarg;
            break;
        case 'h': usage(stdout); return -1;
        default: goto bad;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
        return EXIT_USAGE;
    }
    return EXIT_PASS;
bad:
    usage(stderr);
    return EXIT_USAGE;
}

static void usage_roles(FILE *f)
{
    fprintf(f, "Usage: ucpolicy roles [--format text|json]\n\nList the roles, their aliases and the deployment facts they need.\n");
}

static void usage_rules(FILE *f)
{
    fprintf(f, "Usage: ucpolicy rules [--role ROLE] [--product PRODUCT] [--format text|json]\n\n"
               "List every rule, or the rules of ROLE with their severities for PRODUCT (default sfb2019).\n");
}

static int cmd_roles(int argc, char **argv)
{
    bool json = false;
    int st = parse_list_opts(argc, argv, &json, NULL, NULL, usage_roles);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    if (json)
        fputs("[\n", stdout);
    for (size_t i = 0; i < ucp_role_count(); i++) {
        const ucp_role *r = ucp_role_at(i);
        if (json) {
            fputs("  {\"id\": ", stdout);
            json_string(stdout, ucp_role_id(r));
            fputs(", \"title\": ", stdout);
            json_string(stdout, ucp_role_title(r));
            fputs(", \"description\": ", stdout);
            json_string(stdout, ucp_role_description(r));
            fputs(", \"aliases\": [", stdout);
            for (size_t k = 0; k < ucp_role_alias_count(r); k++) {
                if (k)
                    fputs(", ", stdout);
                json_string(stdout, ucp_role_alias_at(r, k));
            }
            fputs("], \"products\": [", stdout);
            bool first = true;
            for (int p = UCP_PRODUCT_LYNC2010; p <= UCP_PRODUCT_SFB2019; p++) {
                if (!ucp_role_in_product(r, (ucp_product)p))
                    continue;
                fputs(first ? "" : ", ", stdout);
                json_string(stdout, ucp_product_name((ucp_product)p));
                first = false;
            }
            for (int kind = 0; kind < 2; kind++) {
                fputs(kind ? "], \"optionalFacts\": [" : "], \"requiredFacts\": [", stdout);
                first = true;
                for (int f = 0; f < UCP_FACT_COUNT; f++) {
                    bool req = ucp_role_requires_fact(r, (ucp_fact)f);
                    if (!(kind ? (!req && ucp_role_uses_fact(r, (ucp_fact)f)) : req))
                        continue;
                    fputs(first ? "" : ", ", stdout);
                    json_string(stdout, ucp_fact_name((ucp_fact)f));
                    first = false;
                }
            }
            fprintf(stdout, "], \"ruleCount\": %zu}%s\n", ucp_role_rule_count(r),
                    i + 1 < ucp_role_count() ? "," : "");
            continue;
        }
        printf("%-26s %s\n", ucp_role_id(r), ucp_role_title(r));
        if (ucp_role_alias_count(r)) {
            printf("%-26s aliases:", "");
            for (size_t k = 0; k < ucp_role_alias_count(r); k++)
                printf("%s %s", k ? "," : "", ucp_role_alias_at(r, k));
            putchar('\n');
        }
        bool any = false;
        for (int f = 0; f < UCP_FACT_COUNT; f++) {
            if (!ucp_role_uses_fact(r, (ucp_fact)f))
                continue;
            printf("%s--%s%s", any ? " " : "                           needs: ", ucp_fact_name((ucp_fact)f),
                   ucp_role_requires_fact(r, (ucp_fact)f) ? "" : " (optional)");
            any = true;
        }
        if (any)
            putchar('\n');
    }
    if (json)
        fputs("]\n", stdout);
    return EXIT_PASS;
}

static int cmd_rules(int argc, char **argv)
{
    bool json = false;
    const char *role_name = NULL, *product_name = NULL;
    int st = parse_list_opts(argc, argv, &json, &role_name, &product_name, usage_rules);
    if (st)
        return st < 0 ? EXIT_PASS : st;
    ucp_product product = UCP_PRODUCT_SFB2019;
    if (product_name && ucp_product_from_name(&product, product_name) != UCP_OK) {
        print_error();
        return EXIT_USAGE;
    }
    if (!role_name) {
        if (json)
            fputs("[\n", stdout);
        for (size_t i = 0; i < ucp_rule_count(); i++) {
            const ucp_rule *r = ucp_rule_at(i);
            if (json) {
                fputs("  {\"code\": ", stdout);
                json_string(stdout, ucp_rule_code(r));
                fputs(", \"field\": ", stdout);
                json_string(stdout, ucp_field_name(ucp_rule_field(r)));
                fputs(", \"title\": ", stdout);
                json_string(stdout, ucp_rule_title(r));
                fputs(", \"remediation\": ", stdout);
                json_string(stdout, ucp_rule_remediation(r));
                fputs(", \"roles\": [", stdout);
                bool first = true;
                for (size_t k = 0; k < ucp_role_count(); k++) {
                    const ucp_role *role = ucp_role_at(k);
                    for (size_t j = 0; j < ucp_role_rule_count(role); j++) {
                        if (ucp_role_rule_rule(ucp_role_rule_at(role, j)) == r) {
                            fputs(first ? "" : ", ", stdout);
                            json_string(stdout, ucp_role_id(role));
                            first = false;
                        }
                    }
                }
                printf("]}%s\n", i + 1 < ucp_rule_count() ? "," : "");
            } else {
                printf("%-38s %-18s %s\n", ucp_rule_code(r), ucp_field_name(ucp_rule_field(r)), ucp_rule_title(r));
            }
        }
        if (json)
            fputs("]\n", stdout);
        return EXIT_PASS;
    }
    const ucp_role *role = ucp_role_find(role_name);
    if (!role) {
        fprintf(stderr, "%s: unknown role '%s'; run 'ucpolicy roles' for the list\n", prog, role_name);
        return EXIT_USAGE;
    }
    if (json) {
        fputs("{\"role\": ", stdout);
        json_string(stdout, ucp_role_id(role));
        fputs(", \"product\": ", stdout);
        json_string(stdout, ucp_product_name(product));
        fputs(", \"rules\": [\n", stdout);
    } else {
        printf("%s - %s (%s)\n\n", ucp_role_id(role), ucp_role_title(role), ucp_product_title(product));
    }
    bool first = true;
    for (size_t i = 0; i < ucp_role_rule_count(role); i++) {
        const ucp_role_rule *rr = ucp_role_rule_at(role, i);
        if (!ucp_role_rule_applies(rr, product))
            continue;
        const char *sev = ucp_severity_name(ucp_role_rule_severity(rr, product));
        if (json) {
            fputs(first ? "  {\"code\": " : ",\n  {\"code\": ", stdout);
            json_string(stdout, ucp_role_rule_code(rr));
            fputs(", \"field\": ", stdout);
            json_string(stdout, ucp_field_name(ucp_rule_field(ucp_role_rule_rule(rr))));
            fputs(", \"severity\": ", stdout);
            json_string(stdout, sev);
            fputs(", \"text\": ", stdout);
            json_string(stdout, ucp_role_rule_text(rr));
            printf(", \"baseline\": %s, \"references\": ", ucp_role_rule_is_baseline(rr) ? "true" : "false");
            json_refs(stdout, ucp_role_rule_reference_count(rr), role_rule_ref, rr);
            fputs("}", stdout);
        } else {
            printf("%-38s %-8s %s [", ucp_role_rule_code(rr), sev, ucp_role_rule_text(rr));
            for (size_t k = 0; k < ucp_role_rule_reference_count(rr); k++)
                printf("%s%s", k ? ", " : "", ucp_reference_key(ucp_role_rule_reference_at(rr, k)));
            printf("]\n");
        }
        first = false;
    }
    if (json)
        fputs("\n]}\n", stdout);
    return EXIT_PASS;
}

int main(int argc, char **argv)
{
    atexit(wipe_password);
    if (argc < 2) {
        usage_main(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "probe") == 0)
        return cmd_probe(argc - 1, argv + 1);
    if (strcmp(cmd, "roles") == 0)
        return cmd_roles(argc - 1, argv + 1);
    if (strcmp(cmd, "rules") == 0)
        return cmd_rules(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("ucpolicy %s (libucpolicy %s, GnuTLS %s)\n", UCP_VERSION, ucp_version(), ucp_gnutls_version());
        return EXIT_PASS;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage_main(stdout);
        return EXIT_PASS;
    }
    fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
    usage_main(stderr);
    return EXIT_USAGE;
}
