# SPDX-License-Identifier: MIT
"""The built-in policy catalogue: roles, rules and their sources (static data of the library)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple, Union, overload

from . import _ucpolicy as _lib
from ._enums import (Fact, Field, OutputFormat, Product, Severity, _field_from_c, _fact_to_c, _output_format_to_c,
                     _product_to_c)
from ._errors import UnknownRoleError
from ._models import Reference, _reference_from_c

__all__ = ["Role", "Rule", "RoleRule", "roles", "role", "rules", "render_roles", "render_rules"]


@dataclass(frozen=True)
class Role:
    """A UC server role of the catalogue (ucp_role)."""

    id: str
    """The stable id, e.g. "exchange-um"."""
    title: str
    """A display name, e.g. "Exchange Unified Messaging - UM service"."""
    description: str
    """What the certificate of this role is for."""
    aliases: Tuple[str, ...]
    """Get-CsCertificate -Type / Enable-ExchangeCertificate -Services names ("UM"...)."""
    products: Tuple[Product, ...]
    """The product releases the role exists in."""
    required_facts: Tuple[Fact, ...]
    """Deployment facts the role's name rules need (missing: an "input.facts-missing" warning)."""
    optional_facts: Tuple[Fact, ...]
    """Deployment facts the role uses when given."""
    rule_count: int
    """Number of rules bound to the role, the tls-server baseline included."""

    def rules(self, product: Union[Product, str] = Product.SFB2019) -> Tuple["RoleRule", ...]:
        """The rules that apply to this role for a product release."""
        return rules(self.id, product=product)

    def __str__(self) -> str:
        return self.id


@dataclass(frozen=True)
class Rule:
    """A rule of the catalogue (ucp_rule), with the roles that bind it."""

    code: str
    """The stable code, e.g. "subject.cn-wildcard"."""
    title: str
    field: Field
    remediation: str
    """The generic remediation text (a role may word it more precisely)."""
    roles: Tuple[str, ...]
    """Ids of the roles that bind the rule."""

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class RoleRule:
    """A rule as a role binds it for a product release (ucp_role_rule)."""

    role: str
    product: Product
    code: str
    title: str
    """The rule's one-line title."""
    field: Field
    severity: Severity
    """The severity of its findings for :attr:`product`."""
    text: str
    """The requirement as this role states it."""
    baseline: bool
    """Whether it comes from the generic tls-server baseline rather than the role itself."""
    references: Tuple[Reference, ...]

    def __str__(self) -> str:
        return self.code


def _role_from_c(r: Any) -> Role:
    return Role(
        id=_lib.ucp_role_id(r),
        title=_lib.ucp_role_title(r),
        description=_lib.ucp_role_description(r),
        aliases=tuple(_lib.ucp_role_alias_at(r, i) for i in range(_lib.ucp_role_alias_count(r))),
        products=tuple(p for p in Product if _lib.ucp_role_in_product(r, _product_to_c(p))),
        required_facts=tuple(f for f in Fact if _lib.ucp_role_requires_fact(r, _fact_to_c(f))),
        optional_facts=tuple(f for f in Fact if not _lib.ucp_role_requires_fact(r, _fact_to_c(f))
                             and _lib.ucp_role_uses_fact(r, _fact_to_c(f))),
        rule_count=int(_lib.ucp_role_rule_count(r)),
    )


@functools.lru_cache(maxsize=None)
def roles() -> Tuple[Role, ...]:
    """Every role of the catalogue, in the catalogue's order (as ``ucpolicy roles`` lists them)."""
    return tuple(_role_from_c(_lib.ucp_role_at(i)) for i in range(_lib.ucp_role_count()))


def _find_role(name: Union[str, Role]) -> Any:
    if isinstance(name, Role):
        name = name.id
    if not isinstance(name, str):
        raise TypeError(f"role: expected a role id or a Role, not {type(name).__name__}")
    found = _lib.ucp_role_find(name)
    if found is None:
        raise UnknownRoleError(f"unknown role '{name}'; ucpolicy.roles() lists them "
                               f"({', '.join(r.id for r in roles())})")
    return found


def role(name: Union[str, Role]) -> Role:
    """The role with an id or alias, case-insensitively ("exchange-um", "UM", "WebServicesExternal").

    Raises:
        UnknownRoleError: (also a KeyError) no such role.
    """
    found_id = _lib.ucp_role_id(_find_role(name))
    return next(r for r in roles() if r.id == found_id)


