import { CodedError, type CodedErrorOptions } from '../errors/coded-error.ts'

/**
 * Error family of the crypto area. Each class carries a closed union of codes, an optional
 * `cause` and log-safe `details` (never key material, never message content).
 */

/** Codes of {@link CertificateError}: building, parsing and validating X.509 certificates and CRLs. */
export const certificateErrorCodes = [
  'ERR_CERT_INVALID_INPUT',
  'ERR_CERT_MALFORMED',
  'ERR_CERT_UNSUPPORTED_KEY',
  'ERR_CERT_CRITICAL_EXTENSION',
  'ERR_CERT_EXPIRED',
  'ERR_CERT_NOT_YET_VALID',
  'ERR_CERT_UNTRUSTED',
  'ERR_CERT_BAD_SIGNATURE',
  'ERR_CERT_NOT_CA',
  'ERR_CERT_KEY_USAGE',
  'ERR_CERT_EKU',
  'ERR_CERT_EMAIL_MISMATCH',
  'ERR_CERT_REVOKED',
  'ERR_CERT_CRL_MISSING',
  'ERR_CERT_CRL_INVALID',
  'ERR_CERT_CRL_EXPIRED',
] as const

export type CertificateErrorCode = (typeof certificateErrorCodes)[number]

/** Log-safe context of an error: identifiers, fingerprints, instants — never secrets. */
export type ErrorDetails = Record<string, string | number | boolean | null>

/** The crypto families' common base: `details` is always there (empty when nothing to add). */
abstract class CryptoError<Code extends string> extends CodedError<Code, ErrorDetails> {
  declare readonly details: ErrorDetails

  constructor(code: Code, message: string, options: CodedErrorOptions<ErrorDetails> = {}) {
    super(code, message, { ...options, details: options.details ?? {} })
  }
}

/** A certificate or CRL could not be built, parsed or accepted (RFC 5280). */
export class CertificateError extends CryptoError<CertificateErrorCode> {}

/** Codes of {@link CmsError}: building, parsing, decrypting and verifying CMS / S/MIME messages. */
export const cmsErrorCodes = [
  /** The caller passed unusable input (e.g. a key that does not match the certificate). */
  'ERR_CMS_INVALID_INPUT',
  /** The bytes are not a well-formed CMS structure (garbage, truncated, wrongly nested). */
  'ERR_CMS_MALFORMED',
  /** The MIME entity around the CMS is not a well-formed S/MIME entity. */
  'ERR_CMS_MIME_MALFORMED',
  /** Well-formed, but an algorithm, content type or version Brücke does not accept. */
  'ERR_CMS_UNSUPPORTED',
  /** No recipient info names the certificate we hold (wrong recipient). */
  'ERR_CMS_NOT_FOR_US',
  /** Decryption failed. Every failure of a tampered message gives this one code (no oracle). */
  'ERR_CMS_DECRYPT',
  /** The message is not signed where a signature is required. */
  'ERR_CMS_NOT_SIGNED',
  /** A signature, message digest or content-type attribute does not verify. */
  'ERR_CMS_BAD_SIGNATURE',
  /** The signer certificate is missing or does not validate against the trust anchors. */
  'ERR_CMS_SIGNER_UNTRUSTED',
  /** The message exceeds the size or nesting limits. */
  'ERR_CMS_TOO_LARGE',
] as const

export type CmsErrorCode = (typeof cmsErrorCodes)[number]

/** A CMS (RFC 5652) or S/MIME (RFC 8551) message could not be built, read, decrypted or verified. */
export class CmsError extends CryptoError<CmsErrorCode> {}

/** Codes of {@link KeyError}: private keys at rest and key files (PKCS#8, PKCS#12). */
export const keyErrorCodes = [
  /** The master key does not open the stored keys (a different BRUCKE_MASTER_KEY). */
  'ERR_KEY_WRONG_MASTER_KEY',
  /** The master key is too short to derive a key-encryption key from. */
  'ERR_KEY_WEAK_MASTER_KEY',
  /** A key file or PKCS#12 container cannot be read. */
  'ERR_KEY_MALFORMED',
  /** The PKCS#12 or key passphrase is wrong. */
  'ERR_KEY_WRONG_PASSPHRASE',
  /** The private key does not belong to the certificate. */
  'ERR_KEY_MISMATCH',
  /** The key type cannot be used (only RSA and EC keys are). */
  'ERR_KEY_UNSUPPORTED',
  /** A hardware token (PKCS#11) cannot be opened or logged into, or refused an operation. */
  'ERR_KEY_TOKEN',
] as const

export type KeyErrorCode = (typeof keyErrorCodes)[number]

/** A private key could not be sealed, opened or imported. Details never contain key material. */
export class KeyError extends CryptoError<KeyErrorCode> {}
