import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import { z } from 'zod'
import type { ConsentEnding } from '../consent/consent.ts'
import type { TransferTable } from './tables/relay-tables.ts'
import { isPostgres } from './dialect-of.ts'
import { everySlot, preparedQuery, type ListsEveryKey } from './prepared-query.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

export const transferStatusSchema = z.enum([
  'queued',
  'retrying',
  'delivered',
  'failed',
  'cancelled_revoked',
  // Cancelled by the operator or an admin (issue 19 point 5); never sent afterwards.
  'cancelled',
  // The SMTP handoff started and no outcome was recorded (the process died, or the commit after
  // the server's answer failed): the message may have arrived, so it is never sent again on its
  // own. Not final: the envelope stays in the outbox for an operator's decision.
  'handoff_uncertain',
])
export type TransferStatus = z.infer<typeof transferStatusSchema>
/**
 * `receipt`: a signed receipt this gateway owes a partner for a transfer it received (issue 16
 * point 7) — delivered like a notice, but never listed, counted or reported as a transfer.
 */
export const transferKindSchema = z.enum(['transfer', 'revocation_notice', 'receipt'])
export type TransferKind = z.infer<typeof transferKindSchema>

/** A transfer as the relay sees it: metadata and hashes, never content. */
export interface TransferRecord {
  id: string
  kind: TransferKind
  status: TransferStatus
  senderAgencyId: string
  recipientAgencyId: string
  /** MAIL FROM and RCPT TO of the delivery; null only on rows from before migration 0403. */
  senderMailbox: string | null
  recipientMailbox: string | null
  staffId: string
  consentId: string
  purpose: string
  categories: string[]
  subjectPseudonym: string
  requestId: string | null
  relatedTransferIds: string[]
  plaintextSha256: string
  envelopeSha256: string
  messageId: string
  attempts: number
  nextAttemptAt: string | null
  giveUpAt: string
  lastError: string | null
  smtpResponse: string | null
  createdAt: string
  updatedAt: string
  deliveredAt: string | null
  /** The handoff marker (migration 0404): set from before the SMTP dialogue until its outcome. */
  handoffStartedAt: string | null
  handoffWorker: string | null
  /** The partner gateway's signed receipt for this transfer (issue 16 point 7), once recorded. */
  partnerReceipt: PartnerReceiptRecord | null
}

export const partnerReceiptOutcomeSchema = z.enum(['accepted', 'refused'])

/** What the partner gateway decided about a transfer, as its signed receipt said. */
export interface PartnerReceiptRecord {
  at: string
  outcome: z.infer<typeof partnerReceiptOutcomeSchema>
  reason: string | null
}

function partnerReceiptOf(row: Selectable<TransferTable>): PartnerReceiptRecord | null {
  if (row.partner_receipt_at === null || row.partner_receipt_outcome === null) return null
  return {
    at: row.partner_receipt_at,
    outcome: partnerReceiptOutcomeSchema.parse(row.partner_receipt_outcome),
    reason: row.partner_receipt_reason,
  }
}

/** Statuses the worker may claim and send: no handoff of theirs is pending (claims check that too). */
const sendable: TransferStatus[] = ['queued', 'retrying']

const stringList = z.array(z.string())

function fromRow(row: Selectable<TransferTable>): TransferRecord {
  return {
    id: row.id,
    kind: transferKindSchema.parse(row.kind),
    status: transferStatusSchema.parse(row.status),
    senderAgencyId: row.sender_agency_id,
    recipientAgencyId: row.recipient_agency_id,
    senderMailbox: row.sender_mailbox,
    recipientMailbox: row.recipient_mailbox,
    staffId: row.staff_id,
    consentId: row.consent_id,
    purpose: row.purpose,
    categories: stringList.parse(JSON.parse(row.categories)),
    subjectPseudonym: row.subject_pseudonym,
    requestId: row.request_id,
    relatedTransferIds: stringList.parse(JSON.parse(row.related_transfer_ids)),
    plaintextSha256: row.plaintext_sha256,
    envelopeSha256: row.envelope_sha256,
    messageId: row.message_id,
    attempts: Number(row.attempts),
    nextAttemptAt: row.next_attempt_at,
    giveUpAt: row.give_up_at,
    lastError: row.last_error,
    smtpResponse: row.smtp_response,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deliveredAt: row.delivered_at,
    handoffStartedAt: row.handoff_started_at,
    handoffWorker: row.handoff_worker,
    partnerReceipt: partnerReceiptOf(row),
  }
}

