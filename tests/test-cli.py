#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The `ucpolicy` command against the fixture manifest (tests/FIXTURES.md), with TAP output.

    test-cli.py UCPOLICY SCHEMA      (fixtures in $UCPOLICY_FIXTURES)

For every case: `ucpolicy check --format json` (parsed, validated against SCHEMA, compared with
the case's expectations) and the text output (the result and every finding code appear), with
the exit status the result implies (0 pass, 1 warnings only, 2 errors). The optional case fields
map to options: `crls` to --crl, `online` to --online --allow-private-network (its URLs are on
127.0.0.1), `timeoutMs` to --timeout (seconds, rounded
up), `pool` to `check --same-certificate FILE POOL...` (a JSON array: the case's report first,
then each pool file checked on its own; the exit status covers them all). For every inputError:
exit status 3, the message on stderr naming the file, and a JSON entry with "result": "error".
Then --fail-on, several files in one run, standard input ('-' as a FILE and --topology -), the
progress line (on a pseudo-terminal, and --progress in a pipe) and the closing summary of a batch,
usage errors, and `ucpolicy roles|rules`.

With UCPOLICY_TEST_MEMCHECK set (the valgrind test setup, where every ucpolicy run is traced),
a subset runs: the pass cases, the format cases, one fail case per rule, and everything else.
"""
import concurrent.futures
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import tempfile
import termios

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tap import finish, point, skip  # noqa: E402
import reportschema  # noqa: E402  (tests/reportschema.py)

UCPOLICY, SCHEMA = sys.argv[1], sys.argv[2]
# A Windows build's ucpolicy.exe runs through UCPOLICY_TEST_WRAPPER (Wine; tests/meson.build).
WRAPPER = [os.environ["UCPOLICY_TEST_WRAPPER"]] if os.environ.get("UCPOLICY_TEST_WRAPPER") else []
WINDOWS = UCPOLICY.endswith(".exe")
FIXTURES = os.environ["UCPOLICY_FIXTURES"]
MEMCHECK = bool(os.environ.get("UCPOLICY_TEST_MEMCHECK"))
PASSWORD_VAR = "UCPOLICY_TEST_PFX_PASSWORD"
EXIT = {"pass": 0, "warning": 1, "fail": 2}




def fx(rel):
    return os.path.join(FIXTURES, rel)


def run(args, env_extra=None, stdin=None):
    """Exit status, stdout and stderr of `ucpolicy ARGS`; @stdin: bytes, a file descriptor, or none."""
    env = dict(os.environ)
    env.pop(PASSWORD_VAR, None)
    if env_extra:
        env.update(env_extra)
    extra = {"input": stdin} if isinstance(stdin, bytes) else {"stdin": stdin if stdin is not None else subprocess.DEVNULL}
    p = subprocess.run(WRAPPER + [UCPOLICY] + args, capture_output=True, env=env, timeout=600, **extra)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


with open(fx("manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
validator = reportschema.validator(SCHEMA)
vt = manifest["validationTime"]
tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-cli-")


def schema_errors(doc):
    return [f"{'/'.join(str(x) for x in e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def case_args(case, n):
    """The check options of a case: role, time, trust, chain, public roots, topology, password."""
    topo = os.path.join(tmp.name, f"topology-{n}.json")
    with open(topo, "w", encoding="utf-8") as f:
        json.dump(case["topology"], f)
    args = ["check", "--role", case["role"], "--at", vt, "--topology", topo, "--color", "never"]
    for t in case["trust"]:
        args += ["--trust", fx(t)]
    for c in case["chain"]:
        args += ["--chain", fx(c)]
    for r in case["publicRoots"]:
        args += ["--public-roots", fx(r)]
    for c in case.get("crls", []):
        args += ["--crl", fx(c)]
    if case.get("online"):
        args += ["--online", "--allow-private-network"]
        if case.get("timeoutMs") is not None:
            args += ["--timeout", str(max(1, -(-case["timeoutMs"] // 1000)))]
    if case.get("pool"):
        args.append("--same-certificate")
    env = None
    if case.get("password") is not None:
        args += ["--password-env", PASSWORD_VAR]
        env = {PASSWORD_VAR: case["password"]}
    return args, env


def compare(report, ex):
    """Differences between a JSON report and a case's expectations."""
    diag = []
    findings = report.get("findings", [])
    if ex.get("result") is not None and report.get("result") != ex["result"]:
        diag.append(f"result {report.get('result')}, expected {ex['result']}")
    if ex.get("format") and report.get("input", {}).get("format") != ex["format"]:
        diag.append(f"format {report.get('input', {}).get('format')}, expected {ex['format']}")
    for item in ex.get("present", []):
        hits = [f for f in findings if f["code"] == item["code"] and f["severity"] == item["severity"]]
        if not hits:
            diag.append(f"missing {item['code']} ({item['severity']})")
        at = item.get("certificateIndex")
        if at is not None and any(f.get("certificateIndex") != at for f in hits):
            diag.append(f"{item['code']}: names certificate "
                        f"{[f.get('certificateIndex') for f in hits]} of the path, expected {at}")
        want = item.get("remediationContains")
        if want and not any(want in f["remediation"] for f in hits):
            diag.append(f"{item['code']}: the remediation does not contain {want!r}")
    codes = {f["code"] for f in findings}
    for code in ex.get("absent", []):
        if code in codes:
            diag.append(f"unexpected {code}")
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in ("error", "warning", "info")}
    if report.get("summary") != counts:
        diag.append(f"summary {report.get('summary')} does not count the findings {counts}")
    if diag:
        diag.append("findings: " + ", ".join(f"{f['severity']} {f['code']}" for f in findings))
    return diag


