import type { Kysely } from 'kysely'

/**
 * CRLs fetched on a schedule (issue 16, point 8): one row per URL — a trust anchor's configured
 * CRL URL or a cRLDistributionPoint of a registered certificate or of an intermediate CA in its
 * chain — with the newest CRL obtained there (signature checked against its issuing CA before it
 * is stored) and the outcome of the last attempt, so a failing source is visible.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('crl_fetches')
    .addColumn('url', 'text', (c) => c.primaryKey())
    .addColumn('issuer_id', 'text')
    .addColumn('issuer_subject', 'text')
    .addColumn('crl_pem', 'text')
    .addColumn('this_update', 'text')
    .addColumn('next_update', 'text')
    .addColumn('fetched_at', 'text')
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('crl_fetches').execute()
}
