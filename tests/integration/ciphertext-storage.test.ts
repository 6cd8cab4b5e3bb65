import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest } from '../../db/migrate.ts'
import { migrations } from '../../db/migrations/index.ts'
import { createTestDatabase, dialects } from '../support/databases.ts'

/** The columns migration 0640 stores without a compression attempt (sealed messages, ciphertext). */
const ciphertextColumns = [
  ['transfer_outbox', 'envelope'],
  ['transfer_sender_copies', 'envelope'],
  ['inbound_items', 'envelope'],
  ['composer_drafts', 'sealed'],
] as const

/** PostgreSQL only: SQLite never compresses a value, so migration 0640 changes nothing there. */
describe.runIf(dialects.includes('postgres'))('ciphertext columns on PostgreSQL', () => {
  it('when the database is migrated, then every ciphertext column is stored out of line without compression (external), and a migration back restores the default', async () => {
    const database = await createTestDatabase('postgres')
    const storageOf = async (table: string, column: string) => {
      const { rows } = await sql<{ storage: string }>`
        select a.attstorage as storage
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        where c.relnamespace = current_schema()::regnamespace
          and c.relname = ${table} and a.attname = ${column}`.execute(database.database.db)
      return rows[0]?.storage
    }
    try {
      for (const [table, column] of ciphertextColumns)
        expect(`${table}.${column}=${await storageOf(table, column)}`).toBe(`${table}.${column}=e`)
      // A column of the same tables that is no ciphertext keeps PostgreSQL's default.
      expect(await storageOf('transfer_outbox', 'transfer_id')).toBe('x')

      await migrations['0640-ciphertext-storage']?.down?.(database.database.db)
      for (const [table, column] of ciphertextColumns)
        expect(await storageOf(table, column)).toBe('x')
      // The migrator's record still says 0640 is applied; the check above is of `down` alone.
      expect((await migrateToLatest(database.database)).applied).toEqual([])
    } finally {
      await database.drop()
    }
  })
})
