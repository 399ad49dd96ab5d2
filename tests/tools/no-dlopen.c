/* SPDX-License-Identifier: MIT */
/*
 * An LD_PRELOAD shim for tests of the libraries the library opens on first use (libcurl,
 * libxml2): dlopen() of a file whose name starts with one of the comma-separated prefixes of
 * UCP_NO_DLOPEN fails, as when the library is not installed; every other dlopen() goes through.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

static int refused(const char *file)
{
    const char *list = getenv("UCP_NO_DLOPEN");
    if (!file || !list)
        return 0;
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    while (*list) {
        size_t n = strcspn(list, ",");
        if (n && strncmp(base, list, n) == 0)
            return 1;
        list += n;
        if (*list == ',')
            list++;
    }
    return 0;
}

void *dlopen(const char *file, int mode)
{
    static void *(*next)(const char *, int);
    if (refused(file))
        return NULL;
    if (!next)
        *(void **)&next = dlsym(RTLD_NEXT, "dlopen"); /* POSIX's idiom: ISO C has no object-to-function cast */
    return next ? next(file, mode) : NULL;
}
