import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { auditSettingsOf } from './audit-settings.ts'
import { purgeExpiredData } from './purge-retention.ts'

/**
 * The retention purge as a background service of `brucke serve`: once at start, then every
 * RETENTION_PURGE_INTERVAL_MINUTES (0 = only by `brucke audit purge`). A failed run (database
 * down) is logged by name and the next one tries again.
 */
export function startRetentionSweeper(deps: Deps): Promise<Service | undefined> {
  const minutes = auditSettingsOf(deps.config).retentionPurgeIntervalMinutes
  if (minutes === 0) return Promise.resolve(undefined)
  return Promise.resolve(
    startPeriodicService({
      name: 'retention-purge',
      intervalMs: minutes * 60_000,
      log: deps.log,
      metrics: deps.metrics,
      tick: async () => {
        const outcome = await purgeExpiredData(deps, { quiet: true })
        if (outcome.recorded)
          deps.log.info(
            { entriesErased: outcome.entriesErased, consentsPurged: outcome.consentsPurged },
            'retention purge',
          )
      },
    }),
  )
}
