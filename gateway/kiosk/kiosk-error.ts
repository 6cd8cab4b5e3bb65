import { CodedError } from '../../errors/coded-error.ts'

/** Every error code of the kiosk and self-service area; statuses in http/kiosk-error-status.ts. */
export const kioskErrorCodes = [
  'ERR_KIOSK_NO_SESSION',
  'ERR_KIOSK_NOTHING_PUSHED',
  'ERR_KIOSK_NOT_FOUND',
  'ERR_KIOSK_CHOICE_EMPTY',
  'ERR_KIOSK_RECEIPT_UNKNOWN',
  'ERR_KIOSK_RATE_LIMITED',
  'ERR_KIOSK_NOT_CONFIRMABLE',
  'ERR_KIOSK_SUMMARY_MISMATCH',
  /** The agency has no valid signing key: no sealed receipt PDF can be made now. */
  'ERR_KIOSK_RECEIPT_UNSEALED',
] as const
export type KioskErrorCode = (typeof kioskErrorCodes)[number]

export class KioskError extends CodedError<KioskErrorCode> {}
