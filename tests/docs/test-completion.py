#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The bash and zsh completions of ucpolicy offer what the command accepts (TAP).

    test-completion.py UCPOLICY COMPLETIONS_DIR ZSH_DRIVER

bash: the completion function _ucpolicy runs in a bash subprocess with COMP_WORDS, COMP_CWORD,
COMP_LINE and COMP_POINT set as bash sets them on TAB, twice: with bash-completion's helpers
loaded (as on a Debian system) and without them. zsh: `zsh -n` checks the syntax, and
ZSH_DRIVER (zsh-complete.zsh) types each line and a TAB into an interactive zsh in a
pseudo-terminal and reports the matches.

Each expectation comes from the command itself: role ids and aliases from `ucpolicy roles
--format json`, the options of `ucpolicy COMMAND --help`. A `ucpolicy` wrapper on PATH counts
how often the completion runs the command: once per shell, however many roles are completed.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

UCPOLICY, COMPLETIONS, ZSH_DRIVER = (os.path.abspath(a) for a in sys.argv[1:4])
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
PRODUCTS = {"lync2010", "lync2013", "sfb2015", "sfb2019"}
COMMANDS = {"check", "probe", "plan", "scan", "roles", "rules", "version", "help"}


def cli(*args):
    return subprocess.run([UCPOLICY, *args], capture_output=True, text=True, timeout=60, check=True).stdout


def options_of(cmd):
    text = cli(cmd, "--help")
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))


ROLES = set()
# The formats of check and probe: those the library renders (--format's usage error lists them).
FORMATS = {"text", "json", "sarif", "csv", "html", "junit", "nagios"}
for role in json.loads(cli("roles", "--format", "json")):
    ROLES |= {role["id"], *role["aliases"]}
# Every command also takes --help, which roles and rules accept without listing it.
OPTIONS = {cmd: options_of(cmd) | {"--help"} for cmd in ("check", "probe", "plan", "scan", "roles", "rules")}


def bash_cases(workdir):
    """(name, words, line, expected set, variants) — variants: the bash runs it applies to."""
    both = ("bash-completion", "plain")
    cases = [
        ("ucpolicy ch<TAB> gives the command", ["ucpolicy", "ch"], None, {"check"}, both),
        ("ucpolicy <TAB> gives every command", ["ucpolicy", ""], None, COMMANDS, both),
        ("ucpolicy check --ro<TAB> gives --role", ["ucpolicy", "check", "--ro"], None, {"--role"}, both),
        ("ucpolicy check --role <TAB> gives every role id and alias",
         ["ucpolicy", "check", "--role", ""], None, ROLES, both),
        ("ucpolicy check --role Exch<TAB> gives the Exchange aliases",
         ["ucpolicy", "check", "--role", "Exch"], None, {r for r in ROLES if r.startswith("Exch")}, both),
        ("ucpolicy probe -r exchange-um<TAB> gives both Exchange UM roles",
         ["ucpolicy", "probe", "-r", "exchange-um"], None, {"exchange-um", "exchange-um-callrouter"}, both),
        ("ucpolicy check --role=U<TAB> completes the value after '='",
         ["ucpolicy", "check", "--role", "=", "U"], "ucpolicy check --role=U",
         {r for r in ROLES if r.startswith("U")}, both),
        ("ucpolicy check --product <TAB> gives the releases",
         ["ucpolicy", "check", "--product", ""], None, PRODUCTS, both),
        ("ucpolicy rules --role UM --product sfb<TAB>",
         ["ucpolicy", "rules", "--role", "UM", "--product", "sfb"], None, {"sfb2015", "sfb2019"}, both),
        ("ucpolicy check --format <TAB> gives the formats",
         ["ucpolicy", "check", "--format", ""], None, FORMATS, both),
        ("ucpolicy roles --format <TAB> gives text and json",
         ["ucpolicy", "roles", "--format", ""], None, {"text", "json"}, ("bash-completion", "plain")),
        ("ucpolicy check --fail-on <TAB> gives the levels",
         ["ucpolicy", "check", "--fail-on", ""], None, {"error", "warning", "info", "never"}, both),
        ("ucpolicy probe --protocol <TAB> gives the protocols",
         ["ucpolicy", "probe", "--protocol", ""], None, {"tls", "smtp", "sip"}, both),
        ("ucpolicy check <TAB> gives files", ["ucpolicy", "check", "--role", "UM", ""], None,
         {"um.pem", "topology.json", "certs"}, both),
        ("ucpolicy check --topology <TAB> gives JSON files and folders",
         ["ucpolicy", "check", "--topology", ""], None, {"topology.json", "certs"}, ("bash-completion",)),
        ("ucpolicy check --trust c<TAB> gives the folder",
         ["ucpolicy", "check", "--trust", "c"], None, {"certs"}, both),
    ]
    for cmd in OPTIONS:
        cases.append((f"ucpolicy {cmd} --<TAB> gives exactly the options 'ucpolicy {cmd} --help' lists",
                      ["ucpolicy", cmd, "--"], None, OPTIONS[cmd], both))
    return cases


