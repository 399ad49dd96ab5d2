# SPDX-License-Identifier: MIT
"""Revocation through the Python API: CRLs given as files or bytes, and fetched online from a
CRL distribution point served on 127.0.0.1 (nothing leaves the loopback interface), with the
GIL released while the library waits for the network; the memory of a long-lived online
checker meeting hundreds of large CRLs; a loopback distribution point is fetched only with
allow_private_network (every online run here takes its arguments from online())."""

from __future__ import annotations

import http.server
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from online import ONLINE

import ucpolicy
from ucpolicy import Result, Revocation, Severity

FACTS = dict(fqdn="exch01.contoso.com")


def online(**kwargs: Any) -> Dict[str, Any]:
    """The keyword arguments of an online check or checker: every online run of this file takes
    its arguments from here."""
    return dict(ONLINE, **kwargs)


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
                                crls=[pki.crl([other.cert], encoding=encoding),
                                      pki.crl(root=True, encoding=encoding)], **FACTS)
        assert report.chain[0].revocation is Revocation.GOOD, statuses(report)
        assert report.chain[0].revocation_source == "crl <memory>"
        assert report.result is Result.PASS


def test_status_unknown_without_a_crl_of_the_issuer(root_pem, now, revoked_leaf, pki):
    """Only the issuing CA's CRL: the issuing CA's own status is unknown, an error for a UC role
    (Windows fails offline revocation), on that certificate and not on the trust anchor."""
    report = ucpolicy.check(revoked_leaf.pem_bundle(), "exchange-um", trust=root_pem, at=now,
                            crls=[pki.crl()], **FACTS)
    [finding] = report.get("revocation.status-unknown")
    assert finding.severity is Severity.ERROR and finding.certificate_index == 1
    assert "none of the 1 CRL given is issued by" in finding.message
    assert report.result is Result.FAIL
    report = ucpolicy.check(revoked_leaf.pem_bundle(), "tls-server", trust=root_pem, at=now, crls=[pki.crl()])
    [finding] = report.get("revocation.status-unknown")
    assert finding.severity is Severity.WARNING


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
    """An HTTP server on 127.0.0.1 serving one CRL at every path, after a delay; it counts the
    requests, in all and per path."""

    def __init__(self, crl: bytes, delay: float = 0.0) -> None:
        self.crl, self.delay, self.requests = crl, delay, 0
        self.paths: Dict[str, int] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.requests += 1
                server.paths[self.path] = server.paths.get(self.path, 0) + 1
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
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.base}/issuing.crl"
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
    # The CRL server is a thread of this process: it can answer only while the check has given up
    # the GIL. Held, the fetch would wait for its 60 s budget and the status would be unreachable.
    server, leaf = online_case
    with ucpolicy.Checker(**online(trust=root_pem, at=now, network_timeout=60)) as checker:
        report = checker.check(leaf.pem_bundle(), "exchange-um", **FACTS)
    assert server.requests >= 1
    assert report.chain[0].revocation is Revocation.REVOKED
    assert report.chain[0].revocation_source == f"crl {server.url}"


def test_online_timeout(online_case, root_pem, now):
    server, leaf = online_case
    # The server answers after 2 s; the check's budget is 0.3 s. That the budget ended the
    # transfer is what the finding says (no assertion on elapsed time: CI machines are busy).
    server.delay = 2.0
    report = ucpolicy.check(leaf.pem_bundle(), "exchange-um", **online(trust=root_pem, at=now, network_timeout=0.3),
                            **FACTS)
    assert report.chain[0].revocation is Revocation.UNREACHABLE
    [finding] = [f for f in report.get("revocation.unreachable") if f.certificate_index == 0]
    assert "time budget of 300 ms" in finding.message, finding.message


# A long-lived online checker: 400 checks of certificates each naming its own distribution point,
# each serving a 1.6 MB CRL of their issuer (so each is a CRL the checker keeps): 624 MB of CRLs
# in all, far above the checker's cache of 32 MiB. The checks run in a child interpreter whose
# peak RSS (VmHWM: its own, not the test process's) must stay under 200 MB; it gives up past
# 400 MB, as the unbounded cache did after a dozen checks. At the end the last certificate is
# checked again (its CRL is still cached: no request) and the first (long evicted: fetched again).
LONG_RUN_CHECKS = 400
LONG_RUN_MAX_RSS_KB = 200 * 1024

LONG_RUN = textwrap.dedent("""
    import sys, ucpolicy
    directory, count, kwargs = sys.argv[1], int(sys.argv[2]), eval(sys.argv[3])
    def hwm():
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    good = 0
    with ucpolicy.Checker(**kwargs) as checker:
        for i in [*range(count), count - 1, 0]:
            report = checker.check(f"{directory}/leaf{i}.pem", "exchange-um", fqdn=f"exch{i}.contoso.com")
            good += report.chain[0].revocation is ucpolicy.Revocation.GOOD
            if hwm() > 400 * 1024:
                print(f"gave up after {i + 1} checks: {hwm()} KiB")
                sys.exit(3)
    print(good, hwm())
""")


def test_long_online_run_memory_is_bounded(pki, root_pem, now, tmp_path: Path):
    server = CrlServer(pki.large_crl(40000))
    try:
        for i in range(LONG_RUN_CHECKS):
            leaf = pki.leaf(f"exch{i}.contoso.com", [f"exch{i}.contoso.com"], cdp_url=f"{server.base}/crl/{i}.crl")
            (tmp_path / f"leaf{i}.pem").write_bytes(leaf.pem_bundle())
        kwargs = online(trust=str(root_pem), at=int(now.timestamp()), network_timeout=30)
        r = subprocess.run([sys.executable, "-c", LONG_RUN, str(tmp_path), str(LONG_RUN_CHECKS), repr(kwargs)],
                           capture_output=True, text=True, timeout=600)
    finally:
        server.close()
    assert r.returncode == 0, r.stdout + r.stderr
    good, peak_kb = (int(x) for x in r.stdout.split())
    print(f"# measure {LONG_RUN_CHECKS} online checks, 1.6 MB CRL each ({len(server.crl) * LONG_RUN_CHECKS >> 20} MB "
          f"in all): peak RSS {peak_kb >> 10} MiB")
    assert good == LONG_RUN_CHECKS + 2, f"{good} good of {LONG_RUN_CHECKS + 2}"
    assert peak_kb < LONG_RUN_MAX_RSS_KB, f"peak RSS {peak_kb} KiB after {LONG_RUN_CHECKS} checks"
    assert server.paths[f"/crl/{LONG_RUN_CHECKS - 1}.crl"] == 1, "the most recent CRL is still cached"
    assert server.paths["/crl/0.crl"] == 2, "the first CRL was evicted and is fetched again"
    assert server.requests == LONG_RUN_CHECKS + 1


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
