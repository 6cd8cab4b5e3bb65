/**
 * True when a database error is a unique or primary-key violation (PostgreSQL SQLSTATE 23505,
 * SQLite's extended result codes), i.e. a concurrent transaction inserted the same key first.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
}
