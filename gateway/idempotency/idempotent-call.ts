import { createHash } from 'node:crypto'
import type { Transaction } from 'kysely'
import { canonicalJson } from '../../audit/canonical-json.ts'
import {
  findIdempotencyRecord,
  insertIdempotencyRecord,
  type IdempotencyKeyId,
  type IdempotencyRecord,
} from '../../db/idempotency-repository.ts'
import type { Tables } from '../../db/tables.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'

/** The create calls that take an idempotency key. */
export type IdempotentOperation = 'transfer.submit' | 'consent.create' | 'consent.renew'

/**
 * A key sent with a create call: whose it is, where it came from (the `Idempotency-Key` header
 * or, at the SMTP ingress, the mail's Message-ID — two namespaces that never meet) and the
 * validated request it stands for.
 */
export interface IdempotencyClaim {
  agencyId: string
  principal: `user:${string}`
  channel: 'http' | 'smtp'
  key: string
  operation: IdempotentOperation
  /** The validated request (zod output); only its hash is stored. */
  request: unknown
}

/** The outcome a create call stores with its key, inside the transaction of its record. */
export interface IdempotentOutcome {
  /** The record the call created. */
  resourceId: string
  /** The answer when it is metadata only; omitted when the replay re-reads `resourceId`. */
  body?: unknown
}

/**
 * Given to a create call: stores the key with the outcome in the call's own transaction — the
 * first statement of it, so a concurrent twin waits there, not after half the work.
 */
export type RecordOutcome = (trx: Transaction<Tables>, outcome: IdempotentOutcome) => Promise<void>

/** The stored first outcome a retry is answered with. */
export interface StoredOutcome {
  status: number
  resourceId: string
  body: unknown
}

/** Thrown inside the create call's transaction when another call committed the key first. */
class KeyTakenMeanwhile extends Error {}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')

function keyIdOf(claim: IdempotencyClaim): IdempotencyKeyId {
  return {
    agencyId: claim.agencyId,
    principal: claim.principal,
    keySha256: sha256(`${claim.channel}\n${claim.key}`),
  }
}

function requestSha256Of(claim: IdempotencyClaim): string {
  return sha256(`${claim.operation}\n${canonicalJson(claim.request)}`)
}

/** The first outcome, or the refusal when the key was used for another request. */
function replayable(record: IdempotencyRecord, claim: IdempotencyClaim): StoredOutcome {
  if (record.operation !== claim.operation || record.requestSha256 !== requestSha256Of(claim))
    throw new ApiError(
      'idempotency_key_reused',
      'This idempotency key was used for a different request; send a new key for a new request.',
    )
  return {
    status: record.responseStatus,
    resourceId: record.resourceId,
    body: record.responseBody === null ? null : (JSON.parse(record.responseBody) as unknown),
  }
}

/**
 * Runs a create call at most once per key (issue 19 point 4). Without a key the call just runs.
 * With one: a key already stored answers with its first outcome (`replay`) and creates nothing,
 * or is refused (`idempotency_key_reused`) when it came with another request. Otherwise the
 * call runs and stores the key with its outcome in its own transaction (`run` gets the
 * recorder), so a crash never leaves a record without its key or a key without its record.
 * A twin running at the same time loses at that insert, its transaction rolls back, and it is
 * answered like a retry — it waits for the first instead of failing. Refusals (a denied
 * transfer, an invalid draft) store no key: nothing was created, and a retry is decided anew.
 */
export async function runIdempotently<R>(
  deps: Pick<Deps, 'db' | 'clock'>,
  claim: IdempotencyClaim | undefined,
  call: {
    /** The success status of the call, stored for the replay. */
    status: number
    run(record: RecordOutcome | undefined): Promise<R>
    replay(stored: StoredOutcome): Promise<R>
  },
): Promise<{ result: R; replayed: boolean }> {
  if (!claim) return { result: await call.run(undefined), replayed: false }
  const id = keyIdOf(claim)
  const stored = await findIdempotencyRecord(deps.db, id)
  if (stored) return { result: await call.replay(replayable(stored, claim)), replayed: true }

  const requestSha256 = requestSha256Of(claim)
  const record: RecordOutcome = async (trx, outcome) => {
    const inserted = await insertIdempotencyRecord(trx, {
      ...id,
      operation: claim.operation,
      requestSha256,
      responseStatus: call.status,
      responseBody: outcome.body === undefined ? null : JSON.stringify(outcome.body),
      resourceId: outcome.resourceId,
      createdAt: deps.clock.now().toISOString(),
    })
    if (!inserted) throw new KeyTakenMeanwhile('idempotency key committed by a concurrent call')
  }
  try {
    return { result: await call.run(record), replayed: false }
  } catch (error) {
    if (!(error instanceof KeyTakenMeanwhile)) throw error
    const first = await findIdempotencyRecord(deps.db, id)
    // Only a purge between the commit and this read could remove it; a retry decides anew.
    if (!first)
      throw new ApiError('conflict', 'A request with this idempotency key just finished; retry.', {
        cause: error,
      })
    return { result: await call.replay(replayable(first, claim)), replayed: true }
  }
}
