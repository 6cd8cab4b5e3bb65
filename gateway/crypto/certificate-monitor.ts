import type { Deps } from '../deps.ts'
import { startPeriodicService } from '../periodic-service.ts'
import type { Service } from '../serve.ts'
import { checkStoredKeys, warnAboutExpiringCertificates } from './certificate-service.ts'

/**
 * The crypto part of `brucke serve`: at start, opens every stored key so a wrong master key stops
 * the start with ERR_KEY_WRONG_MASTER_KEY (issue 3, point 6); then logs a warning for each
 * certificate expiring within 30 days, at start and once a day.
 */
export async function startCertificateMonitor(
  deps: Deps,
  intervalMs = 24 * 60 * 60 * 1000,
): Promise<Service> {
  const keys = await checkStoredKeys(deps)
  deps.log.info({ keys }, 'stored private keys open with the master key')
  return startPeriodicService({
    name: 'certificate-monitor',
    intervalMs,
    log: deps.log,
    metrics: deps.metrics,
    tick: () => warnAboutExpiringCertificates(deps),
  })
}
