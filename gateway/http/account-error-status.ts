import type { AccountErrorCode } from '../../accounts/account-error.ts'

/** HTTP status for each error code of the accounts area (see error-status.ts). */
export const accountErrorStatus = {
  ERR_ACCOUNT_NOT_FOUND: 404,
  ERR_ACCOUNT_DISABLED: 409,
  ERR_ACCOUNT_LAST_ADMIN: 409,
  ERR_ACCOUNT_TOKEN_NOT_FOUND: 404,
  ERR_ACCOUNT_TOKEN_TTL_TOO_LONG: 400,
  ERR_ACCOUNT_TOKENS_JUST_REVOKED: 409,
} as const satisfies Record<AccountErrorCode, number>
