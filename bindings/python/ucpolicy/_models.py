# SPDX-License-Identifier: MIT
"""The value objects of a report: frozen dataclasses, copied out of the C objects.

Everything here is plain Python data: it holds no pointer into the library, so it stays valid
for ever, can be shared between threads, pickled, compared and hashed.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterator, Mapping, Optional, Sequence, Tuple, overload

from . import _ucpolicy as _lib
from ._enums import (ChainStatus, ClientAuth, Fact, Field, KeyMatch, KeyProviderState, KeyStorage, KeyUsage, PoolState,
                     ProbeProtocol, Product, Revocation, SanType, Severity, _client_auth_from_c, _fact_to_c,
                     _field_from_c, _key_match_from_c, _key_provider_state_from_c, _key_storage_from_c,
                     _pool_state_from_c, _probe_protocol_from_c, _product_from_c, _san_type_from_c)

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509

__all__ = ["FrozenMap", "Reference", "SubjectAltName", "CertificateTemplate", "Certificate", "ChainEntry", "Chain",
           "Finding", "PrivateKeyInfo", "PoolMember", "Topology", "Connection"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


class FrozenMap(Mapping[str, str]):
    """A read-only, hashable, picklable mapping (Finding.args), in the library's order."""

    __slots__ = ("_items",)

    def __init__(self, items: Any = ()) -> None:
        self._items: Dict[str, str] = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(self._items.items()))

    def __eq__(self, other: object) -> bool:
        return self._items == (dict(other) if isinstance(other, Mapping) else other)

    def __repr__(self) -> str:
        return f"FrozenMap({self._items!r})"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (FrozenMap, (tuple(self._items.items()),))


def _utc(seconds: int) -> _dt.datetime:
    """A Unix time as an aware UTC datetime, clamped to what datetime can hold."""
    try:
        return _EPOCH + _dt.timedelta(seconds=seconds)
    except OverflowError:
        return (_dt.datetime.max if seconds > 0 else _dt.datetime.min).replace(tzinfo=_dt.timezone.utc)


@dataclass(frozen=True)
class Reference:
    """A documentary source of a rule (ucp_reference)."""

    key: str
    """The catalogue's source key (docs/rules), e.g. "L13-WILD"."""
    title: str
    """The document's title."""
    url: str
    """Where to read it, or "" when only a repository path is known."""

    def __str__(self) -> str:
        return f"{self.key} <{self.url}>" if self.url else self.key


