#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ucpolicy check --topology X.tbxml --server FQDN` (TAP).

A Front End certificate for fe01 of tests/topology/contoso-enterprise.tbxml, made here with
certtool (a test CA, the pool's names, the three SIP domains' names, the simple URLs), passes
with --server fe01 and fails with --server fe02 (fe02 is not in its SAN): the facts come from
the server chosen. Without --server the command refuses a topology of several servers and lists
them; an unknown server is refused with the list; a topology of one server needs no --server;
--topology - reads the XML from standard input; a hostile document is an input error.

    test-cli-topology.py UCPOLICY TOPOLOGY_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tap  # noqa: E402
from tap import finish, point  # noqa: E402

UCPOLICY, TOPOLOGY_DIR = sys.argv[1], sys.argv[2]
ENTERPRISE = os.path.join(TOPOLOGY_DIR, "contoso-enterprise.tbxml")
SE = os.path.join(TOPOLOGY_DIR, "contoso-se.tbxml")


def run(args, stdin=None):
    p = subprocess.run([UCPOLICY] + args, capture_output=True, timeout=300,
                       **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def certtool(*args):
    subprocess.run(["certtool"] + list(args), check=True, capture_output=True, timeout=120)


if not shutil.which("certtool"):
    print("1..0 # SKIP certtool (gnutls-bin) is not installed")
    sys.exit(0)

tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-topology-")
d = tmp.name


def path(name):
    return os.path.join(d, name)


with open(path("ca.tmpl"), "w") as f:
    f.write('cn = "Contoso Topology Test Root"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n')
names = ["pool01.contoso.com", "fe01.contoso.com", "meet.contoso.com", "meet.fabrikam.com",
         "dialin.contoso.com", "admin.contoso.com"]
for domain in ("contoso.com", "fabrikam.com", "litwareinc.com"):
    names += [f"sip.{domain}", f"lyncdiscoverinternal.{domain}"]
with open(path("fe01.tmpl"), "w") as f:
    f.write('cn = "pool01.contoso.com"\n')
    f.writelines(f'dns_name = "{n}"\n' for n in names)
    f.write("tls_www_server\ntls_www_client\nsigning_key\nencryption_key\nexpiration_days = 365\n"
            'crl_dist_points = "http://crl.contoso.com/root.crl"\n')
for key in ("ca.key", "fe01.key"):
    certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", path(key))
certtool("--generate-self-signed", "--load-privkey", path("ca.key"), "--template", path("ca.tmpl"),
         "--outfile", path("ca.pem"))
certtool("--generate-certificate", "--load-privkey", path("fe01.key"), "--load-ca-privkey", path("ca.key"),
         "--load-ca-certificate", path("ca.pem"), "--template", path("fe01.tmpl"), "--outfile", path("fe01.pem"))

base = ["check", "--role", "frontend-default", "--trust", path("ca.pem"), "--color", "never"]

# ---- the facts of the server chosen ----
code, out, err = run(base + ["--topology", ENTERPRISE, "--server", "fe01.contoso.com", "--format", "json",
                             path("fe01.pem")])
point(code == 0, "--server fe01: the certificate made for fe01 passes (exit 0)", [out[-2000:], err])
try:
    report = json.loads(out)
    reports = report.get("reports", [report]) if isinstance(report, dict) else report
    text = json.dumps(reports)
except ValueError:
    text = ""
point('"fe01.contoso.com"' in text and '"pool01.contoso.com"' in text,
      "--server fe01: the report's facts are fe01's and its pool's", [text[:2000]])

code, out, err = run(base + ["--topology", ENTERPRISE, "--server", "FE02.Contoso.com", path("fe01.pem")])
point(code == 2 and "san.fqdn-missing" in out and "fe02.contoso.com" in out,
      "--server fe02: the same certificate fails, fe02 missing from the SAN (exit 2)", [out[-3000:], err])

# ---- choosing the server ----
code, out, err = run(base + ["--topology", ENTERPRISE, path("fe01.pem")])
point(code == 3 and "lists 9 servers" in err and "--server" in err and "edge01.contoso.net (pool edgepool.contoso.net)" in err
      and not out, "no --server with 9 servers: exit 3, the servers listed", [code, out, err])
code, out, err = run(base + ["--topology", ENTERPRISE, "--server", "sql01.contoso.com", path("fe01.pem")])
point(code == 3 and "no server 'sql01.contoso.com'" in err and "fe01.contoso.com" in err,
      "--server naming no server of the topology: exit 3, the servers listed", [code, err])
code, out, err = run(base + ["--server", "fe01.contoso.com", path("fe01.pem")])
point(code == 3 and "--server needs --topology" in err, "--server without --topology: exit 3", [code, err])
code, out, err = run(base + ["--topology", SE, path("fe01.pem")])
point(code == 2 and "--server" not in err and "se01.contoso.com" in out,
      "a topology of one server needs no --server (its facts used: fe01's certificate fails for se01)",
      [code, out[-2000:], err])

# ---- options still win; standard input ----
code, out, err = run(base + ["--topology", ENTERPRISE, "--server", "fe02.contoso.com", "--fqdn", "fe01.contoso.com",
                             path("fe01.pem")])
point(code == 0, "--fqdn given after --server wins over the topology's", [out[-2000:], err])
with open(ENTERPRISE, "rb") as f:
    xml = f.read()
code, out, err = run(base + ["--topology", "-", "--server", "fe01.contoso.com", path("fe01.pem")], stdin=xml)
point(code == 0, "--topology - reads the XML from standard input", [out[-2000:], err])

# ---- bad documents: input errors naming the file ----
bad = path("bad.tbxml")
with open(bad, "w") as f:
    f.write('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
            '<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008">&e;'
            '</TopologyBuilder>\n')
code, out, err = run(base + ["--topology", bad, path("fe01.pem")])
point(code == 3 and "bad.tbxml" in err and "DOCTYPE" in err and "root:" not in err + out,
      "an external entity: refused (exit 3), nothing read", [code, err])

sys.exit(finish())
