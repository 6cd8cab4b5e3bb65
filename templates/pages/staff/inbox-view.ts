import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { categoryLabel, purposeLabel, showInstant } from './staff-labels.ts'

/** An inbox item as the list shows it (metadata only; the gateway's summary fits). */
export interface InboxRow {
  id: string
  kind: 'case_summary' | 'revocation_notice' | 'lapse_notice'
  sender: { id: string; name: string } | null
  purpose: string | null
  categories: readonly string[]
  consentId: string | null
  receivedAt: string
  useStopped: boolean
  acknowledged: boolean
}

export interface InboxViewInput {
  language: StaffLanguage
  items: readonly InboxRow[]
  vocabulary: Vocabulary
  /** Offsets of the previous and next page, when there are any. */
  previousOffset: number | null
  nextOffset: number | null
}

/** What an item is, in words. */
export function inboxKindLabel(kind: InboxRow['kind'], lang: StaffLanguage): string {
  switch (kind) {
    case 'case_summary':
      return say(lang, 'Fallzusammenfassung', 'Case summary')
    case 'revocation_notice':
      return say(lang, 'Mitteilung: Einwilligung widerrufen', 'Notice: consent revoked')
    case 'lapse_notice':
      return say(lang, 'Mitteilung: Einwilligung erloschen', 'Notice: consent lapsed')
  }
}

/** The state badge: stopped and unacknowledged first, then notices waiting, then the rest. */
export function inboxStateBadge(
  item: Pick<InboxRow, 'kind' | 'useStopped' | 'acknowledged'>,
  lang: StaffLanguage,
): SafeHtml {
  if (item.useStopped)
    return html`<span class="badge status-revoked" data-use-stopped
      >${say(lang, 'Weitere Verwendung beenden', 'Stop further use')}${
        item.acknowledged ? say(lang, ' (zur Kenntnis genommen)', ' (acknowledged)') : ''
      }</span
    >`
  if (item.kind !== 'case_summary' && !item.acknowledged)
    return html`<span class="badge status-revoked" data-notice-open
      >${say(lang, 'bitte zur Kenntnis nehmen', 'please acknowledge')}</span
    >`
  return item.acknowledged
    ? html`<span class="badge">${say(lang, 'zur Kenntnis genommen', 'acknowledged')}</span>`
    : html`<span class="badge status-active">${say(lang, 'neu', 'new')}</span>`
}

/**
 * The inbox (issue 16 point 5): what partner agencies sent to this agency — case summaries and
 * notices that a consent was revoked or lapsed — newest first, with what needs attention marked.
 */
export function inboxView(input: InboxViewInput): SafeHtml {
  const { language: lang, vocabulary } = input
  return html`<section class="card">
    <h1>${say(lang, 'Posteingang', 'Inbox')}</h1>
    <p class="muted">
      ${say(
        lang,
        'Von Partnerstellen übermittelte Sozialdaten. Der Inhalt wird erst beim Öffnen entschlüsselt; jedes Öffnen wird protokolliert.',
        'Social data partner agencies transferred to you. The content is decrypted only when opened; every opening is logged.',
      )}
    </p>
    ${
      input.items.length === 0
        ? html`<p data-inbox-empty>
            ${say(lang, 'Der Posteingang ist leer.', 'The inbox is empty.')}
          </p>`
        : html`<div class="table-scroll">
            <table data-inbox>
              <caption>
                ${say(lang, 'Eingegangene Übermittlungen', 'Received transfers')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">${say(lang, 'Eingang', 'Received')}</th>
                  <th scope="col">${say(lang, 'Art', 'Kind')}</th>
                  <th scope="col">${say(lang, 'Von', 'From')}</th>
                  <th scope="col">
                    ${say(lang, 'Zweck und Kategorien', 'Purpose and categories')}
                  </th>
                  <th scope="col">${say(lang, 'Einwilligung', 'Consent')}</th>
                  <th scope="col">${say(lang, 'Stand', 'State')}</th>
                </tr>
              </thead>
              <tbody>
                ${input.items.map(
                  (item) =>
                    html`<tr data-inbox-item="${item.id}">
                      <td>
                        <a href="/staff/inbox/${item.id}">${showInstant(item.receivedAt, lang)}</a>
                      </td>
                      <td>${inboxKindLabel(item.kind, lang)}</td>
                      <td>${item.sender?.name ?? '–'}</td>
                      <td>
                        ${item.purpose ? purposeLabel(item.purpose, vocabulary, lang) : '–'}${
                          item.categories.length > 0
                            ? html`<br /><span class="muted"
                                  >${item.categories
                                    .map((c) => categoryLabel(c, vocabulary, lang))
                                    .join(', ')}</span
                                >`
                            : ''
                        }
                      </td>
                      <td><code>${item.consentId ?? '–'}</code></td>
                      <td>${inboxStateBadge(item, lang)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
          </div>`
    }
    ${
      input.previousOffset !== null || input.nextOffset !== null
        ? html`<nav class="pager" aria-label="${say(lang, 'Seiten', 'Pages')}">
            ${
              input.previousOffset !== null
                ? html`<a href="/staff/inbox?offset=${String(input.previousOffset)}"
                    >${say(lang, 'Neuere', 'Newer')}</a
                  >`
                : ''
            }
            ${
              input.nextOffset !== null
                ? html`<a href="/staff/inbox?offset=${String(input.nextOffset)}"
                    >${say(lang, 'Ältere', 'Older')}</a
                  >`
                : ''
            }
          </nav>`
        : ''
    }
  </section>`
}
