import { html, type SafeHtml } from '../html.ts'
import { languageSwitcher } from '../i18n/language-switcher.ts'
import { formatPersonDate, formatPersonTime } from '../i18n/person-dates.ts'
import {
  consentStatusLabel,
  consentTitle,
  eventLabel,
  listSeparator,
  transferStatusLabel,
} from '../i18n/person-labels.ts'
import { directionOf, fillHtml, htmlLangOf, stringsFor } from '../i18n/person-language.ts'
import { layout } from '../layout.ts'
import { receiptStringsFor } from '../receipt/receipt-strings.ts'

/**
 * The `/me` frame in the person's language (`lang`/`dir` on the page), with its own language
 * switch; `switchTo` is the page the switch reloads.
 */
export function selfServiceFrame(input: {
  title: string
  language: string
  switchTo: string
  body: SafeHtml
}): string {
  return layout({
    title: input.title,
    lang: htmlLangOf(input.language),
    dir: directionOf(input.language),
    styles: ['/assets/kiosk.css'],
    scripts: ['/assets/self-service.js'],
    bodyClass: 'self-service',
    skipLinkText: stringsFor(input.language).skipToContent,
    body: html`${languageSwitcher({ current: input.language, action: input.switchTo })}
    ${input.body}`,
  })
}

/** The sign-in form; `csrf` is the login form token (gateway/auth/login-csrf.ts), also in a cookie. */
export function selfServiceEntryView(input: {
  csrf: string
  language: string
  sessionMinutes: number
  error?: string
}): SafeHtml {
  const t = stringsFor(input.language)
  return html`<section class="card">
    <h1>${t.meTitle}</h1>
    <p>${t.meIntro}</p>
    ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
    <form method="post" action="/me">
      <input type="hidden" name="_login_csrf" value="${input.csrf}" />
      <label for="receipt-code">${t.meCodeLabel}</label>
      <input
        id="receipt-code"
        name="receiptCode"
        type="text"
        autocomplete="off"
        autocapitalize="characters"
        spellcheck="false"
        maxlength="20"
        required
        dir="ltr"
        class="big-input"
      />
      <label for="birth-date">${t.birthDate}</label>
      <input id="birth-date" name="birthDate" type="date" required class="big-input" />
      <p><button type="submit" class="big">${t.meShow}</button></p>
    </form>
    <p class="muted">${fillHtml(t.meSessionNote, { minutes: input.sessionMinutes })}</p>
  </section>`
}

export interface EvidenceView {
  seq: number
  /** The audit event type (a code; shown as plain words). */
  type: string
  verified: boolean | null
  pending: boolean
}

export interface TransferRow {
  createdAt: string
  from: string
  to: string
  purpose: string
  categories: string[]
  /** The transfer status (a code; shown as plain words). */
  status: string
  evidence: EvidenceView[]
}

