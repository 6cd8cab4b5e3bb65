import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

/** One draft's row as stored: ids, times and the sealed content. */
export interface ComposerDraftRow {
  id: string
  authorUserId: string
  agencyId: string
  consentId: string
  sealed: string
  createdAt: string
  updatedAt: string
}

function toRow(r: Tables['composer_drafts']): ComposerDraftRow {
  return {
    id: r.id,
    authorUserId: r.author_user_id,
    agencyId: r.agency_id,
    consentId: r.consent_id,
    sealed: r.sealed,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export async function insertComposerDraft(
  db: Kysely<Tables>,
  draft: ComposerDraftRow,
): Promise<void> {
  await db
    .insertInto('composer_drafts')
    .values({
      id: draft.id,
      author_user_id: draft.authorUserId,
      agency_id: draft.agencyId,
      consent_id: draft.consentId,
      sealed: draft.sealed,
      created_at: draft.createdAt,
      updated_at: draft.updatedAt,
    })
    .execute()
}

export async function findComposerDraft(
  db: Kysely<Tables>,
  id: string,
): Promise<ComposerDraftRow | undefined> {
  const row = await db
    .selectFrom('composer_drafts')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toRow(row) : undefined
}

/** The author's drafts under one consent, most recently changed first. */
export async function listComposerDraftsOf(
  db: Kysely<Tables>,
  input: { authorUserId: string; agencyId: string; consentId: string },
): Promise<ComposerDraftRow[]> {
  const rows = await db
    .selectFrom('composer_drafts')
    .selectAll()
    .where('author_user_id', '=', input.authorUserId)
    .where('agency_id', '=', input.agencyId)
    .where('consent_id', '=', input.consentId)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map(toRow)
}

export async function updateComposerDraft(
  db: Kysely<Tables>,
  input: { id: string; sealed: string; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('composer_drafts')
    .set({ sealed: input.sealed, updated_at: input.updatedAt })
    .where('id', '=', input.id)
    .execute()
}

export async function deleteComposerDraft(db: Kysely<Tables>, id: string): Promise<void> {
  await db.deleteFrom('composer_drafts').where('id', '=', id).execute()
}

/** Deletes the drafts last changed before `changedBefore` (COMPOSER_DRAFT_RETENTION_DAYS); returns how many. */
export async function purgeComposerDrafts(
  db: Kysely<Tables> | Transaction<Tables>,
  input: { changedBefore: Date },
): Promise<number> {
  const result = await db
    .deleteFrom('composer_drafts')
    .where('updated_at', '<', input.changedBefore.toISOString())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
