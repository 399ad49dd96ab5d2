# SPDX-License-Identifier: MIT
"""Enumerations mirroring the C enums.

Severity is an IntEnum with the C values, so severities compare by seriousness
(``Severity.ERROR > Severity.WARNING``). The others are str enums whose values are the names the
library uses in its JSON and the CLI uses in its options ("fail", "key-usage", "sfb2019"...), so
they compare equal to those strings and serialise as them. Conversions from C values go through
the library's own name functions (``_from_c``), never through a second hand-kept table.
"""

from __future__ import annotations

import enum
from typing import Optional, Tuple, Union

from . import _ucpolicy as _lib

__all__ = ["Severity", "Result", "Field", "Product", "Fact", "Format", "ChainStatus", "Revocation", "SanType",
           "SystemTrust", "KeyUsage", "KeyMatch", "KeyStorage", "KeyProviderState", "PoolState", "ProbeProtocol",
           "ClientAuth", "OutputFormat"]


class _StrEnum(str, enum.Enum):
    """A str enum whose str() and format() are its value (what enum.StrEnum does in 3.11)."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @classmethod
    def parse(cls, value: Union[str, "_StrEnum"]):  # type: ignore[no-untyped-def]
        """The member for a member or its value, case-insensitively; ValueError otherwise."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            folded = value.lower()
            for member in cls:
                if member.value == folded:
                    return member
        choices = ", ".join(m.value for m in cls)
        raise ValueError(f"{value!r} is not a valid {cls.__name__} ({choices})")


class Severity(enum.IntEnum):
    """How serious a finding is; ordered, a larger value is more serious (ucp_severity)."""

    INFO = 0
    """Context only; never affects the result."""
    WARNING = 1
    """A recommendation or an environment-dependent risk."""
    ERROR = 2
    """A documented "must" / "not supported", or a documented outage."""

    def __str__(self) -> str:
        return self.name.lower()

    def __format__(self, spec: str) -> str:
        # The name, as str() gives, rather than the int: f"{finding.severity:8}" -> "error   ".
        return format(str(self), spec)

    @classmethod
    def parse(cls, value: Union[str, int, "Severity"]) -> "Severity":
        """The severity for a member, its C value, or its name ("info", "warning", "error")."""
        if isinstance(value, str):
            try:
                return cls[value.upper()]
            except KeyError:
                raise ValueError(f"{value!r} is not a severity (info, warning, error)") from None
        return cls(value)


class Result(_StrEnum):
    """The overall result of a check (ucp_result)."""

    PASS = "pass"
    """No error or warning finding."""
    WARNING = "warning"
    """Warnings but no error."""
    FAIL = "fail"
    """At least one error finding."""


class Field(_StrEnum):
    """The certificate field (or other input) a rule concerns (ucp_field)."""

    SUBJECT = "subject"
    SAN = "san"
    EKU = "eku"
    KEY_USAGE = "key-usage"
    KEY = "key"
    SIGNATURE = "signature"
    VALIDITY = "validity"
    REVOCATION = "revocation"
    CHAIN = "chain"
    BASIC_CONSTRAINTS = "basic-constraints"
    PRIVATE_KEY = "private-key"
    INPUT = "input"
    SERIAL = "serial"


class Product(_StrEnum):
    """The Lync / Skype for Business Server release a deployment runs (ucp_product)."""

    LYNC2010 = "lync2010"
    LYNC2013 = "lync2013"
    SFB2015 = "sfb2015"
    SFB2019 = "sfb2019"

    @property
    def display_name(self) -> str:
        """E.g. "Skype for Business Server 2019"."""
        return str(_lib.ucp_product_title(_product_to_c(self)))


class Fact(_StrEnum):
    """A deployment fact a role's name rules are checked against (ucp_fact).

    Values are the CLI option names (``--sip-domain``); :attr:`keyword` is the matching keyword
    argument of :func:`ucpolicy.check`.
    """

    FQDN = "fqdn"
    POOL = "pool"
    SIP_DOMAIN = "sip-domain"
    SIMPLE_URL = "simple-url"
    WEB_FQDN = "web-fqdn"
    ACCESS_EDGE = "access-edge"
    WEBCONF_EDGE = "webconf-edge"
    XMPP_DOMAIN = "xmpp-domain"

    @property
    def keyword(self) -> str:
        """The keyword argument of check() for this fact, e.g. "sip_domains"."""
        return _FACT_KEYWORDS[self]

    @property
    def is_list(self) -> bool:
        """Whether the fact takes several values (sip-domain, simple-url)."""
        return bool(_lib.ucp_fact_is_list(_fact_to_c(self)))


