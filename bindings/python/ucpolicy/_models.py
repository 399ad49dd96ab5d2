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
from ._enums import ChainStatus, Field, Revocation, SanType, Severity, _field_from_c, _san_type_from_c

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509

__all__ = ["FrozenMap", "Reference", "SubjectAltName", "Certificate", "ChainEntry", "Chain", "Finding"]

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
    """The source key of UC-ROLES.md, e.g. "L13-WILD"."""
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
    )


def _reference_from_c(ref: Any) -> Reference:
    return Reference(_lib.ucp_reference_key(ref), _lib.ucp_reference_title(ref), _lib.ucp_reference_url(ref))


@dataclass(frozen=True)
class ChainEntry:
    """A certificate of the validation path, with where it came from."""

    index: int
    """0 is the leaf; the last is the trust anchor when one was reached."""
    source: str
    """"input" (the checked file), "intermediates" (Checker(chain=...)), "trust" (an anchor
    given) or "system" (the system trust store)."""
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
