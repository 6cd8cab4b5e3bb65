import type { Kysely, Transaction } from 'kysely'
import { z } from 'zod'
import { signatoryRoleSchema, type SignatoryRole } from '../consent/consent.ts'
import type { Tables } from './tables.ts'

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * A receipt proves what was signed in one signing session at a kiosk: this consent, by these
 * signatory roles. Its code opens `/me` for exactly that (docs/design.md §3.6).
 */
export interface Receipt {
  id: string
  consentId: string
  subjectPseudonym: string
  createdAt: string
  /** The roles that signed under this receipt; receipts before this was kept: every role. */
  signatoryRoles: SignatoryRole[] | null
}

const rolesSchema = z.array(signatoryRoleSchema)
const rolesOf = (text: string | null): SignatoryRole[] | null =>
  text === null ? null : rolesSchema.parse(JSON.parse(text))

export async function insertReceipt(
  db: Executor,
  input: Receipt & { codeHash: string },
): Promise<void> {
  await db
    .insertInto('receipts')
    .values({
      id: input.id,
      code_hash: input.codeHash,
      consent_id: input.consentId,
      subject_pseudonym: input.subjectPseudonym,
      created_at: input.createdAt,
      signatory_roles: input.signatoryRoles ? JSON.stringify(input.signatoryRoles) : null,
    })
    .execute()
}

export async function findReceiptByCodeHash(
  db: Executor,
  codeHash: string,
): Promise<(Receipt & { birthDate: string }) | undefined> {
  const row = await db
    .selectFrom('receipts')
    .innerJoin('consent_subjects', 'consent_subjects.pseudonym', 'receipts.subject_pseudonym')
    .select([
      'receipts.id as id',
      'receipts.consent_id as consent_id',
      'receipts.subject_pseudonym as subject_pseudonym',
      'receipts.created_at as created_at',
      'receipts.signatory_roles as signatory_roles',
      'consent_subjects.birth_date as birth_date',
    ])
    .where('receipts.code_hash', '=', codeHash)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    consentId: row.consent_id,
    subjectPseudonym: row.subject_pseudonym,
    createdAt: row.created_at,
    signatoryRoles: rolesOf(row.signatory_roles),
    birthDate: row.birth_date,
  }
}

/** A receipt by id (the self-service session is bound to one). */
export async function findReceipt(db: Executor, id: string): Promise<Receipt | undefined> {
  const row = await db.selectFrom('receipts').selectAll().where('id', '=', id).executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    consentId: row.consent_id,
    subjectPseudonym: row.subject_pseudonym,
    createdAt: row.created_at,
    signatoryRoles: rolesOf(row.signatory_roles),
  }
}

export interface SelfServiceSession {
  subjectPseudonym: string
  receiptId: string
  csrfToken: string
  expiresAt: string
}

export async function insertSelfServiceSession(
  db: Executor,
  input: SelfServiceSession & { idHash: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('self_service_sessions')
    .values({
      id_hash: input.idHash,
      subject_pseudonym: input.subjectPseudonym,
      receipt_id: input.receiptId,
      csrf_token: input.csrfToken,
      created_at: input.createdAt,
      expires_at: input.expiresAt,
    })
    .execute()
}

/** A live session; an expired one is deleted and not returned. */
export async function findSelfServiceSession(
  db: Executor,
  idHash: string,
  now: Date,
): Promise<SelfServiceSession | undefined> {
  const row = await db
    .selectFrom('self_service_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .executeTakeFirst()
  if (!row) return undefined
  if (row.expires_at <= now.toISOString()) {
    await deleteSelfServiceSession(db, idHash)
    return undefined
  }
  return {
    subjectPseudonym: row.subject_pseudonym,
    receiptId: row.receipt_id,
    csrfToken: row.csrf_token,
    expiresAt: row.expires_at,
  }
}

export async function deleteSelfServiceSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('self_service_sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteExpiredSelfServiceSessions(db: Executor, now: Date): Promise<void> {
  await db
    .deleteFrom('self_service_sessions')
    .where('expires_at', '<=', now.toISOString())
    .execute()
}

/** A transfer as the youth sees it: metadata only, never content. */
export interface TransferSummary {
  id: string
  consentId: string
  status: string
  senderAgencyId: string
  recipientAgencyId: string
  purpose: string
  categories: string[]
  createdAt: string
  deliveredAt: string | null
}

const categoriesSchema = z.array(z.string())

/** Every transfer (not notices) made under the given consents, oldest first. */
export async function listTransfersOfConsents(
  db: Executor,
  consentIds: readonly string[],
): Promise<TransferSummary[]> {
  if (consentIds.length === 0) return []
  const rows = await db
    .selectFrom('transfers')
    .select([
      'id',
      'consent_id',
      'status',
      'sender_agency_id',
      'recipient_agency_id',
      'purpose',
      'categories',
      'created_at',
      'delivered_at',
    ])
    .where('consent_id', 'in', [...consentIds])
    .where('kind', '=', 'transfer')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    consentId: row.consent_id,
    status: row.status,
    senderAgencyId: row.sender_agency_id,
    recipientAgencyId: row.recipient_agency_id,
    purpose: row.purpose,
    categories: categoriesSchema.parse(JSON.parse(row.categories)),
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  }))
}

/** The audit entries (sequence number and type) that record a transfer. */
export async function listAuditSeqsOfTransfers(
  db: Executor,
  transferIds: readonly string[],
): Promise<{ seq: number; type: string; transferId: string }[]> {
  if (transferIds.length === 0) return []
  const rows = await db
    .selectFrom('audit_entries')
    .select(['seq', 'type', 'transfer_id'])
    .where('transfer_id', 'in', [...transferIds])
    .orderBy('seq')
    .execute()
  return rows.map((r) => ({ seq: r.seq, type: r.type, transferId: r.transfer_id ?? '' }))
}
