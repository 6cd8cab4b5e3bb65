/**
 * Who may open, change or delete a saved composer draft (issue 18 point 3): the case summary a
 * staff member started and put aside. Pure, in the style of `inbox-permissions.ts`: the service
 * loads the draft's row, asks here, and only then decrypts, stores or deletes.
 *
 * - Only its author opens, changes or deletes a draft, and only while they are staff of the
 *   agency they wrote it for: a draft is unsent work, not yet a record of the agency, and may
 *   hold wording its author has not settled on.
 * - Colleagues of the same agency, staff of any other agency, DPOs (who read audit metadata, not
 *   case data), admins, kiosks and `/me` sessions learn nothing: "not found", so no caller learns
 *   that a draft exists.
 */

export const composerDraftRefusalCodes = ['ERR_DRAFT_NOT_FOUND'] as const
export type ComposerDraftRefusalCode = (typeof composerDraftRefusalCodes)[number]

export type ComposerDraftActor =
  | { kind: 'staff'; agencyId: string; userId: string }
  /** DPO, admin, kiosk, a `/me` session, a worker: no reading of drafts. */
  | { kind: 'dpo' | 'admin' | 'kiosk' | 'self_service' | 'system'; agencyId: string | null }

export type ComposerDraftAction = 'open' | 'update' | 'delete'

/** What the rule reads of a draft. */
export interface ComposerDraftFacts {
  authorUserId: string
  agencyId: string
}

export type ComposerDraftVerdict =
  { allowed: true } | { allowed: false; code: ComposerDraftRefusalCode; message: string }

const notFound: ComposerDraftVerdict = {
  allowed: false,
  code: 'ERR_DRAFT_NOT_FOUND',
  message: 'No such draft of yours.',
}

/** Whether `actor` may take `action` on the draft (every refusal looks like absence). */
export function authorizeComposerDraftAction(
  actor: ComposerDraftActor,
  // Every action has the same rule today; the parameter keeps the call sites honest.
  _action: ComposerDraftAction,
  draft: ComposerDraftFacts,
): ComposerDraftVerdict {
  if (actor.kind !== 'staff') return notFound
  if (actor.userId !== draft.authorUserId) return notFound
  if (actor.agencyId !== draft.agencyId) return notFound
  return { allowed: true }
}
