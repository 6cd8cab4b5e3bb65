import { validityWindow } from './calendar.ts'
import type { ConsentFacts, SignatoryRole } from './consent.ts'

export const consentStatuses = [
  'draft',
  'active',
  'declined',
  'revoked',
  'lapsed',
  'renewed',
  'expired',
  'discarded',
] as const
export type ConsentStatus = (typeof consentStatuses)[number]

/** Required signatories who have not signed yet. */
export function missingSignatories(
  facts: Pick<ConsentFacts, 'requiredSignatories' | 'signedRoles'>,
): SignatoryRole[] {
  return facts.requiredSignatories.filter((role) => !facts.signedRoles.includes(role))
}

/** The facts a consent's lifecycle is derived from: who signed, how and when it ended. */
export type LifecycleFacts = Pick<
  ConsentFacts,
  | 'requiredSignatories'
  | 'signedRoles'
  | 'revokedAt'
  | 'discardedAt'
  | 'declinedAt'
  | 'lapsedAt'
  | 'renewedAt'
  | 'validFrom'
  | 'validUntil'
>

/**
 * The status of a consent at `now`, derived from facts and never stored (docs/design.md §3.1):
 * `draft` until every required signatory has signed — unless the person `declined` it or the
 * preparing agency `discarded` it; then `active` until it is revoked (effective from the
 * revocation instant), lapses at majority, is `renewed` (a renewal of it was signed), or its
 * validity ends. An active consent whose
 * `validFrom` lies ahead is `active` but not yet valid — `decide` says `not_yet_valid`.
 */
export function consentStatus(facts: LifecycleFacts, now: Date): ConsentStatus {
  if (missingSignatories(facts).length > 0) {
    if (facts.declinedAt !== null) return 'declined'
    return facts.discardedAt !== null ? 'discarded' : 'draft'
  }
  const at = now.getTime()
  if (facts.revokedAt !== null && Date.parse(facts.revokedAt) <= at) return 'revoked'
  if (facts.lapsedAt !== null && Date.parse(facts.lapsedAt) <= at) return 'lapsed'
  if (facts.renewedAt !== null && Date.parse(facts.renewedAt) <= at) return 'renewed'
  if (at >= validityWindow(facts.validFrom, facts.validUntil).end.getTime()) return 'expired'
  return 'active'
}
