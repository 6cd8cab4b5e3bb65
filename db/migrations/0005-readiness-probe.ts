import type { Kysely } from 'kysely'

/**
 * One row `/readyz` writes (issue 19 point 6): "ready" must mean the database takes a commit —
 * reachable, not read-only, disk not full — which a read or an empty transaction does not show.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('readiness_probe')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('checked_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('readiness_probe').execute()
}
