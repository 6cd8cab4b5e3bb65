/** The staff composer's own storage (issue 18 point 3). */
export interface ComposerTables {
  /** A case summary put aside by its author; the content sealed (migration 0610). */
  composer_drafts: {
    id: string
    author_user_id: string
    agency_id: string
    consent_id: string
    /** AES-256-GCM record (`crypto/sealed-record.ts`), base64; never plaintext. */
    sealed: string
    created_at: string
    updated_at: string
  }
}
