/**
 * Audit append rate on SQLite and PostgreSQL (issue 5, point 8): entries per second through
 * `appendAuditEvent`, each append its own transaction with the head-row lock, as the gateway does.
 * PostgreSQL is measured when it answers at TEST_POSTGRES_URL (default 127.0.0.1:5432/test).
 *
 * Run: `npx tsx bench/audit-append.bench.ts [count]` (or through `npm run bench`).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import pg from 'pg'
import { appendAuditEvent } from '../db/audit-repository.ts'
import { openDatabase, type Database } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'

const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

async function appendMany(database: Database, count: number): Promise<number> {
  const at = new Date('2026-03-02T09:00:00.000Z')
  // Warm-up outside the clock.
  for (let i = 0; i < 50; i++)
    await appendAuditEvent(database.db, {
      at,
      actor: 'system',
      event: { type: 'configuration_changed', what: 'warm-up' },
    })
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    await appendAuditEvent(database.db, {
      at,
      actor: 'user:staff-bench',
      event:
        i % 3 === 0
          ? {
              type: 'pseudonym_resolved',
              subjectPseudonym: `psn_${i}`,
              statedReason: 'bench',
              found: true,
            }
          : { type: 'login_succeeded', userId: 'staff-bench', agencyId: 'jc-demo' },
    })
  }
  return count / (Number(process.hrtime.bigint() - start) / 1e9)
}

async function benchSqlite(count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'brucke-bench-append-'))
  const database = openDatabase(`file:${join(dir, 'audit.db')}`)
  try {
    await migrateToLatest(database)
    return await appendMany(database, count)
  } finally {
    await database.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function benchPostgres(count: number): Promise<number | undefined> {
  const admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 })
  try {
    await admin.connect()
  } catch {
    return undefined
  }
  const schema = `bench_${randomBytes(5).toString('hex')}`
  await admin.query(`create schema ${schema}`)
  const database = openDatabase(`${postgresUrl}?schema=${schema}`)
  try {
    await migrateToLatest(database)
    return await appendMany(database, count)
  } finally {
    await database.close()
    await admin.query(`drop schema ${schema} cascade`)
    await admin.end()
  }
}

export async function run(count = 5000): Promise<{ sqlite: number; postgres: number | undefined }> {
  const sqlite = await benchSqlite(count)
  const postgres = await benchPostgres(count)
  const rate = (n: number) => `${Math.round(n).toLocaleString('en')} entries/s`
  console.log(
    `audit append rate (${count.toLocaleString('en')} appends, one transaction each, head row locked)`,
  )
  console.log(`  SQLite      ${rate(sqlite)}`)
  console.log(
    `  PostgreSQL  ${postgres === undefined ? 'not reachable — skipped' : rate(postgres)}`,
  )
  return { sqlite, postgres }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const count = Number(process.argv[2] ?? 5000)
  await run(Number.isInteger(count) && count > 0 ? count : undefined)
}
