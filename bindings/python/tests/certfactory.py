# SPDX-License-Identifier: MIT
"""Certificates made at test time with python3-cryptography (nothing is committed).

A small private PKI: a root CA, an issuing (intermediate) CA, and leaves built to order, written
as PEM, DER, PKCS#7 or PKCS#12. Every certificate is valid around ``Pki.now`` (the time the
tests pass as the validation time), so results never depend on the wall clock.

This is the Python tests' own generator. The shared fixtures of tests/FIXTURES.md come from the
C generator (ucpolicy-certgen); test_manifest.py runs those.
"""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence, Union

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PrivateKey = Union[rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey]

SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH


@functools.lru_cache(maxsize=None)
def rsa_key(bits: int = 2048, slot: int = 0) -> rsa.RSAPrivateKey:
    """An RSA key, cached per (bits, slot): key generation dominates the fixtures' cost."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


@functools.lru_cache(maxsize=None)
def ec_key(slot: int = 0) -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def name(cn: Optional[str], org: str = "Contoso") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)]
    if cn is not None:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


@dataclass
class Issued:
    """A certificate with its key (and the issuing chain, leaf's issuer first)."""

    cert: x509.Certificate
    key: PrivateKey
    chain: Sequence[x509.Certificate] = field(default_factory=tuple)

    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)

    def pem_bundle(self) -> bytes:
        """Leaf then its chain, as one PEM file."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (self.cert, *self.chain))

    def pkcs7(self, encoding: serialization.Encoding = serialization.Encoding.DER) -> bytes:
        return pkcs7.serialize_certificates([self.cert, *self.chain], encoding)

    def pkcs12(self, password: Optional[bytes]) -> bytes:
        encryption = (serialization.BestAvailableEncryption(password) if password
                      else serialization.NoEncryption())
        return pkcs12.serialize_key_and_certificates(b"ucpolicy test", self.key, self.cert,
                                                     list(self.chain) or None, encryption)

    def write(self, directory: Path, stem: str, fmt: str = "bundle", password: Optional[bytes] = None) -> Path:
        """Write as fmt: "bundle" (leaf + chain, PEM; what a server's file holds), "pem" (the
        leaf alone), "der", "p7b", "p7b-pem" or "pfx"."""
        data = {
            "pem": self.pem,
            "der": self.der,
            "bundle": self.pem_bundle,
            "p7b": lambda: self.pkcs7(serialization.Encoding.DER),
            "p7b-pem": lambda: self.pkcs7(serialization.Encoding.PEM),
            "pfx": lambda: self.pkcs12(password),
        }[fmt]()
        suffix = {"pem": ".pem", "der": ".cer", "bundle": ".pem", "p7b": ".p7b", "p7b-pem": ".p7b",
                  "pfx": ".pfx"}[fmt]
        path = directory / f"{stem}{suffix}"
        path.write_bytes(data)
        return path


class Pki:
    """A root CA and an issuing CA; leaves are issued by the issuing CA unless told otherwise."""

    def __init__(self, now: dt.datetime, org: str = "Contoso") -> None:
        self.now = now
        self.org = org
        self.root_key = rsa_key(2048, slot=100 + len(org))
        self.root = self._ca(f"{org} Root CA", self.root_key, None, None, days_before=3650, days_after=3650)
        self.issuing_key = rsa_key(2048, slot=200 + len(org))
        self.issuing = self._ca(f"{org} Issuing CA", self.issuing_key, self.root, self.root_key,
                                days_before=1000, days_after=2000)

    def _ca(self, cn: str, key: PrivateKey, issuer: Optional[x509.Certificate], issuer_key: Optional[PrivateKey],
            days_before: int, days_after: int) -> x509.Certificate:
        subject = name(cn, self.org)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer.subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=days_before))
            .not_valid_after(self.now + dt.timedelta(days=days_after))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if issuer is not None:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False)
        return builder.sign(issuer_key or key, hashes.SHA256())

    def pem(self, cert: x509.Certificate) -> bytes:
        return cert.public_bytes(serialization.Encoding.PEM)

    def crl(self, revoked: Sequence[x509.Certificate] = (), *, days_before: int = 1, days_after: int = 7,
            encoding: serialization.Encoding = serialization.Encoding.PEM, root: bool = False) -> bytes:
        """A CRL of the issuing CA (with ``root``: of the root CA) revoking ``revoked`` (revoked
        two days before ``now``), current from now - days_before to now + days_after (negative:
        already stale)."""
        ca, key = (self.root, self.root_key) if root else (self.issuing, self.issuing_key)
        builder = (x509.CertificateRevocationListBuilder()
                   .issuer_name(ca.subject)
                   .last_update(self.now - dt.timedelta(days=days_before))
                   .next_update(self.now + dt.timedelta(days=days_after))
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                                  critical=False)
                   .add_extension(x509.CRLNumber(1), critical=False))
        for cert in revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(cert.serial_number)
                .revocation_date(self.now - dt.timedelta(days=2)).build())
        return builder.sign(key, hashes.SHA256()).public_bytes(encoding)

    def large_crl(self, entries: int) -> bytes:
        """A DER CRL of the issuing CA listing ``entries`` serials of 20 octets (about 39 bytes
        an entry: 40,000 make 1.6 MB), none of them a certificate made here. Its DER is written
        here: pyca/cryptography's builder takes half a minute for 40,000 entries."""

        def tlv(tag: int, body: bytes) -> bytes:
            n = len(body)
            size = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes(
                (n.bit_length() + 7) // 8, "big")
            return bytes([tag]) + size + body

        def utc(t: dt.datetime) -> bytes:
            return tlv(0x17, t.strftime("%y%m%d%H%M%SZ").encode())

        sha256_rsa = tlv(0x30, bytes.fromhex("06092a864886f70d01010b0500"))
        revoked_at = utc(self.now - dt.timedelta(days=2))
        revoked = b"".join(tlv(0x30, tlv(0x02, (2**158 + i * 104729).to_bytes(20, "big")) + revoked_at)
                           for i in range(entries))
        tbs = tlv(0x30, tlv(0x02, b"\x01") + sha256_rsa + self.issuing.subject.public_bytes() +
                  utc(self.now - dt.timedelta(days=1)) + utc(self.now + dt.timedelta(days=7)) + tlv(0x30, revoked))
        signature = self.issuing_key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())
        return tlv(0x30, tbs + sha256_rsa + tlv(0x03, b"\0" + signature))

    def write_ca(self, directory: Path) -> tuple[Path, Path]:
        """Write root.pem and issuing.pem; returns their paths."""
        root = directory / "root.pem"
        root.write_bytes(self.pem(self.root))
        issuing = directory / "issuing.pem"
        issuing.write_bytes(self.pem(self.issuing))
        return root, issuing

    def leaf(
        self,
        cn: Optional[str],
        sans: Sequence[str] = (),
        *,
        eku: Optional[Sequence[x509.ObjectIdentifier]] = (SERVER_AUTH, CLIENT_AUTH),
        key: Optional[PrivateKey] = None,
        hash_algorithm: hashes.HashAlgorithm = hashes.SHA256(),
        cdp: bool = True,
        cdp_url: Optional[str] = None,
        days_before: int = 30,
        days_after: int = 365,
        ca: bool = False,
        self_signed: bool = False,
        from_root: bool = False,
        key_usage: bool = True,
        extensions: Sequence[x509.ExtensionType] = (),
    ) -> Issued:
        """A server certificate: CN, DNS SANs, EKU, key usage digitalSignature+keyEncipherment
        (critical), a CRL distribution point, RSA 2048 / SHA-256 unless told otherwise."""
        key = key or rsa_key(2048, slot=1)
        if self_signed:
            issuer_name, issuer_key, chain = name(cn, self.org), key, ()
        elif from_root:
            issuer_name, issuer_key, chain = self.root.subject, self.root_key, ()
        else:
            issuer_name, issuer_key, chain = self.issuing.subject, self.issuing_key, (self.issuing,)
        builder = (
            x509.CertificateBuilder()
            .subject_name(name(cn, self.org))
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self.now - dt.timedelta(days=days_before))
            .not_valid_after(self.now + dt.timedelta(days=days_after))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if sans:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
        if eku is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
        if key_usage:
            builder = builder.add_extension(
                x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=True,
                              data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=False,
                              encipher_only=False, decipher_only=False), critical=True)
        if cdp:
            builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.UniformResourceIdentifier(cdp_url or f"http://pki.{self.org.lower()}.com/issuing.crl")],
                relative_name=None, reasons=None, crl_issuer=None)]), critical=False)
        for extension in extensions:
            builder = builder.add_extension(extension, critical=False)
        if not self_signed and not any(isinstance(e, x509.AuthorityInformationAccess) for e in extensions):
            # caIssuers, as a public CA writes it (chain.aia-missing for the public-CA roles).
            builder = builder.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
                x509.AuthorityInformationAccessOID.CA_ISSUERS,
                x509.UniformResourceIdentifier(f"http://pki.{self.org.lower()}.com/issuing.crt"))]), critical=False)
        if not self_signed:
            issuer_public = (self.root_key if from_root else self.issuing_key).public_key()
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False)
        with warnings.catch_warnings():
            # SHA-1 signing is deprecated in cryptography; making such certificates is the point.
            warnings.simplefilter("ignore")
            cert = builder.sign(issuer_key, hash_algorithm)
        return Issued(cert, key, chain)


