import { z } from 'zod'
import { accountEventSchemas } from './events/account-events.ts'
import { cardEventSchemas } from './events/card-events.ts'
import { auditEventSchemas as auditAreaEventSchemas } from './events/audit-events.ts'
import { consentEventSchemas } from './events/consent-events.ts'
import { cryptoEventSchemas } from './events/crypto-events.ts'
import { inboxEventSchemas } from './events/inbox-events.ts'
import { inboundEventSchemas } from './events/inbound-events.ts'
import { kioskEventSchemas } from './events/kiosk-events.ts'
import { receiptEventSchemas } from './events/receipt-events.ts'
import { relayEventSchemas } from './events/relay-events.ts'

/**
 * Who caused an event: `user:<id>` (staff, DPO, admin), `kiosk:<id>`, `youth:<pseudonym>`
 * (self-service), `cli:<id>` or `system` (workers, setup).
 */
export const actorSchema = z
  .string()
  .regex(/^(system|(user|kiosk|youth|cli):[A-Za-z0-9._@-]{1,128})$/)
export type Actor = z.infer<typeof actorSchema>

/**
 * Every event the audit log knows (docs/design.md §3.5), as one closed union assembled from each
 * area's list in `events/`. Events carry metadata, identifiers, decisions and hashes — never
 * content and never a clear name. Fields named `agencyId`, `subjectPseudonym`, `consentId` and
 * `transferId` are also stored in indexed columns.
 */
export const auditEventSchema = z.discriminatedUnion('type', [
  ...accountEventSchemas,
  ...consentEventSchemas,
  ...cryptoEventSchemas,
  ...relayEventSchemas,
  ...inboundEventSchemas,
  ...kioskEventSchemas,
  ...auditAreaEventSchemas,
  ...receiptEventSchemas,
  ...inboxEventSchemas,
  ...cardEventSchemas,
])

export type AuditEvent = z.infer<typeof auditEventSchema>

export const auditEntrySchema = z.strictObject({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  actor: actorSchema,
  event: auditEventSchema,
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

/** A stored entry as read back, with its place in the hash chain. */
export interface AuditRecord extends AuditEntry {
  entryHash: string
  prevHash: string
  /** True once the retention purge erased its personal values. */
  erased: boolean
}
