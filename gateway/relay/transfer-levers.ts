import type { Principal } from '../../accounts/roles.ts'
import type { Actor } from '../../audit/audit-event.ts'
import {
  authorizePartnerPause,
  authorizeTransferLever,
  type LeverActor,
  type LeverVerdict,
  type TransferLever,
} from '../../consent/transfer-levers.ts'
import { findAgency } from '../../db/account-repository.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import {
  cancelWaitingTransfer,
  deletePartnerPause,
  findPartnerPause,
  hasEnvelope,
  insertPartnerPause,
  listPartnerPauses,
  requeueFailedTransfer,
  type PartnerPause,
} from '../../db/transfer-lever-repository.ts'
import { findTransfer, type TransferRecord } from '../../db/transfer-repository.ts'
import type { Deps } from '../deps.ts'
import { redecide } from './delivery-worker.ts'
import { RelayError } from './relay-error.ts'
import { relaySettingsOf } from './relay-settings.ts'

/**
 * The operator's levers on the relay (issue 19 point 5), one use case each, shared by the API,
 * the admin page and the CLI: load, ask the rule (`consent/transfer-levers.ts`), change the row
 * conditionally and audit in one transaction, then wake the delivery worker.
 */

type LeverDeps = Pick<Deps, 'db' | 'clock' | 'config' | 'relay' | 'database' | 'log' | 'metrics'>

export interface LeverCaller {
  /** Who the rule judges. */
  actor: LeverActor
  /** Who the audit log names. */
  auditActor: Actor
}

/** An admin is judged by its agency (or none); every other role pulls no lever. */
export function leverActorOf(principal: Principal): LeverActor {
  return principal.role === 'admin'
    ? { kind: 'admin', agencyId: principal.agencyId }
    : { kind: 'other', agencyId: principal.agencyId }
}

function enforce(verdict: LeverVerdict): void {
  if (!verdict.allowed) throw new RelayError(verdict.code, verdict.message)
}

const factsOf = (t: TransferRecord) => ({
  transferId: t.id,
  kind: t.kind,
  // A partner receipt is made under no consent (its row keeps empty strings there).
  consentId: t.consentId || null,
  subjectPseudonym: t.subjectPseudonym || null,
  senderAgencyId: t.senderAgencyId,
  recipientAgencyId: t.recipientAgencyId,
})

async function loadForLever(
  deps: LeverDeps,
  caller: LeverCaller,
  lever: TransferLever,
  id: string,
): Promise<TransferRecord> {
  // A caller without levers is told so whether or not the id exists; for an admin an unknown
  // id and another agency's transfer answer alike.
  if (caller.actor.kind === 'other')
    throw new RelayError(
      'ERR_LEVER_NOT_ALLOWED',
      'Only an administrator or the operator does this.',
    )
  const transfer = await findTransfer(deps.db, id)
  if (!transfer) throw new RelayError('ERR_LEVER_NOT_FOUND', 'No such transfer of your agency.')
  enforce(
    authorizeTransferLever(caller.actor, lever, {
      kind: transfer.kind,
      status: transfer.status,
      senderAgencyId: transfer.senderAgencyId,
      hasEnvelope: lever === 'retry' ? await hasEnvelope(deps.db, transfer.id) : false,
    }),
  )
  return transfer
}

export interface LeverResult {
  id: string
  status: 'queued' | 'cancelled'
}

/**
 * Sends a failed transfer again — only while its consent still covers it, decided now with the
 * consent's current facts (the worker decides once more right before the handoff).
 *
 * @throws RelayError `transfer_denied` with `details.reasons` when the consent no longer covers it
 *   (audited as `transfer_retry_refused`; the transfer stays failed).
 */
export async function retryTransfer(
  deps: LeverDeps,
  input: { caller: LeverCaller; id: string },
): Promise<LeverResult> {
  const transfer = await loadForLever(deps, input.caller, 'retry', input.id)
  const now = deps.clock.now()
  const reasons = await redecide({ deps }, transfer, now)
  if (reasons.length > 0) {
    await deps.db.transaction().execute((trx) =>
      appendAuditEvent(trx, {
        at: now,
        actor: input.caller.auditActor,
        event: { type: 'transfer_retry_refused', ...factsOf(transfer), decision: 'deny', reasons },
      }),
    )
    throw new RelayError(
      'transfer_denied',
      'The consent no longer covers this transfer; it is not sent again.',
      { details: { reasons } },
    )
  }
  const giveUpAt = new Date(now.getTime() + relaySettingsOf(deps.config).retryHorizonMs)
  await deps.db.transaction().execute(async (trx) => {
    const requeued = await requeueFailedTransfer(trx, { id: transfer.id, at: now, giveUpAt })
    if (!requeued) throw new RelayError('ERR_LEVER_NOT_FAILED', 'The transfer is no longer failed.')
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.auditActor,
      event: {
        type: 'transfer_retried',
        ...factsOf(transfer),
        attempts: transfer.attempts,
        decision: 'permit',
        giveUpAt: giveUpAt.toISOString(),
      },
    })
  })
  deps.relay.outbox.queued()
  return { id: transfer.id, status: 'queued' }
}

