import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/database.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { verifyStoredAuditLog } from '../../gateway/audit/verify-audit-log.ts'
import type { Deps } from '../../gateway/deps.ts'
import { seedAccounts } from '../support/accounts.ts'
import { startTestServer, type TestServer } from '../support/http-client.ts'
import { depsOnDatabase } from '../support/test-deps.ts'

/**
 * Issue 19 point 2: the SQLite database on a small tmpfs of its own, filled through the API until
 * the disk is full. The writes that do not fit answer 507 `storage_full` (never 500, never the
 * misleading "cannot rollback"), `/readyz` says why it is not ready, nothing half-written stays,
 * and once space is freed the same gateway carries on by itself.
 */
function mountSmallTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=6m,mode=0700', 'tmpfs', dir], {
      stdio: 'pipe',
    })
    return dir
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    console.warn(
      `[tests] disk-full test skipped: cannot mount a tmpfs (needs root): ${(error as Error).message}`,
    )
    return undefined
  }
}

const mountDir = mountSmallTmpfs()
const subject = { givenName: 'Ilvy', familyName: 'Brannholm', birthDate: '2005-03-09' }

describe.skipIf(!mountDir)('SQLite on a full disk', () => {
  const dir = mountDir as string
  const fillerPath = join(dir, 'filler')
  let database: Database
  let deps: Deps
  let logLines: string[]
  let server: TestServer
  let staffToken: string

  beforeAll(async () => {
    database = openDatabase(`file:${join(dir, 'brucke.db')}`)
    await migrateToLatest(database)
    ;({ deps, logLines } = depsOnDatabase(database, { config: { readyMinFreeMb: 1 } }))
    staffToken = (await seedAccounts(deps)).tokens['staff-jc'] as string
    server = await startTestServer(deps)
  }, 120_000)

  afterAll(async () => {
    await server?.close()
    await database?.close()
    execFileSync('umount', [dir])
    rmSync(dir, { recursive: true, force: true })
  })

  const draft = () =>
    server.api('POST', '/consents', {
      token: staffToken,
      body: {
        kind: 'einwilligung',
        subject,
        senders: ['jc-demo'],
        recipients: ['ja-demo'],
        purposes: ['hilfeplanung'],
        categories: ['schule'],
        validUntil: '2026-09-30', // within a year of the test clock's start
      },
    })

  it('when the disk fills up, then 507 storage_full and not ready; once space is freed, writes go on and nothing is damaged', async () => {
    // Leave about 384 KiB free: a few dozen drafts fit, then the disk is full.
    const { bavail, bsize } = statfsSync(dir)
    writeFileSync(fillerPath, Buffer.alloc(Math.max(0, bavail * bsize - 384 * 1024)))

    let created = 0
    let refusal: Awaited<ReturnType<typeof draft>> | undefined
    for (let i = 0; i < 2000 && !refusal; i++) {
      const response = await draft()
      if (response.status === 201) created++
      else refusal = response
    }
    expect(created, JSON.stringify(refusal?.body)).toBeGreaterThan(0)
    expect(refusal?.status, JSON.stringify(refusal?.body)).toBe(507)
    expect(refusal?.body).toMatchObject({ error: { code: 'storage_full' } })
    expect(refusal?.headers.get('retry-after')).toBe('60')
    // Still full: every further write is the same answer, never a 500.
    for (let i = 0; i < 3; i++) expect((await draft()).status).toBe(507)

    const notReady = await server.api('GET', '/readyz')
    expect(notReady.status).toBe(503)
    // A small write may still fit into space the failed transaction freed: the probe's write
    // alone would say ready; the free space on the disk says not.
    expect(notReady.body).toMatchObject({
      status: 'not_ready',
      checks: [{ name: 'database', ok: false }],
    })
    const [databaseCheck] = (notReady.body as { checks: { reason: string }[] }).checks
    expect(databaseCheck?.reason).toMatch(/^database storage full: /)
    const log = logLines.join('')
    expect(log).toContain('database storage full: SQLITE_FULL')
    expect(log).not.toContain('cannot rollback')
    expect(log).not.toContain(subject.familyName)

    rmSync(fillerPath)
    const after = await draft()
    expect(after.status, JSON.stringify(after.body)).toBe(201)
    created++
    expect((await server.api('GET', '/readyz')).status).toBe(200)

    // Nothing half-written: exactly the acknowledged drafts exist, each with its audit entry,
    // the chain verifies and SQLite finds its file intact.
    const consents = await deps.db.selectFrom('consents').select('id').execute()
    expect(consents).toHaveLength(created)
    const createdEntries = await deps.db
      .selectFrom('audit_entries')
      .select('seq')
      .where('type', '=', 'consent_created')
      .execute()
    expect(createdEntries).toHaveLength(created)
    expect(await verifyStoredAuditLog(deps)).toMatchObject({ ok: true })
    const check = new SqliteDatabase(join(dir, 'brucke.db'), { readonly: true })
    try {
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      check.close()
    }
  }, 120_000)
})
