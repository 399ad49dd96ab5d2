# SPDX-License-Identifier: MIT
"""Checker and check(): loading certificates, deployment facts, running checks."""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import sys
import threading
import weakref
from typing import (TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Mapping, NamedTuple, Optional, Sequence,
                    Tuple, Union)

from . import _ucpolicy as _lib
from ._enums import (Fact, ProbeProtocol, Product, SystemTrust, _fact_to_c, _probe_protocol_from_c, _probe_protocol_to_c,
                     _system_trust_to_c)
from ._errors import InvalidArgumentError
from ._models import Certificate
from ._report import Report

if TYPE_CHECKING:  # pragma: no cover
    from cryptography import x509

    from ._catalogue import Role

__all__ = ["Checker", "check", "probe", "CertificateInput", "When"]

CertificateInput = Union[str, "os.PathLike[str]", "os.PathLike[bytes]", bytes, bytearray, memoryview,
                         Certificate, "x509.Certificate"]
"""A certificate file path, its content (PEM, DER, PKCS#7 or PKCS#12; a str holding PEM text is
taken as content), a :class:`ucpolicy.Certificate` or a ``cryptography.x509.Certificate``."""

CertificateInputs = Union[CertificateInput, Iterable[CertificateInput], None]
"""One input or several (for chain=, trust=, public_roots=)."""

When = Union[_dt.datetime, _dt.date, int, None]
"""A validation time: an aware datetime; a naive datetime or a date, taken as UTC (as
``ucpolicy check --at`` reads "2026-05-01"); Unix seconds; or None for the time of each check."""

Facts = Union[str, Iterable[str], None]

PathInput = Union[str, "os.PathLike[str]", "os.PathLike[bytes]", bytes]
"""A file name: str, bytes or os.PathLike (the probe's client certificate and key)."""

_MAX_POOL = 64


def _cryptography_der(obj: Any) -> Optional[bytes]:
    """DER bytes of a cryptography certificate; cryptography is never imported for this (if
    the caller has such an object, the module is loaded already)."""
    x509 = sys.modules.get("cryptography.x509")
    if x509 is not None and isinstance(obj, x509.Certificate):
        from cryptography.hazmat.primitives.serialization import Encoding

        return bytes(obj.public_bytes(Encoding.DER))
    return None


def _is_single_input(obj: Any) -> bool:
    return (isinstance(obj, (str, bytes, bytearray, memoryview, os.PathLike, Certificate))
            or _cryptography_der(obj) is not None)


def _inputs(value: CertificateInputs, what: str) -> List[CertificateInput]:
    if value is None:
        return []
    if _is_single_input(value):
        return [value]  # type: ignore[list-item]
    try:
        return list(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what}: expected a certificate input or an iterable of them, "
                        f"not {type(value).__name__}") from None


def _crl_sources(crls: Any) -> List[Union[str, "os.PathLike[str]", bytes, bytearray, memoryview]]:
    if crls is None:
        return []
    items = [crls] if isinstance(crls, (str, os.PathLike, bytes, bytearray, memoryview)) else list(crls)
    for item in items:
        if not isinstance(item, (str, os.PathLike, bytes, bytearray, memoryview)):
            raise TypeError(f"crls: expected a CRL file path or CRL bytes, not {type(item).__name__}")
    return items


@contextlib.contextmanager
def _loaded(source: CertificateInput, password: Union[str, bytes, None] = None,
            name: Optional[str] = None) -> Iterator[Any]:
    """A ucp_input for the duration of a with block."""
    if isinstance(source, str) and "-----BEGIN " in source:
        source = source.encode("utf-8")
    if isinstance(source, (str, os.PathLike)):
        ptr = _lib.ucp_input_from_file(source, password)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        ptr = _lib.ucp_input_from_data(source, name, password)
    elif isinstance(source, Certificate):
        ptr = _lib.ucp_input_from_data(source.der, name, None)
    else:
        der = _cryptography_der(source)
        if der is None:
            raise TypeError("a certificate is a path (str or os.PathLike), bytes (PEM, DER, PKCS#7, "
                            "PKCS#12), a ucpolicy.Certificate or a cryptography.x509.Certificate, "
                            f"not {type(source).__name__}")
        ptr = _lib.ucp_input_from_data(der, name, None)
    try:
        yield ptr
    finally:
        _lib.ucp_input_free(ptr)


def _unix_time(at: When) -> int:
    if at is None:
        return int(_lib.UCP_TIME_NOW)
    if isinstance(at, bool):
        raise TypeError("at: expected a datetime, a date or Unix seconds, not bool")
    if isinstance(at, int):
        # Years 0000 to 9999; -2**63 would be the library's "now" sentinel (UCP_TIME_NOW).
        if not -62167219200 <= at <= 253402300799:
            raise ValueError(f"at: {at} Unix seconds is outside the years 0000 to 9999")
        return at
    if isinstance(at, _dt.datetime):
        if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
            at = at.replace(tzinfo=_dt.timezone.utc)
        return math.floor(at.timestamp())
    if isinstance(at, _dt.date):
        return math.floor(_dt.datetime(at.year, at.month, at.day, tzinfo=_dt.timezone.utc).timestamp())
    raise TypeError(f"at: expected a datetime, a date or Unix seconds, not {type(at).__name__}")


