import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countTransfersByStatus } from '../../db/transfer-repository.ts'
import { dialects } from '../support/databases.ts'
import { startServeRelay, type ServeRelay } from '../support/serve-relay.ts'

/**
 * Real `brucke serve` child processes on the test database: killed with SIGKILL at random
 * moments while delivering, then restarted; and two at once on one database (PostgreSQL, or one
 * SQLite file in WAL mode). The clock is the real one here, because the child processes read the
 * system clock.
 */
const count = 40

describe.each(dialects)('brucke serve processes delivering on %s', (dialect) => {
  let relay: ServeRelay

  beforeAll(async () => {
    relay = await startServeRelay(dialect)
  }, 120_000)
  afterAll(async () => relay.close())

  it('when serve is SIGKILLed at random points while delivering and restarted, then no transfer is sent twice and each ends delivered or, if its handoff was cut off, handoff_uncertain with an audit entry', async () => {
    const { t, smtp } = relay
    smtp.messages.length = 0
    const ids = await relay.submitMany(count)
    let kills = 0
    for (let round = 0; round < 5; round++) {
      const running = await relay.serve()
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)))
      running.child.kill('SIGKILL')
      await new Promise((r) => running.child.once('close', r))
      kills++
    }
    // The killed processes' leases run out after RELAY_LEASE_SECONDS; then the last one finishes.
    const last = await relay.serve()
    await relay.waitUntilSettled(ids, 60_000)
    await last.stop()

    const rows = await t.deps.db
      .selectFrom('transfers')
      .select(['id', 'status', 'message_id'])
      .where('id', 'in', ids)
      .execute()
    const uncertain = rows.filter((r) => r.status === 'handoff_uncertain')
    const delivered = rows.filter((r) => r.status === 'delivered')
    expect(delivered.length + uncertain.length).toBe(count)
    // At most the two messages in flight (two SMTP sessions) per kill had their handoff cut off.
    expect(uncertain.length).toBeLessThanOrEqual(2 * kills)
    console.info(
      `[relay] ${dialect}: ${kills} SIGKILLs, ${count} transfers, ${uncertain.length} handoff_uncertain`,
    )
    const copies = relay.copiesByMessageId()
    for (const row of delivered) expect(copies.get(row.message_id), row.id).toBe(1)
    // A cut-off handoff may or may not have reached the server — but never twice.
    for (const row of uncertain) expect(copies.get(row.message_id) ?? 0, row.id).toBeLessThan(2)
    const audit = await relay.auditOf(ids)
    for (const row of rows) {
      const types = audit.get(row.id) ?? []
      expect(
        types.filter((x) => x === 'transfer_queued'),
        row.id,
      ).toHaveLength(1)
      const outcome =
        row.status === 'delivered' ? 'transfer_delivered' : 'transfer_handoff_uncertain'
      expect(
        types.filter((x) => x === outcome),
        row.id,
      ).toHaveLength(1)
      expect(
        types.filter((x) => x === 'transfer_delivered' || x === 'transfer_handoff_uncertain'),
        row.id,
      ).toHaveLength(1)
    }
    // The envelope stays only where an operator may still decide to send it again.
    const outbox = await t.deps.db.selectFrom('transfer_outbox').select('transfer_id').execute()
    expect(
      outbox
        .filter((o) => ids.includes(o.transfer_id))
        .map((o) => o.transfer_id)
        .sort(),
    ).toEqual(uncertain.map((r) => r.id).sort())
  }, 180_000)

  it(`when two serve processes share one ${dialect} database, then each transfer is delivered exactly once`, async () => {
    const { t } = relay
    const ids = await relay.submitMany(count)
    // Leases longer than any send here and renewed: no takeover, so a duplicate is a locking bug.
    const [a, b] = await Promise.all([
      relay.serve({ leaseSeconds: 60, heartbeatSeconds: 10 }),
      relay.serve({ leaseSeconds: 60, heartbeatSeconds: 10 }),
    ])
    await relay.waitUntilSettled(ids, 60_000)
    await Promise.all([a.stop(), b.stop()])
    // Only this test's transfers count: a case that failed before may have left some behind.
    const messageIds = await t.deps.db
      .selectFrom('transfers')
      .select('message_id')
      .where('id', 'in', ids)
      .execute()
    const copies = relay.copiesByMessageId()
    expect(messageIds.map((m) => copies.get(m.message_id) ?? 0)).toEqual(ids.map(() => 1))
    const audit = await relay.auditOf(ids)
    for (const id of ids)
      expect(
        (audit.get(id) ?? []).filter((x) => x === 'transfer_delivered'),
        id,
      ).toHaveLength(1)
    expect((await countTransfersByStatus(t.deps.db)).delivered).toBeGreaterThanOrEqual(count)
  }, 120_000)
})
