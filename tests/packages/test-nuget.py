#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The NuGet package UcPolicy as a .NET developer gets it: `ninja -C build nuget`'s
UcPolicy.<version>.nupkg in a local folder feed, referenced from a fresh console application
(`dotnet new console`, a nuget.config with <clear/> and that feed alone, an empty NuGet cache:
nothing comes from the network or from an earlier run), run without UCPOLICY_NATIVE_DIR.

Checks: the package's file list (both lib folders, the build machine's native libraries under
runtimes/<rid>/native, win-x64 exactly when a Windows native directory was given) and its
metadata (version, readme, license, project and repository URLs); the application checks the
wildcard-CN Exchange UM incident certificate of the shared fixtures (tests/FIXTURES.md) and exits
2 with subject.cn-wildcard, both under `dotnet run` (natives in runtimes/<rid>/native beside the
assembly) and as `dotnet publish -r <rid>` output (natives beside the application), each time
loading the wrapper from its own output folder.

Usage: test-nuget.py DOTNET VERSION RID FIXTURES WINDOWS_NATIVE_DIR|"" -- PACK_COMMAND...   (TAP on stdout)
PACK_COMMAND is what `ninja nuget` runs (bindings/csharp/dotnet.py nuget ...), given --output here:
the test packs into its temporary folder, so that a build with tests does not pack every time."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402
from packed import pack_and_read  # noqa: E402

split = sys.argv.index("--")
dotnet, version, rid, fixtures, windows_dir = sys.argv[1:split]
fixtures = os.path.abspath(fixtures)
pack = sys.argv[split + 1:]

tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-nuget-")
feed = os.path.join(tmp.name, "feed")
os.makedirs(feed)
nupkg, names, nuspec = pack_and_read(pack, tmp.name, version)
shutil.copy(nupkg, feed)

# ---- the package itself ----------------------------------------------------------------------
for tfm in ("net10.0", "netstandard2.0"):
    point(f"lib/{tfm}/UcPolicy.dll" in names and f"lib/{tfm}/UcPolicy.xml" in names,
          f"lib/{tfm}: UcPolicy.dll and its documentation", [n for n in names if n.startswith("lib/")])
native = sorted(n for n in names if n.startswith(f"runtimes/{rid}/native/"))
point(native == [f"runtimes/{rid}/native/libucpolicy.so.1", f"runtimes/{rid}/native/libucpolicy_csharp.so"],
      f"runtimes/{rid}/native: the wrapper and libucpolicy.so.1, nothing else", native)
windows = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("runtimes/win-x64/native/"))
if windows_dir:
    expected = sorted(f for f in os.listdir(windows_dir) if f.lower().endswith(".dll"))
    point(windows == expected and "ucpolicy_csharp.dll" in windows and "libucpolicy-1.dll" in windows,
          f"runtimes/win-x64/native: every DLL of {windows_dir}", [f"package: {windows}", f"directory: {expected}"])
else:
    point(not windows, "no runtimes/win-x64 without a Windows native directory", windows)
others = [n for n in names if n.startswith("runtimes/") and not n.startswith((f"runtimes/{rid}/", "runtimes/win-x64/"))]
point(not others, "no other runtimes folders", others)

meta = {}
if nuspec:
    root = xml.etree.ElementTree.fromstring(nuspec)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        meta.setdefault(tag, (element.text or "").strip() if tag != "repository" else element.attrib)
point(meta.get("id") == "UcPolicy" and meta.get("version") == version, f"nuspec: id UcPolicy, version {version}",
      [nuspec[:1500]])
point(meta.get("readme") == "README.md" and "README.md" in names, "nuspec: the package README (README.md)",
      [meta.get("readme"), names[:30]])
point(meta.get("license") == "MIT", "nuspec: license MIT", [meta.get("license")])
point(meta.get("projectUrl") == "https://github.com/libucpolicy/libucpolicy", "nuspec: project URL",
      [meta.get("projectUrl")])
point(isinstance(meta.get("repository"), dict) and meta["repository"].get("url", "").startswith(
      "https://github.com/libucpolicy/libucpolicy"), "nuspec: repository URL", [meta.get("repository")])
