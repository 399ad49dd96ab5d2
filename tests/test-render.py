#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The documents of ucpolicy/render.h read by their own readers, and compared with the command's
output, with TAP output.

    test-render.py RENDER_CASES UCPOLICY SARIF_SCHEMA REPORT_SCHEMA    (fixtures in $UCPOLICY_FIXTURES)

RENDER_CASES is tests/tools/render-cases. SARIF_SCHEMA is sarif-2.1.0.json of the npm package
@microsoft/sarif-multitool (.ci/install-deps puts it in the cache; meson finds it there): the
SARIF logs are validated against it (JSON Schema draft 2020-12, python3-jsonschema), and by the
package's own `Sarif.Multitool validate` when it is there (no error-level result allowed). JUnit
XML is parsed with xml.etree and its counts checked; CSV is read back with the csv module; JSON
batches are validated against the report schema (REPORT_SCHEMA). The
catalogue listings, the JSON of batches (pretty and compact, with an unreadable file) and the
exit status are compared byte for byte with `ucpolicy roles|rules|check` as it is today.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tap import finish, point  # noqa: E402
import reportschema  # noqa: E402  (tests/reportschema.py)

RENDER, UCPOLICY, SARIF_SCHEMA, REPORT_SCHEMA = sys.argv[1:5]
FIXTURES = os.environ["UCPOLICY_FIXTURES"]



def fx(rel):
    return os.path.join(FIXTURES, rel)


def run(args):
    p = subprocess.run(args, capture_output=True, timeout=600)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def render(fmt, *args):
    return run([RENDER, fmt, *args])


with open(fx("manifest.json"), encoding="utf-8") as f:
    manifest = json.load(f)
CASES = {c["id"]: c for c in manifest["cases"]}
PASS, WARN, FAIL = "exchange-um/pass/sfb2019", "exchange-um/key.rsa-below-2048/fail", "exchange-um/subject.cn-wildcard/fail"
BAD = "file:" + fx("bad/garbage.bin")
BATCH = [PASS, WARN, FAIL, BAD]
HOSTILE = "=HYPERLINK(\"http://x\") <script>alert('x')</script> & \x01|\x7f"

# ---- SARIF ----------------------------------------------------------------------------------------

# RFC 3986 URI-reference: scheme ":" hier-part, or a relative reference whose first segment has
# no ":"; only unreserved, reserved and percent-encoded characters.
URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def uri_reference(u):
    if not URI_CHARS.match(u):
        return False
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.\-]*):", u)
    if m:
        return True
    first = u.split("/", 1)[0]
    return ":" not in first


