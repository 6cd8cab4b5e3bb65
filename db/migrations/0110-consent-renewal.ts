import type { Kysely } from 'kysely'

/**
 * Renewal (issue 18 point 5): a draft may renew an earlier consent (`renews_consent_id`); when it
 * is fully signed, the earlier consent ends — `renewed_at`, and `renewed_by_consent_id` names the
 * consent that took its place. A fact of its own, not a revocation: nobody revoked.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').addColumn('renews_consent_id', 'text').execute()
  await db.schema.alterTable('consents').addColumn('renewed_at', 'text').execute()
  await db.schema.alterTable('consents').addColumn('renewed_by_consent_id', 'text').execute()
  await db.schema
    .createIndex('consents_renews_consent_id')
    .on('consents')
    .column('renews_consent_id')
    .execute()
}
