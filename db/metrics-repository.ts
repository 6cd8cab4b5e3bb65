import { sql, type Kysely } from 'kysely'
import type { Tables } from './tables.ts'

/**
 * The reads behind the gauges of `/api/v1/metrics`, run at scrape time. Each is one small query
 * over an index or a tiny table, and none returns a name, pseudonym or case data: statuses,
 * agency ids, certificate fingerprints, sequence numbers and instants only.
 */

/** Statuses a transfer waits in before its final state (the delivery queue). */
export const openTransferStatuses = ['queued', 'retrying'] as const

/** Transfers waiting for delivery, by status; GROUP BY over the `transfers_due` index. */
export async function countOpenTransfers(
  db: Kysely<Tables>,
): Promise<Record<(typeof openTransferStatuses)[number], number>> {
  const rows = await db
    .selectFrom('transfers')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('status', 'in', [...openTransferStatuses])
    // Receipts owed to partners wait in the same queue but are no transfers (issue 16 point 7).
    .where('kind', '!=', 'receipt')
    .groupBy('status')
    .execute()
  const counts = { queued: 0, retrying: 0 }
  for (const row of rows)
    if (row.status === 'queued' || row.status === 'retrying') counts[row.status] = Number(row.n)
  return counts
}

/** The active agency certificates' ends of validity (agency id and fingerprint, nothing else). */
export async function listActiveCertificateExpiries(
  db: Kysely<Tables>,
): Promise<{ agencyId: string; fingerprint: string; notAfter: string }[]> {
  const rows = await db
    .selectFrom('agency_certificates')
    .select(['agency_id', 'id', 'not_after'])
    .where('status', '=', 'active')
    .execute()
  return rows.map((r) => ({ agencyId: r.agency_id, fingerprint: r.id, notAfter: r.not_after }))
}

/** When each cached CRL was issued (its thisUpdate), by trust anchor fingerprint. */
export async function listCrlIssueTimes(
  db: Kysely<Tables>,
): Promise<{ trustAnchorId: string; thisUpdate: string }[]> {
  const rows = await db.selectFrom('crl_cache').select(['trust_anchor_id', 'this_update']).execute()
  return rows.map((r) => ({ trustAnchorId: r.trust_anchor_id, thisUpdate: r.this_update }))
}

/** How many CRL sources failed on their last refresh attempt (table `crl_fetches`). */
export async function countFailingCrlSources(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom('crl_fetches')
    .select((eb) => eb.fn.countAll<string | number>().as('count'))
    .where('last_error', 'is not', null)
    .executeTakeFirst()
  return Number(row?.count ?? 0)
}

/** The audit log's last sequence number and the instant of its newest checkpoint (or null). */
export async function readAuditProgress(
  db: Kysely<Tables>,
): Promise<{ headSeq: number; lastCheckpointAt: string | null }> {
  const head = await db
    .selectFrom('audit_head')
    .select('last_seq')
    .where('id', '=', 1)
    .executeTakeFirst()
  const checkpoint = await db
    .selectFrom('audit_checkpoints')
    .select('at')
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst()
  return { headSeq: Number(head?.last_seq ?? 0), lastCheckpointAt: checkpoint?.at ?? null }
}
