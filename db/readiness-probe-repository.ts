import type { Kysely } from 'kysely'
import type { Tables } from './tables.ts'

/**
 * Commits one small write (the probe row's time): succeeds only when the database is reachable
 * and can grow its journal. Throws the driver's error otherwise.
 */
export async function writeReadinessProbe(db: Kysely<Tables>, at: Date): Promise<void> {
  const checkedAt = at.toISOString()
  await db
    .insertInto('readiness_probe')
    .values({ id: 'probe', checked_at: checkedAt })
    .onConflict((oc) => oc.column('id').doUpdateSet({ checked_at: checkedAt }))
    .execute()
}
