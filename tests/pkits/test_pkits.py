#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""NIST PKITS (2011 edition), sections 4.1-4.16, through `ucpolicy check` (suite 'pkits').

The data is Debian's python3-cryptography-vectors (x509/PKITS_data, installed by
.ci/install-deps); the table of tests, with each test's path, CRLs, settings and the outcome the
PKITS document expects, is tests/pkits/pkits.yaml. Each run is

    ucpolicy check --role tls-server --trust TrustAnchorRootCertificate.crt
                   --chain CA... --crl CRL... --at 2015-01-01 --format json EE

where the --chain certificates are the path's CAs and the certificates that sign its CRLs (an
unordered pool: the library builds the path itself). A run counts as VALID when the report's
`chain.status` is "valid" and it has none of these findings (at any severity, on any
certificate):

  chain.*           every path finding except chain.not-public (a role's public-CA
                    expectation, not a path verdict) and the RFC 5280 profile findings on how
                    the path's certificates are written (chain.aki-missing, chain.ski-missing,
                    chain.aki-critical, chain.key-id-malformed, chain.name-constraints-leaf,
                    chain.aia-malformed): they leave chain.status alone, and PKITS expects its
                    paths valid whatever their certificates' profile
  revocation.*      every revocation finding except revocation.cdp-missing and
                    revocation.cdp-no-http (profile findings about where a CRL is published)
  validity.expired, validity.not-yet-valid   (the leaf's validity period)

Everything else the tls-server role reports (no SAN, no serverAuth EKU, ...) is about the role,
not the path, and is ignored. A run AGREES when this verdict is the one PKITS expects.

One TAP point per run. A test the library does not yet get right carries `todo: REASON` in
the table and is reported as `not ok N - ... # TODO REASON`; if it agrees, the point is an
unexpected `ok ... # TODO` and the suite fails until the table is updated. A run's settings
that are not the defaults become options: initial_policy_set gives one --policy OID each,
explicit_policy_required --require-explicit-policy, policy_mapping_inhibited
--inhibit-policy-mapping, any_policy_inhibited --inhibit-any-policy. The last line counts the
agreements: "PKITS: A of D default runs agree (all runs: B of N)".

Usage: test_pkits.py UCPOLICY TABLE [PKITS_DATA]
"""
import json
import os
import shlex
import subprocess
import sys

import yaml

UCPOLICY, TABLE = sys.argv[1], sys.argv[2]
DATA = sys.argv[3] if len(sys.argv) > 3 else os.environ.get(
    "PKITS_DATA", "/usr/lib/python3/dist-packages/cryptography_vectors/x509/PKITS_data")
# meson test --setup valgrindscripts: ucpolicy runs under memcheck.
WRAP = shlex.split(os.environ.get("UCP_VALGRIND", ""))
TIMEOUT = 900 if WRAP else 60
AT = "2015-01-01"
SETTINGS = ("initial_policy_set", "explicit_policy_required", "policy_mapping_inhibited",
            "any_policy_inhibited")
IGNORED = {"chain.not-public", "revocation.cdp-missing", "revocation.cdp-no-http",
           # profile findings (check_profile in libucpolicy/check/checks.c), not path verdicts
           "chain.aki-missing", "chain.ski-missing", "chain.aki-critical", "chain.key-id-malformed",
           "chain.name-constraints-leaf", "chain.aia-malformed"}
PATH_FINDINGS = ("chain.", "revocation.", "validity.expired", "validity.not-yet-valid")


def deciding(report):
    """The findings that make a run invalid (codes, sorted)."""
    return sorted({f["code"] for f in report.get("findings", [])
                   if f["code"] not in IGNORED and f["code"].startswith(PATH_FINDINGS)})


def run(test, settings):
    cert = lambda f: os.path.join(DATA, "certs", f)  # noqa: E731
    cmd = WRAP + [UCPOLICY, "check", "--role", "tls-server", "--trust", cert("TrustAnchorRootCertificate.crt"),
                  "--at", AT, "--format", "json"]
    for oid in settings.get("initial_policy_set", []):
        cmd += ["--policy", oid]
    for key, option in (("explicit_policy_required", "--require-explicit-policy"),
                        ("policy_mapping_inhibited", "--inhibit-policy-mapping"),
                        ("any_policy_inhibited", "--inhibit-any-policy")):
        if settings.get(key):
            cmd.append(option)
    for f in test.get("path", []) + test.get("crl_signers", []):
        cmd += ["--chain", cert(f)]
    for f in test.get("crls", []):
        cmd += ["--crl", os.path.join(DATA, "crls", f)]
    cmd.append(cert(test["ee"]))
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    if p.returncode not in (0, 1, 2) or not p.stdout.strip():
        raise RuntimeError(f"ucpolicy exited {p.returncode}: {p.stderr.strip()[:300]}")
    report = json.loads(p.stdout)
    codes = deciding(report)
    status = report.get("chain", {}).get("status")
    verdict = "valid" if status == "valid" and not codes else "invalid"
    return verdict, status, codes


def main():
    if not os.path.isdir(os.path.join(DATA, "certs")):
        print(f"Bail out! no PKITS data at {DATA} (Debian: python3-cryptography-vectors)")
        return 1
    with open(TABLE) as f:
        table = yaml.safe_load(f)
    points = []
    for sec in table["sections"]:
        for t in sec["tests"]:
            runs = t.get("runs") or [{"expect": t["expect"]}]
            for i, r in enumerate(runs, 1):
                points.append((t, r, i if len(runs) > 1 else None))
    print(f"1..{len(points)}")
    agree = default = agree_all = 0
    for n, (t, r, i) in enumerate(points, 1):
        label = f"{t['id']}{'/run' + str(i) if i else ''} {t['name']}: expected {r['expect']}"
        settings = {k: r[k] for k in SETTINGS if k in r}
        if settings:
            label += f" ({', '.join(f'{k}={v}' for k, v in settings.items())})"
        else:
            default += 1
        try:
            verdict, status, codes = run(t, settings)
        except Exception as e:  # noqa: BLE001 - one broken run must not hide the others
            print(f"not ok {n} - {label}: {e}")
            continue
        ok = verdict == r["expect"]
        if not settings:
            agree += ok
        agree_all += ok
        detail = f"got {verdict} (chain {status}{'; ' + ', '.join(codes) if codes else ''})"
        todo = r.get("todo", t.get("todo"))
        print(f"{'ok' if ok else 'not ok'} {n} - {label}, {detail}{' # TODO ' + todo if todo else ''}")
    print(f"# PKITS: {agree} of {default} default runs agree (all runs: {agree_all} of {len(points)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
