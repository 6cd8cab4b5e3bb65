import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * The columns that hold sealed S/MIME messages or other ciphertext (base64): the outbox envelope,
 * the sender's copy, a received item's envelope, a composer draft. PostgreSQL tries to compress
 * every value over ~2 KB before it moves it out of line (TOAST, storage `extended`); ciphertext
 * does not compress, so each ~100 KB case summary paid a failed pglz attempt on every write —
 * measured 2.5 ms of backend CPU per row against 0.9 ms stored `external` (out of line, not
 * compressed). SQLite never compresses; there is nothing to change there.
 */
const ciphertextColumns = [
  ['transfer_outbox', 'envelope'],
  ['transfer_sender_copies', 'envelope'],
  ['inbound_items', 'envelope'],
  ['composer_drafts', 'sealed'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  // Applies to values written from now on; existing rows keep how they were stored.
  for (const [table, column] of ciphertextColumns)
    await sql`alter table ${sql.table(table)} alter column ${sql.id(column)} set storage external`.execute(
      db,
    )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const [table, column] of ciphertextColumns)
    await sql`alter table ${sql.table(table)} alter column ${sql.id(column)} set storage extended`.execute(
      db,
    )
}
