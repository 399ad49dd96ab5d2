/* SPDX-License-Identifier: MIT */
/*
 * libcurl on first use: online revocation (CRL distribution points, OCSP) is the only user and
 * most checks never fetch, so the library opens libcurl the first time a fetch starts instead of
 * linking it (core/dlopen.c). The GnuTLS flavour is preferred, as at build time: the library
 * already has GnuTLS loaded, and OpenSSL then stays out of the process.
 *
 * Packages must depend on libcurl explicitly (Debian: libcurl3-gnutls), since a package tool
 * reading the dynamic section no longer sees it; the .note.dlopen note below names it for the
 * tools that read those notes. Windows builds keep the direct link: the DLL is bundled beside
 * libucpolicy-1.dll and loaded by the system loader, which costs little there, and winsock
 * comes with it.
 */
#include "config.h"

#include <pthread.h>

#include "trust/trust-private.h"
#include "trust/libcurl-private.h"

#define UCP_CURL_DEFINE(f) __typeof__(f) *sym_##f;
UCP_CURL_FUNCTIONS(UCP_CURL_DEFINE)
#undef UCP_CURL_DEFINE

UCP_ELF_NOTE_DLOPEN(ucp_note_dlopen_curl,
                    "[{\"feature\":\"revocation-online\","
                    "\"description\":\"Fetching CRLs and OCSP responses over HTTP\","
                    "\"priority\":\"recommended\","
                    "\"soname\":[\"libcurl-gnutls.so.4\",\"libcurl.so.4\"]}]");

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static const char *curl_problem;

static void load_curl(void)
{
#ifdef _WIN32
#  define UCP_CURL_LINKED(f) sym_##f = f;
    UCP_CURL_FUNCTIONS(UCP_CURL_LINKED)
#  undef UCP_CURL_LINKED
#else
    static const char *const sonames[] = {"libcurl-gnutls.so.4", "libcurl.so.4", NULL};
#  define UCP_CURL_SYMBOL(f) {#f, &sym_##f},
    static const struct ucp_dl_symbol symbols[] = {UCP_CURL_FUNCTIONS(UCP_CURL_SYMBOL)};
#  undef UCP_CURL_SYMBOL
    if (!ucp_dl_open(sonames, symbols, UCP_ARRAY_SIZE(symbols))) {
        curl_problem = "online revocation needs libcurl (libcurl-gnutls.so.4 or libcurl.so.4): "
                       "install libcurl3-gnutls or libcurl4";
        return;
    }
#endif
    /* curl_global_init is not thread-safe in every libcurl release: run it exactly once. */
    if (sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        curl_problem = "libcurl cannot start (curl_global_init failed)";
}

const char *ucp_curl_load(void)
{
    pthread_once(&curl_once, load_curl);
    return curl_problem;
}
