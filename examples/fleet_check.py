#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Fleet check: every certificate file of a folder against one role, as one table.

    python3 fleet_check.py CERTS/ --role exchange-um --trust contoso-root.pem --fqdn-from-name

Files named after their server (exch01.contoso.com.pfx, exch02.contoso.com.cer...) give the
server FQDN the role's name rules need with --fqdn-from-name. PKCS#12 files are opened with
the password of the environment variable named by --password-env. The checks run on one
ucpolicy.Checker from several threads (the library releases the GIL while it works).

Output: a table (default) or CSV, worst first; the exit status is the worst of the fleet, as
`ucpolicy check` gives it: 0 pass, 1 warnings, 2 errors, 3 a file could not be read.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import ucpolicy

SUFFIXES = {".pem", ".crt", ".cer", ".der", ".p7b", ".p7c", ".pfx", ".p12"}
RANK = {"error": 0, "fail": 1, "warning": 2, "pass": 3}


@dataclass
class Row:
    file: str
    result: str  # pass, warning, fail, or error (the file could not be read)
    days: Optional[int] = None
    subject: str = ""
    errors: int = 0
    warnings: int = 0
    detail: str = ""  # the most serious finding's code, or the error message
    status: int = 0


def check_file(checker: ucpolicy.Checker, path: Path, args: argparse.Namespace, password: Optional[str]) -> Row:
    name = str(path.relative_to(args.folder))
    fqdn = path.stem if args.fqdn_from_name else args.fqdn
    try:
        report = checker.check(path, args.role, fqdn=fqdn, product=args.product, password=password)
    except ucpolicy.Error as e:  # unreadable file, wrong password...: a row, not a crash
        # The FILE column names the file already: keep the message's problem part.
        return Row(name, "error", detail=e.message.removeprefix(f"{path}: "), status=3)
    worst = report.findings[0] if report.findings else None
    return Row(
        file=name,
        result=report.result.value,
        days=report.days_remaining,
        subject=report.certificate.common_name or report.certificate.subject,
        errors=report.count(ucpolicy.Severity.ERROR),
        warnings=report.count(ucpolicy.Severity.WARNING),
        detail=f"{worst.code}: {worst.message}" if worst and worst.severity > ucpolicy.Severity.INFO else "",
        status=report.exit_code(args.fail_on),
    )


def print_table(rows: List[Row], width: int) -> None:
    headers = ("FILE", "RESULT", "DAYS", "SUBJECT", "ERR", "WARN", "MOST SERIOUS")
    cells = [(r.file, r.result.upper(), "" if r.days is None else str(r.days), r.subject, str(r.errors),
              str(r.warnings), r.detail) for r in rows]
    sizes = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers[:-1])]
    for line in [headers, *cells]:
        fixed = "  ".join(value.ljust(size) for value, size in zip(line, sizes))
        room = max(width - len(fixed) - 2, 20)
        last = line[-1] if len(line[-1]) <= room else line[-1][:room - 3] + "..."
        print(f"{fixed}  {last}".rstrip())


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder of certificate files (searched recursively)")
    parser.add_argument("--role", required=True, help="role id or alias, e.g. exchange-um (see `ucpolicy roles`)")
    parser.add_argument("--fqdn", help="the same server FQDN for every file")
    parser.add_argument("--fqdn-from-name", action="store_true",
                        help="each file is named after its server: exch01.contoso.com.pfx")
    parser.add_argument("--product", help="lync2010, lync2013, sfb2015 or sfb2019")
    parser.add_argument("--trust", action="append", default=[], help="trust anchor file (repeatable)")
    parser.add_argument("--chain", action="append", default=[], help="intermediate CA file (repeatable)")
    parser.add_argument("--password-env", metavar="VAR", help="environment variable holding the PKCS#12 password")
    parser.add_argument("--fail-on", default="warning", choices=["error", "warning", "info", "never"])
    parser.add_argument("--format", default="table", choices=["table", "csv"])
    parser.add_argument("--threads", type=int, default=min(8, os.cpu_count() or 1))
    args = parser.parse_args(argv)

    files = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not files:
        print(f"fleet_check: no certificate files in {args.folder}", file=sys.stderr)
        return 3
    password = os.environ.get(args.password_env) if args.password_env else None
    try:
        ucpolicy.role(args.role)
        checker = ucpolicy.Checker(trust=args.trust or None, chain=args.chain or None)
    except ucpolicy.Error as e:
        print(f"fleet_check: {e}", file=sys.stderr)
        return 3
    with checker, concurrent.futures.ThreadPoolExecutor(max(1, args.threads)) as pool:
        rows = list(pool.map(lambda p: check_file(checker, p, args, password), files))
    rows.sort(key=lambda r: (RANK[r.result], r.file))

    if args.format == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["file", "result", "days_remaining", "subject", "errors", "warnings", "most_serious"])
        writer.writerows([r.file, r.result, r.days, r.subject, r.errors, r.warnings, r.detail] for r in rows)
    else:
        print_table(rows, os.get_terminal_size().columns if sys.stdout.isatty() else 160)
        counts = {k: sum(r.result == k for r in rows) for k in ("pass", "warning", "fail", "error")}
        print(f"\n{len(rows)} certificates: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return max(r.status for r in rows)


if __name__ == "__main__":
    sys.exit(main())
