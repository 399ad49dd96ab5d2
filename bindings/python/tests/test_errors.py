# SPDX-License-Identifier: MIT
"""Bad input raises: the right class (an ucpolicy.Error that is also the matching builtin),
the library's message naming the file or input and the problem, and the details as attributes.
Policy violations never raise (they are findings)."""

from __future__ import annotations

import errno
import pickle

import pytest

import ucpolicy
from ucpolicy import (CorruptError, Error, FormatError, InvalidArgumentError, IoError, NoCertificateError,
                      PasswordError, TooLargeError, TopologyError, UnknownProductError, UnknownRoleError)


def raised(call, *args, **kwargs) -> BaseException:
    with pytest.raises(BaseException) as info:
        call(*args, **kwargs)
    return info.value


def test_missing_file(checker, certdir):
    path = certdir / "no-such-file.pem"
    e = raised(checker.check, path, "exchange-um")
    assert type(e) is IoError
    assert isinstance(e, Error) and isinstance(e, OSError)
    assert str(path) in str(e) and "No such file" in str(e)
    assert e.filename == e.source == str(path)
    assert e.errno == errno.ENOENT and e.origin == "system" and e.origin_code == errno.ENOENT
    assert (e.code, e.name) == (-3, "UCP_E_IO")


def test_directory(checker, certdir):
    e = raised(checker.check, certdir, "exchange-um")
    assert type(e) is IoError and str(certdir) in str(e)


