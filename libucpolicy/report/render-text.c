/* SPDX-License-Identifier: MIT */
/* The text report for people: what was checked, the chain, then each finding with its fix. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report-private.h"

#define WIDTH 100

struct out {
    struct ucp_strbuf sb;
    bool color;
};

static const char *col(const struct out *o, const char *code)
{
    return o->color ? code : "";
}

/* Append @text wrapped at WIDTH columns, continuation lines indented by @indent spaces. The first
 * line starts at column @start. */
static void wrap(struct out *o, const char *text, size_t start, size_t indent)
{
    size_t colno = start;
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t w = strcspn(p, " ");
        if (colno > indent && colno + 1 + w > WIDTH) {
            ucp_sb_appendc(&o->sb, '\n');
            for (size_t i = 0; i < indent; i++)
                ucp_sb_appendc(&o->sb, ' ');
            colno = indent;
        } else if (colno > start || (colno > indent && p != text)) {
            ucp_sb_appendc(&o->sb, ' ');
            colno++;
        }
        ucp_sb_appendn(&o->sb, p, w);
        colno += w;
        p += w;
    }
    ucp_sb_appendc(&o->sb, '\n');
}

static void field(struct out *o, const char *label, const char *value)
{
    /* "  %-10s " appended, not formatted: a dozen fields a report */
    size_t n = strlen(label);
    ucp_sb_appendn(&o->sb, "  ", 2);
    ucp_sb_appendn(&o->sb, label, n);
    ucp_sb_appendn(&o->sb, "           ", n < 10 ? 11 - n : 1);
    wrap(o, value && *value ? value : "(none)", 13, 13);
}

static const char *severity_color(ucp_severity s)
{
    switch (s) {
    case UCP_SEVERITY_ERROR: return "\033[1;31m";
    case UCP_SEVERITY_WARNING: return "\033[1;33m";
    case UCP_SEVERITY_INFO: return "\033[36m";
    }
    return "";
}

static const char *result_color(ucp_result r)
{
    switch (r) {
    case UCP_RESULT_FAIL: return "\033[1;31m";
    case UCP_RESULT_WARNING: return "\033[1;33m";
    case UCP_RESULT_PASS: return "\033[1;32m";
    }
    return "";
}

static void upper(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (src[i] >= 'a' && src[i] <= 'z') ? (char)(src[i] - 32) : src[i];
    dst[i] = '\0';
}

/* "WebServer; 1.3.6.1.4.1.311.21.8.1.2 version 100.4", NULL when no template extension. */
static char *template_text(const ucp_certificate *c)
{
    if (!c->template_name && !c->template_oid)
        return NULL;
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    if (c->template_name)
        ucp_sb_append(&sb, c->template_name);
    if (c->template_oid) {
        ucp_sb_printf(&sb, "%s%s", c->template_name ? "; " : "", c->template_oid);
        if (c->template_major >= 0)
            ucp_sb_printf(&sb, " version %lld", (long long)c->template_major);
        if (c->template_major >= 0 && c->template_minor >= 0)
            ucp_sb_printf(&sb, ".%lld", (long long)c->template_minor);
    }
    return ucp_sb_finish(&sb);
}

/* What the input says about its private key. */
static char *key_pair_text(const ucp_report *r)
{
    const struct ucp_key_facts *k = r->key_facts;
    if (!r->has_key)
        return ucp_strdup(r->format == UCP_FORMAT_PKCS12
                              ? "no private key in the PKCS#12 file"
                              : "no private key in the file (certificate files carry no key facts)");
    if (!k || !k->present)
        return ucp_strdup(r->format == UCP_FORMAT_PKCS12
                              ? "a private key whose bag could not be examined (not compared, no provider)"
                              : "a PEM private key block that could not be examined");
    struct ucp_strbuf sb;
    ucp_sb_init(&sb);
    ucp_sb_append(&sb, k->match == UCP_KEY_MATCH_YES  ? "private key of this certificate"
                       : k->match == UCP_KEY_MATCH_NO ? "a private key that is NOT this certificate's"
                       : r->format == UCP_FORMAT_PKCS12 ? "a private key that cannot be read"
                                                        : "a private key that cannot be read (an encrypted key needs its "
                                                          "password)");
    switch (k->provider_state) {
    case UCP_KEY_PROVIDER_RECORDED:
        ucp_sb_printf(&sb, "; provider '%s' (%s)", k->provider,
                      k->storage == UCP_KEY_STORAGE_KSP   ? "CNG key storage provider"
                      : k->storage == UCP_KEY_STORAGE_CSP ? "CryptoAPI CSP"
                                                          : "kind unknown");
        break;
    case UCP_KEY_PROVIDER_NOT_RECORDED: ucp_sb_append(&sb, "; no provider recorded"); break;
    case UCP_KEY_PROVIDER_NOT_VISIBLE: ucp_sb_append(&sb, "; provider not visible (encrypted bag)"); break;
    case UCP_KEY_PROVIDER_NOT_APPLICABLE:
        if (r->format != UCP_FORMAT_PKCS12)
            ucp_sb_append(&sb, "; a PEM key block (PEM records no provider)");
        break;
    }
    if (k->friendly_name)
        ucp_sb_printf(&sb, "; friendly name '%s'", k->friendly_name);
    if (k->nkeys > 1)
        ucp_sb_printf(&sb, "; %zu private keys in the file", k->nkeys);
    return ucp_sb_finish(&sb);
}

