import type { CertificateErrorCode, CmsErrorCode, KeyErrorCode } from '../../crypto/errors.ts'

/** HTTP status of each CMS / S/MIME error code (RFC 5652, RFC 8551). */
const cmsErrorStatus = {
  ERR_CMS_INVALID_INPUT: 400,
  ERR_CMS_MALFORMED: 400,
  ERR_CMS_MIME_MALFORMED: 400,
  ERR_CMS_UNSUPPORTED: 415,
  ERR_CMS_NOT_FOR_US: 422,
  ERR_CMS_DECRYPT: 422,
  ERR_CMS_NOT_SIGNED: 422,
  ERR_CMS_BAD_SIGNATURE: 422,
  ERR_CMS_SIGNER_UNTRUSTED: 422,
  ERR_CMS_TOO_LARGE: 413,
} as const satisfies Record<CmsErrorCode, number>

/** HTTP status of each certificate error code: a rejected certificate is unprocessable input. */
const certificateErrorStatus = {
  ERR_CERT_INVALID_INPUT: 400,
  ERR_CERT_MALFORMED: 400,
  ERR_CERT_UNSUPPORTED_KEY: 422,
  ERR_CERT_CRITICAL_EXTENSION: 422,
  ERR_CERT_EXPIRED: 422,
  ERR_CERT_NOT_YET_VALID: 422,
  ERR_CERT_UNTRUSTED: 422,
  ERR_CERT_BAD_SIGNATURE: 422,
  ERR_CERT_NOT_CA: 422,
  ERR_CERT_KEY_USAGE: 422,
  ERR_CERT_EKU: 422,
  ERR_CERT_EMAIL_MISMATCH: 422,
  ERR_CERT_REVOKED: 422,
  ERR_CERT_CRL_MISSING: 422,
  ERR_CERT_CRL_INVALID: 422,
  ERR_CERT_CRL_EXPIRED: 422,
} as const satisfies Record<CertificateErrorCode, number>

/** HTTP status of each key error code; a wrong master key is a server fault, not the caller's. */
const keyErrorStatus = {
  ERR_KEY_WRONG_MASTER_KEY: 500,
  ERR_KEY_WEAK_MASTER_KEY: 500,
  ERR_KEY_MALFORMED: 400,
  ERR_KEY_WRONG_PASSPHRASE: 422,
  ERR_KEY_MISMATCH: 422,
  ERR_KEY_UNSUPPORTED: 422,
  ERR_KEY_TOKEN: 500,
} as const satisfies Record<KeyErrorCode, number>

export type CryptoErrorCode = CmsErrorCode | CertificateErrorCode | KeyErrorCode

/** HTTP status for each error code of the crypto area (see error-status.ts). */
export const cryptoErrorStatus = {
  ...cmsErrorStatus,
  ...certificateErrorStatus,
  ...keyErrorStatus,
} as const satisfies Record<CryptoErrorCode, number>
