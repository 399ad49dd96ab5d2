/* SPDX-License-Identifier: MIT */
/*
 * A case, what it expects, and manifest.json (tests/FIXTURES.md), written with jansson.
 */
#include "certgen.h"

#include <stdio.h>
#include <string.h>

static json_t *cases_json, *errors_json, *exemptions_json;
static size_t ncases_pass, ncases_fail;

/* ---- cases -------------------------------------------------------------------------------- */

void case_init(struct xcase *c, const struct ucp_role *role, const struct topo *t)
{
    memset(c, 0, sizeof *c);
    c->role = role;
    c->topo = *t;
    c->trust[c->ntrust++] = ca_root.file;
    c->chain[c->nchain++] = ca_issuing.file;
    /* Roles that need a public CA: the test root stands for the public store. */
    if (binding(role, UCP_RULE_CHAIN_NOT_PUBLIC))
        c->public_roots[c->npublic++] = ca_root.file;
    c->format = "pem";
}

void expect(struct xcase *c, enum ucp_rule_id id)
{
    int sev = severity_of(c->role, id, c->topo.product);
    if (sev < 0)
        return;
    for (int i = 0; i < c->npresent; i++)
        if (c->present[i].id == id)
            return;
    if (c->npresent == (int)UCP_ARRAY_SIZE(c->present))
        die("%s: too many expected findings", c->id);
    c->present[c->npresent].id = id;
    c->present[c->npresent].severity = sev;
    c->present[c->npresent].remediation = NULL;
    c->present[c->npresent].cert_index = -1;
    c->npresent++;
}

void case_issuer(struct xcase *c, struct profile *pr, enum issuer_kind kind)
{
    struct issuer is = issuer_of(kind);
    pr->issuer = kind;
    if (is.nchain < 0)
        return;
    c->nchain = 0;
    for (int i = 0; i < is.nchain; i++)
        c->chain[c->nchain++] = is.chain[i];
}

/* Replace a list of files of a case by @a and @b (NULL: fewer). */
static void set_files(const char **list, int *n, const char *a, const char *b)
{
    *n = 0;
    if (a)
        list[(*n)++] = a;
    if (b)
        list[(*n)++] = b;
}

void case_chain(struct xcase *c, const char *a, const char *b)
{
    set_files(c->chain, &c->nchain, a, b);
}

void case_trust(struct xcase *c, const char *anchor)
{
    set_files(c->trust, &c->ntrust, anchor, NULL);
}

void case_public_root(struct xcase *c, const char *root)
{
    set_files(c->public_roots, &c->npublic, root, NULL);
}

void case_crls(struct xcase *c, const char *a, const char *b)
{
    set_files(c->crls, &c->ncrls, a, b);
}

/* ---- manifest.json ------------------------------------------------------------------------ */

void manifest_begin(void)
{
    cases_json = json_array();
    errors_json = json_array();
    exemptions_json = json_array();
}

static json_t *str_list(const char *const *v, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *topo_json(const struct topo *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "product", json_string(ucp_product_name(t->product)));
    for (unsigned f = 0; f < UCP_FACT_COUNT; f++) {
        if (!topo_count(t, (ucp_fact)f))
            continue;
        if (ucp_fact_is_list((ucp_fact)f))
            json_object_set_new(o, ucp_fact_json_key((ucp_fact)f), str_list(t->list[f], t->nlist[f]));
        else
            json_object_set_new(o, ucp_fact_json_key((ucp_fact)f), json_string(t->single[f]));
    }
    return o;
}

