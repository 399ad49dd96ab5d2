# SPDX-License-Identifier: MIT
"""Renderings through the library: Report.render() in every output format, several reports as
one document (render_reports, Renderer) with the batch's exit code and summary, and the
catalogue listings; each compared byte for byte with what the `ucpolicy` program prints for
the same files, and parsed with the reader of its format."""

from __future__ import annotations

import csv
import gc
import html.parser
import io
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

import certfactory as cf
import ucpolicy
from ucpolicy import OutputFormat, Renderer, Result, Severity, render_reports

FORMATS = [f.value for f in OutputFormat]
LEVELS = ["error", "warning", "info", "never"]
FQDN = "www.contoso.com"


@pytest.fixture(scope="module")
def files(pki, certdir) -> Dict[str, Path]:
    """Certificates for the tls-server role with exactly one kind of finding each (as in
    test_report.py), plus a file that does not exist."""
    issued = {
        "error": pki.leaf(FQDN, [FQDN], eku=[cf.CLIENT_AUTH]),
        "warning": pki.leaf(FQDN, [FQDN], days_after=9),
        "info": pki.leaf(FQDN, [FQDN, FQDN]),
        "clean": pki.leaf(FQDN, [FQDN]),
    }
    out = {k: v.write(certdir, f"render-{k}") for k, v in issued.items()}
    out["missing"] = certdir / "render-missing.pem"
    return out


@pytest.fixture(scope="module")
def render_checker(root_pem, now):
    """The checker the command's options below make: --trust ROOT --at NOW."""
    with ucpolicy.Checker(trust=[root_pem], at=now) as c:
        yield c


@pytest.fixture(scope="module")
def reports(render_checker, files) -> Dict[str, ucpolicy.Report]:
    out = {k: render_checker.check(str(p), "tls-server", fqdn=FQDN) for k, p in files.items() if k != "missing"}
    assert [bool(out["error"].count(s)) for s in Severity] == [False, False, True]
    assert [bool(out["warning"].count(s)) for s in Severity] == [False, True, False]
    assert [bool(out["info"].count(s)) for s in Severity] == [True, False, False]
    assert not out["clean"].findings
    return out


@pytest.fixture(scope="module")
def missing_error(render_checker, files) -> ucpolicy.Error:
    with pytest.raises(ucpolicy.IoError) as caught:
        render_checker.check(str(files["missing"]), "tls-server", fqdn=FQDN)
    return caught.value


@pytest.fixture(scope="module")
def command(c_cli, root_pem, now):
    """command(args, files) -> (exit status, stdout, stderr) of `ucpolicy check` with the
    checker's options."""
    def run(args: Sequence[str], paths: Sequence[Path]) -> Tuple[int, str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "POSIXLY_CORRECT")}
        done = subprocess.run([c_cli, "check", "-r", "tls-server", "--fqdn", FQDN, "--trust", str(root_pem),
                               "--at", now.strftime("%Y-%m-%dT%H:%M:%SZ"), *args, *map(str, paths)],
                              capture_output=True, timeout=120, env=env)
        return (done.returncode, done.stdout.decode("utf-8", "surrogateescape"),
                done.stderr.decode("utf-8", "surrogateescape"))
    return run


def batch(files, reports, missing_error, names: Sequence[str]) -> Tuple[List[Path], list]:
    """The paths for the command and the entries for render_reports, in the same order."""
    entries = [(str(files[n]), missing_error) if n == "missing" else reports[n] for n in names]
    return [files[n] for n in names], entries


def with_newline(fmt: str, text: str) -> str:
    """The command ends JSON and SARIF, which the library renders without a final newline, with one."""
    return text + "\n" if fmt in ("json", "sarif") else text


BATCH = ["error", "clean", "missing", "warning", "info"]


# ---- byte for byte what the command prints ---------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_render_reports_is_the_commands_output(fmt, command, files, reports, missing_error):
    paths, entries = batch(files, reports, missing_error, BATCH)
    status, stdout, stderr = command(["--format", fmt], paths)
    done = render_reports(entries, fmt)
    assert with_newline(fmt, done.text) == stdout
    assert done.exit_code == status == 3  # an input could not be read
    assert f"ucpolicy: {done.summary}\n" in stderr
    assert done.summary == "checked 5: 2 pass, 1 warning, 1 fail, 1 could not be read"
    assert dict(done.counts) == {Result.PASS: 2, Result.WARNING: 1, Result.FAIL: 1} and done.error_count == 1
    assert str(done) == done.text
    # errors= puts the inputs that could not be read after the reports
    at_end = render_reports([reports[n] for n in BATCH if n != "missing"], fmt,
                            errors=[(files["missing"], missing_error)])
    moved = [n for n in BATCH if n != "missing"] + ["missing"]
    assert with_newline(fmt, at_end.text) == command(["--format", fmt], [files[n] for n in moved])[1]


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_compact(fmt, command, files, reports, missing_error):
    paths, entries = batch(files, reports, missing_error, BATCH)
    compact = render_reports(entries, fmt, pretty=False).text
    assert compact + "\n" == command(["--format", fmt, "--compact"], paths)[1]
    assert "\n" not in compact and json.loads(compact) == json.loads(render_reports(entries, fmt).text)