export interface ConsentCard {
  id: string
  kind: string
  createdAt: string
  status: string
  validFrom: string
  validUntil: string
  /** Agency names and vocabulary labels, already in the page's language. */
  recipients: string[]
  categories: string[]
  purposes: string[]
  canRevoke: boolean
  majority: { state: 'awaiting' | 'confirmed' | 'lapsed'; confirmBy: string } | null
  transfers: TransferRow[]
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`

const list = (language: string, items: string[]) =>
  items.length > 0
    ? html`${items.map((item, i) => html`${i > 0 ? listSeparator(language) : ''}<bdi>${item}</bdi>`)}`
    : '–'

/** The title of a consent card, e.g. "Einwilligung (§ 67b SGB X) vom 2. März 2026". */
export function cardTitle(language: string, card: Pick<ConsentCard, 'kind' | 'createdAt'>): string {
  return consentTitle(language, card.kind, formatPersonTime(language, card.createdAt))
}

function evidenceView(language: string, e: EvidenceView): SafeHtml {
  const t = stringsFor(language)
  return html`<li>
    ${fillHtml(t.evidenceEntry, { seq: e.seq, event: eventLabel(language, e.type) })}:
    ${
      e.pending
        ? html`<span>${t.evidencePending}</span>`
        : e.verified
          ? html`<strong class="status-active">${t.evidenceVerified}</strong>`
          : html`<strong class="status-revoked">${t.evidenceInvalid}</strong>`
    }
    ${e.pending ? '' : html`<a href="/me/proof/${e.seq}" class="proof-link">${t.evidenceDownload}</a>`}
  </li>`
}

/** Transfers as a list of small cards: a table of seven columns does not fit a phone. */
function transfersView(language: string, rows: TransferRow[]): SafeHtml {
  const t = stringsFor(language)
  if (rows.length === 0) return html`<p>${t.noTransfers}</p>`
  return html`<h3>${t.transfers}</h3>
    <ul class="transfer-list">
      ${rows.map(
        (r) =>
          html`<li class="transfer">
            <dl class="receipt-facts">
              <dt>${t.transferWhen}</dt>
              <dd><bdi>${formatPersonTime(language, r.createdAt)}</bdi></dd>
              <dt>${t.transferFrom}</dt>
              <dd><bdi>${r.from}</bdi></dd>
              <dt>${t.transferTo}</dt>
              <dd><bdi>${r.to}</bdi></dd>
              <dt>${t.purposes}</dt>
              <dd>${r.purpose}</dd>
              <dt>${t.categories}</dt>
              <dd>${list(language, r.categories)}</dd>
              <dt>${t.status}</dt>
              <dd class="transfer-status status-${r.status === 'delivered' ? 'active' : 'other'}">
                ${transferStatusLabel(language, r.status)}
              </dd>
              <dt>${t.evidence}</dt>
              <dd>
                <ul class="evidence">
                  ${r.evidence.map((e) => evidenceView(language, e))}
                </ul>
              </dd>
            </dl>
          </li>`,
      )}
    </ul>`
}

function majorityView(language: string, card: ConsentCard): SafeHtml {
  const t = stringsFor(language)
  const m = card.majority
  if (!m) return html``
  if (m.state === 'confirmed') return html`<p>${t.majorityConfirmed}</p>`
  if (m.state === 'lapsed') return html`<p class="error">${t.majorityLapsed}</p>`
  return html`<div class="card majority" role="note">
    <h3>${t.majorityHeading}</h3>
    <p>
      ${fillHtml(t.majorityAwaiting, {
        date: html`<strong><bdi>${formatPersonDate(language, m.confirmBy)}</bdi></strong>`,
      })}
    </p>
    <p>${t.majorityHow}</p>
  </div>`
}

export function selfServiceOverviewView(input: {
  csrf: string
  language: string
  cards: ConsentCard[]
  notice?: string
  error?: string
}): SafeHtml {
  const language = input.language
  const t = stringsFor(language)
  return html`<section class="card">
      <h1>${t.meTitle}</h1>
      ${input.notice ? html`<p role="status">${input.notice}</p>` : ''}
      ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
      <form method="post" action="/me/logout" class="no-print">
        ${csrfField(input.csrf)}
        <button type="submit" class="secondary">${t.signOut}</button>
      </form>
    </section>
    ${input.cards.map(
      (card) =>
        html`<section class="card consent-card" aria-labelledby="h-${card.id}">
          <h2 id="h-${card.id}">${cardTitle(language, card)}</h2>
          <p>
            ${t.status}:
            <strong class="status-${card.status}"
              >${consentStatusLabel(language, card.status)}</strong
            >
          </p>
          <dl class="receipt-facts">
            <dt>${t.validity}</dt>
            <dd>
              ${fillHtml(t.validityRange, {
                from: formatPersonDate(language, card.validFrom),
                until: formatPersonDate(language, card.validUntil),
              })}
            </dd>
            <dt>${t.purposes}</dt>
            <dd>${list(language, card.purposes)}</dd>
            <dt>${t.recipients}</dt>
            <dd>${list(language, card.recipients)}</dd>
            <dt>${t.categories}</dt>
            <dd>${list(language, card.categories)}</dd>
          </dl>
          <p class="no-print">
            <a href="/me/receipt/${card.id}">${receiptStringsFor(language).meDownload}</a>
          </p>
          ${majorityView(language, card)} ${transfersView(language, card.transfers)}
          ${
            card.canRevoke
              ? html`<form method="post" action="/me/revoke" class="no-print">
                  ${csrfField(input.csrf)}
                  <input type="hidden" name="consentId" value="${card.id}" />
                  <button type="submit" class="big decline">${t.revoke}</button>
                </form>`
              : ''
          }
        </section>`,
    )}
    <section class="card export no-print" aria-labelledby="export-heading">
      <h2 id="export-heading">${t.exportHeading}</h2>
      <p>${t.exportIntro}</p>
      <div class="decision-row">
        <a class="button big secondary" href="/me/export.pdf">${t.exportPdf}</a>
        <a class="button big secondary" href="/me/export.json">${t.exportJson}</a>
      </div>
    </section>`
}

export function selfServiceConfirmRevokeView(input: {
  csrf: string
  language: string
  consentId: string
  title: string
}): SafeHtml {
  const t = stringsFor(input.language)
  return html`<section class="card">
    <h1>${t.confirmRevokeHeading}</h1>
    <p>${fillHtml(t.confirmRevokeText, { title: input.title })}</p>
    <div class="decision-row">
      <form method="post" action="/me/revoke" class="inline-form">
        ${csrfField(input.csrf)}
        <input type="hidden" name="consentId" value="${input.consentId}" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="big decline">${t.confirmRevokeYes}</button>
      </form>
      <a class="button big secondary" href="/me/consents">${t.confirmRevokeNo}</a>
    </div>
  </section>`
}
