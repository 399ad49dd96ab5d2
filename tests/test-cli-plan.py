#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ucpolicy plan --topology FILE` (TAP).

The plan of tests/topology/adatum-lync2013.tbxml (a Lync Server 2013 Front End pool with a
collocated Mediation Server, a Director, an Edge Server with XMPP, a Persistent Chat pool; two
SIP domains) is checked server by server and name by name against what the role rules ask
given each server's facts; the same for contoso-enterprise.tbxml's Front End and Edge. Every
format renders; --server picks one server; bad uses are usage errors (exit 3).

Then the requests: `--request certtool` and `--request openssl` write one file per
certificate; from each, a request is made (certtool --generate-request, openssl req), signed by
a test CA (certtool: with the same template for the certtool one, copying the requested
extensions for the OpenSSL one; a CRL distribution point added) and
`ucpolicy check --role ROLE --topology ... --server ...` passes for it (exit 0). certreq and
powershell files are written and name what they must.

    test-cli-plan.py UCPOLICY TOPOLOGY_DIR
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import finish, point  # noqa: E402

UCPOLICY, TOPOLOGY_DIR = sys.argv[1], sys.argv[2]
ADATUM = os.path.join(TOPOLOGY_DIR, "adatum-lync2013.tbxml")
ENTERPRISE = os.path.join(TOPOLOGY_DIR, "contoso-enterprise.tbxml")


def run(args, stdin=None):
    p = subprocess.run([UCPOLICY] + args, capture_output=True, timeout=300,
                       **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}))
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# ---- the plan, name by name ----
code, out, err = run(["plan", "--topology", ADATUM, "--format", "json"])
point(code == 0, "plan --format json: exit 0", [code, err])
try:
    plan = json.loads(out)
except ValueError:
    plan = {"servers": []}
servers = {s["fqdn"]: s for s in plan.get("servers", [])}
point(list(servers) == ["lfe01.adatum.com", "lfe02.adatum.com", "ldir01.adatum.com", "ledge01.dmz.adatum.com",
                        "chat01.adatum.com", "chat02.adatum.com"],
      "six servers, in the topology's order", [list(servers)])


def cert(server, role):
    for c in servers.get(server, {}).get("certificates", []):
        if c["role"] == role:
            return c
    return {}


def roles(server):
    return [c["role"] for c in servers.get(server, {}).get("certificates", [])]


