/* SPDX-License-Identifier: MIT */
/*
 * Reports of the fixtures' manifest (tests/FIXTURES.md) for the renderer tests: a case checked
 * as the manifest says (validation time, trust, chain, public roots, CRLs, topology), optionally
 * under another input name (hostile names: quotes, markup, control characters, bytes that are
 * not UTF-8). Shared by test-render.c and tools/render-cases.c.
 */
#ifndef UCPOLICY_TESTS_RENDER_CASES_H
#define UCPOLICY_TESTS_RENDER_CASES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "ucpolicy.h"
#include "portable.h"

static const char *rc_fixtures;
static json_t *rc_manifest;

static const char *rc_path(const char *rel)
{
    static char buf[8][4096];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", rc_fixtures, rel);
    return buf[k];
}

/* Load the manifest of UCPOLICY_FIXTURES; false with a message on stderr. */
static bool rc_load(void)
{
    rc_fixtures = getenv("UCPOLICY_FIXTURES");
    if (!rc_fixtures) {
        fprintf(stderr, "UCPOLICY_FIXTURES is not set\n");
        return false;
    }
    json_error_t e;
    rc_manifest = json_load_file(rc_path("manifest.json"), 0, &e);
    if (!rc_manifest)
        fprintf(stderr, "%s: %s\n", rc_path("manifest.json"), e.text);
    return rc_manifest != NULL;
}

static json_t *rc_case(const char *id)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(rc_manifest, "cases"), i, c) {
        const char *cid = json_string_value(json_object_get(c, "id"));
        if (cid && strcmp(cid, id) == 0)
            return c;
    }
    return NULL;
}

static int64_t rc_time(void)
{
    const char *t = json_string_value(json_object_get(rc_manifest, "validationTime"));
    struct tm tm = {0};
    if (!t || sscanf(t, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec) != 6)
        return UCP_TIME_NOW;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static bool rc_add(ucp_checker *checker, json_t *list, ucp_status (*add)(ucp_checker *, const ucp_input *))
{
    size_t i;
    json_t *f;
    json_array_foreach(list, i, f) {
        ucp_input *in = NULL;
        bool ok = ucp_input_from_file(&in, rc_path(json_string_value(f)), NULL) == UCP_OK && add(checker, in) == UCP_OK;
        ucp_input_free(in);
        if (!ok)
            return false;
    }
    return true;
}

/* Check case @id; with @name, the input is read from memory under that name; with @path, that
 * file (its name as given) instead of the case's. NULL with a message on stderr when the case is
 * unknown or the check fails; with @path, a file that cannot be read gives NULL and leaves the
 * error in ucp_error_last(). */
static ucp_report *rc_check_file(const char *id, const char *name, const char *path)
{
    json_t *c = rc_case(id);
    if (!c) {
        fprintf(stderr, "no case '%s' in the manifest\n", id);
        return NULL;
    }
    ucp_checker *checker = NULL;
    ucp_topology *topo = NULL;
    ucp_input *in = NULL;
    ucp_report *r = NULL;
    const char *password = json_string_value(json_object_get(c, "password"));
    const char *file = path ? path : rc_path(json_string_value(json_object_get(c, "file")));
    char *topo_json = json_dumps(json_object_get(c, "topology"), 0);
    bool ok = ucp_checker_new(&checker) == UCP_OK && ucp_checker_set_time(checker, rc_time()) == UCP_OK &&
              rc_add(checker, json_object_get(c, "trust"), ucp_checker_add_trust) &&
              rc_add(checker, json_object_get(c, "chain"), ucp_checker_add_intermediates) &&
              (!json_array_size(json_object_get(c, "publicRoots")) ||
               rc_add(checker, json_object_get(c, "publicRoots"), ucp_checker_add_public_roots)) &&
              ucp_topology_new(&topo) == UCP_OK && topo_json &&
              ucp_topology_load_data(topo, (const uint8_t *)topo_json, strlen(topo_json), "topology") == UCP_OK;
    size_t i;
    json_t *crl;
    json_array_foreach(json_object_get(c, "crls"), i, crl) {
        ok = ok && ucp_checker_add_crl_file(checker, rc_path(json_string_value(crl))) == UCP_OK;
    }
    if (ok && name) {
        FILE *f = fopen(file, "rb");
        static uint8_t data[1 << 20];
        size_t n = f ? fread(data, 1, sizeof data, f) : 0;
        if (f)
            fclose(f);
        ok = n && ucp_input_from_data(&in, data, n, name, password) == UCP_OK;
    } else if (ok) {
        ok = ucp_input_from_file(&in, file, password) == UCP_OK;
    }
    ok = ok && ucp_checker_check(checker, in, json_string_value(json_object_get(c, "role")), topo, &r) == UCP_OK;
    if (!ok && !path)
        fprintf(stderr, "case %s: %s\n", id, ucp_error_message(ucp_error_last()));
    free(topo_json);
    ucp_input_free(in);
    ucp_topology_free(topo);
    ucp_checker_free(checker);
    return ok ? r : NULL;
}

static ucp_report *rc_check(const char *id, const char *name)
{
    return rc_check_file(id, name, NULL);
}

#endif /* UCPOLICY_TESTS_RENDER_CASES_H */