size_t ucp_connection_lines(const struct ucp_connection *c, const char **labels, char **values, size_t max)
{
    size_t n = 0;
#define LINE(label, value)                                                                                  \
    do {                                                                                                    \
        if (n < max) {                                                                                      \
            labels[n] = (label);                                                                            \
            values[n++] = (value);                                                                          \
        }                                                                                                   \
    } while (0)
    bool v6 = c->host && strchr(c->host, ':');
    LINE("Server:", ucp_asprintf(v6 ? "[%s]:%u (%s), %s%s%s" : "%s:%u (%s), %s%s%s", c->host, c->port,
                                 c->address ? c->address : "?", ucp_probe_protocol_name(c->protocol),
                                 c->server_name ? ", SNI " : ", no SNI", c->server_name ? c->server_name : ""));
    LINE("TLS:", c->tls_version ? ucp_asprintf("%s, %s", c->tls_version, c->cipher_suite ? c->cipher_suite : "?")
                                : ucp_strdup("the handshake did not complete"));
    char verdict[16];
    snprintf(verdict, sizeof verdict, "%s", ucp_client_auth_name(c->verdict));
    for (char *q = verdict; *q; q++)
        *q = (char)(*q >= 'a' && *q <= 'z' ? *q - 32 : *q);
    LINE("Client:", ucp_asprintf("%s: %s%s%s; %s", verdict,
                                 !c->requested ? "no certificate requested"
                                 : c->sent     ? "certificate requested and sent ("
                                               : "certificate requested, none sent",
                                 c->sent && c->client_subject ? c->client_subject : "", c->sent ? ")" : "",
                                 c->detail ? c->detail : ""));
    if (c->alert)
        LINE("Alert:", ucp_strdup(c->alert));
    if (c->response)
        LINE("Response:", ucp_strdup(c->response));
    if (c->diagnostics)
        LINE("ms-diag:", ucp_strdup(c->diagnostics));
#undef LINE
    return n;
}

