import type { AuditEvent } from './audit-event.ts'

/** The searchable facts of an event, stored in indexed columns beside the hashed bytes. */
export interface EntryIndex {
  agencyIds: string[]
  subjectPseudonym: string | null
  consentId: string | null
  transferId: string | null
  decision: string | null
}

/**
 * Which event fields name agencies, by name: `agencyId` and any `…AgencyId` hold one (a string);
 * `agencyIds`, `senders`, `recipients` and any `…AgencyIds` a list (of strings). The one rule for
 * the appender's index ({@link agencyFieldKind}) and verification's check of it, which applies it
 * to a name inside the hashed text ({@link agencyFieldKindAt}).
 */
export const agencyFieldRule = {
  single: { names: ['agencyId'], suffix: 'AgencyId' },
  list: { names: ['agencyIds', 'senders', 'recipients'], suffix: 'AgencyIds' },
} as const

export type AgencyFieldKind = keyof typeof agencyFieldRule

export function agencyFieldKind(name: string): AgencyFieldKind | null {
  return agencyFieldKindAt(name, 0, name.length)
}

/** {@link agencyFieldKind} of the name `text[start, end)`, without cutting it out. */
export function agencyFieldKindAt(
  text: string,
  start: number,
  end: number,
): AgencyFieldKind | null {
  // Looked up for every field of every entry verified: most names end in neither letter.
  const last = text.charCodeAt(end - 1)
  const kind = last === 0x64 /* d */ ? 'single' : last === 0x73 /* s */ ? 'list' : null
  if (kind === null) return null
  const { names, suffix } = agencyFieldRule[kind]
  if (
    end - start >= suffix.length &&
    regionEquals(text, end - suffix.length, suffix, 0, suffix.length)
  )
    return kind
  for (const name of names)
    if (end - start === name.length && regionEquals(text, start, name, 0, name.length)) return kind
  return null
}

/** Whether `a[aStart, aStart + length)` equals `b[bStart, bStart + length)`. */
export function regionEquals(
  a: string,
  aStart: number,
  b: string,
  bStart: number,
  length: number,
): boolean {
  for (let i = 0; i < length; i++)
    if (a.charCodeAt(aStart + i) !== b.charCodeAt(bStart + i)) return false
  return true
}

/**
 * Derives the search facts by field-name convention ({@link agencyFieldKind}), so every area's
 * events are searchable without the audit area knowing them; `subjectPseudonym`, `consentId`,
 * `transferId` and `decision` are taken as they are.
 */
export function indexEntry(event: AuditEvent): EntryIndex {
  const fields = event as Record<string, unknown>
  const agencies = new Set<string>()
  for (const [name, value] of Object.entries(fields)) {
    const kind = agencyFieldKind(name)
    if (kind === 'single' && typeof value === 'string') agencies.add(value)
    if (kind === 'list' && Array.isArray(value))
      for (const item of value) if (typeof item === 'string') agencies.add(item)
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
