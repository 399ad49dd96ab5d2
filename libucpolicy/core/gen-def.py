#!/usr/bin/env python3
"""Write a Windows module-definition file (.def) from the linker version script.

libucpolicy.map stays the only list of exported symbols: on Windows, where the linker takes no
version script, the DLL exports exactly the names of its global: sections.

Usage: gen-def.py libucpolicy.map OUTPUT.def
"""
import re
import sys


def main():
    src, out = sys.argv[1:3]
    with open(src, encoding="utf-8") as f:
        text = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
    names, section = [], None
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_.]*:|[^\s;{}]+|[{};]", text):
        if token in ("global:", "local:"):
            section = token
        elif token == "}":
            section = None
        elif section == "global:" and token not in ("{", ";") and token not in names:
            names.append(token)
    if not names:
        sys.exit(f"{src}: no global symbols")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"; Generated from {src.rsplit('/', 1)[-1]} by gen-def.py: do not edit.\n")
        f.write("EXPORTS\n")
        f.writelines(f"    {n}\n" for n in sorted(names))


if __name__ == "__main__":
    main()
