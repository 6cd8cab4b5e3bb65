import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'

/** A waiting or failed transfer the admin may act on: metadata only, never content. */
export interface LeverTransferRow {
  id: string
  kind: string
  status: string
  senderAgencyId: string
  recipientAgencyId: string
  attempts: number
  lastError: string | null
  updatedAt: string
}

export interface PartnerPauseRow {
  agencyId: string
  pausedAt: string
  pausedBy: string
}

export interface RelayLeversViewInput {
  csrfToken: string
  transfers: readonly LeverTransferRow[]
  pauses: readonly PartnerPauseRow[]
  /** The agencies this admin may pause (all for the instance's admin, its own otherwise). */
  pausableAgencyIds: readonly string[]
}

const statusLabels: Record<string, string> = {
  queued: 'wartet',
  retrying: 'neuer Versuch geplant',
  failed: 'fehlgeschlagen',
}

function leverButton(
  csrfToken: string,
  action: string,
  label: string,
  target: string,
  fields: SafeHtml | '' = '',
): SafeHtml {
  return html`<form method="post" action="${action}">
    <input type="hidden" name="_csrf" value="${csrfToken}" />
    ${fields}
    <button type="submit" class="secondary">
      ${label}<span class="visually-hidden"> (${target})</span>
    </button>
  </form>`
}

function transferActions(input: RelayLeversViewInput, t: LeverTransferRow): SafeHtml {
  const retry =
    t.status === 'failed'
      ? leverButton(input.csrfToken, `/admin/transfers/${t.id}/retry`, 'Erneut senden', t.id)
      : ''
  // A revocation notice is owed to the partner: never offered for cancelling.
  const cancel =
    t.kind === 'transfer'
      ? leverButton(input.csrfToken, `/admin/transfers/${t.id}/cancel`, 'Abbrechen', t.id)
      : ''
  return html`${retry} ${cancel}`
}

function transfersTable(input: RelayLeversViewInput): SafeHtml {
  if (input.transfers.length === 0)
    return html`<p class="muted">Keine wartende oder fehlgeschlagene Übermittlung.</p>`
  return html`<div class="table-scroll">
    <table>
      <caption class="visually-hidden">
        Wartende und fehlgeschlagene Übermittlungen
      </caption>
      <thead>
        <tr>
          <th scope="col">Übermittlung</th>
          <th scope="col">Von → an</th>
          <th scope="col">Stand</th>
          <th scope="col">Versuche</th>
          <th scope="col">Letzter Fehler</th>
          <th scope="col">Aktionen</th>
        </tr>
      </thead>
      <tbody>
        ${input.transfers.map(
          (t) =>
            html`<tr>
              <td>
                <code>${t.id}</code>${
                  t.kind === 'revocation_notice'
                    ? html`<br /><small class="muted">Widerrufsmitteilung</small>`
                    : t.kind === 'receipt'
                      ? html`<br /><small class="muted"
                            >Empfangsbestätigung an die Partnerstelle</small
                          >`
                      : ''
                }
              </td>
              <td><code>${t.senderAgencyId}</code> → <code>${t.recipientAgencyId}</code></td>
              <td>
                ${statusLabels[t.status] ?? t.status}<br /><small class="muted"
                  >${formatBerlinTime(t.updatedAt)}</small
                >
              </td>
              <td>${t.attempts}</td>
              <td>${t.lastError ?? ''}</td>
              <td>${transferActions(input, t)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

function pausesBlock(input: RelayLeversViewInput): SafeHtml {
  const paused = new Set(input.pauses.map((p) => p.agencyId))
  const pausable = input.pausableAgencyIds.filter((id) => !paused.has(id))
  return html`<h3>Angehaltene Partnerbehörden</h3>
    ${
      input.pauses.length === 0
        ? html`<p class="muted">Die Zustellung läuft an alle Partnerbehörden.</p>`
        : html`<ul class="plain">
            ${input.pauses.map(
              (p) =>
                html`<li>
                  <code>${p.agencyId}</code> – angehalten seit ${formatBerlinTime(p.pausedAt)}
                  (${p.pausedBy})
                  ${
                    input.pausableAgencyIds.includes(p.agencyId)
                      ? leverButton(
                          input.csrfToken,
                          `/admin/partners/${p.agencyId}/resume`,
                          'Fortsetzen',
                          p.agencyId,
                        )
                      : ''
                  }
                </li>`,
            )}
          </ul>`
    }
    ${
      pausable.length === 0
        ? ''
        : html`<form method="post" action="/admin/partners/pause">
            <input type="hidden" name="_csrf" value="${input.csrfToken}" />
            <label for="pause-agency">Zustellung anhalten an</label>
            <select id="pause-agency" name="agencyId" required>
              ${pausable.map((id) => html`<option value="${id}">${id}</option>`)}
            </select>
            <button type="submit" class="secondary">Anhalten</button>
            <p class="muted">
              Übermittlungen an diese Behörde bleiben in der Warteschlange, bis die Zustellung
              fortgesetzt wird; dann gehen sie sofort hinaus.
            </p>
          </form>`
    }`
}

/** The operator's levers on the admin page (issue 19 point 5): retry, cancel, pause, resume. */
export function relayLeversSection(input: RelayLeversViewInput): SafeHtml {
  return html`<section class="card" aria-labelledby="levers-heading">
    <h2 id="levers-heading">Zustellung</h2>
    ${transfersTable(input)} ${pausesBlock(input)}
  </section>`
}
