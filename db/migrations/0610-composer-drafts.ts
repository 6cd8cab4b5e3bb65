import type { Kysely } from 'kysely'

/**
 * Composer drafts (issue 18 point 3): a case summary a staff member started and put aside, kept
 * for its author only. The content — name, recipient, purpose, necessity, sections — is sealed
 * with AES-256-GCM under a key derived from the master key (`crypto/sealed-record.ts`); beside it
 * only the ids needed to find and authorise it. Erased with its consent.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('composer_drafts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('author_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('composer_drafts_author_consent')
    .on('composer_drafts')
    .columns(['author_user_id', 'consent_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('composer_drafts').execute()
}
