#!/usr/bin/env python3
"""Compile the policy catalogue (libucpolicy/policy/catalogue/*.yaml) into C tables.

Usage: gen-catalogue.py CATALOGUE_DIR OUT_C OUT_H

The catalogue is data (the documented rules of each role, as YAML); this script validates it and emits
  OUT_H  catalogue-ids.h:  enum ucp_rule_id, one value per rule code
  OUT_C  catalogue-data.c: the static reference, rule and role tables
so the library does no parsing at run time. Validation (the build fails with a message naming
the file and the entry):
  * every key of every entry is known, every severity/field/fact/flag/product value is valid;
  * every source key exists in sources.yaml;
  * every {placeholder} of a template is an argument the rule declares;
  * every role binding names an existing rule; every included group exists;
  * aliases and ids are unique case-insensitively across roles.
"""
import re
import sys

import yaml

PRODUCTS = ["lync2010", "lync2013", "sfb2015", "sfb2019"]
SEVERITIES = {"info": 0, "warning": 1, "error": 2}
FIELDS = ["subject", "san", "eku", "key-usage", "key", "signature", "validity", "revocation",
          "chain", "basic-constraints", "private-key", "input"]
FACTS = ["fqdn", "pool", "sip-domain", "simple-url", "web-fqdn", "access-edge", "webconf-edge",
         "xmpp-domain"]
FLAGS = ["explicit", "wildcard-ok", "cn-counts", "internal", "no-admin", "absent-ok", "no-idn"]
RULE_KEYS = {"field", "title", "args", "message", "expected", "actual", "remediation", "sources", "flags"}
BINDING_KEYS = {"rule", "severity", "text", "sources", "facts", "allow", "flags", "message", "remediation"}
ROLE_KEYS = {"id", "title", "description", "aliases", "products", "facts", "include", "rules"}


def fail(msg):
    sys.exit(f"gen-catalogue: {msg}")


def c_str(s):
    if s is None:
        return "NULL"
    s = " ".join(str(s).split())  # YAML folded text -> one line
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ident(code):
    return "UCP_RULE_" + re.sub(r"[^A-Za-z0-9]", "_", code).upper()


def placeholders(template):
    return set(re.findall(r"\{([a-z_]+)\}", template or ""))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def check_sources(where, keys, sources):
    if not isinstance(keys, list) or not keys:
        fail(f"{where}: sources must be a non-empty list")
    for k in keys:
        if k not in sources:
            fail(f"{where}: unknown source key '{k}' (not in sources.yaml)")


def parse_severity(where, sev):
    """Return a 4-list of severity ints (-1 = not applied)."""
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


