import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  beginHandoff,
  claimDueTransfers,
  extendClaims,
  insertQueuedTransfer,
  settleTransfer,
} from '../../db/transfer-repository.ts'
import { reconcileUncertainHandoffs } from '../../gateway/relay/handoff-reconcile.ts'
import { listAuditEntries } from '../../db/audit-repository.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

const worker = fileURLToPath(new URL('./relay-claim-worker.ts', import.meta.url))
const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const leaseMs = 60_000

interface WorkerProcess {
  /** Resolves once the process is connected and waits for the start signal. */
  ready: Promise<void>
  go(): void
  /** The transfers it claimed, or a rejection with what it wrote to stderr. */
  result: Promise<string[]>
}

/** A delivery worker in its own process, claiming at the instant `now` (the test's clock). */
function startWorker(url: string, name: string, now: Date): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', worker, url, name, now.toISOString(), String(leaseMs)],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] },
  )
  let stdout = ''
  let stderr = ''
  let signalReady: () => void = () => undefined
  const ready = new Promise<void>((resolve) => (signalReady = resolve))
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    if (stdout.startsWith('ready\n')) signalReady()
  })
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const result = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (code !== 0 || !line) reject(new Error(`${name} exited ${code}: ${stderr}`))
      else resolve((JSON.parse(line) as { claimed: string[] }).claimed)
    })
  })
  return { ready, go: () => child.stdin.end('go\n'), result }
}

/**
 * The outbox lease (docs/design.md §3.3): a queued transfer is sent by one worker only. Two delivery
 * workers in two processes race on one database — PostgreSQL, or one SQLite file — and the clock
 * each claims at is the test's.
 */
