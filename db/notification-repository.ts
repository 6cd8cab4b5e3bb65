import type { Kysely } from 'kysely'
import type { Tables } from './tables.ts'
import { factsFromRow } from './consent-repository.ts'
import type { ConsentFacts } from '../consent/consent.ts'

/**
 * What the notification centre is derived from (issue 18 point 4): audit entries of a few types
 * joined with the consent or transfer they name, and the consents ending soon. Nothing is copied:
 * the audit log already records every event once, in order, with a gap-free sequence number.
 */

type Db = Kysely<Tables>

export interface ConsentEventRow {
  seq: number
  at: string
  type: string
  consentId: string
  createdByAgencyId: string
  senders: string[]
  recipients: string[]
  givenName: string | null
  familyName: string | null
}

export interface TransferEventRow {
  seq: number
  at: string
  type: string
  transferId: string
  consentId: string
  senderAgencyId: string
  recipientAgencyId: string
  givenName: string | null
  familyName: string | null
}

export interface ReceivedEventRow {
  seq: number
  at: string
  /** The event's canonical JSON (recipient, item and kind are read from it). */
  data: string
}

export interface EndingConsentRow {
  facts: ConsentFacts
  createdByAgencyId: string
  givenName: string | null
  familyName: string | null
}

const list = (text: string): string[] => {
  const parsed: unknown = JSON.parse(text)
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : []
}

/** Consent events of consents the agency prepared or is a party to, newest first. */
export async function listConsentEventsFor(
  db: Db,
  input: { agencyId: string; types: readonly string[]; since: Date; limit: number },
): Promise<ConsentEventRow[]> {
  const rows = await db
    .selectFrom('audit_entries as e')
    .innerJoin('consents as c', 'c.id', 'e.consent_id')
    .select([
      'e.seq',
      'e.at',
      'e.type',
      'c.id as consent_id',
      'c.created_by_agency_id',
      'c.senders',
      'c.recipients',
      'c.subject_given_name',
      'c.subject_family_name',
    ])
    .where('e.type', 'in', [...input.types])
    .where('e.at', '>=', input.since.toISOString())
    .where((eb) =>
      eb.or([
        eb('c.created_by_agency_id', '=', input.agencyId),
        eb(
          'c.id',
          'in',
          eb
            .selectFrom('consent_parties')
            .select('consent_id')
            .where('agency_id', '=', input.agencyId),
        ),
      ]),
    )
    .orderBy('e.seq', 'desc')
    .limit(input.limit)
    .execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    type: r.type,
    consentId: r.consent_id,
    createdByAgencyId: r.created_by_agency_id,
    senders: list(r.senders),
    recipients: list(r.recipients),
    givenName: r.subject_given_name,
    familyName: r.subject_family_name,
  }))
}

/** Outcomes of the agency's own transfers (not revocation notices), newest first. */
export async function listTransferEventsFor(
  db: Db,
  input: { agencyId: string; types: readonly string[]; since: Date; limit: number },
): Promise<TransferEventRow[]> {
  const rows = await db
    .selectFrom('audit_entries as e')
    .innerJoin('transfers as t', 't.id', 'e.transfer_id')
    .leftJoin('consents as c', 'c.id', 't.consent_id')
    .select([
      'e.seq',
      'e.at',
      'e.type',
      't.id as transfer_id',
      't.consent_id',
      't.sender_agency_id',
      't.recipient_agency_id',
      'c.subject_given_name',
      'c.subject_family_name',
    ])
    .where('e.type', 'in', [...input.types])
    .where('e.at', '>=', input.since.toISOString())
    .where('t.kind', '=', 'transfer')
    .where('t.sender_agency_id', '=', input.agencyId)
    .orderBy('e.seq', 'desc')
    .limit(input.limit)
    .execute()
  return rows.map((r) => ({
    seq: Number(r.seq),
    at: r.at,
    type: r.type,
    transferId: r.transfer_id,
    consentId: r.consent_id,
    senderAgencyId: r.sender_agency_id,
    recipientAgencyId: r.recipient_agency_id,
    givenName: r.subject_given_name ?? null,
    familyName: r.subject_family_name ?? null,
  }))
}

/** `inbound_received` entries naming the agency, newest first (the caller checks it received). */
export async function listReceivedEventsFor(
  db: Db,
  input: { agencyId: string; since: Date; limit: number },
): Promise<ReceivedEventRow[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .select(['seq', 'at', 'data'])
    .where('type', '=', 'inbound_received')
    .where('at', '>=', input.since.toISOString())
    .where('agency_ids', 'like', `%|${input.agencyId.replace(/[\\%_]/g, '\\$&')}|%`)
    .orderBy('seq', 'desc')
    .limit(input.limit)
    .execute()
  return rows.map((r) => ({ seq: Number(r.seq), at: r.at, data: r.data }))
}

