# SPDX-License-Identifier: MIT
"""The shared fixtures of tests/FIXTURES.md, run through the Python API (and, for a sample,
through both commands).

ucpolicy-certgen writes DIR/manifest.json and the files it names; meson passes DIR in
UCPOLICY_FIXTURES. Every case is run as the contract says: a checker at `validationTime`,
`trust` / `chain` / `publicRoots` added, `topology` loaded, `file` read with `password` and
checked against `role`; then `expect.result`, every `present` code with its severity (and
`remediationContains`), no `absent` code, `expect.format`. Every `inputErrors` file must be
refused with `status`, the message naming it.

Optional case fields (tests/FIXTURES.md, backward compatible): `crls` (files added as CRLs),
`online` with `timeoutMs` (the checker fetches revocation data, with that time budget per check,
the private network allowed: the URLs are on 127.0.0.1),
`pool` (the case's file is checked with the pool check against [file] + pool, every file read
with the case's password). The top-level `exemptions` list is for other faces: ignored here.

The runner is also exercised on a manifest written here with python3-cryptography, so it is
tested whether or not the C generator's fixtures are present.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
from online import ONLINE, ONLINE_ARGS

import ucpolicy

FIXTURES = os.environ.get("UCPOLICY_FIXTURES")
_HELD_SOCKETS: List[Any] = []
NO_FIXTURES = ("UCPOLICY_FIXTURES is not set: meson sets it to the output directory of the fixture "
               "target (tests/fixtures); to run by hand, run ucpolicy-certgen --out DIR and set it to DIR")


def load_manifest(directory: Path) -> Dict[str, Any]:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert manifest.get("version") == 1, f"{path}: unsupported manifest version {manifest.get('version')!r}"
    return manifest


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def run_case(directory: Path, manifest: Dict[str, Any], case: Dict[str, Any]) -> ucpolicy.Report:
    files = lambda names: [directory / n for n in names]  # noqa: E731
    timeout_ms = case.get("timeoutMs")
    with ucpolicy.Checker(at=parse_time(manifest["validationTime"]), trust=files(case.get("trust", [])),
                          chain=files(case.get("chain", [])),
                          public_roots=files(case.get("publicRoots", [])) or None,
                          crls=files(case.get("crls", [])), **(ONLINE if case.get("online") else {}),
                          network_timeout=timeout_ms / 1000 if timeout_ms is not None else None) as checker:
        pool = case.get("pool")
        return checker.check(directory / case["file"], case["role"], topology=case.get("topology") or None,
                             password=case.get("password"),
                             same_certificate=files(pool) if pool is not None else None)


def assert_expectations(case: Dict[str, Any], report: ucpolicy.Report) -> None:
    expect = case["expect"]
    found = {(f.code, str(f.severity)) for f in report.findings}
    described = [str(f) for f in report.findings]
    if expect.get("result") is not None:
        assert report.result.value == expect["result"], described
    for item in expect.get("present", []):
        assert (item["code"], item["severity"]) in found, (item, described)
        if item.get("remediationContains") is not None:
            assert any(item["remediationContains"] in f.remediation for f in report.get(item["code"])), item
    if expect.get("format") is not None:
        assert report.input_format.value == expect["format"], report.input_format
    for code in expect.get("absent", []):
        code = code["code"] if isinstance(code, dict) else code
        assert code not in report, (code, described)


def assert_input_error(directory: Path, entry: Dict[str, Any]) -> None:
    cls = ucpolicy.error_for_status(getattr(ucpolicy._lib, entry["status"]))
    path = directory / entry["file"]
    with pytest.raises(ucpolicy.Error) as info:
        ucpolicy.check(path, "tls-server", password=entry.get("password"))
    assert type(info.value) is cls, f"{entry['id']}: {info.value!r}, expected {entry['status']}"
    assert str(path) in str(info.value), f"{entry['id']}: the message does not name the file"


def c_and_python_cli(directory: Path, manifest: Dict[str, Any], case: Dict[str, Any], c_cli: str) -> None:
    """The same case through the C command and python3 -m ucpolicy: same JSON, same status."""
    args = ["check", "--role", case["role"], "--format", "json", "--at", manifest["validationTime"]]
    for key, option in (("trust", "--trust"), ("chain", "--chain"), ("publicRoots", "--public-roots"),
                        ("crls", "--crl")):
        for name in case.get(key, []):
            args += [option, str(directory / name)]
    if case.get("online"):
        args += ONLINE_ARGS
        if case.get("timeoutMs") is not None:  # the command takes whole seconds
            args += ["--timeout", str(max(1, -(-int(case["timeoutMs"]) // 1000)))]
    env = dict(os.environ)
    if case.get("topology"):
        topology = directory / f".topology-{abs(hash(case['id']))}.json"
        topology.write_text(json.dumps(case["topology"]))
        args += ["--topology", str(topology)]
    if case.get("password") is not None:
        env["UCP_MANIFEST_PASSWORD"] = case["password"]
        args += ["--password-env", "UCP_MANIFEST_PASSWORD"]
    args.append(str(directory / case["file"]))
    if case.get("pool") is not None:
        args[1:1] = ["--same-certificate"]
        args += [str(directory / name) for name in case["pool"]]
    c = subprocess.run([c_cli, *args], capture_output=True, env=env, timeout=60)
    py = subprocess.run([sys.executable, "-m", "ucpolicy", *args], capture_output=True, env=env, timeout=60)
    assert (py.returncode, py.stdout, py.stderr) == (c.returncode, c.stdout, c.stderr)


# ---- the generator's fixtures ----------------------------------------------------------------


def _fixture_params(kind: str) -> List[Any]:
    if not FIXTURES or not (Path(FIXTURES) / "manifest.json").is_file():
        # A failure, not a skip: a run without the fixtures has not run them (see fixtures()).
        return [pytest.param(None, id="no-fixtures")]
    manifest = load_manifest(Path(FIXTURES))
    entries = manifest["cases"] if kind == "cases" else manifest.get("inputErrors", [])
    if kind == "sample":  # the first pass and the first fail case of each role
        firsts: Dict[tuple, Any] = {}
        for case in manifest["cases"]:
            firsts.setdefault((case["role"], case["kind"]), case)
        entries = list(firsts.values())
    return [pytest.param(e, id=e["id"]) for e in entries]


@pytest.fixture(scope="module")
def fixtures() -> tuple:
    if not FIXTURES:
        pytest.fail(NO_FIXTURES)
    directory = Path(FIXTURES)
    if not (directory / "manifest.json").is_file():
        pytest.fail(f"{directory}/manifest.json does not exist: the fixture generator (ucpolicy-certgen) failed "
                    "or has not run")
    return directory, load_manifest(directory)


@pytest.mark.parametrize("case", _fixture_params("cases"))
def test_manifest_case(case, fixtures):
    directory, manifest = fixtures
    assert_expectations(case, run_case(directory, manifest, case))


@pytest.mark.parametrize("entry", _fixture_params("inputErrors"))
def test_manifest_input_error(entry, fixtures):
    assert_input_error(fixtures[0], entry)


@pytest.mark.parametrize("case", _fixture_params("sample"))
def test_manifest_case_through_both_commands(case, fixtures, c_cli):
    c_and_python_cli(*fixtures, case, c_cli)


# ---- the runner itself, on a manifest made here ------------------------------------------------


@pytest.fixture(scope="module")
def own_manifest(tmp_path_factory, pki, now) -> Path:
    """A small manifest in the contract's form, with certificates from certfactory."""
    d = tmp_path_factory.mktemp("manifest")
    (d / "certs").mkdir()
    (d / "bad").mkdir()
    pki.write_ca(d / "certs")
    pki.leaf("*.contoso.com", ["*.contoso.com"]).write(d / "certs", "exchange-um-subject.cn-wildcard-fail")
    pki.leaf("exch01.contoso.com", ["exch01.contoso.com"]).write(d / "certs", "exchange-um-pass", "pfx", b"pw")
    pki.leaf("sbc1.contoso.com", ["sbc1.contoso.com"], days_before=10, days_after=150).write(
        d / "certs", "teams-direct-routing-sbc-pass", "der")
    revoked = pki.leaf("exch02.contoso.com", ["exch02.contoso.com"])
    revoked.write(d / "certs", "revocation-revoked")
    (d / "certs" / "issuing.crl").write_bytes(pki.crl([revoked.cert]))
    (d / "certs" / "root.crl").write_bytes(pki.crl(root=True))
    import socket
    # A loopback port bound but not listening, held for the module: connections are refused at
    # once, and no other test's server can take the port meanwhile.
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    _HELD_SOCKETS.append(held)
    closed = held.getsockname()[1]
    pki.leaf("exch03.contoso.com", ["exch03.contoso.com"], cdp_url=f"http://127.0.0.1:{closed}/issuing.crl").write(
        d / "certs", "revocation-unreachable")
    import certfactory as cf
    edge = pki.leaf("edgeint.contoso.com", ["edgeint.contoso.com"], key=cf.rsa_key(2048, slot=21))
    foreign = pki.leaf("edgeint.contoso.com", ["edgeint.contoso.com"], key=cf.rsa_key(2048, slot=22))
    for i, issued in ((1, edge), (2, edge), (3, foreign)):  # the same PFX exported on two servers
        issued.write(d / "certs", f"edge0{i}", "pfx", b"pool")
    (d / "bad" / "garbage.bin").write_bytes(b"garbage")
    pki.leaf("x.contoso.com", ["x.contoso.com"]).write(d / "bad", "locked", "pfx", b"secret")
    topology = {"product": "sfb2019", "fqdn": "exch01.contoso.com"}
    manifest = {
        "version": 1,
        "validationTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "cases": [
            {"id": "exchange-um/subject.cn-wildcard/fail", "role": "exchange-um", "rule": "subject.cn-wildcard",
             "kind": "fail", "file": "certs/exchange-um-subject.cn-wildcard-fail.pem", "password": None,
             "chain": [], "trust": ["certs/root.pem"], "publicRoots": [], "topology": topology,
             "expect": {"result": "fail", "format": "pem",
                        "present": [{"code": "subject.cn-wildcard", "severity": "error",
                                     "remediationContains": "The peer is not a configured server"}],
                        "absent": []}},
            {"id": "exchange-um/subject.cn-wildcard/pass", "role": "exchange-um", "rule": "subject.cn-wildcard",
             "kind": "pass", "file": "certs/exchange-um-pass.pfx", "password": "pw", "chain": [],
             "trust": ["certs/root.pem"], "publicRoots": [], "topology": topology,
             "expect": {"result": "pass", "present": [], "absent": ["subject.cn-wildcard"]}},
            {"id": "teams-direct-routing-sbc/chain.issuer-missing/pass", "role": "teams-direct-routing-sbc",
             "rule": "chain.issuer-missing", "kind": "pass", "file": "certs/teams-direct-routing-sbc-pass.cer",
             "password": None, "chain": ["certs/issuing.pem"], "trust": ["certs/root.pem"],
             "publicRoots": ["certs/root.pem"], "topology": {"fqdn": "sbc1.contoso.com"},
             "expect": {"result": None, "present": [], "absent": ["chain.issuer-missing"]}},
            {"id": "revocation/crl-revoked", "role": "exchange-um", "rule": "revocation.revoked", "kind": "fail",
             "file": "certs/revocation-revoked.pem", "password": None, "chain": [], "trust": ["certs/root.pem"],
             "publicRoots": [], "crls": ["certs/issuing.crl"], "topology": {"fqdn": "exch02.contoso.com"},
             "expect": {"result": "fail", "present": [{"code": "revocation.revoked", "severity": "error"}],
                        "absent": []}},
            {"id": "revocation/online-unreachable", "role": "exchange-um", "rule": "revocation.unreachable",
             "kind": "fail", "file": "certs/revocation-unreachable.pem", "password": None, "chain": [],
             "trust": ["certs/root.pem"], "publicRoots": [], "online": True, "timeoutMs": 60000,
             "crls": ["certs/root.crl"], "topology": {"fqdn": "exch03.contoso.com"},
             "expect": {"result": "warning", "present": [{"code": "revocation.unreachable", "severity": "warning"}],
                        "absent": ["revocation.revoked"]}},
            {"id": "key/pool-mismatch", "role": "edge-internal", "rule": "private-key.pool-mismatch", "kind": "fail",
             "file": "certs/edge01.pfx", "password": "pool", "pool": ["certs/edge02.pfx", "certs/edge03.pfx"],
             "chain": [], "trust": ["certs/root.pem"], "publicRoots": [], "topology": {"fqdn": "edgeint.contoso.com"},
             "expect": {"result": "fail", "format": "pkcs12",
                        "present": [{"code": "private-key.pool-mismatch", "severity": "error"}], "absent": []}},
            {"id": "key/pool-identical", "role": "edge-internal", "rule": None, "kind": "pass",
             "file": "certs/edge01.pfx", "password": "pool", "pool": ["certs/edge02.pfx"],
             "chain": [], "trust": ["certs/root.pem"], "publicRoots": [], "topology": {"fqdn": "edgeint.contoso.com"},
             "expect": {"result": None, "present": [], "absent": ["private-key.pool-mismatch"]}},
        ],
        "exemptions": [{"face": "powershell", "case": "revocation/online-unreachable", "reason": "ignored by runners"}],
        "inputErrors": [
            {"id": "garbage", "file": "bad/garbage.bin", "password": None, "status": "UCP_E_FORMAT"},
            {"id": "missing", "file": "bad/none.pem", "password": None, "status": "UCP_E_IO"},
            {"id": "wrong-password", "file": "bad/locked.pfx", "password": "nope", "status": "UCP_E_PASSWORD"},
        ],
    }
    (d / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return d


def test_runner_on_a_manifest_made_here(own_manifest, c_cli):
    manifest = load_manifest(own_manifest)
    for case in manifest["cases"]:
        report = run_case(own_manifest, manifest, case)
        assert_expectations(case, report)
        c_and_python_cli(own_manifest, manifest, case, c_cli)
    for entry in manifest["inputErrors"]:
        assert_input_error(own_manifest, entry)


def test_runner_applies_the_optional_fields(own_manifest):
    """crls, online/timeoutMs and pool change the result: without them the same files pass."""
    manifest = load_manifest(own_manifest)
    by_id = {c["id"]: c for c in manifest["cases"]}
    for case_id, code in (("revocation/crl-revoked", "revocation.revoked"),
                          ("revocation/online-unreachable", "revocation.unreachable"),
                          ("key/pool-mismatch", "private-key.pool-mismatch")):
        case = by_id[case_id]
        assert code in run_case(own_manifest, manifest, case)
        bare = {k: v for k, v in case.items() if k not in ("crls", "online", "timeoutMs", "pool")}
        assert code not in run_case(own_manifest, manifest, bare), case_id
    pool = run_case(own_manifest, manifest, by_id["key/pool-mismatch"]).pool
    assert [m.state.value for m in pool] == ["reference", "identical", "different-key"]


def test_runner_catches_a_wrong_expectation(own_manifest):
    """The assertions bite: a case expecting the opposite fails."""
    manifest = load_manifest(own_manifest)
    wrong_format = dict(manifest["cases"][0], expect=dict(manifest["cases"][0]["expect"], format="der"))
    with pytest.raises(AssertionError):
        assert_expectations(wrong_format, run_case(own_manifest, manifest, wrong_format))
    wrong_text = dict(manifest["cases"][0], expect=dict(manifest["cases"][0]["expect"], present=[
        {"code": "subject.cn-wildcard", "severity": "error", "remediationContains": "no such sentence"}]))
    with pytest.raises(AssertionError):
        assert_expectations(wrong_text, run_case(own_manifest, manifest, wrong_text))
    case = dict(manifest["cases"][0], expect={"result": "pass", "present": [], "absent": ["subject.cn-wildcard"]})
    with pytest.raises(AssertionError):
        assert_expectations(case, run_case(own_manifest, manifest, case))
    wrong = dict(manifest["inputErrors"][0], status="UCP_E_PASSWORD")
    with pytest.raises(AssertionError):
        assert_input_error(own_manifest, wrong)
