# SPDX-License-Identifier: MIT
"""ucpolicy.scan() / Checker.scan(): every endpoint of a topology document, probed and checked.

A Topology Builder document made here names two servers; resolve= points fe01.contoso.com at
127.0.0.2, where tests/tools/probe-server (UCPOLICY_PROBE_SERVER) serves SIP/TLS with a
certificate for that name and accepts the client certificate, and fe02.contoso.com at
127.0.0.3, where nothing listens. The PKI is made with certtool; nothing is committed. Loopback
only: every scan runs with loopback_only=True.
"""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import ucpolicy
from ucpolicy import ProbeProtocol, ScanResult

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "tests" / "probe"))
import scan_topology  # noqa: E402

SERVER = os.environ.get("UCPOLICY_PROBE_SERVER")
pytestmark = pytest.mark.skipif(not SERVER, reason="UCPOLICY_PROBE_SERVER is not set")


def certtool(*args: str) -> None:
    subprocess.run(["certtool", *args], check=True, capture_output=True)


def cert(d: Path, name: str, issuer: str | None, lines: list[str]) -> None:
    certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", str(d / f"{name}.key"))
    (d / f"{name}.tmpl").write_text("\n".join(lines) + "\n")
    if issuer is None:
        certtool("--generate-self-signed", "--load-privkey", str(d / f"{name}.key"), "--template",
                 str(d / f"{name}.tmpl"), "--outfile", str(d / f"{name}.pem"))
    else:
        certtool("--generate-certificate", "--load-privkey", str(d / f"{name}.key"), "--load-ca-certificate",
                 str(d / f"{issuer}.pem"), "--load-ca-privkey", str(d / f"{issuer}.key"), "--template",
                 str(d / f"{name}.tmpl"), "--outfile", str(d / f"{name}.pem"))


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    d = tmp_path_factory.mktemp("scan")
    usage = ["tls_www_server", "tls_www_client", "signing_key", "encryption_key", "expiration_days = 365",
             'crl_dist_points = "http://pki.contoso.com/root.crl"']
    cert(d, "root", None, ['cn = "Scan Root"', "ca", "cert_signing_key", "crl_signing_key", "expiration_days = 3650"])
    cert(d, "fe01", "root", ['cn = "fe01.contoso.com"', 'dns_name = "fe01.contoso.com"', 'dns_name = "sip.contoso.com"',
                             'dns_name = "lyncdiscoverinternal.contoso.com"', *usage])
    cert(d, "exch01", "root", ['cn = "exch01.contoso.com"', 'dns_name = "exch01.contoso.com"', *usage])
    proc = subprocess.Popen([SERVER, "--mode", "sip", "--address", "127.0.0.2", "--cert", str(d / "fe01.pem"),
                             "--key", str(d / "fe01.key"), "--ca", str(d / "root.pem"), "--peer", "exch01.contoso.com",
                             "--connections", "2", "--lifetime", "60"], stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 10)
    line = proc.stdout.readline() if ready else ""
    if not line.startswith("PORT "):
        proc.kill()
        pytest.skip(f"probe-server cannot listen on 127.0.0.2: {line!r}")
    s = socket.socket()
    s.bind(("127.0.0.3", 0))
    closed = s.getsockname()[1]
    s.close()
    topology = d / "deployment.tbxml"
    topology.write_text(scan_topology.make([{"fqdn": "fe01.contoso.com", "sip": int(line.split()[1])},
                                            {"fqdn": "fe02.contoso.com", "sip": closed}]))
    yield d, topology
    proc.kill()
    proc.wait()
    proc.stdout.close()


def test_scan_endpoint_by_endpoint(deployment):
    d, topology = deployment
    seen = []
    caller = threading.get_ident()

    def progress(result: ScanResult, done: int, total: int) -> None:
        seen.append((result.host, done, total, threading.get_ident() == caller))

    results = ucpolicy.scan(topology, resolve=["fe01.contoso.com:127.0.0.2", "fe02.contoso.com:127.0.0.3"],
                            loopback_only=True, trust=d / "root.pem", client_cert=d / "exch01.pem",
                            client_key=d / "exch01.key", timeout=20, jobs=2, progress=progress)
    assert [(r.host, r.server, r.role, r.protocol) for r in results] == [
        ("fe01.contoso.com", "fe01.contoso.com", "frontend-default", ProbeProtocol.SIP),
        ("fe02.contoso.com", "fe02.contoso.com", "frontend-default", ProbeProtocol.SIP)]
    fe01, fe02 = results
    assert fe01.result == "pass" and fe01.ok, [f.code for f in fe01.report.findings]
    assert fe01.error is None
    assert fe01.report.connection.address == "127.0.0.2"
    assert fe01.report.connection.server_name == "fe01.contoso.com"
    assert fe02.result == "error" and fe02.report is None
    assert isinstance(fe02.error, ucpolicy.NetworkError)
    assert f"fe02.contoso.com:{fe02.port}" in str(fe02.error)
    assert sorted(h for h, *_ in seen) == ["fe01.contoso.com", "fe02.contoso.com"]
    assert [(done, total, same) for _, done, total, same in seen] == [(1, 2, True), (2, 2, True)]


def test_progress_stops_the_scan(deployment):
    d, topology = deployment
    results = ucpolicy.scan(topology, loopback_only=True, jobs=1, progress=lambda r, done, total: True)
    assert len(results) == 1
    assert results[0].result == "error" and "no loopback address is given" in str(results[0].error)


def test_refusals(deployment):
    d, topology = deployment
    with pytest.raises(ucpolicy.Error, match="'www.example.com' is not an endpoint of the topology"):
        ucpolicy.scan(topology, resolve="www.example.com:127.0.0.1")
    with pytest.raises(ValueError, match="not an IP address"):
        ucpolicy.scan(topology, resolve="fe01.contoso.com:localhost")
    with pytest.raises(ucpolicy.Error, match="needs a topology document"):
        ucpolicy.scan(b'{"fqdn": "fe01.contoso.com"}')
    with pytest.raises(ValueError, match="jobs"):
        ucpolicy.scan(topology, jobs=0)
    results = ucpolicy.scan(topology, loopback_only=True, resolve="fe01.contoso.com:192.0.2.1")
    assert [r.result for r in results] == ["error", "error"]
    assert "not a loopback address" in str(results[0].error)


def test_callback_error_propagates(deployment):
    d, topology = deployment

    def boom(result, done, total):
        raise RuntimeError("from the callback")

    with pytest.raises(RuntimeError, match="from the callback"):
        ucpolicy.scan(topology, loopback_only=True, progress=boom)
