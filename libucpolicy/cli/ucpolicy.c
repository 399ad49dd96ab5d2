/* SPDX-License-Identifier: MIT */
/*
 * ucpolicy: the command-line face of libucpolicy, built on the public API only.
 *
 *   ucpolicy check [options] FILE...    check certificates against a role
 *   ucpolicy roles [--format json]      list the roles
 *   ucpolicy rules [--role ROLE]        list the rules (of a role)
 *   ucpolicy version
 *
 * Exit status (Nagios convention, ECOSYSTEM.md 4.4): 0 pass, 1 warnings only, 2 any error
 * finding, 3 usage or input error (the message on stderr names the file and the problem).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ucpolicy.h"

enum { EXIT_PASS = 0, EXIT_WARN = 1, EXIT_FAIL = 2, EXIT_USAGE = 3 };

static const char *prog = "ucpolicy";

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
            "  roles                     list the roles and the deployment facts they need\n"
            "  rules [--role ROLE]       list the rules, with severities and sources\n"
            "  version                   print the versions of libucpolicy and GnuTLS\n"
            "\n"
            "Run 'ucpolicy check --help' for the options of a check.\n"
            "Exit status: 0 pass, 1 warnings only, 2 error findings, 3 usage or input error.\n");
}

static void usage_check(FILE *f)
{
    fprintf(f,
            "Usage: ucpolicy check --role ROLE [OPTIONS] FILE...\n"
            "\n"
            "Check each FILE (PEM, DER, PKCS#7 or PKCS#12; leaf first, then its chain) against ROLE.\n"
            "\n"
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
            "PKCS#12 password (never given on the command line, so it stays out of ps and history):\n"
            "      --password-file FILE read it from the first line of FILE\n"
            "      --password-env VAR   read it from the environment variable VAR\n"
            "\n"
            "Output:\n"
            "      --format FORMAT      text (default) or json; several FILEs give a JSON array\n"
            "      --compact            one-line JSON\n"
            "      --fail-on LEVEL      lowest severity that fails: error, warning (default), info, never\n"
            "      --color WHEN         auto (default), always or never\n"
            "  -v, --verbose            text: source URLs, the role's wording and SHA-256\n"
            "  -q, --quiet              print nothing; the exit status tells\n"
            "  -h, --help               this help\n");
}

__attribute__((format(printf, 1, 2), noreturn)) static void die_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ucpolicy check --help'.\n");
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
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: cannot read the password file: %s\n", prog, path, strerror(errno));
        exit(EXIT_USAGE);
    }
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
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
            print_error();
            ucp_input_free(in);
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

/* A JSON entry for a file that could not be read, so a JSON array keeps one entry per FILE. */
static void json_input_error(FILE *out, const char *name, bool last, bool pretty)
{
    const ucp_error *e = ucp_error_last();
    /* The message is UTF-8 (the library escapes what is not); the file name comes from the
     * command line and may be in another encoding: bytes that are not UTF-8 are written \xHH,
     * as in reports. JSON-escape quotes, backslashes and control characters. */
    const char *fields[2] = {name, e ? ucp_error_message(e) : ""};
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
            ucp_strerror_name(e ? ucp_error_code(e) : UCP_E_INTERNAL), esc[1], nl, last ? "" : ",");
    free(esc[0]);
    free(esc[1]);
}