def test_text_verbose_and_color(command, files, reports, missing_error):
    paths, entries = batch(files, reports, missing_error, BATCH)
    assert render_reports(entries, "text", verbose=True).text == command(["--verbose"], paths)[1]
    coloured = render_reports(entries, "text", color=True).text
    assert coloured == command(["--color=always"], paths)[1] and "\x1b[" in coloured


@pytest.mark.parametrize("fmt", ["junit", "nagios", "sarif"])
@pytest.mark.parametrize("level", LEVELS)
def test_documents_that_judge_follow_fail_on(fmt, level, command, files, reports, missing_error):
    names = ["error", "warning", "info", "clean"]
    paths, entries = batch(files, reports, missing_error, names)
    status, stdout, _ = command(["--format", fmt, "--fail-on", level], paths)
    done = render_reports(entries, fmt, fail_on=level)
    assert with_newline(fmt, done.text) == stdout
    assert done.exit_code == status


@pytest.mark.parametrize("fmt", FORMATS)
def test_report_render_is_the_commands_output(fmt, command, files, reports):
    for name in ("error", "clean"):
        assert with_newline(fmt, reports[name].render(fmt)) == command(["--format", fmt], [files[name]])[1]
    assert reports["error"].render(fmt, pretty=False) + ("\n" if fmt in ("json", "sarif") else "") == \
        command(["--format", fmt, "--compact"], [files["error"]])[1]


def test_report_render_text_and_json_are_to_text_and_to_json(reports):
    r = reports["error"]
    assert r.render() == r.render("text") == r.to_text()
    assert r.render("text", verbose=True, color=True) == r.to_text(verbose=True, color=True)
    assert r.render("json") == r.to_json() and r.render("JSON", pretty=False) == r.to_json(pretty=False)
    assert r.render(OutputFormat.SARIF) == r.render("Sarif")


@pytest.mark.parametrize("level", LEVELS)
def test_report_render_follows_fail_on(level, command, files, reports):
    for name in ("warning", "info"):
        for fmt in ("nagios", "junit"):
            assert reports[name].render(fmt, fail_on=level) == \
                command(["--format", fmt, "--fail-on", level], [files[name]])[1]


# ---- exit codes: the command's, for every --fail-on level ---------------------------------------

@pytest.mark.parametrize("level", LEVELS)
def test_exit_codes_are_the_commands(level, command, files, reports, missing_error):
    for name, report in reports.items():
        status = command(["--fail-on", level, "-q"], [files[name]])[0]
        assert report.exit_code(level) == status, (name, level)
    severity = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}.get(level)
    for name, report in reports.items():
        assert report.exit_code(severity) == report.exit_code(level)
        assert report.exit_code(level.upper()) == report.exit_code(level)
    names = ["error", "warning", "info", "clean"]
    paths, entries = batch(files, reports, missing_error, names)
    assert render_reports(entries, "json", fail_on=level).exit_code == command(["--fail-on", level, "-q"], paths)[0]
    paths, entries = batch(files, reports, missing_error, ["clean", "missing"])
    assert render_reports(entries, fail_on=level).exit_code == command(["--fail-on", level, "-q"], paths)[0] == 3


def test_exit_code_accepted_values(reports):
    r = reports["warning"]
    assert r.exit_code() == r.exit_code("warning") == r.exit_code(Severity.WARNING) == r.exit_code(1) == 1
    assert r.exit_code(None) == r.exit_code("never") == r.exit_code("NEVER") == 0
    assert r.exit_code(Severity.ERROR) == r.exit_code(2) == 0
    assert render_reports([]).exit_code == 0 and render_reports([]).text == "[]"


# ---- every format parses with its reader ---------------------------------------------------------