point(bool(meta.get("description")) and "skype-for-business" in (meta.get("tags") or ""), "nuspec: description and tags",
      [meta.get("description"), meta.get("tags")])
if "README.md" in names:
    with zipfile.ZipFile(nupkg) as z:
        readme = z.read("README.md").decode()
    point("GnuTLS" in readme and "linux-x64" in readme and "win-x64" in readme,
          "the package README says what is inside and that GnuTLS comes from the distribution", [readme[:600]])

# ---- a fresh console application ---------------------------------------------------------------
manifest = json.load(open(os.path.join(fixtures, "manifest.json")))
case = next(c for c in manifest["cases"] if c["id"] == "incident/exchange-um-wildcard-cn")

env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1",
           DOTNET_CLI_USE_MSBUILD_SERVER="0", MSBUILDDISABLENODEREUSE="1", DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE="true",
           NUGET_PACKAGES=os.path.join(tmp.name, "nuget-packages"), DOTNET_CLI_HOME=os.path.join(tmp.name, "home"))
for name in ("UCPOLICY_NATIVE_DIR", "LD_LIBRARY_PATH"):
    env.pop(name, None)
app = os.path.join(tmp.name, "app")
os.makedirs(app)


def run(cmd, cwd=app):
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)


with open(os.path.join(app, "nuget.config"), "w") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <packageSources>\n    <clear />\n'
            f'    <add key="local" value="{feed}" />\n  </packageSources>\n</configuration>\n')
r = run([dotnet, "new", "console", "--name", "App", "--output", app, "--framework", "net10.0"])
point(r.returncode == 0, "dotnet new console", [r.stdout[-2000:], r.stderr[-2000:]])
r = run([dotnet, "add", "package", "UcPolicy", "--version", version])
point(r.returncode == 0, f"dotnet add package UcPolicy --version {version} (restored from the local feed alone)",
      [r.stdout[-3000:], r.stderr[-3000:]])
with open(os.path.join(app, "Program.cs"), "w") as f:
    f.write("""using UcPolicy;

// args: certificate role fqdn validation-time trust-anchor...
using var checker = new Checker { ValidationTime = DateTimeOffset.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) };
foreach (string anchor in args.Skip(4))
    checker.AddTrustAnchors(anchor);
Report report = checker.Check(args[0], args[1], new Topology { Fqdn = args[2] });
Console.WriteLine("native: " + Library.NativeLibraryPath);
Console.WriteLine("result: " + report.Result);
foreach (Finding finding in report.Findings)
    Console.WriteLine("finding: " + finding.Severity + " " + finding.Code);
return report.GetExitCode();
""")
cert_args = [os.path.join(fixtures, case["file"]), case["role"], case["topology"]["fqdn"], manifest["validationTime"]]
cert_args += [os.path.join(fixtures, t) for t in case["trust"]]


def check_output(r, where, label):
    out = r.stdout
    point(r.returncode == 2 and "finding: Error subject.cn-wildcard" in out and "result: Fail" in out,
          f"{label}: the incident certificate fails with subject.cn-wildcard, exit 2",
          [f"exit {r.returncode}", out[-2000:], r.stderr[-3000:]])
    loaded = next((line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("native: ")), "")
    point(loaded == os.path.join(where, "libucpolicy_csharp.so"), f"{label}: the wrapper is loaded from {where}",
          [loaded or out[-1000:]])


r = run([dotnet, "run", "--configuration", "Release", "--"] + cert_args)
check_output(r, os.path.join(app, "bin", "Release", "net10.0", "runtimes", rid, "native"), "dotnet run")
publish = os.path.join(tmp.name, "publish")
r = run([dotnet, "publish", "--configuration", "Release", "--runtime", rid, "--self-contained", "false",
         "--output", publish])
if point(r.returncode == 0, f"dotnet publish -r {rid}", [r.stdout[-3000:], r.stderr[-3000:]]):
    r = run([os.path.join(publish, "App")] + cert_args, cwd=tmp.name)
    check_output(r, publish, f"published for {rid}")
sys.exit(finish())