def run_bash(variant, cases, workdir, path):
    """Run every case in one bash; returns {case name: set of candidates}, stderr, status."""
    script = ["set -u"] if variant == "plain" else []
    if variant == "bash-completion":
        script.append(f"source {shlex.quote(BASH_COMPLETION)}")
    script += [
        f"source {shlex.quote(os.path.join(COMPLETIONS, 'ucpolicy.bash'))}",
        "t() {",
        "    local id=$1 line=$2; shift 2",
        "    COMP_WORDS=(\"$@\"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))",
        "    COMP_LINE=$line; COMP_POINT=${#COMP_LINE}; COMPREPLY=()",
        "    _ucpolicy ucpolicy \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD - 1]}\"",
        "    printf '%s\\n' \"== $id\" \"${COMPREPLY[@]}\"",
        "}",
    ]
    for i, (name, words, line, _, variants) in enumerate(cases):
        if variant in variants:
            script.append(" ".join(shlex.quote(w) for w in ["t", f"case{i}", line or " ".join(words)] + words))
    env = dict(os.environ, PATH=path)
    r = subprocess.run(["bash", "-c", "\n".join(script)], capture_output=True, text=True, cwd=workdir,
                       env=env, timeout=120)
    got, current = {}, None
    for line in r.stdout.splitlines():
        if line.startswith("== case"):
            current = int(line[7:])
            got[current] = set()
        elif current is not None and line:
            got[current].add(line.rstrip("/"))
    return got, r.stderr, r.returncode


def main():
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "work")
        bindir = os.path.join(tmp, "bin")
        os.makedirs(os.path.join(work, "certs"))
        os.makedirs(bindir)
        for name in ("um.pem", "topology.json"):
            open(os.path.join(work, name), "w").close()
        calls = os.path.join(tmp, "calls")
        wrapper = os.path.join(bindir, "ucpolicy")
        with open(wrapper, "w") as f:
            f.write(f"#!/bin/sh\necho \"$*\" >> {shlex.quote(calls)}\nexec {shlex.quote(UCPOLICY)} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        path = bindir + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")

        cases = bash_cases(work)
        have_bc = os.path.exists(BASH_COMPLETION)
        point(have_bc, f"bash-completion is installed ({BASH_COMPLETION}; Debian: bash-completion)")
        for variant in ("bash-completion", "plain"):
            if variant == "bash-completion" and not have_bc:
                continue
            open(calls, "w").close()
            got, err, status = run_bash(variant, cases, work, path)
            point(status == 0 and not err.strip(), f"bash ({variant}): the completion runs without an error",
                  [f"exit status {status}", err])
            for i, (name, words, line, expected, variants) in enumerate(cases):
                if variant not in variants:
                    continue
                have = got.get(i)
                point(have == expected, f"bash ({variant}): {name}",
                      [f"expected: {sorted(expected)}", f"got:      {sorted(have) if have is not None else None}"])
            with open(calls) as f:
                runs = [line.strip() for line in f if line.strip()]
            point(runs == ["roles --format json"],
                  f"bash ({variant}): role names come from one 'ucpolicy roles --format json' per shell",
                  runs)

        # A ucpolicy that cannot be run: no role names, and no noise on the terminal.
        script = (f"source {shlex.quote(os.path.join(COMPLETIONS, 'ucpolicy.bash'))}\n"
                  "COMP_WORDS=(/nonexistent/ucpolicy check --role ''); COMP_CWORD=3\n"
                  "COMP_LINE='/nonexistent/ucpolicy check --role '; COMP_POINT=${#COMP_LINE}\n"
                  "_ucpolicy; echo \"n=${#COMPREPLY[@]}\"")
        r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
        point(r.stdout.strip() == "n=0" and not r.stderr, "bash: a ucpolicy that cannot run gives no roles, quietly",
              [r.stdout, r.stderr])

        # zsh
        zsh = shutil.which("zsh")
        if not point(zsh is not None, "zsh is installed (Debian: zsh)"):
            return finish()
        r = subprocess.run([zsh, "-n", os.path.join(COMPLETIONS, "_ucpolicy")], capture_output=True, text=True)
        point(r.returncode == 0 and not r.stderr, "zsh -n: _ucpolicy parses", [r.stderr])
        zcases = [
            ("ucpolicy ch", {"check"}),
            ("ucpolicy ", COMMANDS),
            ("ucpolicy check --ro", {"--role"}),
            ("ucpolicy check --role ", ROLES),
            ("ucpolicy check --role=U", {r for r in ROLES if r.startswith("U")}),
            ("ucpolicy rules --role Exch", {r for r in ROLES if r.startswith("Exch")}),
            ("ucpolicy check --product ", PRODUCTS),
            ("ucpolicy check --format ", FORMATS),
            ("ucpolicy probe --protocol ", {"tls", "smtp", "sip"}),
            ("ucpolicy check --role UM ", {"um.pem", "topology.json", "certs"}),
            ("ucpolicy check --topology ", {"topology.json", "certs"}),
        ] + [(f"ucpolicy {cmd} --", OPTIONS[cmd]) for cmd in OPTIONS]
        open(calls, "w").close()
        r = subprocess.run([zsh, "-f", ZSH_DRIVER, COMPLETIONS] + [c for c, _ in zcases], capture_output=True,
                           text=True, cwd=work, env=dict(os.environ, PATH=path), timeout=120)
        point(r.returncode == 0, "zsh: every line was completed in a pseudo-terminal", [r.stderr])
        got, current = {}, None
        for line in r.stdout.splitlines():
            if line.startswith("== "):
                current = line[3:]
                got[current] = set()
            elif current is not None and line:
                got[current].add(line.rstrip("/").removesuffix("="))
        for line, expected in zcases:
            point(got.get(line) == expected, f"zsh: {line}<TAB>",
                  [f"expected: {sorted(expected)}", f"got:      {sorted(got[line]) if line in got else None}"])
        with open(calls) as f:
            runs = [line.strip() for line in f if line.strip()]
        point(runs == ["roles --format json"], "zsh: role names come from one 'ucpolicy roles --format json' per shell",
              runs)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
