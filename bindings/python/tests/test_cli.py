# SPDX-License-Identifier: MIT
"""`python3 -m ucpolicy` runs the C command (libucpolicy/cli/, linked into the extension): a smoke
test that it is wired right — the same stdout, stderr and exit status as the `ucpolicy` program
for a handful of command lines, arguments passed through unchanged, the GIL released, file
descriptors 0-2 used as the program uses them, and SIGPIPE / SIGINT ending the process as they end
the program. The command's own behaviour is tested on the program (tests/test-cli.py, suite cli).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

import ucpolicy
from ucpolicy.__main__ import main

Run = Tuple[int, bytes, bytes]


@pytest.fixture(scope="module")
def files(pki, um, um_wildcard, certdir, root_pem) -> Dict[str, str]:
    """Certificates for the command lines below, by short name."""
    expiring = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], days_after=12)
    out = {
        "root": root_pem,
        "good": um.write(certdir, "cli-good"),
        "wild": um_wildcard.write(certdir, "cli-wild"),
        "expiring": expiring.write(certdir, "cli-expiring"),
        "missing": certdir / "cli-missing.pem",
    }
    return {k: str(v) for k, v in out.items()}


def environment() -> Dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("POSIXLY_CORRECT", "NO_COLOR")}


def run(command: Sequence[str], args: Sequence[str], stdin: Optional[bytes] = None) -> Run:
    done = subprocess.run([*command, *args], capture_output=True, timeout=120, env=environment(),
                          input=stdin if stdin is not None else b"")
    return done.returncode, done.stdout, done.stderr


UM = ["-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", "--at", "{at}"]
# (id, argv with {name} placeholders, standard input, the exit status)
CASES: List[Tuple[str, List[str], Optional[str], int]] = [
    ("pass", ["check", *UM, "{good}"], None, 0),
    ("incident", ["check", *UM, "{wild}"], None, 2),  # CN=*.contoso.com on the Exchange UM service
    ("incident-json", ["check", *UM, "--format", "json", "{wild}"], None, 2),
    ("usage-error", ["check", "--colour=always", "{good}"], None, 3),
    ("no-role", ["check", "{good}"], None, 3),
    ("roles", ["roles"], None, 0),
    ("rules-json", ["rules", "--format", "json"], None, 0),
    ("jobs", ["check", *UM, "--jobs", "2", "{good}", "{wild}", "{missing}", "{expiring}", "{good}"], None, 3),
    ("jobs-json", ["check", *UM, "-j", "2", "--format", "json", "--compact", "{wild}", "{good}", "{expiring}"],
     None, 2),
    ("stdin", ["check", *UM, "--format", "json", "{good}", "-"], "wild", 2),
]


@pytest.mark.parametrize("name,argv,stdin,status", CASES, ids=[c[0] for c in CASES])
def test_same_as_the_c_program(name, argv, stdin, status, c_cli, files, now):
    names = dict(files, at=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    args = [a.format(**names) for a in argv]
    data = Path(files[stdin]).read_bytes() if stdin else None
    c = run([c_cli], args, data)
    py = run([sys.executable, "-m", "ucpolicy"], args, data)
    assert py[0] == c[0] == status, py[2].decode(errors="replace")
    assert py[1] == c[1], "stdout differs"
    assert py[2] == c[2], "stderr differs"
    assert c[1] or c[2]
    if name.startswith("incident"):
        assert b"subject.cn-wildcard" in c[1]


def test_main_in_process(capfd, files, now):
    """main(argv) from a Python program: the status returned, the output on descriptor 1 after
    what Python printed, signal handlers left alone."""
    handlers = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGPIPE)
    print("before", flush=False)  # flushed by main before the command writes
    status = main(["check", "-r", "UM", "--trust", files["root"], "--at", now.isoformat(), "--format", "json",
                   files["wild"]])
    out, err = capfd.readouterr()
    report = ucpolicy.check(files["wild"], "UM", trust=files["root"], at=now)
    assert status == 2 and err == ""
    assert out == "before\n" + report.to_json() + "\n"
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGPIPE)) == handlers
    assert main(["roles", "--format", "json"]) == 0 and capfd.readouterr().out.startswith("[\n")


def test_arguments_pass_through(capfd, files, tmp_path):
    """str, bytes and paths, names that are not UTF-8 back as the bytes they were; a NUL cannot
    be passed to C and is refused before the command runs."""
    latin1 = os.path.join(os.fsencode(tmp_path), b"caf\xe9.pem")
    assert main([b"check", "-r", b"UM", Path(files["missing"]), latin1]) == 3
    err = capfd.readouterr().err
    assert files["missing"] in err and "caf\\xE9.pem" in err
    with pytest.raises(ValueError):
        main(["check", "-r", "UM", "a\0b"])
    with pytest.raises(TypeError):
        main(["check", 3])  # type: ignore[list-item]
    assert capfd.readouterr() == ("", "")


def test_the_gil_is_released(files, now):
    """While the command waits for standard input, another Python thread runs: it is that thread
    which writes the certificate the command is waiting for."""
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    result: List[int] = []
    try:
        os.dup2(read_end, 0)
        os.close(read_end)
        worker = threading.Thread(target=lambda: result.append(
            main(["check", "-q", "-r", "UM", "--trust", files["root"], "--at", now.isoformat(), "-"])))
        worker.start()
        os.write(write_end, Path(files["wild"]).read_bytes())
        os.close(write_end)
        worker.join(120)
        assert not worker.is_alive()
    finally:
        os.dup2(saved, 0)
        os.close(saved)
    assert result == [2]


def wait_until_reading_stdin(process: subprocess.Popen) -> None:
    """Until the process sleeps in a read of its standard input (a pipe)."""
    for _ in range(6000):
        try:
            if "pipe" in Path(f"/proc/{process.pid}/wchan").read_text():
                return
        except OSError:
            pass
        time.sleep(0.01)
    pytest.fail("the command never waited for standard input")


@pytest.mark.parametrize("program", ["c", "python"])
def test_sigint_ends_it_as_the_c_program(program, c_cli):
    """Ctrl-C while the command runs ends the process at once, by the signal, no traceback."""
    command = [c_cli] if program == "c" else [sys.executable, "-m", "ucpolicy"]
    p = subprocess.Popen([*command, "check", "-r", "UM", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=environment())
    try:
        wait_until_reading_stdin(p)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=120)
    finally:
        p.kill()
        p.wait()
    assert p.returncode == -signal.SIGINT and out == b"" and err == b""


@pytest.mark.parametrize("program", ["c", "python"])
def test_sigpipe_ends_it_as_the_c_program(program, c_cli):
    """A reader that went away (`ucpolicy rules | head`): the process ends by SIGPIPE, quietly."""
    command = [c_cli] if program == "c" else [sys.executable, "-m", "ucpolicy"]
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before anything is written
    try:
        p = subprocess.run([*command, "rules", "--format", "json"], stdout=write_end, stderr=subprocess.PIPE,
                           env=environment(), timeout=120)
    finally:
        os.close(write_end)
    assert p.returncode == -signal.SIGPIPE and p.stderr == b""
