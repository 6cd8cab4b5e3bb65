import type { Kysely } from 'kysely'

/** Certificate registry: trust anchors with CRL sources and cached CRLs, agency certificates and sealed keys. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trust_anchors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('crl_file', 'text')
    .addColumn('crl_url', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('crl_cache')
    .addColumn('trust_anchor_id', 'text', (c) =>
      c.primaryKey().references('trust_anchors.id').onDelete('cascade'),
    )
    .addColumn('crl_pem', 'text', (c) => c.notNull())
    .addColumn('this_update', 'text', (c) => c.notNull())
    .addColumn('next_update', 'text')
    .addColumn('fetched_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('agency_certificates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('certificate_pem', 'text', (c) => c.notNull())
    .addColumn('chain_pem', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('serial_number', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('not_before', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema
    .createIndex('agency_certificates_agency')
    .on('agency_certificates')
    .columns(['agency_id', 'status'])
    .execute()

  await db.schema
    .createTable('agency_keys')
    .addColumn('certificate_id', 'text', (c) =>
      c.primaryKey().references('agency_certificates.id').onDelete('cascade'),
    )
    .addColumn('sealed_key_pem', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute()
}
