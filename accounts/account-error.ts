import { CodedError } from '../errors/coded-error.ts'

/** Every error code of the accounts area; the HTTP status of each is in http/account-error-status.ts. */
export const accountErrorCodes = [
  'ERR_ACCOUNT_NOT_FOUND',
  'ERR_ACCOUNT_DISABLED',
  'ERR_ACCOUNT_LAST_ADMIN',
  'ERR_ACCOUNT_TOKEN_NOT_FOUND',
  'ERR_ACCOUNT_TOKEN_TTL_TOO_LONG',
  'ERR_ACCOUNT_TOKENS_JUST_REVOKED',
] as const
export type AccountErrorCode = (typeof accountErrorCodes)[number]

export class AccountError extends CodedError<AccountErrorCode> {}
