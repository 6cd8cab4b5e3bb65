import type { Kysely } from 'kysely'

/**
 * What each agency tells a person under Art. 13 GDPR (issue «The person's side», point 1): the
 * controller's legal name and address, how to reach its data protection officer, and the
 * supervisory authority competent for it. Agencies registered before have none until the
 * administration enters them (`brucke agency privacy-notice`); until then no consent naming them
 * can be prepared.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['controller', 'dpo_contact', 'supervisory_authority'])
    await db.schema.alterTable('agencies').addColumn(column, 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['supervisory_authority', 'dpo_contact', 'controller'])
    await db.schema.alterTable('agencies').dropColumn(column).execute()
}
