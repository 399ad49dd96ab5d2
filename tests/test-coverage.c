/* SPDX-License-Identifier: MIT */
/*
 * The fixture manifest covers the catalogue: for every (role, rule) binding that applies to some
 * product there is a fail case of that role naming the rule in `present`, and a pass case of
 * that role listing the rule in `absent` for a product where it applies.
 *
 * A binding can apply only to releases that do not have the role (the uc group's Lync 2010
 * rules for Persistent Chat, say). No pass case can exist there, since checking a role against a
 * release without it is itself a warning (input.role-product); for those the fail case must run
 * on such a release and expect input.role-product as well. They are listed as diagnostics.
 *
 * A binding no static case can break may instead be in the manifest's `exemptions` (rows of a
 * table in tests/certgen/mutations.c; tests/FIXTURES.md, "Exemptions"). An exemption is accepted only
 * when the binding exists, it has no fail case (no redundant exemption), it gives a reason, its
 * `coveredBy` is a suite directory of the source tree that meson registered here as a covering
 * suite, and running that suite's trigger mode shows the rule firing for the role with the
 * catalogue's severity through both the command and the C API:
 *
 *   test-coverage --source-root DIR [--covering SUITE PROGRAM ARG... --]...
 *
 * runs `PROGRAM ARG... --trigger-exemptions MANIFEST` for each SUITE named by an exemption and
 * reads its lines "triggered ROLE RULE PRODUCT SEVERITY FACE" (FACE: cli, api).
 */
#include <errno.h>
#include <jansson.h>
#include <spawn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ucpolicy.h"
#include "tap.h"

static const ucp_product products[] = {UCP_PRODUCT_LYNC2010, UCP_PRODUCT_LYNC2013, UCP_PRODUCT_SFB2015,
                                       UCP_PRODUCT_SFB2019};

static bool list_has(json_t *list, const char *code, const char *severity)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), code) == 0)
            return true;
        if (json_is_object(v)) {
            const char *c = json_string_value(json_object_get(v, "code"));
            const char *s = json_string_value(json_object_get(v, "severity"));
            if (c && strcmp(c, code) == 0 && (!severity || (s && strcmp(s, severity) == 0)))
                return true;
        }
    }
    return false;
}

extern char **environ;

/* A suite that breaks exempted bindings: its directory and the command of its trigger mode. */
struct covering {
    const char *suite;
    char **argv; /* PROGRAM ARG... then "--trigger-exemptions", MANIFEST, NULL */
    bool ran;
    int status;
    json_t *triggered; /* [role, rule, product, severity, face] per line it printed */
};

static struct covering coverings[8];
static size_t ncoverings;

