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

/**
 * Whether the private key of an input belongs to its leaf certificate.
 * @since 1.0
 */
typedef enum ucp_key_match {
    UCP_KEY_MATCH_UNKNOWN = 0, /**< "unknown": no private key in the input, or one that cannot be read (an encrypted key without its password, a kind GnuTLS does not read). @since 1.0 */
    UCP_KEY_MATCH_YES = 1,     /**< "yes": the private key is the key of the leaf certificate. @since 1.0 */
    UCP_KEY_MATCH_NO = 2       /**< "no": the input holds a private key, but not the leaf certificate's: the pair cannot work. @since 1.0 */
} ucp_key_match;

/**
 * The kind of Windows key store a private key's provider is. Lync Server 2010/2013 and Exchange
 * UM support only legacy CryptoAPI providers (general rule G11, docs/general-rules.md).
 * @since 1.0
 */
typedef enum ucp_key_storage {
    UCP_KEY_STORAGE_UNKNOWN = 0, /**< "unknown": no provider recorded, or a name known as neither kind. @since 1.0 */
    UCP_KEY_STORAGE_CSP = 1,     /**< "csp": a legacy CryptoAPI cryptographic service provider, e.g. "Microsoft RSA SChannel Cryptographic Provider". @since 1.0 */
    UCP_KEY_STORAGE_KSP = 2      /**< "ksp": a CNG key storage provider, e.g. "Microsoft Software Key Storage Provider". @since 1.0 */
} ucp_key_storage;

/**
 * Whether an input tells which provider its private key belongs to. Windows records it in the
 * key's PKCS#12 SafeBag as the Microsoft CSP name attribute (OID 1.3.6.1.4.1.311.17.1).
 * @since 1.0
 */
typedef enum ucp_key_provider_state {
    UCP_KEY_PROVIDER_NOT_APPLICABLE = 0, /**< "not-applicable": no PKCS#12 private key (a certificate file, a PEM key block, or a PKCS#12 file without a key): provider facts are not available. @since 1.0 */
    UCP_KEY_PROVIDER_RECORDED = 1,       /**< "recorded": the key's SafeBag names its provider. @since 1.0 */
    UCP_KEY_PROVIDER_NOT_RECORDED = 2,   /**< "not-recorded": the key's SafeBag carries no provider name (OpenSSL, GnuTLS and Java write none); Windows chooses one at import. @since 1.0 */
    UCP_KEY_PROVIDER_NOT_VISIBLE = 3     /**< "not-visible": the key's SafeBag is inside an encrypted ContentInfo, decrypted through GnuTLS, which exposes no attribute but the friendly name and the local key id. @since 1.0 */
} ucp_key_provider_state;

/** Largest input accepted, in bytes (32 MiB). @since 1.0 */
#define UCP_MAX_INPUT_SIZE (32u * 1024u * 1024u)

/** "pem", "der", "pkcs7" or "pkcs12"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_format_name(ucp_format format);
/** "dns", "ip", "uri", "email" or "other"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_san_type_name(ucp_san_type type);

/** "unknown", "yes" or "no"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_key_match_name(ucp_key_match match);
/** "unknown", "csp" or "ksp"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_key_storage_name(ucp_key_storage storage);
/** "not-applicable", "recorded", "not-recorded" or "not-visible"; "" out of range. @since 1.0 */
UCP_EXPORT const char *ucp_key_provider_state_name(ucp_key_provider_state state);
/**
 * Classify a Windows provider name. CNG key storage providers ("Microsoft Software Key Storage
 * Provider", "Microsoft Platform Crypto Provider", "Microsoft Smart Card Key Storage Provider",
 * "Microsoft Passport Key Storage Provider", any "... Key Storage Provider") are
 * ::UCP_KEY_STORAGE_KSP. CryptoAPI providers ("Microsoft Enhanced RSA and AES Cryptographic
 * Provider", "Microsoft RSA SChannel Cryptographic Provider", "Microsoft Strong Cryptographic
 * Provider", "Microsoft Base Smart Card Crypto Provider", any "... Cryptographic Provider" or
 * "... Cryptographic Service Provider") are ::UCP_KEY_STORAGE_CSP. ASCII case, surrounding
 * spaces and a " vN.N" version suffix are ignored.
 * @param[in] provider The provider name (UTF-8), or NULL.
 * @returns The kind; ::UCP_KEY_STORAGE_UNKNOWN for NULL and for names known as neither.
 * @since 1.0
 */
UCP_EXPORT ucp_key_storage ucp_key_storage_classify(const char *provider);

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

