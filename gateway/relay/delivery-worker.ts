import { randomBytes } from 'node:crypto'
import { decide } from '../../consent/decide.ts'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { findConsentFacts } from '../../db/consent-repository.ts'
import {
  beginHandoff,
  claimDueTransfers,
  extendClaims,
  settleTransfer,
  type ClaimedTransfer,
  type TransferRecord,
} from '../../db/transfer-repository.ts'
import type { Transaction } from 'kysely'
import type { Tables } from '../../db/tables.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService, tickAgain } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import type { Mailer } from './ports.ts'
import { MailerFailure } from './ports.ts'
import { reconcileUncertainHandoffs } from './handoff-reconcile.ts'
import type { RelaySettings } from './relay-settings.ts'
import { queueRevocationNotices, type RevocationSweep } from './revocation-notice.ts'
import { recipientStandingOf } from './certificate-conditions.ts'

export interface DeliveryContext {
  /** The keyring comes in `deps.relay`, the wake-up signal too. */
  deps: Pick<Deps, 'db' | 'clock' | 'log' | 'database' | 'relay' | 'metrics'>
  mailer: Mailer
  settings: RelaySettings
  /** Names this worker's leases; unique per process. */
  workerId: string
  /** How far this worker has looked for ended consents (`newRevocationSweep()` to begin). */
  revocationSweep: RevocationSweep
  /** Source of jitter in [0, 1); injectable so tests can pin it. */
  random?: () => number
  /**
   * Runs after a transfer was settled `delivered` (`brucke serve`: the receive pipeline for a
   * recipient hosted here, gateway/inbound/local-delivery.ts). Must not throw; whatever it does
   * never changes the transfer's status.
   */
  afterDelivered?: (delivered: { transfer: TransferRecord; envelope: string }) => Promise<void>
}

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(cap, base · 2^attempt)],
 * so many transfers failing together do not retry in lock-step.
 */
export function backoffDelayMs(
  attempt: number,
  settings: Pick<RelaySettings, 'backoffBaseMs' | 'backoffCapMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(
    settings.backoffCapMs,
    settings.backoffBaseMs * 2 ** Math.min(attempt, 30),
  )
  return Math.floor(random() * ceiling)
}

const facts = (t: TransferRecord) => ({
  transferId: t.id,
  kind: t.kind,
  // A partner receipt is made under no consent (its row keeps empty strings there).
  consentId: t.consentId || null,
  subjectPseudonym: t.subjectPseudonym || null,
  senderAgencyId: t.senderAgencyId,
  recipientAgencyId: t.recipientAgencyId,
})

/**
 * The second decision (docs/design.md §3.2), immediately before the SMTP handoff, with the clock
 * read now. Revocation notices are not re-decided: they exist because the consent ended; nor are
 * partner receipts: they answer a transfer received, under no consent of this gateway. The
 * operator's retry asks the same (gateway/relay/transfer-levers.ts).
 */
export async function redecide(
  ctx: Pick<DeliveryContext, 'deps'>,
  t: TransferRecord,
  now: Date,
): Promise<string[]> {
  if (t.kind === 'revocation_notice' || t.kind === 'receipt') return []
  const consent = await findConsentFacts(ctx.deps.db, t.consentId)
  const recipient = await ctx.deps.relay.keyring.recipient(t.recipientAgencyId, now)
  const decision = decide(
    {
      subjectPseudonym: t.subjectPseudonym,
      from: t.senderAgencyId,
      staffAgencyId: t.senderAgencyId,
      to: t.recipientAgencyId,
      purpose: t.purpose,
      categories: t.categories,
      // The statement of necessity was assessed at submission and is not kept (it is content).
      dryRun: true,
      recipientCertificate: recipientStandingOf(recipient),
      summarySha256: t.plaintextSha256,
      transferId: t.id,
    },
    consent ? [consent] : [],
    now,
  )
  ctx.deps.metrics.decision('delivery', decision)
  return [...decision.reasons]
}

