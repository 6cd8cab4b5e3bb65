import { sql, type Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DialectName } from '../../db/database.ts'
import type { Tables } from '../../db/tables.ts'
import { dialects } from '../support/databases.ts'
import { createTestDeps, type TestDeps } from '../support/test-deps.ts'

/**
 * The audit log's lookups by transfer, consent and subject run on partial indexes (only the rows
 * that have the value, migration 0310): every lookup asks for a value, so each must still be
 * answered by its index — by a prepared statement too, as the gateway sends them on PostgreSQL
 * (db/postgres-named-statements.ts), where the plan is made without knowing the value.
 */
const lookups = [
  ['transfer_id', 'audit_entries_transfer'],
  ['consent_id', 'audit_entries_consent'],
  ['subject_pseudonym', 'audit_entries_subject'],
] as const

/**
 * The plan of `select seq from audit_entries where <column> = ?` (or `in (?, ?)`, as the receipts
 * look up the entries of their transfers), as one text.
 */
async function planOf(
  db: Kysely<Tables>,
  dialect: DialectName,
  column: string,
  form: 'equal' | 'in' = 'equal',
): Promise<string> {
  const condition = form === 'equal' ? `${column} = $1` : `${column} in ($1, $2)`
  if (dialect === 'sqlite') {
    // Bound parameters, as the gateway runs it: SQLite plans the statement before any value.
    const where =
      form === 'equal'
        ? sql`${sql.ref(column)} = ${'x'}`
        : sql`${sql.ref(column)} in (${'x'}, ${'y'})`
    const { rows } = await sql<{
      detail: string
    }>`explain query plan select seq from audit_entries where ${where}`.execute(db)
    return rows.map((row) => row.detail).join('\n')
  }
  // One connection: the settings and the prepared statement are the session's.
  return db.connection().execute(async (connection) => {
    // An empty table is cheaper to scan than to look up; the question is whether the index can
    // answer, and with a generic plan (no value known) as a named statement may get.
    await sql`set enable_seqscan = off`.execute(connection)
    await sql`set plan_cache_mode = force_generic_plan`.execute(connection)
    await sql
      .raw(`prepare audit_lookup (text, text) as select seq from audit_entries where ${condition}`)
      .execute(connection)
    try {
      const { rows } = await sql<{
        'QUERY PLAN': string
      }>`explain execute audit_lookup('x', 'y')`.execute(connection)
      return rows.map((row) => row['QUERY PLAN']).join('\n')
    } finally {
      await sql`deallocate audit_lookup`.execute(connection)
      await sql`reset enable_seqscan`.execute(connection)
      await sql`reset plan_cache_mode`.execute(connection)
    }
  })
}

/** The names of the audit log's indexes, from the database's own catalogue. */
async function auditIndexes(db: Kysely<Tables>, dialect: DialectName): Promise<string[]> {
  if (dialect === 'sqlite') {
    const { rows } = await sql<{
      name: string
    }>`select name from sqlite_master where type = 'index' and tbl_name = 'audit_entries' and sql is not null`.execute(
      db,
    )
    return rows.map((row) => row.name).sort()
  }
  const { rows } = await sql<{
    indexname: string
  }>`select indexname from pg_indexes where tablename = 'audit_entries' and schemaname = current_schema() and indexname <> 'audit_entries_pkey'`.execute(
    db,
  )
  return rows.map((row) => row.indexname).sort()
}

describe.each(dialects)('audit log indexes on %s', (dialect) => {
  let t: TestDeps
  beforeAll(async () => {
    t = await createTestDeps(dialect)
  })
  afterAll(async () => t.close())

  it.each(lookups)(
    'when entries are looked up by %s, then the partial index %s answers',
    async (column, index) => {
      expect(await planOf(t.deps.db, dialect, column)).toContain(index)
    },
  )

  it('when the entries of several transfers are looked up at once, then the partial index answers', async () => {
    expect(await planOf(t.deps.db, dialect, 'transfer_id', 'in')).toContain(
      'audit_entries_transfer',
    )
  })

  it('when an entry is appended, then no index over its random entry hash is written', async () => {
    expect(await auditIndexes(t.deps.db, dialect)).toEqual([
      'audit_entries_actor',
      'audit_entries_at',
      'audit_entries_consent',
      'audit_entries_subject',
      'audit_entries_transfer',
      'audit_entries_type',
    ])
  })
})
