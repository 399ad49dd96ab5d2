# SPDX-License-Identifier: MIT
"""ucpolicy.probe() / Checker.probe() and `python3 -m ucpolicy probe`, against a live server.

tests/tools/probe-server plays Lync / Skype for Business on 127.0.0.1 (UCPOLICY_PROBE_SERVER, set
by meson): it asks for a client certificate and accepts only one that verifies against its CA and
whose CN names a configured peer (exch01.contoso.com), answering SIP OPTIONS with 200 OK or 403 +
ms-diagnostics "The peer is not a configured server on this network interface" (the reference
incident: Exchange UM with a *.contoso.com certificate), or refusing in TLS (--reject alert).
The PKI is made here with python3-cryptography. Every server listens on 127.0.0.1 only, serves a
fixed number of connections and stops by itself within 60 s; every probe has a time limit.
"""

from __future__ import annotations

import datetime as dt
import os
import select
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest
from cryptography.hazmat.primitives import serialization

import certfactory as cf
from online import ONLINE_ARGS

import ucpolicy
from ucpolicy import ClientAuth, ProbeProtocol, Revocation

LYNC_REASON = "The peer is not a configured server on this network interface"
FACTS = dict(fqdn="fe01.contoso.com", pool="pool01.contoso.com", sip_domains=["contoso.com"])

# `python3 -m ucpolicy probe` against the C command, on a live server: (id, argv). {port} is the
# server's port, other {names} are files of the `probe_files` fixture.
CLI_CASES: List[Tuple[str, List[str]]] = [
    ("incident-sip-json", ["--role", "frontend-default", "--protocol", "sip", "--sni", "fe01.contoso.com",
                           "--client-cert", "{wildcard_pfx}", "--password-file", "{pfx_password}",
                           "--fqdn", "fe01.contoso.com", "--pool", "pool01.contoso.com", "--sip-domain",
                           "contoso.com", "--trust", "{root}", "--at", "{at}", "--format", "json",
                           "127.0.0.1:{port}"]),
    ("incident-sip-text", ["-r", "frontend-default", "--protocol=sip", "--sni", "fe01.contoso.com",
                           "--client-cert", "{wildcard_pfx}", "--password-env", "UCP_TEST_PW", "--fqdn",
                           "fe01.contoso.com", "--trust", "{root}", "--at", "{at}", "-v", "--color", "always",
                           "127.0.0.1:{port}"]),
    ("fixed-sip-compact", ["-r", "frontend-default", "--protocol", "sip", "--client-cert", "{exch01_chain}",
                           "--client-key", "{exch01_key}", "--topology", "{topology}", "--trust", "{root}",
                           "--at", "{at}", "--format", "json", "--compact", "127.0.0.1:{port}"]),
    ("fixed-sip-encrypted-key", ["-r", "tls-server", "--protocol", "sip", "--client-cert", "{exch01_chain}",
                                 "--client-key", "{exch01_enc_key}", "--password-file", "{key_password}",
                                 "--trust", "{root}", "--at", "{at}", "--fail-on", "error", "127.0.0.1:{port}"]),
    ("no-client-cert-quiet", ["-q", "-r", "tls-server", "--protocol", "sip", "--no-sni", "--trust", "{root}",
                              "--at", "{at}", "127.0.0.1:{port}"]),
    ("fail-on-never", ["-r", "tls-server", "--protocol", "sip", "--trust", "{root}", "--at", "{at}",
                       "--fail-on", "never", "--chain", "{issuing}", "--public-roots", "{root}",
                       "--expiry-warning", "0", "--product", "sfb2015", "127.0.0.1:{port}"]),
    ("fail-on-info", ["-r", "tls-server", "--protocol", "sip", "--trust", "{root}", "--at", "{at}",
                      "--fail-on", "info", "--crl", "{crl}", "--simple-url", "meet.contoso.com",
                      "--web-fqdn", "web.contoso.com", "--access-edge", "sip.contoso.com", "--webconf-edge",
                      "webconf.contoso.com", "--xmpp-domain", "contoso.com", "127.0.0.1:{port}"]),
    ("online-no-cdp", ["-r", "tls-server", "--protocol", "sip", "--trust", "{root}", "--at", "{at}", *ONLINE_ARGS,
                       "--timeout", "5", "--format", "json", "127.0.0.1:{port}"]),
]


