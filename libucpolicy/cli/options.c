/* SPDX-License-Identifier: MIT */
/*
 * The options `check` and `probe` share, and what parsing them needs: usage errors, ISO 8601
 * times, the password (read from a file or the environment, never from the command line, and
 * wiped), standard input for '-', and the topology and checker the options describe.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli-private.h"

const char *cli_command = "check";

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ucpolicy: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'ucpolicy %s --help'.\n", cli_command);
    va_end(ap);
    return EXIT_USAGE;
}

void cli_print_error(void)
{
    const ucp_error *e = ucp_error_last();
    fprintf(stderr, "ucpolicy: %s\n", e ? ucp_error_message(e) : "unknown error");
}

int cli_out_of_memory(void)
{
    fputs("ucpolicy: out of memory\n", stderr);
    return EXIT_USAGE;
}

void cli_usage_common(FILE *f, bool probe)
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
            "      --topology FILE      the facts as JSON, or the deployment's own topology: a\n"
            "                           Topology Builder file (.tbxml) or Get-CsTopology -AsXml\n"
            "                           output (options given win; - reads standard input)\n"
            "      --server FQDN        the server of the --topology document whose facts apply\n"
            "                           (needed when it lists several)\n"
            "\n"
            "Trust and time:\n"
            "      --chain FILE         untrusted intermediate certificates (repeatable, any order)\n"
            "      --trust FILE         trust anchors (repeatable; default: the system trust store)\n"
            "      --public-roots FILE  roots that count as public CAs (default: the system store)\n"
            "      --at TIME            validation time, ISO 8601 (2026-05-01, 2026-05-01T12:00:00Z)\n"
            "      --expiry-warning DAYS  warn this many days before expiry (default 30, 0: never)\n"
            "\n"
            "Certificate policies (RFC 5280 6.1; the report lists the path's valid policies):\n"
            "      --policy OID         a policy the path must be valid for (repeatable; default:\n"
            "                           any policy)\n"
            "      --require-explicit-policy  the path must have a valid policy\n"
            "      --inhibit-policy-mapping   the CAs' policy mappings do not apply\n"
            "      --inhibit-any-policy       anyPolicy in a certificate matches no policy\n"
            "\n"
            "Revocation (not checked unless asked):\n"
            "      --crl FILE           certificate revocation lists, PEM or DER (repeatable)\n"
            "      --online             fetch CRLs (HTTP distribution points) and OCSP answers\n"
            "      --allow-private-network  let --online fetches reach loopback, private and\n"
            "                           link-local addresses (default: public addresses only)\n"
            "%s"
            "\n"
            "%s password (never given on the command line, so it stays out of ps and history):\n"
            "      --password-file FILE read it from the first line of FILE\n"
            "      --password-env VAR   read it from the environment variable VAR\n"
            "\n"
            "Output:\n"
            "      --format FORMAT      text (default), json, sarif (SARIF 2.1.0), csv, html,\n"
            "                           junit (JUnit XML) or nagios (a plugin's status line)%s\n"
            "      --compact            one-line JSON and SARIF\n"
            "      --fail-on LEVEL      lowest severity that fails: error, warning (default), info, never\n"
            "      --color WHEN         auto (default), always or never\n"
            "  -v, --verbose            text: source URLs, the role's wording and SHA-256\n"
            "  -q, --quiet              print nothing; the exit status tells\n"
            "  -h, --help               this help\n",
            probe ? "" : "      --timeout SECONDS    time budget of the online checks of each file, all\n"
                         "                           transfers together (default 5)\n",
            probe ? "Client certificate (PKCS#12 or encrypted key)" : "PKCS#12",
            probe ? "" : ";\n                           several FILEs give one document (a JSON array, one SARIF log)");
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
        /* Years 0000 to 9999, what a certificate can say; INT64_MIN would be UCP_TIME_NOW. */
        if (errno || end == s + 1 || *end || v < -62167219200LL || v > 253402300799LL)
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
    int64_t t = cli_timegm(&tm);
    struct tm back;
    if (t == -1 || !cli_gmtime(t, &back) || back.tm_mday != d)
        return false; /* e.g. 2026-02-30 */
    *out = t - offset;
    return true;
}

/* ---- password --------------------------------------------------------------------------- */

