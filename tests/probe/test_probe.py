#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`ucpolicy probe` against a live TLS server on 127.0.0.1, through the CLI and the C API.

The reference incident: Exchange UM was given a certificate whose subject CN was *.contoso.com;
Lync refused its SIP/TLS connection on 5061 with "The peer is not a configured server on this
network interface". tests/tools/probe-server plays Lync: it asks for a client certificate and
accepts only one that verifies and whose CN names a configured peer (exch01.contoso.com),
answering SIP OPTIONS with 200 OK or 403 + ms-diagnostics, or (--reject alert) refusing in the
TLS handshake. Each case probes it with `ucpolicy probe --format json` and with
tests/tools/probe-dump (the C API); both must report the same connection facts, chain and
findings. The PKI is made here with certtool; nothing is committed. The servers listen on
127.0.0.1 only and stop by themselves after a fixed number of connections or 60 s.

Usage: test_probe.py UCPOLICY PROBE_DUMP PROBE_SERVER TEST_PROBE_API ANY_CERT.pem CONNECTION_SCHEMA
                     SLOW_RESOLVER.so
With UCP_VALGRIND set (e.g. "valgrind --error-exitcode=99 ..."), every C program runs under it.
"""
import json
import os
import resource
import select
import shlex
import subprocess
import sys
import tempfile
import unicodedata
import unittest

import jsonschema

UCPOLICY, DUMP, SERVER, API_TEST, ANY_CERT, CONNECTION_SCHEMA, SLOW_RESOLVER = sys.argv[1:8]
del sys.argv[1:8]
with open(CONNECTION_SCHEMA) as f:
    _schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(_schema)
CONNECTION = jsonschema.Draft202012Validator(_schema)
# The whole report against report-v1.schema.json (next to the connection schema, which it
# references), with tests/reportschema.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import reportschema  # noqa: E402
REPORT = reportschema.validator(os.path.join(os.path.dirname(CONNECTION_SCHEMA), "report-v1.schema.json"))
WRAP = shlex.split(os.environ.get("UCP_VALGRIND", ""))
SLOW = 6 if WRAP else 1  # valgrind runs C about 20-50 times slower
# No assertion here is on wall-clock time (a shared 2-core machine can stall any program): that
# a failure is quick shows in its message (a refusal, the peer's bytes, or the deadline, named),
# and that nothing spins, in the CPU time the programs took, bounded generously.
CPU_BOUND = 5 * SLOW


def children_cpu():
    """CPU seconds used so far by the children this process has waited for."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
LYNC_REASON = "The peer is not a configured server on this network interface"
TOPOLOGY = {"pool": "pool01.contoso.com", "fqdn": "fe01.contoso.com", "sip-domain": ["contoso.com"]}


def certtool(*args):
    subprocess.run(["certtool", *args], check=True, capture_output=True)


