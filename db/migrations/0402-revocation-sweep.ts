import type { Kysely } from 'kysely'

/**
 * The delivery worker looks for consents revoked since its last round (revocation notices,
 * issue 4 point 9); without an index on `revoked_at` that would read every consent each round.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('consents_revoked_at').on('consents').column('revoked_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('consents_revoked_at').execute()
}