_HELD_SOCKETS: List[socket.socket] = []


def _free_port() -> int:
    """A loopback port bound but not listening, held for the module: connections to it are
    refused at once, and no server started meanwhile can take it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    _HELD_SOCKETS.append(s)
    return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server_program() -> str:
    path = os.environ.get("UCPOLICY_PROBE_SERVER")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("UCPOLICY_PROBE_SERVER must name tests/tools/probe-server (meson sets it)")
    return path


@pytest.fixture(scope="module")
def probe_files(pki: cf.Pki, certdir: Path, root_pem: Path, issuing_pem: Path, now: dt.datetime) -> Dict[str, str]:
    """The front end's certificate (the server's), Exchange's right certificate and the
    incident's wildcard one (the clients'), in the forms the tests present them."""
    d = certdir / "probe"
    d.mkdir(exist_ok=True)
    fe01 = pki.leaf("pool01.contoso.com", ["pool01.contoso.com", "fe01.contoso.com", "sip.contoso.com",
                                          "lyncdiscoverinternal.contoso.com"],
                    key=cf.rsa_key(2048, slot=11))
    exch01 = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], key=cf.rsa_key(2048, slot=12))
    wildcard = pki.leaf("*.contoso.com", ["exch01.contoso.com", "*.contoso.com"], key=cf.rsa_key(2048, slot=13))

    def key_pem(issued: cf.Issued, password: Optional[bytes] = None) -> bytes:
        enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        return issued.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)

    files = {
        "root": root_pem, "issuing": issuing_pem,
        "fe01_chain": fe01.write(d, "fe01-chain"), "fe01_leaf": fe01.write(d, "fe01-leaf", "pem"),
        "exch01_chain": exch01.write(d, "exch01-chain"),
        "wildcard_chain": wildcard.write(d, "wildcard-chain"),
        "wildcard_pfx": wildcard.write(d, "wildcard", "pfx", b"contoso"),
    }
    for name, data in (("fe01_key", key_pem(fe01)), ("exch01_key", key_pem(exch01)),
                       ("exch01_enc_key", key_pem(exch01, b"secret")), ("wildcard_key", key_pem(wildcard)),
                       ("pfx_password", b"contoso\n"), ("key_password", b"secret\n"),
                       ("topology", b'{"fqdn": "fe01.contoso.com", "pool": "pool01.contoso.com", '
                                    b'"sipDomains": ["contoso.com"]}'),
                       ("crl", pki.crl([]))):
        path = d / name
        path.write_bytes(data)
        files[name] = path
    out = {k: str(v) for k, v in files.items()}
    out["at"] = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


class Server:
    """probe-server on 127.0.0.1: serves `connections` connections, then exits (60 s at most)."""

    def __init__(self, program: str, files: Dict[str, str], *args: str, connections: int = 2,
                 cert: str = "fe01_chain") -> None:
        self.log_path = Path(files["root"]).parent / f"probe-server-{time.monotonic_ns()}.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [program, "--cert", files[cert], "--key", files["fe01_key"], "--ca", files["root"],
             "--peer", "exch01.contoso.com", "--connections", str(connections), "--lifetime", "60", *args],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.stop()
            raise RuntimeError(f"probe-server did not start: {line!r} {self.log_path.read_text()}")
        self.port = int(line.split()[1])

    def stop(self) -> str:
        """Wait for the server to finish its connections (at most 15 s), then its log."""
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.log.close()
        return self.log_path.read_text()


@pytest.fixture
def serve(server_program, probe_files):
    """serve(*args, connections=2, cert=...) -> a running Server, stopped after the test."""
    started: List[Server] = []

    def _serve(*args: str, connections: int = 2, cert: str = "fe01_chain") -> Server:
        s = Server(server_program, probe_files, *args, connections=connections, cert=cert)
        started.append(s)
        return s

    yield _serve
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
        s.stop()


@pytest.fixture
def checker_at(probe_files, now):
    with ucpolicy.Checker(trust=probe_files["root"], at=now) as c:
        yield c


def connection_json(report: ucpolicy.Report) -> Dict[str, object]:
    """The connection facts as the library writes them in the JSON report."""
    c = report.connection
    assert c is not None
    return {"host": c.host, "port": c.port, "address": c.address, "serverName": c.server_name,
            "protocol": c.protocol.value, "tlsVersion": c.tls_version, "cipherSuite": c.cipher_suite,
            "clientCertificate": {"requested": c.client_cert_requested, "sent": c.client_cert_sent,
                                  "subject": c.client_cert_subject, "verdict": c.client_auth.value},
            "alert": c.alert, "response": c.response, "msDiagnostics": c.diagnostics, "detail": c.detail}


# ---- the incident ----------------------------------------------------------------------------


def test_incident_wildcard_cn_rejected_over_sip(serve, probe_files, now):
    """Exchange UM's *.contoso.com certificate, as its PFX: Lync answers 403 + ms-diagnostics."""
    s = serve("--mode", "sip")
    report = ucpolicy.probe("127.0.0.1", s.port, role="frontend-default", protocol="sip",
                            server_name="fe01.contoso.com", client_cert=probe_files["wildcard_pfx"],
                            password="contoso", trust=probe_files["root"], at=now, timeout=10, **FACTS)
    c = report.connection
    assert c is not None
    assert report.result is ucpolicy.Result.PASS, "the front end's own certificate is right"
    assert (c.client_auth, c.rejected, c.accepted) == (ClientAuth.REJECTED, True, False)
    assert (c.client_cert_requested, c.client_cert_sent) == (True, True)
    assert c.client_cert_subject == "CN=*.contoso.com,O=Contoso"
    assert c.response == "SIP/2.0 403 Forbidden"
    assert c.diagnostics is not None and c.diagnostics.startswith("1000;")
    assert f'reason="{LYNC_REASON}"' in c.diagnostics
    assert c.alert is None and c.tls_version == "TLS1.3" and c.protocol is ProbeProtocol.SIP
    assert (c.host, c.port, c.address, c.server_name) == ("127.0.0.1", s.port, "127.0.0.1", "fe01.contoso.com")
    assert report.exit_code() == 2, "a rejected client certificate fails the probe even when the server passes"
    assert report.exit_code("never") == 0
    assert report.input_name == f"127.0.0.1:{s.port}"
    assert report.to_dict()["connection"] == connection_json(report)
    assert LYNC_REASON in " ".join(report.to_text().split())  # the text report wraps long lines
    assert "SIP peer CN=*.contoso.com: 403 Forbidden" in s.stop()


