import type { Kysely } from 'kysely'

/** The consent store (docs/design.md §3.1) with the indexes the decision path and listings use. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('consent_subjects')
    .addColumn('pseudonym', 'text', (c) => c.primaryKey())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('subject_pseudonym', 'text', (c) =>
      c.notNull().references('consent_subjects.pseudonym'),
    )
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_by_agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('senders', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull())
    .addColumn('purposes', 'text', (c) => c.notNull())
    .addColumn('categories', 'text', (c) => c.notNull())
    .addColumn('deselected_categories', 'text', (c) => c.notNull())
    .addColumn('deselected_recipients', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('valid_end_at', 'text', (c) => c.notNull())
    .addColumn('text_template_id', 'text', (c) => c.notNull())
    .addColumn('text_version', 'integer', (c) => c.notNull())
    .addColumn('text_language', 'text', (c) => c.notNull())
    .addColumn('text_sha256', 'text', (c) => c.notNull())
    .addColumn('released_professionals', 'text', (c) => c.notNull())
    .addColumn('required_signatories', 'text', (c) => c.notNull())
    .addColumn('signed_roles', 'text', (c) => c.notNull())
    .addColumn('entrusting_person', 'text')
    .addColumn('case_refs', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('discarded_at', 'text')
    .addColumn('summary_sha256', 'text')
    .addColumn('used_by_transfer_id', 'text')
    .addColumn('kiosk_code', 'text', (c) => c.unique())
    .addColumn('kiosk_code_expires_at', 'text')
    .addColumn('expiry_recorded_at', 'text')
    .execute()
  await db.schema
    .createIndex('consents_subject')
    .on('consents')
    .column('subject_pseudonym')
    .execute()
  await db.schema
    .createIndex('consents_creator_agency')
    .on('consents')
    .column('created_by_agency_id')
    .execute()
  await db.schema
    .createIndex('consents_expiry_sweep')
    .on('consents')
    .columns(['expiry_recorded_at', 'valid_end_at'])
    .execute()

  await db.schema
    .createTable('consent_parties')
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull().references('agencies.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_parties_pk', ['consent_id', 'role', 'agency_id'])
    .execute()
  await db.schema
    .createIndex('consent_parties_agency')
    .on('consent_parties')
    .columns(['agency_id', 'consent_id'])
    .execute()

  await db.schema
    .createTable('consent_signatures')
    .addColumn('consent_id', 'text', (c) => c.notNull().references('consents.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('signed_at', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('evidence_sha256', 'text', (c) => c.notNull())
    .addColumn('kiosk_device', 'text')
    .addColumn('attending_staff', 'text')
    .addPrimaryKeyConstraint('consent_signatures_pk', ['consent_id', 'role'])
    .execute()

  await db.schema
    .createTable('consent_revocations')
    .addColumn('consent_id', 'text', (c) => c.primaryKey().references('consents.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('by', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute()
}
