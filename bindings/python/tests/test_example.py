# SPDX-License-Identifier: MIT
"""examples/fleet_check.py on a folder of certificates: one row per file, worst first, and
the fleet's exit status."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "fleet_check.py"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory, pki):
    d = tmp_path_factory.mktemp("fleet")
    pki.leaf("exch01.contoso.com", ["exch01.contoso.com"]).write(d, "exch01.contoso.com", "pfx", b"fleet")
    pki.leaf("*.contoso.com", ["*.contoso.com"]).write(d, "exch02.contoso.com", "bundle")
    pki.leaf("exch03.contoso.com", ["exch03.contoso.com"], days_after=12).write(d, "exch03.contoso.com", "p7b")
    (d / "old").mkdir()
    pki.leaf("exch04.contoso.com", ["exch04.contoso.com"]).write(d / "old", "exch04.contoso.com", "pfx", b"other")
    (d / "notes.txt").write_text("not a certificate, not looked at")
    return d


def run(fleet: Path, root: Path, *extra: str) -> subprocess.CompletedProcess:
    if not EXAMPLE.is_file():
        pytest.skip(f"{EXAMPLE} is not in this tree (installed package)")
    return subprocess.run([sys.executable, str(EXAMPLE), str(fleet), "--role", "exchange-um", "--trust", str(root),
                           "--fqdn-from-name", "--password-env", "FLEET_PW", *extra],
                          capture_output=True, text=True, timeout=120, env=dict(os.environ, FLEET_PW="fleet"))


def test_table(fleet, root_pem):
    done = run(fleet, root_pem)
    assert done.returncode == 3, done.stderr  # exch04's password is not FLEET_PW
    lines = done.stdout.splitlines()
    assert lines[0].split()[:6] == ["FILE", "RESULT", "DAYS", "SUBJECT", "ERR", "WARN"]
    rows = [line.split()[:2] for line in lines[1:5]]
    assert rows == [["old/exch04.contoso.com.pfx", "ERROR"], ["exch02.contoso.com.pem", "FAIL"],
                    ["exch03.contoso.com.p7b", "WARNING"], ["exch01.contoso.com.pfx", "PASS"]]
    assert "password" in lines[1] and str(fleet) not in lines[1]
    assert "subject.cn-wildcard" in lines[2] and "validity.expiring" in lines[3]
    assert lines[-1] == "4 certificates: 1 pass, 1 warning, 1 fail, 1 error"


def test_csv(fleet, root_pem):
    done = run(fleet, root_pem, "--format", "csv", "--fail-on", "error", "--threads", "1")
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert {r["file"]: r["result"] for r in rows} == {
        "old/exch04.contoso.com.pfx": "error", "exch02.contoso.com.pem": "fail",
        "exch03.contoso.com.p7b": "warning", "exch01.contoso.com.pfx": "pass"}
    assert int(next(r for r in rows if r["result"] == "warning")["days_remaining"]) in (11, 12)
    assert done.returncode == 3


# examples/check_certificate.py against examples/check-certificate.c on the bundled examples:
# the same story in both languages, the same output line for line.
EXAMPLES = EXAMPLE.parent
C_EXAMPLE = os.environ.get("UCPOLICY_CHECK_CERTIFICATE")
BUNDLED = [
    ("exchange-um", "certs/exchange-um-wildcard.pem", "topology/exchange.json", 2),
    ("exchange-um", "certs/exchange-um.pem", "topology/exchange.json", 0),
    ("frontend-default", "certs/frontend-default-wildcard.pem", "topology/frontend.json", 2),
    ("frontend-default", "certs/frontend-default.pem", "topology/frontend.json", None),
    ("UM", "certs/no-such-file.pem", None, 3),
]


@pytest.mark.parametrize("role,cert,topology,status", BUNDLED, ids=[b[1] for b in BUNDLED])
def test_check_certificate_matches_the_c_example(role, cert, topology, status):
    if not C_EXAMPLE or not (EXAMPLES / "certs").is_dir():
        pytest.skip("the C example or the bundled certificates are not here (UCPOLICY_CHECK_CERTIFICATE)")
    args = [role, str(EXAMPLES / cert)] + ([str(EXAMPLES / topology), str(EXAMPLES / "certs/contoso-root.pem")]
                                           if topology else [])
    c = subprocess.run([C_EXAMPLE, *args], capture_output=True, timeout=60)
    py = subprocess.run([sys.executable, str(EXAMPLES / "check_certificate.py"), *args], capture_output=True,
                        timeout=60)
    assert py.returncode == c.returncode and py.stdout == c.stdout
    if status is not None:
        assert c.returncode == status
    if status == 3:
        assert b"no-such-file.pem" in py.stderr
