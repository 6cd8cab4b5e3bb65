import type { ExpressionBuilder, Kysely, Selectable, Transaction } from 'kysely'
import { z } from 'zod'
import type { DataRequestTable } from './tables/relay-tables.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/** A request of agency A to agency B for named categories under a consent (docs/design.md §3.3 (5)). */
export interface DataRequestRecord {
  id: string
  status: 'open' | 'answered'
  requesterAgencyId: string
  requesterStaffId: string
  holderAgencyId: string
  consentId: string
  subjectPseudonym: string
  purpose: string
  categories: string[]
  answeredByTransferId: string | null
  createdAt: string
  answeredAt: string | null
}

const fromRow = (row: Selectable<DataRequestTable>): DataRequestRecord => ({
  id: row.id,
  status: z.enum(['open', 'answered']).parse(row.status),
  requesterAgencyId: row.requester_agency_id,
  requesterStaffId: row.requester_staff_id,
  holderAgencyId: row.holder_agency_id,
  consentId: row.consent_id,
  subjectPseudonym: row.subject_pseudonym,
  purpose: row.purpose,
  categories: z.array(z.string()).parse(JSON.parse(row.categories)),
  answeredByTransferId: row.answered_by_transfer_id,
  createdAt: row.created_at,
  answeredAt: row.answered_at,
})

export async function insertDataRequest(
  db: Executor,
  request: Omit<DataRequestRecord, 'status' | 'answeredByTransferId' | 'answeredAt'>,
): Promise<void> {
  await db
    .insertInto('data_requests')
    .values({
      id: request.id,
      status: 'open',
      requester_agency_id: request.requesterAgencyId,
      requester_staff_id: request.requesterStaffId,
      holder_agency_id: request.holderAgencyId,
      consent_id: request.consentId,
      subject_pseudonym: request.subjectPseudonym,
      purpose: request.purpose,
      categories: JSON.stringify(request.categories),
      answered_by_transfer_id: null,
      created_at: request.createdAt,
      answered_at: null,
    })
    .execute()
}

/**
 * Only requests under a consent the agency is a sender or recipient of. Requests stored before
 * the data-request rule (consent/data-request-rule.ts) could name any agency as holder; such a
 * row must not show that agency another agency's consent id (docs/design.md §3.3 (6)).
 */
const consentPartyIs = (agencyId: string) => (eb: ExpressionBuilder<Tables, 'data_requests'>) =>
  eb.exists(
    eb
      .selectFrom('consent_parties')
      .select('consent_parties.agency_id')
      .whereRef('consent_parties.consent_id', '=', 'data_requests.consent_id')
      .where('consent_parties.agency_id', '=', agencyId),
  )

/** A request to `holderAgencyId` under a consent that agency is party to. */
export async function findIncomingDataRequest(
  db: Executor,
  input: { id: string; holderAgencyId: string },
): Promise<DataRequestRecord | undefined> {
  const row = await db
    .selectFrom('data_requests')
    .selectAll()
    .where('id', '=', input.id)
    .where('holder_agency_id', '=', input.holderAgencyId)
    .where(consentPartyIs(input.holderAgencyId))
    .executeTakeFirst()
  return row ? fromRow(row) : undefined
}

export async function findDataRequest(
  db: Executor,
  id: string,
): Promise<DataRequestRecord | undefined> {
  const row = await db
    .selectFrom('data_requests')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? fromRow(row) : undefined
}

/**
 * Requests an agency sent (`outgoing`) or received (`incoming`), newest first; only those under
 * a consent the agency is party to.
 */
export async function listDataRequests(
  db: Executor,
  input: { agencyId: string; direction: 'incoming' | 'outgoing'; limit: number },
): Promise<DataRequestRecord[]> {
  const column = input.direction === 'incoming' ? 'holder_agency_id' : 'requester_agency_id'
  const rows = await db
    .selectFrom('data_requests')
    .selectAll()
    .where(column, '=', input.agencyId)
    .where(consentPartyIs(input.agencyId))
    .orderBy('created_at', 'desc')
    .limit(input.limit)
    .execute()
  return rows.map(fromRow)
}

/** Marks an open request answered by a transfer; false if it was no longer open. */
export async function markDataRequestAnswered(
  db: Executor,
  input: { id: string; transferId: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('data_requests')
    .set({
      status: 'answered',
      answered_by_transfer_id: input.transferId,
      answered_at: input.at.toISOString(),
    })
    .where('id', '=', input.id)
    .where('status', '=', 'open')
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}
