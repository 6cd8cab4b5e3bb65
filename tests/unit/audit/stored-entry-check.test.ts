import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Actor, AuditEvent } from '../../../audit/audit-event.ts'
import { sealEntry } from '../../../audit/hash-chain.ts'
import { maskedYouthActor } from '../../../audit/personal-data.ts'
import {
  findIndexMismatches,
  indexMismatchesByParsing,
  scanIndexMatches,
  storedIndexOf,
  type StoredIndex,
  type StoredRow,
} from '../../../audit/stored-entry-check.ts'

/** A row exactly as the appender writes it (db/audit-repository.ts appendAuditEvent). */
function appendedRow(seq: number, actor: Actor, event: AuditEvent): StoredRow {
  const at = new Date(Date.UTC(2026, 2, 1) + seq * 1000)
  const sealed = sealEntry({
    seq,
    at,
    actor,
    event,
    prevHash: Buffer.alloc(32),
    salt: Buffer.alloc(16, 5),
  })
  return { ...sealed, ...storedIndexOf({ at, actor, event }) }
}

/** The same row after the retention purge (db/audit-repository.ts erasePersonalData). */
function erasedRow(row: StoredRow): StoredRow {
  if (row.personal === null) return row
  return {
    ...row,
    personal: null,
    salt: null,
    subjectPseudonym: null,
    actor: row.actor.startsWith('youth:') ? maskedYouthActor : row.actor,
    erasedAt: '2029-03-01T00:00:00.000Z',
  }
}

// Field values that stress the scan: quotes, backslashes, control and non-ASCII characters,
// brackets and braces inside strings, and values that look like names.
const text = fc.oneof(
  fc.stringMatching(/^[a-z0-9_-]{1,12}$/),
  fc.constantFrom(
    'a"b',
    'back\\slash',
    'line\nbreak',
    'Übergabe – ½',
    '{"x":1}',
    '[1,2]',
    'x":"y',
    '',
  ),
  fc.string({ maxLength: 8 }),
)
const leaf = fc.oneof(
  text,
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)
const value = fc.oneof(
  { weight: 4, arbitrary: leaf },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.array(leaf, { maxLength: 2 }), { maxLength: 2 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(fc.constantFrom('agencyId', 'type', 'x'), leaf, { maxKeys: 2 }),
  },
)
const names = [
  'agencyId',
  'senderAgencyId',
  'recipientAgencyId',
  'holderAgencyIds',
  'agencyIds',
  'senders',
  'recipients',
  'consentId',
  'transferId',
  'decision',
  'subjectPseudonym',
  'statedReason',
  'username',
  'reasons',
  'attempt',
  'AgencyId',
  'agencyIdx',
]
const eventArb = fc
  .record({
    type: fc.oneof(fc.constantFrom('transfer_queued', 'consent_created', 'login_failed'), text),
    fields: fc.dictionary(fc.constantFrom(...names), value, { maxKeys: 7 }),
  })
  .map(({ type, fields }) => ({ ...fields, type }) as unknown as AuditEvent)
const actorArb = fc.constantFrom<Actor>(
  'system',
  'user:staff-1',
  'kiosk:k1',
  'youth:psn_y1',
  'youth:-',
  'cli:audit',
)

