import type { Actor, AuditRecord } from '../../audit/audit-event.ts'
import {
  appendAuditEvent,
  countAuditEntries,
  readAuditHead,
  streamAuditEntries,
  type AuditFilter,
} from '../../db/audit-repository.ts'
import type { Deps } from '../deps.ts'

export type ExportFormat = 'csv' | 'json'

export interface ExportInput {
  filter: AuditFilter
  format: ExportFormat
  actor: Actor
  /** Called with each chunk; a returned promise is awaited (back-pressure). */
  write(chunk: string): Promise<void> | void
  /** Called every `progressEvery` entries and at the end with the count written. */
  onProgress?(written: number, total: number): void
  progressEvery?: number
  pageSize?: number
}

export const csvColumns = [
  'seq',
  'at',
  'type',
  'actor',
  'agencies',
  'subject_pseudonym',
  'consent_id',
  'transfer_id',
  'decision',
  'erased',
  'entry_hash',
  'event',
] as const

/**
 * One RFC 4180 field. A cell that a spreadsheet would run as a formula (= + - @ tab CR) gets a
 * leading apostrophe (OWASP "CSV injection"), since DPOs open exports in office software.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
}

function agenciesOf(record: AuditRecord): string[] {
  const event = record.event as Record<string, unknown>
  const found = new Set<string>()
  for (const [name, value] of Object.entries(event)) {
    if ((name === 'agencyId' || name.endsWith('AgencyId')) && typeof value === 'string')
      found.add(value)
  }
  return [...found]
}

function csvRow(record: AuditRecord): string {
  const event = record.event as Record<string, unknown>
  const text = (name: string) => (typeof event[name] === 'string' ? event[name] : '')
  return (
    [
      String(record.seq),
      record.at,
      record.event.type,
      record.actor,
      agenciesOf(record).join(' '),
      text('subjectPseudonym'),
      text('consentId'),
      text('transferId'),
      text('decision'),
      record.erased ? 'yes' : 'no',
      record.entryHash,
      JSON.stringify(record.event),
    ]
      .map(csvField)
      .join(',') + '\r\n'
  )
}

function jsonRow(record: AuditRecord): string {
  return JSON.stringify({
    seq: record.seq,
    at: record.at,
    actor: record.actor,
    event: record.event,
    erased: record.erased,
    entryHash: record.entryHash,
  })
}

/**
 * Streams every entry matching `filter` as CSV or JSON, page by page, so a log of 10^6 entries
 * exports in constant memory (docs/design.md §3.5). The export is audited (`audit_exported`) before the
 * first byte goes out, so no export leaves unrecorded; it covers the entries up to that moment.
 */
export async function exportAuditLog(deps: Deps, input: ExportInput): Promise<number> {
  const head = await readAuditHead(deps.db)
  const filter: AuditFilter = { ...input.filter, untilSeq: head.lastSeq }
  const total = await countAuditEntries(deps.db, filter)
  await appendAuditEvent(deps.db, {
    at: deps.clock.now(),
    actor: input.actor,
    event: {
      type: 'audit_exported',
      format: input.format,
      entries: total,
      ...(input.filter.agencyId ? { agencyId: input.filter.agencyId } : {}),
      filter: {
        ...(input.filter.from ? { from: input.filter.from.toISOString() } : {}),
        ...(input.filter.to ? { to: input.filter.to.toISOString() } : {}),
        ...(input.filter.agencyId ? { agencyId: input.filter.agencyId } : {}),
        ...(input.filter.actor ? { actor: input.filter.actor } : {}),
        ...(input.filter.consentId ? { consentId: input.filter.consentId } : {}),
        ...(input.filter.transferId ? { transferId: input.filter.transferId } : {}),
        ...(input.filter.types?.length ? { types: [...input.filter.types] } : {}),
        ...(input.filter.decision ? { decision: input.filter.decision } : {}),
        ...(input.filter.subjectPseudonym ? { bySubject: true } : {}),
      },
      ...(input.filter.subjectPseudonym ? { subjectPseudonym: input.filter.subjectPseudonym } : {}),
    },
  })
  const every = input.progressEvery ?? 10_000
  let written = 0
  if (input.format === 'csv') await input.write(csvColumns.join(',') + '\r\n')
  else await input.write('[')
  for await (const record of streamAuditEntries(deps.db, filter, input.pageSize)) {
    if (input.format === 'csv') await input.write(csvRow(record))
    else await input.write((written === 0 ? '\n' : ',\n') + jsonRow(record))
    written++
    if (written % every === 0) input.onProgress?.(written, total)
  }
  if (input.format === 'json') await input.write(written === 0 ? ']\n' : '\n]\n')
  input.onProgress?.(written, total)
  return written
}