/**
 * Consents the agency prepared or sends under whose validity ends within the window (the caller
 * keeps those still active). `valid_end_at` is the first instant after the validity.
 */
export async function listConsentsEndingFor(
  db: Db,
  input: { agencyId: string; from: Date; until: Date; limit: number },
): Promise<EndingConsentRow[]> {
  const rows = await db
    .selectFrom('consents as c')
    .select([
      'c.id',
      'c.subject_pseudonym',
      'c.senders',
      'c.recipients',
      'c.purposes',
      'c.categories',
      'c.deselected_categories',
      'c.deselected_recipients',
      'c.valid_from',
      'c.valid_until',
      'c.required_signatories',
      'c.signed_roles',
      'c.revoked_at',
      'c.discarded_at',
      'c.declined_at',
      'c.lapsed_at',
      'c.renewed_at',
      'c.summary_sha256',
      'c.used_by_transfer_id',
      'c.created_by_agency_id',
      'c.subject_given_name',
      'c.subject_family_name',
    ])
    .where('c.valid_end_at', '>', input.from.toISOString())
    .where('c.valid_end_at', '<=', input.until.toISOString())
    .where('c.revoked_at', 'is', null)
    .where('c.lapsed_at', 'is', null)
    // A renewed consent ends as its renewal is signed: nothing to warn about.
    .where('c.renewed_at', 'is', null)
    .where('c.discarded_at', 'is', null)
    .where('c.declined_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('c.created_by_agency_id', '=', input.agencyId),
        eb(
          'c.id',
          'in',
          eb
            .selectFrom('consent_parties')
            .select('consent_id')
            .where('agency_id', '=', input.agencyId)
            .where('role', '=', 'sender'),
        ),
      ]),
    )
    .orderBy('c.valid_end_at', 'asc')
    .limit(input.limit)
    .execute()
  return rows.map((r) => ({
    facts: factsFromRow(r),
    createdByAgencyId: r.created_by_agency_id,
    givenName: r.subject_given_name,
    familyName: r.subject_family_name,
  }))
}

export interface NotificationState {
  seenSeq: number
  seenAt: string | null
  noticeEmail: string | null
  mailedSeq: number
  mailedAt: string | null
}

const emptyState: NotificationState = {
  seenSeq: 0,
  seenAt: null,
  noticeEmail: null,
  mailedSeq: 0,
  mailedAt: null,
}

export async function findNotificationState(db: Db, userId: string): Promise<NotificationState> {
  const row = await db
    .selectFrom('staff_notification_state')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (!row) return emptyState
  return {
    seenSeq: Number(row.seen_seq),
    seenAt: row.seen_at,
    noticeEmail: row.notice_email,
    mailedSeq: Number(row.mailed_seq),
    mailedAt: row.mailed_at,
  }
}

/** Writes the state of one staff member (insert or update; one row per user). */
export async function saveNotificationState(
  db: Db,
  userId: string,
  change: Partial<NotificationState>,
): Promise<void> {
  const next = { ...(await findNotificationState(db, userId)), ...change }
  const values = {
    seen_seq: next.seenSeq,
    seen_at: next.seenAt,
    notice_email: next.noticeEmail,
    mailed_seq: next.mailedSeq,
    mailed_at: next.mailedAt,
  }
  await db
    .insertInto('staff_notification_state')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute()
}

/** Active staff members who asked for the e-mail notice, with their agency and state. */
export async function listNoticeRecipients(
  db: Db,
): Promise<{ userId: string; agencyId: string; state: NotificationState }[]> {
  const rows = await db
    .selectFrom('staff_notification_state as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .selectAll('s')
    .select(['u.agency_id'])
    .where('s.notice_email', 'is not', null)
    .where('u.role', '=', 'staff')
    .where('u.disabled', '=', 0)
    .where('u.agency_id', 'is not', null)
    .execute()
  return rows.map((r) => ({
    userId: r.user_id,
    agencyId: r.agency_id ?? '',
    state: {
      seenSeq: Number(r.seen_seq),
      seenAt: r.seen_at,
      noticeEmail: r.notice_email,
      mailedSeq: Number(r.mailed_seq),
      mailedAt: r.mailed_at,
    },
  }))
}
