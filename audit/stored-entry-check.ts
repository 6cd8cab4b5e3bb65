import { agencyFieldKindAt, agencyIdsColumn, indexEntry, regionEquals } from './entry-index.ts'
import { committedValue, joinPersonalData, maskedYouthActor } from './personal-data.ts'
import type { Actor, AuditEvent } from './audit-event.ts'
import type { StoredEntry } from './verify.ts'

/**
 * The search columns stored beside the hashed bytes (docs/design.md §3.5): what DPO searches,
 * reports and exports filter on. None of them is hashed; each is a copy of what the hashed entry
 * (and its committed personal values) says, so verification recomputes and compares them.
 */
export interface StoredIndex {
  at: string
  type: string
  actor: string
  /** As stored: `|a|b|` ({@link agencyIdsColumn}). */
  agencyIds: string
  subjectPseudonym: string | null
  consentId: string | null
  transferId: string | null
  decision: string | null
  /** When the retention purge erased the personal values; null while they are present. */
  erasedAt: string | null
}

/** Every stored part of an audit row. */
export interface StoredRow extends StoredEntry, StoredIndex {}

/** A part of a stored row, named as the domain names it (the repository maps it to a column). */
export type StoredField = keyof StoredRow

/** The index the appender writes for an entry, after the retention purge where it ran. */
type ExpectedIndex = Omit<StoredIndex, 'erasedAt'> & { seq: number }

/** The search columns the appender writes for a new entry (none erased yet). */
export function storedIndexOf(input: { at: Date; actor: Actor; event: AuditEvent }): StoredIndex {
  const index = indexEntry(input.event)
  return {
    at: input.at.toISOString(),
    type: input.event.type,
    actor: input.actor,
    agencyIds: agencyIdsColumn(index.agencyIds),
    subjectPseudonym: index.subjectPseudonym,
    consentId: index.consentId,
    transferId: index.transferId,
    decision: index.decision,
    erasedAt: null,
  }
}

const noMismatch: readonly StoredField[] = Object.freeze([])

/**
 * The fields of a row that do not match its hashed entry, in column order; empty when all do.
 * The scan proves the common row without building anything; any other row is decided by the
 * reference, which parses.
 */
export function findIndexMismatches(row: StoredRow): readonly StoredField[] {
  return scanIndexMatches(row) ? noMismatch : indexMismatchesByParsing(row)
}

/** {@link findIndexMismatches} by the reference alone: parse, index, compare. */
export function indexMismatchesByParsing(row: StoredRow): StoredField[] {
  const expected = parseExpectedIndex(row)
  if (expected === undefined) return ['canonical']
  const bad: StoredField[] = []
  if (expected.seq !== row.seq) bad.push('seq')
  if (expected.at !== row.at) bad.push('at')
  if (expected.type !== row.type) bad.push('type')
  if (expected.actor !== row.actor) bad.push('actor')
  if (expected.agencyIds !== row.agencyIds) bad.push('agencyIds')
  if (expected.subjectPseudonym !== row.subjectPseudonym) bad.push('subjectPseudonym')
  if (expected.consentId !== row.consentId) bad.push('consentId')
  if (expected.transferId !== row.transferId) bad.push('transferId')
  if (expected.decision !== row.decision) bad.push('decision')
  if ((row.erasedAt !== null) !== isErased(row)) bad.push('erasedAt')
  return bad
}

/** The retention purge erased the personal values and their salt; the commitment stays. */
export const isErased = (row: StoredEntry): boolean =>
  row.commitment !== null && row.personal === null

/**
 * The reference: parses the hashed entry, puts its personal values back and indexes it with the
 * appender's own {@link indexEntry}, then applies what the purge changes (subject pseudonym
 * cleared; a youth actor stays masked). Undefined when the bytes are not an entry at all.
 */
export function parseExpectedIndex(row: StoredEntry): ExpectedIndex | undefined {
  let hashed: unknown
  let personal: unknown = null
  try {
    hashed = JSON.parse(row.canonical)
    if (row.personal !== null) personal = JSON.parse(row.personal)
  } catch {
    return undefined
  }
  if (!isRecord(hashed) || !isRecord(hashed.event) || typeof hashed.actor !== 'string')
    return undefined
  if (typeof hashed.at !== 'string' || typeof hashed.seq !== 'number') return undefined
  const values = isRecord(personal) ? stringValues(personal) : null
  const joined = joinPersonalData({ actor: hashed.actor, event: hashed.event }, values)
  const index = indexEntry(joined.event as AuditEvent)
  const erased = isErased(row)
  return {
    seq: hashed.seq,
    at: hashed.at,
    type: typeof joined.event.type === 'string' ? joined.event.type : '',
    actor: joined.actor,
    agencyIds: agencyIdsColumn(index.agencyIds),
    subjectPseudonym: erased ? null : index.subjectPseudonym,
    consentId: index.consentId,
    transferId: index.transferId,
    decision: index.decision,
  }
}

