# SPDX-License-Identifier: MIT
"""Object lifetime: reports outlive checkers, garbage-collection order never matters, close()
is idempotent and safe during checks, nothing borrowed from the library escapes."""

from __future__ import annotations

import copy
import dataclasses
import gc
import itertools
import os
import pickle
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, Iterator

import pytest

import ucpolicy
from ucpolicy import Result

FACTS = dict(fqdn="exch01.contoso.com")


def swig_objects(value: Any, seen: Any = None) -> Iterator[Any]:
    """Every SWIG pointer object reachable from a value's public data."""
    seen = set() if seen is None else seen
    if id(value) in seen:
        return
    seen.add(id(value))
    if type(value).__name__ == "SwigPyObject":
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from swig_objects(getattr(value, f.name), seen)
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from swig_objects(v, seen)
    elif hasattr(value, "items") and not isinstance(value, (str, bytes)):
        for k, v in value.items():
            yield from swig_objects(k, seen)
            yield from swig_objects(v, seen)


def test_report_outlives_its_checker(root_pem, now, um_wildcard):
    checker = ucpolicy.Checker(trust=root_pem, at=now)
    report = checker.check(um_wildcard.pem_bundle(), "exchange-um", **FACTS)
    before = report.to_json()
    checker_finalizer = checker._finalizer
    checker.close()
    del checker
    gc.collect()
    assert not checker_finalizer.alive  # the C checker is freed...
    assert report.to_json() == before  # ...and the report still renders from its own reference
    assert "subject.cn-wildcard" in report.to_text()
    assert report.chain[1].certificate.subject.startswith("CN=Contoso Issuing CA")


def test_report_of_the_one_call_check(root_pem, now, um_wildcard):
    report = ucpolicy.check(um_wildcard.pem_bundle(), "exchange-um", trust=root_pem, at=now, **FACTS)
    gc.collect()  # its checker is long gone
    assert report.result is Result.FAIL and report.to_dict()["result"] == "fail"


@pytest.mark.parametrize("order", list(itertools.permutations(["checker", "r1", "r2", "finding"])),
                         ids=lambda order: ",".join(order))
def test_any_destruction_order(order, root_pem, now, um, um_wildcard):
    checker = ucpolicy.Checker(trust=root_pem, at=now)
    objects = {"checker": checker,
               "r1": checker.check(um.pem_bundle(), "exchange-um", **FACTS),
               "r2": checker.check(um_wildcard.pem_bundle(), "exchange-um", **FACTS)}
    objects["finding"] = objects["r2"].findings[0]
    expected = {k: v.to_json() for k, v in objects.items() if k.startswith("r")}
    finalizers = {k: v._finalizer for k, v in objects.items() if hasattr(v, "_finalizer")}
    del checker
    for name in order:
        survivor = objects.pop(name)
        del survivor
        gc.collect()
        if name in finalizers:
            assert not finalizers[name].alive, f"{name} not released"
        survivors_work(objects, expected)


def survivors_work(objects: dict, expected: dict) -> None:
    # A function of its own, so no loop variable keeps an object alive in the test's frame.
    for name, obj in objects.items():
        if name in expected:
            assert obj.to_json() == expected[name]
        elif name == "finding":
            assert obj.code == "subject.cn-wildcard"


def test_reference_cycles_are_collected(root_pem, now, um):
    checker = ucpolicy.Checker(trust=root_pem, at=now)
    report = checker.check(um.pem_bundle(), "exchange-um", **FACTS)
    finalizers = [checker._finalizer, report._finalizer]
    cycle: list = [checker, report]
    cycle.append(cycle)
    del checker, report, cycle
    gc.collect()
    assert not any(f.alive for f in finalizers)


def test_nothing_borrowed_escapes(checker, um_wildcard):
    report = checker.check(um_wildcard.pem_bundle(), "exchange-um", **FACTS)
    data = (report.findings, report.certificate, report.chain, ucpolicy.roles(), ucpolicy.rules(),
            ucpolicy.rules("exchange-um"), report.validation_time, report.result, report.product)
    assert list(swig_objects(data)) == []
    assert report.findings and report.chain


def test_close_is_idempotent(root_pem, um):
    checker = ucpolicy.Checker(trust=root_pem)
    assert not checker.closed
    with checker as same:
        assert same is checker
    assert checker.closed and not checker._finalizer.alive
    checker.close()
    checker.close()
    with checker:  # a closed checker may still enter and leave a with block
        pass
    assert repr(checker) == "<ucpolicy.Checker closed>"
    with pytest.raises(ucpolicy.InvalidArgumentError):
        checker.check(um.pem_bundle(), "exchange-um")


def test_close_during_a_check(root_pem, now, slow_pfx):
    """close() from another thread while a check runs: the check completes with a good
    report, the C checker is freed when it returns, later checks are refused."""
    checker = ucpolicy.Checker(trust=root_pem, at=now)
    result: dict = {}

    def run() -> None:
        result["report"] = checker.check(slow_pfx, "exchange-um", password="slow", **FACTS)

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while checker._active == 0 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    assert checker._active == 1, "the check did not start"
    checker.close()
    assert checker.closed
    assert checker._finalizer.alive, "freed under a running check"
    thread.join()
    assert not checker._finalizer.alive
    assert result["report"].result is Result.PASS
    with pytest.raises(ucpolicy.InvalidArgumentError):
        checker.check(slow_pfx, "exchange-um", password="slow")


def test_reports_and_findings_are_values(checker, um_wildcard):
    report = checker.check(um_wildcard.pem_bundle(), "exchange-um", **FACTS)
    finding = report.findings[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        report.extra = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(finding)) == finding
    assert pickle.loads(pickle.dumps(report.certificate)) == report.certificate
    assert hash(finding) == hash(pickle.loads(pickle.dumps(finding)))
    assert copy.copy(report) is report and copy.deepcopy(report) is report
    with pytest.raises(TypeError, match="to_json"):
        pickle.dumps(report)
    again = checker.check(um_wildcard.pem_bundle(), "exchange-um", **FACTS)
    assert again.findings == report.findings and again.certificate == report.certificate


def test_objects_alive_at_interpreter_exit(root_pem, um, certdir):
    """Checkers and reports still referenced at exit are released without a crash (the
    finalizers run at exit; the C free functions accept any order)."""
    leaf = certdir / "exit-leaf.pem"
    leaf.write_bytes(um.pem_bundle())
    script = textwrap.dedent(f"""
        import ucpolicy
        checker = ucpolicy.Checker(trust={str(root_pem)!r})
        reports = [checker.check({str(leaf)!r}, "exchange-um", fqdn="exch01.contoso.com") for _ in range(20)]
        keep = (checker, reports, reports[0].findings)
        print(reports[-1].result)
    """)
    env = dict(os.environ, PYTHONMALLOC="debug", MALLOC_PERTURB_="165", PYTHONFAULTHANDLER="1")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("pass", "warning") and done.stderr == ""


@pytest.mark.parametrize("bad", [None, 0, "report"])
def test_reports_are_not_made_by_hand(bad):
    with pytest.raises(TypeError, match="Checker.check"):
        ucpolicy.Report(bad)
