/**
 * Who may pull the operator's levers on the relay (issue 19 point 5): send a failed transfer again,
 * cancel one still waiting, pause and resume delivery to one partner agency. Pure, in the style of
 * `permissions.ts`: the service loads the transfer and the caller, asks here, and only then stores
 * and audits. Whether the consent still covers a retried transfer is not this rule's question —
 * the service asks `decide` for that at the instant of the retry.
 *
 * - The operator at the server (CLI) and an admin bound to no agency run the relay for every
 *   agency it hosts: every lever, every transfer, every partner.
 * - An admin of one agency acts on the transfers its agency sent, and pauses or resumes delivery
 *   only to its own agency (its own receiver is the one it can vouch for). Another agency's
 *   transfers are "not found": no hint that they exist.
 * - Staff, DPOs, kiosks and `/me` never pull a lever: sending again is an operations decision,
 *   and staff who want data to flow submit a new transfer under the consent.
 * - A revocation notice is owed to the partner (Art. 19 GDPR): it can be retried, never cancelled.
 */

export const transferLeverRefusalCodes = [
  'ERR_LEVER_NOT_FOUND',
  'ERR_LEVER_NOT_ALLOWED',
  'ERR_LEVER_NOT_FAILED',
  'ERR_LEVER_NOT_WAITING',
  'ERR_LEVER_NOTICE_NOT_CANCELLABLE',
  'ERR_LEVER_MESSAGE_GONE',
  'ERR_LEVER_IN_DELIVERY',
  'ERR_LEVER_AGENCY_UNKNOWN',
] as const
export type TransferLeverRefusalCode = (typeof transferLeverRefusalCodes)[number]

export type LeverActor =
  /** The operator at the server, through the CLI. */
  | { kind: 'operator' }
  /** An admin account: bound to one agency, or to none (the instance's admin). */
  | { kind: 'admin'; agencyId: string | null }
  /** Anyone else: staff, DPO, kiosk, a `/me` session, a worker. */
  | { kind: 'other'; agencyId: string | null }

export type TransferLever = 'retry' | 'cancel'

/** What the rule reads of a transfer. */
export interface TransferLeverFacts {
  /** `receipt`: a partner receipt this gateway owes (issue 16 point 7), retried and cancelled like a transfer. */
  kind: 'transfer' | 'revocation_notice' | 'receipt'
  status: string
  senderAgencyId: string
  /** Whether the sealed message is still kept (a failed transfer from before 0410 has none). */
  hasEnvelope: boolean
}

export type LeverVerdict =
  { allowed: true } | { allowed: false; code: TransferLeverRefusalCode; message: string }

const allow: LeverVerdict = { allowed: true }
const deny = (code: TransferLeverRefusalCode, message: string): LeverVerdict => ({
  allowed: false,
  code,
  message,
})

/** Whether the actor may act on transfers sent by `senderAgencyId` at all. */
function mayReach(actor: LeverActor, senderAgencyId: string): boolean {
  if (actor.kind === 'operator') return true
  if (actor.kind !== 'admin') return false
  return actor.agencyId === null || actor.agencyId === senderAgencyId
}

/** Whether `actor` may pull `lever` on `transfer` now. */
export function authorizeTransferLever(
  actor: LeverActor,
  lever: TransferLever,
  transfer: TransferLeverFacts,
): LeverVerdict {
  if (actor.kind === 'other')
    return deny('ERR_LEVER_NOT_ALLOWED', 'Only an administrator or the operator does this.')
  if (!mayReach(actor, transfer.senderAgencyId))
    return deny('ERR_LEVER_NOT_FOUND', 'No such transfer of your agency.')
  if (lever === 'retry') {
    // handoff_uncertain: the operator asked the recipient and the message did not arrive.
    if (transfer.status !== 'failed' && transfer.status !== 'handoff_uncertain')
      return deny(
        'ERR_LEVER_NOT_FAILED',
        `The transfer is ${transfer.status}; only a failed or uncertain one is sent again.`,
      )
    if (!transfer.hasEnvelope)
      return deny(
        'ERR_LEVER_MESSAGE_GONE',
        'The sealed message of this transfer is no longer kept; submit the transfer anew.',
      )
    return allow
  }
  if (transfer.kind === 'revocation_notice')
    return deny(
      'ERR_LEVER_NOTICE_NOT_CANCELLABLE',
      'A revocation notice is owed to the partner; it can be sent again, not cancelled.',
    )
  // A failed transfer can be cancelled too: that gives it up for good and drops its kept message;
  // so can an uncertain one (the recipient confirmed it arrived, or it is given up).
  if (
    transfer.status !== 'queued' &&
    transfer.status !== 'retrying' &&
    transfer.status !== 'failed' &&
    transfer.status !== 'handoff_uncertain'
  )
    return deny(
      'ERR_LEVER_NOT_WAITING',
      `The transfer is ${transfer.status}; only a waiting or failed one is cancelled.`,
    )
  return allow
}

/** Whether `actor` may pause or resume delivery to `partnerAgencyId`. */
export function authorizePartnerPause(actor: LeverActor, partnerAgencyId: string): LeverVerdict {
  if (actor.kind === 'operator') return allow
  if (actor.kind !== 'admin')
    return deny('ERR_LEVER_NOT_ALLOWED', 'Only an administrator or the operator does this.')
  // Pausing a partner holds back every agency's transfers to it: an agency's admin may do that
  // only for its own receiver, never for another agency's.
  if (actor.agencyId !== null && actor.agencyId !== partnerAgencyId)
    return deny(
      'ERR_LEVER_NOT_ALLOWED',
      'An agency’s administrator pauses delivery only to its own agency.',
    )
  return allow
}

/** Which sender's transfers `actor` may list on the lever page: one agency, or all (null). */
export function leverScopeOf(actor: LeverActor): { senderAgencyId: string | null } | undefined {
  if (actor.kind === 'operator') return { senderAgencyId: null }
  if (actor.kind !== 'admin') return undefined
  return { senderAgencyId: actor.agencyId }
}
