import { CodedError } from '../errors/coded-error.ts'

/** Every error code of the consent area; the HTTP status of each is in one table. */
export const consentErrorCodes = [
  'ERR_CONSENT_NO_PURPOSE',
  'ERR_CONSENT_NO_CATEGORY',
  'ERR_CONSENT_NO_SENDER',
  'ERR_CONSENT_NO_RECIPIENT',
  'ERR_CONSENT_SENDER_IS_RECIPIENT',
  'ERR_CONSENT_WILDCARD_PARTY',
  'ERR_CONSENT_UNKNOWN_AGENCY',
  'ERR_CONSENT_PRIVACY_NOTICE_MISSING',
  'ERR_CONSENT_CREATOR_NOT_PARTY',
  'ERR_CONSENT_DUPLICATE_ENTRY',
  'ERR_CONSENT_UNKNOWN_PURPOSE',
  'ERR_CONSENT_UNKNOWN_CATEGORY',
  'ERR_CONSENT_VALIDITY_TOO_LONG',
  'ERR_CONSENT_VALIDITY_IN_PAST',
  'ERR_CONSENT_VALIDITY_REVERSED',
  'ERR_CONSENT_RELEASED_PROFESSIONALS_MISSING',
  'ERR_CONSENT_ENTRUSTING_PERSON_MISSING',
  'ERR_CONSENT_BIRTH_DATE_INVALID',
  'ERR_CONSENT_UNKNOWN_LANGUAGE',
  'ERR_CONSENT_NOT_FOUND',
  'ERR_CONSENT_NOT_DRAFT',
  'ERR_CONSENT_NOT_ACTIVE',
  'ERR_CONSENT_SIGNATORY_NOT_REQUIRED',
  'ERR_CONSENT_ALREADY_SIGNED',
  'ERR_CONSENT_METHOD_NOT_ALLOWED',
  'ERR_CONSENT_DESELECTION_INVALID',
  'ERR_CONSENT_DESELECTION_NOT_YOUTH',
  'ERR_CONSENT_NOTHING_LEFT',
  'ERR_CONSENT_KIOSK_CODE_INVALID',
  'ERR_CONSENT_ALREADY_USED',
  'ERR_CONSENT_CREATOR_NOT_SENDER',
  'ERR_CONSENT_NOT_CREATOR',
  'ERR_CONSENT_NOT_SENDER',
  'ERR_CONSENT_KIOSK_FLOW_REQUIRED',
  'ERR_CONSENT_RECEIPT_REQUIRED',
  'ERR_CONSENT_WRITTEN_FORM_REQUIRED',
  'ERR_CONSENT_EVIDENCE_INVALID',
  'ERR_CONSENT_ATTENDING_STAFF_INVALID',
  'ERR_CONSENT_TEXT_NOT_SHOWN',
  'ERR_CONSENT_NOT_CONFIRMABLE',
  'ERR_CONSENT_VALIDITY_ENDED',
  'ERR_CONSENT_ENTRUSTED_WITHOUT_JUGENDAMT',
  'ERR_CONSENT_ENTRUSTED_NOT_A_CATEGORY',
  'ERR_CONSENT_NOT_RENEWABLE',
  'ERR_CONSENT_RENEWAL_OTHER_PERSON',
] as const

export type ConsentErrorCode = (typeof consentErrorCodes)[number]

/** One problem found in a consent draft; several can be reported at once. */
export interface ConsentProblem {
  code: ConsentErrorCode
  /** Where the problem is, e.g. `recipients.0`. */
  path: string
  /** The offending value when it is a term or an agency id (never personal data). */
  value?: string
}

/** Log-safe details of a consent error: the problems of a draft, or the term at fault. */
export type ConsentErrorDetails = { problems?: ConsentProblem[] } & Record<string, unknown>

/** The error family of the consent area (closed union of codes, log-safe details). */
export class ConsentError extends CodedError<ConsentErrorCode, ConsentErrorDetails> {}