void manifest_add_case(const struct xcase *c)
{
    ucp_product p = c->topo.product;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(c->id));
    json_object_set_new(o, "role", json_string(ucp_role_id(c->role)));
    json_object_set_new(o, "rule", c->rule ? json_string(c->rule) : json_null());
    json_object_set_new(o, "kind", json_string(c->pass ? "pass" : "fail"));
    json_object_set_new(o, "description", json_string(c->description ? c->description : ""));
    json_object_set_new(o, "file", json_string(c->file));
    json_object_set_new(o, "password", c->password ? json_string(c->password) : json_null());
    json_object_set_new(o, "chain", str_list(c->chain, c->nchain));
    json_object_set_new(o, "trust", str_list(c->trust, c->ntrust));
    json_object_set_new(o, "publicRoots", str_list(c->public_roots, c->npublic));
    /* The optional fields of the contract, written only when a case uses them. */
    if (c->ncrls)
        json_object_set_new(o, "crls", str_list(c->crls, c->ncrls));
    if (c->online) {
        json_object_set_new(o, "online", json_true());
        if (c->timeout_ms)
            json_object_set_new(o, "timeoutMs", json_integer(c->timeout_ms));
    }
    if (c->npool)
        json_object_set_new(o, "pool", str_list(c->pool, c->npool));
    json_object_set_new(o, "topology", topo_json(&c->topo));
    int worst = -1;
    json_t *present = json_array();
    for (int i = 0; i < c->npresent; i++) {
        const struct expect_item *e = &c->present[i];
        if (e->severity > worst)
            worst = e->severity;
        json_t *item = json_object();
        json_object_set_new(item, "code", json_string(ucp_rules[e->id].code));
        json_object_set_new(item, "severity", json_string(ucp_severity_name((ucp_severity)e->severity)));
        if (e->remediation)
            json_object_set_new(item, "remediationContains", json_string(e->remediation));
        if (e->cert_index >= 0)
            json_object_set_new(item, "certificateIndex", json_integer(e->cert_index));
        json_array_append_new(present, item);
    }
    /* Every other rule the role applies for the product must stay silent. */
    json_t *absent = json_array();
    for (size_t i = 0; i < ucp_role_rule_count(c->role); i++) {
        const ucp_role_rule *rr = ucp_role_rule_at(c->role, i);
        if (!ucp_role_rule_applies(rr, p))
            continue;
        bool listed = false;
        for (int k = 0; k < c->npresent; k++)
            if (strcmp(ucp_rules[c->present[k].id].code, ucp_role_rule_code(rr)) == 0)
                listed = true;
        if (!listed)
            json_array_append_new(absent, json_string(ucp_role_rule_code(rr)));
    }
    if (c->pass && c->npresent)
        die("%s: a pass case with expected findings", c->id);
    if (!c->pass && !c->npresent)
        die("%s: a fail case without expected findings", c->id);
    const char *result = worst == UCP_SEVERITY_ERROR ? "fail" : worst == UCP_SEVERITY_WARNING ? "warning" : "pass";
    json_t *ex = json_object();
    json_object_set_new(ex, "result", json_string(result));
    json_object_set_new(ex, "format", json_string(c->format));
    json_object_set_new(ex, "present", present);
    json_object_set_new(ex, "absent", absent);
    json_object_set_new(o, "expect", ex);
    json_array_append_new(cases_json, o);
    if (c->pass)
        ncases_pass++;
    else
        ncases_fail++;
}

void manifest_add_input_error(const char *id, const char *file, const char *password, ucp_status status,
                              const char *desc)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "description", json_string(desc));
    json_object_set_new(o, "file", json_string(file));
    json_object_set_new(o, "password", password ? json_string(password) : json_null());
    json_object_set_new(o, "status", json_string(ucp_strerror_name(status)));
    json_array_append_new(errors_json, o);
}

void manifest_add_exemption(const struct ucp_role *role, const char *rule, const char *reason,
                            const char *covered_by)
{
    json_t *e = json_object();
    json_object_set_new(e, "role", json_string(ucp_role_id(role)));
    json_object_set_new(e, "rule", json_string(rule));
    json_object_set_new(e, "reason", json_string(reason));
    json_object_set_new(e, "coveredBy", json_string(covered_by));
    json_array_append_new(exemptions_json, e);
}

void manifest_write(void)
{
    char when[32];
    ucp_format_time(vt, when, sizeof when);
    json_t *manifest = json_object();
    json_object_set_new(manifest, "version", json_integer(1));
    json_object_set_new(manifest, "validationTime", json_string(when));
    json_t *gen = json_object();
    json_object_set_new(gen, "name", json_string("ucpolicy-certgen"));
    json_object_set_new(gen, "libucpolicy", json_string(ucp_version()));
    json_object_set_new(gen, "gnutls", json_string(gnutls_check_version(NULL)));
    json_object_set_new(manifest, "generator", gen);
    json_object_set_new(manifest, "cases", cases_json);
    json_object_set_new(manifest, "inputErrors", errors_json);
    json_object_set_new(manifest, "exemptions", exemptions_json);
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", outdir);
    if (json_dump_file(manifest, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        die("cannot write %s", path);
    printf("ucpolicy-certgen: %zu pass and %zu fail cases, %zu input errors, %zu exemptions in %s\n", ncases_pass,
           ncases_fail, json_array_size(errors_json), json_array_size(exemptions_json), outdir);
    json_decref(manifest);
}
