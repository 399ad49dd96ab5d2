# SPDX-License-Identifier: MIT
"""The binding under valgrind: no invalid read or write, no use of freed memory, nothing lost.

A workload that crosses every path of the typemaps (each input form, every failure with its
exception, buffers rendered and disposed, renderers freed in every way, topologies, CRLs, checkers closed and collected in
different orders) runs in a child interpreter under memcheck (PYTHONMALLOC=malloc, so Python's
own allocations are visible too). Certificates are made beforehand, outside valgrind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

WORKLOAD = textwrap.dedent("""
    import gc, sys
    import ucpolicy
    d = sys.argv[1]
    for round in range(2):
        checker = ucpolicy.Checker(trust=f"{d}/root.pem", chain=[f"{d}/issuing.pem"], crls=[f"{d}/issuing.crl"])
        reports = []
        for name in ("leaf.pem", "leaf.cer", "leaf.p7b", "wild.pem"):
            r = checker.check(f"{d}/{name}", "exchange-um", fqdn="exch01.contoso.com", sip_domains=["contoso.com"],
                              topology={"product": "sfb2015"})
            r.to_json(); r.to_json(pretty=False); r.to_text(verbose=True, color=True)
            reports.append(r)
        reports.append(checker.check(open(f"{d}/leaf.pfx", "rb").read(), "UM", password=b"pw", name="leaf.pfx"))
        for cert, kwargs in ((f"{d}/missing.pem", {}), (b"garbage", {}), (f"{d}/leaf.pfx", {"password": "nope"}),
                             (f"{d}/leaf.pem", {"role": "nope"}), (f"{d}/leaf.pem", {"fqdn": "bad_name"}),
                             (f"{d}/leaf.pem", {"topology": b"{bad"}), (f"{d}/leaf.pem", {"product": "x"})):
            try:
                checker.check(cert, kwargs.pop("role", "UM"), **kwargs)
            except ucpolicy.Error as e:
                str(e); e.source
                failed = e
            else:
                raise SystemExit("no exception")
        # renderings: every format, one report and batches (renderers finished, closed, or
        # dropped unfinished for the garbage collector), and their failures
        for fmt in ("text", "json", "sarif", "csv", "html", "junit", "nagios"):
            reports[0].render(fmt, verbose=True); reports[-1].render(fmt, fail_on="error")
            done = ucpolicy.render_reports(reports, fmt, fail_on="info", errors=[(f"{d}/missing.pem", failed)])
            done.summary; done.exit_code
            renderer = ucpolicy.Renderer(fmt, pretty=False)
            renderer.add(reports[1]); renderer.add_error("bad-\\udcff.pem", failed)
            if fmt != "html":
                renderer.finish()
            if fmt in ("json", "csv"):
                renderer.close()
            del renderer
        for bad in (lambda: ucpolicy.Renderer("yaml"), lambda: reports[0].render("junit", fail_on="sometimes"),
                    lambda: ucpolicy.render_reports(reports, "csv", errors=[("x", RuntimeError())]),
                    lambda: ucpolicy.render_rules("nope", format="json"), lambda: ucpolicy.render_roles("sarif")):
            try:
                bad()
            except (ucpolicy.Error, TypeError) as e:
                str(e)
            else:
                raise SystemExit("no exception")
        ucpolicy.render_roles("json"); ucpolicy.render_rules(); ucpolicy.render_rules("UM", product="lync2013")
        try:
            ucpolicy.Checker(crls=[f"{d}/leaf.pem"])
        except ucpolicy.Error:
            pass
        if round:
            checker.close()
        del checker
        gc.collect()
        [r.to_json() for r in reports]
        ucpolicy.roles(); ucpolicy.rules(); ucpolicy.rules("UM", product="lync2013")
        del reports
        gc.collect()
    print("done")
""")


def test_no_memory_errors_under_valgrind(pki, um, um_wildcard, tmp_path):
    valgrind = shutil.which("valgrind")
    if not valgrind:
        pytest.skip("valgrind is not installed (Debian: valgrind)")
    pki.write_ca(tmp_path)
    um.write(tmp_path, "leaf", "pem")
    um.write(tmp_path, "leaf", "der")
    um.write(tmp_path, "leaf", "p7b")
    um.write(tmp_path, "leaf", "pfx", b"pw")
    um_wildcard.write(tmp_path, "wild")
    (tmp_path / "issuing.crl").write_bytes(pki.crl([um_wildcard.cert]))
    script = tmp_path / "workload.py"
    script.write_text(WORKLOAD)
    env = dict(os.environ, PYTHONMALLOC="malloc")
    done = subprocess.run(
        [valgrind, "--error-exitcode=99", "--leak-check=full", "--show-leak-kinds=definite",
         "--errors-for-leak-kinds=definite", "--num-callers=40",
         f"--suppressions={Path(__file__).with_name('valgrind.supp')}",
         sys.executable, str(script), str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=600)
    assert done.stdout.strip() == "done", done.stderr[-3000:]
    assert done.returncode == 0, done.stderr[-6000:]
    assert "ERROR SUMMARY: 0 errors" in done.stderr
