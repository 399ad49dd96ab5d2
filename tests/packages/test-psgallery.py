#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The PowerShell module as an admin installs it: `ninja -C build psgallery`'s
UcPolicy.<version>.nupkg in a folder repository, installed both ways admins do it -- PowerShellGet 2
(Register-PSRepository, Install-Module -Scope CurrentUser: what Windows PowerShell 5.1 has) and
PSResourceGet (Register-PSResourceRepository, Install-PSResource) -- each into its own temporary
HOME (the user's profile and module path are never touched), then, in a fresh PowerShell session,
imported by name and run, without UCPOLICY_NATIVE_DIR, in the pinned PowerShell
(bindings/powershell/tests/.config).

Checks: the package's file list (manifest, formats, help, both lib folders, the
net10.0 assemblies compiled ReadyToRun in lib/net10.0-<rid> for each platform it carries, the
build machine's native libraries under runtimes/<rid>/native, win-x64 exactly when a Windows
native directory was given) and its Gallery metadata (version, tags, project and license URLs,
release notes); installed either way, Test-UcCertificate fails the wildcard-CN Exchange UM incident
certificate of the shared fixtures (tests/FIXTURES.md) with subject.cn-wildcard, loading the
wrapper from the installed module's runtimes folder.

Usage: test-psgallery.py DOTNET TOOLS_DIR VERSION RID FIXTURES WINDOWS_NATIVE_DIR|"" -- PACK_COMMAND...   (TAP on stdout)
PACK_COMMAND is what `ninja psgallery` runs (bindings/csharp/dotnet.py psgallery ...), given --output
here: the test packs into its temporary folder, so that a build with tests does not pack every time."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tap import finish, point  # noqa: E402
from packed import pack_and_read  # noqa: E402

split = sys.argv.index("--")
dotnet, tools, version, rid, fixtures, windows_dir = sys.argv[1:split]
fixtures = os.path.abspath(fixtures)
pack = sys.argv[split + 1:]

tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-psgallery-")
repo = os.path.join(tmp.name, "repo")
os.makedirs(repo)
nupkg, names, nuspec = pack_and_read(pack, tmp.name, version)
shutil.copy(nupkg, repo)

# ---- the package itself ----------------------------------------------------------------------
wanted = ["UcPolicy.psd1", "UcPolicy.Format.ps1xml", "en-US/about_UcPolicy.help.txt",
          "en-US/UcPolicy.PowerShell.dll-Help.xml"]
for tfm in ("net10.0", "netstandard2.0"):
    wanted += [f"lib/{tfm}/UcPolicy.dll", f"lib/{tfm}/UcPolicy.PowerShell.dll"]
missing = [w for w in wanted if w not in names]
# The manifest's root module is an assembly of lib/: no script module is left from before.
stale = [n for n in names if n.endswith(".psm1") or (n.startswith("lib/") and "/en-US/" in n)]
point(not missing and not stale, "the module: manifest, formats, help, both lib folders, no root script",
      missing + stale + names[:60])
# The net10.0 assemblies compiled ReadyToRun for each platform the package has natives for.
compiled = sorted({n.split("/")[1] for n in names if n.startswith("lib/net10.0-")})
compiled_wanted = sorted([f"net10.0-{rid}"] + (["net10.0-win-x64"] if windows_dir else []))
compiled_missing = [f"lib/{c}/{f}" for c in compiled_wanted
                    for f in ("UcPolicy.dll", "UcPolicy.PowerShell.dll")
                    if f"lib/{c}/{f}" not in names]
point(compiled == compiled_wanted and not compiled_missing,
      f"ReadyToRun copies of the net10.0 assemblies: {', '.join(compiled_wanted)}", compiled + compiled_missing)
native = sorted(n for n in names if n.startswith(f"runtimes/{rid}/native/"))
point(native == [f"runtimes/{rid}/native/libucpolicy.so.1", f"runtimes/{rid}/native/libucpolicy_csharp.so"],
      f"runtimes/{rid}/native: the wrapper and libucpolicy.so.1", native)
windows = sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("runtimes/win-x64/native/"))
if windows_dir:
    expected = sorted(f for f in os.listdir(windows_dir) if f.lower().endswith(".dll"))
    point(windows == expected and "ucpolicy_csharp.dll" in windows and "libucpolicy-1.dll" in windows,
          f"runtimes/win-x64/native: every DLL of {windows_dir}", [f"package: {windows}", f"directory: {expected}"])
else:
    point(not windows, "no runtimes/win-x64 without a Windows native directory", windows)

meta = {}
if nuspec:
    for element in xml.etree.ElementTree.fromstring(nuspec).iter():
        meta.setdefault(element.tag.rsplit("}", 1)[-1], (element.text or "").strip())
tags = (meta.get("tags") or "").split()
need_tags = ["PSEdition_Core", "PSEdition_Desktop", "Windows", "Linux", "Certificate", "SkypeForBusiness", "Lync",
             "Teams", "Exchange", "PSModule"]
point(meta.get("id") == "UcPolicy" and meta.get("version") == version, f"nuspec: id UcPolicy, version {version}",
      [nuspec[:1500]])
point(all(t in tags for t in need_tags), "nuspec: the Gallery tags", [f"missing: {[t for t in need_tags if t not in tags]}",
                                                                      meta.get("tags")])
point(meta.get("projectUrl") == "https://github.com/libucpolicy/libucpolicy"
      and meta.get("licenseUrl", "").startswith("https://github.com/libucpolicy/libucpolicy/")
      and meta.get("releaseNotes"), "nuspec: project URL, license URL, release notes",
      [meta.get("projectUrl"), meta.get("licenseUrl"), meta.get("releaseNotes")])