def test_incident_fixed_with_the_fqdn_certificate(serve, probe_files, checker_at):
    """CN=exch01.contoso.com (certificate + key, chain included) is a configured peer: 200 OK."""
    s = serve("--mode", "sip")
    report = checker_at.probe("127.0.0.1", s.port, role="frontend-default", protocol=ProbeProtocol.SIP,
                              client_cert=Path(probe_files["exch01_chain"]), client_key=probe_files["exch01_key"],
                              timeout=10, **FACTS)
    c = report.connection
    assert c is not None
    assert (c.client_auth, c.response, c.diagnostics) == (ClientAuth.ACCEPTED, "SIP/2.0 200 OK", None)
    assert c.client_cert_subject == "CN=exch01.contoso.com,O=Contoso"
    assert c.server_name is None, "no SNI for an IP address"
    assert report.chain.status is ucpolicy.ChainStatus.VALID and report.ok
    assert report.exit_code() == 0
    assert report.topology.pool == "pool01.contoso.com"
    assert "SIP peer CN=exch01.contoso.com: 200 OK" in s.stop()


def test_rejection_by_tls_alert_and_key_forms(serve, probe_files, checker_at):
    s = serve("--mode", "tls", "--reject", "alert", connections=3)
    rejected = checker_at.probe("127.0.0.1", s.port, role="tls-server", client_cert=probe_files["wildcard_chain"],
                                client_key=os.fsencode(probe_files["wildcard_key"]), timeout=10)
    assert rejected.connection is not None
    assert (rejected.connection.client_auth, rejected.connection.alert) == (ClientAuth.REJECTED, "bad_certificate")
    assert rejected.chain[0].certificate.common_name == "pool01.contoso.com", "the server was checked all the same"
    accepted = checker_at.probe("127.0.0.1", s.port, role="tls-server", client_cert=probe_files["exch01_chain"],
                                client_key=probe_files["exch01_enc_key"], password=b"secret", timeout=10)
    assert accepted.connection is not None and accepted.connection.client_auth is ClientAuth.ACCEPTED
    nothing = checker_at.probe("127.0.0.1", s.port, role="tls-server", timeout=10)
    assert nothing.connection is not None
    assert (nothing.connection.client_cert_requested, nothing.connection.client_cert_sent) == (True, False)
    assert nothing.connection.client_auth is ClientAuth.REJECTED
    log = s.stop()
    assert "CN=*.contoso.com: refused (alert)" in log and "CN=exch01.contoso.com: accepted" in log


