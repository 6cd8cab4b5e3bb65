import type { MailerFailure } from '../relay/ports.ts'

/** Why a delivery attempt failed, as a bounded label (never the server's reply text). */
export const deliveryFailureReasons = [
  'smtp_4xx',
  'smtp_5xx',
  'timeout',
  'connection',
  'tls',
  'auth',
  'other',
] as const
export type DeliveryFailureReason = (typeof deliveryFailureReasons)[number]

interface SmtpCause {
  code?: unknown
  responseCode?: unknown
}

/**
 * The reason of a failed SMTP handoff, from the nodemailer error `classifySmtpError` wrapped
 * (its `responseCode` and `code`); anything else (a row without stored mailboxes, an unexpected
 * throw) is `other`.
 */
export function deliveryFailureReasonOf(failure: MailerFailure): DeliveryFailureReason {
  const cause = (failure.cause ?? {}) as SmtpCause
  if (typeof cause.responseCode === 'number')
    return cause.responseCode >= 500 ? 'smtp_5xx' : 'smtp_4xx'
  switch (cause.code) {
    case 'ETIMEDOUT':
      return 'timeout'
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EDNS':
      return 'connection'
    case 'ETLS':
      return 'tls'
    case 'EAUTH':
    case 'ENOAUTH':
      return 'auth'
  }
  return 'other'
}