def _fact_values(value: Facts, keyword: str) -> Tuple[str, ...]:
    if value is None:
        return ()
    values: Tuple[object, ...]
    if isinstance(value, str):
        values = (value,)
    elif isinstance(value, (bytes, bytearray)) or not isinstance(value, Iterable):
        raise TypeError(f"{keyword}: expected str, not {type(value).__name__}")
    else:
        values = tuple(value)
    for v in values:
        if not isinstance(v, str):
            raise TypeError(f"{keyword}: expected str, not {type(v).__name__}")
    return values  # type: ignore[return-value]


@contextlib.contextmanager
def _topology(topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None],
              facts: Sequence[Tuple[Fact, Tuple[str, ...]]],
              product: Union[Product, str, None], server: Optional[str] = None) -> Iterator[Any]:
    """A ucp_topology for one check: the topology document, its server (``server``), then the
    facts given (which replace the document's values of the same fact, as the CLI options do),
    then the product."""
    if server is not None and not isinstance(server, str):
        raise TypeError(f"server: expected str, not {type(server).__name__}")
    if server is not None and topology is None:
        raise ValueError("server needs topology (the document that lists the servers)")
    ptr = _lib.ucp_topology_new()
    try:
        if topology is not None:
            if isinstance(topology, Mapping):
                import json
                _lib.ucp_topology_load_data(ptr, json.dumps(dict(topology)).encode("utf-8"), "<topology>")
            elif isinstance(topology, (bytes, bytearray, memoryview)):
                _lib.ucp_topology_load_data(ptr, topology, "<topology>")
            elif isinstance(topology, (str, os.PathLike)):
                _lib.ucp_topology_load_file(ptr, topology)
            else:
                raise TypeError("topology: expected a file path (JSON or topology XML), a mapping or "
                                f"the document's bytes, not {type(topology).__name__}")
        if server is not None:
            _lib.ucp_topology_select_server(ptr, server)
        for fact, values in facts:
            c_fact = _fact_to_c(fact)
            for i, value in enumerate(values):
                (_lib.ucp_topology_add if i else _lib.ucp_topology_set)(ptr, c_fact, value)
        if product is not None:
            _lib.ucp_topology_set_product(ptr, _lib.ucp_product_from_name(str(product)))
        yield ptr
    finally:
        _lib.ucp_topology_free(ptr)


def _role_id(role: Union[str, Role]) -> str:
    if isinstance(role, str):
        return role
    from ._catalogue import Role  # not imported before a Role is given: a check by role id needs no catalogue
    if not isinstance(role, Role):
        raise TypeError(f"role: expected a role id or a Role, not {type(role).__name__}")
    return role.id


def _facts(fqdn: Optional[str], pool: Optional[str], sip_domains: Facts, simple_urls: Facts, web_fqdn: Optional[str],
           access_edge: Optional[str], webconf_edge: Optional[str], xmpp_domain: Optional[str]
           ) -> List[Tuple[Fact, Tuple[str, ...]]]:
    return [(fact, _fact_values(value, fact.keyword)) for fact, value in (
        (Fact.FQDN, fqdn), (Fact.POOL, pool), (Fact.SIP_DOMAIN, sip_domains),
        (Fact.SIMPLE_URL, simple_urls), (Fact.WEB_FQDN, web_fqdn), (Fact.ACCESS_EDGE, access_edge),
        (Fact.WEBCONF_EDGE, webconf_edge), (Fact.XMPP_DOMAIN, xmpp_domain))]


