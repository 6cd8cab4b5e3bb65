/**
 * What kind of database failure an error is, for the `brucke_db_errors_total{kind}` counter — or
 * null when it did not come from the database. A bounded list, so the label cannot grow.
 */
export const dbErrorKinds = [
  'connection',
  'busy',
  'full',
  'readonly',
  'io',
  'corrupt',
  'constraint',
  'other',
] as const
export type DbErrorKind = (typeof dbErrorKinds)[number]

interface ErrorShape {
  code?: unknown
  severity?: unknown
  message?: unknown
  cause?: unknown
}

/** pg's own messages for a lost or unobtainable connection (they carry no code). */
const pgConnectionMessages =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/

/** Socket errors: at the edges where this is asked, only the database connection raises them. */
const socketCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'])

function sqliteKind(code: string): DbErrorKind {
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy'
  if (code === 'SQLITE_FULL') return 'full'
  if (code.startsWith('SQLITE_READONLY')) return 'readonly'
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io'
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt'
  if (code.startsWith('SQLITE_CONSTRAINT')) return 'constraint'
  return 'other'
}

/** SQLSTATE classes (PostgreSQL appendix A). */
function postgresKind(sqlState: string): DbErrorKind {
  const cls = sqlState.slice(0, 2)
  if (cls === '08' || sqlState === '57P01' || sqlState === '57P02' || sqlState === '57P03')
    return 'connection'
  if (cls === '40' || sqlState === '55P03') return 'busy'
  if (cls === '53') return 'full'
  if (sqlState === '25006') return 'readonly'
  if (cls === '58') return 'io'
  if (sqlState === 'XX001' || sqlState === 'XX002') return 'corrupt'
  if (cls === '23') return 'constraint'
  return 'other'
}

function kindOf(error: ErrorShape): DbErrorKind | null {
  const code = typeof error.code === 'string' ? error.code : undefined
  if (code?.startsWith('SQLITE_')) return sqliteKind(code)
  // pg's DatabaseError: a five-character SQLSTATE and the server's severity.
  if (code && /^[0-9A-Z]{5}$/.test(code) && typeof error.severity === 'string')
    return postgresKind(code)
  if (code && socketCodes.has(code)) return 'connection'
  if (typeof error.message === 'string' && pgConnectionMessages.test(error.message))
    return 'connection'
  return null
}

/** Looks at the error and its causes (a use case may wrap the driver's error). */
export function dbErrorKindOf(error: unknown): DbErrorKind | null {
  let current: unknown = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const kind = kindOf(current)
    if (kind) return kind
    current = (current as ErrorShape).cause
  }
  return null
}
