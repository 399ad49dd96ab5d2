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
from typing import BinaryIO, Dict, Iterator, List, NoReturn, Optional, Sequence, Tuple

from . import _ucpolicy as _lib
from ._checker import Checker
from ._enums import Fact, Product, Severity
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
  roles                     list the roles and the deployment facts they need
  rules [--role ROLE]       list the rules, with severities and sources
  version                   print the versions of libucpolicy and GnuTLS

Run 'ucpolicy check --help' for the options of a check.
Exit status: 0 pass, 1 warnings only, 2 error findings, 3 usage or input error.
"""

USAGE_CHECK = """\
Usage: ucpolicy check --role ROLE [OPTIONS] FILE...

Check each FILE (PEM, DER, PKCS#7 or PKCS#12; leaf first, then its chain) against ROLE.

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
      --timeout SECONDS    time limit of each network transfer (default 5)

PKCS#12 password (never given on the command line, so it stays out of ps and history):
      --password-file FILE read it from the first line of FILE
      --password-env VAR   read it from the environment variable VAR

Output:
      --format FORMAT      text (default) or json; several FILEs give a JSON array
      --compact            one-line JSON
      --fail-on LEVEL      lowest severity that fails: error, warning (default), info, never
      --color WHEN         auto (default), always or never
  -v, --verbose            text: source URLs, the role's wording and SHA-256
  -q, --quiet              print nothing; the exit status tells
  -h, --help               this help
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

_CHECK_OPTS = [_LongOpt(n, a, k) for n, a, k in [
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

_FACT_OPTS = {f.value: f for f in Fact}


def _die_usage(out: _Out, message: str) -> NoReturn:
    out.err(f"{PROG}: {message}\nTry 'ucpolicy check --help'.\n")
    raise _Exit(EXIT_USAGE)


def _json_escape(text: str) -> str:
    """The C command's JSON string escaping: quotes, backslashes and control characters."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
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


def _cmd_check(out: _Out, args: Sequence[str]) -> int:
    role: Optional[str] = None
    topology_file: Optional[str] = None
    fmt, color = "text", "auto"
    chain: List[str] = []
    trust: List[str] = []
    public_roots: List[str] = []
    crls: List[str] = []
    online = False
    timeout: Optional[int] = None
    facts: List[Tuple[Fact, str]] = []
    product: Optional[str] = None
    at = int(_lib.UCP_TIME_NOW)
    expiry: Optional[int] = None
    compact = verbose = quiet = False
    fail_on: Optional[Severity] = Severity.WARNING
    password: Optional[bytearray] = None
    files: List[str] = []
    try:
        for key, value in _getopt_long("check", args, "r:vqh", _CHECK_OPTS, out, files):
            if key == "r":
                role = value
            elif key in _FACT_OPTS:
                if len(facts) == 64:
                    _die_usage(out, "too many deployment facts")
                facts.append((_FACT_OPTS[key], value or ""))
            elif key == "product":
                product = value
            elif key == "topology":
                topology_file = value
            elif key == "chain":
                chain.append(value or "")
            elif key == "trust":
                trust.append(value or "")
            elif key == "public-roots":
                public_roots.append(value or "")
            elif key == "at":
                parsed = parse_time(value or "")
                if parsed is None:
                    _die_usage(out, f"--at: '{value}' is not an ISO 8601 date or time "
                                    "(e.g. 2026-05-01 or 2026-05-01T12:00:00Z)")
                at = parsed
            elif key == "expiry-warning":
                days = _strtol(value or "")
                if days is None or days[1] or not 0 <= days[0] <= 3650:
                    _die_usage(out, f"--expiry-warning: '{value}' is not a number of days between 0 and 3650")
                expiry = days[0]
            elif key == "crl":
                crls.append(value or "")
            elif key == "online":
                online = True
            elif key == "timeout":
                seconds = _strtol(value or "")
                if seconds is None or seconds[1] or not 1 <= seconds[0] <= 600:
                    _die_usage(out, f"--timeout: '{value}' is not a number of seconds between 1 and 600")
                timeout = seconds[0]
            elif key == "password-file":
                password = _read_password_file(out, value or "")
            elif key == "password-env":
                env = os.environb.get(os.fsencode(value or ""))
                if env is None:
                    _die_usage(out, f"--password-env: the environment variable '{value}' is not set")
                password = bytearray(env)
            elif key == "format":
                if value not in ("text", "json"):
                    _die_usage(out, f"--format: '{value}' is not text or json")
                fmt = value
            elif key == "compact":
                compact = True
            elif key == "fail-on":
                if value not in ("error", "warning", "info", "never"):
                    _die_usage(out, f"--fail-on: '{value}' is not error, warning, info or never")
                fail_on = None if value == "never" else Severity.parse(value)
            elif key == "color":
                if value not in ("auto", "always", "never"):
                    _die_usage(out, f"--color: '{value}' is not auto, always or never")
                color = value
            elif key == "v":
                verbose = True
            elif key == "q":
                quiet = True
            elif key == "h":
                out.out(USAGE_CHECK)
                return EXIT_PASS
            else:
                out.err("Try 'ucpolicy check --help'.\n")
                return EXIT_USAGE
        if role is None:
            _die_usage(out, "check: --role is required (see 'ucpolicy roles')")
        if not files:
            _die_usage(out, "check: no certificate file given")
        if _lib.ucp_role_find(role) is None:
            out.err(f"{PROG}: unknown role '{role}'; run 'ucpolicy roles' for the list\n")
            return EXIT_USAGE
        return _run_checks(out, role, files, topology_file, facts, product, chain, trust, public_roots, crls,
                           online, timeout, at, expiry, fmt, color, compact, verbose, quiet, fail_on,
                           bytes(password) if password is not None else None)
    finally:
        if password is not None:
            password[:] = b"\0" * len(password)


def _run_checks(out: _Out, role: str, files: Sequence[str], topology_file: Optional[str],
                facts: Sequence[Tuple[Fact, str]], product: Optional[str], chain: Sequence[str],
                trust: Sequence[str], public_roots: Sequence[str], crls: Sequence[str], online: bool,
                timeout: Optional[int], at: int, expiry: Optional[int], fmt: str,
                color: str, compact: bool, verbose: bool, quiet: bool, fail_on: Optional[Severity],
                password: Optional[bytes]) -> int:
    # The facts as the C command applies them: the topology file, then each option in order
    # (the first value of a fact replaces the file's, later ones add to it), then the product.
    grouped: Dict[Fact, List[str]] = {}
    for fact, value in facts:
        grouped.setdefault(fact, []).append(value)
    topology = _lib.ucp_topology_new()
    checker: Optional[Checker] = None
    try:
        try:
            if topology_file is not None:
                _lib.ucp_topology_load_file(topology, topology_file)
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            return EXIT_USAGE
        seen = set()
        for fact, value in facts:
            try:
                (_lib.ucp_topology_add if fact in seen else _lib.ucp_topology_set)(
                    topology, int(_lib.ucp_fact_from_name(fact.value)), value)
            except Error as e:
                out.err(f"{PROG}: --{fact.value}: {e.message}\n")
                return EXIT_USAGE
            seen.add(fact)
        try:
            if product is not None:
                _lib.ucp_topology_set_product(topology, _lib.ucp_product_from_name(product))
            checker = Checker(chain=chain, trust=trust, public_roots=public_roots, crls=crls, online=online,
                              network_timeout=timeout, at=at, expiry_warning_days=expiry)
        except Error as e:
            out.err(f"{PROG}: {e.message}\n")
            return EXIT_USAGE

        json_out = fmt == "json"
        several = len(files) > 1
        use_color = color == "always" or (
            color == "auto" and _isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb")
        status = EXIT_PASS
        if json_out and several and not quiet:
            out.out("[" if compact else "[\n")
        for i, path in enumerate(files):
            last = i == len(files) - 1
            try:
                report = _check_one(checker, path, role, topology, password)
            except Error as e:
                out.err(f"{PROG}: {e.message}\n")
                if json_out and not quiet:
                    _json_input_error(out, path, e, not several or last, not compact)
                if json_out and several and not quiet:
                    out.out("" if compact else "\n")
                status = max(status, EXIT_USAGE)
                continue
            status = max(status, report.exit_code(fail_on))
            if not quiet:
                try:
                    text = report.to_json(pretty=not compact) if json_out else report.to_text(
                        verbose=verbose, color=use_color)
                except Error as e:
                    out.err(f"{PROG}: {e.message}\n")
                    status = max(status, EXIT_USAGE)
                else:
                    out.out(text)
                    if json_out and several and not last:
                        out.out(",")
                    if json_out or not last:
                        out.out("\n")
        if json_out and several and not quiet:
            out.out("]\n")
        return status
    finally:
        if checker is not None:
            checker.close()
        _lib.ucp_topology_free(topology)


def _check_one(checker: Checker, path: str, role: str, topology: object, password: Optional[bytes]) -> Report:
    # The same two library calls as the C command, on a topology built once for all files.
    with checker._using() as c_checker:
        c_input = _lib.ucp_input_from_file(path, password)
        try:
            return Report(_lib.ucp_checker_check(c_checker, c_input, role, topology))
        finally:
            _lib.ucp_input_free(c_input)


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
            needs += (" " if needs else "                           needs:") + f"--{f.value}" + (
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
