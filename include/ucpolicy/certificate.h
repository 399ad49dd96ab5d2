/* SPDX-License-Identifier: MIT */
#ifndef UCPOLICY_CERTIFICATE_H
#define UCPOLICY_CERTIFICATE_H

/**
 * @file ucpolicy/certificate.h
 * @brief Parsed certificates: loading inputs and reading a certificate's summary.
 *
 * A ::ucp_input is what was read from one file or buffer: one or more certificates (leaf
 * first) and, for PKCS#12, whether a private key was present. The format is detected from
 * the content, never from a file name: PEM (one or many certificates, or a PKCS#7 block),
 * DER certificate, PKCS#7 (.p7b/.p7c, PEM or DER) and PKCS#12 (.pfx/.p12).
 *
 * A ::ucp_certificate is immutable and may be read from any number of threads.
 */

#include "ucpolicy/common.h"

UCP_BEGIN_DECLS

/** A parsed certificate (opaque, immutable, reference-counted). @since 1.0 */
typedef struct ucp_certificate ucp_certificate;
/** The certificates read from one file or buffer (opaque, immutable). @since 1.0 */
typedef struct ucp_input ucp_input;

/** A container format. @since 1.0 */
typedef enum ucp_format {
    UCP_FORMAT_PEM = 0,    /**< "pem": one or more PEM CERTIFICATE blocks. @since 1.0 */
    UCP_FORMAT_DER = 1,    /**< "der": one DER certificate (.cer/.crt). @since 1.0 */
    UCP_FORMAT_PKCS7 = 2,  /**< "pkcs7": a PKCS#7 certificate bag, PEM or DER. @since 1.0 */
    UCP_FORMAT_PKCS12 = 3  /**< "pkcs12": a PFX file. @since 1.0 */
} ucp_format;

/** The kind of a subject alternative name. @since 1.0 */
typedef enum ucp_san_type {
    UCP_SAN_DNS = 0,   /**< dNSName @since 1.0 */
    UCP_SAN_IP = 1,    /**< iPAddress, shown in text form @since 1.0 */
    UCP_SAN_URI = 2,   /**< uniformResourceIdentifier @since 1.0 */
    UCP_SAN_EMAIL = 3, /**< rfc822Name @since 1.0 */
    UCP_SAN_OTHER = 4  /**< any other GeneralName, shown as "type:hex" @since 1.0 */
} ucp_san_type;

/**
 * Key usage bits (RFC 5280 4.2.1.3), as returned by ucp_certificate_key_usage(). The values are
 * libucpolicy's own (1 << RFC bit number), not GnuTLS's.
 * @since 1.0
 */
typedef enum ucp_key_usage {
    UCP_KU_DIGITAL_SIGNATURE = 1 << 0, /**< digitalSignature @since 1.0 */
    UCP_KU_NON_REPUDIATION = 1 << 1,   /**< nonRepudiation (contentCommitment) @since 1.0 */
    UCP_KU_KEY_ENCIPHERMENT = 1 << 2,  /**< keyEncipherment @since 1.0 */
    UCP_KU_DATA_ENCIPHERMENT = 1 << 3, /**< dataEncipherment @since 1.0 */
    UCP_KU_KEY_AGREEMENT = 1 << 4,     /**< keyAgreement @since 1.0 */
    UCP_KU_KEY_CERT_SIGN = 1 << 5,     /**< keyCertSign @since 1.0 */
    UCP_KU_CRL_SIGN = 1 << 6,          /**< cRLSign @since 1.0 */
    UCP_KU_ENCIPHER_ONLY = 1 << 7,     /**< encipherOnly @since 1.0 */
    UCP_KU_DECIPHER_ONLY = 1 << 8      /**< decipherOnly @since 1.0 */
} ucp_key_usage;

/** Largest input accepted, in bytes (32 MiB). @since 1.0 */
#define UCP_MAX_INPUT_SIZE (32u * 1024u * 1024u)

/** "pem", "der", "pkcs7" or "pkcs12"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_format_name(ucp_format format);
/** "dns", "ip", "uri", "email" or "other"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_san_type_name(ucp_san_type type);

/* ---- inputs --------------------------------------------------------------------------- */

