/* SPDX-License-Identifier: MIT */
/*
 * A few TAP helpers shared by the C tests (TAP for multi-case programs, 99 for
 * a setup error). Every check is one test point that names what it checks; a failing point
 * prints where it is and what it saw.
 */
#ifndef UCPOLICY_TESTS_TAP_H
#define UCPOLICY_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAP_SETUP_FAILURE 99

static int tap_points, tap_failures;

/* mingw-w64 builds with __USE_MINGW_ANSI_STDIO=1: C99 printf, which GCC calls gnu_printf there. */
#if defined(__MINGW32__)
#  define TAP_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#  define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

TAP_PRINTF(4, 5) __attribute__((unused)) static bool tap_check(bool ok, const char *file, int line,
                                                               const char *fmt, ...)
{
    va_list ap;
    tap_points++;
    printf("%sok %d - ", ok ? "" : "not ", tap_points);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    if (!ok) {
        tap_failures++;
        printf("#   at %s:%d\n", file, line);
    }
    fflush(stdout);
    return ok;
}

/* CHECK(condition, "what is checked", ...) */
#define CHECK(cond, ...) tap_check((cond), __FILE__, __LINE__, __VA_ARGS__)

/* Compare two strings (NULL-safe), showing both on failure. */
#define CHECK_STR(got, want, ...)                                                                  \
    do {                                                                                           \
        const char *tap_g_ = (got), *tap_w_ = (want);                                             \
        bool tap_ok_ = (tap_g_ == NULL && tap_w_ == NULL) ||                                       \
                       (tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0);                          \
        if (!CHECK(tap_ok_, __VA_ARGS__))                                                          \
            printf("#   got \"%s\", want \"%s\"\n", tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)"); \
    } while (0)

/* The text contains a substring. */
#define CHECK_CONTAINS(text, part, ...)                                                            \
    do {                                                                                           \
        const char *tap_t_ = (text), *tap_p_ = (part);                                            \
        if (!CHECK(tap_t_ && strstr(tap_t_, tap_p_) != NULL, __VA_ARGS__))                        \
            printf("#   \"%s\" does not contain \"%s\"\n", tap_t_ ? tap_t_ : "(null)", tap_p_);      \
    } while (0)

__attribute__((unused)) static int tap_done(void)
{
    printf("1..%d\n", tap_points);
    return tap_failures ? 1 : 0;
}

#endif /* UCPOLICY_TESTS_TAP_H */
