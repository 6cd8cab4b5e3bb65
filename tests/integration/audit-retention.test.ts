import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkProofDocument } from '../../audit/proof-document.ts'
import { listAuditEntries, searchAuditEntries } from '../../db/audit-repository.ts'
import { deriveAuditKey } from '../../gateway/audit/audit-key.ts'
import { buildInclusionProof } from '../../gateway/audit/build-proofs.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { appendSamples } from './audit-fixtures.ts'

const day = 86_400_000

describe.each(dialects)('audit retention on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { auditRetentionDays: 365 } })
  })
  afterAll(async () => t.close())

  it('when personal values expire, then the purge erases them and the log and its proofs still verify', async () => {
    await appendSamples(t.deps, t.clock, 12, { checkpointsAt: [6, 12] })
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'youth:psn_youth_1',
      event: { type: 'configuration_changed', what: 'self-service language' },
    })
    await writeCheckpoint(t.deps)
    t.clock.advance(200 * day)
    await appendSamples(t.deps, t.clock, 6, { startAt: 100 })
    t.clock.advance(200 * day) // the first 13 entries are now older than 365 days; the rest are not

    const before = await listAuditEntries(t.deps.db, { limit: 100 })
    expect(before.filter((e) => 'subjectPseudonym' in e.event).length).toBeGreaterThan(0)

    const outcome = await purgeExpiredData(t.deps)
    // 12 samples: 4 with a subject, 4 with a login name; plus the youth actor.
    expect(outcome.entriesErased).toBe(9)
    expect(outcome.consentsPurged).toBe(0)

    const rows = await t.deps.db.selectFrom('audit_entries').selectAll().orderBy('seq').execute()
    const old = rows.filter((r) => r.seq <= 13)
    for (const row of old) {
      expect(row.personal).toBeNull()
      expect(row.personal_salt).toBeNull()
      expect(row.subject_pseudonym).toBeNull()
      expect(`${row.data}${row.actor}`).not.toMatch(/psn_subject|psn_youth|user\d/)
    }
    expect(rows.filter((r) => r.seq > 13 && r.personal !== null).length).toBeGreaterThan(0)

    const erased = (await searchAuditEntries(t.deps.db, {}, { limit: 13, order: 'asc' })).entries
    expect(erased[2]).toMatchObject({ erased: true, event: { subjectPseudonym: 'erased' } })
    expect(erased[12]).toMatchObject({ erased: true, actor: 'youth:-' })

    const verified = await verifyStoredAuditLog(t.deps)
    expect(verified).toMatchObject({ ok: true, checkpointsVerified: 3, erasedEntries: 9 })

    await writeCheckpoint(t.deps)
    const proof = await buildInclusionProof(t.deps, 3)
    const key = deriveAuditKey(t.deps.config.secrets.masterKey).publicKeyBase64
    expect(checkProofDocument(proof, [key])).toMatchObject({ ok: true, kind: 'inclusion', seq: 3 })

    const purged = await listAuditEntries(t.deps.db, { afterSeq: 19, limit: 5 })
    expect(purged.map((e) => e.event)).toContainEqual(
      expect.objectContaining({ type: 'retention_purged', entriesErased: 9 }),
    )
  })

  it('when an erased entry is then changed, then verification still catches it', async () => {
    await t.deps.db
      .updateTable('audit_entries')
      .set({ personal_commitment: 'ab'.repeat(32) })
      .where('seq', '=', 3)
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 3,
      reason: 'changed',
    })
  })
})
