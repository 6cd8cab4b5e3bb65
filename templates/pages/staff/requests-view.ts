import type { Agency } from '../../../accounts/account-schemas.ts'
import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { agencyName, categoryLabel, purposeLabel, showInstant } from './staff-labels.ts'

/** A data request between two agencies, as the inbox lists it. */
export interface DataRequestRow {
  id: string
  status: 'open' | 'answered'
  requesterAgencyId: string
  holderAgencyId: string
  consentId: string
  purpose: string
  categories: readonly string[]
  answeredByTransferId: string | null
  createdAt: string
  answeredAt: string | null
  /** Whether the consent covers the holder sending exactly this now (a dry-run decision). */
  consentCovers: boolean
}

export interface RequestsViewInput {
  language: StaffLanguage
  incoming: readonly DataRequestRow[]
  outgoing: readonly DataRequestRow[]
  /** The agency's consents, to name the person a request is about. */
  consents: readonly ConsentViewModel[]
  agencies: readonly Agency[]
  vocabulary: Vocabulary
}

function consentBadge(r: DataRequestRow, lang: StaffLanguage): SafeHtml {
  return r.consentCovers
    ? html`<span class="badge status-active" data-consent-covers="yes"
        >${say(lang, 'Einwilligung deckt die Anfrage', 'Consent covers the request')}</span
      >`
    : html`<span class="badge status-revoked" data-consent-covers="no"
        >${say(lang, 'keine passende Einwilligung', 'no matching consent')}</span
      >`
}

function statusText(r: DataRequestRow, lang: StaffLanguage): string {
  return r.status === 'open' ? say(lang, 'offen', 'open') : say(lang, 'beantwortet', 'answered')
}

function whatCell(r: DataRequestRow, vocabulary: Vocabulary, lang: StaffLanguage): SafeHtml {
  return html`${purposeLabel(r.purpose, vocabulary, lang)}<br /><span class="muted"
      >${r.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', ')}</span
    >`
}

function personCell(r: DataRequestRow, consents: ReadonlyMap<string, ConsentViewModel>): SafeHtml {
  const consent = consents.get(r.consentId)
  return consent
    ? html`<a href="/staff/consents/${consent.id}"
        >${consent.subject.givenName} ${consent.subject.familyName}</a
      >`
    : html`<span class="muted">${r.consentId}</span>`
}

/**
 * The requests inbox (issue 8 point 3): what partner agencies asked this agency for, whether a
 * consent covers sending it now, and the answer action; below, what this agency asked for.
 */
export function requestsView(input: RequestsViewInput): SafeHtml {
  const { language: lang, vocabulary, agencies } = input
  const consents = new Map(input.consents.map((c) => [c.id, c]))
  return html`<section class="card">
      <h1>${say(lang, 'Anfragen von Partnerstellen', 'Requests from partner agencies')}</h1>
      <p>
        <a class="button" href="/staff/requests/new"
          >${say(lang, 'Daten bei einer Partnerstelle anfragen', 'Ask a partner agency for data')}</a
        >
      </p>
      <table data-requests="incoming">
        <thead>
          <tr>
            <th scope="col">${say(lang, 'Von', 'From')}</th>
            <th scope="col">${say(lang, 'Person', 'Person')}</th>
            <th scope="col">${say(lang, 'Zweck / Kategorien', 'Purpose / categories')}</th>
            <th scope="col">${say(lang, 'Eingegangen', 'Received')}</th>
            <th scope="col">Status</th>
            <th scope="col">${say(lang, 'Einwilligung', 'Consent')}</th>
            <th scope="col">${say(lang, 'Aktion', 'Action')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            input.incoming.length === 0
              ? html`<tr>
                  <td colspan="7" class="muted">${say(lang, 'Keine Anfragen.', 'No requests.')}</td>
                </tr>`
              : input.incoming.map(
                  (r) =>
                    html`<tr data-request-id="${r.id}">
                      <td>${agencyName(r.requesterAgencyId, agencies)}</td>
                      <td>${personCell(r, consents)}</td>
                      <td>${whatCell(r, vocabulary, lang)}</td>
                      <td>${showInstant(r.createdAt, lang)}</td>
                      <td data-request-status="${r.status}">${statusText(r, lang)}</td>
                      <td>${consentBadge(r, lang)}</td>
                      <td>
                        ${
                          r.status === 'open' && consents.has(r.consentId)
                            ? html`<a class="button" href="/staff/requests/${r.id}/answer"
                                >${say(lang, 'Antworten', 'Answer')}</a
                              >`
                            : r.answeredByTransferId
                              ? html`<a href="/staff/transfers/${r.answeredByTransferId}"
                                  >${say(lang, 'Antwort ansehen', 'View answer')}</a
                                >`
                              : ''
                        }
                      </td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </section>
    <section class="card" aria-labelledby="outgoing-h">
      <h2 id="outgoing-h">${say(lang, 'Ihre Anfragen', 'Your requests')}</h2>
      <table data-requests="outgoing">
        <thead>
          <tr>
            <th scope="col">${say(lang, 'An', 'To')}</th>
            <th scope="col">${say(lang, 'Person', 'Person')}</th>
            <th scope="col">${say(lang, 'Zweck / Kategorien', 'Purpose / categories')}</th>
            <th scope="col">${say(lang, 'Gesendet', 'Sent')}</th>
            <th scope="col">Status</th>
            <th scope="col">${say(lang, 'Einwilligung', 'Consent')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            input.outgoing.length === 0
              ? html`<tr>
                  <td colspan="6" class="muted">${say(lang, 'Keine Anfragen.', 'No requests.')}</td>
                </tr>`
              : input.outgoing.map(
                  (r) =>
                    html`<tr data-request-id="${r.id}">
                      <td>${agencyName(r.holderAgencyId, agencies)}</td>
                      <td>${personCell(r, consents)}</td>
                      <td>${whatCell(r, vocabulary, lang)}</td>
                      <td>${showInstant(r.createdAt, lang)}</td>
                      <td data-request-status="${r.status}">
                        ${statusText(r, lang)}${
                          r.answeredAt ? html` (${showInstant(r.answeredAt, lang)})` : ''
                        }
                      </td>
                      <td>${consentBadge(r, lang)}</td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </section>`
}
