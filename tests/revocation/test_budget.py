#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The bounds of online revocation checking, against an HTTP server on 127.0.0.1 this test starts.

A certificate naming 60 CRL distribution points, each served:
- slowly (every answer takes longer than the timeout): with `--timeout 1` the whole online
  work of the check has one second, so the server sees at most 2 requests, not 60, and the
  revocation.unreachable finding says how many URLs the spent budget left untried;
- quickly, with a CRL of about 1.6 MB (40,000 entries) of another issuer: at most 8 URLs
  (UCP_MAX_REVOCATION_URLS) are tried, the finding says how many were skipped, and the peak
  RSS of the check stays under 100 MB (such a CRL is never kept: each is dropped before the
  next is fetched);
- quickly, with such a CRL of the right issuer: one request, the certificate is good, and the
  check, which keeps that CRL, stays under 40 MB (the program, the CRL as held - its DER and a
  16-byte index entry per serial - and the transfer; a GnuTLS CRL object alone took 33 MB).
Each through the command and through the C API (tests/tools/check-dump). Peak RSS is the
child's own (getrusage of a child forked from a small wrapper, so the test process's memory is
not counted); counts are of requests the server saw. Nothing here depends on the clock.

Usage: test_budget.py UCPOLICY CHECK_DUMP
"""
import calendar
import datetime
import http.server
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from der import integer, oid, seq, tlv  # noqa: E402  (tests/der.py)

UCPOLICY, API = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
# meson test --setup valgrindscripts: the libucpolicy programs run under memcheck. There, and in
# a sanitizer build, memory is not bounded (memcheck's and the sanitizer's own memory count).
WRAP = shlex.split(os.environ.get("UCP_VALGRIND", ""))
CALL_TIMEOUT = 900 if WRAP else 120
with open(UCPOLICY, "rb") as _exe:
    _image = _exe.read()
SANITIZED = b"__asan_init" in _image or b"__tsan_init" in _image
MEMORY_MEASURED = not WRAP and not SANITIZED

URLS = 60                  # CRL distribution points of the certificate
MAX_URLS = 8               # UCP_MAX_REVOCATION_URLS
CRL_ENTRIES = 40000        # about 1.6 MB of DER
MAX_RSS_KB = 100 * 1024    # a check that meets 60 such URLs: within 100 MB
ONE_CRL_RSS_KB = 40 * 1024 # a check that keeps one: the program, the CRL's DER and index, the transfer
SLOW_ANSWER_S = 3          # longer than the one-second budget
NOW = datetime.datetime(2026, 11, 24, 12, 0, 0)
AT = calendar.timegm(NOW.timetuple())


def online_options(*extra):
    """The options that make a check go online, for the command and for check-dump alike: every
    online run of this file takes its options from here."""
    return ["--online", "--allow-private-network", *extra]


# ---- the PKI ------------------------------------------------------------------------------------

def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn, key, issuer=None, issuer_key=None, urls=()):
    b = (x509.CertificateBuilder().subject_name(name(cn))
         .issuer_name(issuer.subject if issuer else name(cn)).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(NOW - datetime.timedelta(days=30)).not_valid_after(NOW + datetime.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                      crl_sign=True, encipher_only=False, decipher_only=False), critical=True))
    if urls:
        b = b.add_extension(cdp(urls), critical=False)
    return b.sign(issuer_key or key, hashes.SHA256())


def cdp(urls):
    return x509.CRLDistributionPoints([x509.DistributionPoint([x509.UniformResourceIdentifier(u)], None, None, None)
                                       for u in urls])


def make_leaf(cn, key, issuer, issuer_key, urls, ocsp=()):
    b = (x509.CertificateBuilder().subject_name(name(cn)).issuer_name(issuer.subject)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(NOW - datetime.timedelta(days=30)).not_valid_after(NOW + datetime.timedelta(days=300))
         .add_extension(x509.SubjectAlternativeName([x509.DNSName(cn)]), critical=False)
         .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
         .add_extension(cdp(urls), critical=False))
    if ocsp:
        b = b.add_extension(x509.AuthorityInformationAccess(
            [x509.AccessDescription(x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(u))
             for u in ocsp]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def utctime(t):
    return tlv(0x17, t.strftime("%y%m%d%H%M%SZ").encode())


def big_crl(issuer, issuer_key, entries):
    """A CRL of @issuer with @entries revoked serials of 20 octets (DER written here: building
    40,000 entries with pyca/cryptography takes half a minute)."""
    ecdsa_sha256 = seq(oid("1.2.840.10045.4.3.2"))
    revoked = b"".join(seq(integer(2**158 + i * 104729), utctime(NOW - datetime.timedelta(days=2)))
                       for i in range(entries))
    tbs = seq(integer(1), ecdsa_sha256, issuer.subject.public_bytes(), utctime(NOW - datetime.timedelta(days=1)),
              utctime(NOW + datetime.timedelta(days=7)), seq(revoked))
    return seq(tbs, ecdsa_sha256, tlv(0x03, b"\0" + issuer_key.sign(tbs, ec.ECDSA(hashes.SHA256()))))


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


# ---- the server -----------------------------------------------------------------------------------

class Server:
    """On 127.0.0.1: /slow/... answers after SLOW_ANSWER_S seconds; /other/... serves another
    issuer's big CRL, /right/... the issuing CA's. Counts the requests per prefix."""

    def __init__(self):
        self.bodies, self.counts, self.lock = {}, {}, threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802
                prefix = self.path.strip("/").split("/")[0]
                with outer.lock:
                    outer.counts[prefix] = outer.counts.get(prefix, 0) + 1
                if prefix == "slow":
                    time.sleep(SLOW_ANSWER_S)
                body = outer.bodies.get(prefix, b"")
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pkix-crl")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (its time budget), as it should

            def do_POST(self):  # noqa: N802
                prefix = self.path.strip("/").split("/")[0]
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer.lock:
                    outer.counts[prefix] = outer.counts.get(prefix, 0) + 1
                body = b"not an OCSP response"
                self.send_response(200)
                self.send_header("Content-Type", "application/ocsp-response")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def count(self, prefix):
        with self.lock:
            return self.counts.get(prefix, 0)

    def reset(self):
        with self.lock:
            self.counts.clear()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---- running a check, measured ------------------------------------------------------------------

# Forks the program from this small interpreter and writes its getrusage to a file: the peak RSS
# of a process also counts the memory of the process it was forked from, so the program must not
# be forked from the test itself (tens of MB of Python and certificates).
MEASURE = """
import os, resource, sys
out = sys.argv[1]
pid = os.fork()
if pid == 0:
    # A safety net, not the measurement: the defect this guards against took gigabytes.
    if not int(sys.argv[2]):
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    os.execvp(sys.argv[3], sys.argv[3:])
_, status, ru = os.wait4(pid, 0)
with open(out, "w") as f:
    f.write("%d %d\\n" % (os.waitstatus_to_exitcode(status), ru.ru_maxrss))