/**
 * Read certificates from a file.
 *
 * @param[out] out The input; the caller frees it with ucp_input_free().
 * @param[in] path The file.
 * @param[in] password The PKCS#12 password, or NULL for none. Ignored for other formats.
 *            The library keeps no copy of it after the call returns.
 * @returns ::UCP_OK, ::UCP_E_IO, ::UCP_E_FORMAT, ::UCP_E_CORRUPT, ::UCP_E_PASSWORD,
 *          ::UCP_E_NO_CERTIFICATE, ::UCP_E_TOO_LARGE, ::UCP_E_LIMIT or ::UCP_E_NO_MEMORY;
 *          the message names @p path and the problem.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_input_from_file(ucp_input **out, const char *path, const char *password);

/**
 * Read certificates from memory; as ucp_input_from_file().
 * @param[out] out The input.
 * @param[in] data The bytes (not necessarily NUL-terminated); copied as needed.
 * @param[in] length Their number.
 * @param[in] name A name for messages and reports (e.g. the original file name), or NULL
 *            for "<memory>".
 * @param[in] password The PKCS#12 password, or NULL.
 * @since 1.0
 */
UCP_EXPORT ucp_status ucp_input_from_data(ucp_input **out, const uint8_t *data, size_t length,
                                          const char *name, const char *password);

/** Free an input; NULL is accepted. Certificates obtained from it stay valid if referenced. @since 1.0 */
UCP_EXPORT void ucp_input_free(ucp_input *input);
/** The name given at creation (file path or name), never NULL. @since 1.0 */
UCP_EXPORT const char *ucp_input_name(const ucp_input *input);
/** The detected format. @since 1.0 */
UCP_EXPORT ucp_format ucp_input_format(const ucp_input *input);
/** Number of certificates (at least 1). @since 1.0 */
UCP_EXPORT size_t ucp_input_certificate_count(const ucp_input *input);
/**
 * A certificate of the input. Index 0 is the leaf: the first certificate of a PEM file, the
 * certificate whose private key is in a PKCS#12 file, the end of the chain of a PKCS#7 bag.
 * @returns Borrowed (valid while @p input lives, or longer with ucp_certificate_ref()); NULL
 *          out of range.
 * @since 1.0
 */
UCP_EXPORT const ucp_certificate *ucp_input_certificate_at(const ucp_input *input, size_t index);
/** Whether the input held a private key (PKCS#12, or PEM with a key block). @since 1.0 */
UCP_EXPORT bool ucp_input_has_private_key(const ucp_input *input);

/* ---- certificates --------------------------------------------------------------------- */

/** Take a reference; returns @p cert. @since 1.0 */
UCP_EXPORT const ucp_certificate *ucp_certificate_ref(const ucp_certificate *cert);
/** Drop a reference taken with ucp_certificate_ref(); NULL is accepted; any thread. @since 1.0 */
UCP_EXPORT void ucp_certificate_unref(const ucp_certificate *cert);

