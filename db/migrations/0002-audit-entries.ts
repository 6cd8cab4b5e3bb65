import type { Kysely } from 'kysely'

/** The append-only audit table; the audit issue adds the hash chain and checkpoints. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('audit_entries')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('agency_id', 'text')
    .addColumn('subject_pseudonym', 'text')
    .addColumn('consent_id', 'text')
    .addColumn('transfer_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('audit_entries_at').on('audit_entries').column('at').execute()
}
