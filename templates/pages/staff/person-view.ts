import type { Agency } from '../../../accounts/account-schemas.ts'
import type { PersonConsentActions } from '../../../consent/person-search.ts'
import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { inboxKindLabel, inboxStateBadge, type InboxRow } from './inbox-view.ts'
import { agencyName, categoryLabel, kindLabel, purposeLabel, statusLabel } from './staff-labels.ts'

/** A transfer the agency sent about the person (metadata only). */
export interface PersonTransferItem {
  id: string
  status: string
  recipientAgencyId: string
  purpose: string
  categories: readonly string[]
  createdAt: string
  partnerReceiptOutcome: string | null
}

/** An item the agency received about the person (metadata verified on arrival). */
export interface PersonInboxItem {
  id: string
  kind: InboxRow['kind']
  senderAgencyId: string | null
  purpose: string | null
  categories: readonly string[]
  receivedAt: string
  useStoppedAt: string | null
  acknowledgedAt: string | null
}

/** An open request under one of the person's consents, made or received by the agency. */
export interface PersonRequestItem {
  id: string
  requesterAgencyId: string
  holderAgencyId: string
  purpose: string
  categories: readonly string[]
  createdAt: string
}

export interface PersonViewInput {
  language: StaffLanguage
  csrfToken: string
  ownAgencyId: string
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  person: {
    pseudonym: string
    givenName: string
    familyName: string
    birthDate: string
    caseRefs: readonly string[]
  }
  consents: readonly { consent: ConsentViewModel; actions: PersonConsentActions }[]
  transfers: readonly PersonTransferItem[]
  inboxItems: readonly PersonInboxItem[]
  requests: readonly PersonRequestItem[]
  /** Transfer statuses as staff read them (gateway/staff/transfer-status-text.ts). */
  transferStatusTexts: Readonly<Record<string, string>>
}

function categories(ids: readonly string[], input: PersonViewInput): string {
  return ids.map((id) => categoryLabel(id, input.vocabulary, input.language)).join(', ')
}

function names(ids: readonly string[], input: PersonViewInput): string {
  return ids.map((id) => agencyName(id, input.agencies)).join(', ')
}

function consentActions(
  input: PersonViewInput,
  c: ConsentViewModel,
  actions: PersonConsentActions,
): SafeHtml {
  const lang = input.language
  return html`<ul class="person-actions">
    <li>
      <a href="/staff/consents/${c.id}">${say(lang, 'Öffnen', 'Open')}</a>
    </li>
    ${
      actions.send
        ? html`<li>
            <a href="/staff/compose/${c.id}">${say(lang, 'Senden', 'Send')}</a>
          </li>`
        : ''
    }
    ${
      actions.renew
        ? html`<li>
            <a href="/staff/consents/${c.id}/renewal"
              >${say(lang, 'Verlängern / erneuern', 'Extend / renew')}</a
            >
          </li>`
        : ''
    }
    ${
      actions.print
        ? html`<li>
            <a href="/staff/consents/${c.id}/print">${say(lang, 'Drucken', 'Print')}</a>
          </li>`
        : ''
    }
    ${
      actions.revoke
        ? html`<li>
            <details>
              <summary>${say(lang, 'Widerruf erfassen', 'Record revocation')}</summary>
              <form method="post" action="/staff/consents/${c.id}/revocation">
                <input type="hidden" name="_csrf" value="${input.csrfToken}" />
                <label for="revoke-${c.id}"
                  >${say(lang, 'Grund / wie die Person widerrufen hat', 'Reason / how the person revoked')}</label
                >
                <input
                  type="text"
                  id="revoke-${c.id}"
                  name="reason"
                  required
                  maxlength="500"
                  autocomplete="off"
                />
                <button type="submit" class="danger">
                  ${say(lang, 'Widerruf erfassen', 'Record revocation')}
                </button>
              </form>
            </details>
          </li>`
        : ''
    }
  </ul>`
}

