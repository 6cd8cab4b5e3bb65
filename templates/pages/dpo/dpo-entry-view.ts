import type { AuditRecord } from '../../../audit/audit-event.ts'
import { html, type SafeHtml } from '../html.ts'
import { formatBerlinTime, formatCalendarDate } from '../view-models/format-berlin-time.ts'
import { actorLabel, auditFieldLabel, codeValueLabel } from '../code-labels.ts'
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

/** Agencies by id, to name them where an entry holds an agency's id. */
type AgencyNames = ReadonlyMap<string, string>

/** A value in words where it is a code (the code beside it, marked), else as stored. */
function oneValue(name: string, value: string, agencies: AgencyNames): SafeHtml {
  // Dates and instants in the one format (Berlin time); the stored value beside it.
  const label = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? formatCalendarDate(value)
    : /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(value)
      ? formatBerlinTime(value)
      : (agencies.get(value) ?? codeValueLabel(name, value))
  return label
    ? html`${label} <code class="muted" data-code>${value}</code>`
    : html`<code>${value}</code>`
}

function valueOf(name: string, value: unknown, agencies: AgencyNames): SafeHtml {
  if (typeof value === 'string') return oneValue(name, value, agencies)
  if (typeof value === 'boolean') return html`${value ? 'ja' : 'nein'}`
  if (typeof value === 'number') return html`${String(value)}`
  if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
    return value.length === 0
      ? html`<span class="muted">keine</span>`
      : html`<ul class="plain">
          ${value.map((v) => html`<li>${oneValue(name, v, agencies)}</li>`)}
        </ul>`
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
export function dpoEntryView(
  entry: AuditRecord,
  proof: EntryProofView,
  agencies: readonly { id: string; name: string }[],
): SafeHtml {
  const names: AgencyNames = new Map(agencies.map((a) => [a.id, a.name]))
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
          <code class="muted" data-code>${entry.at}</code>
        </dd>
        <dt>Ereignis</dt>
        <dd>${eventTypeLabel(type)} <code class="muted" data-code>${type}</code></dd>
        <dt>Handelnd</dt>
        <dd>${actorLabel(entry.actor).role} <code>${actorLabel(entry.actor).id}</code></dd>
        ${Object.entries(fields).map(
          ([name, value]) =>
            html`<dt>${auditFieldLabel(name)}</dt>
              <dd>${valueOf(name, value, names)}</dd>`,
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
