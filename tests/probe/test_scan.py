#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ucpolicy scan` of a deployment whose servers are local test servers on 127.0.0.x.

A Topology Builder document (made here, tests/probe/scan_topology.py) lists four Standard
Edition servers; --resolve points each name at its own loopback address, where
tests/tools/probe-server plays that server on an ephemeral port the document names:

  fe01.contoso.com  127.0.0.2  SIP, the right certificate, accepts the client certificate
  fe02.contoso.com  127.0.0.3  SIP, a wrong certificate (another server's name)
  fe03.contoso.com  127.0.0.4  SIP, the right certificate, refuses the client certificate (403)
  fe04.contoso.com  127.0.0.5  nothing listens

The JSON fleet report is checked endpoint by endpoint (each report against the report schema),
then the text table; the exit status is the worst endpoint's. Then the guards: with
--loopback-only a name without a loopback address is refused before any packet is sent, and
--resolve names only hosts of the topology. The PKI is made with certtool; nothing is
committed. No assertion is on wall-clock time; the CPU time of the programs is bounded,
generously. Every server listens on a loopback address only and stops after a fixed number of
connections or 60 s.

Usage: test_scan.py UCPOLICY PROBE_SERVER REPORT_SCHEMA
"""
import json
import os
import resource
import select
import subprocess
import sys
import tempfile
import unittest

UCPOLICY, SERVER, REPORT_SCHEMA = sys.argv[1:4]
del sys.argv[1:4]
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import reportschema  # noqa: E402
import scan_topology  # noqa: E402

REPORT = reportschema.validator(REPORT_SCHEMA)
CPU_BOUND = 20


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def certtool(*args):
    subprocess.run(["certtool", *args], check=True, capture_output=True)


SERVER_CERT = ['organization = "Contoso"', 'crl_dist_points = "http://pki.contoso.com/crl/root.crl"', "tls_www_server", "tls_www_client", "signing_key", "encryption_key",
               "expiration_days = 365"]


def make_pki(d):
    def cert(name, issuer, lines):
        key, tmpl, pem = (os.path.join(d, name + ext) for ext in (".key", ".tmpl", ".pem"))
        certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", key)
        with open(tmpl, "w") as f:
            f.write("\n".join(lines) + "\n")
        if issuer is None:
            certtool("--generate-self-signed", "--load-privkey", key, "--template", tmpl, "--outfile", pem)
        else:
            certtool("--generate-certificate", "--load-privkey", key, "--load-ca-certificate",
                     os.path.join(d, issuer + ".pem"), "--load-ca-privkey", os.path.join(d, issuer + ".key"),
                     "--template", tmpl, "--outfile", pem)

    cert("root", None, ['cn = "Contoso Root CA"', "ca", "cert_signing_key", "crl_signing_key",
                        "expiration_days = 3650"])
    for fqdn in ("fe01", "fe03"):
        cert(fqdn, "root", [f'cn = "{fqdn}.contoso.com"', f'dns_name = "{fqdn}.contoso.com"',
                            'dns_name = "sip.contoso.com"', 'dns_name = "lyncdiscoverinternal.contoso.com"',
                            *SERVER_CERT])
    cert("stranger", "root", ['cn = "stranger.contoso.com"', 'dns_name = "stranger.contoso.com"', *SERVER_CERT])
    cert("exch01", "root", ['cn = "exch01.contoso.com"', 'dns_name = "exch01.contoso.com"', *SERVER_CERT])


class Server:
    """probe-server on a loopback address; serves `connections` connections, then exits."""

    def __init__(self, d, address, cert, peer, connections):
        cmd = [SERVER, "--mode", "sip", "--address", address, "--cert", os.path.join(d, cert + ".pem"),
               "--key", os.path.join(d, cert + ".key"), "--ca", os.path.join(d, "root.pem"), "--peer", peer,
               "--connections", str(connections), "--lifetime", "60"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.kill()
            raise unittest.SkipTest(f"probe-server cannot listen on {address}: {line!r}")
        self.port = int(line.split()[1])

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()


def closed_port(address):
    import socket
    s = socket.socket()
    s.bind((address, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def scan(*args):
    start = children_cpu()
    p = subprocess.run([UCPOLICY, "scan", *args], capture_output=True, text=True, timeout=120)
    return p, children_cpu() - start


class ScanTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        make_pki(d)
        cls.servers = [
            Server(d, "127.0.0.2", "fe01", "exch01.contoso.com", 4),
            Server(d, "127.0.0.3", "stranger", "exch01.contoso.com", 4),
            Server(d, "127.0.0.4", "fe03", "nobody.contoso.com", 4),
        ]
        ports = [s.port for s in cls.servers] + [closed_port("127.0.0.5")]
        cls.topology = os.path.join(d, "deployment.tbxml")
        with open(cls.topology, "w") as f:
            f.write(scan_topology.make([{"fqdn": f"fe0{i + 1}.contoso.com", "sip": p} for i, p in enumerate(ports)]))
        cls.ports = ports
        cls.common = ["--topology", cls.topology, "--loopback-only", "--trust", os.path.join(d, "root.pem"),
                      "--client-cert", os.path.join(d, "exch01.pem"), "--client-key", os.path.join(d, "exch01.key"),
                      "--timeout", "20s", "--jobs", "3"]
        for i in range(4):
            cls.common += ["--resolve", f"fe0{i + 1}.contoso.com:127.0.0.{i + 2}"]

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.kill()
        cls.tmp.cleanup()

    def test_1_json_endpoint_by_endpoint(self):
        p, cpu = scan(*self.common, "--format", "json")
        self.assertLess(cpu, CPU_BOUND)
        self.assertEqual(p.returncode, 3, p.stderr)  # the worst endpoint: fe04 gave no certificate
        doc = json.loads(p.stdout)
        self.assertEqual(list(doc), ["endpoints"])
        eps = doc["endpoints"]
        self.assertEqual([(e["host"], e["port"], e["role"]) for e in eps],
                         [(f"fe0{i + 1}.contoso.com", port, "frontend-default") for i, port in enumerate(self.ports)])
        fe01, fe02, fe03, fe04 = eps
        for e in (fe01, fe02, fe03):
            REPORT.validate(e["report"])
            self.assertEqual(e["report"]["role"]["id"], "frontend-default")
            conn = e["report"]["connection"]
            self.assertEqual(conn["serverName"], e["host"])
            self.assertEqual(conn["port"], e["port"])
            self.assertTrue(conn["clientCertificate"]["sent"])
        # fe01: the right certificate, the client accepted.
        self.assertNotEqual(fe01["result"], "fail", json.dumps(fe01["report"]["findings"], indent=1))
        self.assertEqual(fe01["report"]["connection"]["clientCertificate"]["verdict"], "accepted")
        self.assertEqual(fe01["report"]["connection"]["address"], "127.0.0.2")
        # fe02: another server's certificate.
        self.assertEqual(fe02["result"], "fail")
        self.assertEqual(fe02["report"]["connection"]["address"], "127.0.0.3")
        self.assertIn("stranger.contoso.com", json.dumps(fe02["report"]))
        # fe03: the right certificate, but it refuses the client's (the incident).
        self.assertEqual(fe03["result"], "fail")
        self.assertEqual(fe03["report"]["connection"]["clientCertificate"]["verdict"], "rejected")
        self.assertIn("403", fe03["report"]["connection"]["response"])
        # fe04: nothing listens.
        self.assertEqual(fe04["result"], "error")
        self.assertNotIn("report", fe04)
        self.assertEqual(fe04["error"]["code"], "UCP_E_NETWORK")
        self.assertIn(f"fe04.contoso.com:{self.ports[3]}", fe04["error"]["message"])

    def test_2_text_table(self):
        p, cpu = scan(*self.common)
        self.assertLess(cpu, CPU_BOUND)
        self.assertEqual(p.returncode, 3, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[0].split()[:4], ["SERVER", "PORT", "ROLE", "RESULT"])
        rows = [line.split() for line in lines[1:5]]
        self.assertEqual([r[0] for r in rows], [f"fe0{i}.contoso.com" for i in range(1, 5)])
        self.assertEqual([r[3] for r in rows][1:], ["fail", "fail", "error"])
        self.assertTrue(rows[0][4].isdigit() and rows[3][4] == "-", rows)
        # then every report in full
        self.assertIn("fe03.contoso.com:", p.stdout[p.stdout.index("\n\n"):])
        self.assertEqual(p.stderr.count("\r"), 0, "a progress line without a terminal")

    def test_3_sarif_and_html(self):
        p, _ = scan(*self.common, "--format", "sarif")
        self.assertEqual(p.returncode, 3, p.stderr)
        log = json.loads(p.stdout)
        self.assertEqual(log["version"], "2.1.0")
        text = json.dumps(log)
        for i in range(1, 5):
            self.assertIn(f"fe0{i}.contoso.com", text)
        p, _ = scan(*self.common, "--format", "html")
        self.assertEqual(p.returncode, 3, p.stderr)
        self.assertIn("<html", p.stdout.lower())
        self.assertIn("fe04.contoso.com", p.stdout)


class GuardTest(unittest.TestCase):
    """No server: what a scan refuses before connecting."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.topology = os.path.join(cls.tmp.name, "t.tbxml")
        with open(cls.topology, "w") as f:
            f.write(scan_topology.make([{"fqdn": "fe01.contoso.com", "sip": 5061},
                                        {"fqdn": "fe02.contoso.com", "web": 443}]))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_non_loopback_refused(self):
        # fe01 named at a public (documentation) address, fe02 not at all: neither is reached.
        p, cpu = scan("--topology", self.topology, "--loopback-only", "--resolve", "fe01.contoso.com:192.0.2.1",
                      "--format", "json", "--timeout", "2000ms")
        self.assertLess(cpu, CPU_BOUND)
        self.assertEqual(p.returncode, 3, p.stderr)
        eps = json.loads(p.stdout)["endpoints"]
        self.assertEqual([(e["host"], e["port"], e["role"], e["result"]) for e in eps],
                         [("fe01.contoso.com", 5061, "frontend-default", "error"),
                          ("fe02.contoso.com", 443, "frontend-web-internal", "error")])
        self.assertIn("refused: the address given for it is not a loopback address", eps[0]["error"]["message"])
        self.assertIn("refused: no loopback address is given for it", eps[1]["error"]["message"])

    def test_resolve_only_topology_hosts(self):
        p, _ = scan("--topology", self.topology, "--resolve", "evil.example.com:127.0.0.1")
        self.assertEqual(p.returncode, 3)
        self.assertIn("'evil.example.com' is not an endpoint of the topology", p.stderr)
        self.assertEqual(p.stdout, "")
        for bad, why in (("fe01.contoso.com", "not HOST:ADDRESS"), ("fe01.contoso.com:fe02", "not an IP address"),
                         ("fe01.contoso.com:99999:127.0.0.1", "not a number between 1 and 65535")):
            p, _ = scan("--topology", self.topology, "--resolve", bad)
            self.assertEqual(p.returncode, 3, bad)
            self.assertIn(why, p.stderr, bad)
        p, _ = scan("--topology", self.topology, "--resolve", "fe01.contoso.com:443:127.0.0.1")
        self.assertEqual(p.returncode, 3)
        self.assertIn("with that port", p.stderr)

    def test_usage(self):
        json_facts = os.path.join(self.tmp.name, "facts.json")
        with open(json_facts, "w") as f:
            f.write('{"fqdn": "fe01.contoso.com"}')
        for args, why in ((["--timeout", "1"], "--topology FILE is required"),
                          (["--topology", self.topology, "--role", "frontend-default"], "--role does not apply"),
                          (["--topology", self.topology, "--fqdn", "a.contoso.com"], "come from the topology"),
                          (["--topology", self.topology, "--format", "csv"], "not available here"),
                          (["--topology", self.topology, "--jobs", "0"], "--jobs"),
                          (["--topology", self.topology, "--timeout", "10m"], "--timeout"),
                          (["--topology", json_facts], "needs a topology document")):
            p, _ = scan(*args)
            self.assertEqual(p.returncode, 3, args)
            self.assertIn(why, p.stderr, args)


if __name__ == "__main__":
    unittest.main(verbosity=2)
