import { z } from 'zod'
import { checkpointSchema } from '../../audit/checkpoint.ts'
import {
  consistencyProofDocumentSchema,
  inclusionProofDocumentSchema,
} from '../../audit/proof-document.ts'

const id = z.string().min(1).max(128)
const instant = z.iso.datetime({ offset: true })

/** Filters of the DPO log view and of exports, as query parameters (docs/design.md §3.5). */
export const auditFilterQuerySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  agency: id.optional(),
  /** A staff member (user id); shorthand for actor=user:<id>. */
  staff: id.optional(),
  actor: z.string().min(1).max(140).optional(),
  subject: id.optional(),
  consent: id.optional(),
  transfer: id.optional(),
  /** One event type or several, comma-separated. */
  type: z
    .string()
    .regex(/^[a-z_]{1,60}(,[a-z_]{1,60}){0,49}$/)
    .optional(),
  decision: z.enum(['permit', 'deny']).optional(),
})
export type AuditFilterQuery = z.infer<typeof auditFilterQuerySchema>

export const auditSearchQuerySchema = auditFilterQuerySchema.extend({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  order: z.enum(['asc', 'desc']).default('desc'),
})

export const auditExportQuerySchema = auditFilterQuerySchema.extend({
  format: z.enum(['csv', 'json']),
})

export const auditRecordSchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.string(),
  actor: z.string(),
  event: z.looseObject({ type: z.string() }),
  entryHash: z.string(),
  prevHash: z.string(),
  erased: z.boolean(),
})

export const auditPageSchema = z.strictObject({
  entries: z.array(auditRecordSchema),
  nextCursor: z.string().nullable(),
})

const headSchema = z.strictObject({
  treeSize: z.number().int().min(0),
  rootHash: z.string(),
  entryHash: z.string(),
  checkpointsVerified: z.number().int().min(0),
  latestCheckpoint: z
    .strictObject({ treeSize: z.number().int(), rootHash: z.string(), at: z.string() })
    .nullable(),
  erasedEntries: z.number().int().min(0),
})

export const auditVerifyResponseSchema = z.discriminatedUnion('status', [
  headSchema.extend({ status: z.literal('intact') }),
  z.strictObject({
    status: z.literal('broken'),
    seq: z.number().int().min(0),
    reason: z.enum([
      'changed',
      'deleted',
      'reordered',
      'inserted',
      'bad_checkpoint_signature',
      'checkpoint_root_mismatch',
    ]),
    detail: z.string(),
    /** The columns of that row found wrong (one of them, when several are named), if known. */
    columns: z.array(z.string()).optional(),
  }),
])

export const auditStatusResponseSchema = z.strictObject({
  entries: z.number().int().min(0),
  latestCheckpoint: checkpointSchema.nullable(),
  publicKey: z.string(),
})

export const inclusionProofResponseSchema = inclusionProofDocumentSchema
export const consistencyProofResponseSchema = consistencyProofDocumentSchema

export const consistencyQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(0),
  to: z.coerce.number().int().min(0),
})

export const reportQuerySchema = z.strictObject({
  from: instant.optional(),
  to: instant.optional(),
  agency: id.optional(),
})

const countRow = z.number().int().min(0)
export const auditReportResponseSchema = z.strictObject({
  from: z.string().nullable(),
  to: z.string().nullable(),
  agencyId: z.string().nullable(),
  transfersPerWeek: z.array(
    z.strictObject({
      week: z.string(),
      fromAgencyId: z.string(),
      toAgencyId: z.string(),
      purpose: z.string(),
      count: countRow,
    }),
  ),
  denialsByReason: z.array(z.strictObject({ reason: z.string(), count: countRow })),
  revocations: z.strictObject({
    total: countRow,
    perWeek: z.array(z.strictObject({ week: z.string(), count: countRow })),
    byChannel: z.array(z.strictObject({ channel: z.string(), count: countRow })),
  }),
  /** Lapses at majority, apart from revocations (nobody revoked them). */
  lapses: z.strictObject({
    total: countRow,
    perWeek: z.array(z.strictObject({ week: z.string(), count: countRow })),
  }),
  staffDenialRates: z.array(
    z.strictObject({
      actor: z.string(),
      attempts: countRow,
      denials: countRow,
      rate: z.number(),
      othersRate: z.number(),
      outlier: z.boolean(),
    }),
  ),
  expiringConsents: z.strictObject({
    withinDays: z.number().int(),
    total: countRow,
    items: z.array(
      z.strictObject({
        consentId: z.string(),
        subjectPseudonym: z.string(),
        validUntil: z.string(),
        agencyId: z.string(),
      }),
    ),
  }),
})

export const reidentifyBodySchema = z.strictObject({
  subjectPseudonym: id,
  /** Why the DPO needs the person behind the pseudonym (mandatory, recorded). */
  reason: z.string().trim().min(10).max(500),
})

export const reidentifyResponseSchema = z.strictObject({
  subjectPseudonym: z.string(),
  found: z.boolean(),
  subject: z
    .strictObject({ givenName: z.string(), familyName: z.string(), birthDate: z.string() })
    .nullable(),
  auditSeq: z.number().int().positive(),
})