/* Run @cv's trigger mode once and keep what it printed. */
static void run_covering(struct covering *cv)
{
    if (cv->ran)
        return;
    cv->ran = true;
    cv->triggered = json_array();
    int fds[2];
    if (pipe(fds) != 0) {
        cv->status = -1;
        return;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
    pid_t pid;
    int rc = posix_spawn(&pid, cv->argv[0], &fa, NULL, cv->argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
        printf("# %s: cannot run %s: %s\n", cv->suite, cv->argv[0], strerror(rc));
        close(fds[0]);
        cv->status = -1;
        return;
    }
    FILE *f = fdopen(fds[0], "r");
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        char role[128], rule[128], product[32], sev[32], face[16];
        printf("# %s: %s", cv->suite, line);
        if (sscanf(line, "triggered %127s %127s %31s %31s %15s", role, rule, product, sev, face) == 5)
            json_array_append_new(cv->triggered, json_pack("[sssss]", role, rule, product, sev, face));
    }
    if (f)
        fclose(f);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
        ;
    cv->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

static struct covering *find_covering(const char *suite)
{
    for (size_t i = 0; i < ncoverings; i++)
        if (strcmp(coverings[i].suite, suite) == 0)
            return &coverings[i];
    return NULL;
}

static const ucp_role_rule *find_binding(const ucp_role *role, const char *code)
{
    for (size_t k = 0; role && k < ucp_role_rule_count(role); k++)
        if (strcmp(ucp_role_rule_code(ucp_role_rule_at(role, k)), code) == 0)
            return ucp_role_rule_at(role, k);
    return NULL;
}

/* Did @cv see @code fire for @role through @face with the catalogue's severity? */
static bool triggered(const struct covering *cv, const ucp_role *role, const ucp_role_rule *rr, const char *face)
{
    size_t i;
    json_t *t;
    json_array_foreach(cv->triggered, i, t) {
        const char *r = json_string_value(json_array_get(t, 0)), *code = json_string_value(json_array_get(t, 1));
        const char *product = json_string_value(json_array_get(t, 2)), *sev = json_string_value(json_array_get(t, 3));
        ucp_product p;
        if (strcmp(r, ucp_role_id(role)) != 0 || strcmp(code, ucp_role_rule_code(rr)) != 0 ||
            strcmp(json_string_value(json_array_get(t, 4)), face) != 0 || ucp_product_from_name(&p, product) != UCP_OK)
            continue;
        if (ucp_role_rule_applies(rr, p) && strcmp(sev, ucp_severity_name(ucp_role_rule_severity(rr, p))) == 0)
            return true;
    }
    return false;
}

static ucp_product case_product(json_t *c)
{
    ucp_product p = UCP_PRODUCT_SFB2019;
    const char *name = json_string_value(json_object_get(json_object_get(c, "topology"), "product"));
    if (name)
        ucp_product_from_name(&p, name);
    return p;
}

/* Has the manifest a fail case of @rid expecting @code with the binding's severity? */
static bool has_fail_case(json_t *cases, const char *rid, const ucp_role_rule *rr)
{
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *crole = json_string_value(json_object_get(c, "role"));
        const char *kind = json_string_value(json_object_get(c, "kind"));
        ucp_product p = case_product(c);
        if (crole && kind && strcmp(crole, rid) == 0 && strcmp(kind, "fail") == 0 && ucp_role_rule_applies(rr, p) &&
            list_has(json_object_get(json_object_get(c, "expect"), "present"), ucp_role_rule_code(rr),
                     ucp_severity_name(ucp_role_rule_severity(rr, p))))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *dir = getenv("UCPOLICY_FIXTURES");
    if (!dir)
        return TAP_SETUP_FAILURE;
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", dir);
    const char *source_root = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--source-root") == 0 && i + 1 < argc) {
            source_root = argv[++i];
        } else if (strcmp(argv[i], "--covering") == 0 && i + 2 < argc && ncoverings < sizeof coverings / sizeof coverings[0]) {
            struct covering *cv = &coverings[ncoverings++];
            cv->suite = argv[++i];
            int start = ++i;
            while (i < argc && strcmp(argv[i], "--") != 0)
                i++;
            int n = i - start;
            cv->argv = calloc((size_t)n + 3, sizeof *cv->argv);
            if (!cv->argv || n == 0)
                return TAP_SETUP_FAILURE;
            for (int k = 0; k < n; k++)
                cv->argv[k] = argv[start + k];
            cv->argv[n] = "--trigger-exemptions";
            cv->argv[n + 1] = path;
        } else {
            fprintf(stderr, "usage: test-coverage --source-root DIR [--covering SUITE PROGRAM ARG... --]...\n");
            return TAP_SETUP_FAILURE;
        }
    }
    json_error_t err;
    json_t *m = json_load_file(path, 0, &err);
    if (!m) {
        fprintf(stderr, "%s: %s\n", path, err.text);
        return TAP_SETUP_FAILURE;
    }
    json_t *cases = json_object_get(m, "cases");

    /* The exemptions: each is checked, and the verified ones stand in for a fail case. */
    json_t *exemptions = json_object_get(m, "exemptions");
    CHECK(json_is_array(exemptions), "the manifest lists its exemptions (an array, possibly empty)");
    json_t *verified = json_array(); /* [role, rule] */
    size_t ei;
    json_t *e;
    json_array_foreach(exemptions, ei, e) {
        const char *rid = json_string_value(json_object_get(e, "role"));
        const char *code = json_string_value(json_object_get(e, "rule"));
        const char *reason = json_string_value(json_object_get(e, "reason"));
        const char *suite = json_string_value(json_object_get(e, "coveredBy"));
        const ucp_role *role = rid ? ucp_role_find(rid) : NULL;
        const ucp_role_rule *rr = code ? find_binding(role, code) : NULL;
        bool applies = false;
        for (size_t p = 0; rr && p < 4; p++)
            applies |= ucp_role_rule_applies(rr, products[p]);
        if (!CHECK(role && rr && applies, "exemption %zu (%s / %s): a binding of the catalogue that applies somewhere", ei,
                   rid ? rid : "?", code ? code : "?"))
            continue;
        bool ok = CHECK(reason && strlen(reason) >= 40, "exemption %s / %s: says why no static case can break it", rid,
                        code);
        ok &= CHECK(!has_fail_case(cases, rid, rr), "exemption %s / %s: not redundant (no fail case breaks it)", rid,
                    code);
        struct covering *cv = suite ? find_covering(suite) : NULL;
        char suitedir[4096] = "";
        struct stat sb;
        if (suite && source_root)
            snprintf(suitedir, sizeof suitedir, "%s/%s", source_root, suite);
        if (!CHECK(cv && suitedir[0] && stat(suitedir, &sb) == 0 && S_ISDIR(sb.st_mode),
                   "exemption %s / %s: covered by %s, a suite of the source tree registered as covering", rid, code,
                   suite ? suite : "(none)"))
            continue;
        run_covering(cv);
        bool cli = triggered(cv, role, rr, "cli"), api = triggered(cv, role, rr, "api");
        ok &= CHECK(cli && api, "exemption %s / %s: %s makes it fire with the catalogue's severity (command %s, C API %s)",
                    rid, code, suite, cli ? "yes" : "no", api ? "yes" : "no");
        if (ok)
            json_array_append_new(verified, json_pack("[ss]", rid, code));
    }
    for (size_t i = 0; i < ncoverings; i++)
        if (coverings[i].ran)
            CHECK(coverings[i].status == 0, "%s: its trigger mode broke every exemption it covers (exit %d)",
                  coverings[i].suite, coverings[i].status);

    size_t bindings = 0, role_less = 0, exempted = 0;
    for (size_t r = 0; r < ucp_role_count(); r++) {
        const ucp_role *role = ucp_role_at(r);
        const char *rid = ucp_role_id(role);
        for (size_t k = 0; k < ucp_role_rule_count(role); k++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, k);
            const char *code = ucp_role_rule_code(rr);
            bool applies_somewhere = false, applies_with_role = false;
            for (size_t p = 0; p < 4; p++) {
                applies_somewhere |= ucp_role_rule_applies(rr, products[p]);
                applies_with_role |= ucp_role_rule_applies(rr, products[p]) && ucp_role_in_product(role, products[p]);
            }
            if (!applies_somewhere)
                continue;
            bindings++;
            bool fail_case = false, pass_case = false, fail_role_less = false;
            size_t i;
            json_t *c;
            json_array_foreach(cases, i, c) {
                const char *crole = json_string_value(json_object_get(c, "role"));
                const char *kind = json_string_value(json_object_get(c, "kind"));
                json_t *ex = json_object_get(c, "expect");
                if (!crole || !kind || strcmp(crole, rid) != 0)
                    continue;
                ucp_product p = case_product(c);
                if (!ucp_role_rule_applies(rr, p))
                    continue;
                const char *sev = ucp_severity_name(ucp_role_rule_severity(rr, p));
                if (strcmp(kind, "fail") == 0 && list_has(json_object_get(ex, "present"), code, sev)) {
                    fail_case = true;
                    if (!ucp_role_in_product(role, p) &&
                        list_has(json_object_get(ex, "present"), "input.role-product", NULL))
                        fail_role_less = true;
                }
                if (strcmp(kind, "pass") == 0 && list_has(json_object_get(ex, "absent"), code, NULL) &&
                    json_object_get(ex, "result") && strcmp(json_string_value(json_object_get(ex, "result")), "pass") == 0)
                    pass_case = true;
            }
            bool exempt = false;
            size_t vi;
            json_t *v;
            json_array_foreach(verified, vi, v) {
                exempt |= strcmp(json_string_value(json_array_get(v, 0)), rid) == 0 &&
                          strcmp(json_string_value(json_array_get(v, 1)), code) == 0;
            }
            if (exempt && !fail_case) {
                exempted++;
                CHECK(true, "%s / %s: no static case can break it; a verified exemption covers it", rid, code);
            } else {
                CHECK(fail_case, "%s / %s: a fail case expects it with the catalogue's severity", rid, code);
            }
            if (applies_with_role) {
                CHECK(pass_case, "%s / %s: a pass case lists it as absent", rid, code);
            } else {
                role_less++;
                printf("# %s / %s applies only to releases without the role: no pass case can exist\n", rid, code);
                CHECK(fail_role_less, "%s / %s: its fail case runs on a release without the role (input.role-product)",
                      rid, code);
            }
        }
    }
    CHECK(bindings > 0, "%zu bindings covered, %zu of them only on releases without their role, %zu by exemption",
          bindings, role_less, exempted);

    /* Every pass case's absent list is exactly the role's applicable rules for its product. */
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) {
        const char *kind = json_string_value(json_object_get(c, "kind"));
        const ucp_role *role = ucp_role_find(json_string_value(json_object_get(c, "role")));
        if (!kind || strcmp(kind, "pass") != 0)
            continue;
        if (!role) {
            CHECK(false, "pass case %s names a known role", json_string_value(json_object_get(c, "id")));
            continue;
        }
        ucp_product p = case_product(c);
        json_t *absent = json_object_get(json_object_get(c, "expect"), "absent");
        size_t n = 0;
        bool all = true;
        for (size_t k = 0; k < ucp_role_rule_count(role); k++) {
            const ucp_role_rule *rr = ucp_role_rule_at(role, k);
            if (!ucp_role_rule_applies(rr, p))
                continue;
            n++;
            all &= list_has(absent, ucp_role_rule_code(rr), NULL);
        }
        CHECK(all && n == json_array_size(absent) && json_array_size(json_object_get(json_object_get(c, "expect"), "present")) == 0,
              "pass case %s: absent is every rule %s applies for %s (%zu)", json_string_value(json_object_get(c, "id")),
              ucp_role_id(role), ucp_product_name(p), n);
    }
    json_decref(verified);
    for (size_t k = 0; k < ncoverings; k++) {
        json_decref(coverings[k].triggered);
        free(coverings[k].argv);
    }
    json_decref(m);
    return tap_done();
}