def check_case(n, case):
    args, env = case_args(case, n)
    ex = case["expect"]
    diag = []
    files = [fx(case["file"])] + [fx(p) for p in case.get("pool", [])]
    code, out, err = run(args + ["--format", "json"] + files, env)
    try:
        doc = json.loads(out)
    except ValueError as e:
        return [f"the JSON output does not parse ({e}); exit {code}; stderr: {err.strip()}"]
    diag += [f"schema: {e}" for e in schema_errors(doc)]
    others = []
    if case.get("pool"):
        # The case's report (with the pool comparison) first, then each pool file on its own.
        if not isinstance(doc, list) or len(doc) != len(files):
            return diag + [f"--same-certificate: not an array of {len(files)} reports: {out[:200]!r}"]
        report, others = doc[0], doc[1:]
        names = [m.get("name") for m in (report.get("pool") or [])]
        if names != files:
            diag.append(f"the report's pool lists {names}, not {files}")
        for f, other in zip(files[1:], others):
            if other.get("input", {}).get("name") != f or other.get("pool") is not None:
                diag.append(f"{f}: not checked on its own after the pool report")
    else:
        report = doc
        if report.get("pool") is not None:
            diag.append("a report without --same-certificate has a pool")
    diag += compare(report, ex)
    want_exit = EXIT[report.get("result", "fail")] if report.get("result") in EXIT else None
    if ex.get("result") in EXIT:
        want_exit = EXIT[ex["result"]]
    if want_exit is not None and others:
        # The exit status covers every report printed.
        want_exit = max([want_exit] + [EXIT.get(o.get("result"), 3) for o in others])
    if code != want_exit:
        diag.append(f"exit status {code}, expected {want_exit} (stderr: {err.strip()})")
    if report.get("input", {}).get("name") != fx(case["file"]):
        diag.append(f"input name {report.get('input', {}).get('name')}")
    tcode, text, terr = run(args + files, env)
    if tcode != code:
        diag.append(f"text: exit status {tcode}, JSON gave {code}")
    if report.get("result", "").upper() not in text:
        diag.append(f"text: no {report.get('result', '').upper()}")
    for f in report.get("findings", []):
        if f["code"] not in text:
            diag.append(f"text: {f['code']} does not appear")
    if fx(case["file"]) not in text:
        diag.append("text: the file name does not appear")
    return diag


cases = manifest["cases"]
if MEMCHECK or WRAPPER:
    # Under memcheck every ucpolicy run is traced (seconds each), and under Wine every run starts
    # a Windows process (a second on a busy machine): the CLI's own code paths, not the catalogue
    # (test-manifest runs every case through the library under memcheck and under Wine too). The
    # extra cases (formats, chains, names, keys, the incident), one pass, one warning-only and
    # one info-only case.
    def only_severity(c, sev):
        return c["kind"] == "fail" and c["expect"]["present"] and all(p["severity"] == sev for p in c["expect"]["present"])
    subset = [c for c in cases if not c["id"].endswith("/fail") and "/pass/" not in c["id"]]
    subset.append(next(c for c in cases if c["id"] == "tls-server/pass/sfb2019"))
    subset.append(next(c for c in cases if only_severity(c, "warning")))
    subset.append(next(c for c in cases if only_severity(c, "info")))
    # The options of the optional case fields, once each.
    for field in ("crls", "online", "pool"):
        subset.append(next(c for c in cases if c["id"].endswith("/fail") and c.get(field)))
    print(f"# {'memcheck' if MEMCHECK else 'wine'}: {len(subset)} of {len(cases)} cases")
    cases = subset

print(f"# {UCPOLICY}, validation time {vt}")
with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(lambda nc: check_case(*nc), enumerate(cases)))
for case, diag in zip(cases, results):
    point(not diag, f"case {case['id']}", diag)

# ---- input errors -------------------------------------------------------------------------
for e in manifest["inputErrors"]:
    args = ["check", "--role", "tls-server", "--at", vt, "--trust", fx("certs/root.pem")]
    env = None
    if e.get("password") is not None:
        args += ["--password-env", PASSWORD_VAR]
        env = {PASSWORD_VAR: e["password"]}
    diag = []
    code, out, err = run(args + [fx(e["file"])], env)
    if code != 3:
        diag.append(f"text: exit status {code}, expected 3")
    if fx(e["file"]) not in err:
        diag.append(f"stderr does not name the file: {err.strip()}")
    if out.strip():
        diag.append(f"text: something on stdout: {out.strip()[:200]}")
    code, out, err = run(args + ["--format", "json", fx(e["file"])], env)
    try:
        entry = json.loads(out)
        diag += [f"schema: {x}" for x in schema_errors(entry)]
        if entry.get("result") != "error" or entry.get("error", {}).get("code") != e["status"]:
            diag.append(f"JSON entry {entry.get('result')} / {entry.get('error')}, expected error / {e['status']}")
        if entry.get("input", {}).get("name") != fx(e["file"]) or fx(e["file"]) not in entry.get("error", {}).get("message", ""):
            diag.append("the JSON entry does not name the file")
    except ValueError as x:
        diag.append(f"the JSON output does not parse: {x}: {out[:200]!r}")
    if code != 3:
        diag.append(f"json: exit status {code}, expected 3")
    point(not diag, f"inputError {e['id']}: exit 3, named on stderr, JSON error entry {e['status']}", diag)

