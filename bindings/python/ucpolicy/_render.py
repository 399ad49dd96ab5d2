# SPDX-License-Identifier: MIT
"""Several reports as one document, with the batch's exit code and summary: the library's
streaming renderer (ucp_renderer), as ``ucpolicy check FILE...`` uses it."""

from __future__ import annotations

import os
import threading
import types
import weakref
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Tuple, Union

from . import _ucpolicy as _lib
from ._enums import (FailOn, OutputFormat, Result, Severity, _fail_on_to_c, _output_format_from_c,
                     _output_format_to_c, _result_from_c)
from ._errors import Error, InvalidArgumentError
from ._report import Report, _render_flags

__all__ = ["Renderer", "Rendering", "render_reports", "InputName", "Entry"]

InputName = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
"""The name of an input that could not be read: a file name (str, bytes or os.PathLike, as
``os.fsdecode`` takes it) or "host:port"."""

Entry = Union[Report, Tuple[InputName, BaseException]]
"""An entry of a batch: a report, or an input that could not be read as (name, exception)."""

# The C values of Result, in the order of the enum (ucp_result_name is the library's table).
_RESULTS_C = {_result_from_c(v): v for v in (_lib.UCP_RESULT_PASS, _lib.UCP_RESULT_WARNING, _lib.UCP_RESULT_FAIL)}


def _error_entry(name: InputName, error: BaseException) -> Tuple[str, int, str]:
    """(input name, ucp_status, message) of an input that could not be read."""
    if not isinstance(name, (str, bytes, os.PathLike)):
        raise TypeError(f"input name: expected str, bytes or os.PathLike, not {type(name).__name__}")
    text = os.fsdecode(name)
    if isinstance(error, Error) and error.code < 0:
        return text, int(error.code), error.message
    if isinstance(error, OSError):  # open() and friends: the file could not be read
        return text, int(_lib.UCP_E_IO), str(error)
    raise TypeError(f"the error of {text!r}: expected a ucpolicy.Error or an OSError, not {type(error).__name__}")


@dataclass(frozen=True)
class Rendering:
    """What :func:`render_reports` returns: the document, and how the batch went."""

    text: str
    """The whole document (JSON and SARIF without the final newline the command adds)."""
    exit_code: int
    """The batch's exit status, as ``ucpolicy check FILE...`` exits: the worst of the
    reports' (:meth:`Report.exit_code` with the ``fail_on`` given), and 3 when an input could
    not be read."""
    summary: str
    """The summary line, as the command writes it on stderr after ``ucpolicy: ``: "checked 3:
    1 pass, 1 warning, 1 fail", then ", 1 could not be read" when so."""
    counts: Mapping[Result, int]
    """The number of reports of each result."""
    error_count: int
    """The number of inputs that could not be read."""

    def __str__(self) -> str:
        return self.text


