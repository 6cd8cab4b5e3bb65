import type { AuditRecord } from '../../../audit/audit-event.ts'
import type { CheckpointCheck } from '../../../audit/checkpoint.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'

/** The state of the audit log shown at the top of every DPO page (gateway/dpo/chain-status.ts). */
export interface ChainStatus {
  /** Entries in the log (the head's sequence number). */
  entries: number
  latestCheckpoint:
    { treeSize: number; rootHash: string; at: string; signature: CheckpointCheck } | undefined
  /** The newest `audit_verified` entry: the last full recomputation, by whom and its outcome. */
  lastVerification: AuditRecord | undefined
}

export type DpoSection = 'log' | 'reports' | 'reidentify'

const sections: { id: DpoSection; href: string; label: string }[] = [
  { id: 'log', href: '/dpo', label: 'Protokoll' },
  { id: 'reports', href: '/dpo/reports', label: 'Berichte' },
  { id: 'reidentify', href: '/dpo/reidentify', label: 'Re-Identifizierung' },
]

function shortHash(hex: string): string {
  return `${hex.slice(0, 16)}…`
}

function verificationLine(status: ChainStatus): SafeHtml {
  const entry = status.lastVerification
  if (!entry || entry.event.type !== 'audit_verified')
    return html`<span class="muted">Noch nie vollständig geprüft.</span>`
  const event = entry.event
  const when = formatBerlinTime(entry.at)
  return event.outcome === 'intact'
    ? html`<span class="status-ok">intakt</span> bis Eintrag ${event.treeSize} (geprüft ${when},
        ${entry.actor})`
    : html`<span class="status-bad">beschädigt</span> ab Eintrag ${event.firstBadSeq ?? '?'}
        (${event.reason ?? 'unbekannt'}; geprüft ${when}, ${entry.actor})`
}

/** Chain status and latest checkpoint, shown at the top of every DPO page (docs/design.md §3.5). */
export function chainStatusPanel(status: ChainStatus, csrfToken: string): SafeHtml {
  const checkpoint = status.latestCheckpoint
  return html`<section class="card chain-status" aria-labelledby="chain-status-heading">
    <h2 id="chain-status-heading">Zustand des Protokolls</h2>
    <dl class="facts">
      <div>
        <dt>Einträge</dt>
        <dd data-testid="entry-count">${status.entries}</dd>
      </div>
      <div>
        <dt>Letzter Checkpoint</dt>
        <dd data-testid="latest-checkpoint">
          ${
            checkpoint
              ? html`Checkpoint ${checkpoint.treeSize} · ${formatBerlinTime(checkpoint.at)} ·
                  Signatur
                  ${
                    checkpoint.signature.ok
                      ? html`<span class="status-ok">gültig</span>`
                      : html`<span class="status-bad"
                          >ungültig (${checkpoint.signature.reason})</span
                        >`
                  } <br /><span class="muted"
                    >Wurzel <code>${shortHash(checkpoint.rootHash)}</code></span
                  >`
              : html`<span class="muted">Noch kein Checkpoint signiert.</span>`
          }
        </dd>
      </div>
      <div>
        <dt>Vollständige Prüfung</dt>
        <dd data-testid="last-verification">${verificationLine(status)}</dd>
      </div>
    </dl>
    <form method="post" action="/dpo/verify" class="inline-form">
      <input type="hidden" name="_csrf" value="${csrfToken}" />
      <button type="submit" class="secondary">Jetzt vollständig prüfen</button>
      <span class="muted"
        >Berechnet Hash-Kette, Merkle-Baum und alle Checkpoint-Signaturen neu; die Prüfung wird
        selbst protokolliert.</span
      >
    </form>
  </section>`
}

/** The navigation and status panel around each DPO page's own content. */
export function dpoFrame(input: {
  active: DpoSection
  status: ChainStatus
  csrfToken: string
  scopeLabel: string
  body: SafeHtml
}): SafeHtml {
  return html`<nav class="dpo-nav" aria-label="Datenschutz">
      <ul>
        ${sections.map(
          (s) =>
            html`<li>
              <a href="${s.href}" ${s.id === input.active ? html`aria-current="page"` : ''}
                >${s.label}</a
              >
            </li>`,
        )}
      </ul>
      <p class="muted">Sichtbereich: ${input.scopeLabel}</p>
    </nav>
    ${chainStatusPanel(input.status, input.csrfToken)} ${input.body}`
}