@dataclass(frozen=True)
class SubjectAltName:
    """One subject alternative name."""

    type: SanType
    value: str
    """As text; bytes that are not printable ASCII are shown as \\xHH."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class CertificateTemplate:
    """The Microsoft certificate template a certificate was issued from (AD CS): the name of a
    version 1 template (szOID_ENROLL_CERTTYPE_EXTENSION) and/or the OID and versions of a
    version 2+ template (szOID_CERTIFICATE_TEMPLATE)."""

    name: Optional[str]
    """The template name, e.g. "WebServer"; None when only the OID is present."""
    oid: Optional[str]
    """The template OID, e.g. "1.3.6.1.4.1.311.21.8.1234.5678.17"; None for a version 1 template."""
    major_version: Optional[int] = None
    """templateMajorVersion; None when absent."""
    minor_version: Optional[int] = None
    """templateMinorVersion; None when absent."""

    def __str__(self) -> str:
        text = self.name or self.oid or ""
        if self.name and self.oid:
            text += f" ({self.oid})"
        if self.major_version is not None:
            text += f" v{self.major_version}" + (f".{self.minor_version}" if self.minor_version is not None else "")
        return text


@dataclass(frozen=True)
class Certificate:
    """The summary of a certificate, as the library parsed it."""

    subject: str
    """The subject DN in RFC 4514 form, "" if empty."""
    issuer: str
    """The issuer DN in RFC 4514 form."""
    common_name: Optional[str]
    """The first subject CN, or None."""
    serial: str
    """The serial number, upper-case hexadecimal."""
    san: Tuple[SubjectAltName, ...]
    has_eku: bool
    """Whether the certificate has an extended key usage extension."""
    eku: Tuple[str, ...]
    """The extended key usage OIDs, e.g. ("1.3.6.1.5.5.7.3.1",)."""
    eku_names: Tuple[str, ...]
    """Readable names of :attr:`eku` ("serverAuth", or the OID when unknown)."""
    key_algorithm: str
    """"RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA" or "unknown"."""
    key_bits: int
    key_curve: Optional[str]
    """"P-256"... for EC keys, None otherwise."""
    signature_algorithm: str
    """E.g. "RSA-SHA256"."""
    not_before: _dt.datetime
    """Start of validity (aware, UTC)."""
    not_after: _dt.datetime
    """End of validity (aware, UTC)."""
    sha1: str
    """SHA-1 of the DER encoding, upper-case hexadecimal (the Windows thumbprint)."""
    sha256: str
    is_ca: bool
    is_self_signed: bool
    crl_urls: Tuple[str, ...]
    ocsp_urls: Tuple[str, ...]
    ca_issuers_urls: Tuple[str, ...]
    der: bytes = field(repr=False)
    """The DER encoding."""
    eku_critical: bool = False
    """Whether the extended key usage extension is marked critical."""
    has_key_usage: bool = False
    """Whether the certificate has a key usage extension."""
    key_usage: KeyUsage = KeyUsage(0)
    """The key usage bits (empty without the extension): ``KeyUsage.KEY_ENCIPHERMENT in
    cert.key_usage``; ``cert.key_usage.names`` gives the RFC 5280 names."""
    key_usage_critical: bool = False
    """Whether the key usage extension is marked critical."""
    template: Optional[CertificateTemplate] = None
    """The AD CS certificate template, None when the certificate names none."""

    @property
    def dns_names(self) -> Tuple[str, ...]:
        """The DNS names among the SAN entries."""
        return tuple(s.value for s in self.san if s.type is SanType.DNS)

    @property
    def thumbprint(self) -> str:
        """The SHA-1 thumbprint, as Windows shows it (Get-ChildItem Cert:, Get-ExchangeCertificate)."""
        return self.sha1

    def to_cryptography(self) -> "x509.Certificate":
        """The certificate as a ``cryptography.x509.Certificate`` (needs python3-cryptography)."""
        from cryptography import x509

        return x509.load_der_x509_certificate(self.der)

    def __str__(self) -> str:
        return self.subject or f"<no subject, serial {self.serial}>"


def _strings(count: Any, at: Any, obj: Any) -> Tuple[str, ...]:
    return tuple(at(obj, i) for i in range(count(obj)))


def _certificate_from_c(cert: Any) -> Certificate:
    """Copy a borrowed ucp_certificate (its owner must be alive during the call)."""
    eku = _strings(_lib.ucp_certificate_eku_count, _lib.ucp_certificate_eku_at, cert)
    return Certificate(
        subject=_lib.ucp_certificate_subject(cert),
        issuer=_lib.ucp_certificate_issuer(cert),
        common_name=_lib.ucp_certificate_common_name(cert),
        serial=_lib.ucp_certificate_serial(cert),
        san=tuple(SubjectAltName(_san_type_from_c(_lib.ucp_certificate_san_type_at(cert, i)),
                                 _lib.ucp_certificate_san_at(cert, i))
                  for i in range(_lib.ucp_certificate_san_count(cert))),
        has_eku=bool(_lib.ucp_certificate_has_eku(cert)),
        eku=eku,
        eku_names=tuple(_lib.ucp_eku_name(oid) for oid in eku),
        key_algorithm=_lib.ucp_certificate_key_algorithm(cert),
        key_bits=int(_lib.ucp_certificate_key_bits(cert)),
        key_curve=_lib.ucp_certificate_key_curve(cert),
        signature_algorithm=_lib.ucp_certificate_signature_algorithm(cert),
        not_before=_utc(_lib.ucp_certificate_not_before(cert)),
        not_after=_utc(_lib.ucp_certificate_not_after(cert)),
        sha1=_lib.ucp_certificate_sha1(cert),
        sha256=_lib.ucp_certificate_sha256(cert),
        is_ca=bool(_lib.ucp_certificate_is_ca(cert)),
        is_self_signed=bool(_lib.ucp_certificate_is_self_signed(cert)),
        crl_urls=_strings(_lib.ucp_certificate_crl_url_count, _lib.ucp_certificate_crl_url_at, cert),
        ocsp_urls=_strings(_lib.ucp_certificate_ocsp_url_count, _lib.ucp_certificate_ocsp_url_at, cert),
        ca_issuers_urls=_strings(_lib.ucp_certificate_ca_issuers_url_count,
                                 _lib.ucp_certificate_ca_issuers_url_at, cert),
        der=_lib.ucp_py_certificate_der(cert),
        eku_critical=bool(_lib.ucp_certificate_eku_critical(cert)),
        has_key_usage=bool(_lib.ucp_certificate_has_key_usage(cert)),
        key_usage=KeyUsage(int(_lib.ucp_certificate_key_usage(cert))),
        key_usage_critical=bool(_lib.ucp_certificate_key_usage_critical(cert)),
        template=_template_from_c(cert),
    )


def _template_from_c(cert: Any) -> Optional[CertificateTemplate]:
    name = _lib.ucp_certificate_template_name(cert)
    oid = _lib.ucp_certificate_template_oid(cert)
    if name is None and oid is None:
        return None
    major = int(_lib.ucp_certificate_template_major(cert))
    minor = int(_lib.ucp_certificate_template_minor(cert))
    return CertificateTemplate(name=name, oid=oid, major_version=major if major >= 0 else None,
                               minor_version=minor if minor >= 0 else None)


def _reference_from_c(ref: Any) -> Reference:
    return Reference(_lib.ucp_reference_key(ref), _lib.ucp_reference_title(ref), _lib.ucp_reference_url(ref))


@dataclass(frozen=True)
class ChainEntry:
    """A certificate of the validation path, with where it came from."""

    index: int
    """0 is the leaf; the last is the trust anchor when one was reached."""
    source: str
    """"input" (the checked file), "intermediates" (Checker(chain=...)), "trust" (an anchor
    given), "system" (the system trust store) or "system-intermediates" (found for a store
    certificate in the operating system's stores: the .NET binding and PowerShell do that)."""
    certificate: Certificate
    revocation: Revocation = Revocation.NOT_CHECKED
    """Its revocation status (checked with Checker(crls=...) or Checker(online=True))."""
    revocation_source: Optional[str] = None
    """Where the answer came from: "crl FILE-OR-URL" or "ocsp URL"; None when none answered."""


@dataclass(frozen=True)
class Chain(Sequence[ChainEntry]):
    """The validation path (or, when none validated, the best path found)."""

    status: ChainStatus
    trusted: bool
    """Whether the path ends at a trust anchor."""
    entries: Tuple[ChainEntry, ...]
    rejected: Tuple[str, ...] = ()
    """Candidate paths built to the end but not chosen (at most 16), one line each: their
    certificates with sources, status and why, e.g. "CN=fe01 [input] <- CN=Old CA
    [intermediates] <- CN=Root [trust]: invalid: The CA certificate 'CN=Old CA' expired on
    2025-01-01 (chain.expired)"."""
    policies: Tuple[str, ...] = ()
    """The path's valid certificate policies (RFC 5280 6.1.5 (g), within Checker(policies=...)),
    dotted OIDs, "2.5.29.32.0" for anyPolicy; empty when the path is not trusted, asserts no
    policy or fails policy processing (a ``chain.policy-invalid`` finding). Since 1.2."""

    @overload
    def __getitem__(self, index: int) -> ChainEntry: ...

    @overload
    def __getitem__(self, index: slice) -> Tuple[ChainEntry, ...]: ...

    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        return self.entries[index]

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[ChainEntry]:
        return iter(self.entries)

    @property
    def certificates(self) -> Tuple[Certificate, ...]:
        return tuple(e.certificate for e in self.entries)


@dataclass(frozen=True)
class Finding:
    """One finding of a check: a rule the certificate breaks (or, for info, context)."""

    code: str
    """The rule's stable code, e.g. "subject.cn-wildcard"."""
    severity: Severity
    field: Field
    """The certificate field (or input) concerned."""
    message: str
    """What is wrong, with the values involved."""
    expected: str
    """What the rule expects here ("" when it has nothing to state)."""
    actual: str
    """What the certificate has ("" when it has nothing to state)."""
    remediation: str
    """How to fix it, and why it matters (the symptom admins see)."""
    references: Tuple[Reference, ...]
    certificate_index: Optional[int]
    """Which certificate of :attr:`Report.chain` it concerns (0 = leaf), None for none."""
    # dataclasses.field, spelled out: the name `field` is this class's attribute above.
    args: Mapping[str, str] = dataclasses.field(default_factory=FrozenMap)
    """The named arguments of the message (for hosts that localise messages by code)."""

    def __str__(self) -> str:
        return f"{self.severity}: {self.code}: {self.message}"


def _finding_from_c(f: Any) -> Finding:
    index = int(_lib.ucp_finding_certificate_index(f))
    return Finding(
        code=_lib.ucp_finding_code(f),
        severity=Severity(_lib.ucp_finding_severity(f)),
        field=_field_from_c(_lib.ucp_finding_field(f)),
        message=_lib.ucp_finding_message(f),
        expected=_lib.ucp_finding_expected(f),
        actual=_lib.ucp_finding_actual(f),
        remediation=_lib.ucp_finding_remediation(f),
        references=tuple(_reference_from_c(_lib.ucp_finding_reference_at(f, i))
                         for i in range(_lib.ucp_finding_reference_count(f))),
        certificate_index=index if index >= 0 else None,
        args=FrozenMap((_lib.ucp_finding_arg_name(f, i), _lib.ucp_finding_arg_value(f, i))
                       for i in range(_lib.ucp_finding_arg_count(f))),
    )


@dataclass(frozen=True)
class PrivateKeyInfo:
    """What the checked input says about its private key (PKCS#12 files carry one)."""

    present: bool
    """Whether the input held a private key."""
    matches_certificate: KeyMatch
    """Whether that key belongs to the leaf certificate."""
    provider: Optional[str]
    """The Windows provider recorded for the key (the Microsoft CSP name attribute), or None."""
    provider_state: KeyProviderState
    """Whether the input tells the provider at all."""
    storage: KeyStorage
    """The kind of provider: legacy CryptoAPI (CSP) or CNG (KSP)."""
    friendly_name: Optional[str]
    """The friendly name of the leaf's PKCS#12 bag (what the Windows certificate store shows),
    or None."""


def _private_key_from_c(report: Any) -> PrivateKeyInfo:
    return PrivateKeyInfo(
        present=bool(_lib.ucp_report_has_private_key(report)),
        matches_certificate=_key_match_from_c(_lib.ucp_report_key_match(report)),
        provider=_lib.ucp_report_key_provider(report),
        provider_state=_key_provider_state_from_c(_lib.ucp_report_key_provider_state(report)),
        storage=_key_storage_from_c(_lib.ucp_report_key_storage(report)),
        friendly_name=_lib.ucp_report_friendly_name(report),
    )


@dataclass(frozen=True)
class PoolMember:
    """One file of a pool check (every server of an Edge pool, every Front End for OAuth) and
    how it compares with the reference, the first file."""

    index: int
    """0 is the reference."""
    name: str
    """The file name, or the name given for data."""
    state: PoolState
    certificate: Certificate
    """The file's leaf certificate."""

    @property
    def consistent(self) -> bool:
        """Whether this server holds the reference's certificate and key (the reference itself
        included)."""
        return self.state in (PoolState.REFERENCE, PoolState.IDENTICAL)


def _pool_from_c(report: Any) -> Tuple[PoolMember, ...]:
    return tuple(PoolMember(i, _lib.ucp_report_pool_name_at(report, i),
                            _pool_state_from_c(_lib.ucp_report_pool_state_at(report, i)),
                            _certificate_from_c(_lib.ucp_report_pool_certificate_at(report, i)))
                 for i in range(_lib.ucp_report_pool_count(report)))


@dataclass(frozen=True)
class Topology:
    """The deployment facts a check used (copied at check time; empty when none were given).

    The attributes are the keyword arguments of :func:`ucpolicy.check`, so
    ``ucpolicy.check(cert, role, **report.topology.as_kwargs())`` repeats a check."""

    product: Product
    fqdn: Optional[str] = None
    pool: Optional[str] = None
    sip_domains: Tuple[str, ...] = ()
    simple_urls: Tuple[str, ...] = ()
    web_fqdn: Optional[str] = None
    access_edge: Optional[str] = None
    webconf_edge: Optional[str] = None
    xmpp_domain: Optional[str] = None

    def get(self, fact: Fact) -> Tuple[str, ...]:
        """The values of a fact (empty when not given)."""
        value = getattr(self, fact.keyword)
        if value is None:
            return ()
        return value if isinstance(value, tuple) else (value,)

    def as_kwargs(self) -> Dict[str, Any]:
        """The facts given (and the product) as keyword arguments of check()."""
        out: Dict[str, Any] = {"product": self.product}
        for fact in Fact:
            values = self.get(fact)
            if values:
                out[fact.keyword] = values if fact.is_list else values[0]
        return out


def _topology_from_c(topology: Any) -> Topology:
    values: Dict[str, Any] = {}
    for fact in Fact:
        c_fact = _fact_to_c(fact)
        items = tuple(_lib.ucp_topology_get(topology, c_fact, i) for i in range(_lib.ucp_topology_count(topology, c_fact)))
        if fact.is_list:
            values[fact.keyword] = items
        elif items:
            values[fact.keyword] = items[0]
    return Topology(product=_product_from_c(_lib.ucp_topology_product(topology)), **values)


@dataclass(frozen=True)
class Connection:
    """What happened on the wire during a probe (:func:`ucpolicy.probe`): the server probed,
    the TLS session, and the server's verdict on the client certificate."""

    host: str
    """The host probed, as given (IPv6 without brackets)."""
    port: int
    address: Optional[str]
    """The IP address connected to, e.g. "127.0.0.1"."""
    server_name: Optional[str]
    """The TLS SNI name sent; None when none was sent."""
    protocol: ProbeProtocol
    tls_version: Optional[str]
    """E.g. "TLS1.3"; None when the handshake did not complete."""
    cipher_suite: Optional[str]
    """The IANA name, e.g. "TLS_AES_256_GCM_SHA384"; None as tls_version."""
    client_cert_requested: bool
    """Whether the server asked for a client certificate."""
    client_cert_sent: bool
    """Whether the probe sent one (asked, and a client certificate was given)."""
    client_cert_subject: Optional[str]
    """The subject of the client certificate sent."""
    client_auth: ClientAuth
    """The server's verdict on the client: ACCEPTED, REJECTED or UNKNOWN."""
    alert: Optional[str]
    """The TLS alert the server sent (RFC 8446 name, e.g. "bad_certificate"), or None."""
    response: Optional[str]
    """The server's application-level answer: the SIP status line ("SIP/2.0 403 Forbidden") or
    the last SMTP reply after TLS; control characters escaped as \\xHH."""
    diagnostics: Optional[str]
    """The SIP ms-diagnostics header of the answer, where Lync / Skype for Business gives its
    reason (e.g. '1000;reason="The peer is not a configured server on this network
    interface"'); None when absent."""
    detail: str
    """One sentence saying how the verdict was reached."""

    @property
    def rejected(self) -> bool:
        """Whether the server refused the client (certificate)."""
        return self.client_auth is ClientAuth.REJECTED

    @property
    def accepted(self) -> bool:
        return self.client_auth is ClientAuth.ACCEPTED


def _connection_from_c(report: Any) -> Optional[Connection]:
    if not _lib.ucp_report_has_connection(report):
        return None
    return Connection(
        host=_lib.ucp_report_connection_host(report),
        port=int(_lib.ucp_report_connection_port(report)),
        address=_lib.ucp_report_connection_address(report),
        server_name=_lib.ucp_report_connection_server_name(report),
        protocol=_probe_protocol_from_c(_lib.ucp_report_connection_protocol(report)),
        tls_version=_lib.ucp_report_connection_tls_version(report),
        cipher_suite=_lib.ucp_report_connection_cipher_suite(report),
        client_cert_requested=bool(_lib.ucp_report_connection_client_cert_requested(report)),
        client_cert_sent=bool(_lib.ucp_report_connection_client_cert_sent(report)),
        client_cert_subject=_lib.ucp_report_connection_client_cert_subject(report),
        client_auth=_client_auth_from_c(_lib.ucp_report_connection_client_auth(report)),
        alert=_lib.ucp_report_connection_alert(report),
        response=_lib.ucp_report_connection_response(report),
        diagnostics=_lib.ucp_report_connection_diagnostics(report),
        detail=_lib.ucp_report_connection_detail(report) or "",
    )
