import { readFileSync } from 'node:fs'
import MimeNode from 'nodemailer/lib/mime-node/index.js'
import { z } from 'zod'

const denialTextsSchema = z.strictObject({
  subject: z.string().min(1),
  heading: z.string().min(1),
  intro: z.string().min(1),
  labels: z.strictObject({
    message: z.string(),
    received: z.string(),
    consent: z.string(),
    recipient: z.string(),
    purpose: z.string(),
    reasons: z.string(),
  }),
  privacy: z.string().min(1),
  closing: z.string().min(1),
  signature: z.string().min(1),
})

/** The reply's wording (templates/mail/ingress-denial.json), validated at start. */
export const denialReplyTexts = denialTextsSchema.parse(
  JSON.parse(
    readFileSync(new URL('../../templates/mail/ingress-denial.json', import.meta.url), 'utf8'),
  ),
)

export interface DenialReplyInput {
  /** The envelope sender of the denied mail (checked to be in the staff's agency domain). */
  to: string
  /** The sending agency's functional mailbox, shown as the reply's author. */
  from: string
  messageId: string
  at: Date
  /** The gateway's host name for the delivery-status part. */
  reportingHost: string
  /** The denied mail's Message-ID, so the sender can tell which mail it was. */
  originalMessageId: string | undefined
  /** The RCPT TO address the mail was sent to. */
  originalRecipient: string
  consentId: string
  recipient: { id: string; name: string }
  purpose: { id: string; label: string }
  reasons: readonly string[]
  /** One plain German sentence per reason, in the same order. */
  reasonTexts: readonly string[]
}

/** A Message-ID as the client wrote it, or nothing when it is not a plain `<…>` token. */
export function plainMessageId(value: string | undefined): string | undefined {
  return value && /^<[\x21-\x3d\x3f-\x7e]{1,200}>$/.test(value) ? value : undefined
}

/** The human part: what happened, the identifiers, one line per reason — never mail content. */
export function renderDenialReply(input: DenialReplyInput): string {
  const t = denialReplyTexts
  const l = t.labels
  const lines = [t.heading, '', t.intro, '']
  if (input.originalMessageId) lines.push(`${l.message}: ${input.originalMessageId}`)
  lines.push(
    `${l.received}: ${input.at.toISOString()}`,
    `${l.consent}: ${input.consentId}`,
    `${l.recipient}: ${input.recipient.name} (${input.recipient.id})`,
    `${l.purpose}: ${input.purpose.label} (${input.purpose.id})`,
    '',
    `${l.reasons}:`,
  )
  input.reasonTexts.forEach((text, i) => lines.push(`- ${text} [${input.reasons[i] ?? ''}]`))
  lines.push('', t.privacy, '', t.closing, '', '-- ', t.signature, '')
  return lines.join('\r\n')
}

/**
 * The bounce-style reply to a denied ingress mail: a delivery status notification (RFC 3464,
 * `multipart/report; report-type=delivery-status`) whose first part explains in plain German,
 * and whose second part states the failure machine-readably with status 5.7.1 and the deny
 * codes. The original message is deliberately not returned (RFC 3464 §2 makes it optional):
 * that would put case data in a clear mail. Marked `Auto-Submitted: auto-replied` (RFC 3834)
 * so no mail system answers it.
 */
export async function composeDenialReply(input: DenialReplyInput): Promise<string> {
  const root = new MimeNode('multipart/report; report-type=delivery-status')
  root.setHeader({
    From: `"Brücke" <${input.from}>`,
    To: input.to,
    Subject: denialReplyTexts.subject,
    'Message-ID': input.messageId,
    Date: input.at.toUTCString().replace('GMT', '+0000'),
    'Auto-Submitted': 'auto-replied',
    ...(input.originalMessageId
      ? { 'In-Reply-To': input.originalMessageId, References: input.originalMessageId }
      : {}),
  })
  root
    .createChild('text/plain; charset=utf-8')
    .setHeader('Content-Transfer-Encoding', 'quoted-printable')
    .setContent(renderDenialReply(input))
  const status = [
    `Reporting-MTA: dns; ${input.reportingHost}`,
    `Arrival-Date: ${input.at.toUTCString().replace('GMT', '+0000')}`,
    '',
    `Final-Recipient: rfc822; ${input.originalRecipient}`,
    'Action: failed',
    'Status: 5.7.1',
    `Diagnostic-Code: smtp; 550 5.7.1 transfer_denied: ${input.reasons.join(', ')}`.slice(0, 900),
    '',
  ].join('\r\n')
  root.createChild('message/delivery-status').setContent(status)
  return (await root.build()).toString('utf8')
}
