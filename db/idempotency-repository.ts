import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** Whose key it is: the key is scoped to the agency and the principal that sent it. */
export interface IdempotencyKeyId {
  agencyId: string
  principal: string
  keySha256: string
}

export interface IdempotencyRecord extends IdempotencyKeyId {
  operation: string
  requestSha256: string
  responseStatus: number
  /** JSON text of the first answer, or null when it is re-read from `resourceId`. */
  responseBody: string | null
  resourceId: string
  createdAt: string
}

export async function findIdempotencyRecord(
  db: Executor,
  id: IdempotencyKeyId,
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('agency_id', '=', id.agencyId)
    .where('principal', '=', id.principal)
    .where('key_sha256', '=', id.keySha256)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    agencyId: row.agency_id,
    principal: row.principal,
    keySha256: row.key_sha256,
    operation: row.operation,
    requestSha256: row.request_sha256,
    responseStatus: row.response_status,
    responseBody: row.response_body,
    resourceId: row.resource_id,
    createdAt: row.created_at,
  }
}

/**
 * Stores a key's outcome in the caller's transaction. False when the key is taken already: on
 * PostgreSQL the insert waits for a concurrent transaction holding the same key and sees its
 * row once it commits; SQLite runs one transaction at a time.
 */
export async function insertIdempotencyRecord(
  trx: Transaction<Tables>,
  record: IdempotencyRecord,
): Promise<boolean> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({
      agency_id: record.agencyId,
      principal: record.principal,
      key_sha256: record.keySha256,
      operation: record.operation,
      request_sha256: record.requestSha256,
      response_status: record.responseStatus,
      response_body: record.responseBody,
      resource_id: record.resourceId,
      created_at: record.createdAt,
    })
    .onConflict((conflict) =>
      conflict.columns(['agency_id', 'principal', 'key_sha256']).doNothing(),
    )
    .returning('key_sha256')
    .executeTakeFirst()
  return inserted !== undefined
}

/** Deletes the keys stored before `before`; their number. */
export async function purgeIdempotencyRecords(db: Executor, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', before.toISOString())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