# A file name that is not UTF-8 (Latin-1 "café.pem", missing) and a very long one: the JSON stays
# valid UTF-8, the entry and the message name the file.
latin1 = os.path.join(os.fsencode(tmp.name), b"caf\xe9.pem")
longname = os.path.join(tmp.name, *(["r\u00e9pertoire-tr\u00e8s-long"] * 100), "missing.pem")
name_cases = [(latin1, os.path.join(tmp.name, "caf\\xE9.pem"), "a file name that is not UTF-8"),
              (longname, longname, f"a {len(longname.encode())}-byte path")]
if WINDOWS:
    skip(name_cases.pop(0)[2], "Windows arguments are UTF-16: no name reaches the program as bytes")
for name, shown, what in name_cases:
    env = dict(os.environ)
    p = subprocess.run([os.fsencode(a) for a in WRAPPER] + [os.fsencode(UCPOLICY), b"check", b"--role", b"tls-server", b"--format", b"json",
                        os.fsencode(name)], capture_output=True, env=env)
    diag = []
    try:
        entry = json.loads(p.stdout.decode("utf-8"))
        diag += [f"schema: {x}" for x in schema_errors(entry)]
        if entry["input"]["name"] != shown or shown not in entry["error"]["message"]:
            diag.append(f"entry {entry}")
    except (ValueError, KeyError) as x:
        diag.append(f"not valid UTF-8 JSON: {x}: {p.stdout[:300]!r}")
    point(not diag and p.returncode == 3, f"{what}: a valid JSON entry naming the whole file, exit 3",
          diag + [f"exit {p.returncode}"])

# ---- --fail-on ----------------------------------------------------------------------------
by_id = {c["id"]: c for c in manifest["cases"]}


def first(pred, what):
    for c in manifest["cases"]:
        if pred(c):
            return c
    sys.exit(f"setup: the manifest has no {what}")


def only(severity):
    return lambda c: c["kind"] == "fail" and c["expect"]["present"] and all(
        p["severity"] == severity for p in c["expect"]["present"])


fail_case = first(only("error"), "error-only fail case")
warn_case = first(only("warning"), "warning-only fail case")
info_case = first(only("info"), "info-only fail case")
pass_case = by_id["tls-server/pass/sfb2019"]
for case, failon, want in [
        (fail_case, "error", 2), (fail_case, "warning", 2), (fail_case, "info", 2), (fail_case, "never", 0),
        (warn_case, "error", 0), (warn_case, "warning", 1), (warn_case, "info", 1), (warn_case, "never", 0),
        (info_case, "error", 0), (info_case, "warning", 0), (info_case, "info", 1), (info_case, "never", 0),
        (pass_case, "info", 0), (pass_case, "never", 0)]:
    args, env = case_args(case, f"failon-{tap.points}")
    code, out, err = run(args + ["--fail-on", failon, "--quiet", fx(case["file"])], env)
    point(code == want and not out, f"--fail-on {failon} --quiet: {case['id']} exits {want}",
          [f"exit {code}, stdout {out[:100]!r}, stderr {err.strip()}"])

# ---- several files ------------------------------------------------------------------------
multi = [by_id["frontend-default/pass/sfb2019"], by_id["frontend-default/subject.cn-wildcard/fail"],
         by_id["frontend-default/key.ecc/fail"]]
args, env = case_args(multi[0], "multi")
files = [fx(c["file"]) for c in multi]
missing = fx("bad/does-not-exist.pem")
for compact in (False, True):
    code, out, err = run(args + ["--format", "json"] + (["--compact"] if compact else []) + files, env)
    diag = []
    try:
        arr = json.loads(out)
        if not isinstance(arr, list) or len(arr) != 3:
            diag.append(f"not an array of 3: {type(arr).__name__}")
        else:
            for c, rep in zip(multi, arr):
                diag += [f"{c['id']}: {d}" for d in compare(rep, c["expect"])]
                diag += [f"schema: {x}" for x in schema_errors(rep)]
        if compact and len(out.strip().splitlines()) != 1:
            diag.append("--compact: not one line")
    except ValueError as x:
        diag.append(f"does not parse: {x}")
    point(not diag and code == 2, f"three files{' --compact' if compact else ''}: a JSON array, one report each, exit 2",
          diag + [f"exit {code}"])
code, out, err = run(args + ["--format", "json", files[0], missing, files[1]], env)
diag = []
try:
    arr = json.loads(out)
    if len(arr) != 3 or arr[1].get("result") != "error" or arr[1].get("input", {}).get("name") != missing:
        diag.append(f"entries: {[a.get('result') for a in arr]}")
    diag += [f"schema: {x}" for a in arr for x in schema_errors(a)]
    if arr[0].get("result") != "pass" or arr[2].get("result") != "fail":
        diag.append("the readable files were not checked")
except (ValueError, AttributeError, IndexError) as x:
    diag.append(f"does not parse as expected: {x}: {out[:300]!r}")
point(not diag and code == 3 and missing in err,
      "an unreadable file among several: an entry with \"result\": \"error\", the others checked, exit 3",
      diag + [f"exit {code}, stderr {err.strip()}"])
code, out, err = run(args + [files[0], files[1]], env)
point(code == 2 and out.count("PASS") >= 1 and out.count("FAIL") >= 1 and files[0] in out and files[1] in out,
      "two files as text: both reports, exit 2", [f"exit {code}", out[:300]])