def main():
    if len(sys.argv) != 4:
        fail(__doc__)
    cat_dir, out_c, out_h = sys.argv[1:]
    sources = load(f"{cat_dir}/sources.yaml")
    rules = load(f"{cat_dir}/rules.yaml")
    roles_doc = load(f"{cat_dir}/roles.yaml")

    for key, s in sources.items():
        if set(s) - {"title", "url", "where"} or "title" not in s or "url" not in s:
            fail(f"sources.yaml: {key}: needs title and url (and optional where)")

    # ---- rules
    rule_codes = list(rules)
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

    # ---- roles
    groups = roles_doc.get("groups", {})
    roles = roles_doc["roles"]
    if roles[0]["id"] != "tls-server":
        fail("roles.yaml: the first role must be tls-server (the baseline)")

    def check_binding(where, b):
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

    for gname, bindings in groups.items():
        for i, b in enumerate(bindings):
            check_binding(f"roles.yaml: group {gname} #{i + 1} ({b.get('rule')})", b)

    names_seen = {}
    expanded = []
    baseline = None
    for role in roles:
        rid = role.get("id")
        where = f"roles.yaml: role {rid}"
        unknown = set(role) - ROLE_KEYS
        if unknown:
            fail(f"{where}: unknown keys {sorted(unknown)}")
        for k in ("id", "title", "description"):
            if k not in role:
                fail(f"{where}: missing '{k}'")
        for name in [rid] + role.get("aliases", []):
            low = name.lower()
            if low in names_seen:
                fail(f"{where}: name '{name}' already used by role {names_seen[low]}")
            names_seen[low] = rid
        products = role.get("products", PRODUCTS)
        for p in products:
            if p not in PRODUCTS:
                fail(f"{where}: unknown product '{p}'")
        facts = role.get("facts", {})
        if set(facts) - {"required", "optional"}:
            fail(f"{where}: facts has only 'required' and 'optional'")
        for f in facts.get("required", []) + facts.get("optional", []):
            if f not in FACTS:
                fail(f"{where}: unknown fact '{f}'")

        # Ordered dict code -> (binding, baseline?)
        merged = {}
        if baseline is not None:
            for code, (b, _) in baseline.items():
                merged[code] = (b, True)
        layers = [groups[g] if g in groups else fail(f"{where}: unknown group '{g}'")
                  for g in role.get("include", [])]
        layers.append(role.get("rules", []))
        for layer in layers:
            for i, b in enumerate(layer):
                sev = check_binding(f"{where} #{i + 1} ({b.get('rule')})", b)
                code = b["rule"]
                if sev is None:
                    merged.pop(code, None)
                else:
                    merged[code] = (b, False)
        if rid == "tls-server":
            baseline = dict(merged)
        expanded.append((role, products, facts, merged))

    # ---- emit
    src_keys = list(sources)
    h = ["/* Generated by libucpolicy/policy/gen-catalogue.py from libucpolicy/policy/catalogue/. Do not edit. */",
         "#ifndef UCPOLICY_CATALOGUE_IDS_H", "#define UCPOLICY_CATALOGUE_IDS_H", "",
         "enum ucp_rule_id {"]
    for i, code in enumerate(rule_codes):
        h.append(f"    {ident(code)} = {i}, /* {code} */")
    h += [f"    UCP_RULE__COUNT = {len(rule_codes)}", "};", "", "#endif", ""]

    def flag_expr(flags):
        return " | ".join("UCP_RF_" + f.upper().replace("-", "_") for f in flags) or "0"

    def fact_expr(facts):
        return " | ".join(f"UCP_FACT_BIT(UCP_FACT_{f.upper().replace('-', '_')})" for f in facts) or "0"

    c = ["/* Generated by libucpolicy/policy/gen-catalogue.py from libucpolicy/policy/catalogue/. Do not edit. */",
         '#include "policy/catalogue-private.h"', ""]
    c.append("const struct ucp_reference ucp_references[] = {")
    for k in src_keys:
        s = sources[k]
        c.append(f"    {{ {c_str(k)}, {c_str(s['title'])}, {c_str(s['url'])} }},")
    c += ["};", f"const size_t ucp_reference_total = {len(src_keys)};", ""]

    ref_lists = {}

    def ref_list(keys):
        t = tuple(keys)
        if t not in ref_lists:
            name = f"refs_{len(ref_lists)}"
            ref_lists[t] = name
            items = ", ".join(f"&ucp_references[{src_keys.index(k)}]" for k in keys)
            c.append(f"static const struct ucp_reference *const {name}[] = {{ {items} }};")
        return ref_lists[t]

    arg_lists = {}
    for code, r in rules.items():
        ref_list(r["sources"])
        t = tuple(r["args"])
        if t and t not in arg_lists:
            name = f"args_{len(arg_lists)}"
            arg_lists[t] = name
            c.append(f"static const char *const {name}[] = {{ {', '.join(c_str(a) for a in t)} }};")
    for role, products, facts, merged in expanded:
        for code, (b, _) in merged.items():
            ref_list(b.get("sources", rules[code]["sources"]))
    c.append("")

    c.append("const struct ucp_rule ucp_rules[] = {")
    for code, r in rules.items():
        args = tuple(r["args"])
        c.append("    {")
        c.append(f"        .code = {c_str(code)}, .id = {ident(code)},")
        c.append(f"        .field = {FIELDS.index(r['field'])}, .title = {c_str(r['title'])},")
        c.append(f"        .message = {c_str(r['message'])},")
        c.append(f"        .expected = {c_str(r.get('expected', ''))},")
        c.append(f"        .actual = {c_str(r.get('actual', ''))},")
        c.append(f"        .remediation = {c_str(r['remediation'])},")
        c.append(f"        .refs = {ref_lists[tuple(r['sources'])]}, .nrefs = {len(r['sources'])},")
        c.append(f"        .args = {arg_lists[args] if args else 'NULL'}, .nargs = {len(args)},")
        c.append(f"        .flags = {flag_expr(r.get('flags', []))},")
        c.append("    },")
    c += ["};", f"const size_t ucp_rule_total = {len(rule_codes)};", ""]

    for n, (role, products, facts, merged) in enumerate(expanded):
        c.append(f"static const struct ucp_role_rule role_rules_{n}[] = {{")
        for code, (b, is_base) in merged.items():
            sev = applicable_severity(code, parse_severity("", b["severity"]), products, facts,
                                      per_product=isinstance(b["severity"], dict))
            r = rules[code]
            keys = b.get("sources", r["sources"])
            c.append("    {")
            c.append(f"        .rule = &ucp_rules[{rule_codes.index(code)}],")
            c.append(f"        .severity = {{ {', '.join(str(s) for s in sev)} }},")
            c.append(f"        .text = {c_str(b.get('text', r['title']))},")
            c.append(f"        .refs = {ref_lists[tuple(keys)]}, .nrefs = {len(keys)},")
            c.append(f"        .flags = {flag_expr(b.get('flags', []))},")
            c.append(f"        .facts = {fact_expr(b.get('facts', []))},")
            c.append(f"        .allow = {fact_expr(b.get('allow', []))},")
            c.append(f"        .message = {c_str(b.get('message'))},")
            c.append(f"        .remediation = {c_str(b.get('remediation'))},")
            c.append(f"        .baseline = {'true' if is_base else 'false'},")
            c.append("    },")
        c.append("};")
        aliases = role.get("aliases", [])
        if aliases:
            c.append(f"static const char *const role_aliases_{n}[] = {{ {', '.join(c_str(a) for a in aliases)} }};")
        index = [-1] * len(rule_codes)
        for i, code in enumerate(merged):
            index[rule_codes.index(code)] = i
        c.append(f"static const int16_t role_index_{n}[] = {{ {', '.join(str(i) for i in index)} }};")
        c.append("")

    c.append("const struct ucp_role ucp_roles[] = {")
    for n, (role, products, facts, merged) in enumerate(expanded):
        aliases = role.get("aliases", [])
        pmask = " | ".join(f"(1u << {PRODUCTS.index(p)})" for p in products)
        c.append("    {")
        c.append(f"        .id = {c_str(role['id'])}, .title = {c_str(role['title'])},")
        c.append(f"        .description = {c_str(role['description'])},")
        c.append(f"        .aliases = {f'role_aliases_{n}' if aliases else 'NULL'}, .naliases = {len(aliases)},")
        c.append(f"        .products = {pmask},")
        c.append(f"        .required_facts = {fact_expr(facts.get('required', []))},")
        c.append(f"        .optional_facts = {fact_expr(facts.get('optional', []))},")
        c.append(f"        .rules = role_rules_{n}, .nrules = {len(merged)},")
        c.append(f"        .index = role_index_{n},")
        c.append("    },")
    c += ["};", f"const size_t ucp_role_total = {len(expanded)};", ""]

    with open(out_h, "w", encoding="utf-8") as f:
        f.write("\n".join(h))
    with open(out_c, "w", encoding="utf-8") as f:
        f.write("\n".join(c))


if __name__ == "__main__":
    main()
