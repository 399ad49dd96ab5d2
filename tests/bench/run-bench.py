#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The libucpolicy benchmark (tests/bench/README.md): one command, one report.

    run-bench.py --corpus-tool BENCH-CORPUS --bench BENCH-UCPOLICY --cli UCPOLICY --corpus DIR
                 [--repeat N] [--certtool-files N] [--oneshot-runs N] [--quick] [--json FILE]

Makes (or reuses) the corpus, then measures on the same files, each measurement repeated:
the library in-process (bench-ucpolicy), the ucpolicy command over all files in one process
(serial and --jobs 2), `openssl verify -CAfile ROOT -untrusted INTER FILE...` in one process,
`certtool --verify` once per file, and one-shot runs (process start included). Times are
wall-clock and CPU (user + system, from wait4); the best run and the spread are reported,
because the machine may be shared.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

CORPUS_VERSION = "version 1"


def run(cmd, stdin=None, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=None):
    """Run @cmd; return (exit status, wall seconds, cpu seconds, peak RSS KiB, stdout bytes)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=stdout, stderr=stderr, env=env)
    out = b""
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
    if stdout == subprocess.PIPE:
        out = proc.stdout.read()
        proc.stdout.close()
    _, status, ru = os.wait4(proc.pid, 0)  # not proc.wait(): wait4 also gives the child's rusage
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, out or b""


def ensure_corpus(tool, corpus, leaves):
    manifest = os.path.join(corpus, "manifest")
    reason = None
    try:
        text = open(manifest, encoding="ascii").read().split("\n")
        fields = dict(line.split(" ", 1) for line in text if " " in line)
        if text[0] != CORPUS_VERSION:
            reason = "an older corpus version"
        elif int(fields["leaves"]) != leaves:
            reason = f"{fields['leaves']} leaves, {leaves} wanted"
        elif time.time() - int(fields["created"]) > 30 * 86400:
            reason = "older than 30 days (leaves are valid 397 days from creation)"
    except (OSError, KeyError, ValueError, IndexError):
        reason = "none yet"
    if reason is None:
        return f"reused {corpus} (created {time.strftime('%Y-%m-%d', time.gmtime(int(fields['created'])))})"
    shutil.rmtree(corpus, ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run([tool, corpus, str(leaves)], check=True)
    return f"generated {corpus} in {time.perf_counter() - t0:.1f} s ({reason})"


def spread(values):
    return min(values), statistics.median(values), max(values)


def fmt_rate(rates):
    best = max(rates)
    lo, med, hi = spread(rates)
    return f"{best:>9,.0f}/s  (median {med:,.0f}, range {lo:,.0f}-{hi:,.0f})"


def ready_to_run_pwsh(pwsh, cache_root):
    """The pinned PowerShell (a .NET global tool) as an installed PowerShell runs: the tool package
    holds its assemblies as IL only (System.Management.Automation.dll is 7 MB), so every start
    JIT-compiles PowerShell's own code -- about 5,000 methods for `pwsh -c '$null'`, 800 more for
    any Import-Module -- while the MSI, deb and tar.gz releases ship them compiled ahead of time
    (ReadyToRun). A module's one-shot share measured on the tool is mostly PowerShell's own JIT.
    So the tool's folder is copied once per build tree and each of its assemblies compiled with the
    crossgen2 the build fetched for the module's own ReadyToRun copy (the NuGet cache's
    microsoft.netcore.app.crossgen2.<rid>) against the installed Microsoft.NETCore.App of the same
    version. Returns (path of that pwsh, note), or (None, why not)."""
    tool_dir = os.path.dirname(os.path.realpath(pwsh))
    if not os.path.isfile(os.path.join(tool_dir, "System.Management.Automation.dll")):
        return None, "no System.Management.Automation.dll beside pwsh"
    dotnet = shutil.which("dotnet")
    if not dotnet:
        return None, "no dotnet on PATH"
    out = subprocess.run([dotnet, "--list-runtimes"], capture_output=True, text=True)
    runtimes = {}
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "Microsoft.NETCore.App":
            runtimes[parts[1]] = os.path.join(parts[2].strip("[]"), parts[1])
    arch = {"x86_64": "x64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    packages = os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages")
    cg_root = os.path.join(packages, f"microsoft.netcore.app.crossgen2.linux-{arch}")
    versions = sorted((v for v in (os.listdir(cg_root) if os.path.isdir(cg_root) else []) if v in runtimes),
                      key=lambda v: [int(x) if x.isdigit() else x for x in v.split(".")])
    if not versions:
        return None, f"no crossgen2 in {cg_root} for an installed .NET runtime"
    version = versions[-1]
    crossgen = os.path.join(cg_root, version, "tools", "crossgen2")
    key = f"{os.path.basename(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(tool_dir)))))}" \
          f"-{os.path.getsize(os.path.join(tool_dir, 'System.Management.Automation.dll'))}-{version}"
    target = os.path.join(cache_root, f"pwsh-r2r-{key}")
    if not os.path.isfile(os.path.join(target, ".complete")):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(tool_dir, target, symlinks=True)
        compiled = 0
        for name in sorted(os.listdir(tool_dir)):
            if not name.endswith(".dll"):
                continue
            tmp = os.path.join(target, name + ".r2r")
            r = subprocess.run([crossgen, os.path.join(tool_dir, name), "-o", tmp, "-r", os.path.join(runtimes[version], "*.dll"),
                                "-r", os.path.join(tool_dir, "*.dll"), "--targetos", "linux", "--targetarch", arch, "-O"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r.returncode == 0 and os.path.isfile(tmp):
                os.replace(tmp, os.path.join(target, name))
                compiled += 1
            elif os.path.exists(tmp):
                os.remove(tmp)  # not an IL assembly crossgen2 takes (kept as it is)
        open(os.path.join(target, ".complete"), "w").write(f"{compiled}\n")
    compiled = open(os.path.join(target, ".complete")).read().strip()
    return os.path.join(target, "pwsh"), f"{compiled} assemblies compiled by crossgen2 {version}, in {target}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus-tool", required=True)
    ap.add_argument("--bench", required=True)
    ap.add_argument("--bench-sigcache")
    ap.add_argument("--bench-plan", help="bench-plan: the plan of a generated 100-server topology")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--repeat", type=int, default=5, help="repetitions of each measurement (default 5)")
    ap.add_argument("--certtool-files", type=int, default=200,
                    help="files run through certtool --verify, one process each (default 200)")
    ap.add_argument("--python", default=sys.executable,
                    help="the interpreter the Python binding was built for (default: this one)")
    ap.add_argument("--oneshot-runs", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="1,000 leaves, 2 repetitions: a smoke run")
    ap.add_argument("--json", help="also write the raw measurements here")
    a = ap.parse_args()
    if a.quick:
        a.repeat, a.certtool_files, a.oneshot_runs = 2, 30, 10
    nleaves = 1000 if a.quick else 10000
    openssl = shutil.which("openssl")
    certtool = shutil.which("certtool")

    print("libucpolicy benchmark")
    print("=====================")
    load0 = os.getloadavg()
    corpus_note = ensure_corpus(a.corpus_tool, a.corpus, nleaves)
    root = os.path.join(a.corpus, "root.pem")
    inter = os.path.join(a.corpus, "inter.pem")
    leafdir = os.path.join(a.corpus, "leaves")
    leaves = sorted(os.path.join(leafdir, f) for f in os.listdir(leafdir) if f.endswith(".pem"))
    manifest = dict(line.split(" ", 1) for line in open(os.path.join(a.corpus, "manifest")).read().split("\n")
                    if " " in line)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.machine())
    version = subprocess.run([a.cli, "version"], capture_output=True, text=True).stdout.strip()
    print(f"machine:  {os.cpu_count()} CPUs ({cpu}), Linux {platform.release()}")
    print(f"load:     {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} at the start (1/5/15 min averages)")
    print(f"tools:    {version}; "
          f"{subprocess.run([openssl, 'version'], capture_output=True, text=True).stdout.strip() if openssl else 'no openssl'}; "
          f"{subprocess.run([certtool, '--version'], capture_output=True, text=True).stdout.splitlines()[0] if certtool else 'no certtool'}")
    print(f"corpus:   {corpus_note}")
    print(f"          {len(leaves)} leaves ({manifest.get('ecdsa', '?')} ECDSA P-256, the rest RSA-2048) under one "
          f"RSA-2048 intermediate and root; SAN leaves with 1, 10, 100, 1000 names")
    print(f"repeats:  {a.repeat} of each measurement; 'best' is the fastest run, the range shows the spread")
    print()
    raw = {"corpus": manifest, "leaves": len(leaves), "repeat": a.repeat, "load_start": load0}

    # ---- the library, in process ------------------------------------------------------------
    lib = {}
    rss = {}
    render_bytes = {}
    for _ in range(a.repeat):
        out = subprocess.run([a.bench, a.corpus] + (["--quick"] if a.quick else []), check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            f = line.split()
            if f[0] == "RESULT":
                lib.setdefault(f[1], []).append((int(f[2]), float(f[3]), float(f[4])))
            elif f[0] == "RSS":
                rss.setdefault(f[1], []).append(int(f[2]))
            elif f[0] == "BYTES":
                render_bytes[f[1]] = int(f[2])
    raw["library"] = lib

    def cpu_rates(name):
        return [n / c for n, c, w in lib[name]]

    def wall_rates(name):
        return [n / w for n, c, w in lib[name]]

    print("1. Library, one thread (bench-ucpolicy; files already in memory; checks per CPU-second)")
    print("   full = read + parse + path validation with signatures + role rules + report")
    rows = [
        ("full/tls-server", "full, tls-server"),
        ("nocache/tls-server", "full, tls-server, signature cache off"),
        ("full-rsa2048/tls-server", "full, tls-server, RSA-2048 leaves only"),
        ("full-p256/tls-server", "full, tls-server, ECDSA P-256 leaves only"),
        ("full/frontend-default", "full, frontend-default"),
        ("nocache/frontend-default", "full, frontend-default, cache off"),
        ("parse", "parse only (ucp_input_from_data)"),
        ("check/tls-server", "check only (inputs parsed), tls-server"),
        ("check/frontend-default", "check only, frontend-default"),
        ("rules/tls-server", "no signature verification, tls-server"),
        ("rules/frontend-default", "no signature verification, frontend-default"),
    ]
    for key, label in rows:
        if key in lib:
            print(f"   {label:<46} {fmt_rate(cpu_rates(key))}")
    full_best = max(cpu_rates("full/tls-server"))
    rsa_best = max(cpu_rates("full-rsa2048/tls-server"))
    p256_best = max(cpu_rates("full-p256/tls-server")) if "full-p256/tls-server" in lib else None
    floor_best = max(cpu_rates("rsa-verify")) if "rsa-verify" in lib else None
    if floor_best:
        # A check of an RSA leaf cannot cost less than verifying its signature: the rate target is
        # read against this machine's floor.
        print(f"   {'one RSA-2048 signature verification alone':<46} {fmt_rate(cpu_rates('rsa-verify'))}")
        print(f"   (the floor of an RSA-2048 leaf's check: SHA-256 of its signed part and the RSA operation, nettle,")
        print(f"   the intermediate's key prepared once, as the library verifies it: {1e6 / floor_best:.1f} us; a full")
        print(f"   check of such a leaf costs {1e6 / rsa_best:.1f} us, x{floor_best / rsa_best:.2f} of it)")
    print(f"   ('no signature verification': the signature cache filled by a first pass, so path building and")
    print(f"   the rules run without any signature check; cpu time per check {1e6 / max(cpu_rates('rules/tls-server')):.1f} us"
          f" vs {1e6 / full_best:.1f} us full)")
    print()

    print("2. Threads: full tls-server checks on one shared checker (wall clock)")
    t1 = max(wall_rates("threads1/tls-server"))
    t2 = max(wall_rates("threads2/tls-server"))
    print(f"   1 thread   {fmt_rate(wall_rates('threads1/tls-server'))}")
    print(f"   2 threads  {fmt_rate(wall_rates('threads2/tls-server'))}")
    print(f"   scaling 1 -> 2 threads: x{t2 / t1:.2f} (best runs)")
    if a.bench_sigcache:
        sc = {}
        for _ in range(a.repeat):
            out = subprocess.run([a.bench_sigcache, a.corpus], check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                f = line.split()
                if f[0] == "RESULT":
                    sc.setdefault(f[1], []).append((int(f[2]), float(f[3]), float(f[4])))
        raw["sigcache"] = sc
        print("   signature cache hit (bench-sigcache; a verification costs tens of microseconds):")
        for key, label in (("same", "same pair, one stripe lock"), ("different", "different pairs and stripes")):
            cells = []
            for t in (1, 2):
                runs = sc[f"sigcache-{key}-{t}t"]
                ns_cpu = min(c / n for n, c, w in runs) * 1e9
                mps = max(n / w for n, c, w in runs) / 1e6
                cells.append(f"{t} thread{'s' if t > 1 else ''}: {ns_cpu:.1f} ns cpu, {mps:.1f} M/s")
            print(f"     {label:<30} " + "; ".join(cells))
    print()

    print("3. SAN size: full tls-server check of one leaf, signature verified every time (cpu time per check)")
    base = None
    sanrows = []
    for n in (1, 10, 100, 1000):
        us = min(c / k * 1e6 for k, c, w in lib[f"san-{n}/tls-server"])
        base = base or us
        sanrows.append((n, us))
        print(f"   {n:>5} names  {us:>9.1f} us   x{us / base:>6.2f} of 1 name")
    marg = [(sanrows[i][1] - sanrows[0][1]) / (sanrows[i][0] - 1) for i in (2, 3)]
    print(f"   cost per extra name: {marg[0]:.2f} us (100 names), {marg[1]:.2f} us (1000 names): "
          f"{'linear' if marg[1] <= 1.5 * marg[0] else 'NOT linear'}")
    san_ratio = sanrows[3][1] / sanrows[0][1]
    print()

    stream, parsed, peak = max(rss["stream"]), max(rss["parsed"]), max(rss["peak"])
    print(f"4. Memory (bench-ucpolicy, resident set): {stream / 1024:.1f} MiB while checking file after file "
          f"(the {len(leaves)} files' bytes held in memory included);")
    print(f"   {parsed / 1024:.1f} MiB with all {len(leaves)} inputs parsed and kept: "
          f"{(parsed - stream) / len(leaves):.1f} KiB per parsed certificate; "
          f"peak {peak / 1024:.1f} MiB")
    raw["rss"] = rss
    print()

    # ---- command-line tools over the same files --------------------------------------------------
    def batch(cmd, label, expect_ok=None):
        walls, cpus, rsss = [], [], []
        for _ in range(a.repeat):
            status, wall, cpu_s, maxrss, out = run(cmd, stdout=subprocess.PIPE if expect_ok else subprocess.DEVNULL)
            if expect_ok is not None:
                good = out.count(b": OK\n")
                if good != expect_ok:
                    sys.exit(f"{label}: {good} of {expect_ok} files verified; the corpus is broken")
            elif status != 0:
                sys.exit(f"{label}: exit status {status}")
            walls.append(wall)
            cpus.append(cpu_s)
            rsss.append(maxrss)
        raw.setdefault("batch", {})[label] = {"wall": walls, "cpu": cpus, "rss": rsss}
        n = len(leaves)
        print(f"   {label:<44} {fmt_rate([n / w for w in walls])}  cpu {n / min(cpus):,.0f}/s  "
              f"rss {max(rsss) / 1024:.1f} MiB")
        return n / min(walls), n / min(cpus)

    print(f"5. The same {len(leaves)} files, one process each tool (files read from disk; wall clock)")
    facts = ["--pool", "pool01.contoso.com", "--fqdn", "fe01.contoso.com", "--sip-domain", "contoso.com"]
    common = ["--trust", root, "--chain", inter, "-q"]
    ucp_w, ucp_c = batch([a.cli, "check", "-r", "tls-server"] + common + leaves, "ucpolicy check tls-server")
    ucp2_w, _ = batch([a.cli, "check", "-r", "tls-server", "--jobs", "2"] + common + leaves,
                      "ucpolicy check tls-server --jobs 2")
    batch([a.cli, "check", "-r", "frontend-default"] + facts + common + leaves, "ucpolicy check frontend-default")
    batch([a.cli, "check", "-r", "frontend-default", "--jobs", "2"] + facts + common + leaves,
          "ucpolicy check frontend-default --jobs 2")
    _, text_c = batch([a.cli, "check", "-r", "tls-server", "--color", "never", "--trust", root, "--chain", inter]
                      + leaves, "ucpolicy check tls-server (text)")
    _, json_c = batch([a.cli, "check", "-r", "tls-server", "--format", "json", "--trust", root, "--chain", inter]
                      + leaves, "ucpolicy check tls-server --format json")
    ossl_w = ossl_c = None
    if openssl:
        ossl_w, ossl_c = batch([openssl, "verify", "-CAfile", root, "-untrusted", inter] + leaves,
                               "openssl verify", expect_ok=len(leaves))
    print(f"   CPU time for the {len(leaves)} files, tls-server (best runs; x = openssl verify's CPU time / ours):")
    for label, rate in (("-q", ucp_c), ("text", text_c), ("--format json", json_c)):
        ratio = f"x{rate / ossl_c:.2f} openssl verify" if ossl_c else "no openssl"
        print(f"     {label:<15} {len(leaves) / rate:7.3f} s  {ratio};  "
              f"output costs {100 * (ucp_c / rate - 1):5.1f}% of the check")
    if ossl_c:
        print(f"     {'openssl verify':<15} {len(leaves) / ossl_c:7.3f} s")
    print(f"   --jobs 2 vs 1 (wall): x{ucp2_w / ucp_w:.2f}")
    # The same question without two separate runs' noise: bench-ucpolicy renders each chunk of
    # 100 reports right after checking it, so both phases see the same load (all runs summed).
    render_share = {}
    print("   Rendering alone, in process (bench-ucpolicy: the tls-server reports added to one streaming renderer")
    print("   with the command's flags, in turn with the checks that made them, 100 at a time; CPU time, all runs):")
    for fmt in ("text", "json", "sarif"):
        if f"render-{fmt}/tls-server" not in lib:
            continue
        rn = sum(n for n, c, w in lib[f"render-{fmt}/tls-server"])
        rc = sum(c for n, c, w in lib[f"render-{fmt}/tls-server"])
        cc = sum(c for n, c, w in lib[f"render-{fmt}-check/tls-server"])
        render_share[fmt] = rc / cc
        size = f", {render_bytes[fmt] / len(leaves):,.0f} bytes a report" if fmt in render_bytes else ""
        print(f"     {fmt:<6} {1e6 * rc / rn:6.1f} us a report{size}: {100 * rc / cc:.1f}% of the check "
              f"({1e6 * cc / rn:.1f} us)")
    print()

    ct_rate = None
    if certtool:
        sample = leaves[:: max(1, len(leaves) // a.certtool_files)][: a.certtool_files]
        inter_pem = open(inter, "rb").read()
        chains = [open(f, "rb").read() + inter_pem for f in sample]
        per = []
        for _ in range(min(a.repeat, 3)):
            t0 = time.perf_counter()
            for chain in chains:
                status, *_ = run([certtool, "--verify", "--load-ca-certificate", root], stdin=chain)
                if status != 0:
                    sys.exit("certtool --verify failed on the corpus")
            per.append((time.perf_counter() - t0) / len(chains))
        ucp_loop = []
        for _ in range(min(a.repeat, 3)):
            t0 = time.perf_counter()
            for f in sample:
                run([a.cli, "check", "-r", "tls-server"] + common + [f])
            ucp_loop.append((time.perf_counter() - t0) / len(sample))
        ct_rate = 1 / min(per)
        raw["certtool_loop"] = per
        raw["ucpolicy_loop"] = ucp_loop
        print(f"6. One process per file, {len(sample)} files (leaf + intermediate piped to certtool)")
        print(f"   certtool --verify in a loop                  {1 / min(per):>9,.0f}/s  ({min(per) * 1000:.2f} ms per file)")
        print(f"   ucpolicy check in a loop                     {1 / min(ucp_loop):>9,.0f}/s  ({min(ucp_loop) * 1000:.2f} ms per file)")
        print()

    print("7. One-shot: one 'ucpolicy check' of one file, process start and library load included (wall)")
    leaf = leaves[0]

    def oneshot(cmd, runs=None, env=None):
        times, cpus = [], []
        for _ in range(runs or a.oneshot_runs):
            _, wall, cpu_s, _, _ = run(cmd, env=env)
            times.append(wall * 1000)
            cpus.append(cpu_s * 1000)
        lo, med, hi = spread(times)
        return lo, med, hi, times, cpus

    shots = {
        "ucpolicy, --trust ROOT --chain INTER": [a.cli, "check", "-q", "-r", "tls-server", "--trust", root, "--chain",
                                                 inter, leaf],
        "ucpolicy, system trust store": [a.cli, "check", "-q", "-r", "tls-server", "--chain", inter, leaf],
    }
    if openssl:
        shots["openssl verify (for comparison)"] = [openssl, "verify", "-CAfile", root, "-untrusted", inter, leaf]
    # The commands in turn, run by run (A B C A B C ...), after one warm-up run each: a machine
    # that speeds up or slows down during the measurement moves all of them alike, so the
    # ratios to openssl verify hold on a loaded machine.
    for cmd in shots.values():
        run(cmd)
    samples = {label: ([], []) for label in shots}
    for _ in range(a.oneshot_runs):
        for label, cmd in shots.items():
            _, wall, cpu_s, _, _ = run(cmd)
            samples[label][0].append(wall * 1000)
            samples[label][1].append(cpu_s * 1000)
    oneshot_best = {}
    for label, (times, cpus) in samples.items():
        lo, med, hi = spread(times)
        oneshot_best[label] = (lo, med, statistics.median(cpus))
        raw.setdefault("oneshot", {})[label] = {"wall": times, "cpu": cpus}
        print(f"   {label:<40} wall best {lo:6.2f} ms, median {med:6.2f}, worst {hi:6.2f}; "
              f"cpu median {statistics.median(cpus):6.2f} ms ({a.oneshot_runs} runs, in turn)")
    ot = oneshot_best["ucpolicy, --trust ROOT --chain INTER"]
    os_ = oneshot_best["ucpolicy, system trust store"]
    ossl1 = oneshot_best.get("openssl verify (for comparison)")
    if ossl1:
        print(f"   --trust vs openssl verify (medians): wall x{ot[1] / ossl1[1]:.2f}, cpu x{ot[2] / ossl1[2]:.2f} "
              f"(< 1: faster than openssl)")
    print(f"   system trust store vs --trust (medians): wall x{os_[1] / ot[1]:.2f}, cpu x{os_[2] / ot[2]:.2f}")
    print()

    # ---- the bindings' one-shot: the module's own cost over an interpreter doing nothing -----------
    print("8. One-shot through the bindings: one check of one file, against the same interpreter doing nothing")
    build = os.path.dirname(os.path.dirname(os.path.abspath(a.cli)))
    libdir = os.path.join(build, "libucpolicy")
    binding_share = {}

    def binding(label, cmd_check, cmd_idle, env, runs):
        status, *_ = run(cmd_check, env=env)
        if status != 0:
            print(f"   {label}: skipped, the check itself failed (exit status {status})")
            return
        # In turn, check then idle, so that a change of the machine's load weighs on both alike.
        walls_c, cpus_c, walls_i, cpus_i = [], [], [], []
        for _ in range(runs):
            for cmd, walls, cpus in ((cmd_check, walls_c, cpus_c), (cmd_idle, walls_i, cpus_i)):
                _, wall, cpu_s, _, _ = run(cmd, env=env)
                walls.append(wall * 1000)
                cpus.append(cpu_s * 1000)
        med_c, med_i = statistics.median(walls_c), statistics.median(walls_i)
        cc, ci = statistics.median(cpus_c), statistics.median(cpus_i)
        binding_share[label] = (med_c - med_i, cc - ci)
        raw.setdefault("bindings", {})[label] = {"check_cpu": cpus_c, "idle_cpu": cpus_i}
        print(f"   {label:<11} check: wall median {med_c:7.1f} ms, cpu {cc:7.1f} ms; doing nothing: wall "
              f"{med_i:7.1f} ms, cpu {ci:7.1f} ms; the module's share: wall {med_c - med_i:6.1f} ms, "
              f"cpu {cc - ci:6.1f} ms ({runs} runs each)")

    pydir = os.path.join(build, "bindings", "python")
    pyenv = dict(os.environ, PYTHONPATH=pydir, LD_LIBRARY_PATH=libdir)
    if not os.path.isfile(os.path.join(pydir, "ucpolicy", "__init__.py")):
        print(f"   Python: skipped, no Python binding in this build ({pydir}; meson option python)")
    elif run([a.python, "-c", "import ucpolicy"], env=pyenv)[0] != 0:
        print(f"   Python: skipped, {a.python} cannot import the binding of this build")
    else:
        # The interpreter the extension was built for (meson's --python), not the one running this
        # script: a python3 first on PATH may be another installation, whose start-up differs.
        print(f"   Python as built for: {a.python}")
        binding("Python", [a.python, "-c", f"import ucpolicy; ucpolicy.check({leaf!r}, 'tls-server', "
                                           f"trust=[{root!r}], chain=[{inter!r}])"],
                [a.python, "-c", "pass"], pyenv, a.oneshot_runs)
    psd1 = os.path.join(build, "bindings", "powershell", "UcPolicy", "UcPolicy.psd1")
    pwsh = shutil.which("pwsh")
    if not pwsh:
        # The pinned PowerShell of the module's tests (a .NET local tool), where `dotnet tool restore` put it.
        try:
            tools = json.load(open(os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "powershell",
                                                "tests", ".config", "dotnet-tools.json")))
            ver = tools["tools"]["powershell"]["version"]
            cand = os.path.join(os.environ.get("NUGET_PACKAGES") or os.path.expanduser("~/.nuget/packages"),
                                "powershell", ver, "tools", "net10.0", "any", "unix", "pwsh")
            pwsh = cand if os.access(cand, os.X_OK) else None
        except (OSError, KeyError, ValueError):
            pwsh = None
    if not os.path.isfile(psd1):
        print(f"   PowerShell: skipped, no PowerShell module in this build ({psd1}; meson option csharp)")
    elif not pwsh:
        print("   PowerShell: skipped, no pwsh on PATH and no restored pinned PowerShell (dotnet tool restore in "
              "bindings/powershell/tests)")
    else:
        psenv = dict(os.environ, POWERSHELL_TELEMETRY_OPTOUT="1", POWERSHELL_UPDATECHECK="Off", NO_COLOR="1")
        psenv.pop("PSModulePath", None)
        quote = lambda v: "'" + v.replace("'", "''") + "'"  # noqa: E731
        script = (f"Import-Module {quote(psd1)}; $r = Test-UcCertificate -Path {quote(leaf)} -Role tls-server "
                  f"-Trust {quote(root)} -Chain {quote(inter)}; if ($r.Result -ne 'Pass') {{ exit 1 }}")
        runs = max(5 if a.quick else 15, a.oneshot_runs // 2)
        # An installed PowerShell is compiled ahead of time; the pinned tool is not (see
        # ready_to_run_pwsh): the target is on the first, the tool's figure is shown beside it.
        installed, note = (pwsh, "pwsh from PATH") if shutil.which("pwsh") else \
            ready_to_run_pwsh(pwsh, os.path.dirname(os.path.abspath(a.corpus)))
        if installed:
            print(f"   PowerShell as installed: {note}")
            binding("PowerShell", [installed, "-NoProfile", "-NonInteractive", "-Command", script],
                    [installed, "-NoProfile", "-NonInteractive", "-Command", "$null"], psenv, runs)
        else:
            print(f"   PowerShell as installed: not measured ({note})")
        if installed != pwsh:
            binding("PowerShell, the pinned tool (its own assemblies not compiled ahead of time)",
                    [pwsh, "-NoProfile", "-NonInteractive", "-Command", script],
                    [pwsh, "-NoProfile", "-NonInteractive", "-Command", "$null"], psenv, runs)
    print()

    plan_ms = None
    if a.bench_plan:
        print("8. Plan of a generated 100-server topology (bench-plan, CPU time; then ucpolicy plan, one process)")
        plan_file = os.path.join(a.corpus, "plan-100.tbxml")
        p = subprocess.run([a.bench_plan, "--repeat", str(max(a.repeat * 4, 8)), "--write", plan_file],
                           capture_output=True, text=True, check=True)
        for line in p.stdout.splitlines():
            if line.startswith("plan-100 total-ms "):
                plan_ms = float(line.split()[-1])
            else:
                print(f"   {line}")
        raw["plan"] = {"total_ms_best": plan_ms}
        cli_times = []
        for _ in range(max(a.repeat, 3)):
            status, wall, _cpu, _rss, _out = run([a.cli, "plan", "--topology", plan_file, "--format", "json"])
            if status != 0:
                raise SystemExit(f"ucpolicy plan {plan_file}: exit status {status}")
            cli_times.append(wall * 1000)
        raw["plan"]["cli_wall_ms"] = cli_times
        print(f"   ucpolicy plan --format json, one process: wall best {min(cli_times):.2f} ms, "
              f"median {statistics.median(cli_times):.2f} ms")
        print()

    load1 = os.getloadavg()
    print(f"load:     {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} at the end")
    print()
    print("Ratios (best runs; > 1 means libucpolicy is faster)")
    if ossl_w:
        print(f"   ucpolicy check vs openssl verify, one process, wall: x{ucp_w / ossl_w:.2f}; cpu: x{ucp_c / ossl_c:.2f};"
              f" with --jobs 2: x{ucp2_w / ossl_w:.2f}")
        print(f"   library full check (per core) vs openssl verify (cpu): x{full_best / ossl_c:.2f}")
    if ct_rate:
        print(f"   library full check vs certtool --verify in a loop: x{full_best / ct_rate:.0f}; "
              f"ucpolicy check one process vs certtool loop: x{ucp_w / ct_rate:.0f}")
    print()
    print("Targets")
    results = []

    def target(ok, text):
        results.append(ok)
        print(f"   [{'met' if ok else 'MISSED'}] {text}")

    if ossl_w:
        target(ucp_w >= ossl_w, f"full tls-server checks at least as fast as openssl verify on the same files: "
                                f"{ucp_w:,.0f}/s vs {ossl_w:,.0f}/s wall (x{ucp_w / ossl_w:.2f}; aim x2), "
                                f"{ucp_c:,.0f}/s vs {ossl_c:,.0f}/s cpu (x{ucp_c / ossl_c:.2f})")
    target(full_best >= 10000, f"at least 10,000 full tls-server checks per second per core: {full_best:,.0f}/s")
    target(rsa_best >= 25000, f"at least 25,000 full tls-server checks per CPU-second, RSA-2048 leaves: "
                              f"{rsa_best:,.0f}/s" + (f" (ECDSA P-256 leaves: {p256_best:,.0f}/s)" if p256_best else "")
                              + (f"; one RSA-2048 verification alone: {floor_best:,.0f}/s on this machine"
                                 if floor_best else ""))
    if ossl_c:
        target(json_c >= 3 * ossl_c, f"--format json over many files at least 3x openssl verify in CPU time: "
                                     f"x{json_c / ossl_c:.2f}")
    if "json" in render_share:
        target(max(render_share["json"], render_share.get("sarif", 0)) <= 0.15,
               f"JSON and SARIF rendering at most 15% of the check (CPU time, in process): JSON "
               f"{100 * render_share['json']:.1f}%, SARIF {100 * render_share.get('sarif', 0):.1f}% (the batch "
               f"commands: JSON {100 * (ucp_c / json_c - 1):.1f}%)")
    else:
        target(ucp_c / json_c - 1 <= 0.15, f"JSON rendering at most 15% of the check (CPU time): "
                                           f"{100 * (ucp_c / json_c - 1):.1f}%")
    target(ucp2_w >= 1.8 * ucp_w, f"--jobs 2 at least x1.8 one job (wall): x{ucp2_w / ucp_w:.2f}")
    if ossl1:
        target(ot[1] <= ossl1[1], f"one-shot with --trust no slower than openssl verify (wall medians): "
                                  f"{ot[1]:.2f} vs {ossl1[1]:.2f} ms")
    target(os_[1] <= 2 * ot[1], f"one-shot with the system trust store within x2 of --trust (wall medians): "
                                f"x{os_[1] / ot[1]:.2f}")
    if "Python" in binding_share:
        target(binding_share["Python"][0] < 50, f"Python module's one-shot share under 50 ms (wall medians): "
                                                f"{binding_share['Python'][0]:.1f} ms")
    if "PowerShell" in binding_share:
        target(binding_share["PowerShell"][0] < 150, f"PowerShell module's one-shot share under 150 ms (wall "
                                                     f"medians): {binding_share['PowerShell'][0]:.1f} ms")
    target(san_ratio < 50, f"1,000 SAN names under 50 times the cost of one: x{san_ratio:.1f}")
    for label in ("ucpolicy, --trust ROOT --chain INTER", "ucpolicy, system trust store"):
        lo, med, cpu_med = oneshot_best[label]
        target(med < 20, f"a one-shot check under 20 ms ({label.split(', ')[1]}): wall median {med:.2f} ms "
                         f"(best {lo:.2f}; cpu median {cpu_med:.2f})")
    if plan_ms is not None:
        target(plan_ms < 100, f"the plan of a 100-server topology under 100 ms: {plan_ms:.2f} ms CPU "
                              "(load, plan and JSON)")
    raw["load_end"] = load1
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
