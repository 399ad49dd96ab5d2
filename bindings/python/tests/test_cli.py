# SPDX-License-Identifier: MIT
"""`python3 -m ucpolicy` against the C `ucpolicy`: the same stdout, stderr and exit status, byte
for byte, for every subcommand and option, good and bad input."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import pytest

import certfactory as cf

import ucpolicy
from ucpolicy._cli import main, parse_time

Run = Tuple[int, bytes, bytes]
_HELD_SOCKETS: List[socket.socket] = []


@pytest.fixture(scope="module")
def files(pki, um, um_wildcard, certdir, root_pem, issuing_pem) -> Dict[str, str]:
    """Certificates and side files for the command lines below, by short name."""
    expiring = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], days_after=12)
    # A loopback port bound but not listening, held for the module: connections are refused at
    # once, and no server of a test running in parallel can take the port meanwhile.
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    _HELD_SOCKETS.append(held)
    closed_port = held.getsockname()[1]
    refused = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"],
                       cdp_url=f"http://127.0.0.1:{closed_port}/issuing.crl")
    info_only = pki.leaf("Microsoft Exchange Server Auth Certificate", [], self_signed=True)
    out = {
        "root": root_pem, "issuing": issuing_pem,
        "good": um.write(certdir, "cli-good"),
        "wild": um_wildcard.write(certdir, "cli-wild"),
        "expiring": expiring.write(certdir, "cli-expiring"),
        "info": info_only.write(certdir, "cli-info", "pem"),
        "leaf": um.write(certdir, "cli-leaf-only", "der"),
        "pfx": um.write(certdir, "cli-locked", "pfx", b"Pfx-P\xc3\xa4ss"),
        "p7b": um.write(certdir, "cli-p7b", "p7b"),
        "pfx-other-key": pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], key=cf.rsa_key(2048, slot=5)).write(
            certdir, "cli-pool-other", "pfx", b"Pfx-P\xc3\xa4ss"),
        "garbage": certdir / "cli-garbage.bin",
        "quote": certdir / 'cli-"quoted"\tname.pem',
        "missing": certdir / "cli-missing.pem",
        "pwfile": certdir / "cli-password.txt",
        "pwfile-crlf": certdir / "cli-password-crlf.txt",
        "topology": certdir / "cli-topology.json",
        "topology-bad": certdir / "cli-topology-bad.json",
        "refused": refused.write(certdir, "cli-cdp-refused"),
        "crl": certdir / "cli-revoking.crl",
        "crl-bad": certdir / "cli-bad.crl",
    }
    out["closed-port"] = closed_port  # a port nothing listens on: probes are refused at once
    Path(out["crl"]).write_bytes(pki.crl([um.cert]))
    Path(out["crl-bad"]).write_bytes(b"garbage")
    Path(out["garbage"]).write_bytes(b"not a certificate")
    Path(out["quote"]).write_bytes(b"\x00garbage")
    Path(out["pwfile"]).write_bytes(b"Pfx-P\xc3\xa4ss\nsecond line\n")
    Path(out["pwfile-crlf"]).write_bytes(b"Pfx-P\xc3\xa4ss\r\n")
    Path(out["topology"]).write_text('{"fqdn": "exch01.contoso.com", "sipDomains": ["contoso.com"], "product": "sfb2015"}')
    Path(out["topology-bad"]).write_text('{"fqdn": "exch01.contoso.com",\n "sipDomain": ["contoso.com"]}')
    return {k: str(v) for k, v in out.items()}


def run(command: Sequence[str], args: Sequence[str], env: Optional[Dict[str, str]] = None) -> Run:
    environment = {k: v for k, v in os.environ.items() if k not in ("POSIXLY_CORRECT", "NO_COLOR")}
    environment.update(env or {})
    done = subprocess.run([*command, *args], capture_output=True, timeout=60, env=environment)
    return done.returncode, done.stdout, done.stderr


# Each case: (id, argv with {name} placeholders for files, extra environment)
AT = ["--at", "{at}"]
CASES: List[Tuple[str, List[str], Dict[str, str]]] = [
    ("no-args", [], {}),
    ("help", ["help"], {}),
    ("--help", ["--help"], {}),
    ("version", ["version"], {}),
    ("--version", ["--version"], {}),
    ("unknown-command", ["verify"], {}),
    ("roles", ["roles"], {}),
    ("roles-json", ["roles", "--format", "json"], {}),
    ("roles-json-abbrev", ["roles", "--form=json"], {}),
    ("roles-help", ["roles", "-h"], {}),
    ("roles-role", ["roles", "--role", "x"], {}),
    ("roles-operand", ["roles", "extra"], {}),
    ("roles-bad-format", ["roles", "--format", "yaml"], {}),
    ("rules", ["rules"], {}),
    ("rules-json", ["rules", "--format", "json"], {}),
    ("rules-role", ["rules", "--role", "UM"], {}),
    ("rules-role-json", ["rules", "-r", "exchange-um", "--format", "json"], {}),
    ("rules-role-product", ["rules", "--role", "persistent-chat", "--product", "lync2013", "--format=json"], {}),
    ("rules-unknown-role", ["rules", "--role", "nope"], {}),
    ("rules-unknown-product", ["rules", "--role", "UM", "--product", "sfb2030"], {}),
    ("rules-bad-option", ["rules", "--bogus"], {}),
    ("check-help", ["check", "--help"], {}),
    ("check-pass", ["check", "--role", "exchange-um", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "{good}"], {}),
    ("check-fail", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "{wild}"], {}),
    ("check-fail-verbose", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "-v", "{wild}"], {}),
    ("check-color-always", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                            "--color", "always", "-v", "{wild}", "{expiring}"], {}),
    ("check-color-auto-pipe", ["check", "-r", "UM", "--trust", "{root}", *AT, "--color=auto", "{wild}"], {}),
    ("check-json", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                    "--format", "json", "{wild}"], {}),
    ("check-json-compact", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                            "--format", "json", "--compact", "{good}"], {}),
    ("check-several-text", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                            "{good}", "{wild}", "{expiring}"], {}),
    # --jobs: the same output as a serial run, in the order of the FILEs
    ("check-jobs-text", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "-j", "3",
                         "{good}", "{wild}", "{expiring}", "{missing}", "{good}"], {}),
    ("check-jobs-json", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                         "--jobs=2", "--format", "json", "{good}", "{missing}", "{wild}", "{garbage}"], {}),
    ("check-jobs-all-cpus", ["check", "-r", "UM", "--trust", "{root}", *AT, "--jobs", "0", "--format", "json",
                             "--compact", "{wild}", "{good}"], {}),
    ("check-jobs-bad", ["check", "-r", "UM", "--jobs", "257", "{good}"], {}),
    ("check-jobs-not-number", ["check", "-r", "UM", "-j", "two", "{good}"], {}),
    ("check-jobs-empty", ["check", "-r", "UM", "--jobs=", "{good}"], {}),
    ("check-jobs-missing", ["check", "-r", "UM", "{good}", "--jobs"], {}),
    ("check-several-json", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                            "--format", "json", "{good}", "{missing}", "{wild}", "{garbage}"], {}),
    ("check-several-json-compact", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                                    "--format", "json", "--compact", "{garbage}", "{good}", "{quote}"], {}),
    ("check-several-json-last-bad", ["check", "-r", "UM", "--trust", "{root}", *AT, "--format", "json",
                                     "{good}", "{missing}"], {}),
    ("check-json-bad-only", ["check", "-r", "UM", "--trust", "{root}", *AT, "--format", "json", "{quote}"], {}),
    ("check-quiet", ["check", "-q", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                     "--format", "json", "{good}", "{wild}", "{missing}"], {}),
    ("check-fail-on-error", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                             "--fail-on", "error", "{expiring}"], {}),
    ("check-fail-on-warning", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                               "--fail-on", "warning", "{expiring}"], {}),
    ("check-fail-on-info", ["check", "-r", "exchange-auth", "--trust", "{root}", *AT, "--fail-on=info", "{info}"], {}),
    ("check-fail-on-never", ["check", "-r", "UM", "--trust", "{root}", *AT, "--fail-on", "never", "{wild}"], {}),
    ("check-expiry-warning", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                              "--expiry-warning", "7", "{expiring}"], {}),
    ("check-crl-revoked", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                           "--crl", "{crl}", "--format", "json", "{good}"], {}),
    ("check-crl-text", ["check", "-r", "UM", "--trust", "{root}", *AT, "--crl", "{crl}", "--crl", "{crl}", "-v",
                        "{good}", "{wild}"], {}),
    ("check-crl-bad", ["check", "-r", "UM", "--trust", "{root}", "--crl", "{crl-bad}", "{good}"], {}),
    ("check-crl-missing", ["check", "-r", "UM", "--crl", "{missing}", "{good}"], {}),
    ("check-online-refused", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                              "--online", "--timeout", "2", "--format", "json", "{refused}"], {}),
    ("check-online-no-cdp", ["check", "-r", "exchange-auth", "--trust", "{root}", *AT, "--online", "{info}"], {}),
    ("check-bad-timeout", ["check", "-r", "UM", "--timeout", "0", "{good}"], {}),
    ("check-bad-timeout-text", ["check", "-r", "UM", "--online", "--timeout", "5s", "{good}"], {}),
    ("check-chain", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", "--chain", "{issuing}",
                     *AT, "{leaf}"], {}),
    ("check-no-chain", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "{leaf}"], {}),
    ("check-public-roots", ["check", "-r", "SBC", "--fqdn", "exch01.contoso.com", "--trust", "{root}",
                            "--public-roots", "{root}", *AT, "--format", "json", "{good}"], {}),
    ("check-p7b", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "{p7b}"], {}),
    ("check-pfx-env", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                       "--password-env", "UCP_TEST_PW", "--format", "json", "{pfx}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-pfx-file", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                        "--password-file", "{pwfile}", "{pfx}"], {}),
    ("check-pfx-file-crlf", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT,
                             "--password-file", "{pwfile-crlf}",
                             "{pfx}"], {}),
    ("check-pfx-wrong", ["check", "-r", "UM", "--trust", "{root}", *AT, "--password-env", "UCP_TEST_PW",
                         "--format", "json", "{pfx}"], {"UCP_TEST_PW": "wrong"}),
    ("check-pfx-none", ["check", "-r", "UM", "--trust", "{root}", *AT, "{pfx}"], {}),
    ("check-password-env-unset", ["check", "-r", "UM", "--password-env", "UCP_TEST_UNSET", "{pfx}"], {}),
    ("check-password-file-missing", ["check", "-r", "UM", "--password-file", "{missing}", "{pfx}"], {}),
    ("check-topology", ["check", "-r", "UM", "--topology", "{topology}", "--trust", "{root}", *AT,
                        "--format", "json", "{good}"], {}),
    ("check-topology-override", ["check", "-r", "UM", "--topology", "{topology}", "--fqdn", "exch02.contoso.com",
                                 "--sip-domain", "fabrikam.com", "--sip-domain", "contoso.com", "--trust", "{root}",
                                 *AT, "--format", "json", "{good}"], {}),
    ("check-topology-bad", ["check", "-r", "UM", "--topology", "{topology-bad}", "{good}"], {}),
    ("check-topology-missing", ["check", "-r", "UM", "--topology", "{missing}", "{good}"], {}),
    ("check-all-facts", ["check", "-r", "edge-external", "--fqdn", "edge01.contoso.com", "--pool", "edgepool.contoso.com",
                         "--sip-domain", "contoso.com", "--simple-url", "https://meet.contoso.com/abc",
                         "--simple-url", "dialin.contoso.com", "--web-fqdn", "webext.contoso.com",
                         "--access-edge", "sip.contoso.com", "--webconf-edge", "webcon.contoso.com",
                         "--xmpp-domain", "contoso.com", "--trust", "{root}", *AT, "--format", "json", "{good}"], {}),
    ("check-bad-fact", ["check", "-r", "UM", "--fqdn", "exch_01.contoso.com", "{good}"], {}),
    ("check-product", ["check", "-r", "UM", "--product", "lync2013", "--trust", "{root}", *AT, "{good}"], {}),
    ("check-bad-product", ["check", "-r", "UM", "--product", "lync2030", "{good}"], {}),
    ("check-bad-trust", ["check", "-r", "UM", "--trust", "{garbage}", "{good}"], {}),
    ("check-missing-chain", ["check", "-r", "UM", "--chain", "{missing}", "{good}"], {}),
    ("check-unknown-role", ["check", "-r", "exchange-unified", "{good}"], {}),
    ("check-no-role", ["check", "{good}"], {}),
    ("check-no-file", ["check", "-r", "UM"], {}),
    ("check-permuted", ["check", "{good}", "--trust", "{root}", "-rUM", *AT, "--fqdn=exch01.contoso.com"], {}),
    ("check-dashdash", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", *AT, "--",
                        "{good}"], {}),
    ("check-posixly-correct", ["check", "-r", "UM", "--trust", "{root}", *AT, "{good}", "--format", "json"],
     {"POSIXLY_CORRECT": "1"}),
    ("check-abbreviations", ["check", "--ro", "UM", "--fq", "exch01.contoso.com", "--tr", "{root}", "--at", "{at}",
                             "--form", "json", "--comp", "{good}"], {}),
    ("check-ambiguous-a", ["check", "--ro", "UM", "--a", "{at}", "{good}"], {}),
    ("check-ambiguous", ["check", "-r", "UM", "--c", "x", "{good}"], {}),
    ("check-unrecognized", ["check", "-r", "UM", "--colour=always", "{good}"], {}),
    ("check-missing-argument", ["check", "{good}", "--role"], {}),
    ("check-short-missing", ["check", "{good}", "-r"], {}),
    ("check-invalid-short", ["check", "-x", "{good}"], {}),
    ("check-no-argument-allowed", ["check", "--quiet=yes", "{good}"], {}),
    ("check-bad-format", ["check", "-r", "UM", "--format", "xml", "{good}"], {}),
    ("check-bad-fail-on", ["check", "-r", "UM", "--fail-on", "fatal", "{good}"], {}),
    ("check-bad-color", ["check", "-r", "UM", "--color", "sometimes", "{good}"], {}),
    ("check-bad-expiry", ["check", "-r", "UM", "--expiry-warning", "3651", "{good}"], {}),
    ("check-bad-expiry-text", ["check", "-r", "UM", "--expiry-warning", "30d", "{good}"], {}),
    ("check-bad-at", ["check", "-r", "UM", "--at", "2026-02-30", "{good}"], {}),
    ("check-at-forms", ["check", "-r", "UM", "--fqdn", "exch01.contoso.com", "--trust", "{root}", "--at", "@{at_unix}",
                        "--format", "json",
                        "--compact", "{good}"], {}),
    ("check-first-error-wins", ["check", "--at", "yesterday", "--format", "xml", "{good}"], {}),
    # --same-certificate: one pool, the certificate and key exported on each server
    ("check-same-certificate", ["check", "-r", "edge-internal", "--fqdn", "exch01.contoso.com", "--trust", "{root}",
                                *AT, "--password-env", "UCP_TEST_PW", "--same-certificate", "{pfx}", "{pfx}"],
     {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-mismatch", ["check", "-r", "edge-internal", "--fqdn", "exch01.contoso.com", "--trust",
                                         "{root}", *AT, "--password-env", "UCP_TEST_PW", "--same-certificate", "-v",
                                         "{pfx}", "{pfx-other-key}", "{pfx}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-json", ["check", "-r", "edge-internal", "--trust", "{root}", *AT, "--password-env",
                                     "UCP_TEST_PW", "--same-certificate", "--format", "json", "{pfx}",
                                     "{pfx-other-key}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-compact", ["check", "-r", "edge-internal", "--trust", "{root}", *AT, "--password-env",
                                        "UCP_TEST_PW", "--same-certificate", "--format", "json", "--compact",
                                        "{pfx}", "{pfx-other-key}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-oauth", ["check", "-r", "oauth", "--trust", "{root}", *AT, "--password-env",
                                      "UCP_TEST_PW", "--same-certificate", "--format", "json", "{pfx}",
                                      "{pfx-other-key}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-one-file", ["check", "-r", "edge-internal", "--same-certificate", "{pfx}"], {}),
    ("check-same-certificate-unreadable", ["check", "-r", "edge-internal", "--trust", "{root}", *AT, "--format",
                                           "json", "--password-env", "UCP_TEST_PW", "--same-certificate", "{pfx}",
                                           "{missing}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-certificate-quiet", ["check", "-q", "-r", "edge-internal", "--trust", "{root}", *AT,
                                      "--password-env", "UCP_TEST_PW", "--same-certificate", "{pfx}",
                                      "{pfx-other-key}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-same-abbreviated", ["check", "-r", "edge-internal", "--trust", "{root}", *AT, "--password-env",
                                "UCP_TEST_PW", "--same", "{pfx}", "{pfx}"], {"UCP_TEST_PW": "Pfx-Päss"}),
    ("check-several-json-compact-errors", ["check", "-r", "UM", "--trust", "{root}", *AT, "--format", "json",
                                           "--compact", "{missing}", "{garbage}"], {}),
    ("check-json-bad-only-pretty", ["check", "-r", "UM", "--format", "json", "{missing}"], {}),
    ("probe-help", ["probe", "--help"], {}),
    ("probe-no-role", ["probe", "127.0.0.1"], {}),
    ("probe-no-host", ["probe", "-r", "UM"], {}),
    ("probe-two-hosts", ["probe", "-r", "UM", "127.0.0.1", "127.0.0.2"], {}),
    ("probe-sni-and-no-sni", ["probe", "-r", "UM", "--sni", "a.contoso.com", "--no-sni", "127.0.0.1"], {}),
    ("probe-key-without-cert", ["probe", "-r", "UM", "--client-key", "{good}", "127.0.0.1"], {}),
    ("probe-bad-protocol", ["probe", "-r", "UM", "--protocol", "ftp", "127.0.0.1"], {}),
    ("probe-protocol-case", ["probe", "-r", "nope", "--protocol", "SIP", "127.0.0.1"], {}),
    ("probe-bad-bracket", ["probe", "-r", "UM", "[::1", "--timeout", "1"], {}),
    ("probe-bracket-junk", ["probe", "-r", "UM", "[::1]x"], {}),
    ("probe-empty-host", ["probe", "-r", "UM", ":443"], {}),
    ("probe-long-host", ["probe", "-r", "UM", "h" * 300], {}),
    ("probe-bad-port", ["probe", "-r", "UM", "127.0.0.1:65536"], {}),
    ("probe-port-text", ["probe", "-r", "UM", "127.0.0.1:https"], {}),
    ("probe-port-empty", ["probe", "-r", "UM", "127.0.0.1:"], {}),
    ("probe-unknown-role", ["probe", "-r", "nope", "127.0.0.1"], {}),
    ("probe-ambiguous", ["probe", "-r", "UM", "--s", "x", "127.0.0.1"], {}),
    ("probe-unrecognized", ["probe", "-r", "UM", "--same-certificate", "127.0.0.1"], {}),
    ("probe-check-option-error", ["probe", "-r", "UM", "--timeout", "0", "127.0.0.1"], {}),
    ("probe-bad-sni", ["probe", "-r", "UM", "--sni", "not a name", "127.0.0.1:{closed_port}"], {}),
    ("probe-empty-sni", ["probe", "-r", "UM", "--sni=", "127.0.0.1:{closed_port}"], {}),
    ("probe-refused", ["probe", "-r", "UM", "--timeout", "2", "127.0.0.1:{closed_port}"], {}),
    ("probe-refused-json", ["probe", "-r", "UM", "--timeout", "2", "--format", "json", "127.0.0.1:{closed_port}"], {}),
    ("probe-refused-compact", ["probe", "-r", "UM", "--format", "json", "--compact", "[127.0.0.1]:{closed_port}"], {}),
    ("probe-refused-quiet", ["probe", "-q", "-r", "UM", "--format", "json", "127.0.0.1:{closed_port}"], {}),
    ("probe-ipv6-refused", ["probe", "-r", "UM", "--timeout", "1", "[::1]:{closed_port}"], {}),
    ("probe-client-cert-missing", ["probe", "-r", "UM", "--client-cert", "{missing}", "127.0.0.1:{closed_port}"], {}),
    ("probe-client-pfx-no-password", ["probe", "-r", "UM", "--client-cert", "{pfx}", "127.0.0.1:{closed_port}"], {}),
    ("probe-client-pfx-wrong-password", ["probe", "-r", "UM", "--client-cert", "{pfx}", "--password-env", "UCP_TEST_PW",
                                         "127.0.0.1:{closed_port}"], {"UCP_TEST_PW": "wrong"}),
    ("probe-client-cert-without-key", ["probe", "-r", "UM", "--client-cert", "{good}", "127.0.0.1:{closed_port}"], {}),
    ("probe-bad-trust", ["probe", "-r", "UM", "--trust", "{garbage}", "127.0.0.1:{closed_port}"], {}),
    ("probe-bad-fact", ["probe", "-r", "UM", "--fqdn", "exch_01.contoso.com", "127.0.0.1:{closed_port}"], {}),
]

# What the cases are about, so that agreeing output is not agreement on a setup error.
EXIT_STATUS = {
    "check-pass": 0, "check-fail": 2, "check-fail-verbose": 2, "check-json-compact": 0, "check-several-text": 2,
    "check-fail-on-error": 0, "check-fail-on-warning": 1, "check-fail-on-info": 1, "check-fail-on-never": 0,
    "check-expiry-warning": 0, "check-chain": 0, "check-no-chain": 2, "check-public-roots": 1, "check-p7b": 0,
    "check-pfx-env": 0, "check-pfx-file": 0, "check-pfx-file-crlf": 0, "check-pfx-wrong": 3, "check-pfx-none": 3,
    "check-topology": 0, "check-topology-override": 2, "check-permuted": 0, "check-dashdash": 0,
    "check-abbreviations": 0, "check-ambiguous-a": 3, "check-crl-revoked": 2, "check-online-refused": 1,
    "check-at-forms": 0, "check-same-certificate": 0, "check-same-certificate-mismatch": 2,
    "check-same-certificate-json": 2, "check-same-certificate-compact": 2, "check-same-certificate-oauth": 2,
    "check-same-certificate-one-file": 3, "check-same-certificate-unreadable": 3, "check-same-certificate-quiet": 2,
    "check-same-abbreviated": 1, "check-jobs-text": 3, "check-jobs-json": 3, "check-jobs-all-cpus": 2,
    "check-jobs-bad": 3, "check-jobs-not-number": 3, "check-jobs-empty": 3, "check-jobs-missing": 3, "probe-help": 0, "probe-refused": 3, "probe-refused-json": 3,
    "probe-client-pfx-wrong-password": 3, "probe-bad-bracket": 3,
}
OUTPUT_HAS = {
    "check-fail": b"subject.cn-wildcard", "check-crl-revoked": b"revocation.revoked",
    "check-online-refused": b"revocation.unreachable", "check-no-chain": b"chain.issuer-missing",
    "check-public-roots": b"validity.public-max",
    "check-topology-override": b"subject.cn-mismatch", "check-pfx-wrong": b"UCP_E_PASSWORD",
    "check-same-certificate-mismatch": b"private-key.pool-mismatch", "check-same-certificate-json": b'"different-key"',
    "check-same-certificate-oauth": b"private-key.pool-mismatch", "probe-refused-json": b"UCP_E_NETWORK",
}


@pytest.mark.parametrize("name,argv,env", CASES, ids=[c[0] for c in CASES])
def test_same_as_the_c_command(name, argv, env, c_cli, files, now):
    names = dict(files, at=now.strftime("%Y-%m-%dT%H:%M:%SZ"), at_unix=str(int(now.timestamp())),
                 closed_port=files["closed-port"])
    args = [a.format(**names) for a in argv]
    c = run([c_cli], args, env)
    py = run([sys.executable, "-m", "ucpolicy"], args, env)
    assert py[0] == c[0], f"exit status: python {py[0]}, C {c[0]}\n{py[2].decode(errors='replace')}"
    assert py[1] == c[1], "stdout differs"
    assert py[2] == c[2], "stderr differs"
    # Guard against comparing two empty failures: each case must produce something, or (quiet)
    # have its exit status checked below.
    assert c[1] or c[2] or name in EXIT_STATUS
    if name in EXIT_STATUS:
        assert c[0] == EXIT_STATUS[name], c[1].decode(errors="replace")[-2000:]
    if name in OUTPUT_HAS:
        assert OUTPUT_HAS[name] in c[1]


def test_every_option_of_the_c_help_is_exercised():
    """The parity cases (here and in test_probe.py, against a live server) use every option the
    C command's help lists, for check and for probe."""
    import ucpolicy._cli as cli
    from test_probe import CLI_CASES
    check = " ".join(" ".join(argv) for _, argv, _ in CASES if argv[:1] == ["check"])
    probe = " ".join(" ".join(argv) for _, argv, _ in CASES if argv[:1] == ["probe"]) + " " + " ".join(
        " ".join(argv) for _, argv in CLI_CASES)
    for used, options in ((check, cli._CHECK_OPTS), (probe, cli._PROBE_OPTS)):
        for option in options:
            assert f"--{option.name}" in used or (option.key in "rvqh" and f"-{option.key}" in used), option.name


