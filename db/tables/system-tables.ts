/** The service's own bookkeeping, no domain data. */
export interface SystemTables {
  /** The single row `/readyz` rewrites to prove the database takes a commit. */
  readiness_probe: { id: string; checked_at: string }
}
