import type { Kysely } from 'kysely'

/**
 * The sending agency's sealed copy of each transfer (issue 18 point 2, docs/design.md §3.3): the
 * same signed and encrypted content as the delivered message, with only the sender's
 * RecipientInfo, so only the sender's key opens it. It outlives the outbox envelope (deleted on
 * delivery) and is deleted by the retention purge after TRANSFER_COPY_RETENTION_DAYS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('transfer_sender_copies')
    .addColumn('transfer_id', 'text', (c) => c.primaryKey().references('transfers.id'))
    .addColumn('sender_agency_id', 'text', (c) => c.notNull())
    .addColumn('envelope', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('transfer_sender_copies_created')
    .on('transfer_sender_copies')
    .column('created_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('transfer_sender_copies').execute()
}
