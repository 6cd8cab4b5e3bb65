import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'

/** What the pages say about the partner gateway's signed receipt (issue 16 point 7). */
export interface PartnerReceiptTexts {
  /** Followed by the date and time. */
  acceptedAt: string
  /** Followed by the reason in plain words. */
  refused: string
  pending: string
  /** For a code without plain words; followed by the code and `)`. */
  otherReason: string
  reasons: Record<string, string>
  /** The short words of the transfer list's status column. */
  listAccepted: string
  listRefused: string
}

/**
 * A sent transfer whose status the page script follows (queued → delivered …), and then whether
 * the partner gateway confirmed it with its signed receipt.
 */
export function transferView(input: {
  language: StaffLanguage
  transferId: string
  statusTexts: Record<string, string>
  receiptTexts: PartnerReceiptTexts
}): SafeHtml {
  const lang = input.language
  return html`<section
    class="card"
    data-transfer-status
    data-transfer-id="${input.transferId}"
    data-status-texts="${JSON.stringify(input.statusTexts)}"
    data-msg-next="${say(lang, 'Nächster Versuch:', 'Next attempt:')}"
    data-msg-smtp="${say(lang, 'Antwort des Mailservers:', 'Mail server reply:')}"
    data-msg-attempts="${say(lang, 'Versuche:', 'Attempts:')}"
    data-receipt-texts="${JSON.stringify(input.receiptTexts)}"
    data-msg-missing="${say(lang, 'Diese Übermittlung ist nicht (mehr) abrufbar.', 'This transfer cannot be read (any more).')}"
  >
    <h1>${say(lang, 'Übermittlung', 'Transfer')} <code>${input.transferId}</code></h1>
    <p class="transfer-state" role="status" aria-live="polite" data-state>
      ${say(lang, 'Wird geladen …', 'Loading …')}
    </p>
    <p class="muted" data-detail></p>
    <p data-partner-receipt></p>
    <p><a href="/staff">${say(lang, 'Zur Übersicht', 'To the overview')}</a></p>
  </section>`
}
