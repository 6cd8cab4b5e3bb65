import type { Agency } from '../../../accounts/account-schemas.ts'
import { localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { showDate } from './staff-labels.ts'

export interface RequestFormViewInput {
  language: StaffLanguage
  csrfToken: string
  /** Active consents of the agency to ask under. */
  consents: readonly ConsentViewModel[]
  /** Partner agencies (not the own). */
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  values: { consentId: string; from: string; purpose: string; categories: string[] }
  error?: string
}

/** The form to ask a partner agency for named categories for a purpose under a consent. */
export function requestFormView(input: RequestFormViewInput): SafeHtml {
  const { language: lang, vocabulary, values } = input
  return html`<section class="card">
    <h1>${say(lang, 'Daten bei einer Partnerstelle anfragen', 'Ask a partner agency for data')}</h1>
    ${input.error ? html`<div class="alert error-box" role="alert">${input.error}</div>` : ''}
    <form method="post" action="/staff/requests/new">
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <label for="consent">${say(lang, 'Einwilligung', 'Consent')}</label>
      <select id="consent" name="consentId" required>
        <option value="">${say(lang, '– bitte wählen –', '– please choose –')}</option>
        ${input.consents.map(
          (c) =>
            html`<option value="${c.id}" ${c.id === values.consentId ? html`selected` : ''}>
              ${c.subject.givenName} ${c.subject.familyName} –
              ${say(lang, 'gültig bis', 'valid until')} ${showDate(c.validUntil, lang)}
            </option>`,
        )}
      </select>
      <label for="from">${say(lang, 'Angefragte Stelle', 'Agency asked')}</label>
      <select id="from" name="from" required>
        ${input.agencies.map(
          (a) =>
            html`<option value="${a.id}" ${a.id === values.from ? html`selected` : ''}>
              ${a.name}
            </option>`,
        )}
      </select>
      <label for="purpose">${say(lang, 'Zweck', 'Purpose')}</label>
      <select id="purpose" name="purpose" required>
        ${Object.entries(vocabulary.purposes).map(
          ([id, term]) =>
            html`<option value="${id}" ${id === values.purpose ? html`selected` : ''}>
              ${localized(term.label, lang)}
            </option>`,
        )}
      </select>
      <fieldset>
        <legend>${say(lang, 'Angefragte Kategorien', 'Categories asked for')}</legend>
        ${Object.entries(vocabulary.categories).map(
          ([id, term]) =>
            html`<div class="choice">
              <input
                type="checkbox"
                id="cat-${id}"
                name="categories"
                value="${id}"
                ${values.categories.includes(id) ? html`checked` : ''}
              />
              <label for="cat-${id}">${localized(term.label, lang)}</label>
            </div>`,
        )}
      </fieldset>
      <p>
        <button type="submit">${say(lang, 'Anfrage senden', 'Send request')}</button>
      </p>
    </form>
  </section>`
}
