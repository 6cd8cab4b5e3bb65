/**
 * One row per consent. Parties, signed roles and the revocation instant are also kept here
 * (JSON / columns) so that a decision reads one row by primary key; the separate party,
 * signature and revocation tables hold the full records and serve the indexed lookups.
 */
export interface ConsentTable {
  id: string
  kind: string
  scope: string
  subject_pseudonym: string
  created_by: string
  created_by_agency_id: string
  created_at: string
  /** JSON arrays of agency ids / vocabulary terms. */
  senders: string
  recipients: string
  purposes: string
  categories: string
  deselected_categories: string
  deselected_recipients: string
  valid_from: string
  valid_until: string
  /** First instant after the validity (Berlin midnight after valid_until), for the sweeper. */
  valid_end_at: string
  text_template_id: string
  text_version: number
  text_language: string
  text_sha256: string
  /** JSON arrays. */
  released_professionals: string
  required_signatories: string
  signed_roles: string
  /** JSON or null. */
  entrusting_person: string | null
  /** JSON array of the categories marked as entrusted to the Jugendamt (§ 65 SGB VIII). */
  entrusted_categories: string
  /** JSON object: agency id → case reference (personal data; consent store only). */
  case_refs: string
  revoked_at: string | null
  discarded_at: string | null
  /** The person said no at the kiosk; the reason they chose to give, if any. */
  declined_at: string | null
  decline_reason: string | null
  /** Not confirmed by the youth come of age (not a revocation). */
  lapsed_at: string | null
  /** The consent this draft renews; it ends when this one is fully signed (issue 18 point 5). */
  renews_consent_id: string | null
  /** A renewal of this consent was signed then, and which consent it was. */
  renewed_at: string | null
  renewed_by_consent_id: string | null
  /** JSON object: language → approved template version fixed at drafting. */
  text_versions: string
  /** JSON array: the agencies' Art. 13 GDPR information as it was when the draft was made. */
  privacy_notices: string
  /**
   * The subject as this consent's agency typed it (personal data; consent store only). Null only
   * if a row from before lost its subject; the shared subject row is the fallback.
   */
  subject_given_name: string | null
  subject_family_name: string | null
  subject_birth_date: string | null
  summary_sha256: string | null
  used_by_transfer_id: string | null
  /** Pickup code for the kiosk while the draft is open; null once signed or discarded. */
  kiosk_code: string | null
  kiosk_code_expires_at: string | null
  /** When the sweeper wrote the `consent_expired` audit entry. */
  expiry_recorded_at: string | null
}

/** The only place with the subject's name and birth date (docs/design.md §3.1). */
export interface ConsentSubjectTable {
  pseudonym: string
  given_name: string
  family_name: string
  birth_date: string
  created_at: string
}

export interface ConsentPartyTable {
  consent_id: string
  agency_id: string
  /** `sender` or `recipient`. */
  role: string
}

export interface ConsentSignatureTable {
  consent_id: string
  role: string
  name: string
  signed_at: string
  method: string
  /** The drawn image (data URL) or scan reference as given. */
  evidence: string
  evidence_sha256: string
  kiosk_device: string | null
  attending_staff: string | null
  /** The text this signatory read (null on signatures made before it was recorded). */
  text_template_id: string | null
  text_version: number | null
  text_language: string | null
  text_sha256: string | null
}

export interface ConsentRevocationTable {
  consent_id: string
  at: string
  channel: string
  by: string
  reason: string | null
}

/** A consent text template version approved by a DPO, bound to the body it approved. */
export interface ConsentTemplateApprovalTable {
  template_id: string
  version: number
  language: string
  body_sha256: string
  approved_by: string
  approved_at: string
}

export interface ConsentTables {
  consents: ConsentTable
  consent_subjects: ConsentSubjectTable
  consent_parties: ConsentPartyTable
  consent_signatures: ConsentSignatureTable
  consent_revocations: ConsentRevocationTable
  consent_template_approvals: ConsentTemplateApprovalTable
}