@functools.lru_cache(maxsize=None)
def _all_rules() -> Tuple[Rule, ...]:
    bindings: Dict[str, List[str]] = {}
    for i in range(_lib.ucp_role_count()):
        r = _lib.ucp_role_at(i)
        for k in range(_lib.ucp_role_rule_count(r)):
            bindings.setdefault(_lib.ucp_role_rule_code(_lib.ucp_role_rule_at(r, k)), []).append(_lib.ucp_role_id(r))
    out = []
    for i in range(_lib.ucp_rule_count()):
        rule = _lib.ucp_rule_at(i)
        code = _lib.ucp_rule_code(rule)
        out.append(Rule(code=code, title=_lib.ucp_rule_title(rule), field=_field_from_c(_lib.ucp_rule_field(rule)),
                        remediation=_lib.ucp_rule_remediation(rule), roles=tuple(bindings.get(code, ()))))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def _role_rules(role_id: str, product: Product) -> Tuple[RoleRule, ...]:
    r = _find_role(role_id)
    c_product = _product_to_c(product)
    out = []
    for i in range(_lib.ucp_role_rule_count(r)):
        rr = _lib.ucp_role_rule_at(r, i)
        if not _lib.ucp_role_rule_applies(rr, c_product):
            continue
        rule = _lib.ucp_role_rule_rule(rr)
        out.append(RoleRule(
            role=role_id, product=product, code=_lib.ucp_role_rule_code(rr), title=_lib.ucp_rule_title(rule),
            field=_field_from_c(_lib.ucp_rule_field(rule)),
            severity=Severity(_lib.ucp_role_rule_severity(rr, c_product)), text=_lib.ucp_role_rule_text(rr),
            baseline=bool(_lib.ucp_role_rule_is_baseline(rr)),
            references=tuple(_reference_from_c(_lib.ucp_role_rule_reference_at(rr, k))
                             for k in range(_lib.ucp_role_rule_reference_count(rr)))))
    return tuple(out)


@overload
def rules(role: None = None, *, product: Union[Product, str] = ...) -> Tuple[Rule, ...]: ...


@overload
def rules(role: Union[str, Role], *, product: Union[Product, str] = ...) -> Tuple[RoleRule, ...]: ...


def rules(role: Union[str, Role, None] = None, *,
          product: Union[Product, str] = Product.SFB2019) -> Union[Tuple[Rule, ...], Tuple[RoleRule, ...]]:
    """The rules of the catalogue, or those a role binds for a product release.

    ``rules()`` lists every rule (:class:`Rule`, with the roles binding it);
    ``rules("exchange-um")`` the rules that apply to the role for ``product`` (default
    "sfb2019"), with their severities and the role's wording (:class:`RoleRule`), as
    ``ucpolicy rules [--role ROLE] [--product PRODUCT]`` lists them.

    Raises:
        UnknownRoleError: no such role.
        UnknownProductError: (also a KeyError) no such product.
    """
    if role is None:
        return _all_rules()
    role_id = _lib.ucp_role_id(_find_role(role))
    # Parsed by the library, so an unknown product raises its UnknownProductError.
    parsed = Product(_lib.ucp_product_name(_lib.ucp_product_from_name(str(product))))
    return _role_rules(role_id, parsed)


def render_roles(format: Union[OutputFormat, str] = OutputFormat.TEXT) -> str:
    """The roles as ``ucpolicy roles [--format json]`` lists them, rendered by the library
    (ucp_catalogue_render_roles): "text" or "json" (an array, one role a line).

    Raises:
        InvalidArgumentError: (also a ValueError) an unknown format name.
        UnsupportedError: a format the listing has not ("sarif"...).
    """
    return str(_lib.ucp_catalogue_render_roles(_output_format_to_c(format), 0))


def render_rules(role: Union[str, Role, None] = None, *, product: Union[Product, str] = Product.SFB2019,
                 format: Union[OutputFormat, str] = OutputFormat.TEXT) -> str:
    """The rules as ``ucpolicy rules [--role ROLE --product PRODUCT] [--format json]`` lists
    them, rendered by the library (ucp_catalogue_render_rules): every rule, or those of a role
    for a product release with their severities, the role's wording and the sources.

    Raises:
        UnknownRoleError: no such role.
        UnknownProductError: no such product.
        InvalidArgumentError, UnsupportedError: as for :func:`render_roles`.
    """
    c_format = _output_format_to_c(format)
    if isinstance(role, Role):
        role = role.id
    elif role is not None and not isinstance(role, str):
        raise TypeError(f"role: expected a role id or a Role, not {type(role).__name__}")
    # Parsed by the library, so an unknown product raises its UnknownProductError.
    c_product = _lib.ucp_product_from_name(str(product))
    return str(_lib.ucp_catalogue_render_rules(role, c_product, c_format, 0))
