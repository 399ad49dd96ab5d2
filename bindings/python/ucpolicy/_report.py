# SPDX-License-Identifier: MIT
"""Report: the immutable result of one check."""

from __future__ import annotations

import datetime as _dt
import weakref
from typing import Any, Dict, Optional, Tuple, Union

from . import _ucpolicy as _lib
from ._enums import (FailOn, Format, OutputFormat, Product, Result, Severity, _chain_status_from_c, _fail_on_to_c,
                     _format_from_c, _output_format_to_c, _product_from_c, _result_from_c, _revocation_from_c)
from ._models import (Certificate, Chain, ChainEntry, Connection, Finding, PoolMember, PrivateKeyInfo, Topology,
                      _certificate_from_c, _connection_from_c, _finding_from_c, _pool_from_c, _private_key_from_c,
                      _topology_from_c, _utc)

__all__ = ["Report"]


def _render_flags(*, pretty: bool, verbose: bool, color: bool) -> int:
    """The ucp_render flags of the keyword arguments of the renderings."""
    return int((_lib.UCP_RENDER_PRETTY if pretty else 0) | (_lib.UCP_RENDER_VERBOSE if verbose else 0)
               | (_lib.UCP_RENDER_COLOR if color else 0))


class Report:
    """The immutable result of one check of a certificate against a role.

    Everything is copied out of the library when the report is made, except the library's own
    report, which is kept (reference-counted, holding its certificates) only to render
    it (:meth:`render`, :meth:`to_json`, :meth:`to_text`) and judge it (:meth:`exit_code`)
    exactly as the ``ucpolicy`` command does. A report
    outlives the :class:`Checker` that made it; it can be read from several threads at once.
    """

    __slots__ = ("_ptr", "_finalizer", "_result", "_role", "_product", "_input_name", "_input_format",
                 "_validation_time", "_certificate", "_days_remaining", "_chain", "_findings", "_counts",
                 "_private_key", "_pool", "_topology", "_connection", "__weakref__")

    def __init__(self, ptr: Any) -> None:
        """Take ownership of a ucp_report reference (internal: made by Checker.check())."""
        if type(ptr).__name__ != "SwigPyObject":  # None would reach the C getters as NULL
            raise TypeError("Report objects are made by Checker.check(), ucpolicy.check() and ucpolicy.probe()")
        self._ptr = ptr
        # Registered before anything else, so the reference is dropped even if a copy below fails.
        self._finalizer = weakref.finalize(self, _lib.ucp_report_free, ptr)
        self._result = _result_from_c(_lib.ucp_report_result(ptr))
        self._role: str = _lib.ucp_report_role(ptr)
        self._product = _product_from_c(_lib.ucp_report_product(ptr))
        self._input_name: str = _lib.ucp_report_input_name(ptr)
        self._input_format = _format_from_c(_lib.ucp_report_input_format(ptr))
        self._validation_time = _utc(_lib.ucp_report_validation_time(ptr))
        self._certificate = _certificate_from_c(_lib.ucp_report_certificate(ptr))
        self._days_remaining = int(_lib.ucp_report_days_remaining(ptr))
        self._chain = Chain(
            status=_chain_status_from_c(_lib.ucp_report_chain_status(ptr)),
            trusted=bool(_lib.ucp_report_chain_trusted(ptr)),
            entries=tuple(ChainEntry(i, _lib.ucp_report_chain_source_at(ptr, i),
                                     _certificate_from_c(_lib.ucp_report_chain_at(ptr, i)),
                                     _revocation_from_c(_lib.ucp_report_revocation_at(ptr, i)),
                                     _lib.ucp_report_revocation_source_at(ptr, i))
                          for i in range(_lib.ucp_report_chain_count(ptr))),
            rejected=tuple(_lib.ucp_report_rejected_path_at(ptr, i)
                           for i in range(_lib.ucp_report_rejected_path_count(ptr))),
            policies=tuple(_lib.ucp_report_policy_at(ptr, i) for i in range(_lib.ucp_report_policy_count(ptr))),
        )
        self._findings = tuple(_finding_from_c(_lib.ucp_report_finding_at(ptr, i))
                               for i in range(_lib.ucp_report_finding_count(ptr)))
        self._counts = {s: int(_lib.ucp_report_count(ptr, int(s))) for s in Severity}
        self._private_key = _private_key_from_c(ptr)
        self._pool = _pool_from_c(ptr)
        self._topology = _topology_from_c(_lib.ucp_report_topology(ptr))
        self._connection = _connection_from_c(ptr)

    # ---- the result ------------------------------------------------------------------------

    @property
    def result(self) -> Result:
        """PASS (no error or warning finding), WARNING (warnings only) or FAIL (an error)."""
        return self._result

    @property
    def ok(self) -> bool:
        """True when no finding is an error: the certificate meets every "must" of the role.

        Warnings (e.g. expiring soon, a recommended key size) leave ``ok`` True; use
        :attr:`result` or :meth:`exit_code` to treat them as failures.
        """
        return self._result is not Result.FAIL

    @property
    def findings(self) -> Tuple[Finding, ...]:
        """Every finding, most serious first."""
        return self._findings

    @property
    def errors(self) -> Tuple[Finding, ...]:
        return tuple(f for f in self._findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> Tuple[Finding, ...]:
        return tuple(f for f in self._findings if f.severity is Severity.WARNING)

    @property
    def info(self) -> Tuple[Finding, ...]:
        return tuple(f for f in self._findings if f.severity is Severity.INFO)

    def count(self, severity: Union[Severity, str, int]) -> int:
        """The number of findings of a severity."""
        return self._counts[Severity.parse(severity)]

    def get(self, code: str) -> Tuple[Finding, ...]:
        """The findings with a rule code (e.g. "subject.cn-wildcard"); empty if none."""
        return tuple(f for f in self._findings if f.code == code)

    def __contains__(self, code: object) -> bool:
        """``"subject.cn-wildcard" in report``: whether a finding has that code."""
        return any(f.code == code for f in self._findings)

    def exit_code(self, fail_on: FailOn = Severity.WARNING) -> int:
        """The ``ucpolicy check`` (or ``ucpolicy probe``) exit status for this report (Nagios
        convention), computed by the library (ucp_report_exit_code), as the command does.

        0 pass, 1 warning, 2 error. ``fail_on`` is the lowest severity that fails ("error",
        "warning" (the default), "info", a :class:`Severity`, or "never"/None for always 0),
        as ``--fail-on``. For a probe, a client certificate the server rejected is an error
        (2), and one sent whose fate the server's answer does not tell is a warning (1) unless
        ``fail_on`` is "error".

        Raises:
            InvalidArgumentError: (also a ValueError) an unknown level; the message lists them.
        """
        return int(_lib.ucp_report_exit_code(self._ptr, _fail_on_to_c(fail_on)))

    # ---- what was checked ------------------------------------------------------------------

    @property
    def role(self) -> str:
        """The id of the role checked (aliases resolved), e.g. "exchange-um"."""
        return self._role

    @property
    def product(self) -> Product:
        """The product release the rules were chosen for."""
        return self._product

    @property
    def input_name(self) -> str:
        """The file name, or the name given for data (default "<memory>")."""
        return self._input_name

    @property
    def input_format(self) -> Format:
        return self._input_format

    @property
    def validation_time(self) -> _dt.datetime:
        """The time the certificates were validated at (aware, UTC)."""
        return self._validation_time

    @property
    def certificate(self) -> Certificate:
        """The leaf certificate."""
        return self._certificate

    @property
    def days_remaining(self) -> int:
        """Days from the validation time to the leaf's expiry (negative once expired)."""
        return self._days_remaining

    @property
    def chain(self) -> Chain:
        """The validation path: status, trusted, the certificates (leaf first) with their
        revocation status, and the candidate paths rejected."""
        return self._chain

    @property
    def private_key(self) -> PrivateKeyInfo:
        """What the input says about its private key: present, whether it matches the leaf, the
        Windows provider recorded (CSP or KSP) and the PKCS#12 friendly name."""
        return self._private_key

    @property
    def pool(self) -> Tuple[PoolMember, ...]:
        """For a pool check (``Checker.check_pool`` or ``check(..., same_certificate=...)``):
        every file, the reference first, and how each compares with it; empty otherwise."""
        return self._pool

    @property
    def topology(self) -> Topology:
        """The deployment facts the check used."""
        return self._topology

    @property
    def connection(self) -> Optional[Connection]:
        """For a probe (:func:`ucpolicy.probe`): what happened on the wire; None for a check
        of a file."""
        return self._connection

    # ---- renderings ------------------------------------------------------------------------

    def to_json(self, *, pretty: bool = True) -> str:
        """The library's JSON report (schema "ucpolicy-report" 1.0), exactly as
        ``ucpolicy check --format json`` prints it (``pretty=False``: as with ``--compact``),
        without the final newline."""
        return str(_lib.ucp_report_to_json(self._ptr, _lib.UCP_RENDER_PRETTY if pretty else _lib.UCP_RENDER_DEFAULT))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON report as Python data."""
        import json
        return dict(json.loads(self.to_json(pretty=False)))

    def to_text(self, *, verbose: bool = False, color: bool = False) -> str:
        """The report as text for people, as ``ucpolicy check`` prints it (``verbose``: with
        remediation, the role's wording and sources; ``color``: ANSI colours)."""
        flags = (_lib.UCP_RENDER_VERBOSE if verbose else 0) | (_lib.UCP_RENDER_COLOR if color else 0)
        return str(_lib.ucp_report_to_text(self._ptr, flags))

    def render(self, format: Union[OutputFormat, str] = OutputFormat.TEXT, *, pretty: bool = True,
               verbose: bool = False, color: bool = False, fail_on: FailOn = Severity.WARNING) -> str:
        """The report in an output format, rendered by the library (ucp_report_render).

        "text" is :meth:`to_text` and "json" :meth:`to_json` (the bare object ``ucpolicy check
        --format json FILE`` prints); "sarif", "csv", "html", "junit" and "nagios" are the
        document of a batch of this one report, as ``ucpolicy check --format FORMAT FILE``
        prints it (JSON and SARIF without the final newline the command adds). To render several
        reports as one document use :func:`ucpolicy.render_reports` or :class:`ucpolicy.Renderer`.

        Args:
            format: an :class:`OutputFormat` or its name, case-insensitively.
            pretty: indented JSON and SARIF (``pretty=False``: as ``--compact``).
            verbose: text with remediation, the role's wording and sources (``--verbose``).
            color: text with ANSI colours.
            fail_on: for the formats that judge (JUnit: whether the test case fails; Nagios:
                the state; SARIF: the invocation's exit code), the lowest severity that fails,
                as :meth:`exit_code` takes it (``--fail-on``).

        Raises:
            InvalidArgumentError: (also a ValueError) an unknown format or fail-on level; the
                message lists the valid ones.
        """
        c_format = _output_format_to_c(format)
        c_fail_on = _fail_on_to_c(fail_on)
        flags = _render_flags(pretty=pretty, verbose=verbose, color=color)
        if c_fail_on == _lib.UCP_FAIL_ON_WARNING or c_format in (_lib.UCP_OUTPUT_TEXT, _lib.UCP_OUTPUT_JSON):
            return str(_lib.ucp_report_render(self._ptr, c_format, flags))
        # Another fail-on level: the documents that judge take it from a renderer (the same
        # bytes as ucp_report_render() otherwise).
        renderer = _lib.ucp_renderer_new(c_format, flags)
        try:
            _lib.ucp_renderer_set_fail_on(renderer, c_fail_on)
            return str(_lib.ucp_renderer_add_report(renderer, self._ptr)) + str(_lib.ucp_renderer_finish(renderer))
        finally:
            _lib.ucp_renderer_free(renderer)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<Report {self._role} {self._input_name!r}: {self._result.value} "
                f"({self._counts[Severity.ERROR]} errors, {self._counts[Severity.WARNING]} warnings, "
                f"{self._counts[Severity.INFO]} info)>")

    def __copy__(self) -> "Report":
        return self  # immutable

    def __deepcopy__(self, memo: Dict[int, Any]) -> "Report":
        return self

    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("a Report holds the library's report and cannot be pickled; "
                        "send report.to_json() or report.to_dict() instead")