class Renderer:
    """A batch rendered as its inputs complete (ucp_renderer): each :meth:`add` returns the text
    to write now, :meth:`finish` the rest, and the concatenation is what :func:`render_reports`
    returns for the same entries. It holds no report; the HTML, JUnit and Nagios documents,
    which start with totals, are written whole by :meth:`finish`.

    ::

        with ucpolicy.Renderer("junit", fail_on="error") as renderer:
            for path in paths:
                try:
                    out.write(renderer.add(checker.check(path, "UM", fqdn=fqdn)))
                except ucpolicy.Error as e:
                    out.write(renderer.add_error(path, e))
            out.write(renderer.finish())
        sys.exit(renderer.exit_code)

    Args:
        format: an :class:`OutputFormat` or its name ("json", "sarif", "csv", "html", "junit",
            "nagios", "text"). JSON is always an array here, laid out as ``ucpolicy check
            --format json FILE...`` writes it.
        pretty: indented JSON and SARIF (``pretty=False``: as ``--compact``).
        verbose: text with remediation, the role's wording and sources.
        color: text with ANSI colours.
        fail_on: the lowest severity that fails (as :meth:`Report.exit_code` takes it): for the
            exit code and the documents that judge (JUnit, Nagios, SARIF's invocation).

    The library's renderer is freed by :meth:`close` (or the end of a ``with`` block, or
    garbage collection); the counters, :attr:`summary` and :attr:`exit_code` stay readable
    after it. One thread at a time may add (calls are serialised).

    Raises:
        InvalidArgumentError: (also a ValueError) an unknown format or fail-on level; the
            message lists the valid ones.
    """

    def __init__(self, format: Union[OutputFormat, str] = OutputFormat.JSON, *, pretty: bool = True,
                 verbose: bool = False, color: bool = False, fail_on: FailOn = Severity.WARNING) -> None:
        c_format = _output_format_to_c(format)
        self._fail_on = _fail_on_to_c(fail_on)
        self._format = _output_format_from_c(c_format)
        self._lock = threading.Lock()
        self._finished = False
        self._closed = False
        self._final: Tuple[Mapping[Result, int], int, str, int] = ({}, 0, "", 0)
        flags = _render_flags(pretty=pretty, verbose=verbose, color=color) | _lib.UCP_RENDER_FLAT
        ptr = _lib.ucp_renderer_new(c_format, flags)
        self._ptr = ptr
        # The finalizer owns the C renderer: close(), garbage collection and interpreter exit
        # all go through it, and it runs at most once.
        self._finalizer = weakref.finalize(self, _lib.ucp_renderer_free, ptr)
        try:
            _lib.ucp_renderer_set_fail_on(ptr, self._fail_on)
        except BaseException:
            self._closed = True
            self._finalizer()
            raise

    def _open(self) -> Any:
        if self._closed:
            raise InvalidArgumentError("the renderer is closed")
        return self._ptr

    @property
    def format(self) -> OutputFormat:
        return self._format

    def add(self, report: Report) -> str:
        """Add a report; returns the text to write now (possibly "")."""
        if not isinstance(report, Report):
            raise TypeError(f"expected a Report, not {type(report).__name__} (inputs that could not be read: "
                            "add_error(name, exception))")
        with self._lock:
            return str(_lib.ucp_renderer_add_report(self._open(), report._ptr))

    def add_error(self, name: InputName, error: BaseException) -> str:
        """Add an input that could not be read; returns the text to write now (possibly "").

        Args:
            name: the file name (or "host:port") given.
            error: why: a :class:`ucpolicy.Error` (its code and message, e.g. a
                :class:`PasswordError`), or an ``OSError`` (written as UCP_E_IO).
        """
        entry = _error_entry(name, error)
        with self._lock:
            return str(_lib.ucp_renderer_add_error(self._open(), *entry))

    def finish(self) -> str:
        """End the batch; returns the last text to write (the closing of the array, the whole
        HTML page...). Adding afterwards raises InvalidArgumentError."""
        with self._lock:
            text = str(_lib.ucp_renderer_finish(self._open()))
            self._finished = True
            return text

    @property
    def finished(self) -> bool:
        return self._finished

    def count(self, result: Union[Result, str]) -> int:
        """The number of reports added whose result is ``result``."""
        r = Result.parse(result)
        with self._lock:
            if self._closed:
                return self._final[0][r]
            return int(_lib.ucp_renderer_count(self._ptr, _RESULTS_C[r]))

    @property
    def counts(self) -> Mapping[Result, int]:
        """The number of reports of each result."""
        return {r: self.count(r) for r in Result}

    @property
    def error_count(self) -> int:
        """The number of inputs added that could not be read."""
        with self._lock:
            return self._final[1] if self._closed else int(_lib.ucp_renderer_error_count(self._ptr))

    @property
    def summary(self) -> str:
        """The summary line: "checked 3: 1 pass, 1 warning, 1 fail" (", 1 could not be read")."""
        with self._lock:
            return self._final[2] if self._closed else str(_lib.ucp_renderer_summary(self._ptr))

    @property
    def exit_code(self) -> int:
        """The batch's exit status with the renderer's ``fail_on``, as ``ucpolicy check
        FILE...`` exits: the worst of the reports', 3 when an input could not be read, 0 for an
        empty batch."""
        with self._lock:
            return self._final[3] if self._closed else int(_lib.ucp_renderer_exit_code(self._ptr, self._fail_on))

    def close(self) -> None:
        """Free the library's renderer (keeping the counters, summary and exit code). Calling it
        again does nothing."""
        with self._lock:
            if self._closed:
                return
            ptr = self._ptr
            self._final = ({r: int(_lib.ucp_renderer_count(ptr, c)) for r, c in _RESULTS_C.items()},
                           int(_lib.ucp_renderer_error_count(ptr)), str(_lib.ucp_renderer_summary(ptr)),
                           int(_lib.ucp_renderer_exit_code(ptr, self._fail_on)))
            self._closed = True
            self._finalizer()

    @property
    def closed(self) -> bool:
        return self._closed

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "finished" if self._finished else "open"
        return f"<ucpolicy.Renderer {self._format.value} {state}>"

    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("a Renderer holds the library's renderer and cannot be pickled")


def render_reports(
    reports: Iterable[Entry],
    format: Union[OutputFormat, str] = OutputFormat.JSON,
    *,
    pretty: bool = True,
    verbose: bool = False,
    color: bool = False,
    fail_on: FailOn = Severity.WARNING,
    errors: Iterable[Tuple[InputName, BaseException]] = (),
) -> Rendering:
    """Render several reports as one document, as ``ucpolicy check --format FORMAT FILE...``
    prints it, with the batch's exit code and summary.

    JSON is the array the command prints for several files (``pretty=False``: with
    ``--compact``), SARIF one log with one run, CSV one table, HTML one page, JUnit one test
    suite, Nagios one status line; the command then adds a newline after JSON and SARIF.

    ::

        done = ucpolicy.render_reports([checker.check(p, "UM") for p in paths], "sarif")
        Path("ucpolicy.sarif").write_text(done.text)
        print(done.summary, file=sys.stderr)
        sys.exit(done.exit_code)

    Args:
        reports: the entries in order: :class:`Report` objects, and inputs that could not be
            read as (name, exception) pairs (see :meth:`Renderer.add_error`).
        format, pretty, verbose, color, fail_on: as for :class:`Renderer`.
        errors: more inputs that could not be read, (name, exception) pairs, after ``reports``.

    Raises:
        InvalidArgumentError: (also a ValueError) an unknown format or fail-on level.
        TypeError: an entry is neither a Report nor a (name, ucpolicy.Error or OSError) pair.
    """
    entries = list(reports) + list(errors)
    with Renderer(format, pretty=pretty, verbose=verbose, color=color, fail_on=fail_on) as renderer:
        parts = []
        for entry in entries:
            if isinstance(entry, Report):
                parts.append(renderer.add(entry))
            elif isinstance(entry, tuple) and len(entry) == 2:
                parts.append(renderer.add_error(*entry))
            else:
                raise TypeError(f"expected a Report or a (name, exception) pair, not {type(entry).__name__}")
        parts.append(renderer.finish())
    return Rendering(text="".join(parts), exit_code=renderer.exit_code, summary=renderer.summary,
                     counts=types.MappingProxyType(renderer.counts), error_count=renderer.error_count)
