import { startCheckpointer } from './audit/checkpointer.ts'
import { startRetentionSweeper } from './audit/retention-sweeper.ts'
import { startWalCheckpointer } from './db-maintenance/wal-checkpointer.ts'
import { startConsentExpirySweeper } from './consent/expiry-sweeper.ts'
import { startCertificateMonitor } from './crypto/certificate-monitor.ts'
import { startCrlRefresher } from './crypto/crl-refresh.ts'
import type { Deps } from './deps.ts'
import { startIdempotencyKeyPurge } from './idempotency/idempotency-key-purge.ts'
import { startKioskIdleSweeper } from './kiosk/kiosk-idle-sweeper.ts'
import { startNotificationNotices } from './notifications/notification-notice.ts'
import { startRelayServices } from './relay/relay-services.ts'
import { startMajoritySweeper } from './self-service/majority-review.ts'
import type { Service } from './serve.ts'

/**
 * Background services started by `brucke serve`, in order (stopped in reverse): the relay's
 * delivery worker and SMTP ingress, the audit checkpointer, the sweepers and the retention purge. Each returns undefined when disabled.
 */
export const serviceStarters: ((deps: Deps) => Promise<Service | undefined>)[] = [
  (deps) => startWalCheckpointer(deps), // first, so its final checkpoint follows every other write
  (deps) => startCertificateMonitor(deps), // opens the stored keys: a wrong master key stops the start
  (deps) => Promise.resolve(startCrlRefresher(deps)), // revocations at the CAs reach the keyring
  (deps) => startCheckpointer(deps), // first, so it stops last and seals the final entries
  (deps) => startConsentExpirySweeper(deps),
  (deps) => startMajoritySweeper(deps),
  (deps) => startRetentionSweeper(deps), // personal data goes when its time is up, unattended
  (deps) => startKioskIdleSweeper(deps), // receipt codes in clear do not wait for the next request
  (deps) => startIdempotencyKeyPurge(deps), // keys of create calls live only as long as configured
  (deps) => startNotificationNotices(deps), // NOTIFY_EMAIL: no personal data, only the link
  (deps) => startRelayServices(deps),
]