/* The password lives in one buffer, wiped on every exit path and never printed. */
static char *password;
static size_t password_len;

const char *cli_password(void)
{
    return password;
}

static void drop_password(void)
{
    if (password) {
        cli_wipe(password, password_len);
        free(password);
        password = NULL;
    }
}

void cli_wipe_password(void)
{
    drop_password();
    cli_secret_held(false); /* dumpable again, as before the password */
}

static bool set_password(const char *value, size_t len)
{
    cli_secret_held(true); /* before the copy: no core file may hold it */
    drop_password();
    password = malloc(len + 1);
    if (!password) {
        cli_secret_held(false);
        return false;
    }
    memcpy(password, value, len);
    password[len] = '\0';
    password_len = len + 1;
    return true;
}

static int read_password_file(const char *path)
{
    /* open/read, not stdio: a FILE's buffer is malloc'd and freed without being wiped, which
     * would leave the password in the heap. */
    const char *what = NULL;
    bool shared = false;
    int fd = cli_open_regular(path, &what, &shared);
    if (fd == -2) {
        fprintf(stderr, "ucpolicy: %s: the password file is %s, not a regular file\n", path, what);
        return EXIT_USAGE;
    }
    if (fd < 0) {
        fprintf(stderr, "ucpolicy: %s: cannot read the password file: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (shared) /* as ssh says of a private key others can read */
        fprintf(stderr, "ucpolicy: warning: %s: the password file is readable by group or others; "
                        "restrict it to its owner (chmod 600)\n", path);
    cli_secret_held(true); /* the buffer below holds it too */
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
    bool ok = set_password(buf, len);
    cli_wipe(buf, sizeof buf);
    if (!ok)
        cli_secret_held(false);
    return ok ? 0 : cli_out_of_memory();
}

/* ---- standard input --------------------------------------------------------------------- */

/* More than any input the library takes (32 MiB), so the library's own limit speaks first; the
 * cap only keeps an endless stream from filling memory. */
#define STDIN_MAX (64u << 20)

bool cli_read_stdin(uint8_t **data, size_t *length, ucp_status *code, const char **message)
{
    size_t cap = 64 * 1024, n = 0;
    uint8_t *buf = malloc(cap);
    *data = NULL;
    *length = 0;
    *code = UCP_E_NO_MEMORY;
    *message = CLI_STDIN_NAME ": out of memory";
    while (buf) {
        if (n == cap) {
            if (cap > STDIN_MAX) {
                *code = UCP_E_TOO_LARGE;
                *message = CLI_STDIN_NAME ": standard input holds more than 64 MiB";
                break;
            }
            uint8_t *bigger = realloc(buf, cap * 2);
            if (!bigger)
                break;
            buf = bigger;
            cap *= 2;
        }
        ssize_t r = read(STDIN_FILENO, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            static char text[256]; /* one run at a time (ucp_cli_main) */
            snprintf(text, sizeof text, CLI_STDIN_NAME ": cannot read standard input: %s", strerror(errno));
            *code = UCP_E_IO;
            *message = text;
            break;
        }
        if (r == 0) {
            *data = buf;
            *length = n;
            return true;
        }
        n += (size_t)r;
    }
    free(buf);
    return false;
}

/* ---- the shared options ----------------------------------------------------------------- */

bool file_list_push(struct file_list *l, const char *s)
{
    const char **v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v)
        return false;
    l->v = v;
    v[l->n++] = s;
    return true;
}

void common_init(struct common_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = UCP_OUTPUT_TEXT;
    o->color = "auto";
    o->timeout = -1;
    o->at = UCP_TIME_NOW;
    o->expiry = -1;
    o->fail_on = UCP_FAIL_ON_WARNING;
}

void common_dispose(struct common_opts *o)
{
    free(o->chain.v);
    free(o->trust.v);
    free(o->public_roots.v);
    free(o->crls.v);
    free(o->policies.v);
}

int common_option(struct common_opts *o, int c, const char *arg)
{
    switch (c) {
    case 'r': o->role = arg; return 0;
    case OPT_FQDN: case OPT_POOL: case OPT_SIP: case OPT_URL: case OPT_WEB: case OPT_ACCESS:
    case OPT_WEBCONF: case OPT_XMPP: {
        static const ucp_fact map[] = {UCP_FACT_FQDN, UCP_FACT_POOL, UCP_FACT_SIP_DOMAIN,
                                       UCP_FACT_SIMPLE_URL, UCP_FACT_WEB_FQDN, UCP_FACT_ACCESS_EDGE,
                                       UCP_FACT_WEBCONF_EDGE, UCP_FACT_XMPP_DOMAIN};
        if (o->nfacts == sizeof o->facts / sizeof o->facts[0])
            return cli_usage_error("too many deployment facts");
        o->facts[o->nfacts].fact = map[c - OPT_FQDN];
        o->facts[o->nfacts].value = arg;
        o->nfacts++;
        return 0;
    }
    case OPT_PRODUCT: o->product = arg; return 0;
    case OPT_TOPOLOGY: o->topology_file = arg; return 0;
    case OPT_SERVER: o->server = arg; return 0;
    case OPT_CHAIN: return file_list_push(&o->chain, arg) ? 0 : cli_out_of_memory();
    case OPT_TRUST: return file_list_push(&o->trust, arg) ? 0 : cli_out_of_memory();
    case OPT_PUBLIC: return file_list_push(&o->public_roots, arg) ? 0 : cli_out_of_memory();
    case OPT_AT:
        if (!parse_time(arg, &o->at))
            return cli_usage_error(
                "--at: '%s' is not an ISO 8601 date or time (e.g. 2026-05-01 or 2026-05-01T12:00:00Z)", arg);
        return 0;
    case OPT_EXPIRY: {
        char *end;
        errno = 0;
        o->expiry = strtol(arg, &end, 10);
        if (errno || *end || o->expiry < 0 || o->expiry > 3650)
            return cli_usage_error("--expiry-warning: '%s' is not a number of days between 0 and 3650", arg);
        return 0;
    }
    case OPT_CRL: return file_list_push(&o->crls, arg) ? 0 : cli_out_of_memory();
    case OPT_ONLINE: o->online = true; return 0;
    case OPT_ALLOW_PRIVATE: o->allow_private = true; return 0;
    case OPT_POLICY: return file_list_push(&o->policies, arg) ? 0 : cli_out_of_memory();
    case OPT_EXPLICIT_POLICY: o->explicit_policy = true; return 0;
    case OPT_INHIBIT_MAPPING: o->inhibit_mapping = true; return 0;
    case OPT_INHIBIT_ANY: o->inhibit_any = true; return 0;
    case OPT_TIMEOUT: {
        char *end;
        errno = 0;
        o->timeout = strtol(arg, &end, 10);
        if (errno || *end || o->timeout < 1 || o->timeout > 600)
            return cli_usage_error("--timeout: '%s' is not a number of seconds between 1 and 600", arg);
        return 0;
    }
    case OPT_PWFILE: return read_password_file(arg);
    case OPT_PWENV: {
        const char *v = getenv(arg);
        if (!v)
            return cli_usage_error("--password-env: the environment variable '%s' is not set", arg);
        return set_password(v, strlen(v)) ? 0 : cli_out_of_memory();
    }
    case OPT_FORMAT:
        if (ucp_output_format_from_name(&o->format, arg) != UCP_OK)
            return cli_usage_error("--format: '%s' is not text, json, sarif, csv, html, junit or nagios", arg);
        return 0;
    case OPT_COMPACT: o->compact = true; return 0;
    case OPT_FAILON:
        if (ucp_fail_on_from_name(&o->fail_on, arg) != UCP_OK)
            return cli_usage_error("--fail-on: '%s' is not error, warning, info or never", arg);
        return 0;
    case OPT_COLOR:
        if (strcmp(arg, "auto") != 0 && strcmp(arg, "always") != 0 && strcmp(arg, "never") != 0)
            return cli_usage_error("--color: '%s' is not auto, always or never", arg);
        o->color = arg;
        return 0;
    case 'v': o->verbose = true; return 0;
    case 'q': o->quiet = true; return 0;
    }
    return -1;
}

int check_role(const struct common_opts *o)
{
    if (!o->role)
        return cli_usage_error("%s: --role is required (see 'ucpolicy roles')", cli_command);
    if (!ucp_role_find(o->role)) {
        fprintf(stderr, "ucpolicy: unknown role '%s'; run 'ucpolicy roles' for the list\n", o->role);
        return EXIT_USAGE;
    }
    return EXIT_PASS;
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

/* --topology FILE, or '-' for standard input. */
static int load_topology(ucp_topology *topo, const char *file)
{
    if (strcmp(file, CLI_STDIN_NAME) != 0) {
        if (ucp_topology_load_file(topo, file) == UCP_OK)
            return EXIT_PASS;
        cli_print_error();
        return EXIT_USAGE;
    }
    uint8_t *data;
    size_t length;
    ucp_status code;
    const char *message;
    if (!cli_read_stdin(&data, &length, &code, &message)) {
        fprintf(stderr, "ucpolicy: %s\n", message);
        return EXIT_USAGE;
    }
    ucp_status st = ucp_topology_load_data(topo, data, length, CLI_STDIN_NAME);
    free(data);
    if (st == UCP_OK)
        return EXIT_PASS;
    cli_print_error();
    return EXIT_USAGE;
}

int common_setup(const struct common_opts *o, ucp_topology **topo_out, ucp_checker **checker_out)
{
    ucp_topology *topo = NULL;
    ucp_checker *checker = NULL;
    *topo_out = NULL;
    *checker_out = NULL;
    if (ucp_topology_new(&topo) != UCP_OK || ucp_checker_new(&checker) != UCP_OK)
        goto usage_error;
    if (o->topology_file && load_topology(topo, o->topology_file) != EXIT_PASS)
        goto fail;
    if (o->server && !o->topology_file) {
        fputs("ucpolicy: --server needs --topology (the document that lists the servers)\n", stderr);
        goto fail;
    }
    if (o->server && ucp_topology_select_server(topo, o->server) != UCP_OK) {
        fprintf(stderr, "ucpolicy: --server: %s\n", ucp_error_message(ucp_error_last()));
        goto fail;
    }
    if (!o->server && !o->all_servers && ucp_topology_server_count(topo) > 1) {
        size_t n = ucp_topology_server_count(topo);
        fprintf(stderr, "ucpolicy: %s lists %zu servers; choose the one whose facts apply with --server FQDN:\n",
                o->topology_file, n);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "  %s (pool %s)\n", ucp_topology_server_fqdn(topo, i), ucp_topology_server_pool(topo, i));
        goto fail;
    }
    /* Options given on the command line replace the topology file's values of the same fact. */
    bool seen[UCP_FACT_COUNT] = {false};
    for (size_t i = 0; i < o->nfacts; i++) {
        ucp_fact f = o->facts[i].fact;
        ucp_status st = seen[f] ? ucp_topology_add(topo, f, o->facts[i].value)
                                : ucp_topology_set(topo, f, o->facts[i].value);
        seen[f] = true;
        if (st != UCP_OK) {
            fprintf(stderr, "ucpolicy: --%s: %s\n", ucp_fact_name(f), ucp_error_message(ucp_error_last()));
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
    for (size_t i = 0; i < o->policies.n; i++) {
        if (ucp_checker_add_initial_policy(checker, o->policies.v[i]) != UCP_OK) {
            fprintf(stderr, "ucpolicy: --policy: %s\n", ucp_error_message(ucp_error_last()));
            goto fail;
        }
    }
    ucp_checker_set_require_explicit_policy(checker, o->explicit_policy);
    ucp_checker_set_inhibit_policy_mapping(checker, o->inhibit_mapping);
    ucp_checker_set_inhibit_any_policy(checker, o->inhibit_any);
    ucp_checker_set_online(checker, o->online);
    ucp_checker_set_allow_private_network(checker, o->allow_private);
    if (o->timeout > 0)
        ucp_checker_set_network_timeout(checker, (unsigned)o->timeout * 1000u);
    ucp_checker_set_time(checker, o->at);
    if (o->expiry >= 0)
        ucp_checker_set_expiry_warning_days(checker, (unsigned)o->expiry);
    *topo_out = topo;
    *checker_out = checker;
    return EXIT_PASS;
usage_error:
    cli_print_error();
fail:
    ucp_checker_free(checker);
    ucp_topology_free(topo);
    return EXIT_USAGE;
}
