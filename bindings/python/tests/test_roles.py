# SPDX-License-Identifier: MIT
"""Role cases: for several roles, the correct certificate and certificates that break a rule.

Each case builds its certificate at test time and states the result and the codes that must
(and must not) be among the findings, with their severities. The last tests hold every report
to the catalogue: a finding's code is bound to the role, with the role's severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Tuple

import pytest
from cryptography.hazmat.primitives import hashes

import certfactory as cf
import ucpolicy
from ucpolicy import Result, Severity

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
PUBLIC = dict(days_before=10, days_after=150)  # within the public CA lifetime limit


@dataclass
class Case:
    id: str
    role: str
    make: Callable[[cf.Pki], cf.Issued]
    facts: Dict[str, Any]
    result: Result
    present: Tuple[Tuple[str, Severity], ...] = ()
    absent: Tuple[str, ...] = ()
    fmt: str = "bundle"
    checker: Dict[str, Any] = field(default_factory=dict)


FE = dict(fqdn="fe01.contoso.com", pool="pool01.contoso.com", sip_domains=["contoso.com"])
FE_SANS = ["pool01.contoso.com", "fe01.contoso.com", "sip.contoso.com", "lyncdiscoverinternal.contoso.com"]
EDGE_EXT = dict(access_edge="sip.contoso.com", webconf_edge="webcon.contoso.com", sip_domains="contoso.com")
RP = dict(web_fqdn="webext.contoso.com", simple_urls=["https://meet.contoso.com", "dialin.contoso.com"],
          sip_domains=["contoso.com"])
RP_SANS = ["webext.contoso.com", "meet.contoso.com", "dialin.contoso.com", "lyncdiscover.contoso.com"]

CASES = [
    # the generic baseline
    Case("tls-server/pass", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"]),
         dict(fqdn="www.contoso.com"), Result.PASS, absent=("san.fqdn-missing", "eku.server-auth-missing")),
    Case("tls-server/eku", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"], eku=[cf.CLIENT_AUTH]),
         dict(fqdn="www.contoso.com"), Result.FAIL, present=(("eku.server-auth-missing", E),)),
    Case("tls-server/expired", "tls-server",
         lambda p: p.leaf("www.contoso.com", ["www.contoso.com"], days_before=400, days_after=-1),
         dict(fqdn="www.contoso.com"), Result.FAIL, present=(("validity.expired", E),)),
    Case("tls-server/expiring", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"], days_after=10),
         dict(fqdn="www.contoso.com"), Result.WARNING, present=(("validity.expiring", W),)),
    Case("tls-server/expiring-threshold", "tls-server",
         lambda p: p.leaf("www.contoso.com", ["www.contoso.com"], days_after=10),
         dict(fqdn="www.contoso.com"), Result.PASS, absent=("validity.expiring",),
         checker=dict(expiry_warning_days=5)),
    Case("tls-server/ca-leaf", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"], ca=True),
         dict(fqdn="www.contoso.com"), Result.FAIL, present=(("basic-constraints.ca", E), ("key-usage.cert-sign", E))),
    Case("tls-server/no-chain", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"]),
         dict(fqdn="www.contoso.com"), Result.FAIL, present=(("chain.issuer-missing", E),), fmt="pem"),
    Case("tls-server/name", "tls-server", lambda p: p.leaf("www.contoso.com", ["www.contoso.com"]),
         dict(fqdn="mail.contoso.com"), Result.FAIL, present=(("san.fqdn-missing", E),)),
    # Lync / Skype for Business
    Case("frontend-default/pass", "frontend-default", lambda p: p.leaf("pool01.contoso.com", FE_SANS),
         FE, Result.PASS, absent=("subject.cn-mismatch", "san.lyncdiscover-missing")),
    Case("frontend-default/cn-server", "frontend-default", lambda p: p.leaf("fe01.contoso.com", FE_SANS),
         FE, Result.FAIL, present=(("subject.cn-mismatch", E),)),
    Case("frontend-default/lyncdiscover", "frontend-default",
         lambda p: p.leaf("pool01.contoso.com", FE_SANS[:3]), FE, Result.WARNING,
         present=(("san.lyncdiscover-missing", W),)),
    Case("frontend-default/facts-missing", "frontend-default", lambda p: p.leaf("pool01.contoso.com", FE_SANS),
         {}, Result.WARNING, present=(("input.facts-missing", W),)),
    Case("frontend-default/alias", "FrontEnd", lambda p: p.leaf("pool01.contoso.com", FE_SANS),
         FE, Result.PASS),
    Case("edge-internal/cdp", "edge-internal",
         lambda p: p.leaf("edge01.contoso.local", ["edge01.contoso.local"], cdp=False),
         dict(fqdn="edge01.contoso.local"), Result.FAIL, present=(("revocation.cdp-missing", E),)),
    Case("edge-internal/sha1", "edge-internal",
         lambda p: p.leaf("edge01.contoso.local", ["edge01.contoso.local"], hash_algorithm=hashes.SHA1()),
         dict(fqdn="edge01.contoso.local"), Result.WARNING, present=(("signature.sha1", W),)),
    Case("edge-external/pass", "edge-external",
         lambda p: p.leaf("sip.contoso.com", ["sip.contoso.com", "webcon.contoso.com"], **PUBLIC),
         EDGE_EXT, Result.PASS),
    Case("edge-external/wildcard-cn", "edge-external",
         lambda p: p.leaf("*.contoso.com", ["sip.contoso.com", "webcon.contoso.com"], **PUBLIC),
         EDGE_EXT, Result.FAIL, present=(("subject.cn-wildcard", E),)),
    Case("mediation/pass", "mediation",
         lambda p: p.leaf("medpool.contoso.com", ["med01.contoso.com", "medpool.contoso.com"]),
         dict(fqdn="med01.contoso.com", pool="medpool.contoso.com"), Result.PASS),
    Case("mediation/cn", "mediation",
         lambda p: p.leaf("med01.contoso.com", ["med01.contoso.com", "medpool.contoso.com"]),
         dict(fqdn="med01.contoso.com", pool="medpool.contoso.com"), Result.FAIL,
         present=(("subject.cn-mismatch", E),)),
    Case("reverse-proxy/pass", "reverse-proxy", lambda p: p.leaf("webext.contoso.com", RP_SANS, **PUBLIC),
         RP, Result.PASS),
    Case("persistent-chat/product", "persistent-chat",
         lambda p: p.leaf("pcpool.contoso.com", ["pchat.contoso.com", "pcpool.contoso.com"]),
         dict(fqdn="pchat.contoso.com", pool="pcpool.contoso.com", product="sfb2019"), Result.WARNING,
         present=(("input.role-product", W),)),
    # Exchange
    Case("exchange-um/cn-mismatch", "exchange-um", lambda p: p.leaf("exch02.contoso.com", ["exch01.contoso.com"]),
         dict(fqdn="exch01.contoso.com"), Result.FAIL, present=(("subject.cn-mismatch", E),)),
    Case("exchange-um/ecc", "exchange-um",
         lambda p: p.leaf("exch01.contoso.com", ["exch01.contoso.com"], key=cf.ec_key()),
         dict(fqdn="exch01.contoso.com"), Result.WARNING, present=(("key.ecc", W),)),
    Case("exchange-um/self-signed", "exchange-um",
         lambda p: p.leaf("exch01.contoso.com", ["exch01.contoso.com"], self_signed=True),
         dict(fqdn="exch01.contoso.com"), Result.FAIL,
         present=(("chain.self-signed", E), ("chain.untrusted-root", E))),
    Case("exchange-auth/self-signed", "exchange-auth",
         lambda p: p.leaf("Microsoft Exchange Server Auth Certificate", [], self_signed=True),
         {}, Result.PASS, present=(("chain.self-signed", I),)),
    # Office Online Server, Teams Direct Routing
    Case("office-online-server/pass", "office-online-server", lambda p: p.leaf("oos.contoso.com", ["oos.contoso.com"]),
         dict(fqdn="oos.contoso.com"), Result.PASS),
    Case("teams-direct-routing-sbc/pass", "teams-direct-routing-sbc",
         lambda p: p.leaf("sbc1.contoso.com", ["sbc1.contoso.com"], **PUBLIC),
         dict(fqdn="sbc1.contoso.com"), Result.PASS),
    Case("teams-direct-routing-sbc/wildcard-san", "SBC",
         lambda p: p.leaf("sbc1.contoso.com", ["*.contoso.com"], **PUBLIC),
         dict(fqdn="sbc1.contoso.com"), Result.PASS, absent=("san.wildcard-not-allowed", "san.fqdn-missing")),
    Case("teams-direct-routing-sbc/not-public", "teams-direct-routing-sbc",
         lambda p: p.leaf("sbc1.contoso.com", ["sbc1.contoso.com"], **PUBLIC),
         dict(fqdn="sbc1.contoso.com"), Result.FAIL, present=(("chain.not-public", E),),
         checker=dict(public_roots=None)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_role_case(case: Case, pki, root_pem, now, write):
    issued = case.make(pki)
    path = write(issued, case.id.replace("/", "-"), case.fmt)
    options = dict(trust=[root_pem], public_roots=[root_pem], at=now)
    options.update(case.checker)
    with ucpolicy.Checker(**options) as checker:
        report = checker.check(path, case.role, **case.facts)
    found = {(f.code, f.severity) for f in report.findings}
    described = [str(f) for f in report.findings]
    assert report.result is case.result, described
    for code, severity in case.present:
        assert (code, severity) in found, described
    for code in case.absent:
        assert code not in report, described
    assert report.role == ucpolicy.role(case.role).id
    assert report.exit_code() == {Result.PASS: 0, Result.WARNING: 1, Result.FAIL: 2}[case.result]


@pytest.mark.parametrize("role", [r.id for r in ucpolicy.roles()])
def test_every_role_reports_only_its_rules_with_its_severities(role, checker, pki):
    """A finding's code is a rule the role binds for the product, at the role's severity."""
    issued = pki.leaf("*.contoso.com", ["*.contoso.com", "exch01.contoso.com"], eku=[cf.CLIENT_AUTH], cdp=False)
    for product in ucpolicy.role(role).products:
        report = checker.check(issued.pem_bundle(), role, fqdn="exch01.contoso.com", product=product)
        bound = {r.code: r.severity for r in ucpolicy.rules(role, product=product)}
        assert report.product is product
        assert report.findings, "a certificate this wrong must break something"
        for f in report.findings:
            assert f.code in bound, f"{role}/{product}: {f.code} is not a rule of the role"
            assert f.severity == bound[f.code], f"{role}/{product}: {f.code}"
        # The result follows from the severities.
        worst = max((f.severity for f in report.findings), default=None)
        expected = Result.FAIL if worst is E else Result.WARNING if worst is W else Result.PASS
        assert report.result is expected