_FACT_KEYWORDS = {
    Fact.FQDN: "fqdn",
    Fact.POOL: "pool",
    Fact.SIP_DOMAIN: "sip_domains",
    Fact.SIMPLE_URL: "simple_urls",
    Fact.WEB_FQDN: "web_fqdn",
    Fact.ACCESS_EDGE: "access_edge",
    Fact.WEBCONF_EDGE: "webconf_edge",
    Fact.XMPP_DOMAIN: "xmpp_domain",
}


class Format(_StrEnum):
    """A certificate container format, detected from the content (ucp_format)."""

    PEM = "pem"
    DER = "der"
    PKCS7 = "pkcs7"
    PKCS12 = "pkcs12"


class ChainStatus(_StrEnum):
    """What became of path building (ucp_chain_status)."""

    VALID = "valid"
    """A path to a trust anchor validated."""
    INCOMPLETE = "incomplete"
    """An issuer certificate is missing."""
    UNTRUSTED = "untrusted"
    """The path ends at a root that is not a trust anchor."""
    INVALID = "invalid"
    """A path exists but breaks a rule (signature, CA, time...)."""


class Revocation(_StrEnum):
    """The revocation status of a certificate of the path (ucp_revocation)."""

    NOT_CHECKED = "not-checked"
    """No CRL given and not online (or no issuer to check against)."""
    GOOD = "good"
    """A current CRL or an OCSP answer says so."""
    REVOKED = "revoked"
    UNKNOWN = "unknown"
    """No usable answer: no CRL for the issuer, a stale CRL, OCSP "unknown"."""
    UNREACHABLE = "unreachable"
    """Online, and no revocation source could be fetched."""


class SanType(_StrEnum):
    """The kind of a subject alternative name (ucp_san_type)."""

    DNS = "dns"
    IP = "ip"
    URI = "uri"
    EMAIL = "email"
    OTHER = "other"


class SystemTrust(_StrEnum):
    """When the operating system's trust store supplies trust anchors (ucp_system_trust)."""

    AUTO = "auto"
    """Only when no trust anchor was given (the default)."""
    ON = "on"
    """Always, in addition to the anchors given."""
    OFF = "off"
    """Never."""


class KeyUsage(enum.IntFlag):
    """Key usage bits of a certificate (RFC 5280 4.2.1.3; ucp_key_usage): a flag set,
    ``KeyUsage.DIGITAL_SIGNATURE | KeyUsage.KEY_ENCIPHERMENT``. The values are the library's."""

    DIGITAL_SIGNATURE = 1 << 0
    NON_REPUDIATION = 1 << 1
    KEY_ENCIPHERMENT = 1 << 2
    DATA_ENCIPHERMENT = 1 << 3
    KEY_AGREEMENT = 1 << 4
    KEY_CERT_SIGN = 1 << 5
    CRL_SIGN = 1 << 6
    ENCIPHER_ONLY = 1 << 7
    DECIPHER_ONLY = 1 << 8

    @property
    def names(self) -> Tuple[str, ...]:
        """The RFC 5280 names of the bits set, in bit order, as the JSON report lists them
        ("digitalSignature", "keyEncipherment"...)."""
        return tuple(str(_lib.ucp_key_usage_name(int(bit))) for bit in KeyUsage
                     if bit.value & self.value)


class KeyMatch(_StrEnum):
    """Whether the private key of an input belongs to its leaf certificate (ucp_key_match)."""

    UNKNOWN = "unknown"
    """No private key, or none that can be read (an encrypted key without its password)."""
    YES = "yes"
    """The private key is the leaf certificate's."""
    NO = "no"
    """The input holds a private key, but not the leaf's: the pair cannot work."""


class KeyStorage(_StrEnum):
    """The kind of Windows key store a private key's provider is (ucp_key_storage). Lync Server
    2010/2013 and Exchange UM support only legacy CryptoAPI providers."""

    UNKNOWN = "unknown"
    CSP = "csp"
    """A legacy CryptoAPI cryptographic service provider."""
    KSP = "ksp"
    """A CNG key storage provider."""

    @classmethod
    def classify(cls, provider: Optional[str]) -> "KeyStorage":
        """The kind of a Windows provider name, as the library classifies it
        (ucp_key_storage_classify)."""
        return _key_storage_from_c(_lib.ucp_key_storage_classify(provider))


