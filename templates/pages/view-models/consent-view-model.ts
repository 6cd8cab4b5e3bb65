import type { Consent, ConsentSubject, SignatoryRole } from '../../../consent/consent.ts'
import type { ConsentStatus } from '../../../consent/status.ts'

/**
 * A consent as the staff pages show it: the stored facts plus what follows from them at the time
 * of the request. Declared from the domain types only, so the views need nothing from the
 * gateway; the API's consent view (gateway/consent/consent-view.ts) has this shape, and the
 * compiler checks it wherever the gateway hands one to a view.
 */
export type ConsentViewModel = Consent & {
  status: ConsentStatus
  subject: ConsentSubject
  missingSignatories: readonly SignatoryRole[]
  coveredCategories: readonly string[]
  coveredRecipients: readonly string[]
  /** Pickup code for the kiosk while the draft is open. */
  kioskCode: string | null
  kioskCodeExpiresAt: string | null
}
