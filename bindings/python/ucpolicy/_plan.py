# SPDX-License-Identifier: MIT
"""The certificate plan of a deployment (libucpolicy's ucpolicy/deployment.h): every certificate
each server of a Topology Builder / ``Get-CsTopology -AsXml`` document needs."""

from __future__ import annotations

import os
from typing import Dict, NamedTuple, Optional, Tuple, Union

from . import _ucpolicy as _lib
from ._checker import _topology
from ._enums import OutputFormat

REQUEST_FORMATS: Tuple[str, ...] = ("certreq", "openssl", "certtool", "powershell")
"""The request forms :meth:`PlannedCertificate.request` writes."""


class PlannedCertificate(NamedTuple):
    """One certificate a server needs, and what the role's rules ask of it."""
    server: str
    """The FQDN of the server that needs it."""
    pool: str
    """The FQDN of its pool."""
    product: str
    """The product release the server runs: "lync2010", "lync2013", "sfb2015" or "sfb2019"."""
    role: str
    """The role id its check uses (``ucpolicy.check(..., role=...)``)."""
    subject_name: str
    """The subject common name to request."""
    required_names: Tuple[str, ...]
    """The DNS names the subject alternative name must hold."""
    optional_names: Tuple[str, ...]
    """Names the rules recommend (``sip.<domain>``, Lync Discover) and the wildcards they allow."""
    eku: Tuple[str, ...]
    """Extended key usages to request: "serverAuth", "clientAuth"."""
    key_rule: str
    """The key rule in words."""
    min_rsa_bits: int
    """The smallest RSA key size accepted without a finding."""
    ecc_accepted: bool
    """Whether an ECDSA key passes without a warning."""
    public_ca: bool
    """Whether a publicly trusted CA must issue it."""
    pool_shared: bool
    """Whether every server of the pool must hold the same certificate and key."""
    exportable_key: bool
    """Whether the private key must be exportable."""
    requests: Dict[str, str]
    """The request files, by form (:data:`REQUEST_FORMATS`)."""

    def request(self, form: str = "certreq") -> str:
        """The request file of this certificate: "certreq" (a certreq INF), "openssl" (an OpenSSL
        req config), "certtool" (a GnuTLS template) or "powershell" (the command line)."""
        try:
            return self.requests[form.lower()]
        except KeyError:
            raise ValueError(f"unknown request format {form!r} ({', '.join(REQUEST_FORMATS)})") from None


def _names(need: object, count: object, at: object) -> Tuple[str, ...]:
    return tuple(at(need, i) for i in range(count(need)))  # type: ignore[operator]


def _certificate(dep: object, server: int, index: int) -> PlannedCertificate:
    need = _lib.ucp_deployment_need_at(dep, server, index)
    eku = _lib.ucp_cert_need_eku(need)
    return PlannedCertificate(
        server=_lib.ucp_deployment_server_fqdn(dep, server),
        pool=_lib.ucp_deployment_server_pool(dep, server),
        product=_lib.ucp_product_name(_lib.ucp_deployment_server_product(dep, server)),
        role=_lib.ucp_role_id(_lib.ucp_cert_need_role(need)),
        subject_name=_lib.ucp_cert_need_subject_name(need),
        required_names=_names(need, _lib.ucp_cert_need_required_name_count, _lib.ucp_cert_need_required_name_at),
        optional_names=_names(need, _lib.ucp_cert_need_optional_name_count, _lib.ucp_cert_need_optional_name_at),
        eku=tuple(name for bit, name in ((_lib.UCP_EKU_SERVER_AUTH, "serverAuth"),
                                         (_lib.UCP_EKU_CLIENT_AUTH, "clientAuth")) if eku & bit),
        key_rule=_lib.ucp_cert_need_key_rule(need),
        min_rsa_bits=int(_lib.ucp_cert_need_min_rsa_bits(need)),
        ecc_accepted=bool(_lib.ucp_cert_need_ecc_ok(need)),
        public_ca=bool(_lib.ucp_cert_need_public_ca(need)),
        pool_shared=bool(_lib.ucp_cert_need_pool_shared(need)),
        exportable_key=bool(_lib.ucp_cert_need_exportable_key(need)),
        requests={form: _lib.ucp_cert_need_request(need, _lib.ucp_request_format_from_name(form))
                  for form in REQUEST_FORMATS},
    )


def plan(topology: Union[str, "os.PathLike[str]", bytes], server: Optional[str] = None
         ) -> Tuple[PlannedCertificate, ...]:
    """Every certificate the servers of a topology document need (as ``ucpolicy plan``), one
    :class:`PlannedCertificate` per certificate, server by server in document order; with
    ``server``, that server's only.

    Raises:
        TopologyError: (also a ValueError) the document is invalid, or lists no servers.
        NotFoundError: no such server; the message lists them.
        IoError: the file cannot be read.
    """
    if server is not None and not isinstance(server, str):
        raise TypeError(f"server: expected str, not {type(server).__name__}")
    with _topology(topology, (), None) as ptr:
        dep = _lib.ucp_deployment_new(ptr)
    try:
        servers = range(_lib.ucp_deployment_server_count(dep))
        if server is not None:
            # The library's error (listing the servers) when there is no such server.
            _lib.ucp_deployment_render(dep, server, _lib.UCP_OUTPUT_CSV, 0)
            servers = range(_lib.ucp_deployment_find_server(dep, server), 1 + _lib.ucp_deployment_find_server(dep, server))
        return tuple(_certificate(dep, s, k) for s in servers for k in range(_lib.ucp_deployment_need_count(dep, s)))
    finally:
        _lib.ucp_deployment_free(dep)


def render_plan(topology: Union[str, "os.PathLike[str]", bytes], server: Optional[str] = None,
                format: Union[OutputFormat, str] = OutputFormat.TEXT, pretty: bool = True) -> str:
    """The plan as ``ucpolicy plan --format`` writes it: text, json, csv or html."""
    fmt = _lib.ucp_output_format_from_name(str(format))
    with _topology(topology, (), None) as ptr:
        dep = _lib.ucp_deployment_new(ptr)
    try:
        return str(_lib.ucp_deployment_render(dep, server, fmt, _lib.UCP_RENDER_PRETTY if pretty else 0))
    finally:
        _lib.ucp_deployment_free(dep)
