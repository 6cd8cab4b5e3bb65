/**
 * Recognises a failure of the database itself — unreachable, restarting, out of space — as
 * opposed to a fault in our code or a refused write. Pure: it reads an error's `code`, `errno`
 * codes and a few fixed driver messages, never its text otherwise, so what it returns may be
 * logged (no values of rows, no personal data).
 *
 * - `unavailable`: the database cannot be reached or is restarting; the same request succeeds
 *   once it is back (PostgreSQL 57P01–57P03 and class 08, a dropped or refused socket, the pg
 *   client's "Connection terminated…", SQLite busy/locked/I/O errors).
 * - `storage_full`: the disk under the database is full (SQLITE_FULL, ENOSPC, PostgreSQL 53100
 *   disk_full and 53000 insufficient_resources); nothing was stored.
 */
export type DatabaseFailureKind = 'unavailable' | 'storage_full'

export interface DatabaseFailure {
  kind: DatabaseFailureKind
  /** The driver's code: a SQLSTATE, an errno name, a SQLite code, or `connection_lost`. */
  code: string
  /** A fixed word for the code (e.g. `admin_shutdown`), safe to log. */
  reason: string
}

const sqlStates: Record<string, { kind: DatabaseFailureKind; reason: string }> = {
  '57P01': { kind: 'unavailable', reason: 'admin_shutdown' },
  '57P02': { kind: 'unavailable', reason: 'crash_shutdown' },
  '57P03': { kind: 'unavailable', reason: 'cannot_connect_now' },
  '57P04': { kind: 'unavailable', reason: 'database_dropped' },
  '53000': { kind: 'storage_full', reason: 'insufficient_resources' },
  '53100': { kind: 'storage_full', reason: 'disk_full' },
  '53200': { kind: 'unavailable', reason: 'out_of_memory' },
  '53300': { kind: 'unavailable', reason: 'too_many_connections' },
  '58030': { kind: 'unavailable', reason: 'io_error' },
}

const errnoCodes: Record<string, { kind: DatabaseFailureKind; reason: string }> = {
  ECONNREFUSED: { kind: 'unavailable', reason: 'connection_refused' },
  ECONNRESET: { kind: 'unavailable', reason: 'connection_reset' },
  ECONNABORTED: { kind: 'unavailable', reason: 'connection_aborted' },
  EPIPE: { kind: 'unavailable', reason: 'broken_pipe' },
  ETIMEDOUT: { kind: 'unavailable', reason: 'timed_out' },
  EHOSTUNREACH: { kind: 'unavailable', reason: 'host_unreachable' },
  ENETUNREACH: { kind: 'unavailable', reason: 'network_unreachable' },
  EAI_AGAIN: { kind: 'unavailable', reason: 'name_lookup_failed' },
  ENOSPC: { kind: 'storage_full', reason: 'no_space_left' },
  EDQUOT: { kind: 'storage_full', reason: 'quota_exceeded' },
}

/** The pg client's own messages when its socket is gone (these errors carry no code). */
const connectionLostMessages = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Cannot use a pool after calling end on the pool$/,
]

/**
 * Set on every error the database driver throws (db/failure-marking-dialect.ts). Socket errors
 * and the pg client's messages count only with it: an ECONNREFUSED from an SMTP server or a CRL
 * download is not the database's. SQLSTATEs and SQLite codes name the database by themselves.
 */
const fromDatabase = Symbol.for('brucke.fromDatabase')

/** Marks an error as thrown by the database driver; returns it. */
export function markFromDatabase(error: unknown): unknown {
  if (typeof error === 'object' && error !== null && Object.isExtensible(error)) {
    Object.defineProperty(error, fromDatabase, { value: true, enumerable: false })
  }
  return error
}

function isMarked(error: object): boolean {
  return (error as { [fromDatabase]?: unknown })[fromDatabase] === true
}

function classifyOne(error: object, marked: boolean): DatabaseFailure | undefined {
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    const state = Object.hasOwn(sqlStates, code) ? sqlStates[code] : undefined
    if (state) return { ...state, code }
    // Class 08: connection exception (08000, 08003, 08006, 08001, 08004, …).
    if (/^08[0-9A-Z]{3}$/.test(code))
      return { kind: 'unavailable', code, reason: 'connection_exception' }
    const errno = marked && Object.hasOwn(errnoCodes, code) ? errnoCodes[code] : undefined
    if (errno) return { ...errno, code }
    if (code === 'SQLITE_FULL') return { kind: 'storage_full', code, reason: 'disk_full' }
    if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN)(_[A-Z_]+)?$/.test(code)) {
      return { kind: 'unavailable', code, reason: code.slice('SQLITE_'.length).toLowerCase() }
    }
  }
  const message = (error as { message?: unknown }).message
  if (
    marked &&
    typeof message === 'string' &&
    connectionLostMessages.some((m) => m.test(message))
  ) {
    return { kind: 'unavailable', code: 'connection_lost', reason: 'connection_lost' }
  }
  return undefined
}

/**
 * The database failure behind `error`, looking through `cause` chains and the `errors` of an
 * AggregateError (Node's connect to a host with several addresses), or undefined.
 */
export function classifyDatabaseFailure(error: unknown): DatabaseFailure | undefined {
  const seen = new Set<unknown>()
  const queue: { error: unknown; marked: boolean }[] = [{ error, marked: false }]
  while (queue.length > 0 && seen.size < 16) {
    const next = queue.shift() as { error: unknown; marked: boolean }
    const current = next.error
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    // What a marked error wraps or aggregates came out of the driver as well.
    const marked = next.marked || isMarked(current)
    const found = classifyOne(current, marked)
    if (found) return found
    const { cause, errors } = current as { cause?: unknown; errors?: unknown }
    if (cause !== undefined) queue.push({ error: cause, marked })
    if (Array.isArray(errors))
      queue.push(...(errors as unknown[]).map((e) => ({ error: e, marked })))
  }
  return undefined
}

/** The log line's message: names the dependency and the code, e.g. `database unavailable: 57P01 admin_shutdown`. */
export function describeDatabaseFailure(failure: DatabaseFailure): string {
  const what = failure.kind === 'storage_full' ? 'database storage full' : 'database unavailable'
  return failure.reason === failure.code
    ? `${what}: ${failure.code}`
    : `${what}: ${failure.code} ${failure.reason}`
}
