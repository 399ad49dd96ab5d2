#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora of the fuzz targets (tests/fuzz/README.md); nothing binary is committed.

  make-seeds.py --out DIR --source SRCROOT [--certgen EXE] [--extra DIR]... [--stamp FILE]

DIR/<target>/ receives: the example PKI (examples/certs, examples/topology), the files the
fixture generator writes (it is run into a scratch directory; when it stops early, as it may while
the catalogue grows, the files it wrote are used all the same), the files of --extra directories
(the hostile-input generator's), and seeds made here for the text targets (names, probe) and
for the template extensions. Files larger than 256 KiB are left out: libFuzzer mutates small
inputs best, and the replay suite runs the seeds under valgrind.
"""
import argparse
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from der import integer, oid, tlv  # noqa: E402  (tests/der.py)

MAX_SEED = 256 * 1024
TARGETS = ["input", "check", "names", "topology", "topology-xml", "probe", "pkcs12", "templates", "crl", "der", "cert"]


class Seeds:
    def __init__(self, out):
        self.out = out
        self.count = {t: 0 for t in TARGETS}
        for t in TARGETS:
            os.makedirs(os.path.join(out, t), exist_ok=True)

    def add(self, target, data, name=None):
        # The full check runs six roles and renders each report: large seeds would take the
        # whole bounded run to load.
        if len(data) > (64 * 1024 if target == "check" else MAX_SEED):
            return
        digest = hashlib.sha1(data).hexdigest()[:16]
        # The fixtures are about 1,400 files that differ from one another in one rule each; at
        # about 20 full checks a second under ASan, libFuzzer's first pass over all of them took
        # 72 s, more than a bounded run, before any mutation. One in five (chosen by content,
        # so the same every build) keeps their variety; the manifest tests run them all.
        if target == "check" and name == "fixtures" and int(digest, 16) % 5:
            return
        path = os.path.join(self.out, target, (name + "-" if name else "") + digest)
        with open(path, "wb") as f:
            f.write(data)
        self.count[target] += 1


def classify(path, data):
    low = path.lower()
    kinds = set()
    if low.endswith((".pfx", ".p12")):
        kinds |= {"input", "check", "pkcs12", "der"}
    elif low.endswith(".crl") or b"BEGIN X509 CRL" in data:
        kinds |= {"crl"}
    elif low.endswith(".json"):
        kinds |= {"topology"}
    elif low.endswith((".tbxml", ".xml")):
        kinds |= {"topology-xml"}
    elif low.endswith((".pem", ".der", ".cer", ".crt", ".p7b", ".p7c", ".bin")):
        kinds |= {"input", "check"}
    if data[:1] == b"\x30" and not low.endswith(".pem"):
        kinds |= {"der"}
    return kinds


def pem_certificates(data):
    """The DER of each PEM certificate in @data, and @data itself when it looks like DER (the
    certificate target takes one DER certificate)."""
    if data[:1] == b"\x30":
        return [data]
    out = []
    for block in data.split(b"-----BEGIN CERTIFICATE-----")[1:]:
        body = block.split(b"-----END CERTIFICATE-----")[0]
        try:
            out.append(base64.b64decode(b"".join(body.split()), validate=True))
        except ValueError:
            pass
    return out[:4]


def walk(seeds, root, label):
    for dirpath, _, files in os.walk(root):
        for fn in sorted(files):
            path = os.path.join(dirpath, fn)
            try:
                with open(path, "rb") as f:
                    data = f.read(MAX_SEED + 1)
            except OSError:
                continue
            for t in classify(path, data):
                seeds.add(t, data, label)
            for der in pem_certificates(data):
                seeds.add("cert", der, label)


def names(seeds):
    pairs = [
        ("exch01.contoso.com", "exch01.contoso.com"),
        ("EXCH01.Contoso.COM", "exch01.contoso.com"),
        ("*.contoso.com", "exch01.contoso.com"),
        ("*.contoso.com", "contoso.com"),
        ("*.contoso.com", "a.b.contoso.com"),
        ("*.*.com", "a.b.com"),
        ("*.com", "contoso.com"),
        ("*.co.uk", "contoso.co.uk"),
        ("xn--*.contoso.com", "xn--bcher-kva.contoso.com"),
        ("XN--BCHER-KVA.contoso.com", "xn--bcher-kva.contoso.com"),
        ("exch*.contoso.com", "exch01.contoso.com"),
        ("*", "contoso"),
        ("exch01.contoso.com\0.evil.com", "exch01.contoso.com"),
        ("b\xc3\xbccher.contoso.com", "xn--bcher-kva.contoso.com"),
        ("\xff\xfe.contoso.com", "contoso.com"),
        ("exch_01.contoso.com", "exch_01.contoso.com"),
        ("-a.contoso.com", "-a.contoso.com"),
        ("a" * 64 + ".contoso.com", "a" * 64 + ".contoso.com"),
        (".".join(["a" * 63] * 4), "x"),
        ("exch01.contoso.com.", "exch01.contoso.com"),
        ("*.contoso.com", "exch01.contoso.com."),
    ]
    for p, h in pairs:
        seeds.add("names", (p + "\n" + h).encode("latin-1") if "\xc3" in p or "\xff" in p
                  else (p + "\n" + h).encode("utf-8"), "names")


def topologies(seeds):
    docs = [
        b'{"product":"sfb2019","fqdn":"fe01.contoso.com","pool":"pool01.contoso.com",'
        b'"sipDomains":["contoso.com","fabrikam.com"],"simpleUrls":["https://meet.contoso.com/x",'
        b'"dialin.contoso.com"],"webFqdn":"webext.contoso.com","accessEdge":"sip.contoso.com",'
        b'"webConfEdge":"webcon.contoso.com","xmppDomain":"contoso.com"}',
        b'{"fqdn": 1}', b'{"sipDomains": "contoso.com"}', b'{"sipDomains": [1, null]}',
        b'{"product": "lync2010", "comment": "x", "$schema": "y"}', b'{"fqdn": null}',
        b'[]', b'"x"', b'{"fqdn":"a"}', b'{"fqdn":"exch01.contoso.com","fqdn":"x.y"}',
        b'{"unknown": 1}', b'{"fqdn":"\\u0000.contoso.com"}', b'{"fqdn":"b\\u00fccher.contoso.com"}',
        b'{"sipDomains":[' + b",".join(b'"d%d.contoso.com"' % i for i in range(50)) + b']}',
        b'[' * 64 + b']' * 64, b'{"a":' * 32 + b'1' + b'}' * 32,
    ]
    for d in docs:
        seeds.add("topology", d, "synthetic")
    tb = (b'<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008"><NewTopology>'
          b'<PartialTopology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.WritableTopology.2008">%s'
          b'</PartialTopology></NewTopology></TopologyBuilder>')
    pool = (b'<CentralSites><CentralSite><Clusters><Cluster UniqueId="1" Fqdn="pool01.contoso.com"><Machines>'
            b'<Machine Fqdn="fe01.contoso.com"/><Machine Fqdn="fe02.contoso.com"/></Machines></Cluster>'
            b'<Cluster UniqueId="2" Fqdn="edge.contoso.com"><Machines><Machine/></Machines></Cluster>'
            b'</Clusters></CentralSite></CentralSites>'
            b'<Services><Service RoleName="Registrar" InstalledOn="1" ServiceVersion="7"><Ports '
            b'xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"><Port Owner="urn:component:X" '
            b'Port="5061" InterfaceSide="Primary" Protocol="Mtls"/></Ports></Service>'
            b'<Service RoleName="EdgeServer" InstalledOn="2"><Ports '
            b'xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.ServiceRoles.2008"><Port '
            b'Owner="urn:component:AccessEdge" InterfaceSide="External" Port="443" ConfiguredFqdn="sip.contoso.com"/>'
            b'<Port Owner="urn:component:XmppFederationProxy" InterfaceSide="External" Port="5269"/></Ports>'
            b'</Service></Services>')
    domains = (b'<InternalDomains xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008" '
               b'DefaultDomain="contoso.com"><InternalDomain Name="fabrikam.com"/></InternalDomains>')
    for body in (pool, domains, domains + pool, b"", b"<Services>" * 40):
        seeds.add("topology-xml", tb % body, "synthetic")
    seeds.add("topology-xml", b'<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">'
              b'<Clusters><Cluster Fqdn="p.contoso.com"><ClusterId SiteId="1" Number="1"/><Machine Fqdn="m.contoso.com"/>'
              b'</Cluster></Clusters><Services><Service><ServiceId RoleName="Registrar"/><InstalledOn><ClusterId '
              b'SiteId="1" Number="1"/></InstalledOn></Service></Services></Topology>', "synthetic")


def probe(seeds):
    smtp, after, sip = b"\x00", b"\x01", b"\x02"
    convos = [
        smtp + b"220 mail.contoso.com ESMTP\r\n250-mail.contoso.com\r\n250-SIZE 1000\r\n250 STARTTLS\r\n220 Go ahead\r\n",
        smtp + b"220 mail ESMTP\r\n250-mail\r\n250 8BITMIME\r\n",
        smtp + b"220 mail\r\n250 STARTTLS\r\n220 ready\r\nINJECTED\r\n",
        smtp + b"554 no\r\n",
        smtp + b"HTTP/1.1 400 Bad Request\r\n\r\n",
        smtp + b"220-first\r\n221 other\r\n",
        smtp + b"220 " + b"x" * 5000 + b"\r\n",
        after + b"250-mail.contoso.com\r\n250 STARTTLS\r\n",
        after + b"530 5.7.1 Client was not authenticated\r\n",
        after + b"421 closing\r\n",
        sip + b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        sip + b"SIP/2.0 100 Trying\r\nl: 4\r\n\r\nabcdSIP/2.0 403 Forbidden\r\nms-diagnostics: 1000;reason=\"The peer is not a configured server on this network interface\"\r\n\r\n",
        sip + b"\r\n\r\nSIP/2.0 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
        sip + b"SIP/2.0 180 Ringing\r\n" * 12,
        sip + b"SIP/2.0 500 Server Error\r\nms-diagnostics: \x1b[31mred\x00\r\n\r\n",
        sip + b"SIP/2.0 183 Session\r\nContent-Length: 99999999999\r\n\r\n",
        sip + b"garbage\r\n",
    ]
    for c in convos:
        seeds.add("probe", c, "synthetic")


def templates(seeds):
    tmpl = tlv(0x30, oid("1.3.6.1.4.1.311.21.8.1.2.3.4") + integer(100) + integer(5))
    seeds.add("templates", tmpl, "template")
    seeds.add("templates", tlv(0x30, oid("1.3.6.1.4.1.311.21.8.9")), "template")
    seeds.add("templates", tlv(0x30, oid("1.3.6.1.4.1.311.21.8.9") + integer(-1)), "template")
    seeds.add("templates", tlv(0x1E, "WebServer".encode("utf-16-be")), "name")
    seeds.add("templates", tlv(0x1E, "Web\u0000Server\u0000".encode("utf-16-be")), "name")
    seeds.add("templates", tlv(0x0C, "WebServer".encode()), "name")
    seeds.add("templates", tlv(0x1E, b"\xd8\x00"), "name")


def der(seeds):
    """The DER reader: BER forms the certificate and PKCS#12 seeds do not have, and OID text."""
    seeds.add("der", b"\x30\x80" + integer(5) + b"\x30\x80\x04\x01\xaa\x00\x00\x00\x00", "indefinite")
    seeds.add("der", b"\x30\x80" * 8 + b"\x05\x00" + b"\x00\x00" * 8, "nested")
    seeds.add("der", b"\x30\x84\x00\x00\x00\x05" + integer(300), "long-length")
    seeds.add("der", b"\xbf\x81\x48\x03\x9f\x05\x00", "high-tag")
    seeds.add("der", tlv(0x30, oid("1.2.840.113549.1.1.11") + tlv(0x24, tlv(0x04, b"ab") + tlv(0x04, b"c"))), "mixed")
    seeds.add("der", b"1.2.840.113549.1.1.11", "oid-text")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--certgen")
    ap.add_argument("--extra", action="append", default=[])
    ap.add_argument("--stamp")
    a = ap.parse_args()
    if os.path.isdir(a.out):
        shutil.rmtree(a.out)
    seeds = Seeds(a.out)
    walk(seeds, os.path.join(a.source, "examples", "certs"), "examples")
    walk(seeds, os.path.join(a.source, "examples", "topology"), "examples")
    walk(seeds, os.path.join(a.source, "tests", "topology"), "tests")
    if a.certgen:
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run([a.certgen, "--out", tmp], capture_output=True, text=True)
            if r.returncode != 0:
                print("make-seeds: the fixture generator stopped (%s); using the %d files it wrote"
                      % (r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode,
                         sum(len(f) for _, _, f in os.walk(tmp))), file=sys.stderr)
            walk(seeds, tmp, "fixtures")
    for d in a.extra:
        walk(seeds, d, "hostile")
    names(seeds)
    topologies(seeds)
    probe(seeds)
    templates(seeds)
    der(seeds)
    # Every PEM/DER certificate file is also a CRL seed's neighbour: DER CRLs are rare in the
    # fixtures, so the certificate seeds give the CRL parser structure to mutate.
    if seeds.count["crl"] < 4:
        for fn in sorted(os.listdir(os.path.join(a.out, "input")))[:16]:
            with open(os.path.join(a.out, "input", fn), "rb") as f:
                seeds.add("crl", f.read(), "cert")
    print("make-seeds: " + ", ".join("%s %d" % (t, seeds.count[t]) for t in TARGETS))
    if a.stamp:
        with open(a.stamp, "w") as f:
            f.write("\n".join("%s %d" % (t, seeds.count[t]) for t in TARGETS) + "\n")


if __name__ == "__main__":
    main()
