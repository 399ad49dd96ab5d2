# SPDX-License-Identifier: MIT
"""``python3 -m ucpolicy``: the ``ucpolicy`` command.

Not a re-implementation: the command is libucpolicy's own (libucpolicy/cli/), linked into the
extension module, so the options, messages, output bytes and exit statuses are the C program's
by construction. It writes to file descriptors 1 and 2 (sys.stdout and sys.stderr are flushed
first) and reads descriptor 0 for a FILE '-'.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Optional, Sequence, Union

from . import _ucpolicy as _lib

__all__ = ["main"]

Argument = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]


def _as_a_program() -> None:
    """Signals as a C program has them: die quietly of SIGPIPE when the reader goes away
    (``ucpolicy rules | head``), and of SIGINT at once, without a traceback (the command runs
    without the GIL, where Python's own handler would wait for it to finish)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def main(argv: Optional[Sequence[Argument]] = None) -> int:
    """Run the ucpolicy command and return its exit status (0 pass, 1 warnings only, 2 error
    findings, 3 usage or input error).

    ``argv`` are the arguments after the program's name. Without it, the command line
    (sys.argv[1:]) as a program: SIGPIPE and SIGINT then end the process as they end the C
    program. With it, from a Python program: signal handling is left as it is.
    """
    if argv is None:
        argv = sys.argv[1:]
        _as_a_program()
    return int(_lib.ucp_py_cli_main(list(argv)))


if __name__ == "__main__":
    sys.exit(main())
