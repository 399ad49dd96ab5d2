#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every DLL and EXE of a Windows package finds each DLL it imports either beside it or in
Windows itself: what the Windows loader needs when an application or a PowerShell module loads
libucpolicy from its own folder. The import tables are read with mingw-w64's objdump.

Usage: check-pe-imports.py DIR...      (TAP on stdout; exit 0 when every point holds)"""
import os
import subprocess
import sys

OBJDUMP = os.environ.get("OBJDUMP", "x86_64-w64-mingw32-objdump")
# The DLLs every supported Windows has (and what the dependencies ask of it).
WINDOWS = {
    "kernel32", "user32", "advapi32", "crypt32", "ncrypt", "bcrypt", "ws2_32", "msvcrt", "ntdll",
    "shell32", "ole32", "secur32", "iphlpapi", "normaliz", "wldap32", "userenv",
}

points = failed = 0


def point(ok, name, diag=""):
    global points, failed
    points += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {points} - {name}" + ("" if ok or not diag else f" # {diag}"))


def imports(path):
    out = subprocess.run([OBJDUMP, "-p", path], capture_output=True, text=True, check=True).stdout
    return [line.split("DLL Name:", 1)[1].strip() for line in out.splitlines() if "DLL Name:" in line]


for d in sys.argv[1:]:
    files = sorted(f for f in os.listdir(d) if f.lower().endswith((".dll", ".exe")))
    point(bool(files), f"{d} holds DLLs or programs", "none")
    here = {f.lower() for f in files}
    for f in files:
        path = os.path.join(d, f)
        with open(path, "rb") as fh:
            if fh.read(2) != b"MZ":
                point(False, f"{f} is a PE file", "no MZ header")
                continue
        missing = [i for i in imports(path)
                   if i.lower() not in here and i.lower()[:-4] not in WINDOWS
                   and not i.lower().startswith("api-ms-win-")]
        point(not missing, f"{f}: every import beside it or in Windows", "missing: " + ", ".join(missing))

print(f"1..{points}")
sys.exit(1 if failed or not points else 0)