# ---- the other formats: the library's documents, written by the command -------------------
# (tests/test-render.py reads each against its schema or reader; here: the command gives them,
# with the exit status of the batch.)
import csv as _csv
import io as _io
import xml.etree.ElementTree as _et
code, out, err = run(args + ["--format", "sarif", files[0], missing, files[1]], env)
diag = []
try:
    log = json.loads(out)
    run0 = log["runs"][0]
    if log.get("version") != "2.1.0":
        diag.append(f"version {log.get('version')}")
    if not any(r.get("ruleId") == "subject.cn-wildcard" for r in run0.get("results", [])):
        diag.append(f"no subject.cn-wildcard result: {[r.get('ruleId') for r in run0.get('results', [])]}")
    if len(run0.get("artifacts", [])) != 3:
        diag.append(f"{len(run0.get('artifacts', []))} artifacts, not 3")
except (ValueError, KeyError, IndexError) as x:
    diag.append(f"does not parse: {x}: {out[:200]!r}")
point(not diag and code == 3 and out.endswith("}\n"),
      "--format sarif: one SARIF 2.1.0 log for three inputs (one unreadable), exit 3", diag + [f"exit {code}"])
code, out, err = run(args + ["--format", "csv"] + files, env)
rows = list(_csv.reader(_io.StringIO(out)))
point(code == 2 and len(rows) >= 4 and {r[0] for r in rows[1:]} >= set(files),
      "--format csv: a header and rows for every file, exit 2", [f"exit {code}", out[:300]])
code, out, err = run(args + ["--format", "junit", "--fail-on", "error"] + files, env)
diag = []
try:
    cases = _et.fromstring(out).findall(".//testcase")
    failed = [c.get("name") for c in cases if c.find("failure") is not None]
    if len(cases) != 3 or failed != [files[1]]:
        diag.append(f"{len(cases)} test cases, failing: {failed}")
except _et.ParseError as x:
    diag.append(f"not XML: {x}")
point(not diag and code == 2, "--format junit: one test case per file, the one with errors failing, exit 2",
      diag + [f"exit {code}"])
code, out, err = run(args + ["--format", "nagios", files[0]], env)
point(code == 0 and out.startswith("UCPOLICY OK - "),
      "--format nagios, a passing file: an OK status line, exit 0", [f"exit {code}", out[:200]])
code, out, err = run(args + ["--format", "nagios"] + files, env)
point(code == 2 and out.startswith("UCPOLICY CRITICAL - "), "--format nagios, failing files: CRITICAL, exit 2",
      [f"exit {code}", out[:200]])
code, out, err = run(args + ["--format", "html"] + files, env)
point(code == 2 and out.lstrip().lower().startswith("<!doctype html") and all(f in out for f in files),
      "--format html: one page naming every file, exit 2", [f"exit {code}", out[:200]])
code, out, err = run(args + ["--format", "yaml", files[0]], env)
point(code == 3 and "sarif" in err and not out, "--format yaml: a usage error listing the formats",
      [f"exit {code}", err])

# ---- standard input: FILE '-' and --topology - ---------------------------------------------
# Its report and messages name the input '-', the argument as given (as sha256sum does),
# so that a JSON entry maps back to the command line like every other FILE's.
def read(rel):
    with open(fx(rel), "rb") as f:
        return f.read()


def named(report, name):
    """The report with its input name replaced (to compare a file's report with stdin's)."""
    return dict(report, input=dict(report["input"], name=name))


code, out, err = run(args + ["--format", "json", files[1]], env)
file_report = json.loads(out)
for what, extra in (("", []), (" --jobs 2", ["--jobs", "2"])):
    scode, sout, serr = run(args + ["--format", "json"] + extra + ["-"], env, stdin=read(multi[1]["file"]))
    diag = []
    try:
        rep = json.loads(sout)
        if named(rep, files[1]) != file_report or rep["input"]["name"] != "-":
            diag.append(f"input {rep['input']}, result {rep.get('result')}")
        diag += [f"schema: {x}" for x in schema_errors(rep)]
    except (ValueError, KeyError) as x:
        diag.append(f"does not parse: {x}: {sout[:300]!r}")
    point(not diag and scode == code == 2, f"check{what} -: the report of the file given on standard input, named '-'",
          diag + [f"exit {scode}, stderr {serr.strip()}"])

code, out, err = run(args + ["--format", "json", files[0], files[1], files[2], missing], env)
by_file = json.loads(out)
for jobs in ("1", "3"):
    scode, sout, serr = run(args + ["--format", "json", "--jobs", jobs, files[0], "-", files[2], missing], env,
                            stdin=read(multi[1]["file"]))
    diag = []
    try:
        arr = json.loads(sout)
        names = [a["input"]["name"] for a in arr]
        if names != [files[0], "-", files[2], missing]:
            diag.append(f"names {names}")
        if [arr[0], named(arr[1], files[1]), arr[2], arr[3]] != by_file:
            diag.append(f"results {[a['result'] for a in arr]}, not {[a['result'] for a in by_file]}")
    except (ValueError, KeyError, TypeError) as x:
        diag.append(f"does not parse: {x}: {sout[:300]!r}")
    point(not diag and scode == code == 3,
          f"FILE - among others (--jobs {jobs}): in its place in the array, what the files give by name",
          diag + [f"exit {scode}, stderr {serr.strip()}"])

code, out, err = run(args + ["--format", "json", "-"], env, stdin=b"not a certificate\n")
try:
    entry = json.loads(out)
    ok = entry["result"] == "error" and entry["input"]["name"] == "-" and entry["error"]["code"] == "UCP_E_FORMAT"
except (ValueError, KeyError) as x:
    ok, entry = False, x
