#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The JSON report schema against what the library renders, with TAP output.

    test-schema.py TEST_MANIFEST SCHEMA      (fixtures in $UCPOLICY_FIXTURES)

Runs the C manifest test with --json-out, so that every case's report goes through
ucp_report_to_json() and all of them through ucp_report_list_to_json(), and validates each
against SCHEMA (JSON Schema draft 2020-12, python3-jsonschema). Also checks that the schema is
strict: a report with a field too many, one too few or a wrong value does not validate. (The
CLI's reports and its input-error entries are validated by test-cli.py.)
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

TEST_MANIFEST, SCHEMA = sys.argv[1], sys.argv[2]
points = 0
failures = 0


def point(ok, name, diag=()):
    global points, failures
    points += 1
    print(f"{'' if ok else 'not '}ok {points} - {name}")
    if not ok:
        failures += 1
        for line in diag:
            print(f"#   {line}")
    sys.stdout.flush()


with open(SCHEMA, encoding="utf-8") as f:
    schema = json.load(f)
try:
    jsonschema.Draft202012Validator.check_schema(schema)
    point(True, "the schema is a valid JSON Schema (draft 2020-12)")
except jsonschema.SchemaError as e:
    point(False, "the schema is a valid JSON Schema (draft 2020-12)", [str(e)])
    print(f"1..{points}")
    sys.exit(1)
validator = jsonschema.Draft202012Validator(schema)


def errors(doc):
    return [f"{'/'.join(str(x) for x in e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


with tempfile.TemporaryDirectory(prefix="ucpolicy-schema-") as out:
    p = subprocess.run([TEST_MANIFEST, "--json-out", out], capture_output=True, text=True, timeout=1800)
    point(p.returncode == 0, "test-manifest --json-out ran every case", [p.stdout[-2000:], p.stderr[-2000:]])
    files = sorted(glob.glob(os.path.join(out, "[0-9]*.json")), key=lambda x: int(os.path.basename(x)[:-5]))
    with open(os.path.join(os.environ["UCPOLICY_FIXTURES"], "manifest.json"), encoding="utf-8") as f:
        ncases = len(json.load(f)["cases"])
    point(len(files) == ncases, f"one JSON report per case ({len(files)} of {ncases})")
    reports = []
    bad = []
    for path in files:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        reports.append(doc)
        errs = errors(doc)
        if errs:
            bad.append(f"{os.path.basename(path)} ({doc.get('input', {}).get('name')}): {errs[:3]}")
    point(not bad and reports, f"every report of ucp_report_to_json() validates ({len(reports)})", bad[:20])
    with open(os.path.join(out, "all.json"), encoding="utf-8") as f:
        everything = json.load(f)
    point(isinstance(everything, list) and len(everything) == len(reports) and not errors(everything),
          "the array of ucp_report_list_to_json() validates, one entry per report",
          errors(everything)[:10] if isinstance(everything, list) else ["not an array"])

    # What the reports exercise: every field of the schema with a value, not only nulls.
    seen = {k: set() for k in ("result", "format", "status", "source", "severity", "field", "san", "eku", "ku")}
    for r in reports:
        seen["result"].add(r["result"])
        seen["format"].add(r["input"]["format"])
        seen["status"].add(r["chain"]["status"])
        seen["source"].update(c["source"] for c in r["chain"]["certificates"])
        seen["severity"].update(f["severity"] for f in r["findings"])
        seen["field"].update(f["field"] for f in r["findings"])
        seen["san"].add(bool(r["certificate"]["san"]))
        seen["eku"].add(r["certificate"]["eku"] is None)
        seen["ku"].add(r["certificate"]["keyUsage"] is None)
    point(seen["result"] == {"pass", "warning", "fail"} and seen["format"] == {"pem", "der", "pkcs7", "pkcs12"} and
          seen["status"] >= {"valid", "incomplete", "untrusted", "invalid"} and
          seen["source"] >= {"input", "intermediates", "trust"} and seen["severity"] == {"error", "warning", "info"} and
          seen["san"] == {True, False} and seen["eku"] == {True, False} and seen["ku"] == {True, False},
          "the reports validated cover every result, format, chain status, severity, and absent extensions",
          [f"{k}: {sorted(map(str, v))}" for k, v in seen.items()])

    # The schema is strict: it refuses what render-json.c never writes.
    sample = next(r for r in reports if r["findings"] and r["certificate"]["eku"])
    mutations = {
        "an unknown top-level field": lambda d: d.__setitem__("extra", 1),
        "a missing result": lambda d: d.pop("result"),
        "an unknown result": lambda d: d.__setitem__("result", "ok"),
        "an unknown severity": lambda d: d["findings"][0].__setitem__("severity", "fatal"),
        "a finding without remediation": lambda d: d["findings"][0].pop("remediation"),
        "an unknown field in a finding": lambda d: d["findings"][0].__setitem__("hint", ""),
        "a non-string argument": lambda d: d["findings"][0]["args"].__setitem__("n", 1),
        "a lower-case thumbprint": lambda d: d["certificate"].__setitem__("sha1", d["certificate"]["sha1"].lower()),
        "a time with a zone offset": lambda d: d.__setitem__("validationTime", "2026-11-24T12:00:00+01:00"),
        "an unknown chain source": lambda d: d["chain"]["certificates"][0].__setitem__("source", "cache"),
        "an unknown topology key": lambda d: d["topology"].__setitem__("fqnd", "a.contoso.com"),
        "a negative count": lambda d: d["summary"].__setitem__("error", -1),
    }
    for what, change in mutations.items():
        doc = copy.deepcopy(sample)
        change(doc)
        point(bool(errors(doc)), f"the schema refuses {what}")
    entry = {"schema": "ucpolicy-report", "schemaVersion": "1.0", "input": {"name": "x.pem"}, "result": "error",
             "error": {"code": "UCP_E_IO", "message": "x.pem: cannot open: No such file or directory"}}
    point(not errors(entry) and not errors([sample, entry]), "the CLI's input-error entry validates, alone and in an array",
          errors(entry))
    entry["error"]["code"] = "EIO"
    point(bool(errors(entry)), "an input-error entry with a code that is not a ucp_status name does not")

print(f"1..{points}")
sys.exit(1 if failures else 0)
