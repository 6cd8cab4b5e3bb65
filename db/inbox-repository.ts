import type { Kysely, Selectable, Transaction } from 'kysely'
import { z } from 'zod'
import type { InboundItemTable } from './tables/relay-tables.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

export const inboxItemKindSchema = z.enum(['case_summary', 'revocation_notice', 'lapse_notice'])
export type InboxItemKind = z.infer<typeof inboxItemKindSchema>

/** The notices that end the use of what was received under a consent (issue 16 point 6). */
export const endingNoticeKinds = ['revocation_notice', 'lapse_notice'] as const

const categoriesSchema = z.array(z.string())

/**
 * One received item as the inbox reads it: the metadata verified inside the signature when it
 * arrived, and the sealed message (still encrypted to the receiving agency) — never plaintext.
 */
export interface InboxItemRecord {
  id: string
  kind: InboxItemKind
  status: 'received' | 'quarantined'
  recipientAgencyId: string
  senderAgencyId: string | null
  messageId: string
  transferId: string | null
  consentId: string | null
  subjectPseudonym: string | null
  purpose: string | null
  categories: string[]
  /** The consent attestation as stored (JSON text), read by the inbox service. */
  attestationJson: string | null
  /** Null once retention dropped it. */
  envelope: string | null
  envelopeSha256: string
  useStoppedAt: string | null
  useStoppedByItemId: string | null
  acknowledgedAt: string | null
  acknowledgedBy: string | null
  receivedAt: string
}

function toRecord(row: Selectable<InboundItemTable>): InboxItemRecord {
  return {
    id: row.id,
    kind: inboxItemKindSchema.parse(row.kind),
    status: row.status === 'received' ? 'received' : 'quarantined',
    recipientAgencyId: row.recipient_agency_id,
    senderAgencyId: row.sender_agency_id,
    messageId: row.message_id,
    transferId: row.transfer_id,
    consentId: row.consent_id,
    subjectPseudonym: row.subject_pseudonym,
    purpose: row.purpose,
    categories: categoriesSchema.parse(JSON.parse(row.categories)),
    attestationJson: row.attestation_json,
    envelope: row.envelope,
    envelopeSha256: row.envelope_sha256,
    useStoppedAt: row.use_stopped_at,
    useStoppedByItemId: row.use_stopped_by_item_id,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    receivedAt: row.received_at,
  }
}

/** The received items of one agency, newest first, one page (quarantined ones never). */
export async function listInboxItems(
  db: Executor,
  input: { agencyId: string; limit: number; offset: number },
): Promise<InboxItemRecord[]> {
  const rows = await db
    .selectFrom('inbound_items')
    .selectAll()
    .where('recipient_agency_id', '=', input.agencyId)
    .where('status', '=', 'received')
    .orderBy('received_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit)
    .offset(input.offset)
    .execute()
  return rows.map(toRecord)
}

/**
 * One item by id, whatever its agency or status: the object rule (consent/inbox-permissions.ts)
 * decides who may see it, so every refusal can look the same.
 */
export async function findInboxItem(
  db: Executor,
  id: string,
): Promise<InboxItemRecord | undefined> {
  const row = await db
    .selectFrom('inbound_items')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toRecord(row) : undefined
}

/**
 * Records that a staff member of the receiving agency took note of the item (and, when its use
 * was stopped, of that). False when it was already acknowledged: the first acknowledgement stays.
 */
export async function acknowledgeInboxItem(
  db: Executor,
  input: { id: string; recipientAgencyId: string; userId: string; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('inbound_items')
    .set({ acknowledged_at: input.at.toISOString(), acknowledged_by: input.userId })
    .where('id', '=', input.id)
    .where('recipient_agency_id', '=', input.recipientAgencyId)
    .where('status', '=', 'received')
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/**
 * Marks every case summary the agency received under the consent "further use must stop"
 * (issue 16 point 6), naming the notice that ended it. An item staff had already acknowledged is
 * un-acknowledged, so the stop is shown until someone takes note of it. Items already stopped
 * keep their first stop. Returns the ids marked now.
 */
export async function markUseStopped(
  db: Executor,
  input: { recipientAgencyId: string; consentId: string; byItemId: string; at: Date },
): Promise<string[]> {
  const rows = await db
    .updateTable('inbound_items')
    .set({
      use_stopped_at: input.at.toISOString(),
      use_stopped_by_item_id: input.byItemId,
      acknowledged_at: null,
      acknowledged_by: null,
    })
    .where('recipient_agency_id', '=', input.recipientAgencyId)
    .where('consent_id', '=', input.consentId)
    .where('kind', '=', 'case_summary')
    .where('status', '=', 'received')
    .where('use_stopped_at', 'is', null)
    .returning('id')
    .execute()
  return rows.map((r) => r.id).sort()
}

/** What the receiving agency's staff must still take note of (the banner on the staff pages). */
export interface InboxAttention {
  /** Revocation and lapse notices not yet acknowledged. */
  unacknowledgedNotices: number
  /** Items whose use must stop, not yet acknowledged since. */
  stoppedItems: number
}

export async function countInboxAttention(db: Executor, agencyId: string): Promise<InboxAttention> {
  const rows = await db
    .selectFrom('inbound_items')
    .select(['kind', 'use_stopped_at'])
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('recipient_agency_id', '=', agencyId)
    .where('status', '=', 'received')
    .where('acknowledged_at', 'is', null)
    .where((eb) =>
      eb.or([eb('kind', 'in', [...endingNoticeKinds]), eb('use_stopped_at', 'is not', null)]),
    )
    .groupBy(['kind', 'use_stopped_at'])
    .execute()
  let unacknowledgedNotices = 0
  let stoppedItems = 0
  for (const row of rows) {
    if ((endingNoticeKinds as readonly string[]).includes(row.kind))
      unacknowledgedNotices += Number(row.n)
    else stoppedItems += Number(row.n)
  }
  return { unacknowledgedNotices, stoppedItems }
}

/** Unacknowledged revocation and lapse notices of one agency, for the DPO's report. */
export interface UnacknowledgedNoticeCount {
  agencyId: string
  notices: number
  /** When the oldest of them arrived (ISO). */
  oldestReceivedAt: string
}

/** Per receiving agency (or only `agencyId`), the notices nobody has acknowledged yet. */
export async function countUnacknowledgedNotices(
  db: Executor,
  input: { agencyId?: string },
): Promise<UnacknowledgedNoticeCount[]> {
  let query = db
    .selectFrom('inbound_items')
    .select('recipient_agency_id')
    .select((eb) => [
      eb.fn.countAll<string | number>().as('n'),
      eb.fn.min('received_at').as('oldest'),
    ])
    .where('status', '=', 'received')
    .where('kind', 'in', [...endingNoticeKinds])
    .where('acknowledged_at', 'is', null)
  if (input.agencyId !== undefined) query = query.where('recipient_agency_id', '=', input.agencyId)
  const rows = await query.groupBy('recipient_agency_id').orderBy('recipient_agency_id').execute()
  return rows.map((r) => ({
    agencyId: r.recipient_agency_id,
    notices: Number(r.n),
    oldestReceivedAt: r.oldest,
  }))
}

/**
 * Deletes every inbound item (received or quarantined) that arrived before `before`
 * (INBOX_RETENTION_DAYS): the sealed message with its metadata. Returns how many.
 */
export async function purgeInboxItems(db: Executor, input: { before: Date }): Promise<number> {
  const result = await db
    .deleteFrom('inbound_items')
    .where('received_at', '<', input.before.toISOString())
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
