import type { Kysely } from 'kysely'

/**
 * Key rollover between federated gateways (issue 16, point 1): a certificate dropped from a newer
 * partner card keeps working until `retire_at` (the overlap period), then is neither used to
 * encrypt nor accepted as a signer.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agency_certificates').addColumn('retire_at', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agency_certificates').dropColumn('retire_at').execute()
}