export interface InsertTransferInput {
  id: string
  kind: TransferKind
  senderAgencyId: string
  recipientAgencyId: string
  /** The mailboxes in the sealed message's `From:` and `To:`, the SMTP envelope of its delivery. */
  senderMailbox: string
  recipientMailbox: string
  staffId: string
  consentId: string
  purpose: string
  categories: readonly string[]
  subjectPseudonym: string
  requestId?: string
  relatedTransferIds?: readonly string[]
  plaintextSha256: string
  envelopeSha256: string
  messageId: string
  /** The complete encrypted message; it goes to the outbox row, never to `transfers`. */
  envelope: string
  at: Date
  giveUpAt: Date
}

/** Queues a transfer: its metadata row and its outbox row (call inside the audit's transaction). */
export async function insertQueuedTransfer(
  db: Executor,
  input: InsertTransferInput,
): Promise<void> {
  if (isPostgres(db)) {
    await insertWithEnvelope(db, input, 'always')
    return
  }
  await insertTransferRow.execute(db, queuedTransferRow(input))
  await insertOutboxEnvelope(db, input)
}

// A transfer's own statements, built once, then only run (db/prepared-query.ts); the column list
// serves PostgreSQL's transfer-and-outbox statement below too.
type QueuedTransferRow = ReturnType<typeof queuedTransferRow>

const insertTransferRow = preparedQuery<QueuedTransferRow>()((db, slot) =>
  db
    .insertInto('transfers')
    .values(everySlot<QueuedTransferRow, keyof QueuedTransferRow>(slot, transferColumns)),
)

const transferColumns = [
  'id',
  'kind',
  'status',
  'sender_agency_id',
  'recipient_agency_id',
  'sender_mailbox',
  'recipient_mailbox',
  'staff_id',
  'consent_id',
  'purpose',
  'categories',
  'subject_pseudonym',
  'request_id',
  'related_transfer_ids',
  'plaintext_sha256',
  'envelope_sha256',
  'message_id',
  'attempts',
  'next_attempt_at',
  'give_up_at',
  'last_error',
  'smtp_response',
  'claimed_by',
  'claim_expires_at',
  'handoff_started_at',
  'handoff_worker',
  'created_at',
  'updated_at',
  'delivered_at',
] as const satisfies readonly (keyof QueuedTransferRow)[]

// Every column of the row is listed: a column added to queuedTransferRow and not here fails to compile.
const everyColumnListed: ListsEveryKey<QueuedTransferRow, typeof transferColumns> = true
void everyColumnListed

const insertOutboxRow = preparedQuery<{ transferId: string; envelope: string; at: string }>()(
  (db, slot) =>
    db.insertInto('transfer_outbox').values({
      transfer_id: slot('transferId'),
      envelope: slot('envelope'),
      created_at: slot('at'),
    }),
)

/**
 * As {@link insertQueuedTransfer}, but a transfer with this id already there is left alone (false,
 * nothing written): for ids derived from what they answer (a partner receipt's), where a second
 * one is a repeat. One statement decides it — no read ahead, no failed insert that would abort a
 * PostgreSQL transaction.
 */
