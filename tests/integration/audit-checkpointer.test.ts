import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listCheckpoints } from '../../db/audit-repository.ts'
import { startCheckpointer } from '../../gateway/audit/checkpointer.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'
import { appendSamples } from './audit-fixtures.ts'

describe.each(dialects)('audit checkpointer on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect, { config: { auditCheckpointIntervalSeconds: 1 } })
  })
  afterAll(async () => t.close())

  it('when the log grows, then a checkpoint is signed at the interval and once more on shutdown', async () => {
    const service = await startCheckpointer(t.deps)
    await appendSamples(t.deps, t.clock, 5)
    // The interval is real time (1 s); wait for it rather than faking timers in a DB test.
    for (let i = 0; i < 40 && (await listCheckpoints(t.deps.db)).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await listCheckpoints(t.deps.db)).map((c) => c.treeSize)).toEqual([5])
    await appendSamples(t.deps, t.clock, 2, { startAt: 6 })
    await service.stop()
    const sizes = (await listCheckpoints(t.deps.db)).map((c) => c.treeSize)
    expect(sizes[sizes.length - 1]).toBe(7)
    expect(await verifyStoredAuditLog(t.deps)).toMatchObject({ ok: true, treeSize: 7 })
  })

  it('when the log did not grow, then no new checkpoint is written', async () => {
    const before = (await listCheckpoints(t.deps.db)).length
    const service = await startCheckpointer(t.deps)
    await service.stop()
    expect((await listCheckpoints(t.deps.db)).length).toBe(before)
  })
})
