import type { Agency } from '../../../accounts/account-schemas.ts'
import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import type { PartnerReceiptTexts } from './transfer-view.ts'
import type { ConsentViewModel } from '../view-models/consent-view-model.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import {
  agencyName,
  categoryLabel,
  kindLabel,
  purposeLabel,
  showDate,
  showInstant,
  signatoryLabel,
  statusLabel,
} from './staff-labels.ts'

/** A transfer or revocation notice delivered to this agency, as the overview lists it. */
export interface ReceivedTransferRow {
  kind: 'transfer' | 'revocation_notice'
  /** The sending agency's id. */
  from: string
  purpose: string
  categories: readonly string[]
  updatedAt: string
  deliveredAt: string | null
}

export interface OverviewViewInput {
  language: StaffLanguage
  consents: readonly ConsentViewModel[]
  expiringSoon: readonly ConsentViewModel[]
  /** Drafts of this agency the person declined recently, with the reason they gave, if any. */
  declined: readonly ConsentViewModel[]
  statusFilter: string
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  banners: readonly string[]
  transferStatusTexts: Record<string, string>
  /** The partner gateway's receipt beside a delivered transfer's status (issue 16 point 7). */
  receiptTexts: PartnerReceiptTexts
  /** Transfers and revocation notices delivered to this agency. */
  received: readonly ReceivedTransferRow[]
}

const statuses = [
  'draft',
  'active',
  'declined',
  'revoked',
  'lapsed',
  'renewed',
  'expired',
  'discarded',
] as const

