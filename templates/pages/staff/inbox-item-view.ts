import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { caseSummarySectionsCard } from './case-summary-sections.ts'
import { inboxKindLabel, inboxStateBadge, type InboxRow } from './inbox-view.ts'
import {
  categoryLabel,
  kindLabel,
  methodLabel,
  purposeLabel,
  showDate,
  showInstant,
  signatoryLabel,
} from './staff-labels.ts'

/** One opened inbox item (decrypted for this page only; the gateway's detail fits). */
export interface InboxItemViewModel extends InboxRow {
  transferId: string | null
  useStoppedAt: string | null
  acknowledgedAt: string | null
  subject: string
  person: { name: string | null; birthDate: string | null }
  consent: {
    id: string | null
    attestation: {
      kind: string
      textVersion: number | null
      textSha256: string | null
      validFrom: string
      validUntil: string
      signatories: readonly { role: string; signedAt: string; method: string }[]
      senders: readonly string[]
      recipients: readonly string[]
      purposes: readonly string[]
      categories: readonly string[]
    } | null
  }
  necessity: string | null
  sections: readonly { category: string; title: string; body: string }[]
  noticeText: string | null
  attachments: readonly { filename: string; category: string | null; size: number }[]
  purposeBinding: string
}

export interface InboxItemViewInput {
  language: StaffLanguage
  item: InboxItemViewModel
  vocabulary: Vocabulary
  csrfToken: string
}

/** The notice that further use must stop, as prominent as the page allows. */
export function useStoppedNotice(lang: StaffLanguage): string {
  return say(
    lang,
    'Weitere Verwendung muss beendet werden: Die Einwilligung, unter der diese Daten übermittelt wurden, ist widerrufen oder erloschen. Verwenden Sie die Daten nicht weiter und prüfen Sie, ob sie zu löschen sind (Art. 17 DSGVO, § 84 SGB X).',
    'Further use must stop: the consent these data were transferred under was revoked or has lapsed. Do not use the data any further and check whether they must be erased (Art. 17 GDPR, § 84 SGB X).',
  )
}

function row(label: string, value: SafeHtml | string): SafeHtml {
  return html`<tr>
    <th scope="row">${label}</th>
    <td>${value}</td>
  </tr>`
}

function consentRows(input: InboxItemViewInput): SafeHtml {
  const { language: lang, vocabulary, item } = input
  const a = item.consent.attestation
  if (!a)
    return row(say(lang, 'Einwilligung', 'Consent'), html`<code>${item.consent.id ?? '–'}</code>`)
  return html`${row(
    say(lang, 'Einwilligung', 'Consent'),
    html`${kindLabel(a.kind, lang)} <code>${item.consent.id ?? '–'}</code>`,
  )}
  ${row(
    say(lang, 'Gültigkeit', 'Validity'),
    `${showDate(a.validFrom, lang)} – ${showDate(a.validUntil, lang)}`,
  )}
  ${row(
    say(lang, 'Unterschrieben von', 'Signed by'),
    html`<ul class="plain">
      ${a.signatories.map(
        (s) =>
          html`<li>
            ${signatoryLabel(s.role, lang)}, ${showInstant(s.signedAt, lang)},
            ${methodLabel(s.method, lang)}
          </li>`,
      )}
    </ul>`,
  )}
  ${row(
    say(lang, 'Erlaubte Zwecke', 'Purposes allowed'),
    a.purposes.map((p) => purposeLabel(p, vocabulary, lang)).join(', '),
  )}
  ${row(
    say(lang, 'Erlaubte Kategorien', 'Categories allowed'),
    a.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', '),
  )}
  ${
    a.textVersion !== null
      ? row(
          say(lang, 'Einwilligungstext', 'Consent text'),
          html`${say(lang, 'Version', 'version')} ${String(a.textVersion)}, SHA-256
            <code>${a.textSha256 ?? '–'}</code>`,
        )
      : ''
  }`
}

/**
 * One received item (issue 16 point 5): person, sender, purpose, categories, the consent it was
 * sent under, the necessity, the sections, the purpose-binding notice; a stop notice when a
 * revocation or lapse ended its use; acknowledging and the copy for the case file.
 */