schema = None
if SARIF_SCHEMA and os.path.isfile(SARIF_SCHEMA):
    with open(SARIF_SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
point(schema is not None, "the SARIF 2.1.0 schema of @microsoft/sarif-multitool is there",
      [f"not found: '{SARIF_SCHEMA}'. Run .ci/install-deps (it fetches the npm package @microsoft/sarif-multitool "
       "into ${XDG_CACHE_HOME:-$HOME/.cache}/libucpolicy/npm), then reconfigure: meson setup --reconfigure build"])
validator = None
if schema is not None:
    import jsonschema
    point(schema.get("$schema", "").startswith("https://json-schema.org/draft/2020-12"),
          "the schema is JSON Schema draft 2020-12", [schema.get("$schema")])
    validator = jsonschema.Draft202012Validator(schema)
multitool = None
if SARIF_SCHEMA:
    candidate = os.path.join(os.path.dirname(SARIF_SCHEMA), "Sarif.Multitool")
    if os.access(candidate, os.X_OK):
        multitool = candidate

tmp = tempfile.TemporaryDirectory()


def check_sarif(doc_bytes, what):
    diag = []
    try:
        log = json.loads(doc_bytes.decode("utf-8"))
    except ValueError as x:
        point(False, f"sarif, {what}: JSON", [x])
        return None
    if validator is not None:
        errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
        diag += [f"{list(e.path)}: {e.message[:300]}" for e in errors[:10]]
    uris = [a["location"]["uri"] for a in log["runs"][0]["artifacts"]]
    uris += [loc["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]
             for loc in r["locations"]]
    diag += [f"not a URI reference: {u!r}" for u in uris if not uri_reference(u)]
    point(validator is not None and not diag, f"sarif, {what}: valid against the SARIF 2.1.0 schema, URIs are URI references",
          diag)
    if multitool:
        path = os.path.join(tmp.name, "log.sarif")
        with open(path, "wb") as f:
            f.write(doc_bytes)
        out = os.path.join(tmp.name, f"validation-{tap.points}.sarif")
        p = subprocess.run([multitool, "validate", path, "-o", out], capture_output=True, timeout=300,
                           env=dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1"))
        errors = []
        try:
            with open(out, encoding="utf-8-sig") as f:
                v = json.load(f)
            errors = [r for r in v["runs"][0].get("results", []) if r.get("level") == "error"]
        except (OSError, ValueError, KeyError, IndexError) as x:
            errors = [f"no validation log: {x}"]
        point(p.returncode == 0 and not errors, f"sarif, {what}: Sarif.Multitool validate finds no error",
              [p.stdout.decode("utf-8", "replace")[-2000:], p.stderr.decode("utf-8", "replace")[-500:]] +
              [json.dumps(e)[:300] for e in errors[:5]])
    return log


code, out, err = render("sarif", "--pretty", *BATCH)
log = check_sarif(out, "a pass, a warning, a fail and an unreadable file")
if log:
    run0 = log["runs"][0]
    rules = run0["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    cn = by_id.get("subject.cn-wildcard", {})
    point(log["version"] == "2.1.0" and log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
          and run0["tool"]["driver"]["name"] == "ucpolicy" and len(rules) == len(by_id)
          and cn.get("shortDescription", {}).get("text") and cn.get("helpUri", "").startswith("https://")
          and cn.get("defaultConfiguration", {}).get("level") == "error"
          and all(s["key"] and s["title"] for s in cn.get("properties", {}).get("sources", [])),
          "sarif: the driver, one rule per code with title, help, sources and default level",
          [json.dumps(cn)[:800]])
    results = run0["results"]
    wild = [r for r in results if r["ruleId"] == "subject.cn-wildcard"]
    ok = len(wild) == 1 and wild[0]["level"] == "error" and rules[wild[0]["ruleIndex"]]["id"] == "subject.cn-wildcard"
    if ok:
        w = wild[0]
        props = w["properties"]
        loc = w["locations"][0]
        ok = (loc["physicalLocation"]["artifactLocation"]["uri"] ==
              "file://" + fx(CASES[FAIL]["file"]).replace(" ", "%20")
              and loc["logicalLocations"][0]["name"].startswith("CN=*.contoso.com")
              and props["role"] == "exchange-um" and props["actual"] == "*.contoso.com"
              and "The peer is not a configured server" in props["remediation"]
              and re.fullmatch(r"[0-9A-F]{64}", props["certificateSha256"] or "")
              and re.fullmatch(r"[0-9a-f]{64}", w["partialFingerprints"]["ucpolicy/v1"]))
    point(ok, "sarif: the incident's result: rule, level, location, certificate, properties, fingerprint",
          [json.dumps(wild)[:1500]])
    inv = run0["invocations"][0]
    notes = inv.get("toolExecutionNotifications", [])
    point(inv["executionSuccessful"] is False and inv["exitCode"] == 3 and len(notes) == 1
          and notes[0]["descriptor"]["id"] == "UCP_E_FORMAT" and notes[0]["level"] == "error"
          and len(run0["artifacts"]) == 4,
          "sarif: the unreadable file is a toolExecutionNotification; four artifacts", [json.dumps(inv)[:800]])
code, out, err = render("sarif", f"{HOSTILE}.pem={FAIL}", HOSTILE.encode() + b"\xff.pem=" + PASS.encode())
check_sarif(out, "hostile input names (markup, quotes, a formula, control characters, a non-UTF-8 byte)")
code, out, err = render("sarif", "--pretty")
check_sarif(out, "an empty batch")
code, out, err = render("sarif", "relative dir/um.pem=" + FAIL)
uris = {a["location"]["uri"] for a in json.loads(out)["runs"][0]["artifacts"]}
point(uris == {"relative%20dir/um.pem"}, "sarif: a relative path stays relative, percent-encoded", [uris])

# ---- JSON -----------------------------------------------------------------------------------------

report_validator = reportschema.validator(REPORT_SCHEMA)
for flags in (["--pretty"], [], ["--pretty", "--flat"]):
    code, out, err = render("json", *flags, *BATCH, f"{HOSTILE}.pem={FAIL}", "file:" + HOSTILE + ".pem")
    diag = []
    try:
        doc = json.loads(out.decode("utf-8"))
        diag += [f"{list(e.path)}: {e.message[:300]}" for e in report_validator.iter_errors(doc)][:10]
        results = [e["result"] for e in doc]
        if results != ["pass", "warning", "fail", "error", "fail", "error"]:
            diag.append(f"results {results}")
        if doc[4]["input"]["name"] != HOSTILE + ".pem" or doc[5]["input"]["name"] != HOSTILE + ".pem":
            diag.append(f"hostile names read back as {doc[4]['input']['name']!r}, {doc[5]['input']['name']!r}")
    except (ValueError, KeyError, IndexError) as x:
        diag.append(f"not the array expected: {x}")
    point(not diag, f"json {' '.join(flags)}: an array valid against the report schema, one entry per input, "
          "hostile names intact", diag)

# ---- JUnit ----------------------------------------------------------------------------------------

for fail_on, failures_want in (("warning", 2), ("error", 1), ("never", 0)):
    code, out, err = render("junit", "--fail-on", fail_on, *BATCH, f"{HOSTILE}.pem={FAIL}")
    diag = []
    try:
        root = ET.fromstring(out)
        suites = root.findall("testsuite")
        cases = root.findall("./testsuite/testcase")
        failed = [c for c in cases if c.find("failure") is not None]
        errored = [c for c in cases if c.find("error") is not None]
        if root.tag != "testsuites" or len(suites) != 1:
            diag.append("not <testsuites> with one <testsuite>")
        for el in [root] + suites:
            counts = (el.get("tests"), el.get("failures"), el.get("errors"))
            if counts != (str(len(cases)), str(len(failed)), str(len(errored))):
                diag.append(f"<{el.tag}> counts {counts}, test cases say {len(cases)}, {len(failed)}, {len(errored)}")
        if len(cases) != 5 or len(failed) != failures_want + 1 - (fail_on == "never") or len(errored) != 1:
            diag.append(f"{len(cases)} cases, {len(failed)} failures, {len(errored)} errors")
        names = [c.get("name") for c in cases]
        if names[:3] != [fx(CASES[i]["file"]) for i in (PASS, WARN, FAIL)] or names[3] != fx("bad/garbage.bin"):
            diag.append(f"names {names}")
        if names[4] != HOSTILE.replace("\x01", "\\x01").replace("\x7f", "\\x7F") + ".pem":
            diag.append(f"hostile name read back as {names[4]!r}")
        if {c.get("classname") for c in cases} != {"ucpolicy.exchange-um", "ucpolicy.unreadable"}:
            diag.append("classnames")
        if errored and errored[0].find("error").get("type") != "UCP_E_FORMAT":
            diag.append("the <error> type")
        fail_case = cases[2].find("failure")
        if fail_on != "never" and (fail_case is None or fail_case.get("type") != "fail"
                                   or "subject.cn-wildcard" not in fail_case.text):
            diag.append("the incident's failure")
    except ET.ParseError as x:
        diag.append(f"not well-formed: {x}")
    point(not diag, f"junit, fail on {fail_on}: well-formed XML, counts right, one test case per input", diag)

# ---- CSV ------------------------------------------------------------------------------------------

code, out, err = render("csv", *BATCH, f"{HOSTILE}\n.pem={WARN}")
rows = list(csv.reader(io.StringIO(out.decode("utf-8"), newline="")))
header = rows[0] if rows else []
diag = []
if header != ["InputName", "Role", "Product", "Result", "Thumbprint", "Subject", "Issuer", "NotAfter",
              "DaysRemaining", "ChainStatus", "Severity", "Code", "Field", "Message", "Expected", "Actual",
              "Remediation"]:
    diag.append(f"header {header}")
if any(len(r) != 17 for r in rows):
    diag.append("a row without 17 fields")
if not out.endswith(b"\r\n") or out.count(b"\r\n") < len(rows):
    diag.append("lines do not end in CRLF")
hostile_rows = [r for r in rows[1:] if "HYPERLINK" in r[0]]
if not hostile_rows or not all(r[0] == "'" + HOSTILE + "\n.pem" for r in hostile_rows):
    diag.append(f"hostile name read back as {[r[0] for r in hostile_rows]}")
err_rows = [r for r in rows if r[3] == "Error"]
if len(err_rows) != 1 or err_rows[0][11] != "UCP_E_FORMAT" or err_rows[0][0] != fx("bad/garbage.bin"):
    diag.append(f"error rows {err_rows}")
if not any(r[11] == "subject.cn-wildcard" and r[3] == "Fail" and r[10] == "Error" for r in rows):
    diag.append("no row for the incident's finding")
point(not diag, "csv: read back by the csv module; header, 17 fields, the formula guard, the error row", diag)

# ---- Nagios -----------------------------------------------------------------------------------------

STATUS = re.compile(r"^UCPOLICY (OK|WARNING|CRITICAL|UNKNOWN) - [^|\n]+ \| 'pass'=\d+ 'warning'=\d+ 'fail'=\d+ "
                    r"'unreadable'=\d+( 'days_left'=-?\d+;(\d+:)?;0:)?$")
for items, state, exit_want in (([PASS], "OK", 0), ([PASS, WARN], "WARNING", 1), ([PASS, WARN, FAIL], "CRITICAL", 2),
                                (BATCH, "UNKNOWN", 3), ([f"{HOSTILE}.pem={FAIL}"], "CRITICAL", 2)):
    code, out, err = render("nagios", *items)
    lines = out.decode("utf-8").split("\n")
    m = STATUS.match(lines[0])
    long_lines = [line for line in lines[1:] if line]
    failing = sum(1 for i in items if i not in (PASS,))
    point(m is not None and m.group(1) == state and code == exit_want and out.endswith(b"\n")
          and len(long_lines) == (0 if len(items) == 1 else failing),
          f"nagios, {len(items)} input(s): {state}, exit {exit_want}, status line with perfdata, "
          f"{'no long output' if len(items) == 1 else 'a line per failing input'}",
          [out.decode("utf-8", "replace"), f"exit {code}"])

# ---- the command, byte for byte -------------------------------------------------------------------

settings = CASES[PASS]
OPTS = ["--role", settings["role"], "--fqdn", settings["topology"]["fqdn"], "--product", settings["topology"]["product"],
        "--at", manifest["validationTime"]]
for t in settings["trust"]:
    OPTS += ["--trust", fx(t)]
for c in settings["chain"]:
    OPTS += ["--chain", fx(c)]
for c in settings.get("crls", []):
    OPTS += ["--crl", fx(c)]
FILES = [fx(CASES[PASS]["file"]), fx(CASES[WARN]["file"]), fx("bad/garbage.bin"), fx(CASES[FAIL]["file"])]
ITEMS = ["file:" + f for f in FILES]

for args, lib_args, what in (
        (["--format", "json"], ["json", "--pretty", "--flat"], "pretty JSON"),
        (["--format", "json", "--compact"], ["json", "--flat"], "compact JSON")):
    code, cli_out, _ = run([UCPOLICY, "check", *OPTS, *args, *FILES])
    lcode, lib_out, lerr = run([RENDER, *lib_args, *ITEMS])
    point(cli_out == lib_out + b"\n" and code == lcode == 3,
          f"check, four files with an unreadable one, {what}: the renderer's chunks are the command's output, "
          "byte for byte (UCP_RENDER_FLAT); exit 3 both", [f"exit {code} / {lcode}: {lerr}"])
code, cli_out, _ = run([UCPOLICY, "check", *OPTS, "--format", "json", FILES[2]])
lcode, lib_out, _ = run([RENDER, "json", "--pretty", "--single", ITEMS[2]])
point(cli_out == lib_out + b"\n", "check, one unreadable file, JSON: ucp_input_error_render is the command's entry",
      [cli_out[:400], lib_out[:400]])
good = [f for f in FILES if "garbage" not in f]
code, cli_out, _ = run([UCPOLICY, "check", *OPTS, *good])
lcode, lib_out, _ = run([RENDER, "text", *["file:" + f for f in good]])
point(cli_out == lib_out and code == lcode == 2, "check, three files, text: the command's output, byte for byte; exit 2",
      [f"exit {code} / {lcode}"])
for fail_on in ("error", "warning", "info", "never"):
    for files in ([FILES[0]], [FILES[1]], [FILES[3]], good, FILES):
        code, _, _ = run([UCPOLICY, "check", *OPTS, "-q", "--fail-on", fail_on, *files])
        lcode, _, _ = run([RENDER, "text", "--fail-on", fail_on, *["file:" + f for f in files]])
        point(code == lcode, f"exit status, fail on {fail_on}, {len(files)} file(s): {code}, as the command's",
              [f"command {code}, ucp_renderer_exit_code {lcode}"])

# The catalogue listings, for every role and product.
listings = [(["roles"], ["roles", "text"]), (["roles", "--format", "json"], ["roles", "json"]),
            (["rules"], ["rules", "text"]), (["rules", "--format", "json"], ["rules", "json"])]
roles = json.loads(run([UCPOLICY, "roles", "--format", "json"])[1])
for role in roles:
    for product in ("lync2010", "lync2013", "sfb2015", "sfb2019"):
        for fmt in ("text", "json"):
            listings.append((["rules", "--role", role["id"], "--product", product, "--format", fmt],
                             ["rules", fmt, role["id"], product]))
different = []
for cli_args, lib_args in listings:
    _, cli_out, _ = run([UCPOLICY, *cli_args])
    _, lib_out, lerr = run([RENDER, "catalogue", *lib_args])
    if cli_out != lib_out:
        different.append(f"ucpolicy {' '.join(cli_args)}: {lerr}")
point(not different, f"the catalogue: {len(listings)} listings (roles, rules, every role and product, text and "
      "JSON) are the command's, byte for byte", different[:10])

tmp.cleanup()
sys.exit(finish())