void ucp_text_report(struct ucp_strbuf *dst, const ucp_report *r, unsigned flags)
{
    struct out o;
    o.sb = *dst;
    o.color = flags & UCP_RENDER_COLOR;
    const bool verbose = flags & UCP_RENDER_VERBOSE;
    const ucp_certificate *c = r->nchain ? r->chain[0] : NULL;
    char result[16], buf[64], nb[32], na[32];
    upper(result, ucp_result_name(r->result), sizeof result);

    /* The product release is shown only for roles whose rules it changes (Lync / SfB roles). */
    bool product_matters = r->role->products != (1u << UCP_PRODUCT_COUNT) - 1;
    for (size_t i = 0; !product_matters && i < r->role->nrules; i++)
        for (int p = 1; p < UCP_PRODUCT_COUNT; p++)
            if (r->role->rules[i].severity[p] != r->role->rules[i].severity[0])
                product_matters = true;
    /* The input's name is the caller's (a file name in any encoding): shown as error messages
     * show it, control characters and bytes that are not UTF-8 as \xHH. */
    char *shown = ucp_render_clean(r->input_name);
    ucp_sb_printf(&o.sb, "%s: %s%s%s  %s (%s)%s%s\n", shown ? shown : "", col(&o, result_color(r->result)), result,
                  col(&o, "\033[0m"), r->role->id, r->role->title, product_matters ? ", " : "",
                  product_matters ? ucp_product_title(r->product) : "");
    free(shown);
    if (r->connection) {
        const char *labels[8];
        char *values[8];
        size_t n = ucp_connection_lines(r->connection, labels, values, 8);
        for (size_t i = 0; i < n; i++) {
            field(&o, labels[i], values[i]);
            free(values[i]);
        }
    }
    if (c) {
        field(&o, "Subject:", c->subject);
        field(&o, "Issuer:", c->issuer);
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        ucp_sb_appendn(&sb, "", 0);
        for (size_t i = 0; i < c->nsans; i++) {
            if (c->sans[i].type == UCP_SAN_DNS)
                ucp_sb_printf(&sb, "%s%s", i ? ", " : "", c->sans[i].display);
            else
                ucp_sb_printf(&sb, "%s%s:%s", i ? ", " : "", ucp_san_type_name(c->sans[i].type),
                              c->sans[i].display);
        }
        char *sans = ucp_sb_finish(&sb);
        field(&o, "SAN:", sans);
        free(sans);
        ucp_sb_init(&sb);
        ucp_sb_appendn(&sb, "", 0);
        if (!c->has_eku)
            ucp_sb_append(&sb, "(no EKU extension)");
        for (size_t i = 0; i < c->nekus; i++)
            ucp_sb_printf(&sb, "%s%s", i ? ", " : "", ucp_eku_name(c->ekus[i]));
        if (c->has_eku && c->eku_critical)
            ucp_sb_append(&sb, " (critical)");
        char *ekus = ucp_sb_finish(&sb);
        field(&o, "EKU:", ekus);
        free(ekus);
        if (c->curve)
            snprintf(buf, sizeof buf, "%s %s", c->key_algorithm, c->curve);
        else
            snprintf(buf, sizeof buf, "%s %u bits", c->key_algorithm, c->bits);
        char *key = ucp_asprintf("%s; signed %s", buf, c->signature_name);
        field(&o, "Key:", key);
        free(key);
        char *tmpl = template_text(c);
        if (tmpl)
            field(&o, "Template:", tmpl);
        free(tmpl);
        ucp_format_date(c->not_before, nb, sizeof nb);
        ucp_format_date(c->not_after, na, sizeof na);
        int64_t days = ucp_report_days_remaining(r);
        char *validity = days >= 0 ? ucp_asprintf("%s to %s (%lld days left)", nb, na, (long long)days)
                                   : ucp_asprintf("%s to %s (expired %lld days ago)", nb, na, (long long)-days);
        field(&o, "Validity:", validity);
        free(validity);
        field(&o, "SHA-1:", ucp_certificate_sha1(c));
        if (verbose)
            field(&o, "SHA-256:", c->sha256);
        char *kp = key_pair_text(r);
        field(&o, "Key pair:", kp);
        free(kp);
    }
    for (size_t i = 0; r->pool && i < r->pool->n; i++) {
        const struct ucp_pool_member *m = &r->pool->members[i];
        char *name = ucp_render_clean(m->name);
        char *line = m->state == UCP_POOL_REFERENCE || m->state == UCP_POOL_IDENTICAL
                         ? ucp_asprintf("%s: %s", name ? name : "", ucp_pool_state_name(m->state))
                         : ucp_asprintf("%s: %s (SHA-1 %s)", name ? name : "", ucp_pool_state_name(m->state),
                                        ucp_certificate_sha1(m->cert));
        free(name);
        field(&o, i ? "" : "Pool:", line);
        free(line);
    }
    {
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        ucp_sb_printf(&sb, "%s%s: ", ucp_chain_status_name(r->chain_status), r->trusted ? " (trusted)" : "");
        for (size_t i = 0; i < r->nchain; i++) {
            const ucp_certificate *x = r->chain[i];
            const char *name = x->ncns ? x->cns[0] : x->subject;
            ucp_sb_printf(&sb, "%s%s [%s]", i ? " <- " : "", *name ? name : "(empty subject)",
                          ucp_cert_source_name(r->chain_sources[i]));
        }
        char *chain = ucp_sb_finish(&sb);
        field(&o, "Chain:", chain);
        free(chain);
        if (r->npolicies) {
            struct ucp_strbuf pb;
            ucp_sb_init(&pb);
            for (size_t i = 0; i < r->npolicies; i++)
                ucp_sb_printf(&pb, "%s%s%s", i ? ", " : "", r->policies[i],
                              strcmp(r->policies[i], "2.5.29.32.0") == 0 ? " (anyPolicy)" : "");
            char *pol = ucp_sb_finish(&pb);
            field(&o, "Policies:", pol);
            free(pol);
        }
        if (r->chain_status != UCP_CHAIN_VALID || verbose)
            for (size_t i = 0; i < r->nrejected; i++)
                field(&o, i ? "" : "Rejected:", r->rejected_summary[i]);
    }
    {
        bool checked = false;
        for (size_t i = 0; i < r->nchain; i++)
            checked |= r->revocation[i] != UCP_REVOCATION_NOT_CHECKED;
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        if (!checked) {
            ucp_sb_append(&sb, "not checked (give --crl files or --online)");
        } else {
            for (size_t i = 0; i + 1 < r->nchain || (i == 0 && r->nchain == 1); i++) {
                const ucp_certificate *x = r->chain[i];
                ucp_sb_printf(&sb, "%s%s: %s", i ? "; " : "", x->ncns ? x->cns[0] : x->subject,
                              ucp_revocation_name(r->revocation[i]));
                if (r->revocation_source[i])
                    ucp_sb_printf(&sb, " (%s)", r->revocation_source[i]);
            }
        }
        char *rev = ucp_sb_finish(&sb);
        field(&o, "Revocation:", rev);
        free(rev);
    }
    {
        char *summary = ucp_asprintf("%zu error%s, %zu warning%s, %zu info", r->counts[UCP_SEVERITY_ERROR],
                                     r->counts[UCP_SEVERITY_ERROR] == 1 ? "" : "s",
                                     r->counts[UCP_SEVERITY_WARNING],
                                     r->counts[UCP_SEVERITY_WARNING] == 1 ? "" : "s", r->counts[UCP_SEVERITY_INFO]);
        field(&o, "Findings:", summary);
        free(summary);
    }
    for (size_t i = 0; i < r->nfindings; i++) {
        const struct ucp_finding *f = &r->findings[i];
        char sev[16];
        upper(sev, ucp_severity_name(f->severity), sizeof sev);
        ucp_sb_printf(&o.sb, "\n  %s%-7s%s  %s [%s", col(&o, severity_color(f->severity)), sev,
                      col(&o, "\033[0m"), f->rule->code, ucp_field_name(f->rule->field));
        if (f->cert_index > 0)
            ucp_sb_printf(&o.sb, ", certificate %d of the chain", f->cert_index + 1);
        ucp_sb_append(&o.sb, "]\n           ");
        wrap(&o, f->message, 11, 11);
        if (*f->expected) {
            ucp_sb_append(&o.sb, "           expected: ");
            wrap(&o, f->expected, 21, 21);
        }
        if (*f->actual) {
            ucp_sb_append(&o.sb, "           actual:   ");
            wrap(&o, f->actual, 21, 21);
        }
        ucp_sb_append(&o.sb, "           fix:      ");
        wrap(&o, f->remediation, 21, 21);
        if (verbose) {
            ucp_sb_append(&o.sb, "           rule:     ");
            wrap(&o, f->role_rule->text, 21, 21);
        }
        struct ucp_strbuf sb;
        ucp_sb_init(&sb);
        for (size_t k = 0; k < f->role_rule->nrefs; k++) {
            const struct ucp_reference *ref = f->role_rule->refs[k];
            if (verbose && *ref->url)
                ucp_sb_printf(&sb, "%s%s <%s>", k ? ", " : "", ref->key, ref->url);
            else
                ucp_sb_printf(&sb, "%s%s", k ? ", " : "", ref->key);
        }
        char *refs = ucp_sb_finish(&sb);
        ucp_sb_append(&o.sb, "           sources:  ");
        wrap(&o, refs ? refs : "", 21, 21);
        free(refs);
    }
    *dst = o.sb;
}

