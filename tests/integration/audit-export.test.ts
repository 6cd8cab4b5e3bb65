import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealEntry } from '../../audit/hash-chain.ts'
import { agencyIdsColumn, indexEntry } from '../../audit/entry-index.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { exportAuditLog } from '../../gateway/audit/export-audit-log.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { sampleEvent } from './audit-fixtures.ts'

/** Bulk-writes a valid chain of `count` entries (the append path is tested elsewhere; this is volume). */
async function bulkLog(t: TestDeps, count: number): Promise<void> {
  let prev: Buffer = Buffer.alloc(32)
  const base = t.clock.now().getTime()
  const batch = 500
  for (let start = 1; start <= count; start += batch) {
    const rows = []
    for (let seq = start; seq < Math.min(start + batch, count + 1); seq++) {
      const event = sampleEvent(seq)
      const at = new Date(base + seq * 1000)
      const sealed = sealEntry({
        seq,
        at,
        actor: 'system',
        event,
        prevHash: prev,
        salt: Buffer.alloc(16, seq % 251),
      })
      const index = indexEntry(event)
      rows.push({
        seq,
        at: at.toISOString(),
        type: event.type,
        actor: 'system',
        agency_ids: agencyIdsColumn(index.agencyIds),
        subject_pseudonym: index.subjectPseudonym,
        consent_id: null,
        transfer_id: null,
        decision: null,
        data: sealed.canonical,
        personal: sealed.personal,
        personal_salt: sealed.salt,
        personal_commitment: sealed.commitment,
        erased_at: null,
        prev_hash: sealed.prevHash,
        entry_hash: sealed.entryHash,
      })
      prev = Buffer.from(sealed.entryHash, 'hex')
    }
    await t.deps.db.insertInto('audit_entries').values(rows).execute()
  }
  await t.deps.db
    .updateTable('audit_head')
    .set({ last_seq: count, last_hash: prev.toString('hex') })
    .execute()
}

/** Records, in order, each query's row count and each chunk written, to show they interleave. */
class Trace implements KyselyPlugin {
  readonly log: ({ kind: 'rows'; n: number } | { kind: 'write' })[] = []
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    this.log.push({ kind: 'rows', n: args.result.rows.length })
    return Promise.resolve(args.result)
  }
}

const size = 100_000

describe.each(dialects)('audit export on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await bulkLog(t, size)
  }, 120_000)
  afterAll(async () => t.close())

  it('when 10^5 entries are exported, then they stream page by page and the export is audited', async () => {
    const trace = new Trace()
    const deps = { ...t.deps, db: t.deps.db.withPlugin(trace) }
    let lines = 0
    let bytes = 0
    let tail = ''
    const written = await exportAuditLog(deps, {
      filter: {},
      format: 'csv',
      actor: 'user:dpo-all',
      pageSize: 1000,
      write: (chunk) => {
        trace.log.push({ kind: 'write' })
        bytes += chunk.length
        lines += chunk.split('\r\n').length - 1
        tail = chunk
      },
    })
    expect(written).toBe(size)
    expect(lines).toBe(size + 1)
    expect(tail.startsWith(`${size},`)).toBe(true)
    // Streamed: no query returned more than one page, and rows went out between the first and the
    // last page read — never all read first and written after.
    const reads = trace.log.filter((e) => e.kind === 'rows')
    expect(Math.max(...reads.map((e) => e.n))).toBeLessThanOrEqual(1001)
    expect(reads.length).toBeGreaterThanOrEqual(size / 1000)
    const firstWrite = trace.log.findIndex((e) => e.kind === 'write')
    const lastRead = trace.log.map((e) => e.kind).lastIndexOf('rows')
    expect(firstWrite).toBeLessThan(lastRead - 50)
    expect(bytes).toBeGreaterThan(size * 50)
    const [exported] = (await listAuditEntries(t.deps.db, { afterSeq: size, limit: 5 })).filter(
      (e) => e.event.type === 'audit_exported',
    )
    expect(exported?.event).toMatchObject({ type: 'audit_exported', format: 'csv', entries: size })
  }, 120_000)

  it('when a filtered view is exported as JSON, then exactly its entries come out as valid JSON', async () => {
    let text = ''
    const written = await exportAuditLog(t.deps, {
      filter: { subjectPseudonym: 'psn_subject_3', agencyId: 'aa-demo' },
      format: 'json',
      actor: 'user:dpo-all',
      write: (chunk) => {
        text += chunk
      },
    })
    const parsed = JSON.parse(text) as {
      seq: number
      event: { subjectPseudonym: string; agencyId: string }
    }[]
    expect(parsed).toHaveLength(written)
    expect(written).toBeGreaterThan(100)
    for (const row of parsed)
      expect(row.event).toMatchObject({ subjectPseudonym: 'psn_subject_3', agencyId: 'aa-demo' })
    const expected = Array.from({ length: size }, (_, i) => i + 1).filter(
      (i) => i % 3 === 0 && i % 7 === 3 && i % 2 === 1,
    )
    expect(parsed.map((r) => r.seq)).toEqual(expected)
  }, 60_000)

  it('verifies the large log in pages', async () => {
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: size + 2 })
  }, 120_000)
})
