/* SPDX-License-Identifier: MIT */
/*
 * The Microsoft certificate template extensions (templates.c): arbitrary bytes decoded as the
 * value of 1.3.6.1.4.1.311.21.7 (template OID and versions) and of 1.3.6.1.4.1.311.20.2 (template
 * name). A decoded name is display text; a malformed value is a recorded problem, never a crash.
 */
#include <string.h>

#include "config.h"
#include "input/input-private.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const oids[] = {"1.3.6.1.4.1.311.21.7", "1.3.6.1.4.1.311.20.2"};
    for (size_t i = 0; i < 2; i++) {
        ucp_certificate *c = calloc(1, sizeof *c);
        if (!c)
            return 0;
        c->template_major = c->template_minor = -1;
        if (ucp_template_decode_extension(c, oids[i], data, size) == UCP_OK) {
            if (c->template_oid) {
                FUZZ_ASSERT(c->template_oid[0] >= '0' && c->template_oid[0] <= '2');
                FUZZ_ASSERT(c->template_major >= -1 && c->template_major <= INT64_C(4294967295));
                FUZZ_ASSERT(c->template_minor >= -1 && c->template_minor <= INT64_C(4294967295));
            }
            if (c->template_name) {
                FUZZ_ASSERT(c->template_name[0] != '\0');
                for (const char *p = c->template_name; *p; p++)
                    FUZZ_ASSERT((unsigned char)*p >= 0x20 && *p != 0x7f);
            }
            /* Exactly one outcome: a value or a problem. */
            FUZZ_ASSERT((c->template_oid || c->template_name) != (c->template_problem != NULL) ||
                        (!c->template_oid && !c->template_name && c->template_problem));
        }
        ucp_certificate_templates_dispose(c);
        free(c);
    }
    ucp_error_clear();
    return 0;
}