const quote = 34
const comma = 44
const colon = 58
const openBracket = 91
const closeBracket = 93
const openBrace = 123
const closeBrace = 125
const bar = 124

/**
 * Whether every search column of the row equals what its hashed entry says — the answer of
 * {@link parseExpectedIndex}, proven on the canonical text without building anything, because
 * verification asks it for every entry and parsing would cost more than all the hashing. One pass
 * over the RFC 8785 text (no whitespace, and no escape, so every `"` delimits a string) reads the
 * event's member names and compares the values the index copies where they stand. True only when proven; false when a column
 * differs or the text has a shape left to the reference (an escape, an object nested in the
 * event, personal values it cannot read plainly). A property test holds it to the reference.
 */
export function scanIndexMatches(row: StoredRow): boolean {
  const text = row.canonical
  if (!hasAt(text, 0, '{"actor":"') || text.indexOf('\\') !== -1) return false
  const actorEnd = text.indexOf('"', 10)
  if (actorEnd === -1 || !hasAt(text, actorEnd + 1, ',"at":"')) return false
  const atStart = actorEnd + 8
  const atEnd = text.indexOf('"', atStart)
  if (atEnd === -1 || !hasAt(text, atEnd + 1, ',"event":{')) return false
  if (!isRegion(text, atStart, atEnd, row.at)) return false
  const erased = isErased(row)
  if ((row.erasedAt !== null) !== erased) return false
  // A youth's pseudonym is committed; the column shows it until the purge.
  if (!erased && isRegion(text, 10, actorEnd, maskedYouthActor)) {
    if (!personalValueIs(row.personal, '"actor":"', row.actor)) return false
  } else if (!isRegion(text, 10, actorEnd, row.actor)) return false

  let sawType = false
  let sawSubject = false
  let sawConsent = false
  let sawTransfer = false
  let sawDecision = false
  const agencies: number[] = []
  let pos = atEnd + 11
  if (text.charCodeAt(pos) === closeBrace) pos++
  else
    for (;;) {
      if (text.charCodeAt(pos) !== quote) return false
      const nameStart = pos + 1
      const nameEnd = text.indexOf('"', nameStart)
      if (nameEnd === -1 || text.charCodeAt(nameEnd + 1) !== colon) return false
      const nameLength = nameEnd - nameStart
      let at = nameEnd + 2
      const first = text.charCodeAt(at)
      if (first === quote) {
        const end = text.indexOf('"', at + 1)
        if (end === -1) return false
        const start = at + 1
        at = end + 1
        if (nameLength === 4 && hasAt(text, nameStart, 'type"')) {
          if (!isRegion(text, start, end, row.type)) return false
          sawType = true
        } else if (nameLength === 16 && hasAt(text, nameStart, 'subjectPseudonym"')) {
          if (erased) {
            if (row.subjectPseudonym !== null) return false
          } else if (!isRegion(text, start, end, committedValue)) return false
          else if (!personalValueIs(row.personal, '"subjectPseudonym":"', row.subjectPseudonym))
            return false
          sawSubject = true
        } else if (nameLength === 9 && hasAt(text, nameStart, 'consentId"')) {
          if (!isRegion(text, start, end, row.consentId)) return false
          sawConsent = true
        } else if (nameLength === 10 && hasAt(text, nameStart, 'transferId"')) {
          if (!isRegion(text, start, end, row.transferId)) return false
          sawTransfer = true
        } else if (nameLength === 8 && hasAt(text, nameStart, 'decision"')) {
          if (!isRegion(text, start, end, row.decision)) return false
          sawDecision = true
        } else if (agencyFieldKindAt(text, nameStart, nameEnd) === 'single')
          agencies.push(start, end)
      } else if (first === openBracket) {
        const list = agencyFieldKindAt(text, nameStart, nameEnd) === 'list'
        const end = skipArray(text, at + 1, list ? agencies : null)
        if (end === -1) return false
        at = end
      } else if (first === openBrace) return false
      else at = primitiveEnd(text, at)
      const after = text.charCodeAt(at)
      pos = at + 1
      if (after === closeBrace) break
      if (after !== comma) return false
    }
  if (!sawType) return false
  if (!sawSubject && row.subjectPseudonym !== null) return false
  if (!sawConsent && row.consentId !== null) return false
  if (!sawTransfer && row.transferId !== null) return false
  if (!sawDecision && row.decision !== null) return false
  if (!agencyColumnIs(text, agencies, row.agencyIds)) return false
  // Just past the event: `,"seq":<n>}` must end the text, with this row's number.
  if (!hasAt(text, pos, ',"seq":')) return false
  const seqEnd = text.length - 1
  if (text.charCodeAt(seqEnd) !== closeBrace || seqEnd - (pos + 7) > 15) return false
  let seq = 0
  for (let i = pos + 7; i < seqEnd; i++) {
    const digit = text.charCodeAt(i) - 48
    if (digit < 0 || digit > 9 || (digit === 0 && seq === 0)) return false
    seq = seq * 10 + digit
  }
  return seq === row.seq
}