"""


def run_measured(args):
    """Run @args: (exit code, stdout, stderr, peak RSS in KiB)."""
    with tempfile.TemporaryDirectory() as d:
        result = os.path.join(d, "rusage")
        r = subprocess.run([sys.executable, "-S", "-c", MEASURE, result, "0" if MEMORY_MEASURED else "1", *WRAP, *args],
                           capture_output=True, text=True, timeout=CALL_TIMEOUT)
        with open(result) as f:
            code, rss = (int(x) for x in f.read().split())
    return code, r.stdout, r.stderr, rss


class BudgetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.server = Server()
        root_key, issuing_key, other_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(4))
        root = make_ca("Budget Root", root_key)
        issuing = make_ca("Budget Issuing CA", issuing_key, root, root_key)
        other = make_ca("Budget Other CA", other_key)
        cls.server.bodies["other"] = big_crl(other, other_key, CRL_ENTRIES)
        cls.server.bodies["right"] = big_crl(issuing, issuing_key, CRL_ENTRIES)
        cls.root = cls.path("root.pem")
        with open(cls.root, "wb") as f:
            f.write(pem(root))
        for prefix in ("slow", "other", "right"):
            leaf = make_leaf(f"{prefix}.contoso.com", leaf_key, issuing, issuing_key,
                             [f"{cls.server.base}/{prefix}/{i}.crl" for i in range(URLS)])
            with open(cls.path(prefix + ".pem"), "wb") as f:
                f.write(pem(leaf) + pem(issuing))
        # The whole path shares the budget: an issuing CA whose own 3 distribution points are
        # slow too, under a leaf with the 60 slow ones.
        issuing_slow = make_ca("Budget Issuing CA", issuing_key, root, root_key,
                               [f"{cls.server.base}/slow/ca{i}.crl" for i in range(3)])
        leaf = make_leaf("path.contoso.com", leaf_key, issuing_slow, issuing_key,
                         [f"{cls.server.base}/slow/{i}.crl" for i in range(URLS)])
        with open(cls.path("path.pem"), "wb") as f:
            f.write(pem(leaf) + pem(issuing_slow))
        # CRL distribution points and OCSP responders count together: 6 CDPs serving another
        # issuer's CRL and 4 responders answering nonsense.
        leaf = make_leaf("mixed.contoso.com", leaf_key, issuing, issuing_key,
                         [f"{cls.server.base}/other/m{i}.crl" for i in range(6)],
                         ocsp=[f"{cls.server.base}/ocsp/{i}" for i in range(4)])
        with open(cls.path("mixed.pem"), "wb") as f:
            f.write(pem(leaf) + pem(issuing))

    @classmethod
    def tearDownClass(cls):
        cls.server.close()
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def setUp(self):
        self.server.reset()

    def cli(self, prefix, timeout_s, index=0):
        """The command's verdict on certificate @index of the path: (status, unreachable message
        or None, RSS KiB)."""
        code, out, err, rss = run_measured([
            UCPOLICY, "check", "--role", "tls-server", "--trust", self.root, "--at", f"@{AT}", "--format", "json",
            *online_options("--timeout", str(timeout_s)), self.path(prefix + ".pem")])
        self.assertIn(code, (0, 1, 2), err)
        rep = json.loads(out)
        messages = [f["message"] for f in rep["findings"]
                    if f["code"] == "revocation.unreachable" and f["certificateIndex"] == index]
        return rep["chain"]["certificates"][index]["revocation"], messages[0] if messages else None, rss

    def api(self, prefix, timeout_s):
        """The C API's verdict on the leaf: (leaf status, unreachable found, RSS KiB)."""
        code, out, err, rss = run_measured([
            API, "tls-server", self.path(prefix + ".pem"), str(AT), "--trust", self.root,
            *online_options("--timeout", str(timeout_s * 1000))])
        self.assertEqual(code, 0, err)
        lines = out.splitlines()
        status = next(line.split()[2] for line in lines if line.startswith("status 0 "))
        unreachable = any(line.split()[1] == "revocation.unreachable" and line.split()[3] == "0"
                          for line in lines if line.startswith("finding "))
        return status, unreachable, rss

    def bound_rss(self, rss, bound_kb, what):
        print(f"# measure {what}: peak RSS {rss / 1024:.1f} MiB", flush=True)
        if not MEMORY_MEASURED:
            print(f"# {what}: memory not bounded under memcheck or a sanitizer", flush=True)
            return
        self.assertLess(rss, bound_kb, f"{what}: peak RSS {rss} KiB, bound {bound_kb} KiB")

    def test_slow_server_one_budget(self):
        """60 slow URLs with --timeout 1: the first gets the second, the other 59 are not tried."""
        status, msg, _ = self.cli("slow", 1)
        self.assertLessEqual(self.server.count("slow"), 2, "requests the server saw")
        self.assertEqual(status, "unreachable")
        self.assertIn("no answer before the check's time budget of 1000 ms ran out", msg)
        m = re.search(r"the check's time budget of 1000 ms was spent: (\d+) more URLs were not tried", msg)
        self.assertTrue(m, msg)
        self.assertEqual(int(m.group(1)) + self.server.count("slow"), URLS, msg)
        self.server.reset()
        status, unreachable, _ = self.api("slow", 1)
        self.assertLessEqual(self.server.count("slow"), 2, "requests the server saw (C API)")
        self.assertEqual((status, unreachable), ("unreachable", True))

    def test_one_budget_for_the_path(self):
        """The leaf's 60 slow URLs spend the budget: the issuing CA's 3 are not tried either."""
        status, msg, _ = self.cli("path", 1, index=1)
        self.assertLessEqual(self.server.count("slow"), 2, "requests the server saw")
        self.assertEqual(status, "unreachable")
        self.assertIn("the check's time budget of 1000 ms was spent before its 3 URLs could be tried", msg)

    def test_cdp_and_ocsp_count_together(self):
        """6 CDPs and 4 OCSP responders, none answering usefully: 8 tried, 2 skipped."""
        status, msg, _ = self.cli("mixed", 10)
        self.assertEqual((self.server.count("other"), self.server.count("ocsp")), (6, 2), "GETs and POSTs seen")
        self.assertEqual(status, "unreachable")
        self.assertIn("/ocsp/1: the answer is not an OCSP response", msg)
        self.assertIn("2 more URLs were skipped: at most 8 are tried per certificate", msg)
        self.assertNotIn("/ocsp/2", msg)

    def test_other_issuer_big_crl(self):
        """60 URLs serving a 1.6 MB CRL of another issuer: 8 tried, 52 skipped, memory bounded."""
        status, msg, rss = self.cli("other", 10)
        self.assertEqual(self.server.count("other"), MAX_URLS, "requests the server saw")
        self.assertEqual(status, "unreachable")
        self.assertIn("the CRL found there is issued by 'CN=Budget Other CA', not by the certificate's issuer "
                      "'CN=Budget Issuing CA'", msg)
        self.assertIn(f"{URLS - MAX_URLS} more URLs were skipped: at most {MAX_URLS} are tried per certificate", msg)
        self.bound_rss(rss, MAX_RSS_KB, "60 URLs, another issuer's 1.6 MB CRL (command)")
        self.server.reset()
        status, unreachable, rss = self.api("other", 10)
        self.assertEqual(self.server.count("other"), MAX_URLS, "requests the server saw (C API)")
        self.assertEqual((status, unreachable), ("unreachable", True))
        self.bound_rss(rss, MAX_RSS_KB, "60 URLs, another issuer's 1.6 MB CRL (C API)")

    def test_right_issuer_big_crl(self):
        """The same with the issuing CA's CRL: the first URL answers, good."""
        status, msg, rss = self.cli("right", 10)
        self.assertEqual(self.server.count("right"), 1, "requests the server saw")
        self.assertEqual((status, msg), ("good", None))
        self.bound_rss(rss, ONE_CRL_RSS_KB, "60 URLs, the issuer's 1.6 MB CRL (command)")
        self.server.reset()
        status, unreachable, rss = self.api("right", 10)
        self.assertEqual((status, unreachable, self.server.count("right")), ("good", False, 1))
        self.bound_rss(rss, ONE_CRL_RSS_KB, "60 URLs, the issuer's 1.6 MB CRL (C API)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
