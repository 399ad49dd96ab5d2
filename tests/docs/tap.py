# SPDX-License-Identifier: MIT
"""TAP output for the docs suite's scripts: one test point per check, naming what it checks; a
failing point prints what it saw as # lines. finish() prints the plan and gives the exit status."""
import sys

points = 0
failures = 0


def point(ok, name, diag=()):
    global points, failures
    points += 1
    print(f"{'' if ok else 'not '}ok {points} - {name}")
    if not ok:
        failures += 1
        for line in diag:
            for part in str(line).splitlines():
                print(f"#   {part}")
    sys.stdout.flush()
    return ok


def finish():
    print(f"1..{points}")
    return 1 if failures or not points else 0
