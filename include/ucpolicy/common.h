/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_COMMON_H
#define UCPOLICY_COMMON_H

/**
 * @file ucpolicy/common.h
 * @brief Export macros, library-owned buffers, the thread-local last error and version calls.
 *
 * Conventions that hold for the whole API (see README.md, "C API conventions"):
 * - Every fallible call returns ::ucp_status; 0 (::UCP_OK) is success, failures are negative.
 *   On failure, details are in ucp_error_last() for the calling thread and every `**out`
 *   parameter is set to NULL.
 * - An object returned through `**out` belongs to the caller, who frees it with the type's
 *   `_free` function. Every `_free` accepts NULL and may be called from any thread.
 * - A pointer returned by a getter is borrowed: it stays valid as long as the object it was
 *   obtained from, and must not be freed.
 * - Strings are NUL-terminated UTF-8. Binary input is passed as (data, length).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ucpolicy/status.h"

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(UCP_BUILDING_LIBRARY)
#    define UCP_EXPORT __declspec(dllexport)
#  elif defined(UCP_STATIC)
#    define UCP_EXPORT
#  else
#    define UCP_EXPORT __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
#  define UCP_EXPORT __attribute__((visibility("default")))
#else
#  define UCP_EXPORT
#endif

#if defined(__GNUC__)
#  define UCP_DEPRECATED __attribute__((deprecated))
#elif defined(_MSC_VER)
#  define UCP_DEPRECATED __declspec(deprecated)
#else
#  define UCP_DEPRECATED
#endif

#ifdef __cplusplus
#  define UCP_BEGIN_DECLS extern "C" {
#  define UCP_END_DECLS }
#else
#  define UCP_BEGIN_DECLS
#  define UCP_END_DECLS
#endif

UCP_BEGIN_DECLS

/**
 * A byte buffer allocated by the library.
 *
 * Output of the renderers (JSON, text). @c data is always NUL-terminated; @c size does not
 * count the terminator. Release it with ucp_buffer_dispose(), never with free().
 * @since 1.0
 */
typedef struct ucp_buffer {
    char *data;  /**< The bytes, NUL-terminated; NULL when empty. */
    size_t size; /**< Number of bytes before the terminator. */
} ucp_buffer;

/**
 * Release the memory of a buffer filled by the library and reset it to empty.
 *
 * @param[in,out] buffer The buffer; NULL and an already empty buffer are accepted.
 * @since 1.0
 */
UCP_EXPORT void ucp_buffer_dispose(ucp_buffer *buffer);

/** Which component an error came from. @since 1.0 */
typedef enum ucp_error_origin {
    UCP_ORIGIN_UCPOLICY = 0, /**< libucpolicy itself. @since 1.0 */
    UCP_ORIGIN_GNUTLS = 1,   /**< GnuTLS; the origin code is a GNUTLS_E_* value. @since 1.0 */
    UCP_ORIGIN_LIBTASN1 = 2, /**< libtasn1; the origin code is an ASN1_* value. @since 1.0 */
    UCP_ORIGIN_JSON = 3,     /**< The JSON parser (jansson). @since 1.0 */
    UCP_ORIGIN_SYSTEM = 4    /**< The operating system; the origin code is an errno value. @since 1.0 */
} ucp_error_origin;

/** Details of the last failure on the calling thread (opaque). @since 1.0 */
typedef struct ucp_error ucp_error;

/**
 * The last error raised on the calling thread.
 *
 * @returns The error, or NULL if no call has failed on this thread since the last
 *          ucp_error_clear(). Borrowed: valid until the next libucpolicy call on this thread.
 * @since 1.0
 */
UCP_EXPORT const ucp_error *ucp_error_last(void);

/** Forget the calling thread's last error. @since 1.0 */
UCP_EXPORT void ucp_error_clear(void);

/**
 * The status code of an error.
 * @param[in] error An error from ucp_error_last(); NULL gives ::UCP_OK.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_error_code(const ucp_error *error);

/**
 * A sentence describing the failure, naming the file or input and the problem,
 * e.g. "um.pfx: wrong password for the PKCS#12 file (MAC verification failed)".
 * @param[in] error An error from ucp_error_last(); NULL gives "".
 * @returns Borrowed UTF-8 text.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_error_message(const ucp_error *error);

/**
 * The file or input name the error concerns.
 * @param[in] error An error from ucp_error_last().
 * @returns Borrowed UTF-8 text, or NULL when the error concerns no input.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_error_source(const ucp_error *error);

/** The component the error came from. @since 1.0 */
UCP_EXPORT ucp_error_origin ucp_error_origin_of(const ucp_error *error);

/** "ucpolicy", "gnutls", "libtasn1", "json" or "system"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_error_origin_name(ucp_error_origin origin);

/** The component's own error code (GNUTLS_E_*, ASN1_*, errno), 0 if none. @since 1.0 */
UCP_EXPORT int ucp_error_origin_code(const ucp_error *error);

/**
 * A short English description of a status code.
 * @returns A static string; "Unknown status" for values not in the registry.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_strerror(ucp_status status);

/**
 * The symbolic name of a status code, e.g. "UCP_E_PASSWORD".
 * @returns A static string; "UCP_E_UNKNOWN" for values not in the registry.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_strerror_name(ucp_status status);

/**
 * The version of the library loaded at run time, e.g. "1.0.0".
 * @returns A static string.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_version(void);

/**
 * Check that the library loaded at run time is at least a given version.
 *
 * @param[in] required The minimum version as "MAJOR.MINOR.PATCH" (fewer parts allowed), or NULL.
 * @returns The run-time version string if it is at least @p required (or @p required is NULL),
 *          NULL otherwise.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_check_version(const char *required);

/**
 * The version of the GnuTLS library in use at run time, e.g. "3.7.9".
 * @returns A static string.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_gnutls_version(void);

UCP_END_DECLS

#endif /* UCPOLICY_COMMON_H */
