# SPDX-License-Identifier: MIT
"""Threads: several threads checking at once on one Checker (and on their own) get the same
reports as one thread; the GIL is released while the library works."""

from __future__ import annotations

import concurrent.futures
import re
import threading
import time
from typing import Callable, List, Tuple

import pytest

import certfactory as cf
import ucpolicy

THREADS = 8
ROUNDS = 12


@pytest.fixture(scope="module")
def workload(pki: cf.Pki, um: cf.Issued, um_wildcard: cf.Issued) -> List[Tuple[bytes, str, dict]]:
    """Inputs whose reports differ: pass, fail, warning, several roles, PEM/DER/PKCS#12."""
    expiring = pki.leaf("www.contoso.com", ["www.contoso.com"], days_after=5)
    ecc = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], key=cf.ec_key())
    fe = pki.leaf("fe01.contoso.com", ["pool01.contoso.com", "fe01.contoso.com"])
    return [
        (um.pem_bundle(), "exchange-um", dict(fqdn="exch01.contoso.com")),
        (um_wildcard.pem_bundle(), "exchange-um", dict(fqdn="exch01.contoso.com")),
        (um.pkcs12(b"pw"), "exchange-um-callrouter", dict(fqdn="exch01.contoso.com", password="pw")),
        (expiring.pem_bundle(), "tls-server", dict(fqdn="www.contoso.com")),
        (ecc.pkcs7(), "exchange-um", dict(fqdn="exch01.contoso.com")),
        (fe.pem_bundle(), "frontend-default", dict(fqdn="fe01.contoso.com", pool="pool01.contoso.com")),
        (um.der(), "tls-server", dict(fqdn="exch01.contoso.com")),  # no chain: incomplete
    ]


def outcome(report: ucpolicy.Report) -> Tuple[str, tuple]:
    return report.to_json(), report.findings


def test_one_checker_many_threads(checker, workload):
    expected = [outcome(checker.check(data, role, **kw)) for data, role, kw in workload]
    assert len({e[0] for e in expected}) == len(workload)  # every input gives a different report

    barrier = threading.Barrier(THREADS)

    def worker(seed: int) -> List[Tuple[int, Tuple[str, tuple]]]:
        barrier.wait()  # start together
        done = []
        for n in range(ROUNDS):
            i = (seed + n) % len(workload)
            data, role, kw = workload[i]
            done.append((i, outcome(checker.check(data, role, **kw))))
        return done

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        results = [r for f in [pool.submit(worker, s) for s in range(THREADS)] for r in f.result()]
    assert len(results) == THREADS * ROUNDS
    for i, got in results:
        assert got == expected[i]


def test_threads_with_their_own_checkers(root_pem, now, workload):
    def one(i: int) -> Tuple[str, tuple]:
        data, role, kw = workload[i % len(workload)]
        return outcome(ucpolicy.check(data, role, trust=root_pem, at=now, **kw))

    expected = [one(i) for i in range(len(workload))]
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        got = list(pool.map(one, range(len(workload) * 6)))
    assert got == [expected[i % len(workload)] for i in range(len(got))]


def test_errors_stay_with_their_thread(checker, certdir, um):
    """The exception of each thread is its own failure (the last error is thread-local)."""
    bad = {}
    for i, content in enumerate([b"garbage", b"", b"-----BEGIN CERTIFICATE-----\nMIIB\n"]):
        path = certdir / f"thread-bad-{i}.pem"
        path.write_bytes(content)
        bad[str(path)] = type(pytest.raises(ucpolicy.Error, checker.check, path, "tls-server").value)
    missing = str(certdir / "thread-missing.pem")
    bad[missing] = ucpolicy.IoError
    names = sorted(bad)
    barrier = threading.Barrier(THREADS)

    def worker(seed: int) -> List[Tuple[str, type, str]]:
        barrier.wait()
        seen = []
        for n in range(ROUNDS * 2):
            path = names[(seed + n) % len(names)]
            if n % 3 == 0:  # successes in between must not leave errors behind
                checker.check(um.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com")
            try:
                checker.check(path, "tls-server")
            except ucpolicy.Error as e:
                seen.append((path, type(e), e.source))
        return seen

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(worker, s) for s in range(THREADS)]:
            for path, cls, source in future.result():
                assert cls is bad[path] and source == path


def python_ran_during(call: Callable[[], object]) -> bool:
    """Whether another Python thread could run while call() ran: that thread waits for the start,
    then needs the GIL 200 times over (time.sleep(0) gives it up each time). Held through the
    whole call, the GIL lets it take none of those steps; released, the steps take microseconds.
    Nothing here measures time."""
    go, done = threading.Event(), threading.Event()

    def steps() -> None:
        go.wait()
        for _ in range(200):
            time.sleep(0)
        done.set()

    stepper = threading.Thread(target=steps)
    stepper.start()
    go.set()
    call()
    ran = done.is_set()  # read before this thread runs more bytecode than a GIL hand-off takes
    stepper.join()
    return ran


def test_the_gil_is_released_while_the_library_works(checker, slow_pfx):
    # Control: a C call that holds the GIL (a backtracking regular expression) keeps the other
    # thread from every step, so the probe can see a held GIL.
    pattern = re.compile(r"(a+)+$")
    assert not python_ran_during(lambda: pattern.match("a" * 22 + "b"))

    # The library: 900,000 PBKDF2 rounds in ucp_input_from_data, then the check.
    assert python_ran_during(lambda: checker.check(slow_pfx, "exchange-um", password="slow",
                                                   fqdn="exch01.contoso.com"))
