/**
 * One row per audit event (docs/design.md §3.5); never updated by the application except that the
 * retention purge erases `personal`, `personal_salt` and `subject_pseudonym`; never deleted.
 */
export interface AuditEntryTable {
  seq: number
  at: string
  type: string
  actor: string
  /** Every agency the entry concerns, as `|a|b|` so a LIKE finds one exactly. */
  agency_ids: string
  subject_pseudonym: string | null
  consent_id: string | null
  transfer_id: string | null
  decision: string | null
  /** RFC 8785 canonical JSON of the entry without personal values: exactly the hashed bytes. */
  data: string
  /** Canonical JSON of the personal values; null when none or erased. */
  personal: string | null
  personal_salt: string | null
  personal_commitment: string | null
  erased_at: string | null
  prev_hash: string
  entry_hash: string
}

/** The appender's head: one row (id 1), locked by every append to keep one gap-free sequence. */
export interface AuditHeadTable {
  id: number
  last_seq: number
  last_hash: string
}

export interface AuditCheckpointTable {
  tree_size: number
  root_hash: string
  at: string
  public_key: string
  signature: string
  frontier: string
}

export interface AuditTables {
  audit_entries: AuditEntryTable
  audit_head: AuditHeadTable
  audit_checkpoints: AuditCheckpointTable
}
