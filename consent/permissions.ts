import {
  isKioskSignatureMethod,
  type MajorityConfirmationMethod,
  type SignatureMethod,
} from './consent.ts'
import type { ConsentErrorCode } from './errors.ts'
import type { ConsentStatus } from './status.ts'

/**
 * Who may do what to one consent (docs/design.md §3.6 object-level rules). Pure: the service loads
 * the consent and the caller's facts, asks here, and only then stores and audits.
 *
 * - The creating agency prepares a draft, pushes it to its own kiosk and discards it.
 * - Only the sending agencies named in the consent record a signature on paper (`paper_scan`)
 *   or in person (`staff_attested`); a recipient agency never signs, attests, discards or
 *   activates — it would be consenting to data flowing to itself.
 * - The person's own signature at a kiosk, drawn (`kiosk_drawn`) or typed and confirmed
 *   (`kiosk_typed`), is made only there; staff never record one.
 * - A kiosk acts only inside its live flow: a draft it picked up (its own agency's pickup code
 *   or push) for signing and declining, a receipt code with the birth date for revoking.
 * - A `/me` session opens only the consents its receipt proves.
 * - Anyone else — and any agency that is no party — learns nothing: "not found".
 */

/** The kiosk's live state (not idle): which consent it shows, at which step, for what. */
export interface KioskFlow {
  consentId: string
  step: 'read' | 'choose' | 'sign' | 'receipt'
  purpose: 'sign' | 'confirm_majority'
}

export type ConsentActor =
  | { kind: 'staff'; agencyId: string }
  | {
      kind: 'kiosk'
      agencyId: string
      /** The kiosk's live flow, or null when it shows nothing. */
      flow: KioskFlow | null
      /** Consents a receipt code + birth date typed on this kiosk just proved. */
      receiptConsentIds: readonly string[]
    }
  | { kind: 'self_service'; receiptConsentIds: readonly string[] }
  /** DPO, admin, a system worker: no act on a consent here. */
  | { kind: 'none' }

export type ConsentAction =
  | { type: 'view' }
  | { type: 'pick_up' }
  | { type: 'push_to_kiosk'; purpose: KioskFlow['purpose'] }
  | { type: 'discard' }
  | { type: 'sign'; method: SignatureMethod }
  | { type: 'decline' }
  | { type: 'revoke' }
  | { type: 'confirm_majority'; method: MajorityConfirmationMethod }
  /** Prepare a new draft that takes this consent's place once signed (issue 18 point 5). */
  | { type: 'renew' }

/** The facts of a consent a permission depends on. */
export interface ConsentPartyFacts {
  id: string
  createdByAgencyId: string
  senders: readonly string[]
  recipients: readonly string[]
  status: ConsentStatus
}

export type Permission =
  { allowed: true } | { allowed: false; code: ConsentErrorCode; message: string }

const allow: Permission = { allowed: true }
const deny = (code: ConsentErrorCode, message: string): Permission => ({
  allowed: false,
  code,
  message,
})
const notFound = deny('ERR_CONSENT_NOT_FOUND', 'No consent with this id for you.')

/** The agency's relation to the consent. */
export type PartyRelation = 'creator' | 'sender' | 'recipient' | 'none'

/**
 * The strongest relation first: the creator is always a sender (validate-draft), and an agency
 * is never both sender and recipient.
 */
export function relationOf(consent: ConsentPartyFacts, agencyId: string): PartyRelation {
  if (consent.createdByAgencyId === agencyId) return 'creator'
  if (consent.senders.includes(agencyId)) return 'sender'
  if (consent.recipients.includes(agencyId)) return 'recipient'
  return 'none'
}

