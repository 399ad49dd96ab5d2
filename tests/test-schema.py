#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The JSON report schema against what the library renders, with TAP output.

    test-schema.py TEST_MANIFEST SCHEMA      (fixtures in $UCPOLICY_FIXTURES)

Runs the C manifest test with --json-out, so that every case's report goes through
ucp_report_to_json() and all of them through ucp_report_list_to_json(), and validates each
against SCHEMA (JSON Schema draft 2020-12, python3-jsonschema; the connection object's schema
next to it is resolved locally, tests/reportschema.py). Checks that the reports exercise every
part of the schema with values (revocation statuses, private-key facts, pools, templates,
rejected paths), and that the schema is strict: a report with a field too many, one too few or
a wrong value does not validate. (The CLI's reports and its input-error entries are validated by
test-cli.py; the connection object of probe reports by tests/probe.)
"""
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jsonschema  # noqa: E402
import reportschema  # noqa: E402  (tests/reportschema.py)

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


try:
    validator = reportschema.validator(SCHEMA)
    point(True, "the report and connection schemas are valid JSON Schemas (draft 2020-12)")
except jsonschema.SchemaError as e:
    point(False, "the report and connection schemas are valid JSON Schemas (draft 2020-12)", [str(e)])
    print(f"1..{points}")
    sys.exit(1)


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

    # The parts of the report added with revocation, private keys, pools, templates and path
    # building: every value the manifest can produce appears in a validated report, so their
    # definitions in the schema were exercised, not only their nulls.
    more = {k: set() for k in ("revocation", "revocationSource", "keyPresent", "keyMatch", "providerState",
                               "storage", "poolState", "template", "rejected")}
    for r in reports:
        for c in r["chain"]["certificates"]:
            more["revocation"].add(c["revocation"])
            more["revocationSource"].add(c["revocationSource"].split(" ")[0] if c["revocationSource"] else None)
        k = r["privateKey"]
        more["keyPresent"].add(k["present"])
        more["keyMatch"].add(k["matchesCertificate"])
        more["providerState"].add(k["providerState"])
        more["storage"].add(k["storage"])
        more["poolState"].update(m["state"] for m in (r["pool"] or []))
        t = r["certificate"]["template"]
        more["template"].add(None if t is None else (t["name"] is not None, t["oid"] is not None))
        more["rejected"].add(bool(r["chain"]["rejected"]))
    want = {
        "revocation": {"not-checked", "good", "revoked", "unknown", "unreachable"},
        "revocationSource": {None, "crl"},
        "keyPresent": {True, False},
        "keyMatch": {"unknown", "yes", "no"},
        "providerState": {"not-applicable", "recorded", "not-recorded"},
        "storage": {"unknown", "csp", "ksp"},
        "poolState": {"reference", "identical", "different-certificate-same-key", "different-key"},
        "template": {None, (True, True)},
        "rejected": {True, False},
    }
    point(all(more[k] >= v for k, v in want.items()),
          "the reports validated cover every revocation status, key fact, pool state, a template and rejected paths",
          [f"{k}: {sorted(map(str, more[k]))}, wanted {sorted(map(str, v))}" for k, v in want.items()
           if not more[k] >= v])

    # The schema is strict: it refuses what render-json.c never writes.
    sample = next(r for r in reports if r["findings"] and r["certificate"]["eku"])
    pooled = next(r for r in reports if r["pool"])
    templated = next(r for r in reports if r["certificate"]["template"])
    rejecting = next(r for r in reports if r["chain"]["rejected"])
    # A connection object as connection-v1.schema.json describes it (what ucpolicy probe adds).
    connection = {"host": "sip.contoso.com", "port": 5061, "address": "127.0.0.1", "serverName": "sip.contoso.com",
                  "protocol": "sip", "tlsVersion": "TLS1.3", "cipherSuite": "TLS_AES_256_GCM_SHA384",
                  "clientCertificate": {"requested": True, "sent": True, "subject": "CN=exch01.contoso.com",
                                        "verdict": "rejected"},
                  "alert": None, "response": "SIP/2.0 403 Forbidden", "msDiagnostics": None,
                  "detail": "The server answered the OPTIONS request with 403."}
    probed = copy.deepcopy(sample)
    probed["connection"] = connection
    point(not errors(probed), "a report with a connection object (connection-v1.schema.json) validates", errors(probed))
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
        "a report without privateKey": lambda d: d.pop("privateKey"),
        "an unknown field in privateKey": lambda d: d["privateKey"].__setitem__("exportable", True),
        "an unknown key storage": lambda d: d["privateKey"].__setitem__("storage", "tpm"),
        "a report without pool": lambda d: d.pop("pool"),
        "an unknown revocation status": lambda d: d["chain"]["certificates"][0].__setitem__("revocation", "ok"),
        "a revocation source that is not crl or ocsp": lambda d: d["chain"]["certificates"][0].__setitem__(
            "revocationSource", "ldap://x"),
        "a chain certificate without revocation": lambda d: d["chain"]["certificates"][0].pop("revocation"),
        "a chain without rejected": lambda d: d["chain"].pop("rejected"),
        "a certificate without template": lambda d: d["certificate"].pop("template"),
        "a connection object with a field too many": lambda d: d.__setitem__("connection", dict(connection, tls="1.3")),
        "a connection object without its detail": lambda d: d.__setitem__(
            "connection", {k: v for k, v in connection.items() if k != "detail"}),
    }
    for what, change in mutations.items():
        doc = copy.deepcopy(sample)
        change(doc)
        point(bool(errors(doc)), f"the schema refuses {what}")
    for what, base, change in [
            ("an unknown pool state", pooled, lambda d: d["pool"][1].__setitem__("state", "same")),
            ("an empty pool array", pooled, lambda d: d.__setitem__("pool", [])),
            ("a pool member without its thumbprint", pooled, lambda d: d["pool"][0].pop("sha1")),
            ("an unknown field in a template", templated, lambda d: d["certificate"]["template"].__setitem__("x", 1)),
            ("a negative template version", templated,
             lambda d: d["certificate"]["template"].__setitem__("majorVersion", -1)),
            ("a rejected path without its summary", rejecting, lambda d: d["chain"]["rejected"][0].pop("summary")),
            ("a rejected path with an unknown status", rejecting,
             lambda d: d["chain"]["rejected"][0].__setitem__("status", "bad"))]:
        doc = copy.deepcopy(base)
        point(not errors(doc), f"(the report the next check changes validates: {doc['input']['name']})", errors(doc))
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
