import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { auditKeyPairFromSeed, signCheckpoint } from '../../audit/checkpoint.ts'
import { sealEntry } from '../../audit/hash-chain.ts'
import { storedIndexOf } from '../../audit/stored-entry-check.ts'
import { readAuditHead } from '../../db/audit-repository.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { appendSamples } from './audit-fixtures.ts'

/**
 * Each case tampers with the stored log directly in SQL — as someone with database access would —
 * and verification must name the first bad sequence number and the kind of change.
 */
describe.each(dialects)('audit log tamper evidence on %s', (dialect) => {
  let t: TestDeps
  afterEach(async () => t.close())

  async function log20(): Promise<void> {
    t = await createTestDeps(dialect)
    await appendSamples(t.deps, t.clock, 20, { checkpointsAt: [4, 10] })
  }
  const run = (query: ReturnType<typeof sql>) => query.execute(t.deps.db)

  it('when nothing was touched, then the log verifies with its head and checkpoints', async () => {
    await log20()
    const result = await verifyStoredAuditLog(t.deps)
    expect(result).toMatchObject({ ok: true, treeSize: 20, checkpointsVerified: 2 })
  })

  it('when an entry is changed, then verification names it as changed', async () => {
    await log20()
    await run(
      sql`update audit_entries set data = replace(data, 'setting 8', 'setting 9') where seq = 8`,
    )
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 8,
      reason: 'changed',
    })
  })

  it('when a personal value is changed, then its commitment exposes it as changed', async () => {
    await log20()
    await run(
      sql`update audit_entries set personal = replace(personal, 'psn_subject', 'psn_other') where seq = 6`,
    )
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 6,
      reason: 'changed',
    })
  })

  it('when an entry is changed and its hash recomputed, then the break is still named at it', async () => {
    await log20()
    const row = await t.deps.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', 12)
      .executeTakeFirstOrThrow()
    const forged = sealEntry({
      seq: 12,
      at: new Date(row.at),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'forged' },
      prevHash: Buffer.from(row.prev_hash, 'hex'),
      salt: Buffer.alloc(16),
    })
    await t.deps.db
      .updateTable('audit_entries')
      .set({ data: forged.canonical, entry_hash: forged.entryHash })
      .where('seq', '=', 12)
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 12,
      reason: 'changed',
    })
  })

  it('when an entry in the middle is deleted, then verification names it as deleted', async () => {
    await log20()
    await run(sql`delete from audit_entries where seq = 7`)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 7,
      reason: 'deleted',
    })
  })

  it('when an entry is deleted and the later ones renumbered, then it is named as deleted', async () => {
    await log20()
    await run(sql`delete from audit_entries where seq = 15`)
    await run(sql`update audit_entries set seq = seq + 1000 where seq > 15`)
    await run(sql`update audit_entries set seq = seq - 1001 where seq > 1000`)
    await run(sql`update audit_head set last_seq = 19`)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 15,
      reason: 'deleted',
    })
  })

  it('when the last entries are deleted, then the missing tail is named as deleted', async () => {
    await log20()
    await run(sql`delete from audit_entries where seq >= 19`)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 19,
      reason: 'deleted',
    })
  })

  it('when entries covered by a checkpoint are deleted with the head, then the checkpoint names it', async () => {
    await log20()
    await run(sql`delete from audit_entries where seq >= 9`)
    await t.deps.db.updateTable('audit_head').set({ last_seq: 8 }).execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 9,
      reason: 'deleted',
    })
  })

  it('when two entries swap places, then verification names them as reordered', async () => {
    await log20()
    await run(sql`update audit_entries set seq = 1005 where seq = 5`)
    await run(sql`update audit_entries set seq = 5 where seq = 6`)
    await run(sql`update audit_entries set seq = 6 where seq = 1005`)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'reordered',
    })
  })

  it('when a well-formed entry is inserted in the middle, then verification names it as inserted', async () => {
    await log20()
    const before = await t.deps.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', 13)
      .executeTakeFirstOrThrow()
    await run(sql`update audit_entries set seq = seq + 1000 where seq > 13`)
    await run(sql`update audit_entries set seq = seq - 999 where seq > 1000`)
    const forged = sealEntry({
      seq: 14,
      at: new Date(before.at),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'inserted' },
      prevHash: Buffer.from(before.entry_hash, 'hex'),
      salt: Buffer.alloc(16),
    })
    await t.deps.db
      .insertInto('audit_entries')
      .values({
        ...before,
        seq: 14,
        type: 'configuration_changed',
        agency_ids: '|',
        data: forged.canonical,
        personal: null,
        personal_salt: null,
        personal_commitment: null,
        prev_hash: forged.prevHash,
        entry_hash: forged.entryHash,
      })
      .execute()
    await run(sql`update audit_head set last_seq = 21`)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 14,
      reason: 'inserted',
    })
  })

  it('when an entry is appended behind the appender, then it is named as inserted', async () => {
    await log20()
    const head = await readAuditHead(t.deps.db)
    const last = await t.deps.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '=', 20)
      .executeTakeFirstOrThrow()
    const forged = sealEntry({
      seq: 21,
      at: new Date(last.at),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'smuggled' },
      prevHash: Buffer.from(head.lastHash, 'hex'),
      salt: Buffer.alloc(16),
    })
    await t.deps.db
      .insertInto('audit_entries')
      .values({
        ...last,
        seq: 21,
        data: forged.canonical,
        personal: null,
        personal_salt: null,
        personal_commitment: null,
        prev_hash: forged.prevHash,
        entry_hash: forged.entryHash,
      })
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 21,
      reason: 'inserted',
    })
  })

  it('when a checkpoint signature is altered, then it is named as a bad checkpoint signature', async () => {
    await log20()
    const cp = await t.deps.db
      .selectFrom('audit_checkpoints')
      .selectAll()
      .where('tree_size', '=', 4)
      .executeTakeFirstOrThrow()
    const bytes = Buffer.from(cp.signature, 'base64')
    bytes[0]! ^= 1
    await t.deps.db
      .updateTable('audit_checkpoints')
      .set({ signature: bytes.toString('base64') })
      .where('tree_size', '=', 4)
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 4,
      reason: 'bad_checkpoint_signature',
    })
  })

  it('when the tail is rewritten consistently and re-signed with another key, then the forgery is caught', async () => {
    await log20()
    // Rewrite everything from entry 7 with correct chain hashes, as an attacker with the code would.
    const rows = await t.deps.db
      .selectFrom('audit_entries')
      .selectAll()
      .where('seq', '>=', 7)
      .orderBy('seq')
      .execute()
    const six = await t.deps.db
      .selectFrom('audit_entries')
      .select('entry_hash')
      .where('seq', '=', 6)
      .executeTakeFirstOrThrow()
    let prev = Buffer.from(six.entry_hash, 'hex')
    for (const row of rows) {
      const entry = {
        at: new Date(row.at),
        actor: 'system' as const,
        event: { type: 'configuration_changed' as const, what: `rewritten ${row.seq}` },
      }
      const forged = sealEntry({ seq: row.seq, ...entry, prevHash: prev, salt: Buffer.alloc(16) })
      // The search columns too, or verification names entry 7 by them (see audit-columns.test.ts).
      const index = storedIndexOf(entry)
      await t.deps.db
        .updateTable('audit_entries')
        .set({
          type: index.type,
          actor: index.actor,
          agency_ids: index.agencyIds,
          subject_pseudonym: index.subjectPseudonym,
          consent_id: index.consentId,
          transfer_id: index.transferId,
          decision: index.decision,
          data: forged.canonical,
          personal: null,
          personal_salt: null,
          personal_commitment: null,
          prev_hash: forged.prevHash,
          entry_hash: forged.entryHash,
        })
        .where('seq', '=', row.seq)
        .execute()
      prev = Buffer.from(forged.entryHash, 'hex')
    }
    await t.deps.db
      .updateTable('audit_head')
      .set({ last_hash: prev.toString('hex') })
      .execute()
    // Without touching the checkpoint, the signed root no longer matches.
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 5,
      reason: 'checkpoint_root_mismatch',
    })
    // Re-signing the checkpoint with a key of the attacker's own is refused as well.
    const { MerkleAccumulator } = await import('../../audit/merkle-tree.ts')
    const leaves = await t.deps.db
      .selectFrom('audit_entries')
      .select('entry_hash')
      .where('seq', '<=', 10)
      .orderBy('seq')
      .execute()
    const acc = new MerkleAccumulator()
    for (const l of leaves) acc.push(Buffer.from(l.entry_hash, 'hex'))
    const forgedCheckpoint = signCheckpoint({
      treeSize: 10,
      rootHash: acc.root().toString('hex'),
      at: t.clock.now(),
      key: auditKeyPairFromSeed(Buffer.alloc(32, 1)),
    })
    await t.deps.db
      .updateTable('audit_checkpoints')
      .set({
        root_hash: forgedCheckpoint.rootHash,
        public_key: forgedCheckpoint.publicKey,
        signature: forgedCheckpoint.signature,
      })
      .where('tree_size', '=', 10)
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: 10,
      reason: 'bad_checkpoint_signature',
    })
  })
})