export function inboxItemView(input: InboxItemViewInput): SafeHtml {
  const { language: lang, vocabulary, item } = input
  return html`${
      item.useStopped
        ? html`<div class="alert error-box banner" role="alert" data-use-stopped-notice>
            <strong>${useStoppedNotice(lang)}</strong>
            ${
              item.useStoppedAt
                ? html`<br />${say(lang, 'Seit', 'Since')} ${showInstant(item.useStoppedAt, lang)}`
                : ''
            }
          </div>`
        : ''
    }
    <section class="card" data-inbox-detail="${item.id}">
      <h1>${inboxKindLabel(item.kind, lang)}</h1>
      <p>${inboxStateBadge(item, lang)}</p>
      <table class="inbox-facts">
        <tbody>
          ${row(
            say(lang, 'Person', 'Person'),
            item.person.name
              ? html`<span data-person>${item.person.name}</span>${
                    item.person.birthDate
                      ? html`, ${say(lang, 'geb.', 'born')} ${showDate(item.person.birthDate, lang)}`
                      : ''
                  }`
              : html`<span class="muted"
                  >${say(
                    lang,
                    'in der Übermittlung nicht angegeben',
                    'not stated in the transfer',
                  )}</span
                >`,
          )}
          ${row(say(lang, 'Absendende Stelle', 'Sender'), item.sender?.name ?? '–')}
          ${row(say(lang, 'Eingegangen', 'Received'), showInstant(item.receivedAt, lang))}
          ${
            item.purpose
              ? row(say(lang, 'Zweck', 'Purpose'), purposeLabel(item.purpose, vocabulary, lang))
              : ''
          }
          ${
            item.categories.length > 0
              ? row(
                  say(lang, 'Datenkategorien', 'Data categories'),
                  item.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', '),
                )
              : ''
          }
          ${consentRows(input)}
          ${
            item.necessity !== null
              ? row(
                  say(lang, 'Erforderlichkeit (§ 67a SGB X)', 'Necessity (§ 67a SGB X)'),
                  item.necessity,
                )
              : ''
          }
          ${
            item.transferId
              ? row(say(lang, 'Übermittlung', 'Transfer'), html`<code>${item.transferId}</code>`)
              : ''
          }
        </tbody>
      </table>
      ${
        item.kind === 'case_summary'
          ? html`<p class="notice" data-purpose-binding><strong>${item.purposeBinding}</strong></p>`
          : ''
      }
      <div class="actions">
        ${
          item.acknowledged
            ? html`<p class="muted" data-acknowledged>
                ${say(lang, 'Zur Kenntnis genommen', 'Acknowledged')}${
                  item.acknowledgedAt
                    ? html` ${say(lang, 'am', 'on')} ${showInstant(item.acknowledgedAt, lang)}`
                    : ''
                }
              </p>`
            : html`<form method="post" action="/staff/inbox/${item.id}/acknowledgement">
                <input type="hidden" name="_csrf" value="${input.csrfToken}" />
                <button type="submit" data-acknowledge>
                  ${
                    item.useStopped
                      ? say(
                          lang,
                          'Zur Kenntnis genommen: weitere Verwendung beendet',
                          'Acknowledged: further use stopped',
                        )
                      : say(lang, 'Zur Kenntnis nehmen', 'Acknowledge')
                  }
                </button>
              </form>`
        }
        <a class="button secondary" href="/staff/inbox/${item.id}/copy.pdf" data-pdf-copy
          >${say(lang, 'Kopie für die Akte (PDF)', 'Copy for the case file (PDF)')}</a
        >
      </div>
    </section>
    ${
      item.noticeText !== null
        ? html`<section class="card">
            <h2>${say(lang, 'Mitteilung', 'Notice')}</h2>
            <pre class="notice-text">${item.noticeText}</pre>
          </section>`
        : ''
    }
    ${caseSummarySectionsCard(
      item,
      vocabulary,
      lang,
      (index) => `/staff/inbox/${item.id}/attachments/${index}`,
    )}
    <p><a href="/staff/inbox">${say(lang, 'Zurück zum Posteingang', 'Back to the inbox')}</a></p>`
}
