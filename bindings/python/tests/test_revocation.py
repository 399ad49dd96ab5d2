# SPDX-License-Identifier: MIT
"""Revocation through the Python API: CRLs given as files or bytes, and fetched online from a
CRL distribution point served on 127.0.0.1 (nothing leaves the loopback interface), with the
GIL released while the library waits for the network; a loopback distribution point is fetched
only with allow_private_network (online.ONLINE)."""

from __future__ import annotations

import http.server
import threading
import time
from typing import Dict, Iterator, Tuple

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from online import ONLINE

import ucpolicy
from ucpolicy import Result, Revocation, Severity

FACTS = dict(fqdn="exch01.contoso.com")


@pytest.fixture(scope="module")
def revoked_leaf(pki):
    return pki.leaf("exch01.contoso.com", ["exch01.contoso.com"])


def statuses(report: ucpolicy.Report):
    return [(e.revocation, e.revocation_source) for e in report.chain]


def test_not_checked_unless_asked(checker, revoked_leaf):
    report = checker.check(revoked_leaf.pem_bundle(), "exchange-um", **FACTS)
    assert {e.revocation for e in report.chain} == {Revocation.NOT_CHECKED}
    assert report.result is Result.PASS


def test_crl_file_revokes(root_pem, now, revoked_leaf, pki, certdir):
    crl = certdir / "issuing-revoking.crl"
    crl.write_bytes(pki.crl([revoked_leaf.cert]))
    report = ucpolicy.check(revoked_leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now, crls=crl, **FACTS)
    assert report.result is Result.FAIL
    [finding] = report.get("revocation.revoked")
    assert finding.severity is Severity.ERROR and finding.certificate_index == 0
    assert statuses(report)[0] == (Revocation.REVOKED, f"crl {crl}")
    # The issuing CA's status needs the root's CRL, which was not given.
    assert report.chain[1].revocation is Revocation.UNKNOWN
    assert report.to_dict()["chain"]["certificates"][0]["revocation"] == "revoked"


def test_crl_bytes_say_good(root_pem, now, revoked_leaf, pki):
    other = pki.leaf("exch02.contoso.com", ["exch02.contoso.com"])
    for encoding in (Encoding.DER, Encoding.PEM):
        report = ucpolicy.check(revoked_leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now,
                                crls=[pki.crl([other.cert], encoding=encoding)], **FACTS)
        assert report.chain[0].revocation is Revocation.GOOD, statuses(report)
        assert report.chain[0].revocation_source == "crl <memory>"
        assert report.result is Result.PASS


def test_stale_crl(root_pem, now, revoked_leaf, pki):
    report = ucpolicy.check(revoked_leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now,
                            crls=pki.crl([], days_before=20, days_after=-3), **FACTS)
    assert report.chain[0].revocation is Revocation.UNKNOWN
    assert "revocation.crl-expired" in report


def test_bad_crl_file(root_pem, certdir):
    bad = certdir / "bad.crl"
    bad.write_bytes(b"not a CRL")
    with pytest.raises(ucpolicy.Error) as info:
        ucpolicy.Checker(trust=root_pem, crls=[bad])
    assert isinstance(info.value, ValueError) and str(bad) in str(info.value)
    with pytest.raises(ucpolicy.IoError):
        ucpolicy.Checker(crls=certdir / "missing.crl")
    with pytest.raises(TypeError):
        ucpolicy.Checker(crls=[12])


@pytest.mark.parametrize("kwargs", [dict(network_timeout=0), dict(network_timeout=601), dict(fetch_limit=-1),
                                    dict(fetch_limit=10)])
def test_bad_network_settings(kwargs):
    with pytest.raises(ValueError):
        ucpolicy.Checker(**kwargs)


class CrlServer:
    """An HTTP server on 127.0.0.1 serving one CRL, after a delay."""

    def __init__(self, crl: bytes, delay: float = 0.0) -> None:
        self.crl, self.delay, self.requests = crl, delay, 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests += 1
                time.sleep(server.delay)
                self.send_response(200)
                self.send_header("Content-Type", "application/pkix-crl")
                self.send_header("Content-Length", str(len(server.crl)))
                self.end_headers()
                self.wfile.write(server.crl)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/issuing.crl"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def online_case(pki) -> Iterator[Tuple[CrlServer, object]]:
    # The certificate points at a server that is not there yet: make it, then the leaf.
    server = CrlServer(b"")
    leaf = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], cdp_url=server.url)
    server.crl = pki.crl([leaf.cert], encoding=Encoding.DER)
    yield server, leaf
    server.close()


def test_online_fetch_with_the_gil_released(online_case, root_pem, now):
    from test_threads import gaps_during

    server, leaf = online_case
    server.delay = 0.3
    result: Dict[str, ucpolicy.Report] = {}
    with ucpolicy.Checker(trust=root_pem, at=now, **ONLINE, network_timeout=10) as checker:
        duration, gap = gaps_during(lambda: result.setdefault(
            "report", checker.check(leaf.pem_bundle(), "exchange-um", **FACTS)))
    report = result["report"]
    assert server.requests >= 1
    assert report.chain[0].revocation is Revocation.REVOKED
    assert report.chain[0].revocation_source == f"crl {server.url}"
    assert duration >= 0.3
    assert gap < duration / 2, f"a Python thread stalled {gap:.3f}s of a {duration:.3f}s online check"


def test_online_timeout(online_case, root_pem, now):
    server, leaf = online_case
    server.delay = 2.0
    start = time.monotonic()
    report = ucpolicy.check(leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now, **ONLINE,
                            network_timeout=0.3, **FACTS)
    assert time.monotonic() - start < 1.8
    assert report.chain[0].revocation is Revocation.UNREACHABLE
    assert "revocation.unreachable" in report


def test_private_network_refused_by_default(online_case, root_pem, now):
    """online=True alone does not fetch from 127.0.0.1: the server is never asked, the leaf is
    unreachable and the finding names the address and the switch; allow_private_network=True
    fetches it (Checker and check() alike)."""
    server, leaf = online_case
    with ucpolicy.Checker(trust=root_pem, at=now, online=True) as checker:
        report = checker.check(leaf.pem_bundle(), "exchange-um", **FACTS)
    assert server.requests == 0, "the loopback server was asked"
    assert report.chain[0].revocation is Revocation.UNREACHABLE
    [finding] = [f for f in report.get("revocation.unreachable") if f.certificate_index == 0]
    assert (f"{server.url}: refused: 127.0.0.1, a loopback address (allow with --allow-private-network)"
            in finding.message), finding.message
    report = ucpolicy.check(leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now, online=True,
                            allow_private_network=False, **FACTS)
    assert report.chain[0].revocation is Revocation.UNREACHABLE and server.requests == 0

    with ucpolicy.Checker(trust=root_pem, at=now, online=True, allow_private_network=True) as checker:
        report = checker.check(leaf.pem_bundle(), "exchange-um", **FACTS)
    assert report.chain[0].revocation is Revocation.REVOKED
    assert server.requests == 1
    report = ucpolicy.check(leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now, online=True,
                            allow_private_network=True, **FACTS)
    assert report.chain[0].revocation is Revocation.REVOKED
    assert server.requests == 2


def test_allowing_the_private_network_does_not_go_online(online_case, root_pem, now):
    server, leaf = online_case
    report = ucpolicy.check(leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now, allow_private_network=True,
                            **FACTS)
    assert report.chain[0].revocation is Revocation.NOT_CHECKED and server.requests == 0
