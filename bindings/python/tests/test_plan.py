# SPDX-License-Identifier: MIT
"""The certificate plan of a deployment: :func:`ucpolicy.plan` and :func:`ucpolicy.render_plan`
over the topologies of tests/topology, checked name by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import ucpolicy

TOPOLOGY_DIR = Path(__file__).resolve().parents[3] / "tests" / "topology"
ENTERPRISE = TOPOLOGY_DIR / "contoso-enterprise.tbxml"
ADATUM = TOPOLOGY_DIR / "adatum-lync2013.tbxml"


def test_every_certificate() -> None:
    certs = ucpolicy.plan(ENTERPRISE)
    assert len(certs) == 24
    assert {c.server for c in certs} == {s.fqdn for s in ucpolicy.topology_servers(ENTERPRISE)}
    fe01 = [c for c in certs if c.server == "fe01.contoso.com"]
    assert [c.role for c in fe01] == ["frontend-default", "frontend-web-internal", "frontend-web-external",
                                      "oauth-token-issuer"]
    default = fe01[0]
    assert default.pool == "pool01.contoso.com" and default.product == "sfb2019"
    assert default.subject_name == "pool01.contoso.com"
    assert default.required_names == ("pool01.contoso.com", "fe01.contoso.com")
    assert "sip.fabrikam.com" in default.optional_names and "*.litwareinc.com" in default.optional_names
    assert default.eku == ("serverAuth",) and default.min_rsa_bits == 2048
    assert not default.public_ca and not default.pool_shared


def test_one_server() -> None:
    certs = ucpolicy.plan(ADATUM, server="LEDGE01.dmz.adatum.com")
    assert [c.role for c in certs] == ["edge-internal", "edge-external", "edge-av-auth"]
    external = certs[1]
    assert external.subject_name == "access.adatum.com"
    assert external.required_names == ("access.adatum.com", "webconf.adatum.com",
                                       "sip.adatum.com", "sip.adatum.org")
    assert external.optional_names == ("xmpp.adatum.com", "adatum.com")
    assert external.public_ca and external.pool_shared and external.exportable_key
    assert external.eku == ("serverAuth", "clientAuth") and not external.ecc_accepted


def test_requests() -> None:
    (default,) = [c for c in ucpolicy.plan(ADATUM, server="lfe01.adatum.com") if c.role == "frontend-default"]
    assert set(default.requests) == set(ucpolicy.REQUEST_FORMATS)
    assert 'cn = "lyncpool.adatum.com"' in default.request("certtool")
    assert "DNS.2 = lfe01.adatum.com" in default.request("OpenSSL")
    assert 'Subject = "CN=lyncpool.adatum.com"' in default.request()
    assert "Request-CsCertificate -New -Type Default" in default.request("powershell")
    with pytest.raises(ValueError):
        default.request("pkcs10")


def test_render() -> None:
    doc = json.loads(ucpolicy.render_plan(ADATUM, format="json"))
    assert [s["fqdn"] for s in doc["servers"]][:2] == ["lfe01.adatum.com", "lfe02.adatum.com"]
    assert doc["servers"][0]["certificates"][0]["requiredNames"] == ["lyncpool.adatum.com", "lfe01.adatum.com"]
    assert ucpolicy.render_plan(ADATUM, server="chat01.adatum.com", format=ucpolicy.OutputFormat.CSV).startswith(
        "server,pool,product,role,")
    assert "<h2>chat02.adatum.com</h2>" in ucpolicy.render_plan(ADATUM, format="html")


def test_errors() -> None:
    with pytest.raises(ucpolicy.NotFoundError) as e:
        ucpolicy.plan(ADATUM, server="nope.adatum.com")
    assert "lfe01.adatum.com" in str(e.value)
    with pytest.raises(ValueError):
        ucpolicy.plan(b'{"fqdn": "fe01.contoso.com"}')
    with pytest.raises(TypeError):
        ucpolicy.plan(ADATUM, server=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ucpolicy.render_plan(ADATUM, format="sarif")
