import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Principal } from '../../accounts/roles.ts'
import {
  authorizeComposerDraftAction,
  type ComposerDraftAction,
  type ComposerDraftActor,
} from '../../consent/composer-draft-permissions.ts'
import { openRecord, sealRecord } from '../../crypto/sealed-record.ts'
import {
  deleteComposerDraft as deleteDraftRow,
  findComposerDraft,
  insertComposerDraft,
  listComposerDraftsOf,
  updateComposerDraft,
  type ComposerDraftRow,
} from '../../db/composer-draft-repository.ts'
import { actorOf } from '../../accounts/roles.ts'
import { getConsent } from '../consent/consent-service.ts'
import type { Deps } from '../deps.ts'
import { caseSummaryFormIds } from '../relay/case-summary-template.ts'
import { ComposerDraftError } from './composer-draft-error.ts'

/** The HKDF info of the drafts' key (`Deps.derivedKeys.composerDrafts`). */
export const composerDraftKeyInfo = 'brucke composer drafts v1'

const shortId = z.string().max(64)

/**
 * What a draft holds: the composer's fields as they were, unfinished (empty titles, bodies and
 * necessity allowed). No attachment: a PDF is chosen again when sending.
 */
export const composerDraftContentSchema = z.strictObject({
  /** The author's own name for it, e.g. "Übergabe an das Jugendamt". */
  name: z.string().trim().min(1).max(120),
  to: shortId,
  purpose: shortId,
  form: z.enum(caseSummaryFormIds),
  necessity: z.string().max(2000),
  sections: z
    .array(
      z.strictObject({
        category: shortId,
        title: z.string().max(200),
        body: z.string().max(100_000),
      }),
    )
    .max(50),
})
export type ComposerDraftContent = z.infer<typeof composerDraftContentSchema>

