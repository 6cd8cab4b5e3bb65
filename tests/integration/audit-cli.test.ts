import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase, type Database } from '../../db/database.ts'
import { migrateToLatest } from '../../db/migrate.ts'
import { runCli } from '../../gateway/cli/program.ts'
import { runBrucke } from '../support/cli.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'

const secret = (byte: number) => Buffer.alloc(32, byte).toString('base64')

/** `brucke audit …` in-process against a real SQLite file, as an operator would call it. */
describe('brucke audit commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-audit-cli-'))
  const env = {
    BRUCKE_DEMO: 'false',
    BRUCKE_MASTER_KEY: secret(7),
    BRUCKE_TOKEN_KEY: secret(8),
    BRUCKE_DATA_DIR: dir,
    DATABASE_URL: `file:${join(dir, 'brucke.db')}`,
    LOG_LEVEL: 'silent',
  }
  let database: Database

  async function cli(...argv: string[]) {
    const out: string[] = []
    const err: string[] = []
    const code = await runCli(argv, {
      env,
      cwd: dir,
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    })
    return { code, out: out.join('\n'), err: err.join('\n') }
  }

  beforeAll(async () => {
    database = openDatabase(env.DATABASE_URL)
    await migrateToLatest(database)
    for (let i = 1; i <= 9; i++)
      await appendAuditEvent(database.db, {
        at: new Date(Date.UTC(2026, 2, 2, 9, i)),
        actor: 'system',
        event: { type: 'configuration_changed', what: `setting ${i}` },
      })
  })
  afterAll(async () => database.close())

  it('when the log is intact, then verify exits 0 and prints the verified head', async () => {
    expect(await cli('audit', 'checkpoint')).toMatchObject({
      code: 0,
      out: expect.stringContaining('Checkpoint signed: 9 entries') as string,
    })
    const run = await cli('audit', 'verify')
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/Audit log intact: 9 entries\.\n\s+root hash\s+[0-9a-f]{64}/)
  })

  it('when a proof is written to a file, then check-proof accepts it offline with the published key and refuses a forged one', async () => {
    const proof = await cli('audit', 'proof', '--seq', '4')
    expect(proof.code).toBe(0)
    const file = join(dir, 'proof.json')
    writeFileSync(file, proof.out)
    const key = (await cli('audit', 'public-key')).out.split('\n')[0]!
    // A separate process with no database configuration at all: the check is offline.
    const offline = await runBrucke(['audit', 'check-proof', file, '--public-key', key], {
      env: { BRUCKE_DATA_DIR: dir },
    })
    expect(offline.code).toBe(0)
    expect(offline.stdout).toContain('Proof valid: entry 4 is in the log of 9 entries')
    const forged = join(dir, 'forged.json')
    writeFileSync(forged, proof.out.replace('setting 4', 'setting X'))
    const refused = await cli('audit', 'check-proof', forged)
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('proof INVALID')
    const otherKey = await cli('audit', 'check-proof', file, '--public-key', secret(3))
    expect(otherKey.code).toBe(1)
    writeFileSync(join(dir, 'junk.json'), '{"format":"nope"}')
    expect((await cli('audit', 'check-proof', join(dir, 'junk.json'))).code).toBe(2)
  }, 60_000)

  it('when a consistency proof between two checkpoints is asked, then it is printed and checks', async () => {
    await appendAuditEvent(database.db, {
      at: new Date(Date.UTC(2026, 2, 3)),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'more' },
    })
    const signed = await cli('audit', 'checkpoint')
    const size = /Checkpoint signed: (\d+) entries/.exec(signed.out)?.[1]
    expect(size).toBeDefined()
    const proof = await cli('audit', 'proof', '--from', '9', '--to', size!)
    expect(proof.code).toBe(0)
    writeFileSync(join(dir, 'consistency.json'), proof.out)
    expect((await cli('audit', 'check-proof', join(dir, 'consistency.json'))).out).toContain(
      `is a prefix of the log of ${size} entries`,
    )
  })

  it('when exporting to a file, then the file holds the filtered rows and progress goes to stderr', async () => {
    const out = join(dir, 'export.csv')
    const run = await cli(
      'audit',
      'export',
      '--format',
      'csv',
      '--out',
      out,
      '--type',
      'configuration_changed',
    )
    expect(run.code).toBe(0)
    expect(run.err).toMatch(/exported 10 of 10 entries/)
    expect(readFileSync(out, 'utf8').trimEnd().split('\r\n')).toHaveLength(11)
    expect((await cli('audit', 'export', '--format', 'xml')).code).toBe(1)
    expect((await cli('audit', 'export', '--format', 'csv', '--from', 'gestern')).code).toBe(1)
  })

  it('when an entry is altered in the database, then verify exits 1 naming the entry and why', async () => {
    await sql`update audit_entries set data = replace(data, 'setting 6', 'setting 0') where seq = 6`.execute(
      database.db,
    )
    const run = await cli('audit', 'verify')
    expect(run.code).toBe(1)
    expect(run.out).toContain('Audit log BROKEN at entry 6: changed')
    const json = await cli('audit', 'verify', '--json')
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, seq: 6, reason: 'changed' })
    // No checkpoint is signed over entries that no longer chain (checked since the last checkpoint).
    const fresh = await appendAuditEvent(database.db, {
      at: new Date(Date.UTC(2026, 2, 4)),
      actor: 'system',
      event: { type: 'configuration_changed', what: 'fresh' },
    })
    await sql`update audit_entries set data = replace(data, 'fresh', 'stale') where seq = ${fresh.seq}`.execute(
      database.db,
    )
    expect(await cli('audit', 'checkpoint')).toMatchObject({
      code: 1,
      err: expect.stringContaining('ERR_AUDIT_CHAIN_BROKEN') as string,
    })
  })

  it('when the purge runs, then it reports what it erased', async () => {
    const run = await cli('audit', 'purge')
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/Erased the personal values of 0 audit entries older than/)
  })
})