/** Whether the actor may see that this consent exists at all. */
export function maySee(actor: ConsentActor, consent: ConsentPartyFacts): boolean {
  switch (actor.kind) {
    case 'staff':
      return relationOf(consent, actor.agencyId) !== 'none'
    case 'kiosk':
      // A flow exists only on a draft of the kiosk's own agency (pickup code or push); a receipt
      // code with the birth date proves a consent at any party's kiosk.
      return (
        (actor.flow?.consentId === consent.id &&
          relationOf(consent, actor.agencyId) === 'creator') ||
        actor.receiptConsentIds.includes(consent.id)
      )
    case 'self_service':
      return actor.receiptConsentIds.includes(consent.id)
    case 'none':
      return false
  }
}

const needsStatus = (consent: ConsentPartyFacts, wanted: 'draft' | 'active'): Permission =>
  consent.status === wanted
    ? allow
    : wanted === 'draft'
      ? deny('ERR_CONSENT_NOT_DRAFT', `The consent is ${consent.status}, not a draft.`)
      : deny('ERR_CONSENT_NOT_ACTIVE', `The consent is ${consent.status}, not active.`)

/** Whether `actor` may do `action` to `consent` now. */
export function authorizeConsentAction(
  actor: ConsentActor,
  action: ConsentAction,
  consent: ConsentPartyFacts,
): Permission {
  // A pickup code is the kiosk's way in: it finds a draft the kiosk cannot see yet.
  if (action.type === 'pick_up') {
    if (actor.kind !== 'kiosk' || relationOf(consent, actor.agencyId) !== 'creator')
      return deny('ERR_CONSENT_KIOSK_CODE_INVALID', 'This code is unknown or has expired.')
    return needsStatus(consent, 'draft').allowed
      ? allow
      : deny('ERR_CONSENT_KIOSK_CODE_INVALID', 'This code is unknown or has expired.')
  }
  if (!maySee(actor, consent)) return notFound
  switch (action.type) {
    case 'view':
      return allow
    case 'push_to_kiosk':
    case 'discard':
      if (actor.kind !== 'staff')
        return deny('ERR_CONSENT_METHOD_NOT_ALLOWED', 'Only staff of the preparing agency do this.')
      if (relationOf(consent, actor.agencyId) !== 'creator')
        return deny('ERR_CONSENT_NOT_CREATOR', 'Only the agency that prepared the draft does this.')
      // A kiosk confirms an active consent at majority; everything else happens to drafts.
      return needsStatus(
        consent,
        action.type === 'push_to_kiosk' && action.purpose === 'confirm_majority'
          ? 'active'
          : 'draft',
      )
    case 'sign':
      return authorizeSignature(actor, action.method, consent)
    case 'decline':
      if (actor.kind !== 'kiosk')
        return deny('ERR_CONSENT_METHOD_NOT_ALLOWED', 'A draft is declined at the kiosk.')
      if (relationOf(consent, actor.agencyId) !== 'creator' || !inLiveFlow(actor, consent, 'sign'))
        return deny('ERR_CONSENT_KIOSK_FLOW_REQUIRED', 'Pick the draft up on this kiosk first.')
      return needsStatus(consent, 'draft')
    case 'revoke':
      return authorizeRevocation(actor, consent)
    case 'confirm_majority':
      return authorizeMajorityConfirmation(actor, action.method, consent)
    case 'renew':
      return authorizeRenewal(actor, consent)
  }
}

/**
 * The statuses a consent is renewed from: in force (about to end) or ended by time, revocation
 * or lapse. A draft, a declined or discarded draft has nothing to renew; a renewed consent
 * already has its successor.
 */
const renewableStatuses: readonly ConsentStatus[] = [
  'active',
  'expired',
  'revoked',
  'lapsed',
]

/**
 * Renewal prepares a new draft, so it follows the draft's rule: staff of an agency that would
 * prepare it — the creator or another sending agency (the preparer of a draft is always among its
 * senders). A recipient never prepares the consent for data flowing to itself.
 */
