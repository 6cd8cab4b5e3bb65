import type { Agency } from '../../../accounts/account-schemas.ts'
import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { agencyName, categoryLabel, purposeLabel, showInstant } from './staff-labels.ts'

/** A transfer in the consent page's list (the gateway's `TransferView` fits). */
export interface ConsentTransferRow {
  id: string
  status: string
  to: string
  purpose: string
  categories: readonly string[]
  createdAt: string
}

/**
 * The transfers the caller's agency sent under this consent (issue 18 point 2), newest first,
 * each linking to its page with what was sent. Nothing is shown when there are none and the
 * agency is not a sender.
 */
export function consentTransfersView(input: {
  language: StaffLanguage
  transfers: readonly ConsentTransferRow[]
  agencies: readonly Agency[]
  vocabulary: Vocabulary
  statusTexts: Record<string, string>
  isSender: boolean
}): SafeHtml | '' {
  const { language: lang, vocabulary } = input
  if (!input.isSender && input.transfers.length === 0) return ''
  return html`<section class="card" data-consent-transfers>
    <h2>
      ${say(lang, 'Übermittlungen unter dieser Einwilligung', 'Transfers under this consent')}
    </h2>
    ${
      input.transfers.length === 0
        ? html`<p class="muted">
            ${say(lang, 'Ihre Stelle hat unter dieser Einwilligung noch nichts gesendet.', 'Your agency has sent nothing under this consent yet.')}
          </p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">${say(lang, 'Eingereiht', 'Queued')}</th>
                <th scope="col">${say(lang, 'An', 'To')}</th>
                <th scope="col">${say(lang, 'Zweck', 'Purpose')}</th>
                <th scope="col">${say(lang, 'Datenkategorien', 'Data categories')}</th>
                <th scope="col">${say(lang, 'Stand', 'Status')}</th>
              </tr>
            </thead>
            <tbody>
              ${input.transfers.map(
                (t) =>
                  html`<tr>
                    <td>
                      <a href="/staff/transfers/${t.id}" data-transfer-link
                        >${showInstant(t.createdAt, lang)}</a
                      >
                    </td>
                    <td>${agencyName(t.to, input.agencies)}</td>
                    <td>${purposeLabel(t.purpose, vocabulary, lang)}</td>
                    <td>
                      ${t.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', ')}
                    </td>
                    <td>${input.statusTexts[t.status] ?? say(lang, 'unbekannt', 'unknown')}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
  </section>`
}