DOMAINS = ["adatum.com", "adatum.org"]
SIMPLE = ["meet.adatum.com", "meet.adatum.org", "dialin.adatum.com"]
WILD = [f"*.{d}" for d in DOMAINS]
expect = {
    # server, role: subject, required, optional, publicCa, poolShared
    ("lfe01.adatum.com", "frontend-default"): (
        "lyncpool.adatum.com", ["lyncpool.adatum.com", "lfe01.adatum.com"],
        [n for d in DOMAINS for n in (f"sip.{d}", f"lyncdiscoverinternal.{d}")] + WILD, False, False),
    ("lfe02.adatum.com", "frontend-default"): (
        "lyncpool.adatum.com", ["lyncpool.adatum.com", "lfe02.adatum.com"],
        [n for d in DOMAINS for n in (f"sip.{d}", f"lyncdiscoverinternal.{d}")] + WILD, False, False),
    ("lfe01.adatum.com", "frontend-web-internal"): (
        "lyncpool.adatum.com",
        ["lyncpool.adatum.com", "lfe01.adatum.com", "lyncext.adatum.com"] + SIMPLE + ["admin.adatum.com"],
        [f"lyncdiscoverinternal.{d}" for d in DOMAINS] + WILD, False, False),
    ("lfe01.adatum.com", "frontend-web-external"): (
        "lyncpool.adatum.com", ["lyncpool.adatum.com", "lyncext.adatum.com"] + SIMPLE,
        [f"lyncdiscover.{d}" for d in DOMAINS] + WILD, False, False),
    ("lfe01.adatum.com", "oauth-token-issuer"): ("adatum.com", [], ["adatum.org"], False, True),
    ("ldir01.adatum.com", "director-default"): (
        "ldir01.adatum.com", ["ldir01.adatum.com"],
        [n for d in DOMAINS for n in (f"sip.{d}", f"lyncdiscoverinternal.{d}")] + WILD, False, False),
    ("ldir01.adatum.com", "director-web-external"): (
        "ldir01.adatum.com", ["ldir01.adatum.com", "dirext.adatum.com"] + SIMPLE,
        [f"lyncdiscover.{d}" for d in DOMAINS] + WILD, False, False),
    ("ledge01.dmz.adatum.com", "edge-internal"): (
        "ledge01.dmz.adatum.com", ["ledge01.dmz.adatum.com"], [], False, True),
    # Lync 2013 with XMPP: xmpp.<domain> and the domain recommended (warning); *.<domain> is a
    # warning there, so not offered; the A/V Edge FQDN is not needed (decision 2).
    ("ledge01.dmz.adatum.com", "edge-external"): (
        "access.adatum.com",
        ["access.adatum.com", "webconf.adatum.com", "sip.adatum.com", "sip.adatum.org"],
        ["xmpp.adatum.com", "adatum.com"], True, True),
    ("ledge01.dmz.adatum.com", "edge-av-auth"): ("ledge01.dmz.adatum.com", [], [], False, True),
    ("chat02.adatum.com", "persistent-chat"): (
        "chatpool.adatum.com", ["chatpool.adatum.com", "chat02.adatum.com"], [], False, False),
}
for (server, role), (subject, required, optional, public, shared) in expect.items():
    c = cert(server, role)
    got = (c.get("subjectName"), c.get("requiredNames"), c.get("optionalNames"), c.get("publicCa"), c.get("poolShared"))
    point(got == (subject, required, optional, public, shared), f"{server} {role}: subject, names, CA, sharing",
          [f"got  {got}", f"want {(subject, required, optional, public, shared)}"])
point(roles("lfe01.adatum.com") == ["frontend-default", "frontend-web-internal", "frontend-web-external",
                                    "oauth-token-issuer"],
      "a Front End with a collocated Mediation Server needs no Mediation certificate", [roles("lfe01.adatum.com")])
point(roles("ledge01.dmz.adatum.com") == ["edge-internal", "edge-external", "edge-av-auth"], "the Edge's three")
c = cert("ledge01.dmz.adatum.com", "edge-external")
point(c.get("eku") == ["serverAuth", "clientAuth"] and c.get("minRsaBits") == 2048 and c.get("eccAccepted") is False
      and c.get("exportableKey") is True, "Edge external: EKU, RSA 2048, no ECC on Lync 2013, exportable", [c])
point(all(s["product"] == "lync2013" for s in servers.values()), "the product from ServiceVersion 6")

# ---- formats and --server ----
code, out, err = run(["plan", "--topology", ADATUM, "--server", "CHAT01.adatum.com."])
point(code == 0 and out.startswith("chat01.adatum.com (pool chatpool.adatum.com, Lync Server 2013): 1 certificate")
      and "required SAN:   chatpool.adatum.com, chat01.adatum.com" in out and "1 server, 1 certificate" in out,
      "text of one server", [code, out, err])
code, out, err = run(["plan", "--topology", ADATUM, "--format", "csv"])
rows = list(csv.reader(io.StringIO(out)))
point(code == 0 and rows[0][:6] == ["server", "pool", "product", "role", "subjectName", "requiredNames"]
      and len(rows) == 17 and ["lfe02.adatum.com", "lyncpool.adatum.com", "lync2013", "oauth-token-issuer", "adatum.com", ""]
      == rows[8][:6], "CSV: a header and one row per certificate (16)", [code, rows[:3], err])
