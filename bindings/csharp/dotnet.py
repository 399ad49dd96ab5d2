#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drives the dotnet SDK for meson: build the .NET solution, run the xunit and Pester suites.

    dotnet.py build  --dotnet DOTNET --solution SLN --artifacts DIR --stamp FILE [--property K=V]...
    dotnet.py xunit  --dotnet DOTNET --assembly TESTS.dll --results DIR
    dotnet.py pester --dotnet DOTNET --tools DIR --script RUN.ps1 [--pester-version V] [-- ARGS...]

The environment is made quiet and stateless: no telemetry or first-run banner, no MSBuild node
reuse and no compiler server, so nothing outlives a build or a test (CI waits for its children).
Exit status: that of the dotnet command; 99 for a setup error (STYLE.md rule 35).
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time
import xml.etree.ElementTree

SETUP_ERROR = 99


def dotnet_env():
    env = dict(os.environ)
    env.update({
        'DOTNET_CLI_TELEMETRY_OPTOUT': '1',
        'DOTNET_NOLOGO': '1',
        'DOTNET_SKIP_FIRST_TIME_EXPERIENCE': '1',
        'DOTNET_CLI_USE_MSBUILD_SERVER': '0',
        'MSBUILDDISABLENODEREUSE': '1',
        'DOTNET_GENERATE_ASPNET_CERTIFICATE': 'false',
        'DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE': 'true',
    })
    return env


def run(cmd, **kwargs):
    print('+', ' '.join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], env=kwargs.pop('env', dotnet_env()), **kwargs).returncode


def build(args):
    started = time.monotonic()
    cmd = [args.dotnet, 'build', args.solution,
           '--configuration', 'Release',
           '--artifacts-path', args.artifacts,
           '--disable-build-servers',
           '-maxcpucount:1', '-nodeReuse:false',
           '--verbosity', 'minimal', '-consoleLoggerParameters:NoSummary']
    # A ';' in a value would start another property: MSBuild escaping (projects unescape lists).
    cmd += ['-property:' + p.replace(';', '%3B') for p in args.property]
    status = run(cmd)
    if status != 0:
        return status
    pathlib.Path(args.stamp).write_text('built in %.1f s\n' % (time.monotonic() - started))
    print('dotnet build took %.1f s' % (time.monotonic() - started), flush=True)
    return 0


def xunit(args):
    if not os.path.isfile(args.assembly):
        print('no test assembly at %s: build first' % args.assembly, file=sys.stderr)
        return SETUP_ERROR
    os.makedirs(args.results, exist_ok=True)
    trx = os.path.join(args.results, 'csharp-facade.trx')
    if os.path.exists(trx):
        os.remove(trx)
    status = run([args.dotnet, 'test', args.assembly,
                  '--logger', 'console;verbosity=normal',
                  '--logger', 'trx;LogFileName=' + trx,
                  '--results-directory', args.results])
    counters = trx_counters(trx)
    if counters is None:
        print('no test results in %s' % trx, file=sys.stderr)
        return status or SETUP_ERROR
    passed, failed, skipped = counters
    # The closing line CI reads.
    print('csharp: %d passed, %d failed, %d skipped' % (passed, failed, skipped), flush=True)
    if status == 0 and passed == 0:
        print('no test ran', file=sys.stderr)
        return 1
    return status


def trx_counters(path):
    """(passed, failed, skipped) from a VSTest TRX file, or None."""
    try:
        root = xml.etree.ElementTree.parse(path).getroot()
    except (OSError, xml.etree.ElementTree.ParseError):
        return None
    for element in root.iter():
        if element.tag.endswith('}Counters') or element.tag == 'Counters':
            a = element.attrib
            total, executed = int(a.get('total', 0)), int(a.get('executed', 0))
            # Skipped tests are in total but not executed (notExecuted stays 0 for xunit skips).
            skipped = max(int(a.get('notExecuted', 0)), total - executed)
            return int(a.get('passed', 0)), int(a.get('failed', 0)), skipped
    return None


def global_packages(dotnet):
    """The NuGet global packages folder (where restore put Pester and the PowerShell tool)."""
    out = subprocess.run([dotnet, 'nuget', 'locals', 'global-packages', '--list'],
                         env=dotnet_env(), capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith('global-packages:'):
            return pathlib.Path(line.split(':', 1)[1].strip())
    raise RuntimeError('dotnet nuget locals printed no global-packages folder: ' + out)


def pester(args):
    tools = pathlib.Path(args.tools)
    manifest = json.loads((tools / '.config' / 'dotnet-tools.json').read_text())
    if 'powershell' not in manifest.get('tools', {}):
        print('the tool manifest pins no PowerShell', file=sys.stderr)
        return SETUP_ERROR
    # The pinned pwsh (a local tool): restored into the NuGet cache, run through `dotnet tool run`.
    if run([args.dotnet, 'tool', 'restore'], cwd=tools) != 0:
        return SETUP_ERROR
    try:
        pester_psd1 = global_packages(args.dotnet) / 'pester' / args.pester_version / 'tools' / 'Pester.psd1'
    except (subprocess.CalledProcessError, RuntimeError) as e:
        print(e, file=sys.stderr)
        return SETUP_ERROR
    if not pester_psd1.is_file():
        print('Pester %s is not in the NuGet cache (%s): build first (the test helper project '
              'downloads it)' % (args.pester_version, pester_psd1), file=sys.stderr)
        return SETUP_ERROR
    env = dotnet_env()
    env['UCPOLICY_PESTER'] = str(pester_psd1)
    # No update checks, no telemetry, no profile: the run depends on nothing but the build tree.
    env['POWERSHELL_TELEMETRY_OPTOUT'] = '1'
    env['POWERSHELL_UPDATECHECK'] = 'Off'
    env['POWERSHELL_CLI_TELEMETRY_OPTOUT'] = '1'
    env['NO_COLOR'] = '1'
    extra = args.rest[1:] if args.rest[:1] == ['--'] else args.rest
    return run([args.dotnet, 'tool', 'run', 'pwsh', '--', '-NoProfile', '-NonInteractive',
                '-File', args.script] + extra, cwd=tools, env=env)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest='command', required=True)

    p = sub.add_parser('build')
    p.add_argument('--dotnet', required=True)
    p.add_argument('--solution', required=True)
    p.add_argument('--artifacts', required=True)
    p.add_argument('--stamp', required=True)
    p.add_argument('--property', action='append', default=[])
    p.set_defaults(func=build)

    p = sub.add_parser('xunit')
    p.add_argument('--dotnet', required=True)
    p.add_argument('--assembly', required=True)
    p.add_argument('--results', required=True)
    p.set_defaults(func=xunit)

    p = sub.add_parser('pester')
    p.add_argument('--dotnet', required=True)
    p.add_argument('--tools', required=True)
    p.add_argument('--script', required=True)
    p.add_argument('--pester-version', default='5.7.1')
    p.add_argument('rest', nargs=argparse.REMAINDER)
    p.set_defaults(func=pester)

    args = parser.parse_args()
    sys.exit(args.func(args))


if __name__ == '__main__':
    main()
