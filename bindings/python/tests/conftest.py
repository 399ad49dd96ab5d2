# SPDX-License-Identifier: MIT
"""Shared fixtures: a private PKI made at test time, and where the C command is.

Environment (set by `meson test`; see bindings/python/tests/meson.build):
  PYTHONPATH         the build tree's bindings/python, so `import ucpolicy` is the build's
  UCPOLICY_CLI       the C `ucpolicy` command, for the parity tests
  UCPOLICY_FIXTURES  the output directory of ucpolicy-certgen (tests/FIXTURES.md)
Run by hand against an installed package: `python3 -m pytest bindings/python/tests`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path
from typing import Callable, Optional

import pytest

import certfactory as cf

import ucpolicy


def pytest_report_header(config: pytest.Config) -> str:
    return (f"ucpolicy {ucpolicy.__version__} from {Path(ucpolicy.__file__).parent} "
            f"(libucpolicy {ucpolicy.library_version()}, GnuTLS {ucpolicy.gnutls_version()}); "
            f"python {sys.executable}")


@pytest.fixture(scope="session")
def now() -> dt.datetime:
    """The validation time of every check (certificates are valid around it)."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


@pytest.fixture(scope="session")
def pki(now: dt.datetime) -> cf.Pki:
    return cf.Pki(now)


@pytest.fixture(scope="session")
def certdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("certs")


@pytest.fixture(scope="session")
def root_pem(pki: cf.Pki, certdir: Path) -> Path:
    return pki.write_ca(certdir)[0]


@pytest.fixture(scope="session")
def issuing_pem(pki: cf.Pki, certdir: Path) -> Path:
    return pki.write_ca(certdir)[1]


@pytest.fixture(scope="session")
def checker(root_pem: Path, now: dt.datetime) -> ucpolicy.Checker:
    """A checker trusting the test root (never the system store), validating at `now`."""
    with ucpolicy.Checker(trust=[root_pem], public_roots=[root_pem], at=now) as c:
        yield c


@pytest.fixture(scope="session")
def um(pki: cf.Pki) -> cf.Issued:
    """The correct Exchange UM certificate: CN = the Exchange server's FQDN."""
    return pki.leaf("exch01.contoso.com", ["exch01.contoso.com"])


@pytest.fixture(scope="session")
def um_wildcard(pki: cf.Pki) -> cf.Issued:
    """The incident's certificate: CN=*.contoso.com on the UM service."""
    return pki.leaf("*.contoso.com", ["*.contoso.com", "exch01.contoso.com"])


@pytest.fixture(scope="session")
def write(certdir: Path) -> Callable[..., Path]:
    """write(issued, stem, fmt="bundle", password=None) -> path in the session's cert dir."""
    def _write(issued: cf.Issued, stem: str, fmt: str = "bundle", password: Optional[bytes] = None) -> Path:
        return issued.write(certdir, stem, fmt, password)
    return _write


@pytest.fixture(scope="session")
def c_cli() -> str:
    """The C command (UCPOLICY_CLI, else `ucpolicy` on PATH); skips when there is none."""
    path = os.environ.get("UCPOLICY_CLI") or shutil.which("ucpolicy")
    if not path or not os.access(path, os.X_OK):
        pytest.skip("the C ucpolicy command is not available (set UCPOLICY_CLI)")
    return path


@pytest.fixture(scope="session")
def slow_pfx(um: cf.Issued) -> bytes:
    """A PKCS#12 file whose key derivation takes a noticeable time in the library (900,000
    PBKDF2 rounds, under the library's limit of 1,000,000): a long C call for the tests of
    the GIL and of closing during a check. Password "slow"."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    encryption = (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(900_000)
                  .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256())
                  .build(b"slow"))
    return pkcs12.serialize_key_and_certificates(b"slow", um.key, um.cert, list(um.chain), encryption)
