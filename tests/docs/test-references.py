#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""No tracked file names a file outside the repository (TAP).

    test-references.py SOURCE_ROOT

The engineers' private notes (the UC role rules, the style guide, the ecosystem, topology and
trust-anchor notes, all in a folder beside the repository) are not something a user, packager or
contributor has: code, comments and docs cite the project's own files (docs/decisions.md,
docs/general-rules.md, CONTRIBUTING.md...) instead. A name is allowed once the repository holds a
file of that name. The files are the ones git tracks (every file but build trees outside a git
checkout). The second half plants each name in a scratch tree and checks that it is caught.
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

# Built from parts so that this file does not name them itself.
NOTES = [n + ".md" for n in ("UC-ROLES", "STYLE", "ECOSYSTEM", "TOPOLOGY", "ANCHORS")]
FOLDER = "shared" + "/"
PATTERNS = [(n, re.compile(r"(?<![\w-])" + re.escape(n) + r"(?!\w)")) for n in NOTES] + [
    (FOLDER, re.compile(r"(?<![\w.-])(?:\.\./|/work/)?" + re.escape(FOLDER))),
]


def tracked(root):
    """The repository's files: git's list in a checkout, else every file outside build trees."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True)
        names = [n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
        if names:
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    names = []
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git" and not d.startswith("build")]
        names += [os.path.relpath(os.path.join(dirpath, f), root) for f in files]
    return names


def offences(root):
    names = tracked(root)
    present = {Path(n).name for n in names}
    found = []
    for name in names:
        path = Path(root) / name
        if not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if b"\0" in data[:8192]:
            continue  # binary (certificates, PFX files)
        text = data.decode("utf-8", "replace")
        for label, pattern in PATTERNS:
            if label in present:
                continue
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{name}:{line}: names '{m.group(0)}', a file outside the repository")
    return found


def main():
    root = Path(sys.argv[1])
    found = offences(root)
    point(not found, "no tracked file names the notes outside the repository", found +
          ["Cite the project's own files instead (docs/decisions.md, docs/general-rules.md, CONTRIBUTING.md),"
           " or say what the note says."] if found else [])
    n = len(tracked(root))
    point(n > 100, f"the file list covers the repository ({n} files)")

    # The check itself: each name, planted in a scratch tree, is found; a look-alike is not.
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        (scratch / "ok.c").write_text("/* libshared/x.h, shared_ptr, style.md.in, TOPOLOGY.mdx */\n")
        point(not offences(scratch), "look-alike names are not taken for the notes",
              offences(scratch))
        for i, planted in enumerate(NOTES + ["../" + FOLDER + NOTES[0], "see " + FOLDER + "notes"]):
            f = scratch / f"planted{i}.md"
            f.write_text(f"intro\nRead {planted} for the details.\n")
            got = offences(scratch)
            point(any(g.startswith(f"{f.name}:2:") for g in got), f"a file naming '{planted}' is caught", got)
            f.unlink()
        (scratch / NOTES[1]).write_text("# the project's own\n")
        (scratch / "README.md").write_text(f"See {NOTES[1]}.\n")
        point(not offences(scratch), "a name is allowed once the repository holds that file", offences(scratch))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
