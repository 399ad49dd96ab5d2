/* SPDX-License-Identifier: MIT */
/*
 * The few POSIX calls of the C tests that Windows (mingw-w64, the cross build run under Wine)
 * lacks or spells differently: timegm, mkdir with a mode, mkdtemp, scandir and alphasort. Include
 * it after the system headers. On POSIX it adds nothing but TEST_PRINTF.
 */
#ifndef UCPOLICY_TESTS_PORTABLE_H
#define UCPOLICY_TESTS_PORTABLE_H

/* A printf-like function: mingw-w64 builds with __USE_MINGW_ANSI_STDIO=1, C99 printf, which GCC
 * calls gnu_printf there (its "printf" is msvcrt's, without %zu). */
#if defined(__MINGW32__)
#  define TEST_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#else
#  define TEST_PRINTF(f, a) __attribute__((format(printf, f, a)))
#endif

#ifdef _WIN32
#  include <direct.h>
#  include <dirent.h>
#  include <stdlib.h>
#  include <string.h>
#  include <time.h>

#  define timegm(tm) _mkgmtime64(tm)
#  define mkdir(path, mode) _mkdir(path)

/* mkdtemp(3) (a path such as "/tmp/x-XXXXXX": under Wine, Z:\tmp). */
__attribute__((unused)) static char *mkdtemp(char *template)
{
    return _mktemp(template) && _mkdir(template) == 0 ? template : NULL;
}

__attribute__((unused)) static int alphasort(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* scandir(3): the entries of @dir that @want accepts, sorted by @compare; -1 when @dir cannot be
 * read or memory runs out. */
__attribute__((unused)) static int scandir(const char *dir, struct dirent ***out, int (*want)(const struct dirent *),
                                           int (*compare)(const struct dirent **, const struct dirent **))
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent **v = NULL, *e;
    size_t n = 0, cap = 0;
    while ((e = readdir(d))) {
        if (want && !want(e))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            struct dirent **bigger = realloc(v, cap * sizeof *v);
            if (!bigger)
                break;
            v = bigger;
        }
        if (!(v[n] = malloc(sizeof *e)))
            break;
        memcpy(v[n++], e, sizeof *e);
    }
    closedir(d);
    if (compare)
        qsort(v, n, sizeof *v, (int (*)(const void *, const void *))compare);
    *out = v;
    return (int)n;
}
#endif

#endif /* UCPOLICY_TESTS_PORTABLE_H */
