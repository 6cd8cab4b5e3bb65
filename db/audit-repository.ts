import { sql, type Kysely, type Transaction } from 'kysely'
import {
  auditEntrySchema,
  auditEventSchema,
  type Actor,
  type AuditEntry,
  type AuditEvent,
} from '../audit/audit-event.ts'
import type { Tables } from './tables.ts'

export interface AppendAuditInput {
  at: Date
  actor: Actor
  event: AuditEvent
}

type Executor = Kysely<Tables> | Transaction<Tables>

/**
 * Appends one event. Call it with the transaction of the change it records, so that a failed
 * append rolls the change back (DESIGN.md §3.5).
 */
export async function appendAuditEvent(db: Executor, input: AppendAuditInput): Promise<AuditEntry> {
  const event = auditEventSchema.parse(input.event)
  const indexed = event as Partial<
    Record<'agencyId' | 'subjectPseudonym' | 'consentId' | 'transferId', string>
  >
  const last = await db
    .selectFrom('audit_entries')
    .select(sql<number>`coalesce(max(seq), 0)`.as('seq'))
    .executeTakeFirstOrThrow()
  const seq = Number(last.seq) + 1
  const at = input.at.toISOString()
  await db
    .insertInto('audit_entries')
    .values({
      seq,
      at,
      type: event.type,
      actor: input.actor,
      agency_id: indexed.agencyId ?? null,
      subject_pseudonym: indexed.subjectPseudonym ?? null,
      consent_id: indexed.consentId ?? null,
      transfer_id: indexed.transferId ?? null,
      data: JSON.stringify(event),
    })
    .execute()
  return { seq, at, actor: input.actor, event }
}

/** Reads entries in sequence order, re-validating each against the event union. */
export async function listAuditEntries(
  db: Executor,
  options: { afterSeq?: number; limit: number },
): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_entries')
    .selectAll()
    .where('seq', '>', options.afterSeq ?? 0)
    .orderBy('seq')
    .limit(options.limit)
    .execute()
  return rows.map((row) =>
    auditEntrySchema.parse({
      seq: Number(row.seq),
      at: row.at,
      actor: row.actor,
      event: JSON.parse(row.data) as unknown,
    }),
  )
}