class Checker:
    """A configured checker: trust anchors, intermediates, validation time and thresholds,
    shared by any number of checks.

    The configuration is fixed when the checker is made, so a checker may be used from several
    threads at once (the library runs checks on one checker concurrently, and releases the GIL
    while it works). Use it as a context manager, or call :meth:`close`; closing while other
    threads are still checking is safe: the library's checker is freed when the last check
    returns. Reports outlive their checker.

    Args:
        chain: untrusted intermediate certificates used to build paths (CLI ``--chain``).
        trust: trust anchors; when given, the system trust store is not used unless
            ``system_trust="on"`` (CLI ``--trust``).
        public_roots: the roots that count as public CAs for roles that need one (Edge
            external, reverse proxy, Teams Direct Routing); default: the system store
            (CLI ``--public-roots``).
        system_trust: "auto" (the system store only when no trust anchor is given), "on" or
            "off".
        at: the validation time (see :data:`When`); default: the time of each check.
        expiry_warning_days: warn this many days before expiry (default 30; 0 never).
        crls: certificate revocation lists, PEM or DER: file paths or bytes (CLI ``--crl``).
            Without them (or ``online``) revocation is not checked.
        online: fetch CRLs from the certificates' HTTP distribution points and OCSP answers
            from their responders during checks (CLI ``--online``); off by default, so a check
            never touches the network unless asked. The GIL is released meanwhile. Fetches
            reach public addresses only (see ``allow_private_network``); no proxy is used. At most 8
            URLs are tried per certificate; fetched CRLs are kept for later checks in a cache of
            32 MiB per checker (least recently used dropped first; another issuer's never kept).
        allow_private_network: let online fetches connect to loopback, private (RFC 1918,
            fc00::/7), link-local and other non-public addresses (CLI
            ``--allow-private-network``). Off by default: the URLs come from the certificate
            under test, and every connection, each redirect's included, is checked after name
            resolution, so a certificate cannot make the check send requests into your own
            network; a refused URL leaves the certificate "unreachable" with a
            ``revocation.unreachable`` finding naming the address. Turn it on for an internal
            PKI whose distribution points or responders are on the private network. It does
            not concern :meth:`probe`'s connection to the server you name.
        network_timeout: the time budget in seconds of the online work of each check: all its
            CRL and OCSP transfers share it, and URLs not tried when it is spent are reported
            in the ``revocation.unreachable`` finding (default 5, at most 600).
        fetch_limit: size limit in bytes of each fetched CRL or OCSP answer (default 10 MiB).
        policies: the initial policy set of certificate policy processing (RFC 5280 6.1, CLI
            ``--policy``): dotted OIDs a trusted path must be valid for (one of them); default:
            any policy. A path asserting none of them gets a ``chain.policy-invalid`` finding;
            ``report.chain.policies`` lists the path's valid policies.
        require_explicit_policy: a trusted path must have a valid policy (CLI
            ``--require-explicit-policy``).
        inhibit_policy_mapping: the CAs' policy mappings do not apply (CLI
            ``--inhibit-policy-mapping``).
        inhibit_any_policy: anyPolicy in a certificate matches no policy (CLI
            ``--inhibit-any-policy``).

    Raises:
        ucpolicy.Error: a certificate file cannot be read (an :class:`IoError`, which is also an
            ``OSError``; :class:`FormatError`, also a ``ValueError``...), the message naming it.
    """

    def __init__(
        self,
        *,
        chain: CertificateInputs = None,
        trust: CertificateInputs = None,
        public_roots: CertificateInputs = None,
        system_trust: Union[SystemTrust, str] = SystemTrust.AUTO,
        at: When = None,
        expiry_warning_days: Optional[int] = None,
        crls: Union[str, "os.PathLike[str]", bytes, Iterable[Union[str, "os.PathLike[str]", bytes]], None] = None,
        online: bool = False,
        allow_private_network: bool = False,
        network_timeout: Optional[float] = None,
        fetch_limit: Optional[int] = None,
        policies: Optional[Iterable[str]] = None,
        require_explicit_policy: bool = False,
        inhibit_policy_mapping: bool = False,
        inhibit_any_policy: bool = False,
    ) -> None:
        mode = SystemTrust.parse(system_trust)
        crl_sources = _crl_sources(crls)
        timeout_ms = None
        if network_timeout is not None:
            if isinstance(network_timeout, bool) or not isinstance(network_timeout, (int, float)):
                raise TypeError("network_timeout: expected seconds as a number")
            timeout_ms = round(network_timeout * 1000)
            if not 1 <= timeout_ms <= 600_000:
                raise ValueError(f"network_timeout: {network_timeout} is not between 0.001 and 600 seconds")
        if fetch_limit is not None and (isinstance(fetch_limit, bool) or not isinstance(fetch_limit, int)):
            raise TypeError("fetch_limit: expected a number of bytes")
        if fetch_limit is not None and fetch_limit < 0:
            raise ValueError(f"fetch_limit: {fetch_limit} is negative")
        if isinstance(policies, (str, bytes)):
            raise TypeError("policies: expected an iterable of OIDs, e.g. ['2.23.140.1.2.1']")
        policy_oids = list(policies or ())
        for oid in policy_oids:
            if not isinstance(oid, str):
                raise TypeError(f"policies: {oid!r} is not a str")
        when = _unix_time(at)
        if expiry_warning_days is not None and (isinstance(expiry_warning_days, bool)
                                                or not isinstance(expiry_warning_days, int)):
            raise TypeError("expiry_warning_days: expected an int")
        if expiry_warning_days is not None and not 0 <= expiry_warning_days <= 3650:
            raise ValueError(f"expiry_warning_days: {expiry_warning_days} is not between 0 and 3650")
        inputs = [(_inputs(chain, "chain"), _lib.ucp_checker_add_intermediates),
                  (_inputs(trust, "trust"), _lib.ucp_checker_add_trust),
                  (_inputs(public_roots, "public_roots"), _lib.ucp_checker_add_public_roots)]

        self._lock = threading.Lock()
        self._active = 0
        self._closed = False
        ptr = _lib.ucp_checker_new()
        self._ptr = ptr
        # The finalizer owns the C checker from here on: close(), garbage collection and
        # interpreter exit all go through it, and it runs at most once.
        self._finalizer = weakref.finalize(self, _lib.ucp_checker_free, ptr)
        try:
            for sources, add in inputs:
                for source in sources:
                    with _loaded(source) as loaded:
                        add(ptr, loaded)
            for crl in crl_sources:
                if isinstance(crl, (str, os.PathLike)):
                    _lib.ucp_checker_add_crl_file(ptr, crl)
                else:
                    _lib.ucp_checker_add_crl_data(ptr, crl, None)
            for oid in policy_oids:
                _lib.ucp_checker_add_initial_policy(ptr, oid)
            _lib.ucp_checker_set_require_explicit_policy(ptr, bool(require_explicit_policy))
            _lib.ucp_checker_set_inhibit_policy_mapping(ptr, bool(inhibit_policy_mapping))
            _lib.ucp_checker_set_inhibit_any_policy(ptr, bool(inhibit_any_policy))
            _lib.ucp_checker_set_online(ptr, bool(online))
            _lib.ucp_checker_set_allow_private_network(ptr, bool(allow_private_network))
            if timeout_ms is not None:
                _lib.ucp_checker_set_network_timeout(ptr, timeout_ms)
            if fetch_limit is not None:
                _lib.ucp_checker_set_fetch_limit(ptr, fetch_limit)
            _lib.ucp_checker_set_system_trust(ptr, _system_trust_to_c(mode))
            _lib.ucp_checker_set_time(ptr, when)
            if expiry_warning_days is not None:
                _lib.ucp_checker_set_expiry_warning_days(ptr, expiry_warning_days)
        except BaseException:
            self._closed = True
            self._finalizer()
            raise

    @contextlib.contextmanager
    def _using(self) -> Iterator[Any]:
        with self._lock:
            if self._closed:
                raise InvalidArgumentError("the checker is closed")
            self._active += 1
        try:
            yield self._ptr
        finally:
            with self._lock:
                self._active -= 1
                last = self._closed and self._active == 0
            if last:
                self._finalizer()

    def check(
        self,
        cert: CertificateInput,
        role: Union[str, Role],
        *,
        fqdn: Optional[str] = None,
        pool: Optional[str] = None,
        sip_domains: Facts = None,
        simple_urls: Facts = None,
        web_fqdn: Optional[str] = None,
        access_edge: Optional[str] = None,
        webconf_edge: Optional[str] = None,
        xmpp_domain: Optional[str] = None,
        product: Union[Product, str, None] = None,
        topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None] = None,
        server: Optional[str] = None,
        password: Union[str, bytes, None] = None,
        name: Optional[str] = None,
        same_certificate: CertificateInputs = None,
    ) -> Report:
        """Check a certificate against a role.

        Policy violations are findings of the report, never exceptions: a certificate that
        breaks every rule gives a report whose result is FAIL.

        Args:
            cert: the certificate (see :data:`CertificateInput`); the first certificate of a
                file is the leaf, the rest is its presented chain. For PKCS#12 the leaf is the
                certificate of the private key.
            role: a role id or alias ("exchange-um", "UM"...; see :func:`ucpolicy.roles`) or a
                :class:`Role`.
            fqdn, pool, sip_domains, simple_urls, web_fqdn, access_edge, webconf_edge,
                xmpp_domain: deployment facts the role's name rules check (see
                :attr:`Role.required_facts`); a missing required fact gives an
                "input.facts-missing" warning. sip_domains and simple_urls take a str or
                several.
            product: "lync2010", "lync2013", "sfb2015" or "sfb2019" (the default).
            topology: the facts as a JSON file path, a mapping or JSON bytes (the form of
                ``ucpolicy check --topology``), or the deployment's own topology: a Topology
                Builder file (.tbxml) or ``Get-CsTopology -AsXml`` output, as a path or bytes;
                facts given as arguments win.
            server: the FQDN of the topology's server whose facts apply (``--server``); needed
                when the topology lists several (see :func:`topology_servers`).
            password: the PKCS#12 password (str or bytes); for a pool, of every file.
            name: the input's name in the report and messages when ``cert`` is not a path.
            same_certificate: the certificate (and key: the PFX exported on each) of the other
                servers of the same pool, one input or several: every Edge Server of an Edge
                pool, every Front End for OAuthTokenIssuer, needs the same certificate with the
                same private key. The report is ``cert``'s, plus :attr:`Report.pool` comparing
                every server with it and a "private-key.pool-mismatch" finding for each that
                differs (CLI ``check --same-certificate``). See :meth:`check_pool`.

        Raises:
            UnknownRoleError: (also a KeyError) the role does not exist; the message lists them.
            TopologyError: (also a ValueError) a fact or the topology document is invalid, or
                it lists several servers and ``server`` is not given.
            NotFoundError: (also a LookupError) ``server`` is not a server of the topology.
            IoError, FormatError, CorruptError, PasswordError, NoCertificateError...: the
                certificate cannot be read; the message names it and the problem.
        """
        role_id = _role_id(role)
        facts = _facts(fqdn, pool, sip_domains, simple_urls, web_fqdn, access_edge, webconf_edge, xmpp_domain)
        if same_certificate is not None:
            return self._check_pool([cert, *_inputs(same_certificate, "same_certificate")], role_id, facts,
                                    product, topology, password, [name], server)
        with self._using() as ptr, _topology(topology, facts, product, server) as topo, \
                _loaded(cert, password, name) as loaded:
            return Report(_lib.ucp_checker_check(ptr, loaded, role_id, topo))

    def check_pool(
        self,
        certs: Sequence[CertificateInput],
        role: Union[str, Role],
        *,
        fqdn: Optional[str] = None,
        pool: Optional[str] = None,
        sip_domains: Facts = None,
        simple_urls: Facts = None,
        web_fqdn: Optional[str] = None,
        access_edge: Optional[str] = None,
        webconf_edge: Optional[str] = None,
        xmpp_domain: Optional[str] = None,
        product: Union[Product, str, None] = None,
        topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None] = None,
        server: Optional[str] = None,
        password: Union[str, bytes, None] = None,
        names: Optional[Sequence[Optional[str]]] = None,
    ) -> Report:
        """Check the certificate deployed on every server of a pool (ucp_checker_check_pool).

        ``certs[0]``, the reference, is checked against the role as :meth:`check` checks it;
        every other input is compared with it (same leaf certificate, same private key), not
        checked: :attr:`Report.pool` lists them all with their :class:`PoolState`, and each
        one that differs gives a "private-key.pool-mismatch" finding for the roles that need
        one certificate on every server (Edge pool interfaces, A/V Authentication, OAuth).
        Check the others with :meth:`check` for their own findings.

        Args:
            certs: 1 to 64 inputs, one per server (typically the PFX exported on each).
            password: the PKCS#12 password of every input.
            names: the input names for data inputs, in the order of ``certs`` (None for a path).
            Others: as :meth:`check`.
        """
        if isinstance(certs, (str, bytes, bytearray, memoryview, os.PathLike)) or not isinstance(certs, Iterable):
            raise TypeError("certs: expected a sequence of certificate inputs, one per server")
        items = list(certs)
        if names is not None and len(names) != len(items):
            raise ValueError(f"names: {len(names)} names for {len(items)} inputs")
        facts = _facts(fqdn, pool, sip_domains, simple_urls, web_fqdn, access_edge, webconf_edge, xmpp_domain)
        return self._check_pool(items, _role_id(role), facts, product, topology, password,
                                list(names) if names is not None else [], server)

    def _check_pool(self, items: List[CertificateInput], role: str, facts: Sequence[Tuple[Fact, Tuple[str, ...]]],
                    product: Union[Product, str, None],
                    topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None],
                    password: Union[str, bytes, None], names: List[Optional[str]],
                    server: Optional[str] = None) -> Report:
        if not 1 <= len(items) <= _MAX_POOL:
            raise InvalidArgumentError(f"a pool check takes 1 to {_MAX_POOL} inputs, not {len(items)}")
        with self._using() as ptr, _topology(topology, facts, product, server) as topo, contextlib.ExitStack() as stack:
            loaded = [stack.enter_context(_loaded(item, password, names[i] if i < len(names) else None))
                      for i, item in enumerate(items)]
            report = Report(_lib.ucp_checker_check_pool(ptr, loaded, role, topo))
        return report

    def probe(
        self,
        host: str,
        port: Optional[int] = None,
        *,
        role: Union[str, Role],
        protocol: Union[ProbeProtocol, str] = ProbeProtocol.TLS,
        server_name: Optional[str] = None,
        client_cert: Optional[PathInput] = None,
        client_key: Optional[PathInput] = None,
        password: Union[str, bytes, None] = None,
        timeout: Optional[float] = None,
        fqdn: Optional[str] = None,
        pool: Optional[str] = None,
        sip_domains: Facts = None,
        simple_urls: Facts = None,
        web_fqdn: Optional[str] = None,
        access_edge: Optional[str] = None,
        webconf_edge: Optional[str] = None,
        xmpp_domain: Optional[str] = None,
        product: Union[Product, str, None] = None,
        topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None] = None,
        server: Optional[str] = None,
    ) -> Report:
        """Probe a live server: connect, take the certificate chain it presents, check it
        against a role, and record what happened on the wire (``ucpolicy probe``).

        The report is that of :meth:`check` on the chain the server sent (its leaf first; an
        intermediate it does not send is missing), with :attr:`Report.connection` telling the
        TLS version, whether a client certificate was asked for and sent, and the server's
        verdict on it: a TLS alert, or for SIP the answer to an OPTIONS request, e.g. 403 with
        Lync's ms-diagnostics "The peer is not a configured server on this network interface".
        Anything after the server's certificate arrived (alert, 403, silence) is in the report,
        not raised. The GIL is released while the probe runs.

        Args:
            host: a DNS name, an IPv4 or an IPv6 address (with or without brackets).
            port: the TCP port; default by protocol: tls 443, smtp 25, sip 5061.
            role: the role the server's certificate is checked against.
            protocol: "tls" (TLS from the first byte), "smtp" (STARTTLS) or "sip" (TLS, then
                SIP OPTIONS).
            server_name: the TLS SNI name to send; default ``host`` unless it is an IP
                address; "" sends none.
            client_cert: a client certificate to present when the server asks for one: a
                PKCS#12 file, or a PEM/DER certificate file (leaf first, then its chain) with
                ``client_key`` (or the key in the same PEM file).
            client_key: the client certificate's private key file (PEM or DER, PKCS#1 or
                PKCS#8, encrypted or not).
            password: the PKCS#12 or key password (str or bytes); never kept.
            timeout: seconds allowed for the whole connection (default 10, at most 600).
            Others: deployment facts, as :meth:`check`.

        Raises:
            NetworkError: (also a ConnectionError) the name was not resolved, the connection was
                refused or reset.
            UcpTimeoutError: (also a TimeoutError) no certificate within the time limit.
            TlsError: (also a ConnectionError) the peer does not speak TLS, or the handshake
                failed before a certificate arrived.
            UnsupportedError: an SMTP server that offers no STARTTLS.
            IoError, PasswordError, FormatError...: the client certificate or key cannot be read.
        """
        role_id = _role_id(role)
        proto = ProbeProtocol.parse(protocol)
        if not isinstance(host, str):
            raise TypeError(f"host: expected str, not {type(host).__name__}")
        if port is None:
            port = proto.default_port
        if isinstance(port, bool) or not isinstance(port, int):
            raise TypeError(f"port: expected int, not {type(port).__name__}")
        if not 1 <= port <= 65535:
            raise ValueError(f"port: {port} is not between 1 and 65535")
        timeout_ms = _connection_timeout_ms(timeout, client_cert, client_key)
        facts = _facts(fqdn, pool, sip_domains, simple_urls, web_fqdn, access_edge, webconf_edge, xmpp_domain)
        with self._using() as ptr, _topology(topology, facts, product, server) as topo:
            probe_ptr = _lib.ucp_probe_new(host, port)
            try:
                _lib.ucp_probe_set_protocol(probe_ptr, _probe_protocol_to_c(proto))
                if server_name is not None:
                    _lib.ucp_probe_set_server_name(probe_ptr, server_name or None)
                if timeout_ms is not None:
                    _lib.ucp_probe_set_timeout(probe_ptr, timeout_ms)
                if client_cert is not None:
                    _lib.ucp_probe_set_client_credentials(probe_ptr, client_cert, client_key, password)
                return Report(_lib.ucp_probe_run(probe_ptr, ptr, role_id, topo))
            finally:
                _lib.ucp_probe_free(probe_ptr)

    def scan(
        self,
        topology: Union[str, "os.PathLike[str]", bytes],
        *,
        jobs: Optional[int] = None,
        timeout: Optional[float] = None,
        resolve: Union[str, Iterable[str]] = (),
        client_cert: Optional[PathInput] = None,
        client_key: Optional[PathInput] = None,
        password: Union[str, bytes, None] = None,
        loopback_only: bool = False,
        progress: Optional[Callable[["ScanResult", int, int], Any]] = None,
    ) -> List["ScanResult"]:
        """Scan every endpoint of a topology document with this checker's settings; see
        :func:`scan`. The GIL is released while the probes run."""
        with self._using() as ptr:
            return _scan(ptr, topology, jobs, timeout, resolve, client_cert, client_key, password, loopback_only,
                         progress)

    def close(self) -> None:
        """Release the library's checker (at once, or when the checks in progress return).
        Calling it again does nothing; checking afterwards raises InvalidArgumentError."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            idle = self._active == 0
        if idle:
            self._finalizer()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Checker":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<ucpolicy.Checker {'closed' if self._closed else 'open'}>"


def check(
    cert: CertificateInput,
    role: Union[str, Role],
    *,
    fqdn: Optional[str] = None,
    pool: Optional[str] = None,
    sip_domains: Facts = None,
    simple_urls: Facts = None,
    web_fqdn: Optional[str] = None,
    access_edge: Optional[str] = None,
    webconf_edge: Optional[str] = None,
    xmpp_domain: Optional[str] = None,
    product: Union[Product, str, None] = None,
    topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None] = None,
    server: Optional[str] = None,
    chain: CertificateInputs = None,
    trust: CertificateInputs = None,
    public_roots: CertificateInputs = None,
    system_trust: Union[SystemTrust, str] = SystemTrust.AUTO,
    at: When = None,
    expiry_warning_days: Optional[int] = None,
    crls: Union[str, "os.PathLike[str]", bytes, Iterable[Union[str, "os.PathLike[str]", bytes]], None] = None,
    online: bool = False,
    allow_private_network: bool = False,
    network_timeout: Optional[float] = None,
    password: Union[str, bytes, None] = None,
    name: Optional[str] = None,
    same_certificate: CertificateInputs = None,
) -> Report:
    """Check one certificate against a role: ``Checker(...).check(...)`` in one call.

    Example::

        report = ucpolicy.check("um.pfx", role="exchange-um", fqdn="exch01.contoso.com",
                                trust=["root.pem"], password=os.environ["PFX_PASSWORD"])
        if not report.ok:
            for finding in report.errors:
                print(finding.code, finding.message)

    Arguments are those of :class:`Checker` and :meth:`Checker.check`. Use a Checker to check
    many certificates with the same trust settings.
    """
    with Checker(chain=chain, trust=trust, public_roots=public_roots, system_trust=system_trust, at=at,
                 expiry_warning_days=expiry_warning_days, crls=crls, online=online,
                 allow_private_network=allow_private_network, network_timeout=network_timeout) as checker:
        return checker.check(cert, role, fqdn=fqdn, pool=pool, sip_domains=sip_domains,
                             simple_urls=simple_urls, web_fqdn=web_fqdn, access_edge=access_edge,
                             webconf_edge=webconf_edge, xmpp_domain=xmpp_domain, product=product,
                             topology=topology, server=server, password=password, name=name,
                             same_certificate=same_certificate)


def probe(
    host: str,
    port: Optional[int] = None,
    *,
    role: Union[str, Role],
    protocol: Union[ProbeProtocol, str] = ProbeProtocol.TLS,
    server_name: Optional[str] = None,
    client_cert: Optional[PathInput] = None,
    client_key: Optional[PathInput] = None,
    password: Union[str, bytes, None] = None,
    timeout: Optional[float] = None,
    fqdn: Optional[str] = None,
    pool: Optional[str] = None,
    sip_domains: Facts = None,
    simple_urls: Facts = None,
    web_fqdn: Optional[str] = None,
    access_edge: Optional[str] = None,
    webconf_edge: Optional[str] = None,
    xmpp_domain: Optional[str] = None,
    product: Union[Product, str, None] = None,
    topology: Union[str, "os.PathLike[str]", Mapping[str, Any], bytes, None] = None,
    server: Optional[str] = None,
    chain: CertificateInputs = None,
    trust: CertificateInputs = None,
    public_roots: CertificateInputs = None,
    system_trust: Union[SystemTrust, str] = SystemTrust.AUTO,
    at: When = None,
    expiry_warning_days: Optional[int] = None,
    crls: Union[str, "os.PathLike[str]", bytes, Iterable[Union[str, "os.PathLike[str]", bytes]], None] = None,
    online: bool = False,
    allow_private_network: bool = False,
    network_timeout: Optional[float] = None,
) -> Report:
    """Probe a live server and check the certificate it presents: ``Checker(...).probe(...)``
    in one call (``ucpolicy probe``).

    Example: Exchange UM's certificate presented to a Lync front end over SIP/TLS::

        report = ucpolicy.probe("fe01.contoso.com", 5061, role="frontend-default", protocol="sip",
                                client_cert="um.pfx", password=pfx_password, trust="root.pem")
        if report.connection.rejected:
            print(report.connection.response, report.connection.diagnostics)

    Arguments are those of :class:`Checker` and :meth:`Checker.probe`; ``timeout`` bounds the
    connection, ``network_timeout`` the revocation checks over the network when ``online``.
    """
    with Checker(chain=chain, trust=trust, public_roots=public_roots, system_trust=system_trust, at=at,
                 expiry_warning_days=expiry_warning_days, crls=crls, online=online,
                 allow_private_network=allow_private_network, network_timeout=network_timeout) as checker:
        return checker.probe(host, port, role=role, protocol=protocol, server_name=server_name,
                             client_cert=client_cert, client_key=client_key, password=password, timeout=timeout,
                             fqdn=fqdn, pool=pool, sip_domains=sip_domains, simple_urls=simple_urls,
                             web_fqdn=web_fqdn, access_edge=access_edge, webconf_edge=webconf_edge,
                             xmpp_domain=xmpp_domain, product=product, topology=topology, server=server)


class TopologyServer(NamedTuple):
    """A server a topology document lists: its FQDN and its pool's FQDN."""
    fqdn: str
    pool: str


