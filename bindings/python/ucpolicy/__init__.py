# SPDX-License-Identifier: MIT
"""Check X.509 certificates against the certificate policies of Unified Communications roles.

Lync / Skype for Business Server, Exchange Unified Messaging, Office Online Server and Microsoft
Teams Direct Routing SBCs each have rules for their certificates: which name goes in the CN,
which in the SAN, whether wildcards work, which EKU, key and signature algorithms, which CA.
This package checks a certificate against a role's rules and reports every finding with the
symptom it causes and how to fix it::

    import ucpolicy

    report = ucpolicy.check("exch01.pfx", role="exchange-um", fqdn="exch01.contoso.com",
                            trust=["contoso-root.pem"], password=pfx_password)
    print(report.result)                  # Result.FAIL
    for finding in report.findings:
        print(finding.severity, finding.code, finding.message)
        print("  fix:", finding.remediation)

- :func:`check` / :class:`Checker` run checks and return a :class:`Report`;
  ``check(..., same_certificate=[...])`` / :meth:`Checker.check_pool` compare the certificate
  and key deployed on every server of a pool;
- :func:`probe` checks what a live server presents (TLS, SMTP STARTTLS, SIP) and whether it
  accepts a client certificate (:attr:`Report.connection`);
- :meth:`Report.render` writes a report in every output format (:class:`OutputFormat`: text,
  json, sarif, csv, html, junit, nagios), :func:`render_reports` / :class:`Renderer` several as
  one document with the batch's exit code and summary, as ``ucpolicy check FILE...`` does;
- :func:`plan` lists every certificate the servers of a Topology Builder / Get-CsTopology
  document need (:class:`PlannedCertificate`, with its request files), :func:`render_plan` as
  ``ucpolicy plan`` writes it;
- :func:`roles`, :func:`role` and :func:`rules` read the built-in catalogue
  (:func:`render_roles` / :func:`render_rules`: as ``ucpolicy roles`` / ``rules`` list it);
- errors of input (unreadable file, wrong PKCS#12 password, unknown role...) raise
  :class:`Error` subclasses, which also derive from the matching builtin exception
  (``OSError``, ``ValueError``, ``PermissionError``, ``KeyError``); policy violations are
  never exceptions, they are findings.

``python3 -m ucpolicy`` is the ``ucpolicy`` command (same subcommands, options, output and exit
codes). The package wraps libucpolicy, a C library, through a private SWIG module.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, List

from . import _ucpolicy as _lib
from ._checker import (CertificateInput, Checker, ScanResult, TopologyServer, When, check, probe, scan,
                       topology_servers)
from ._enums import (ChainStatus, ClientAuth, Fact, FailOn, Field, Format, KeyMatch, KeyProviderState, KeyStorage,
                     KeyUsage, OutputFormat, PoolState, ProbeProtocol, Product, Result, Revocation, SanType, Severity,
                     SystemTrust)
from . import _errors
# One class per status code of libucpolicy/core/status.yaml (generated at build time), all derived
# from Error: a new code in the registry is exported without an edit here.
from ._errors import *  # noqa: F401,F403
from ._models import (Certificate, CertificateTemplate, Chain, ChainEntry, Connection, Finding, FrozenMap, PoolMember,
                      PrivateKeyInfo, Reference, SubjectAltName, Topology)
from ._report import Report

# What a check does not need is imported on first use (PEP 562), so that `import ucpolicy` and one
# check do not pay for the catalogue's, the plan's and the batch renderer's modules.
_LAZY = {
    "Role": "_catalogue", "RoleRule": "_catalogue", "Rule": "_catalogue", "render_roles": "_catalogue",
    "render_rules": "_catalogue", "role": "_catalogue", "roles": "_catalogue", "rules": "_catalogue",
    "REQUEST_FORMATS": "_plan", "PlannedCertificate": "_plan", "plan": "_plan", "render_plan": "_plan",
    "Renderer": "_render", "Rendering": "_render", "render_reports": "_render",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:
    from ._catalogue import Role, RoleRule, Rule, render_roles, render_rules, role, roles, rules
    from ._plan import REQUEST_FORMATS, PlannedCertificate, plan, render_plan
    from ._render import Renderer, Rendering, render_reports

__version__: str = _lib.UCP_VERSION
"""The version of the package and of the libucpolicy headers it was built with."""

REPORT_SCHEMA_VERSION: str = _lib.UCP_REPORT_SCHEMA_VERSION
"""The version of the JSON report schema :meth:`Report.to_json` writes."""


def library_version() -> str:
    """The version of libucpolicy loaded at run time (may be newer than __version__)."""
    return str(_lib.ucp_version())


def gnutls_version() -> str:
    """The version of GnuTLS libucpolicy uses at run time."""
    return str(_lib.ucp_gnutls_version())


__all__ = [
    # checks
    "check", "probe", "Checker", "Report", "CertificateInput", "When",
    # the servers of a Topology Builder / Get-CsTopology document (server= of check and probe)
    "topology_servers", "TopologyServer",
    # the certificates a deployment needs (ucpolicy plan)
    "plan", "render_plan", "PlannedCertificate", "REQUEST_FORMATS",
    # every endpoint of such a document, probed and checked against its role
    "scan", "ScanResult",
    # report contents
    "Finding", "Certificate", "SubjectAltName", "CertificateTemplate", "Chain", "ChainEntry", "Reference",
    "FrozenMap", "PrivateKeyInfo", "PoolMember", "Topology", "Connection",
    # renderings of several reports
    "render_reports", "Renderer", "Rendering", "OutputFormat", "FailOn",
    # catalogue
    "roles", "role", "rules", "Role", "Rule", "RoleRule", "render_roles", "render_rules",
    # enums
    "Severity", "Result", "Field", "Product", "Fact", "Format", "ChainStatus", "Revocation", "SanType",
    "SystemTrust", "KeyUsage", "KeyMatch", "KeyStorage", "KeyProviderState", "PoolState", "ProbeProtocol",
    "ClientAuth",
    # versions
    "__version__", "REPORT_SCHEMA_VERSION", "library_version", "gnutls_version",
    # errors: Error, InvalidArgumentError, IoError, FormatError, PasswordError, ...
    *_errors.__all__,
]
