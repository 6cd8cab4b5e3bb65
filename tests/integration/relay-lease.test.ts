import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  claimDueTransfers,
  insertQueuedTransfer,
  renewClaim,
  settleTransfer,
} from '../../db/transfer-repository.ts'
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
    const lost = { id: id!, worker: holder, now: t.clock.now() }
    expect(await renewClaim(t.deps.db, { ...lost, leaseUntil: t.clock.now() })).toBe(false)
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
  }, 90_000)
})