# ---- Microsoft certificate template extensions (hand-encoded DER: cryptography has no type) ----

TEMPLATE_NAME_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2")  # szOID_ENROLL_CERTTYPE_EXTENSION
TEMPLATE_OID = x509.ObjectIdentifier("1.3.6.1.4.1.311.21.7")  # szOID_CERTIFICATE_TEMPLATE


def _der(tag: int, body: bytes) -> bytes:
    n = len(body)
    length = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag]) + length + body


def _der_oid(oid: str) -> bytes:
    arcs = [int(a) for a in oid.split(".")]
    body = bytes([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body += bytes(reversed(chunk))
    return _der(0x06, body)


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def template_name_extension(name_: str) -> x509.UnrecognizedExtension:
    """A version 1 template: the template name as a BMPString."""
    return x509.UnrecognizedExtension(TEMPLATE_NAME_OID, _der(0x1E, name_.encode("utf-16-be")))


def template_extension(oid: str, major: Optional[int] = None, minor: Optional[int] = None) -> x509.UnrecognizedExtension:
    """A version 2+ template: SEQUENCE { templateID, templateMajorVersion, templateMinorVersion }."""
    body = _der_oid(oid) + (_der_int(major) if major is not None else b"") + (_der_int(minor) if minor is not None else b"")
    return x509.UnrecognizedExtension(TEMPLATE_OID, _der(0x30, body))