point(ok and code == 3 and err.startswith("ucpolicy: -: "),
      "garbage on standard input: exit 3, the message and the JSON entry name '-'", [f"exit {code}: {err}", entry])
code, out, err = run(args + ["-"], env, stdin=b"")
point(code == 3 and "ucpolicy: -: " in err and not out, "empty standard input: exit 3, named '-'", [f"exit {code}: {err}"])
directory = os.open(FIXTURES, os.O_RDONLY)
code, out, err = run(args + ["--format", "json", "-"], env, stdin=directory)
os.close(directory)
point(code == 3 and "-: cannot read standard input" in err and '"UCP_E_IO"' in out,
      "a directory on standard input: exit 3, UCP_E_IO naming '-'", [f"exit {code}: {err}", out[:300]])

pfx_case = first(lambda c: c.get("password") and c["file"].endswith(".pfx") and c["expect"]["result"] in EXIT,
                 "PKCS#12 case")
pargs, penv = case_args(pfx_case, "stdin-pfx")
code, out, err = run(pargs + ["--format", "json", fx(pfx_case["file"])], penv)
pcode, pout, perr = run(pargs + ["--format", "json", "-"], penv, stdin=read(pfx_case["file"]))
try:
    same = named(json.loads(pout), fx(pfx_case["file"])) == json.loads(out)
except (ValueError, KeyError) as x:
    same = False
point(same and pcode == code == EXIT[pfx_case["expect"]["result"]],
      f"a PKCS#12 file on standard input, with --password-env: the file's report ({pfx_case['id']})",
      [f"exit {pcode} / {code}: {perr}"])

pool_case = first(lambda c: c.get("pool") and c.get("password") and c["expect"]["result"] in EXIT, "pool case")
pargs, penv = case_args(pool_case, "stdin-pool")
pool_files = [fx(pool_case["file"])] + [fx(p) for p in pool_case["pool"]]
code, out, err = run(pargs + ["--format", "json"] + pool_files, penv)
scode, sout, serr = run(pargs + ["--format", "json"] + pool_files[:-1] + ["-"], penv, stdin=read(pool_case["pool"][-1]))
try:
    want, got = json.loads(out), json.loads(sout)
    names = [m["name"] for m in got[0]["pool"]]
    ok = names == pool_files[:-1] + ["-"] and got[-1]["input"]["name"] == "-" and [
        r["result"] for r in got] == [r["result"] for r in want] and named(got[-1], pool_files[-1]) == want[-1]
except (ValueError, KeyError, TypeError, IndexError) as x:
    ok, names = False, x
point(ok and scode == code, f"--same-certificate with the last server's file on standard input ({pool_case['id']})",
      [f"exit {scode} / {code}: {serr}", names])

topo_args = [a for a in args]
i = topo_args.index("--topology")
topo_file = topo_args[i + 1]
topo_args[i + 1] = "-"
with open(topo_file, "rb") as f:
    topo_json = f.read()
code, out, err = run(args + ["--format", "json", files[1]], env)
tcode, tout, terr = run(topo_args + ["--format", "json", files[1]], env, stdin=topo_json)
point(tcode == code and tout == out and out, "--topology -: the facts read from standard input, the same report",
      [f"exit {tcode} / {code}: {terr}"])
tcode, tout, terr = run(topo_args + [files[1]], env, stdin=b'{"fqdn": 1}')
point(tcode == 3 and "ucpolicy: -: " in terr and not tout, "--topology - with a bad document: exit 3, named '-'",
      [f"exit {tcode}: {terr}"])
for argv, what in ((args + ["-", files[0], "-"], "two FILEs '-'"), (topo_args + ["-"], "--topology - and FILE -")):
    code, out, err = run(argv, env, stdin=read(multi[1]["file"]))
    point(code == 3 and "standard input ('-')" in err and "Try 'ucpolicy check --help'." in err and not out,
          f"{what}: a usage error (standard input is read once)", [f"exit {code}: {err}"])

# A file whose name is not ASCII (Windows: the UTF-16 command line and file name, platform.c and
# compat.c): the same report as the original, under its own name; the output's bytes have the
# line ends of every system, LF (Windows: binary streams).
unicode_case = next(c for c in manifest["cases"] if not c.get("pool") and c.get("password") is None
                    and not c.get("online") and c["expect"].get("result") in EXIT)
uargs, uenv = case_args(unicode_case, "unicode")
unicode_name = os.path.join(tmp.name, "zertifikat-m\u00fcller-\u6771\u4eac.pem")
shutil.copyfile(fx(unicode_case["file"]), unicode_name)
code, out, err = run(uargs + ["--format", "json", fx(unicode_case["file"])], uenv)
ucode, uout, uerr = run(uargs + ["--format", "json", unicode_name], uenv)
try:
    same = named(json.loads(uout), fx(unicode_case["file"])) == json.loads(out) and \
        json.loads(uout)["input"]["name"] == unicode_name
except (ValueError, KeyError) as x:
    same = x
point(same is True and ucode == code, f"a file named {os.path.basename(unicode_name)}: the original's report, named so",
      [f"exit {ucode} / {code}: {uerr}", same])
raw = subprocess.run(WRAPPER + [UCPOLICY] + uargs + [unicode_name], capture_output=True, env=dict(os.environ, **(uenv or {})),
                     stdin=subprocess.DEVNULL, timeout=600)
point(raw.stdout.count(b"\n") > 3 and b"\r" not in raw.stdout and unicode_name.encode() in raw.stdout,
      "the text report's lines end in LF alone and name the file in UTF-8", [raw.stdout[:300]])

