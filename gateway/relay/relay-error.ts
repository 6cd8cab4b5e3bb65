import { dataRequestRefusalCodes } from '../../consent/data-request-rule.ts'
import { transferLeverRefusalCodes } from '../../consent/transfer-levers.ts'
import { CodedError } from '../../errors/coded-error.ts'

/**
 * Error codes of the relay area; `transfer_denied` is the contract's code (docs/design.md §6). The
 * refusals of a data request come from its rule in `consent/`.
 */
export const relayErrorCodes = [
  'transfer_denied',
  'ERR_RELAY_ATTACHMENT_NOT_PDF',
  'ERR_RELAY_ATTACHMENT_TOO_LARGE',
  'ERR_RELAY_ATTACHMENT_ENCODING',
  // What a permitted transfer still needs to be signed, encrypted and addressed; each missing
  // piece its own code, so staff and the operator see which one.
  'ERR_RELAY_SENDER_AGENCY_UNKNOWN',
  'ERR_RELAY_SENDER_CERTIFICATE_MISSING',
  'ERR_RELAY_SENDER_CERTIFICATE_INVALID',
  'ERR_RELAY_SENDER_KEY_MISSING',
  'ERR_RELAY_RECIPIENT_AGENCY_UNKNOWN',
  'ERR_RELAY_RECIPIENT_CERTIFICATE_MISSING',
  'ERR_RELAY_CONSENT_TEXT_MISSING',
  'ERR_RELAY_TRANSFER_NOT_FOUND',
  'ERR_RELAY_MESSAGE_NOT_FOUND',
  'ERR_RELAY_REQUEST_NOT_FOUND',
  'ERR_RELAY_REQUEST_MISMATCH',
  ...dataRequestRefusalCodes,
  ...transferLeverRefusalCodes,
] as const
export type RelayErrorCode = (typeof relayErrorCodes)[number]

/** A relay failure with log-safe details (never content). */
export class RelayError extends CodedError<RelayErrorCode> {}
