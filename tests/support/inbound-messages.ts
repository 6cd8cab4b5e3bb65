import { randomBytes } from 'node:crypto'
import { signCms } from '../../crypto/cms-sign.ts'
import { encryptCms } from '../../crypto/cms-encrypt.ts'
import type { PrivateKey } from '../../crypto/private-key-operations.ts'
import { wrapMultipartSigned, wrapPkcs7Mime } from '../../crypto/smime-message.ts'

/** Text inside every test message: it must never appear in a stored row. */
export const inboundMarker = 'KRANICHFLUG-4471-Hilfeplangespraech'

/** The binding headers of a case summary jc-demo → ja-demo (as compose-message writes them). */
export function bindingHeadersFor(
  overrides: Record<string, string | null> = {},
): Record<string, string> {
  const base: Record<string, string | null> = {
    'Message-ID': `<${randomBytes(8).toString('hex')}@jc-demo.example>`,
    'X-Brucke-Transfer-Id': `tr-${randomBytes(6).toString('hex')}`,
    'X-Brucke-Consent-Id': 'con-test-1',
    'X-Brucke-Consent-Text-Sha256': 'a'.repeat(64),
    'X-Brucke-Purpose': 'hilfeplanung',
    'X-Brucke-Categories': 'schule, berufswahl',
    'X-Brucke-Sender': 'jc-demo',
    'X-Brucke-Recipient': 'ja-demo',
    ...overrides,
  }
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(base)) if (value !== null) headers[name] = value
  return headers
}

/** The inner MIME entity (CRLF) with the given headers and a text body holding the marker. */
export function innerEntity(headers: Record<string, string>, body = inboundMarker): Buffer {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit')
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\nFallverlauf: ${body}\r\n`)
}

export interface TestSigner {
  key: PrivateKey
  certificate: Buffer
}

/** multipart/signed over the entity (RFC 8551 §3.5.3), as Brücke's sender signs. */
export function signEntity(entity: Buffer, signer: TestSigner, at: Date): Buffer {
  const signature = signCms({ content: entity, signer, at, detached: true })
  return wrapMultipartSigned(entity, signature)
}

/** The encrypted application/pkcs7-mime entity over `content` for one recipient certificate. */
export function encryptEntity(
  content: Buffer,
  recipient: { certificate: Buffer },
  contentEncryption: 'aes-256-gcm' | 'aes-256-cbc',
): Buffer {
  const der = encryptCms({
    content,
    recipients: [
      {
        certificate: recipient.certificate,
        keyTransport: contentEncryption === 'aes-256-gcm' ? 'rsa-oaep' : 'rsa-pkcs1',
      },
    ],
    contentEncryption,
  })
  return wrapPkcs7Mime(
    der,
    contentEncryption === 'aes-256-gcm' ? 'authEnveloped-data' : 'enveloped-data',
  )
}

/** Neutral outer headers (as seal-message writes them) in front of an S/MIME entity. */
export function outerMessage(
  entity: Buffer,
  input: { from: string; to: string; messageId?: string; extra?: Record<string, string> },
): Buffer {
  const lines = [
    `From: ${input.from}`,
    `To: ${input.to}`,
    'Subject: Bruecke transfer',
    ...(input.messageId ? [`Message-ID: ${input.messageId}`] : []),
    'Date: Mon, 02 Mar 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    ...Object.entries(input.extra ?? {}).map(([name, value]) => `${name}: ${value}`),
  ]
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n'), entity])
}

/** A complete sealed message: sign the entity, encrypt it to the recipient, outer headers. */
export function sealedTestMessage(input: {
  headers: Record<string, string>
  signer: TestSigner
  recipient: { certificate: Buffer; mailbox: string }
  contentEncryption: 'aes-256-gcm' | 'aes-256-cbc'
  at: Date
  from?: string
}): Buffer {
  const signed = signEntity(innerEntity(input.headers), input.signer, input.at)
  return outerMessage(encryptEntity(signed, input.recipient, input.contentEncryption), {
    from: input.from ?? 'u25@jc-demo.example',
    to: input.recipient.mailbox,
    ...(input.headers['Message-ID'] ? { messageId: input.headers['Message-ID'] } : {}),
  })
}
