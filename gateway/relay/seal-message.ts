import { createHash } from 'node:crypto'
import { signAndEncrypt } from '../../crypto/smime.ts'
import type { RecipientIdentity, SenderIdentity } from './ports.ts'

export interface SealMessageInput {
  /** The inner MIME entity with CRLF line ends. */
  entity: Buffer
  signer: SenderIdentity
  recipient: RecipientIdentity
  /** Also encrypt to the sender's own certificate, for its records. */
  encryptToSender: boolean
  at: Date
  transferId: string
  messageId: string
}

export interface SealedMessage {
  /** The complete RFC 5322 message: neutral outer headers + S/MIME enveloped body. */
  raw: string
  sha256: string
  /** The addresses of its `From:` and `To:`: the SMTP envelope it is delivered with (RFC 5321). */
  senderMailbox: string
  recipientMailbox: string
}

const crlf = '\r\n'

function stripTrailingNewlines(entity: Buffer): Buffer {
  let end = entity.length
  while (end > 0 && (entity[end - 1] === 0x0a || entity[end - 1] === 0x0d)) end--
  return entity.subarray(0, end)
}

/**
 * Signs the entity as multipart/signed and encrypts that to the recipient under its profile with
 * the S/MIME area's `signAndEncrypt` (RFC 8551 §3.6: `modern` → AuthEnvelopedData AES-256-GCM
 * with RSA-OAEP or ECDH, `compatible` → EnvelopedData AES-256-CBC with RSA PKCS#1 v1.5), then puts
 * neutral outer headers in front: only the functional mailboxes and the transfer id — no personal
 * data (RFC 5322 §3.6).
 */
export function sealMessage(input: SealMessageInput): SealedMessage {
  const recipients = [
    { certificate: input.recipient.certificate, profile: input.recipient.profile },
  ]
  if (input.encryptToSender)
    recipients.push({ certificate: input.signer.certificate, profile: input.recipient.profile })
  const entity = signAndEncrypt({
    mimeEntity: stripTrailingNewlines(input.entity),
    signer: {
      key: input.signer.key,
      certificate: input.signer.certificate,
      chain: input.signer.chain,
    },
    recipients,
    at: input.at,
  })
  const headers =
    [
      `From: ${input.signer.mailbox}`,
      `To: ${input.recipient.mailbox}`,
      `Subject: Bruecke transfer ${input.transferId}`,
      `Message-ID: ${input.messageId}`,
      `Date: ${input.at.toUTCString().replace('GMT', '+0000')}`,
      'MIME-Version: 1.0',
    ].join(crlf) + crlf
  const raw = headers + entity.toString('latin1')
  return {
    raw,
    sha256: createHash('sha256').update(raw).digest('hex'),
    senderMailbox: input.signer.mailbox,
    recipientMailbox: input.recipient.mailbox,
  }
}