class KeyProviderState(_StrEnum):
    """Whether an input tells which provider its private key belongs to
    (ucp_key_provider_state)."""

    NOT_APPLICABLE = "not-applicable"
    """No PKCS#12 private key: provider facts are not available."""
    RECORDED = "recorded"
    """The key's SafeBag names its provider."""
    NOT_RECORDED = "not-recorded"
    """The key's SafeBag names no provider (OpenSSL, GnuTLS and Java write none)."""
    NOT_VISIBLE = "not-visible"
    """The SafeBag is inside an encrypted ContentInfo whose attributes GnuTLS does not expose."""


class PoolState(_StrEnum):
    """How a file of a pool check compares with the pool's reference, the first file
    (ucp_pool_state)."""

    REFERENCE = "reference"
    IDENTICAL = "identical"
    """The same leaf certificate, and no other private key."""
    SAME_KEY = "different-certificate-same-key"
    """Another certificate for the same key (re-issued or renewed with the same key)."""
    DIFFERENT_KEY = "different-key"
    """Another key."""


class ProbeProtocol(_StrEnum):
    """The application protocol a probe speaks to start TLS and after it (ucp_probe_protocol)."""

    TLS = "tls"
    """TLS from the first byte (HTTPS 443, SIP-TLS 5061 without a SIP request)."""
    SMTP = "smtp"
    """SMTP with STARTTLS (25, 587)."""
    SIP = "sip"
    """TLS, then a SIP OPTIONS request whose answer tells whether the peer is accepted."""

    @property
    def default_port(self) -> int:
        """The port ``ucpolicy probe`` uses when none is given: 443, 25 or 5061."""
        return {ProbeProtocol.TLS: 443, ProbeProtocol.SMTP: 25, ProbeProtocol.SIP: 5061}[self]


class ClientAuth(_StrEnum):
    """The server's verdict on the client, as a probe presented itself (ucp_client_auth)."""

    UNKNOWN = "unknown"
    """The server's answer does not tell (no answer in time, SIP 404...)."""
    ACCEPTED = "accepted"
    """The handshake completed and the server went on (SIP 2xx, SMTP 250)."""
    REJECTED = "rejected"
    """A TLS alert, SIP 401/403/407, or the connection closed without an answer."""


class OutputFormat(_StrEnum):
    """An output format of reports and batches (ucp_output_format): :meth:`Report.render`,
    :func:`ucpolicy.render_reports`, :class:`ucpolicy.Renderer`, ``ucpolicy check --format``.

    Names given as str are parsed by the library (case-insensitively); an unknown name raises
    :class:`ucpolicy.InvalidArgumentError` (also a ValueError) listing the formats.
    """

    TEXT = "text"
    """The report for people (:meth:`Report.to_text`)."""
    JSON = "json"
    """The report schema (:meth:`Report.to_json`); several reports are an array."""
    SARIF = "sarif"
    """A SARIF 2.1.0 log for code-scanning dashboards: one run, one result per finding."""
    CSV = "csv"
    """RFC 4180: a header row, one row per finding (one for a report without findings)."""
    HTML = "html"
    """One self-contained page: a summary table, then each report."""
    JUNIT = "junit"
    """JUnit XML for CI dashboards: one test case per input."""
    NAGIOS = "nagios"
    """A Nagios plugin's status line with performance data, then one line per failing input."""


# ---- C values ------------------------------------------------------------------------------
# C -> Python by the library's name functions, Python -> C by its name parsers or the constants
# SWIG exports, so no table of C values is kept here (test_enums.py checks both directions).


def _by_name(cls, name_of, value: int):  # type: ignore[no-untyped-def]
    name = name_of(value)
    try:
        return cls(name)
    except ValueError:
        raise ValueError(f"libucpolicy returned a {cls.__name__} this binding does not know: {value} ({name!r})") from None


def _result_from_c(value: int) -> Result:
    return _by_name(Result, _lib.ucp_result_name, value)  # type: ignore[no-any-return]


def _field_from_c(value: int) -> Field:
    return _by_name(Field, _lib.ucp_field_name, value)  # type: ignore[no-any-return]