# ---- the server's own certificate -------------------------------------------------------------


def test_server_that_omits_its_intermediate(serve, probe_files, checker_at, now):
    s = serve("--mode", "tls", "--no-request", cert="fe01_leaf", connections=2)
    report = checker_at.probe("127.0.0.1", s.port, role="frontend-default", server_name="fe01.contoso.com",
                              timeout=10, **FACTS)
    assert report.chain.status is ucpolicy.ChainStatus.INCOMPLETE
    assert "chain.issuer-missing" in report and report.exit_code() == 2
    assert report.connection is not None and report.connection.server_name == "fe01.contoso.com"
    assert not report.connection.client_cert_requested
    fixed = ucpolicy.probe("127.0.0.1", s.port, role="frontend-default", server_name="fe01.contoso.com",
                           chain=probe_files["issuing"], trust=probe_files["root"], at=now, timeout=10, **FACTS)
    assert [e.source for e in fixed.chain] == ["input", "intermediates", "trust"]
    assert fixed.exit_code() == 0
    s.stop()


def test_smtp_starttls_and_no_sni(serve, checker_at):
    s = serve("--mode", "smtp", "--no-request", connections=1)
    report = checker_at.probe("127.0.0.1", s.port, role="tls-server", protocol="SMTP", server_name="", timeout=10)
    c = report.connection
    assert c is not None
    assert (c.protocol, c.response, c.client_auth) == (ProbeProtocol.SMTP, "250 8BITMIME", ClientAuth.ACCEPTED)
    assert c.cipher_suite is not None and c.cipher_suite.startswith("TLS_") and c.server_name is None
    assert "sni none" in s.stop()


def test_online_probe_and_the_private_network(serve, probe_files, pki, now):
    """The probe's own connection goes to the server named, 127.0.0.1 included, whatever the
    setting; only the revocation fetches of the certificate it presents are held to public
    addresses: its CDP on 127.0.0.1 is refused unless allow_private_network."""
    from cryptography.hazmat.primitives.serialization import Encoding
    from test_revocation import CrlServer

    crls = CrlServer(b"")
    try:
        served = pki.leaf("pool01.contoso.com", ["pool01.contoso.com", "fe01.contoso.com"],
                          key=cf.rsa_key(2048, slot=11), cdp_url=crls.url)
        crls.crl = pki.crl([], encoding=Encoding.DER)
        probe_files["fe01_cdp_chain"] = str(served.write(Path(probe_files["fe01_chain"]).parent, "fe01-cdp-chain"))
        s = serve("--mode", "tls", "--no-request", cert="fe01_cdp_chain", connections=3)
        refused = ucpolicy.probe("127.0.0.1", s.port, role="tls-server", trust=probe_files["root"], at=now,
                                 online=True, timeout=10)
        assert refused.connection is not None and refused.connection.address == "127.0.0.1"
        assert refused.chain[0].certificate.common_name == "pool01.contoso.com"
        assert crls.requests == 0, "the CDP on 127.0.0.1 was fetched"
        assert refused.chain[0].revocation is Revocation.UNREACHABLE
        [finding] = [f for f in refused.get("revocation.unreachable") if f.certificate_index == 0]
        assert (f"{crls.url}: refused: 127.0.0.1, a loopback address (allow with --allow-private-network)"
                in finding.message), finding.message
        allowed = ucpolicy.probe("127.0.0.1", s.port, role="tls-server", trust=probe_files["root"], at=now,
                                 allow_private_network=True, online=True, timeout=10)
        assert allowed.chain[0].revocation is Revocation.GOOD and crls.requests == 1
        with ucpolicy.Checker(trust=probe_files["root"], at=now, online=True, allow_private_network=True) as c:
            again = c.probe("127.0.0.1", s.port, role="tls-server", timeout=10)
        assert again.chain[0].revocation is Revocation.GOOD and crls.requests == 2
        s.stop()
    finally:
        crls.close()


