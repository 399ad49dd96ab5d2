"""The policy catalogue (libucpolicy/policy/catalogue/*.yaml), loaded and validated: the one
reader of its YAML. gen-catalogue.py compiles what it returns into C tables, gen-docs.py into the
Markdown pages of docs/rules/ and docs/sources.md.

load(CATALOGUE_DIR) returns a Catalogue or raises CatalogueError with a message naming the file
and the entry:
  * every key of every entry is known, every severity/field/fact/flag/product value is valid;
  * every source has a title and a whole http(s) URL, or a `where` when it has no URL: a path
    in this repository (which must exist) or "repo OWNER/NAME PATH" for a file of another
    public repository;
  * every source key a rule or a binding cites exists in sources.yaml;
  * every {placeholder} of a template is an argument the rule declares;
  * every role binding names an existing rule; every included group exists;
  * aliases and ids are unique case-insensitively across roles.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PRODUCTS = ["lync2010", "lync2013", "sfb2015", "sfb2019"]
SEVERITIES = {"info": 0, "warning": 1, "error": 2}
FIELDS = ["subject", "san", "eku", "key-usage", "key", "signature", "validity", "revocation",
          "chain", "basic-constraints", "private-key", "input", "serial"]
FACTS = ["fqdn", "pool", "sip-domain", "simple-url", "web-fqdn", "access-edge", "webconf-edge",
         "xmpp-domain"]
FLAGS = ["explicit", "wildcard-ok", "cn-counts", "internal", "no-admin", "absent-ok", "no-idn"]
RULE_KEYS = {"field", "title", "args", "message", "expected", "actual", "remediation", "sources", "flags"}
BINDING_KEYS = {"rule", "severity", "text", "sources", "facts", "allow", "flags", "message", "remediation"}
ROLE_KEYS = {"id", "title", "description", "aliases", "products", "facts", "include", "rules"}
SOURCE_KEYS = {"title", "url", "where"}


class CatalogueError(Exception):
    """The catalogue is invalid; the message names the file and the entry."""


def fail(msg):
    raise CatalogueError(msg)


@dataclass
class Binding:
    """A rule as a role binds it, after the baseline, the groups and the role's own bindings are
    merged (a later binding of a code replaces an earlier one)."""
    code: str
    spec: dict          # the binding as written in roles.yaml
    origin: str         # where it was written: a role id ("tls-server" for the baseline) or a group name
    group: bool         # origin is a group of roles.yaml, not a role
    baseline: bool      # inherited unchanged from the tls-server role
    severity: list      # per product (PRODUCTS order): a SEVERITIES value, -1 = does not apply
    text: str           # the requirement as the role states it (default: the rule's title)
    sources: list       # source keys (default: the rule's)

    def applies(self):
        return any(s >= 0 for s in self.severity)


@dataclass
class Role:
    spec: dict
    id: str
    title: str
    description: str
    aliases: list
    products: list
    required: list      # facts, in the order roles.yaml gives them
    optional: list
    bindings: list = field(default_factory=list)


@dataclass
class Catalogue:
    sources: dict       # key -> {title, url, where?}, in file order
    rules: dict         # code -> rule entry, in file order
    groups: dict        # name -> list of bindings
    roles: list         # Role, in file order; roles[0] is tls-server

    @property
    def rule_codes(self):
        return list(self.rules)


def placeholders(template):
    return set(re.findall(r"\{([a-z_]+)\}", template or ""))


def _load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        fail(f"{path}: {e}")


def check_sources(where, keys, sources):
    if not isinstance(keys, list) or not keys:
        fail(f"{where}: sources must be a non-empty list")
    for k in keys:
        if k not in sources:
            fail(f"{where}: unknown source key '{k}' (not in sources.yaml)")


def parse_severity(where, sev):
    """Return a 4-list of severity ints (-1 = not applied), or None for `none`."""
    if isinstance(sev, str):
        if sev == "none":
            return None
        if sev not in SEVERITIES:
            fail(f"{where}: unknown severity '{sev}'")
        return [SEVERITIES[sev]] * 4
    if isinstance(sev, dict):
        out = [-1] * 4
        for prod, s in sev.items():
            if prod not in PRODUCTS:
                fail(f"{where}: unknown product '{prod}'")
            if s not in SEVERITIES:
                fail(f"{where}: unknown severity '{s}'")
            out[PRODUCTS.index(prod)] = SEVERITIES[s]
        return out
    fail(f"{where}: severity must be a name or a product map")


def applicable_severity(code, sev, products, facts, per_product=False):
    """The two input rules of the baseline can fire only in some roles: input.role-product for
    the products a role does not exist in, input.facts-missing when the role requires facts.
    Elsewhere the binding applies to no product, so that the catalogue never claims a rule that
    no certificate or deployment can trigger (ucp_role_rule_applies() says false).

    A binding whose severity is given per product (a product map in roles.yaml) states what a
    release requires; for a release the role does not exist in (Persistent Chat on Lync 2010,
    say) it has no meaning and does not apply. Bindings with one severity keep applying to every
    product: the role's rules are still checked, and input.role-product says the release is wrong."""
    if code == "input.role-product":
        return [s if PRODUCTS[i] not in products else -1 for i, s in enumerate(sev)]
    if code == "input.facts-missing" and not facts.get("required"):
        return [-1] * len(sev)
    if per_product:
        return [s if PRODUCTS[i] in products else -1 for i, s in enumerate(sev)]
    return sev