def test_every_format_parses(reports, missing_error, files):
    names = ["error", "warning", "info", "clean", "missing"]
    _, entries = batch(files, reports, missing_error, names)
    findings = [f for n in names if n != "missing" for f in reports[n].findings]
    inputs = [str(files[n]) for n in names]

    doc = json.loads(render_reports(entries, "json").text)
    assert [d["input"]["name"] for d in doc] == inputs
    assert doc[4]["result"] == "error" and doc[4]["error"]["code"] == "UCP_E_IO"
    assert doc[4]["error"]["message"] == missing_error.message
    assert json.loads(reports["error"].render("json"))["findings"][0]["code"] == reports["error"].findings[0].code

    sarif = json.loads(render_reports(entries, "sarif").text)
    assert sarif["version"] == "2.1.0" and len(sarif["runs"]) == 1
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == sorted(f.code for f in findings)
    one = json.loads(reports["error"].render("sarif"))
    assert one["version"] == "2.1.0"
    assert [r["ruleId"] for r in one["runs"][0]["results"]] == [f.code for f in reports["error"].findings]

    rows = list(csv.reader(io.StringIO(render_reports(entries, "csv").text)))
    header, body = rows[0], rows[1:]
    assert len(body) == len(findings) + 1 + 1  # one row per finding, the clean report's, the error's
    column = header.index(next(h for h in header if h.lower() == "code"))
    # the code of each finding, and the status of the input that could not be read
    assert sorted(r[column] for r in body if r[column]) == sorted([f.code for f in findings] + ["UCP_E_IO"])
    assert len(list(csv.reader(io.StringIO(reports["clean"].render("csv"))))) == 2

    suite = ET.fromstring(render_reports(entries, "junit").text)
    cases = suite.findall(".//testcase")
    assert len(cases) == len(names)
    assert len(suite.findall(".//testcase/failure")) == 2  # error and warning fail with --fail-on warning
    assert len(suite.findall(".//testcase/error")) == 1
    assert len(ET.fromstring(render_reports(entries, "junit", fail_on="error").text).findall(".//failure")) == 1

    class Page(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: List[str] = []
            self.text: List[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)

        def handle_data(self, data):
            self.text.append(data)

    page = Page()
    page.feed(render_reports(entries, "html").text)
    page.close()
    assert "html" in page.tags and "table" in page.tags and "script" not in page.tags
    assert all(any(name in t for t in page.text) for name in inputs)

    nagios = render_reports(entries, "nagios").text.splitlines()
    assert nagios[0].startswith("UCPOLICY UNKNOWN") and "|" in nagios[0], nagios[0]
    assert reports["clean"].render("nagios").startswith("UCPOLICY OK")
    assert reports["warning"].render("nagios").startswith("UCPOLICY WARNING")
    assert reports["error"].render("nagios").startswith("UCPOLICY CRITICAL")


# ---- the streaming renderer ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_renderer_chunks_make_the_document(fmt, reports, files, missing_error):
    _, entries = batch(files, reports, missing_error, BATCH)
    with Renderer(fmt, fail_on="info") as renderer:
        assert renderer.format is OutputFormat(fmt)
        chunks = [renderer.add_error(*e) if isinstance(e, tuple) else renderer.add(e) for e in entries]
        if fmt in ("json", "text", "csv"):
            assert all(chunks), "these formats write each entry as it is added"
        if fmt in ("html", "junit", "nagios"):
            assert not any(chunks), "these documents start with totals: written at the end"
        chunks.append(renderer.finish())
        assert renderer.finished
        with pytest.raises(ucpolicy.InvalidArgumentError, match="finished"):
            renderer.add(reports["clean"])
        live = (renderer.summary, renderer.exit_code, renderer.counts, renderer.error_count)
    assert "".join(chunks) == render_reports(entries, fmt, fail_on="info").text
    # the results stay readable after close
    assert renderer.closed and (renderer.summary, renderer.exit_code, renderer.counts, renderer.error_count) == live
    assert live[1] == 3 and renderer.count("fail") == 1 and renderer.count(Result.PASS) == 2
    with pytest.raises(ucpolicy.InvalidArgumentError, match="closed"):
        renderer.add(reports["clean"])
    renderer.close()  # again: nothing


def test_renderer_exit_code_without_errors(reports):
    with Renderer("csv", fail_on="error") as renderer:
        renderer.add(reports["warning"])
        assert renderer.exit_code == 0 and renderer.summary == "checked 1: 0 pass, 1 warning, 0 fail"
        renderer.add(reports["error"])
        assert renderer.exit_code == 2


def test_renderer_is_freed(reports):
    """The C renderer is freed by close(), by the end of a with block, and by garbage
    collection of a renderer never closed (finished or not)."""
    closed = Renderer("sarif")
    closed.add(reports["error"])
    finalizer = closed._finalizer
    closed.close()
    assert not finalizer.alive
    with Renderer("html") as in_with:
        in_with.add(reports["clean"])
        finalizer = in_with._finalizer
    assert not finalizer.alive
    for finish in (False, True):
        dropped = Renderer("junit")
        dropped.add(reports["info"])
        if finish:
            dropped.finish()
        finalizer = dropped._finalizer
        del dropped
        gc.collect()
        assert not finalizer.alive


# ---- bad input: clear exceptions -------------------------------------------------------------

def test_bad_format_names(reports):
    for call in (lambda: reports["clean"].render("yaml"), lambda: render_reports([reports["clean"]], "yaml"),
                 lambda: Renderer("yaml"), lambda: ucpolicy.render_roles("yaml")):
        with pytest.raises(ucpolicy.InvalidArgumentError) as caught:
            call()
        assert isinstance(caught.value, ValueError)
        message = str(caught.value)
        assert "yaml" in message and all(f in message for f in FORMATS), message
    with pytest.raises(TypeError, match="format"):
        reports["clean"].render(3)  # type: ignore[arg-type]


def test_bad_fail_on(reports):
    for call in (lambda: reports["clean"].exit_code("sometimes"), lambda: Renderer(fail_on="sometimes"),
                 lambda: render_reports([], fail_on="sometimes"), lambda: reports["clean"].render("junit", fail_on="x")):
        with pytest.raises(ValueError) as caught:
            call()
        assert all(level in str(caught.value) for level in LEVELS), str(caught.value)
    with pytest.raises(TypeError):
        reports["clean"].exit_code(True)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        reports["clean"].exit_code(7)


def test_bad_entries(reports, missing_error):
    with pytest.raises(TypeError, match="Report or a"):
        render_reports([reports["clean"], 42])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="ucpolicy.Error or an OSError"):
        render_reports([("x.pem", RuntimeError("boom"))])
    with pytest.raises(TypeError, match="input name"):
        render_reports([(3, missing_error)])  # type: ignore[list-item]
    with Renderer() as renderer:
        with pytest.raises(TypeError, match="add_error"):
            renderer.add(("x.pem", missing_error))  # type: ignore[arg-type]
    # an OSError of the caller's own (e.g. open()) is an input that could not be read
    try:
        open("/nonexistent/ucpolicy-render.pem", "rb")
    except OSError as e:
        doc = json.loads(render_reports([("/nonexistent/ucpolicy-render.pem", e)]).text)
    assert doc[0]["error"]["code"] == "UCP_E_IO" and "No such file" in doc[0]["error"]["message"]


