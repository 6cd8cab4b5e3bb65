import type { Kysely } from 'kysely'

/**
 * Fewer index pages written per audit append (issue 19, point 9c: every decision appends one).
 *
 * - `audit_entries_hash` goes. Its only reader is verification's diagnosis after it has already
 *   found a break (`findSeqByEntryHash`: "is the missing entry stored elsewhere?"), at most twice
 *   per failed run; a scan of the table answers that too. Its keys are random, so every entry of
 *   a group landed on a leaf of its own: of the 28 log pages a group commit of eight decisions
 *   wrote, 11 were this index's (measured on SQLite, 2 000 groups; 17 without it).
 * - The transfer, consent and subject indexes keep only rows that have the value. Most entries
 *   lack one of them (a login has none, a decision no transfer), and every lookup asks for a
 *   value (`= ?`), which the partial index answers. Both databases use a partial index for such an
 *   equality, also in a prepared statement (`tests/integration/audit-indexes.test.ts`).
 */
const partial = [
  ['audit_entries_transfer', 'transfer_id'],
  ['audit_entries_consent', 'consent_id'],
  ['audit_entries_subject', 'subject_pseudonym'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_entries_hash').execute()
  for (const [name, column] of partial) {
    await db.schema.dropIndex(name).execute()
    await db.schema
      .createIndex(name)
      .on('audit_entries')
      .column(column)
      .where(column, 'is not', null)
      .execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name, column] of partial) {
    await db.schema.dropIndex(name).execute()
    await db.schema.createIndex(name).on('audit_entries').column(column).execute()
  }
  await db.schema
    .createIndex('audit_entries_hash')
    .on('audit_entries')
    .column('entry_hash')
    .execute()
}