/** Sends one claimed transfer and records the outcome with its audit entry in one transaction. */
export async function deliverOne(ctx: DeliveryContext, claimed: ClaimedTransfer): Promise<void> {
  const { transfer: t, envelope } = claimed
  const { db, log } = ctx.deps
  const attempt = t.attempts + 1
  const before = ctx.deps.clock.now()
  const reasons = await redecide(ctx, t, before)
  if (reasons.length > 0) {
    await db.transaction().execute(async (trx) => {
      const settled = await settleTransfer(trx, {
        id: t.id,
        worker: ctx.workerId,
        at: before,
        status: 'cancelled_revoked',
        attempts: t.attempts,
        nextAttemptAt: null,
        lastError: `cancelled: ${reasons.join(', ')}`.slice(0, 480),
      })
      if (!settled) return
      await appendAuditEvent(trx, {
        at: before,
        actor: 'system',
        event: { type: 'transfer_cancelled', ...facts(t), decision: 'deny', reasons },
      })
    })
    log.info({ transferId: t.id, reasons }, 'transfer cancelled before delivery')
    return
  }
  // The handoff marker, committed before the first byte goes to the SMTP server: from here on a
  // crash or a failed outcome commit leaves `handoff_uncertain`, never a second copy. It also
  // makes sure the row is still ours (the batch may have taken long) and extends the lease.
  const handoffAt = ctx.deps.clock.now()
  const still = await beginHandoff(db, {
    id: t.id,
    worker: ctx.workerId,
    at: handoffAt,
    leaseUntil: new Date(handoffAt.getTime() + ctx.settings.leaseMs),
  })
  if (!still) {
    log.warn({ transferId: t.id }, 'claim lost to another worker; not sending')
    return
  }
  const { senderMailbox: from, recipientMailbox: to } = t
  let outcome: { ok: true; response: string } | { ok: false; failure: MailerFailure }
  try {
    // A row from before migration 0403 whose message named no plain address: never guess one.
    if (from === null || to === null)
      throw new MailerFailure('permanent', 'no stored sender or recipient mailbox; not sent')
    outcome = { ok: true, ...(await ctx.mailer.send({ from, to: [to], raw: envelope })) }
  } catch (error) {
    outcome = {
      ok: false,
      failure:
        error instanceof MailerFailure
          ? error
          : new MailerFailure('temporary', String(error).slice(0, 480), { cause: error }),
    }
  }
  // The outcome is known here and kept in memory while its commit is tried again: a database that
  // refuses one commit (disk full, a dropped connection) gets a few more chances before the
  // transfer is left to reconciliation as `handoff_uncertain`.
  const at = ctx.deps.clock.now()
  const record = (write: (trx: Transaction<Tables>) => Promise<void>) =>
    commitOutcome(ctx, t.id, () => db.transaction().execute(write))
  if (outcome.ok) {
    const response = outcome.response
    let settledNow = false
    await record(async (trx) => {
      const settled = await settleTransfer(trx, {
        id: t.id,
        worker: ctx.workerId,
        at,
        status: 'delivered',
        attempts: attempt,
        nextAttemptAt: null,
        smtpResponse: response,
        lastError: null,
        handoffStartedAt: handoffAt,
      })
      if (!settled) return
      settledNow = true
      await appendAuditEvent(trx, {
        at,
        actor: 'system',
        event: {
          type: 'transfer_delivered',
          ...facts(t),
          attempt,
          messageId: t.messageId,
          smtpResponse: response,
          envelopeSha256: t.envelopeSha256,
        },
      })
    })
    ctx.deps.metrics.deliveryAttempt('delivered')
    // The latency is that of transfers and notices; a receipt is no transfer.
    if (t.kind !== 'receipt')
      ctx.deps.metrics.delivered((at.getTime() - Date.parse(t.createdAt)) / 1000)
    log.info({ transferId: t.id, attempt }, 'transfer delivered')
    if (settledNow && ctx.afterDelivered) await ctx.afterDelivered({ transfer: t, envelope })
    return
  }
  const { failure } = outcome
  const delay = backoffDelayMs(attempt, ctx.settings, ctx.random ?? Math.random)
  const next = new Date(at.getTime() + delay)
  const giveUp = failure.kind === 'permanent' || next.getTime() > Date.parse(t.giveUpAt)
  await record(async (trx) => {
    const settled = await settleTransfer(trx, {
      id: t.id,
      worker: ctx.workerId,
      at,
      status: giveUp ? 'failed' : 'retrying',
      attempts: attempt,
      nextAttemptAt: giveUp ? null : next,
      lastError: failure.message,
      handoffStartedAt: handoffAt,
    })
    if (!settled) return
    await appendAuditEvent(trx, {
      at,
      actor: 'system',
      event: giveUp
        ? {
            type: 'transfer_failed',
            ...facts(t),
            attempt,
            permanent: failure.kind === 'permanent',
            error: failure.message,
          }
        : {
            type: 'transfer_retrying',
            ...facts(t),
            attempt,
            error: failure.message,
            nextAttemptAt: next.toISOString(),
          },
    })
  })
  ctx.deps.metrics.deliveryAttempt(giveUp ? 'failed' : 'retrying', failure)
  log.warn(
    { transferId: t.id, attempt, kind: failure.kind, giveUp, error: failure.message },
    'transfer not delivered',
  )
}

/**
 * Commits the outcome of a handoff, trying `settings.outcomeCommitTries` times with growing
 * pauses (0.2 s, 0.4 s, 0.8 s …, well inside one heartbeat, so the claim stays held). When every
 * try fails the error goes up: the marker stays without an outcome, the lease runs out, and the
 * transfer is reconciled to `handoff_uncertain` instead of being sent again.
 */