code, out, err = run(["plan", "--topology", ADATUM, "--format", "html"])
point(code == 0 and out.startswith("<!DOCTYPE html>") and out.count("<h2>") == 6 and "<script" not in out,
      "HTML: one section per server", [code, err])
with open(ENTERPRISE, "rb") as f:
    xml = f.read()
code, out, err = run(["plan", "--topology", "-", "--format", "json", "--server", "fe02.contoso.com"], stdin=xml)
fe02 = json.loads(out)["servers"] if code == 0 else []
point(code == 0 and len(fe02) == 1 and fe02[0]["certificates"][0]["requiredNames"] == ["pool01.contoso.com", "fe02.contoso.com"]
      and fe02[0]["certificates"][0]["optionalNames"][:2] == ["sip.contoso.com", "lyncdiscoverinternal.contoso.com"],
      "--topology - with --server: fe02's Default certificate", [code, out[:1500], err])

# ---- usage errors ----
for args, needle, name in [
    (["plan"], "--topology", "no --topology"),
    (["plan", "--topology", ADATUM, "--server", "sql.adatum.com"], "lfe01.adatum.com", "an unknown server, the servers listed"),
    (["plan", "--topology", ADATUM, "--format", "sarif"], "sarif", "a format a plan does not have"),
    (["plan", "--topology", ADATUM, "--request", "certtool"], "--output-dir", "--request without --output-dir"),
    (["plan", "--topology", ADATUM, "--request", "pkcs10", "--output-dir", "x"], "pkcs10", "an unknown request format"),
    (["plan", "--topology", os.path.join(TOPOLOGY_DIR, "missing.tbxml")], "missing.tbxml", "a missing file named"),
]:
    code, out, err = run(args)
    point(code == 3 and needle in err and not out, f"{name}: exit 3", [code, out[:500], err])
tmp = tempfile.TemporaryDirectory(prefix="ucpolicy-plan-")
d = tmp.name


def path(name):
    return os.path.join(d, name)


with open(path("facts.json"), "w") as f:
    f.write('{"fqdn": "fe01.contoso.com"}')
code, out, err = run(["plan", "--topology", path("facts.json")])
point(code == 3 and "lists servers" in err, "JSON facts are no deployment: exit 3", [code, err])

# ---- requests: every format written ----
for fmt, ext, needle in [("certreq", ".inf", 'Subject = "CN=lyncpool.adatum.com"'),
                         ("powershell", ".ps1", "Request-CsCertificate -New -Type Default"),
                         ("openssl", ".cnf", "CN = lyncpool.adatum.com"),
                         ("certtool", ".tmpl", 'cn = "lyncpool.adatum.com"')]:
    out_dir = path(fmt)
    code, out, err = run(["plan", "--topology", ADATUM, "--request", fmt, "--output-dir", out_dir])
    files = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
    text = open(os.path.join(out_dir, "lfe01.adatum.com-frontend-default" + ext)).read() if files else ""
    point(code == 0 and len(files) == 16 and f"wrote 16 {fmt} requests" in err and needle in text,
          f"--request {fmt}: 16 files, named SERVER-ROLE{ext}", [code, err, files[:4], text[:600]])

# A directory name outside ASCII (and outside any ANSI code page): on Windows the files are
# created through the wide-character calls.
out_dir = path("requ\u00eates-\u8b49\u66f8")
code, out, err = run(["plan", "--topology", ADATUM, "--request", "certreq", "--output-dir", out_dir])
files = sorted(os.listdir(out_dir)) if os.path.isdir(out_dir) else []
point(code == 0 and len(files) == 16 and "lfe01.adatum.com-frontend-default.inf" in files,
      "--output-dir with a non-ASCII name: created, 16 files in it", [code, err, files[:4]])

if not point(shutil.which("certtool") is not None, "certtool is installed (Debian: gnutls-bin)"):
    sys.exit(finish())