export async function insertQueuedTransferIfAbsent(
  db: Executor,
  input: InsertTransferInput,
): Promise<boolean> {
  if (isPostgres(db)) return insertWithEnvelope(db, input, 'if-absent')
  const inserted = await db
    .insertInto('transfers')
    .values(queuedTransferRow(input))
    .onConflict((conflict) => conflict.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (inserted === undefined) return false
  await insertOutboxEnvelope(db, input)
  return true
}

function queuedTransferRow(input: InsertTransferInput) {
  const at = input.at.toISOString()
  return {
    id: input.id,
    kind: input.kind,
    status: 'queued' as const,
    sender_agency_id: input.senderAgencyId,
    recipient_agency_id: input.recipientAgencyId,
    sender_mailbox: input.senderMailbox,
    recipient_mailbox: input.recipientMailbox,
    staff_id: input.staffId,
    consent_id: input.consentId,
    purpose: input.purpose,
    categories: JSON.stringify(input.categories),
    subject_pseudonym: input.subjectPseudonym,
    request_id: input.requestId ?? null,
    related_transfer_ids: JSON.stringify(input.relatedTransferIds ?? []),
    plaintext_sha256: input.plaintextSha256,
    envelope_sha256: input.envelopeSha256,
    message_id: input.messageId,
    attempts: 0,
    next_attempt_at: at,
    give_up_at: input.giveUpAt.toISOString(),
    last_error: null,
    smtp_response: null,
    claimed_by: null,
    claim_expires_at: null,
    handoff_started_at: null,
    handoff_worker: null,
    created_at: at,
    updated_at: at,
    delivered_at: null,
  }
}

/**
 * PostgreSQL: the transfer and its envelope in one statement (a data-modifying WITH), one round
 * trip instead of two. `if-absent`: a transfer with this id already there is left alone, and so
 * is the outbox (nothing to select from). True when the rows were written.
 */
async function insertWithEnvelope(
  db: Executor,
  input: InsertTransferInput,
  mode: 'always' | 'if-absent',
): Promise<boolean> {
  const query = mode === 'if-absent' ? insertWithEnvelopeIfAbsent : insertWithEnvelopeAlways
  const inserted = await query.execute(db, {
    ...queuedTransferRow(input),
    envelope: input.envelope,
    outboxCreatedAt: input.at.toISOString(),
  })
  return inserted.length > 0
}

type TransferWithEnvelope = QueuedTransferRow & { envelope: string; outboxCreatedAt: string }

const transferWithEnvelope = (mode: 'always' | 'if-absent') =>
  preparedQuery<TransferWithEnvelope>()((db, slot) =>
    db
      .with('queued', (qc) => {
        const insert = qc
          .insertInto('transfers')
          .values(everySlot<TransferWithEnvelope, keyof QueuedTransferRow>(slot, transferColumns))
        return (
          mode === 'if-absent'
            ? insert.onConflict((conflict) => conflict.column('id').doNothing())
            : insert
        ).returning('id')
      })
      .insertInto('transfer_outbox')
      .columns(['transfer_id', 'envelope', 'created_at'])
      .expression((eb) =>
        eb
          .selectFrom('queued')
          .select([
            'queued.id',
            sql<string>`${slot('envelope')}::text`.as('envelope'),
            sql<string>`${slot('outboxCreatedAt')}::text`.as('created_at'),
          ]),
      )
      .returning('transfer_id'),
  )

// PostgreSQL: built once per mode, then only run (db/prepared-query.ts).
const insertWithEnvelopeAlways = transferWithEnvelope('always')
const insertWithEnvelopeIfAbsent = transferWithEnvelope('if-absent')

async function insertOutboxEnvelope(db: Executor, input: InsertTransferInput): Promise<void> {
  await insertOutboxRow.execute(db, {
    transferId: input.id,
    envelope: input.envelope,
    at: input.at.toISOString(),
  })
}

export async function findTransfer(db: Executor, id: string): Promise<TransferRecord | undefined> {
  const row = await db.selectFrom('transfers').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? fromRow(row) : undefined
}

/** Transfers an agency sent, newest first, optionally of one status. */
export async function listTransfersOfSender(
  db: Executor,
  input: { agencyId: string; status?: TransferStatus; limit: number },
): Promise<TransferRecord[]> {
  let query = db
    .selectFrom('transfers')
    .selectAll()
    .where('sender_agency_id', '=', input.agencyId)
    // Receipts this agency owes partners are not its transfers.
    .where('kind', '!=', 'receipt')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(input.limit)
  if (input.status) query = query.where('status', '=', input.status)
  return (await query.execute()).map(fromRow)
}

/** The transfers an agency sent under one consent, newest first (the consent page lists them). */
export async function listTransfersOfConsent(
  db: Executor,
  input: { agencyId: string; consentId: string; limit: number },
): Promise<TransferRecord[]> {
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where('consent_id', '=', input.consentId)
    .where('sender_agency_id', '=', input.agencyId)
    .where('kind', '=', 'transfer')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(input.limit)
    .execute()
  return rows.map(fromRow)
}

/** Transfers and notices delivered to an agency, newest first (what it received through Brücke). */
export async function listTransfersDeliveredTo(
  db: Executor,
  input: { agencyId: string; limit: number },
): Promise<TransferRecord[]> {
  const rows = await db
    .selectFrom('transfers')
    .selectAll()
    .where('recipient_agency_id', '=', input.agencyId)
    .where('status', '=', 'delivered')
    .where('kind', '!=', 'receipt')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(input.limit)
    .execute()
  return rows.map(fromRow)
}

/** A transfer claimed for one send attempt, with its envelope. */
export interface ClaimedTransfer {
  transfer: TransferRecord
  envelope: string
}

/**
 * Claims up to `limit` due transfers for `worker` until `leaseUntil`; a transfer under another
 * worker's live lease is not due. Workers in other processes may race for the same rows:
 *
 * - PostgreSQL: the due rows are selected `FOR UPDATE SKIP LOCKED`, so each worker locks
 *   different rows and none waits on another; a row another worker claimed and committed no
 *   longer matches when it is locked (the condition is re-checked on the latest version).
 * - SQLite: one conditional `UPDATE … RETURNING`, the transaction's first statement. It takes
 *   the database's write lock before it reads (waiting out the busy timeout behind another
 *   claimer, then reading what that one committed), so two workers never read the same free
 *   row. A read first and a write after it would fail with "database is locked" instead, when
 *   another process committed in between.
 *
 * The lease keeps a claimed row from every other worker until it expires (a crashed worker's
 * rows come due again); a live worker renews it by heartbeat (`extendClaims`). A row whose SMTP
 * handoff started and has no outcome is never claimed: it may have arrived
 * (`markUncertainHandoffs` reconciles it instead).
 */
export async function claimDueTransfers(
  db: Kysely<Tables>,
  input: {
    worker: string
    now: Date
    leaseUntil: Date
    limit: number
    dialect: 'sqlite' | 'postgres'
  },
): Promise<ClaimedTransfer[]> {
  const now = input.now.toISOString()
  const claim = { claimed_by: input.worker, claim_expires_at: input.leaseUntil.toISOString() }
  return db.transaction().execute(async (trx) => {
    const due = trx
      .selectFrom('transfers')
      .select('id')
      .where('status', 'in', sendable)
      .where('next_attempt_at', '<=', now)
      .where('handoff_started_at', 'is', null)
      .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
      // Delivery to a paused partner waits (issue 19 point 5); its transfers stay queued.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('partner_pauses')
              .select('partner_pauses.agency_id')
              .whereRef('partner_pauses.agency_id', '=', 'transfers.recipient_agency_id'),
          ),
        ),
      )
      .orderBy('next_attempt_at')
      .limit(input.limit)
    let ids: string[]
    if (input.dialect === 'postgres') {
      ids = (await due.forUpdate().skipLocked().execute()).map((r) => r.id)
      if (ids.length === 0) return []
      await trx.updateTable('transfers').set(claim).where('id', 'in', ids).execute()
    } else {
      const claimed = await trx
        .updateTable('transfers')
        .set(claim)
        .where('id', 'in', due)
        .returning('id')
        .execute()
      ids = claimed.map((r) => r.id)
      if (ids.length === 0) return []
    }
    const rows = await trx
      .selectFrom('transfers')
      .innerJoin('transfer_outbox', 'transfer_outbox.transfer_id', 'transfers.id')
      .selectAll('transfers')
      .select('transfer_outbox.envelope')
      .where('transfers.id', 'in', ids)
      .execute()
    return rows.map(({ envelope, ...row }) => ({ transfer: fromRow(row), envelope }))
  })
}

