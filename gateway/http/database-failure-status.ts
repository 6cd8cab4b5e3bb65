import type { Logger } from 'pino'
import {
  classifyDatabaseFailure,
  describeDatabaseFailure,
  type DatabaseFailure,
} from '../../db/database-failure.ts'
import { apiErrorStatus } from './api-error.ts'
import type { HttpFailure } from './error-status.ts'

/** How long a client should wait before trying again: a restart takes seconds, space takes an operator. */
const retryAfterSeconds = { unavailable: 5, storage_full: 60 } as const

/** The answer to a request that failed because the database did (503 or 507, never 500). */
export function databaseFailureAnswer(failure: DatabaseFailure): HttpFailure {
  if (failure.kind === 'storage_full') {
    return {
      status: apiErrorStatus.storage_full,
      code: 'storage_full',
      message: 'The database has no space left; nothing was stored. Try again later.',
      details: { retryAfterSeconds: retryAfterSeconds.storage_full },
    }
  }
  return {
    status: apiErrorStatus.database_unavailable,
    code: 'database_unavailable',
    message: 'The database is unavailable; try again shortly.',
    details: { retryAfterSeconds: retryAfterSeconds.unavailable },
  }
}

/**
 * Logs a request's database failure, if it was one, as a warning that names the dependency and
 * the driver's code only (`database unavailable: 57P01 admin_shutdown`): the error itself may
 * carry a statement's parameters. Returns whether it was one.
 */
export function logDatabaseFailure(
  log: Pick<Logger, 'warn'>,
  error: unknown,
  context: Record<string, unknown>,
): boolean {
  const failure = classifyDatabaseFailure(error)
  if (!failure) return false
  log.warn(
    { ...context, dependency: 'database', dbCode: failure.code, dbFailure: failure.kind },
    describeDatabaseFailure(failure),
  )
  return true
}
