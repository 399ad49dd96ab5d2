# SPDX-License-Identifier: MIT
"""Key facts, key usage, certificate templates, the deployment facts of a report, and the pool
check (every Edge Server of a pool, every Front End for OAuth: one certificate, one key).

Each fact the binding exposes is compared with what the library itself writes in the JSON report
(to_dict()), so the Python objects cannot drift from the C getters' meaning.
"""

from __future__ import annotations

import gc

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

import certfactory as cf

import ucpolicy
from ucpolicy import (CertificateTemplate, Fact, Field, KeyMatch, KeyProviderState, KeyStorage, KeyUsage, PoolState,
                      Product, Severity)

UM = dict(fqdn="exch01.contoso.com")
PW = b"Pool-pw"


# ---- key usage ----------------------------------------------------------------------------------


def test_key_usage_bits_and_names(checker, um):
    report = checker.check(um.pem_bundle(), "exchange-um", **UM)
    cert = report.certificate
    assert cert.has_key_usage and cert.key_usage_critical
    assert cert.key_usage == KeyUsage.DIGITAL_SIGNATURE | KeyUsage.KEY_ENCIPHERMENT
    assert KeyUsage.KEY_ENCIPHERMENT in cert.key_usage and KeyUsage.KEY_CERT_SIGN not in cert.key_usage
    assert cert.key_usage.names == ("digitalSignature", "keyEncipherment")
    assert not cert.eku_critical
    assert report.to_dict()["certificate"]["keyUsage"] == {"usages": list(cert.key_usage.names), "critical": True}
    # The CA certificates of the path: keyCertSign as the library reads it.
    issuing = report.chain[1].certificate
    assert issuing.is_ca


def test_no_key_usage_extension(checker, pki):
    leaf = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], key_usage=False)
    report = checker.check(leaf.pem_bundle(), "exchange-um", **UM)
    cert = report.certificate
    assert (cert.has_key_usage, cert.key_usage, cert.key_usage_critical) == (False, KeyUsage(0), False)
    assert cert.key_usage.names == ()
    assert report.to_dict()["certificate"]["keyUsage"] is None


def test_every_key_usage_bit_has_the_library_name():
    names = {bit: bit.names for bit in KeyUsage}
    assert names[KeyUsage.CRL_SIGN] == ("cRLSign",)
    assert names[KeyUsage.NON_REPUDIATION] == ("nonRepudiation",)
    assert len({n for (n,) in names.values()}) == 9


# ---- certificate templates ---------------------------------------------------------------------

TEMPLATE_OID = "1.3.6.1.4.1.311.21.8.1234.5678.17"


@pytest.mark.parametrize("extensions,expected", [
    ([cf.template_name_extension("WebServer")], CertificateTemplate("WebServer", None, None, None)),
    ([cf.template_extension(TEMPLATE_OID, 100, 4)], CertificateTemplate(None, TEMPLATE_OID, 100, 4)),
    ([cf.template_extension(TEMPLATE_OID)], CertificateTemplate(None, TEMPLATE_OID, None, None)),
    ([cf.template_name_extension("LyncServer"), cf.template_extension(TEMPLATE_OID, 2, 0)],
     CertificateTemplate("LyncServer", TEMPLATE_OID, 2, 0)),
    ([], None),
], ids=["v1-name", "v2-oid-versions", "v2-oid-only", "both", "none"])
def test_certificate_template(extensions, expected, checker, pki):
    leaf = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], extensions=extensions)
    report = checker.check(leaf.pem_bundle(), "exchange-um", **UM)
    assert report.certificate.template == expected
    rendered = report.to_dict()["certificate"]["template"]
    if expected is None:
        assert rendered is None
    else:
        assert rendered == {"name": expected.name, "oid": expected.oid, "majorVersion": expected.major_version,
                            "minorVersion": expected.minor_version}
    assert "input.template-malformed" not in report


def test_malformed_template_is_none_and_a_finding(checker, pki):
    bad = cf.x509.UnrecognizedExtension(cf.TEMPLATE_OID, b"\x30\x03\x02\x01\x01")  # no templateID
    leaf = pki.leaf("exch01.contoso.com", ["exch01.contoso.com"], extensions=[bad])
    report = checker.check(leaf.pem_bundle(), "exchange-um", **UM)
    assert report.certificate.template is None
    assert report.get("input.template-malformed")


# ---- private key facts ---------------------------------------------------------------------------


