import type { Kysely, Transaction } from 'kysely'
import type { TemplateApproval } from '../consent/consent-text.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** Every template version a DPO approved in this instance. */
export async function listTemplateApprovals(db: Executor): Promise<TemplateApproval[]> {
  const rows = await db.selectFrom('consent_template_approvals').selectAll().execute()
  return rows.map((row) => ({
    templateId: row.template_id,
    version: Number(row.version),
    language: row.language,
    bodySha256: row.body_sha256,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
  }))
}

/** Records an approval; an approval of the same version and language is replaced. */
export async function upsertTemplateApproval(
  db: Executor,
  approval: TemplateApproval,
): Promise<void> {
  await db
    .deleteFrom('consent_template_approvals')
    .where('template_id', '=', approval.templateId)
    .where('version', '=', approval.version)
    .where('language', '=', approval.language)
    .execute()
  await db
    .insertInto('consent_template_approvals')
    .values({
      template_id: approval.templateId,
      version: approval.version,
      language: approval.language,
      body_sha256: approval.bodySha256,
      approved_by: approval.approvedBy,
      approved_at: approval.approvedAt,
    })
    .execute()
}
