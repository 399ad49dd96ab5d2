# SPDX-License-Identifier: MIT
"""Every input form: PEM, PEM bundle, DER, PKCS#7 (DER and PEM), PKCS#12, as a path (str,
bytes, os.PathLike) or as data (bytes, bytearray, memoryview, PEM text), and as certificate
objects (cryptography, ucpolicy). The same leaf must give the same findings whatever its form,
except what a key-bearing form adds: a PKCS#12 file holds the private key, whose facts the report
carries (Report.private_key) and which adds exactly the role's private-key findings (for
exchange-um, written by python3-cryptography: one info, private-key.provider-unknown, since such
a file records no Windows provider).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography import x509

import ucpolicy
from ucpolicy import Field, Format, KeyMatch, KeyProviderState, KeyStorage, Severity

FACTS = dict(fqdn="exch01.contoso.com")

# What a PKCS#12 file of the leaf with its key adds to exchange-um's findings, and nothing else.
PKCS12_KEY_FINDINGS = (("private-key.provider-unknown", Severity.INFO),)
PROVIDER_NOT_RECORDED = "the key's SafeBag records no provider (OpenSSL, GnuTLS and Java write none)"


def signature(report: ucpolicy.Report):
    """What must not depend on the input form: everything but the private-key findings, which
    only key-bearing forms can have (see key_findings)."""
    return (report.result, report.certificate.sha256,
            tuple((f.code, f.severity) for f in report.findings if f.field is not Field.PRIVATE_KEY))


def key_findings(report: ucpolicy.Report):
    return tuple((f.code, f.severity) for f in report.findings if f.field is Field.PRIVATE_KEY)


def assert_key_facts(report: ucpolicy.Report, has_key: bool) -> None:
    """A key-bearing input adds exactly PKCS12_KEY_FINDINGS and its key facts; others none."""
    key = report.private_key
    if not has_key:
        assert key_findings(report) == ()
        assert key == ucpolicy.PrivateKeyInfo(False, KeyMatch.UNKNOWN, None, KeyProviderState.NOT_APPLICABLE,
                                              KeyStorage.UNKNOWN, None)
        return
    assert key_findings(report) == PKCS12_KEY_FINDINGS
    assert report.get("private-key.provider-unknown")[0].args == {"state": PROVIDER_NOT_RECORDED}
    assert (key.present, key.matches_certificate, key.provider, key.provider_state, key.storage) == (
        True, KeyMatch.YES, None, KeyProviderState.NOT_RECORDED, KeyStorage.UNKNOWN)
    assert key.friendly_name == "ucpolicy test"  # certfactory's PKCS#12 friendly name


@pytest.fixture(scope="module")
def reference(checker, um):
    """The report for the leaf + chain as a PEM bundle."""
    return checker.check(um.pem_bundle(), "exchange-um", **FACTS)


FILE_FORMATS = [
    ("bundle", Format.PEM, True),
    ("pem", Format.PEM, False),
    ("der", Format.DER, False),
    ("p7b", Format.PKCS7, True),
    ("p7b-pem", Format.PKCS7, True),
    ("pfx", Format.PKCS12, True),
]


@pytest.mark.parametrize("fmt,expected_format,has_chain", FILE_FORMATS, ids=[f[0] for f in FILE_FORMATS])
def test_file_formats(fmt, expected_format, has_chain, um, write, root_pem, issuing_pem, reference):
    password = b"S3cret-pfx" if fmt == "pfx" else None
    path = write(um, f"formats-{fmt}", fmt, password)
    # A leaf without its chain is given the issuing CA as an intermediate, as --chain does.
    chain = None if has_chain else [issuing_pem]
    with ucpolicy.Checker(trust=[root_pem], chain=chain, at=reference.validation_time) as c:
        report = c.check(path, "exchange-um", password=password.decode() if password else None, **FACTS)
    assert report.input_format is expected_format
    assert report.input_name == str(path)
    assert signature(report) == signature(reference)
    assert_key_facts(report, fmt == "pfx")
    assert report.result is reference.result  # an info finding changes no result
    assert report.chain.trusted
    sources = [e.source for e in report.chain]
    assert sources == (["input", "input", "trust"] if has_chain else ["input", "intermediates", "trust"])


class BytesPath:
    """An os.PathLike whose __fspath__ gives bytes."""

    def __init__(self, path: Path) -> None:
        self.path = os.fsencode(path)

    def __fspath__(self) -> bytes:
        return self.path


@pytest.mark.parametrize("kind", ["str", "pathlib", "fspath-bytes"])
def test_path_types(kind, checker, um, write, reference):
    """A str or os.PathLike is a file name (bytes are content, see test_data_types)."""
    path = write(um, "paths")
    arg = {"str": str(path), "pathlib": path, "fspath-bytes": BytesPath(path)}[kind]
    report = checker.check(arg, "exchange-um", **FACTS)
    assert signature(report) == signature(reference)
    assert report.input_name == str(path)


def test_file_name_that_is_not_utf8(checker, um, certdir, reference):
    raw = os.fsencode(certdir) + b"/exch01-\xff.pem"
    with open(raw, "wb") as f:
        f.write(um.pem_bundle())
    name = os.fsdecode(raw)  # '...exch01-\udcff.pem', as os.listdir() gives it
    report = checker.check(name, "exchange-um", **FACTS)
    assert signature(report) == signature(reference)
    assert report.input_name == name  # decoded back as the os module does


@pytest.mark.parametrize("kind", ["bytes", "bytearray", "memoryview", "pem-text"])
def test_data_types(kind, checker, um, reference):
    data = um.pem_bundle()
    arg = {"bytes": data, "bytearray": bytearray(data), "memoryview": memoryview(data),
           "pem-text": data.decode("ascii")}[kind]
    report = checker.check(arg, "exchange-um", **FACTS)
    assert signature(report) == signature(reference)
    assert_key_facts(report, False)
    assert report.input_name == "<memory>"


@pytest.mark.parametrize("fmt", ["der", "p7b", "pfx"])
def test_binary_data_with_a_name(fmt, checker, um, reference):
    data = {"der": um.der, "p7b": um.pkcs7, "pfx": lambda: um.pkcs12(b"pw")}[fmt]()
    report = checker.check(data, "exchange-um", name=f"exch01.{fmt}", password=b"pw", **FACTS)
    assert report.input_name == f"exch01.{fmt}"
    assert report.certificate.sha256 == reference.certificate.sha256
    if fmt != "der":  # DER holds the leaf alone; the others carry the chain
        assert signature(report) == signature(reference)
    assert_key_facts(report, fmt == "pfx")


def test_pkcs12_password_forms(checker, um, write, reference):
    path = write(um, "password-forms", "pfx", b"p\xc3\xa4ss")  # UTF-8 "päss"
    for password in ("päss", b"p\xc3\xa4ss", bytearray(b"p\xc3\xa4ss"), memoryview(b"p\xc3\xa4ss")):
        report = checker.check(path, "exchange-um", password=password, **FACTS)
        assert signature(report) == signature(reference)
        assert_key_facts(report, True)


def test_pkcs12_without_password(checker, um, write, reference):
    path = write(um, "no-password", "pfx", None)
    report = checker.check(path, "exchange-um", **FACTS)
    assert report.input_format is Format.PKCS12
    assert signature(report) == signature(reference)
    assert_key_facts(report, True)


def test_cryptography_certificate(checker, um, root_pem, reference):
    report = checker.check(um.cert, "exchange-um", **FACTS)
    # A lone certificate: the chain comes from the checker (none here beyond the trust root).
    assert report.certificate.sha256 == reference.certificate.sha256
    with ucpolicy.Checker(trust=root_pem, chain=list(um.chain), at=reference.validation_time) as c:
        assert signature(c.check(um.cert, "exchange-um", **FACTS)) == signature(reference)


def test_certificate_round_trip(checker, um, reference):
    cert = reference.certificate
    parsed = cert.to_cryptography()
    assert isinstance(parsed, x509.Certificate)
    assert parsed == um.cert
    assert cert.der == um.der()
    # A ucpolicy.Certificate is itself an input (e.g. to re-check a chain certificate).
    again = checker.check(cert, "exchange-um", **FACTS)
    assert again.certificate == cert


def test_certificate_summary(reference, um):
    cert = reference.certificate
    assert cert.subject == "CN=exch01.contoso.com,O=Contoso"
    assert cert.common_name == "exch01.contoso.com"
    assert cert.issuer == "CN=Contoso Issuing CA,O=Contoso"
    assert cert.serial == format(um.cert.serial_number, "X").rjust(len(cert.serial), "0")
    assert cert.dns_names == ("exch01.contoso.com",)
    assert [str(s.type) for s in cert.san] == ["dns"]
    assert cert.has_eku and cert.eku == ("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2")
    assert cert.eku_names == ("serverAuth", "clientAuth")
    assert (cert.key_algorithm, cert.key_bits, cert.key_curve) == ("RSA", 2048, None)
    assert cert.signature_algorithm == "RSA-SHA256"
    assert cert.not_before == um.cert.not_valid_before.replace(tzinfo=reference.validation_time.tzinfo)
    assert cert.not_after == um.cert.not_valid_after.replace(tzinfo=reference.validation_time.tzinfo)
    assert cert.thumbprint == cert.sha1 and len(cert.sha1) == 40 and len(cert.sha256) == 64
    assert not cert.is_ca and not cert.is_self_signed
    assert cert.crl_urls == ("http://pki.contoso.com/issuing.crl",)
    assert cert.ocsp_urls == () and cert.ca_issuers_urls == ("http://pki.contoso.com/issuing.crt",)
    assert reference.days_remaining == (cert.not_after - reference.validation_time).days


def test_chain_argument_forms(pki, um, root_pem, issuing_pem, reference):
    """chain=/trust=/public_roots= take one input or an iterable of them, of any form."""
    for chain in (issuing_pem, str(issuing_pem), [issuing_pem], (pki.issuing,), pki.issuing,
                  issuing_pem.read_bytes(), iter([issuing_pem])):
        with ucpolicy.Checker(trust=root_pem.read_bytes(), chain=chain, at=reference.validation_time) as c:
            report = c.check(um.der(), "exchange-um", **FACTS)
        assert report.chain.trusted, chain
        assert signature(report) == signature(reference)
