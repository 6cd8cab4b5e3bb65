import { sql, type Kysely } from 'kysely'

/**
 * Federation (issue 16, point 1): an agency is *hosted* here (its keys here) or a *partner* (only
 * its signed card here). Agencies registered before were all hosted: one shared instance held
 * every agency's key. A partner's card brings where its gateway receives S/MIME
 * (`inbound_smtp`, `smtp://host:port`), the CRL URL of its CA, and when the card was issued (a
 * card older than the one imported is refused). A certificate dropped from a newer card keeps
 * working until `retire_at` (the rollover overlap), then is no longer used nor accepted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('agencies')
    .addColumn('hosted', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  for (const column of ['inbound_smtp', 'crl_url', 'card_issued_at', 'card_sha256'])
    await db.schema.alterTable('agencies').addColumn(column, 'text').execute()
  await sql`update agencies set hosted = 1`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['card_sha256', 'card_issued_at', 'crl_url', 'inbound_smtp', 'hosted'])
    await db.schema.alterTable('agencies').dropColumn(column).execute()
}
