#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Benchmark: `ucpolicy scan` of 200 endpoints on loopback (target: under 5 s).

    bench-scan.py --cli UCPOLICY --probe-server PROBE_SERVER [--endpoints N] [--jobs N] [--repeat N]

A topology of N Standard Edition servers (tests/probe/scan_topology.py), each with an internal
web port, every name pointed by --resolve at 127.0.0.1, where one probe-server serves all the
connections (plain TLS, no client certificate asked). The PKI is made with certtool. Reports
the wall-clock and CPU time of each run and the best, and whether the best meets the target;
a benchmark, not a test: it fails only when the scan does not report every endpoint.
"""
import argparse
import json
import os
import resource
import select
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "probe"))
import scan_topology  # noqa: E402

TARGET_S = 5.0


def certtool(*args):
    subprocess.run(["certtool", *args], check=True, capture_output=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--probe-server", required=True)
    ap.add_argument("--endpoints", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=8)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        p = lambda n: os.path.join(d, n)  # noqa: E731
        certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", p("ca.key"))
        with open(p("ca.tmpl"), "w") as f:
            f.write('cn = "Bench Root"\nca\ncert_signing_key\nexpiration_days = 30\n')
        certtool("--generate-self-signed", "--load-privkey", p("ca.key"), "--template", p("ca.tmpl"),
                 "--outfile", p("ca.pem"))
        certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", p("srv.key"))
        with open(p("srv.tmpl"), "w") as f:
            f.write('cn = "web.contoso.com"\ndns_name = "web.contoso.com"\ntls_www_server\nsigning_key\n'
                    'encryption_key\nexpiration_days = 30\n')
        certtool("--generate-certificate", "--load-privkey", p("srv.key"), "--load-ca-certificate", p("ca.pem"),
                 "--load-ca-privkey", p("ca.key"), "--template", p("srv.tmpl"), "--outfile", p("srv.pem"))
        best = None
        for run in range(a.repeat):
            server = subprocess.Popen([a.probe_server, "--mode", "tls", "--no-request", "--cert", p("srv.pem"),
                                       "--key", p("srv.key"), "--connections", str(a.endpoints), "--lifetime", "60"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            try:
                ready, _, _ = select.select([server.stdout], [], [], 10)
                line = server.stdout.readline() if ready else ""
                if not line.startswith("PORT "):
                    print(f"bench-scan: probe-server did not start: {line!r}", file=sys.stderr)
                    return 1
                port = int(line.split()[1])
                names = [f"fe{i:04d}.contoso.com" for i in range(a.endpoints)]
                with open(p("t.tbxml"), "w") as f:
                    f.write(scan_topology.make([{"fqdn": n, "web": port} for n in names]))
                cmd = [a.cli, "scan", "--topology", p("t.tbxml"), "--loopback-only", "--trust", p("ca.pem"),
                       "--jobs", str(a.jobs), "--format", "json", "--compact", "--no-progress"]
                for n in names:
                    cmd += ["--resolve", f"{n}:127.0.0.1"]
                r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                out, err = proc.communicate()  # the server is reaped later: only the scan counts
                wall = time.perf_counter() - t0
                r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
            finally:
                server.kill()
                server.wait()
                server.stdout.close()
            eps = json.loads(out)["endpoints"]
            errors = [e for e in eps if e["result"] == "error"]
            if len(eps) != a.endpoints or errors:
                print(f"bench-scan: {len(eps)} endpoints reported, {len(errors)} errors: "
                      f"{errors[:1]} {err.decode(errors='replace')[-500:]}", file=sys.stderr)
                return 1
            print(f"scan of {a.endpoints} endpoints, --jobs {a.jobs}: run {run + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU")
            best = wall if best is None else min(best, wall)
        verdict = "meets" if best < TARGET_S else "MISSES"
        print(f"best: {best:.2f} s for {a.endpoints} endpoints ({best / a.endpoints * 1000:.1f} ms each); "
              f"{verdict} the target of {TARGET_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
