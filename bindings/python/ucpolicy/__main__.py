# SPDX-License-Identifier: MIT
"""``python3 -m ucpolicy``: the ucpolicy command (see ucpolicy._cli)."""

import signal
import sys

from ._cli import main

if __name__ == "__main__":
    # As a C program: die quietly of SIGPIPE when the reader goes away (ucpolicy rules | head),
    # and of SIGINT without a traceback.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
