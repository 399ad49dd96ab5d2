#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Path building: unordered, cross-signed and branching pools, through the CLI and the C API.

Each case makes a small PKI with GnuTLS (certtool, and tests/tools/mkca for what certtool cannot
express: a directory name constraint, a copied subject key identifier), then checks the leaf through `ucpolicy check --format
json` and through the C API (check-dump); both must report the same chain, status, rejected
paths and findings. The cases follow BetterTLS's path-building suite: a valid path must be found
when one exists (backtracking past expired, wrong-EKU, non-CA, badly signed and name-constrained
candidates, several certificates with the same subject, cross-signed roots), and the failure
explained when none does.

Usage: test_paths.py UCPOLICY CHECK_DUMP MKCA
"""
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
import unittest

UCPOLICY, DUMP, MKCA = sys.argv[1:4]
del sys.argv[1:4]
# meson test --setup valgrindscripts: the libucpolicy programs run under memcheck.
WRAP = shlex.split(os.environ.get("UCP_VALGRIND", ""))
CALL_TIMEOUT = 900 if WRAP else 60
CA = ["ca", "cert_signing_key", "crl_signing_key"]
LEAF = ["tls_www_server", "signing_key", "encryption_key", 'dns_name = "fe01.contoso.com"',
        'cn = "fe01.contoso.com"', "expiration_days = 365"]


class Pki:
    def __init__(self, d):
        self.d = d
        self.keyof = {}

    def p(self, name):
        return os.path.join(self.d, name)

    def key(self, name, kind="rsa"):
        if not os.path.exists(self.p(name + ".key")):
            args = ["--key-type", "ecdsa", "--curve", "secp256r1"] if kind == "ec" else ["--key-type", "rsa", "--bits", "2048"]
            subprocess.run(["certtool", "--generate-privkey", *args, "--outfile", self.p(name + ".key")],
                           check=True, capture_output=True)

    def cert(self, name, issuer, lines, key=None, kind="rsa"):
        """Issue NAME (key file KEY, default NAME) signed by ISSUER (None: self-signed)."""
        key = key or name
        self.key(key, kind)
        with open(self.p(name + ".tmpl"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if issuer is None:
            cmd = ["--generate-self-signed", "--load-privkey", self.p(key + ".key")]
        else:
            ikey = self.keyof.get(issuer, issuer)
            cmd = ["--generate-certificate", "--load-privkey", self.p(key + ".key"),
                   "--load-ca-certificate", self.p(issuer + ".pem"), "--load-ca-privkey", self.p(ikey + ".key")]
        subprocess.run(["certtool", *cmd, "--template", self.p(name + ".tmpl"), "--outfile", self.p(name + ".pem")],
                       check=True, capture_output=True)
        self.keyof[name] = key

    def mkca(self, name, issuer, subject, *opts, kind="ec"):
        """An intermediate CA made with GnuTLS by tests/tools/mkca (options: --permit-dn,
        --exclude-dn, --ski-from CERT)."""
        self.key(name, kind)
        subprocess.run([MKCA, self.p(issuer + ".pem"), self.p(self.keyof.get(issuer, issuer) + ".key"),
                        self.p(name + ".key"), subject, self.p(name + ".pem"), *opts], check=True)
        self.keyof[name] = name

    def bundle(self, name, *parts):
        with open(self.p(name), "w") as out:
            for part in parts:
                with open(self.p(part + ".pem")) as f:
                    out.write(f.read())
        return self.p(name)


class PathTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.k = Pki(self.tmp.name)
        self.now = int(time.time())

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, leaf, trust=(), chain=(), role="tls-server"):
        """The report's path facts, equal through the CLI and the C API."""
        self.now = int(time.time())
        opts = []
        for t in trust:
            opts += ["--trust", self.k.p(t + ".pem")]
        for c in chain:
            opts += ["--chain", self.k.p(c) if c.endswith(".pem") else self.k.p(c + ".pem")]
        cli = subprocess.run([*WRAP, UCPOLICY, "check", "--role", role, "--at", f"@{self.now}", "--format", "json",
                              *opts, leaf], capture_output=True, text=True, timeout=CALL_TIMEOUT)
        self.assertIn(cli.returncode, (0, 1, 2), cli.stderr)
        rep = json.loads(cli.stdout)
        api = subprocess.run([*WRAP, DUMP, role, leaf, str(self.now), *opts], capture_output=True, text=True, timeout=CALL_TIMEOUT)
        self.assertEqual(api.returncode, 0, api.stderr)
        lines = api.stdout.splitlines()
        got = {
            "status": rep["chain"]["status"],
            "chain": [(c["source"], c["subject"]) for c in rep["chain"]["certificates"]],
            "rejected": [r["summary"] for r in rep["chain"]["rejected"]],
            "findings": sorted((f["code"], f["severity"], -1 if f["certificateIndex"] is None else f["certificateIndex"])
                               for f in rep["findings"]),
        }
        api_got = {
            "status": next(l.split()[1] for l in lines if l.startswith("chainstatus ")),
            "chain": [tuple(l.split(" ", 3)[2:]) for l in lines if l.startswith("chain ")],
            "rejected": [l[len("rejected "):] for l in lines if l.startswith("rejected ")],
            "findings": sorted((l.split()[1], l.split()[2], int(l.split()[3])) for l in lines if l.startswith("finding ")),
        }
        self.assertEqual(got, api_got, "the CLI and the C API disagree")
        got["codes"] = {f[0] for f in got["findings"]}
        got["json"] = rep
        return got

    def test_unordered_bundle(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("i1", "root", ['cn = "Inter 1"', *CA])
        k.cert("i2", "i1", ['cn = "Inter 2"', *CA])
        k.cert("leaf", "i2", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "root", "i1", "i2"), trust=["root"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual([s for _, s in r["chain"]], ["CN=fe01.contoso.com", "CN=Inter 2", "CN=Inter 1", "CN=Root"])
        self.assertEqual(r["chain"][-1][0], "trust")

    def test_intermediates_from_chain_option_in_any_order(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("i1", "root", ['cn = "Inter 1"', *CA])
        k.cert("i2", "i1", ['cn = "Inter 2"', *CA])
        k.cert("leaf", "i2", LEAF)
        r = self.check(k.p("leaf.pem"), trust=["root"], chain=["i1", "i2"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual([src for src, _ in r["chain"]], ["input", "intermediates", "intermediates", "trust"])

    def test_expired_intermediate_is_skipped_for_the_renewed_one(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA, "expiration_days = 3650"])
        k.cert("old", "root", ['cn = "Issuing CA"', *CA, 'activation_date = "2015-01-01 00:00:00"',
                               'expiration_date = "2020-01-01 00:00:00"'], key="inter")
        k.cert("new", "root", ['cn = "Issuing CA"', *CA, "expiration_days = 1000"], key="inter")
        k.cert("leaf", "new", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "old", "new"), trust=["root"])
        self.assertEqual(r["status"], "valid")
        self.assertNotIn("chain.expired", r["codes"])
        # The renewed copy is chosen (candidates valid at the validation time are tried first).
        self.assertFalse(r["json"]["chain"]["certificates"][1]["notAfter"].startswith("2020"))
        # With only the expired copy, the path is invalid and says why.
        r = self.check(k.bundle("c.pem", "leaf", "old"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.expired", "error", 1), r["findings"])

    def test_only_an_expired_intermediate(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("old", "root", ['cn = "Issuing CA"', *CA, 'activation_date = "2015-01-01 00:00:00"',
                               'expiration_date = "2020-01-01 00:00:00"'])
        k.cert("leaf", "old", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "old"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.expired", "error", 1), r["findings"])

    def test_wrong_eku_intermediate_is_skipped(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("client-only", "root", ['cn = "Issuing CA"', *CA, "tls_www_client"], key="inter")
        k.cert("good", "root", ['cn = "Issuing CA"', *CA, "tls_www_server"], key="inter")
        k.cert("leaf", "good", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "client-only", "good"), trust=["root"])
        self.assertEqual(r["status"], "valid")
        self.assertTrue(any("chain.intermediate-eku" in x for x in r["rejected"]), r["rejected"])

    def test_non_ca_copy_is_skipped(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("notca", "root", ['cn = "Issuing CA"', "cert_signing_key"], key="inter")
        k.cert("good", "root", ['cn = "Issuing CA"', *CA], key="inter")
        k.cert("leaf", "good", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "notca", "good"), trust=["root"])
        self.assertEqual(r["status"], "valid")
        self.assertNotIn("chain.issuer-not-ca", r["codes"])
        r = self.check(k.bundle("c.pem", "leaf", "notca"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.issuer-not-ca", "error", 1), r["findings"])

    def test_same_subject_other_key_fails_signature_then_the_right_one_wins(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("good", "root", ['cn = "Issuing CA"', *CA], key="inter")
        k.mkca("impostor", "root", "CN=Issuing CA", "--ski-from", k.p("good.pem"))
        k.cert("leaf", "good", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "impostor", "good"), trust=["root"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual(r["chain"][1][1], "CN=Issuing CA")
        self.assertTrue(any("chain.bad-signature" in x for x in r["rejected"]), r["rejected"])

    def test_bad_signature_without_alternative(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("real", "root", ['cn = "Issuing CA"', *CA], key="inter")
        k.mkca("impostor", "root", "CN=Issuing CA", "--ski-from", k.p("real.pem"))
        k.cert("leaf", "real", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "impostor"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.bad-signature", "error", 0), r["findings"])

    def test_cross_signed_root(self):
        k = self.k
        k.cert("newroot", None, ['cn = "New Root"', *CA])
        k.cert("oldroot", None, ['cn = "Old Root"', *CA])
        k.cert("cross", "oldroot", ['cn = "New Root"', *CA], key="newroot")
        k.cert("inter", "newroot", ['cn = "Issuing CA"', *CA])
        k.cert("leaf", "inter", LEAF)
        bundle = k.bundle("b.pem", "leaf", "inter", "cross")
        # Only the old root is trusted: the path goes through the cross-certificate.
        r = self.check(bundle, trust=["oldroot"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual([s for _, s in r["chain"]], ["CN=fe01.contoso.com", "CN=Issuing CA", "CN=New Root", "CN=Old Root"])
        # The new root is trusted: the shorter path ends at it, the cross-certificate is not needed.
        r = self.check(bundle, trust=["newroot"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual([s for _, s in r["chain"]], ["CN=fe01.contoso.com", "CN=Issuing CA", "CN=New Root"])
        self.assertEqual(r["chain"][-1][0], "trust")

    def test_path_length_constraint_and_a_way_around_it(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA, "path_len = 0"])
        k.cert("inter", "root", ['cn = "Issuing CA"', *CA])
        k.cert("leaf", "inter", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "inter"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.path-length", "error", 2), r["findings"])
        # A second root, without the constraint, cross-signs the same issuing CA.
        k.cert("root2", None, ['cn = "Root 2"', *CA])
        k.cert("inter2", "root2", ['cn = "Issuing CA"', *CA], key="inter")
        r = self.check(k.bundle("c.pem", "leaf", "inter", "inter2"), trust=["root", "root2"])
        self.assertEqual(r["status"], "valid")
        self.assertEqual(r["chain"][-1][1], "CN=Root 2")

    def test_dns_name_constraints(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("inter", "root", ['cn = "Fabrikam CA"', *CA, 'nc_permit_dns = "fabrikam.com"'])
        k.cert("leaf", "inter", LEAF)  # fe01.contoso.com is outside fabrikam.com
        r = self.check(k.bundle("b.pem", "leaf", "inter"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.name-constraints", "error", 0), r["findings"])
        msg = next(f["message"] for f in r["json"]["findings"] if f["code"] == "chain.name-constraints")
        self.assertIn("CN=Fabrikam CA", msg)
        k.cert("ok", "inter", ["tls_www_server", 'cn = "web.fabrikam.com"', 'dns_name = "web.fabrikam.com"'])
        r = self.check(k.bundle("c.pem", "ok", "inter"), trust=["root"])
        self.assertEqual(r["status"], "valid")

    def test_directory_name_constraints(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.mkca("dnca", "root", "CN=DN CA", "--permit-dn", "O=Contoso")
        k.cert("inside", "dnca", ["tls_www_server", 'cn = "fe01.contoso.com"', 'organization = "Contoso"',
                                  'dns_name = "fe01.contoso.com"'])
        k.cert("outside", "dnca", ["tls_www_server", 'cn = "fe01.contoso.com"', 'organization = "Fabrikam"',
                                   'dns_name = "fe01.contoso.com"'])
        r = self.check(k.bundle("in.pem", "inside", "dnca"), trust=["root"])
        self.assertEqual(r["status"], "valid", r["findings"])
        r = self.check(k.bundle("out.pem", "outside", "dnca"), trust=["root"])
        self.assertEqual(r["status"], "invalid")
        self.assertIn(("chain.name-constraints", "error", 0), r["findings"])
        k.mkca("exca", "root", "CN=Excluding CA", "--exclude-dn", "O=Fabrikam")
        k.cert("excluded", "exca", ["tls_www_server", 'cn = "fe01.contoso.com"', 'organization = "Fabrikam"',
                                    'dns_name = "fe01.contoso.com"'])
        r = self.check(k.bundle("ex.pem", "excluded", "exca"), trust=["root"])
        self.assertIn(("chain.name-constraints", "error", 0), r["findings"])

    def test_issuer_name_matched_by_rfc5280_name_comparison(self):
        """The leaf names its issuer in another string type, case and spacing than the CA's
        subject (PKITS 4.3.3-4.3.11): the same name by RFC 5280 7.1, so the path is found; a
        different name is still not an issuer."""
        import datetime
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
        from cryptography.x509.name import _ASN1Type

        def name(cn, org, kind):
            return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US", _ASN1Type.PrintableString),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, org, kind),
                              x509.NameAttribute(NameOID.COMMON_NAME, cn, kind)])

        now = datetime.datetime.now(datetime.timezone.utc)

        def make(subject, issuer, key, signer, ca):
            b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                 .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                 .not_valid_after(now + datetime.timedelta(days=30)))
            if ca:
                b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            else:
                b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName("fe01.contoso.com")]), critical=False)
            return b.sign(signer, hashes.SHA256())

        rkey, ikey, lkey = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
        rname = name("Name Test Root", "Contoso", _ASN1Type.PrintableString)
        iname = name("Name Chaining CA", "Contoso Ltd", _ASN1Type.PrintableString)
        root = make(rname, rname, rkey, rkey, True)
        inter = make(iname, rname, ikey, rkey, True)
        leaf_name = name("fe01.contoso.com", "Contoso Ltd", _ASN1Type.UTF8String)
        same = make(leaf_name, name("  name   CHAINING ca ", "CONTOSO  LTD", _ASN1Type.UTF8String), lkey, ikey, False)
        other = make(leaf_name, name("Name Chaining CA2", "Contoso Ltd", _ASN1Type.UTF8String), lkey, ikey, False)
        for fname, cert in (("root.pem", root), ("inter.pem", inter), ("same.pem", same), ("other.pem", other)):
            with open(self.k.p(fname), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
        r = self.check(self.k.p("same.pem"), trust=["root"], chain=["inter"])
        self.assertEqual(r["status"], "valid", r["findings"])
        self.assertEqual([s for _, s in r["chain"]][1], "CN=Name Chaining CA,O=Contoso Ltd,C=US")
        r = self.check(self.k.p("other.pem"), trust=["root"], chain=["inter"])
        self.assertEqual(r["status"], "incomplete")
        self.assertIn(("chain.issuer-missing", "error", 0), r["findings"])

    def test_name_constraints_on_san_directory_names_and_uris(self):
        """A CA permitting the directory name O=Contoso,C=US and URIs on hosts under .contoso.com
        (RFC 5280 4.2.1.10; PKITS 4.13.3, 4.13.35, 4.13.37): SAN directoryName and URI entries
        are held to them, as the subject is."""
        import datetime
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID

        now = datetime.datetime.now(datetime.timezone.utc)

        def dn(org, cn):
            return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                              x509.NameAttribute(NameOID.COMMON_NAME, cn)])

        def make(subject, issuer, key, signer, exts):
            b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                 .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
                 .not_valid_after(now + datetime.timedelta(days=30)))
            for e, crit in exts:
                b = b.add_extension(e, critical=crit)
            return b.sign(signer, hashes.SHA256())

        ca_exts = [(x509.BasicConstraints(ca=True, path_length=None), True),
                   (x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)]
        rkey, ikey, lkey = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
        root = make(dn("Contoso", "NC Root"), dn("Contoso", "NC Root"), rkey, rkey, ca_exts)
        nc = x509.NameConstraints(permitted_subtrees=[
            x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Contoso")])),
            x509.UniformResourceIdentifier(".contoso.com"),
            x509.DNSName("contoso.com")], excluded_subtrees=None)
        inter = make(dn("Contoso", "NC CA"), dn("Contoso", "NC Root"), ikey, rkey, ca_exts + [(nc, True)])
        files = {"root.pem": root, "inter.pem": inter}

        def leaf(fname, *names):
            san = x509.SubjectAlternativeName([x509.DNSName("fe01.contoso.com"), *names])
            files[fname] = make(dn("Contoso", "fe01.contoso.com"), dn("Contoso", "NC CA"), lkey, ikey, [(san, False)])

        leaf("inside.pem", x509.DirectoryName(dn("Contoso", "Other Name")),
             x509.UniformResourceIdentifier("https://user@web.contoso.com:8443/path"))
        leaf("dn-outside.pem", x509.DirectoryName(dn("Fabrikam", "Other Name")))
        leaf("uri-outside.pem", x509.UniformResourceIdentifier("https://web.fabrikam.com/"))
        leaf("uri-domain-itself.pem", x509.UniformResourceIdentifier("https://contoso.com/"))
        for fname, cert in files.items():
            with open(self.k.p(fname), "wb") as f:
                f.write(cert.public_bytes(serialization.Encoding.PEM))
        r = self.check(self.k.p("inside.pem"), trust=["root"], chain=["inter"])
        self.assertEqual(r["status"], "valid", r["findings"])
        for bad, detail in (("dn-outside.pem", "a directory name"), ("uri-outside.pem", "a URI"),
                            ("uri-domain-itself.pem", "a URI")):
            r = self.check(self.k.p(bad), trust=["root"], chain=["inter"])
            self.assertEqual(r["status"], "invalid", bad)
            self.assertIn(("chain.name-constraints", "error", 0), r["findings"])
            msg = next(f["message"] for f in r["json"]["findings"] if f["code"] == "chain.name-constraints")
            self.assertIn(detail + " of its subject alternative names", msg)

    def test_missing_intermediate_names_the_aia_url(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("inter", "root", ['cn = "Issuing CA"', *CA])
        k.cert("leaf", "inter", LEAF + ['ca_issuers_uri = "http://pki.contoso.com/issuing.crt"'])
        r = self.check(k.p("leaf.pem"), trust=["root"])
        self.assertEqual(r["status"], "incomplete")
        f = next(f for f in r["json"]["findings"] if f["code"] == "chain.issuer-missing")
        self.assertIn("http://pki.contoso.com/issuing.crt", f["remediation"])

    def test_untrusted_root(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("other", None, ['cn = "Other Root"', *CA])
        k.cert("leaf", "root", LEAF)
        r = self.check(k.bundle("b.pem", "leaf", "root"), trust=["other"])
        self.assertEqual(r["status"], "untrusted")
        self.assertIn(("chain.untrusted-root", "error", 1), r["findings"])

    def test_hostile_pool_of_lookalikes_is_bounded(self):
        k = self.k
        k.cert("root", None, ['cn = "Root"', *CA])
        k.cert("real", "root", ['cn = "Issuing CA"', *CA], key="realkey", kind="ec")
        k.cert("leaf", "real", LEAF)
        # 60 intermediates with the real one's subject AND key identifier, different keys: none
        # issued the leaf, and key-identifier matching cannot tell them apart.
        names = []
        for i in range(60):
            k.mkca(f"fake{i}", "root", "CN=Issuing CA", "--ski-from", k.p("real.pem"))
            names.append(f"fake{i}")
        # Bounded work, measured in CPU seconds of the two programs (a wall-clock bound would
        # fail on a busy machine): 60 look-alikes cost a handful of signature checks each at most.
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = self.check(k.bundle("b.pem", "leaf", *names), trust=["root"])
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (end.ru_utime + end.ru_stime) - (start.ru_utime + start.ru_stime)
        self.assertLess(cpu, 10 * (20 if WRAP else 1), "CPU seconds of the check and the API run")
        self.assertNotEqual(r["status"], "valid")
        self.assertTrue({"chain.bad-signature", "chain.search-limit"} & r["codes"], r["codes"])
        self.assertLessEqual(len(r["rejected"]), 16, "the rejected list is bounded")


if __name__ == "__main__":
    unittest.main(verbosity=2)
