import { PostgresAdapter, type Kysely, type Transaction } from 'kysely'

/**
 * Whether this connection (or transaction) talks to PostgreSQL, read from the adapter kysely was
 * built with — for the few statements that PostgreSQL can merge into one round trip (a
 * data-modifying `WITH`) and SQLite cannot; everything else is the same kysely code for both.
 */
export function isPostgres<T>(db: Kysely<T> | Transaction<T>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}
