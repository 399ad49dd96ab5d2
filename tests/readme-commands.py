#!/usr/bin/env python3
"""The README shows exactly the two fresh-machine commands of .ci/commands, and .ci/run runs the
test command from that file, so the README, CI and reality cannot drift apart.

Usage: readme-commands.py SOURCE_ROOT
"""
import re
import sys
from pathlib import Path

root = Path(sys.argv[1])
commands = dict(
    line.split("=", 1)
    for line in (root / ".ci/commands").read_text().splitlines()
    if line and not line.startswith("#")
)
readme = (root / "README.md").read_text()
blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
problems = []
for key in ("MAIN_COMMAND", "TEST_COMMAND"):
    cmd = commands.get(key)
    if not cmd:
        problems.append(f".ci/commands lacks {key}")
    elif not any(block.strip() == cmd for block in blocks):
        problems.append(f"README.md has no ```sh block holding exactly {key}: {cmd}")
run = (root / ".ci/run").read_text()
if "TEST_COMMAND" not in run or ".ci/install-deps" not in run:
    problems.append(".ci/run does not install the packages and run TEST_COMMAND")
if "examples/check-examples.sh" not in commands.get("MAIN_COMMAND", ""):
    problems.append("the main command does not run the example check")
for p in problems:
    print(p)
print("consistent" if not problems else f"{len(problems)} problem(s)")
sys.exit(1 if problems else 0)
