#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Revocation checking against CRLs and OCSP answers served on 127.0.0.1.

The test starts an HTTP server on a free loopback port (CRL distribution points, a slow and an
oversized endpoint, and a real OCSP responder signing with python3-cryptography), makes a PKI
with GnuTLS's certtool whose certificates point at it, and checks each case through the CLI
(`ucpolicy check --online` / `--crl`, JSON) and through the C API (tests/tools/check-dump), which
must agree. No traffic leaves the loopback interface; every request loop is bounded. CRLs whose
scope certtool cannot write (issuingDistributionPoint, an unrecognised critical extension, delta
CRLs) are made with python3-cryptography.

This suite also breaks the bindings the fixture manifest (tests/FIXTURES.md) exempts because no
static case can break them: for every entry of its `exemptions` whose `coveredBy` names this
suite, the role is checked against the live responder and the rule must fire on the leaf with
the catalogue's severity (test_manifest_exemptions). The trigger mode prints what fired, for
test-coverage, which accepts an exemption only when it sees it:

    triggered ROLE RULE PRODUCT SEVERITY FACE      (FACE: cli or api)
    not-triggered ROLE RULE FACE
    untriggerable ROLE RULE                        (no scenario here for that rule)

Usage: test_revocation.py UCPOLICY CHECK_DUMP
       test_revocation.py UCPOLICY CHECK_DUMP --trigger-exemptions MANIFEST
