import type { Kysely, Transaction } from 'kysely'
import { appendAuditEvent } from '../../db/audit-repository.ts'
import { markUseStopped } from '../../db/inbox-repository.ts'
import type { Tables } from '../../db/tables.ts'

export interface HonourEndingNoticeInput {
  /** The hosted agency that received the notice (and the items). */
  recipientAgencyId: string
  /** The consent the notice says was revoked or lapsed. */
  consentId: string
  /** The stored notice (an `inbound_items` row of kind revocation_notice or lapse_notice). */
  noticeItemId: string
  at: Date
}

/**
 * Honours an incoming revocation or lapse notice (issue 16 point 6; Art. 7(3), Art. 17(1)(b)
 * GDPR, § 67c SGB X): every case summary the agency received under that consent is marked
 * "further use must stop" and shown to its staff until one of them acknowledges it; the notice
 * itself waits unacknowledged in the inbox and in the DPO's report. Runs in the caller's
 * transaction when given one (the receive pipeline calls it right after storing the notice), with
 * its `inbox_use_stopped` audit entry. Returns the ids of the items stopped now.
 */
export async function honourEndingNotice(
  db: Kysely<Tables> | Transaction<Tables>,
  input: HonourEndingNoticeInput,
): Promise<string[]> {
  const run = async (trx: Transaction<Tables>) => {
    const itemIds = await markUseStopped(trx, {
      recipientAgencyId: input.recipientAgencyId,
      consentId: input.consentId,
      byItemId: input.noticeItemId,
      at: input.at,
    })
    if (itemIds.length > 0)
      await appendAuditEvent(trx, {
        at: input.at,
        actor: 'system',
        event: {
          type: 'inbox_use_stopped',
          noticeItemId: input.noticeItemId,
          agencyId: input.recipientAgencyId,
          consentId: input.consentId,
          itemIds,
        },
      })
    return itemIds
  }
  return db.isTransaction ? run(db as Transaction<Tables>) : db.transaction().execute(run)
}
