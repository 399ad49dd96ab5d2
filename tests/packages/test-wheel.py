#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python wheel as a Python user gets it: built by meson-python from the source tree
(pip wheel --no-build-isolation, offline), read as a zip, installed into a fresh virtual
environment and run from there.

Checks: the wheel holds the package and its extension module and nothing of the C
distribution (no ucpolicy program in .data/scripts, no headers, no .pc file with the build's
prefix, no static library); its metadata has the console script `ucpolicy` and project URLs;
installed, `ucpolicy` (the entry point) and `import ucpolicy` check the bundled incident
certificate (the wildcard-CN Exchange UM case) as the C program does.

Usage: test-wheel.py SOURCE_ROOT BUILD_ROOT   (TAP on stdout)"""
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

src, build = sys.argv[1], sys.argv[2]
python = "/usr/bin/python3"
tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-wheel-")
out = os.path.join(tmp.name, "dist")
env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
env.pop("PYTHONPATH", None)
r = subprocess.run([python, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "-w", out, src],
                   env=env, capture_output=True, text=True)
wheels = [f for f in os.listdir(out)] if os.path.isdir(out) else []
if not point(r.returncode == 0 and len(wheels) == 1, "pip wheel --no-build-isolation builds one wheel",
             [f"exit {r.returncode}", r.stdout[-3000:], r.stderr[-3000:], f"files: {wheels}"]):
    sys.exit(finish())
wheel = os.path.join(out, wheels[0])
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    meta_dir = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
    metadata = z.read(f"{meta_dir}/METADATA").decode()
    entry_points = z.read(f"{meta_dir}/entry_points.txt").decode() if f"{meta_dir}/entry_points.txt" in names else ""

point(any(n.startswith("ucpolicy/_ucpolicy_c") and n.endswith(".so") for n in names)
      and "ucpolicy/__init__.py" in names and "ucpolicy/py.typed" in names,
      "the wheel holds the package, its extension module and py.typed", names[:40])
stray = [n for n in names if ".data/" in n or n.endswith((".h", ".pc", ".a")) or "/include/" in n]
point(not stray, "nothing of the C distribution: no program, headers, .pc or static library", stray)
point("[console_scripts]" in entry_points and "ucpolicy = ucpolicy.__main__:main" in entry_points,
      "entry point: the console script ucpolicy = ucpolicy.__main__:main", [entry_points])
urls = [line for line in metadata.splitlines() if line.startswith("Project-URL:")]
point(len(urls) >= 3, "the metadata names the project's URLs (Project-URL)", urls or [metadata[:800]])

venv = os.path.join(tmp.name, "venv")
r = subprocess.run([python, "-m", "venv", "--system-site-packages", venv], capture_output=True, text=True)
r2 = subprocess.run([os.path.join(venv, "bin", "python"), "-m", "pip", "install", "--no-deps", "--no-index", wheel],
                    env=env, capture_output=True, text=True) if r.returncode == 0 else r
point(r.returncode == 0 and r2.returncode == 0, "installs into a fresh virtual environment", [r.stderr, r2.stderr])

incident = os.path.join(src, "examples", "certs", "exchange-um-wildcard.pem")
exe = os.path.join(venv, "bin", "ucpolicy")
clean = dict(env)
clean.pop("LD_LIBRARY_PATH", None)
r = subprocess.run([exe, "check", "--role", "exchange-um", "--quiet", incident], env=clean, capture_output=True,
                   text=True, cwd=tmp.name) if os.path.exists(exe) else None
point(r is not None and r.returncode == 2, "the installed `ucpolicy` command fails the wildcard-CN Exchange UM "
      "certificate (exit 2)", [f"{incident}", r and f"exit {r.returncode}: {r.stderr}"])
code = ("import sys, ucpolicy; r = ucpolicy.check(sys.argv[1], role='exchange-um'); "
        "print(ucpolicy.__file__); sys.exit(0 if 'subject.cn-wildcard' in r else 1)")
r = subprocess.run([os.path.join(venv, "bin", "python"), "-c", code, incident], env=clean, capture_output=True,
                   text=True, cwd=tmp.name)
point(r.returncode == 0 and r.stdout.startswith(venv), "import ucpolicy from the venv finds subject.cn-wildcard",
      [f"exit {r.returncode}", r.stdout, r.stderr[-1500:]])
sys.exit(finish())
