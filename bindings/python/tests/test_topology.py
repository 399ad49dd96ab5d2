# SPDX-License-Identifier: MIT
"""The deployment's own topology: a Topology Builder file (tests/topology) as ``topology=``,
its server chosen with ``server=``, and :func:`ucpolicy.topology_servers`."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import certfactory as cf

import ucpolicy

TOPOLOGY_DIR = Path(__file__).resolve().parents[3] / "tests" / "topology"
ENTERPRISE = TOPOLOGY_DIR / "contoso-enterprise.tbxml"
SE = TOPOLOGY_DIR / "contoso-se.tbxml"


@pytest.fixture(scope="module")
def fe01(pki: cf.Pki) -> cf.Issued:
    """The Default certificate of fe01 in pool01: the pool, the server, the simple URLs and the
    sip / lyncdiscoverinternal names of the three SIP domains."""
    names = ["pool01.contoso.com", "fe01.contoso.com", "meet.contoso.com", "meet.fabrikam.com",
             "dialin.contoso.com", "admin.contoso.com"]
    for domain in ("contoso.com", "fabrikam.com", "litwareinc.com"):
        names += [f"sip.{domain}", f"lyncdiscoverinternal.{domain}"]
    return pki.leaf("pool01.contoso.com", names)


def codes(report: ucpolicy.Report) -> list[str]:
    return [f.code for f in report.findings]


def test_servers_listed() -> None:
    servers = ucpolicy.topology_servers(ENTERPRISE)
    assert len(servers) == 9
    assert servers[0] == ucpolicy.TopologyServer("fe01.contoso.com", "pool01.contoso.com")
    assert ucpolicy.TopologyServer("edge02.contoso.net", "edgepool.contoso.net") in servers
    assert "sql01.contoso.com" not in [s.fqdn for s in servers]
    assert ucpolicy.topology_servers(ENTERPRISE.read_bytes()) == servers
    assert ucpolicy.topology_servers(b'{"fqdn": "fe01.contoso.com"}') == ()


def test_server_facts_apply(checker: ucpolicy.Checker, fe01: cf.Issued) -> None:
    report = checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE, server="fe01.contoso.com")
    assert report.result == ucpolicy.Result.PASS, codes(report)
    assert report.topology.fqdn == "fe01.contoso.com"
    assert report.topology.pool == "pool01.contoso.com"
    assert len(report.topology.sip_domains) == 3

    report = checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE, server="FE02.contoso.com")
    assert report.result == ucpolicy.Result.FAIL
    assert "san.fqdn-missing" in codes(report)

    # The document as bytes; a fact given as an argument still wins.
    report = checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE.read_bytes(),
                           server="fe02.contoso.com", fqdn="fe01.contoso.com")
    assert report.result == ucpolicy.Result.PASS, codes(report)
    assert report.topology.fqdn == "fe01.contoso.com"


def test_server_must_be_chosen(checker: ucpolicy.Checker, fe01: cf.Issued) -> None:
    with pytest.raises(ucpolicy.TopologyError, match="9 servers") as e:
        checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE)
    assert isinstance(e.value, ValueError)
    assert "edge01.contoso.net" in str(e.value)
    with pytest.raises(ucpolicy.NotFoundError, match="no server 'nope.contoso.com'") as e2:
        checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE, server="nope.contoso.com")
    assert isinstance(e2.value, LookupError)
    with pytest.raises(ValueError, match="server needs topology"):
        checker.check(fe01.pem_bundle(), "frontend-default", server="fe01.contoso.com")
    with pytest.raises(TypeError):
        checker.check(fe01.pem_bundle(), "frontend-default", topology=ENTERPRISE, server=1)  # type: ignore[arg-type]
    # One server: no server= needed.
    report = checker.check(fe01.pem_bundle(), "frontend-default", topology=SE)
    assert report.topology.fqdn == "se01.contoso.com"


def test_bad_document(checker: ucpolicy.Checker, fe01: cf.Issued) -> None:
    hostile = (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
               b'<TopologyBuilder xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.TopologyBuilder.2008">&e;'
               b'</TopologyBuilder>')
    with pytest.raises(ucpolicy.TopologyError, match="DOCTYPE"):
        checker.check(fe01.pem_bundle(), "frontend-default", topology=hostile)
    with pytest.raises(ucpolicy.TopologyError, match=r"line 2, element <Cluster>"):
        ucpolicy.topology_servers(b'<Topology xmlns="urn:schema:Microsoft.Rtc.Management.Deploy.Topology.2008">\n'
                                  b'<Clusters><Cluster Fqdn="bad name"/></Clusters></Topology>')


def test_every_face_takes_server() -> None:
    for f in (ucpolicy.check, ucpolicy.probe, ucpolicy.Checker.check, ucpolicy.Checker.check_pool,
              ucpolicy.Checker.probe):
        assert "server" in inspect.signature(f).parameters, f.__qualname__
