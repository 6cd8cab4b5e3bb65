import { simpleParser } from 'mailparser'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'
import { z } from 'zod'
import { vocabulary } from '../../config/vocabulary.ts'
import { findAgency, findAgencyByMailbox, findUser } from '../../db/account-repository.ts'
import { findConsentFacts } from '../../db/consent-repository.ts'
import { createLoginBudget } from '../auth/login-throttle.ts'
import type { Deps } from '../deps.ts'
import { ApiError } from '../http/api-error.ts'
import { runIdempotently, type IdempotencyClaim } from '../idempotency/idempotent-call.ts'
import { explainDenyReason } from '../staff/deny-reason-text.ts'
import { explainTransferRefusal, isTransferRefusal } from '../staff/transfer-refusal-text.ts'
import { authenticateIngressUser, type IngressUser } from './ingress-auth.ts'
import { composeDenialReply, plainMessageId } from './ingress-denial-reply.ts'
import { describeIngressProblems, readIngressMail, type IngressMail } from './ingress-mail.ts'
import { ingressConnectionCapsOf } from './ingress-settings.ts'
import { loadIngressTls } from './ingress-tls.ts'
import type { Mailer } from './ports.ts'
import { RelayError } from './relay-error.ts'
import { maxAttachmentBytes, submitTransfer, type TransferInput } from './transfer-service.ts'
import { listenSmtp } from './listen-smtp.ts'

/** The reasons a `transfer_denied` carries in its details (docs/design.md §3.2 codes). */
const deniedReasonsSchema = z.array(z.string())

/**
 * Largest mail the ingress takes (advertised as SIZE, RFC 1870): one PDF at the transfer
 * limit, base64-encoded (4/3), plus the text and headers.
 */
export const ingressMaxMessageBytes = Math.ceil((maxAttachmentBytes * 4) / 3) + 1_500_000

/** Local parts of the ingress's own address, for mail that names its recipient in a header or token. */
const ingressLocalParts = new Set(['brucke', 'bruecke'])

export interface SmtpIngress {
  host: string
  port: number
  stop(): Promise<void>
}

export interface SmtpIngressInput {
  deps: Deps
  /** Sends the denial replies (the relay's SMTP target: SMTP_URL or the local catch-all). */
  mailer: Mailer
  /** SIZE limit; defaults to {@link ingressMaxMessageBytes} (tests use a small one). */
  maxMessageBytes?: number
  /** The port to listen on; defaults to `SMTP_INGRESS_PORT` (0 = any free port). */
  port?: number
}

/** A reply to the client: the enhanced status code (RFC 3463) is part of the text. */
function reply(responseCode: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode })
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase()
}

function localPartOf(address: string): string {
  return address.slice(0, address.lastIndexOf('@')).toLowerCase()
}

function userOf(session: SMTPServerSession): IngressUser {
  return session.user as IngressUser
}

/**
 * The SMTP ingress (docs/design.md §3.3 step 1, issue 5 point 6): staff who stay in their mail client
 * send a case summary to Brücke, which reads consent, purpose, category and recipient from the
 * mail and submits it through exactly the same decision and outbox path as the REST API
 * (`submitTransfer`, channel `smtp_ingress`).
 *
 * - STARTTLS (RFC 3207) is offered and AUTH PLAIN/LOGIN (RFC 4954) is allowed only after it;
 *   only staff accounts authenticate; failures are limited per user name and per client address,
 *   each AUTH taking its slot before the password check (so parallel guesses gain nothing).
 * - At most `maxClients` connections at once, and fewer from one client address; a connection
 *   past either cap is greeted with 421 and closed.
 * - MAIL FROM must be in the staff's agency domain (the denial reply goes there, so nobody
 *   can make Brücke write to arbitrary addresses). One recipient per mail: a partner agency's
 *   functional mailbox, or `brucke@…` with the recipient in `X-Brucke-To` / `to=…`.
 * - Problems with the mail are answered at SMTP level (5xx), nothing stored. A denial by the
 *   consent check is answered 250 (the mail was taken and audited as `transfer_denied`) and a
 *   bounce-style reply lists the reasons in plain German, without the mail's content.
 * - The Message-ID is the mail's idempotency key (per sender): the same mail again gets the
 *   first 250 and no second transfer; another mail under a used Message-ID is refused (550).
 *
 * Logs carry ids and codes only, never subject, body or names.
 */
