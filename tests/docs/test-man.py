#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The ucpolicy(1) manual page renders cleanly and documents what the command does (TAP).

    test-man.py UCPOLICY MANPAGE

* groff -man -ww renders it without a warning;
* every long option (and short one) that `ucpolicy COMMAND --help` lists for check, probe, roles
  and rules appears in it, so that an option added to the command without documentation fails
  here; every command of `ucpolicy --help` and every role id of `ucpolicy roles` appears;
* the sections a manual page has are there, and every option of the EXAMPLES command lines is an
  option of that command;
* the check itself: a page without one of the options is caught.
"""
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

UCPOLICY, MANPAGE = sys.argv[1], sys.argv[2]
COMMANDS = ["check", "probe", "scan", "roles", "rules"]
SECTIONS = ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "ROLES", "INPUT FORMATS",
            "TOPOLOGY FILE", "OUTPUT FORMATS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES",
            "SEE ALSO"]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kw)


def options_of(help_text):
    """The options a --help text names: long ones, and short ones written '-x,' or '-x '."""
    longs = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", help_text))
    shorts = set(re.findall(r"(?<![\w-])-[a-zA-Z](?=[, ])", help_text))
    return longs | shorts


def missing_from(page_text, options):
    return sorted(o for o in options if not re.search(r"(?<![\w-])" + re.escape(o) + r"(?![\w-])", page_text))


def render(manpage):
    """The page as plain text (groff: ASCII, no overstriking, no hyphenation at line ends)."""
    env = dict(os.environ, LC_ALL="C.UTF-8")
    r = run(["groff", "-man", "-Tutf8", "-rHY=0", "-rLL=200n", "-P-cbou", manpage], env=env)
    text = r.stdout.replace("\u2010", "-").replace("\u2212", "-")
    return r, text


def sections(text):
    return [line.strip() for line in text.splitlines() if re.fullmatch(r"[A-Z][A-Z ]+", line.strip())]


def section_body(text, name):
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == name)
    end = next((i for i in range(start + 1, len(lines)) if re.fullmatch(r"[A-Z][A-Z ]+", lines[i])), len(lines))
    return "\n".join(lines[start + 1:end])


def main():
    groff = shutil.which("groff")
    if not point(groff is not None, "groff is installed (Debian: groff-base)"):
        return finish()
    env = dict(os.environ, LC_ALL="C.UTF-8")
    r = run(["groff", "-man", "-ww", "-z", MANPAGE], env=env)
    point(r.returncode == 0 and not r.stderr.strip(), "groff -man -ww -z renders it without a warning",
          [r.stderr or f"exit status {r.returncode}"])

    r, text = render(MANPAGE)
    point(r.returncode == 0 and len(text) > 5000, "groff renders it as text", [r.stderr])
    found = sections(text)
    point(all(s in found for s in SECTIONS), "it has the sections of a manual page",
          [f"missing: {[s for s in SECTIONS if s not in found]}", f"found: {found}"])

    helps = {}
    for cmd in COMMANDS:
        h = run([UCPOLICY, cmd, "--help"])
        helps[cmd] = options_of(h.stdout)
        point(h.returncode == 0 and helps[cmd], f"ucpolicy {cmd} --help lists options",
              [h.stdout, h.stderr])
        gaps = missing_from(text, helps[cmd])
        point(not gaps, f"every option of 'ucpolicy {cmd} --help' is documented ({len(helps[cmd])})",
              [f"not in {MANPAGE}: {' '.join(gaps)}"])

    main_help = run([UCPOLICY, "--help"]).stdout
    commands = re.findall(r"^  ([a-z]+)\b", main_help, re.M)
    body = section_body(text, "COMMANDS")
    point(commands and all(re.search(rf"^\s*{c}\b", body, re.M) for c in commands),
          f"every command of 'ucpolicy --help' has its entry under COMMANDS ({', '.join(commands)})",
          [f"commands: {commands}"])

    roles = [r["id"] for r in json.loads(run([UCPOLICY, "roles", "--format", "json"]).stdout)]
    body = section_body(text, "ROLES")
    gaps = [r for r in roles if not re.search(r"(?<![\w-])" + re.escape(r) + r"(?![\w-])", body)]
    point(roles and not gaps, f"every role of 'ucpolicy roles' is listed under ROLES ({len(roles)})",
          [f"missing: {gaps}"])

    # The EXAMPLES use only options their command has.
    examples = section_body(text, "EXAMPLES").replace("\\\n", " ")
    bad = []
    count = 0
    for m in re.finditer(r"ucpolicy (check|probe|roles|rules) ([^\n|]*)", examples):
        count += 1
        for opt in re.findall(r"(?<![\w-])--?[a-z][a-z0-9-]*", m.group(2)):
            if opt not in helps[m.group(1)]:
                bad.append(f"ucpolicy {m.group(1)}: {opt}")
    point(count >= 6 and not bad, f"the {count} example command lines use only their command's options", bad)
    flat = " ".join(examples.split())
    point("subject.cn-wildcard" in flat and "The peer is not a configured server" in flat,
          "the examples show the wildcard-CN Exchange UM incident")

    # The check itself: drop one documented option from a copy of the page.
    victim = "--same-certificate"
    stripped = re.sub(r"(?<![\w-])" + re.escape(victim) + r"(?![\w-])", "--(removed)", text)
    point(missing_from(stripped, helps["check"]) == [victim],
          f"a page without {victim} is reported", [missing_from(stripped, helps["check"])])
    return finish()


if __name__ == "__main__":
    sys.exit(main())
