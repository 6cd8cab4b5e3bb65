import type { Kysely } from 'kysely'

/**
 * Idempotency keys (issue 19 point 4): the outcome of a create call (`POST /transfers`,
 * `POST /consents`, a mail to the SMTP ingress) by the key its caller sent, so a retry after a
 * lost answer gets the first outcome instead of a second record. One row per agency, principal
 * and key (hashed: a client's key or a mail's Message-ID is no business of the database);
 * written in the transaction of the record it names, so neither exists without the other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('principal', 'text', (c) => c.notNull())
    .addColumn('key_sha256', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('request_sha256', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer', (c) => c.notNull())
    .addColumn('response_body', 'text')
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['agency_id', 'principal', 'key_sha256'])
    .execute()
  // The purge deletes by age.
  await db.schema
    .createIndex('idempotency_keys_created_at')
    .on('idempotency_keys')
    .column('created_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute()
}
