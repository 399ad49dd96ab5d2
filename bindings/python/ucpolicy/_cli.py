# SPDX-License-Identifier: MIT
"""``python3 -m ucpolicy``: the ``ucpolicy`` command, in Python.

Same subcommands, options, output and exit codes as the C command (libucpolicy/cli/ucpolicy.c),
byte for byte on stdout: reports are rendered by the library in both, and the listings and
error entries below follow the C code line by line. Option parsing follows glibc's
getopt_long (argument permutation, unambiguous abbreviations of long options, its messages),
and each option takes effect in command-line order, as in C.

Exit status (Nagios): 0 pass, 1 warnings only, 2 any error finding, 3 usage or input error.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Iterator, List, NoReturn, Optional, Sequence, Tuple

from . import _ucpolicy as _lib
from ._checker import Checker
from ._enums import Fact, ProbeProtocol, Product, Severity, _probe_protocol_from_c
from ._errors import Error
from ._report import Report

__all__ = ["main"]

EXIT_PASS, EXIT_WARN, EXIT_FAIL, EXIT_USAGE = 0, 1, 2, 3
PROG = "ucpolicy"

USAGE_MAIN = """\
Usage: ucpolicy COMMAND [OPTIONS]

Check X.509 certificates against the certificate policies of Unified Communications
server roles (Lync / Skype for Business Server, Exchange UM, Office Online Server,
Teams Direct Routing SBCs).

Commands:
  check [OPTIONS] FILE...   check certificate files against a role
  probe [OPTIONS] HOST[:PORT]  check what a live server presents (TLS, SMTP, SIP)
  roles                     list the roles and the deployment facts they need
  rules [--role ROLE]       list the rules, with severities and sources
  version                   print the versions of libucpolicy and GnuTLS

Run 'ucpolicy check --help' or 'ucpolicy probe --help' for their options.
Exit status: 0 pass, 1 warnings only, 2 error findings, 3 usage or input error.
"""


def _usage_common(probe: bool) -> str:
    """The options check and probe share (usage_common() of the C command)."""
    timeout = "" if probe else "      --timeout SECONDS    time limit of each network transfer (default 5)\n"
    password = "Client certificate (PKCS#12 or encrypted key)" if probe else "PKCS#12"
    several = "" if probe else "; several FILEs give a JSON array"
    return f"""\
Role and deployment facts:
  -r, --role ROLE          role id or alias (see 'ucpolicy roles'), e.g. exchange-um
      --fqdn FQDN          this server's FQDN (front end, UM server, SBC, OOS farm)
      --pool FQDN          the pool FQDN
      --sip-domain DOMAIN  a SIP domain (repeatable)
      --simple-url URL     a simple URL or its host (repeatable)
      --web-fqdn FQDN      the internal or external web services FQDN
      --access-edge FQDN   the Access Edge external FQDN
      --webconf-edge FQDN  the Web Conferencing Edge external FQDN
      --xmpp-domain DOMAIN the XMPP federation domain
      --product PRODUCT    lync2010, lync2013, sfb2015 or sfb2019 (default sfb2019)
      --topology FILE      a JSON file with the same facts (options given win)

Trust and time:
      --chain FILE         untrusted intermediate certificates (repeatable, any order)
      --trust FILE         trust anchors (repeatable; default: the system trust store)
      --public-roots FILE  roots that count as public CAs (default: the system store)
      --at TIME            validation time, ISO 8601 (2026-05-01, 2026-05-01T12:00:00Z)
      --expiry-warning DAYS  warn this many days before expiry (default 30, 0: never)

Revocation (not checked unless asked):
      --crl FILE           certificate revocation lists, PEM or DER (repeatable)
      --online             fetch CRLs (HTTP distribution points) and OCSP answers
{timeout}
{password} password (never given on the command line, so it stays out of ps and history):
      --password-file FILE read it from the first line of FILE
      --password-env VAR   read it from the environment variable VAR

Output:
      --format FORMAT      text (default) or json{several}
      --compact            one-line JSON
      --fail-on LEVEL      lowest severity that fails: error, warning (default), info, never
      --color WHEN         auto (default), always or never
  -v, --verbose            text: source URLs, the role's wording and SHA-256
  -q, --quiet              print nothing; the exit status tells
  -h, --help               this help
"""


USAGE_CHECK = """\
Usage: ucpolicy check --role ROLE [OPTIONS] FILE...

