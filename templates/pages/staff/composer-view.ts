import type { Agency } from '../../../accounts/account-schemas.ts'
import { localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { agencyName, categoryLabel, showDate } from './staff-labels.ts'

export interface ComposerViewInput {
  language: StaffLanguage
  consent: ConsentViewModel
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  reasonTexts: Record<string, string>
  /** A sentence per error code a refused send may answer (the API's message otherwise). */
  errorTexts: Record<string, string>
  statusTexts: Record<string, string>
  /** Pre-filled from a request being answered. */
  prefill?: { to?: string; purpose?: string; categories?: string[]; requestId?: string }
}

export const caseSummaryFormLabels = {
  uebergabebogen: { de: 'Übergabebogen', en: 'Handover sheet (Übergabebogen)' },
  fallkonferenz: { de: 'Fallkonferenz-Vorlage', en: 'Case conference brief' },
} as const

function categoryOptions(vocabulary: Vocabulary, lang: StaffLanguage, selected: string): SafeHtml {
  return html`${Object.entries(vocabulary.categories).map(
    ([id, term]) =>
      html`<option value="${id}" ${id === selected ? html`selected` : ''}>
        ${localized(term.label, lang)}
      </option>`,
  )}`
}

function sectionBlock(
  vocabulary: Vocabulary,
  lang: StaffLanguage,
  index: string,
  category: string,
  title: string,
): SafeHtml {
  return html`<fieldset class="section" data-section>
    <legend>${say(lang, 'Abschnitt', 'Section')}</legend>
    <div class="grid-2">
      <div>
        <label for="sec-${index}-cat">${say(lang, 'Datenkategorie', 'Data category')}</label>
        <select id="sec-${index}-cat" data-section-category>
          ${categoryOptions(vocabulary, lang, category)}
        </select>
      </div>
      <div>
        <label for="sec-${index}-title">${say(lang, 'Überschrift', 'Heading')}</label>
        <input type="text" id="sec-${index}-title" data-section-title value="${title}" />
      </div>
    </div>
    <label for="sec-${index}-body">${say(lang, 'Inhalt', 'Content')}</label>
    <textarea id="sec-${index}-body" rows="4" data-section-body></textarea>
    <button type="button" class="secondary" data-remove-section>
      ${say(lang, 'Abschnitt entfernen', 'Remove section')}
    </button>
  </fieldset>`
}

/**
 * The case-summary composer (docs/design.md §3.3): sections tagged by data category, an optional PDF,
 * the statement of necessity (§ 67a SGB X), and a live dry run of the decision.
 */
export function composerView(input: ComposerViewInput): SafeHtml {
  const { language: lang, consent: c, vocabulary, agencies } = input
  const recipients = c.coveredRecipients
  const to = input.prefill?.to ?? recipients[0] ?? ''
  const purpose = input.prefill?.purpose ?? c.purposes[0] ?? ''
  const initialCategories = input.prefill?.categories ?? c.coveredCategories
  const labels = Object.fromEntries(
    Object.keys(vocabulary.categories).map((id) => [id, categoryLabel(id, vocabulary, lang)]),
  )
  return html`<section class="card">
      <h1>${say(lang, 'Fallzusammenfassung verfassen', 'Compose a case summary')}</h1>
      <p>
        ${say(lang, 'Grundlage:', 'Based on:')}
        <a href="/staff/consents/${c.id}">${c.subject.givenName} ${c.subject.familyName}</a>,
        ${say(lang, 'gültig bis', 'valid until')} ${showDate(c.validUntil, lang)}
      </p>
    </section>
    <form
      class="card composer"
      data-composer
      data-consent-id="${c.id}"
      data-request-id="${input.prefill?.requestId ?? ''}"
      data-reason-texts="${JSON.stringify(input.reasonTexts)}"
      data-error-texts="${JSON.stringify(input.errorTexts)}"
      data-category-labels="${JSON.stringify(labels)}"
      data-status-texts="${JSON.stringify(input.statusTexts)}"
      data-msg-permit="${say(lang, 'Erlaubt: Die Einwilligung deckt diese Übermittlung.', 'Permitted: the consent covers this transfer.')}"
      data-msg-deny="${say(lang, 'Nicht erlaubt – so können Sie es beheben:', 'Not permitted – how to fix it:')}"
      data-msg-remove="${say(lang, 'Abschnitte dieser Kategorie entfernen', 'Remove sections of this category')}"
      data-msg-unavailable="${say(lang, 'Der Versand ist auf diesem Server noch nicht eingerichtet.', 'Sending is not set up on this server yet.')}"
      data-msg-error="${say(lang, 'Das hat nicht geklappt:', 'That did not work:')}"
      data-msg-no-answer="${say(lang, 'Keine Antwort vom Server. Bitte noch einmal senden – die Zusammenfassung wird dabei nicht doppelt übermittelt.', 'No answer from the server. Please send again – the summary will not be transferred twice.')}"
      data-msg-checking="${say(lang, 'Wird geprüft …', 'Checking …')}"
    >
      <div class="grid-3">
        <div>
          <label for="form-id">${say(lang, 'Vorlage', 'Template')}</label>
          <select id="form-id" data-form-id>
            ${Object.entries(caseSummaryFormLabels).map(
              ([id, label]) =>
                html`<option
                  value="${id}"
                  ${(purpose === 'fallkonferenz') === (id === 'fallkonferenz') ? html`selected` : ''}
                >
                  ${label[lang]}
                </option>`,
            )}
          </select>
        </div>
        <div>
          <label for="to">${say(lang, 'An', 'To')}</label>
          <select id="to" data-to>
            ${agencies
              .filter((a) => !c.senders.includes(a.id))
              .map(
                (a) =>
                  html`<option value="${a.id}" ${a.id === to ? html`selected` : ''}>
                    ${agencyName(a.id, agencies)}
                  </option>`,
              )}
          </select>
        </div>
        <div>
          <label for="purpose">${say(lang, 'Zweck', 'Purpose')}</label>
          <select id="purpose" data-purpose>
            ${Object.entries(vocabulary.purposes).map(
              ([id, term]) =>
                html`<option value="${id}" ${id === purpose ? html`selected` : ''}>
                  ${localized(term.label, lang)}
                </option>`,
            )}
          </select>
        </div>
      </div>
      <label for="necessity"
        >${say(lang, 'Warum ist die Übermittlung erforderlich? (§ 67a SGB X)', 'Why is the transfer necessary? (§ 67a SGB X)')}</label
      >
      <textarea id="necessity" rows="2" data-necessity maxlength="2000"></textarea>
      <h2>${say(lang, 'Abschnitte', 'Sections')}</h2>
      <div data-sections>
        ${initialCategories.map((cat, i) =>
          sectionBlock(vocabulary, lang, String(i), cat, categoryLabel(cat, vocabulary, lang)),
        )}
      </div>
      <template data-section-template
        >${sectionBlock(vocabulary, lang, 'NEW', initialCategories[0] ?? 'stammdaten', '')}</template
      >
      <p>
        <button type="button" class="secondary" data-add-section>
          ${say(lang, 'Abschnitt hinzufügen', 'Add section')}
        </button>
      </p>
      <fieldset>
        <legend>${say(lang, 'PDF-Anlage (optional)', 'PDF attachment (optional)')}</legend>
        <div class="grid-2">
          <div>
            <label for="pdf-file">${say(lang, 'Datei', 'File')}</label>
            <input type="file" id="pdf-file" accept="application/pdf" data-pdf-file />
          </div>
          <div>
            <label for="pdf-category"
              >${say(lang, 'Datenkategorie der Anlage', 'Data category of the attachment')}</label
            >
            <select id="pdf-category" data-pdf-category>
              ${categoryOptions(vocabulary, lang, initialCategories[0] ?? '')}
            </select>
          </div>
        </div>
      </fieldset>
      <section class="dry-run" aria-labelledby="dry-run-h">
        <h2 id="dry-run-h">${say(lang, 'Prüfung vor dem Senden', 'Check before sending')}</h2>
        <div data-dry-run aria-live="polite"></div>
      </section>
      <p>
        <button type="submit" data-send>
          ${say(lang, 'Verschlüsselt senden', 'Send encrypted')}
        </button>
      </p>
      <div data-send-result aria-live="polite"></div>
    </form>`
}