/** Cancels a waiting (or failed) transfer for good; its sealed message is dropped. */
export async function cancelTransfer(
  deps: LeverDeps,
  input: { caller: LeverCaller; id: string },
): Promise<LeverResult> {
  const transfer = await loadForLever(deps, input.caller, 'cancel', input.id)
  const previousStatus = transfer.status
  if (
    previousStatus !== 'queued' &&
    previousStatus !== 'retrying' &&
    previousStatus !== 'failed' &&
    previousStatus !== 'handoff_uncertain'
  )
    throw new RelayError('ERR_LEVER_NOT_WAITING', `The transfer is ${previousStatus}.`)
  const now = deps.clock.now()
  await deps.db.transaction().execute(async (trx) => {
    const cancelled = await cancelWaitingTransfer(trx, {
      id: transfer.id,
      at: now,
      reason: `cancelled by ${input.caller.auditActor}`,
    })
    if (!cancelled)
      throw new RelayError(
        'ERR_LEVER_IN_DELIVERY',
        'The transfer is being handed to the mail server right now or was settled meanwhile; ' +
          'read its status again.',
      )
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.auditActor,
      event: { type: 'transfer_withdrawn', ...factsOf(transfer), previousStatus },
    })
  })
  return { id: transfer.id, status: 'cancelled' }
}

async function requireAgency(deps: LeverDeps, agencyId: string): Promise<void> {
  if (!(await findAgency(deps.db, agencyId)))
    throw new RelayError('ERR_LEVER_AGENCY_UNKNOWN', 'No agency with this id.')
}

/**
 * Pauses delivery to a partner agency: the worker claims no transfer to it until it is resumed.
 * Pausing a paused partner changes nothing (the first pause stands, no second audit entry).
 */
export async function pausePartner(
  deps: LeverDeps,
  input: { caller: LeverCaller; agencyId: string },
): Promise<PartnerPause> {
  enforce(authorizePartnerPause(input.caller.actor, input.agencyId))
  await requireAgency(deps, input.agencyId)
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (trx) => {
    const pause = {
      agencyId: input.agencyId,
      pausedAt: now.toISOString(),
      pausedBy: input.caller.auditActor,
    }
    if (!(await insertPartnerPause(trx, pause)))
      return (await findPartnerPause(trx, input.agencyId)) ?? pause
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.auditActor,
      event: { type: 'partner_delivery_paused', agencyId: input.agencyId },
    })
    return pause
  })
}

/**
 * Resumes delivery to a partner: its waiting transfers are due at once. Resuming a partner that
 * is not paused changes nothing (`madeDue` 0, `wasPaused` false, no audit entry).
 */
export async function resumePartner(
  deps: LeverDeps,
  input: { caller: LeverCaller; agencyId: string },
): Promise<{ agencyId: string; wasPaused: boolean; madeDue: number }> {
  enforce(authorizePartnerPause(input.caller.actor, input.agencyId))
  await requireAgency(deps, input.agencyId)
  const now = deps.clock.now()
  const madeDue = await deps.db.transaction().execute(async (trx) => {
    const due = await deletePartnerPause(trx, { agencyId: input.agencyId, at: now })
    if (due === undefined) return undefined
    await appendAuditEvent(trx, {
      at: now,
      actor: input.caller.auditActor,
      event: { type: 'partner_delivery_resumed', agencyId: input.agencyId, madeDue: due },
    })
    return due
  })
  if (madeDue !== undefined) deps.relay.outbox.queued()
  return { agencyId: input.agencyId, wasPaused: madeDue !== undefined, madeDue: madeDue ?? 0 }
}

/** Every paused partner (the list is the instance's, not an agency's secret). */
export function listPausedPartners(deps: Pick<Deps, 'db'>): Promise<PartnerPause[]> {
  return listPartnerPauses(deps.db)
}
