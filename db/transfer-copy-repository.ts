import type { Kysely, Transaction } from 'kysely'
import { preparedQuery } from './prepared-query.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** Stores the sender's sealed copy of a transfer (call inside the transaction that queues it). */
export async function insertSenderCopy(
  db: Executor,
  input: { transferId: string; senderAgencyId: string; envelope: string; at: Date },
): Promise<void> {
  await insertSenderCopyRow.execute(db, {
    transferId: input.transferId,
    senderAgencyId: input.senderAgencyId,
    envelope: input.envelope,
    at: input.at.toISOString(),
  })
}

// Written with every transfer: built once, then only run (prepared-query.ts).
const insertSenderCopyRow = preparedQuery<{
  transferId: string
  senderAgencyId: string
  envelope: string
  at: string
}>()((db, slot) =>
  db.insertInto('transfer_sender_copies').values({
    transfer_id: slot('transferId'),
    sender_agency_id: slot('senderAgencyId'),
    envelope: slot('envelope'),
    created_at: slot('at'),
  }),
)

/** The sealed copy of a transfer, if it was made and is not yet deleted by retention. */
export async function findSenderCopy(
  db: Executor,
  transferId: string,
): Promise<{ senderAgencyId: string; envelope: string; createdAt: string } | undefined> {
  const row = await db
    .selectFrom('transfer_sender_copies')
    .select(['sender_agency_id', 'envelope', 'created_at'])
    .where('transfer_id', '=', transferId)
    .executeTakeFirst()
  return row
    ? { senderAgencyId: row.sender_agency_id, envelope: row.envelope, createdAt: row.created_at }
    : undefined
}

/** Deletes the sealed copies made before `before` (TRANSFER_COPY_RETENTION_DAYS); returns how many. */
export async function purgeSenderCopies(db: Executor, input: { before: Date }): Promise<number> {
  const result = await db
    .deleteFrom('transfer_sender_copies')
    .where('created_at', '<', input.before.toISOString())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
