import { describe, expect, it } from 'vitest'
import {
  classifyDatabaseFailure,
  describeDatabaseFailure,
  markFromDatabase,
} from '../../../db/database-failure.ts'
import { toHttpFailure } from '../../../gateway/http/error-status.ts'
import { ApiError } from '../../../gateway/http/api-error.ts'

/** An error shaped as the driver throws it: pg's DatabaseError, Node's errno error, SqliteError. */
function coded(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code })
}

describe('classifyDatabaseFailure', () => {
  it.each([
    ['57P01', 'unavailable', 'admin_shutdown'],
    ['57P02', 'unavailable', 'crash_shutdown'],
    ['57P03', 'unavailable', 'cannot_connect_now'],
    ['08006', 'unavailable', 'connection_exception'],
    ['08001', 'unavailable', 'connection_exception'],
    ['53100', 'storage_full', 'disk_full'],
    ['53000', 'storage_full', 'insufficient_resources'],
    ['53300', 'unavailable', 'too_many_connections'],
    ['SQLITE_FULL', 'storage_full', 'disk_full'],
    ['SQLITE_BUSY', 'unavailable', 'busy'],
    ['SQLITE_IOERR_WRITE', 'unavailable', 'ioerr_write'],
  ])('when the driver says %s, then it is %s (%s)', (code, kind, reason) => {
    expect(classifyDatabaseFailure(coded(code))).toEqual({ kind, code, reason })
  })

  it('when a socket error comes from the database driver, then it counts; from anywhere else, it does not', () => {
    expect(classifyDatabaseFailure(markFromDatabase(coded('ECONNREFUSED')))).toEqual({
      kind: 'unavailable',
      code: 'ECONNREFUSED',
      reason: 'connection_refused',
    })
    expect(classifyDatabaseFailure(markFromDatabase(coded('ECONNRESET')))?.kind).toBe('unavailable')
    expect(classifyDatabaseFailure(markFromDatabase(coded('ENOSPC')))?.kind).toBe('storage_full')
    // An SMTP server or a CRL host refusing a connection is not a database outage.
    expect(classifyDatabaseFailure(coded('ECONNREFUSED'))).toBeUndefined()
    expect(classifyDatabaseFailure(coded('ENOSPC'))).toBeUndefined()
  })

  it("when the pg client lost its connection (no code), then the driver's message is recognised", () => {
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated',
      'Client has encountered a connection error and is not queryable',
      'timeout exceeded when trying to connect',
    ]) {
      expect(classifyDatabaseFailure(markFromDatabase(new Error(message)))).toEqual({
        kind: 'unavailable',
        code: 'connection_lost',
        reason: 'connection_lost',
      })
      expect(classifyDatabaseFailure(new Error(message))).toBeUndefined()
    }
  })

  it('when the failure is the cause of another error or inside an AggregateError, then it is found', () => {
    const wrapped = new Error('could not load', { cause: coded('57P01') })
    expect(classifyDatabaseFailure(wrapped)?.code).toBe('57P01')
    const aggregate = markFromDatabase(
      new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'connect failed'),
    )
    expect(classifyDatabaseFailure(aggregate)?.code).toBe('ECONNREFUSED')
  })

  it('when the error is a constraint violation, a bug or no error at all, then it is no outage', () => {
    for (const error of [
      coded('23505'),
      coded('SQLITE_CONSTRAINT_UNIQUE'),
      coded('SQLITE_CORRUPT'),
      coded('42P01'),
      new TypeError('x is undefined'),
      'SQLITE_FULL',
      null,
      undefined,
      { code: 'conflict' },
    ]) {
      expect(classifyDatabaseFailure(error)).toBeUndefined()
    }
  })

  it('when an error is its own cause, then the walk ends', () => {
    const loop: Error & { cause?: unknown } = new Error('loop')
    loop.cause = loop
    expect(classifyDatabaseFailure(loop)).toBeUndefined()
  })

  it('describes a failure by the dependency and code only', () => {
    expect(
      describeDatabaseFailure({ kind: 'unavailable', code: '57P01', reason: 'admin_shutdown' }),
    ).toBe('database unavailable: 57P01 admin_shutdown')
    expect(
      describeDatabaseFailure({ kind: 'storage_full', code: 'SQLITE_FULL', reason: 'disk_full' }),
    ).toBe('database storage full: SQLITE_FULL disk_full')
  })
})

describe('toHttpFailure for database failures', () => {
  it('when the database is restarting, then 503 database_unavailable with a retry time', () => {
    expect(toHttpFailure(coded('57P01'))).toMatchObject({
      status: 503,
      code: 'database_unavailable',
      details: { retryAfterSeconds: 5 },
    })
  })
  it('when the disk is full, then 507 storage_full', () => {
    expect(toHttpFailure(coded('SQLITE_FULL'))).toMatchObject({ status: 507, code: 'storage_full' })
    expect(toHttpFailure(coded('53100'))).toMatchObject({ status: 507, code: 'storage_full' })
  })
  it('when a refusal with its own status has a database cause, then the refusal wins', () => {
    const refusal = new ApiError('conflict', 'taken', { cause: coded('57P01') })
    expect(toHttpFailure(refusal)).toMatchObject({ status: 409, code: 'conflict' })
  })
  it('when the error is no database failure, then it stays an internal error', () => {
    expect(toHttpFailure(new Error('bug'))).toBeUndefined()
  })
})
