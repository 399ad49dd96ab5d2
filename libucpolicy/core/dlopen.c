/* SPDX-License-Identifier: MIT */
/*
 * Libraries loaded on first use. libcurl (online revocation) and libxml2 (topology XML) are
 * rarely needed, yet linking them made every process that loads the library resolve some thirty
 * more shared objects (Kerberos, LDAP, ICU ...), most of a one-shot check's time. They are opened
 * with dlopen() by their SONAME the first time they are needed, and their functions reached
 * through tables of pointers (trust/libcurl.c, policy/libxml.c); each library says so in an ELF
 * .note.dlopen note, so that packaging tools can see the dependency that the dynamic section no
 * longer shows. Windows builds keep the direct link (the tables point at the imported functions).
 */
#include "config.h"

#ifndef _WIN32
#  include <dlfcn.h>
#endif
#include <string.h>

#include "core/core-private.h"

#ifndef _WIN32
void *ucp_dl_open(const char *const *sonames, const struct ucp_dl_symbol *symbols, size_t count)
{
    for (; *sonames; sonames++) {
        /* RTLD_LOCAL: the library's names stay out of the global scope, where they could
         * interpose on the application's own copy of the same library. */
        void *handle = dlopen(*sonames, RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            continue;
        size_t i = 0;
        for (; i < count; i++) {
            void *address = dlsym(handle, symbols[i].name);
            if (!address)
                break;
            memcpy(symbols[i].slot, &address, sizeof address);
        }
        if (i == count)
            return handle; /* kept for the life of the process, as a linked library is */
        for (size_t j = 0; j < i; j++)
            memset(symbols[j].slot, 0, sizeof(void *));
        dlclose(handle);
    }
    return NULL;
}
#endif
