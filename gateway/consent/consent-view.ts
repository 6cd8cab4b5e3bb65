import { z } from 'zod'
import {
  consentSchema,
  consentSubjectSchema,
  coveredCategories,
  coveredRecipients,
  factsOf,
  signatoryRoleSchema,
} from '../../consent/consent.ts'
import { consentStatus, consentStatuses, missingSignatories } from '../../consent/status.ts'
import type { StoredConsent } from '../../db/consent-repository.ts'

export const consentStatusSchema = z.enum(consentStatuses)

/** A consent as the API shows it: the stored facts plus what follows from them at `now`. */
export const consentViewSchema = consentSchema.extend({
  status: consentStatusSchema,
  subject: consentSubjectSchema,
  missingSignatories: z.array(signatoryRoleSchema),
  coveredCategories: z.array(z.string()),
  coveredRecipients: z.array(z.string()),
  /** Pickup code for the kiosk while the draft is open. */
  kioskCode: z.string().nullable(),
  kioskCodeExpiresAt: z.iso.datetime().nullable(),
})
export type ConsentView = z.infer<typeof consentViewSchema>

export function toConsentView(stored: StoredConsent, now: Date): ConsentView {
  const facts = factsOf(stored.consent)
  const status = consentStatus(facts, now)
  const openCode =
    status === 'draft' &&
    stored.kioskCode !== null &&
    stored.kioskCodeExpiresAt !== null &&
    Date.parse(stored.kioskCodeExpiresAt) > now.getTime()
  return {
    ...stored.consent,
    status,
    subject: stored.subject,
    missingSignatories: missingSignatories(facts),
    coveredCategories: coveredCategories(facts),
    coveredRecipients: coveredRecipients(facts),
    kioskCode: openCode ? stored.kioskCode : null,
    kioskCodeExpiresAt: openCode ? stored.kioskCodeExpiresAt : null,
  }
}