"""
import datetime
import http.server
import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

UCPOLICY, API = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
# The options of an online check against this suite's server: it listens on 127.0.0.1, which
# online fetches refuse unless the private network is allowed. The same options for the command
# and check-dump; every online scenario here goes through it.
ONLINE = ["--online", "--allow-private-network"]
# Online, public addresses only (the default of --online).
PUBLIC_ONLY = ["--online"]
# The LD_PRELOAD shim that makes *.public.test a public address served by this machine
# (tests/tools/public-resolver.c), set by meson.
PUBLIC_RESOLVER = os.environ.get("UCP_PUBLIC_RESOLVER")
# meson test --setup valgrindscripts: the libucpolicy programs run under memcheck.
WRAP = shlex.split(os.environ.get("UCP_VALGRIND", ""))
CALL_TIMEOUT = 900 if WRAP else 60


def certtool(*args):
    subprocess.run(["certtool", *args], check=True, capture_output=True)


class PKI:
    """Root -> issuing CA -> leaves, made with certtool; URLs point at the test server."""

    def __init__(self, d, base):
        self.d, self.base = d, base
        self.port = int(base.rsplit(":", 1)[1])
        self.serial_status = {}  # leaf serial -> "good" | "revoked" | "unknown"

    def path(self, name):
        return os.path.join(self.d, name)

    def key(self, name):
        certtool("--generate-privkey", "--key-type", "rsa", "--bits", "2048", "--outfile", self.path(name + ".key"))

    def cert(self, name, issuer, lines):
        self.key(name)
        tmpl = self.path(name + ".tmpl")
        with open(tmpl, "w") as f:
            f.write("\n".join(lines) + "\n")
        if issuer is None:
            certtool("--generate-self-signed", "--load-privkey", self.path(name + ".key"),
                     "--template", tmpl, "--outfile", self.path(name + ".pem"))
        else:
            certtool("--generate-certificate", "--load-privkey", self.path(name + ".key"),
                     "--load-ca-certificate", self.path(issuer + ".pem"),
                     "--load-ca-privkey", self.path(issuer + ".key"),
                     "--template", tmpl, "--outfile", self.path(name + ".pem"))

    def crl(self, name, issuer, revoked=(), lines=("crl_next_update = 30", "crl_number = 1"), key=None):
        tmpl = self.path(name + ".crl.tmpl")
        with open(tmpl, "w") as f:
            f.write("\n".join(lines) + "\n")
        args = ["--generate-crl", "--load-ca-privkey", self.path((key or issuer) + ".key"),
                "--load-ca-certificate", self.path(issuer + ".pem"), "--template", tmpl,
                "--outfile", self.path(name)]
        for r in revoked:
            args += ["--load-certificate", self.path(r + ".pem")]
        certtool(*args)

    def make(self):
        ca = ["ca", "cert_signing_key", "crl_signing_key", "expiration_days = 3650"]
        self.cert("root", None, ['cn = "Revocation Test Root"', *ca])
        self.cert("issuing", "root", ['cn = "Revocation Test Issuing CA"', *ca,
                                      f'crl_dist_points = "{self.base}/root.crl"'])
        # A look-alike CA: same name, another key, to sign a CRL that must not verify.
        self.cert("impostor", None, ['cn = "Revocation Test Issuing CA"', *ca])
        leaf = ["tls_www_server", "signing_key", "encryption_key", "expiration_days = 365"]
        cases = {
            "crl-good": f"{self.base}/issuing.crl",
            "crl-revoked": f"{self.base}/issuing.crl",
            "crl-stale": f"{self.base}/stale.crl",
            "crl-badsig": f"{self.base}/badsig.crl",
            "crl-other-issuer": f"{self.base}/root.crl",  # another CA's CRL at the leaf's CDP
            "unreachable": "http://127.0.0.1:9/nothing.crl",
            "slow": f"{self.base}/slow.crl",
            "huge": f"{self.base}/huge.crl",
            # Redirects (Handler.do_GET): 3 are followed, 4 are too many; only to http(s).
            "redirect-3": f"{self.base}/r3/issuing.crl",
            "redirect-4": f"{self.base}/r4/issuing.crl",
            "to-ftp": f"{self.base}/to-ftp.crl",
            "to-file": f"{self.base}/to-file.crl",
            # A name that resolves to the loopback address (the check is after resolution).
            "localhost": f"http://localhost:{self.port}/issuing.crl",
            # A public address served here (the public-resolver shim), and its redirects into
            # the loopback network, by address and by name.
            "public": f"http://crl.public.test:{self.port}/issuing.crl",
            "public-to-loopback": f"http://crl.public.test:{self.port}/to-loopback.crl",
            "public-to-localhost": f"http://crl.public.test:{self.port}/to-localhost.crl",
            # A name of two private addresses (the same shim): both are refused, both named.
            "private-name": f"http://crl.private.test:{self.port}/issuing.crl",
            # CRLs of the issuing CA that do not give the status (make_scoped).
            "crl-out-of-scope": f"{self.base}/scope-cas.crl",
            "crl-unknown-ext": f"{self.base}/scope-unknown-critical.crl",
            # A CDP serving the CRL of the issuing CA signed with its renewed key.
            "crl-renewed": f"{self.base}/renewed.crl",
        }
        for name, cdp in cases.items():
            self.cert(name, "issuing", [f'cn = "{name}.contoso.com"', f'dns_name = "{name}.contoso.com"',
                                        *leaf, f'crl_dist_points = "{cdp}"'])
        for name in ("ocsp-good", "ocsp-revoked", "ocsp-unknown"):
            self.cert(name, "issuing", [f'cn = "{name}.contoso.com"', f'dns_name = "{name}.contoso.com"',
                                        *leaf, f'ocsp_uri = "{self.base}/ocsp"'])
            serial = self.load(name).serial_number
            self.serial_status[serial] = name.split("-")[1]
        # No CRL distribution point and no OCSP responder: online, nothing to ask.
        self.cert("no-sources", "issuing", ['cn = "no-sources.contoso.com"', 'dns_name = "no-sources.contoso.com"',
                                            *leaf])
        # A CA whose key usage lacks cRLSign, a leaf of it, and its CRL revoking that leaf: the
        # CRL does not count (RFC 5280 6.3.3 (f)), so the leaf is not taken as revoked either.
        self.cert("nocrlsign", "root", ['cn = "Revocation Test No-cRLSign CA"', "ca", "cert_signing_key",
                                        "expiration_days = 3650"])
        self.cert("nocrlsign-leaf", "nocrlsign", ['cn = "nocrlsign-leaf.contoso.com"',
                                                  'dns_name = "nocrlsign-leaf.contoso.com"', *leaf,
                                                  f'crl_dist_points = "{self.base}/nocrlsign.crl"'])
        self.crl("nocrlsign.crl", "nocrlsign", revoked=["nocrlsign-leaf"])
        # The issuing CA renewed with a new key (same name, issued by the root), signing its CRLs
        # with the new key: the leaves issued under the old key are covered by that CRL.
        self.cert("issuing-renewed", "root", ['cn = "Revocation Test Issuing CA"', *ca])
        self.crl("renewed.crl", "issuing-renewed", revoked=["crl-revoked"])
        self.crl("root.crl", "root")
        self.crl("issuing.crl", "issuing", revoked=["crl-revoked"])
        self.crl("stale.crl", "issuing", lines=('crl_this_update_date = "2020-01-01 00:00:00"',
                                                'crl_next_update_date = "2020-02-01 00:00:00"',
                                                "crl_number = 2"))
        self.crl("badsig.crl", "impostor")
        self.make_scoped()
        self.make_online_scope()
        for name in list(cases) + ["ocsp-good", "ocsp-revoked", "ocsp-unknown", "no-sources", "nocrlsign-leaf"]:
            with open(self.path(name + ".bundle.pem"), "w") as out:
                for part in (name, "nocrlsign" if name == "nocrlsign-leaf" else "issuing"):
                    with open(self.path(part + ".pem")) as f:
                        out.write(f.read())

    def load(self, name):
        with open(self.path(name + ".pem"), "rb") as f:
            return x509.load_pem_x509_certificate(f.read())

    def scoped_crl(self, name, extensions=(), revoked=(), issuer="issuing", number=7):
        """A CRL of @issuer made with python3-cryptography, for what certtool cannot write:
        @extensions is (extension, critical) pairs, @revoked names leaves it lists (or
        (leaf, reason) pairs, the reason a ReasonFlags)."""
        with open(self.path(issuer + ".key"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), None)
        now = datetime.datetime.now(datetime.timezone.utc)
        b = (x509.CertificateRevocationListBuilder().issuer_name(self.load(issuer).subject)
             .last_update(now - datetime.timedelta(days=1)).next_update(now + datetime.timedelta(days=30))
             .add_extension(x509.CRLNumber(number), critical=False))
        for ext, critical in extensions:
            b = b.add_extension(ext, critical=critical)
        for r in revoked:
            r, reason = r if isinstance(r, tuple) else (r, None)
            e = (x509.RevokedCertificateBuilder().serial_number(self.load(r).serial_number)
                 .revocation_date(now - datetime.timedelta(hours=1)))
            if reason:
                e = e.add_extension(x509.CRLReason(reason), critical=False)
            b = b.add_revoked_certificate(e.build())
        with open(self.path(name), "wb") as f:
            f.write(b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))

    def make_scoped(self):
        """CRLs of the issuing CA whose scope (RFC 5280 5.2.5, 6.3.3) decides whether they count
        for the crl-good and crl-revoked leaves (their distribution point: issuing.crl)."""
        R = x509.ReasonFlags

        def idp(uri=None, user=False, ca=False, reasons=None, attr=False):
            return (x509.IssuingDistributionPoint(
                full_name=[x509.UniformResourceIdentifier(uri)] if uri else None, relative_name=None,
                only_contains_user_certs=user, only_contains_ca_certs=ca,
                only_some_reasons=frozenset(reasons) if reasons else None, indirect_crl=False,
                only_contains_attribute_certs=attr), True)
        listed = ["crl-revoked"]
        self.scoped_crl("scope-own-dp.crl", [idp(f"{self.base}/issuing.crl")], listed)
        self.scoped_crl("scope-other-dp.crl", [idp(f"{self.base}/other.crl")], listed)
        self.scoped_crl("scope-users.crl", [idp(user=True)], listed)
        self.scoped_crl("scope-cas.crl", [idp(ca=True)], listed)
        compromise = {R.key_compromise, R.ca_compromise}
        self.scoped_crl("scope-compromise.crl", [idp(reasons=compromise)])
        self.scoped_crl("scope-other-reasons.crl",
                        [idp(reasons={r for r in R if r not in compromise and r is not R.unspecified
                                      and r is not R.remove_from_crl})])
        unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("2.25.1"), b"\x05\x00")
        self.scoped_crl("scope-unknown-critical.crl", [(unknown, True)])
        self.scoped_crl("scope-unknown-noncritical.crl", [(unknown, False)])
        self.scoped_crl("scope-delta.crl", [(x509.DeltaCRLIndicator(1), True)])
        # A complete CRL (number 7) holding crl-good, and its deltas (number 8, base 7): one that
        # takes the hold off (removeFromCRL), one that revokes crl-revoked, which the complete
        # CRL does not list.
        self.scoped_crl("hold.crl", revoked=[("crl-good", R.certificate_hold)])
        delta = [(x509.DeltaCRLIndicator(7), True)]
        self.scoped_crl("hold-removed.delta.crl", delta, [("crl-good", R.remove_from_crl)], number=8)
        self.scoped_crl("revoked.delta.crl", delta, [("crl-revoked", R.key_compromise)], number=8)
        self.scoped_crl("newer-base.delta.crl", [(x509.DeltaCRLIndicator(9), True)],
                        [("crl-good", R.remove_from_crl)], number=10)


    def private_key(self, name):
        with open(self.path(name + ".key"), "rb") as f:
            return serialization.load_pem_private_key(f.read(), None)

    def leaf(self, name, issuer, extensions):
        """A leaf of @issuer made with python3-cryptography, for the distribution point forms
        certtool cannot write (cRLIssuer, freshestCRL); its bundle is the leaf and @issuer."""
        from cryptography.hazmat.primitives.asymmetric import ec
        key = ec.generate_private_key(ec.SECP256R1())
        ca, ca_key = self.load(issuer), self.private_key(issuer)
        now = datetime.datetime.now(datetime.timezone.utc)
        fqdn = f"{name}.contoso.com"
        b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, fqdn)]))
             .issuer_name(ca.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=300))
             .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
             .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
             .add_extension(x509.ExtendedKeyUsage([x509.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
             .add_extension(x509.SubjectAlternativeName([x509.DNSName(fqdn)]), critical=False)
             .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                 ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value), critical=False))
        for ext in extensions:
            b = b.add_extension(ext, critical=False)
        pem = b.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
        with open(self.path(name + ".pem"), "wb") as f:
            f.write(pem)
        with open(self.path(name + ".bundle.pem"), "wb") as f, open(self.path(issuer + ".pem"), "rb") as i:
            f.write(pem + i.read())

    def make_online_scope(self):
        """Online CRLs that the certificate's issuer does not sign alone: an indirect CRL of a
        separate CRL authority (the leaves' distribution point names it as cRLIssuer), and a
        complete CRL with a delta CRL at the leaves' freshestCRL point."""
        uri = x509.UniformResourceIdentifier
        self.cert("crlauth", "root", ['cn = "Revocation Test CRL Authority"', "crl_signing_key",
                                      "expiration_days = 3650"])
        authority = self.load("crlauth").subject
        dp = x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[uri(f"{self.base}/indirect.crl")], relative_name=None, reasons=None,
            crl_issuer=[x509.DirectoryName(authority)])])
        for name in ("indirect-good", "indirect-revoked"):
            self.leaf(name, "issuing", [dp])
        # The indirect CRL: signed by the authority, listing indirect-revoked of the issuing CA
        # (certificateIssuer).
        now = datetime.datetime.now(datetime.timezone.utc)
        b = (x509.CertificateRevocationListBuilder().issuer_name(authority)
             .last_update(now - datetime.timedelta(days=1)).next_update(now + datetime.timedelta(days=30))
             .add_extension(x509.CRLNumber(3), critical=False)
             .add_extension(x509.IssuingDistributionPoint(
                 full_name=[uri(f"{self.base}/indirect.crl")], relative_name=None, only_contains_user_certs=False,
                 only_contains_ca_certs=False, only_some_reasons=None, indirect_crl=True,
                 only_contains_attribute_certs=False), critical=True)
             .add_revoked_certificate(
                 x509.RevokedCertificateBuilder().serial_number(self.load("indirect-revoked").serial_number)
                 .revocation_date(now - datetime.timedelta(hours=1))
                 .add_extension(x509.CertificateIssuer([x509.DirectoryName(self.load("issuing").subject)]),
                                critical=True).build()))
        with open(self.path("indirect.crl"), "wb") as f:
            f.write(b.sign(self.private_key("crlauth"), hashes.SHA256()).public_bytes(serialization.Encoding.DER))
        # A complete CRL (number 20) listing nothing, and its delta (21, base 20) revoking
        # delta-revoked and delta-missing; delta-missing's freshestCRL point serves nothing.
        cdp = x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[uri(f"{self.base}/dbase.crl")], relative_name=None, reasons=None, crl_issuer=None)])
        for name, delta in (("delta-good", "delta.crl"), ("delta-revoked", "delta.crl"),
                            ("delta-missing", "missing-delta.crl")):
            self.leaf(name, "issuing", [cdp, x509.FreshestCRL([x509.DistributionPoint(
                full_name=[uri(f"{self.base}/{delta}")], relative_name=None, reasons=None, crl_issuer=None)])])
        self.scoped_crl("dbase.crl", number=20)
        self.scoped_crl("delta.crl", [(x509.DeltaCRLIndicator(20), True)], ["delta-revoked", "delta-missing"],
                        number=21)


