import { z } from 'zod'

/**
 * Who caused an event: `user:<id>` (staff, DPO, admin), `kiosk:<id>`, `youth:<pseudonym>`
 * (self-service) or `system` (workers, CLI without a user).
 */
export const actorSchema = z
  .string()
  .regex(/^(system|(user|kiosk|youth|cli):[A-Za-z0-9._@-]{1,128})$/)
export type Actor = z.infer<typeof actorSchema>

const id = z.string().min(1).max(128)

/**
 * Every event the audit log knows (DESIGN.md §3.5), as a closed union. Events carry metadata,
 * identifiers, decisions and hashes — never content and never a clear name.
 * Fields named `agencyId`, `subjectPseudonym`, `consentId` and `transferId` are also indexed.
 */
export const auditEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('login_succeeded'), userId: id, agencyId: id.optional() }),
  z.strictObject({
    type: z.literal('login_failed'),
    username: id,
    reason: z.enum(['unknown_user', 'bad_password', 'disabled']),
  }),
  z.strictObject({ type: z.literal('logout'), userId: id }),
  z.strictObject({
    type: z.literal('permission_refused'),
    method: z.string().max(10),
    route: z.string().max(200),
    role: z.string().max(20).optional(),
    agencyId: id.optional(),
    reason: z.string().max(100),
  }),
  z.strictObject({ type: z.literal('agency_added'), agencyId: id, kind: z.string().max(40) }),
  z.strictObject({
    type: z.literal('user_added'),
    userId: id,
    role: z.string().max(20),
    agencyId: id.optional(),
  }),
  z.strictObject({ type: z.literal('token_issued'), userId: id, expiresAt: z.iso.datetime() }),
  z.strictObject({ type: z.literal('configuration_changed'), what: z.string().max(200) }),
])

export type AuditEvent = z.infer<typeof auditEventSchema>
export type AuditEventType = AuditEvent['type']

export const auditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  actor: actorSchema,
  event: auditEventSchema,
})
export type AuditEntry = z.infer<typeof auditEntrySchema>
