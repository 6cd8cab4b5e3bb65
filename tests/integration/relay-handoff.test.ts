import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects } from '../support/databases.ts'
import { startServeRelay, type ServeRelay } from '../support/serve-relay.ts'

/**
 * Issue 19 point 3 with real `brucke serve` processes and a real SMTP server: the claims of a
 * process that died are taken over within its short, heartbeat-renewed lease; and a message the
 * SMTP server accepted is never sent again because the commit after its 250 failed — it ends
 * `handoff_uncertain`, audited, for an operator to decide.
 */
const leaseSeconds = 3

describe.each(dialects)('SMTP handoff and claims of dead processes on %s', (dialect) => {
  let relay: ServeRelay

  beforeAll(async () => {
    relay = await startServeRelay(dialect)
  }, 120_000)
  afterAll(async () => relay.close())

  async function rowsOf(ids: string[]) {
    return relay.t.deps.db
      .selectFrom('transfers')
      .select(['id', 'status', 'message_id', 'claimed_by', 'handoff_started_at'])
      .where('id', 'in', ids)
      .orderBy('id')
      .execute()
  }

  async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  it('when a serve process holding claims is SIGKILLed while its SMTP server stalls, then a second process takes the claims over within the lease and delivers each transfer once; the two cut-off handoffs end handoff_uncertain', async () => {
    const { smtp } = relay
    smtp.messages.length = 0
    smtp.stalled = 0
    smtp.mode = 'stall'
    // One round of the worker claims five; two of them go into the (stalled) SMTP sessions.
    const ids = await relay.submitMany(5)
    const a = await relay.serve({ leaseSeconds, heartbeatSeconds: 1 })
    await until('five claims and two stalled sessions', async () => {
      const rows = await rowsOf(ids)
      return smtp.stalled >= 2 && rows.every((r) => r.claimed_by !== null)
    })
    const holder = (await rowsOf(ids))[0]?.claimed_by
    const b = await relay.serve({ leaseSeconds, heartbeatSeconds: 1 })
    // Three leases long, the live (stalled) process keeps every claim: its heartbeat renews them.
    await new Promise((r) => setTimeout(r, 3 * leaseSeconds * 1000))
    const held = await rowsOf(ids)
    expect(held.map((r) => [r.status, r.claimed_by])).toEqual(ids.map(() => ['queued', holder]))
    expect(held.filter((r) => r.handoff_started_at !== null)).toHaveLength(2)

    smtp.mode = 'accept'
    a.child.kill('SIGKILL')
    await new Promise((r) => a.child.once('close', r))
    // Well below the old fixed lease of 300 s: a few leases of slack for a loaded machine.
    await relay.waitUntilSettled(ids, 10 * leaseSeconds * 1000)
    await b.stop()

    const rows = await rowsOf(ids)
    const delivered = rows.filter((r) => r.status === 'delivered')
    const uncertain = rows.filter((r) => r.status === 'handoff_uncertain')
    expect(delivered).toHaveLength(3)
    expect(uncertain).toHaveLength(2)
    // The stalled server never answered, so it kept nothing; nothing was sent twice.
    const copies = relay.copiesByMessageId()
    for (const row of delivered) expect(copies.get(row.message_id), row.id).toBe(1)
    for (const row of uncertain) expect(copies.get(row.message_id), row.id).toBeUndefined()
    const audit = await relay.auditOf(ids)
    // The sending side's events (the recipient hosted here also logs its receipt of the item).
    const sending = (types: string[] | undefined) =>
      types?.filter((x) => x.startsWith('transfer_') && x !== 'transfer_queued')
    for (const row of delivered) expect(sending(audit.get(row.id))).toEqual(['transfer_delivered'])
    for (const row of uncertain)
      expect(sending(audit.get(row.id))).toEqual(['transfer_handoff_uncertain'])
  }, 180_000)

  it('when the commit after the SMTP 250 fails every time, then the transfer is not sent again: it ends handoff_uncertain with an audit entry and keeps its envelope', async () => {
    const { t, smtp } = relay
    smtp.messages.length = 0
    smtp.mode = 'accept'
    // The outcome commit fails as on a full disk: a trigger refuses the row's move to `delivered`.
    if (dialect === 'sqlite') {
      await sql`create trigger fail_delivered before update of status on transfers
        when new.status = 'delivered'
        begin select raise(abort, 'simulated: database or disk is full'); end`.execute(t.deps.db)
    } else {
      await sql`create function fail_delivered() returns trigger language plpgsql as $$
        begin raise exception 'simulated: could not extend file: No space left on device'; end $$`.execute(
        t.deps.db,
      )
      await sql`create trigger fail_delivered before update on transfers for each row
        when (new.status = 'delivered') execute function fail_delivered()`.execute(t.deps.db)
    }
    const ids = await relay.submitMany(3)
    const serve = await relay.serve({ leaseSeconds, heartbeatSeconds: 1 })
    try {
      await relay.waitUntilSettled(ids, 60_000)
      // The database works again; the transfers must stay where they are, for several leases.
      if (dialect === 'sqlite') await sql`drop trigger fail_delivered`.execute(t.deps.db)
      else await sql`drop trigger fail_delivered on transfers`.execute(t.deps.db)
      await new Promise((r) => setTimeout(r, 3 * leaseSeconds * 1000))
    } finally {
      await serve.stop()
    }
    const rows = await rowsOf(ids)
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'handoff_uncertain'))
    // Each message reached the SMTP server exactly once: accepted, never re-sent.
    const copies = relay.copiesByMessageId()
    for (const row of rows) expect(copies.get(row.message_id), row.id).toBe(1)
    const audit = await relay.auditOf(ids)
    for (const row of rows)
      expect(audit.get(row.id)?.filter((x) => x !== 'transfer_queued')).toEqual([
        'transfer_handoff_uncertain',
      ])
    const outbox = await t.deps.db
      .selectFrom('transfer_outbox')
      .select('transfer_id')
      .where('transfer_id', 'in', ids)
      .execute()
    expect(outbox).toHaveLength(3)
  }, 180_000)
})