class Handler(http.server.BaseHTTPRequestHandler):
    pki = None
    requests = []  # (method, path) of every request, in order (list.append is atomic)

    def log_message(self, *args):
        pass

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, body, ctype):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        Handler.requests.append(("GET", self.path))
        name = self.path.lstrip("/")
        hops = name.split("/", 1)
        if len(hops) == 2 and hops[0][:1] == "r" and hops[0][1:].isdigit():
            n = int(hops[0][1:])  # /rN/NAME: N redirects to /NAME
            return self.redirect(f"/r{n - 1}/{hops[1]}" if n > 1 else f"/{hops[1]}")
        port = self.pki.port
        targets = {"to-ftp.crl": f"ftp://127.0.0.1:{port}/issuing.crl", "to-file.crl": "file:///etc/hostname",
                   "to-loopback.crl": f"http://127.0.0.1:{port}/issuing.crl",
                   "to-localhost.crl": f"http://localhost:{port}/issuing.crl"}
        if name in targets:
            return self.redirect(targets[name])
        if name == "slow.crl":
            time.sleep(3)  # the client's timeout is 1 s
        if name == "huge.crl":
            try:
                return self.send(b"\0" * (3 * 1024 * 1024), "application/pkix-crl")
            except (BrokenPipeError, ConnectionResetError):
                return None  # the client stops reading at its size limit, as it should
        path = self.pki.path(name)
        if name.endswith(".crl") and os.path.exists(path):
            return self.send(open(path, "rb").read(), "application/pkix-crl")
        self.send_error(404)

    def do_POST(self):
        Handler.requests.append(("POST", self.path))
        if self.path != "/ocsp":
            return self.send_error(404)
        req = ocsp.load_der_ocsp_request(self.rfile.read(int(self.headers["Content-Length"])))
        issuer = self.pki.load("issuing")
        with open(self.pki.path("issuing.key"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), None)
        status = self.pki.serial_status.get(req.serial_number, "unknown")
        leaf = next(self.pki.load(n) for n in ("ocsp-good", "ocsp-revoked", "ocsp-unknown")
                    if self.pki.load(n).serial_number == req.serial_number)
        now = datetime.datetime.utcnow().replace(microsecond=0)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=leaf, issuer=issuer, algorithm=hashes.SHA1(),
            cert_status={"good": ocsp.OCSPCertStatus.GOOD, "revoked": ocsp.OCSPCertStatus.REVOKED,
                         "unknown": ocsp.OCSPCertStatus.UNKNOWN}[status],
            this_update=now - datetime.timedelta(minutes=5), next_update=now + datetime.timedelta(days=1),
            revocation_time=now - datetime.timedelta(days=1) if status == "revoked" else None,
            revocation_reason=None,
        ).responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
        self.send(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER),
                  "application/ocsp-response")


def start_live():
    """The PKI and the HTTP server (CRLs, OCSP) on a free loopback port: (tmp, server, pki)."""
    tmp = tempfile.TemporaryDirectory()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    pki = PKI(tmp.name, f"http://127.0.0.1:{server.server_address[1]}")
    pki.make()
    Handler.pki = pki
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return tmp, server, pki


def stop_live(tmp, server):
    server.shutdown()
    server.server_close()
    tmp.cleanup()


# ---- the manifest's exemptions ----------------------------------------------------------------

SUITE = "tests/revocation"
# The exempted rules this suite can break: the certificate of the PKI and the options that make
# the rule fire on the leaf.
TRIGGERS = {
    "revocation.ocsp-unknown": ("ocsp-unknown", ONLINE),
}