describe('stored entry check', () => {
  it('when the appender wrote a row, then every column matches — by the scan wherever the shape is plain', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        actorArb,
        eventArb,
        fc.boolean(),
        (seq, actor, event, erase) => {
          const appended = appendedRow(seq, actor, event)
          const row = erase ? erasedRow(appended) : appended
          expect(indexMismatchesByParsing(row)).toEqual([])
          expect(findIndexMismatches(row)).toEqual([])
          // The fast path must carry the common rows, or verification slows down unnoticed.
          const nested = Object.values(event as Record<string, unknown>).some(
            (v) =>
              typeof v === 'object' &&
              v !== null &&
              (!Array.isArray(v) || v.some((item) => typeof item === 'object' && item !== null)),
          )
          const escaped = `${row.canonical}${row.personal ?? ''}`.includes('\\')
          if (!nested && !escaped) expect(scanIndexMatches(row)).toBe(true)
        },
      ),
      { numRuns: 3000 },
    )
  })

  it('when the scan meets the shapes it leaves to the reference, then it says so instead of guessing', () => {
    const nested = appendedRow(1, 'system', {
      type: 'x',
      extra: { agencyId: 'a' },
    } as unknown as AuditEvent)
    const escaped = appendedRow(2, 'system', {
      type: 'x',
      what: 'a"b',
      agencyId: 'jc',
    } as unknown as AuditEvent)
    expect(scanIndexMatches(nested)).toBe(false)
    expect(scanIndexMatches(escaped)).toBe(false)
    expect(findIndexMismatches(nested)).toEqual([])
    expect(findIndexMismatches(escaped)).toEqual([])
    expect(findIndexMismatches({ ...nested, agencyIds: '|a|' })).toEqual(['agencyIds'])
    expect(findIndexMismatches({ ...escaped, agencyIds: '|' })).toEqual(['agencyIds'])
    const plain = appendedRow(3, 'user:u1', {
      type: 'transfer_queued',
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      consentId: 'cns_1',
      transferId: 'trf_1',
      decision: 'permit',
      subjectPseudonym: 'psn_1',
      categories: ['schule', 'familie'],
      attempt: 2,
    } as unknown as AuditEvent)
    expect(plain.agencyIds).toBe('|ja-demo|jc-demo|')
    expect(scanIndexMatches(plain)).toBe(true)
  })

  it('when any column of a row holds any other value, then the scan never vouches for it', () => {
    const fields = [
      'seq',
      'at',
      'type',
      'actor',
      'agencyIds',
      'subjectPseudonym',
      'consentId',
      'transferId',
      'decision',
      'erasedAt',
    ] as const
    const otherValue = fc.oneof(
      text,
      fc.constant(null),
      fc.constantFrom('|', '||', '|jc-demo|', 'youth:-', 'committed'),
    )
    fc.assert(
      fc.property(
        actorArb,
        eventArb,
        fc.boolean(),
        fc.constantFrom(...fields),
        otherValue,
        fc.integer({ min: 1, max: 100 }),
        fc.option(fc.nat(), { nil: undefined }),
        (actor, event, erase, field, other, seq, tweakAt) => {
          const appended = appendedRow(6, actor, event)
          const row = erase ? erasedRow(appended) : appended
          const original = row[field]
          // Either another value, or the same one with one character changed (same length).
          let value: unknown = field === 'seq' ? seq : other
          if (tweakAt !== undefined && typeof original === 'string' && original.length > 0) {
            const i = tweakAt % original.length
            const c = original[i] === 'Z' ? 'Y' : 'Z'
            value = `${original.slice(0, i)}${c}${original.slice(i + 1)}`
          }
          const changed = { ...row, [field]: value }
          fc.pre(changed[field] !== row[field])
          // These columns are NOT NULL in the table.
          fc.pre(value !== null || !['at', 'type', 'actor', 'agencyIds'].includes(field))
          // Which purge erased a row is the erasure check's part (erasure-check.test.ts).
          fc.pre(field !== 'erasedAt' || (value === null) !== (row.erasedAt === null))
          expect(findIndexMismatches(changed)).toContain(field)
          expect(scanIndexMatches(changed)).toBe(false)
        },
      ),
      { numRuns: 5000 },
    )
  })

  it('when any search column of a row is changed, then the check names that column', () => {
    const changes: Record<keyof StoredIndex | 'seq', (row: StoredRow) => Partial<StoredRow>> = {
      seq: (row) => ({ seq: row.seq + 1 }),
      at: () => ({ at: '2026-03-01T00:00:07.000Z' }),
      type: () => ({ type: 'transfer_delivered' }),
      actor: () => ({ actor: 'user:someone-else' }),
      agencyIds: () => ({ agencyIds: '|jc-demo|' }),
      subjectPseudonym: () => ({ subjectPseudonym: 'psn_2' }),
      consentId: () => ({ consentId: 'cns_2' }),
      transferId: () => ({ transferId: null }),
      decision: () => ({ decision: 'deny' }),
      erasedAt: () => ({ erasedAt: '2029-01-01T00:00:00.000Z' }),
    }
    fc.assert(
      fc.property(
        actorArb,
        eventArb,
        fc.constantFrom(...(Object.keys(changes) as (keyof typeof changes)[])),
        (actor, event, field) => {
          const row = appendedRow(6, actor, event)
          const changed = { ...row, ...changes[field](row) }
          fc.pre(changed[field] !== row[field])
          expect(findIndexMismatches(changed)).toEqual([field])
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('when a youth acted, then the actor column holds the pseudonym until the purge masks it', () => {
    const row = appendedRow(4, 'youth:psn_y9', {
      type: 'configuration_changed',
      what: 'language',
    })
    expect(row.actor).toBe('youth:psn_y9')
    expect(findIndexMismatches(row)).toEqual([])
    expect(findIndexMismatches({ ...row, actor: maskedYouthActor })).toEqual(['actor'])
    const erased = erasedRow(row)
    expect(findIndexMismatches(erased)).toEqual([])
    expect(findIndexMismatches({ ...erased, actor: 'youth:psn_y9' })).toEqual(['actor'])
    expect(findIndexMismatches({ ...erased, erasedAt: null })).toEqual(['erasedAt'])
  })
})