function authorizeRenewal(actor: ConsentActor, consent: ConsentPartyFacts): Permission {
  if (actor.kind !== 'staff')
    return deny('ERR_CONSENT_METHOD_NOT_ALLOWED', 'Only staff of a sending agency renew a consent.')
  const relation = relationOf(consent, actor.agencyId)
  if (relation !== 'creator' && relation !== 'sender')
    return deny('ERR_CONSENT_NOT_SENDER', 'Only a sending agency named in the consent renews it.')
  return renewableStatuses.includes(consent.status)
    ? allow
    : deny('ERR_CONSENT_NOT_RENEWABLE', `A ${consent.status} consent cannot be renewed.`)
}

function inLiveFlow(
  actor: Extract<ConsentActor, { kind: 'kiosk' }>,
  consent: ConsentPartyFacts,
  purpose: KioskFlow['purpose'],
): boolean {
  const flow = actor.flow
  return (
    flow !== null &&
    flow.consentId === consent.id &&
    flow.purpose === purpose &&
    flow.step !== 'receipt'
  )
}

function authorizeSignature(
  actor: ConsentActor,
  method: SignatureMethod,
  consent: ConsentPartyFacts,
): Permission {
  if (isKioskSignatureMethod(method)) {
    if (actor.kind !== 'kiosk')
      return deny(
        'ERR_CONSENT_METHOD_NOT_ALLOWED',
        'A drawn or typed signature is the person’s own act at a kiosk.',
      )
    if (relationOf(consent, actor.agencyId) !== 'creator' || !inLiveFlow(actor, consent, 'sign'))
      return deny('ERR_CONSENT_KIOSK_FLOW_REQUIRED', 'Pick the draft up on this kiosk first.')
    return needsStatus(consent, 'draft')
  }
  if (actor.kind !== 'staff')
    return deny(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      'Paper and in-person signatures are recorded by staff of a sending agency.',
    )
  const relation = relationOf(consent, actor.agencyId)
  if (relation !== 'creator' && relation !== 'sender')
    return deny(
      'ERR_CONSENT_NOT_SENDER',
      'Only a sending agency named in the consent records a signature; a recipient never does.',
    )
  return needsStatus(consent, 'draft')
}

function authorizeRevocation(actor: ConsentActor, consent: ConsentPartyFacts): Permission {
  switch (actor.kind) {
    case 'staff':
      // The person may declare the revocation to any party; recording it only stops data.
      break
    case 'kiosk':
      if (!actor.receiptConsentIds.includes(consent.id))
        return deny(
          'ERR_CONSENT_RECEIPT_REQUIRED',
          'At a kiosk, a consent is revoked with its receipt code and the date of birth.',
        )
      break
    case 'self_service':
      break
    case 'none':
      return notFound
  }
  return needsStatus(consent, 'active')
}

function authorizeMajorityConfirmation(
  actor: ConsentActor,
  method: MajorityConfirmationMethod,
  consent: ConsentPartyFacts,
): Permission {
  if (isKioskSignatureMethod(method)) {
    if (actor.kind !== 'kiosk')
      return deny(
        'ERR_CONSENT_METHOD_NOT_ALLOWED',
        'A drawn or typed confirmation is made at a kiosk.',
      )
    if (
      relationOf(consent, actor.agencyId) !== 'creator' ||
      !inLiveFlow(actor, consent, 'confirm_majority')
    )
      return deny('ERR_CONSENT_KIOSK_FLOW_REQUIRED', 'Open the confirmation on this kiosk first.')
    return needsStatus(consent, 'active')
  }
  if (actor.kind !== 'staff')
    return deny(
      'ERR_CONSENT_METHOD_NOT_ALLOWED',
      'The young adult confirms in person at a kiosk or with staff — never with a code alone.',
    )
  const relation = relationOf(consent, actor.agencyId)
  if (relation !== 'creator' && relation !== 'sender')
    return deny('ERR_CONSENT_NOT_SENDER', 'Only a sending agency records the confirmation.')
  return needsStatus(consent, 'active')
}
