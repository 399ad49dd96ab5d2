#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""meson install puts the documentation where its readers look (TAP).

    test-installed.py MESON BUILD_DIR

From `meson introspect --installed` (what `meson install` would copy, and where): the manual page
at PREFIX/MANDIR/man1/ucpolicy.1, the bash completion as .../bash-completion/completions/ucpolicy
(bash-completion loads it by the command's name) and the zsh completion as
.../zsh/site-functions/_ucpolicy, all under the prefix.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402

MESON, BUILD = sys.argv[1], sys.argv[2]


def main():
    r = subprocess.run([MESON, "introspect", "--installed", BUILD], capture_output=True, text=True, timeout=120)
    if not point(r.returncode == 0, "meson introspect --installed", [r.stderr]):
        return finish()
    installed = json.loads(r.stdout)  # source path -> installed path
    options = {o["name"]: o["value"] for o in json.loads(subprocess.run(
        [MESON, "introspect", "--buildoptions", BUILD], capture_output=True, text=True, check=True).stdout)}
    prefix, mandir, datadir = options["prefix"], options["mandir"], options["datadir"]

    def dest_of(suffix):
        return next((d for s, d in installed.items() if s.replace(os.sep, "/").endswith("/" + suffix)), None)

    expect = [
        ("docs/ucpolicy.1", os.path.join(prefix, mandir, "man1", "ucpolicy.1"), None),
        ("cli/completions/ucpolicy.bash", None, "/bash-completion/completions/ucpolicy"),
        ("cli/completions/_ucpolicy", os.path.join(prefix, datadir, "zsh", "site-functions", "_ucpolicy"), None),
    ]
    for src, exact, suffix in expect:
        dest = dest_of(src)
        ok = dest is not None and (dest == exact if exact else dest.endswith(suffix) and dest.startswith(prefix + "/"))
        point(ok, f"{src} is installed as {exact or 'PREFIX/...' + suffix}", [f"got: {dest}"])
    return finish()


if __name__ == "__main__":
    sys.exit(main())