describe.each(dialects)('outbox leases on %s', (dialect) => {
  let t: TestDeps
  let n = 0
  beforeAll(async () => {
    t = await createTestDeps(dialect)
    await seedAccounts(t.deps)
  })
  afterAll(async () => t.close())

  async function queue(count: number): Promise<string[]> {
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const id = `trf_lease_${dialect}_${++n}`
      await insertQueuedTransfer(t.deps.db, {
        id,
        kind: 'transfer',
        senderAgencyId: 'jc-demo',
        recipientAgencyId: 'ja-demo',
        senderMailbox: 'u25@jc.example.test',
        recipientMailbox: 'ja@example.test',
        staffId: 'staff-jc',
        consentId: 'cns_lease',
        purpose: 'hilfeplanung',
        categories: ['schule'],
        subjectPseudonym: 'psn_lease',
        plaintextSha256: 'a'.repeat(64),
        envelopeSha256: 'b'.repeat(64),
        messageId: `<${id}@brucke.test>`,
        envelope: `To: ja@example.test\r\n\r\n${id}`,
        at: t.clock.now(),
        giveUpAt: new Date(t.clock.now().getTime() + 86_400_000),
      })
      ids.push(id)
    }
    return ids
  }

  let races = 0
  /** Two fresh worker processes (named `a<n>`, `b<n>`) claim at `now`; what each claimed. */
  async function race(
    now: Date,
  ): Promise<{ names: [string, string]; claimed: [string[], string[]] }> {
    races++
    const names: [string, string] = [`a${races}`, `b${races}`]
    const a = startWorker(t.testDatabase.url, names[0], now)
    const b = startWorker(t.testDatabase.url, names[1], now)
    await Promise.all([a.ready, b.ready])
    a.go()
    b.go()
    return { names, claimed: await Promise.all([a.result, b.result]) }
  }

  it('when two worker processes race for the same due transfers, then each is claimed by exactly one', async () => {
    const ids = await queue(12)
    const {
      claimed: [a, b],
    } = await race(t.clock.now())
    expect([...a, ...b].sort()).toEqual([...ids].sort())
    expect(a.filter((id) => b.includes(id))).toEqual([])
    // Delivered, so they do not come due again in the next test.
    await t.deps.db
      .updateTable('transfers')
      .set({ status: 'delivered', claimed_by: null, claim_expires_at: null })
      .where('id', 'in', ids)
      .execute()
  }, 60_000)

  it('when a transfer is claimed and its lease is live, then a second worker claims nothing until the lease expires', async () => {
    const [id] = await queue(1)
    const first = await race(t.clock.now())
    expect(first.claimed.flat()).toEqual([id])
    const holder = first.names[first.claimed[0].length === 1 ? 0 : 1]

    // Within the lease: neither other processes nor another worker in this one get it.
    t.clock.advance(leaseMs - 1000)
    expect((await race(t.clock.now())).claimed).toEqual([[], []])
    const sameProcess = await claimDueTransfers(t.deps.db, {
      worker: 'worker-c',
      now: t.clock.now(),
      leaseUntil: new Date(t.clock.now().getTime() + leaseMs),
      limit: 5,
      dialect,
    })
    expect(sameProcess).toEqual([])

    // Once the lease ran out, the next worker takes it over, and the first has lost it.
    t.clock.advance(2000)
    const after = await race(t.clock.now())
    expect(after.claimed.flat()).toEqual([id])
    const successor = after.names[after.claimed[0].length === 1 ? 0 : 1]
    const lost = { id: id!, worker: holder }
    expect(
      await beginHandoff(t.deps.db, { ...lost, at: t.clock.now(), leaseUntil: t.clock.now() }),
    ).toBe(false)
    expect(
      await extendClaims(t.deps.db, { worker: holder, ids: [id!], leaseUntil: t.clock.now() }),
    ).toBe(0)
    expect(
      await settleTransfer(t.deps.db, {
        ...lost,
        at: t.clock.now(),
        status: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
      }),
    ).toBe(false)
    const row = await t.deps.db
      .selectFrom('transfers')
      .select(['status', 'claimed_by'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ status: 'queued', claimed_by: successor })
    await t.deps.db
      .updateTable('transfers')
      .set({ status: 'delivered' })
      .where('id', '=', id!)
      .execute()
  }, 90_000)

  /** Claims due transfers in this process at the test clock's instant. */
  const claimNow = (worker: string, lease = leaseMs) =>
    claimDueTransfers(t.deps.db, {
      worker,
      now: t.clock.now(),
      leaseUntil: new Date(t.clock.now().getTime() + lease),
      limit: 5,
      dialect,
    })

  it('when a live worker renews its claim by heartbeat, then nobody takes it past the first lease; once the beats stop, the next worker does within one lease', async () => {
    const [id] = await queue(1)
    expect((await claimNow('w-live')).map((c) => c.transfer.id)).toEqual([id])
    for (let beat = 0; beat < 5; beat++) {
      t.clock.advance(leaseMs / 2)
      const until = new Date(t.clock.now().getTime() + leaseMs)
      expect(
        await extendClaims(t.deps.db, { worker: 'w-live', ids: [id!], leaseUntil: until }),
      ).toBe(1)
      expect(await claimNow('w-other')).toEqual([])
    }
    // The process died after its last beat: one lease later its claim is free.
    t.clock.advance(leaseMs + 1)
    expect((await claimNow('w-other')).map((c) => c.transfer.id)).toEqual([id])
    await t.deps.db
      .updateTable('transfers')
      .set({ status: 'delivered' })
      .where('id', '=', id!)
      .execute()
  })

  it('when a worker started the SMTP handoff and its lease ran out without an outcome, then no worker claims it again; it is reconciled to handoff_uncertain with one audit entry, and a late outcome of that handoff still settles it', async () => {
    const [id] = await queue(1)
    await claimNow('w-dead')
    const startedAt = t.clock.now()
    expect(
      await beginHandoff(t.deps.db, {
        id: id!,
        worker: 'w-dead',
        at: startedAt,
        leaseUntil: new Date(startedAt.getTime() + leaseMs),
      }),
    ).toBe(true)
    // Within the lease nothing happens to it; after it, it is still never claimed for a send.
    expect(await reconcileUncertainHandoffs(t.deps)).toBe(0)
    t.clock.advance(leaseMs + 1)
    expect(await claimNow('w-next')).toEqual([])
    expect(await reconcileUncertainHandoffs(t.deps)).toBe(1)
    expect(await reconcileUncertainHandoffs(t.deps)).toBe(0)
    expect(await claimNow('w-next')).toEqual([])
    const row = await t.deps.db
      .selectFrom('transfers')
      .select(['status', 'handoff_started_at', 'handoff_worker', 'claimed_by'])
      .where('id', '=', id!)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({
      status: 'handoff_uncertain',
      handoff_started_at: startedAt.toISOString(),
      handoff_worker: 'w-dead',
      claimed_by: null,
    })
    const entries = await listAuditEntries(t.deps.db, { limit: 10_000 })
    const mine = entries.filter((e) => 'transferId' in e.event && e.event.transferId === id)
    expect(mine.map((e) => e.event.type)).toEqual(['transfer_handoff_uncertain'])
    expect(mine[0]?.event).toMatchObject({ attempt: 1, handoffStartedAt: startedAt.toISOString() })

    // Another handoff's outcome does not settle it; the one it stands for does.
    const late = {
      id: id!,
      worker: 'w-dead',
      at: t.clock.now(),
      status: 'delivered' as const,
      attempts: 1,
      nextAttemptAt: null,
    }
    expect(await settleTransfer(t.deps.db, { ...late, handoffStartedAt: t.clock.now() })).toBe(
      false,
    )
    expect(await settleTransfer(t.deps.db, { ...late, handoffStartedAt: startedAt })).toBe(true)
  })
})