/** Reads the envelope of a transfer still in the outbox. */
export async function findEnvelope(db: Executor, transferId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('transfer_outbox')
    .select('envelope')
    .where('transfer_id', '=', transferId)
    .executeTakeFirst()
  return row?.envelope
}

/**
 * Moves a claimed transfer to its next state if `worker` still holds it; returns false when the
 * lease was lost (another worker took over), so the caller writes no audit entry for it.
 *
 * With `handoffStartedAt` (the outcome of an SMTP handoff this worker started) it also settles the
 * row when another worker had already reconciled it to `handoff_uncertain` meanwhile (this worker
 * was stalled past its lease): the outcome is known after all, and it is that handoff's.
 */
export async function settleTransfer(
  db: Executor,
  input: {
    id: string
    worker: string
    at: Date
    status: TransferStatus
    attempts: number
    nextAttemptAt: Date | null
    lastError?: string | null
    smtpResponse?: string | null
    handoffStartedAt?: Date
  },
): Promise<boolean> {
  // A failed transfer keeps its sealed message, so the operator can send it again (issue 19
  // point 5); it is dropped when the transfer is delivered, cancelled or cancelled on revocation.
  const final =
    input.status !== 'queued' && input.status !== 'retrying' && input.status !== 'failed'
  const started = input.handoffStartedAt?.toISOString()
  const shape: SettleShape = {
    lastError: input.lastError !== undefined,
    smtpResponse: input.smtpResponse !== undefined,
    delivered: input.status === 'delivered',
    started: started !== undefined,
  }
  const updated = await settleQueryOf(shape).executeForCount(db, {
    id: input.id,
    worker: input.worker,
    status: input.status,
    attempts: input.attempts,
    nextAttemptAt: input.nextAttemptAt?.toISOString() ?? null,
    at: input.at.toISOString(),
    lastError: input.lastError ?? null,
    smtpResponse: input.smtpResponse ?? null,
    started: started ?? null,
  })
  if (updated !== 1) return false
  if (final) await deleteOutboxRow.execute(db, { transferId: input.id })
  return true
}

