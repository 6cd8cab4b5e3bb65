import type { Kysely, Transaction } from 'kysely'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * Records the partner gateway's receipt on a transfer this instance sent, unless one is recorded
 * already (the first receipt wins; the condition makes two racing receipts record one). True when
 * this call recorded it.
 */
export async function recordReceiptOnTransfer(
  db: Executor,
  input: { transferId: string; at: Date; outcome: 'accepted' | 'refused'; reason: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('transfers')
    .set({
      partner_receipt_at: input.at.toISOString(),
      partner_receipt_outcome: input.outcome,
      partner_receipt_reason: input.reason,
    })
    .where('id', '=', input.transferId)
    .where('kind', '=', 'transfer')
    .where('partner_receipt_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