Check each FILE (PEM, DER, PKCS#7 or PKCS#12; leaf first, then its chain) against ROLE.

""" + _usage_common(False) + """
Pools (Edge pool interfaces, A/V Authentication, OAuth):
      --same-certificate   the FILEs are the certificate and key of each server of one
                           pool (e.g. the PFX exported on each): the first FILE's report
                           also compares every FILE with it (same certificate, same key);
                           each other FILE is then checked on its own

Batches:
  -j, --jobs N             check N FILEs at a time (default 1; 0: one per CPU), sharing
                           trust, intermediates and verified signatures; the output is
                           the same as with one, in the order of the FILEs
"""

USAGE_PROBE = """\
Usage: ucpolicy probe --role ROLE [OPTIONS] HOST[:PORT]

Connect to HOST (a name, an IPv4 address or a bracketed IPv6 address), take the certificate
chain the server presents in the TLS handshake, and check it against ROLE as 'check' checks
a file: the server's leaf, then the certificates it sent (one it did not send is missing).
With a client certificate, report whether the server accepted it: the TLS alert, or for SIP
the answer to an OPTIONS request (e.g. 403 with ms-diagnostics), as Lync / Skype for
Business answers an Exchange UM server whose certificate names no configured peer.

Connection:
      --protocol PROTO     tls (default; HTTPS, SIP-TLS without a request), smtp (STARTTLS)
                           or sip (TLS, then SIP OPTIONS)
                           default ports: tls 443, smtp 25, sip 5061
      --sni NAME           the TLS server name to send (default: HOST unless an address)
      --no-sni             send no server name
      --timeout SECONDS    time limit of the whole connection (default 10); also of each
                           revocation transfer with --online
      --client-cert FILE   present this client certificate: PKCS#12, or PEM/DER with --client-key
      --client-key FILE    the client certificate's private key (PEM or DER)

""" + _usage_common(True) + """
Exit status: 0 pass, 1 warnings (or a client certificate whose fate the server's answer does
not tell), 2 error findings or a client certificate the server rejected, 3 usage error or no
certificate obtained (connection refused, timeout, not TLS).
"""

USAGE_ROLES = ("Usage: ucpolicy roles [--format text|json]\n\n"
               "List the roles, their aliases and the deployment facts they need.\n")
USAGE_RULES = ("Usage: ucpolicy rules [--role ROLE] [--product PRODUCT] [--format text|json]\n\n"
               "List every rule, or the rules of ROLE with their severities for PRODUCT (default sfb2019).\n")


class _Exit(Exception):
    """Leave the command with a status (the C code's exit() and return paths)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Out:
    """stdout and stderr as bytes: text from the library is written back exactly as it came
    (str decoded with surrogateescape), whatever the locale's encoding."""

    def __init__(self) -> None:
        self.stdout: BinaryIO = sys.stdout.buffer
        self.stderr: BinaryIO = sys.stderr.buffer

    @staticmethod
    def _bytes(text: str) -> bytes:
        return text.encode("utf-8", "surrogateescape")

    def out(self, text: str) -> None:
        self.stdout.write(self._bytes(text))

    def err(self, text: str) -> None:
        self.stderr.write(self._bytes(text))
        self.stderr.flush()


# ---- getopt_long ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _LongOpt:
    name: str
    has_arg: bool
    key: str


def _getopt_long(argv0: str, args: Sequence[str], shortopts: str, longopts: Sequence[_LongOpt],
                 out: _Out, operands: List[str]) -> Iterator[Tuple[str, Optional[str]]]:
    """glibc getopt_long, as a generator of (key, argument); key "?" for an error (the
    message already printed, as glibc prints it). Operands are appended to ``operands`` in the
    order getopt leaves them in argv (permuted non-options, then everything after "--")."""
    posix = "POSIXLY_CORRECT" in os.environ
    short_args = {c: i + 1 < len(shortopts) and shortopts[i + 1] == ":"
                  for i, c in enumerate(shortopts) if c != ":"}
    i = 0
    while i < len(args):
        arg = args[i]
        i += 1
        if arg == "--":
            operands.extend(args[i:])
            return
        if not arg.startswith("-") or arg == "-":
            operands.append(arg)
            if posix:
                operands.extend(args[i:])
                return
            continue
        if arg.startswith("--"):
            body = arg[2:]
            name, eq, value = body.partition("=")
            exact = [o for o in longopts if o.name == name]
            found = exact or [o for o in longopts if o.name.startswith(name)]
            if len(found) > 1:
                out.err(f"{argv0}: option '--{name}' is ambiguous; possibilities:"
                        + "".join(f" '--{o.name}'" for o in found) + "\n")
                yield "?", None
                continue
            if not found:
                out.err(f"{argv0}: unrecognized option '--{body}'\n")
                yield "?", None
                continue
            opt = found[0]
            if eq:
                if not opt.has_arg:
                    out.err(f"{argv0}: option '--{opt.name}' doesn't allow an argument\n")
                    yield "?", None
                    continue
                yield opt.key, value
            elif opt.has_arg:
                if i < len(args):
                    i += 1
                    yield opt.key, args[i - 1]
                else:
                    out.err(f"{argv0}: option '--{opt.name}' requires an argument\n")
                    yield "?", None
            else:
                yield opt.key, None
            continue
        cluster = arg[1:]
        while cluster:
            c, cluster = cluster[0], cluster[1:]
            if c not in short_args:
                out.err(f"{argv0}: invalid option -- '{c}'\n")
                yield "?", None
                continue
            if not short_args[c]:
                yield c, None
                continue
            if cluster:
                yield c, cluster
            elif i < len(args):
                i += 1
                yield c, args[i - 1]
            else:
                out.err(f"{argv0}: option requires an argument -- '{c}'\n")
                yield "?", None
            break


# ---- value parsers (as the C command's) ------------------------------------------------------


def _strtol(text: str) -> Optional[Tuple[int, str]]:
    """C strtol(text, &end, 10): (value, rest), or None on overflow of a 64-bit long."""
    s = text.lstrip(" \t\n\v\f\r")
    sign = 1
    j = 0
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        j = 1
    k = j
    while k < len(s) and "0" <= s[k] <= "9":
        k += 1
    if k == j:
        return 0, text  # no digits: end = start
    value = sign * int(s[j:k])
    if not -(2 ** 63) <= value <= 2 ** 63 - 1:
        return None
    return value, s[k:]


def _long_between(text: str, lo: int, hi: int) -> Optional[int]:
    """The C command's number options: strtol() to the end of @text, within [lo, hi]; None if not.
    As in C, text without digits parses as 0 with the text left over (refused); "" is 0."""
    parsed = _strtol(text)
    if parsed is None or parsed[1] or not lo <= parsed[0] <= hi:
        return None
    return parsed[0]


def _days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (any day number, as timegm)."""
    y -= m <= 2
    era = y // 400  # floor division: no correction for negative years needed
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_day(days: int) -> int:
    """The day of the month of a day count since 1970-01-01."""
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    return doy - (153 * mp + 2) // 5 + 1


def parse_time(s: str) -> Optional[int]:
    """--at: YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH[:]MM], or @UNIXSECONDS; Unix seconds."""
    if s.startswith("@"):
        parsed = _strtol(s[1:])
        if parsed is None or parsed[1] == s[1:] or parsed[1]:
            return None
        return parsed[0]
    pos = 0

    def digits(n: int) -> Optional[int]:
        nonlocal pos
        chunk = s[pos:pos + n]
        if len(chunk) != n or not all("0" <= ch <= "9" for ch in chunk):
            return None
        pos += n
        return int(chunk)

    def take(ch: str) -> bool:
        nonlocal pos
        if s[pos:pos + 1] == ch:
            pos += 1
            return True
        pos += 1  # the C code advances past the character even when it does not match
        return False

    y = digits(4)
    if y is None or not take("-"):
        return None
    mo = digits(2)
    if mo is None or not take("-"):
        return None
    d = digits(2)
    if d is None:
        return None
    h = mi = se = 0
    offset = 0
    if s[pos:pos + 1] in ("T", "t", " "):
        pos += 1
        hv = digits(2)
        if hv is None or not take(":"):
            return None
        mv = digits(2)
        if mv is None:
            return None
        h, mi = hv, mv
        if s[pos:pos + 1] == ":":
            pos += 1
            sv = digits(2)
            if sv is None:
                return None
            se = sv
            if s[pos:pos + 1] in (".", ","):
                pos += 1
                while s[pos:pos + 1].isdigit() and "0" <= s[pos] <= "9":
                    pos += 1
        if s[pos:pos + 1] in ("Z", "z"):
            pos += 1
        elif s[pos:pos + 1] in ("+", "-"):
            sign = -1 if s[pos] == "-" else 1
            pos += 1
            oh = digits(2)
            if oh is None:
                return None
            om = 0
            if s[pos:pos + 1] == ":":
                pos += 1
            if pos < len(s):
                omv = digits(2)
                if omv is None:
                    return None
                om = omv
            offset = sign * (oh * 3600 + om * 60)
    if pos < len(s) or not 1 <= mo <= 12 or not 1 <= d <= 31 or h > 23 or mi > 59 or se > 60:
        return None
    t = (_days_from_civil(y, mo, 1) + d - 1) * 86400 + h * 3600 + mi * 60 + se
    if _civil_day(t // 86400) != d:
        return None  # e.g. 2026-02-30
    return t - offset


# ---- check -----------------------------------------------------------------------------------

_COMMON_OPTS = [_LongOpt(n, a, k) for n, a, k in [
    ("role", True, "r"), ("fqdn", True, "fqdn"), ("pool", True, "pool"), ("sip-domain", True, "sip-domain"),
    ("simple-url", True, "simple-url"), ("web-fqdn", True, "web-fqdn"), ("access-edge", True, "access-edge"),
    ("webconf-edge", True, "webconf-edge"), ("xmpp-domain", True, "xmpp-domain"), ("product", True, "product"),
    ("topology", True, "topology"), ("chain", True, "chain"), ("trust", True, "trust"),
    ("public-roots", True, "public-roots"), ("at", True, "at"), ("expiry-warning", True, "expiry-warning"),
    ("crl", True, "crl"), ("online", False, "online"), ("timeout", True, "timeout"),
    ("password-file", True, "password-file"), ("password-env", True, "password-env"), ("format", True, "format"),
    ("compact", False, "compact"), ("fail-on", True, "fail-on"), ("color", True, "color"),
    ("verbose", False, "v"), ("quiet", False, "q"), ("help", False, "h"),
]]
# In the C command's order: the shared options, then each command's own (getopt_long lists the
# possibilities of an ambiguous abbreviation in table order).
_CHECK_OPTS = [*_COMMON_OPTS, _LongOpt("same-certificate", False, "same-certificate"), _LongOpt("jobs", True, "j")]
_PROBE_OPTS = [*_COMMON_OPTS, *(_LongOpt(n, a, k) for n, a, k in [
    ("protocol", True, "protocol"), ("sni", True, "sni"), ("no-sni", False, "no-sni"),
    ("client-cert", True, "client-cert"), ("client-key", True, "client-key"),
])]

_FACT_OPTS = {f.value: f for f in Fact}
_HOST_MAX = 300  # the C command's host buffer, terminator included


def _die_usage(out: _Out, message: str, command: str = "check") -> NoReturn:
    out.err(f"{PROG}: {message}\nTry 'ucpolicy {command} --help'.\n")
    raise _Exit(EXIT_USAGE)


def _json_escape(text: str) -> str:
    """The C command's JSON string escaping: quotes, backslashes and control characters; bytes
    that were not UTF-8 (surrogate-escaped in a command-line argument) as the text \\xHH."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        elif "\udc80" <= ch <= "\udcff":
            out.append(f"\\\\x{ord(ch) - 0xDC00:02X}")
        else:
            out.append(ch)
    return "".join(out)


def _json_input_error(out: _Out, name: str, error: Error, last: bool, pretty: bool) -> None:
    nl = "\n" if pretty else ""
    ind = "  " if pretty else ""
    code_name = _lib.ucp_strerror_name(error.code)
    out.out(f'{{{nl}{ind}"schema": "ucpolicy-report",{nl}{ind}"schemaVersion": "{_lib.UCP_REPORT_SCHEMA_VERSION}",'
            f'{nl}{ind}"input": {{"name": "{_json_escape(name)}"}},{nl}{ind}"result": "error",{nl}{ind}"error": '
            f'{{"code": "{code_name}", "message": "{_json_escape(error.message)}"}}{nl}}}{"" if last else ","}')


def _read_password_file(out: _Out, path: str) -> bytearray:
    try:
        with open(path, "rb") as f:
            data = bytearray(f.read(4095))
    except IsADirectoryError:
        data = bytearray()  # C: fopen() of a directory succeeds, fread() reads nothing
    except OSError as e:
        out.err(f"{PROG}: {path}: cannot read the password file: {e.strerror}\n")
        raise _Exit(EXIT_USAGE) from None
    end = 0
    while end < len(data) and data[end] not in (0x0A, 0x0D):
        end += 1
    line = bytearray(data[:end])
    data[:] = b"\0" * len(data)
    return line


class _Common:
    """The options check and probe share (struct common_opts of the C command)."""

    def __init__(self, command: str) -> None:
        self.command = command
        self.role: Optional[str] = None
        self.topology_file: Optional[str] = None
        self.fmt, self.color = "text", "auto"
        self.chain: List[str] = []
        self.trust: List[str] = []
        self.public_roots: List[str] = []
        self.crls: List[str] = []
        self.online = False
        self.timeout: Optional[int] = None
        self.facts: List[Tuple[Fact, str]] = []
        self.product: Optional[str] = None
        self.at = int(_lib.UCP_TIME_NOW)
        self.expiry: Optional[int] = None
        self.compact = self.verbose = self.quiet = False
        self.fail_on: Optional[Severity] = Severity.WARNING
        self.password: Optional[bytearray] = None

    def wipe(self) -> None:
        if self.password is not None:
            self.password[:] = b"\0" * len(self.password)
            self.password = None

    def password_bytes(self) -> Optional[bytes]:
        return bytes(self.password) if self.password is not None else None

    def take(self, out: _Out, key: str, value: Optional[str]) -> bool:
        """Take one option of the shared set; False when ``key`` is not one of them."""
        die = lambda message: _die_usage(out, message, self.command)  # noqa: E731
        v = value or ""
        if key == "r":
            self.role = value
        elif key in _FACT_OPTS:
            if len(self.facts) == 64:
                die("too many deployment facts")
            self.facts.append((_FACT_OPTS[key], v))
        elif key == "product":
            self.product = value
        elif key == "topology":
            self.topology_file = value
        elif key == "chain":
            self.chain.append(v)
        elif key == "trust":
            self.trust.append(v)
        elif key == "public-roots":
            self.public_roots.append(v)
        elif key == "at":
            parsed = parse_time(v)
            if parsed is None:
                die(f"--at: '{value}' is not an ISO 8601 date or time (e.g. 2026-05-01 or 2026-05-01T12:00:00Z)")
            self.at = parsed
        elif key == "expiry-warning":
            days = _long_between(v, 0, 3650)
            if days is None:
                die(f"--expiry-warning: '{value}' is not a number of days between 0 and 3650")
            self.expiry = days
        elif key == "crl":
            self.crls.append(v)
        elif key == "online":
            self.online = True
        elif key == "timeout":
            seconds = _long_between(v, 1, 600)
            if seconds is None:
                die(f"--timeout: '{value}' is not a number of seconds between 1 and 600")
            self.timeout = seconds
        elif key == "password-file":
            self.wipe()
            self.password = _read_password_file(out, v)
        elif key == "password-env":
            env = os.environb.get(os.fsencode(v))
            if env is None:
                die(f"--password-env: the environment variable '{value}' is not set")
            self.wipe()
            self.password = bytearray(env)
        elif key == "format":
            if value not in ("text", "json"):
                die(f"--format: '{value}' is not text or json")
            self.fmt = v
        elif key == "compact":
            self.compact = True
        elif key == "fail-on":
            if value not in ("error", "warning", "info", "never"):
                die(f"--fail-on: '{value}' is not error, warning, info or never")
            self.fail_on = None if value == "never" else Severity.parse(v)
        elif key == "color":
            if value not in ("auto", "always", "never"):
                die(f"--color: '{value}' is not auto, always or never")
            self.color = v
        elif key == "v":
            self.verbose = True
        elif key == "q":
            self.quiet = True
        else:
            return False
        return True

    @property
    def json(self) -> bool:
        return self.fmt == "json"

    def check_role(self, out: _Out) -> int:
        """The role must be known (check_role()); EXIT_USAGE with the message otherwise."""
        if self.role is None or _lib.ucp_role_find(self.role) is None:
            out.err(f"{PROG}: unknown role '{self.role}'; run 'ucpolicy roles' for the list\n")
            return EXIT_USAGE
        return EXIT_PASS

    def setup(self, out: _Out) -> Tuple[int, Any, Optional[Checker]]:
        """The topology and the checker (common_setup()): (EXIT_PASS, topology, checker), or
        (EXIT_USAGE, None, None) with the message printed. The caller frees the topology."""
        topology = _lib.ucp_topology_new()
        try:
            if self.topology_file is not None:
                _lib.ucp_topology_load_file(topology, self.topology_file)
            # Options replace the topology file's values of the same fact; later ones add.
            seen = set()
            for fact, value in self.facts:
                try:
                    (_lib.ucp_topology_add if fact in seen else _lib.ucp_topology_set)(
                        topology, int(_lib.ucp_fact_from_name(fact.value)), value)
                except Error as e:
                    out.err(f"{PROG}: --{fact.value}: {e.message}\n")
                    _lib.ucp_topology_free(topology)
                    return EXIT_USAGE, None, None
                seen.add(fact)
            if self.product is not None:
                _lib.ucp_topology_set_product(topology, _lib.ucp_product_from_name(self.product))
            checker = Checker(chain=self.chain, trust=self.trust, public_roots=self.public_roots, crls=self.crls,
                              online=self.online, network_timeout=self.timeout, at=self.at,
                              expiry_warning_days=self.expiry)
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            _lib.ucp_topology_free(topology)
            return EXIT_USAGE, None, None
        return EXIT_PASS, topology, checker

    def render(self, out: _Out, report: Report) -> bool:
        """Print one report as the options say (print_report()); False when it could not be
        rendered (message printed)."""
        use_color = self.color == "always" or (
            self.color == "auto" and _isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb")
        try:
            text = report.to_json(pretty=not self.compact) if self.json else report.to_text(
                verbose=self.verbose, color=use_color)
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            return False
        out.out(text)
        return True


def _cmd_check(out: _Out, args: Sequence[str]) -> int:
    o = _Common("check")
    same_certificate = False
    jobs = 1
    files: List[str] = []
    try:
        for key, value in _getopt_long("check", args, "r:vqhj:", _CHECK_OPTS, out, files):
            if o.take(out, key, value):
                continue
            if key == "same-certificate":
                same_certificate = True
            elif key == "j":
                n = _long_between(value, 0, 256) if value else None  # C refuses "" (end == optarg)
                if n is None:
                    _die_usage(out, f"--jobs: '{value}' is not a number of files between 0 (one per CPU) and 256")
                jobs = n or min(os.cpu_count() or 1, 256)
            elif key == "h":
                out.out(USAGE_CHECK)
                return EXIT_PASS
            else:
                out.err("Try 'ucpolicy check --help'.\n")
                return EXIT_USAGE
        if o.role is None:
            _die_usage(out, "check: --role is required (see 'ucpolicy roles')")
        if not files:
            _die_usage(out, "check: no certificate file given")
        if same_certificate and len(files) < 2:
            _die_usage(out, "check: --same-certificate compares two or more FILEs, one per server of the pool")
        status = o.check_role(out)
        if status:
            return status
        status, topology, checker = o.setup(out)
        if status or checker is None:
            return status
        try:
            return _run_checks(out, o, files, same_certificate, topology, checker, jobs)
        finally:
            checker.close()
            _lib.ucp_topology_free(topology)
    finally:
        o.wipe()


def _run_checks(out: _Out, o: _Common, files: Sequence[str], same_certificate: bool, topology: Any,
                checker: Checker, jobs: int = 1) -> int:
    role = o.role
    password = o.password_bytes()
    several = len(files) > 1
    status = EXIT_PASS
    pool: List[Any] = []

    def check_one(i: int) -> Tuple[Optional[Report], Optional[Error]]:
        try:
            with checker._using() as c_checker:
                if pool:
                    return Report(_lib.ucp_checker_check_pool(c_checker, pool, role, topology) if i == 0
                                  else _lib.ucp_checker_check(c_checker, pool[i], role, topology)), None
                c_input = _lib.ucp_input_from_file(files[i], password)
                try:
                    return Report(_lib.ucp_checker_check(c_checker, c_input, role, topology)), None
                finally:
                    _lib.ucp_input_free(c_input)
        except Error as e:
            return None, e

    def results() -> Iterator[Tuple[Optional[Report], Optional[Error]]]:
        threads = min(jobs, len(files)) if not pool else 1
        if threads <= 1:
            yield from (check_one(i) for i in range(len(files)))
            return
        # As the C command: the bindings release the GIL around parsing and checking, so N
        # threads check N files at once; workers run at most a window ahead of the output.
        from collections import deque
        from concurrent.futures import Future, ThreadPoolExecutor
        window = threads * 32
        with ThreadPoolExecutor(max_workers=threads) as executor:
            pending: "deque[Future[Tuple[Optional[Report], Optional[Error]]]]" = deque()
            submitted = 0
            while submitted < len(files) or pending:
                while submitted < len(files) and len(pending) < window:
                    pending.append(executor.submit(check_one, submitted))
                    submitted += 1
                yield pending.popleft().result()

    try:
        # A pool check needs every file: read them all first (a file that cannot be read stops it).
        if same_certificate:
            for path in files:
                try:
                    pool.append(_lib.ucp_input_from_file(path, password))
                except Error as e:
                    out.err(f"{PROG}: {e.message}\n")
                    return EXIT_USAGE
        if o.json and several and not o.quiet:
            out.out("[" if o.compact else "[\n")
        for i, (report, error) in enumerate(results()):
            path = files[i]
            last = i == len(files) - 1
            if error is not None or report is None:
                assert error is not None
                out.err(f"{PROG}: {error.message}\n")
                if o.json and not o.quiet:
                    _json_input_error(out, path, error, not several or last, not o.compact)
                    if not (o.compact and several):
                        out.out("\n")
                status = max(status, EXIT_USAGE)
                continue
            status = max(status, report.exit_code(o.fail_on))
            if not o.quiet:
                if not o.render(out, report):
                    status = max(status, EXIT_USAGE)
                else:
                    if o.json and several and not last:
                        out.out(",")
                    # --compact keeps a JSON array of several reports on one line.
                    if (not (o.compact and several)) if o.json else not last:
                        out.out("\n")
        if o.json and several and not o.quiet:
            out.out("]\n")
        return status
    finally:
        for c_input in pool:
            _lib.ucp_input_free(c_input)


# ---- probe -----------------------------------------------------------------------------------


def _parse_target(out: _Out, arg: str, default_port: int) -> Tuple[str, int]:
    """HOST[:PORT], [IPV6][:PORT] or a bare IPv6 address; the port defaults by protocol."""
    port_text: Optional[str] = None
    if arg.startswith("["):
        close = arg.find("]")
        if close < 0 or (close + 1 < len(arg) and arg[close + 1] != ":"):
            _die_usage(out, f"probe: '{arg}' is not HOST[:PORT] (an IPv6 address goes in brackets: [::1]:5061)",
                       "probe")
        host = arg[1:close]
        if close + 1 < len(arg):
            port_text = arg[close + 2:]
    else:
        colon = arg.find(":")
        if colon >= 0 and ":" in arg[colon + 1:]:
            colon = -1  # a bare IPv6 address
        host = arg[:colon] if colon >= 0 else arg
        if colon >= 0:
            port_text = arg[colon + 1:]
    size = len(host.encode("utf-8", "surrogateescape"))
    if size == 0 or size >= _HOST_MAX:
        _die_usage(out, f"probe: '{arg}' is not HOST[:PORT]", "probe")
    port = default_port
    if port_text is not None:
        number = _long_between(port_text, 1, 65535)
        if number is None:
            _die_usage(out, f"probe: the port in '{arg}' is not a number between 1 and 65535", "probe")
        port = number
    return host, port


def _cmd_probe(out: _Out, args: Sequence[str]) -> int:
    o = _Common("probe")
    protocol = ProbeProtocol.TLS
    sni: Optional[str] = None
    no_sni = False
    client_cert: Optional[str] = None
    client_key: Optional[str] = None
    operands: List[str] = []
    try:
        for key, value in _getopt_long("probe", args, "r:vqh", _PROBE_OPTS, out, operands):
            if o.take(out, key, value):
                continue
            if key == "protocol":
                try:  # the library's parser, as the C command
                    protocol = _probe_protocol_from_c(_lib.ucp_probe_protocol_from_name(value or ""))
                except Error:
                    _die_usage(out, f"--protocol: '{value}' is not tls, smtp or sip", "probe")
            elif key == "sni":
                sni = value
            elif key == "no-sni":
                no_sni = True
            elif key == "client-cert":
                client_cert = value
            elif key == "client-key":
                client_key = value
            elif key == "h":
                out.out(USAGE_PROBE)
                return EXIT_PASS
            else:
                out.err("Try 'ucpolicy probe --help'.\n")
                return EXIT_USAGE
        if o.role is None:
            _die_usage(out, "probe: --role is required (see 'ucpolicy roles')", "probe")
        if not operands:
            _die_usage(out, "probe: no HOST[:PORT] given", "probe")
        if len(operands) > 1:
            _die_usage(out, f"probe: one HOST[:PORT] at a time ('{operands[1]}' is one too many)", "probe")
        if sni is not None and no_sni:
            _die_usage(out, "probe: --sni and --no-sni exclude each other", "probe")
        if client_key is not None and client_cert is None:
            _die_usage(out, "probe: --client-key needs --client-cert", "probe")
        target = operands[0]
        host, port = _parse_target(out, target, protocol.default_port)
        status = o.check_role(out)
        if status:
            return status
        status, topology, checker = o.setup(out)
        if status or checker is None:
            return status
        try:
            return _run_probe(out, o, target, host, port, protocol, sni, no_sni, client_cert, client_key,
                              topology, checker)
        finally:
            checker.close()
            _lib.ucp_topology_free(topology)
    finally:
        o.wipe()


def _run_probe(out: _Out, o: _Common, target: str, host: str, port: int, protocol: ProbeProtocol,
               sni: Optional[str], no_sni: bool, client_cert: Optional[str], client_key: Optional[str],
               topology: Any, checker: Checker) -> int:
    # The same library calls as the C command, in its order.
    probe = None
    try:
        try:
            probe = _lib.ucp_probe_new(host, port)
            _lib.ucp_probe_set_protocol(probe, int(_lib.ucp_probe_protocol_from_name(protocol.value)))
            if sni is not None or no_sni:
                _lib.ucp_probe_set_server_name(probe, None if no_sni else sni)
            if o.timeout is not None:
                _lib.ucp_probe_set_timeout(probe, o.timeout * 1000)
            if client_cert is not None:
                _lib.ucp_probe_set_client_credentials(probe, client_cert, client_key, o.password_bytes())
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            return EXIT_USAGE
        finally:
            o.wipe()  # loaded into the probe: the command needs it no more
        try:
            with checker._using() as c_checker:
                report = Report(_lib.ucp_probe_run(probe, c_checker, o.role, topology))
        except Error as e:
            # No certificate from the server: nothing to judge, a usage/connection error.
            out.err(f"{PROG}: {e.message}\n")
            if o.json and not o.quiet:
                _json_input_error(out, target, e, True, not o.compact)
                out.out("\n")
            return EXIT_USAGE
        status = report.exit_code(o.fail_on)
        if not o.quiet:
            if not o.render(out, report):
                status = EXIT_USAGE
            else:
                out.out("\n")
        return status
    finally:
        if probe is not None:
            _lib.ucp_probe_free(probe)


def _isatty() -> bool:
    try:
        return os.isatty(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):
        return False


# ---- roles / rules ---------------------------------------------------------------------------

_LIST_OPTS = [_LongOpt("format", True, "f"), _LongOpt("role", True, "r"), _LongOpt("product", True, "p"),
              _LongOpt("help", False, "h")]


def _parse_list_opts(out: _Out, argv0: str, args: Sequence[str], usage: str, allow_role: bool
                     ) -> Tuple[int, bool, Optional[str], Optional[str]]:
    """(status, json, role, product); status -1 means help was printed."""
    json_out = False
    role: Optional[str] = None
    product: Optional[str] = None
    operands: List[str] = []
    for key, value in _getopt_long(argv0, args, "r:h", _LIST_OPTS, out, operands):
        if key == "f":
            if value not in ("json", "text"):
                out.err(f"{PROG}: --format: '{value}' is not text or json\n")
                return EXIT_USAGE, False, None, None
            json_out = value == "json"
        elif key == "r" and allow_role:
            role = value
        elif key == "p" and allow_role:
            product = value
        elif key == "h":
            out.out(usage)
            return -1, False, None, None
        else:
            out.err(usage)
            return EXIT_USAGE, False, None, None
    if operands:
        out.err(f"{PROG}: unexpected argument '{operands[0]}'\n")
        return EXIT_USAGE, False, None, None
    return EXIT_PASS, json_out, role, product


def _cmd_roles(out: _Out, args: Sequence[str]) -> int:
    status, json_out, _, _ = _parse_list_opts(out, "roles", args, USAGE_ROLES, False)
    if status:
        return EXIT_PASS if status < 0 else status
    products = [(p, _lib.ucp_product_from_name(p.value)) for p in Product]
    facts = [(f, _lib.ucp_fact_from_name(f.value)) for f in Fact]
    count = _lib.ucp_role_count()
    if json_out:
        out.out("[\n")
    for i in range(count):
        r = _lib.ucp_role_at(i)
        if json_out:
            aliases = ", ".join(f'"{_json_escape(_lib.ucp_role_alias_at(r, k))}"'
                                for k in range(_lib.ucp_role_alias_count(r)))
            in_products = ", ".join(f'"{p.value}"' for p, c in products if _lib.ucp_role_in_product(r, c))
            required = ", ".join(f'"{f.value}"' for f, c in facts if _lib.ucp_role_requires_fact(r, c))
            optional = ", ".join(f'"{f.value}"' for f, c in facts
                                 if not _lib.ucp_role_requires_fact(r, c) and _lib.ucp_role_uses_fact(r, c))
            out.out(f'  {{"id": "{_json_escape(_lib.ucp_role_id(r))}", "title": "{_json_escape(_lib.ucp_role_title(r))}", '
                    f'"description": "{_json_escape(_lib.ucp_role_description(r))}", "aliases": [{aliases}], '
                    f'"products": [{in_products}], "requiredFacts": [{required}], "optionalFacts": [{optional}], '
                    f'"ruleCount": {_lib.ucp_role_rule_count(r)}}}{"," if i + 1 < count else ""}\n')
            continue
        out.out(f"{_lib.ucp_role_id(r):<26} {_lib.ucp_role_title(r)}\n")
        if _lib.ucp_role_alias_count(r):
            out.out(f"{'':<26} aliases:" + "".join(
                f"{',' if k else ''} {_lib.ucp_role_alias_at(r, k)}" for k in range(_lib.ucp_role_alias_count(r))) + "\n")
        needs = ""
        for f, c in facts:
            if not _lib.ucp_role_uses_fact(r, c):
                continue
            needs += (" " if needs else "                           needs: ") + f"--{f.value}" + (
                "" if _lib.ucp_role_requires_fact(r, c) else " (optional)")
        if needs:
            out.out(needs + "\n")
    if json_out:
        out.out("]\n")
    return EXIT_PASS


def _cmd_rules(out: _Out, args: Sequence[str]) -> int:
    status, json_out, role_name, product_name = _parse_list_opts(out, "rules", args, USAGE_RULES, True)
    if status:
        return EXIT_PASS if status < 0 else status
    product = _lib.ucp_product_from_name(Product.SFB2019.value)
    if product_name is not None:
        try:
            product = _lib.ucp_product_from_name(product_name)
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            return EXIT_USAGE
    if role_name is None:
        count = _lib.ucp_rule_count()
        if json_out:
            out.out("[\n")
        for i in range(count):
            rule = _lib.ucp_rule_at(i)
            code = _lib.ucp_rule_code(rule)
            field = _lib.ucp_field_name(_lib.ucp_rule_field(rule))
            if json_out:
                bound = []
                for k in range(_lib.ucp_role_count()):
                    r = _lib.ucp_role_at(k)
                    for j in range(_lib.ucp_role_rule_count(r)):
                        if _lib.ucp_rule_code(_lib.ucp_role_rule_rule(_lib.ucp_role_rule_at(r, j))) == code:
                            bound.append(f'"{_json_escape(_lib.ucp_role_id(r))}"')
                out.out(f'  {{"code": "{_json_escape(code)}", "field": "{_json_escape(field)}", '
                        f'"title": "{_json_escape(_lib.ucp_rule_title(rule))}", '
                        f'"remediation": "{_json_escape(_lib.ucp_rule_remediation(rule))}", '
                        f'"roles": [{", ".join(bound)}]}}{"," if i + 1 < count else ""}\n')
            else:
                out.out(f"{code:<38} {field:<18} {_lib.ucp_rule_title(rule)}\n")
        if json_out:
            out.out("]\n")
        return EXIT_PASS
    role = _lib.ucp_role_find(role_name)
    if role is None:
        out.err(f"{PROG}: unknown role '{role_name}'; run 'ucpolicy roles' for the list\n")
        return EXIT_USAGE
    if json_out:
        out.out(f'{{"role": "{_json_escape(_lib.ucp_role_id(role))}", '
                f'"product": "{_json_escape(_lib.ucp_product_name(product))}", "rules": [\n')
    else:
        out.out(f"{_lib.ucp_role_id(role)} - {_lib.ucp_role_title(role)} ({_lib.ucp_product_title(product)})\n\n")
    first = True
    for i in range(_lib.ucp_role_rule_count(role)):
        rr = _lib.ucp_role_rule_at(role, i)
        if not _lib.ucp_role_rule_applies(rr, product):
            continue
        severity = _lib.ucp_severity_name(_lib.ucp_role_rule_severity(rr, product))
        refs = [_lib.ucp_role_rule_reference_at(rr, k) for k in range(_lib.ucp_role_rule_reference_count(rr))]
        if json_out:
            ref_json = ", ".join(
                f'{{"key": "{_json_escape(_lib.ucp_reference_key(ref))}", '
                f'"title": "{_json_escape(_lib.ucp_reference_title(ref))}", '
                f'"url": "{_json_escape(_lib.ucp_reference_url(ref))}"}}' for ref in refs)
            out.out(("  " if first else ",\n  ")
                    + f'{{"code": "{_json_escape(_lib.ucp_role_rule_code(rr))}", '
                    f'"field": "{_json_escape(_lib.ucp_field_name(_lib.ucp_rule_field(_lib.ucp_role_rule_rule(rr))))}", '
                    f'"severity": "{_json_escape(severity)}", "text": "{_json_escape(_lib.ucp_role_rule_text(rr))}", '
                    f'"baseline": {"true" if _lib.ucp_role_rule_is_baseline(rr) else "false"}, '
                    f'"references": [{ref_json}]}}')
        else:
            out.out(f"{_lib.ucp_role_rule_code(rr):<38} {severity:<8} {_lib.ucp_role_rule_text(rr)} ["
                    + ", ".join(_lib.ucp_reference_key(ref) for ref in refs) + "]\n")
        first = False
    if json_out:
        out.out("\n]}\n")
    return EXIT_PASS


# ---- main ------------------------------------------------------------------------------------


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: sys.argv[1:]); returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    out = _Out()
    try:
        if not args:
            out.err(USAGE_MAIN)
            return EXIT_USAGE
        cmd, rest = args[0], args[1:]
        if cmd == "check":
            status = _cmd_check(out, rest)
        elif cmd == "probe":
            status = _cmd_probe(out, rest)
        elif cmd == "roles":
            status = _cmd_roles(out, rest)
        elif cmd == "rules":
            status = _cmd_rules(out, rest)
        elif cmd in ("version", "--version"):
            out.out(f"ucpolicy {_lib.UCP_VERSION} (libucpolicy {_lib.ucp_version()}, GnuTLS {_lib.ucp_gnutls_version()})\n")
            status = EXIT_PASS
        elif cmd in ("help", "--help", "-h"):
            out.out(USAGE_MAIN)
            status = EXIT_PASS
        else:
            out.err(f"{PROG}: unknown command '{cmd}'\n")
            out.err(USAGE_MAIN)
            status = EXIT_USAGE
    except _Exit as e:
        status = e.status
    try:
        out.stdout.flush()
    except OSError as e:
        # As the C command: a report that could not be written is an error (e.g. a full disk).
        # stdout is then closed quietly, so the interpreter does not report it a second time.
        try:
            out.err(f"{PROG}: cannot write the report: {e.strerror or e}\n")
        except OSError:
            pass
        _silence_stdout()
        return EXIT_USAGE
    return status


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
