import type { Kysely } from 'kysely'

/** Kiosk state per device, pushed drafts, receipts, self-service sessions, majority reviews. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('kiosk_states')
    .addColumn('kiosk_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('choices', 'text', (c) => c.notNull())
    .addColumn('receipt_code', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('kiosk_pushes')
    .addColumn('kiosk_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('pushed_by', 'text', (c) => c.notNull())
    .addColumn('pushed_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('receipts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('receipts_subject')
    .on('receipts')
    .column('subject_pseudonym')
    .execute()

  await db.schema
    .createTable('self_service_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('receipt_id', 'text', (c) => c.notNull().references('receipts.id'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('majority_reviews')
    .addColumn('consent_id', 'text', (c) => c.primaryKey().references('consents.id'))
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('came_of_age_on', 'text', (c) => c.notNull())
    .addColumn('confirm_by', 'text', (c) => c.notNull())
    .addColumn('flagged_at', 'text', (c) => c.notNull())
    .addColumn('confirmed_at', 'text')
    .addColumn('lapsed_at', 'text')
    .execute()
}