def test_main_in_process(capsysbinary, files, now):
    status = main(["check", "-r", "UM", "--trust", files["root"], "--at", now.isoformat(), "--format", "json",
                   files["wild"]])
    out, err = capsysbinary.readouterr()
    assert status == 2 and err == b""
    report = ucpolicy.check(files["wild"], "UM", trust=files["root"], at=now)
    assert out == report.to_json().encode() + b"\n"


@pytest.mark.parametrize("text,expected", [
    ("2026-05-01", 1777593600),
    ("2026-05-01T12:00:00Z", 1777636800),
    ("2026-05-01 12:00", 1777636800),
    ("2026-05-01t12:00:00.999z", 1777636800),
    ("2026-05-01T14:00:00+02:00", 1777636800),
    ("2026-05-01T10:30:00-0130", 1777636800),
    ("2026-05-01T12:00:60Z", 1777636860),
    ("2026-05-31T23:59:60Z", None),  # rolls into June: refused, as timegm's day check does
    ("2026-02-29", None),
    ("2024-02-29", 1709164800),
    ("0000-01-01", -62167219200),
    ("@0", 0),
    ("@-86400", -86400),
    ("@ +12", 12),
    ("@", None),
    ("@12x", None),
    ("2026-5-1", None),
    ("2026-05-01T12", None),
    ("2026-05-01T24:00", None),
    ("2026-13-01", None),
    ("2026-05-01Z", None),
])
def test_time_parser_matches_the_c_parser(text, expected, c_cli, certdir, root_pem, um):
    assert parse_time(text) == expected
    # And the C command agrees on acceptance (its own error text for a refused time).
    path = um.write(certdir, "time-parse")
    status = run([c_cli], ["check", "-q", "-r", "tls-server", "--trust", str(root_pem), "--at", text, str(path)])[0]
    assert (status == 3) == (expected is None)
