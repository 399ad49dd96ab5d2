#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ucpolicy-certgen with a fixed time: UCPOLICY_CERTGEN_TIME (tests/FIXTURES.md).

The variable replaces the current time, so that two builds of the generator (before and after
a change to it) can be compared: run with the same time, they must write the same manifest.
This test holds the generator to that: the manifest says the time given, the certificates are
valid around it, two runs write the same manifest and the same files, and a value that is not a
time is refused with a message naming the variable and the value, before anything is written.

Usage: test_certgen.py CERTGEN
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile
import unittest

from cryptography import x509

CERTGEN = sys.argv[1]
del sys.argv[1]
FIXED = 1795521600  # 2026-11-24T12:00:00Z
DAY = datetime.timedelta(days=1)
TIMEOUT = 1800  # the generator makes RSA keys; under valgrind (meson test --setup valgrind) slowly


def run(out, value):
    env = dict(os.environ)
    env["UCPOLICY_CERTGEN_TIME"] = value
    return subprocess.run([CERTGEN, "--out", out], env=env, capture_output=True, text=True, timeout=TIMEOUT)


def files_below(d):
    return sorted(os.path.relpath(os.path.join(root, f), d) for root, _, names in os.walk(d) for f in names)


class FixedTime(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="certgen-time-")
        cls.runs = []
        for name in ("first", "second"):
            out = os.path.join(cls.tmp.name, name)
            r = run(out, str(FIXED))
            if r.returncode != 0:
                raise AssertionError("%s --out %s failed (%d): %s" % (CERTGEN, out, r.returncode, r.stderr))
            cls.runs.append(out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def manifest(self, out):
        with open(os.path.join(out, "manifest.json"), "rb") as f:
            return f.read()

    def test_validation_time(self):
        m = json.loads(self.manifest(self.runs[0]))
        self.assertEqual(m["validationTime"], "2026-11-24T12:00:00Z")

    def test_certificates_around_the_time(self):
        t = datetime.datetime.fromtimestamp(FIXED, datetime.timezone.utc)
        with open(os.path.join(self.runs[0], "certs", "root.pem"), "rb") as f:
            root = x509.load_pem_x509_certificate(f.read())
        self.assertEqual(root.not_valid_before_utc, t - 365 * DAY)
        self.assertEqual(root.not_valid_after_utc, t + 3650 * DAY)
        m = json.loads(self.manifest(self.runs[0]))
        case = next(c for c in m["cases"] if c["id"] == "incident/exchange-um-correct")
        with open(os.path.join(self.runs[0], case["file"]), "rb") as f:
            leaf = x509.load_pem_x509_certificate(f.read())
        self.assertEqual(leaf.not_valid_before_utc, t - DAY)

    def test_same_output_twice(self):
        self.assertEqual(self.manifest(self.runs[0]), self.manifest(self.runs[1]))
        self.assertEqual(files_below(self.runs[0]), files_below(self.runs[1]))


class Refused(unittest.TestCase):
    def test_not_a_time(self):
        for value in ["", "soon", "-86400", "1795521600.5", " 1795521600", "1795521600s", "0", "86399999",
                      "99999999999999", "253402300799"]:
            with self.subTest(value=value), tempfile.TemporaryDirectory(prefix="certgen-time-") as d:
                out = os.path.join(d, "out")
                r = run(out, value)
                self.assertEqual(r.returncode, 1, r.stderr)
                self.assertIn("UCPOLICY_CERTGEN_TIME: '%s' is not a time" % value, r.stderr)
                self.assertFalse(os.path.exists(out), "written before the time was read")


if __name__ == "__main__":
    unittest.main(verbosity=2)