def _check_source_entries(sources, root):
    if not isinstance(sources, dict):
        fail("sources.yaml: a map of source keys")
    for key, s in sources.items():
        if not isinstance(s, dict) or set(s) - SOURCE_KEYS or "title" not in s or "url" not in s:
            fail(f"sources.yaml: {key}: needs title and url (and optional where)")
        where = s.get("where")
        url = s["url"]
        if url and (not re.match(r"https?://[^\s]+$", url) or url.count("(") != url.count(")")):
            fail(f"sources.yaml: {key}: url '{url}' is not a whole http(s) URL (unbalanced parentheses "
                 "are a truncated one)")
        if not url and not where:
            fail(f"sources.yaml: {key}: a source without a URL needs a 'where'")
        if where and not where.startswith("repo "):
            path = Path(where)
            if path.is_absolute() or ".." in path.parts or not (root / path).is_file():
                fail(f"sources.yaml: {key}: where '{where}' is not a file of this repository "
                     "(a relative path from its root, or 'repo OWNER/NAME PATH' for another one)")


def _check_rules(rules, sources):
    for code, r in rules.items():
        where = f"rules.yaml: {code}"
        if not re.fullmatch(r"[a-z-]+\.[a-z0-9-]+", code):
            fail(f"{where}: codes are '<field>.<name>' in lower case")
        unknown = set(r) - RULE_KEYS
        if unknown:
            fail(f"{where}: unknown keys {sorted(unknown)}")
        for k in ("field", "title", "args", "message", "remediation", "sources"):
            if k not in r:
                fail(f"{where}: missing '{k}'")
        if r["field"] not in FIELDS:
            fail(f"{where}: unknown field '{r['field']}'")
        if not code.startswith(r["field"] + "."):
            fail(f"{where}: the code must start with its field '{r['field']}.'")
        check_sources(where, r["sources"], sources)
        for flag in r.get("flags", []):
            if flag not in FLAGS:
                fail(f"{where}: unknown flag '{flag}'")
        for k in ("message", "expected", "actual", "remediation"):
            extra = placeholders(r.get(k)) - set(r["args"])
            if extra:
                fail(f"{where}: {k} uses undeclared arguments {sorted(extra)}")


