import type { AuditRecord } from '../../../audit/audit-event.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime } from '../view-models/format-berlin-time.ts'
import { eventTypeLabel } from './event-labels.ts'

/** The outcome of checking an entry's inclusion proof (gateway/dpo/entry-proof.ts). */
export type EntryProofView =
  | {
      state: 'proven'
      treeSize: number
      checkpointAt: string
      pathLength: number
      rootHash: string
    }
  | { state: 'pending'; treeSize: number | null }
  | { state: 'failed'; reason: string }

function valueOf(value: unknown): SafeHtml {
  if (typeof value === 'string') return html`<code>${value}</code>`
  if (typeof value === 'number' || typeof value === 'boolean') return html`${String(value)}`
  return html`<code>${JSON.stringify(value)}</code>`
}

function proofPanel(seq: number, proof: EntryProofView): SafeHtml {
  switch (proof.state) {
    case 'proven':
      return html`<p class="status-ok" data-testid="proof-status">
          Bewiesen bis Checkpoint ${proof.treeSize}
        </p>
        <p>
          Der Einschlussnachweis (RFC 9162) führt mit ${proof.pathLength} Hashes vom Eintrag zur
          Wurzel <code>${proof.rootHash}</code> des Checkpoints vom
          ${formatBerlinTime(proof.checkpointAt)}; dessen Ed25519-Signatur mit dem Audit-Schlüssel
          dieses Gateways wurde eben geprüft.
        </p>
        <p>
          <a href="/api/v1/audit/proof/${seq}" download="audit-proof-${seq}.json"
            >Nachweis als JSON herunterladen</a
          >
          <span class="muted"
            >— prüfbar ohne Datenbank mit <code>brucke audit check-proof</code>.</span
          >
        </p>`
    case 'pending':
      return html`<p class="status-pending" data-testid="proof-status">
        Noch in keinem signierten
        Checkpoint${
          proof.treeSize !== null ? html` (der letzte umfasst ${proof.treeSize} Einträge)` : ''
        }.
        Der nächste Checkpoint wird automatisch geschrieben; danach ist der Nachweis hier abrufbar.
      </p>`
    case 'failed':
      return html`<p class="status-bad" data-testid="proof-status" role="alert">
        Der Einschlussnachweis ist NICHT gültig: ${proof.reason}. Bitte prüfen Sie das gesamte
        Protokoll.
      </p>`
  }
}

/** One audit entry in full, with its chain hashes and its checked inclusion proof. */
export function dpoEntryView(entry: AuditRecord, proof: EntryProofView): SafeHtml {
  const { type, ...fields } = entry.event as Record<string, unknown> & { type: string }
  const subject = typeof fields.subjectPseudonym === 'string' ? fields.subjectPseudonym : undefined
  return html`<section class="card" aria-labelledby="entry-heading">
      <p><a href="/dpo">← Zurück zum Protokoll</a></p>
      <h1 id="entry-heading">Eintrag ${entry.seq}: ${eventTypeLabel(type)}</h1>
      <dl class="record">
        <dt>Nummer</dt>
        <dd>${entry.seq}</dd>
        <dt>Zeit</dt>
        <dd>
          <time datetime="${entry.at}">${formatBerlinTime(entry.at)}</time>
          <span class="muted">(${entry.at} UTC)</span>
        </dd>
        <dt>Ereignis</dt>
        <dd><code>${type}</code></dd>
        <dt>Handelnd</dt>
        <dd><code>${entry.actor}</code></dd>
        ${Object.entries(fields).map(
          ([name, value]) =>
            html`<dt>${name}</dt>
              <dd>${valueOf(value)}</dd>`,
        )}
        <dt>Vorheriger Hash</dt>
        <dd><code class="hash">${entry.prevHash}</code></dd>
        <dt>Eintrags-Hash</dt>
        <dd><code class="hash">${entry.entryHash}</code></dd>
        ${
          entry.erased
            ? html`<dt>Aufbewahrung</dt>
                <dd>
                  Personenbezogene Werte wurden nach Ablauf der Frist gelöscht; die Hashes bleiben
                  prüfbar.
                </dd>`
            : ''
        }
      </dl>
      ${
        subject
          ? html`<p class="actions">
              <a class="button secondary" href="/dpo?subject=${subject}"
                >Alle Einträge zu diesem Pseudonym</a
              >
              <a class="button secondary" href="/dpo/reidentify?subject=${subject}"
                >Person re-identifizieren …</a
              >
            </p>`
          : ''
      }
    </section>
    <section class="card" aria-labelledby="proof-heading">
      <h2 id="proof-heading">Nachweis der Unverändertheit</h2>
      ${proofPanel(entry.seq, proof)}
    </section>`
}
