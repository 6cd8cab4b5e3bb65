import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAuditEvent, listAuditEntries } from '../../db/audit-repository.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { writeCheckpoint } from '../../gateway/audit/write-checkpoint.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const worker = fileURLToPath(new URL('./audit-append-worker.ts', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

function runWorker(url: string, label: string, count: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, url, label, String(count)], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    child.on('error', reject)
    child.on('close', resolve)
  })
}

describe.each(dialects)('appending audit entries on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(async () => t.close())

  it('when the recorded change fails, then its entry is rolled back and the sequence stays gap-free', async () => {
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'before' },
    })
    await expect(
      t.deps.db.transaction().execute(async (trx) => {
        await appendAuditEvent(trx, {
          at: t.clock.now(),
          actor: 'system',
          event: { type: 'configuration_changed', what: 'doomed' },
        })
        throw new Error('the change itself failed')
      }),
    ).rejects.toThrow('the change itself failed')
    await appendAuditEvent(t.deps.db, {
      at: t.clock.now(),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'after' },
    })
    const entries = await listAuditEntries(t.deps.db, { limit: 10 })
    expect(entries.map((e) => [e.seq, (e.event as { what: string }).what])).toEqual([
      [1, 'before'],
      [2, 'after'],
    ])
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 2 })
  })

  it('when an event does not match its schema, then nothing is appended', async () => {
    await expect(
      appendAuditEvent(t.deps.db, {
        at: t.clock.now(),
        actor: 'system',
        event: { type: 'configuration_changed', what: 'x', extra: 'no' } as never,
      }),
    ).rejects.toThrow()
    expect(await listAuditEntries(t.deps.db, { limit: 10 })).toHaveLength(2)
  })
})

describe.runIf(dialects.includes('postgres'))('concurrent appends from two processes', () => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps('postgres')
  })
  afterAll(async () => t.close())

  it('when two gateway processes append at once, then the log keeps one gap-free sequence and a valid chain', async () => {
    const perProcess = 150
    // Entries appended by this process too, interleaved with the two children.
    const local = (async () => {
      for (let i = 0; i < 50; i++)
        await appendAuditEvent(t.deps.db, {
          at: t.clock.now(),
          actor: 'system',
          event: { type: 'configuration_changed', what: `local ${i}` },
        })
    })()
    const codes = await Promise.all([
      runWorker(t.testDatabase.url, 'alpha', perProcess),
      runWorker(t.testDatabase.url, 'beta', perProcess),
      local,
    ])
    expect(codes.slice(0, 2)).toEqual([0, 0])
    const rows = await t.deps.db
      .selectFrom('audit_entries')
      .select(['seq', 'actor'])
      .orderBy('seq')
      .execute()
    const total = 2 * perProcess + 50
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    // Both children really interleaved: neither wrote all its entries in one block.
    const actors = rows.map((r) => r.actor)
    const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length
    expect(switches).toBeGreaterThan(2)
    await writeCheckpoint(t.deps)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({
      ok: true,
      treeSize: total,
      checkpointsVerified: 1,
    })
  }, 60_000)
})