async function commitOutcome(
  ctx: DeliveryContext,
  transferId: string,
  commit: () => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await commit()
      return
    } catch (error) {
      if (attempt >= ctx.settings.outcomeCommitTries) {
        ctx.deps.log.error(
          { err: error, transferId, tries: attempt },
          'SMTP outcome not recorded; the transfer will be reconciled as handoff_uncertain',
        )
        throw error
      }
      ctx.deps.log.warn({ err: error, transferId, try: attempt }, 'SMTP outcome commit failed')
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)))
    }
  }
}

/**
 * Queues the revocation notices that are due, then claims the due transfers once and delivers
 * them in turn; returns how many it handled.
 */
export async function runDeliveryRound(
  ctx: DeliveryContext,
  limit = 5,
  /** The claims this worker holds right now, renewed by its heartbeat (`startDeliveryWorker`). */
  held: Set<string> = new Set(),
): Promise<number> {
  await reconcileUncertainHandoffs(ctx.deps)
  await queueRevocationNotices(ctx)
  const now = ctx.deps.clock.now()
  const claimed = await claimDueTransfers(ctx.deps.db, {
    worker: ctx.workerId,
    now,
    leaseUntil: new Date(now.getTime() + ctx.settings.leaseMs),
    limit,
    dialect: ctx.deps.database.dialect,
  })
  // Two at a time, as many as the mailer's pooled SMTP sessions: one message's round trips
  // overlap the other's database work instead of leaving the process idle.
  for (const c of claimed) held.add(c.transfer.id)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < claimed.length) {
      const c = claimed[next++] as ClaimedTransfer
      try {
        await deliverOne(ctx, c)
      } finally {
        // Settled, lost, or its outcome given up on: no longer renewed, so a lease left behind
        // runs out and the row is reconciled.
        held.delete(c.transfer.id)
      }
    }
  }
  // Settled, not raced: a failing lane must not leave the other running into the next round.
  const lanes = await Promise.allSettled(
    Array.from({ length: Math.min(deliveryLanes, claimed.length) }, lane),
  )
  // A lane that failed left the rest of its claims undelivered: no longer renewed either.
  for (const c of claimed) held.delete(c.transfer.id)
  for (const result of lanes) if (result.status === 'rejected') throw result.reason
  return claimed.length
}

/** Transfers of one round in flight at once (the SMTP pool keeps two sessions, smtp-mailer.ts). */
const deliveryLanes = 2

/** A unique worker id for leases: host process + random part. */
export function newWorkerId(): string {
  return `w-${process.pid}-${randomBytes(4).toString('hex')}`
}

/** Transfers one round of `brucke serve`'s worker claims. */
export const transfersPerRound = 5

/**
 * The delivery worker of `brucke serve`: a first round at once, then one round at a time — the
 * next right away while rounds come back full (a backlog drains at the speed of delivery, not of
 * the poll interval) or when this process queued a transfer meanwhile (`deps.relay.outbox`), else
 * after `settings.pollMs`. A round in flight finishes before `stop` resolves, so a clean shutdown
 * never leaves a message accepted by SMTP but unrecorded.
 */
export function startDeliveryWorker(ctx: DeliveryContext): Service {
  const held = new Set<string>()
  const loop = startPeriodicService({
    name: 'delivery-worker',
    intervalMs: ctx.settings.pollMs,
    log: ctx.deps.log,
    metrics: ctx.deps.metrics,
    tick: async () =>
      (await runDeliveryRound(ctx, transfersPerRound, held)) >= transfersPerRound
        ? tickAgain
        : undefined,
  })
  // The heartbeat: while this process lives, its claims stay its own however long an SMTP
  // dialogue takes; when it dies they lapse within `leaseMs` and another worker takes over.
  const heartbeat = startPeriodicService({
    name: 'delivery-heartbeat',
    intervalMs: ctx.settings.heartbeatMs,
    log: ctx.deps.log,
    firstTick: 'after-interval',
    tick: async () => {
      if (held.size === 0) return
      const now = ctx.deps.clock.now()
      await extendClaims(ctx.deps.db, {
        worker: ctx.workerId,
        ids: [...held],
        leaseUntil: new Date(now.getTime() + ctx.settings.leaseMs),
      })
    },
  })
  // Idle until the next poll: start the round now instead (or right after the running one).
  const unsubscribe = ctx.deps.relay.outbox.onQueued(() => loop.wake())
  return {
    name: loop.name,
    async stop() {
      unsubscribe()
      await loop.stop()
      await heartbeat.stop()
      ctx.mailer.close()
    },
  }
}
