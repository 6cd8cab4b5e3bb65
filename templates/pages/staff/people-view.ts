import { html, type SafeHtml } from '../html.ts'
import { formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import type { ConsentStatus } from '../../../consent/status.ts'
import { statusLabel } from './staff-labels.ts'

/** One person found: who they are and the state of their consents with this agency. */
export interface PersonResultRow {
  pseudonym: string
  givenName: string
  familyName: string
  birthDate: string
  caseRefs: readonly string[]
  consents: readonly { status: ConsentStatus }[]
}

export interface PeopleViewInput {
  language: StaffLanguage
  csrfToken: string
  /** The search as typed ('' before the first search). */
  query: string
  /** Null before a search; the people found after one. */
  results: readonly PersonResultRow[] | null
  /** The search could not be read (nothing to search for, too long). */
  error?: string
}

/** How many consents of each status a person has, in words ("2 × Gültig, 1 × Abgelaufen"). */
function statusSummary(consents: PersonResultRow['consents'], lang: StaffLanguage): string {
  const counts = new Map<ConsentStatus, number>()
  for (const c of consents) counts.set(c.status, (counts.get(c.status) ?? 0) + 1)
  return [...counts.entries()]
    .map(([status, n]) => `${String(n)} × ${statusLabel(status, lang)}`)
    .join(', ')
}

/** The search form; the same field sits in the staff navigation. */
function searchForm(input: PeopleViewInput): SafeHtml {
  const lang = input.language
  return html`<form
    method="post"
    action="/staff/people"
    role="search"
    class="person-search"
    aria-label="${say(lang, 'Personensuche auf dieser Seite', 'Person search on this page')}"
  >
    <input type="hidden" name="_csrf" value="${input.csrfToken}" />
    <label for="people-q"
      >${say(lang, 'Name, Geburtsdatum oder Aktenzeichen', 'Name, date of birth or case reference')}</label
    >
    <input
      type="search"
      id="people-q"
      name="q"
      value="${input.query}"
      maxlength="200"
      autocomplete="off"
      aria-describedby="people-q-hint"
      ${input.error ? html`aria-invalid="true"` : ''}
    />
    <button type="submit">${say(lang, 'Suchen', 'Search')}</button>
    <p id="people-q-hint" class="muted">
      ${say(
        lang,
        'Zum Beispiel „Özdemir“, „Mira 03.11.2007“ oder ein Aktenzeichen. Gesucht wird nur in den Einwilligungen, an denen Ihre Stelle beteiligt ist.',
        'For example “Özdemir”, “Mira 03.11.2007” or a case reference. Only the consents your agency is a party to are searched.',
      )}
    </p>
  </form>`
}

/** `GET /staff/people`: find a young person among the agency's consents (issue 18 point 1). */
export function peopleView(input: PeopleViewInput): SafeHtml {
  const lang = input.language
  const results = input.results
  return html`<section class="card" aria-labelledby="people-h">
      <h1 id="people-h">${say(lang, 'Person suchen', 'Find a person')}</h1>
      ${input.error ? html`<div class="alert error-box" role="alert">${input.error}</div>` : ''}
      ${searchForm(input)}
    </section>
    ${
      results === null
        ? ''
        : html`<section class="card" aria-labelledby="people-results-h" data-people-results>
            <h2 id="people-results-h">
              ${say(lang, 'Gefundene Personen', 'People found')}
              <span class="muted">(${String(results.length)})</span>
            </h2>
            ${
              results.length === 0
                ? html`<p data-people-empty>
                    ${say(
                      lang,
                      'Keine Person gefunden. Ist die Person neu, bereiten Sie eine Einwilligung vor.',
                      'Nobody found. If the person is new, prepare a consent.',
                    )}
                    <a href="/staff/consents/new"
                      >${say(lang, 'Einwilligung vorbereiten', 'Prepare a consent')}</a
                    >
                  </p>`
                : html`<table aria-labelledby="people-results-h">
                    <thead>
                      <tr>
                        <th scope="col">${say(lang, 'Name', 'Name')}</th>
                        <th scope="col">${say(lang, 'Geburtsdatum', 'Date of birth')}</th>
                        <th scope="col">${say(lang, 'Aktenzeichen', 'Case reference')}</th>
                        <th scope="col">${say(lang, 'Einwilligungen', 'Consents')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      ${results.map(
                        (p) =>
                          html`<tr data-person="${p.pseudonym}">
                            <td>
                              <a href="/staff/people/${p.pseudonym}"
                                >${p.familyName}, ${p.givenName}</a
                              >
                            </td>
                            <td>${formatCalendarDate(p.birthDate)}</td>
                            <td>${p.caseRefs.length > 0 ? p.caseRefs.join(', ') : '–'}</td>
                            <td>${statusSummary(p.consents, lang)}</td>
                          </tr>`,
                      )}
                    </tbody>
                  </table>`
            }
          </section>`
    }`
}