def test_non_utf8_names_and_messages(reports):
    """Names and messages that are not UTF-8 (os.fsdecode'd bytes) reach the library as their
    bytes and come out escaped, never as an exception or invalid JSON."""
    name = os.fsdecode(b"bad-\xff.pem")
    error = ucpolicy.IoError(f"cannot open {name}", source=name)
    doc = json.loads(render_reports([(name, error)]).text)
    assert doc[0]["input"]["name"].startswith("bad-") and doc[0]["result"] == "error"
    with pytest.raises(ValueError, match="NUL"):
        render_reports([("a\0b", error)])


# ---- the catalogue listings ------------------------------------------------------------------

@pytest.mark.parametrize("argv,call", [
    (["roles"], lambda: ucpolicy.render_roles()),
    (["roles", "--format", "json"], lambda: ucpolicy.render_roles("json")),
    (["rules"], lambda: ucpolicy.render_rules()),
    (["rules", "--format", "json"], lambda: ucpolicy.render_rules(format=OutputFormat.JSON)),
    (["rules", "--role", "UM", "--product", "lync2013"], lambda: ucpolicy.render_rules("UM", product="lync2013")),
    (["rules", "--role", "exchange-um", "--format", "json"],
     lambda: ucpolicy.render_rules(ucpolicy.role("UM"), format="json")),
], ids=["roles", "roles-json", "rules", "rules-json", "role-rules", "role-rules-json"])
def test_catalogue_listings_are_the_commands(argv, call, c_cli):
    done = subprocess.run([c_cli, *argv], capture_output=True, timeout=60)
    assert done.returncode == 0
    assert call().encode("utf-8", "surrogateescape") == done.stdout


def test_catalogue_listings_agree_with_the_objects():
    doc = json.loads(ucpolicy.render_roles("json"))
    assert [r["id"] for r in doc] == [r.id for r in ucpolicy.roles()]
    doc = json.loads(ucpolicy.render_rules("UM", product="sfb2015", format="json"))
    assert len(doc) > 0
    with pytest.raises(ucpolicy.UnknownRoleError):
        ucpolicy.render_rules("nope")
    with pytest.raises(ucpolicy.UnknownProductError):
        ucpolicy.render_rules("UM", product="lync2000")
    with pytest.raises(ucpolicy.UnsupportedError):
        ucpolicy.render_roles("sarif")
