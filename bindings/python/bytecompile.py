#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Byte-compile the build tree's package `ucpolicy`, as an installed package is, then write STAMP.

Usage: bytecompile.py PACKAGE_DIR STAMP

Run with the interpreter the extension is built for (the .pyc files are named after it). Without
this, every `import ucpolicy` from the build tree compiles all its modules again whenever bytecode
is not written (PYTHONDONTWRITEBYTECODE, as the tests set it, or a read-only tree): about half of
the module's start cost, which an installed package does not pay.
"""

import compileall
import sys


def main() -> int:
    package, stamp = sys.argv[1:3]
    if not compileall.compile_dir(package, maxlevels=0, quiet=1, force=True):
        return 1
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(f"{sys.implementation.cache_tag}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
