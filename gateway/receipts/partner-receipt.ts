import MailComposer from 'nodemailer/lib/mail-composer/index.js'
import { z } from 'zod'
import { identifierSchema } from '../../accounts/account-schemas.ts'

/** Refusal codes travel as snake_case words (the receiving gateway's quarantine reasons). */
export const receiptReasonSchema = z.string().regex(/^[a-z][a-z0-9_]{1,59}$/)

/** An RFC 5322 Message-ID as Brücke writes them (`<id@domain>`), bounded. */
const messageIdSchema = z.string().regex(/^<[^<>\s]{3,250}>$/)

/**
 * The headers of a partner receipt, all inside the signature (issue 16 point 7). Read from the
 * verified MIME entity; a receipt with a missing, doubled or malformed one is not a receipt.
 */
export const partnerReceiptHeadersSchema = z
  .strictObject({
    /** The sender's transfer id the receipt answers. */
    receiptFor: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
    /** The Message-ID of the message the partner received. */
    receivedMessageId: messageIdSchema,
    outcome: z.enum(['accepted', 'refused']),
    reason: receiptReasonSchema.optional(),
    /** The receiving agency, which signs the receipt. */
    sender: identifierSchema,
    /** The original sender agency, to which the receipt goes. */
    recipient: identifierSchema,
    /** SHA-256 of the message as the partner received it. */
    envelopeSha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .refine((r) => (r.outcome === 'refused') === (r.reason !== undefined), {
    message: 'a refusal names its reason, an acceptance none',
  })
export type PartnerReceiptHeaders = z.infer<typeof partnerReceiptHeadersSchema>

/** The header names, as they stand in the signed entity. */
export const receiptHeaderNames = {
  receiptFor: 'X-Brucke-Receipt-For',
  receivedMessageId: 'X-Brucke-Receipt-Message-Id',
  outcome: 'X-Brucke-Receipt-Outcome',
  reason: 'X-Brucke-Receipt-Reason',
  sender: 'X-Brucke-Sender',
  recipient: 'X-Brucke-Recipient',
  envelopeSha256: 'X-Brucke-Envelope-Sha256',
} as const satisfies Record<keyof PartnerReceiptHeaders, string>

/** The plain German text of a receipt; it names codes and ids only, no person and no content. */
export function renderPartnerReceiptText(receipt: PartnerReceiptHeaders): string {
  const lines = [
    'Empfangsbestätigung der Partnerstelle',
    '',
    'Sehr geehrte Damen und Herren,',
    '',
    receipt.outcome === 'accepted'
      ? 'Ihre Übermittlung ist bei unserem Brücke-Gateway eingegangen. Entschlüsselung, Signatur, ' +
        'Zertifikate und die gebundenen Angaben wurden geprüft; die Übermittlung wurde angenommen.'
      : 'Ihre Übermittlung ist bei unserem Brücke-Gateway eingegangen, wurde aber bei der Prüfung ' +
        'abgelehnt und den Mitarbeitenden nicht als eingegangen angezeigt.',
    '',
    `Übermittlung: ${receipt.receiptFor}`,
    `Message-ID: ${receipt.receivedMessageId}`,
    `Ergebnis: ${receipt.outcome === 'accepted' ? 'angenommen' : 'abgelehnt'}`,
    ...(receipt.reason ? [`Grund (Code): ${receipt.reason}`] : []),
    `SHA-256 der empfangenen Nachricht: ${receipt.envelopeSha256}`,
    '',
    'Diese Bestätigung wurde automatisch erstellt und von unserer Stelle signiert.',
    '',
  ]
  return lines.join('\n')
}

/**
 * The inner MIME entity of a receipt: the receipt headers (signed with everything else by
 * `sealMessage`), a German text body, and nothing about the person.
 */
export async function composePartnerReceipt(input: {
  receipt: PartnerReceiptHeaders
  /** The receipt's own id and Message-ID. */
  receiptId: string
  messageId: string
  from: { name: string; mailbox: string }
  toMailbox: string
  at: Date
}): Promise<Buffer> {
  const { receipt } = input
  const n = receiptHeaderNames
  return new MailComposer({
    from: { name: input.from.name, address: input.from.mailbox },
    to: input.toMailbox,
    subject: `Empfangsbestätigung ${receipt.receiptFor}`,
    messageId: input.messageId,
    date: input.at,
    headers: {
      'X-Brucke-Transfer-Id': input.receiptId,
      [n.receiptFor]: receipt.receiptFor,
      [n.receivedMessageId]: receipt.receivedMessageId,
      [n.outcome]: receipt.outcome,
      ...(receipt.reason ? { [n.reason]: receipt.reason } : {}),
      [n.sender]: receipt.sender,
      [n.recipient]: receipt.recipient,
      [n.envelopeSha256]: receipt.envelopeSha256,
    },
    text: renderPartnerReceiptText(receipt),
    textEncoding: 'base64',
  })
    .compile()
    .build()
}

export type ReadPartnerReceiptResult =
  | { ok: true; receipt: PartnerReceiptHeaders }
  | { ok: false; code: 'not_a_receipt' | 'receipt_malformed' }

/**
 * Reads the receipt headers from a verified, signed MIME entity (the `mimeEntity` of
 * `decryptAndVerify`): only the header section, unfolded (RFC 5322 §2.2.3). `not_a_receipt` when
 * it carries no `X-Brucke-Receipt-For`; a header given twice is malformed, never "the first one".
 */
export function readPartnerReceipt(mimeEntity: Buffer): ReadPartnerReceiptResult {
  const text = mimeEntity.toString('latin1')
  const end = text.search(/\r?\n\r?\n/)
  const section = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ')
  const found = new Map<string, string[]>()
  for (const line of section.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    found.set(name, [...(found.get(name) ?? []), line.slice(colon + 1).trim()])
  }
  if (!found.has(receiptHeaderNames.receiptFor.toLowerCase()))
    return { ok: false, code: 'not_a_receipt' }
  const fields: Record<string, string> = {}
  for (const [field, header] of Object.entries(receiptHeaderNames)) {
    const values = found.get(header.toLowerCase())
    if (values === undefined) continue
    if (values.length !== 1) return { ok: false, code: 'receipt_malformed' }
    fields[field] = values[0] as string
  }
  const parsed = partnerReceiptHeadersSchema.safeParse(fields)
  return parsed.success
    ? { ok: true, receipt: parsed.data }
    : { ok: false, code: 'receipt_malformed' }
}