# ---- failing to get a certificate: exceptions, quickly ------------------------------------------


def test_connection_refused(checker_at):
    # The refusal ends the probe, not its time limit: the message names it. No wall-clock bound
    # (a shared machine can stall any program); the CPU it took is bounded, generously.
    port = _free_port()
    cpu = time.process_time()
    with pytest.raises(ucpolicy.NetworkError) as e:
        checker_at.probe("127.0.0.1", port, role="tls-server", timeout=60)
    assert isinstance(e.value, ConnectionError)
    assert f"127.0.0.1:{port}: cannot connect: connection refused" in str(e.value)
    assert time.process_time() - cpu < 5


def test_timeout(serve, checker_at):
    """A silent server: the probe gives up at its time limit and says so."""
    s = serve("--hostile", "silent", connections=1)
    with pytest.raises(ucpolicy.UcpTimeoutError) as e:
        checker_at.probe("127.0.0.1", s.port, role="tls-server", timeout=1.5)
    assert isinstance(e.value, TimeoutError)
    assert "within 1500 ms" in str(e.value)
    s.stop()


def test_the_gil_is_released_while_probing(checker_at):
    """The peer is a Python thread of this process: it can accept the probe's connection and hang
    up only while the probing thread does not hold the GIL. Released, the probe sees the hang-up
    at once; held, nothing would answer until the probe's 60 s limit (a timeout error). Decided by
    what happens, not by timing it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(60)
    hung_up = threading.Event()

    def peer() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        conn.recv(1)  # the ClientHello has begun: the probe is inside the library
        conn.close()
        hung_up.set()

    errors: List[BaseException] = []

    def run() -> None:
        try:
            checker_at.probe("127.0.0.1", listener.getsockname()[1], role="tls-server", timeout=60)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=peer), threading.Thread(target=run)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)
    listener.close()
    assert not any(t.is_alive() for t in threads)
    assert hung_up.is_set()
    assert len(errors) == 1 and not isinstance(errors[0], ucpolicy.UcpTimeoutError), errors
    assert isinstance(errors[0], ucpolicy.Error), errors


def test_peer_that_does_not_speak_tls(serve, checker_at):
    s = serve("--hostile", "plain", connections=1)
    with pytest.raises(ucpolicy.TlsError, match="does not speak TLS"):
        checker_at.probe("127.0.0.1", s.port, role="tls-server", timeout=5)
    s.stop()


def test_smtp_server_without_starttls(serve, checker_at):
    s = serve("--mode", "smtp", "--hostile", "smtp-nostarttls", connections=1)
    with pytest.raises(ucpolicy.UnsupportedError, match="does not offer STARTTLS"):
        checker_at.probe("127.0.0.1", s.port, role="tls-server", protocol="smtp", timeout=5)
    s.stop()


def test_client_credential_errors(probe_files, checker_at):
    port = _free_port()  # never reached: the credentials fail first
    with pytest.raises(ucpolicy.Error, match="protected by a password and none was given"):
        checker_at.probe("127.0.0.1", port, role="tls-server", client_cert=probe_files["wildcard_pfx"])
    with pytest.raises(ucpolicy.PasswordError) as wrong:
        checker_at.probe("127.0.0.1", port, role="tls-server", client_cert=probe_files["wildcard_pfx"],
                         password="not-contoso")
    assert "not-contoso" not in str(wrong.value), "the password is never in a message"
    with pytest.raises(ucpolicy.Error, match="the private key is encrypted and no password was given"):
        checker_at.probe("127.0.0.1", port, role="tls-server", client_cert=probe_files["exch01_chain"],
                         client_key=probe_files["exch01_enc_key"])
    with pytest.raises(ucpolicy.Error, match="does not match the certificate"):
        checker_at.probe("127.0.0.1", port, role="tls-server", client_cert=probe_files["exch01_chain"],
                         client_key=probe_files["wildcard_key"])
    with pytest.raises(ucpolicy.IoError):
        checker_at.probe("127.0.0.1", port, role="tls-server", client_cert=probe_files["root"] + ".missing")


def test_argument_errors(checker_at, probe_files):
    with pytest.raises(ValueError, match="port"):
        checker_at.probe("127.0.0.1", 0, role="tls-server")
    with pytest.raises(TypeError):
        checker_at.probe("127.0.0.1", "443", role="tls-server")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        checker_at.probe(b"127.0.0.1", 443, role="tls-server")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="timeout"):
        checker_at.probe("127.0.0.1", 443, role="tls-server", timeout=0)
    with pytest.raises(ValueError, match="timeout"):
        checker_at.probe("127.0.0.1", 443, role="tls-server", timeout=601)
    with pytest.raises(ValueError, match="client_key needs client_cert"):
        checker_at.probe("127.0.0.1", 443, role="tls-server", client_key=probe_files["exch01_key"])
    with pytest.raises(ValueError):
        checker_at.probe("127.0.0.1", 443, role="tls-server", protocol="ftp")
    with pytest.raises(ucpolicy.InvalidArgumentError):
        checker_at.probe("not a host name", 443, role="tls-server")
    with pytest.raises(ucpolicy.InvalidArgumentError, match="not a DNS name"):
        checker_at.probe("127.0.0.1", 443, role="tls-server", server_name="not a name")
    with pytest.raises(ucpolicy.UnknownRoleError):
        checker_at.probe("127.0.0.1", 443, role="no-such-role")
    assert ProbeProtocol.SIP.default_port == 5061 and ProbeProtocol("smtp").default_port == 25
    checker = ucpolicy.Checker()
    checker.close()
    with pytest.raises(ucpolicy.InvalidArgumentError, match="closed"):
        checker.probe("127.0.0.1", 443, role="tls-server")


# ---- threads and lifetime ----------------------------------------------------------------------


def test_concurrent_probes_on_one_checker(serve, probe_files, root_pem, now):
    """Four threads probe at once with one checker (the server takes them one after the other)."""
    s = serve("--mode", "sip", connections=4)
    results: List[object] = []
    with ucpolicy.Checker(trust=root_pem, at=now) as checker:
        def run() -> None:
            try:
                r = checker.probe("127.0.0.1", s.port, role="frontend-default", protocol="sip",
                                  client_cert=probe_files["exch01_chain"], client_key=probe_files["exch01_key"],
                                  timeout=20, **FACTS)
                results.append(r.connection.client_auth if r.connection else None)
            except BaseException as exc:  # noqa: BLE001
                results.append(exc)
        threads = [threading.Thread(target=run) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads)
    assert results == [ClientAuth.ACCEPTED] * 4
    assert s.stop().count("SIP peer CN=exch01.contoso.com: 200 OK") == 4


def test_probe_report_outlives_its_checker(serve, root_pem, now):
    s = serve("--mode", "tls", "--no-request", connections=1)
    with ucpolicy.Checker(trust=root_pem, at=now) as checker:
        report = checker.probe("127.0.0.1", s.port, role="tls-server", timeout=10)
    import gc
    gc.collect()
    assert report.connection is not None and report.connection.tls_version == "TLS1.3"
    assert '"connection"' in report.to_json()
    s.stop()


# ---- python3 -m ucpolicy probe == ucpolicy probe ----------------------------------------------------


@pytest.mark.parametrize("name,argv", CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_same_as_the_c_command(name, argv, serve, probe_files, c_cli):
    mode = "sip"
    s = serve("--mode", mode, connections=2)
    args = ["probe", *(a.format(port=s.port, **probe_files) for a in argv)]
    env = {k: v for k, v in os.environ.items() if k not in ("POSIXLY_CORRECT", "NO_COLOR")}
    env["UCP_TEST_PW"] = "contoso"
    c = subprocess.run([c_cli, *args], capture_output=True, timeout=60, env=env)
    py = subprocess.run([sys.executable, "-m", "ucpolicy", *args], capture_output=True, timeout=60, env=env)
    assert py.returncode == c.returncode, py.stderr.decode(errors="replace")
    assert py.stdout == c.stdout, "stdout differs"
    assert py.stderr == c.stderr, "stderr differs"
    assert c.returncode in (0, 1, 2), c.stderr.decode(errors="replace")
    expected = {"incident-sip-json": 2, "incident-sip-text": 2, "fixed-sip-compact": 0, "fixed-sip-encrypted-key": 0,
                "no-client-cert-quiet": 2, "fail-on-never": 0}
    if name in expected:
        assert c.returncode == expected[name]
    if name.startswith("incident"):
        assert LYNC_REASON.encode() in b" ".join(c.stdout.split())
    if name != "no-client-cert-quiet":
        assert c.stdout
    s.stop()