def _product_from_c(value: int) -> Product:
    return _by_name(Product, _lib.ucp_product_name, value)  # type: ignore[no-any-return]


def _fact_from_c(value: int) -> Fact:
    return _by_name(Fact, _lib.ucp_fact_name, value)  # type: ignore[no-any-return]


def _format_from_c(value: int) -> Format:
    return _by_name(Format, _lib.ucp_format_name, value)  # type: ignore[no-any-return]


def _chain_status_from_c(value: int) -> ChainStatus:
    return _by_name(ChainStatus, _lib.ucp_chain_status_name, value)  # type: ignore[no-any-return]


def _revocation_from_c(value: int) -> Revocation:
    return _by_name(Revocation, _lib.ucp_revocation_name, value)  # type: ignore[no-any-return]


def _san_type_from_c(value: int) -> SanType:
    return _by_name(SanType, _lib.ucp_san_type_name, value)  # type: ignore[no-any-return]


def _product_to_c(product: Product) -> int:
    return int(_lib.ucp_product_from_name(product.value))


def _fact_to_c(fact: Fact) -> int:
    return int(_lib.ucp_fact_from_name(fact.value))


_SYSTEM_TRUST_C = {
    SystemTrust.AUTO: _lib.UCP_SYSTEM_TRUST_AUTO,
    SystemTrust.ON: _lib.UCP_SYSTEM_TRUST_ON,
    SystemTrust.OFF: _lib.UCP_SYSTEM_TRUST_OFF,
}


def _system_trust_to_c(mode: SystemTrust) -> int:
    return int(_SYSTEM_TRUST_C[mode])


def _key_match_from_c(value: int) -> KeyMatch:
    return _by_name(KeyMatch, _lib.ucp_key_match_name, value)  # type: ignore[no-any-return]


def _key_storage_from_c(value: int) -> KeyStorage:
    return _by_name(KeyStorage, _lib.ucp_key_storage_name, value)  # type: ignore[no-any-return]


def _key_provider_state_from_c(value: int) -> KeyProviderState:
    return _by_name(KeyProviderState, _lib.ucp_key_provider_state_name, value)  # type: ignore[no-any-return]


def _pool_state_from_c(value: int) -> PoolState:
    return _by_name(PoolState, _lib.ucp_pool_state_name, value)  # type: ignore[no-any-return]


def _probe_protocol_from_c(value: int) -> ProbeProtocol:
    return _by_name(ProbeProtocol, _lib.ucp_probe_protocol_name, value)  # type: ignore[no-any-return]


def _probe_protocol_to_c(protocol: ProbeProtocol) -> int:
    return int(_lib.ucp_probe_protocol_from_name(protocol.value))


def _client_auth_from_c(value: int) -> ClientAuth:
    return _by_name(ClientAuth, _lib.ucp_client_auth_name, value)  # type: ignore[no-any-return]


def _output_format_to_c(value: Union[OutputFormat, str]) -> int:
    """The C value of a format or a format name; the library parses names, and its
    InvalidArgumentError (a ValueError) lists the formats."""
    if isinstance(value, OutputFormat):
        value = value.value
    elif not isinstance(value, str):
        raise TypeError(f"format: expected an OutputFormat or a format name, not {type(value).__name__}")
    return int(_lib.ucp_output_format_from_name(value))


def _output_format_from_c(value: int) -> OutputFormat:
    return _by_name(OutputFormat, _lib.ucp_output_format_name, value)  # type: ignore[no-any-return]


FailOn = Union[Severity, str, int, None]
"""The lowest severity that fails a check (``ucpolicy --fail-on``): "error", "warning",
"info", "never" (or None: never fail), or a :class:`Severity`."""


def _fail_on_to_c(value: FailOn) -> int:
    """The C ucp_fail_on of a fail-on level: names are parsed by the library (its
    InvalidArgumentError, a ValueError, lists the levels); a Severity (or its int value) is the
    level of that name."""
    if value is None:
        return int(_lib.UCP_FAIL_ON_NEVER)
    if isinstance(value, bool):
        raise TypeError("fail_on: expected a severity name, a Severity, \"never\" or None, not bool")
    if isinstance(value, int):
        value = str(Severity.parse(value))
    elif not isinstance(value, str):
        raise TypeError(f"fail_on: expected a severity name, a Severity, \"never\" or None, "
                        f"not {type(value).__name__}")
    return int(_lib.ucp_fail_on_from_name(value))
