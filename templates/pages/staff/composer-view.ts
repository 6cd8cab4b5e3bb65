import type { Agency } from '../../../accounts/account-schemas.ts'
import { localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import {
  agencyName,
  categoryLabel,
  purposeLabel,
  showDate,
  showInstant,
  statusLabel,
} from './staff-labels.ts'

/** A saved draft as the composer lists it (the author's own only). */
export interface ComposerDraftListItem {
  id: string
  name: string
  updatedAt: string
}

/** A saved draft being resumed: the composer's fields as they were put aside. */
export interface ComposerResumedDraft {
  id: string
  name: string
  content: {
    to: string
    purpose: string
    form: string
    necessity: string
    sections: readonly { category: string; title: string; body: string }[]
  }
}

export interface ComposerViewInput {
  language: StaffLanguage
  consent: ConsentViewModel
  /** The caller's agency: it must be a sender of the consent to send under it. */
  ownAgencyId: string
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  reasonTexts: Record<string, string>
  /** A sentence per error code a refused send may answer (the API's message otherwise). */
  errorTexts: Record<string, string>
  statusTexts: Record<string, string>
  /** Pre-filled from a request being answered. */
  prefill?: { to?: string; purpose?: string; categories?: string[]; requestId?: string }
  /** The caller's own saved drafts under this consent. */
  drafts: readonly ComposerDraftListItem[]
  /** A draft being resumed (`?draft=`). */
  resumed?: ComposerResumedDraft
}

export const caseSummaryFormLabels = {
  uebergabebogen: { de: 'Übergabebogen', en: 'Handover sheet (Übergabebogen)' },
  fallkonferenz: { de: 'Fallkonferenz-Vorlage', en: 'Case conference brief' },
} as const

/**
 * The categories the consent covers; a category it does not cover is offered only where it is
 * already chosen (a request asked for it, a draft held it), marked so, for the dry run to name.
 */
function categoryOptions(
  vocabulary: Vocabulary,
  lang: StaffLanguage,
  covered: readonly string[],
  selected: string,
): SafeHtml {
  return html`${Object.entries(vocabulary.categories)
    .filter(([id]) => covered.includes(id) || id === selected)
    .map(
      ([id, term]) =>
        html`<option value="${id}" ${id === selected ? html`selected` : ''}>
          ${localized(term.label, lang)}${
            covered.includes(id) ? '' : say(lang, ' (nicht gedeckt)', ' (not covered)')
          }
        </option>`,
    )}`
}

function sectionBlock(
  vocabulary: Vocabulary,
  lang: StaffLanguage,
  covered: readonly string[],
  index: string,
  section: { category: string; title: string; body: string },
): SafeHtml {
  const { category, title, body } = section
  return html`<fieldset class="section" data-section>
    <legend>${say(lang, 'Abschnitt', 'Section')}</legend>
    <div class="grid-2">
      <div>
        <label for="sec-${index}-cat">${say(lang, 'Datenkategorie', 'Data category')}</label>
        <select id="sec-${index}-cat" data-section-category>
          ${categoryOptions(vocabulary, lang, covered, category)}
        </select>
      </div>
      <div>
        <label for="sec-${index}-title">${say(lang, 'Überschrift', 'Heading')}</label>
        <input type="text" id="sec-${index}-title" data-section-title value="${title}" />
      </div>
    </div>
    <label for="sec-${index}-body">${say(lang, 'Inhalt', 'Content')}</label>
    <textarea id="sec-${index}-body" rows="4" data-section-body>${body}</textarea>
    <button type="button" class="secondary" data-remove-section>
      ${say(lang, 'Abschnitt entfernen', 'Remove section')}
    </button>
  </fieldset>`
}

/** Where a consent that ended is renewed (the renewal page prefills a new draft from it). */
export function renewalHref(consentId: string): string {
  return `/staff/consents/${consentId}/renewal`
}

/**
 * Why nothing can be sent under this consent from here, or undefined when the composer may be
 * shown. An ended consent points to its renewal, never to its old validity.
 */
function blockedNotice(input: ComposerViewInput): SafeHtml | undefined {
  const { language: lang, consent: c } = input
  const back = html`<a href="/staff/consents/${c.id}"
    >${say(lang, 'Zur Einwilligung', 'To the consent')}</a
  >`
  const ended: Partial<Record<string, string>> = {
    revoked: say(
      lang,
      'Die Person hat diese Einwilligung widerrufen. Unter ihr darf nichts mehr übermittelt werden.',
      'The person revoked this consent. Nothing may be transferred under it any more.',
    ),
    expired: say(
      lang,
      'Diese Einwilligung ist abgelaufen. Unter ihr darf nichts mehr übermittelt werden.',
      'This consent has expired. Nothing may be transferred under it any more.',
    ),
    lapsed: say(
      lang,
      'Diese Einwilligung ist erloschen: Die Person hat sie nach ihrem 18. Geburtstag nicht selbst bestätigt. Unter ihr darf nichts mehr übermittelt werden.',
      'This consent has lapsed: the person did not confirm it after turning 18. Nothing may be transferred under it any more.',
    ),
  }
  const endedText = ended[c.status]
  if (endedText)
    return html`<p>${endedText}</p>
      <h2>${say(lang, 'So geht es weiter', 'What to do')}</h2>
      <p>
        ${say(
          lang,
          'Soll weiter übermittelt werden, braucht es eine neue Einwilligung der Person. Sie wird aus dieser vorbereitet und am Kiosk unterschrieben.',
          'To transfer again, the person must give a new consent. It is prepared from this one and signed at the kiosk.',
        )}
      </p>
      <p>
        <a class="button" href="${renewalHref(c.id)}" data-renew
          >${say(lang, 'verlängern / erneuern', 'extend / renew')}</a
        >
        ${back}
      </p>`
  if (c.status === 'draft')
    return html`<p>
        ${say(
          lang,
          'Diese Einwilligung ist noch nicht von allen unterschrieben. Erst danach kann übermittelt werden.',
          'This consent is not signed by everyone yet. Only then can anything be transferred.',
        )}
      </p>
      <p>${back}</p>`
  if (c.status !== 'active')
    return html`<p>
        ${say(
          lang,
          'Diese Einwilligung ist nicht zustande gekommen. Unter ihr darf nichts übermittelt werden.',
          'This consent never came into force. Nothing may be transferred under it.',
        )}
      </p>
      <p>
        <a class="button" href="/staff/consents/new"
          >${say(lang, 'Neue Einwilligung vorbereiten', 'Prepare a new consent')}</a
        >
        ${back}
      </p>`
  if (!c.senders.includes(input.ownAgencyId) || c.coveredRecipients.length === 0)
    return html`<p>
        ${say(
          lang,
          'Ihre Stelle ist in dieser Einwilligung nicht als absendende Stelle genannt, oder alle Empfänger wurden abgewählt. Die Richtung zählt: Unter dieser Einwilligung kann Ihre Stelle nichts senden.',
          'Your agency is not named as a sender in this consent, or every recipient was deselected. Direction matters: your agency cannot send under this consent.',
        )}
      </p>
      <p>${back}</p>`
  return undefined
}

function draftList(input: ComposerViewInput): SafeHtml {
  const { language: lang, consent: c } = input
  if (input.drafts.length === 0) return html``
  return html`<section class="card" aria-labelledby="drafts-h">
    <h2 id="drafts-h">${say(lang, 'Ihre gespeicherten Entwürfe', 'Your saved drafts')}</h2>
    <p class="muted">
      ${say(
        lang,
        'Nur Sie sehen diese Entwürfe; sie sind verschlüsselt gespeichert.',
        'Only you see these drafts; they are stored encrypted.',
      )}
    </p>
    <ul class="draft-list" data-draft-list>
      ${input.drafts.map(
        (d) =>
          html`<li>
            <a href="/staff/compose/${c.id}?draft=${d.id}">${d.name}</a>
            <span class="muted"
              >(${say(lang, 'gespeichert', 'saved')} ${showInstant(d.updatedAt, lang)})</span
            >
            ${
              d.id === input.resumed?.id
                ? html`<span class="badge">${say(lang, 'geöffnet', 'open')}</span>`
                : ''
            }
            <button
              type="button"
              class="secondary small"
              data-delete-draft="${d.id}"
              aria-label="${say(lang, `Entwurf „${d.name}“ löschen`, `Delete draft "${d.name}"`)}"
            >
              ${say(lang, 'Löschen', 'Delete')}
            </button>
          </li>`,
      )}
    </ul>
  </section>`
}

/**
 * The case-summary composer (docs/design.md §3.3): sections tagged by data category, an optional PDF,
 * the statement of necessity (§ 67a SGB X), and a live dry run of the decision. It offers only
 * the recipients, purposes and categories the consent covers; sending stays disabled until the
 * dry run permits (the server decides again in any case). An ended consent gets no composer but
 * its renewal.
 */
export function composerView(input: ComposerViewInput): SafeHtml {
  const { language: lang, consent: c, vocabulary, agencies } = input
  const blocked = blockedNotice(input)
  if (blocked)
    return html`<section class="card" data-composer-blocked="${c.status}">
      <h1>${say(lang, 'Fallzusammenfassung verfassen', 'Compose a case summary')}</h1>
      <p>
        ${say(lang, 'Einwilligung von', 'Consent of')}
        <a href="/staff/consents/${c.id}">${c.subject.givenName} ${c.subject.familyName}</a>
        <span class="badge status-${c.status}">${statusLabel(c.status, lang)}</span>
      </p>
      ${blocked}
    </section>`
  const resumed = input.resumed?.content
  const covered = c.coveredCategories
  const recipients = c.coveredRecipients.filter((id) => id !== input.ownAgencyId)
  const to = resumed?.to ?? input.prefill?.to ?? recipients[0] ?? ''
  const purpose = resumed?.purpose ?? input.prefill?.purpose ?? c.purposes[0] ?? ''
  const form = resumed?.form ?? (purpose === 'fallkonferenz' ? 'fallkonferenz' : 'uebergabebogen')
  const sections =
    resumed?.sections ??
    (input.prefill?.categories ?? covered).map((category) => ({
      category,
      title: categoryLabel(category, vocabulary, lang),
      body: '',
    }))
  const firstCategory = sections[0]?.category ?? covered[0] ?? ''
  // A recipient or purpose the consent does not cover is offered only where a request or a
  // draft chose it, so the dry run can name it.
  const toOptions = recipients.includes(to) || to === '' ? recipients : [...recipients, to]
  const purposeOptions =
    c.purposes.includes(purpose) || purpose === '' ? c.purposes : [...c.purposes, purpose]
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
      <p class="muted">
        ${say(
          lang,
          'Angeboten werden nur die Empfänger, Zwecke und Datenkategorien, die diese Einwilligung deckt.',
          'Only the recipients, purposes and data categories this consent covers are offered.',
        )}
      </p>
    </section>
    ${draftList(input)}
    <form
      class="card composer"
      data-composer
      data-consent-id="${c.id}"
      data-request-id="${input.prefill?.requestId ?? ''}"
      data-draft-id="${input.resumed?.id ?? ''}"
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
      data-msg-draft-saved="${say(lang, 'Entwurf gespeichert:', 'Draft saved:')}"
      data-msg-draft-name="${say(lang, 'Bitte geben Sie dem Entwurf einen Namen.', 'Please give the draft a name.')}"
      data-msg-draft-delete="${say(lang, 'Diesen Entwurf endgültig löschen?', 'Delete this draft for good?')}"
    >
      <div class="grid-3">
        <div>
          <label for="form-id">${say(lang, 'Vorlage', 'Template')}</label>
          <select id="form-id" data-form-id>
            ${Object.entries(caseSummaryFormLabels).map(
              ([id, label]) =>
                html`<option value="${id}" ${id === form ? html`selected` : ''}>
                  ${label[lang]}
                </option>`,
            )}
          </select>
        </div>
        <div>
          <label for="to">${say(lang, 'An', 'To')}</label>
          <select id="to" data-to>
            ${toOptions.map(
              (id) =>
                html`<option value="${id}" ${id === to ? html`selected` : ''}>
                  ${agencyName(id, agencies)}${
                    recipients.includes(id) ? '' : say(lang, ' (nicht gedeckt)', ' (not covered)')
                  }
                </option>`,
            )}
          </select>
        </div>
        <div>
          <label for="purpose">${say(lang, 'Zweck', 'Purpose')}</label>
          <select id="purpose" data-purpose>
            ${purposeOptions.map(
              (id) =>
                html`<option value="${id}" ${id === purpose ? html`selected` : ''}>
                  ${purposeLabel(id, vocabulary, lang)}${
                    c.purposes.includes(id) ? '' : say(lang, ' (nicht gedeckt)', ' (not covered)')
                  }
                </option>`,
            )}
          </select>
        </div>
      </div>
      <label for="necessity"
        >${say(lang, 'Warum ist die Übermittlung erforderlich? (§ 67a SGB X)', 'Why is the transfer necessary? (§ 67a SGB X)')}</label
      >
      <textarea id="necessity" rows="2" data-necessity maxlength="2000">
${resumed?.necessity ?? ''}</textarea>
      <h2>${say(lang, 'Abschnitte', 'Sections')}</h2>
      <div data-sections>
        ${sections.map((section, i) => sectionBlock(vocabulary, lang, covered, String(i), section))}
      </div>
      <template data-section-template
        >${sectionBlock(vocabulary, lang, covered, 'NEW', {
          category: covered[0] ?? '',
          title: '',
          body: '',
        })}</template
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
              ${categoryOptions(vocabulary, lang, covered, covered.includes(firstCategory) ? firstCategory : (covered[0] ?? ''))}
            </select>
          </div>
        </div>
      </fieldset>
      <fieldset class="draft-save">
        <legend>${say(lang, 'Als Entwurf zurücklegen', 'Put aside as a draft')}</legend>
        <p class="explanation" id="draft-help">
          ${say(
            lang,
            'Speichert Empfänger, Zweck, Begründung und Abschnitte verschlüsselt, nur für Sie (ohne PDF-Anlage). Sie finden den Entwurf oben auf dieser Seite wieder.',
            'Saves recipient, purpose, reason and sections encrypted, for you alone (without the PDF). You find the draft again at the top of this page.',
          )}
        </p>
        <label for="draft-name">${say(lang, 'Name des Entwurfs', 'Name of the draft')}</label>
        <input
          type="text"
          id="draft-name"
          data-draft-name
          maxlength="120"
          autocomplete="off"
          aria-describedby="draft-help"
          value="${input.resumed?.name ?? ''}"
        />
        <p>
          <button type="button" class="secondary" data-save-draft>
            ${say(lang, 'Entwurf speichern', 'Save draft')}
          </button>
        </p>
        <div data-draft-result aria-live="polite"></div>
      </fieldset>
      <section class="dry-run" aria-labelledby="dry-run-h">
        <h2 id="dry-run-h">${say(lang, 'Prüfung vor dem Senden', 'Check before sending')}</h2>
        <div data-dry-run aria-live="polite"></div>
      </section>
      <p>
        <button type="submit" data-send disabled aria-describedby="send-help">
          ${say(lang, 'Verschlüsselt senden', 'Send encrypted')}
        </button>
      </p>
      <p class="explanation" id="send-help">
        ${say(
          lang,
          'Senden ist erst möglich, wenn die Prüfung die Übermittlung erlaubt.',
          'Sending is possible only once the check permits the transfer.',
        )}
      </p>
      <div data-send-result aria-live="polite"></div>
    </form>`
}
