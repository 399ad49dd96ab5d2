#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The catalogue's generators refuse what would make the docs or the data wrong (TAP).

    test-generators.py SOURCE_ROOT

Each case copies the catalogue and the hand-written docs into a scratch tree laid out like the
repository, breaks one thing, and runs gen-catalogue.py (the C tables) or gen-docs.py (the
pages): the run must fail with a message naming the file and the entry. The unbroken copy must
go through both, and gen-docs.py --check must report a page that differs from the catalogue.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

ROOT = Path(sys.argv[1]).resolve()
PYTHON = sys.executable


def scratch(tmp):
    """A copy of what the generators read, in the repository's layout."""
    t = Path(tmp) / "tree"
    shutil.copytree(ROOT / "libucpolicy" / "policy", t / "libucpolicy" / "policy",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (t / "docs").mkdir(parents=True)
    for page in ("decisions.md", "general-rules.md"):
        shutil.copy(ROOT / "docs" / page, t / "docs" / page)
    return t


def gen_catalogue(t):
    return subprocess.run([PYTHON, str(t / "libucpolicy/policy/gen-catalogue.py"), str(t / "libucpolicy/policy/catalogue"),
                           str(t / "data.c"), str(t / "ids.h")], capture_output=True, text=True, timeout=120)


def gen_docs(t, *extra):
    return subprocess.run([PYTHON, str(t / "libucpolicy/policy/gen-docs.py"), str(t / "libucpolicy/policy/catalogue"),
                           str(t / "out"), *extra], capture_output=True, text=True, timeout=120)


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: '{old}' not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        t = scratch(tmp)
        r1, r2 = gen_catalogue(t), gen_docs(t)
        point(r1.returncode == 0 and r2.returncode == 0, "the catalogue as committed goes through both generators",
              [r1.stderr, r2.stderr])
        r = gen_docs(t, "--check", str(ROOT / "docs"))
        point(r.returncode == 0, "gen-docs.py --check: the committed pages match", [r.stdout[-2000:], r.stderr])

    cat = "libucpolicy/policy/catalogue/"
    cases = [
        ("gen-catalogue", cat + "sources.yaml", 'where: "docs/decisions.md"', 'where: "docs/gone.md"',
         "UC-ROLES-D: where 'docs/gone.md' is not a file of this repository"),
        ("gen-catalogue", cat + "sources.yaml", 'where: "docs/decisions.md"', 'where: "../outside/notes.md"',
         "UC-ROLES-D: where '../outside/notes.md' is not a file of this repository"),
        ("gen-catalogue", cat + "sources.yaml", "gg398066(v=ocs.14)", "gg398066(v=ocs.14",
         "L10-INFRA: url 'https://learn.microsoft.com/en-us/previous-versions/office/skype-server-2010/"
         "gg398066(v=ocs.14' is not a whole http(s) URL"),
        ("gen-catalogue", cat + "sources.yaml", '  url: ""\n  where: "docs/decisions.md"', '  url: ""',
         "UC-ROLES-D: a source without a URL needs a 'where'"),
        ("gen-catalogue", cat + "roles.yaml", "sources: [B-CNG, UC-ROLES-D]", "sources: [B-CNG, NO-SUCH-KEY]",
         "unknown source key 'NO-SUCH-KEY'"),
        ("gen-docs", cat + "roles.yaml", '"Decision 4: the OAuthTokenIssuer', '"Decision 99: the OAuthTokenIssuer',
         "cites Decision 99, but"),
        ("gen-docs", cat + "roles.yaml", 'text: "G9: RSASSA-PSS is unsupported."', 'text: "G42: RSASSA-PSS is unsupported."',
         "cites G42, but"),
        ("gen-docs", "docs/decisions.md", "`san.xmpp-wildcard`", "`san.xmpp-gone`",
         "decisions.md: names the rule `san.xmpp-gone`, which is not in rules.yaml"),
    ]
    for tool, path, old, new, message in cases:
        with tempfile.TemporaryDirectory() as tmp:
            t = scratch(tmp)
            edit(t / path, old, new)
            r = gen_catalogue(t) if tool == "gen-catalogue" else gen_docs(t)
            point(r.returncode != 0 and message in r.stderr and r.stderr.startswith(f"{tool}: "),
                  f"{tool} refuses {path} with {new[:40]!r}: {message}", [f"exit {r.returncode}", r.stderr])

    # --check: a committed page that differs is reported with a diff and the command to update.
    with tempfile.TemporaryDirectory() as tmp:
        t = scratch(tmp)
        docs = Path(tmp) / "docs"
        shutil.copytree(ROOT / "docs", docs)
        edit(docs / "rules" / "exchange-um.md", "subject.cn-wildcard", "subject.cn-wildcard-edited")
        (docs / "rules" / "retired-role.md").write_text("# gone\n")
        r = gen_docs(t, "--check", str(docs))
        point(r.returncode == 1 and "subject.cn-wildcard-edited" in r.stdout and "retired-role.md" in r.stdout
              and "update-docs" in r.stderr,
              "gen-docs.py --check reports an edited page and a page of a role that is gone, with the update command",
              [r.stdout[-1500:], r.stderr])
    return finish()


if __name__ == "__main__":
    sys.exit(main())