class Pki:
    """Contoso Root -> Contoso Issuing CA -> the front end's and Exchange's certificates."""

    SERVER = ['organization = "Contoso"', "tls_www_server", "tls_www_client", "signing_key",
              "encryption_key", "expiration_days = 365"]

    def __init__(self, d):
        self.d = d

    def p(self, name):
        return os.path.join(self.d, name)

    def cert(self, name, issuer, lines):
        certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", self.p(name + ".key"))
        with open(self.p(name + ".tmpl"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if issuer is None:
            certtool("--generate-self-signed", "--load-privkey", self.p(name + ".key"), "--template",
                     self.p(name + ".tmpl"), "--outfile", self.p(name + ".pem"))
        else:
            certtool("--generate-certificate", "--load-privkey", self.p(name + ".key"), "--load-ca-certificate",
                     self.p(issuer + ".pem"), "--load-ca-privkey", self.p(issuer + ".key"), "--template",
                     self.p(name + ".tmpl"), "--outfile", self.p(name + ".pem"))

    def cat(self, out, *names):
        with open(self.p(out), "w") as o:
            for n in names:
                with open(self.p(n + ".pem")) as f:
                    o.write(f.read())
        return self.p(out)

    def make(self):
        ca = ["ca", "cert_signing_key", "crl_signing_key"]
        self.cert("root", None, ['cn = "Contoso Root CA"', *ca, "expiration_days = 3650"])
        self.cert("issuing", "root", ['cn = "Contoso Issuing CA"', *ca, "expiration_days = 3000"])
        cdp = 'crl_dist_points = "http://pki.contoso.com/crl/issuing.crl"'
        # The front end pool's Default certificate, correct for frontend-default.
        self.cert("fe01", "issuing", ['cn = "pool01.contoso.com"', 'dns_name = "pool01.contoso.com"',
                                      'dns_name = "fe01.contoso.com"', 'dns_name = "sip.contoso.com"',
                                      'dns_name = "lyncdiscoverinternal.contoso.com"', cdp, *self.SERVER])
        # Exchange UM: the correct certificate and the one of the incident (as in examples/).
        self.cert("exch01", "issuing", ['cn = "exch01.contoso.com"', 'dns_name = "exch01.contoso.com"', cdp,
                                        *self.SERVER])
        self.cert("wildcard", "issuing", ['cn = "*.contoso.com"', 'dns_name = "exch01.contoso.com"',
                                          'dns_name = "*.contoso.com"', cdp, *self.SERVER])
        self.cert("stranger", "issuing", ['cn = "stranger.contoso.com"', *self.SERVER])
        self.cat("fe01-chain.pem", "fe01", "issuing")
        self.cat("fe01-full.pem", "fe01", "issuing", "root")
        self.cat("exch01-chain.pem", "exch01", "issuing")
        self.cat("wildcard-chain.pem", "wildcard", "issuing")
        # The wildcard certificate as Exchange exports it: a PFX with its chain and a password.
        certtool("--to-p12", "--load-certificate", self.p("wildcard-chain.pem"), "--load-privkey",
                 self.p("wildcard.key"), "--p12-name", "Exchange UM", "--password", "contoso", "--outder",
                 "--outfile", self.p("wildcard.pfx"))
        with open(self.p("pfx.password"), "w") as f:
            f.write("contoso\n")
        # The right certificate in other forms: an encrypted PKCS#8 key; DER certificate and key.
        certtool("--to-p8", "--load-privkey", self.p("exch01.key"), "--password", "secret", "--outfile",
                 self.p("exch01-enc.key"))
        with open(self.p("key.password"), "w") as f:
            f.write("secret\n")
        certtool("--certificate-info", "--infile", self.p("exch01.pem"), "--outder", "--outfile", self.p("exch01.der"))
        certtool("--key-info", "--load-privkey", self.p("exch01.key"), "--outder", "--outfile", self.p("exch01-key.der"))


class Server:
    """tests/tools/probe-server on 127.0.0.1; serves `connections` connections, then exits."""

    def __init__(self, pki, *args, connections=2, cert="fe01-chain.pem"):
        self.log = tempfile.NamedTemporaryFile(prefix="probe-server-", suffix=".log", delete=False)
        cmd = [*WRAP, SERVER, "--cert", pki.p(cert), "--key", pki.p("fe01.key"), "--ca", pki.p("root.pem"),
               "--peer", "exch01.contoso.com", "--connections", str(connections), "--lifetime", str(min(600, 60 * SLOW)), *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10 * SLOW)
        line = self.proc.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            self.proc.kill()
            raise RuntimeError(f"probe-server did not start: {line!r} {self.logtext()}")
        self.port = int(line.split()[1])

    def logtext(self):
        with open(self.log.name) as f:
            return f.read()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if not self.proc.stdout.closed:
            self.proc.stdout.close()
        if os.path.exists(self.log.name):
            os.unlink(self.log.name)
        self.log.close()

    def close(self):
        try:
            self.proc.wait(timeout=15 * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        text = self.logtext()
        os.unlink(self.log.name)
        self.log.close()
        return self.proc.returncode, text


def closed_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class ProbeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.k = Pki(cls.tmp.name)
        cls.k.make()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def server(self, *args, **kw):
        """A probe-server for this test, killed at its end if it is still running."""
        s = Server(self.k, *args, **kw)
        self.addCleanup(s.kill)
        return s

    # ---- running both faces -------------------------------------------------------------------

    def args(self, role, protocol, sni, client, trust, chain, facts, timeout):
        """The same probe as CLI arguments and as probe-dump arguments."""
        cli, api = ["--role", role], []
        if protocol:
            cli += ["--protocol", protocol]
            api += ["--protocol", protocol]
        if sni == "":
            cli.append("--no-sni")
            api.append("--no-sni")
        elif sni:
            cli += ["--sni", sni]
            api += ["--sni", sni]
        if client:
            kind, cert, secret = client
            cli += ["--client-cert", self.k.p(cert)]
            api += ["--client-cert", self.k.p(cert)]
            if kind == "pem":
                key, *password = secret if isinstance(secret, tuple) else (secret,)
                cli += ["--client-key", self.k.p(key)]
                api += ["--client-key", self.k.p(key)]
                if password:
                    cli += ["--password-file", self.k.p("key.password")]
                    api += ["--password", password[0]]
            else:
                cli += ["--password-file", self.k.p("pfx.password")]
                api += ["--password", secret]
        for t in trust:
            cli += ["--trust", self.k.p(t)]
            api += ["--trust", self.k.p(t)]
        for c in chain:
            cli += ["--chain", self.k.p(c)]
            api += ["--chain", self.k.p(c)]
        for name, value in facts.items():
            for v in value if isinstance(value, list) else [value]:
                cli += [f"--{name}", v]
                api += [f"--{name}", v]
        cli += ["--timeout", str(timeout * SLOW)]
        api += ["--timeout", str(timeout * SLOW * 1000)]
        return cli, api

    def cli(self, port, cli_args, fmt="json"):
        """The command's result and the CPU seconds it took."""
        start = children_cpu()
        r = subprocess.run([*WRAP, UCPOLICY, "probe", *cli_args, "--format", fmt, f"127.0.0.1:{port}"],
                           capture_output=True, text=True, timeout=60 * SLOW)
        self.assertNotEqual(r.returncode, 99, "valgrind found errors:\n" + r.stderr)
        return r, children_cpu() - start

    def api(self, port, api_args):
        r = subprocess.run([*WRAP, DUMP, api_args[0], "127.0.0.1", str(port), *api_args[1:]],
                           capture_output=True, text=True, timeout=60 * SLOW)
        self.assertNotEqual(r.returncode, 99, "valgrind found errors:\n" + r.stderr)
        return r

    @staticmethod
    def facts_from_json(rep):
        c = rep["connection"]
        return {
            "address": c["address"], "serverName": c["serverName"], "protocol": c["protocol"],
            "tlsVersion": c["tlsVersion"], "cipherSuite": c["cipherSuite"],
            "requested": c["clientCertificate"]["requested"], "sent": c["clientCertificate"]["sent"],
            "subject": c["clientCertificate"]["subject"], "verdict": c["clientCertificate"]["verdict"],
            "alert": c["alert"], "response": c["response"], "msDiagnostics": c["msDiagnostics"],
            "detail": c["detail"], "chainStatus": rep["chain"]["status"],
            "chain": [(x["source"], x["subject"]) for x in rep["chain"]["certificates"]],
            "findings": sorted((f["code"], f["severity"], -1 if f["certificateIndex"] is None else f["certificateIndex"])
                               for f in rep["findings"]),
        }

    @staticmethod
    def facts_from_dump(text):
        got = {"alert": None, "response": None, "msDiagnostics": None, "detail": None, "subject": None,
               "chain": [], "findings": []}
        for line in text.splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "connection":
                host, port, addr, sni, proto = rest.split(" ")
                got.update(address=addr, serverName=None if sni == "-" else sni, protocol=proto)
            elif kind == "tls":
                v, cs = rest.split(" ")
                got.update(tlsVersion=None if v == "-" else v, cipherSuite=None if cs == "-" else cs)
            elif kind == "client":
                req, sent, verdict = rest.split(" ")
                got.update(requested=req == "yes", sent=sent == "yes", verdict=verdict)
            elif kind in ("alert", "response", "detail"):
                got[kind] = rest
            elif kind == "diagnostics":
                got["msDiagnostics"] = rest
            elif kind == "clientsubject":
                got["subject"] = rest
            elif kind == "chainstatus":
                got["chainStatus"] = rest.split(" ")[0]
            elif kind == "chain":
                _, source, subject = rest.split(" ", 2)
                got["chain"].append((source, subject))
            elif kind == "finding":
                code, sev, idx = rest.split(" ")
                got["findings"].append((code, sev, int(idx)))
        got["findings"].sort()
        return got

    def check_shape(self, rep, port):
        """The connection object of the JSON report (schema 1.0) next to the usual fields."""
        self.assertEqual(rep["schemaVersion"], "1.0")
        for key in ("schema", "tool", "input", "role", "product", "validationTime", "result", "summary",
                    "certificate", "daysRemaining", "chain", "topology", "findings"):
            self.assertIn(key, rep)
        self.assertEqual(rep["input"], {"name": f"127.0.0.1:{port}", "format": "der"})
        c = rep["connection"]
        self.assertEqual([f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in REPORT.iter_errors(rep)], [],
                         "the whole report follows report-v1.schema.json")
        errors = [e.message for e in CONNECTION.iter_errors(c)]
        self.assertEqual(errors, [], "the connection object follows connection-v1.schema.json")
        self.assertEqual((c["host"], c["port"], c["address"]), ("127.0.0.1", port, "127.0.0.1"))
        self.assertIn(c["protocol"], ("tls", "smtp", "sip"))
        self.assertIn(c["clientCertificate"]["verdict"], ("accepted", "rejected", "unknown"))
        for key in ("serverName", "tlsVersion", "cipherSuite", "alert", "response", "msDiagnostics"):
            self.assertTrue(c[key] is None or isinstance(c[key], str), key)
        self.assertIsInstance(c["detail"], str)

    def probe(self, server, role="tls-server", protocol=None, sni=None, client=None, trust=("root.pem",),
              chain=(), facts=None, timeout=10):
        """Probe through the CLI and the C API; they must agree. Returns (exit status, facts, report)."""
        facts = {"fqdn": "fe01.contoso.com"} if facts is None else facts
        cli_args, api_args = self.args(role, protocol, sni, client, trust, chain, facts, timeout)
        r, _ = self.cli(server.port, cli_args)
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        rep = json.loads(r.stdout)
        self.check_shape(rep, server.port)
        a = self.api(server.port, [role, *api_args])
        self.assertEqual(a.returncode, 0, a.stdout + a.stderr)
        got = self.facts_from_json(rep)
        self.assertEqual(got, self.facts_from_dump(a.stdout), "the CLI and the C API disagree")
        return r.returncode, got, rep

    # ---- the incident -------------------------------------------------------------------------

    def test_incident_wildcard_cn_rejected_over_sip(self):
        """Exchange UM's *.contoso.com certificate, as a PFX: Lync answers 403 + ms-diagnostics."""
        s = self.server("--mode", "sip", connections=3)
        rc, got, rep = self.probe(s, role="frontend-default", protocol="sip", sni="fe01.contoso.com",
                                  client=("pfx", "wildcard.pfx", "contoso"), facts=TOPOLOGY)
        self.assertEqual(rep["result"], "pass", "the front end's own certificate is right")
        self.assertEqual(got["verdict"], "rejected")
        self.assertTrue(got["requested"] and got["sent"])
        self.assertEqual(got["subject"], "CN=*.contoso.com,O=Contoso")
        self.assertEqual(got["response"], "SIP/2.0 403 Forbidden")
        self.assertIn(f'reason="{LYNC_REASON}"', got["msDiagnostics"])
        self.assertTrue(got["msDiagnostics"].startswith("1000;"))
        self.assertIsNone(got["alert"])
        self.assertEqual(got["tlsVersion"], "TLS1.3")
        self.assertEqual(rc, 2, "a rejected client certificate is an error even when the server passes")
        # The text report tells the same story to a person.
        cli_args, _ = self.args("frontend-default", "sip", "fe01.contoso.com", ("pfx", "wildcard.pfx", "contoso"),
                                ["root.pem"], [], TOPOLOGY, 10)
        r, _ = self.cli(s.port, cli_args, fmt="text")
        self.assertEqual(r.returncode, 2)
        text = " ".join(r.stdout.split())  # undo the wrapping
        self.assertIn("Client: REJECTED: certificate requested and sent (CN=*.contoso.com,O=Contoso)", text)
        self.assertIn("Response: SIP/2.0 403 Forbidden", text)
        self.assertIn(LYNC_REASON, text)
        self.assertIn(f"Server: 127.0.0.1:{s.port} (127.0.0.1), sip, SNI fe01.contoso.com", text)
        rc, log = s.close()
        self.assertEqual(rc, 0, log)
        self.assertEqual(log.count("SIP peer CN=*.contoso.com: 403 Forbidden"), 3, log)

    def test_incident_fixed_with_the_fqdn_certificate(self):
        """CN=exch01.contoso.com (certificate + key, chain included) is a configured peer: 200 OK."""
        s = self.server("--mode", "sip")
        rc, got, rep = self.probe(s, role="frontend-default", protocol="sip", sni="fe01.contoso.com",
                                  client=("pem", "exch01-chain.pem", "exch01.key"), facts=TOPOLOGY)
        self.assertEqual(got["verdict"], "accepted")
        self.assertEqual(got["response"], "SIP/2.0 200 OK")
        self.assertIsNone(got["msDiagnostics"])
        self.assertEqual(got["subject"], "CN=exch01.contoso.com,O=Contoso")
        self.assertEqual(got["chainStatus"], "valid")
        self.assertEqual(rep["result"], "pass")
        self.assertEqual(rc, 0)
        self.assertIn("SIP peer CN=exch01.contoso.com: 200 OK", s.close()[1])

    def test_sip_without_a_client_certificate(self):
        s = self.server("--mode", "sip")
        rc, got, _ = self.probe(s, protocol="sip")
        self.assertTrue(got["requested"])
        self.assertFalse(got["sent"])
        self.assertIsNone(got["subject"])
        self.assertEqual((got["verdict"], got["response"]), ("rejected", "SIP/2.0 403 Forbidden"))
        self.assertEqual(rc, 2)
        s.close()

    def test_rejection_by_tls_alert(self):
        """--reject alert: refused in the handshake (TLS 1.2) or right after it (TLS 1.3)."""
        for version, extra in (("TLS1.3", []), ("TLS1.2", ["--tls12"])):
            with self.subTest(version=version):
                s = self.server("--mode", "tls", "--reject", "alert", *extra, connections=6)
                rc, got, _ = self.probe(s, client=("pem", "wildcard-chain.pem", "wildcard.key"))
                self.assertEqual((got["verdict"], got["alert"]), ("rejected", "bad_certificate"), got["detail"])
                self.assertTrue(got["sent"])
                self.assertEqual(rc, 2)
                # TLS 1.2 refuses before the handshake ends: no version; TLS 1.3 after it.
                self.assertEqual(got["tlsVersion"], "TLS1.3" if version == "TLS1.3" else None)
                self.assertEqual(got["chain"][0], ("input", "CN=pool01.contoso.com,O=Contoso"),
                                 "the server's certificate was checked all the same")
                rc, got, _ = self.probe(s, client=("pem", "exch01-chain.pem", "exch01.key"))
                self.assertEqual((got["verdict"], got["alert"], got["tlsVersion"]), ("accepted", None, version))
                self.assertEqual(rc, 0)
                rc, got, _ = self.probe(s)
                self.assertEqual((got["requested"], got["sent"], got["verdict"]), (True, False, "rejected"))
                self.assertEqual(got["alert"], "bad_certificate")
                log = s.close()[1]
                self.assertIn("CN=*.contoso.com: refused (alert)", log)
                self.assertIn("CN=exch01.contoso.com: accepted", log)

    def test_sip_server_that_rejects_by_alert(self):
        """A SIP server may refuse in TLS instead of answering 403: the alert is the answer."""
        for version, extra in (("TLS1.3", []), ("TLS1.2", ["--tls12"])):
            with self.subTest(version=version):
                s = self.server("--mode", "sip", "--reject", "alert", *extra)
                rc, got, _ = self.probe(s, protocol="sip", client=("pem", "wildcard-chain.pem", "wildcard.key"))
                self.assertEqual((got["verdict"], got["alert"], got["response"]), ("rejected", "bad_certificate", None))
                self.assertIn("after the SIP OPTIONS request" if version == "TLS1.3" else "TLS handshake",
                              got["detail"])
                self.assertEqual(rc, 2)
                s.close()

    def test_client_key_forms(self):
        """An encrypted PKCS#8 key with its password; a DER certificate and key."""
        s = self.server("--mode", "tls", "--reject", "alert", connections=4)
        rc, got, _ = self.probe(s, client=("pem", "exch01-chain.pem", ("exch01-enc.key", "secret")))
        self.assertEqual((got["sent"], got["verdict"]), (True, "accepted"))
        self.assertEqual(rc, 0)
        # A DER file holds one certificate: sent without its intermediate, the server (which trusts
        # only the root) cannot verify it and refuses - the chain a client sends matters too.
        rc, got, _ = self.probe(s, client=("pem", "exch01.der", "exch01-key.der"))
        self.assertEqual((got["sent"], got["subject"]), (True, "CN=exch01.contoso.com,O=Contoso"))
        self.assertEqual((got["verdict"], got["alert"]), ("rejected", "bad_certificate"))
        self.assertEqual(rc, 2)
        s.close()

    # ---- the server's own certificate ---------------------------------------------------------

    def test_server_that_omits_its_intermediate(self):
        s = self.server("--mode", "tls", "--no-request", cert="fe01.pem", connections=4)
        rc, got, rep = self.probe(s, role="frontend-default", sni="fe01.contoso.com", facts=TOPOLOGY)
        self.assertEqual(got["chainStatus"], "incomplete")
        self.assertEqual(got["chain"], [("input", "CN=pool01.contoso.com,O=Contoso")])
        self.assertIn(("chain.issuer-missing", "error", 0), got["findings"])
        self.assertEqual((got["requested"], got["verdict"]), (False, "accepted"))
        self.assertEqual(rc, 2, "a missing intermediate is a real finding about the server")
        # Given the intermediate, the path completes from the checker's pool.
        rc, got, _ = self.probe(s, role="frontend-default", sni="fe01.contoso.com", facts=TOPOLOGY,
                                chain=["issuing.pem"])
        self.assertEqual(got["chainStatus"], "valid")
        self.assertEqual([src for src, _ in got["chain"]], ["input", "intermediates", "trust"])
        self.assertEqual(rc, 0)
        s.close()

    def test_server_certificate_findings(self):
        """The usual role findings: here a server FQDN the certificate does not name."""
        s = self.server("--mode", "tls", "--no-request", connections=4)
        rc, got, _ = self.probe(s, facts={"fqdn": "other.contoso.com"})
        self.assertEqual(got["findings"], [("san.fqdn-missing", "error", 0)])
        self.assertEqual([src for src, _ in got["chain"]], ["input", "input", "trust"])
        self.assertEqual(rc, 2)
        rc, got, _ = self.probe(s, trust=())  # the system store does not know Contoso
        self.assertEqual(got["chainStatus"], "incomplete", "the server does not send its root")
        self.assertEqual(rc, 2)
        s.close()
        s = self.server("--mode", "tls", "--no-request", cert="fe01-full.pem", connections=2)
        rc, got, _ = self.probe(s, trust=())
        self.assertEqual(got["chainStatus"], "untrusted", "a root sent by the server is not trusted for that")
        self.assertEqual([src for src, _ in got["chain"]], ["input", "input", "input"])
        self.assertEqual(rc, 2)
        s.close()

    def test_sni(self):
        s = self.server("--mode", "tls", "--no-request", connections=6)
        _, got, _ = self.probe(s)
        self.assertIsNone(got["serverName"], "no SNI for an IP address")
        _, got, _ = self.probe(s, sni="fe01.contoso.com")
        self.assertEqual(got["serverName"], "fe01.contoso.com")
        _, got, _ = self.probe(s, sni="")
        self.assertIsNone(got["serverName"])
        log = s.close()[1]
        self.assertEqual(log.count("sni none"), 4, log)
        self.assertEqual(log.count("sni fe01.contoso.com"), 2, log)

    # ---- SMTP ---------------------------------------------------------------------------------

    def test_smtp_starttls(self):
        s = self.server("--mode", "smtp", "--no-request")
        rc, got, rep = self.probe(s, protocol="smtp", sni="fe01.contoso.com")
        self.assertEqual(got["protocol"], "smtp")
        self.assertEqual(got["tlsVersion"], "TLS1.3")
        self.assertTrue(got["cipherSuite"].startswith("TLS_"))
        self.assertEqual((got["verdict"], got["response"]), ("accepted", "250 8BITMIME"))
        self.assertEqual(got["chainStatus"], "valid")
        self.assertEqual(rc, 0)
        s.close()

    def test_smtp_servers_that_cannot_start_tls(self):
        for hostile, message in (("smtp-nostarttls", "does not offer STARTTLS"),
                                 ("smtp-inject", "bytes after accepting STARTTLS")):
            with self.subTest(hostile=hostile):
                s = self.server("--mode", "smtp", "--hostile", hostile, connections=1)
                cli_args, _ = self.args("tls-server", "smtp", None, None, [], [], {}, 5)
                r, cpu = self.cli(s.port, cli_args)
                self.assertEqual(r.returncode, 3)
                self.assertIn(f"127.0.0.1:{s.port}: ", r.stderr)
                self.assertIn(message, r.stderr)
                err = json.loads(r.stdout)
                self.assertEqual((err["result"], err["input"]["name"]), ("error", f"127.0.0.1:{s.port}"))
                self.assertLess(cpu, CPU_BOUND)
                s.close()

    # ---- failing to get a certificate: clear and quick ----------------------------------------

    def test_connection_refused(self):
        port = closed_port()
        r, cpu = self.cli(port, ["--role", "tls-server", "--timeout", "600"], fmt="text")
        self.assertEqual(r.returncode, 3)
        # the refusal itself ended the probe: with a 10-minute limit, a probe that waited would
        # have been killed by the subprocess timeout instead
        self.assertIn(f"127.0.0.1:{port}: cannot connect: connection refused", r.stderr)
        self.assertLess(cpu, CPU_BOUND)
        a = self.api(port, ["tls-server"])
        self.assertEqual(a.returncode, 3)
        self.assertTrue(a.stdout.startswith("error UCP_E_NETWORK "), a.stdout)

    def test_timeout(self):
        s = self.server("--hostile", "silent", connections=2)
        r, cpu = self.cli(s.port, ["--role", "tls-server", "--timeout", "1"], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn(f"127.0.0.1:{s.port}: no answer to the TLS ClientHello within 1000 ms", r.stderr)
        self.assertLess(cpu, CPU_BOUND, "waiting is not spinning")
        a = self.api(s.port, ["tls-server", "--timeout", "500"])
        self.assertTrue(a.stdout.startswith("error UCP_E_TIMEOUT "), a.stdout)
        s.close()

    def test_slow_resolver(self):
        """--timeout bounds name resolution too: a resolver that answers after 60 s (the
        slow-resolver LD_PRELOAD shim, for names ending in .slow.test) is given up on at the
        deadline, with an error that says so."""
        # The shim creates the "answered" file when its answer comes, 60 s after the question: a
        # program that exits without the file has not waited for the resolver, on any machine.
        answered = os.path.join(self.tmp.name, "resolver-answered")
        env = dict(os.environ, LD_PRELOAD=SLOW_RESOLVER, UCP_SLOW_RESOLVER_SECONDS="60",
                   UCP_SLOW_RESOLVER_ANSWERED=answered,
                   ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")
        r = subprocess.run([*WRAP, UCPOLICY, "probe", "--role", "tls-server", "--timeout", "1",
                            "fe01.slow.test:5061"], capture_output=True, text=True, timeout=50, env=env)
        self.assertNotEqual(r.returncode, 99, "valgrind found errors:\n" + r.stderr)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("fe01.slow.test:5061: cannot resolve the host name: no answer from the resolver within 1000 ms",
                      r.stderr)
        self.assertFalse(os.path.exists(answered), "the slow resolver was waited for")
        a = subprocess.run([*WRAP, DUMP, "tls-server", "fe01.slow.test", "5061", "--timeout", "500"],
                           capture_output=True, text=True, timeout=50, env=env)
        self.assertNotEqual(a.returncode, 99, "valgrind found errors:\n" + a.stderr)
        self.assertTrue(a.stdout.startswith("error UCP_E_TIMEOUT "), a.stdout)
        self.assertFalse(os.path.exists(answered), "the slow resolver was waited for")

    def test_peer_that_does_not_speak_tls(self):
        s = self.server("--hostile", "plain", connections=2)
        r, cpu = self.cli(s.port, ["--role", "tls-server"], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn("does not speak TLS (it sent 'HTTP/1.1 400 Bad Request", r.stderr)
        self.assertLess(cpu, CPU_BOUND)
        a = self.api(s.port, ["tls-server"])
        self.assertTrue(a.stdout.startswith("error UCP_E_TLS "), a.stdout)
        s.close()

    def test_client_credential_errors(self):
        port = closed_port()  # never reached: the credentials fail first
        r, _ = self.cli(port, ["--role", "tls-server", "--client-cert", self.k.p("wildcard.pfx")], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn("wildcard.pfx: the PKCS#12 file is protected by a password and none was given", r.stderr)
        env = dict(os.environ, PW="not-contoso")
        r = subprocess.run([*WRAP, UCPOLICY, "probe", "--role", "tls-server", "--client-cert", self.k.p("wildcard.pfx"),
                            "--password-env", "PW", f"127.0.0.1:{port}"], capture_output=True, text=True, env=env,
                           timeout=60 * SLOW)
        self.assertEqual(r.returncode, 3)
        self.assertIn("wrong password", r.stderr)
        self.assertNotIn("not-contoso", r.stderr + r.stdout, "the password is never printed")
        r, _ = self.cli(port, ["--role", "tls-server", "--client-cert", self.k.p("exch01-chain.pem"),
                               "--client-key", self.k.p("stranger.key")], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn("stranger.key: the private key does not match the certificate in", r.stderr)
        r, _ = self.cli(port, ["--role", "tls-server", "--client-cert", self.k.p("exch01-chain.pem"),
                               "--client-key", self.k.p("exch01-enc.key")], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn("exch01-enc.key: the private key is encrypted and no password was given", r.stderr)
        a = self.api(port, ["tls-server", "--client-cert", self.k.p("exch01-chain.pem"), "--client-key",
                            self.k.p("exch01-enc.key"), "--password", "wrong"])
        self.assertTrue(a.stdout.startswith("error UCP_E_PASSWORD "), a.stdout)
        r, _ = self.cli(port, ["--role", "tls-server", "--client-key", self.k.p("exch01.key")], fmt="text")
        self.assertEqual(r.returncode, 3)
        self.assertIn("--client-key needs --client-cert", r.stderr)

    # ---- hostile SIP answers: bounded, and honest about what they say ---------------------------

    def test_hostile_sip_answers(self):
        cases = {
            # status line, then header lines without end: the status decides, the limit is noted
            "sip-flood": ("accepted", "SIP/2.0 200 OK", "header did not end", 0),
            # a status line that never ends: nothing can be said
            "sip-longline": ("unknown", None, "longer than 4096 bytes", 1),
            # 100 Trying with a body, then 200 OK
            "sip-provisional": ("accepted", "SIP/2.0 200 OK", "with 200", 0),
            # a status line of code alone, without the reason phrase
            "sip-bare-status": ("accepted", "SIP/2.0 200", "with 200", 0),
            # not SIP at all (control bytes escaped)
            "sip-garbage": ("unknown", "HELLO \\x01\\x02 WORLD", "not a SIP response", 1),
        }
        for hostile, (verdict, response, detail, rc_expected) in cases.items():
            with self.subTest(hostile=hostile):
                s = self.server("--mode", "sip", "--hostile", hostile)
                start = children_cpu()
                rc, got, _ = self.probe(s, protocol="sip", client=("pem", "exch01-chain.pem", "exch01.key"),
                                        timeout=5)
                self.assertLess(children_cpu() - start, 2 * CPU_BOUND)
                self.assertEqual(got["verdict"], verdict, got["detail"])
                self.assertEqual(got["response"], response)
                self.assertIn(detail, got["detail"])
                self.assertEqual(rc, rc_expected, "an unanswered question about a sent certificate is a warning")
                s.close()

    def test_random_sip_answers(self):
        """Pieces of SIP answers and random bytes: always a report, never a crash or a hang."""
        runs = 40 if not WRAP else 12
        s = self.server("--mode", "sip", "--hostile", "sip-random", connections=runs)
        verdicts = set()
        for i in range(runs):
            start = children_cpu()
            a = self.api(s.port, ["tls-server", "--protocol", "sip", "--timeout", str(1000 * SLOW),
                                  "--client-cert", self.k.p("exch01-chain.pem"), "--client-key", self.k.p("exch01.key")])
            self.assertEqual(a.returncode, 0, f"connection {i}: {a.stdout}{a.stderr}")
            got = self.facts_from_dump(a.stdout)
            self.assertIn(got["verdict"], ("accepted", "rejected", "unknown"))
            self.assertLess(children_cpu() - start, CPU_BOUND, f"connection {i}")
            for field in ("response", "msDiagnostics"):
                if got[field] is not None:
                    self.assertLessEqual(len(got[field]), 4 * 1024, "a kept field is bounded")
                    self.assertFalse([c for c in got[field] if unicodedata.category(c) == "Cc"],
                                     f"{field} has its control characters escaped: {got[field]!r}")
            verdicts.add(got["verdict"])
        self.assertGreater(len(verdicts), 1, "the answers vary")
        s.close()

    def test_connection_schema_is_strict(self):
        """The schema refuses what the library never writes, so validation means something."""
        good = {"host": "fe01.contoso.com", "port": 5061, "address": "127.0.0.1", "serverName": None,
                "protocol": "sip", "tlsVersion": "TLS1.2", "cipherSuite": None,
                "clientCertificate": {"requested": True, "sent": False, "subject": None, "verdict": "rejected"},
                "alert": None, "response": "SIP/2.0 403 Forbidden", "msDiagnostics": None, "detail": "x"}
        self.assertTrue(CONNECTION.is_valid(good))
        for bad in ({**good, "protocol": "http"}, {**good, "port": 0}, {**good, "extra": 1},
                    {**good, "clientCertificate": {**good["clientCertificate"], "verdict": "maybe"}},
                    {k: v for k, v in good.items() if k != "alert"}):
            self.assertFalse(CONNECTION.is_valid(bad), bad)

    # ---- the C API without a server -----------------------------------------------------------

    def test_c_api(self):
        unknown_mac = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "regressions", "input",
                                   "pkcs12-unknown-mac-oid-leak.pfx")
        r = subprocess.run([*WRAP, API_TEST, ANY_CERT, unknown_mac], capture_output=True, text=True,
                           timeout=120 * SLOW)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertRegex(r.stdout, r"\b[1-9][0-9]+ checks, 0 failed")


if __name__ == "__main__":
    unittest.main(verbosity=2)
