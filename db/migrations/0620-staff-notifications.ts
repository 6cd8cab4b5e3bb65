import type { Kysely } from 'kysely'

/**
 * The staff desk's notification centre (issue 18 point 4). Notifications themselves are derived
 * from the audit log and the consents (nothing copied); this table keeps, per staff member, how
 * far they have read (audit sequence and instant), the optional address for the e-mail notice
 * and how far that notice has told them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('staff_notification_state')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('seen_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('seen_at', 'text')
    .addColumn('notice_email', 'text')
    .addColumn('mailed_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('mailed_at', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('staff_notification_state').execute()
}