@pytest.mark.parametrize("content,cls,needle", [
    (b"this is not a certificate", FormatError, "not a certificate"),
    (b"", FormatError, "empty"),
    (b"-----BEGIN CERTIFICATE-----\nMIIB\n", CorruptError, "no END line"),
    (b"0\x82\x04\x00" + b"\x00" * 10, CorruptError, "truncated"),
    (b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", NoCertificateError, "no certificate"),
], ids=["garbage", "empty", "pem-truncated", "der-truncated", "key-only"])
def test_unreadable_content_names_the_file(content, cls, needle, checker, certdir):
    path = certdir / f"bad-{cls.__name__}.bin"
    path.write_bytes(content)
    e = raised(checker.check, path, "exchange-um")
    assert type(e) is cls, e
    assert isinstance(e, ValueError) and isinstance(e, Error)
    assert str(e).startswith(f"{path}:") and needle in str(e)
    assert e.source == str(path)
    # The same bytes as data name the input as given, or "<memory>".
    e = raised(checker.check, content, "exchange-um", name="upload.cer")
    assert type(e) is cls and str(e).startswith("upload.cer")
    assert str(raised(checker.check, content, "exchange-um")).startswith("<memory>")


def test_pkcs12_wrong_and_missing_password(checker, um, write):
    path = write(um, "locked", "pfx", b"right")
    for password in ("wrong", None):
        e = raised(checker.check, path, "exchange-um", password=password)
        assert type(e) is PasswordError, e
        assert isinstance(e, PermissionError) and isinstance(e, OSError)
        assert str(path) in str(e) and e.filename == str(path)
    assert checker.check(path, "exchange-um", password="right").certificate.common_name == "exch01.contoso.com"


def test_too_large(checker):
    e = raised(checker.check, b"\x30" * (ucpolicy._lib.UCP_MAX_INPUT_SIZE + 1), "exchange-um")
    assert type(e) is TooLargeError and "32 MiB" in str(e)


def test_unknown_role(checker, um):
    e = raised(checker.check, um.pem_bundle(), "exchange-unified")
    assert type(e) is UnknownRoleError and isinstance(e, KeyError)
    assert "exchange-unified" in str(e) and "exchange-um" in str(e)  # the message lists the roles
    assert str(e) == e.message  # not KeyError's quoted repr
    e = raised(ucpolicy.role, "exchange-unified")
    assert type(e) is UnknownRoleError and "exchange-um" in str(e)


def test_unknown_product(checker, um):
    for call in (lambda: checker.check(um.pem_bundle(), "exchange-um", product="sfb2030"),
                 lambda: ucpolicy.rules("exchange-um", product="sfb2030")):
        e = raised(call)
        assert type(e) is UnknownProductError and isinstance(e, KeyError) and "sfb2030" in str(e)


@pytest.mark.parametrize("kwargs,needle", [
    (dict(fqdn="exch_01.contoso.com"), "underscore"),
    (dict(sip_domains=["contoso.com", "bad domain"]), "bad domain"),
    (dict(topology={"fqdn": "exch01.contoso.com", "fdqn": "typo.contoso.com"}), "unknown key 'fdqn'"),
    (dict(topology=b'{"fqdn": '), "line 1"),
], ids=["fact", "list-fact", "topology-key", "topology-json"])
def test_bad_deployment_facts(kwargs, needle, checker, um):
    e = raised(checker.check, um.pem_bundle(), "exchange-um", **kwargs)
    assert type(e) is TopologyError and isinstance(e, ValueError)
    assert needle in str(e)


def test_topology_file(checker, um, certdir):
    good = certdir / "topology.json"
    good.write_text('{"fqdn": "exch01.contoso.com", "product": "sfb2015"}')
    report = checker.check(um.pem_bundle(), "exchange-um", topology=good)
    assert report.result is ucpolicy.Result.PASS and report.product is ucpolicy.Product.SFB2015
    # Facts given as arguments win over the file's.
    report = checker.check(um.pem_bundle(), "exchange-um", topology=good, fqdn="exch02.contoso.com")
    assert "subject.cn-mismatch" in report
    bad = certdir / "topology-bad.json"
    bad.write_text('{"fqdn": 12}')
    e = raised(checker.check, um.pem_bundle(), "exchange-um", topology=bad)
    assert type(e) is TopologyError and str(bad) in str(e)
    e = raised(checker.check, um.pem_bundle(), "exchange-um", topology=certdir / "none.json")
    assert type(e) is IoError


def test_bad_trust_file_fails_the_checker(certdir):
    path = certdir / "trust-garbage.pem"
    path.write_bytes(b"garbage")
    e = raised(ucpolicy.Checker, trust=[path])
    assert type(e) is FormatError and str(path) in str(e)
    e = raised(ucpolicy.check, b"x", "exchange-um", chain=[certdir / "missing-chain.pem"])
    assert type(e) is IoError and "missing-chain.pem" in str(e)


@pytest.mark.parametrize("call,needle", [
    (lambda c, data: c.check(12, "exchange-um"), "not int"),
    (lambda c, data: c.check(data, 12), "role"),
    (lambda c, data: c.check(data, "exchange-um", fqdn=12), "fqdn"),
    (lambda c, data: c.check(data, "exchange-um", sip_domains=[b"contoso.com"]), "sip_domains"),
    (lambda c, data: c.check(data, "exchange-um", password=12), "password"),
    (lambda c, data: c.check(data, "exchange-um", topology=12), "topology"),
    (lambda c, data: ucpolicy.Checker(at="2026-05-01"), "at"),
    (lambda c, data: ucpolicy.Checker(expiry_warning_days="30"), "expiry_warning_days"),
    (lambda c, data: ucpolicy.Checker(trust=12), "trust"),
], ids=["cert", "role", "fact", "list-fact", "password", "topology", "at", "expiry", "trust"])
def test_wrong_types_raise_type_error(call, needle, checker, um):
    e = raised(call, checker, um.pem_bundle())
    assert type(e) is TypeError and needle in str(e)


@pytest.mark.parametrize("at", [-2**63, -62167219201, 253402300800])
def test_times_outside_years_0_to_9999_raise_value_error(at):
    # -2**63 is the library's "now" (UCP_TIME_NOW): it must not silently validate at the current time.
    e = raised(lambda: ucpolicy.Checker(at=at))
    assert isinstance(e, ValueError) and "0000 to 9999" in str(e)


@pytest.mark.parametrize("call", [
    lambda c, data: c.check(data, "exchange-um\0x"),
    lambda c, data: c.check(data, "exchange-um", fqdn="exch01\0.contoso.com"),
    lambda c, data: c.check(data, "exchange-um", password="pass\0word"),
    lambda c, data: c.check("cert\0.pem", "exchange-um"),
], ids=["role", "fact", "password", "path"])
def test_embedded_nul_is_refused_not_truncated(call, checker, um):
    e = raised(call, checker, um.pem_bundle())
    assert isinstance(e, ValueError) and ("NUL" in str(e) or "null" in str(e))


@pytest.mark.parametrize("kwargs", [dict(expiry_warning_days=3651), dict(expiry_warning_days=-1),
                                    dict(system_trust="sometimes")])
def test_bad_checker_settings(kwargs):
    assert isinstance(raised(ucpolicy.Checker, **kwargs), ValueError)


def test_closed_checker(root_pem, um):
    checker = ucpolicy.Checker(trust=root_pem)
    checker.close()
    e = raised(checker.check, um.pem_bundle(), "exchange-um")
    assert type(e) is InvalidArgumentError and isinstance(e, ValueError) and "closed" in str(e)


def test_policy_violations_are_not_exceptions(checker, pki):
    everything_wrong = pki.leaf("*", ["*"], eku=[], cdp=False, self_signed=True, days_before=900, days_after=-400)
    report = checker.check(everything_wrong.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com")
    assert report.result is ucpolicy.Result.FAIL and len(report.errors) >= 4


def test_exception_classes_follow_the_registry():
    classes = {code: ucpolicy.error_for_status(code) for code in range(-20, 1)} | {-99: ucpolicy.error_for_status(-99)}
    named = {c for c in classes.values() if c is not Error}
    assert len(named) == 20  # every failure of status.yaml
    for cls in named:
        assert issubclass(cls, Error) and cls.code < 0
        assert ucpolicy._lib.ucp_strerror_name(cls.code) == cls.name
        assert cls.__name__ in ucpolicy.__all__ and getattr(ucpolicy, cls.__name__) is cls
    assert ucpolicy.error_for_status(-1234) is Error
    # No class shadows a builtin name on `from ucpolicy import *`.
    import builtins
    assert not [n for n in ucpolicy.__all__ if hasattr(builtins, n)]
    assert issubclass(ucpolicy.UcpTimeoutError, TimeoutError)


def test_exceptions_pickle_with_their_details(checker, certdir):
    e = raised(checker.check, certdir / "gone.pem", "exchange-um")
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is IoError
    assert (again.message, again.code, again.source, again.origin, again.origin_code, again.filename, again.errno) == \
           (e.message, e.code, e.source, e.origin, e.origin_code, e.filename, e.errno)
