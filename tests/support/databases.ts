import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openDatabase, type Database, type DialectName } from '../../db/database.ts'
import { migrateToLatest } from '../../db/migrate.ts'

export const postgresAdminUrl =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const strict = process.env.CI === 'true' || process.env.CI === '1'

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({
    connectionString: postgresAdminUrl,
    connectionTimeoutMillis: 3000,
  })
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } catch (error) {
    if (strict) {
      throw new Error(
        `CI=true but PostgreSQL at ${postgresAdminUrl} does not answer: ${(error as Error).message}`,
      )
    }
    console.warn(
      `[tests] PostgreSQL at ${postgresAdminUrl} does not answer — PostgreSQL tests skipped (they run in CI).`,
    )
    return false
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** The dialects every integration test runs against: SQLite always, PostgreSQL when it answers (always in CI). */
export const dialects: DialectName[] = (await postgresAnswers())
  ? ['sqlite', 'postgres']
  : ['sqlite']

export interface TestDatabase {
  dialect: DialectName
  url: string
  database: Database
  /** Closes and removes the file or schema. */
  drop(): Promise<void>
}

/** A fresh, migrated database: a temporary SQLite file or a PostgreSQL schema of its own. */
export async function createTestDatabase(
  dialect: DialectName,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'brucke-test-'))
    const url = `file:${join(dir, 'brucke.db')}`
    const database = openDatabase(url)
    if (options.migrate !== false) await migrateToLatest(database)
    return {
      dialect,
      url,
      database,
      drop: async () => {
        await database.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const schema = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresAdminUrl })
  await admin.connect()
  await admin.query(`create schema ${schema}`)
  await admin.end()
  const url = `${postgresAdminUrl}?schema=${schema}`
  const database = openDatabase(url)
  if (options.migrate !== false) await migrateToLatest(database)
  return {
    dialect,
    url,
    database,
    drop: async () => {
      await database.close()
      const cleanup = new pg.Client({ connectionString: postgresAdminUrl })
      await cleanup.connect()
      await cleanup.query(`drop schema if exists ${schema} cascade`)
      await cleanup.end()
    },
  }
}