def test_pkcs12_key_facts_match_the_json(checker, um):
    report = checker.check(um.pkcs12(PW), "exchange-um", password=PW, **UM)
    key = report.private_key
    assert (key.present, key.matches_certificate, key.provider_state) == (True, KeyMatch.YES,
                                                                           KeyProviderState.NOT_RECORDED)
    assert report.to_dict()["privateKey"] == {
        "present": True, "matchesCertificate": "yes", "provider": None, "providerState": "not-recorded",
        "storage": "unknown", "friendlyName": "ucpolicy test"}


def test_pem_with_a_key_block(checker, um):
    """A PEM key block is compared with the certificate as a PKCS#12 key is; PEM records no
    provider. An encrypted block is read with the password, and is "unknown" without it."""
    from cryptography.hazmat.primitives import serialization
    key_pem = um.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    report = checker.check(um.pem_bundle() + key_pem, "exchange-um", **UM)
    key = report.private_key
    assert (key.present, key.matches_certificate, key.provider_state, key.storage, key.friendly_name) == (
        True, KeyMatch.YES, KeyProviderState.NOT_APPLICABLE, KeyStorage.UNKNOWN, None)
    assert report.to_dict()["privateKey"]["matchesCertificate"] == "yes"
    assert "private-key.mismatch" not in {f.code for f in report.findings}

    other = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    report = checker.check(um.pem_bundle() + other, "exchange-um", **UM)
    assert report.private_key.matches_certificate is KeyMatch.NO
    assert "private-key.mismatch" in {f.code for f in report.findings}

    encrypted = um.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.BestAvailableEncryption(b"s3cret"))
    assert checker.check(um.pem_bundle() + encrypted, "exchange-um", password="s3cret",
                         **UM).private_key.matches_certificate is KeyMatch.YES
    assert checker.check(um.pem_bundle() + encrypted, "exchange-um",
                         **UM).private_key.matches_certificate is KeyMatch.UNKNOWN


@pytest.mark.parametrize("provider,storage", [
    ("Microsoft Software Key Storage Provider", KeyStorage.KSP),
    ("Microsoft RSA SChannel Cryptographic Provider", KeyStorage.CSP),
    ("  microsoft enhanced rsa and aes cryptographic provider v1.0 ", KeyStorage.CSP),
    ("Contoso HSM", KeyStorage.UNKNOWN),
    (None, KeyStorage.UNKNOWN),
])
def test_key_storage_classify(provider, storage):
    assert KeyStorage.classify(provider) is storage


# ---- deployment facts of a report ------------------------------------------------------------------


def test_topology_of_a_report(checker, um):
    report = checker.check(um.pem_bundle(), "edge-external", fqdn="edge01.contoso.com", pool="edgepool.contoso.com",
                           sip_domains=["contoso.com", "fabrikam.com"], simple_urls="meet.contoso.com",
                           access_edge="sip.contoso.com", product="lync2013")
    topo = report.topology
    assert topo.product is Product.LYNC2013
    assert (topo.fqdn, topo.pool, topo.access_edge, topo.web_fqdn) == (
        "edge01.contoso.com", "edgepool.contoso.com", "sip.contoso.com", None)
    assert topo.sip_domains == ("contoso.com", "fabrikam.com")
    assert topo.get(Fact.SIMPLE_URL) == ("meet.contoso.com",) and topo.get(Fact.XMPP_DOMAIN) == ()
    rendered = report.to_dict()["topology"]
    assert rendered["product"] == "lync2013" and rendered["sipDomains"] == ["contoso.com", "fabrikam.com"]
    # The facts repeat the check.
    again = checker.check(um.pem_bundle(), "edge-external", **topo.as_kwargs())
    assert again.topology == topo
    assert [(f.code, f.args) for f in again.findings] == [(f.code, f.args) for f in report.findings]


def test_topology_without_facts(checker, um):
    topo = checker.check(um.pem_bundle(), "exchange-um").topology
    assert topo == ucpolicy.Topology(product=Product.SFB2019)
    assert topo.as_kwargs() == {"product": Product.SFB2019}


# ---- pool check -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def edge(pki):
    """The Edge pool's internal certificate, its re-issue with the same key, and another key's."""
    same = pki.leaf("edgeint.contoso.com", ["edgeint.contoso.com"], key=cf.rsa_key(2048, slot=3))
    reissued = pki.leaf("edgeint.contoso.com", ["edgeint.contoso.com"], key=cf.rsa_key(2048, slot=3))
    other = pki.leaf("edgeint.contoso.com", ["edgeint.contoso.com"], key=cf.rsa_key(2048, slot=4))
    return same, reissued, other


