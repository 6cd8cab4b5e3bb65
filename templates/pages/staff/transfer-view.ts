import type { Vocabulary } from '../../../consent/vocabulary.ts'
import { html, type SafeHtml } from '../html.ts'
import { say, type StaffLanguage } from '../view-models/staff-language.ts'
import { caseSummarySectionsCard } from './case-summary-sections.ts'
import { categoryLabel, purposeLabel, showDate, showInstant } from './staff-labels.ts'

/** What the pages say about the partner gateway's signed receipt (issue 16 point 7). */
export interface PartnerReceiptTexts {
  /** Followed by the date and time. */
  acceptedAt: string
  /** Followed by the reason in plain words. */
  refused: string
  pending: string
  /** For a code without plain words; followed by the code and `)`. */
  otherReason: string
  reasons: Record<string, string>
  /** The short words of the transfer list's status column. */
  listAccepted: string
  listRefused: string
}

/**
 * A sent transfer whose status the page script follows (queued → delivered …), and then whether
 * the partner gateway confirmed it with its signed receipt.
 */
export function transferView(input: {
  language: StaffLanguage
  transferId: string
  statusTexts: Record<string, string>
  receiptTexts: PartnerReceiptTexts
  /** What was sent, from the sender's sealed copy (issue 18 point 2); absent: status only. */
  sent?: SentTransferViewModel
  vocabulary?: Vocabulary
}): SafeHtml {
  const lang = input.language
  const sent = input.sent && input.vocabulary ? sentView(input.sent, input.vocabulary, lang) : ''
  return html`<section
      class="card"
      data-transfer-status
      data-transfer-id="${input.transferId}"
      data-status-texts="${JSON.stringify(input.statusTexts)}"
      data-msg-next="${say(lang, 'Nächster Versuch:', 'Next attempt:')}"
      data-msg-smtp="${say(lang, 'Antwort des Mailservers:', 'Mail server reply:')}"
      data-msg-attempts="${say(lang, 'Versuche:', 'Attempts:')}"
      data-receipt-texts="${JSON.stringify(input.receiptTexts)}"
      data-msg-missing="${say(lang, 'Diese Übermittlung ist nicht (mehr) abrufbar.', 'This transfer cannot be read (any more).')}"
    >
      <h1>${say(lang, 'Übermittlung', 'Transfer')} <code>${input.transferId}</code></h1>
      <p class="transfer-state" role="status" aria-live="polite" data-state>
        ${say(lang, 'Wird geladen …', 'Loading …')}
      </p>
      <p class="muted" data-detail></p>
      <p data-partner-receipt></p>
    </section>
    ${sent}
    <p><a href="/staff">${say(lang, 'Zur Übersicht', 'To the overview')}</a></p>`
}

/** One step of a transfer's history (the gateway's audit-derived steps fit). */
export interface TransferHistoryStepViewModel {
  at: string
  step: TransferHistoryStepKind
  attempt: number | null
  nextAttemptAt: string | null
}

type TransferHistoryStepKind =
  | 'queued'
  | 'retrying'
  | 'delivered'
  | 'failed'
  | 'handoff_uncertain'
  | 'cancelled_revoked'
  | 'retried'
  | 'retry_refused'
  | 'withdrawn'
  | 'receipt_accepted'
  | 'receipt_refused'

/** A sent transfer as its sender's staff open it (the gateway's `SentTransferDetail` fits). */
export interface SentTransferViewModel {
  transfer: {
    id: string
    kind: 'transfer' | 'revocation_notice'
    consentId: string
    purpose: string
    categories: readonly string[]
    createdAt: string
  }
  sender: { id: string; name: string }
  recipient: { id: string; name: string }
  history: readonly TransferHistoryStepViewModel[]
  content:
    | {
        state: 'shown'
        person: { name: string | null; birthDate: string | null }
        necessity: string | null
        sections: readonly { category: string; title: string; body: string }[]
        attachments: readonly { filename: string; category: string | null }[]
      }
    | { state: 'none' | 'unreadable' }
  purposeBinding: string
}

const stepTexts: Record<TransferHistoryStepKind, [string, string]> = {
  queued: ['Geprüft und verschlüsselt eingereiht', 'Checked, encrypted and queued'],
  retrying: ['Zustellversuch gescheitert, neuer Versuch geplant', 'Attempt failed, retry planned'],
  delivered: ['Zugestellt', 'Delivered'],
  failed: ['Zustellung endgültig gescheitert', 'Delivery failed for good'],
  handoff_uncertain: [
    'Zustellung ungewiss – bitte beim Empfänger nachfragen',
    'Delivery uncertain – please check with the recipient',
  ],
  cancelled_revoked: [
    'Abgebrochen – die Einwilligung deckte es nicht mehr',
    'Cancelled – the consent no longer covered it',
  ],
  retried: ['Von der Verwaltung erneut eingereiht', 'Queued again by the administrator'],
  retry_refused: ['Erneutes Senden verweigert', 'Sending again refused'],
  withdrawn: ['Von der Verwaltung abgebrochen', 'Cancelled by the administrator'],
  receipt_accepted: [
    'Empfangsbestätigung der Partnerstelle: angenommen',
    'Partner receipt: accepted',
  ],
  receipt_refused: [
    'Empfangsbestätigung der Partnerstelle: zurückgewiesen',
    'Partner receipt: refused',
  ],
}

