import { createRegistryKeyring } from '../crypto/registry-keyring.ts'
import type { Deps } from '../deps.ts'
import type { Service } from '../serve.ts'
import { createCachingKeyring } from './caching-keyring.ts'
import { startCatchallMailbox } from './catchall-mailbox.ts'
import { newWorkerId, startDeliveryWorker } from './delivery-worker.ts'
import { createPemDirectoryKeyring } from './pem-directory-keyring.ts'
import type { AgencyKeyring } from './ports.ts'
import { relaySettingsOf } from './relay-settings.ts'
import { createSmtpMailer } from './smtp-mailer.ts'

/** How long a keyring lookup is reused (see {@link createCachingKeyring}). */
export const keyringCacheMs = 5_000

const keyrings = new WeakMap<object, AgencyKeyring>()

/**
 * The keyring the relay uses: the certificate registry with the encrypted key store (what
 * `brucke cert import` and the demo setup fill), or — when `relayPkiDir` is configured — a PEM
 * directory laid out like `brucke pki demo --out DIR`; one per database, with lookups cached
 * for {@link keyringCacheMs}.
 */
export function relayKeyringOf(deps: Pick<Deps, 'db' | 'config' | 'log'>): AgencyKeyring {
  const known = keyrings.get(deps.db)
  if (known) return known
  const directory = relaySettingsOf(deps.config).pkiDir
  const keyring = createCachingKeyring(
    directory === undefined
      ? createRegistryKeyring(deps)
      : createPemDirectoryKeyring(deps, directory),
    keyringCacheMs,
  )
  keyrings.set(deps.db, keyring)
  return keyring
}

/**
 * Starts the relay inside `brucke serve`: the delivery worker to `SMTP_URL`, or — with no
 * `SMTP_URL` — to the built-in local catch-all under `<dataDir>/catchall` (offline demo).
 */
export async function startRelayServices(deps: Deps): Promise<Service> {
  const settings = relaySettingsOf(deps.config)
  const catchall = deps.config.smtpUrl
    ? undefined
    : await startCatchallMailbox(settings.catchallDir)
  const mailer = createSmtpMailer(
    deps.config.smtpUrl ?? {
      host: '127.0.0.1',
      port: catchall?.port ?? 0,
      secure: false,
      ignoreTLS: true,
    },
  )
  if (catchall)
    deps.log.info({ port: catchall.port, dir: settings.catchallDir }, 'local catch-all mailbox')
  const worker = startDeliveryWorker({
    deps,
    keyring: relayKeyringOf(deps),
    mailer,
    settings,
    workerId: newWorkerId(),
  })
  return {
    name: 'relay',
    async stop() {
      await worker.stop()
      await catchall?.stop()
    },
  }
}
