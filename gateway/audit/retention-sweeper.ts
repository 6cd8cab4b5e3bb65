import type { Deps } from '../deps.ts'
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
  let running: Promise<unknown> | undefined
  const tick = () => {
    if (running) return
    running = purgeExpiredData(deps, { quiet: true })
      .then((outcome) => {
        if (outcome.recorded)
          deps.log.info(
            { entriesErased: outcome.entriesErased, consentsPurged: outcome.consentsPurged },
            'retention purge',
          )
      })
      .catch((error: unknown) => {
        deps.log.error({ err: error }, 'retention purge failed')
      })
      .finally(() => {
        running = undefined
      })
  }
  tick()
  const timer = setInterval(tick, minutes * 60_000)
  timer.unref()
  return Promise.resolve({
    name: 'retention-purge',
    async stop() {
      clearInterval(timer)
      if (running) await running
    },
  })
}
