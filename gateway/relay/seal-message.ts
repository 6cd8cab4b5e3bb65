import { createHash, randomBytes } from 'node:crypto'
import { encryptCms } from '../../crypto/cms-encrypt.ts'
import { signCms } from '../../crypto/cms-sign.ts'
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
}

const crlf = '\r\n'

function base64Lines(der: Buffer): string {
  return (der.toString('base64').match(/.{1,76}/g) ?? []).join(crlf)
}

function stripTrailingNewlines(entity: Buffer): Buffer {
  let end = entity.length
  while (end > 0 && (entity[end - 1] === 0x0a || entity[end - 1] === 0x0d)) end--
  return entity.subarray(0, end)
}

/**
 * Signs the entity as multipart/signed (RFC 8551 §3.5.3, RFC 1847: detached SHA-256 SignedData
 * over exactly the bytes of the first body part) and encrypts that to the recipient under its
 * profile (RFC 8551 §3.3): `modern` → AuthEnvelopedData AES-256-GCM with RSA-OAEP or ECDH,
 * `compatible` → EnvelopedData AES-256-CBC with RSA PKCS#1 v1.5. The outer headers name only
 * the functional mailboxes and the transfer id — no personal data.
 */
export function sealMessage(input: SealMessageInput): SealedMessage {
  const content = stripTrailingNewlines(input.entity)
  const signature = signCms({
    content,
    signer: {
      key: input.signer.key,
      certificate: input.signer.certificate,
      chain: input.signer.chain,
    },
    at: input.at,
    detached: true,
  })
  const boundary = `brucke-signed-${randomBytes(12).toString('hex')}`
  const signed = Buffer.concat([
    Buffer.from(
      `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;${crlf} boundary="${boundary}"${crlf}${crlf}` +
        `This is an S/MIME signed message.${crlf}${crlf}--${boundary}${crlf}`,
    ),
    content,
    Buffer.from(
      `${crlf}--${boundary}${crlf}` +
        `Content-Type: application/pkcs7-signature; name="smime.p7s"${crlf}` +
        `Content-Transfer-Encoding: base64${crlf}` +
        `Content-Disposition: attachment; filename="smime.p7s"${crlf}${crlf}` +
        `${base64Lines(signature)}${crlf}--${boundary}--${crlf}`,
    ),
  ])
  const modern = input.recipient.profile === 'modern'
  const keyTransport = modern ? 'rsa-oaep' : 'rsa-pkcs1'
  const recipients = [{ certificate: input.recipient.certificate, keyTransport } as const]
  if (input.encryptToSender)
    recipients.push({ certificate: input.signer.certificate, keyTransport } as const)
  const enveloped = encryptCms({
    content: signed,
    recipients,
    contentEncryption: modern ? 'aes-256-gcm' : 'aes-256-cbc',
  })
  const smimeType = modern ? 'authEnveloped-data' : 'enveloped-data'
  const raw =
    [
      `From: ${input.signer.mailbox}`,
      `To: ${input.recipient.mailbox}`,
      `Subject: Bruecke transfer ${input.transferId}`,
      `Message-ID: ${input.messageId}`,
      `Date: ${input.at.toUTCString().replace('GMT', '+0000')}`,
      'MIME-Version: 1.0',
      `Content-Type: application/pkcs7-mime; smime-type=${smimeType}; name="smime.p7m"`,
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7m"',
      '',
      base64Lines(enveloped),
    ].join(crlf) + crlf
  return { raw, sha256: createHash('sha256').update(raw).digest('hex') }
}
