import { z } from 'zod'
import { idSchema as id, sha256HexSchema } from './common.ts'

const calendarDate = z.iso.date()

/**
 * Kiosk and self-service events (docs/design.md §3.5, §3.6): metadata only — never a receipt code,
 * a name or a birth date. The subject appears by pseudonym.
 */
export const kioskEventSchemas = [
  z.strictObject({
    type: z.literal('kiosk_draft_pushed'),
    consentId: id,
    agencyId: id,
    kioskId: id,
    /** `confirm_majority`: an active consent pushed for the young adult to confirm. */
    purpose: z.enum(['sign', 'confirm_majority']).optional(),
  }),
  z.strictObject({
    type: z.literal('receipt_issued'),
    consentId: id,
    subjectPseudonym: id,
    agencyId: id,
    receiptId: id,
    signatoryRoles: z
      .array(
        z.enum([
          'youth',
          'guardian',
          'entrusting_person',
          'entrusting_person_2',
          'entrusting_person_3',
        ]),
      )
      .optional(),
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
    /** The young adult's own act (absent on entries written before it was recorded). */
    method: z.enum(['kiosk_drawn', 'kiosk_typed', 'staff_attested']).optional(),
    evidenceSha256: sha256HexSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('consent_majority_lapsed'),
    consentId: id,
    subjectPseudonym: id,
  }),
] as const
