import type { Agency } from '../../../accounts/account-schemas.ts'
import type { ConsentKind } from '../../../consent/consent.ts'
import { isSpecialCategory, localized, type Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { formatCalendarDate } from '../view-models/format-berlin-time.ts'

/** The form's values as typed (or prefilled), shown again after a refused submit. */
export interface ConsentFormValues {
  kind: ConsentKind
  givenName: string
  familyName: string
  birthDate: string
  caseRef: string
  senders: readonly string[]
  recipients: readonly string[]
  purposes: readonly string[]
  categories: readonly string[]
  validFrom: string
  validUntil: string
  language: string
  releasedProfessionals: string
  entrusting: '' | 'youth' | 'other'
  entrustingName: string
  entrustingRelation: string
  entrustingName2: string
  entrustingRelation2: string
  entrustingName3: string
  entrustingRelation3: string
  entrustedCategories: readonly string[]
  /** The warnings staff ticked as talked through (their codes). */
  confirmBroad?: readonly string[]
}

/** A warning about a broad choice, shown beside the field it is about with its own confirm box. */
export interface ConsentFormWarning {
  /** Stable code (the confirm box's value). */
  code: string
  field: 'categories' | 'recipients' | 'validity'
  text: string
}

export interface ConsentFormViewInput {
  language: StaffLanguage
  csrfToken: string
  agencies: readonly Agency[]
  ownAgencyId: string
  vocabulary: Vocabulary
  values: ConsentFormValues
  /** Last day the validity may reach (configured maximum). */
  maxValidUntil: string
  today: string
  errors: readonly string[]
  warnings: readonly ConsentFormWarning[]
  consentLanguages: readonly { id: string; label: string }[]
  /**
   * Set when the form renews a consent (issue 18 point 5): it posts to that consent's renewal,
   * and the person stays the one of the consent renewed.
   */
  renewal?: { consentId: string }
}

function checked(list: readonly string[], value: string): SafeHtml | '' {
  return list.includes(value) ? html`checked` : ''
}

const fieldNames: Record<ConsentFormWarning['field'], [string, string]> = {
  categories: ['Datenkategorien', 'Data categories'],
  recipients: ['Empfangende Stellen', 'Recipients'],
  validity: ['Gültigkeit', 'Validity'],
}

/** The warnings about one field, each with its confirm box right below it. */
function warningsAt(input: ConsentFormViewInput, field: ConsentFormWarning['field']): SafeHtml {
  const { language: lang } = input
  const confirmed = input.values.confirmBroad ?? []
  return html`${input.warnings
    .filter((w) => w.field === field)
    .map(
      (w) =>
        html`<div class="alert warning-box field-warning" id="warn-${w.code}">
          <p id="warn-${w.code}-text">${w.text}</p>
          <div class="choice confirm">
            <input
              type="checkbox"
              name="confirmBroad"
              value="${w.code}"
              id="confirm-${w.code}"
              aria-describedby="warn-${w.code}-text"
              ${checked(confirmed, w.code)}
            />
            <label for="confirm-${w.code}"
              >${say(lang, 'Mit der Person besprochen', 'Talked through with the person')}</label
            >
          </div>
        </div>`,
    )}`
}

/** The form to prepare a consent draft with the young person (docs/design.md §3.1, §6). */
export function consentFormView(input: ConsentFormViewInput): SafeHtml {
  const { language: lang, values, vocabulary } = input
  const ownIsJugendamt = input.agencies.some(
    (a) => a.id === input.ownAgencyId && a.kind === 'jugendamt',
  )
  const categories = Object.entries(vocabulary.categories)
  const normal = categories.filter(([id]) => !isSpecialCategory(vocabulary, id))
  const special = categories.filter(([id]) => isSpecialCategory(vocabulary, id))
  const categoryBox = ([id, term]: (typeof categories)[number]) =>
    html`<div class="choice">
      <input
        type="checkbox"
        name="categories"
        value="${id}"
        id="cat-${id}"
        ${checked(values.categories, id)}
      />
      <label for="cat-${id}">${localized(term.label, lang)}</label>
      <p class="explanation" id="cat-${id}-help">${localized(term.explanation, lang)}</p>
    </div>`
  const agencyBoxes = (side: 'senders' | 'recipients') =>
    input.agencies.map(
      (agency) =>
        html`<div class="choice">
          <input
            type="checkbox"
            name="${side}"
            value="${agency.id}"
            id="${side}-${agency.id}"
            ${checked(values[side], agency.id)}
          />
          <label for="${side}-${agency.id}">${agency.name}</label>
        </div>`,
    )
  const renewal = input.renewal
  const personFixed = renewal ? html`readonly aria-describedby="person-fixed"` : ''
  return html`<section class="card">
    <h1>
      ${renewal ? say(lang, 'Einwilligung erneuern', 'Renew a consent') : say(lang, 'Einwilligung vorbereiten', 'Prepare a consent')}
    </h1>
    ${
      renewal
        ? html`<p class="notice">
            ${say(lang, 'Die Angaben stammen aus der bisherigen Einwilligung. Prüfen Sie sie mit der jungen Person; sie unterschreibt die neue Einwilligung wie jede andere am Kiosk oder auf Papier. Sobald die neue vollständig unterschrieben ist, endet die bisherige.', 'The details come from the earlier consent. Check them with the young person; they sign the new consent like any other at the kiosk or on paper. As soon as the new one is fully signed, the earlier one ends.')}
            <a href="/staff/consents/${renewal.consentId}"
              >${say(lang, 'Bisherige Einwilligung öffnen', 'Open the earlier consent')}</a
            >
          </p>`
        : ''
    }
    <p class="muted">
      ${say(
        lang,
        'Füllen Sie das Formular gemeinsam mit der jungen Person aus. Sie unterschreibt danach am Kiosk oder auf Papier und kann dabei einzelne Kategorien oder Empfänger abwählen.',
        'Fill in the form together with the young person. They then sign at the kiosk or on paper and may deselect single categories or recipients.',
      )}
    </p>
    ${
      input.errors.length > 0
        ? html`<div class="alert error-box" role="alert">
            <h2>${say(lang, 'Bitte korrigieren', 'Please correct')}</h2>
            <ul>
              ${input.errors.map((e) => html`<li>${e}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      input.warnings.length > 0
        ? html`<div class="alert warning-box" role="alert" id="broad-warnings">
            <h2>
              ${say(lang, 'Bitte vor der Unterschrift besprechen', 'Talk this through before signing')}
            </h2>
            <p>
              ${say(
                lang,
                'Jeder Hinweis steht bei seinem Feld. Bestätigen Sie dort, dass Sie ihn mit der Person besprochen haben, oder ändern Sie die Auswahl.',
                'Each note stands next to its field. Confirm there that you talked it through with the person, or change the choice.',
              )}
            </p>
            <ul>
              ${input.warnings.map(
                (w) =>
                  html`<li>
                    <a href="#warn-${w.code}"
                      >${say(lang, fieldNames[w.field][0], fieldNames[w.field][1])}</a
                    >
                  </li>`,
              )}
            </ul>
          </div>`
        : ''
    }
    <form
      method="post"
      action="${renewal ? `/staff/consents/${renewal.consentId}/renewal` : '/staff/consents'}"
      class="prepare-form"
      novalidate
    >
      <input type="hidden" name="_csrf" value="${input.csrfToken}" />
      <fieldset>
        <legend>${say(lang, 'Art', 'Kind')}</legend>
        <div class="choice">
          <input
            type="radio"
            name="kind"
            value="einwilligung"
            id="kind-e"
            ${values.kind === 'einwilligung' ? html`checked` : ''}
          />
          <label for="kind-e"
            >${say(lang, 'Einwilligung (§ 67b SGB X)', 'Consent (§ 67b SGB X)')}</label
          >
        </div>
        <div class="choice">
          <input
            type="radio"
            name="kind"
            value="schweigepflichtsentbindung"
            id="kind-s"
            ${values.kind === 'schweigepflichtsentbindung' ? html`checked` : ''}
          />
          <label for="kind-s"
            >${say(lang, 'Schweigepflichtsentbindung (§ 203 StGB, § 65 SGB VIII)', 'Release from confidentiality (Schweigepflichtsentbindung)')}</label
          >
        </div>
        <label for="releasedProfessionals"
          >${say(lang, 'Entbundene Fachkräfte oder Stellen (eine pro Zeile; nur bei Schweigepflichtsentbindung)', 'Professionals or bodies released (one per line; release only)')}</label
        >
        <textarea id="releasedProfessionals" name="releasedProfessionals" rows="2">
${values.releasedProfessionals}</textarea>
      </fieldset>
      <fieldset>
        <legend>${say(lang, 'Junge Person', 'Young person')}</legend>
        ${
          renewal
            ? html`<p class="explanation" id="person-fixed">
                ${say(lang, 'Eine Erneuerung gilt für dieselbe Person: Name und Geburtsdatum bleiben.', 'A renewal is for the same person: name and date of birth stay.')}
              </p>`
            : ''
        }
        <div class="grid-3">
          <div>
            <label for="givenName">${say(lang, 'Vorname', 'Given name')}</label>
            <input
              type="text"
              id="givenName"
              name="givenName"
              value="${values.givenName}"
              autocomplete="off"
              required
              ${personFixed}
            />
          </div>
          <div>
            <label for="familyName">${say(lang, 'Nachname', 'Family name')}</label>
            <input
              type="text"
              id="familyName"
              name="familyName"
              value="${values.familyName}"
              autocomplete="off"
              required
              ${personFixed}
            />
          </div>
          <div>
            <label for="birthDate">${say(lang, 'Geburtsdatum', 'Date of birth')}</label>
            <input
              type="date"
              id="birthDate"
              name="birthDate"
              value="${values.birthDate}"
              max="${input.today}"
              required
              ${personFixed}
            />
          </div>
        </div>
        <label for="caseRef"
          >${say(lang, 'Aktenzeichen Ihrer Stelle (optional)', "Your agency's file number (optional)")}</label
        >
        <input
          type="text"
          id="caseRef"
          name="caseRef"
          value="${values.caseRef}"
          autocomplete="off"
        />
      </fieldset>
      <fieldset>
        <legend>${say(lang, 'Von wem an wen', 'From whom to whom')}</legend>
        <p class="muted">
          ${say(lang, 'Die Richtung zählt: Jobcenter → Jugendamt gilt nicht umgekehrt.', 'Direction matters: Jobcenter → Jugendamt does not cover the reverse.')}
        </p>
        <div class="grid-2">
          <div role="group" aria-labelledby="senders-h">
            <h2 class="sub" id="senders-h">${say(lang, 'Absendende Stellen', 'Senders')}</h2>
            ${agencyBoxes('senders')}
          </div>
          <div role="group" aria-labelledby="recipients-h">
            <h2 class="sub" id="recipients-h">${say(lang, 'Empfangende Stellen', 'Recipients')}</h2>
            ${agencyBoxes('recipients')}
          </div>
        </div>
        ${warningsAt(input, 'recipients')}
      </fieldset>
      <fieldset>
        <legend>${say(lang, 'Zwecke', 'Purposes')}</legend>
        ${Object.entries(vocabulary.purposes).map(
          ([id, term]) =>
            html`<div class="choice">
              <input
                type="checkbox"
                name="purposes"
                value="${id}"
                id="purpose-${id}"
                ${checked(values.purposes, id)}
              />
              <label for="purpose-${id}">${localized(term.label, lang)}</label>
              <p class="explanation">${localized(term.explanation, lang)}</p>
            </div>`,
        )}
      </fieldset>
      <fieldset>
        <legend>${say(lang, 'Datenkategorien', 'Data categories')}</legend>
        ${normal.map(categoryBox)}
        <h2 class="sub">
          ${say(lang, 'Besondere Kategorien (Art. 9/10 DSGVO) – nur ausdrücklich wählen', 'Special categories (Art. 9/10 GDPR) – choose only expressly')}
        </h2>
        ${special.map(categoryBox)} ${warningsAt(input, 'categories')}
      </fieldset>
      <fieldset>
        <legend>${say(lang, 'Gültigkeit und Sprache', 'Validity and language')}</legend>
        <div class="grid-3">
          <div>
            <label for="validFrom">${say(lang, 'Gültig ab', 'Valid from')}</label>
            <input
              type="date"
              id="validFrom"
              name="validFrom"
              value="${values.validFrom || input.today}"
              min="${input.today}"
            />
          </div>
          <div>
            <label for="validUntil">${say(lang, 'Gültig bis', 'Valid until')}</label>
            <input
              type="date"
              id="validUntil"
              name="validUntil"
              value="${values.validUntil}"
              min="${input.today}"
              max="${input.maxValidUntil}"
              aria-describedby="validUntil-help"
              required
            />
            <p class="explanation" id="validUntil-help">
              ${say(lang, `Höchstens bis ${formatCalendarDate(input.maxValidUntil)} (konfigurierte Höchstdauer).`, `At most until ${formatCalendarDate(input.maxValidUntil)} (configured maximum).`)}
            </p>
          </div>
          <div>
            <label for="language">${say(lang, 'Sprache des Textes', 'Language of the text')}</label>
            <select id="language" name="language">
              ${input.consentLanguages.map(
                (l) =>
                  html`<option value="${l.id}" ${values.language === l.id ? html`selected` : ''}>
                    ${l.label}
                  </option>`,
              )}
            </select>
          </div>
        </div>
        ${warningsAt(input, 'validity')}
      </fieldset>
      ${
        ownIsJugendamt
          ? html`<fieldset>
              <legend>
                ${say(lang, 'Anvertraute Daten (§ 65 SGB VIII)', 'Entrusted data (§ 65 SGB VIII)')}
              </legend>
              <p class="explanation" id="entrusted-help">
                ${say(
                  lang,
                  'Markieren Sie jede gewählte Kategorie, deren Daten dem Jugendamt zum Zweck persönlicher und erzieherischer Hilfe anvertraut wurden. Sie gehen nur mit der Einwilligung der anvertrauenden Person weiter; die empfangende Stelle erhält den Hinweis nach § 65 Abs. 1 Satz 2 SGB VIII.',
                  'Mark each chosen category whose data was entrusted to the Jugendamt for personal and educational help. It leaves only with the consent of the person who entrusted it; the recipient gets the notice of § 65(1) sentence 2 SGB VIII.',
                )}
              </p>
              <input type="hidden" name="entrustedMarked" value="yes" />
              ${categories.map(
                ([id, term]) =>
                  html`<div class="choice">
                    <input
                      type="checkbox"
                      name="entrustedCategories"
                      value="${id}"
                      id="entrusted-${id}"
                      aria-describedby="entrusted-help"
                      ${checked(values.entrustedCategories, id)}
                    />
                    <label for="entrusted-${id}">${localized(term.label, lang)}</label>
                  </div>`,
              )}
            </fieldset>`
          : ''
      }
      <fieldset>
        <legend>
          ${say(lang, 'Wer hat Jugendamts-Daten anvertraut? (§ 65 SGB VIII, nur wenn das Jugendamt absendet)', 'Who entrusted Jugendamt data? (§ 65 SGB VIII, only when the Jugendamt sends)')}
        </legend>
        <div class="choice">
          <input
            type="radio"
            name="entrusting"
            value=""
            id="ent-none"
            ${values.entrusting === '' ? html`checked` : ''}
          /><label for="ent-none">${say(lang, 'Nicht zutreffend', 'Not applicable')}</label>
        </div>
        <div class="choice">
          <input
            type="radio"
            name="entrusting"
            value="youth"
            id="ent-youth"
            ${values.entrusting === 'youth' ? html`checked` : ''}
          /><label for="ent-youth"
            >${say(lang, 'Die junge Person selbst', 'The young person')}</label
          >
        </div>
        <div class="choice">
          <input
            type="radio"
            name="entrusting"
            value="other"
            id="ent-other"
            ${values.entrusting === 'other' ? html`checked` : ''}
          /><label for="ent-other">${say(lang, 'Eine andere Person', 'Another person')}</label>
        </div>
        <div class="grid-2">
          <div>
            <label for="entrustingName">${say(lang, 'Name', 'Name')}</label
            ><input
              type="text"
              id="entrustingName"
              name="entrustingName"
              value="${values.entrustingName}"
              autocomplete="off"
            />
          </div>
          <div>
            <label for="entrustingRelation"
              >${say(lang, 'Beziehung (z. B. Mutter)', 'Relation (e.g. mother)')}</label
            ><input
              type="text"
              id="entrustingRelation"
              name="entrustingRelation"
              value="${values.entrustingRelation}"
              autocomplete="off"
            />
          </div>
        </div>
        ${([2, 3] as const).map((n) => {
          const name = n === 2 ? values.entrustingName2 : values.entrustingName3
          const relation = n === 2 ? values.entrustingRelation2 : values.entrustingRelation3
          return html`<div class="grid-2">
            <div>
              <label for="entrustingName${n}"
                >${say(lang, `Weitere Person ${n} (optional): Name`, `Further person ${n} (optional): name`)}</label
              ><input
                type="text"
                id="entrustingName${n}"
                name="entrustingName${n}"
                value="${name}"
                autocomplete="off"
              />
            </div>
            <div>
              <label for="entrustingRelation${n}">${say(lang, 'Beziehung', 'Relation')}</label
              ><input
                type="text"
                id="entrustingRelation${n}"
                name="entrustingRelation${n}"
                value="${relation}"
                autocomplete="off"
              />
            </div>
          </div>`
        })}
      </fieldset>
      <button type="submit">${say(lang, 'Entwurf anlegen', 'Create draft')}</button>
    </form>
  </section>`
}
