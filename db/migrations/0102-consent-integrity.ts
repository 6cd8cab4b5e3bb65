import { sql, type Kysely } from 'kysely'

/**
 * Consent integrity (issue «8 — Consent integrity»):
 * - a declined draft and a lapse at majority are facts of their own (`declined_at`,
 *   `decline_reason`, `lapsed_at`), no longer a plain draft or a revocation by `system`;
 * - every signature records the text its signatory read (language, template version, SHA-256)
 *   and, for an attested signature, the circumstances written down;
 * - the approved template version per language is fixed when a draft is made
 *   (`text_versions`), and DPO approvals of template versions are kept;
 * - each consent keeps the name and birth date as its own agency typed them: the subject row is
 *   shared per pseudonym, and showing its spelling to another agency would tell that agency that
 *   someone else already knows the person.
 *
 * Lapses stored before as revocations (`by = 'system'`, reason `majority_not_confirmed`) move to
 * `lapsed_at`; their audit entries stay as they were written (the log is append-only).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('consents').addColumn('declined_at', 'text').execute()
  await db.schema.alterTable('consents').addColumn('decline_reason', 'text').execute()
  await db.schema.alterTable('consents').addColumn('lapsed_at', 'text').execute()
  await db.schema
    .alterTable('consents')
    .addColumn('text_versions', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute()
  await db.schema.createIndex('consents_lapsed_at').on('consents').column('lapsed_at').execute()
  for (const column of ['subject_given_name', 'subject_family_name', 'subject_birth_date'])
    await db.schema.alterTable('consents').addColumn(column, 'text').execute()
  await sql`
    update consents set
      subject_given_name = (select s.given_name from consent_subjects s
                            where s.pseudonym = consents.subject_pseudonym),
      subject_family_name = (select s.family_name from consent_subjects s
                             where s.pseudonym = consents.subject_pseudonym),
      subject_birth_date = (select s.birth_date from consent_subjects s
                            where s.pseudonym = consents.subject_pseudonym)
  `.execute(db)

  for (const column of ['text_template_id', 'text_language', 'text_sha256'])
    await db.schema.alterTable('consent_signatures').addColumn(column, 'text').execute()
  await db.schema.alterTable('consent_signatures').addColumn('text_version', 'integer').execute()

  await sql`
    update consents set
      lapsed_at = (select r.at from consent_revocations r where r.consent_id = consents.id),
      revoked_at = null
    where id in (select consent_id from consent_revocations
                 where "by" = 'system' and reason = 'majority_not_confirmed')
  `.execute(db)
  await sql`
    delete from consent_revocations where "by" = 'system' and reason = 'majority_not_confirmed'
  `.execute(db)

  await db.schema
    .createTable('consent_template_approvals')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    /** SHA-256 of the template body approved: an edited file is no longer approved. */
    .addColumn('body_sha256', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_template_approvals_pk', [
      'template_id',
      'version',
      'language',
    ])
    .execute()
}
