#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The 'keys' suite through the ucpolicy command (TAP).

Usage: test_keys_cli.py UCPOLICY MKKEYS OPENSSL

MKKEYS writes the test files into a temporary directory (fixtures.c); OPENSSL writes PKCS#12
files with `openssl pkcs12 -export -CSP NAME`, an independent writer of the Microsoft CSP name
attribute, and reads back the ones fixtures.c writes, so the attribute is checked against a
second implementation in both directions.
"""
import json
import os
import subprocess
import sys
import tempfile

ucpolicy, mkkeys, openssl = sys.argv[1:4]
PASSWORD = "Contoso-Pfx-1"
FQDN = "exch01.contoso.com"
KSP = "Microsoft Software Key Storage Provider"
CSP = "Microsoft Enhanced RSA and AES Cryptographic Provider"

count = 0
failed = 0


def ok(cond, what, detail=""):
    global count, failed
    count += 1
    print(f"{'ok' if cond else 'not ok'} {count} - {what}")
    if not cond:
        failed += 1
        for line in str(detail).splitlines()[:40]:
            print(f"# {line}")
    sys.stdout.flush()
    return cond


env = dict(os.environ, UCP_TEST_PW=PASSWORD, LC_ALL="C")


def run(*args):
    p = subprocess.run([ucpolicy, *args], capture_output=True, text=True, env=env, timeout=240)
    return p.returncode, p.stdout, p.stderr


def check(role, *files, extra=(), fmt="json"):
    return run("check", "--role", role, "--trust", os.path.join(d, "root.pem"), "--password-env", "UCP_TEST_PW",
               "--format", fmt, *extra, *[os.path.join(d, f) for f in files])


def norm(text):
    """The text report with its line wrapping undone (whitespace runs become one space)."""
    return " ".join(text.split())


def codes(report):
    return {(f["code"], f["severity"]) for f in report["findings"]}


with tempfile.TemporaryDirectory(prefix="ucpolicy-keys-cli-") as d:
    p = subprocess.run([mkkeys, d], capture_output=True, text=True)
    if p.returncode != 0:
        print(f"Bail out! mkkeys failed: {p.stderr}")
        sys.exit(99)
    um = ["--fqdn", FQDN]

    # The "Done when": a PFX whose key bag names a CNG provider fails exchange-um.
    # um-ksp-ber.pfx: the same file in BER (indefinite lengths).
    for f in ("um-ksp.pfx", "um-ksp-shrouded.pfx", "um-ksp-ber.pfx"):
        rc, out, err = check("exchange-um", f, extra=um)
        r = json.loads(out) if out else {}
        ok(rc == 2, f"{f}: exchange-um fails (exit 2)", f"exit {rc}\n{err}")
        ok(("private-key.cng-provider", "error") in codes(r), f"{f}: private-key.cng-provider error", out)
        pk = r.get("privateKey", {})
        ok(pk.get("provider") == KSP and pk.get("storage") == "ksp" and pk.get("providerState") == "recorded"
           and pk.get("matchesCertificate") == "yes" and pk.get("friendlyName") == "Exchange UM" and pk.get("present"),
           f"{f}: JSON privateKey", json.dumps(pk))
    rc, out, err = check("UM", "um-ksp.pfx", extra=um, fmt="text")
    ok(rc == 2 and "ERROR private-key.cng-provider" in norm(out)
       and f"provider '{KSP}' (CNG key storage provider)" in norm(out) and "friendly name 'Exchange UM'" in norm(out), "um-ksp.pfx: text report names the rule, provider and friendly name", out)

    # A CryptoAPI provider passes.
    rc, out, err = check("exchange-um", "um-csp.pfx", extra=um)
    r = json.loads(out) if out else {}
    ok(rc == 0 and r.get("result") == "pass" and r.get("findings") == [], "um-csp.pfx: exchange-um passes",
       f"exit {rc}\n{out}\n{err}")

    # Per product: Lync 2013 error, SfB 2019 information only (unconfirmed there).
    fe = ["--pool", FQDN, "--fqdn", FQDN]
    rc, out, _ = check("Default", "um-ksp.pfx", extra=fe + ["--product", "lync2013"])
    ok(rc == 2 and ("private-key.cng-provider", "error") in codes(json.loads(out)), "Default, Lync 2013: error", out)
    rc, out, _ = check("Default", "um-ksp.pfx", extra=fe + ["--product", "sfb2019"])
    ok(rc == 0 and ("private-key.cng-provider", "info") in codes(json.loads(out)), "Default, SfB 2019: info", out)

    # Provider not recorded / not visible: information, and the report says which.
    for f, state in (("um-none.pfx", "not-recorded"), ("um-ksp-encrypted.pfx", "not-visible"),
                     ("gnutls-api.pfx", "not-recorded")):
        rc, out, err = check("exchange-um", f, extra=um)
        r = json.loads(out) if out else {}
        ok(rc == 0 and r["privateKey"]["providerState"] == state and r["privateKey"]["provider"] is None
           and ("private-key.provider-unknown", "info") in codes(r), f"{f}: provider {state}, info finding",
           f"exit {rc}\n{out}\n{err}")

    # Key and certificate that do not belong together.
    rc, out, err = check("exchange-um", "um-mismatch.pfx", extra=um)
    r = json.loads(out) if out else {}
    ok(rc == 2 and r["privateKey"]["matchesCertificate"] == "no" and ("private-key.mismatch", "error") in codes(r),
       "um-mismatch.pfx: private-key.mismatch error", f"exit {rc}\n{out}\n{err}")

    # The same with a PEM file: the certificate and the wrong key block appended, or its own key
    # encrypted (read with --password-env).
    rc, out, err = check("exchange-um", "um-with-other-key.pem", extra=um)
    r = json.loads(out) if out else {}
    ok(rc == 2 and r["privateKey"]["matchesCertificate"] == "no" and ("private-key.mismatch", "error") in codes(r),
       "um-with-other-key.pem: private-key.mismatch error", f"exit {rc}\n{out}\n{err}")
    rc, out, err = check("exchange-um", "um-with-encrypted-key.pem", extra=um)
    r = json.loads(out) if out else {}
    ok(rc == 0 and r["privateKey"]["matchesCertificate"] == "yes" and r["privateKey"]["providerState"] == "not-applicable",
       "um-with-encrypted-key.pem with its password: the certificate's key", f"exit {rc}\n{out}\n{err}")

    # A certificate file has no key facts: no private-key finding, and the report says so.
    rc, out, err = check("edge-av-auth", "um.pem")
    r = json.loads(out) if out else {}
    ok(rc == 0 and r["privateKey"] == {"present": False, "matchesCertificate": "unknown", "provider": None,
                                       "providerState": "not-applicable", "storage": "unknown", "friendlyName": None}
       and not [f for f in r["findings"] if f["field"] == "private-key"], "um.pem: no key facts, no key finding",
       f"exit {rc}\n{out}\n{err}")
    rc, out, _ = check("edge-av-auth", "um.pem", fmt="text")
    ok("certificate files carry no key facts" in norm(out), "um.pem: the text report says the key facts are not available",
       out)
    rc, out, _ = check("edge-av-auth", "um-csp.pfx")
    ok(("private-key.exportable-unknown", "info") in codes(json.loads(out)), "um-csp.pfx as edge-av-auth: exportable note",
       out)

    # Malformed and hostile files: exit 3, the message names the file and the problem.
    for f, phrase in (("bad-csp-utf8.pfx", "is not a DER BMPString"), ("bad-csp-twice.pfx", "appears twice"),
                      ("bad-safe-contents.pfx", "SafeContents are malformed"),
                      ("huge-iterations.pfx", "8388607 key-derivation iterations"),
                      ("many-bags.pfx", "more than 256 SafeBags")):
        rc, out, err = check("exchange-um", f, extra=um, fmt="text")
        ok(rc == 3 and f in err and phrase in err, f"{f}: exit 3 and '{phrase}'", f"exit {rc}\n{err}")
    rc, out, err = check("exchange-um", "bad-csp-odd.pfx", extra=um)
    r = json.loads(out) if out else {}
    ok(rc == 3 and r.get("result") == "error" and "odd number of bytes" in r.get("error", {}).get("message", ""),
       "bad-csp-odd.pfx: JSON error entry", f"exit {rc}\n{out}")

    # Templates in the summary.
    rc, out, _ = check("exchange-um", "tmpl-both.pem", extra=um, fmt="text")
    ok(rc == 0 and "Template: ExchangeUM; 1.3.6.1.4.1.311.21.8.7638725" in norm(out) and "version 100.4" in norm(out),
       "tmpl-both.pem: text summary shows the template", out)
    rc, out, _ = check("exchange-um", "tmpl-v1.pem", extra=um)
    t = json.loads(out)["certificate"]["template"]
    ok(t == {"name": "WebServer", "oid": None, "majorVersion": None, "minorVersion": None},
       "tmpl-v1.pem: JSON certificate.template", json.dumps(t))
    rc, out, _ = check("exchange-um", "um.pem", extra=um)
    ok(json.loads(out)["certificate"]["template"] is None, "um.pem: JSON certificate.template is null", out)
    rc, out, _ = check("exchange-um", "tmpl-bad-der.pem", extra=um)
    r = json.loads(out)
    ok(rc == 1 and ("input.template-malformed", "warning") in codes(r), "tmpl-bad-der.pem: warning, exit 1", out)

    # Pools.
    edge = ["--access-edge", "sip.contoso.com", "--webconf-edge", "webconf.contoso.com", "--public-roots",
            os.path.join(d, "root.pem"), "--same-certificate"]
    rc, out, err = check("edge-external", "edge1.pfx", "edge2.pfx", "edge.pem", extra=edge)
    reports = json.loads(out) if out else []
    ok(rc == 0 and len(reports) == 3 and [m["state"] for m in reports[0]["pool"]] == ["reference", "identical", "identical"]
       and reports[1]["pool"] is None, "pool of identical files: exit 0, states", f"exit {rc}\n{out}\n{err}")
    rc, out, err = check("edge-external", "edge1.pfx", "edge-reissued.pfx", "edge-other-key.pfx", "edge-wrong-key.pfx",
                         extra=edge)
    reports = json.loads(out) if out else []
    mism = [f for f in reports[0]["findings"] if f["code"] == "private-key.pool-mismatch"] if reports else []
    ok(rc == 2 and [m["state"] for m in reports[0]["pool"]] ==
       ["reference", "different-certificate-same-key", "different-key", "different-key"]
       and len(mism) == 3 and all(f["severity"] == "error" for f in mism)
       and sorted(os.path.basename(f["args"]["file"]) for f in mism) == ["edge-other-key.pfx", "edge-reissued.pfx",
                                                                        "edge-wrong-key.pfx"],
       "mixed pool: exit 2, three pool-mismatch errors naming the files", f"exit {rc}\n{out}\n{err}")
    ok(any(f["code"] == "private-key.mismatch" for f in reports[3]["findings"]) if len(reports) == 4 else False,
       "mixed pool: edge-wrong-key.pfx checked on its own has private-key.mismatch")
    rc, out, err = check("edge-external", "edge1.pfx", "edge-reissued.pfx", extra=edge, fmt="text")
    ok(rc == 2 and "Pool:" in out and "edge-reissued.pfx: different-certificate-same-key (SHA-1" in norm(out),
       "mixed pool: text Pool section", out)
    rc, out, err = check("edge-external", "edge1.pfx", extra=edge)
    ok(rc == 3 and "two or more FILEs" in err, "--same-certificate with one file: usage error", f"exit {rc}\n{err}")
    rc, out, err = check("edge-external", "edge1.pfx", "missing.pfx", extra=edge)
    ok(rc == 3 and "missing.pfx" in err and out == "", "--same-certificate with a missing file: exit 3, nothing checked",
       f"exit {rc}\n{out}\n{err}")

    # openssl as an independent writer of the CSP attribute ...
    for name, storage, want_rc in ((KSP, "ksp", 2), (CSP, "csp", 0)):
        out_pfx = os.path.join(d, f"openssl-{storage}.pfx")
        p = subprocess.run([openssl, "pkcs12", "-export", "-in", os.path.join(d, "um.pem"), "-inkey",
                            os.path.join(d, "um-key.pem"), "-certfile", os.path.join(d, "root.pem"), "-name",
                            "Exchange UM", "-CSP", name, "-iter", "2048", "-passout", "env:UCP_TEST_PW", "-out",
                            out_pfx], capture_output=True, text=True, env=env)
        if not ok(p.returncode == 0, f"openssl pkcs12 -export -CSP '{name}'", p.stderr):
            continue
        rc, out, err = check("exchange-um", os.path.basename(out_pfx), extra=um)
        r = json.loads(out) if out else {}
        ok(rc == want_rc and r["privateKey"]["provider"] == name and r["privateKey"]["storage"] == storage
           and r["privateKey"]["friendlyName"] == "Exchange UM" and r["privateKey"]["matchesCertificate"] == "yes",
           f"openssl-written PFX with '{name}': provider read, exit {want_rc}", f"exit {rc}\n{out}\n{err}")
    # ... and reader of the one fixtures.c writes with libtasn1.
    p = subprocess.run([openssl, "pkcs12", "-info", "-nocerts", "-noenc", "-in", os.path.join(d, "um-ksp-shrouded.pfx"),
                        "-passin", "env:UCP_TEST_PW"], capture_output=True, text=True, env=env)
    ok(p.returncode == 0 and f"Microsoft CSP Name: {KSP}" in p.stdout + p.stderr,
       "openssl reads the CSP name written with libtasn1 (and verifies the MAC)",
       p.stderr + "\n".join(line for line in p.stdout.splitlines() if "PRIVATE KEY" not in line and len(line) < 64))

print(f"1..{count}")
sys.exit(1 if failed else 0)