def _check_binding(where, b, rules, sources):
    unknown = set(b) - BINDING_KEYS
    if unknown:
        fail(f"{where}: unknown keys {sorted(unknown)}")
    if b.get("rule") not in rules:
        fail(f"{where}: unknown rule '{b.get('rule')}'")
    if "severity" not in b:
        fail(f"{where}: missing severity")
    sev = parse_severity(where, b["severity"])
    if sev is not None and "sources" in b:
        check_sources(where, b["sources"], sources)
    for k in ("facts", "allow"):
        for f in b.get(k, []):
            if f not in FACTS:
                fail(f"{where}: unknown fact '{f}'")
    for flag in b.get("flags", []):
        if flag not in FLAGS:
            fail(f"{where}: unknown flag '{flag}'")
    args = set(rules[b["rule"]]["args"])
    for k in ("message", "remediation"):
        extra = placeholders(b.get(k)) - args
        if extra:
            fail(f"{where}: {k} uses undeclared arguments {sorted(extra)}")
    return sev


def load(cat_dir):
    """Load and validate CATALOGUE_DIR/{sources,rules,roles}.yaml."""
    cat_dir = Path(cat_dir)
    root = cat_dir.resolve().parents[2]  # libucpolicy/policy/catalogue -> the repository
    sources = _load(cat_dir / "sources.yaml")
    rules = _load(cat_dir / "rules.yaml")
    roles_doc = _load(cat_dir / "roles.yaml")

    _check_source_entries(sources, root)
    _check_rules(rules, sources)

    groups = roles_doc.get("groups", {})
    role_specs = roles_doc["roles"]
    if role_specs[0]["id"] != "tls-server":
        fail("roles.yaml: the first role must be tls-server (the baseline)")
    for gname, bindings in groups.items():
        for i, b in enumerate(bindings):
            _check_binding(f"roles.yaml: group {gname} #{i + 1} ({b.get('rule')})", b, rules, sources)

    names_seen = {}
    roles = []
    baseline = None
    for spec in role_specs:
        rid = spec.get("id")
        where = f"roles.yaml: role {rid}"
        unknown = set(spec) - ROLE_KEYS
        if unknown:
            fail(f"{where}: unknown keys {sorted(unknown)}")
        for k in ("id", "title", "description"):
            if k not in spec:
                fail(f"{where}: missing '{k}'")
        for name in [rid] + spec.get("aliases", []):
            low = name.lower()
            if low in names_seen:
                fail(f"{where}: name '{name}' already used by role {names_seen[low]}")
            names_seen[low] = rid
        products = spec.get("products", PRODUCTS)
        for p in products:
            if p not in PRODUCTS:
                fail(f"{where}: unknown product '{p}'")
        facts = spec.get("facts", {})
        if set(facts) - {"required", "optional"}:
            fail(f"{where}: facts has only 'required' and 'optional'")
        for f in facts.get("required", []) + facts.get("optional", []):
            if f not in FACTS:
                fail(f"{where}: unknown fact '{f}'")

        # Ordered: code -> (binding, origin, from a group?, baseline?)
        merged = {}
        if baseline is not None:
            for code, (b, origin, is_group, _) in baseline.items():
                merged[code] = (b, origin, is_group, True)
        layers = [(g, True, groups[g] if g in groups else fail(f"{where}: unknown group '{g}'"))
                  for g in spec.get("include", [])]
        layers.append((rid, False, spec.get("rules", [])))
        for origin, is_group, layer in layers:
            for i, b in enumerate(layer):
                sev = _check_binding(f"{where} #{i + 1} ({b.get('rule')})", b, rules, sources)
                code = b["rule"]
                if sev is None:
                    merged.pop(code, None)
                else:
                    merged[code] = (b, origin, is_group, False)
        if rid == "tls-server":
            baseline = dict(merged)

        role = Role(spec=spec, id=rid, title=spec["title"], description=spec["description"],
                    aliases=spec.get("aliases", []), products=products,
                    required=facts.get("required", []), optional=facts.get("optional", []))
        for code, (b, origin, is_group, is_base) in merged.items():
            sev = applicable_severity(code, parse_severity("", b["severity"]), products, facts,
                                      per_product=isinstance(b["severity"], dict))
            r = rules[code]
            role.bindings.append(Binding(code=code, spec=b, origin=origin, group=is_group, baseline=is_base,
                                         severity=sev, text=b.get("text", r["title"]),
                                         sources=b.get("sources", r["sources"])))
        roles.append(role)
    return Catalogue(sources=sources, rules=rules, groups=groups, roles=roles)