const deleteOutboxRow = preparedQuery<{ transferId: string }>()((db, slot) =>
  db.deleteFrom('transfer_outbox').where('transfer_id', '=', slot('transferId')),
)

/** Which columns a settlement writes besides the status, and whether it may end an uncertain handoff. */
interface SettleShape {
  lastError: boolean
  smtpResponse: boolean
  delivered: boolean
  started: boolean
}

interface SettleValues {
  id: string
  worker: string
  status: TransferStatus
  attempts: number
  nextAttemptAt: string | null
  at: string
  lastError: string | null
  smtpResponse: string | null
  started: string | null
}

const settleQuery = (shape: SettleShape) =>
  preparedQuery<SettleValues>()((db, slot) =>
    db
      .updateTable('transfers')
      .set({
        status: slot('status'),
        attempts: slot('attempts'),
        next_attempt_at: slot('nextAttemptAt'),
        updated_at: slot('at'),
        claimed_by: null,
        claim_expires_at: null,
        handoff_started_at: null,
        handoff_worker: null,
        ...(shape.lastError ? { last_error: slot('lastError') } : {}),
        ...(shape.smtpResponse ? { smtp_response: slot('smtpResponse') } : {}),
        ...(shape.delivered ? { delivered_at: slot('at') } : {}),
      })
      .where('id', '=', slot('id'))
      .where((eb) => {
        const held = eb.and([eb('claimed_by', '=', slot('worker')), eb('status', 'in', sendable)])
        if (!shape.started) return held
        return eb.or([
          held,
          eb.and([
            eb('status', '=', 'handoff_uncertain'),
            eb('handoff_worker', '=', slot('worker')),
            eb('handoff_started_at', '=', slot('started')),
          ]),
        ])
      }),
  )

/** One prepared settlement per shape, indexed by its four flags as bits; each compiles on first use. */
const settleQueries = Array.from({ length: 16 }, (_, bits) =>
  settleQuery({
    lastError: (bits & 1) !== 0,
    smtpResponse: (bits & 2) !== 0,
    delivered: (bits & 4) !== 0,
    started: (bits & 8) !== 0,
  }),
)

function settleQueryOf(shape: SettleShape) {
  const bits =
    (shape.lastError ? 1 : 0) |
    (shape.smtpResponse ? 2 : 0) |
    (shape.delivered ? 4 : 0) |
    (shape.started ? 8 : 0)
  return settleQueries[bits]!
}

