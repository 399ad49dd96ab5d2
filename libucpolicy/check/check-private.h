/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CHECK_PRIVATE_H
#define UCPOLICY_CHECK_PRIVATE_H

/*
 * check/: the checker. Holds the trust settings and applies a role's rules to an input, giving a
 * report; compares the files of a pool; checks batches of files on several threads, delivering
 * the results in order (batch.c). Calls report/, trust/, policy/, input/, x509/, core/.
 */

#include "report/report-private.h"

/* ---- limits (documented in README.md, "Limits") ---- */
#define UCP_MAX_POOL_INPUTS 64       /* files compared by ucp_checker_check_pool() */
#define UCP_MAX_BATCH_JOBS 256       /* threads of ucp_checker_check_files() */
#define UCP_BATCH_WINDOW_PER_JOB 32  /* files a batch runs ahead of its output, per thread */

/* ---- checker (checker.c) ------------------------------------------------------------------ */
struct ucp_checker {
    struct ucp_trust trust;
    int64_t time;
    unsigned expiry_days;
    ucp_progress_fn progress; /* of batches (ucp_checker_set_progress) */
    void *progress_payload;
};
/* The role named @name (id or alias), or UCP_E_UNKNOWN_ROLE with a message listing the roles. */
ucp_status ucp_checker_find_role(const char *name, const ucp_role **out);

/* ---- rule evaluation (checks.c) ----------------------------------------------------------- */
ucp_status ucp_evaluate(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                        const ucp_topology *topology, ucp_report **out);
/* As ucp_evaluate(), with the comparison of a pool check (NULL: none); the report takes @pool. */
struct ucp_pool_compare;
ucp_status ucp_evaluate_pool(ucp_checker *checker, const ucp_input *input, const struct ucp_role *role,
                             const ucp_topology *topology, struct ucp_pool_compare *pool,
                             ucp_report **out);

/* ---- pool consistency (pool-check.c) ------------------------------------------------------- */
ucp_status ucp_pool_compare_build(struct ucp_pool_compare **out, const ucp_input *const *inputs,
                                  size_t count);

#endif /* UCPOLICY_CHECK_PRIVATE_H */
