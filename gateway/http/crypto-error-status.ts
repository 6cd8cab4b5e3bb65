import type { CmsErrorCode } from '../../crypto/errors.ts'

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

/** HTTP status for each error code of the crypto area (see error-status.ts). */
export const cryptoErrorStatus: Record<string, number> = { ...cmsErrorStatus }
