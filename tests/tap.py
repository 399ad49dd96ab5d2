# SPDX-License-Identifier: MIT
"""TAP output for the Python test scripts: one test point per check, naming what it checks; a
failing point prints what it saw as # lines (at most `limit` lines of each diagnostic). finish()
prints the plan and gives the exit status. `points` is the number of points so far."""
import sys

points = 0
failures = 0


def point(ok, name, diag=(), limit=None):
    global points, failures
    points += 1
    print(f"{'' if ok else 'not '}ok {points} - {name}")
    if not ok:
        failures += 1
        for line in diag:
            for part in str(line).splitlines()[:limit]:
                print(f"#   {part}")
    sys.stdout.flush()
    return ok


def skip(name, reason):
    global points
    points += 1
    print(f"ok {points} - {name} # SKIP {reason}")
    sys.stdout.flush()


def finish():
    print(f"1..{points}")
    return 1 if failures or not points else 0