/**
 * Add intermediate CA certificates that the input does not carry but that the operating system's
 * certificate stores hold for it: what a server would present with a certificate taken from a
 * store (the .NET binding finds them with X509Chain). Path building uses them as it uses the
 * input's own intermediates, and reports name their source "system-intermediates"
 * (ucp_report_chain_source_at()); they are never trust anchors. Call it before the input is
 * checked, not while it is.
 * @param[in,out] input The input.
 * @param[in] data One or more certificates (DER, PEM, PKCS#7), e.g. one DER certificate per call.
 * @param[in] length The number of bytes.
 * @returns ::UCP_OK, ::UCP_E_INVALID_ARGUMENT, ::UCP_E_FORMAT, ::UCP_E_CORRUPT,
 *          ::UCP_E_LIMIT (more than 64 in all) or ::UCP_E_NO_MEMORY.
 * @since 1.1
 */
UCP_EXPORT ucp_status ucp_input_add_system_intermediates(ucp_input *input, const uint8_t *data, size_t length);

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
/**
 * Whether the input's private key belongs to its leaf certificate (index 0). Every key bag of a
 * PKCS#12 file is decrypted and compared with the leaf's public key; so is every private key
 * block of a PEM file (PKCS#8, encrypted PKCS#8 with the input's password, PKCS#1, SEC1).
 * @returns ::UCP_KEY_MATCH_UNKNOWN when the input holds no key, or none that can be read.
 * @since 1.0
 */
UCP_EXPORT ucp_key_match ucp_input_key_match(const ucp_input *input);
/**
 * The Windows provider recorded for the private key (the Microsoft CSP name attribute of its
 * PKCS#12 SafeBag), e.g. "Microsoft Software Key Storage Provider".
 * @returns Borrowed text, valid while @p input lives (bytes that are not printable UTF-8 are
 *          shown as "\xHH"); NULL unless ucp_input_key_provider_state() is
 *          ::UCP_KEY_PROVIDER_RECORDED.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_input_key_provider(const ucp_input *input);
/** Whether the provider of the private key is known from the input. @since 1.0 */
UCP_EXPORT ucp_key_provider_state ucp_input_key_provider_state(const ucp_input *input);
/**
 * The kind of the recorded provider: ucp_key_storage_classify() of ucp_input_key_provider().
 * @returns ::UCP_KEY_STORAGE_UNKNOWN when no provider is recorded.
 * @since 1.0
 */
UCP_EXPORT ucp_key_storage ucp_input_key_storage(const ucp_input *input);
/**
 * The friendly name of the leaf certificate's PKCS#12 bag (PKCS#9 friendlyName,
 * 1.2.840.113549.1.9.20): the FriendlyName Windows and Exchange show for the certificate.
 * @returns Borrowed text, valid while @p input lives; NULL when the input is not PKCS#12 or the
 *          bag has no friendly name.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_input_friendly_name(const ucp_input *input);

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
 * The template name of the Microsoft certificate template name extension
 * (szOID_ENROLL_CERTTYPE_EXTENSION, 1.3.6.1.4.1.311.20.2, written for version 1 templates),
 * e.g. "WebServer".
 * @returns Borrowed text, or NULL when the extension is absent or malformed (a malformed
 *          template extension of a checked leaf gives an input.template-malformed finding).
 * @since 1.0
 */
UCP_EXPORT const char *ucp_certificate_template_name(const ucp_certificate *cert);
/**
 * The template OID of the Microsoft certificate template extension (szOID_CERTIFICATE_TEMPLATE,
 * 1.3.6.1.4.1.311.21.7, written for version 2 and later templates), e.g.
 * "1.3.6.1.4.1.311.21.8.1234.5678.17".
 * @returns Borrowed text, or NULL when the extension is absent or malformed.
 * @since 1.0
 */
UCP_EXPORT const char *ucp_certificate_template_oid(const ucp_certificate *cert);
/**
 * The templateMajorVersion of the certificate template extension (0 to 4294967295).
 * @returns The version, or -1 when the extension or the version is absent (or malformed).
 * @since 1.0
 */
UCP_EXPORT int64_t ucp_certificate_template_major(const ucp_certificate *cert);
/**
 * The templateMinorVersion of the certificate template extension (0 to 4294967295).
 * @returns The version, or -1 when the extension or the version is absent (or malformed).
 * @since 1.0
 */
UCP_EXPORT int64_t ucp_certificate_template_minor(const ucp_certificate *cert);
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
