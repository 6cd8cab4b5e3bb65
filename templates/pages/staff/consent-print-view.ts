import { textVersionLabel } from '../code-labels.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { showDate, signatoryLabel } from './staff-labels.ts'

/**
 * The consent as a paper form: the exact rendered text (its SHA-256 printed, so the scan can be
 * matched to the text version) and one signature line per required signatory.
 */
export function consentPrintView(input: {
  language: StaffLanguage
  consent: ConsentViewModel
  text: string
  textSha256: string
}): SafeHtml {
  const { language: lang, consent: c } = input
  return html`<article class="print-sheet">
    <p class="no-print">
      <button type="button" data-print>${say(lang, 'Drucken', 'Print')}</button>
      <a href="/staff/consents/${c.id}">${say(lang, 'Zurück', 'Back')}</a>
    </p>
    <h1>${c.subject.givenName} ${c.subject.familyName} (${showDate(c.subject.birthDate, lang)})</h1>
    <div class="consent-text">${input.text.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}</div>
    <p class="muted">
      ${say(lang, 'Vorgang', 'Record')} ${c.id} · ${textVersionLabel(c.text)} · SHA-256
      ${input.textSha256}
    </p>
    ${c.requiredSignatories.map(
      (role) =>
        html`<div class="signature-line">
          <span>${say(lang, 'Ort, Datum', 'Place, date')}</span>
          <span>${say(lang, 'Unterschrift', 'Signature')}: ${signatoryLabel(role, lang)}</span>
        </div>`,
    )}
  </article>`
}
