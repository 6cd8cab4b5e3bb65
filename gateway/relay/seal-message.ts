import { createHash } from 'node:crypto'
import { signAndEncrypt, signAndEncryptWithCopy } from '../../crypto/smime.ts'
import type { RecipientIdentity, SenderIdentity } from './ports.ts'

export interface SealMessageInput {
  /** The inner MIME entity with CRLF line ends. */
  entity: Buffer
  signer: SenderIdentity
  recipient: RecipientIdentity
  /**
   * Also encrypt to the sender's own certificate, for its records (docs/design.md §3.3): the
   * message carries a second RecipientInfo, and `senderCopy` is the same envelope with the
   * sender's alone.
   */
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
  /**
   * With `encryptToSender`: the S/MIME entity (`application/pkcs7-mime`) of the same signed and
   * encrypted content that only the sender's key opens — kept after delivery as its record of
   * what it sent. Null otherwise.
   */
  senderCopy: string | null
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
  const signer = {
    key: input.signer.key,
    certificate: input.signer.certificate,
    chain: input.signer.chain,
  }
  const mimeEntity = stripTrailingNewlines(input.entity)
  let entity: Buffer
  let senderCopy: string | null = null
  if (input.encryptToSender) {
    recipients.push({ certificate: input.signer.certificate, profile: input.recipient.profile })
    const sealed = signAndEncryptWithCopy({
      mimeEntity,
      signer,
      recipients,
      at: input.at,
      copyFor: 1,
    })
    entity = sealed.message
    senderCopy = sealed.copy.toString('latin1')
  } else entity = signAndEncrypt({ mimeEntity, signer, recipients, at: input.at })
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
    senderCopy,
  }
}