/** Counts transfers and notices by status (operator and test overview); receipts are no transfers. */
export async function countTransfersByStatus(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('transfers')
    .select(['status', sql<number>`count(*)`.as('n')])
    .where('kind', '!=', 'receipt')
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

/** Data received under a consent now revoked or lapsed, for which no notice exists yet. */
export interface DueRevocationNotice {
  consentId: string
  senderAgencyId: string
  recipientAgencyId: string
  subjectPseudonym: string
  purpose: string
  /** When the consent stopped: its revocation or its lapse at majority. */
  endedAt: string
  /** Revoked by someone, or lapsed because the youth did not confirm it when coming of age. */
  ending: ConsentEnding
  transfers: { id: string; deliveredAt: string | null; categories: string[] }[]
}

/** More consents revoked since the last look than this → one plain query instead of an id list. */
const maxRevokedPerLook = 500

/**
 * Finds the (consent, sender, recipient) triples that need a revocation (or lapse) notice:
 * transfers delivered (or possibly delivered: `handoff_uncertain`) under a consent that is now revoked or lapsed, with no notice for that
 * triple in the table.
 */
export async function listRevocationNoticesDue(
  db: Executor,
  limit: number,
  /** Only consents ended at or after this instant (ISO 8601); absent → every ended consent. */
  endedSince?: string,
): Promise<DueRevocationNotice[]> {
  // With a starting instant, the few consents ended since then are found by their indexes
  // first, and the transfers by theirs: a planner without statistics would otherwise walk
  // every delivered transfer. Nothing ended since → no second query at all.
  let consentIds: string[] | undefined
  if (endedSince !== undefined) {
    const revoked = await db
      .selectFrom('consents')
      .select('id')
      .where((eb) => eb.or([eb('revoked_at', '>=', endedSince), eb('lapsed_at', '>=', endedSince)]))
      .limit(maxRevokedPerLook + 1)
      .execute()
    if (revoked.length === 0) return []
    if (revoked.length <= maxRevokedPerLook) consentIds = revoked.map((row) => row.id)
  }
  const rows = await db
    .selectFrom('consents as c')
    .innerJoin('transfers as t', 't.consent_id', 'c.id')
    .select([
      't.id',
      't.consent_id',
      't.sender_agency_id',
      't.recipient_agency_id',
      't.subject_pseudonym',
      't.purpose',
      't.categories',
      't.delivered_at',
      'c.revoked_at',
      'c.lapsed_at',
    ])
    .where('t.kind', '=', 'transfer')
    // A transfer whose handoff is uncertain may have arrived: its recipient is told as well.
    .where('t.status', 'in', ['delivered', 'handoff_uncertain'])
    .where((eb) => eb.or([eb('c.revoked_at', 'is not', null), eb('c.lapsed_at', 'is not', null)]))
    .$if(endedSince !== undefined, (q) =>
      q.where((eb) =>
        eb.or([
          eb('c.revoked_at', '>=', endedSince as string),
          eb('c.lapsed_at', '>=', endedSince as string),
        ]),
      ),
    )
    .$if(consentIds !== undefined, (q) => q.where('t.consent_id', 'in', consentIds as string[]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('transfers as n')
            .select('n.id')
            .where('n.kind', '=', 'revocation_notice')
            .whereRef('n.consent_id', '=', 't.consent_id')
            .whereRef('n.sender_agency_id', '=', 't.sender_agency_id')
            .whereRef('n.recipient_agency_id', '=', 't.recipient_agency_id'),
        ),
      ),
    )
    .orderBy('t.delivered_at')
    .limit(limit * 20)
    .execute()
  const notices = new Map<string, DueRevocationNotice>()
  for (const row of rows) {
    const key = `${row.consent_id}|${row.sender_agency_id}|${row.recipient_agency_id}`
    let notice = notices.get(key)
    if (!notice) {
      if (notices.size >= limit) continue
      notice = {
        consentId: row.consent_id,
        senderAgencyId: row.sender_agency_id,
        recipientAgencyId: row.recipient_agency_id,
        subjectPseudonym: row.subject_pseudonym,
        purpose: row.purpose,
        endedAt: row.revoked_at ?? row.lapsed_at ?? '',
        ending: row.revoked_at === null ? 'lapsed_at_majority' : 'revoked',
        transfers: [],
      }
      notices.set(key, notice)
    }
    notice.transfers.push({
      id: row.id,
      deliveredAt: row.delivered_at,
      categories: stringList.parse(JSON.parse(row.categories)),
    })
  }
  return [...notices.values()]
}

