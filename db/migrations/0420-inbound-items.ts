import type { Kysely } from 'kysely'

/**
 * What partner gateways (or this instance) deliver to a hosted agency (issue 16, points 3, 5, 6,
 * 7): case summaries, revocation and lapse notices — kept as the S/MIME message that arrived,
 * encrypted to the receiving agency, and decrypted only on view; beside it only metadata that
 * was verified inside the signature. A message that failed a check is kept `quarantined` with its
 * reason, never shown as received. A revocation or lapse notice marks every item received under
 * its consent "further use must stop" (`use_stopped_at`) until a staff member acknowledges it.
 *
 * The sender's side learns what the partner gateway decided through a signed receipt
 * (`transfers.partner_receipt_*`).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('recipient_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('sender_agency_id', 'text')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('transfer_id', 'text')
    .addColumn('consent_id', 'text')
    .addColumn('subject_pseudonym', 'text')
    .addColumn('purpose', 'text')
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('attestation_json', 'text')
    .addColumn('envelope', 'text')
    .addColumn('envelope_sha256', 'text', (c) => c.notNull())
    .addColumn('refusal_reason', 'text')
    .addColumn('use_stopped_at', 'text')
    .addColumn('use_stopped_by_item_id', 'text')
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('inbound_items_message')
    .on('inbound_items')
    .columns(['recipient_agency_id', 'message_id'])
    .unique()
    .execute()
  await db.schema
    .createIndex('inbound_items_consent')
    .on('inbound_items')
    .columns(['recipient_agency_id', 'consent_id'])
    .execute()
  for (const column of [
    'partner_receipt_at',
    'partner_receipt_outcome',
    'partner_receipt_reason',
  ])
    await db.schema.alterTable('transfers').addColumn(column, 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'partner_receipt_reason',
    'partner_receipt_outcome',
    'partner_receipt_at',
  ])
    await db.schema.alterTable('transfers').dropColumn(column).execute()
  await db.schema.dropTable('inbound_items').execute()
}
