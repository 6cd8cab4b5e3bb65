import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor, AuditEvent } from '../../audit/audit-event.ts'
import { appendAuditEvent, auditColumnOfField } from '../../db/audit-repository.ts'
import { purgeExpiredData } from '../../gateway/audit/purge-retention.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { runBrucke } from '../support/cli.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { sampleEvent } from './audit-fixtures.ts'

const day = 86_400_000
const hex = (byte: string) => byte.repeat(64)

type Row = Record<string, unknown> & { seq: number }

/**
 * Every stored column of an audit row is proven by verification — the hashed bytes and their
 * chain, and the copies that searches, reports and exports read. The list of columns comes from
 * the database itself, so a column added later without a check fails here.
 */
describe.each(dialects)('audit row columns on %s', (dialect) => {
  let t: TestDeps
  const transferEvents = (n: number): AuditEvent[] => [
    {
      type: 'transfer_denied',
      consentId: `cns_${n}`,
      subjectPseudonym: `psn_t${n}`,
      senderAgencyId: 'jc-demo',
      recipientAgencyId: n % 2 ? 'ja-demo' : 'aa-demo',
      purpose: 'hilfeplanung',
      categories: ['schule'],
      channel: 'api',
      decision: 'deny',
      reasons: ['no_consent'],
    },
    {
      type: 'transfer_queued',
      transferId: `trf_${n}`,
      kind: 'transfer',
      consentId: `cns_${n}`,
      subjectPseudonym: `psn_t${n}`,
      senderAgencyId: 'jc-demo',
      recipientAgencyId: 'ja-demo',
      purpose: 'hilfeplanung',
      categories: ['schule', 'familie'],
      channel: 'api',
      decision: 'permit',
      plaintextSha256: hex('a'),
      envelopeSha256: hex('b'),
      messageId: `<m${n}@brucke>`,
    },
    {
      type: 'consent_created',
      consentId: `cns_c${n}`,
      subjectPseudonym: `psn_c${n}`,
      agencyId: 'jc-demo',
      kind: 'einwilligung',
      scope: 'standing',
      senders: ['jc-demo', 'aa-demo'],
      recipients: ['ja-demo'],
      purposes: ['hilfeplanung'],
      categories: ['schule'],
      validFrom: '2026-01-01',
      validUntil: '2026-12-31',
      textSha256: hex('c'),
      requiredSignatories: ['youth'],
    },
  ]

  async function phase(first: number, actors: Actor[]): Promise<void> {
    for (let i = first; i < first + 6; i++) {
      t.clock.advance(1000)
      await appendAuditEvent(t.deps.db, {
        at: t.clock.now(),
        actor: actors[i % actors.length]!,
        event: i % 2 ? sampleEvent(i) : transferEvents(i)[i % 3]!,
      })
    }
    for (const event of transferEvents(first)) {
      t.clock.advance(1000)
      await appendAuditEvent(t.deps.db, { at: t.clock.now(), actor: actors[0]!, event })
    }
  }

  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { auditRetentionDays: 365 } })
    // Four phases 200–400 days apart with two purges between them: the middle of the log holds
    // entries erased by one purge or the other, entries with personal values, a youth actor.
    await phase(1, ['user:staff-1', 'youth:psn_y1', 'kiosk:k1'])
    await writeCheckpoint(t.deps)
    t.clock.advance(200 * day)
    await phase(20, ['user:staff-2', 'system'])
    t.clock.advance(200 * day)
    await purgeExpiredData(t.deps)
    await phase(40, ['youth:psn_y2', 'user:staff-3'])
    await writeCheckpoint(t.deps)
    t.clock.advance(400 * day)
    await purgeExpiredData(t.deps)
    await phase(60, ['user:staff-4', 'kiosk:k2'])
    await writeCheckpoint(t.deps)
    await phase(80, ['user:staff-5'])
  })
  afterAll(async () => t.close())

  async function columnsOfTheTable(): Promise<string[]> {
    const rows =
      dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from pragma_table_info('audit_entries')`.execute(
            t.deps.db,
          )
        : await sql<{
            name: string
          }>`select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = 'audit_entries'`.execute(
            t.deps.db,
          )
    return rows.rows.map((r) => r.name).sort()
  }

  async function readRows(): Promise<Row[]> {
    const result = await sql<Row>`select * from audit_entries order by seq`.execute(t.deps.db)
    return result.rows.map((r) => ({ ...r, seq: Number(r.seq) }))
  }

  /**
   * A realistic forgery: the row nearest the middle gets the value another row holds in that
   * column (a sequence number: a free one). A column of a kind not seen here gets its value
   * changed by one character or number.
   */
  function plausibleChange(
    rows: Row[],
    column: string,
    eligible: (row: Row) => boolean = () => true,
  ): { seq: number; value: unknown } {
    const middle = Math.floor(rows.length / 2)
    const byDistance = rows
      .slice(2, -2)
      .filter(eligible)
      .sort((a, b) => Math.abs(a.seq - middle) - Math.abs(b.seq - middle))
    if (column === 'seq') return { seq: byDistance[0]!.seq, value: rows.length + 1000 }
    for (const target of byDistance) {
      const other = [...rows]
        .sort((a, b) => Math.abs(a.seq - target.seq) - Math.abs(b.seq - target.seq))
        .find((o) => o[column] !== null && o[column] !== target[column])
      if (other) return { seq: target.seq, value: other[column] }
    }
    const target = byDistance[0]!
    const current = target[column]
    return {
      seq: target.seq,
      value:
        typeof current === 'number'
          ? current + 1
          : typeof current === 'string'
            ? `${current}x`
            : 'x',
    }
  }

  async function setColumn(column: string, seq: number, value: unknown): Promise<void> {
    await sql`update audit_entries set ${sql.ref(column)} = ${value} where seq = ${seq}`.execute(
      t.deps.db,
    )
  }

  it('when nothing was touched, then the log with its erasures verifies', async () => {
    const rows = await readRows()
    expect(rows.filter((r) => r.erased_at !== null).length).toBeGreaterThan(4)
    expect(new Set(rows.map((r) => r.erased_at)).size).toBe(3) // null and the two purges
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: rows.length })
  })

  it.each([
    ['the middle row', () => true],
    ['the middle row with personal values', (row: Row) => row.personal !== null],
  ])(
    'when any column of %s is set to a plausible other value, then verification names that row and column',
    async (_which, eligible) => {
      const columns = await columnsOfTheTable()
      expect(columns.length).toBeGreaterThanOrEqual(16)
      // Every column must be one verification can name.
      expect(Object.values(auditColumnOfField).sort()).toEqual(columns)
      for (const column of columns) {
        const rows = await readRows()
        const { seq, value } = plausibleChange(rows, column, eligible)
        const original = rows.find((r) => r.seq === seq)![column]
        await setColumn(column, seq, value)
        const result = await verifyStoredAuditLog(t.deps)
        expect({ column, result }).toMatchObject({ column, result: { ok: false, seq } })
        expect({ column, columns: (result as { columns?: string[] }).columns }).toEqual({
          column,
          columns: expect.arrayContaining([column]),
        })
        if (column === 'seq') await setColumn('seq', Number(value), seq)
        else await setColumn(column, seq, original)
        expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
      }
    },
    120_000,
  )

  it('when a search column holds a control character, then its row is still named with that column', async () => {
    // Verification reads the search columns joined with \u001f, NULL as \u001e (audit-repository.ts).
    const rows = await readRows()
    const target = rows[Math.floor(rows.length / 2) - 1]!
    for (const [column, value] of [
      ['actor', `${String(target.actor)}\u001fx`],
      ['consent_id', '\u001e'],
      ['decision', 'deny\u001e'],
    ] as const) {
      await setColumn(column, target.seq, value)
      expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
        ok: false,
        seq: target.seq,
        columns: [column],
      })
      await setColumn(column, target.seq, target[column])
    }
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })

  it('when an erased entry names the other purge, then its erased_at is named', async () => {
    const rows = await readRows()
    const stamps = [...new Set(rows.map((r) => r.erased_at).filter((v) => v !== null))]
    const target = rows.find((r) => r.erased_at === stamps[0])!
    await setColumn('erased_at', target.seq, stamps[1])
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: target.seq,
      columns: ['erased_at'],
    })
    await setColumn('erased_at', target.seq, stamps[0])
  })

  it('when personal values are erased where no purge reached, then the erasure is named', async () => {
    const rows = await readRows()
    const target = rows.filter((r) => r.personal !== null).at(-2)!
    await sql`update audit_entries set personal = null, personal_salt = null, subject_pseudonym = null, erased_at = ${target.at} where seq = ${target.seq}`.execute(
      t.deps.db,
    )
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: target.seq,
      columns: ['personal', 'personal_salt'],
    })
    await sql`update audit_entries set personal = ${target.personal}, personal_salt = ${target.personal_salt}, subject_pseudonym = ${target.subject_pseudonym}, erased_at = null where seq = ${target.seq}`.execute(
      t.deps.db,
    )
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })

  it('when a purge entry is renamed in its type column, then that entry is named, not the entries it erased', async () => {
    const rows = await readRows()
    const purge = rows.find((r) => r.type === 'retention_purged')!
    await setColumn('type', purge.seq, 'configuration_changed')
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: purge.seq,
      columns: ['type'],
    })
    await setColumn('type', purge.seq, 'retention_purged')
  })

  it('when a middle row is deleted, two rows swap their seq, or the link is changed, then the row is named', async () => {
    const rows = await readRows()
    const middle = rows[Math.floor(rows.length / 2)]!
    const next = rows[Math.floor(rows.length / 2) + 1]!

    await setColumn('prev_hash', middle.seq, next.prev_hash)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: middle.seq,
      columns: ['prev_hash'],
    })
    await setColumn('prev_hash', middle.seq, middle.prev_hash)

    await setColumn('seq', middle.seq, -1)
    await setColumn('seq', next.seq, middle.seq)
    await setColumn('seq', -1, next.seq)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: middle.seq,
      reason: 'reordered',
    })
    await setColumn('seq', next.seq, -1)
    await setColumn('seq', middle.seq, next.seq)
    await setColumn('seq', -1, middle.seq)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })

    await sql`delete from audit_entries where seq = ${middle.seq}`.execute(t.deps.db)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: middle.seq,
      reason: 'deleted',
    })
    await t.deps.db
      .insertInto('audit_entries')
      .values(middle as never)
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })

  it('when the tail after a checkpoint is truncated, then the first missing entry is named by the head or by the checkpoint', async () => {
    const checkpoints = await t.deps.db
      .selectFrom('audit_checkpoints')
      .select('tree_size')
      .orderBy('tree_size')
      .execute()
    const last = Number(checkpoints.at(-1)!.tree_size)
    const before = Number(checkpoints.at(-2)!.tree_size)
    const rows = await readRows()
    const head = await t.deps.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()

    // Everything after the last checkpoint: the appender's head still counts it.
    await sql`delete from audit_entries where seq > ${last}`.execute(t.deps.db)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: last + 1,
      reason: 'deleted',
    })
    // Back to an earlier checkpoint, the head moved along: the last checkpoint counts it.
    await sql`delete from audit_entries where seq > ${before}`.execute(t.deps.db)
    const kept = rows.find((r) => r.seq === before)!
    await t.deps.db
      .updateTable('audit_head')
      .set({ last_seq: before, last_hash: kept.entry_hash as string })
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: false,
      seq: before + 1,
      reason: 'deleted',
    })

    await t.deps.db
      .insertInto('audit_entries')
      .values(rows.filter((r) => r.seq > before) as never[])
      .execute()
    await t.deps.db
      .updateTable('audit_head')
      .set({ last_seq: head.last_seq, last_hash: head.last_hash })
      .execute()
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true })
  })

  it('when a search column is changed, then `brucke audit verify` exits 1 naming the entry and the column', async () => {
    const rows = await readRows()
    const { seq, value } = plausibleChange(rows, 'agency_ids')
    await setColumn('agency_ids', seq, value)
    const dir = mkdtempSync(join(tmpdir(), 'brucke-audit-columns-'))
    const run = await runBrucke(['audit', 'verify'], {
      env: {
        DATABASE_URL: t.testDatabase.url,
        BRUCKE_MASTER_KEY: t.deps.config.secrets.masterKey.toString('base64'),
        BRUCKE_TOKEN_KEY: t.deps.config.secrets.tokenKey.toString('base64'),
        BRUCKE_DEMO: 'false',
        BRUCKE_DATA_DIR: dir,
        LOG_LEVEL: 'silent',
      },
      cwd: dir,
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`Audit log BROKEN at entry ${seq}: changed (column agency_ids)`)
  }, 60_000)
})
