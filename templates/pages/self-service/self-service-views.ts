import { html, type SafeHtml } from '../html.ts'
import { layout } from '../layout.ts'
import { receiptStringsFor } from '../receipt/receipt-strings.ts'

export function selfServiceFrame(input: { title: string; body: SafeHtml }): string {
  return layout({
    title: input.title,
    styles: ['/assets/kiosk.css'],
    scripts: ['/assets/self-service.js'],
    bodyClass: 'self-service',
    body: input.body,
  })
}

/** The sign-in form; `csrf` is the login form token (gateway/auth/login-csrf.ts), also in a cookie. */
export function selfServiceEntryView(input: { csrf: string; error?: string }): SafeHtml {
  return html`<section class="card">
    <h1>Meine Einwilligungen</h1>
    <p>
      Hier sehen Sie, welche Einwilligungen Sie gegeben haben, wer welche Daten über Sie bekommen
      hat, und Sie können jede Einwilligung mit einem Klick widerrufen.
    </p>
    ${input.error ? html`<p class="error" role="alert">${input.error}</p>` : ''}
    <form method="post" action="/me">
      <input type="hidden" name="_login_csrf" value="${input.csrf}" />
      <label for="receipt-code">Belegcode (steht auf Ihrem Beleg)</label>
      <input
        id="receipt-code"
        name="receiptCode"
        type="text"
        autocomplete="off"
        autocapitalize="characters"
        spellcheck="false"
        maxlength="20"
        required
        class="big-input"
      />
      <label for="birth-date">Geburtsdatum</label>
      <input id="birth-date" name="birthDate" type="date" required class="big-input" />
      <p><button type="submit" class="big">Anzeigen</button></p>
    </form>
    <p class="muted">Aus Sicherheitsgründen endet die Sitzung nach 10 Minuten.</p>
  </section>`
}

export interface EvidenceView {
  seq: number
  type: string
  proofJson: string | null
  verified: boolean | null
  pending: boolean
}

export interface TransferRow {
  when: string
  from: string
  to: string
  purpose: string
  categories: string[]
  status: string
  delivered: boolean
  evidence: EvidenceView[]
}

export interface ConsentCard {
  id: string
  title: string
  status: string
  statusLabel: string
  validity: string
  recipients: string[]
  categories: string[]
  purposes: string[]
  canRevoke: boolean
  majority: { state: 'awaiting' | 'confirmed' | 'lapsed'; confirmBy: string } | null
  transfers: TransferRow[]
}

const csrfField = (csrf: string) => html`<input type="hidden" name="_csrf" value="${csrf}" />`

function evidenceView(e: EvidenceView): SafeHtml {
  return html`<li>
    Protokolleintrag Nr. ${e.seq} (${e.type}):
    ${
      e.pending
        ? html`<span>Nachweis folgt nach dem nächsten Prüfpunkt.</span>`
        : e.verified
          ? html`<strong class="status-active">Nachweis geprüft</strong>`
          : html`<strong class="status-revoked">Nachweis ungültig</strong>`
    }
    ${
      e.proofJson
        ? html`<details>
            <summary>Nachweis anzeigen (JSON)</summary>
            <pre>${e.proofJson}</pre>
            <a href="/me/proof/${e.seq}">Herunterladen</a>
          </details>`
        : ''
    }
  </li>`
}

function transfersView(rows: TransferRow[]): SafeHtml {
  if (rows.length === 0)
    return html`<p>Bisher wurde unter dieser Einwilligung nichts übermittelt.</p>`
  return html`<table class="transfers">
    <caption>
      Übermittlungen
    </caption>
    <thead>
      <tr>
        <th scope="col">Wann</th>
        <th scope="col">Von</th>
        <th scope="col">An</th>
        <th scope="col">Zweck</th>
        <th scope="col">Daten</th>
        <th scope="col">Zugestellt</th>
        <th scope="col">Nachweis</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <td>${r.when}</td>
            <td>${r.from}</td>
            <td>${r.to}</td>
            <td>${r.purpose}</td>
            <td>${r.categories.join(', ')}</td>
            <td>${r.delivered ? 'ja' : `nein (${r.status})`}</td>
            <td>
              <ul>
                ${r.evidence.map(evidenceView)}
              </ul>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`
}

