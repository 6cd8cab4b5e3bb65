import { z } from 'zod'
import { coveredCategories, coveredRecipients, type ConsentFacts } from './consent.ts'
import { consentStatus, type LifecycleFacts } from './status.ts'
import type { Vocabulary } from './vocabulary.ts'

/**
 * Why a data request is refused. Stable codes; each maps to one HTTP status in the relay area's
 * error table (gateway/http/relay-error-status.ts).
 */
export const dataRequestRefusalCodes = [
  'ERR_REQUEST_UNKNOWN_PURPOSE',
  'ERR_REQUEST_UNKNOWN_CATEGORY',
  'ERR_REQUEST_SELF',
  'ERR_REQUEST_UNKNOWN_AGENCY',
  'ERR_REQUEST_CONSENT_NOT_FOUND',
  'ERR_REQUEST_NOT_RECIPIENT',
  'ERR_REQUEST_NOT_PARTY',
  'ERR_REQUEST_NOT_SENDER',
  'ERR_REQUEST_CONSENT_NOT_ACTIVE',
  'ERR_REQUEST_NOT_COVERED',
] as const
export type DataRequestRefusalCode = (typeof dataRequestRefusalCodes)[number]

/** What the rule reads of a consent. */
export type DataRequestConsent = LifecycleFacts &
  Pick<
    ConsentFacts,
    | 'senders'
    | 'recipients'
    | 'deselectedRecipients'
    | 'purposes'
    | 'categories'
    | 'deselectedCategories'
    | 'singleTransfer'
  >

export interface DataRequestRuleInput<C extends DataRequestConsent = DataRequestConsent> {
  /** The agency of the staff member asking; it would receive the data. */
  requesterAgencyId: string
  /** The agency asked (`from`); it would send the data. */
  askedAgencyId: string
  /** Whether the asked agency is in the agency registry (hosted or partner). */
  askedAgencyExists: boolean
  /** The referenced consent, or undefined when no consent has that id. */
  consent: C | undefined
  purpose: string
  categories: readonly string[]
  vocabulary: Pick<Vocabulary, 'purposes' | 'categories'>
  now: Date
}

/** Log-safe details: vocabulary terms only, never personal data or another consent's facts. */
export const dataRequestRefusalDetailsSchema = z.strictObject({
  purpose: z.string().optional(),
  categories: z.array(z.string()).optional(),
})
export type DataRequestRefusalDetails = z.infer<typeof dataRequestRefusalDetailsSchema>

/** An admitted request carries the consent it is made under, so callers need no cast. */
export type DataRequestVerdict<C extends DataRequestConsent = DataRequestConsent> =
  | { ok: true; consent: C }
  | { ok: false; code: DataRequestRefusalCode; details?: DataRequestRefusalDetails }

/** A sender or recipient of the consent (deselected recipients too: they still see it). */
export function isConsentParty(
  agencyId: string,
  consent: Pick<ConsentFacts, 'senders' | 'recipients'>,
): boolean {
  return consent.senders.includes(agencyId) || consent.recipients.includes(agencyId)
}

const refuse = (
  code: DataRequestRefusalCode,
  details?: DataRequestRefusalDetails,
): DataRequestVerdict<never> => ({ ok: false, code, ...(details ? { details } : {}) })

/**
 * May staff of `requesterAgencyId` ask `askedAgencyId` for these categories for this purpose under
 * this consent (docs/design.md §3.3 (5), §3.6: "data requests go only to a party holding data under the
 * consent")? Only if the requester is a recipient the youth left selected, the asked agency is a
 * sender, the consent is in force (signed, neither revoked, expired, discarded nor used up) and it
 * covers the purpose and every category: otherwise the holder could never answer lawfully
 * (§ 67b SGB X), so the request is refused rather than left in its inbox.
 *
 * Checks that do not depend on the consent come first; a consent the requester is no party to is
 * refused exactly like one that does not exist (`ERR_REQUEST_CONSENT_NOT_FOUND`), and nothing
 * after that check can tell the two apart — no cross-agency lookup (§3.3 (6)). Pure; the first
 * failing check decides, in the order of {@link dataRequestRefusalCodes}.
 */
export function mayRequestData<C extends DataRequestConsent>(
  input: DataRequestRuleInput<C>,
): DataRequestVerdict<C> {
  const { consent, vocabulary } = input
  // Own keys only: a term such as `constructor` must not match the object's prototype.
  if (!Object.hasOwn(vocabulary.purposes, input.purpose))
    return refuse('ERR_REQUEST_UNKNOWN_PURPOSE', { purpose: input.purpose })
  const unknown = input.categories.filter((c) => !Object.hasOwn(vocabulary.categories, c))
  if (unknown.length > 0) return refuse('ERR_REQUEST_UNKNOWN_CATEGORY', { categories: unknown })
  if (input.askedAgencyId === input.requesterAgencyId) return refuse('ERR_REQUEST_SELF')
  if (!input.askedAgencyExists) return refuse('ERR_REQUEST_UNKNOWN_AGENCY')

  if (!consent || !isConsentParty(input.requesterAgencyId, consent))
    return refuse('ERR_REQUEST_CONSENT_NOT_FOUND')
  if (!coveredRecipients(consent).includes(input.requesterAgencyId))
    return refuse('ERR_REQUEST_NOT_RECIPIENT')
  if (!isConsentParty(input.askedAgencyId, consent)) return refuse('ERR_REQUEST_NOT_PARTY')
  if (!consent.senders.includes(input.askedAgencyId)) return refuse('ERR_REQUEST_NOT_SENDER')
  if (
    consentStatus(consent, input.now) !== 'active' ||
    consent.singleTransfer?.usedByTransferId !== undefined
  )
    return refuse('ERR_REQUEST_CONSENT_NOT_ACTIVE')
  const covered = coveredCategories(consent)
  const uncovered = input.categories.filter((c) => !covered.includes(c))
  const purposeCovered = consent.purposes.includes(input.purpose)
  if (!purposeCovered || uncovered.length > 0)
    return refuse('ERR_REQUEST_NOT_COVERED', {
      ...(purposeCovered ? {} : { purpose: input.purpose }),
      categories: uncovered,
    })
  return { ok: true, consent }
}
