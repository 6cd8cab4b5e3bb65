import type { IngressStartErrorCode } from '../relay/ingress-start-error.ts'
import type { RelayErrorCode } from '../relay/relay-error.ts'

/** HTTP status for each error code of the relay area (see error-status.ts). */
export const relayErrorStatus = {
  transfer_denied: 403,
  ERR_RELAY_ATTACHMENT_NOT_PDF: 400,
  ERR_RELAY_ATTACHMENT_ENCODING: 400,
  ERR_RELAY_ATTACHMENT_TOO_LARGE: 413,
  // The registry lacks what the transfer needs: the request is fine, the gateway's state is not.
  ERR_RELAY_SENDER_AGENCY_UNKNOWN: 409,
  ERR_RELAY_SENDER_CERTIFICATE_MISSING: 409,
  ERR_RELAY_SENDER_CERTIFICATE_INVALID: 409,
  ERR_RELAY_SENDER_KEY_MISSING: 409,
  ERR_RELAY_RECIPIENT_AGENCY_UNKNOWN: 409,
  ERR_RELAY_RECIPIENT_CERTIFICATE_MISSING: 409,
  ERR_RELAY_CONSENT_TEXT_MISSING: 409,
  ERR_RELAY_TRANSFER_NOT_FOUND: 404,
  ERR_RELAY_MESSAGE_NOT_FOUND: 404,
  ERR_RELAY_REQUEST_NOT_FOUND: 404,
  ERR_RELAY_REQUEST_MISMATCH: 409,
  ERR_REQUEST_UNKNOWN_PURPOSE: 400,
  ERR_REQUEST_UNKNOWN_CATEGORY: 400,
  ERR_REQUEST_SELF: 400,
  ERR_REQUEST_UNKNOWN_AGENCY: 400,
  // Also a consent the caller's agency is no party to: no hint that it exists.
  ERR_REQUEST_CONSENT_NOT_FOUND: 404,
  ERR_REQUEST_NOT_RECIPIENT: 403,
  ERR_REQUEST_NOT_PARTY: 400,
  ERR_REQUEST_NOT_SENDER: 400,
  ERR_REQUEST_CONSENT_NOT_ACTIVE: 409,
  ERR_REQUEST_NOT_COVERED: 400,
  // The operator's levers (consent/transfer-levers.ts): another agency's transfer is "not found";
  // a transfer whose state does not allow the lever (now) is a conflict.
  ERR_LEVER_NOT_FOUND: 404,
  ERR_LEVER_NOT_ALLOWED: 403,
  ERR_LEVER_NOT_FAILED: 409,
  ERR_LEVER_NOT_WAITING: 409,
  ERR_LEVER_NOTICE_NOT_CANCELLABLE: 409,
  ERR_LEVER_MESSAGE_GONE: 409,
  ERR_LEVER_IN_DELIVERY: 409,
  ERR_LEVER_AGENCY_UNKNOWN: 404,
  // The ingress failing to start is a server fault; it never answers an HTTP request.
  ERR_SMTP_INGRESS_LISTEN: 500,
  ERR_SMTP_INGRESS_TLS: 500,
} as const satisfies Record<RelayErrorCode | IngressStartErrorCode, number>
