import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * The operator's levers on the relay (issue 19 point 5) as conditional updates: each changes the
 * row only if it is still in the state the rule allowed, so a worker settling it meanwhile wins
 * and the lever reports that instead of overwriting it.
 */

/** Failed → queued, due now, with a fresh retry horizon; false when it is no longer failed. */
export async function requeueFailedTransfer(
  db: Executor,
  input: { id: string; at: Date; giveUpAt: Date },
): Promise<boolean> {
  const at = input.at.toISOString()
  const result = await db
    .updateTable('transfers')
    .set({
      status: 'queued',
      next_attempt_at: at,
      give_up_at: input.giveUpAt.toISOString(),
      last_error: null,
      claimed_by: null,
      claim_expires_at: null,
      // An uncertain handoff the operator chose to send again: the old marker no longer applies.
      handoff_started_at: null,
      handoff_worker: null,
      updated_at: at,
    })
    .where('id', '=', input.id)
    .where('status', 'in', ['failed', 'handoff_uncertain'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('transfer_outbox')
          .select('transfer_outbox.transfer_id')
          .whereRef('transfer_outbox.transfer_id', '=', 'transfers.id'),
      ),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Waiting or failed → `cancelled`, its sealed message dropped. A transfer a worker holds under a
 * live lease is in an SMTP handoff right now: cancelling it could not stop the mail, so it is not
 * touched (false).
 */
export async function cancelWaitingTransfer(
  db: Executor,
  input: { id: string; at: Date; reason: string },
): Promise<boolean> {
  const at = input.at.toISOString()
  const result = await db
    .updateTable('transfers')
    .set({
      status: 'cancelled',
      next_attempt_at: null,
      last_error: input.reason,
      claimed_by: null,
      claim_expires_at: null,
      handoff_started_at: null,
      handoff_worker: null,
      updated_at: at,
    })
    .where('id', '=', input.id)
    .where('kind', '=', 'transfer')
    .where('status', 'in', ['queued', 'retrying', 'failed', 'handoff_uncertain'])
    .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', at)]))
    // A waiting row with a handoff marker is mid-send or awaiting reconciliation, not waiting.
    .where((eb) =>
      eb.or([eb('handoff_started_at', 'is', null), eb('status', '=', 'handoff_uncertain')]),
    )
    .executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return false
  await db.deleteFrom('transfer_outbox').where('transfer_id', '=', input.id).execute()
  return true
}

export async function hasEnvelope(db: Executor, transferId: string): Promise<boolean> {
  const row = await db
    .selectFrom('transfer_outbox')
    .select('transfer_id')
    .where('transfer_id', '=', transferId)
    .executeTakeFirst()
  return row !== undefined
}

export interface PartnerPause {
  agencyId: string
  pausedAt: string
  pausedBy: string
}

export async function findPartnerPause(
  db: Executor,
  agencyId: string,
): Promise<PartnerPause | undefined> {
  const row = await db
    .selectFrom('partner_pauses')
    .selectAll()
    .where('agency_id', '=', agencyId)
    .executeTakeFirst()
  return row
    ? { agencyId: row.agency_id, pausedAt: row.paused_at, pausedBy: row.paused_by }
    : undefined
}

export async function listPartnerPauses(db: Executor): Promise<PartnerPause[]> {
  const rows = await db.selectFrom('partner_pauses').selectAll().orderBy('agency_id').execute()
  return rows.map((row) => ({
    agencyId: row.agency_id,
    pausedAt: row.paused_at,
    pausedBy: row.paused_by,
  }))
}

/** Pauses delivery to an agency; false when it was paused already (the first pause stands). */
export async function insertPartnerPause(db: Executor, pause: PartnerPause): Promise<boolean> {
  const inserted = await db
    .insertInto('partner_pauses')
    .values({ agency_id: pause.agencyId, paused_at: pause.pausedAt, paused_by: pause.pausedBy })
    .onConflict((oc) => oc.column('agency_id').doNothing())
    .returning('agency_id')
    .executeTakeFirst()
  return inserted !== undefined
}

/**
 * Resumes delivery to an agency and makes its waiting transfers due at once; undefined when it
 * was not paused, else how many transfers came due.
 */
export async function deletePartnerPause(
  db: Executor,
  input: { agencyId: string; at: Date },
): Promise<number | undefined> {
  const deleted = await db
    .deleteFrom('partner_pauses')
    .where('agency_id', '=', input.agencyId)
    .executeTakeFirst()
  if (Number(deleted.numDeletedRows) !== 1) return undefined
  const at = input.at.toISOString()
  const due = await db
    .updateTable('transfers')
    .set({ next_attempt_at: at, updated_at: at })
    .where('recipient_agency_id', '=', input.agencyId)
    .where('status', 'in', ['queued', 'retrying'])
    .executeTakeFirst()
  return Number(due.numUpdatedRows)
}

/** Transfers the lever page offers: waiting or failed, of one sender or all, newest first. */
export async function listLeverTransfers(
  db: Executor,
  input: { senderAgencyId: string | null; limit: number },
) {
  let query = db
    .selectFrom('transfers')
    .select([
      'id',
      'kind',
      'status',
      'sender_agency_id',
      'recipient_agency_id',
      'attempts',
      'last_error',
      'updated_at',
    ])
    .where('status', 'in', ['queued', 'retrying', 'failed'])
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(input.limit)
  if (input.senderAgencyId !== null)
    query = query.where('sender_agency_id', '=', input.senderAgencyId)
  const rows = await query.execute()
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    senderAgencyId: row.sender_agency_id,
    recipientAgencyId: row.recipient_agency_id,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    updatedAt: row.updated_at,
  }))
}

/**
 * Drops the sealed messages that failed or uncertain transfers keep for the retry lever once they
 * have waited since before `before` (FAILED_MESSAGE_RETENTION_DAYS): ciphertext, but still case
 * data whose time is up. Returns how many were dropped.
 */
export async function dropStaleEnvelopes(db: Executor, input: { before: Date }): Promise<number> {
  const result = await db
    .deleteFrom('transfer_outbox')
    .where('transfer_id', 'in', (eb) =>
      eb
        .selectFrom('transfers')
        .select('transfers.id')
        .where('transfers.status', 'in', ['failed', 'handoff_uncertain'])
        .where('transfers.updated_at', '<', input.before.toISOString()),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