def topology_servers(topology: Union[str, "os.PathLike[str]", bytes]) -> Tuple[TopologyServer, ...]:
    """The servers of a Topology Builder file or ``Get-CsTopology -AsXml`` output, in document
    order: the machines of every pool that runs a server role (SQL stores and file shares are
    not servers). Give one's ``fqdn`` as ``server=`` to check against its facts. A JSON
    topology lists none.

    Raises:
        TopologyError: (also a ValueError) the document is invalid; the message names the line
            and element.
        IoError: the file cannot be read.
    """
    with _topology(topology, (), None) as ptr:
        return tuple(TopologyServer(_lib.ucp_topology_server_fqdn(ptr, i), _lib.ucp_topology_server_pool(ptr, i))
                     for i in range(_lib.ucp_topology_server_count(ptr)))


class ScanResult(NamedTuple):
    """One endpoint of a :func:`scan`: where it is, the role its port serves, and what was found.

    ``result`` is ``"pass"``, ``"warning"``, ``"fail"`` (the report's, made worse by the server's
    verdict on the client certificate: rejected is a failure) or ``"error"`` when no certificate
    could be obtained; then ``report`` is None and ``error`` the exception that says why
    (NetworkError, UcpTimeoutError, TlsError...), not raised.
    """
    host: str
    port: int
    server: str
    role: str
    protocol: ProbeProtocol
    result: str
    report: Optional[Report]
    error: Optional[Exception]

    @property
    def ok(self) -> bool:
        return self.result == "pass"


