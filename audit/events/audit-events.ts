import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

/** The filters of a DPO's search or export, as recorded (the pseudonym is a personal field). */
export const auditFilterRecordSchema = z.strictObject({
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  agencyId: id.optional(),
  actor: z.string().max(140).optional(),
  consentId: id.optional(),
  transferId: id.optional(),
  types: z.array(z.string().max(60)).max(50).optional(),
  decision: z.string().max(20).optional(),
  /** Set when the filter named a subject; the value itself is the entry's `subjectPseudonym`. */
  bySubject: z.boolean().optional(),
})

/** Audit events of the audit area (docs/design.md §3.5: audit export, pseudonym resolved). */
export const auditEventSchemas = [
  z.strictObject({
    type: z.literal('audit_exported'),
    format: z.enum(['csv', 'json']),
    entries: z.number().int().min(0),
    /** The agency whose entries a DPO bound to one agency exported. */
    agencyId: id.optional(),
    filter: auditFilterRecordSchema,
    subjectPseudonym: id.optional(),
  }),
  z.strictObject({
    type: z.literal('audit_verified'),
    outcome: z.enum(['intact', 'broken']),
    treeSize: z.number().int().min(0),
    rootHash: sha256HexSchema.optional(),
    firstBadSeq: z.number().int().positive().optional(),
    reason: z.string().max(40).optional(),
  }),
  z.strictObject({
    type: z.literal('pseudonym_resolved'),
    subjectPseudonym: id,
    /** The DPO's stated reason: free text, so it is a personal field and erased with retention. */
    statedReason: z.string().min(1).max(500),
    agencyId: id.optional(),
    found: z.boolean(),
  }),
  z.strictObject({
    type: z.literal('retention_purged'),
    /** Entries before this instant had their personal values erased. */
    auditBefore: z.iso.datetime(),
    entriesErased: z.number().int().min(0),
    /** Consent records removed by the consent area's purge hook, when one is installed. */
    consentsPurged: z.number().int().min(0).optional(),
    /** Sealed messages of failed or uncertain transfers dropped after their retention. */
    messagesDropped: z.number().int().min(0).optional(),
    /** Inbound items (received or quarantined) deleted after INBOX_RETENTION_DAYS. */
    inboxItemsPurged: z.number().int().min(0).optional(),
    /** Senders' sealed copies of transfers deleted after TRANSFER_COPY_RETENTION_DAYS. */
    transferCopiesPurged: z.number().int().min(0).optional(),
    /** Composer drafts deleted COMPOSER_DRAFT_RETENTION_DAYS after their last change. */
    composerDraftsPurged: z.number().int().min(0).optional(),
  }),
] as const
