#!/usr/bin/env python3
"""Every public header compiles on its own, as C11 and as C++, with -pedantic -Werror.

Usage: check-headers.py CC CXX INCLUDE_DIR BUILD_INCLUDE_DIR HEADER...
(after libgit2's tests/headertest and xkbcommon's headers-compatibility test)
"""
import os
import subprocess
import sys
import tempfile

cc, cxx, inc, binc, *headers = sys.argv[1:]
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for h in headers:
        for lang, compiler, std, ext in (("C", cc, "-std=c11", "c"), ("C++", cxx, "-std=c++11", "cpp")):
            src = os.path.join(tmp, f"t.{ext}")
            with open(src, "w") as f:
                f.write(f'#include "{h}"\n#include "{h}"\n'  # twice: include guards
                        'typedef int ucp_header_test_unit;\n')  # a header of macros only is no unit
            cmd = compiler.split() + [std, "-pedantic", "-Wall", "-Wextra", "-Werror", "-fsyntax-only",
                                      "-I", inc, "-I", binc, src]
            r = subprocess.run(cmd, capture_output=True, text=True)
            status = "ok" if r.returncode == 0 else "FAILED"
            print(f"{status}: {h} as {lang}")
            if r.returncode:
                failed += 1
                print(r.stderr)
sys.exit(1 if failed else 0)
