import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ErasureCheck,
  retentionPurgeOf,
  type RetentionPurge,
} from '../../../audit/erasure-check.ts'
import { sealEntry } from '../../../audit/hash-chain.ts'
import type { StoredRow } from '../../../audit/stored-entry-check.ts'

const iso = (day: number) => new Date(Date.UTC(2026, 0, 1) + day * 86_400_000).toISOString()

/** A row with personal values (a commitment), at day `day`; erased by the purge at `erasedAt`. */
function row(seq: number, day: number, erasedAt?: string): StoredRow {
  return {
    seq,
    at: iso(day),
    type: 'pseudonym_resolved',
    actor: 'system',
    agencyIds: '|',
    subjectPseudonym: erasedAt ? null : 'psn_1',
    consentId: null,
    transferId: null,
    decision: null,
    canonical: '{}',
    personal: erasedAt ? null : '{"subjectPseudonym":"psn_1"}',
    salt: erasedAt ? null : '00'.repeat(16),
    commitment: 'ab'.repeat(32),
    erasedAt: erasedAt ?? null,
    prevHash: '00'.repeat(32),
    entryHash: '00'.repeat(32),
  }
}
const purgeRow = (purge: RetentionPurge): StoredRow => ({
  ...row(purge.seq, 0),
  personal: null,
  salt: null,
  commitment: null,
  subjectPseudonym: null,
})

describe('erasure check', () => {
  it('when entries were erased by the purge that covered them, then nothing is wrong', () => {
    const purge = { seq: 3, at: iso(500), auditBefore: iso(10), entriesErased: 1 }
    const check = new ErasureCheck([purge])
    expect(check.check(row(1, 5, purge.at))).toBeUndefined()
    expect(check.check(row(2, 20))).toBeUndefined() // after the cutoff: keeps its values
    expect(check.check(purgeRow(purge))).toBeUndefined()
    expect(check.check(row(4, 6))).toBeUndefined() // after the purge: not yet erased
  })

  it('when an erasure names another purge, lacks a purge, or a covered entry kept its values, then it is named', () => {
    const first = { seq: 3, at: iso(400), auditBefore: iso(10), entriesErased: 1 }
    const second = { seq: 5, at: iso(800), auditBefore: iso(30), entriesErased: 1 }
    const check = () => new ErasureCheck([first, second])
    expect(check().check(row(1, 5, second.at))).toMatchObject({ seq: 1, fields: ['erasedAt'] })
    expect(check().check(row(1, 5))).toMatchObject({ seq: 1, fields: ['personal', 'salt'] })
    expect(check().check(row(1, 50, first.at))).toMatchObject({
      seq: 1,
      fields: ['personal', 'salt'],
    })
    // A purge that recorded more erasures than entries carry its mark.
    const counting = check()
    expect(counting.check(row(1, 5, first.at))).toBeUndefined()
    expect(counting.check(row(2, 6))).toMatchObject({ seq: 2 })
    expect(counting.check(purgeRow(first))).toBeUndefined()
    expect(counting.check(purgeRow(second))).toMatchObject({ seq: 5, fields: [] })
  })

  it('when purges have cutoffs in any order, then the first covering one is found', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 39 }),
        (cutoffs, day, skip) => {
          const after = Math.min(skip, cutoffs.length)
          const purges = cutoffs.map((c, i) => ({
            seq: 100 + i,
            at: iso(1000 + i),
            auditBefore: iso(c),
            entriesErased: 0,
          }))
          const expected = purges.find((p) => p.seq > 100 + after - 1 && p.auditBefore > iso(day))
          const check = new ErasureCheck(purges)
          for (let i = 0; i < after; i++) check.check(purgeRow(purges[i]!))
          const failure = check.check(row(100 + after - 0.5, day, expected?.at ?? iso(5000)))
          if (expected) expect(failure).toBeUndefined()
          else expect(failure).toMatchObject({ fields: ['personal', 'salt'] })
        },
      ),
    )
  })

  it('reads a purge entry from its hashed bytes and nothing else', () => {
    const sealed = sealEntry({
      seq: 9,
      at: new Date(iso(400)),
      actor: 'system',
      event: {
        type: 'retention_purged',
        auditBefore: iso(10),
        entriesErased: 4,
        consentsPurged: 1,
      },
      prevHash: Buffer.alloc(32),
      salt: Buffer.alloc(16),
    })
    expect(retentionPurgeOf(sealed.canonical)).toEqual({
      seq: 9,
      at: iso(400),
      auditBefore: iso(10),
      entriesErased: 4,
    })
    expect(retentionPurgeOf(sealed.canonical.replace('retention_purged', 'x'))).toBeUndefined()
    expect(retentionPurgeOf('not json')).toBeUndefined()
  })
})