# ---- the progress line and the summary of a batch -------------------------------------------
def run_on_terminal(argv, columns=100):
    """`ucpolicy ARGV` with stderr on a pseudo-terminal of @columns (stdout a pipe): exit status,
    stdout, and the bytes the terminal received."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environment = dict(os.environ)
    environment.pop(PASSWORD_VAR, None)
    p = subprocess.Popen([UCPOLICY] + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                         env=environment)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the last writer closed the terminal
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    out = p.stdout.read()
    p.stdout.close()
    return p.wait(timeout=600), out.decode("utf-8", "replace"), received


def screen(received):
    """What a terminal shows after @received: '\r' returns to the start of the line, which later
    characters overwrite; the lines without trailing blanks."""
    lines, col = [[]], 0
    for ch in received.decode("utf-8", "replace"):
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append([])
            col = 0
        else:
            line = lines[-1]
            line.extend(" " * (col - len(line) + 1) if col >= len(line) else "")
            line[col] = ch
            col += 1
    return ["".join(line).rstrip() for line in lines if "".join(line).strip()]


def updates(received):
    """The successive states of the progress line: the texts between '\r's that show one."""
    return [part.decode("utf-8", "replace").rstrip() for part in received.split(b"\r") if b" done" in part]


batch = [files[0], files[1], files[2], missing]
results = [r["result"] for r in by_file]  # the same files, checked above
summary = (f"ucpolicy: checked 4: {results.count('pass')} pass, {results.count('warning')} warning, "
           f"{results.count('fail')} fail, 1 could not be read")
_, piped_out, _ = run(args + batch, env)
if WINDOWS:
    # A pseudo-terminal is no Windows console: the console's width and detection (platform.c)
    # are not reached through Wine from here.
    for name in ["stderr a terminal: a progress line", "the line is cleared at the end",
                 "the reports go to stdout as without the line", "on a 40-column terminal each state fits one line",
                 "control characters of a file name are shown as '?' on the line",
                 "--quiet: no progress line on the terminal", "--no-progress: no progress line on the terminal",
                 "one FILE: no line and no summary"]:
        skip(name, "no console under the test driver")
else:
    code, out, received = run_on_terminal(args + batch, columns=300)
    shown = updates(received)
    final = screen(received)
    point(code == 3 and shown and shown[0] == f"ucpolicy: 0/4 done, checking {files[0]}" and
          "ucpolicy: 4/4 done" in shown and all("/4 done" in u for u in shown),
          "stderr a terminal: a progress line, done/total and the file being checked, updated in place",
          [f"exit {code}"] + shown[:8])
    point(final and final[-1] == summary and not any(" done" in line for line in final) and
          f"ucpolicy: {missing}: cannot open: No such file or directory" in final,
          "the line is cleared at the end: the terminal shows the messages and the summary only", final)
    point(out == piped_out, "the reports go to stdout as without the line", [out[:300]])

    code, out, received = run_on_terminal(args + batch, columns=40)
    point(updates(received) and all(len(u) < 40 for u in updates(received)) and
          any(u.endswith(".pem") and "..." in u for u in updates(received)),
          "on a 40-column terminal each state fits one line, a long file name shortened to its end",
          updates(received)[:4])

    odd = os.path.join(tmp.name, "evil\x1b[2J\nname.pem")
    shutil.copyfile(files[0], odd)
    code, out, received = run_on_terminal(args + [odd, files[1]])
    point(b"\x1b" not in received and any("evil?[2J?name.pem" in u for u in updates(received)),
          "control characters of a file name are shown as '?' on the line", updates(received)[:3])

    for extra, what in ((["--quiet"], "--quiet"), (["--no-progress"], "--no-progress")):
        code, out, received = run_on_terminal(args + extra + batch)
        point(b"\r" not in received.replace(b"\r\n", b"\n") and b" done" not in received,
              f"{what}: no progress line on the terminal", [received[:300]])
    code, out, received = run_on_terminal(args + [files[0]])
    point(b" done" not in received and not screen(received), "one FILE: no line and no summary", [received[:300]])

code, out, err = run(args + batch, env)
point(b"\r" not in err.encode() and err.rstrip().split("\n")[-1] == summary,
      "stderr a pipe: no progress line; the summary closes stderr", [err])
code, out, err = run(args + ["--progress"] + batch, env)
parts = [p for p in err.split("\r") if " done" in p]
point(parts and parts[0].startswith("ucpolicy: 0/4 done, checking ") and any("4/4 done" in p for p in parts) and
      screen(err.encode())[-1] == summary,
      "--progress in a pipe: the line all the same, cleared before the summary", [err[:400]])
code, out, err = run(args + ["--quiet"] + batch, env)
point(err.count("\n") == 1 and summary not in err, "--quiet: no summary (only the unreadable file's message)", [err])
code, out, err = run(args + ["--same-certificate", "--format", "json", files[0], files[0], files[1]], env)
try:
    results = [r["result"] for r in json.loads(out)]
except (ValueError, TypeError, KeyError) as x:
    results = [str(x)]
point(len(results) == 3 and err.rstrip().split("\n")[-1] == f"ucpolicy: checked 3: {results.count('pass')} pass, "
      f"{results.count('warning')} warning, {results.count('fail')} fail",
      "--same-certificate: the summary counts every report", [err, results])
code, out, err = run(args + ["--jobs", "2"] + batch, env)
point(err.rstrip().split("\n")[-1] == summary, "--jobs 2: the same summary", [err])

# ---- only regular files; the password file's secrecy -------------------------------------
# A FIFO given as any input is refused at once (a blocking open() or read() waited for a writer
# forever), as is a device; a hang ends in the subprocess timeout and fails the point.
if WINDOWS:
    skip("a FIFO as the certificate, --trust, --crl, --topology or --password-file: refused at once",
         "POSIX FIFOs")
else:
    fifo = os.path.join(tmp.name, "input.fifo")
    os.mkfifo(fifo)
    leaf = fx("certs/root.pem")
    for argv, what in ((["check", "--role", "tls-server", fifo], "the certificate"),
                       (["check", "--role", "tls-server", "--trust", fifo, leaf], "--trust"),
                       (["check", "--role", "tls-server", "--chain", fifo, leaf], "--chain"),
                       (["check", "--role", "tls-server", "--crl", fifo, leaf], "--crl"),
                       (["check", "--role", "tls-server", "--topology", fifo, leaf], "--topology"),
                       (["check", "--role", "tls-server", "--password-file", fifo, leaf], "--password-file"),
                       (["check", "--role", "tls-server", "--password-file", "/dev/null", leaf],
                        "--password-file (a device)"),
                       (["check", "--role", "tls-server", "/dev/zero"], "the certificate (a device)")):
        try:
            p = subprocess.run(WRAPPER + [UCPOLICY] + argv, capture_output=True, timeout=60,
                               stdin=subprocess.DEVNULL)
            code, err = p.returncode, p.stderr.decode("utf-8", "replace")
        except subprocess.TimeoutExpired:
            code, err = None, "hung (killed after 60 s)"
        named = argv[argv.index("/dev/null") if "/dev/null" in argv else argv.index("/dev/zero") if
                     "/dev/zero" in argv else argv.index(fifo)]
        kind = "a device" if named.startswith("/dev/") else "a FIFO (named pipe)"
        point(code == 3 and f"ucpolicy: {named}: " in err and kind in err and "not a regular file" in err,
              f"{what}: {kind} is refused at once, exit 3, the message naming it", [f"exit {code}: {err}"])
    os.unlink(fifo)

    pwfile = os.path.join(tmp.name, "password.txt")
    with open(pwfile, "w") as f:
        f.write("not-the-password\n")
    for mode, warned in ((0o644, True), (0o640, True), (0o600, False)):
        os.chmod(pwfile, mode)
        code, out, err = run(["check", "--role", "tls-server", "--password-file", pwfile, fx("certs/root.pem")])
        said = "warning: " + pwfile + ": the password file is readable by group or others" in err
        point(code in (0, 1, 2) and said == warned,
              f"--password-file with mode {mode:o}: {'a warning on stderr' if warned else 'no warning'}",
              [f"exit {code}: {err}"])

    # While a password is held the process is not dumpable (Linux): no core file, no ptrace or
    # /proc/PID/mem by the same user. /proc/PID/status then belongs to root; a process run as
    # another user shows the difference when the test runs as root.
    if not sys.platform.startswith("linux") or MEMCHECK or WRAPPER:
        skip("a password given: the process is not dumpable while it holds it", "Linux, no wrapper")
    else:
        as_user = 65534 if os.getuid() == 0 else os.getuid()

        def demote():
            if os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)

        # The demoted user may not reach the build tree (a clone in a mode-700 directory): the
        # program and its library are copied into a directory anyone can read, for this point.
        program, demoted_env = UCPOLICY, {}
        if os.getuid() == 0:
            public = tempfile.mkdtemp(prefix="ucpolicy-cli-dumpable-")
            os.chmod(public, 0o755)
            program = shutil.copy(UCPOLICY, public)
            # The soname the program asks for, beside it in the build tree (libucpolicy/).
            shutil.copy(os.path.join(os.path.dirname(UCPOLICY), "libucpolicy.so.1"), public)
            demoted_env = {"LD_LIBRARY_PATH": public}

        def owner_while_reading_stdin(argv):
            """The owner of /proc/PID/status while `ucpolicy ARGV -` waits for its standard input."""
            read_end, write_end = os.pipe()
            env = dict(os.environ, UCP_TEST_DUMPABLE_PW="not-the-password", **demoted_env)
            p = subprocess.Popen([program] + argv + ["-"], stdin=read_end, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, preexec_fn=demote, env=env)
            os.close(read_end)
            owner = None
            try:
                for _ in range(6000):  # until it sleeps in the read (not a time bound: a wait)
                    try:
                        with open(f"/proc/{p.pid}/wchan") as f:
                            if "pipe" in f.read():
                                owner = os.stat(f"/proc/{p.pid}/status").st_uid
                                break
                    except OSError:
                        pass
                    if p.poll() is not None:
                        break
                    subprocess.run(["sleep", "0.01"])
            finally:
                os.close(write_end)
                p.wait(timeout=60)
            return owner

        # --password-env: the demoted process cannot enter this test's private directory.
        held = owner_while_reading_stdin(["check", "--role", "tls-server", "--password-env", "UCP_TEST_DUMPABLE_PW"])
        free = owner_while_reading_stdin(["check", "--role", "tls-server"])
        if program != UCPOLICY:
            shutil.rmtree(os.path.dirname(program), ignore_errors=True)
        point(held == 0 and free == as_user,
              "--password-env: not dumpable while the password is held (/proc/PID/status owned by root), "
              "dumpable without one", [f"with a password: owner {held}; without: {free}; run as {as_user}"])
    os.unlink(pwfile)

# ---- usage errors -------------------------------------------------------------------------
for argv, what in [
        (["check", "--role", "no-such-role", fx("certs/root.pem")], "an unknown role"),
        (["check", fx("certs/root.pem")], "no --role"),
        (["check", "--role", "tls-server"], "no file"),
        (["check", "--role", "tls-server", "--at", "2026-02-30", fx("certs/root.pem")], "an impossible date"),
        # INT64_MIN is the library's "now": it must not be reachable as a time given.
        (["check", "--role", "tls-server", "--at", "@-9223372036854775808", fx("certs/root.pem")],
         "--at @INT64_MIN"),
        (["check", "--role", "tls-server", "--at", "@253402300800", fx("certs/root.pem")], "--at after 9999"),
        (["check", "--role", "tls-server", "--format", "xml", fx("certs/root.pem")], "an unknown format"),
        (["check", "--role", "tls-server", "--fail-on", "sometimes", fx("certs/root.pem")], "a bad --fail-on"),
        (["check", "--role", "tls-server", "--fqdn", "bad_name.contoso.com", fx("certs/root.pem")], "an invalid --fqdn"),
        (["check", "--role", "tls-server", "--product", "lync2007", fx("certs/root.pem")], "an unknown product"),
        (["check", "--role", "tls-server", "--trust", missing, fx("certs/root.pem")], "an unreadable --trust"),
        (["check", "--role", "tls-server", "--password-env", "UCPOLICY_TEST_UNSET_VAR", fx("certs/root.pem")],
         "an unset --password-env"),
        (["frobnicate"], "an unknown command"),
        ([], "no command")]:
    code, out, err = run(argv)
    point(code == 3 and err.strip() != "", f"usage error ({what}): exit 3 with a message", [f"exit {code}: {err.strip()}"])

# ---- roles and rules ----------------------------------------------------------------------
roles_in_manifest = {c["role"] for c in manifest["cases"]}
codes_in_manifest = {p["code"] for c in manifest["cases"] for p in c["expect"]["present"]}
codes_in_manifest |= {a for c in manifest["cases"] for a in c["expect"]["absent"]}
code, out, err = run(["roles", "--format", "json"])
try:
    roles = json.loads(out)
    ids = [r["id"] for r in roles]
    ok = code == 0 and roles_in_manifest <= set(ids) and len(ids) == len(set(ids)) and all(
        r["title"] and r["products"] and isinstance(r["aliases"], list) for r in roles)
    point(ok, f"roles --format json: {len(ids)} roles, every role of the manifest",
          [f"exit {code}", f"missing {sorted(roles_in_manifest - set(ids))}"])
except ValueError as x:
    roles, ids = [], []
    point(False, "roles --format json parses", [str(x), out[:300]])
code, out, err = run(["roles"])
point(code == 0 and all(i in out for i in ids) and ids, "roles (text) lists every role", [f"exit {code}"])
needs = [line.strip() for line in out.splitlines() if "needs:" in line]
point(needs and all(line.startswith("needs: --") for line in needs),
      "roles (text): each 'needs:' line lists options, separated from the label", needs[:3])

code, out, err = run(["rules", "--format", "json"])
try:
    rules = json.loads(out)
    rule_codes = [r["code"] for r in rules]
    ok = code == 0 and codes_in_manifest <= set(rule_codes) and all(r["roles"] for r in rules)
    point(ok, f"rules --format json: {len(rule_codes)} rules, every code of the manifest, each bound by a role",
          [f"exit {code}", f"missing {sorted(codes_in_manifest - set(rule_codes))}",
           f"unbound {[r['code'] for r in rules if not r['roles']]}"])
except ValueError as x:
    rule_codes = []
    point(False, "rules --format json parses", [str(x), out[:300]])
code, out, err = run(["rules"])
point(code == 0 and rule_codes and all(c in out for c in rule_codes), "rules (text) lists every rule", [f"exit {code}"])

pass_cases = [c for c in manifest["cases"] if c["kind"] == "pass" and c["rule"] is None and "/pass/" in c["id"]]
if MEMCHECK:
    pass_cases = [c for c in pass_cases if c["id"] in ("tls-server/pass/sfb2019", "exchange-um/pass/sfb2019",
                                                       "edge-external/pass/lync2013")]
for c in pass_cases:
    product = c["topology"]["product"]
    code, out, err = run(["rules", "--role", c["role"], "--product", product, "--format", "json"])
    diag = []
    try:
        doc = json.loads(out)
        listed = [r["code"] for r in doc["rules"]]
        if doc["role"] != c["role"] or doc["product"] != product:
            diag.append(f"role/product {doc['role']}/{doc['product']}")
        if sorted(listed) != sorted(c["expect"]["absent"]):
            diag.append(f"listed {sorted(set(listed) ^ set(c['expect']['absent']))} differently from the pass case")
        if not all(r["severity"] in ("error", "warning", "info") and r["references"] for r in doc["rules"]):
            diag.append("a rule without severity or references")
    except (ValueError, KeyError) as x:
        diag.append(f"does not parse: {x}")
    tcode, text, _ = run(["rules", "--role", c["role"], "--product", product])
    if tcode != 0 or not all(a in text for a in c["expect"]["absent"]):
        diag.append("the text listing misses a rule")
    point(not diag and code == 0, f"rules --role {c['role']} --product {product}: the rules the role applies", diag)
code, out, err = run(["rules", "--role", "no-such-role"])
point(code == 3 and "no-such-role" in err, "rules --role with an unknown role: exit 3", [f"exit {code}: {err}"])
code, out, err = run(["version"])
point(code == 0 and out.startswith("ucpolicy "), "version", [f"exit {code}: {out}"])

tmp.cleanup()
sys.exit(finish())
