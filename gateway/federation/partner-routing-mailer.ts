import { findPartnerInboundByMailbox } from '../../db/federation-repository.ts'
import type { Deps } from '../deps.ts'
import type { Mailer } from '../relay/ports.ts'
import { createSmtpMailer } from '../relay/smtp-mailer.ts'

type SmtpTarget = Parameters<typeof createSmtpMailer>[0]

/**
 * The delivery worker's mailer: everything through `SMTP_URL` when it is set (`target` is then
 * that URL); without it, mail to a partner agency to the inbound address of its card and the
 * rest to `target` (the local catch-all).
 */
export function createOutboundMailer(
  deps: Pick<Deps, 'db' | 'config'>,
  target: SmtpTarget,
): Mailer {
  if (deps.config.smtpUrl !== undefined) return createSmtpMailer(target)
  return createPartnerRoutingMailer({
    fallback: createSmtpMailer(target),
    partnerInbound: (mailbox) => findPartnerInboundByMailbox(deps.db, mailbox),
    createMailer: (partner) => createSmtpMailer(partnerTarget(partner)),
  })
}

/**
 * A partner gateway's inbound listener (`smtp://host:port` from its card): STARTTLS when offered
 * but its certificate not checked — opportunistic, as between mail servers (RFC 7435); what the
 * message says is sealed end to end by S/MIME, signed and encrypted to the partner's certificate.
 */
function partnerTarget(url: string): SmtpTarget {
  const parsed = new URL(url)
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port),
    secure: false,
    tls: { rejectUnauthorized: false },
  }
}

/**
 * Outbound routing without `SMTP_URL` (issue 16, point 2): mail to a partner agency goes to the
 * inbound address of its card, everything else to `fallback` (the local catch-all). One pooled
 * mailer per target, made on first use and closed with this one. With `SMTP_URL` set the relay
 * does not use this: the operator's relay routes everything.
 */
function createPartnerRoutingMailer(input: {
  fallback: Mailer
  /** The partner's `smtp://host:port` for a recipient mailbox, or undefined (not a partner). */
  partnerInbound: (mailbox: string) => Promise<string | undefined>
  createMailer: (target: string) => Mailer
}): Mailer {
  const pooled = new Map<string, Mailer>()
  const mailerFor = (target: string): Mailer => {
    let mailer = pooled.get(target)
    if (mailer === undefined) {
      mailer = input.createMailer(target)
      pooled.set(target, mailer)
    }
    return mailer
  }
  return {
    async send(message) {
      const targets = await Promise.all(message.to.map((to) => input.partnerInbound(to)))
      const target = targets[0]
      // The worker sends one recipient per message; recipients split across gateways would need
      // one handoff each, so they are never merged into one.
      if (targets.some((other) => other !== target))
        throw new Error('recipients of one message route to different gateways')
      return (target === undefined ? input.fallback : mailerFor(target)).send(message)
    },
    close() {
      input.fallback.close()
      for (const mailer of pooled.values()) mailer.close()
      pooled.clear()
    },
  }
}
