import { SMTPServer } from 'smtp-server'
import { findHostedRecipient, type HostedRecipient } from '../../db/inbound-repository.ts'
import type { Deps } from '../deps.ts'
import { loadIngressTls } from '../relay/ingress-tls.ts'
import { smtpReplyFor } from './inbound-refusal.ts'
import { receiveSealedMessage } from './receive-sealed-message.ts'
import { listenSmtp } from '../relay/listen-smtp.ts'

export interface InboundSmtp {
  host: string
  port: number
  stop(): Promise<void>
}

/** A reply to the client: the enhanced status code (RFC 3463) is part of the text. */
function reply(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode })
}

/**
 * The inbound S/MIME listener for partner gateways (issue 16, point 2), started by `brucke serve`
 * on `INBOUND_SMTP_PORT`. STARTTLS with the ingress's TLS identity (the configured files or a
 * self-signed certificate); no AUTH — a partner is known by the signature inside the message,
 * which {@link receiveSealedMessage} verifies before anything is kept. RCPT only to a hosted
 * agency's functional mailbox (else 550 5.1.1), one recipient per mail, SIZE
 * `INBOUND_SMTP_MAX_BYTES` (larger: 552 5.3.4). Every refusal of the content is answered during
 * DATA with 554 and the reason code, so the partner knows at once and nothing is kept.
 */
export async function startInboundSmtp(input: {
  deps: Deps
  /** Defaults to `INBOUND_SMTP_PORT` (0 = any free port). */
  port?: number
}): Promise<InboundSmtp> {
  const { deps } = input
  const maxBytes = deps.config.inboundSmtpMaxBytes
  const host = deps.config.host
  const configured = deps.config.inboundSmtpPort
  const port = input.port ?? (configured === 'off' ? 0 : configured)
  const reportingHost = new URL(deps.config.publicUrl).hostname || 'localhost'
  const tls = await loadIngressTls({
    certFile: deps.config.smtpIngressTlsCertFile,
    keyFile: deps.config.smtpIngressTlsKeyFile,
    hostname: reportingHost,
    at: deps.clock.now(),
  })
  // The hosted recipient RCPT found, with its decryption certificates, kept for that mail's DATA:
  // read once per message, not again when the content arrives. Keyed by the session object, so
  // it goes with the connection; a later RCPT on the same connection replaces it.
  const recipientOfSession = new WeakMap<object, { address: string; found: HostedRecipient }>()
  const server = new SMTPServer({
    secure: false,
    key: tls.key,
    cert: tls.cert,
    name: reportingHost,
    banner: 'Brücke inbound S/MIME',
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: maxBytes,
    disableReverseLookup: true,
    closeTimeout: 2_000,
    logger: false,
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length > 0)
        return callback(reply(550, '5.5.3 One recipient agency per message'))
      findHostedRecipient(deps.db, address.address, deps.clock.now()).then(
        (found) => {
          if (found === undefined)
            return callback(reply(550, '5.1.1 No hosted agency has this mailbox'))
          recipientOfSession.set(session, { address: address.address, found })
          callback()
        },
        (error: unknown) => {
          deps.log.error({ err: error }, 'inbound smtp: recipient lookup failed')
          callback(reply(451, '4.3.0 Temporary failure, try again'))
        },
      )
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        // Past the limit the rest is only drained, never kept.
        if (!stream.sizeExceeded) chunks.push(chunk)
      })
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const { code, text } = smtpReplyFor('too_large')
          deps.log.info({ reason: 'too_large' }, 'inbound smtp: message refused')
          return callback(reply(code, text))
        }
        const envelopeRecipients = session.envelope.rcptTo.map((r) => r.address)
        const named = recipientOfSession.get(session)
        receiveSealedMessage(deps, {
          raw: Buffer.concat(chunks),
          envelopeRecipients,
          ...(named !== undefined && named.address === envelopeRecipients[0]
            ? { hostedRecipient: named.found }
            : {}),
          channel: 'smtp',
          maxBytes,
        }).then(
          (result) => {
            if (result.outcome === 'accepted')
              return callback(null, `2.0.0 received as ${result.itemId}`)
            if (result.outcome === 'receipt')
              return callback(null, `2.0.0 receipt for ${result.transferId} recorded`)
            const { code, text } = smtpReplyFor(result.reason)
            callback(reply(code, text))
          },
          (error: unknown) => {
            deps.log.error({ err: error }, 'inbound smtp: receiving failed')
            callback(reply(451, '4.3.0 Internal error, try again later'))
          },
        )
      })
    },
  })

  return listenSmtp(server, {
    deps,
    host,
    port,
    name: 'inbound SMTP',
    setting: 'INBOUND_SMTP_PORT',
    tlsSource: tls.source,
  })
}