/** The staff start page: banners, consents expiring soon, the agency's consents and transfers. */
export function overviewView(input: OverviewViewInput): SafeHtml {
  const { language: lang, vocabulary, agencies } = input
  return html`${input.banners.map(
      (b) => html`<div class="alert error-box banner" role="alert">${b}</div>`,
    )}
    <section class="card">
      <h1>${say(lang, 'Arbeitsplatz', 'Workplace')}</h1>
      <p>
        <a class="button" href="/staff/consents/new"
          >${say(lang, 'Einwilligung vorbereiten', 'Prepare a consent')}</a
        >
      </p>
    </section>
    <section class="card" aria-labelledby="expiring-h">
      <h2 id="expiring-h">
        ${say(lang, 'Bald ablaufende Einwilligungen (30 Tage)', 'Consents expiring soon (30 days)')}
      </h2>
      ${
        input.expiringSoon.length === 0
          ? html`<p class="muted">${say(lang, 'Keine.', 'None.')}</p>`
          : html`<ul>
              ${input.expiringSoon.map(
                (c) =>
                  html`<li>
                    <a href="/staff/consents/${c.id}"
                      >${c.subject.givenName} ${c.subject.familyName}</a
                    >
                    – ${say(lang, 'gültig bis', 'valid until')} ${showDate(c.validUntil, lang)}
                  </li>`,
              )}
            </ul>`
      }
    </section>
    ${
      input.declined.length > 0
        ? html`<section class="card alert warning-box" aria-labelledby="declined-h">
            <h2 id="declined-h">
              ${say(lang, 'Abgelehnt (letzte 30 Tage)', 'Declined (last 30 days)')}
            </h2>
            <ul>
              ${input.declined.map(
                (c) =>
                  html`<li>
                    <a href="/staff/consents/${c.id}"
                      >${c.subject.givenName} ${c.subject.familyName}</a
                    >
                    – ${kindLabel(c.kind, lang)},
                    ${c.declinedAt ? showInstant(c.declinedAt, lang) : ''}
                    ${
                      c.declineReason
                        ? html`– ${say(lang, 'Begründung', 'reason')}: <q>${c.declineReason}</q>`
                        : html`<span class="muted"
                            >– ${say(lang, 'ohne Begründung', 'no reason given')}</span
                          >`
                    }
                  </li>`,
              )}
            </ul>
          </section>`
        : ''
    }
    <section class="card" aria-labelledby="consents-h">
      <h2 id="consents-h">${say(lang, 'Einwilligungen Ihrer Stelle', "Your agency's consents")}</h2>
      <form method="get" action="/staff" class="filter">
        <label for="status-filter">${say(lang, 'Status', 'Status')}</label>
        <select id="status-filter" name="status">
          <option value="">${say(lang, 'alle', 'all')}</option>
          ${statuses.map(
            (s) =>
              html`<option value="${s}" ${input.statusFilter === s ? html`selected` : ''}>
                ${statusLabel(s, lang)}
              </option>`,
          )}
        </select>
        <button type="submit" class="secondary">${say(lang, 'Filtern', 'Filter')}</button>
      </form>
      <table>
        <thead>
          <tr>
            <th scope="col">${say(lang, 'Person', 'Person')}</th>
            <th scope="col">${say(lang, 'Art', 'Kind')}</th>
            <th scope="col">${say(lang, 'An', 'To')}</th>
            <th scope="col">${say(lang, 'Zwecke / Kategorien', 'Purposes / categories')}</th>
            <th scope="col">Status</th>
            <th scope="col">${say(lang, 'Gültig bis', 'Valid until')}</th>
            <th scope="col">${say(lang, 'Es fehlt', 'Missing')}</th>
          </tr>
        </thead>
        <tbody>
          ${
            input.consents.length === 0
              ? html`<tr>
                  <td colspan="7" class="muted">
                    ${say(lang, 'Keine Einwilligungen.', 'No consents.')}
                  </td>
                </tr>`
              : input.consents.map(
                  (c) =>
                    html`<tr>
                      <td>
                        <a href="/staff/consents/${c.id}"
                          >${c.subject.givenName} ${c.subject.familyName}</a
                        >
                      </td>
                      <td>${kindLabel(c.kind, lang)}</td>
                      <td>${c.recipients.map((id) => agencyName(id, agencies)).join(', ')}</td>
                      <td>
                        ${c.purposes.map((p) => purposeLabel(p, vocabulary, lang)).join(', ')}<br />
                        <span class="muted"
                          >${c.coveredCategories.map((id) => categoryLabel(id, vocabulary, lang)).join(', ')}</span
                        >
                      </td>
                      <td>
                        <span class="badge status-${c.status}">${statusLabel(c.status, lang)}</span>
                      </td>
                      <td>${showDate(c.validUntil, lang)}</td>
                      <td>
                        ${c.status === 'draft' ? c.missingSignatories.map((r) => signatoryLabel(r, lang)).join(', ') : ''}
                      </td>
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </section>
    <section
      class="card"
      aria-labelledby="transfers-h"
      data-transfer-list
      data-status-texts="${JSON.stringify(input.transferStatusTexts)}"
      data-receipt-texts="${JSON.stringify(input.receiptTexts)}"
      data-agency-names="${JSON.stringify(Object.fromEntries(agencies.map((a) => [a.id, a.name])))}"
      data-purpose-labels="${JSON.stringify(
        Object.fromEntries(
          Object.keys(vocabulary.purposes).map((id) => [id, purposeLabel(id, vocabulary, lang)]),
        ),
      )}"
      data-msg-notice="${say(lang, 'Widerrufsmitteilung', 'Revocation notice')}"
    >
      <h2 id="transfers-h">
        ${say(lang, 'Übermittlungen Ihrer Stelle', "Your agency's transfers")}
      </h2>
      <label for="transfer-filter">${say(lang, 'Status', 'Status')}</label>
      <select id="transfer-filter" data-transfer-filter>
        <option value="">${say(lang, 'alle', 'all')}</option>
        ${Object.entries(input.transferStatusTexts).map(
          ([code, text]) => html`<option value="${code}">${text}</option>`,
        )}
      </select>
      <table>
        <thead>
          <tr>
            <th scope="col">${say(lang, 'Zeit', 'Time')}</th>
            <th scope="col">${say(lang, 'Richtung', 'Direction')}</th>
            <th scope="col">${say(lang, 'Zweck', 'Purpose')}</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody data-transfer-rows>
          <tr>
            <td colspan="4" class="muted">${say(lang, 'Wird geladen …', 'Loading …')}</td>
          </tr>
        </tbody>
      </table>
    </section>
    <section class="card" aria-labelledby="received-h">
      <h2 id="received-h">
        ${say(lang, 'Bei Ihrer Stelle eingegangen', 'Received by your agency')}
      </h2>
      ${
        input.received.length === 0
          ? html`<p class="muted">
              ${say(lang, 'Noch nichts eingegangen.', 'Nothing received yet.')}
            </p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">${say(lang, 'Zugestellt', 'Delivered')}</th>
                  <th scope="col">${say(lang, 'Von', 'From')}</th>
                  <th scope="col">${say(lang, 'Art', 'Kind')}</th>
                  <th scope="col">${say(lang, 'Zweck', 'Purpose')}</th>
                  <th scope="col">${say(lang, 'Datenkategorien', 'Data categories')}</th>
                </tr>
              </thead>
              <tbody>
                ${input.received.map(
                  (t) =>
                    html`<tr>
                      <td>${showInstant(t.deliveredAt ?? t.updatedAt, lang)}</td>
                      <td>${agencyName(t.from, agencies)}</td>
                      <td>
                        ${
                          t.kind === 'revocation_notice'
                            ? html`<strong
                                >${say(lang, 'Widerrufsmitteilung: weitere Nutzung einstellen', 'Revocation notice: stop further use')}</strong
                              >`
                            : say(lang, 'Fallzusammenfassung', 'Case summary')
                        }
                      </td>
                      <td>${purposeLabel(t.purpose, vocabulary, lang)}</td>
                      <td>
                        ${t.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', ')}
                      </td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`
}
