import type { Kysely } from 'kysely'

/**
 * Kiosk and self-service integrity (issue «8 — Consent integrity»):
 * - a kiosk flow has a purpose (signing a draft, or the young adult confirming at majority),
 *   the staff member a push came from, and the text reference it last displayed;
 * - a receipt names the signatory roles that signed under it, so `/me` opens only that;
 * - a confirmation at majority keeps how it was made (kiosk drawing or staff attestation).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('kiosk_states')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('sign'))
    .execute()
  await db.schema.alterTable('kiosk_states').addColumn('attending_staff', 'text').execute()
  await db.schema.alterTable('kiosk_states').addColumn('shown_text', 'text').execute()
  await db.schema
    .alterTable('kiosk_pushes')
    .addColumn('purpose', 'text', (c) => c.notNull().defaultTo('sign'))
    .execute()
  await db.schema.alterTable('receipts').addColumn('signatory_roles', 'text').execute()
  for (const column of [
    'confirmed_by',
    'confirmed_method',
    'confirmed_evidence',
    'confirmed_evidence_sha256',
    'confirmed_text',
  ])
    await db.schema.alterTable('majority_reviews').addColumn(column, 'text').execute()
}