export const composerDraftSummarySchema = z.strictObject({
  id: z.string(),
  consentId: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type ComposerDraftSummary = z.infer<typeof composerDraftSummarySchema>

export const composerDraftSchema = composerDraftSummarySchema.extend({
  content: composerDraftContentSchema,
})
export type ComposerDraft = z.infer<typeof composerDraftSchema>

type DraftDeps = Pick<
  Deps,
  'db' | 'clock' | 'ids' | 'config' | 'consentTexts' | 'derivedKeys' | 'log'
>

/** The caller as the draft rule sees it. */
export function composerDraftActorOf(principal: Principal): ComposerDraftActor {
  if (principal.role === 'staff')
    return principal.agencyId === null
      ? { kind: 'system', agencyId: null }
      : { kind: 'staff', agencyId: principal.agencyId, userId: principal.userId }
  return { kind: principal.role, agencyId: principal.agencyId }
}

/** Binds a sealed value to its row: copied into another row, it does not open. */
function associatedDataOf(
  row: Pick<ComposerDraftRow, 'id' | 'authorUserId' | 'agencyId' | 'consentId'>,
): Buffer {
  return Buffer.from(
    JSON.stringify(['composer-draft', row.id, row.authorUserId, row.agencyId, row.consentId]),
    'utf8',
  )
}

function seal(
  deps: DraftDeps,
  row: Parameters<typeof associatedDataOf>[0],
  content: ComposerDraftContent,
): string {
  return sealRecord({
    key: deps.derivedKeys.composerDrafts,
    plaintext: Buffer.from(JSON.stringify(content), 'utf8'),
    associatedData: associatedDataOf(row),
    nonce: randomBytes(12),
  })
}

function unseal(deps: DraftDeps, row: ComposerDraftRow): ComposerDraftContent {
  const opened = openRecord({
    key: deps.derivedKeys.composerDrafts,
    sealed: row.sealed,
    associatedData: associatedDataOf(row),
  })
  if (!opened.ok)
    throw new ComposerDraftError('ERR_DRAFT_UNREADABLE', 'The draft cannot be opened.', {
      details: { draftId: row.id },
    })
  // Re-validated when read, as every stored JSON value.
  return composerDraftContentSchema.parse(JSON.parse(opened.plaintext.toString('utf8')))
}

function summaryOf(row: ComposerDraftRow, content: ComposerDraftContent): ComposerDraftSummary {
  return {
    id: row.id,
    consentId: row.consentId,
    name: content.name,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Loads a draft and asks the rule; every refusal is "not found". */
async function loadAuthorized(
  deps: DraftDeps,
  input: { principal: Principal; id: string; action: ComposerDraftAction },
): Promise<ComposerDraftRow> {
  const row = await findComposerDraft(deps.db, input.id)
  const verdict = row
    ? authorizeComposerDraftAction(composerDraftActorOf(input.principal), input.action, row)
    : undefined
  if (!row || !verdict?.allowed)
    throw new ComposerDraftError('ERR_DRAFT_NOT_FOUND', 'No such draft of yours.')
  return row
}

/** Saves a new draft under a consent the caller's agency is a party to. */
export async function createComposerDraft(
  deps: DraftDeps,
  input: { principal: Principal; consentId: string; content: ComposerDraftContent },
): Promise<ComposerDraftSummary> {
  const actor = composerDraftActorOf(input.principal)
  if (actor.kind !== 'staff')
    throw new ComposerDraftError('ERR_DRAFT_NOT_FOUND', 'No such draft of yours.')
  // Only under a consent the caller may see (another agency's counts as absent).
  await getConsent(deps, {
    caller: {
      actor: actorOf(input.principal),
      role: input.principal.role,
      agencyId: input.principal.agencyId,
      userId: input.principal.userId,
    },
    consentId: input.consentId,
  })
  const now = deps.clock.now().toISOString()
  const row: ComposerDraftRow = {
    id: deps.ids.newId('drf'),
    authorUserId: actor.userId,
    agencyId: actor.agencyId,
    consentId: input.consentId,
    sealed: '',
    createdAt: now,
    updatedAt: now,
  }
  row.sealed = seal(deps, row, input.content)
  await insertComposerDraft(deps.db, row)
  return summaryOf(row, input.content)
}

/** Replaces the content of the caller's own draft. */
export async function saveComposerDraft(
  deps: DraftDeps,
  input: { principal: Principal; id: string; content: ComposerDraftContent },
): Promise<ComposerDraftSummary> {
  const row = await loadAuthorized(deps, { ...input, action: 'update' })
  const updatedAt = deps.clock.now().toISOString()
  const sealed = seal(deps, row, input.content)
  await updateComposerDraft(deps.db, { id: row.id, sealed, updatedAt })
  return summaryOf({ ...row, sealed, updatedAt }, input.content)
}

/** Opens the caller's own draft (decrypted for this answer only). */
export async function openComposerDraft(
  deps: DraftDeps,
  input: { principal: Principal; id: string },
): Promise<ComposerDraft> {
  const row = await loadAuthorized(deps, { ...input, action: 'open' })
  const content = unseal(deps, row)
  return { ...summaryOf(row, content), content }
}

/** The caller's own drafts under one consent, newest first (names decrypted, nothing else). */
export async function listComposerDrafts(
  deps: DraftDeps,
  input: { principal: Principal; consentId: string },
): Promise<ComposerDraftSummary[]> {
  const actor = composerDraftActorOf(input.principal)
  if (actor.kind !== 'staff') return []
  const rows = await listComposerDraftsOf(deps.db, {
    authorUserId: actor.userId,
    agencyId: actor.agencyId,
    consentId: input.consentId,
  })
  return rows.flatMap((row) => {
    try {
      return [summaryOf(row, unseal(deps, row))]
    } catch (error) {
      // One broken record must not hide the others; the cause goes to the log, no content.
      deps.log.warn({ draftId: row.id, err: error }, 'composer draft unreadable')
      return []
    }
  })
}

/** Deletes the caller's own draft. */
export async function deleteComposerDraft(
  deps: DraftDeps,
  input: { principal: Principal; id: string },
): Promise<void> {
  const row = await loadAuthorized(deps, { ...input, action: 'delete' })
  await deleteDraftRow(deps.db, row.id)
}