def manifest_exemptions(path):
    with open(path, encoding="utf-8") as f:
        return [e for e in json.load(f).get("exemptions", []) if e.get("coveredBy") == SUITE]


def exemption_findings(pki, now, exemption):
    """The findings of the exemption's rule on the leaf, through the command and the C API:
    [(face, product, severity)]."""
    name, opts = TRIGGERS[exemption["rule"]]
    role, rule, bundle = exemption["role"], exemption["rule"], pki.path(name + ".bundle.pem")
    cli = subprocess.run([*WRAP, UCPOLICY, "check", "--role", role, "--trust", pki.path("root.pem"),
                          "--at", f"@{now}", "--format", "json", "--timeout", "1", *opts, bundle],
                         capture_output=True, text=True, timeout=CALL_TIMEOUT)
    rep = json.loads(cli.stdout)
    found = [("cli", rep["product"], f["severity"]) for f in rep["findings"]
             if f["code"] == rule and f["certificateIndex"] == 0]
    api = subprocess.run([*WRAP, API, role, bundle, str(now), "--trust", pki.path("root.pem"), "--timeout", "1000",
                          *opts], capture_output=True, text=True, timeout=CALL_TIMEOUT)
    if api.returncode != 0:
        raise RuntimeError(f"check-dump {role}: exit {api.returncode}: {api.stderr.strip()}")
    lines = api.stdout.splitlines()
    product = next(line.split()[1] for line in lines if line.startswith("product "))
    found += [("api", product, line.split()[2]) for line in lines
              if line.startswith("finding ") and line.split()[1] == rule and line.split()[3] == "0"]
    return found


def catalogue_severity(role, product, rule):
    """The severity the catalogue gives @rule for @role and @product (ucpolicy rules)."""
    r = subprocess.run([UCPOLICY, "rules", "--role", role, "--product", product, "--format", "json"],
                       capture_output=True, text=True, timeout=60)
    return next((x["severity"] for x in json.loads(r.stdout)["rules"] if x["code"] == rule), None)


def trigger_exemptions(manifest):
    """--trigger-exemptions: break every exempted binding this suite covers; 0 when all fired."""
    exemptions = manifest_exemptions(manifest)
    tmp, server, pki = start_live()
    ok = True
    try:
        now = int(time.time())
        for e in exemptions:
            if e["rule"] not in TRIGGERS:
                print(f"untriggerable {e['role']} {e['rule']}")
                ok = False
                continue
            found = exemption_findings(pki, now, e)
            for face in ("cli", "api"):
                hits = [x for x in found if x[0] == face]
                for _, product, severity in hits:
                    print(f"triggered {e['role']} {e['rule']} {product} {severity} {face}")
                if not hits:
                    print(f"not-triggered {e['role']} {e['rule']} {face}")
                    ok = False
    finally:
        stop_live(tmp, server)
    sys.stdout.flush()
    return 0 if ok else 1


class RevocationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp, cls.server, cls.pki = start_live()
        cls.now = int(time.time())

    @classmethod
    def tearDownClass(cls):
        stop_live(cls.tmp, cls.server)

    def test_manifest_exemptions(self):
        """Every binding the fixture manifest exempts for this suite fires here, for its role,
        with the catalogue's severity, through the command and the C API."""
        fixtures = os.environ.get("UCPOLICY_FIXTURES")
        self.assertTrue(fixtures, "UCPOLICY_FIXTURES is not set (meson passes the fixtures of tests/FIXTURES.md)")
        exemptions = manifest_exemptions(os.path.join(fixtures, "manifest.json"))
        if not exemptions:
            self.skipTest("the fixture manifest exempts nothing for this suite")
        for e in exemptions:
            with self.subTest(role=e["role"], rule=e["rule"]):
                self.assertIn(e["rule"], TRIGGERS, "an exemption this suite has no scenario for")
                found = exemption_findings(self.pki, self.now, e)
                self.assertEqual(sorted(f[0] for f in found), ["api", "cli"], found)
                for face, product, severity in found:
                    self.assertEqual(severity, catalogue_severity(e["role"], product, e["rule"]), (face, found))

    def cli(self, name, *opts, role="tls-server", env=None):
        r = subprocess.run([*WRAP, UCPOLICY, "check", "--role", role, "--trust", self.pki.path("root.pem"),
                            "--at", f"@{self.now}", "--format", "json", "--timeout", "1", *opts,
                            self.pki.path(name + ".bundle.pem")], capture_output=True, text=True, timeout=CALL_TIMEOUT,
                           env=env)
        self.assertIn(r.returncode, (0, 1, 2), r.stderr)
        rep = json.loads(r.stdout)
        statuses = [(c["revocation"], c["revocationSource"]) for c in rep["chain"]["certificates"]]
        findings = {(f["code"], f["severity"]) for f in rep["findings"]}
        return statuses, findings, rep

    def api(self, name, *opts, role="tls-server", env=None):
        r = subprocess.run([*WRAP, API, role, self.pki.path(name + ".bundle.pem"), str(self.now),
                            "--trust", self.pki.path("root.pem"), "--timeout", "1000", *opts],
                           capture_output=True, text=True, timeout=CALL_TIMEOUT, env=env)
        self.assertEqual(r.returncode, 0, r.stderr)
        statuses, findings = [], set()
        for line in r.stdout.splitlines():
            kind, *rest = line.split(" ", 3)
            if kind == "status":
                statuses.append((rest[1], None if rest[2] == "-" else rest[2]))
            elif kind == "finding":
                findings.add((rest[0], rest[1]))
        return statuses, findings

    def both(self, name, cli_opts, api_opts, role="tls-server", env=None):
        """Run through the CLI and the C API; they must agree. Returns (leaf status, findings)."""
        s1, f1, _ = self.cli(name, *cli_opts, role=role, env=env)
        s2, f2 = self.api(name, *api_opts, role=role, env=env)
        self.assertEqual(s1, s2, "CLI and C API disagree on the statuses")
        self.assertEqual(f1, f2, "CLI and C API disagree on the findings")
        return s1, f1

    def test_online_crl_good(self):
        s, f = self.both("crl-good", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "good")
        self.assertTrue(s[0][1].startswith("crl http://127.0.0.1:"), s[0])
        self.assertEqual(s[1][0], "good", "the issuing CA is checked against the root's CRL")
        self.assertEqual(s[2][0], "not-checked", "the trust anchor itself is not revocable here")
        self.assertFalse({c for c, _ in f if c.startswith("revocation.")})

    def test_online_crl_revoked(self):
        s, f = self.both("crl-revoked", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "revoked")
        self.assertIn(("revocation.revoked", "error"), f)

    def test_offline_crl_files(self):
        crls = ["--crl", self.pki.path("issuing.crl"), "--crl", self.pki.path("root.crl")]
        s, f = self.both("crl-revoked", crls, crls)
        self.assertEqual(s[0], ("revoked", "crl " + self.pki.path("issuing.crl")))
        s, f = self.both("crl-good", crls, crls)
        self.assertEqual([x[0] for x in s], ["good", "good", "not-checked"])
        self.assertEqual(f, set())

    def test_status_unknown_without_a_crl_of_the_issuer(self):
        # Only the root's CRL: the issuing CA's status is known, the leaf's is not, and the
        # finding says which certificate and why; the trust anchor gets none.
        crls = ["--crl", self.pki.path("root.crl")]
        s, f = self.both("crl-good", crls, crls)
        self.assertEqual([x[0] for x in s], ["unknown", "good", "not-checked"])
        self.assertEqual(f, {("revocation.status-unknown", "warning")})
        _, _, rep = self.cli("crl-good", *crls)
        hits = [x for x in rep["findings"] if x["code"] == "revocation.status-unknown"]
        self.assertEqual([x["certificateIndex"] for x in hits], [0], "the leaf only, never the anchor")
        self.assertIn("The revocation status of 'CN=crl-good.contoso.com' cannot be determined: none of the 1 CRL "
                      f"given is issued by 'CN=Revocation Test Issuing CA' ({self.pki.path('root.crl')}: issued by "
                      "'CN=Revocation Test Root'), and its distribution points are not fetched without --online.",
                      hits[0]["message"])
        # Lync / SfB roles fail it, as the Windows chain engine does offline.
        fqdn = [*crls, "--fqdn", "crl-good.contoso.com"]
        s, f = self.both("crl-good", fqdn, fqdn, role="frontend-default")
        self.assertIn(("revocation.status-unknown", "error"), f)
        # With the issuing CA's CRL as well: no finding (the passing case).
        crls = ["--crl", self.pki.path("root.crl"), "--crl", self.pki.path("issuing.crl")]
        s, f = self.both("crl-good", crls, crls)
        self.assertNotIn("revocation.status-unknown", {c for c, _ in f})

    def test_status_unknown_with_only_a_crl_of_another_key(self):
        # A CRL naming the issuer but signed by another key says so (crl-bad-signature), and
        # status-unknown does not repeat it.
        crls = ["--crl", self.pki.path("badsig.crl"), "--crl", self.pki.path("root.crl")]
        s, f = self.both("crl-good", crls, crls)
        self.assertEqual(s[0][0], "unknown")
        self.assertIn(("revocation.crl-bad-signature", "error"), f)
        self.assertNotIn("revocation.status-unknown", {c for c, _ in f})

    def test_status_unknown_online_with_nothing_to_ask(self):
        crls = [*ONLINE, "--crl", self.pki.path("root.crl")]
        s, f, rep = self.cli("no-sources", *crls)
        self.assertEqual([x[0] for x in s], ["unknown", "good", "not-checked"])
        msg = next(x["message"] for x in rep["findings"] if x["code"] == "revocation.status-unknown")
        self.assertIn("and the certificate has no HTTP CRL distribution point or OCSP responder to ask", msg)
        s2, f2 = self.api("no-sources", *crls)
        self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")
        # Unreachable sources are revocation.unreachable, not status-unknown as well.
        s, f = self.both("unreachable", ONLINE, ONLINE)
        self.assertNotIn("revocation.status-unknown", {c for c, _ in f})

    def test_crl_of_an_issuer_without_crl_sign(self):
        crls = ["--crl", self.pki.path("nocrlsign.crl"), "--crl", self.pki.path("root.crl")]
        s, f = self.both("nocrlsign-leaf", crls, crls)
        self.assertEqual([x[0] for x in s], ["unknown", "good", "not-checked"], "its CRL's listing does not count")
        self.assertIn(("revocation.crl-sign-missing", "error"), f)
        self.assertFalse({c for c, _ in f} & {"revocation.revoked", "revocation.status-unknown"}, f)
        _, _, rep = self.cli("nocrlsign-leaf", *crls)
        [hit] = [x for x in rep["findings"] if x["code"] == "revocation.crl-sign-missing"]
        self.assertEqual(hit["certificateIndex"], 0)
        self.assertIn(f"The CRL {self.pki.path('nocrlsign.crl')} is signed by 'CN=Revocation Test No-cRLSign CA', "
                      "whose key usage does not include cRLSign", hit["message"])
        # Fetched online: the same finding, and the distribution point is not called unreachable.
        online = [*ONLINE, "--crl", self.pki.path("root.crl")]
        s, f = self.both("nocrlsign-leaf", online, online)
        self.assertEqual(s[0][0], "unknown")
        self.assertIn(("revocation.crl-sign-missing", "error"), f)
        self.assertFalse({c for c, _ in f} & {"revocation.unreachable", "revocation.status-unknown"}, f)

    def scoped(self, leaf, *crls):
        opts = [x for c in (*crls, "root.crl") for x in ("--crl", self.pki.path(c))]
        s, f = self.both(leaf, opts, opts)
        _, _, rep = self.cli(leaf, *opts)
        return s[0][0], {c for c, _ in f if c.startswith("revocation.")}, rep

    def test_crl_scope_distribution_point(self):
        """An issuingDistributionPoint naming the leaf's distribution point covers it; one naming
        another point does not, so its listing does not count and the status is unknown."""
        self.assertEqual(self.scoped("crl-good", "scope-own-dp.crl")[:2], ("good", set()))
        self.assertEqual(self.scoped("crl-revoked", "scope-own-dp.crl")[:2], ("revoked", {"revocation.revoked"}))
        status, codes, rep = self.scoped("crl-revoked", "scope-other-dp.crl")
        self.assertEqual((status, codes), ("unknown", {"revocation.status-unknown"}))
        [hit] = [x for x in rep["findings"] if x["code"] == "revocation.status-unknown"]
        self.assertIn("no CRL given covers it", hit["message"])
        self.assertIn("names a distribution point the certificate does not name", hit["message"])

    def test_crl_scope_only_contains(self):
        """onlyContainsUserCerts covers the leaf; onlyContainsCACerts does not."""
        self.assertEqual(self.scoped("crl-revoked", "scope-users.crl")[:2], ("revoked", {"revocation.revoked"}))
        status, codes, rep = self.scoped("crl-revoked", "scope-cas.crl")
        self.assertEqual((status, codes), ("unknown", {"revocation.status-unknown"}))
        self.assertIn("onlyContainsCACerts", json.dumps(rep["findings"]))

    def test_crl_scope_reasons(self):
        """Two CRLs that together cover every reason give "good"; one of them alone does not."""
        self.assertEqual(self.scoped("crl-good", "scope-compromise.crl", "scope-other-reasons.crl")[:2],
                         ("good", set()))
        status, codes, rep = self.scoped("crl-good", "scope-compromise.crl")
        self.assertEqual((status, codes), ("unknown", {"revocation.status-unknown"}))
        self.assertIn("only some revocation reasons", json.dumps(rep["findings"]))

    def test_crl_unknown_critical_extension(self):
        """RFC 5280 5.2: a CRL with a critical extension that is not recognised is not used, and
        the finding says so; the same extension non-critical is ignored."""
        self.assertEqual(self.scoped("crl-good", "scope-unknown-noncritical.crl")[:2], ("good", set()))
        status, codes, rep = self.scoped("crl-good", "scope-unknown-critical.crl")
        self.assertEqual((status, codes), ("unknown", {"revocation.crl-unknown-critical"}))
        [hit] = [x for x in rep["findings"] if x["code"] == "revocation.crl-unknown-critical"]
        self.assertEqual((hit["severity"], hit["certificateIndex"]), ("error", 0))
        self.assertIn("critical CRL extension 2.25.1", hit["message"])
        # Another CRL of the issuer that is usable gives the status, and nothing is reported.
        self.assertEqual(self.scoped("crl-good", "scope-unknown-critical.crl", "issuing.crl")[:2], ("good", set()))

    def test_delta_crl_is_not_a_complete_crl(self):
        status, codes, rep = self.scoped("crl-good", "scope-delta.crl")
        self.assertEqual((status, codes), ("unknown", {"revocation.status-unknown"}))
        self.assertIn("delta CRL", json.dumps(rep["findings"]))
        self.assertEqual(self.scoped("crl-good", "scope-delta.crl", "issuing.crl")[:2], ("good", set()))

    def test_online_crl_that_does_not_count(self):
        """Fetched online, a CRL out of the leaf's scope or with an unrecognised critical extension
        was reached: the status is unknown with the finding that says why, not unreachable."""
        s, f = self.both("crl-out-of-scope", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "unknown")
        self.assertEqual({c for c, _ in f if c.startswith("revocation.")}, {"revocation.status-unknown"})
        _, _, rep = self.cli("crl-out-of-scope", *ONLINE)
        [hit] = [x for x in rep["findings"] if x["code"] == "revocation.status-unknown"]
        self.assertIn("no CRL given or fetched covers it", hit["message"])
        self.assertIn("onlyContainsCACerts", hit["message"])
        self.assertNotIn("no HTTP CRL distribution point", hit["message"])
        s, f = self.both("crl-unknown-ext", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "unknown")
        self.assertEqual({c for c, _ in f if c.startswith("revocation.")}, {"revocation.crl-unknown-critical"})

    def test_delta_crl_applied_to_its_complete_crl(self):
        """RFC 5280 5.2.4, 6.3.3: a delta CRL's entries apply to the complete CRL it is based on:
        removeFromCRL takes a certificate on hold off the list, another entry revokes; a delta
        based on a newer complete CRL than the one given does not apply."""
        self.assertEqual(self.scoped("crl-good", "hold.crl")[:2], ("revoked", {"revocation.revoked"}))
        self.assertEqual(self.scoped("crl-good", "hold.crl", "hold-removed.delta.crl")[:2], ("good", set()))
        self.assertEqual(self.scoped("crl-good", "hold.crl", "newer-base.delta.crl")[:2],
                         ("revoked", {"revocation.revoked"}))
        status, codes, rep = self.scoped("crl-revoked", "hold.crl", "revoked.delta.crl")
        self.assertEqual((status, codes), ("revoked", {"revocation.revoked"}))
        self.assertIn("revoked.delta.crl", json.dumps(rep["findings"]))
        self.assertEqual(self.scoped("crl-revoked", "hold.crl")[:2], ("good", set()))

    def test_crl_signed_by_a_renewed_ca_key(self):
        crls = ["--crl", self.pki.path("renewed.crl"), "--crl", self.pki.path("root.crl")]
        renewed = ["--chain", self.pki.path("issuing-renewed.pem"), *crls]
        s, f = self.both("crl-good", renewed, renewed)
        self.assertEqual([x[0] for x in s], ["good", "good", "not-checked"], f)
        self.assertEqual(s[0][1], "crl " + self.pki.path("renewed.crl"))
        self.assertFalse({c for c, _ in f if c.startswith("revocation.")}, f)
        s, f = self.both("crl-revoked", renewed, renewed)
        self.assertEqual(s[0][0], "revoked")
        # Without the renewed CA certificate no key of that name verifies the CRL.
        s, f = self.both("crl-good", crls, crls)
        self.assertEqual(s[0][0], "unknown")
        self.assertIn(("revocation.crl-bad-signature", "error"), f)
        # The look-alike self-signed CA of the same name does not chain to the path: not a signer.
        impostor = ["--crl", self.pki.path("badsig.crl"), "--chain", self.pki.path("impostor.pem"),
                    "--crl", self.pki.path("root.crl")]
        s, f = self.both("crl-good", impostor, impostor)
        self.assertIn(("revocation.crl-bad-signature", "error"), f)

    def test_online_indirect_crl(self):
        """An indirect CRL at a distribution point whose cRLIssuer is a separate CRL authority:
        fetched, verified with the authority's certificate (issued by the root, given with
        --chain) and applied with its certificateIssuer entries; without that certificate no
        key verifies it."""
        opts = [*ONLINE, "--chain", self.pki.path("crlauth.pem")]
        s, f = self.both("indirect-good", opts, opts)
        self.assertEqual(s[0], ("good", f"crl {self.pki.base}/indirect.crl"), (s, f))
        self.assertFalse({c for c, _ in f if c.startswith("revocation.")}, f)
        s, f, rep = self.cli("indirect-revoked", *opts)
        self.assertEqual(s[0][0], "revoked", (s, f))
        self.assertIn("indirect.crl", json.dumps(rep["findings"]))
        self.assertEqual((s, f), self.api("indirect-revoked", *opts), "CLI and C API disagree")
        s, f, rep = self.cli("indirect-revoked", *ONLINE)
        self.assertNotEqual(s[0][0], "revoked", (s, f))
        self.assertNotEqual(s[0][0], "good", (s, f))
        self.assertIn(("revocation.crl-bad-signature", "error"), f)
        self.assertIn("indirect.crl: the CRL found there is issued by 'CN=Revocation Test CRL Authority', a cRLIssuer",
                      self.unreachable_message(rep))
        self.assertEqual((s, f), self.api("indirect-revoked", *ONLINE), "CLI and C API disagree")

    def test_online_crl_signed_by_a_renewed_ca_key(self):
        """A CRL fetched online, signed by the issuing CA's renewed key: it counts when the renewed
        CA certificate is known (--chain), as a given one does; without it no key verifies it."""
        opts = [*ONLINE, "--chain", self.pki.path("issuing-renewed.pem")]
        s, f = self.both("crl-renewed", opts, opts)
        self.assertEqual(s[0], ("good", f"crl {self.pki.base}/renewed.crl"), (s, f))
        self.assertFalse({c for c, _ in f if c.startswith("revocation.")}, f)
        s, f, rep = self.cli("crl-renewed", *ONLINE)
        self.assertEqual(s[0][0], "unreachable", (s, f))
        self.assertIn(("revocation.crl-bad-signature", "error"), f)
        self.assertIn("renewed.crl: the CRL found there names the certificate's issuer 'CN=Revocation Test Issuing CA' "
                      "but is not signed by its key, nor by another certificate", self.unreachable_message(rep))
        self.assertEqual((s, f), self.api("crl-renewed", *ONLINE), "CLI and C API disagree")

    def test_online_delta_crl(self):
        """The delta CRL at a certificate's freshestCRL point is fetched and applied to the
        complete CRL of its distribution point: a certificate revoked in the delta only is
        revoked. When the delta cannot be fetched, the complete CRL decides alone (as offline
        without a delta) and a revocation.unreachable finding says the delta was not obtained."""
        (s, f), seen = self.requests_during(lambda: self.both("delta-good", ONLINE, ONLINE))
        self.assertEqual(s[0], ("good", f"crl {self.pki.base}/dbase.crl"), (s, f))
        self.assertFalse({c for c, _ in f if c.startswith("revocation.")}, f)
        self.assertIn(("GET", "/delta.crl"), seen)
        s, f, rep = self.cli("delta-revoked", *ONLINE)
        self.assertEqual(s[0], ("revoked", f"crl {self.pki.base}/delta.crl"), (s, f))
        self.assertIn(("revocation.revoked", "error"), f)
        self.assertEqual((s, f), self.api("delta-revoked", *ONLINE), "CLI and C API disagree")
        # The complete CRL given offline: the delta is still fetched online and applies.
        given = [*ONLINE, "--crl", self.pki.path("dbase.crl")]
        s, f = self.both("delta-revoked", given, given)
        self.assertEqual(s[0][0], "revoked", (s, f))
        s, f, rep = self.cli("delta-missing", *ONLINE)
        self.assertEqual(s[0], ("good", f"crl {self.pki.base}/dbase.crl"), (s, f))
        self.assertEqual({c for c, _ in f if c.startswith("revocation.")}, {"revocation.unreachable"}, f)
        msg = self.unreachable_message(rep)
        self.assertIn("complete CRL alone", msg)
        self.assertIn(f"{self.pki.base}/missing-delta.crl: ", msg)
        self.assertEqual((s, f), self.api("delta-missing", *ONLINE), "CLI and C API disagree")

    def test_not_checked_without_crl_or_online(self):
        s, f = self.both("crl-revoked", [], [])
        self.assertEqual({x[0] for x in s}, {"not-checked"})
        self.assertEqual(f, set(), "nothing is fetched unless asked")

    def test_stale_crl(self):
        s, f = self.both("crl-stale", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "unknown", (s, f))
        self.assertIn(("revocation.crl-expired", "warning"), f)
        fqdn = [*ONLINE, "--fqdn", "crl-stale.contoso.com"]
        s, f = self.both("crl-stale", fqdn, fqdn, role="frontend-default")
        self.assertIn(("revocation.crl-expired", "error"), f, "an error for Lync/SfB roles (G8)")

    def test_crl_with_bad_signature(self):
        s, f = self.both("crl-badsig", ONLINE, ONLINE)
        self.assertIn(("revocation.crl-bad-signature", "error"), f)
        self.assertNotEqual(s[0][0], "good")

    def test_crl_of_another_issuer(self):
        # The CDP serves the root's CRL: the finding says so, not "could be reached: ." with nothing.
        s, f, rep = self.cli("crl-other-issuer", *ONLINE)
        self.assertEqual(s[0][0], "unreachable")
        msg = next(x["message"] for x in rep["findings"] if x["code"] == "revocation.unreachable")
        self.assertIn(f"{self.pki.base}/root.crl: the CRL found there is issued by 'CN=Revocation Test Root', "
                      "not by the certificate's issuer 'CN=Revocation Test Issuing CA'", msg)
        s2, f2 = self.api("crl-other-issuer", *ONLINE)
        self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")
        # A CRL naming the issuer but signed by another key says that instead.
        s, f, rep = self.cli("crl-badsig", *ONLINE)
        msg = next(x["message"] for x in rep["findings"] if x["code"] == "revocation.unreachable")
        self.assertIn("badsig.crl: the CRL found there names the certificate's issuer 'CN=Revocation Test Issuing "
                      "CA' but is not signed by its key", msg)

    def test_unreachable(self):
        s, f = self.both("unreachable", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "unreachable")
        self.assertIn(("revocation.unreachable", "warning"), f)
        s, f = self.both("unreachable", ONLINE, ONLINE, role="edge-internal")
        self.assertIn(("revocation.unreachable", "error"), f, "the Edge needs CRL reachability")

    def test_timeout_is_bounded(self):
        # The server answers after 3 s, the budget is 1 s: the finding says the budget cut the
        # transfer (no assertion on elapsed time: it would fail on a busy machine).
        s, f, rep = self.cli("slow", *ONLINE)
        self.assertEqual(s[0][0], "unreachable")
        msg = next(x["message"] for x in rep["findings"] if x["code"] == "revocation.unreachable")
        self.assertIn("no answer before the check's time budget of 1000 ms ran out", msg)

    def test_size_limit(self):
        s, f = self.api("huge", *ONLINE, "--limit", "65536")
        self.assertEqual(s[0][0], "unreachable")
        self.assertIn(("revocation.unreachable", "warning"), f)

    def test_ocsp(self):
        s, f = self.both("ocsp-good", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "good")
        self.assertTrue(s[0][1].startswith("ocsp http://127.0.0.1:"))
        s, f = self.both("ocsp-revoked", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "revoked")
        self.assertIn(("revocation.revoked", "error"), f)
        s, f = self.both("ocsp-unknown", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "unknown")
        self.assertIn(("revocation.ocsp-unknown", "warning"), f)

    # ---- the private network (no server-side request forgery) ----------------------------

    def unreachable_message(self, rep):
        return next(x["message"] for x in rep["findings"]
                    if x["code"] == "revocation.unreachable" and x["certificateIndex"] == 0)

    def requests_during(self, fn):
        """Run fn(); return (its result, the requests the server saw meanwhile)."""
        before = len(Handler.requests)
        result = fn()
        return result, Handler.requests[before:]

    def public_env(self):
        self.assertTrue(PUBLIC_RESOLVER and os.path.exists(PUBLIC_RESOLVER),
                        "UCP_PUBLIC_RESOLVER names no shim (meson passes tests/tools' public-resolver)")
        return dict(os.environ, LD_PRELOAD=PUBLIC_RESOLVER,
                    ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0")

    def test_loopback_crl_refused_by_default(self):
        """A CDP on 127.0.0.1 is not fetched without --allow-private-network: no request reaches
        the server, the leaf is unreachable and the finding names the address and the switch."""
        (s, f, rep), seen = self.requests_during(lambda: self.cli("crl-revoked", *PUBLIC_ONLY))
        self.assertEqual(seen, [], "the loopback server was asked")
        self.assertEqual([x[0] for x in s[:2]], ["unreachable", "unreachable"], s)
        self.assertIn(("revocation.unreachable", "warning"), f)
        self.assertNotIn(("revocation.revoked", "error"), f)
        self.assertIn(f"{self.pki.base}/issuing.crl: refused: 127.0.0.1, a loopback address "
                      "(allow with --allow-private-network)", self.unreachable_message(rep))
        (s2, f2), seen = self.requests_during(lambda: self.api("crl-revoked", *PUBLIC_ONLY))
        self.assertEqual(seen, [], "the loopback server was asked through the C API")
        self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")
        # Allowed, the same certificate is fetched and found revoked.
        (s, f), seen = self.requests_during(lambda: self.both("crl-revoked", ONLINE, ONLINE))
        self.assertEqual(s[0][0], "revoked")
        self.assertIn(("GET", "/issuing.crl"), seen)

    def test_loopback_ocsp_refused_by_default(self):
        (s, f, rep), seen = self.requests_during(lambda: self.cli("ocsp-revoked", *PUBLIC_ONLY))
        self.assertEqual(seen, [], "the OCSP request was posted to the loopback server")
        self.assertEqual(s[0][0], "unreachable")
        self.assertIn(f"{self.pki.base}/ocsp: refused: 127.0.0.1, a loopback address "
                      "(allow with --allow-private-network)", self.unreachable_message(rep))
        (s2, f2), seen = self.requests_during(lambda: self.api("ocsp-revoked", *PUBLIC_ONLY))
        self.assertEqual(seen, [])
        self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")
        s, f = self.both("ocsp-revoked", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "revoked")

    def test_name_checked_after_resolution(self):
        """A CDP named 'localhost' is refused for the address it resolves to."""
        (s, f, rep), seen = self.requests_during(lambda: self.cli("localhost", *PUBLIC_ONLY))
        self.assertEqual(seen, [])
        self.assertEqual(s[0][0], "unreachable")
        msg = self.unreachable_message(rep)
        self.assertRegex(msg, rf"localhost:{self.pki.port}/issuing\.crl: refused: localhost resolves to (127\.0\.0\.1|::1), "
                              r"a loopback address(, and (127\.0\.0\.1|::1), a loopback address)? "
                              r"\(allow with --allow-private-network\)")
        # every address it resolves to was refused, and is named
        for address in {a[4][0] for a in socket.getaddrinfo("localhost", self.pki.port, type=socket.SOCK_STREAM)}:
            self.assertIn(f"{address}, a loopback address", msg)
        s, f = self.both("localhost", ONLINE, ONLINE)
        self.assertEqual(s[0][0], "good", "allowed, localhost is fetched")

    def test_every_refused_address_is_named(self):
        """A name that resolves to several private addresses: each is tried and refused, and the
        finding names them all, not only the last."""
        (s, f, rep), seen = self.requests_during(lambda: self.cli("private-name", *PUBLIC_ONLY, env=self.public_env()))
        self.assertEqual(seen, [])
        self.assertEqual(s[0][0], "unreachable")
        self.assertIn(f"http://crl.private.test:{self.pki.port}/issuing.crl: refused: crl.private.test resolves to "
                      "10.0.0.5, a private address (RFC 1918), and 192.168.0.5, a private address (RFC 1918) "
                      "(allow with --allow-private-network)", self.unreachable_message(rep))

    def test_public_address_then_redirect_into_loopback(self):
        """From a public address (the shim's), the fetch goes through; a redirect from there to
        127.0.0.1 or to localhost is refused at its connection, without the switch."""
        env = self.public_env()
        (s, f), seen = self.requests_during(lambda: self.both("public", PUBLIC_ONLY, PUBLIC_ONLY, env=env))
        self.assertEqual(s[0], ("good", f"crl http://crl.public.test:{self.pki.port}/issuing.crl"),
                         "a public address is fetched without the switch")
        self.assertEqual(seen.count(("GET", "/issuing.crl")), 2, seen)
        for name, target, why in (
                ("public-to-loopback", f"http://127.0.0.1:{self.pki.port}/issuing.crl", "127.0.0.1"),
                ("public-to-localhost", f"http://localhost:{self.pki.port}/issuing.crl",
                 "localhost resolves to ")):
            with self.subTest(name=name):
                (s, f, rep), seen = self.requests_during(lambda: self.cli(name, *PUBLIC_ONLY, env=env))
                self.assertEqual(s[0][0], "unreachable")
                self.assertEqual([p for m, p in seen], [f"/{name[len('public-'):]}.crl"],
                                 "the redirect's target was asked")
                msg = self.unreachable_message(rep)
                self.assertIn(f"http://crl.public.test:{self.pki.port}/{name[len('public-'):]}.crl: refused: "
                              f"redirected to {target}; {why}", msg)
                self.assertIn("a loopback address (allow with --allow-private-network)", msg)
                (s2, f2), seen = self.requests_during(lambda: self.api(name, *PUBLIC_ONLY, env=env))
                self.assertEqual(len(seen), 1, seen)
                self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")
                s, f = self.both(name, ONLINE, ONLINE, env=env)
                self.assertEqual(s[0][0], "good", "allowed, the redirect is followed")

    def test_redirects_bounded(self):
        (s, f), seen = self.requests_during(lambda: self.both("redirect-3", ONLINE, ONLINE))
        self.assertEqual(s[0][0], "good", "3 redirects are followed")
        self.assertEqual(seen.count(("GET", "/issuing.crl")), 2, seen)
        (s, f, rep), seen = self.requests_during(lambda: self.cli("redirect-4", *ONLINE))
        self.assertEqual(s[0][0], "unreachable", "a 4th redirect is not")
        self.assertIn(f"{self.pki.base}/r4/issuing.crl: Maximum (3) redirects followed", self.unreachable_message(rep))
        self.assertNotIn(("GET", "/issuing.crl"), seen)
        self.assertEqual(len([p for m, p in seen if p.endswith("/issuing.crl")]), 4, seen)

    def test_redirect_to_other_schemes_refused(self):
        """Allowed to reach the private network, a redirect still goes to http:// or https://
        only (the server's ftp:// and file:// targets are not followed)."""
        for name, target in (("to-ftp", f"ftp://127.0.0.1:{self.pki.port}/issuing.crl"),
                             ("to-file", "file:///etc/hostname")):
            with self.subTest(name=name):
                (s, f, rep), seen = self.requests_during(lambda: self.cli(name, *ONLINE))
                self.assertEqual(s[0][0], "unreachable")
                self.assertEqual([p for m, p in seen if p != "/root.crl"], [f"/{name}.crl"], seen)
                self.assertIn(f"{self.pki.base}/{name}.crl: refused: redirected to {target}, not an http:// or "
                              "https:// URL", self.unreachable_message(rep))
                s2, f2 = self.api(name, *ONLINE)
                self.assertEqual((s, f), (s2, f2), "CLI and C API disagree")

    def test_bad_crl_file_is_an_input_error(self):
        bad = self.pki.path("garbage.crl")
        with open(bad, "wb") as f:
            f.write(b"not a crl")
        r = subprocess.run([*WRAP, UCPOLICY, "check", "--role", "tls-server", "--crl", bad,
                            self.pki.path("crl-good.bundle.pem")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 3)
        self.assertIn(bad, r.stderr)
        self.assertIn("CRL", r.stderr)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--trigger-exemptions":
        sys.exit(trigger_exemptions(sys.argv[2]))
    unittest.main(verbosity=2)
