import type { Kysely } from 'kysely'

/**
 * Delivery paused per partner agency (issue 19 point 5, the operator's levers): while a row names
 * an agency, the delivery worker claims no transfer to it; they stay queued until it is resumed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('partner_pauses')
    .addColumn('agency_id', 'text', (c) => c.primaryKey().references('agencies.id'))
    .addColumn('paused_at', 'text', (c) => c.notNull())
    .addColumn('paused_by', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('partner_pauses').execute()
}
