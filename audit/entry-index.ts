import type { AuditEvent } from './audit-event.ts'

/** The searchable facts of an event, stored in indexed columns beside the hashed bytes. */
export interface EntryIndex {
  agencyIds: string[]
  subjectPseudonym: string | null
  consentId: string | null
  transferId: string | null
  decision: string | null
}

const agencyListFields = new Set(['agencyIds', 'senders', 'recipients'])

/**
 * Derives the search facts by field-name convention, so every area's events are searchable
 * without the audit area knowing them: `agencyId` and any `…AgencyId` (string), and `senders`,
 * `recipients`, `agencyIds` or any `…AgencyIds` (string arrays) name agencies; `subjectPseudonym`, `consentId`, `transferId` and `decision` are
 * taken as they are.
 */
export function indexEntry(event: AuditEvent): EntryIndex {
  const fields = event as Record<string, unknown>
  const agencies = new Set<string>()
  for (const [name, value] of Object.entries(fields)) {
    if ((name === 'agencyId' || name.endsWith('AgencyId')) && typeof value === 'string')
      agencies.add(value)
    if (agencyListFields.has(name) || name.endsWith('AgencyIds')) {
      if (Array.isArray(value))
        for (const item of value) if (typeof item === 'string') agencies.add(item)
    }
  }
  const text = (name: string): string | null =>
    typeof fields[name] === 'string' ? fields[name] : null
  return {
    agencyIds: [...agencies].sort(),
    subjectPseudonym: text('subjectPseudonym'),
    consentId: text('consentId'),
    transferId: text('transferId'),
    decision: text('decision'),
  }
}

/** `|a|b|`: a LIKE on `%|a|%` finds agency a and nothing that merely starts with it. */
export function agencyIdsColumn(agencyIds: readonly string[]): string {
  return agencyIds.length === 0 ? '|' : `|${agencyIds.join('|')}|`
}