/**
 * Records, and commits, that this worker starts the SMTP handoff of a transfer it holds: the
 * marker (when, which worker) and a fresh lease. False when the lease was lost to another worker
 * meanwhile, so the caller must not send (it would be a second copy). Call it outside any
 * transaction: the marker must be durable before the first byte goes to the SMTP server.
 */
export async function beginHandoff(
  db: Kysely<Tables>,
  input: { id: string; worker: string; at: Date; leaseUntil: Date },
): Promise<boolean> {
  const updated = await markHandoff.executeForCount(db, {
    id: input.id,
    worker: input.worker,
    at: input.at.toISOString(),
    leaseUntil: input.leaseUntil.toISOString(),
  })
  return updated === 1
}

const markHandoff = preparedQuery<{ id: string; worker: string; at: string; leaseUntil: string }>()(
  (db, slot) =>
    db
      .updateTable('transfers')
      .set({
        claim_expires_at: slot('leaseUntil'),
        handoff_started_at: slot('at'),
        handoff_worker: slot('worker'),
      })
      .where('id', '=', slot('id'))
      .where('claimed_by', '=', slot('worker'))
      .where('status', 'in', sendable)
      .where('handoff_started_at', 'is', null),
)

/**
 * The heartbeat of a live worker: extends its claims on `ids` to `leaseUntil`. Claims it lost, or
 * that are settled, are left alone; returns how many it extended.
 */
export async function extendClaims(
  db: Executor,
  input: { worker: string; ids: readonly string[]; leaseUntil: Date },
): Promise<number> {
  if (input.ids.length === 0) return 0
  const result = await db
    .updateTable('transfers')
    .set({ claim_expires_at: input.leaseUntil.toISOString() })
    .where('id', 'in', [...input.ids])
    .where('claimed_by', '=', input.worker)
    .where('status', 'in', sendable)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Reconciles handoffs whose worker is gone: a transfer with the handoff marker set, no outcome,
 * and a lease that ran out (its worker died, or gave up committing the outcome) becomes
 * `handoff_uncertain` — it may have arrived, so it is not sent again. The marker and the envelope
 * stay for the operator. Returns the rows it changed (call inside the audit's transaction).
 * Concurrency as in `claimDueTransfers`: SKIP LOCKED on PostgreSQL, one conditional
 * `UPDATE … RETURNING` on SQLite, so two workers never reconcile (and audit) one row twice.
 */
export async function markUncertainHandoffs(
  trx: Transaction<Tables>,
  input: { now: Date; limit: number; dialect: 'sqlite' | 'postgres' },
): Promise<TransferRecord[]> {
  const now = input.now.toISOString()
  const stale = trx
    .selectFrom('transfers')
    .select('id')
    .where('status', 'in', sendable)
    .where('handoff_started_at', 'is not', null)
    .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
    .orderBy('handoff_started_at')
    .limit(input.limit)
  const change = {
    status: 'handoff_uncertain',
    next_attempt_at: null,
    claimed_by: null,
    claim_expires_at: null,
    updated_at: now,
    last_error: 'SMTP handoff started, outcome not recorded; not re-sent automatically',
  }
  let ids: string[]
  if (input.dialect === 'postgres') {
    ids = (await stale.forUpdate().skipLocked().execute()).map((r) => r.id)
    if (ids.length === 0) return []
    await trx.updateTable('transfers').set(change).where('id', 'in', ids).execute()
  } else {
    const changed = await trx
      .updateTable('transfers')
      .set(change)
      .where('id', 'in', stale)
      .returning('id')
      .execute()
    ids = changed.map((r) => r.id)
    if (ids.length === 0) return []
  }
  const rows = await trx.selectFrom('transfers').selectAll().where('id', 'in', ids).execute()
  return rows.map(fromRow)
}
