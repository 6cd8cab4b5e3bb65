import { z } from 'zod'
import { idSchema as id } from './common.ts'

const calendarDate = z.iso.date()

/**
 * Kiosk and self-service events (DESIGN.md §3.5, §3.6): metadata only — never a receipt code,
 * a name or a birth date. The subject appears by pseudonym.
 */
export const kioskEventSchemas = [
  z.strictObject({
    type: z.literal('kiosk_draft_pushed'),
    consentId: id,
    agencyId: id,
    kioskId: id,
  }),
  z.strictObject({
    type: z.literal('receipt_issued'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    receiptId: id,
  }),
  z.strictObject({
    type: z.literal('self_service_opened'),
    subjectPseudonym: id,
    receiptId: id,
  }),
  z.strictObject({
    type: z.literal('self_service_refused'),
    reason: z.enum(['unknown_code_or_birth_date', 'rate_limited']),
  }),
  z.strictObject({
    type: z.literal('consent_majority_flagged'),
    consentId: id,
    subjectPseudonym: id,
    confirmBy: calendarDate,
  }),
  z.strictObject({
    type: z.literal('consent_majority_confirmed'),
    consentId: id,
    subjectPseudonym: id,
  }),
  z.strictObject({
    type: z.literal('consent_majority_lapsed'),
    consentId: id,
    subjectPseudonym: id,
  }),
] as const