_SCAN_RESULTS = ("pass", "warning", "fail")



def _connection_timeout_ms(timeout: Optional[float], client_cert: Optional[PathInput],
                           client_key: Optional[PathInput]) -> Optional[int]:
    """The time limit of one connection (probe, scan) in milliseconds, and the client key's pairing,
    checked as both commands take them."""
    if client_key is not None and client_cert is None:
        raise ValueError("client_key needs client_cert")
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError("timeout: expected seconds as a number")
    timeout_ms = round(timeout * 1000)
    if not 1 <= timeout_ms <= 600_000:
        raise ValueError(f"timeout: {timeout} is not between 0.001 and 600 seconds")
    return timeout_ms

def _scan(checker_ptr: Any, topology: Union[str, "os.PathLike[str]", bytes], jobs: Optional[int],
          timeout: Optional[float], resolve: Union[str, Iterable[str]], client_cert: Optional[PathInput],
          client_key: Optional[PathInput], password: Union[str, bytes, None], loopback_only: bool,
          progress: Optional[Callable[[ScanResult, int, int], Any]]) -> List[ScanResult]:
    from ._errors import error_for_status
    if isinstance(topology, Mapping):
        raise TypeError("topology: a scan needs a topology document (Topology Builder or Get-CsTopology XML)")
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int)):
        raise TypeError(f"jobs: expected int, not {type(jobs).__name__}")
    timeout_ms = _connection_timeout_ms(timeout, client_cert, client_key)
    overrides = [resolve] if isinstance(resolve, str) else list(resolve or ())
    with _topology(topology, (), None) as topo:
        scan_ptr = _lib.ucp_scan_new(topo)
    try:
        if jobs is not None:
            _lib.ucp_scan_set_jobs(scan_ptr, jobs)
        if timeout_ms is not None:
            _lib.ucp_scan_set_timeout(scan_ptr, timeout_ms)
        for spec in overrides:
            _lib.ucp_scan_add_resolve(scan_ptr, spec)
        _lib.ucp_scan_set_loopback_only(scan_ptr, bool(loopback_only))
        if client_cert is not None:
            _lib.ucp_scan_set_client_credentials(scan_ptr, client_cert, client_key, password)
        count = _lib.ucp_scan_endpoint_count(scan_ptr)
        results: List[Optional[ScanResult]] = [None] * count
        done = [0]

        def on_endpoint(index: int, report_ptr: Any, status: int, message: Optional[str]) -> bool:
            report = Report(report_ptr) if report_ptr is not None else None  # ours at once
            ep = _lib.ucp_scan_endpoint_at(scan_ptr, index)
            if report is not None:
                code = report.exit_code()
                result = _SCAN_RESULTS[code] if 0 <= code <= 2 else "error"
                error = None
            else:
                result = "error"
                error = error_for_status(status)(message or "", code=status)
            item = ScanResult(_lib.ucp_endpoint_host(ep), _lib.ucp_endpoint_port(ep), _lib.ucp_endpoint_server(ep),
                              _lib.ucp_endpoint_role(ep), _probe_protocol_from_c(_lib.ucp_endpoint_protocol(ep)),
                              result, report, error)
            results[index] = item
            done[0] += 1
            if progress is not None:
                return bool(progress(item, done[0], count))
            return False

        _lib.ucp_py_scan_run(scan_ptr, checker_ptr, on_endpoint)
        return [r for r in results if r is not None]
    finally:
        _lib.ucp_scan_free(scan_ptr)


