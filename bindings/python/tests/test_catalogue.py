# SPDX-License-Identifier: MIT
"""The package's surface: import, versions, enums against the C library, the catalogue."""

from __future__ import annotations

import importlib.resources
import subprocess
import sys

import pytest

import ucpolicy
from ucpolicy import ChainStatus, Fact, Field, Format, Product, Result, SanType, Severity, SystemTrust

lib = ucpolicy._lib


def test_import_smoke():
    assert ucpolicy.__version__ == lib.UCP_VERSION == ucpolicy.library_version()
    assert ucpolicy.gnutls_version().count(".") >= 1
    assert not [name for name in ucpolicy.__all__ if not hasattr(ucpolicy, name)]
    assert importlib.resources.files("ucpolicy").joinpath("py.typed").is_file()  # PEP 561


def test_import_does_not_load_cryptography():
    code = "import sys, ucpolicy; print('cryptography' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_private_module_is_private():
    """The SWIG module is only reachable as ucpolicy._ucpolicy; none of its names are public."""
    assert not [n for n in ucpolicy.__all__ if n.startswith("ucp_") or n.startswith("UCP_")]
    assert not hasattr(lib, "ucp_error_last") and not hasattr(lib, "ucp_buffer_dispose")


@pytest.mark.parametrize("enum,count,name_of", [
    (Result, 3, lib.ucp_result_name),
    (Field, 13, lib.ucp_field_name),
    (Product, 4, lib.ucp_product_name),
    (Fact, lib.UCP_FACT_COUNT, lib.ucp_fact_name),
    (Format, 4, lib.ucp_format_name),
    (ChainStatus, 4, lib.ucp_chain_status_name),
    (SanType, 5, lib.ucp_san_type_name),
], ids=lambda v: getattr(v, "__name__", ""))
def test_str_enums_are_the_library_names(enum, count, name_of):
    assert [m.value for m in enum] == [name_of(i) for i in range(count)]
    assert name_of(count) == ""  # the C enum ends there
    for member in enum:
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert enum.parse(member.value.upper()) is member


def test_severity():
    assert [(s.value, str(s)) for s in Severity] == [(i, lib.ucp_severity_name(i)) for i in range(3)]
    assert Severity.INFO < Severity.WARNING < Severity.ERROR and max(Severity) is Severity.ERROR
    assert Severity.parse("Error") is Severity.ERROR and Severity.parse(1) is Severity.WARNING
    assert f"{Severity.ERROR:>7}" == "  error"
    with pytest.raises(ValueError):
        Severity.parse("fatal")


def test_facts_and_products():
    assert [f.is_list for f in Fact] == [bool(lib.ucp_fact_is_list(i)) for i in range(lib.UCP_FACT_COUNT)]
    assert [f.keyword for f in Fact if f.is_list] == ["sip_domains", "simple_urls"]
    assert Product.SFB2019.display_name == "Skype for Business Server 2019"
    assert [p.display_name for p in Product] == [lib.ucp_product_title(i) for i in range(4)]
    assert [lib.ucp_product_from_name(p.value) for p in Product] == [0, 1, 2, 3]
    assert {m.value for m in SystemTrust} == {"auto", "on", "off"}


def test_roles():
    roles = ucpolicy.roles()
    assert len(roles) == lib.ucp_role_count() and len({r.id for r in roles}) == len(roles)
    assert roles is ucpolicy.roles()  # static data, read once
    um = ucpolicy.role("exchange-um")
    assert um.title == "Exchange Unified Messaging - UM service" and "UM" in um.aliases
    assert um.required_facts == (Fact.FQDN,) and um.optional_facts == ()
    assert ucpolicy.role("um") is um and ucpolicy.role("UnifiedMessaging") is um and ucpolicy.role(um) is um
    fe = ucpolicy.role("FrontEndDefault")
    assert fe.required_facts == (Fact.FQDN, Fact.POOL) and fe.optional_facts == (Fact.SIP_DOMAIN,)
    assert ucpolicy.role("persistent-chat").products == (Product.LYNC2013, Product.SFB2015)
    for r in roles:
        assert r.rule_count == lib.ucp_role_rule_count(lib.ucp_role_find(r.id)) > 0
        assert ucpolicy.role(r.id) is r and str(r) == r.id


def test_rules_of_the_catalogue():
    rules = ucpolicy.rules()
    assert len(rules) == lib.ucp_rule_count() and len({r.code for r in rules}) == len(rules)
    wildcard = next(r for r in rules if r.code == "subject.cn-wildcard")
    assert wildcard.field is Field.SUBJECT and "exchange-um" in wildcard.roles
    for role in ucpolicy.roles():
        for rr in ucpolicy.rules(role, product=role.products[-1]):
            assert role.id in next(r for r in rules if r.code == rr.code).roles


def test_rules_of_a_role():
    rules = ucpolicy.rules("UM")
    assert rules == ucpolicy.role("exchange-um").rules() == ucpolicy.rules("exchange-um", product="sfb2019")
    wildcard = next(r for r in rules if r.code == "subject.cn-wildcard")
    assert wildcard.severity is Severity.ERROR and not wildcard.baseline
    assert wildcard.title == "Wildcard in the subject common name"
    assert [ref.key for ref in wildcard.references] == ["L13-WILD", "B-821", "L13-UMCERT"]
    assert any(r.baseline for r in rules)
    assert all(r.role == "exchange-um" and r.product is Product.SFB2019 for r in rules)
    # Products change what applies: Persistent Chat exists in SfB 2015, not 2019.
    assert ucpolicy.rules("persistent-chat", product=Product.SFB2015)
