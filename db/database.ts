import { statfsSync } from 'node:fs'
import { dirname } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { BoundedCache } from '../crypto/bounded-cache.ts'
import { withFailureMarks } from './failure-marking-dialect.ts'
import { nameStatements } from './postgres-named-statements.ts'
import { createPrivateFile, makePrivateDirectory } from './private-files.ts'
import type { Tables } from './tables.ts'

export type DialectName = 'sqlite' | 'postgres'

export interface Database {
  db: Kysely<Tables>
  dialect: DialectName
  /** Where the data lives, for messages (never contains a password). */
  description: string
  /** Free bytes on the disk holding a SQLite database file (readiness); PostgreSQL's is not ours to see. */
  freeBytes?: () => number
  /**
   * SQLite only: one PASSIVE checkpoint of the write-ahead log, run by the periodic WAL
   * checkpointer (gateway/db-maintenance/wal-checkpointer.ts) — never by a commit, see openSqlite.
   */
  checkpointWal?: () => Promise<WalCheckpoint>
  close(): Promise<void>
}

/** What `PRAGMA wal_checkpoint(PASSIVE)` did: frames in the log, frames copied back, busy. */
export interface WalCheckpoint {
  busy: boolean
  walFrames: number
  checkpointedFrames: number
}

/**
 * Opens the database named by a `DATABASE_URL` (docs/design.md §6): `file:/path/x.db` → SQLite through
 * better-sqlite3 (WAL, synchronous FULL, foreign keys on), `postgres://…` → PostgreSQL through
 * pg. A `schema` query parameter on a PostgreSQL URL sets the search path (tests use it to stay
 * in their own schema).
 */
export function openDatabase(url: string): Database {
  if (url.startsWith('file:')) return openSqlite(url.slice('file:'.length))
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url)
  throw new Error(`DATABASE_URL must start with file:, postgres:// or postgresql://`)
}

function openSqlite(path: string): Database {
  if (path !== ':memory:' && path !== '') {
    // The database holds names, birth dates and signatures: a new one is created 0600 (in
    // directories created 0700) before SQLite opens it, whatever the umask. SQLite gives its
    // -wal, -shm and -journal files the mode of the database file (and fchmods them to it), so
    // they are 0600 as well. An existing database keeps the mode its operator gave it.
    makePrivateDirectory(dirname(path))
    createPrivateFile(path)
  }
  const sqlite = new SqliteDatabase(path)
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('foreign_keys = ON')
  sqlite.pragma('busy_timeout = 5000')
  // FULL: a commit is on disk before it returns. NORMAL would be faster (no fsync per commit in
  // WAL mode) but may roll back the last commits after a power loss or OS crash — a 202-accepted
  // transfer, a signed or revoked consent, an audit entry. Nothing acknowledged may be lost.
  sqlite.pragma('synchronous = FULL')
  // No checkpoint inside a commit: by default the commit that pushes the log past 1000 pages
  // copies it back into the database and fsyncs it, so one unlucky request pays for the writes of
  // all the others. `brucke serve` checkpoints from its periodic WAL checkpointer instead
  // (PASSIVE: it never waits for readers or writers). A process without it (a CLI command)
  // checkpoints when it closes the database. After a checkpoint the log is reused from its start
  // and cut back to this size, so a burst does not leave a large file behind.
  sqlite.pragma('wal_autocheckpoint = 0')
  sqlite.pragma(`journal_size_limit = ${walSizeLimitBytes}`)
  const db = new Kysely<Tables>({
    dialect: withFailureMarks(new SqliteDialect({ database: withStatementCache(sqlite) }), {
      inTransaction: () => sqlite.inTransaction,
    }),
  })
  const onDisk = path !== ':memory:' && path !== ''
  return {
    db,
    dialect: 'sqlite',
    description: `SQLite ${path}`,
    ...(onDisk
      ? {
          freeBytes: () => {
            const { bavail, bsize } = statfsSync(dirname(path))
            return bavail * bsize
          },
        }
      : {}),
    // Through kysely, so it waits for the connection's running transaction (kysely's SQLite
    // driver holds one connection behind a mutex) instead of running inside it.
    checkpointWal: async () => {
      const { rows } = await sql<{
        busy: number
        log: number
        checkpointed: number
      }>`pragma wal_checkpoint(PASSIVE)`.execute(db)
      const row = rows[0]
      return {
        busy: (row?.busy ?? 0) !== 0,
        walFrames: row?.log ?? 0,
        checkpointedFrames: row?.checkpointed ?? 0,
      }
    },
    close: () => db.destroy(),
  }
}

/**
 * kysely prepares every query anew; preparing costs more than running most of ours (a transfer
 * runs some 25 statements). Statements are reused by their SQL text — kysely binds values as
 * parameters, so the set of texts is small — in a bounded LRU. One connection runs one query at
 * a time (kysely's SQLite driver holds a mutex), so a cached statement is never busy twice.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): {
  prepare(sql: string): SqliteDatabase.Statement
  close(): void
} {
  const statements = new BoundedCache<string, SqliteDatabase.Statement>(maxCachedStatements)
  return {
    prepare: (sql) => statements.getOrCompute(sql, () => sqlite.prepare(sql)),
    close() {
      statements.clear()
      sqlite.close()
    },
  }
}

const maxCachedStatements = 500

/** The size the log is cut back to after a checkpoint: 4 MiB, what SQLite's own 1000-page default keeps. */
const walSizeLimitBytes = 4 * 1024 * 1024

function openPostgres(url: string): Database {
  const parsed = new URL(url)
  const schema = parsed.searchParams.get('schema')
  parsed.searchParams.delete('schema')
  if (schema !== null && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error('DATABASE_URL: the schema parameter must be a lower-case SQL identifier')
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: 10,
    // A server that cannot be reached but does not refuse (a failover in progress, a dropped
    // route) would hold a request until the OS gives up; after 10 s the pool throws a "timeout
    // exceeded when trying to connect", which db/database-failure.ts reads as unavailable → 503.
    connectionTimeoutMillis: 10_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // A connection the server drops (restart, failover: 57P01) emits 'error' on its client. For an
  // idle client the pool listens and discards it; a client checked out between two queries of a
  // transaction has no listener of the pool's, and an unheard 'error' event ends the process.
  // Every client gets one for its whole life: the error needs no action here, because the next
  // query on that client fails (and is answered as "database unavailable") and the pool drops a
  // client that is no longer queryable when it is released.
  pool.on('connect', (client) => {
    client.on('error', () => undefined)
    nameStatements(client)
  })
  pool.on('error', () => undefined)
  const db = new Kysely<Tables>({ dialect: withFailureMarks(new PostgresDialect({ pool })) })
  const where = `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`
  return { db, dialect: 'postgres', description: `PostgreSQL ${where}`, close: () => db.destroy() }
}
