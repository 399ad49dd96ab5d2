# SPDX-License-Identifier: MIT
"""The online settings of every test that fetches revocation data from a server it started.

Those servers listen on 127.0.0.1, and online fetches refuse loopback (and every other
non-public) address unless the private network is allowed, so every online test goes through
these two: the keywords of Checker / check() / probe(), and the options of the command.
"""

from typing import Dict, List

# Checker(**ONLINE), ucpolicy.check(..., **ONLINE), ucpolicy.probe(..., **ONLINE)
ONLINE: Dict[str, bool] = dict(online=True, allow_private_network=True)
# ucpolicy check|probe ... *ONLINE_ARGS
ONLINE_ARGS: List[str] = ["--online", "--allow-private-network"]
