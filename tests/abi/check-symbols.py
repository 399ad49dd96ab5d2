#!/usr/bin/env python3
"""The public headers, the version script and the built library name the same symbols.

Usage: check-symbols.py MAP LIBRARY HEADER...

* every function declared with UCP_EXPORT in a header is in the map, and vice versa;
* the library exports exactly the map's symbols (nothing leaks: visibility is hidden),
  each with the UCPOLICY_x.y version of its map node.
"""
import re
import subprocess
import sys

map_path, lib, *headers = sys.argv[1:]

declared = set()
for h in headers:
    text = open(h, encoding="utf-8").read()
    declared |= set(re.findall(r"UCP_EXPORT\b[^;(]*?\b(ucp_[a-z0-9_]+)\s*\(", text, re.S))

mapped = {}
node = None
for line in open(map_path, encoding="utf-8"):
    m = re.match(r"\s*(UCPOLICY_[0-9_.]+)\s*\{", line)
    if m:
        node = m.group(1)
        continue
    m = re.match(r"\s*(ucp_[a-z0-9_]+)\s*;", line)
    if m:
        mapped[m.group(1)] = node

out = subprocess.run(["nm", "-D", "--defined-only", lib], capture_output=True, text=True, check=True).stdout
exported = {}
for line in out.splitlines():
    parts = line.split()
    if len(parts) >= 3 and parts[1] in ("T", "D", "B", "R", "W", "i"):
        name, _, version = parts[2].partition("@@")
        if not name.startswith("UCPOLICY_"):
            exported[name] = version

problems = []
for s in sorted(declared - set(mapped)):
    problems.append(f"{s}: declared UCP_EXPORT in a header but missing from {map_path}")
for s in sorted(set(mapped) - declared):
    problems.append(f"{s}: in the map but not declared UCP_EXPORT in any public header")
for s in sorted(set(exported) - set(mapped)):
    problems.append(f"{s}: exported by {lib} but not in the map (visibility leak)")
for s in sorted(set(mapped) - set(exported)):
    problems.append(f"{s}: in the map but not exported by {lib} (not defined, or not UCP_EXPORT)")
for s, v in sorted(exported.items()):
    if s in mapped and v != mapped[s]:
        problems.append(f"{s}: exported with version {v!r}, the map says {mapped[s]!r}")
for p in problems:
    print(p)
print(f"{len(declared)} declared, {len(mapped)} in the map, {len(exported)} exported: "
      + ("consistent" if not problems else f"{len(problems)} problem(s)"))
sys.exit(1 if problems else 0)
