# SPDX-License-Identifier: MIT
"""The reference incident (README.md, "Why"): a wildcard certificate on Exchange UM.

Exchange UM ran with CN=*.contoso.com. Lync refused UM's SIP/TLS connections with "The peer is
not a configured server on this network interface": Message Waiting Indicator and play-on-phone
broke while voice-mail deposit kept working. The check must fail it with the
subject.cn-wildcard error, explain the symptom, and pass the certificate that fixed it.
"""

from __future__ import annotations

import ucpolicy
from ucpolicy import Field, Result, Severity

SYMPTOM = "The peer is not a configured server on this network interface"


def test_wildcard_cn_on_exchange_um_fails(checker, um_wildcard, write):
    path = write(um_wildcard, "incident-um-wildcard")
    report = checker.check(path, role="exchange-um", fqdn="exch01.contoso.com")

    assert report.result is Result.FAIL
    assert not report.ok
    assert report.exit_code() == 2
    [finding] = report.get("subject.cn-wildcard")
    assert finding.severity is Severity.ERROR
    assert finding.field is Field.SUBJECT
    assert finding.certificate_index == 0
    assert finding.actual == "*.contoso.com"
    assert finding.expected == "exch01.contoso.com"
    assert finding.args["cn"] == "*.contoso.com"
    # The remediation names the symptom admins see, and the fix.
    assert SYMPTOM in " ".join(finding.remediation.split())
    assert "Enable-ExchangeCertificate -Services UM" in finding.remediation
    assert {r.key for r in finding.references} >= {"L13-WILD"}
    # The SAN entry for the server does not rescue the CN: the wildcard is the only error.
    assert [f.code for f in report.errors] == ["subject.cn-wildcard"]


def test_the_correct_certificate_passes(checker, um, write):
    path = write(um, "incident-um-fixed")
    report = checker.check(path, role="exchange-um", fqdn="exch01.contoso.com")

    assert report.result is Result.PASS, [str(f) for f in report.findings]
    assert report.ok and report.exit_code() == 0
    assert "subject.cn-wildcard" not in report
    assert report.certificate.common_name == "exch01.contoso.com"
    assert report.chain.trusted


def test_um_aliases_and_call_router_see_the_same_incident(checker, um_wildcard):
    # Enable-ExchangeCertificate -Services names: the alias resolves to the role id.
    for role, role_id in (("UM", "exchange-um"), ("UMCallRouter", "exchange-um-callrouter")):
        report = checker.check(um_wildcard.pem_bundle(), role, fqdn="exch01.contoso.com", name="um.pem")
        assert report.role == role_id
        assert "subject.cn-wildcard" in report
        assert report.result is Result.FAIL


def test_text_report_tells_the_symptom(checker, um_wildcard):
    report = checker.check(um_wildcard.pem_bundle(), "exchange-um", fqdn="exch01.contoso.com")
    text = " ".join(report.to_text(verbose=True).split())
    assert "subject.cn-wildcard" in text
    assert SYMPTOM in text


def test_one_call_check(root_pem, now, um_wildcard):
    report = ucpolicy.check(um_wildcard.cert, role="exchange-um", fqdn="exch01.contoso.com",
                            chain=um_wildcard.chain, trust=root_pem, at=now)
    assert report.result is Result.FAIL
    assert [f.code for f in report.errors] == ["subject.cn-wildcard"]
