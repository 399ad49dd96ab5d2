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
from typing import Union

from . import _ucpolicy as _lib

__all__ = ["Severity", "Result", "Field", "Product", "Fact", "Format", "ChainStatus", "Revocation", "SanType",
           "SystemTrust"]


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
