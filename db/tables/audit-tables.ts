/** One row per audit event (DESIGN.md §3.5); never updated, never deleted by the application. */
export interface AuditEntryTable {
  seq: number
  at: string
  type: string
  actor: string
  agency_id: string | null
  subject_pseudonym: string | null
  consent_id: string | null
  transfer_id: string | null
  /** The validated event as JSON: metadata and hashes only, never content. */
  data: string
}

export interface AuditTables {
  audit_entries: AuditEntryTable
}
