#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The Markdown of the repository points at things that exist (TAP).

    test-links.py SOURCE_ROOT

* every relative link of every tracked Markdown file reaches a file or folder of the repository,
  and a #fragment reaches a heading of the page it names (GitHub's heading anchors);
* every repository path that README.md, CONTRIBUTING.md and the hand-written pages of docs/ name
  in `code` (a token with a slash, outside code blocks; * as a glob; a bare folder such as
  `report/` may be one of libucpolicy/) exists, so that the contributor guide stays true to the
  tree;
* the check itself: a broken link, a wrong anchor and a missing path are caught.
"""
import glob
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

PATH_PAGES = ["README.md", "CONTRIBUTING.md", "docs/decisions.md", "docs/general-rules.md"]
LINK = re.compile(r"(?<!!)\[(?:[^\]\\]|\\.)*\]\(([^)\s]+)\)")


def markdown_files(root):
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "*.md"], capture_output=True, check=True)
        names = [n for n in out.stdout.decode().split("\0") if n]
        if names:
            return names
    except (OSError, subprocess.CalledProcessError):
        pass
    return [str(p.relative_to(root)) for p in Path(root).rglob("*.md")
            if not any(part.startswith("build") or part == ".git" for part in p.relative_to(root).parts)]


def prose(text):
    """The text outside fenced code blocks."""
    return re.sub(r"^```.*?^```[^\n]*$", "", text, flags=re.M | re.S)


def anchor(heading):
    a = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return a.replace(" ", "-")


def anchors(path):
    names, seen = set(), {}
    for h in re.findall(r"^#{1,6} (.+?)\s*#*$", prose(path.read_text(encoding="utf-8")), re.M):
        a = anchor(h)
        n = seen.get(a, 0)
        seen[a] = n + 1
        names.add(a if n == 0 else f"{a}-{n}")  # GitHub numbers repeated headings
    return names


def broken_links(root, names):
    root = Path(root)
    bad = []
    cache = {}
    for name in names:
        page = root / name
        text = prose(page.read_text(encoding="utf-8"))
        for target in LINK.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto:
            path, _, frag = target.partition("#")
            dest = (page.parent / path).resolve() if path else page.resolve()
            if not dest.exists():
                bad.append(f"{name}: ({target}): no such file")
                continue
            if frag and dest.suffix == ".md":
                if dest not in cache:
                    cache[dest] = anchors(dest)
                if frag not in cache[dest]:
                    bad.append(f"{name}: ({target}): no heading '#{frag}' in {os.path.relpath(dest, root)}")
    return bad


def missing_paths(root, names):
    root = Path(root)
    bad = []
    for name in names:
        text = prose((root / name).read_text(encoding="utf-8"))
        for token in re.findall(r"`([^`\s]+)`", text):
            # Not repository paths: build-tree and install-tree paths, URLs, absolute paths, options.
            if "/" not in token or token.startswith(("build/", "share/", "http", "/", "-")) or "<" in token \
                    or token.startswith("$") or "\\" in token:
                continue
            # A bare folder (`report/`) may be one of the library's folders (libucpolicy/README.md).
            where = [root / token] + ([root / "libucpolicy" / token] if re.fullmatch(r"[\w.-]+/", token) else [])
            if not any(glob.glob(str(w)) for w in where):
                bad.append(f"{name}: `{token}` is not in the repository")
    return bad


def main():
    root = Path(sys.argv[1])
    names = markdown_files(root)
    point(len(names) >= 30, f"the tracked Markdown files are found ({len(names)})")
    bad = broken_links(root, names)
    point(not bad, "every relative link reaches a file, and every #fragment a heading", bad)
    pages = [p for p in PATH_PAGES if (root / p).exists()]
    point(pages == PATH_PAGES, "README.md, CONTRIBUTING.md, docs/decisions.md and docs/general-rules.md exist",
          [f"missing: {sorted(set(PATH_PAGES) - set(pages))}"])
    bad = missing_paths(root, pages)
    point(not bad, "every repository path those pages name exists", bad)

    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "docs").mkdir()
        (t / "docs" / "a.md").write_text("# Title\n\n## Decision 1\n")
        (t / "b.md").write_text("[ok](docs/a.md#decision-1) [ok](#x-y) [web](https://example.com/none)\n\n# X y\n")
        point(not broken_links(t, ["b.md"]) and not missing_paths(t, ["b.md"]),
              "good links and paths pass", broken_links(t, ["b.md"]))
        (t / "c.md").write_text("[gone](docs/none.md) [anchor](docs/a.md#decision-2)\n\n```\n[code](x.md)\n```\n"
                                "Read `docs/a.md`, `docs/*.md`, `src/gone.c`.\n")
        got = broken_links(t, ["c.md"]) + missing_paths(t, ["c.md"])
        point(len(got) == 3 and "no such file" in got[0] and "decision-2" in got[1] and "src/gone.c" in got[2],
              "a missing file, a missing heading and a missing path are caught (code blocks are not read)", got)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
