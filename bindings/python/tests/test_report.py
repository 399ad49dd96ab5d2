# SPDX-License-Identifier: MIT
"""The Report's Python objects say what the library's JSON says (the JSON is the library's
own rendering, so this cross-checks every copy made by the binding), plus the Report API."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import certfactory as cf
import ucpolicy
from ucpolicy import ChainStatus, Format, Product, Result, Severity


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module", params=["wildcard", "many-findings", "ecc-expiring", "self-signed"])
def report(request, checker, pki, um_wildcard):
    issued = {
        "wildcard": lambda: um_wildcard,
        "many-findings": lambda: pki.leaf("*.contoso.com", ["*.contoso.com", "exch01", "exch01.contoso.com",
                                                            "exch01.contoso.com"], eku=None, cdp=False,
                                          hash_algorithm=cf.hashes.SHA1(), days_after=3),
        "ecc-expiring": lambda: pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], key=cf.ec_key(), days_after=9),
        "self-signed": lambda: pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], self_signed=True),
    }[request.param]()
    return checker.check(issued.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com", name=f"{request.param}.pem")


def test_findings_match_the_json(report):
    doc = json.loads(report.to_json())
    assert len(doc["findings"]) == len(report.findings) > 0
    for f, j in zip(report.findings, doc["findings"]):
        assert f.code == j["code"]
        assert str(f.severity) == j["severity"] and f.field.value == j["field"]
        assert f.certificate_index == j["certificateIndex"]
        assert (f.message, f.expected, f.actual, f.remediation) == (j["message"], j["expected"] or "",
                                                                     j["actual"] or "", j["remediation"])
        assert [(r.key, r.title, r.url) for r in f.references] == [(r["key"], r["title"], r["url"])
                                                                   for r in j["references"]]
        assert dict(f.args) == j["args"] and list(f.args) == list(j["args"])
    # most serious first
    assert [f.severity for f in report.findings] == sorted((f.severity for f in report.findings), reverse=True)


def test_summary_matches_the_json(report):
    doc = report.to_dict()
    assert doc["schema"] == "ucpolicy-report" and doc["schemaVersion"] == ucpolicy.REPORT_SCHEMA_VERSION
    assert doc["result"] == report.result.value
    assert doc["summary"] == {"error": report.count("error"), "warning": report.count(Severity.WARNING),
                              "info": report.count(0)}
    assert len(report.errors) == report.count(Severity.ERROR)
    assert len(report.warnings) == report.count(Severity.WARNING) and len(report.info) == report.count(Severity.INFO)
    assert doc["role"]["id"] == report.role == "exchange-um"
    assert doc["role"]["title"] == ucpolicy.role(report.role).title
    assert doc["product"] == report.product.value and report.product is Product.SFB2019
    assert doc["input"] == {"name": report.input_name, "format": report.input_format.value}
    assert report.input_format is Format.PEM
    assert doc["validationTime"] == iso(report.validation_time)
    assert doc["daysRemaining"] == report.days_remaining
    assert doc["tool"]["version"] == ucpolicy.library_version()


def test_certificate_matches_the_json(report):
    c, j = report.certificate, report.to_dict()["certificate"]
    assert (c.subject, c.issuer, c.common_name, c.serial) == (j["subject"], j["issuer"], j["commonName"], j["serial"])
    assert [(s.type.value, s.value) for s in c.san] == [(s["type"], s["value"]) for s in j["san"]]
    if c.has_eku:
        assert [(o, n) for o, n in zip(c.eku, c.eku_names)] == [(u["oid"], u["name"]) for u in j["eku"]["usages"]]
    else:
        assert c.eku == () and not j["eku"]
    assert (c.key_algorithm, c.key_bits, c.key_curve) == (j["key"]["algorithm"], j["key"]["bits"], j["key"]["curve"])
    assert c.signature_algorithm == j["signatureAlgorithm"]
    assert (iso(c.not_before), iso(c.not_after)) == (j["notBefore"], j["notAfter"])
    assert (c.sha1, c.sha256, c.is_ca, c.is_self_signed) == (j["sha1"], j["sha256"], j["isCa"], j["selfSigned"])
    assert (list(c.crl_urls), list(c.ocsp_urls), list(c.ca_issuers_urls)) == (
        j["crlDistributionPoints"], j["ocsp"], j["caIssuers"])


def test_chain_matches_the_json(report):
    chain, j = report.chain, report.to_dict()["chain"]
    assert (chain.status.value, chain.trusted) == (j["status"], j["trusted"])
    assert len(chain) == len(j["certificates"])
    for entry, e in zip(chain, j["certificates"]):
        c = entry.certificate
        assert (entry.index, entry.source) == (e["index"], e["source"])
        assert (c.subject, c.issuer, c.sha256, c.signature_algorithm, c.is_self_signed) == (
            e["subject"], e["issuer"], e["sha256"], e["signatureAlgorithm"], e["selfSigned"])
        assert (iso(c.not_before), iso(c.not_after)) == (e["notBefore"], e["notAfter"])
    assert chain[0].certificate == report.certificate
    assert chain.certificates == tuple(e.certificate for e in chain)
    assert list(chain.policies) == j["policies"]


def test_certificate_policies(root_pem, now, um):
    """Checker(policies=..., require_explicit_policy=...): the test PKI asserts no policy, so a
    policy asked for, or an explicit one required, fails the path (chain.policy-invalid); the
    defaults accept it with an empty valid policy set."""
    def codes(**kwargs):
        with ucpolicy.Checker(trust=[root_pem], at=now, **kwargs) as c:
            r = c.check(um.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com")
        return {f.code for f in r.findings}, r.chain

    found, chain = codes()
    assert "chain.policy-invalid" not in found and chain.policies == () and chain.status == ChainStatus.VALID
    for kwargs in ({"policies": ["2.23.140.1.2.1"]}, {"require_explicit_policy": True}):
        found, chain = codes(**kwargs)
        assert "chain.policy-invalid" in found and chain.status == ChainStatus.INVALID, kwargs
    found, _ = codes(inhibit_policy_mapping=True, inhibit_any_policy=True)
    assert "chain.policy-invalid" not in found
    with pytest.raises(ucpolicy.InvalidArgumentError):
        ucpolicy.Checker(trust=[root_pem], policies=["not an oid"])
    with pytest.raises(TypeError):
        ucpolicy.Checker(trust=[root_pem], policies="2.23.140.1.2.1")


def test_renderings(report):
    pretty, compact = report.to_json(), report.to_json(pretty=False)
    assert json.loads(pretty) == json.loads(compact)
    assert "\n" in pretty and "\n" not in compact and not pretty.endswith("\n")
    text = report.to_text()
    assert str(report) == text and report.input_name in text
    assert len(report.to_text(verbose=True)) > len(text)
    assert "\x1b[" in report.to_text(color=True) and "\x1b[" not in text
    assert repr(report).startswith(f"<Report exchange-um '{report.input_name}': {report.result.value} (")


@pytest.mark.parametrize("errors,warnings,infos,expected", [
    (1, 0, 0, {"error": 2, "warning": 2, "info": 2, "never": 0}),
    (0, 1, 0, {"error": 0, "warning": 1, "info": 1, "never": 0}),
    (0, 0, 1, {"error": 0, "warning": 0, "info": 1, "never": 0}),
    (0, 0, 0, {"error": 0, "warning": 0, "info": 0, "never": 0}),
])
def test_exit_code_follows_fail_on(errors, warnings, infos, expected, checker, pki):
    """Report.exit_code() is the C command's exit_for(): checked on reports with exactly the
    severities named (found by building such certificates)."""
    candidates = {
        (1, 0, 0): lambda: pki.leaf("www.contoso.com", ["www.contoso.com"], eku=[cf.CLIENT_AUTH]),
        (0, 1, 0): lambda: pki.leaf("www.contoso.com", ["www.contoso.com"], days_after=9),
        (0, 0, 1): lambda: pki.leaf("www.contoso.com", ["www.contoso.com", "www.contoso.com"]),
        (0, 0, 0): lambda: pki.leaf("www.contoso.com", ["www.contoso.com"]),
    }
    report = checker.check(candidates[(errors, warnings, infos)]().pem_bundle(), "tls-server", fqdn="www.contoso.com")
    assert (bool(report.count("error")), bool(report.count("warning")), bool(report.count("info"))) == (
        bool(errors), bool(warnings), bool(infos)), [str(f) for f in report.findings]
    for fail_on, code in expected.items():
        assert report.exit_code(fail_on) == code
    assert report.exit_code(None) == 0
    assert report.exit_code() == expected["warning"]
    assert report.exit_code(Severity.INFO) == expected["info"]
    assert report.ok is (errors == 0)


def test_lookups(checker, um_wildcard):
    report = checker.check(um_wildcard.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com")
    assert "subject.cn-wildcard" in report and "subject.cn-mismatch" not in report
    assert report.get("subject.cn-wildcard") == report.errors
    assert report.get("nothing.like-this") == ()
    assert report.chain.status is ChainStatus.VALID and report.result is Result.FAIL


def test_validation_time(root_pem, um):
    at = dt.datetime(2026, 6, 1, 12, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    for when in (at, at.astimezone(dt.timezone.utc).replace(tzinfo=None), int(at.timestamp())):
        report = ucpolicy.check(um.pem_bundle(), "exchange-um", trust=root_pem, at=when)
        assert report.validation_time == at and report.validation_time.tzinfo == dt.timezone.utc
    report = ucpolicy.check(um.pem_bundle(), "exchange-um", trust=root_pem, at=dt.date(2026, 6, 1))
    assert report.validation_time == dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    report = ucpolicy.check(um.pem_bundle(), "exchange-um", trust=root_pem)  # at the time of the check
    assert before <= report.validation_time <= dt.datetime.now(dt.timezone.utc)
