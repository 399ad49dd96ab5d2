#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ucpolicy check --jobs N` prints exactly what a serial run prints (TAP).

Usage: test-jobs.py BENCH-CORPUS UCPOLICY DIR

Makes a small corpus with bench-corpus (40 leaves, RSA and ECDSA, SAN-heavy leaves), adds a
missing file and a file that is not a certificate, and compares stdout, stderr and the exit status
of --jobs 1 with --jobs 2, 3 and 0 (one per CPU) in every output mode, for two roles (under
memcheck, UCPOLICY_TEST_MEMCHECK: text and JSON, --jobs 2). Also: a bad --jobs value is a usage
error.
"""
import os
import shutil
import subprocess
import sys

tool, cli, corpus = sys.argv[1:4]
shutil.rmtree(corpus, ignore_errors=True)
subprocess.run([tool, corpus, "40"], check=True)
junk = os.path.join(corpus, "junk.pem")
with open(junk, "w") as f:
    f.write("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
leaves = sorted(os.path.join(corpus, "leaves", f) for f in os.listdir(os.path.join(corpus, "leaves")))
sans = sorted(os.path.join(corpus, "san", f) for f in os.listdir(os.path.join(corpus, "san")))
# A file that cannot be read and one that does not parse, among the others; the root itself (an
# untrusted CA certificate for a server role: findings of every kind).
files = leaves[:15] + [os.path.join(corpus, "missing.pem")] + leaves[15:] + [junk] + sans + \
    [os.path.join(corpus, "root.pem")]

modes = [["--format", "text", "--color", "never"], ["--format", "text", "--color", "always", "-v"],
         ["--format", "json"], ["--format", "json", "--compact"], ["-q"]]
roles = [["-r", "tls-server"],
         ["-r", "frontend-default", "--pool", "pool01.contoso.com", "--fqdn", "fe01.contoso.com"]]
jobs_values = ("2", "3", "0")
if os.environ.get("UCPOLICY_TEST_MEMCHECK"):
    # Under memcheck (meson test --setup valgrind) every ucpolicy run is traced: a subset.
    modes, jobs_values = [modes[0], modes[2]], ("2",)
n = 0
failures = 0


def tap(ok, text):
    global n, failures
    n += 1
    failures += not ok
    print(f"{'ok' if ok else 'not ok'} {n} - {text}", flush=True)


# A fixed validation time: reports carry it to the second, and runs a second apart must compare.
created = int(dict(line.split(" ", 1) for line in open(os.path.join(corpus, "manifest")).read().split("\n")
                   if " " in line)["created"])
at = ["--at", f"@{created + 86400}"]
for role in roles:
    for mode in modes:
        base = [cli, "check"] + role + mode + at + ["--chain", os.path.join(corpus, "inter.pem"),
                                                   "--trust", os.path.join(corpus, "root.pem")]
        serial = subprocess.run(base + files, capture_output=True)
        for jobs in jobs_values:
            par = subprocess.run(base + ["--jobs", jobs] + files, capture_output=True)
            same = (par.stdout, par.stderr, par.returncode) == (serial.stdout, serial.stderr, serial.returncode)
            tap(same and serial.returncode == 3 and len(serial.stdout if "-q" not in mode else b"x") > 0,
                f"{role[1]} {' '.join(mode)} --jobs {jobs}: same output, errors and exit status as --jobs 1 "
                f"({len(serial.stdout)} bytes, exit {serial.returncode})")

bad = subprocess.run([cli, "check", "-r", "tls-server", "--jobs", "x", leaves[0]], capture_output=True)
tap(bad.returncode == 3 and b"--jobs" in bad.stderr, "--jobs x is a usage error")
bad = subprocess.run([cli, "check", "-r", "tls-server", "--jobs", "257", leaves[0]], capture_output=True)
tap(bad.returncode == 3, "--jobs 257 is a usage error")
print(f"1..{n}")
sys.exit(1 if failures else 0)
