/* SPDX-License-Identifier: MIT */
/*
 * tap.h for the C tests that make their own certificates and CRLs with GnuTLS: GT() runs a
 * GnuTLS call of the test's setup and stops the program as a setup failure, with GnuTLS's
 * message, when it fails.
 */
#ifndef UCPOLICY_TESTS_TAP_GNUTLS_H
#define UCPOLICY_TESTS_TAP_GNUTLS_H

#include <gnutls/gnutls.h>

#include "tap.h"

#define GT(x)                                                                                      \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_ < 0) {                                                                             \
            fprintf(stderr, "%s: %s\n", #x, gnutls_strerror(rc_));                                 \
            exit(TAP_SETUP_FAILURE);                                                               \
        }                                                                                          \
    } while (0)

#endif
