import { validityWindow } from './calendar.ts'
import {
  coveredCategories,
  coveredRecipients,
  type ConsentFacts,
  type SignatoryRole,
} from './consent.ts'
import { missingSignatories } from './status.ts'

/**
 * A transfer request as the caller establishes it (docs/design.md §3.2). Facts that need I/O —
 * the staff member's agency, the validity of the recipient's certificate — are looked up by the
 * caller and passed in, so the decision stays pure.
 */
export interface DecisionRequest {
  subjectPseudonym: string
  /** The sending agency. */
  from: string
  /** The agency of the staff member asking; must equal `from`. */
  staffAgencyId: string
  to: string
  purpose: string
  /** The data category of every section the transfer carries. */
  categories: readonly string[]
  /** The staff member's statement of necessity (Erforderlichkeit, § 67a SGB X). */
  necessity?: string
  /** A dry run asks before the necessity is written; then its absence is not a reason. */
  dryRun?: boolean
  /** How the recipient's certificate fared at `now`; undefined when not looked up. */
  recipientCertificate?: CertificateStanding
  /**
   * Whether the sending agency can sign at `now` (certificate and key); undefined when not looked
   * up. The transfer checks it after a permit and answers with its own `ERR_RELAY_SENDER_*` code;
   * a dry run names the same cause as a `sender_*` reason, so it answers as the transfer would.
   */
  senderCertificate?: SenderStanding
  /** SHA-256 of the case summary, for single-transfer consents. */
  summarySha256?: string
  /** The transfer being decided, so a single-transfer consent it used up still permits it. */
  transferId?: string
}

/**
 * A certificate's standing at the instant of the decision, as the caller established it:
 * `missing` (none registered), `revoked` (on its CA's CRL or withdrawn here), `expired`,
 * `untrusted` (no chain to a trust anchor, or its revocation status cannot be established: no
 * current CRL) or `invalid` (not usable for S/MIME to this mailbox: key usage, mailbox, not yet
 * valid, malformed).
 */
export type CertificateStanding =
  'valid' | 'missing' | 'revoked' | 'expired' | 'untrusted' | 'invalid'

/** The sender's standing adds `key_missing`: a certificate without the private key to sign. */
export type SenderStanding = CertificateStanding | 'key_missing'

/**
 * The stable deny reason codes (docs/design.md §3.2): the one list the type, the staff sentences
 * and the tests derive from. An uncovered category is named with it ({@link categoryNotCovered}).
 */
export const denyReasonCodes = [
  'no_consent',
  'consent_revoked',
  'consent_expired',
  'consent_discarded',
  'consent_declined',
  'consent_lapsed',
  'consent_renewed',
  'not_yet_valid',
  'recipient_not_covered',
  'sender_not_covered',
  'purpose_not_covered',
  'categories_missing',
  'youth_signature_missing',
  'guardian_signature_missing',
  'entrusting_person_signature_missing',
  'staff_not_in_sender_agency',
  'recipient_certificate_missing',
  'recipient_certificate_revoked',
  'recipient_certificate_expired',
  'recipient_certificate_untrusted',
  'recipient_certificate_invalid',
  'sender_certificate_missing',
  'sender_certificate_revoked',
  'sender_certificate_expired',
  'sender_certificate_untrusted',
  'sender_certificate_invalid',
  'sender_key_missing',
  'necessity_missing',
  'summary_mismatch',
  'consent_used_up',
] as const
export type DenyReasonCode = (typeof denyReasonCodes)[number]

/** The prefix of the reason naming an uncovered category: `category_not_covered:<category>`. */
export const categoryNotCoveredPrefix = 'category_not_covered:'
export type CategoryNotCovered = `${typeof categoryNotCoveredPrefix}${string}`

export type DenyReason = DenyReasonCode | CategoryNotCovered

/** The reason naming `category` as not covered. */
export const categoryNotCovered = (category: string): CategoryNotCovered =>
  `${categoryNotCoveredPrefix}${category}`

/** A permit carries the consent that covers the request, so callers act on it without a cast. */
export type Decision<C extends ConsentFacts = ConsentFacts> =
  | { decision: 'permit'; consentId: string; consent: C; reasons: [] }
  | { decision: 'deny'; consentId: string | null; reasons: DenyReason[] }

/** Shortest statement of necessity that is taken as written (trimmed characters). */
export const minimumNecessityLength = 10

const recipientCertificateReason: Record<Exclude<CertificateStanding, 'valid'>, DenyReasonCode> = {
  missing: 'recipient_certificate_missing',
  revoked: 'recipient_certificate_revoked',
  expired: 'recipient_certificate_expired',
  untrusted: 'recipient_certificate_untrusted',
  invalid: 'recipient_certificate_invalid',
}

