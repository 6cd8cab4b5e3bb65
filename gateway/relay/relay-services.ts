import { createRegistryKeyring } from '../crypto/registry-keyring.ts'
import type { Deps } from '../deps.ts'
import type { Service } from '../serve.ts'
import { createCachingKeyring } from './caching-keyring.ts'
import { startCatchallMailbox } from './catchall-mailbox.ts'
import { newWorkerId, startDeliveryWorker } from './delivery-worker.ts'
import { createPemDirectoryKeyring } from './pem-directory-keyring.ts'
import type { AgencyKeyring, Mailer } from './ports.ts'
import { relaySettingsOf } from './relay-settings.ts'
import { createSmtpMailer } from './smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from './smtp-ingress.ts'

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
 * `SMTP_URL` — to the built-in local catch-all under `<dataDir>/catchall` (offline demo); and
 * the SMTP ingress on `SMTP_INGRESS_PORT` (unless `off`), whose denial replies go the same way. A port in use
 * stops the start (like HTTP), with a message naming the setting.
 */
export async function startRelayServices(deps: Deps): Promise<Service> {
  const settings = relaySettingsOf(deps.config)
  const catchall = deps.config.smtpUrl
    ? undefined
    : await startCatchallMailbox(settings.catchallDir, deps.clock)
  const target = deps.config.smtpUrl ?? {
    host: '127.0.0.1',
    port: catchall?.port ?? 0,
    secure: false,
    ignoreTLS: true,
  }
  if (catchall)
    deps.log.info({ port: catchall.port, dir: settings.catchallDir }, 'local catch-all mailbox')
  const keyring = relayKeyringOf(deps)
  // The worker closes its mailer when it stops; the ingress has its own, closed after it.
  const ingressPort = deps.config.smtpIngressPort
  let replyMailer: Mailer | undefined
  let ingress: SmtpIngress | undefined
  if (ingressPort !== 'off') {
    const mailer = createSmtpMailer(target)
    replyMailer = mailer
    ingress = await startSmtpIngress({ deps, keyring, mailer, port: ingressPort }).catch(
      async (error: unknown) => {
        mailer.close()
        await catchall?.stop()
        throw error
      },
    )
  }
  const worker = startDeliveryWorker({
    deps,
    keyring,
    mailer: createSmtpMailer(target),
    settings,
    workerId: newWorkerId(),
  })
  return {
    name: 'relay',
    endpoints: ingress ? [{ name: 'smtp_ingress', host: ingress.host, port: ingress.port }] : [],
    async stop() {
      await ingress?.stop()
      replyMailer?.close()
      await worker.stop()
      await catchall?.stop()
    },
  }
}
