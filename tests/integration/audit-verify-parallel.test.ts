/**
 * `brucke audit verify` on every core (issue 19, point 9e): the log split into ranges, one
 * thread each. On a clean log (checkpoints, a retention purge whose erasures span ranges) it gives
 * exactly the head the sequential verifier gives; a tampered entry in any range is found by the
 * parallel pass, and the full verification then names it as the sequential one does.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAuditHead, listCheckpoints, listRetentionPurges } from '../../db/audit-repository.ts'
import { verifyInParallel } from '../../gateway/audit/parallel-verify.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { appendSamples } from './audit-fixtures.ts'

const day = 24 * 60 * 60 * 1000
const threads = 4
// Each thread loads the TypeScript sources anew (tsx): seconds on a busy machine.
const slow = { timeout: 300_000 }

describe.each(dialects)('parallel audit verification on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { auditRetentionDays: 365 } })
    await appendSamples(t.deps, t.clock, 40, { checkpointsAt: [6, 17, 30] })
    t.clock.advance(400 * day)
    const purge = await purgeExpiredData(t.deps)
    expect(purge.entriesErased).toBeGreaterThan(10)
    await appendSamples(t.deps, t.clock, 22, { startAt: 100, checkpointsAt: [110] })
    await writeCheckpoint(t.deps)
  })
  afterAll(async () => t.close())

  const parallelPass = async () => {
    const head = await readAuditHead(t.deps.db)
    return verifyInParallel({
      databaseUrl: t.deps.config.databaseUrl,
      head,
      checkpoints: await listCheckpoints(t.deps.db),
      trustedPublicKeys: [t.deps.derivedKeys.audit.publicKeyBase64],
      purges: await listRetentionPurges(t.deps.db, { upToSeq: head.lastSeq }),
      threads,
    })
  }

  it('a clean log: the same head, checkpoints and erasures as the sequential verifier', slow, async () => {
    const sequential = await verifyStoredAuditLog(t.deps, { threads: 1 })
    expect(sequential).toMatchObject({ ok: true, treeSize: 63 })
    expect((sequential as { checkpointsVerified: number }).checkpointsVerified).toBeGreaterThan(3)
    expect(sequential).toMatchObject({ erasedEntries: expect.any(Number) as number })
    expect((sequential as { erasedEntries: number }).erasedEntries).toBeGreaterThan(10)
    expect(await parallelPass()).toEqual(sequential)
    expect(await verifyStoredAuditLog(t.deps, { threads, parallelFromEntries: 0 })).toEqual(
      sequential,
    )
  })

  // One entry in each of the four ranges (63 entries: 1–16, 17–32, 33–48, 49–63), tampered in
  // a different way each: its hashed bytes, a search column, its erasure, its link. All at once:
  // each thread reports the first suspect of its own range.
  const tampers = [
    { seq: 9, change: sql`update audit_entries set data = data || ' ' where seq = 9` },
    { seq: 22, change: sql`update audit_entries set actor = 'user:mallory' where seq = 22` },
    { seq: 39, change: sql`update audit_entries set erased_at = null where seq = 39` },
    {
      seq: 57,
      change: sql`update audit_entries set prev_hash = ${'ab'.repeat(32)} where seq = 57`,
    },
  ]
  it('a tampered entry is found in whichever range it lies; the full pass names it', slow, async () => {
    const head = await readAuditHead(t.deps.db)
    expect(head.lastSeq).toBe(63)
    const originals = await t.deps.db
      .selectFrom('audit_entries')
      .selectAll()
      .where(
        'seq',
        'in',
        tampers.map((x) => x.seq),
      )
      .execute()
    try {
      for (const { change } of tampers) await change.execute(t.deps.db)
      expect(await parallelPass()).toEqual({
        ok: false,
        suspectSeq: 9,
        suspects: tampers.map((x) => x.seq),
      })
      const sequential = await verifyStoredAuditLog(t.deps, { threads: 1 })
      expect(sequential).toMatchObject({ ok: false, seq: 9 })
      expect(await verifyStoredAuditLog(t.deps, { threads, parallelFromEntries: 0 })).toEqual(
        sequential,
      )
    } finally {
      for (const original of originals)
        await t.deps.db
          .updateTable('audit_entries')
          .set(original)
          .where('seq', '=', original.seq)
          .execute()
    }
    expect(await verifyStoredAuditLog(t.deps, { threads: 1 })).toMatchObject({ ok: true })
  })
})
