import type { Kysely } from 'kysely'

/**
 * Each consent keeps the Art. 13 GDPR information of its agencies as it was when the draft was
 * made (JSON array), so its text — and the SHA-256 a signature records — stays the same when an
 * agency later changes its configuration. Consents made before keep `[]`: their text versions do
 * not show it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('consents')
    .addColumn('privacy_notices', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').dropColumn('privacy_notices').execute()
}