export async function startSmtpIngress(input: SmtpIngressInput): Promise<SmtpIngress> {
  const { deps, mailer } = input
  const maxMessageBytes = input.maxMessageBytes ?? ingressMaxMessageBytes
  const host = deps.config.host
  const configured = deps.config.smtpIngressPort
  const port = input.port ?? (configured === 'off' ? 0 : configured)
  const reportingHost = new URL(deps.config.publicUrl).hostname || 'localhost'
  const tls = await loadIngressTls({
    certFile: deps.config.smtpIngressTlsCertFile,
    keyFile: deps.config.smtpIngressTlsKeyFile,
    hostname: reportingHost,
    at: deps.clock.now(),
  })
  const budget = createLoginBudget(deps)
  const caps = ingressConnectionCapsOf(deps.config)
  // Open connections per client address, and the sessions counted in it (by connection id).
  const openByAddress = new Map<string, number>()
  const counted = new Map<string, string>()

  const server = new SMTPServer({
    secure: false,
    key: tls.key,
    cert: tls.cert,
    name: reportingHost,
    banner: 'Brücke SMTP ingress',
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: false,
    size: maxMessageBytes,
    disableReverseLookup: true,
    closeTimeout: 2_000,
    logger: false,
    maxClients: caps.maxClients,
    onConnect(session, callback) {
      const open = openByAddress.get(session.remoteAddress) ?? 0
      if (open >= caps.maxClientsPerAddress) {
        deps.log.info({ open }, 'smtp ingress: connection refused, too many from one address')
        return callback(
          reply(
            421,
            `${reportingHost} Zu viele Verbindungen von Ihrer Adresse, bitte später erneut. | Too many connections from your address, try again later.`,
          ),
        )
      }
      openByAddress.set(session.remoteAddress, open + 1)
      counted.set(session.id, session.remoteAddress)
      callback()
    },
    onClose(session) {
      const address = counted.get(session.id)
      if (address === undefined) return // refused at connect, never counted
      counted.delete(session.id)
      const open = (openByAddress.get(address) ?? 1) - 1
      if (open > 0) openByAddress.set(address, open)
      else openByAddress.delete(address)
    },
    onAuth(auth, session, callback) {
      authenticateIngressUser(deps, {
        username: auth.username ?? '',
        password: auth.password ?? '',
        remoteAddress: session.remoteAddress,
        budget,
      }).then(
        (result) => {
          if (result.ok) {
            deps.log.info({ userId: result.user.userId }, 'smtp ingress: authenticated')
            callback(null, { user: result.user })
          } else if (result.reason === 'rate_limited')
            callback(
              reply(
                454,
                '4.7.0 Zu viele Fehlversuche, bitte später erneut. | Too many failed attempts, try later.',
              ),
            )
          else
            callback(
              reply(
                535,
                '5.7.8 Kennung oder Passwort stimmen nicht. | Authentication credentials invalid.',
              ),
            )
        },
        (error: unknown) => {
          deps.log.error({ err: error }, 'smtp ingress: authentication failed unexpectedly')
          callback(
            reply(454, '4.7.0 Anmeldung gerade nicht möglich. | Temporary authentication failure.'),
          )
        },
      )
    },
    onMailFrom(address, session, callback) {
      const user = userOf(session)
      if (!address.address || domainOf(address.address) !== domainOf(user.agencyMailbox))
        return callback(
          reply(
            553,
            `5.7.1 Absender muss eine Adresse Ihrer Stelle sein (@${domainOf(user.agencyMailbox)}). | Sender must be in your agency's domain.`,
          ),
        )
      // An account disabled after AUTH sends nothing more over the open connection (issue 8).
      findUser(deps.db, user.userId).then(
        (account) =>
          callback(
            !account || account.disabled
              ? reply(530, '5.7.0 Konto gesperrt. | Account disabled.')
              : undefined,
          ),
        (error: unknown) => {
          deps.log.error({ err: error }, 'smtp ingress: account lookup failed')
          callback(reply(451, '4.3.0 Vorübergehender Fehler. | Temporary failure, try again.'))
        },
      )
    },
    onRcptTo(address, session, callback) {
      if (session.envelope.rcptTo.length > 0)
        return callback(
          reply(550, '5.5.3 Nur eine Empfängerin je Mail. | One recipient agency per mail.'),
        )
      resolveRecipient(address.address, userOf(session)).then(
        (problem) => callback(problem),
        (error: unknown) => {
          deps.log.error({ err: error }, 'smtp ingress: recipient lookup failed')
          callback(reply(451, '4.3.0 Vorübergehender Fehler. | Temporary failure, try again.'))
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
          deps.log.info({ userId: userOf(session).userId }, 'smtp ingress: mail too large')
          return callback(
            reply(
              552,
              `5.3.4 Mail zu groß (höchstens ${Math.max(1, Math.floor(maxMessageBytes / 1_000_000))} MB). | Message too large.`,
            ),
          )
        }
        handleMail(Buffer.concat(chunks), session).then(
          (text) => callback(null, text),
          (error: unknown) => callback(error instanceof Error ? error : reply(451, '4.3.0')),
        )
      })
    },
  })

  /** undefined when the address names a partner agency or the ingress itself; else the refusal. */
  async function resolveRecipient(address: string, user: IngressUser): Promise<Error | undefined> {
    if (ingressLocalParts.has(localPartOf(address))) return undefined
    const agency = await findAgencyByMailbox(deps.db, address)
    if (!agency)
      return reply(
        550,
        '5.1.1 Unbekannte Empfängerin: keine Partnerstelle mit diesem Funktionspostfach. | Unknown recipient agency.',
      )
    if (agency.id === user.agencyId)
      return reply(
        550,
        '5.1.1 Ihre eigene Stelle ist keine Empfängerin. | Your own agency is no recipient.',
      )
    return undefined
  }

  async function handleMail(raw: Buffer, session: SMTPServerSession): Promise<string> {
    const user = userOf(session)
    const rcpt = session.envelope.rcptTo[0]?.address ?? ''
    const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : ''
    const malformed = reply(
      554,
      '5.6.0 Mail nicht lesbar (fehlerhaftes Format). | Malformed message.',
    )
    if (raw.includes(0)) throw malformed
    let parsed: Awaited<ReturnType<typeof simpleParser>>
    try {
      parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true })
    } catch {
      throw malformed
    }
    if (!parsed.headers.has('from')) throw malformed
    const rcptAgency = ingressLocalParts.has(localPartOf(rcpt))
      ? undefined
      : await findAgencyByMailbox(deps.db, rcpt)
    const mail: IngressMail = {
      subject: parsed.subject ?? '',
      header: (name) => {
        const value = parsed.headers.get(name)
        return typeof value === 'string' ? value : undefined
      },
      text: parsed.text ?? '',
      attachments: parsed.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    }
    const reading = readIngressMail(mail, { rcptAgencyId: rcptAgency?.id, vocabulary })
    if (!reading.ok) {
      deps.log.info(
        { userId: user.userId, problems: reading.problems.map((p) => p.code) },
        'smtp ingress: mail refused',
      )
      throw reply(550, describeIngressProblems(reading.problems))
    }
    const transfer = reading.transfer
    const recipient = await findAgency(deps.db, transfer.to)
    if (!recipient || recipient.id === user.agencyId)
      throw reply(550, '5.1.1 Unbekannte Empfängerin. | Unknown recipient agency.')
    // A mail client that lost the 250 sends the same mail again, with the same Message-ID: it
    // is the mail's idempotency key, so the second copy gets the first answer, not a transfer.
    const messageId = parsed.messageId?.trim()
    const claim: IdempotencyClaim | undefined = messageId
      ? {
          agencyId: user.agencyId,
          principal: `user:${user.userId}`,
          channel: 'smtp',
          key: messageId,
          operation: 'transfer.submit',
          request: transfer,
        }
      : undefined
    try {
      const { result: queued, replayed } = await runIdempotently(deps, claim, {
        status: 202,
        run: (recordOutcome) =>
          submitTransfer(deps, {
            caller: { actor: `user:${user.userId}`, userId: user.userId, agencyId: user.agencyId },
            transfer,
            channel: 'smtp_ingress',
            ...(recordOutcome ? { recordOutcome } : {}),
          }),
        replay: (stored) => Promise.resolve({ id: stored.resourceId }),
      })
      deps.log.info(
        { userId: user.userId, transferId: queued.id, channel: 'smtp_ingress', replayed },
        replayed
          ? 'smtp ingress: mail seen before, first outcome'
          : 'smtp ingress: transfer queued',
      )
      return `2.0.0 queued as ${queued.id}`
    } catch (error) {
      if (error instanceof ApiError && error.code === 'idempotency_key_reused') {
        deps.log.info({ userId: user.userId, code: error.code }, 'smtp ingress: mail refused')
        throw reply(
          550,
          '5.7.0 Diese Message-ID gehört schon zu einer anderen Mail; bitte als neue Mail senden. | Message-ID already used for a different message.',
        )
      }
      if (!(error instanceof RelayError)) {
        deps.log.error({ err: error, userId: user.userId }, 'smtp ingress: submit failed')
        throw reply(451, '4.3.0 Interner Fehler, bitte später erneut. | Internal error, try later.')
      }
      if (error.code !== 'transfer_denied') {
        deps.log.info({ userId: user.userId, code: error.code }, 'smtp ingress: transfer refused')
        const german = isTransferRefusal(error.code)
          ? `${explainTransferRefusal(error.code, 'de')} | `
          : ''
        throw reply(550, `5.7.0 ${german}${error.message} (${error.code})`)
      }
      const reasons = deniedReasonsSchema.parse(error.details?.reasons ?? [])
      deps.log.info({ userId: user.userId, reasons }, 'smtp ingress: transfer denied')
      await sendDenialReply({ user, transfer, reasons, mailFrom, rcpt, parsed, recipient })
      return '2.0.0 angenommen, aber nicht übermittelt: siehe Antwort-Mail | accepted, transfer denied: see the reply'
    }
  }

  async function sendDenialReply(denial: {
    user: IngressUser
    transfer: TransferInput
    reasons: string[]
    mailFrom: string
    rcpt: string
    parsed: { messageId?: string | undefined }
    recipient: { id: string; name: string }
  }): Promise<void> {
    const { transfer, reasons } = denial
    const facts = await findConsentFacts(deps.db, transfer.consentId)
    // Validity is shown only for a consent the staff's agency is a party to (as in the staff UI).
    const visible =
      facts &&
      (facts.senders.includes(denial.user.agencyId) ||
        facts.recipients.includes(denial.user.agencyId))
    const purposeLabel = vocabulary.purposes[transfer.purpose]?.label.de ?? transfer.purpose
    const context = {
      recipientName: denial.recipient.name,
      purposeLabel,
      ...(visible ? { validFrom: facts.validFrom, validUntil: facts.validUntil } : {}),
    }
    const at = deps.clock.now()
    const raw = await composeDenialReply({
      to: denial.mailFrom,
      from: denial.user.agencyMailbox,
      messageId: `<${deps.ids.newId('bounce')}@${domainOf(denial.user.agencyMailbox)}>`,
      at,
      reportingHost,
      originalMessageId: plainMessageId(denial.parsed.messageId),
      originalRecipient: denial.rcpt,
      consentId: transfer.consentId,
      recipient: denial.recipient,
      purpose: { id: transfer.purpose, label: purposeLabel },
      reasons,
      reasonTexts: reasons.map((r) => explainDenyReason(r, 'de', vocabulary, context)),
    })
    try {
      // Null reverse-path (RFC 5321 §4.5.5): a notification is never answered by another.
      await mailer.send({ from: '', to: [denial.mailFrom], raw })
    } catch (error) {
      deps.log.warn(
        { userId: denial.user.userId, code: (error as { kind?: string }).kind },
        'smtp ingress: denial reply not sent',
      )
      // The sender must learn of the denial: when the reply cannot go out, say it here.
      throw reply(
        550,
        `5.7.1 Übermittlung abgelehnt (keine passende Einwilligung): ${reasons.join(', ')} | Transfer denied`.slice(
          0,
          400,
        ),
      )
    }
  }

  return listenSmtp(server, {
    deps,
    host,
    port,
    name: 'SMTP ingress',
    setting: 'SMTP_INGRESS_PORT',
    tlsSource: tls.source,
  })
}
