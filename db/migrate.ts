import { Migrator, sql, type Migration, type MigrationResult } from 'kysely'
import type { Database } from './database.ts'
import { migrations } from './migrations/index.ts'

export interface MigrateOutcome {
  applied: string[]
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly migration: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'MigrationError'
  }
}

/**
 * Applies every pending migration in one run; each runs in its own transaction. `only` replaces
 * the full list (tests use it to build a database as an older release left it).
 */
export async function migrateToLatest(
  database: Database,
  only: Record<string, Migration> = migrations,
): Promise<MigrateOutcome> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one; with several
  // schemas in one PostgreSQL database (tests, or a shared server) it would find another's.
  const schema =
    database.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db))
          .rows[0]?.schema
      : undefined
  const migrator = new Migrator({
    db: database.db,
    ...(schema ? { migrationTableSchema: schema } : {}),
    provider: { getMigrations: () => Promise.resolve(only) },
    // Each area numbers its migrations in its own range (migrations/index.ts), so a release can
    // bring a migration that sorts before one a deployment has already applied (0003 after 0501).
    // Pending ones still run in name order.
    allowUnorderedMigrations: true,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  })
  const { error, results } = await migrateRetryingForeignSchemaRace(migrator, schema)
  const applied = (results ?? [])
    .filter((r: MigrationResult) => r.status === 'Success')
    .map((r) => r.migrationName)
  if (error) {
    const failed = (results ?? []).find((r) => r.status === 'Error')?.migrationName
    // No migration ran: the database itself could not be used (connection, permissions).
    const cause = error instanceof Error ? error : new Error(JSON.stringify(error))
    if (failed === undefined) throw cause
    throw new MigrationError(`database migration ${failed} failed: ${cause.message}`, failed, {
      cause: error,
    })
  }
  return { applied }
}

/**
 * Kysely's PostgreSQL introspection (the migrator asks it whether its own tables exist) reads the
 * catalog of every schema, and fails with 3F000 when another schema is dropped in the middle of
 * that read — on a shared server, or when test files drop theirs — or with 42703 when another
 * schema's table changes its columns meanwhile (seen in CI: `column "role" of relation
 * "consent_signatures" does not exist` while a parallel test file migrated its own schema), or with
 * 42P01 when a table of another schema vanished with it. Such a
 * failure is about someone else's schema and nothing was migrated yet, so the run is repeated (a
 * few times, briefly).
 */
async function migrateRetryingForeignSchemaRace(
  migrator: Migrator,
  ownSchema: string | undefined,
): Promise<Awaited<ReturnType<Migrator['migrateToLatest']>>> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await migrator.migrateToLatest()
    const failedMigration = (outcome.results ?? []).some((r) => r.status === 'Error')
    // Only a failure before any migration ran (the introspection) is another schema's doing.
    const migratedSome = (outcome.results ?? []).length > 0
    if (
      outcome.error === undefined ||
      failedMigration ||
      migratedSome ||
      attempt >= 5 ||
      !isForeignSchemaVanished(outcome.error, ownSchema)
    )
      return outcome
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt))
  }
}

export function isForeignSchemaVanished(error: unknown, ownSchema: string | undefined): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (typeof message !== 'string') return false
  // 42P01 counts only for a table named with another schema (seen in CI: `relation
  // "t_9d94fd818df1.audit_head" does not exist` while that test file dropped its schema).
  if (code === '42P01') {
    const schema = /relation "([^".]+)\./.exec(message)?.[1]
    return schema !== undefined && schema !== ownSchema
  }
  if (code !== '3F000' && code !== '42703') return false
  return ownSchema === undefined || !message.includes(`"${ownSchema}"`)
}
