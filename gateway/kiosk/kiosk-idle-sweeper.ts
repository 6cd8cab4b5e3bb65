import { clearIdleKioskStates } from '../../db/kiosk-sweep-repository.ts'
import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { kioskIdleSecondsOf } from './kiosk-settings.ts'

/**
 * Wipes every kiosk idle for `KIOSK_IDLE_SECONDS` or longer, as `currentKioskSession` does when
 * such a kiosk asks again — but without waiting for it to ask: a tablet switched off or left on
 * the receipt page would otherwise keep the person's receipt code in clear in `kiosk_states`
 * (and the case summary in memory) until its next request. Not audited, like every other wipe:
 * it changes nothing of a consent. Returns the number of kiosks wiped.
 */
export async function wipeIdleKiosks(
  deps: Pick<Deps, 'db' | 'clock' | 'config' | 'kioskSummaries'>,
): Promise<number> {
  const idleSince = new Date(deps.clock.now().getTime() - kioskIdleSecondsOf(deps.config) * 1000)
  const wiped = await clearIdleKioskStates(deps.db, idleSince)
  for (const kioskId of wiped) deps.kioskSummaries.drop(kioskId)
  return wiped.length
}

/** The kiosk idle sweeper as a background service of `brucke serve`, every 30 seconds. */
export function startKioskIdleSweeper(deps: Deps, intervalMs = 30_000): Promise<Service> {
  return Promise.resolve(
    startPeriodicService({
      name: 'kiosk-idle-sweeper',
      intervalMs,
      log: deps.log,
      metrics: deps.metrics,
      tick: async () => {
        const wiped = await wipeIdleKiosks(deps)
        if (wiped > 0) deps.log.info({ wiped }, 'idle kiosks wiped')
      },
    }),
  )
}