def test_pool_of_identical_servers(checker, edge, write):
    files = [write(edge[0], f"edge0{i}", "pfx", PW) for i in (1, 2, 3)]
    report = checker.check(files[0], "edge-internal", fqdn="edgeint.contoso.com", password=PW,
                           same_certificate=files[1:])
    assert [m.state for m in report.pool] == [PoolState.REFERENCE, PoolState.IDENTICAL, PoolState.IDENTICAL]
    assert [m.name for m in report.pool] == [str(f) for f in files]
    assert [m.index for m in report.pool] == [0, 1, 2] and all(m.consistent for m in report.pool)
    assert all(m.certificate == report.certificate for m in report.pool)
    assert "private-key.pool-mismatch" not in report
    assert [e["state"] for e in report.to_dict()["pool"]] == ["reference", "identical", "identical"]


def test_pool_with_a_renewed_and_a_foreign_server(checker, edge, write):
    ref = write(edge[0], "edge-ref", "pfx", PW)
    renewed = write(edge[1], "edge-renewed", "pfx", PW)
    foreign = write(edge[2], "edge-foreign", "pfx", PW)
    report = checker.check_pool([ref, renewed, foreign], "edge-internal", fqdn="edgeint.contoso.com", password=PW)
    assert [m.state for m in report.pool] == [PoolState.REFERENCE, PoolState.SAME_KEY, PoolState.DIFFERENT_KEY]
    assert [m.consistent for m in report.pool] == [True, False, False]
    assert report.pool[2].certificate.sha1 != report.certificate.sha1
    mismatches = report.get("private-key.pool-mismatch")
    assert {f.args["file"] for f in mismatches} == {str(renewed), str(foreign)}
    assert all(f.severity is Severity.ERROR and f.field is Field.PRIVATE_KEY for f in mismatches)
    assert all(f.args["reference"] == str(ref) for f in mismatches)
    assert not report.ok
    # The same through check(same_certificate=...), with the pool given as one input.
    single = checker.check(ref, "edge-internal", fqdn="edgeint.contoso.com", password=PW, same_certificate=foreign)
    assert [m.state for m in single.pool] == [PoolState.REFERENCE, PoolState.DIFFERENT_KEY]


def test_pool_of_data_inputs_with_names(checker, edge):
    report = checker.check_pool([edge[0].pkcs12(PW), edge[2].pkcs12(PW)], "edge-internal", password=PW,
                                names=["edge01.pfx", "edge02.pfx"])
    assert [(m.name, m.state) for m in report.pool] == [("edge01.pfx", PoolState.REFERENCE),
                                                       ("edge02.pfx", PoolState.DIFFERENT_KEY)]
    assert report.input_name == "edge01.pfx"


def test_pool_comparison_only_fails_roles_that_need_one_certificate(checker, edge):
    report = checker.check_pool([edge[0].pkcs12(PW), edge[2].pkcs12(PW)], "exchange-um", password=PW)
    assert [m.state for m in report.pool] == [PoolState.REFERENCE, PoolState.DIFFERENT_KEY]
    assert "private-key.pool-mismatch" not in report


def test_a_plain_check_has_no_pool(checker, um):
    report = checker.check(um.pem_bundle(), "edge-internal")
    assert report.pool == () and report.to_dict()["pool"] is None


def test_pool_argument_errors(checker, edge, certdir):
    with pytest.raises(ucpolicy.InvalidArgumentError):
        checker.check_pool([], "edge-internal")
    with pytest.raises(ucpolicy.InvalidArgumentError):
        checker.check_pool([edge[0].der()] * 65, "edge-internal")
    with pytest.raises(TypeError):
        checker.check_pool(edge[0].der(), "edge-internal")  # one input, not a list of them
    with pytest.raises(ValueError):
        checker.check_pool([edge[0].der(), edge[1].der()], "edge-internal", names=["one"])
    with pytest.raises(ucpolicy.IoError) as missing:
        checker.check_pool([edge[0].der(), certdir / "no-such-server.pfx"], "edge-internal")
    assert "no-such-server.pfx" in str(missing.value)
    with pytest.raises(ucpolicy.UnknownRoleError):
        checker.check_pool([edge[0].der(), edge[1].der()], "no-such-role")
    # 64 is the limit, and allowed.
    assert len(checker.check_pool([edge[0].der()] * 64, "edge-internal").pool) == 64


def test_pool_report_outlives_its_checker(root_pem, edge, now):
    with ucpolicy.Checker(trust=root_pem, at=now) as c:
        report = c.check_pool([edge[0].pkcs12(PW), edge[2].pkcs12(PW)], "edge-internal", password=PW)
    gc.collect()
    assert report.pool[1].certificate.subject == "CN=edgeint.contoso.com,O=Contoso"
    assert '"different-key"' in report.to_json()
