import type { Kysely } from 'kysely'

/**
 * The relay store (docs/design.md §3.3): transfers and revocation notices (one table, `kind`), the
 * outbox holding only the encrypted envelope until delivery, and data requests between agencies.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('sender_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('recipient_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('staff_id', 'text', (c) => c.notNull())
    .addColumn('consent_id', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('related_transfer_ids', 'text', (c) => c.notNull())
    .addColumn('plaintext_sha256', 'text', (c) => c.notNull())
    .addColumn('envelope_sha256', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text')
    .addColumn('give_up_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('smtp_response', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute()
  await db.schema
    .createIndex('transfers_due')
    .on('transfers')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('transfers_sender')
    .on('transfers')
    .columns(['sender_agency_id', 'created_at'])
    .execute()
  await db.schema.createIndex('transfers_consent').on('transfers').column('consent_id').execute()

  await db.schema
    .createTable('transfer_outbox')
    .addColumn('transfer_id', 'text', (c) => c.primaryKey().references('transfers.id'))
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('data_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requester_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('requester_staff_id', 'text', (c) => c.notNull())
    .addColumn('holder_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('consent_id', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('answered_by_transfer_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .execute()
  await db.schema
    .createIndex('data_requests_holder')
    .on('data_requests')
    .columns(['holder_agency_id', 'status'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('data_requests').execute()
  await db.schema.dropTable('transfer_outbox').execute()
  await db.schema.dropTable('transfers').execute()
}