# ---- requests: issued certificates pass their check ----
def tool(*args):
    p = subprocess.run(list(args), capture_output=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {p.stderr.decode(errors='replace')[:800]}")


with open(path("ca.tmpl"), "w") as f:
    f.write('cn = "Plan Test Root"\nca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n')
with open(path("sign.tmpl"), "w") as f:
    # The CA copies what was requested and adds its CRL distribution point; 90 days keeps the
    # public-CA validity caps quiet.
    f.write('honor_crq_extensions\nexpiration_days = 90\ncrl_dist_points = "http://crl.adatum.com/root.crl"\nca_issuers_uri = "http://crl.adatum.com/root.crt"\n')
tool("certtool", "--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", path("ca.key"))
tool("certtool", "--generate-self-signed", "--load-privkey", path("ca.key"), "--template", path("ca.tmpl"),
     "--outfile", path("ca.pem"))
tool("certtool", "--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", path("leaf.key"))
have_openssl = shutil.which("openssl") is not None

for topology, stem in [(ADATUM, "adatum"), (ENTERPRISE, "contoso")]:
    code, out, err = run(["plan", "--topology", topology, "--format", "json"])
    checked = 0
    for srv in json.loads(out)["servers"]:
        for c in srv["certificates"]:
            name = f"{srv['fqdn']}-{c['role']}"
            for fmt, ext in [("certtool", ".tmpl")] + ([("openssl", ".cnf")] if have_openssl else []):
                out_dir = path(f"{stem}-{fmt}")
                if not os.path.isdir(out_dir):
                    run(["plan", "--topology", topology, "--request", fmt, "--output-dir", out_dir])
                req, pem = path(f"{name}-{fmt}.req"), path(f"{name}-{fmt}.pem")
                try:
                    if fmt == "certtool":
                        tool("certtool", "--generate-request", "--load-privkey", path("leaf.key"), "--template",
                             os.path.join(out_dir, name + ext), "--outfile", req)
                    else:
                        tool("openssl", "req", "-new", "-config", os.path.join(out_dir, name + ext), "-key",
                             path("leaf.key"), "-out", req)
                    sign = path("sign.tmpl")
                    if fmt == "certtool":
                        # The GnuTLS way: the CA signs with the same template, its CRL added.
                        sign = path(f"{name}-sign.tmpl")
                        with open(os.path.join(out_dir, name + ext)) as f, open(sign, "w") as g:
                            g.write(f.read() + 'expiration_days = 90\ncrl_dist_points = "http://crl.adatum.com/root.crl"\nca_issuers_uri = "http://crl.adatum.com/root.crt"\n')
                    tool("certtool", "--generate-certificate", "--load-request", req, "--load-ca-privkey",
                         path("ca.key"), "--load-ca-certificate", path("ca.pem"), "--template", sign,
                         "--outfile", pem)
                except RuntimeError as e:
                    point(False, f"{name}: a certificate from the {fmt} request", [e])
                    continue
                args = ["check", "--role", c["role"], "--topology", topology, "--server", srv["fqdn"], "--trust",
                        path("ca.pem"), "--color", "never"]
                if c["publicCa"]:
                    args += ["--public-roots", path("ca.pem")]
                code, cout, cerr = run(args + [pem])
                if c["role"] == "persistent-chat" and srv["product"] == "sfb2019":
                    # contoso-enterprise marks its Persistent Chat service SfB 2019, which has no
                    # such role: the certificate is right, the check warns about the product only.
                    point(code == 1 and "input.role-product" in cout and "0 errors, 1 warning, 0 info" in cout,
                          f"{name}: issued from the {fmt} request, only the product warning (exit 1)",
                          [code, cout[-2500:], cerr])
                else:
                    point(code == 0, f"{name}: issued from the {fmt} request, it passes check (exit 0)",
                          [code, cout[-2500:], cerr])
                checked += 1
    point(checked >= 16, f"{stem}: every planned certificate requested and checked ({checked})")

sys.exit(finish())