function majorityView(card: ConsentCard): SafeHtml {
  const m = card.majority
  if (!m) return html``
  if (m.state === 'confirmed')
    return html`<p>Sie haben diese Einwilligung nach Ihrem 18. Geburtstag selbst bestätigt.</p>`
  if (m.state === 'lapsed')
    return html`<p class="error">
      Diese Einwilligung hatte Ihre erziehungsberechtigte Person mit unterschrieben. Sie haben sie
      nach Ihrem 18. Geburtstag nicht bestätigt; deshalb gilt sie nicht mehr.
    </p>`
  return html`<div class="card majority" role="note">
    <h3>Sie sind jetzt volljährig</h3>
    <p>
      Diese Einwilligung hat Ihre erziehungsberechtigte Person mit unterschrieben. Jetzt entscheiden
      Sie allein: Wenn Sie sie bis zum <strong>${m.confirmBy}</strong> nicht bestätigen, erlischt
      sie.
    </p>
    <p>
      Bestätigen können nur Sie selbst: am Tablet in Ihrer Stelle oder persönlich bei Ihrer
      Fachkraft. Ein Code allein reicht dafür nicht, denn jemand anderes könnte ihn kennen.
    </p>
  </div>`
}

export function selfServiceOverviewView(input: {
  csrf: string
  cards: ConsentCard[]
  notice?: string
}): SafeHtml {
  return html`<section class="card">
      <h1>Meine Einwilligungen</h1>
      ${input.notice ? html`<p role="status">${input.notice}</p>` : ''}
      <form method="post" action="/me/logout" class="no-print">
        ${csrfField(input.csrf)}
        <button type="submit" class="secondary">Abmelden</button>
      </form>
    </section>
    ${input.cards.map(
      (card) =>
        html`<section class="card consent-card" aria-labelledby="h-${card.id}">
          <h2 id="h-${card.id}">${card.title}</h2>
          <p>Status: <strong class="status-${card.status}">${card.statusLabel}</strong></p>
          <dl class="receipt-facts">
            <dt>Gültig</dt>
            <dd>${card.validity}</dd>
            <dt>Zweck</dt>
            <dd>${card.purposes.join(', ')}</dd>
            <dt>Empfänger</dt>
            <dd>${card.recipients.join(', ')}</dd>
            <dt>Daten</dt>
            <dd>${card.categories.join(', ')}</dd>
          </dl>
          <p class="no-print">
            <a href="/me/receipt/${card.id}">${receiptStringsFor('de').meDownload}</a>
          </p>
          ${majorityView(card)} ${transfersView(card.transfers)}
          ${
            card.canRevoke
              ? html`<form method="post" action="/me/revoke" class="no-print">
                  ${csrfField(input.csrf)}
                  <input type="hidden" name="consentId" value="${card.id}" />
                  <button type="submit" class="big decline">Widerrufen</button>
                </form>`
              : ''
          }
        </section>`,
    )}`
}

export function selfServiceConfirmRevokeView(input: {
  csrf: string
  consentId: string
  title: string
}): SafeHtml {
  return html`<section class="card">
    <h1>Wirklich widerrufen?</h1>
    <p>
      ${input.title}: Ab sofort wird nichts mehr übermittelt, auch nichts, was schon vorbereitet
      war. Was vorher übermittelt wurde, bleibt davon unberührt.
    </p>
    <div class="decision-row">
      <form method="post" action="/me/revoke" class="inline-form">
        ${csrfField(input.csrf)}
        <input type="hidden" name="consentId" value="${input.consentId}" />
        <input type="hidden" name="confirm" value="yes" />
        <button type="submit" class="big decline">Ja, widerrufen</button>
      </form>
      <a class="button big secondary" href="/me/consents">Nein, zurück</a>
    </div>
  </section>`
}
