#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""check_certificate: examples/check-certificate.c in Python, line for line the same output.

    python3 check_certificate.py ROLE CERTIFICATE [TOPOLOGY.json [TRUST.pem]]

It walks the report object by object (what a GUI or a script does to fill its own views)
rather than printing the library's text rendering. Exit status as the ucpolicy command:
0 pass, 1 warnings, 2 errors, 3 the input could not be read.
"""

import sys

import ucpolicy


def main(argv: list) -> int:
    if not 3 <= len(argv) <= 5:
        print(f"usage: {argv[0]} ROLE CERTIFICATE [TOPOLOGY.json [TRUST.pem]]", file=sys.stderr)
        return 3
    role, file = argv[1], argv[2]
    topology = argv[3] if len(argv) > 3 else None
    trust = argv[4] if len(argv) > 4 else None
    try:
        report = ucpolicy.check(file, role, topology=topology, trust=trust)
    except ucpolicy.Error as e:  # the message names the file and the problem
        print(f"check-certificate: {e}", file=sys.stderr)
        return 3

    print(f"{report.input_name}: {report.result} as {report.role} ({report.certificate.subject}), "
          f"{report.days_remaining} days left")
    for entry in report.chain:
        print(f"  chain[{entry.index}] {entry.certificate.subject} ({entry.source})")
    for finding in report.findings:
        print(f"  {finding.severity:<7} {finding.code}: {finding.message}")
        print(f"          fix: {finding.remediation}")
        for ref in finding.references:
            print(f"          [{ref.key}] {ref.title} {ref.url}")
    return {ucpolicy.Result.FAIL: 2, ucpolicy.Result.WARNING: 1}.get(report.result, 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
