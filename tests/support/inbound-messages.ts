import { randomBytes } from 'node:crypto'
import {
  buildConsentAttestation,
  type ConsentAttestation,
} from '../../consent/consent-attestation.ts'
import {
  attestationAttachment,
  attestationHashHeader,
  encodeAttestation,
} from '../../gateway/relay/attestation-part.ts'
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

/**
 * The consent attestation a sender would attach for these binding headers (issue 16 point 4):
 * an active consent covering exactly the signed sender, recipient, purpose and categories.
 */
export function attestationFor(headers: Record<string, string>): ConsentAttestation {
  const categories = (headers['X-Brucke-Categories'] ?? 'schule').split(',').map((c) => c.trim())
  return buildConsentAttestation(
    {
      id: headers['X-Brucke-Consent-Id'] ?? 'con-test-1',
      kind: 'einwilligung',
      scope: 'standing',
      senders: [headers['X-Brucke-Sender'] ?? 'jc-demo'],
      recipients: [headers['X-Brucke-Recipient'] ?? 'ja-demo'],
      purposes: [headers['X-Brucke-Purpose'] ?? 'hilfeplanung'],
      categories,
      deselectedCategories: [],
      deselectedRecipients: [],
      validFrom: '2026-01-01',
      validUntil: '2027-12-31',
      entrustedCategories: [],
      requiredSignatories: ['youth'],
      discardedAt: null,
      declinedAt: null,
      lapsedAt: null,
      renewedAt: null,
      text: { templateId: 'einwilligung-standard', version: 1, sha256: 'a'.repeat(64) },
      signatures: [{ role: 'youth', signedAt: '2026-03-02T09:00:00.000Z', method: 'kiosk_drawn' }],
      revocation: null,
    },
    new Date('2026-03-02T10:00:00.000Z'),
  )
}

/**
 * The inner MIME entity (CRLF) with the given headers: a text part holding the marker and, as a
 * sender writes it, the consent attestation as a second part bound by its signed hash — unless
 * `attestation` is null (a message without one).
 */
export function innerEntity(
  headers: Record<string, string>,
  body = inboundMarker,
  attestation: ConsentAttestation | null = attestationFor(headers),
): Buffer {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
  const text = `Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nFallverlauf: ${body}\r\n`
  if (attestation === null) return Buffer.from(`${lines.join('\r\n')}\r\n${text}`)
  const encoded = encodeAttestation(attestation)
  const boundary = `b-${randomBytes(8).toString('hex')}`
  lines.push(
    `${attestationHashHeader}: ${encoded.sha256}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  )
  return Buffer.from(
    `${lines.join('\r\n')}\r\n\r\n--${boundary}\r\n${text}--${boundary}\r\n` +
      `${attestationAttachment(encoded).raw}\r\n--${boundary}--\r\n`,
  )
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
  /** The attestation inside (default: one covering the headers); null for none. */
  attestation?: ConsentAttestation | null
}): Buffer {
  const entity =
    input.attestation === undefined
      ? innerEntity(input.headers)
      : innerEntity(input.headers, inboundMarker, input.attestation)
  const signed = signEntity(entity, input.signer, input.at)
  return outerMessage(encryptEntity(signed, input.recipient, input.contentEncryption), {
    from: input.from ?? 'u25@jc-demo.example',
    to: input.recipient.mailbox,
    ...(input.headers['Message-ID'] ? { messageId: input.headers['Message-ID'] } : {}),
  })
}