# ---- installed with PSResourceGet --------------------------------------------------------------
base = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1")
out = subprocess.run([dotnet, "nuget", "locals", "global-packages", "--list"], env=base, capture_output=True, text=True)
cache = next((line.split(":", 1)[1].strip() for line in out.stdout.splitlines() if line.startswith("global-packages:")), "")
r = subprocess.run([dotnet, "tool", "restore"], cwd=tools, env=base, capture_output=True, text=True)
if not point(r.returncode == 0 and cache, "the pinned PowerShell is restored", [r.stdout[-2000:], r.stderr[-2000:], out.stdout]):
    sys.exit(finish())

manifest = json.load(open(os.path.join(fixtures, "manifest.json")))
case = next(c for c in manifest["cases"] if c["id"] == "incident/exchange-um-wildcard-cn")
for name in ("UCPOLICY_NATIVE_DIR", "UCPOLICY_MODULE_TFM", "PSModulePath", "LD_LIBRARY_PATH"):
    base.pop(name, None)


def session(home, script):
    """One fresh pwsh process with @home as the user's home; its exit code, output lines and diagnostics."""
    env = dict(base, DOTNET_CLI_HOME=os.environ.get("DOTNET_CLI_HOME") or os.path.expanduser("~"), HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, ".config"), XDG_DATA_HOME=os.path.join(home, ".local", "share"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"), NUGET_PACKAGES=cache, POWERSHELL_TELEMETRY_OPTOUT="1",
               POWERSHELL_UPDATECHECK="Off", NO_COLOR="1",
               UCP_T_REPO=repo, UCP_T_VERSION=version, UCP_T_CERT=os.path.join(fixtures, case["file"]),
               UCP_T_ROLE=case["role"], UCP_T_FQDN=case["topology"]["fqdn"], UCP_T_TIME=manifest["validationTime"],
               UCP_T_TRUST=os.path.join(fixtures, case["trust"][0]))
    r = subprocess.run([dotnet, "tool", "run", "pwsh", "--", "-NoProfile", "-NonInteractive", "-Command",
                        "$ErrorActionPreference = 'Stop'\n$PSStyle.OutputRendering = 'PlainText'\n" + script],
                       cwd=tools, env=env, capture_output=True, text=True)
    return r.returncode, r.stdout.splitlines(), [f"exit {r.returncode}", r.stdout[-3000:], r.stderr[-3000:]]


def value(lines, key):
    return next((line.split(": ", 1)[1] for line in lines if line.startswith(key + ": ")), "")


installers = [
    ("Install-Module (PowerShellGet 2)", "PowerShellGet", r"""
Register-PSRepository -Name t -SourceLocation $env:UCP_T_REPO -InstallationPolicy Trusted
Install-Module UcPolicy -Repository t -Scope CurrentUser -RequiredVersion $env:UCP_T_VERSION
"""),
    ("Install-PSResource (PSResourceGet)", "Microsoft.PowerShell.PSResourceGet", r"""
Register-PSResourceRepository -Name t -Uri $env:UCP_T_REPO -Trusted
Install-PSResource UcPolicy -Repository t -Scope CurrentUser -Version $env:UCP_T_VERSION -TrustRepository
"""),
]
use = r"""
Import-Module UcPolicy
$module = Get-Module UcPolicy
"module: " + $module.Version + " " + $module.ModuleBase
"native: " + [UcPolicy.Library]::NativeLibraryPath
$r = Test-UcCertificate -Path $env:UCP_T_CERT -Role $env:UCP_T_ROLE -Fqdn $env:UCP_T_FQDN -TrustAnchor $env:UCP_T_TRUST `
    -ValidationTime ([DateTimeOffset]::Parse($env:UCP_T_TIME, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime)
"result: " + $r.Result
foreach ($f in $r.Findings) { "finding: " + $f.Severity + " " + $f.Code }
"""
for n, (what, module, install) in enumerate(installers):
    home = os.path.join(tmp.name, f"home{n}")
    # .NET's LocalApplicationData is empty unless the folder exists, and the installers would then
    # write their repository lists into the current directory.
    for sub in (".config", os.path.join(".local", "share"), ".cache"):
        os.makedirs(os.path.join(home, sub))
    rc, lines, diag = session(home, f"""
"installer: " + (Get-Module -ListAvailable {module} | Sort-Object Version -Descending | Select-Object -First 1).Version
{install}
"installed: " + (Get-InstalledPSResource UcPolicy -ErrorAction SilentlyContinue).Version
""")
    if not point(rc == 0 and value(lines, "installer") != "", f"{what}: the pinned PowerShell has it, and it installs UcPolicy", diag):
        continue
    rc, lines, diag = session(home, use)
    installed = os.path.join(home, ".local", "share", "powershell", "Modules", "UcPolicy", version)
    point(rc == 0 and value(lines, "module") == f"{version} {installed}",
          f"{what} -Scope CurrentUser puts it in the (temporary) user's module path; a fresh session's Import-Module UcPolicy loads it",
          [value(lines, "module"), f"expected {version} {installed}"] + diag)
    point(value(lines, "native") == os.path.join(installed, "runtimes", rid, "native", "libucpolicy_csharp.so"),
          f"{what}: the installed module loads its wrapper from its own runtimes folder", [value(lines, "native")] + diag)
    point(value(lines, "result") == "Fail" and "finding: Error subject.cn-wildcard" in lines,
          f"{what}: Test-UcCertificate fails the incident certificate with subject.cn-wildcard", diag)
stray = [d for d in ("PSResourceGet", "NuGet", "powershell", "PowerShellGet") if os.path.exists(os.path.join(tools, d))]
point(not stray, f"nothing written into {tools} (the current directory)", stray)
sys.exit(finish())