/** A history step in plain words, with its attempt and the next attempt where there is one. */
export function historyStepText(step: TransferHistoryStepViewModel, lang: StaffLanguage): string {
  const [de, en] = stepTexts[step.step]
  const parts = [say(lang, de, en)]
  if (step.attempt !== null) parts.push(`${say(lang, 'Versuch', 'attempt')} ${step.attempt}`)
  if (step.nextAttemptAt !== null)
    parts.push(
      `${say(lang, 'nächster Versuch', 'next attempt')} ${showInstant(step.nextAttemptAt, lang)}`,
    )
  return parts.join(', ')
}

function row(label: string, value: SafeHtml | string): SafeHtml {
  return html`<tr>
    <th scope="row">${label}</th>
    <td>${value}</td>
  </tr>`
}

function personText(
  person: { name: string | null; birthDate: string | null },
  lang: StaffLanguage,
): SafeHtml {
  if (!person.name)
    return html`<span class="muted"
      >${say(lang, 'in der Übermittlung nicht angegeben', 'not stated in the transfer')}</span
    >`
  return html`<span data-person>${person.name}</span>${
      person.birthDate
        ? html`, ${say(lang, 'geb.', 'born')} ${showDate(person.birthDate, lang)}`
        : ''
    }`
}

function contentUnavailable(state: 'none' | 'unreadable', lang: StaffLanguage): string {
  return state === 'unreadable'
    ? say(
        lang,
        'Der Inhalt lässt sich mit dem Schlüssel Ihrer Stelle nicht mehr öffnen.',
        'The content no longer opens with your agency’s key.',
      )
    : say(
        lang,
        'Vom Inhalt ist keine Kopie (mehr) vorhanden: Sie wird nach Ablauf der Aufbewahrungsfrist gelöscht.',
        'No copy of the content is kept (any more): it is deleted when its retention ends.',
      )
}

/**
 * What was sent (issue 18 point 2): recipient, purpose, person, categories, consent, necessity,
 * the sections, the purpose binding, the history and the copy for the case file.
 */
function sentView(sent: SentTransferViewModel, vocabulary: Vocabulary, lang: StaffLanguage) {
  const { transfer, content } = sent
  const shown = content.state === 'shown' ? content : undefined
  return html`<section class="card" data-transfer-record>
      <h2>${say(lang, 'Was gesendet wurde', 'What was sent')}</h2>
      <table class="inbox-facts">
        <tbody>
          ${row(say(lang, 'Empfangende Stelle', 'Recipient'), sent.recipient.name)}
          ${row(say(lang, 'Absendende Stelle', 'Sender'), sent.sender.name)}
          ${row(say(lang, 'Eingereiht', 'Queued'), showInstant(transfer.createdAt, lang))}
          ${shown ? row(say(lang, 'Person', 'Person'), personText(shown.person, lang)) : ''}
          ${row(say(lang, 'Zweck', 'Purpose'), purposeLabel(transfer.purpose, vocabulary, lang))}
          ${row(
            say(lang, 'Datenkategorien', 'Data categories'),
            transfer.categories.map((c) => categoryLabel(c, vocabulary, lang)).join(', '),
          )}
          ${row(
            say(lang, 'Einwilligung', 'Consent'),
            html`<a href="/staff/consents/${transfer.consentId}" data-consent-link
              >${say(lang, 'Einwilligung öffnen', 'Open the consent')}</a
            >`,
          )}
          ${
            shown && shown.necessity !== null
              ? row(
                  say(lang, 'Erforderlichkeit (§ 67a SGB X)', 'Necessity (§ 67a SGB X)'),
                  html`<span class="preserve-lines" data-necessity>${shown.necessity}</span>`,
                )
              : ''
          }
        </tbody>
      </table>
      ${
        shown
          ? html`<p class="notice"><strong>${sent.purposeBinding}</strong></p>
              <div class="actions">
                <a
                  class="button secondary"
                  href="/staff/transfers/${transfer.id}/copy.pdf"
                  data-pdf-copy
                  >${say(lang, 'Aktenvermerk (PDF)', 'Note for the case file (PDF)')}</a
                >
              </div>`
          : transfer.kind === 'transfer'
            ? html`<p class="muted" data-content-missing>
                ${contentUnavailable(content.state === 'unreadable' ? 'unreadable' : 'none', lang)}
              </p>`
            : ''
      }
    </section>
    ${
      shown
        ? caseSummarySectionsCard(
            shown,
            vocabulary,
            lang,
            (index) => `/staff/transfers/${transfer.id}/attachments/${index}`,
          )
        : ''
    }
    <section class="card" data-transfer-history>
      <h2>${say(lang, 'Verlauf', 'History')}</h2>
      <ol class="plain">
        ${sent.history.map(
          (step) =>
            html`<li>
              <time datetime="${step.at}">${showInstant(step.at, lang)}</time>:
              ${historyStepText(step, lang)}
            </li>`,
        )}
      </ol>
    </section>`
}
