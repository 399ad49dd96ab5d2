#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`meson install` of a build with the .NET binding, into a temporary DESTDIR: the binding's
native wrapper libucpolicy_csharp.so lands in libdir beside libucpolicy.so.1, and resolves that
copy through its RUNPATH ($ORIGIN), wherever the prefix is.

Usage: test-install.py BUILD_ROOT LIBDIR   (LIBDIR absolute: prefix/libdir; TAP on stdout)"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

build, libdir = sys.argv[1], sys.argv[2]
tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-install-")
r = subprocess.run(["meson", "install", "-C", build, "--no-rebuild", "--quiet", "--destdir", tmp.name],
                   capture_output=True, text=True)
point(r.returncode == 0, "meson install --destdir", [r.stdout[-2000:], r.stderr[-2000:]])
installed = tmp.name + libdir
wrapper = os.path.join(installed, "libucpolicy_csharp.so")
core = os.path.join(installed, "libucpolicy.so.1")
point(os.path.isfile(wrapper), f"the .NET wrapper is installed: {libdir}/libucpolicy_csharp.so",
      [f"{installed}: {sorted(os.listdir(installed)) if os.path.isdir(installed) else 'missing'}"])
point(os.path.exists(core), "libucpolicy.so.1 beside it", [core])
r = subprocess.run(["readelf", "-d", wrapper], capture_output=True, text=True)
runpath = [line for line in r.stdout.splitlines() if "RUNPATH" in line or "RPATH" in line]
point(len(runpath) == 1 and "[$ORIGIN]" in runpath[0], "its RUNPATH is $ORIGIN alone (no build tree)", runpath or [r.stderr])
env = dict(os.environ)
env.pop("LD_LIBRARY_PATH", None)
r = subprocess.run(["ldd", wrapper], capture_output=True, text=True, env=env)
resolved = [line.strip() for line in r.stdout.splitlines() if line.strip().startswith("libucpolicy.so.1")]
point(len(resolved) == 1 and any(f"=> {c} " in resolved[0] for c in (core, os.path.realpath(core))),
      "it resolves libucpolicy.so.1 to the installed copy beside it", resolved or [r.stdout, r.stderr])
sys.exit(finish())
