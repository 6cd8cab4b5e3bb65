/**
 * SQLite's write-ahead log is checkpointed only by the WAL checkpointer of `brucke serve`, never
 * inside a request's commit (issue 19, point 9d): the log grows across requests — past the 1000
 * pages at which SQLite's default would have checkpointed in a commit — without being reset, and
 * only after the checkpointer's PASSIVE checkpoint does the next write start it over, cut back.
 */
import { openSync, readSync, closeSync, statSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { startWalCheckpointer } from '../../gateway/db-maintenance/wal-checkpointer.ts'
import { seedAccounts } from '../support/accounts.ts'
import { dialects } from '../support/databases.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/** Salt-1 of the WAL header (bytes 16–19): SQLite picks a new one each time it resets the log. */
function walSalt(path: string): number {
  const fd = openSync(path, 'r')
  try {
    const header = Buffer.alloc(32)
    readSync(fd, header, 0, 32, 0)
    return header.readUInt32BE(16)
  } finally {
    closeSync(fd)
  }
}

let t: TestDeps | undefined
let server: TestServer | undefined
afterEach(async () => {
  await server?.close()
  await t?.close()
})

describe('WAL checkpoints (SQLite)', () => {
  it('no request checkpoints; the periodic PASSIVE checkpoint does, and the log is cut back', async () => {
    // An interval far beyond the test: the checkpointer runs only when stopped (its final tick).
    t = await createTestDeps('sqlite', { config: { sqliteCheckpointIntervalMs: 60_000 } })
    const checkpointer = await startWalCheckpointer(t.deps)
    expect(checkpointer).toBeDefined()
    const { tokens } = await seedAccounts(t.deps)
    server = await startTestServer(t.deps)
    const walPath = `${t.testDatabase.url.slice('file:'.length)}-wal`
    const draft = await server.api('POST', '/consents', {
      token: tokens['staff-jc'],
      body: {
        kind: 'einwilligung',
        subject: { givenName: 'Wal', familyName: 'Person', birthDate: '2004-04-04' },
        senders: ['jc-demo'],
        recipients: ['aa-demo'],
        purposes: ['uebergabe'],
        categories: ['schule'],
        validUntil: '2026-12-31',
      },
    })
    expect(draft.status).toBe(201)
    const consentId = (draft.body as { id: string }).id
    const salt = walSalt(walPath)
    let size = statSync(walPath).size
    // Each decision appends its audit entry in a commit of its own. 4.5 MiB of log is more than
    // the 1000 pages (4 MiB) after which SQLite's default checkpoints inside a commit.
    let requests = 0
    while (size < 4.5 * 1024 * 1024) {
      const decision = await server.api('POST', '/decisions', {
        token: tokens['staff-jc'],
        body: { consentId, to: 'aa-demo', purpose: 'uebergabe', categories: ['schule'] },
      })
      expect(decision.status).toBe(200)
      requests++
      const now = statSync(walPath).size
      expect(now).toBeGreaterThanOrEqual(size)
      expect(walSalt(walPath)).toBe(salt)
      size = now
      expect(requests).toBeLessThan(5000)
    }

    await checkpointer?.stop()
    // Everything was copied back by the final PASSIVE checkpoint: a new one finds nothing left.
    const again = await t.deps.database.checkpointWal?.()
    expect(again).toMatchObject({ busy: false })
    expect(again?.walFrames).toBe(again?.checkpointedFrames)
    // The next write starts the log over (new salt) and cuts the file back to 4 MiB.
    const decision = await server.api('POST', '/decisions', {
      token: tokens['staff-jc'],
      body: { consentId, to: 'aa-demo', purpose: 'uebergabe', categories: ['schule'] },
    })
    expect(decision.status).toBe(200)
    expect(walSalt(walPath)).not.toBe(salt)
    expect(statSync(walPath).size).toBeLessThanOrEqual(4 * 1024 * 1024)
  }, 120_000)

  it.runIf(dialects.includes('postgres'))('PostgreSQL has no WAL checkpointer of ours', async () => {
    const pgDeps = await createTestDeps('postgres')
    try {
      expect(await startWalCheckpointer(pgDeps.deps)).toBeUndefined()
    } finally {
      await pgDeps.close()
    }
  })
})
