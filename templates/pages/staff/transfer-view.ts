import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'

/** A sent transfer whose status the page script follows (queued → delivered …). */
export function transferView(input: {
  language: StaffLanguage
  transferId: string
  statusTexts: Record<string, string>
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
    data-msg-missing="${say(lang, 'Diese Übermittlung ist nicht (mehr) abrufbar.', 'This transfer cannot be read (any more).')}"
  >
    <h1>${say(lang, 'Übermittlung', 'Transfer')} <code>${input.transferId}</code></h1>
    <p class="transfer-state" role="status" aria-live="polite" data-state>
      ${say(lang, 'Wird geladen …', 'Loading …')}
    </p>
    <p class="muted" data-detail></p>
    <p><a href="/staff">${say(lang, 'Zur Übersicht', 'To the overview')}</a></p>
  </section>`
}
