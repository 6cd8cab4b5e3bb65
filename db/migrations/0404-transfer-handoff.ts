import type { Kysely } from 'kysely'

/**
 * The SMTP handoff marker (issue 19, point 3): before the delivery worker opens the SMTP dialogue
 * of a transfer it commits when it started and which worker it is. A row with the marker set and
 * no outcome may have reached the recipient, so it is never claimed for another send; when its
 * lease ran out, the worker reconciles it to `handoff_uncertain` instead
 * (gateway/relay/handoff-reconcile.ts). Existing rows have no marker: nothing was in flight when
 * the migration ran (it runs before `brucke serve` starts the worker).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transfers').addColumn('handoff_started_at', 'text').execute()
  await db.schema.alterTable('transfers').addColumn('handoff_worker', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('transfers').dropColumn('handoff_worker').execute()
  await db.schema.alterTable('transfers').dropColumn('handoff_started_at').execute()
}
