import type { DataRequestRefusalCode } from '../../consent/data-request-rule.ts'
import type { TransferLeverRefusalCode } from '../../consent/transfer-levers.ts'
import { say, type StaffLanguage } from '../../templates/pages/view-models/staff-language.ts'
import type { RelayErrorCode } from '../relay/relay-error.ts'

/**
 * The relay codes staff meet when they send a case summary (the composer, the SMTP ingress): all
 * but the denial (its reasons have their own sentences, deny-reason-text.ts), the data-request
 * refusals (data-request-refusal-text.ts), the lookups of one transfer, which are pages, and the
 * operator's levers, which only the admin page meets (transfer-lever-text.ts).
 */
export type TransferRefusalCode = Exclude<
  RelayErrorCode,
  | 'transfer_denied'
  | DataRequestRefusalCode
  | TransferLeverRefusalCode
  | 'ERR_RELAY_TRANSFER_NOT_FOUND'
  | 'ERR_RELAY_MESSAGE_NOT_FOUND'
>

/** What went wrong and what to do, in German and English; one pair per code. */
const texts = {
  ERR_RELAY_ATTACHMENT_NOT_PDF: [
    'Die angehängte Datei ist kein PDF. Hängen Sie nur PDF-Dateien an.',
    'The attached file is not a PDF. Attach PDF files only.',
  ],
  ERR_RELAY_ATTACHMENT_TOO_LARGE: [
    'Die angehängte Datei ist zu groß (höchstens 10 MB).',
    'The attached file is too large (at most 10 MB).',
  ],
  ERR_RELAY_ATTACHMENT_ENCODING: [
    'Die angehängte Datei kam beschädigt an. Bitte hängen Sie sie erneut an.',
    'The attached file arrived damaged. Please attach it again.',
  ],
  ERR_RELAY_SENDER_AGENCY_UNKNOWN: [
    'Ihre Stelle ist in Brücke nicht eingetragen. Bitte wenden Sie sich an die Administration.',
    'Your agency is not registered in Brücke. Please contact the administrator.',
  ],
  ERR_RELAY_SENDER_CERTIFICATE_MISSING: [
    'Für Ihre Stelle ist kein Zertifikat hinterlegt; ohne es kann Brücke nicht signiert senden. Bitte wenden Sie sich an die Administration.',
    'No certificate is registered for your agency; without it Brücke cannot send signed mail. Please contact the administrator.',
  ],
  ERR_RELAY_SENDER_CERTIFICATE_INVALID: [
    'Das Zertifikat Ihrer Stelle ist zurzeit nicht gültig (abgelaufen, gesperrt oder nicht vertrauenswürdig). Bitte wenden Sie sich an die Administration.',
    'Your agency’s certificate is not valid now (expired, revoked or untrusted). Please contact the administrator.',
  ],
  ERR_RELAY_SENDER_KEY_MISSING: [
    'Zum Zertifikat Ihrer Stelle fehlt der private Schlüssel; ohne ihn kann Brücke nicht signieren. Bitte wenden Sie sich an die Administration.',
    'The private key for your agency’s certificate is missing; without it Brücke cannot sign. Please contact the administrator.',
  ],
  ERR_RELAY_RECIPIENT_AGENCY_UNKNOWN: [
    'Die empfangende Stelle ist in Brücke nicht (mehr) eingetragen.',
    'The receiving agency is not (any more) registered in Brücke.',
  ],
  ERR_RELAY_RECIPIENT_CERTIFICATE_MISSING: [
    'Für die empfangende Stelle liegt kein gültiges Zertifikat vor; verschlüsselt senden ist nicht möglich. Bitte wenden Sie sich an die Administration.',
    'There is no valid certificate for the receiving agency; encrypted sending is impossible. Please contact the administrator.',
  ],
  ERR_RELAY_CONSENT_TEXT_MISSING: [
    'Der Text dieser Einwilligung ist nicht mehr gespeichert. Bitte bereiten Sie eine neue Einwilligung vor.',
    'The text of this consent is not on record any more. Please prepare a new consent.',
  ],
  ERR_RELAY_REQUEST_NOT_FOUND: [
    'Diese Anfrage an Ihre Stelle gibt es nicht.',
    'There is no such request to your agency.',
  ],
  ERR_RELAY_REQUEST_MISMATCH: [
    'Die Anfrage ist schon beantwortet, oder sie nennt eine andere Empfängerin oder Einwilligung.',
    'The request is answered already, or it names another recipient or consent.',
  ],
} as const satisfies Record<TransferRefusalCode, readonly [string, string]>

// The table is typed against the union, so its keys are exactly the codes; Object.keys only
// cannot say so.
export const transferRefusalCodes = Object.keys(texts) as TransferRefusalCode[]

/** The sentence for a refusal of a transfer, in the staff member's language. */
export function explainTransferRefusal(code: TransferRefusalCode, language: StaffLanguage): string {
  const [de, en] = texts[code]
  return say(language, de, en)
}

/** Every refusal's sentence by code, for the composer's page script. */
export function transferRefusalTextTable(language: StaffLanguage): Record<string, string> {
  return Object.fromEntries(
    transferRefusalCodes.map((code) => [code, explainTransferRefusal(code, language)]),
  )
}

/** Whether a relay code is one of the refusals above. */
export function isTransferRefusal(code: RelayErrorCode): code is TransferRefusalCode {
  return Object.hasOwn(texts, code)
}
