/* SPDX-License-Identifier: MIT */
/*
 * libcurl, loaded on first use (libcurl.c): fetch.c calls it through these pointers, never by its
 * own names, so that the library does not link it (core/dlopen.c says why). The types come from
 * curl/curl.h, which the build still needs.
 */
#ifndef UCPOLICY_TRUST_LIBCURL_PRIVATE_H
#define UCPOLICY_TRUST_LIBCURL_PRIVATE_H

#include <curl/curl.h> /* brings winsock2.h on Windows */

#define UCP_CURL_FUNCTIONS(X)                                                                     \
    X(curl_global_init)                                                                           \
    X(curl_easy_strerror)                                                                         \
    X(curl_easy_init)                                                                             \
    X(curl_easy_setopt)                                                                           \
    X(curl_easy_getinfo)                                                                          \
    X(curl_easy_perform)                                                                          \
    X(curl_easy_cleanup)                                                                          \
    X(curl_slist_append)                                                                          \
    X(curl_slist_free_all)                                                                        \
    X(curl_url)                                                                                   \
    X(curl_url_set)                                                                               \
    X(curl_url_get)                                                                               \
    X(curl_url_cleanup)                                                                           \
    X(curl_free)

#define UCP_CURL_DECLARE(f) extern __typeof__(f) *sym_##f;
UCP_CURL_FUNCTIONS(UCP_CURL_DECLARE)
#undef UCP_CURL_DECLARE

/* Load libcurl and run curl_global_init, once per process (thread-safe). NULL when the sym_
 * pointers are ready; otherwise why not, as a constant string (libcurl is not installed, or it
 * cannot start). */
const char *ucp_curl_load(void);

#endif
