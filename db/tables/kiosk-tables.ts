/**
 * The kiosk's server-side state: what a kiosk device is showing right now (bound to the device,
 * never to a URL), drafts pushed to a named kiosk, receipts and the youth's self-service sessions.
 */
export interface KioskStateTable {
  /** The kiosk account (one state per device). */
  kiosk_id: string
  consent_id: string
  /** `read` | `choose` | `sign` | `receipt`. */
  step: string
  language: string
  /** JSON `{ deselectedCategories, deselectedRecipients, chosenSpecialCategories }`. */
  choices: string
  /** The receipt code in clear while the receipt is on screen; cleared by the wipe. */
  receipt_code: string | null
  started_at: string
  updated_at: string
  /** `sign` (a draft) or `confirm_majority` (the young adult confirms an active consent). */
  purpose: string
  /** The staff member who pushed the draft to the kiosk, if it was pushed. */
  attending_staff: string | null
  /** JSON text reference (template, version, language, SHA-256) last displayed for reading. */
  shown_text: string | null
}

/** A draft a staff member sent to a named kiosk; the kiosk start screen offers it. */
export interface KioskPushTable {
  kiosk_id: string
  consent_id: string
  pushed_by: string
  pushed_at: string
  /** `sign` or `confirm_majority`. */
  purpose: string
}

/** A receipt: the code is kept only as a keyed hash; it opens the self-service page. */
export interface ReceiptTable {
  id: string
  code_hash: string
  consent_id: string
  subject_pseudonym: string
  created_at: string
  /** JSON array of the signatory roles that signed under this receipt (null: older receipts). */
  signatory_roles: string | null
}

/** A youth's self-service session (its own cookie, short-lived, apart from staff sessions). */
export interface SelfServiceSessionTable {
  id_hash: string
  subject_pseudonym: string
  receipt_id: string
  csrf_token: string
  created_at: string
  expires_at: string
}

/** A guardian-signed consent of a youth who has come of age: flagged, then confirmed or lapsed. */
export interface MajorityReviewTable {
  consent_id: string
  subject_pseudonym: string
  /** The 18th birthday (calendar date, Europe/Berlin). */
  came_of_age_on: string
  /** Last calendar day on which the youth may confirm. */
  confirm_by: string
  flagged_at: string
  confirmed_at: string | null
  lapsed_at: string | null
  /** Actor who recorded the confirmation (`kiosk:…` or `user:…`). */
  confirmed_by: string | null
  /** `kiosk_drawn`, `kiosk_typed` or `staff_attested`. */
  confirmed_method: string | null
  /** The drawing (data URL) or the circumstances written down. */
  confirmed_evidence: string | null
  confirmed_evidence_sha256: string | null
  /** JSON text reference the young adult read when confirming. */
  confirmed_text: string | null
}

/** Tables of the kiosk area. */
export interface KioskTables {
  kiosk_states: KioskStateTable
  kiosk_pushes: KioskPushTable
  receipts: ReceiptTable
  self_service_sessions: SelfServiceSessionTable
  majority_reviews: MajorityReviewTable
}
