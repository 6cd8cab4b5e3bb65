import type { DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely'
import { markFromDatabase } from './database-failure.ts'

export interface FailureMarkingOptions {
  /**
   * Whether the connection is still inside a transaction. SQLite rolls a transaction back by
   * itself on SQLITE_FULL, SQLITE_IOERR or SQLITE_BUSY; kysely's rollback then fails with
   * "cannot rollback - no transaction is active" and that error replaces the one that mattered.
   * When this says no, the rollback is skipped and the original error surfaces.
   */
  inTransaction?: () => boolean
}

/**
 * Wraps a kysely dialect so every error its driver throws is marked as the database's
 * (`markFromDatabase`): a refused socket from the pg pool then counts as "database unavailable",
 * while the same ECONNREFUSED from an SMTP or CRL fetch does not. The errors themselves are
 * rethrown unchanged (callers match their codes, e.g. unique violations).
 */
export function withFailureMarks(dialect: Dialect, options: FailureMarkingOptions = {}): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => markingDriver(dialect.createDriver(), options),
  }
}

async function marked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw markFromDatabase(error)
  }
}

type Savepoint = NonNullable<Driver['savepoint']>

function markingDriver(inner: Driver, options: FailureMarkingOptions): Driver {
  // kysely hands the driver back the connection it acquired: ours wraps the inner one.
  const innerOf = new WeakMap<DatabaseConnection, DatabaseConnection>()
  const unwrap = (connection: DatabaseConnection): DatabaseConnection =>
    innerOf.get(connection) ?? connection
  const wrap = (connection: DatabaseConnection): DatabaseConnection => {
    const outer: DatabaseConnection = {
      executeQuery: <R>(query: Parameters<DatabaseConnection['executeQuery']>[0]) =>
        marked<QueryResult<R>>(() => connection.executeQuery<R>(query)),
      async *streamQuery<R>(
        query: Parameters<DatabaseConnection['streamQuery']>[0],
        chunkSize?: number,
      ): AsyncIterableIterator<QueryResult<R>> {
        try {
          yield* connection.streamQuery<R>(query, chunkSize)
        } catch (error) {
          throw markFromDatabase(error)
        }
      },
    }
    innerOf.set(outer, connection)
    return outer
  }
  const wrapped: Driver = {
    init: () => marked(() => inner.init()),
    acquireConnection: () => marked(async () => wrap(await inner.acquireConnection())),
    beginTransaction: (connection, settings) =>
      marked(() => inner.beginTransaction(unwrap(connection), settings)),
    commitTransaction: (connection) => marked(() => inner.commitTransaction(unwrap(connection))),
    rollbackTransaction: (connection) =>
      marked(async () => {
        if (options.inTransaction && !options.inTransaction()) return
        await inner.rollbackTransaction(unwrap(connection))
      }),
    releaseConnection: (connection) => inner.releaseConnection(unwrap(connection)),
    destroy: () => inner.destroy(),
  }
  if (inner.savepoint)
    wrapped.savepoint = (connection, name, compile) =>
      marked(() => (inner.savepoint as Savepoint).call(inner, unwrap(connection), name, compile))
  if (inner.rollbackToSavepoint)
    wrapped.rollbackToSavepoint = (connection, name, compile) =>
      marked(() =>
        (inner.rollbackToSavepoint as Savepoint).call(inner, unwrap(connection), name, compile),
      )
  if (inner.releaseSavepoint)
    wrapped.releaseSavepoint = (connection, name, compile) =>
      marked(() =>
        (inner.releaseSavepoint as Savepoint).call(inner, unwrap(connection), name, compile),
      )
  return wrapped
}