def scan(
    topology: Union[str, "os.PathLike[str]", bytes],
    *,
    jobs: Optional[int] = None,
    timeout: Optional[float] = None,
    resolve: Union[str, Iterable[str]] = (),
    client_cert: Optional[PathInput] = None,
    client_key: Optional[PathInput] = None,
    password: Union[str, bytes, None] = None,
    loopback_only: bool = False,
    progress: Optional[Callable[[ScanResult, int, int], Any]] = None,
    chain: CertificateInputs = None,
    trust: CertificateInputs = None,
    public_roots: CertificateInputs = None,
    system_trust: Union[SystemTrust, str] = SystemTrust.AUTO,
    at: When = None,
    expiry_warning_days: Optional[int] = None,
    crls: Union[str, "os.PathLike[str]", bytes, Iterable[Union[str, "os.PathLike[str]", bytes]], None] = None,
    online: bool = False,
    allow_private_network: bool = False,
    network_timeout: Optional[float] = None,
) -> List[ScanResult]:
    """Scan a whole deployment (``ucpolicy scan``): connect to every TLS, MTLS and HTTPS endpoint
    a Topology Builder file or ``Get-CsTopology -AsXml`` output lists and check the certificate
    each presents against the role that endpoint serves, with the facts of its server.

    Example: which servers refuse Exchange UM's certificate::

        for r in ucpolicy.scan("contoso.tbxml", client_cert="um.pfx", password=pfx_password,
                               trust="root.pem"):
            if r.report and r.report.connection.rejected:
                print(r.host, r.port, r.report.connection.response)

    Args:
        topology: the document (a path, or its bytes).
        jobs: endpoints probed at once (default 8, at most 64).
        timeout: seconds allowed for each endpoint (default 10, at most 600).
        resolve: ``"HOST:ADDRESS"`` overrides, as curl's ``--resolve`` (``"HOST:PORT:ADDRESS"`` for
            one port); HOST must be a host of the topology.
        client_cert, client_key, password: a client certificate presented to every server that
            asks, as :meth:`Checker.probe`.
        loopback_only: connect to loopback addresses given in ``resolve`` only.
        progress: called as ``progress(result, done, total)`` after each endpoint, on the calling
            thread; a true return value stops the scan (the results so far are returned).
        Others: trust, time and revocation settings, as :class:`Checker`.

    Returns:
        One :class:`ScanResult` per endpoint scanned, in document order. An endpoint that gave
        no certificate is a result with ``result == "error"``, not an exception.
    """
    with Checker(chain=chain, trust=trust, public_roots=public_roots, system_trust=system_trust, at=at,
                 expiry_warning_days=expiry_warning_days, crls=crls, online=online,
                 allow_private_network=allow_private_network, network_timeout=network_timeout) as checker:
        return checker.scan(topology, jobs=jobs, timeout=timeout, resolve=resolve, client_cert=client_cert,
                            client_key=client_key, password=password, loopback_only=loopback_only,
                            progress=progress)