function consentsSection(input: PersonViewInput): SafeHtml {
  const lang = input.language
  return html`<section class="card" aria-labelledby="person-consents-h" data-person-consents>
    <h2 id="person-consents-h">${say(lang, 'Einwilligungen', 'Consents')}</h2>
    <div class="table-scroll">
      <table aria-labelledby="person-consents-h">
        <thead>
          <tr>
            <th scope="col">${say(lang, 'Art und Stand', 'Kind and state')}</th>
            <th scope="col">${say(lang, 'Gültigkeit', 'Validity')}</th>
            <th scope="col">${say(lang, 'Von → an', 'From → to')}</th>
            <th scope="col">${say(lang, 'Zwecke und Kategorien', 'Purposes and categories')}</th>
            <th scope="col">${say(lang, 'Aktionen', 'Actions')}</th>
          </tr>
        </thead>
        <tbody>
          ${input.consents.map(
            ({ consent: c, actions }) =>
              html`<tr data-person-consent="${c.id}">
                <td>
                  ${kindLabel(c.kind, lang)}<br />
                  <span class="badge status-${c.status}" data-consent-status
                    >${statusLabel(c.status, lang)}</span
                  >
                </td>
                <td>
                  ${formatCalendarDate(c.validFrom)} –
                  ${formatCalendarDate(c.validUntil)}${
                    actions.endingSoon
                      ? html`<br /><span class="badge status-draft" data-ending-soon
                            >${say(lang, 'endet bald', 'ends soon')}</span
                          >`
                      : ''
                  }
                </td>
                <td>${names(c.senders, input)} → ${names(c.coveredRecipients, input)}</td>
                <td>
                  ${c.purposes.map((p) => purposeLabel(p, input.vocabulary, lang)).join(', ')}<br />
                  <span class="muted">${categories(c.coveredCategories, input)}</span>
                </td>
                <td>${consentActions(input, c, actions)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  </section>`
}

function transfersSection(input: PersonViewInput): SafeHtml {
  const lang = input.language
  return html`<section class="card" aria-labelledby="person-transfers-h" data-person-transfers>
    <h2 id="person-transfers-h">${say(lang, 'Gesendete Übermittlungen', 'Transfers sent')}</h2>
    ${
      input.transfers.length === 0
        ? html`<p class="muted">
            ${say(lang, 'Ihre Stelle hat nichts über diese Person gesendet.', 'Your agency sent nothing about this person.')}
          </p>`
        : html`<div class="table-scroll">
            <table aria-labelledby="person-transfers-h">
              <thead>
                <tr>
                  <th scope="col">${say(lang, 'Gesendet', 'Sent')}</th>
                  <th scope="col">${say(lang, 'An', 'To')}</th>
                  <th scope="col">
                    ${say(lang, 'Zweck und Kategorien', 'Purpose and categories')}
                  </th>
                  <th scope="col">${say(lang, 'Stand', 'State')}</th>
                </tr>
              </thead>
              <tbody>
                ${input.transfers.map(
                  (t) =>
                    html`<tr data-person-transfer="${t.id}">
                      <td>
                        <a href="/staff/transfers/${t.id}">${formatBerlinTime(t.createdAt)}</a>
                      </td>
                      <td>${agencyName(t.recipientAgencyId, input.agencies)}</td>
                      <td>
                        ${purposeLabel(t.purpose, input.vocabulary, lang)}<br />
                        <span class="muted">${categories(t.categories, input)}</span>
                      </td>
                      <td>
                        ${input.transferStatusTexts[t.status] ?? say(lang, 'unbekannt', 'unknown')}
                        ${
                          t.partnerReceiptOutcome === 'accepted'
                            ? html`<br /><span class="muted"
                                  >${say(lang, 'Empfang bestätigt', 'Receipt confirmed')}</span
                                >`
                            : t.partnerReceiptOutcome === 'refused'
                              ? html`<br /><span class="muted"
                                    >${say(lang, 'Von der Partnerstelle abgelehnt', 'Refused by the partner')}</span
                                  >`
                              : ''
                        }
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`
}

function inboxSection(input: PersonViewInput): SafeHtml {
  const lang = input.language
  return html`<section class="card" aria-labelledby="person-inbox-h" data-person-inbox>
    <h2 id="person-inbox-h">${say(lang, 'Empfangen', 'Received')}</h2>
    ${
      input.inboxItems.length === 0
        ? html`<p class="muted">
            ${say(lang, 'Ihre Stelle hat nichts über diese Person empfangen.', 'Your agency received nothing about this person.')}
          </p>`
        : html`<div class="table-scroll">
            <table aria-labelledby="person-inbox-h">
              <thead>
                <tr>
                  <th scope="col">${say(lang, 'Eingang', 'Received')}</th>
                  <th scope="col">${say(lang, 'Art', 'Kind')}</th>
                  <th scope="col">${say(lang, 'Von', 'From')}</th>
                  <th scope="col">
                    ${say(lang, 'Zweck und Kategorien', 'Purpose and categories')}
                  </th>
                  <th scope="col">${say(lang, 'Stand', 'State')}</th>
                </tr>
              </thead>
              <tbody>
                ${input.inboxItems.map(
                  (i) =>
                    html`<tr data-person-inbox-item="${i.id}">
                      <td>
                        <a href="/staff/inbox/${i.id}">${formatBerlinTime(i.receivedAt)}</a>
                      </td>
                      <td>${inboxKindLabel(i.kind, lang)}</td>
                      <td>
                        ${i.senderAgencyId ? agencyName(i.senderAgencyId, input.agencies) : '–'}
                      </td>
                      <td>
                        ${i.purpose ? purposeLabel(i.purpose, input.vocabulary, lang) : '–'}${
                          i.categories.length > 0
                            ? html`<br /><span class="muted"
                                  >${categories(i.categories, input)}</span
                                >`
                            : ''
                        }
                      </td>
                      <td>
                        ${inboxStateBadge(
                          {
                            kind: i.kind,
                            useStopped: i.useStoppedAt !== null,
                            acknowledged: i.acknowledgedAt !== null,
                          },
                          lang,
                        )}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
  </section>`
}

function requestsSection(input: PersonViewInput): SafeHtml {
  const lang = input.language
  return html`<section class="card" aria-labelledby="person-requests-h" data-person-requests>
    <h2 id="person-requests-h">${say(lang, 'Offene Anfragen', 'Open requests')}</h2>
    ${
      input.requests.length === 0
        ? html`<p class="muted">${say(lang, 'Keine offenen Anfragen.', 'No open requests.')}</p>`
        : html`<ul>
            ${input.requests.map((r) => {
              const incoming = r.holderAgencyId === input.ownAgencyId
              const partner = agencyName(
                incoming ? r.requesterAgencyId : r.holderAgencyId,
                input.agencies,
              )
              return html`<li data-person-request="${r.id}">
                ${formatBerlinTime(r.createdAt)}:
                ${
                  incoming
                    ? say(lang, `${partner} fragt Ihre Stelle an`, `${partner} asks your agency`)
                    : say(lang, `Ihre Stelle fragt ${partner} an`, `Your agency asks ${partner}`)
                }
                – ${purposeLabel(r.purpose, input.vocabulary, lang)}
                (${categories(r.categories, input)})
                ${
                  incoming
                    ? html`<a href="/staff/requests/${r.id}/answer"
                        >${say(lang, 'Beantworten', 'Answer')}</a
                      >`
                    : html`<a href="/staff/requests"
                        >${say(lang, 'Zu den Anfragen', 'To the requests')}</a
                      >`
                }
              </li>`
            })}
          </ul>`
    }
  </section>`
}

/**
 * `GET /staff/people/:pseudonym`: one young person as the agency knows them (issue 18 point 1) —
 * consents with state, validity and coverage, what the agency sent and received about them, open
 * requests, and the actions that fit each consent.
 */
export function personView(input: PersonViewInput): SafeHtml {
  const lang = input.language
  const p = input.person
  return html`<section class="card" aria-labelledby="person-h" data-person="${p.pseudonym}">
      <p><a href="/staff/people">${say(lang, 'Zur Personensuche', 'Back to the search')}</a></p>
      <h1 id="person-h">${p.givenName} ${p.familyName}</h1>
      <dl class="facts">
        <dt>${say(lang, 'Geburtsdatum', 'Date of birth')}</dt>
        <dd>${formatCalendarDate(p.birthDate)}</dd>
        <dt>${say(lang, 'Aktenzeichen', 'Case reference')}</dt>
        <dd>${p.caseRefs.length > 0 ? p.caseRefs.join(', ') : '–'}</dd>
      </dl>
      <p>
        <a class="button" href="/staff/consents/new?person=${p.pseudonym}"
          >${say(lang, 'Neue Einwilligung für diese Person vorbereiten', 'Prepare a new consent for this person')}</a
        >
      </p>
    </section>
    ${consentsSection(input)} ${transfersSection(input)} ${inboxSection(input)}
    ${requestsSection(input)}`
}
