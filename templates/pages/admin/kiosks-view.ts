import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'
import { adminNav } from './admin-nav.ts'

/** What a kiosk device is doing, in the words of the page (no consent, no person). */
export type KioskActivity =
  | { kind: 'locked' }
  | { kind: 'in_use'; step: 'read' | 'choose' | 'sign' | 'receipt'; majority: boolean; since: Date }
  | { kind: 'draft_waiting'; since: Date }
  | { kind: 'ready' }
  | { kind: 'signed_out' }

export interface KioskRowView {
  id: string
  displayName: string
  agencyName: string
  activity: KioskActivity
  lastUsedAt: Date | null
  mayLock: boolean
  locked: boolean
}

export interface KiosksViewInput {
  csrfToken: string
  kiosks: readonly KioskRowView[]
  notice?: string | undefined
  problem?: string | undefined
}

const stepLabels: Record<'read' | 'choose' | 'sign' | 'receipt', string> = {
  read: 'Text wird gelesen',
  choose: 'Auswahl wird getroffen',
  sign: 'Unterschrift',
  receipt: 'Quittung wird angezeigt',
}

function activity(a: KioskActivity): SafeHtml {
  switch (a.kind) {
    case 'locked':
      return html`<span class="status-bad">gesperrt</span>`
    case 'in_use':
      return html`<span class="status-pending">in Benutzung</span>:
        ${a.majority ? 'Bestätigung bei Volljährigkeit, ' : ''}${stepLabels[a.step]} (seit
        ${formatBerlinTime(a.since)})`
    case 'draft_waiting':
      return html`bereit, ein Entwurf wartet (seit ${formatBerlinTime(a.since)})`
    case 'ready':
      return html`<span class="status-ok">angemeldet, bereit</span>`
    case 'signed_out':
      return html`nicht angemeldet`
  }
}

function lever(input: KiosksViewInput, row: KioskRowView): SafeHtml | '–' {
  if (!row.mayLock) return '–'
  const action = row.locked ? 'unlock' : 'lock'
  const label = row.locked ? 'Entsperren' : 'Sperren'
  return html`<form method="post" action="/admin/kiosks/${row.id}/${action}">
    <input type="hidden" name="_csrf" value="${input.csrfToken}" />
    <button type="submit" class="secondary">
      ${label}<span class="visually-hidden"> (${row.id})</span>
    </button>
  </form>`
}

/** `/admin/kiosks`: each kiosk device's state and last use, with the lock-out lever. */
export function kiosksView(input: KiosksViewInput): SafeHtml {
  return html`<h1>Kiosk-Geräte</h1>
    ${adminNav('kiosks')}
    ${input.notice ? html`<p class="notice" role="status">${input.notice}</p>` : ''}
    ${input.problem ? html`<p class="error" role="alert">${input.problem}</p>` : ''}
    <section class="card" aria-labelledby="kiosks-heading">
      <h2 id="kiosks-heading">Geräte</h2>
      ${
        input.kiosks.length === 0
          ? html`<p>Es ist kein Kiosk-Gerät eingerichtet.</p>`
          : html`<div
              class="table-scroll"
              tabindex="0"
              role="region"
              aria-label="Tabelle: Kiosk-Geräte"
            >
              <table>
                <caption class="visually-hidden">
                  Kiosk-Geräte
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Kennung</th>
                    <th scope="col">Name</th>
                    <th scope="col">Behörde</th>
                    <th scope="col">Zustand</th>
                    <th scope="col">Zuletzt benutzt</th>
                    <th scope="col">Aussperren</th>
                  </tr>
                </thead>
                <tbody>
                  ${input.kiosks.map(
                    (row) =>
                      html`<tr>
                        <td><code>${row.id}</code></td>
                        <td>${row.displayName}</td>
                        <td>${row.agencyName}</td>
                        <td>${activity(row.activity)}</td>
                        <td>${row.lastUsedAt ? formatBerlinTime(row.lastUsedAt) : 'noch nie'}</td>
                        <td>${lever(input, row)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <p>
        Sperren sperrt das Gerät sofort aus: Es wird abgemeldet, alle seine API-Tokens werden
        widerrufen, eine laufende Unterschrift und ein wartender Entwurf werden vom Gerät entfernt
        (der Entwurf selbst bleibt erhalten). Entsperren erlaubt eine neue Anmeldung; frühere Tokens
        bleiben widerrufen. Für ein verlorenes Tablet zusätzlich ein neues Passwort setzen
        (Übersicht und Konten).
      </p>
    </section>`
}
