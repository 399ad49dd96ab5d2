# SPDX-License-Identifier: MIT
"""What test-nuget.py and test-psgallery.py share: run the build's pack command into a temporary
folder and read the package it made."""
import os
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402


def pack_and_read(pack, folder, version):
    """Run PACK_COMMAND (dotnet.py nuget|psgallery ...) with --output FOLDER/UcPolicy.VERSION.nupkg;
    a point for the packing and one for the name; exits the test when nothing was packed.
    Returns the package's path, its file names and its .nuspec text ("" when it has none)."""
    nupkg = os.path.join(folder, f"UcPolicy.{version}.nupkg")
    r = subprocess.run(pack + ["--output", nupkg], capture_output=True, text=True)
    if not point(r.returncode == 0 and os.path.isfile(nupkg), "packs UcPolicy.%s.nupkg" % version,
                 [" ".join(pack), f"exit {r.returncode}", r.stdout[-3000:], r.stderr[-3000:]]):
        sys.exit(finish())
    with zipfile.ZipFile(nupkg) as z:
        names = z.namelist()
        nuspec_name = next((n for n in names if n.endswith(".nuspec") and "/" not in n), None)
        nuspec = z.read(nuspec_name).decode() if nuspec_name else ""
    point(os.path.basename(nupkg) == f"UcPolicy.{version}.nupkg", f"the package is UcPolicy.{version}.nupkg",
          [os.path.basename(nupkg)])
    return nupkg, names, nuspec
