import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

const stringList = z.array(z.string())

/** A transfer as the person page lists it: metadata only, never content. */
export interface PersonTransferRow {
  id: string
  kind: string
  status: string
  senderAgencyId: string
  recipientAgencyId: string
  consentId: string
  purpose: string
  categories: string[]
  createdAt: string
  deliveredAt: string | null
  partnerReceiptOutcome: string | null
}

/** An inbox item as the person page lists it (metadata verified on arrival; content sealed). */
export interface PersonInboxRow {
  id: string
  kind: string
  status: 'received' | 'quarantined'
  recipientAgencyId: string
  senderAgencyId: string | null
  subjectPseudonym: string | null
  consentId: string | null
  purpose: string | null
  categories: string[]
  receivedAt: string
  useStoppedAt: string | null
  acknowledgedAt: string | null
}

/** A data request as the person page lists it. */
export interface PersonRequestRow {
  id: string
  status: 'open' | 'answered'
  requesterAgencyId: string
  holderAgencyId: string
  consentId: string
  purpose: string
  categories: string[]
  createdAt: string
}

/** How many rows of each kind one person page reads at most (newest first). */
const perPersonLimit = 200

/**
 * Transfers an agency sent under the given consents (indexed by consent), newest first. The
 * person rule (consent/person-search.ts) filters again; this only bounds what is read.
 */
export async function listTransfersUnderConsents(
  db: Executor,
  input: { senderAgencyId: string; consentIds: readonly string[] },
): Promise<PersonTransferRow[]> {
  if (input.consentIds.length === 0) return []
  const rows = await db
    .selectFrom('transfers')
    .select([
      'id',
      'kind',
      'status',
      'sender_agency_id',
      'recipient_agency_id',
      'consent_id',
      'purpose',
      'categories',
      'created_at',
      'delivered_at',
      'partner_receipt_outcome',
    ])
    .where('consent_id', 'in', [...input.consentIds])
    .where('sender_agency_id', '=', input.senderAgencyId)
    .where('kind', '=', 'transfer')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(perPersonLimit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    senderAgencyId: row.sender_agency_id,
    recipientAgencyId: row.recipient_agency_id,
    consentId: row.consent_id,
    purpose: row.purpose,
    categories: stringList.parse(JSON.parse(row.categories)),
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    partnerReceiptOutcome: row.partner_receipt_outcome,
  }))
}

/**
 * Items an agency received about a person: naming their pseudonym (delivered on this instance)
 * or one of the given consents (a partner's message carries no name), newest first.
 */
export async function listInboxItemsOfPerson(
  db: Executor,
  input: { recipientAgencyId: string; pseudonym: string; consentIds: readonly string[] },
): Promise<PersonInboxRow[]> {
  const rows = await db
    .selectFrom('inbound_items')
    .select([
      'id',
      'kind',
      'status',
      'recipient_agency_id',
      'sender_agency_id',
      'subject_pseudonym',
      'consent_id',
      'purpose',
      'categories',
      'received_at',
      'use_stopped_at',
      'acknowledged_at',
    ])
    .where('recipient_agency_id', '=', input.recipientAgencyId)
    .where('status', '=', 'received')
    .where((eb) =>
      input.consentIds.length === 0
        ? eb('subject_pseudonym', '=', input.pseudonym)
        : eb.or([
            eb('subject_pseudonym', '=', input.pseudonym),
            eb('consent_id', 'in', [...input.consentIds]),
          ]),
    )
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(perPersonLimit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status === 'received' ? 'received' : 'quarantined',
    recipientAgencyId: row.recipient_agency_id,
    senderAgencyId: row.sender_agency_id,
    subjectPseudonym: row.subject_pseudonym,
    consentId: row.consent_id,
    purpose: row.purpose,
    categories: stringList.parse(JSON.parse(row.categories)),
    receivedAt: row.received_at,
    useStoppedAt: row.use_stopped_at,
    acknowledgedAt: row.acknowledged_at,
  }))
}

/** Open requests under the given consents that an agency made or was asked, newest first. */
export async function listOpenRequestsUnderConsents(
  db: Executor,
  input: { agencyId: string; consentIds: readonly string[] },
): Promise<PersonRequestRow[]> {
  if (input.consentIds.length === 0) return []
  const rows = await db
    .selectFrom('data_requests')
    .select([
      'id',
      'status',
      'requester_agency_id',
      'holder_agency_id',
      'consent_id',
      'purpose',
      'categories',
      'created_at',
    ])
    .where('consent_id', 'in', [...input.consentIds])
    .where('status', '=', 'open')
    .where((eb) =>
      eb.or([
        eb('requester_agency_id', '=', input.agencyId),
        eb('holder_agency_id', '=', input.agencyId),
      ]),
    )
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(perPersonLimit)
    .execute()
  return rows.map((row) => ({
    id: row.id,
    status: row.status === 'answered' ? 'answered' : 'open',
    requesterAgencyId: row.requester_agency_id,
    holderAgencyId: row.holder_agency_id,
    consentId: row.consent_id,
    purpose: row.purpose,
    categories: stringList.parse(JSON.parse(row.categories)),
    createdAt: row.created_at,
  }))
}