static int cmd_check(int argc, char **argv)
{
    enum {
        OPT_FQDN = 256, OPT_POOL, OPT_SIP, OPT_URL, OPT_WEB, OPT_ACCESS, OPT_WEBCONF, OPT_XMPP,
        OPT_PRODUCT, OPT_TOPOLOGY, OPT_CHAIN, OPT_TRUST, OPT_PUBLIC, OPT_AT, OPT_EXPIRY, OPT_PWFILE,
        OPT_PWENV, OPT_FORMAT, OPT_COMPACT, OPT_FAILON, OPT_COLOR,
    };
    static const struct option opts[] = {
        {"role", required_argument, NULL, 'r'},
        {"fqdn", required_argument, NULL, OPT_FQDN},
        {"pool", required_argument, NULL, OPT_POOL},
        {"sip-domain", required_argument, NULL, OPT_SIP},
        {"simple-url", required_argument, NULL, OPT_URL},
        {"web-fqdn", required_argument, NULL, OPT_WEB},
        {"access-edge", required_argument, NULL, OPT_ACCESS},
        {"webconf-edge", required_argument, NULL, OPT_WEBCONF},
        {"xmpp-domain", required_argument, NULL, OPT_XMPP},
        {"product", required_argument, NULL, OPT_PRODUCT},
        {"topology", required_argument, NULL, OPT_TOPOLOGY},
        {"chain", required_argument, NULL, OPT_CHAIN},
        {"trust", required_argument, NULL, OPT_TRUST},
        {"public-roots", required_argument, NULL, OPT_PUBLIC},
        {"at", required_argument, NULL, OPT_AT},
        {"expiry-warning", required_argument, NULL, OPT_EXPIRY},
        {"password-file", required_argument, NULL, OPT_PWFILE},
        {"password-env", required_argument, NULL, OPT_PWENV},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"compact", no_argument, NULL, OPT_COMPACT},
        {"fail-on", required_argument, NULL, OPT_FAILON},
        {"color", required_argument, NULL, OPT_COLOR},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *role = NULL, *topology_file = NULL, *format = "text", *color = "auto";
    struct file_list chain = {0}, trust = {0}, public_roots = {0};
    struct {
        ucp_fact fact;
        const char *value;
    } facts[64];
    size_t nfacts = 0;
    const char *product = NULL;
    int64_t at = UCP_TIME_NOW;
    long expiry = -1;
    bool compact = false, verbose = false, quiet = false;
    enum fail_on fail_on = FAIL_ON_WARNING;

    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:vqh", opts, NULL)) != -1) {
        switch (c) {
        case 'r': role = optarg; break;
        case OPT_FQDN: case OPT_POOL: case OPT_SIP: case OPT_URL: case OPT_WEB: case OPT_ACCESS:
        case OPT_WEBCONF: case OPT_XMPP: {
            static const ucp_fact map[] = {UCP_FACT_FQDN, UCP_FACT_POOL, UCP_FACT_SIP_DOMAIN,
                                           UCP_FACT_SIMPLE_URL, UCP_FACT_WEB_FQDN, UCP_FACT_ACCESS_EDGE,
                                           UCP_FACT_WEBCONF_EDGE, UCP_FACT_XMPP_DOMAIN};
            if (nfacts == sizeof facts / sizeof facts[0])
                die_usage("too many deployment facts");
            facts[nfacts].fact = map[c - OPT_FQDN];
            facts[nfacts].value = optarg;
            nfacts++;
            break;
        }
        case OPT_PRODUCT: product = optarg; break;
        case OPT_TOPOLOGY: topology_file = optarg; break;
        case OPT_CHAIN: push(&chain, optarg); break;
        case OPT_TRUST: push(&trust, optarg); break;
        case OPT_PUBLIC: push(&public_roots, optarg); break;
        case OPT_AT:
            if (!parse_time(optarg, &at))
                die_usage("--at: '%s' is not an ISO 8601 date or time (e.g. 2026-05-01 or 2026-05-01T12:00:00Z)",
                          optarg);
            break;
        case OPT_EXPIRY: {
            char *end;
            errno = 0;
            expiry = strtol(optarg, &end, 10);
            if (errno || *end || expiry < 0 || expiry > 3650)
                die_usage("--expiry-warning: '%s' is not a number of days between 0 and 3650", optarg);
            break;
        }
        case OPT_PWFILE: read_password_file(optarg); break;
        case OPT_PWENV: {
            const char *v = getenv(optarg);
            if (!v)
                die_usage("--password-env: the environment variable '%s' is not set", optarg);
            set_password(v, strlen(v));
            break;
        }
        case OPT_FORMAT:
            if (strcmp(optarg, "text") != 0 && strcmp(optarg, "json") != 0)
                die_usage("--format: '%s' is not text or json", optarg);
            format = optarg;
            break;
        case OPT_COMPACT: compact = true; break;
        case OPT_FAILON:
            if (strcmp(optarg, "error") == 0)
                fail_on = FAIL_ON_ERROR;
            else if (strcmp(optarg, "warning") == 0)
                fail_on = FAIL_ON_WARNING;
            else if (strcmp(optarg, "info") == 0)
                fail_on = FAIL_ON_INFO;
            else if (strcmp(optarg, "never") == 0)
                fail_on = FAIL_ON_NEVER;
            else
                die_usage("--fail-on: '%s' is not error, warning, info or never", optarg);
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 && strcmp(optarg, "never") != 0)
                die_usage("--color: '%s' is not auto, always or never", optarg);
            color = optarg;
            break;
        case 'v': verbose = true; break;
        case 'q': quiet = true; break;
        case 'h': usage_check(stdout); return EXIT_PASS;
        default: fprintf(stderr, "Try 'ucpolicy check --help'.\n"); return EXIT_USAGE;
        }
    }
    if (!role)
        die_usage("check: --role is required (see 'ucpolicy roles')");
    if (optind >= argc)
        die_usage("check: no certificate file given");
    if (!ucp_role_find(role)) {
        fprintf(stderr, "%s: unknown role '%s'; run 'ucpolicy roles' for the list\n", prog, role);
        return EXIT_USAGE;
    }

    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    if (ucp_topology_new(&topo) != UCP_OK || ucp_checker_new(&checker) != UCP_OK) {
        print_error();
        return EXIT_USAGE;
    }
    int status = EXIT_PASS;
    if (topology_file && ucp_topology_load_file(topo, topology_file) != UCP_OK)
        goto usage_error;
    /* Options given on the command line replace the topology file's values of the same fact. */
    bool seen[UCP_FACT_COUNT] = {false};
    for (size_t i = 0; i < nfacts; i++) {
        ucp_fact f = facts[i].fact;
        ucp_status st = seen[f] ? ucp_topology_add(topo, f, facts[i].value)
                                : ucp_topology_set(topo, f, facts[i].value);
        seen[f] = true;
        if (st != UCP_OK) {
            fprintf(stderr, "%s: --%s: %s\n", prog, ucp_fact_name(f), ucp_error_message(ucp_error_last()));
            status = EXIT_USAGE;
            goto out;
        }
    }
    if (product) {
        ucp_product p;
        if (ucp_product_from_name(&p, product) != UCP_OK)
            goto usage_error;
        ucp_topology_set_product(topo, p);
    }
    if (!add_inputs(checker, &chain, ucp_checker_add_intermediates) ||
        !add_inputs(checker, &trust, ucp_checker_add_trust) ||
        !add_inputs(checker, &public_roots, ucp_checker_add_public_roots))
        goto usage_error;
    ucp_checker_set_time(checker, at);
    if (expiry >= 0)
        ucp_checker_set_expiry_warning_days(checker, (unsigned)expiry);

    bool json = strcmp(format, "json") == 0;
    bool several = argc - optind > 1;
    bool use_color = strcmp(color, "always") == 0 ||
                     (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR") &&
                      !(getenv("TERM") && strcmp(getenv("TERM"), "dumb") == 0));
    unsigned jflags = compact ? UCP_RENDER_DEFAULT : UCP_RENDER_PRETTY;
    if (json && several && !quiet)
        fputs(compact ? "[" : "[\n", stdout);
    for (int i = optind; i < argc; i++) {
        const char *file = argv[i];
        bool last = i == argc - 1;
        ucp_input *in = NULL;
        ucp_report *report = NULL;
        if (ucp_input_from_file(&in, file, password) != UCP_OK ||
            ucp_checker_check(checker, in, role, topo, &report) != UCP_OK) {
            print_error();
            if (json && !quiet) {
                json_input_error(stdout, file, !several || last, !compact);
                if (!(compact && several))
                    fputc('\n', stdout);
            }
            status = worst(status, EXIT_USAGE);
            ucp_input_free(in);
            continue;
        }
        ucp_input_free(in);
        status = worst(status, exit_for(report, fail_on));
        if (!quiet) {
            ucp_buffer buf = {NULL, 0};
            ucp_status st = json ? ucp_report_to_json(report, jflags, &buf)
                                 : ucp_report_to_text(report,
                                                      (use_color ? UCP_RENDER_COLOR : 0) |
                                                          (verbose ? UCP_RENDER_VERBOSE : 0),
                                                      &buf);
            if (st != UCP_OK) {
                print_error();
                status = worst(status, EXIT_USAGE);
            } else {
                fwrite(buf.data, 1, buf.size, stdout);
                if (json && several && !last)
                    fputc(',', stdout);
                /* --compact keeps a JSON array of several reports on one line. */
                if (json ? !(compact && several) : !last)
                    fputc('\n', stdout);
            }
            ucp_buffer_dispose(&buf);
        }
        ucp_report_free(report);
    }
    if (json && several && !quiet)
        fputs("]\n", stdout);
    goto out;
usage_error:
    print_error();
    status = EXIT_USAGE;
out:
    wipe_password();
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    free(chain.v);
    free(trust.v);
    free(public_roots.v);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "%s: cannot write the report: %s\n", prog, strerror(errno));
        status = EXIT_USAGE;
    }
    return status;
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