/** The reason a sender's standing gives (also the `reason` of the transfer's 409). */
export const senderCertificateReason: Record<Exclude<SenderStanding, 'valid'>, DenyReasonCode> = {
  missing: 'sender_certificate_missing',
  revoked: 'sender_certificate_revoked',
  expired: 'sender_certificate_expired',
  untrusted: 'sender_certificate_untrusted',
  invalid: 'sender_certificate_invalid',
  key_missing: 'sender_key_missing',
}

const signatureReason: Record<SignatoryRole, DenyReason> = {
  youth: 'youth_signature_missing',
  guardian: 'guardian_signature_missing',
  entrusting_person: 'entrusting_person_signature_missing',
  entrusting_person_2: 'entrusting_person_signature_missing',
  entrusting_person_3: 'entrusting_person_signature_missing',
}

/**
 * Decides a transfer (docs/design.md §3.2): permitted only if one consent of this subject covers the
 * sender, the recipient, the purpose and every category, is fully signed, not revoked, not
 * discarded and valid at `now`. Pure and deterministic: the same inputs give the same decision,
 * whatever the order of `consents`.
 *
 * A denial names every applicable reason: those of the request itself, plus those of the
 * closest consent (fewest reasons; ties broken by id, then by the reasons themselves). Categories are never dropped silently —
 * each uncovered one is named (`category_not_covered:<cat>`).
 */
export function decide<C extends ConsentFacts>(
  request: DecisionRequest,
  consents: readonly C[],
  now: Date,
): Decision<C> {
  const requestReasons: DenyReason[] = []
  if (request.staffAgencyId !== request.from) requestReasons.push('staff_not_in_sender_agency')
  if (request.recipientCertificate !== undefined && request.recipientCertificate !== 'valid')
    requestReasons.push(recipientCertificateReason[request.recipientCertificate])
  if (request.senderCertificate !== undefined && request.senderCertificate !== 'valid')
    requestReasons.push(senderCertificateReason[request.senderCertificate])
  const assessNecessity = !request.dryRun || request.necessity !== undefined
  const necessity = request.necessity?.trim() ?? ''
  if (assessNecessity && necessity.length < minimumNecessityLength)
    requestReasons.push('necessity_missing')
  if (request.categories.length === 0) requestReasons.push('categories_missing')

  const candidates = consents
    .filter((c) => c.subjectPseudonym === request.subjectPseudonym)
    .map((c) => ({ id: c.id, consent: c, reasons: reasonsOf(request, c, now) }))
    .sort(
      (a, b) =>
        a.reasons.length - b.reasons.length ||
        compare(a.id, b.id) ||
        compare(a.reasons.join(), b.reasons.join()),
    )

  const best = candidates[0]
  if (!best)
    return { decision: 'deny', consentId: null, reasons: [...requestReasons, 'no_consent'] }
  const reasons = [...requestReasons, ...best.reasons]
  if (reasons.length === 0)
    return { decision: 'permit', consentId: best.id, consent: best.consent, reasons: [] }
  return { decision: 'deny', consentId: best.id, reasons }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

function reasonsOf(request: DecisionRequest, consent: ConsentFacts, now: Date): DenyReason[] {
  const reasons: DenyReason[] = []
  const at = now.getTime()
  if (consent.discardedAt !== null) reasons.push('consent_discarded')
  if (consent.declinedAt !== null) reasons.push('consent_declined')
  for (const role of missingSignatories(consent)) reasons.push(signatureReason[role])
  if (consent.revokedAt !== null && Date.parse(consent.revokedAt) <= at)
    reasons.push('consent_revoked')
  if (consent.lapsedAt !== null && Date.parse(consent.lapsedAt) <= at)
    reasons.push('consent_lapsed')
  if (consent.renewedAt !== null && Date.parse(consent.renewedAt) <= at)
    reasons.push('consent_renewed')
  const window = validityWindow(consent.validFrom, consent.validUntil)
  if (at >= window.end.getTime()) reasons.push('consent_expired')
  if (at < window.start.getTime()) reasons.push('not_yet_valid')
  if (!consent.senders.includes(request.from)) reasons.push('sender_not_covered')
  if (!coveredRecipients(consent).includes(request.to)) reasons.push('recipient_not_covered')
  if (!consent.purposes.includes(request.purpose)) reasons.push('purpose_not_covered')
  const covered = coveredCategories(consent)
  for (const category of [...new Set(request.categories)].sort()) {
    if (!covered.includes(category)) reasons.push(categoryNotCovered(category))
  }
  if (consent.singleTransfer) {
    if (request.summarySha256 !== consent.singleTransfer.summarySha256)
      reasons.push('summary_mismatch')
    const usedBy = consent.singleTransfer.usedByTransferId
    if (usedBy !== undefined && usedBy !== request.transferId) reasons.push('consent_used_up')
  }
  return reasons
}
