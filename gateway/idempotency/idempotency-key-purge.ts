import { purgeIdempotencyRecords } from '../../db/idempotency-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'

/**
 * Deletes the idempotency keys older than IDEMPOTENCY_KEY_RETENTION_HOURS; their number. A retry
 * after that creates a new record — the key has done its job of covering a lost answer. Not
 * audited: a key is bookkeeping of the transport, and the record it named keeps its own entries.
 */
export async function purgeExpiredIdempotencyKeys(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
): Promise<number> {
  const retentionMs = deps.config.idempotencyKeyRetentionHours * 3_600_000
  return purgeIdempotencyRecords(deps.db, new Date(deps.clock.now().getTime() - retentionMs))
}

/** The purge as a background service of `brucke serve`, every 15 minutes. */
export function startIdempotencyKeyPurge(deps: Deps, intervalMs = 15 * 60_000): Promise<Service> {
  return Promise.resolve(
    startPeriodicService({
      name: 'idempotency-key-purge',
      intervalMs,
      log: deps.log,
      tick: async () => {
        const purged = await purgeExpiredIdempotencyKeys(deps)
        if (purged > 0) deps.log.info({ purged }, 'idempotency keys purged')
      },
    }),
  )
}