/**
 * Whether the column equals `|a|b|…|` of the agencies at `spans` (start, end pairs in `text`),
 * sorted by UTF-16 code units and without repeats, as {@link agencyIdsColumn} writes it.
 */
function agencyColumnIs(text: string, spans: number[], column: string): boolean {
  const count = spans.length >> 1
  // Insertion sort of the pairs; an event names a handful of agencies at most.
  for (let i = 1; i < count; i++)
    for (let j = i; j > 0 && compareRegions(text, spans, j - 1, j) > 0; j--) {
      const s = spans[2 * j]!
      const e = spans[2 * j + 1]!
      spans[2 * j] = spans[2 * j - 2]!
      spans[2 * j + 1] = spans[2 * j - 1]!
      spans[2 * j - 2] = s
      spans[2 * j - 1] = e
    }
  if (column.charCodeAt(0) !== bar) return false
  let pos = 1
  for (let i = 0; i < count; i++) {
    if (i > 0 && compareRegions(text, spans, i - 1, i) === 0) continue
    const start = spans[2 * i]!
    const length = spans[2 * i + 1]! - start
    if (!regionEquals(column, pos, text, start, length)) return false
    pos += length
    if (column.charCodeAt(pos) !== bar) return false
    pos++
  }
  return pos === column.length
}

function compareRegions(text: string, spans: number[], a: number, b: number): number {
  const aStart = spans[2 * a]!
  const aLength = spans[2 * a + 1]! - aStart
  const bStart = spans[2 * b]!
  const bLength = spans[2 * b + 1]! - bStart
  for (let i = 0; i < aLength && i < bLength; i++) {
    const d = text.charCodeAt(aStart + i) - text.charCodeAt(bStart + i)
    if (d !== 0) return d
  }
  return aLength - bLength
}

/** Whether `text[start, end)` is exactly `value` (never when `value` is null). */
function isRegion(text: string, start: number, end: number, value: string | null): boolean {
  return (
    value !== null &&
    value.length === end - start &&
    regionEquals(text, start, value, 0, value.length)
  )
}

/**
 * Whether the committed personal values (a flat RFC 8785 object of strings, proven by its
 * commitment) hold `value` under the member that `marker` opens. Without an escape a `"name":"`
 * can only open a member, so a search finds it; with one, or without the member, it says no and
 * the reference decides.
 */
function personalValueIs(personal: string | null, marker: string, value: string | null): boolean {
  if (personal === null || value === null || personal.indexOf('\\') !== -1) return false
  const at = personal.indexOf(marker)
  if (at === -1) return false
  const start = at + marker.length
  const end = personal.indexOf('"', start)
  return isRegion(personal, start, end, value)
}

/** Whether `literal` stands at `pos`. */
function hasAt(text: string, pos: number, literal: string): boolean {
  if (pos + literal.length > text.length) return false
  for (let i = 0; i < literal.length; i++)
    if (text.charCodeAt(pos + i) !== literal.charCodeAt(i)) return false
  return true
}

/**
 * Skips the array whose first item starts at `pos`, noting where its string items are in `into`
 * when given (other items are ignored, as indexEntry ignores them); returns where the array
 * ends, or -1 for a nested array or object.
 */
function skipArray(text: string, pos: number, into: number[] | null): number {
  let at = pos
  if (text.charCodeAt(at) === closeBracket) return at + 1
  for (;;) {
    const c = text.charCodeAt(at)
    if (c === quote) {
      const end = text.indexOf('"', at + 1)
      if (end === -1) return -1
      into?.push(at + 1, end)
      at = end + 1
    } else if (c === openBracket || c === openBrace) return -1
    else at = primitiveEnd(text, at)
    const after = text.charCodeAt(at)
    at++
    if (after === closeBracket) return at
    if (after !== comma) return -1
  }
}

/** Where a number, `true`, `false` or `null` starting at `pos` ends. */
function primitiveEnd(text: string, pos: number): number {
  let end = pos
  for (;;) {
    const c = text.charCodeAt(end)
    if (c === comma || c === closeBrace || c === closeBracket || Number.isNaN(c)) return end
    end++
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function stringValues(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(record)) if (typeof value === 'string') out[key] = value
  return out
}
