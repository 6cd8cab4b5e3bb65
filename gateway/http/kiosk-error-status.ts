import type { KioskErrorCode } from '../kiosk/kiosk-error.ts'

/** HTTP status for each error code of the kiosk area (see error-status.ts). */
export const kioskErrorStatus = {
  ERR_KIOSK_NO_SESSION: 409,
  ERR_KIOSK_NOTHING_PUSHED: 404,
  ERR_KIOSK_NOT_FOUND: 404,
  ERR_KIOSK_CHOICE_EMPTY: 400,
  ERR_KIOSK_RECEIPT_UNKNOWN: 404,
  ERR_KIOSK_RATE_LIMITED: 429,
  ERR_KIOSK_NOT_CONFIRMABLE: 409,
  ERR_KIOSK_SUMMARY_MISMATCH: 400,
  ERR_KIOSK_RECEIPT_UNSEALED: 503,
} as const satisfies Record<KioskErrorCode, number>