/* ---- batches: the reports one after another, an empty line between two ---------------------- */

static ucp_status text_add_report(struct ucp_renderer *r, const ucp_report *report, struct ucp_strbuf *out)
{
    if (r->entries)
        ucp_sb_appendc(out, '\n');
    ucp_text_report(out, report, r->flags);
    return UCP_OK;
}

/* A file that could not be read: its name, ERROR, and why (the text is cleaned as the error
 * messages are: control characters and bytes that are not UTF-8 as \xHH). */
static ucp_status text_add_error(struct ucp_renderer *r, const char *name, ucp_status code, const char *message,
                                 struct ucp_strbuf *sb)
{
    struct out o;
    o.sb = *sb;
    o.color = r->flags & UCP_RENDER_COLOR;
    char *shown = ucp_render_clean(name), *why = ucp_render_clean(message);
    if (r->entries)
        ucp_sb_appendc(&o.sb, '\n');
    ucp_sb_printf(&o.sb, "%s: %sERROR%s  could not be read\n", shown ? shown : "", col(&o, "\033[1;31m"),
                  col(&o, "\033[0m"));
    field(&o, "Error:", why);
    field(&o, "Status:", ucp_strerror_name(code));
    free(shown);
    free(why);
    *sb = o.sb;
    return UCP_OK;
}

static ucp_status text_finish(struct ucp_renderer *r, struct ucp_strbuf *out)
{
    return UCP_OK;
}

const struct ucp_format_ops ucp_text_ops = {text_add_report, text_add_error, text_finish, NULL};
