import type { Deps } from '../deps.ts'
import { createOutboundMailer } from '../federation/partner-routing-mailer.ts'
import { startInboundSmtp, type InboundSmtp } from '../inbound/inbound-smtp.ts'
import { receiveLocalDelivery } from '../inbound/local-delivery.ts'
import type { Service } from '../serve.ts'
import { startCatchallMailbox } from './catchall-mailbox.ts'
import { newWorkerId, startDeliveryWorker } from './delivery-worker.ts'
import type { Mailer } from './ports.ts'
import { relaySettingsOf } from './relay-settings.ts'
import { newRevocationSweep } from './revocation-notice.ts'
import { createSmtpMailer } from './smtp-mailer.ts'
import { startSmtpIngress, type SmtpIngress } from './smtp-ingress.ts'

/**
 * Starts the relay inside `brucke serve`: the delivery worker to `SMTP_URL`, or — with no
 * `SMTP_URL` — to a partner agency's inbound address from its card and otherwise to the
 * built-in local catch-all under `<dataDir>/catchall` (offline demo); and
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
  // The worker closes its mailer when it stops; the ingress has its own, closed after it.
  const ingressPort = deps.config.smtpIngressPort
  let replyMailer: Mailer | undefined
  let ingress: SmtpIngress | undefined
  if (ingressPort !== 'off') {
    const mailer = createSmtpMailer(target)
    replyMailer = mailer
    ingress = await startSmtpIngress({ deps, mailer, port: ingressPort }).catch(
      async (error: unknown) => {
        mailer.close()
        await catchall?.stop()
        throw error
      },
    )
  }
  // Partner gateways' S/MIME (issue 16): its own port, no AUTH, only for hosted agencies.
  let inbound: InboundSmtp | undefined
  if (deps.config.inboundSmtpPort !== 'off') {
    inbound = await startInboundSmtp({ deps }).catch(async (error: unknown) => {
      await ingress?.stop()
      replyMailer?.close()
      await catchall?.stop()
      throw error
    })
  }
  const worker = startDeliveryWorker({
    deps,
    mailer: createOutboundMailer(deps, target),
    settings,
    workerId: newWorkerId(),
    revocationSweep: newRevocationSweep(),
    // A recipient hosted here sees the transfer in its inbox too (single shared instance).
    afterDelivered: (delivered) => receiveLocalDelivery(deps, delivered),
  })
  // `/readyz` says not ready once the worker is stopped (shutting down) while HTTP still answers.
  const workerReadiness = deps.readiness.register('delivery_worker')
  return {
    name: 'relay',
    endpoints: [
      ...(ingress
        ? [{ name: 'smtp_ingress' as const, host: ingress.host, port: ingress.port }]
        : []),
      ...(inbound
        ? [{ name: 'inbound_smtp' as const, host: inbound.host, port: inbound.port }]
        : []),
    ],
    async stop() {
      await inbound?.stop()
      await ingress?.stop()
      replyMailer?.close()
      workerReadiness.stopped()
      await worker.stop()
      await catchall?.stop()
    },
  }
}
