import { validityWindow } from './calendar.ts'
import type { ConsentFacts, SignatoryRole } from './consent.ts'

export type ConsentStatus = 'draft' | 'active' | 'revoked' | 'expired' | 'discarded'

/** Required signatories who have not signed yet. */
export function missingSignatories(
  facts: Pick<ConsentFacts, 'requiredSignatories' | 'signedRoles'>,
): SignatoryRole[] {
  return facts.requiredSignatories.filter((role) => !facts.signedRoles.includes(role))
}

/**
 * The status of a consent at `now`, derived from facts and never stored (DESIGN.md §3.1):
 * `draft` until every required signatory has signed (or `discarded`); then `active` until it is
 * revoked (effective from the revocation instant) or its validity ends. An active consent whose
 * `validFrom` lies ahead is `active` but not yet valid — `decide` says `not_yet_valid`.
 */
export function consentStatus(
  facts: Pick<
    ConsentFacts,
    'requiredSignatories' | 'signedRoles' | 'revokedAt' | 'discardedAt' | 'validFrom' | 'validUntil'
  >,
  now: Date,
): ConsentStatus {
  if (missingSignatories(facts).length > 0) return facts.discardedAt ? 'discarded' : 'draft'
  if (facts.revokedAt !== null && Date.parse(facts.revokedAt) <= now.getTime()) return 'revoked'
  if (now.getTime() >= validityWindow(facts.validFrom, facts.validUntil).end.getTime())
    return 'expired'
  return 'active'
}
