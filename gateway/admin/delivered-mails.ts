import type { DeliveredMail } from '../../templates/pages/admin/admin-view.ts'
import type { Deps } from '../deps.ts'

/**
 * The latest delivered messages, for the admin's link to the relay's catch-all download
 * (`GET /api/v1/transfers/:id/catchall.eml`). Only metadata; the message itself stays encrypted.
 */
export async function listDeliveredMails(
  deps: Pick<Deps, 'db'>,
  limit = 20,
): Promise<DeliveredMail[]> {
  const rows = await deps.db
    .selectFrom('transfers')
    .select(['id', 'kind', 'sender_agency_id', 'recipient_agency_id', 'delivered_at'])
    .where('status', '=', 'delivered')
    .orderBy('delivered_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute()
  return rows.map((row) => ({
    transferId: row.id,
    kind: row.kind,
    senderAgencyId: row.sender_agency_id,
    recipientAgencyId: row.recipient_agency_id,
    deliveredAt: row.delivered_at ?? '',
  }))
}