/** The subject DN in RFC 4514 form, e.g. "CN=exch01.contoso.com,O=Contoso"; "" if empty. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_subject(const ucp_certificate *cert);
/** The issuer DN in RFC 4514 form. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_issuer(const ucp_certificate *cert);
/** The first subject common name, or NULL when the subject has none. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_common_name(const ucp_certificate *cert);
/** The serial number in upper-case hexadecimal. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_serial(const ucp_certificate *cert);
/** Number of subject alternative names (all kinds). @since 1.0 */
UCP_EXPORT size_t ucp_certificate_san_count(const ucp_certificate *cert);
/**
 * A subject alternative name as text. Bytes that are not printable ASCII (including NUL)
 * are shown as "\xHH", so the text never hides what the certificate holds.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_certificate_san_at(const ucp_certificate *cert, size_t index);
/** The kind of the subject alternative name at @p index. @since 1.0 */
UCP_EXPORT ucp_san_type ucp_certificate_san_type_at(const ucp_certificate *cert, size_t index);
/** Whether the certificate has an extended key usage extension. @since 1.0 */
UCP_EXPORT bool ucp_certificate_has_eku(const ucp_certificate *cert);
/** Whether the extended key usage extension is marked critical. @since 1.0 */
UCP_EXPORT bool ucp_certificate_eku_critical(const ucp_certificate *cert);
/** Whether the certificate has a key usage extension. @since 1.0 */
UCP_EXPORT bool ucp_certificate_has_key_usage(const ucp_certificate *cert);
/** The key usage bits (an OR of ::ucp_key_usage values); 0 without the extension. @since 1.0 */
UCP_EXPORT unsigned ucp_certificate_key_usage(const ucp_certificate *cert);
/** Whether the key usage extension is marked critical. @since 1.0 */
UCP_EXPORT bool ucp_certificate_key_usage_critical(const ucp_certificate *cert);
/** The RFC 5280 name of one key usage bit, e.g. "keyEncipherment"; "" for other values. @since 1.0 */
UCP_EXPORT const char *ucp_key_usage_name(ucp_key_usage usage);
/** Number of extended key usage OIDs. @since 1.0 */
UCP_EXPORT size_t ucp_certificate_eku_count(const ucp_certificate *cert);
/** An extended key usage OID, e.g. "1.3.6.1.5.5.7.3.1". @since 1.0 */
UCP_EXPORT const char *ucp_certificate_eku_at(const ucp_certificate *cert, size_t index);
/** A readable name for an EKU OID ("serverAuth", ...), or the OID itself if unknown. @since 1.0 */
UCP_EXPORT const char *ucp_eku_name(const char *oid);
/** Key algorithm: "RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA" or "unknown". @since 1.0 */
UCP_EXPORT const char *ucp_certificate_key_algorithm(const ucp_certificate *cert);
/** Key size in bits. @since 1.0 */
UCP_EXPORT unsigned ucp_certificate_key_bits(const ucp_certificate *cert);
/** The elliptic curve ("P-256", "P-384", "P-521", ...) or NULL for non-EC keys. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_key_curve(const ucp_certificate *cert);
/** Signature algorithm, e.g. "RSA-SHA256", "RSA-PSS-SHA256", "ECDSA-SHA384", or the OID. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_signature_algorithm(const ucp_certificate *cert);
/** Start of validity, seconds since the Unix epoch (UTC). @since 1.0 */
UCP_EXPORT int64_t ucp_certificate_not_before(const ucp_certificate *cert);
/** End of validity, seconds since the Unix epoch (UTC). @since 1.0 */
UCP_EXPORT int64_t ucp_certificate_not_after(const ucp_certificate *cert);
/** SHA-1 of the DER encoding, upper-case hexadecimal (the Windows thumbprint). @since 1.0 */
UCP_EXPORT const char *ucp_certificate_sha1(const ucp_certificate *cert);
/** SHA-256 of the DER encoding, upper-case hexadecimal. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_sha256(const ucp_certificate *cert);
/** Whether basic constraints say CA:TRUE. @since 1.0 */
UCP_EXPORT bool ucp_certificate_is_ca(const ucp_certificate *cert);
/** Whether the certificate is self-signed (issuer = subject and its own key verifies it). @since 1.0 */
UCP_EXPORT bool ucp_certificate_is_self_signed(const ucp_certificate *cert);
/** Number of CRL distribution point URLs. @since 1.0 */
UCP_EXPORT size_t ucp_certificate_crl_url_count(const ucp_certificate *cert);
/** A CRL distribution point URL. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_crl_url_at(const ucp_certificate *cert, size_t index);
/** Number of AIA OCSP URLs. @since 1.0 */
UCP_EXPORT size_t ucp_certificate_ocsp_url_count(const ucp_certificate *cert);
/** An AIA OCSP URL. @since 1.0 */
UCP_EXPORT const char *ucp_certificate_ocsp_url_at(const ucp_certificate *cert, size_t index);
/** Number of AIA caIssuers URLs. @since 1.0 */
UCP_EXPORT size_t ucp_certificate_ca_issuers_url_count(const ucp_certificate *cert);
/** An AIA caIssuers URL (where the issuing CA certificate can be fetched). @since 1.0 */
UCP_EXPORT const char *ucp_certificate_ca_issuers_url_at(const ucp_certificate *cert, size_t index);
/**
 * The DER encoding of the certificate.
 * @param[in] cert The certificate.
 * @param[out] length Set to the number of bytes.
 * @returns Borrowed bytes, valid while @p cert lives.
 * @since 1.0
 */
UCP_EXPORT const uint8_t *ucp_certificate_der(const ucp_certificate *cert, size_t *length);

UCP_END_DECLS

#endif /* UCPOLICY_CERTIFICATE_H */
